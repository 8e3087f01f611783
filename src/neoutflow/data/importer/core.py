"""What every reader of the importer shares: the errors, the parsed-table records, cells and region names."""

from __future__ import annotations

import csv
import difflib
import io
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from neoutflow.data.files import RAW_FILES
from neoutflow.reference import NATIONAL_CODE, short_province_name

EARLIEST_YEAR = 1949
IMPORT_COMMAND = "python -m neoutflow.data.importer"
LABEL = re.compile(r"^(?P<label>[^()（）]+?)\s*[(（](?P<unit>[^()（）]+)[)）]\s*$")
YEAR_CELL = re.compile(r"^\s*(\d{4})\s*年?\s*$")


class ImportFailure(ValueError):
    """A file that cannot be imported; the message says what was expected."""


class LayoutError(ImportFailure):
    pass


class RegionError(ImportFailure):
    pass


class UnitError(ImportFailure):
    pass


class YearError(ImportFailure):
    pass


class ConflictError(ImportFailure):
    pass


@dataclass
class Parsed:
    """Tidy rows for one raw file, read from one source table."""

    resource: str
    rows: pd.DataFrame
    table: str
    unit: str
    kind: str


@dataclass(frozen=True)
class Layout:
    """One official layout the importer reads: how to recognise it and how to convert it.

    ``read(path, raw_dir, source, grid, year=None, indicators=None)`` returns the parsed tables (the census
    yearbook layouts also take ``boundaries=``, a county table to regroup older boundaries by); ``expected``
    describes the layout for the "not recognised" message; ``source`` is the default key of the rows'
    ``source`` column; ``grids``: file suffix → reader of the grid, for containers only this layout reads
    (e.g. ``.js`` for a matrix embedded in a script), instead of :func:`read_grid`.
    """

    kind: str
    source: str
    expected: str
    detect: Callable[[pd.DataFrame], bool]
    read: Callable[..., list[Parsed]]
    grids: Mapping[str, Callable[[Path], pd.DataFrame]] = field(default_factory=dict)


@dataclass
class Source:
    path: Path
    kind: str
    parts: list[Parsed]
    sha256: str = ""


@dataclass
class Change:
    resource: str
    group: str  # indicator (series) or "population" / "totals"
    added: list[tuple] = field(default_factory=list)
    changed: list[tuple] = field(default_factory=list)  # (key, old, new)
    unchanged: int = 0
    kept: list[tuple] = field(default_factory=list)  # keys whose value differs but the file's outranks it


@dataclass
class Plan:
    source: Source
    changes: list[Change]
    merged: dict[str, pd.DataFrame]
    raw_dir: Path
    # figures refused as implausible (census change, two sources apart), one message each; apply refuses them
    refused: list[str] = field(default_factory=list)

    @property
    def conflicts(self) -> list[tuple[str, tuple, object, object]]:
        return [(c.resource, k, o, n) for c in self.changes for k, o, n in c.changed]

    def counts(self) -> dict[tuple[str, str], tuple[int, int, int]]:
        return {(c.resource, c.group): (len(c.added), len(c.changed), c.unchanged) for c in self.changes}


# ------------------------------------------------------------------ reading cells


def _decode(path: Path) -> str:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise LayoutError(f"{path.name}: text that is neither UTF-8 nor GBK; save it as CSV (UTF-8) from Excel")


def read_grid(path: Path) -> pd.DataFrame:
    """Every cell of the first sheet (or the CSV) as text or number, no header guessed."""
    path = Path(path)
    if not path.is_file():
        raise ImportFailure(f"{path}: no such file")
    suffix = path.suffix.lower()
    start = path.read_bytes()[:2048]
    head = start[:8]
    if start.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<" and re.search(rb"(?i)<(html|table|!doctype|\?xml)", start):
        raise LayoutError(
            f"{path.name}: this is a web page (HTML) saved under a {suffix or 'bare'} name, not a workbook or CSV "
            "(the portal's 'Excel' download is sometimes a page). Open it in Excel and save it as .xlsx or "
            "CSV (UTF-8), or download the data again as Excel or CSV, then import that file"
        )
    if not start.strip():
        raise LayoutError(f"{path.name}: the file is empty; download or save it again")
    if suffix in (".xls", ".xlsx") and (head.startswith(b"PK") or head.startswith(b"\xd0\xcf\x11\xe0")):
        # by content, not name: an .xls that is really .xlsx (or the reverse) is read all the same
        engine = "openpyxl" if head.startswith(b"PK") else "xlrd"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # xlrd deprecation notice from pandas
            try:
                return pd.read_excel(path, header=None, dtype=object, engine=engine)
            except Exception as exc:  # noqa: BLE001 - any reader failure is a layout failure here
                raise LayoutError(
                    f"{path.name}: the Excel file cannot be read: it looks cut short or damaged (an interrupted "
                    f"download, a copy not finished; the reader said: {type(exc).__name__}). Download or save it "
                    "again, or save it as CSV (UTF-8) from Excel"
                ) from None
    if suffix in (".csv", ".txt", ".xls"):  # an .xls that is text: the portal's tab- or comma-separated variant
        text = _decode(path)
        sample = text[:4000]
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        width = max((len(r) for r in rows), default=0)
        grid = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
        return grid.replace({"": np.nan})
    if suffix == ".xlsx":
        raise LayoutError(f"{path.name}: not an Excel workbook (the file does not begin like one)")
    raise LayoutError(f"{path.name}: expected .xls, .xlsx or .csv")


def text_of(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return str(v).strip()


def number_of(v, where: str) -> float | None:
    t = text_of(v).replace(",", "")
    if t in ("", "-", "—", "…", "..."):
        return None
    try:
        return float(t)
    except ValueError:
        raise ImportFailure(f"{where}: expected a number, found {t!r}") from None


def year_of(cell, where: str) -> int:
    m = YEAR_CELL.match(text_of(cell))
    if not m:
        raise LayoutError(f"{where}: expected a year such as '2023年', found {text_of(cell)!r}")
    return check_year(int(m.group(1)), where)


def check_year(year: int, where: str) -> int:
    from neoutflow.data.schemas import latest_allowed_year

    latest = latest_allowed_year()
    if not EARLIEST_YEAR <= year <= latest:
        head = f"{where}: year {year} is outside the plausible range {EARLIEST_YEAR}–{latest}"
        if year > latest:
            raise YearError(
                f"{head}: a year after {latest} (the current year, unless NEOUTFLOW_LATEST_YEAR sets another) "
                f"cannot be in an official table yet. Check the year; for a synthetic or test table raise the "
                f"limit with the environment variable "
                f"NEOUTFLOW_LATEST_YEAR, e.g. `NEOUTFLOW_LATEST_YEAR={year} make import … YEAR={year}` (and the same "
                f"for `make data` and `make report`)"
            )
        raise YearError(f"{head}: check the year (the series start in {EARLIEST_YEAR})")
    return year


def split_label(text: str, where: str) -> tuple[str, str]:
    """``"人口出生率(‰)"`` → ``("人口出生率", "‰")``."""
    m = LABEL.match(text.strip())
    if not m:
        raise UnitError(
            f"{where}: expected an indicator label with its unit in brackets, e.g. '人口出生率(‰)'; found {text!r}"
        )
    return m.group("label").strip(), m.group("unit").strip()


# ------------------------------------------------------------------ region names


def region_names(raw_dir: Path) -> dict[str, str]:
    """Province names (full and short) → code, from regions.csv, plus 全国."""

    regions = pd.read_csv(Path(raw_dir) / RAW_FILES["regions"], dtype=str, keep_default_na=False)
    prov = regions[regions["level"] == "province"]
    names = {"全国": NATIONAL_CODE}
    for code, name in zip(prov["code"], prov["name_zh"], strict=True):
        names[name] = code
        names[short_province_name(name)] = code
    return names


def code_of(name: str, names: dict[str, str], where: str) -> str:
    if name in names:
        return names[name]
    near = difflib.get_close_matches(name, list(names), n=3, cutoff=0.3)
    raise RegionError(
        f"{where}: unknown region {name!r}"
        + (f"; nearest known names: {', '.join(near)}" if near else "")
        + " (names as in data/raw/regions.csv)"
    )


def year_from_name(path: Path) -> int | None:
    """The one year (1900–2099) a file name states, else None."""
    found = re.findall(r"(?<!\d)(19\d\d|20\d\d)(?!\d)", Path(path).name)
    return int(found[0]) if len(set(found)) == 1 else None
