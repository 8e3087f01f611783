"""Chinese regression tables: layout, stars, deterministic text. Data are SYNTHETIC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from neoutflow.analysis import models
from neoutflow.outputs import tables as rt


def _fits():
    rng = np.random.default_rng(5)  # SYNTHETIC data
    n = 31
    df = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n) * 1000})
    df["y"] = 1 + 0.8 * df["a"] + 0.0002 * df["b"] + rng.normal(size=n)
    return models.fit_ols(df, "y", ["a"]), models.fit_ols(df, "y", ["a", "b"])


LABELS = {"a": "工资", "b": "大专及以上人口"}


def test_stars_thresholds():
    assert [rt.stars(p) for p in (0.0005, 0.001, 0.009, 0.01, 0.049, 0.05, 0.5)] == [
        "***",
        "**",
        "**",
        "*",
        "*",
        "",
        "",
    ]


def test_table_layout_and_values():
    f1, f2 = _fits()
    table = rt.regression_table([rt.column(f1, "(1)"), rt.column(f2, "(2)")], LABELS)
    assert list(table.columns) == ["变量", "(1)", "(2)"]
    assert list(table["变量"]) == ["工资", "", "大专及以上人口", "", "常数项", "", "样本量 N", "R²", "调整后 R²"]
    # coefficient with stars, SE in parentheses beneath, blank where a model lacks the term
    assert table.loc[0, "(2)"].startswith(f"{f2.params['a']:.3f}")
    assert table.loc[0, "(2)"].endswith(rt.stars(f2.pvalues["a"])) and table.loc[0, "(2)"].count("*") >= 1
    assert table.loc[1, "(2)"] == f"({f2.bse['a']:.3f})"
    assert table.loc[2, "(1)"] == "" and table.loc[3, "(1)"] == ""
    # a tiny coefficient gets enough decimals for its SE to show two significant digits
    se_b = table.loc[3, "(2)"].strip("()")
    assert float(se_b) == pytest.approx(f2.bse["b"], rel=0.05)
    assert table.loc[6, "(1)"] == "31"


def test_markdown_has_caption_after_table_and_is_deterministic(tmp_path):
    f1, f2 = _fits()
    table = rt.regression_table(
        [rt.column(f1, "(1)"), rt.column(f2, "(2)", {"固定效应": "否"})], LABELS, extra_rows=["固定效应"]
    )
    md_path, csv_path = rt.write_table(table, tmp_path, "demo", "示例回归", rt.default_note("HC3"))
    text = md_path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("| 变量 | (1) | (2) |") and lines[1] == "|:---|---:|---:|"
    assert ": 示例回归 {#tbl-demo}" in lines and rt.table_label("a_b") == "tbl-a-b"
    assert lines.index(": 示例回归 {#tbl-demo}") == len(table) + 3  # header, rule, rows, blank line
    # the stars escaped, so that Markdown prints them rather than reading emphasis ("、、分别表示" in the PDF)
    assert "HC3" in text and "\\*、\\*\\*、\\*\\*\\* 分别表示" in text and "p\u00a0<\u00a00.05" in text
    first = md_path.read_bytes(), csv_path.read_bytes()
    rt.write_table(table, tmp_path, "demo", "示例回归", rt.default_note("HC3"))
    assert (md_path.read_bytes(), csv_path.read_bytes()) == first
    back = pd.read_csv(csv_path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == ["变量", "(1)", "(2)"]


def test_errors():
    f1, _ = _fits()
    with pytest.raises(rt.TableError, match="label"):
        rt.regression_table([rt.column(f1, "(1)")], {})
    with pytest.raises(rt.TableError, match="repeat"):
        rt.regression_table([rt.column(f1, "(1)"), rt.column(f1, "(1)")], LABELS)
    with pytest.raises(rt.TableError, match="at least one"):
        rt.regression_table([], LABELS)


def test_no_negative_zero_and_frame_table():
    assert rt._fmt(-0.0001, 3) == "0.000"
    ft = rt.frame_table(pd.DataFrame({"x": [1.23456, np.nan], "name": ["辽宁", "吉林"]}), {"x": 2}, {"x": "数值"})
    assert list(ft["数值"]) == ["1.23", ""] and list(ft["name"]) == ["辽宁", "吉林"]
