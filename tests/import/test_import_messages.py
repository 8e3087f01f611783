"""Messages that name what was expected and what to do (issue #29, item 7), on temporary copies.

SYNTHETIC DATA, FOR THESE TESTS ONLY: the files below are written by the tests.
"""

from __future__ import annotations

import datetime

import pytest

from neoutflow import paths
from neoutflow.data import importer
from neoutflow.data.importer.core import check_year


def test_a_future_year_names_the_override_and_the_readme_documents_it(monkeypatch):
    monkeypatch.delenv("NEOUTFLOW_LATEST_YEAR", raising=False)
    year = datetime.date.today().year + 4
    with pytest.raises(importer.YearError) as err:
        check_year(year, "表.xlsx")
    msg = str(err.value)
    assert f"NEOUTFLOW_LATEST_YEAR={year} make import" in msg and "表.xlsx" in msg
    monkeypatch.setenv("NEOUTFLOW_LATEST_YEAR", str(year))
    assert check_year(year, "表.xlsx") == year
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    at = readme.index("outside the plausible range")  # where the README explains the year check
    assert "NEOUTFLOW_LATEST_YEAR=2030 make import" in readme[at : at + 600]
    assert "NEOUTFLOW_LATEST_YEAR" in (paths.DATA / "README.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------ files the importer cannot or only partly read


@pytest.fixture
def root(project):
    return project


def _run(root, f, **kw):
    from data_helpers import dp, raw

    lines: list[str] = []
    p = importer.run(f, raw_dir=raw(root), datapackage=dp(root), date="2031-01-01", echo=lines.append, **kw)
    return p, "\n".join(lines)


def _provinces(root):
    import pandas as pd

    from neoutflow.data.files import RAW_FILES

    r = pd.read_csv(root / "data" / "raw" / RAW_FILES["regions"], dtype=str, keep_default_na=False)
    return r[r["level"] == "province"].sort_values("code")


def _birth(root, year: int) -> dict[str, float]:
    import pandas as pd

    from neoutflow.data.files import RAW_FILES

    s = pd.read_csv(root / "data" / "raw" / RAW_FILES["province_series"], dtype={"code": str})
    s = s[(s["indicator"] == "birth_rate") & (s["year"] == year)]
    return dict(zip(s["code"], s["value"], strict=True))


def test_portal_export_of_one_year_with_indicators_across_is_read(root, tmp_path):
    """Issue #29 item 7: '时间：2023年', provinces down, indicators across was refused as naming 'neither its
    indicator nor its region'; it is read (SYNTHETIC 2024 rates, the 2023 ones × 0.95)."""
    from test_importer import write_csv_rows

    b = _birth(root, 2023)
    prov = _provinces(root)
    rows = [["数据库：分省年度数据"], ["时间：2024年"], ["地区", "人口出生率(‰)", "人口死亡率(‰)"]]
    for code, name in zip(prov["code"], prov["name_zh"], strict=True):
        rows.append([name, f"{b[code] * 0.95:.2f}", ""])
    rows.append(["数据来源：国家统计局"])
    f = write_csv_rows(rows, tmp_path / "分省年度数据.csv")
    p, text = _run(root, f)
    assert p.counts() == {("province_series", "birth_rate"): (31, 0, 0)}
    assert "时间：2024年" in p.source.parts[0].table


def test_unsupported_portal_layout_says_so_and_what_to_export(root, tmp_path):
    from test_importer import write_csv_rows

    rows = [["数据库：分省年度数据"], ["时间：最近5年"], ["地区", "人口出生率(‰)"], ["北京市", "8.1"]]
    f = write_csv_rows(rows, tmp_path / "export.csv")
    with pytest.raises(importer.LayoutError) as err:
        _run(root, f)
    msg = str(err.value)
    assert "this portal layout is not supported" in msg and "Export it again" in msg and "export.csv" in msg


def test_portal_export_missing_a_province_is_noted(root, tmp_path):
    from test_importer import portal_grid, write_xlsx

    b = {c: round(v * 0.95, 2) for c, v in _birth(root, 2023).items() if c != "140000"}  # no 山西
    f = write_xlsx(portal_grid(root, "人口出生率(‰)", {2024: b}), tmp_path / "分省年度数据.xlsx")
    _, text = _run(root, f)
    assert "no value for 山西省 (1 of 31 provinces) in 2024" in text


@pytest.mark.parametrize("name", ["分省年度数据.xls", "分省年度数据.xlsx"])
def test_a_web_page_saved_as_xls_names_what_it_is_and_what_to_do(root, tmp_path, name):
    f = tmp_path / name
    f.write_text("<html><body><table><tr><td>指标：人口出生率(‰)</td></tr></table></body></html>", encoding="utf-8")
    with pytest.raises(importer.LayoutError) as err:
        _run(root, f)
    msg = str(err.value)
    assert "web page (HTML)" in msg and "save it as .xlsx or CSV" in msg and name in msg


def test_a_truncated_workbook_names_what_to_do(root, tmp_path):
    from test_importer import birth_2024, portal_grid, write_xlsx

    whole = write_xlsx(portal_grid(root, "人口出生率(‰)", birth_2024(root)), tmp_path / "whole.xlsx").read_bytes()
    f = tmp_path / "分省年度数据.xlsx"
    f.write_bytes(whole[: len(whole) // 2])  # an interrupted download
    with pytest.raises(importer.LayoutError) as err:
        _run(root, f)
    msg = str(err.value)
    assert "cut short or damaged" in msg and "Download or save it again" in msg and "{" not in msg


def test_a_notebook_error_names_build_not_the_staging_folder(tmp_path):
    from neoutflow.pipeline.run_notebook import unstage

    build = paths.ROOT / "build"
    staging = build / ".01_outflow-4242-abcd.staging"
    text = f"FileNotFoundError: {staging.resolve()}/results/outflow.json; also {staging}/figures/a.png"
    out = unstage(text, staging, build)
    assert ".staging" not in out and "build/results/outflow.json" in out and "build/figures/a.png" in out
