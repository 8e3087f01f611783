"""Where the CJK fonts are: one answer for the figures and for Typst.

Fonts come from Debian's ``fonts-noto-cjk`` when installed, otherwise from the
``mplfonts`` wheel (which ships Noto Sans/Serif CJK SC), so a fresh machine
needs no root.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

SANS = "Noto Sans CJK SC"
SERIF = "Noto Serif CJK SC"
MONO = "Noto Sans Mono CJK SC"
DEBIAN_CJK_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto"))


def _mplfonts_dir() -> Path | None:
    # found, not imported: importing mplfonts imports matplotlib (0.2 s), which the render does not need
    from importlib.util import find_spec

    spec = find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    d = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    return d if d.is_dir() else None


@lru_cache(maxsize=1)
def font_dirs() -> tuple[Path, ...]:
    """Folders holding Noto CJK SC fonts, Debian's first."""
    dirs = [d for d in DEBIAN_CJK_DIRS if any(d.glob("NotoSansCJK*"))]
    extra = _mplfonts_dir()
    if extra is not None:
        dirs.append(extra)
    if not dirs:
        raise RuntimeError(
            "no Noto CJK SC font found: install the pinned requirements (mplfonts) or Debian's fonts-noto-cjk"
        )
    return tuple(dirs)
