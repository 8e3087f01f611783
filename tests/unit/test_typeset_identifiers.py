"""Thousands separators in table bodies, except in a column of identifiers (region codes):
report/typeset.lua through pandoc."""

from __future__ import annotations

from pathlib import Path

from lua_filters import text_of

TABLE = """
| 代码 | 地区 | 人口 |
|:---|:---|---:|
| 210100 | 沈阳市 | 9070093 |
"""


def test_codes_keep_their_digits_quantities_are_grouped(tmp_path):
    text = text_of(TABLE, tmp_path, filters=("typeset.lua",))
    assert "210100" in text and "210,100" not in text and "9,070,093" in text


def test_word_floats_leave_their_layout_table():
    """Quarto's one-cell layout table around a figure or table (docx) gives way to the labelled float;
    a data table, and any table in other formats, stays."""
    from lua_filters import pandoc_lua

    script = r"""
    local function wrapped(id)
      local div = pandoc.Div({ pandoc.Para("图 1：题") }, pandoc.Attr(id))
      local body = { attr = pandoc.Attr(), body = { pandoc.Row({ pandoc.Cell({ div }) }) }, head = {}, row_head_columns = 0 }
      return pandoc.Table({ long = {} }, { { pandoc.AlignDefault, 1 } }, pandoc.TableHead(), { body }, pandoc.TableFoot())
    end
    local data = pandoc.read("| a |\n|---|\n| 1 |\n", "markdown").blocks[1]
    for _, format in ipairs({ "docx", "html" }) do
      FORMAT = format
      local typeset = dofile("TYPESET")
      local doc = typeset[1].Pandoc(pandoc.Pandoc({ wrapped("fig-a"), wrapped("tbl-b"), wrapped("other"), data }))
      local kinds = {}
      for _, b in ipairs(doc.blocks) do
        table.insert(kinds, b.t .. (b.identifier and b.identifier ~= "" and ("#" .. b.identifier) or ""))
      end
      print(format .. ": " .. table.concat(kinds, " "))
    end
    """
    out = pandoc_lua(script.replace("TYPESET", str(Path(__file__).parents[2] / "report" / "typeset.lua"))).splitlines()
    assert out[0] == "docx: Div#fig-a Div#tbl-b Table Table", out
    assert out[1].startswith("html: Div Div Div Div"), out  # (html: each table in its scroll wrapper)
