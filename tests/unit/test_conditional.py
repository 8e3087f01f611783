"""Quarto's conditional content in the registry-only route (``neoutflow.render.conditional``)."""

from __future__ import annotations

import pytest

from neoutflow.render import conditional

TEXT = """before
::: {.content-visible when-meta="has-x"}
shown with x {{< var a.b >}}
::: {#fig-inner}
inner
:::
:::
::: {.content-hidden when-meta="has-x"}
without x
:::
after [only with x]{.content-visible when-meta="has-x"}[only without]{.content-hidden when-meta="has-x"} end
"""


def kept(text: str, meta: dict, fmt: str = "html") -> list[str]:
    return [line for line in conditional.apply(text, meta, fmt, "t.qmd").splitlines() if line.strip()]


def test_meta_true_keeps_the_visible_block_and_its_inner_divs():
    assert kept(TEXT, {"has-x": True}) == [
        "before",
        "shown with x {{< var a.b >}}",
        "::: {#fig-inner}",
        "inner",
        ":::",
        "after only with x end",
    ]


@pytest.mark.parametrize("meta", [{"has-x": False}, {}])
def test_meta_false_or_absent_drops_it_and_its_shortcodes(meta):
    assert kept(TEXT, meta) == ["before", "without x", "after only without end"]


def test_line_numbers_are_kept():
    assert len(conditional.apply(TEXT, {}, "html").splitlines()) == len(TEXT.splitlines())


def test_dotted_keys_unless_and_formats():
    text = (
        '::: {.content-visible when-meta="a.b" unless-format="pdf"}\nA\n:::\n'
        '::: {.content-visible when-format="html"}\nH\n:::\n'
    )
    assert kept(text, {"a": {"b": True}}, "html") == ["A", "H"]
    assert kept(text, {"a": {"b": True}}, "typst") == []


def test_code_blocks_are_left_alone():
    text = '```\n::: {.content-visible when-meta="x"}\n```\n'
    assert conditional.apply(text, {}, "html") == text


def test_an_unclosed_div_is_an_error():
    with pytest.raises(conditional.ConditionalError, match="t.qmd: 1 fenced div"):
        conditional.apply('::: {.content-visible when-meta="x"}\nA\n', {}, "html", "t.qmd")


def test_hidden_includes_are_those_of_dropped_blocks(tmp_path):
    qmd = tmp_path / "a.qmd"
    qmd.write_text(
        '{{< include t/shown.md >}}\n::: {.content-visible when-meta="has-x"}\n{{< include t/hidden.md >}}\n:::\n',
        encoding="utf-8",
    )
    assert conditional.hidden_includes(qmd, {"has-x": False}) == [(tmp_path / "t/hidden.md").resolve()]
    assert conditional.hidden_includes(qmd, {"has-x": True}) == []
