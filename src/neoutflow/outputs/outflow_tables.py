"""Tables of the outflow chapter: formatted Markdown for the report, full-precision CSV beside it.

The Markdown follows the project's table convention (pipe table, then the Quarto
caption line ``: 标题 {#tbl-name}``; see :func:`neoutflow.outputs.tables.to_markdown`);
the CSV keeps every column unrounded so readers can recompute.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from neoutflow import atomic
from neoutflow.outputs.results import format_number
from neoutflow.outputs.tables import to_markdown

WAN = 1e4


def format_columns(
    frame: pd.DataFrame, formats: Mapping[str, tuple[int, float]], headers: Mapping[str, str]
) -> pd.DataFrame:
    """Keep the columns of ``headers`` (in that order), format numbers, rename to Chinese.

    ``formats``: ``{column: (digits, scale)}``, e.g. ``(1, 1e4)`` for 万 with one
    decimal; columns not in ``formats`` are shown as they are. Missing values print "—".
    """
    missing = [c for c in headers if c not in frame.columns]
    if missing:
        raise ValueError(f"table lacks columns {missing}; has {list(frame.columns)}")
    unknown = [c for c in formats if c not in headers]
    if unknown:
        raise ValueError(f"formats given for columns not shown: {unknown}")
    out = pd.DataFrame(index=frame.index)
    for col, header in headers.items():
        if col in formats:
            digits, scale = formats[col]
            out[header] = [format_number(v, digits, scale) if pd.notna(v) else "—" for v in frame[col]]
        else:
            out[header] = frame[col].astype(str).to_numpy()
    return out.reset_index(drop=True)


def _write(path: Path, text: str, encoding: str) -> Path:
    atomic.write_text(path, text, encoding=encoding)
    return path


def write_table(
    shown: pd.DataFrame,
    full: pd.DataFrame,
    directory: Path | str,
    name: str,
    caption: str,
    note: str | None = None,
    sources: Sequence[str] = (),
) -> tuple[Path, Path]:
    """``<directory>/<name>.md`` from ``shown`` (formatted) and ``<name>.csv`` from ``full``.

    The CSV is UTF-8 with a BOM so that spreadsheet programs read the Chinese correctly.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    md = _write(directory / f"{name}.md", to_markdown(shown, caption, name, note, sources), "utf-8")
    csv = _write(directory / f"{name}.csv", full.to_csv(index=False, lineterminator="\n"), "utf-8-sig")
    return md, csv
