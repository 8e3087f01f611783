"""The render's shortcuts (no pandoc here): kept entries written as files, cache keys, and the
web font's pieces."""

from __future__ import annotations

from neoutflow.render import cache


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


def test_subsets_cut_from_one_intermediate_font_are_the_bytes_of_direct_subsets(monkeypatch):
    """Several web-font subsets are cut from one intermediate font (the face subset once to all their
    characters); each must be the bytes a direct subset of the face gives, which the cache keys promise."""
    from neoutflow.fonts import SERIF
    from neoutflow.render import webfont

    monkeypatch.setattr(cache, "_folder", None)
    path = webfont.font_file(SERIF)
    sets = [set("东北人口外流（万人）。"), set("Population −12.5%，“引号”"), set("吉林、黑龙江、辽宁 ≥ 0.05；第3节")]
    calls = []
    real = webfont._subset

    def recording(source, text, flavor=webfont.FLAVOR):
        calls.append(flavor)
        return real(source, text, flavor)

    monkeypatch.setattr(webfont, "_subset", recording)
    together = webfont.subsets(path, sets)
    assert calls == [None, webfont.FLAVOR, webfont.FLAVOR, webfont.FLAVOR]  # one intermediate, then the three
    assert together == [real(path, "".join(sorted(s))) for s in sets]
