"""Thousands separators in table bodies, except in a column of identifiers (region codes):
report/typeset.lua through pandoc."""

from __future__ import annotations

from lua_filters import text_of

TABLE = """
| 代码 | 地区 | 人口 |
|:---|:---|---:|
| 210100 | 沈阳市 | 9070093 |
"""


def test_codes_keep_their_digits_quantities_are_grouped(tmp_path):
    text = text_of(TABLE, tmp_path, filters=("typeset.lua",))
    assert "210100" in text and "210,100" not in text and "9,070,093" in text
