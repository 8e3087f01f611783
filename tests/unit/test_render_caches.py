"""The render's shortcuts (no pandoc here): where the Markdown is cut into sections and when it is
not, work shared between the PDF and HTML jobs, and kept entries written as files."""

from __future__ import annotations

import threading
import time

import pytest

from neoutflow.render import cache, markdown
from neoutflow.render.pandoc import Shared


def test_cut_before_each_top_level_heading_after_a_blank_line():
    text = "---\ntitle: t\n---\n\n# 一\n\n正文\n## 小节\n\n文字\n# 不是切点（前无空行）\n\n# 二\n\n完\n"
    assert markdown.sections(text) == [
        "---\ntitle: t\n---\n\n",
        "# 一\n\n正文\n## 小节\n\n文字\n# 不是切点（前无空行）\n\n",
        "# 二\n\n完\n",
    ]
    assert "".join(markdown.sections(text)) == text


@pytest.mark.parametrize(
    "text",
    [
        "# 一\n\n[a][r]\n\n# 二\n\n[r]: https://example.org\n",  # a reference definition
        "# 一\n\n脚注[^1]\n\n# 二\n\n[^1]: 注\n",  # a note defined elsewhere
        "# 一\n\n(@) 例一\n\n# 二\n\n(@) 例二\n",  # example lists number across the document
        "# 一\n\n```\n\n# 代码里的井号\n```\n",  # a fence the cut would split
        "# 一\n\n::: {.note}\n\n# 二\n\n:::\n",  # a div the cut would split
        "# 一\n\n<!--\n\n# 二\n\n-->\n",  # an HTML comment the cut would split
    ],
)
def test_no_cut_where_the_markdown_reaches_across(text):
    assert markdown.sections(text) is None


def test_shared_step_runs_once_for_concurrent_jobs():
    shared, calls = Shared(), []

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return "ast"

    results = []
    threads = [threading.Thread(target=lambda: results.append(shared.once(("read", "x"), slow))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["ast", "ast"] and len(calls) == 1
    assert shared.once(("read", "y"), lambda: "other") == "other"  # other inputs, another step


def test_shared_step_hands_its_error_to_every_job():
    shared = Shared()

    def fails():
        raise ValueError("pandoc failed")

    for _ in range(2):
        with pytest.raises(ValueError, match="pandoc failed"):
            shared.once(("read", "x"), fails)


def test_memo_to_file(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "_folder", tmp_path / "cache")
    digest = cache.key("inputs")
    made = []
    compute = lambda: made.append(1) or b"view"  # noqa: E731
    assert cache.memo_to_file("kind", digest, compute, tmp_path / "a.html").read_bytes() == b"view"
    assert cache.memo_to_file("kind", digest, compute, tmp_path / "b.html").read_bytes() == b"view"
    assert len(made) == 1  # the second one is a copy of the kept entry
    monkeypatch.setattr(cache, "_folder", None)  # no cache: computed each time
    assert cache.memo_to_file("kind", digest, compute, tmp_path / "c.html").read_bytes() == b"view"
    assert len(made) == 2


def test_cache_key_separates_its_parts():
    assert cache.key("ab", "c") != cache.key("a", "bc")
    assert cache.key(b"x") == cache.key("x")


def test_body_face_pieces_cover_each_character_once_and_stay_put():
    from neoutflow.render import webfont

    chars = set("东北人口外流 Population −12.5%（万人）") | {"\u9fa5", "\U00020000"}
    parts = webfont.pieces(chars)
    assert sorted(c for _, p in parts for c in p) == sorted(chars)  # each character in one piece
    assert parts[0][0].startswith("U+0-4DFF") and parts[0][1] >= set("Population −.%（）")
    assert all(rng.startswith("U+") for rng, _ in parts)
    # a new character changes only the piece that holds it
    more = dict(webfont.pieces(chars | {"鑫"}))
    changed = [rng for rng, p in more.items() if dict(parts).get(rng) != p]
    assert len(changed) == 1 and "鑫" in more[changed[0]]
