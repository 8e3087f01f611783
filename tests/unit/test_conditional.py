"""Quarto's conditional content in the registry-only route (report/quarto-compat.lua, run
through pandoc with report/qmd-reader.lua)."""

from __future__ import annotations

import re

import pytest
from lua_filters import run

from neoutflow.render import pandoc

TEXT = """before

::: {.content-visible when-meta="has-x"}
shown with x {{< var a.b >}}

::: {#inner}
inner
:::
:::

::: {.content-hidden when-meta="has-x"}
without x
:::

after [only with x]{.content-visible when-meta="has-x"}[only without]{.content-hidden when-meta="has-x"} end
"""


def kept(tmp_path, text: str, options: dict, to: str = "plain") -> list[str]:
    out = run(text, tmp_path, to=to, options=options, variables={"a": {"b": "1"}}, filters=("quarto-compat.lua",))
    lines = (re.sub(r"<[^>]*>", "", line).strip() for line in out.splitlines())
    return [line for line in lines if line]


def test_meta_true_keeps_the_visible_block_and_its_inner_divs(tmp_path):
    assert kept(tmp_path, TEXT, {"has-x": True}) == ["before", "shown with x 1", "inner", "after only with x end"]


@pytest.mark.parametrize("options", [{"has-x": False}, {}])
def test_meta_false_or_absent_drops_it_and_its_shortcodes(tmp_path, options):
    # the dropped block's var has no value: it is never looked up
    text = TEXT.replace("{{< var a.b >}}", "{{< var no.such.key >}}")
    assert kept(tmp_path, text, options) == ["before", "without x", "after only without end"]


def test_dotted_keys_unless_and_formats(tmp_path):
    text = (
        '::: {.content-visible when-meta="a.b" unless-format="pdf"}\nA\n:::\n\n'
        '::: {.content-visible when-format="html"}\nH\n:::\n'
    )
    assert kept(tmp_path, text, {"a": {"b": True}}, "html") == ["A", "H"]
    assert kept(tmp_path, text, {"a": {"b": True}}, "typst") == []


def test_code_blocks_are_left_alone(tmp_path):
    text = '```\n::: {.content-visible when-meta="x"}\n```\n'
    assert kept(tmp_path, text, {}) == ['::: {.content-visible when-meta="x"}']


def test_a_missing_include_is_an_error_only_where_it_is_shown(tmp_path):
    text = '{{< include t/shown.md >}}\n\n::: {.content-visible when-meta="has-x"}\n{{< include t/hidden.md >}}\n:::\n'
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "shown.md").write_text("表格\n", encoding="utf-8")
    assert kept(tmp_path, text, {"has-x": False}) == ["表格"]
    with pytest.raises(pandoc.RouteError, match=r"doc.qmd:4: .*included file not found: t/hidden.md"):
        kept(tmp_path, text, {"has-x": True})


def test_hidden_includes_are_those_of_dropped_blocks(tmp_path):
    from neoutflow.render import quarto

    (tmp_path / "_quarto.yml").write_text("project:\n  render: [a.qmd]\nformat: html\n", encoding="utf-8")
    (tmp_path / "a.qmd").write_text(
        '{{< include t/shown.md >}}\n\n::: {.content-visible when-meta="has-x"}\n{{< include t/hidden.md >}}\n:::\n',
        encoding="utf-8",
    )
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "shown.md").write_text("x\n", encoding="utf-8")
    assert quarto.hidden_includes(tmp_path) == [(tmp_path / "t/hidden.md")]
    (tmp_path / "_quarto.yml").write_text("project:\n  render: [a.qmd]\nformat: html\nhas-x: true\n", encoding="utf-8")
    assert quarto.hidden_includes(tmp_path) == []  # shown: Quarto reports it
