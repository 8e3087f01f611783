"""Thousands separators in table bodies, except in a column of identifiers (region codes)."""

from __future__ import annotations

import io

import panflute as pf

from neoutflow.render import pandoc
from neoutflow.render.filters import typeset

TABLE = """
| 代码 | 地区 | 人口 |
|:---|:---|---:|
| 210100 | 沈阳市 | 9070093 |
"""


def test_codes_keep_their_digits_quantities_are_grouped(tmp_path):
    ast = pandoc.run_pandoc(["-f", "markdown", "-t", "json"], TABLE, tmp_path, "test")
    doc = pf.load(io.StringIO(ast))
    typeset.apply(doc, "html")
    text = pf.stringify(doc)
    assert "210100" in text and "210,100" not in text and "9,070,093" in text
