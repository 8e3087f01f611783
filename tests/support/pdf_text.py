"""A PDF's text as pypdf extracts it, page by page, extracted once per file content.

Many integration tests read the text of the same report (the session's build, a matrix configuration, a
rebuild): pypdf takes 1.5–2 s of CPU for the 67-page report, each time. The pages are kept by the SHA-256
of the file's bytes, so a rebuilt or changed PDF is read again and an unchanged one is not; callers get
the same strings as ``PdfReader(path).pages[i].extract_text() or ""`` would give them.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

_PAGES: dict[str, tuple[str, ...]] = {}


def pages(pdf: Path | str) -> list[str]:
    """The text of each page of ``pdf``."""
    from pypdf import PdfReader

    data = Path(pdf).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest not in _PAGES:
        _PAGES[digest] = tuple(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return list(_PAGES[digest])


def text(pdf: Path | str, sep: str = "") -> str:
    """The pages' texts joined by ``sep``."""
    return sep.join(pages(pdf))
