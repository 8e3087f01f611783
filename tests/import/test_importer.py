"""``make import`` (``neoutflow.data.importer``) on a temporary copy of the project data.

SYNTHETIC DATA, FOR THESE TESTS ONLY: the official-layout files below are written by the tests
(NBS data-portal exports, the crawl CSV, a census yearbook county table for a made-up "2030
census"); their figures are derived from the committed rows (scaled), never real statistics.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from data_helpers import copy_project_data, dp, raw, tree_digest
from official_files import synthetic_census_table

from neoutflow import params, paths
from neoutflow.data import importer, load, provenance
from neoutflow.data.extract import series as es
from neoutflow.data.files import RAW_FILES
from neoutflow.reference import AGE_GROUPS, MUNICIPALITIES

READ = {"dtype": {"code": str}, "keep_default_na": False}
DATE = "2031-01-01"


def state(root) -> dict:
    return tree_digest(root / "data")


def run(root, file, **kw):
    lines: list[str] = []
    p = importer.run(file, raw_dir=raw(root), datapackage=dp(root), date=DATE, echo=lines.append, **kw)
    return p, "\n".join(lines)


def provinces(root) -> pd.DataFrame:
    r = pd.read_csv(raw(root) / RAW_FILES["regions"], **READ)
    return r[r["level"] == "province"].sort_values("code")


def series(root, indicator: str) -> pd.Series:
    s = pd.read_csv(raw(root) / RAW_FILES["province_series"], **READ)
    s = s[s["indicator"] == indicator]
    return s.set_index(["code", "year"])["value"]


# ------------------------------------------------------------------ synthetic portal files


def portal_grid(root, label: str, years: dict[int, dict[str, float]], names=None) -> list[list[str]]:
    """An NBS data-portal export, years down, provinces across (as the portal gives it)."""
    prov = provinces(root)
    names = names or dict(zip(prov["code"], prov["name_zh"], strict=True))
    rows = [["数据库：分省年度数据"], [f"指标：{label}"], ["时间：最近20年"], ["时间", *names.values()]]
    for year in sorted(years, reverse=True):
        rows.append([f"{year}年", *[("" if c not in years[year] else f"{years[year][c]:g}") for c in names]])
    rows.append(["数据来源：国家统计局"])
    return rows


def write_xlsx(rows: list[list[str]], path):
    width = max(len(r) for r in rows)
    pd.DataFrame([r + [""] * (width - len(r)) for r in rows]).replace({"": None}).to_excel(
        path, header=False, index=False
    )
    return path


def write_csv_rows(rows: list[list[str]], path, encoding="utf-8"):
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def birth_2024(root) -> dict[int, dict[str, float]]:
    """Synthetic 2024 birth rates (the 2023 figure × 0.95) and the 2023 figures as in the file."""
    b = series(root, "birth_rate")
    codes = provinces(root)["code"]
    return {
        2024: {c: round(b[(c, 2023)] * 0.95, 2) for c in codes},
        2023: {c: b[(c, 2023)] for c in codes},
    }


# ------------------------------------------------------------------ portal: dry run, apply, conflicts


def test_dry_run_reports_exactly_the_changes_and_writes_nothing(project, tmp_path):
    f = write_xlsx(portal_grid(project, "人口出生率(‰)", birth_2024(project)), tmp_path / "分省年度数据.xlsx")
    before = state(project)
    p, text = run(project, f)
    assert p.source.kind == "nbs-portal"
    assert p.counts() == {("province_series", "birth_rate"): (31, 0, 31)}
    assert "birth_rate: 31 added (years 2024), 0 changed, 31 left alone" in text
    assert "dry run: nothing written" in text
    assert state(project) == before


def test_apply_writes_validated_rows_and_provenance(project, tmp_path):
    years = birth_2024(project)
    f = write_xlsx(portal_grid(project, "人口出生率(‰)", years), tmp_path / "分省年度数据.xlsx")
    p, text = run(project, f, do_apply=True)
    s = series(project, "birth_rate")
    assert s[("210000", 2024)] == pytest.approx(years[2024]["210000"])
    load._cache.clear()
    load.validate_all(raw(project), echo=lambda *a, **k: None)
    errors, changed = provenance.check_record(dp(project), raw(project))
    assert errors == [] and changed == []
    res = {r["name"]: r for r in json.loads(dp(project).read_text(encoding="utf-8"))["resources"]}
    (entry,) = res["province_series"]["imports"]
    assert entry["file"] == "分省年度数据.xlsx" and entry["imported"] == DATE
    assert entry["sha256"] == provenance.sha256(f) and entry["unit"] == "‰" and entry["added"] == 31
    assert "人口出生率" in entry["table"]
    # importing the same file again changes nothing
    p2, text2 = run(project, f)
    assert p2.counts() == {("province_series", "birth_rate"): (0, 0, 62)}
    before = state(project)
    _, text3 = run(project, f, do_apply=True)
    assert "nothing to write" in text3 and state(project) == before


def test_conflicting_value_is_refused_unless_replace(project, tmp_path):
    years = birth_2024(project)
    old = years[2023]["220000"]
    years[2023]["220000"] = old + 0.5
    f = write_xlsx(portal_grid(project, "人口出生率(‰)", years), tmp_path / "export.xlsx")
    p, text = run(project, f)
    assert p.counts() == {("province_series", "birth_rate"): (31, 1, 30)}
    assert f"changed 220000 2023 birth_rate: {old:g} → {old + 0.5:g}" in text
    before = state(project)
    with pytest.raises(importer.ConflictError, match="--replace"):
        run(project, f, do_apply=True)
    assert state(project) == before
    run(project, f, do_apply=True, replace=True)
    assert series(project, "birth_rate")[("220000", 2023)] == pytest.approx(old + 0.5)


def test_csv_variant_gbk_regions_down(project, tmp_path):
    """The .csv export, regions down and years across, GBK-encoded."""
    years = birth_2024(project)
    prov = provinces(project)
    rows = [["数据库：分省年度数据"], ["指标：人口出生率(‰)"], ["时间：最近20年"], ["地区", "2024年", "2023年"]]
    for code, name in zip(prov["code"], prov["name_zh"], strict=True):
        rows.append([name, f"{years[2024][code]:g}", f"{years[2023][code]:g}"])
    rows.append(["数据来源：国家统计局"])
    f = write_csv_rows(rows, tmp_path / "分省年度数据.csv", encoding="gbk")
    p, _ = run(project, f)
    assert p.counts() == {("province_series", "birth_rate"): (31, 0, 31)}


def test_one_region_export_and_utf8_csv(project, tmp_path):
    b, d = series(project, "birth_rate"), series(project, "death_rate")
    rows = [
        ["数据库：分省年度数据"],
        ["地区：天津市"],
        ["时间：最近20年"],
        ["时间", "人口出生率(‰)", "人口死亡率(‰)"],
        ["2023年", f"{b[('120000', 2023)]:g}", f"{d[('120000', 2023)]:g}"],
        ["数据来源：国家统计局"],
    ]
    p, _ = run(project, write_csv_rows(rows, tmp_path / "天津.csv"))
    assert p.counts() == {("province_series", "birth_rate"): (0, 0, 1), ("province_series", "death_rate"): (0, 0, 1)}


def test_crawl_csv_with_yearend_population_in_wan(project, tmp_path):
    pop = series(project, "yearend_population")
    rows = [["省份编码", "省份", "年份", "年末常住人口(万人)"]]
    rows += [
        [c, n, "2023", f"{pop[(c, 2023)] / 10_000:g}"]
        for c, n in zip(*provinces(project)[["code", "name_zh"]].T.values)
    ]
    p, _ = run(project, write_csv_rows(rows, tmp_path / "人口.csv"))
    assert p.source.kind == "nbs-crawl"
    assert p.counts() == {("province_series", "yearend_population"): (0, 0, 31)}


# ------------------------------------------------------------------ clear errors, nothing changed


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        ("layout", importer.LayoutError, "layout not recognised"),
        ("region", importer.RegionError, "unknown region '北景市'; nearest known names: 北京市"),
        ("unit", importer.UnitError, "地区生产总值 is in '元' but the project expects 亿元"),
        ("year", importer.YearError, "year 1900 is outside the plausible range"),
        ("invalid", importer.ImportFailure, "do not pass validation"),
        ("number", importer.ImportFailure, "expected a number, found 'abc'"),
    ],
)
def test_bad_file_changes_nothing(project, tmp_path, case, error, message):
    years = birth_2024(project)
    label = "人口出生率(‰)"
    names = None
    if case == "layout":
        rows = [["province", "year", "birth rate"], ["Beijing", "2024", "5"]]
    else:
        if case == "region":
            prov = provinces(project)
            names = dict(zip(prov["code"], prov["name_zh"], strict=True)) | {"110000": "北景市"}
        if case == "unit":
            label = "地区生产总值(元)"
        if case == "year":
            years[1900] = years.pop(2024)
        if case == "invalid":
            years[2024]["210000"] = 99.0  # above the indicator's bound (60 ‰)
        rows = portal_grid(project, label, years, names)
        if case == "number":
            rows[4][3] = "abc"
    f = write_csv_rows(rows, tmp_path / "bad.csv")
    before = state(project)
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(project, f, do_apply=True)
    assert state(project) == before


def test_cli_exit_code_and_message(project, tmp_path, capsys):
    f = write_csv_rows([["a", "b"], ["1", "2"]], tmp_path / "x.csv")
    rc = importer.main([str(f), "--raw-dir", str(raw(project)), "--datapackage", str(dp(project))])
    assert rc == 1
    assert "import: x.csv: layout not recognised" in capsys.readouterr().err


# ------------------------------------------------------------------ census yearbook (2020 layout)


def test_census_yearbook_new_year(project, tmp_path, monkeypatch):
    monkeypatch.setenv("NEOUTFLOW_LATEST_YEAR", "2030")
    table = synthetic_census_table(project)
    f = tmp_path / "census_county_2030.xlsx"
    table.to_excel(f, index=False)
    p, text = run(project, f)
    counts = p.counts()
    assert p.source.kind == "census-yearbook"
    n_pref = len(table) - 1 - 31
    assert counts[("census_population", "province")] == (31 * 2 * len(AGE_GROUPS), 0, 0)
    assert counts[("census_population", "prefecture")][0] > 0
    assert counts[("census_totals", "province")] == (31, 0, 0)
    assert counts[("census_totals", "prefecture")][0] == n_pref + len(MUNICIPALITIES)
    run(project, f, do_apply=True)
    pop = pd.read_csv(raw(project) / RAW_FILES["census_population"], **READ)
    assert pop[(pop["year"] == 2030) & (pop["code"] == "220000")]["population"].sum() == int(
        table.loc[table["区划代码"] == 220000, "人口数_合计"].iloc[0]
    )
    load._cache.clear()
    load.validate_all(raw(project), echo=lambda *a, **k: None)
    assert provenance.check_record(dp(project), raw(project))[0] == []


def test_census_yearbook_unknown_unit_and_missing_columns(project, tmp_path, monkeypatch):
    monkeypatch.setenv("NEOUTFLOW_LATEST_YEAR", "2030")
    table = synthetic_census_table(project)
    bad = table.copy()
    bad.loc[bad["区划代码"] == 210100, "区划代码"] = 219900  # a prefecture code regions.csv lacks
    f = tmp_path / "census_county_2030.xlsx"
    bad.to_excel(f, index=False)
    before = state(project)
    with pytest.raises(importer.RegionError, match="not in data/raw/regions.csv"):
        run(project, f, do_apply=True)
    table.drop(columns=["女_85岁以上"]).to_excel(f, index=False)
    with pytest.raises(importer.LayoutError, match="女_85岁以上"):
        run(project, f, do_apply=True)
    with pytest.raises(importer.YearError, match="--year"):
        g = tmp_path / "county_table.xlsx"
        table.to_excel(g, index=False)
        run(project, g)
    assert state(project) == before


# ------------------------------------------------------------------ the shipped sources


def test_shipped_series_sources_reproduce_the_committed_rows(shared_sources, tmp_path):
    """The NBS exports of ../shared/sources, imported into an empty province_series, give the committed rows."""
    root = copy_project_data(tmp_path / "project")
    committed = pd.read_csv(raw(root) / RAW_FILES["province_series"], **READ)
    header = ",".join(committed.columns) + "\n"
    (raw(root) / RAW_FILES["province_series"]).write_text(header, encoding="utf-8")
    wanted = set()
    for ind, rel in es.FD_FILES.items():  # the portal exports first: they win where both have a year
        p = importer.plan(importer.read_source(shared_sources / rel, raw(root)), raw(root))
        _write(p, root)
        wanted.add(ind)
    for rel, cols in es.NVA_COLUMNS.items():
        p = importer.plan(
            importer.read_source(shared_sources / rel, raw(root), indicators=set(cols.values())), raw(root)
        )
        _write(p, root)
        wanted |= set(cols.values())
    got = pd.read_csv(raw(root) / RAW_FILES["province_series"], **READ)
    exp = committed[committed["indicator"].isin(wanted)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), exp)


def _write(p, root):
    """The merged province_series without the staged validation (the file is incomplete on purpose)."""
    from neoutflow.data.files import write_csv

    assert not p.conflicts
    write_csv(p.merged["province_series"], raw(root) / RAW_FILES["province_series"])


def test_make_import_is_documented():
    text = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    assert "import:" in text and "neoutflow.data.importer" in text


# ------------------------------------------------------------------ the README's walk-through


def _readme_commands() -> list[str]:
    text = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Updating the data") :]
    section = section[: section.index("\n## ", 3)]
    return [line.split("#")[0].strip() for line in section.splitlines() if line.startswith("make ")]


def test_readme_update_commands_run(project, tmp_path, monkeypatch):
    """Every `make` command of README's "Updating the data", run through the CLI it calls, on synthetic files."""
    import shlex

    from neoutflow.data import preflight

    monkeypatch.setenv("NEOUTFLOW_LATEST_YEAR", "2030")
    commands = _readme_commands()
    assert [c.split()[1] for c in commands] == ["import", "import", "import", "check-inputs", "report"]
    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    g = series(project, "natural_growth_rate")
    codes = provinces(project)["code"]
    synthetic = {  # SYNTHETIC: 2024 natural growth = the 2023 figure; the made-up 2030 census
        "分省年度数据.xls": lambda path: write_xlsx(
            portal_grid(project, "人口自然增长率(‰)", {2024: {c: g[(c, 2023)] for c in codes}}), path
        ),
        "census_county_2030.xlsx": lambda path: synthetic_census_table(project).to_excel(path, index=False),
    }
    rcs = []
    for command in commands:
        words = shlex.split(command)
        target, assigns = words[1], dict(w.split("=", 1) for w in words[2:])
        assert re.search(rf"^{re.escape(target)}:", makefile, re.M), target
        common = ["--raw-dir", str(raw(project)), "--datapackage", str(dp(project))]
        if target == "import":
            name = assigns["FILE"].rsplit("/", 1)[-1]
            f = tmp_path / name
            if not f.exists():
                synthetic[name](f)
            argv = [str(f), *common]
            argv += ["--year", assigns["YEAR"]] if "YEAR" in assigns else []
            argv += ["--apply"] if assigns.get("APPLY") == "1" else []
            rcs.append(importer.main(argv))
        elif target == "check-inputs":
            rcs.append(preflight.main([f"--raw-dir={raw(project)}", *shlex.split(assigns["PARAMS"])]))
    # the imports succeed; the check then lists what the new years still lack (yearly series 2025-2030 etc.)
    assert rcs == [0, 0, 0, 1]
    assert series(project, "natural_growth_rate")[("210000", 2024)] == g[("210000", 2023)]
    _, missing = preflight.check(params.load(overrides={"base_year": 2020, "end_year": 2030}), raw(project))
    assert {m.need.resource for m in missing} == {"province_series", "census_indicators"}


def test_shipped_2020_yearbook_reproduces_census_population(shared_sources, tmp_path):
    """The 2020 county table, imported into census_population without its 2020 rows, gives the committed file."""
    from neoutflow.data.files import write_csv
    from neoutflow.data.yearbook import YEARBOOK_FILES

    root = copy_project_data(tmp_path / "project")
    path = raw(root) / RAW_FILES["census_population"]
    committed = path.read_bytes()
    pop = pd.read_csv(path, **READ)
    write_csv(pop[pop["year"] != 2020], path)
    p = importer.plan(importer.read_source(shared_sources / YEARBOOK_FILES[2020], raw(root)), raw(root))
    counts = p.counts()
    assert counts[("census_population", "province")] == (31 * 36, 0, 0)
    # census_totals keeps the compiler's boundary-adjusted prefecture figures for 2020: those differ
    assert counts[("census_totals", "province")] == (0, 0, 31)
    write_csv(p.merged["census_population"], path)
    assert path.read_bytes() == committed


def test_imports_survive_a_re_record_but_not_a_re_extraction(project, tmp_path):
    f = write_xlsx(portal_grid(project, "人口出生率(‰)", birth_2024(project)), tmp_path / "分省年度数据.xlsx")
    run(project, f, do_apply=True)

    def imports():
        res = {r["name"]: r for r in json.loads(dp(project).read_text(encoding="utf-8"))["resources"]}
        return res["province_series"].get("imports", [])

    provenance.write(dp(project), raw(project))  # `python -m neoutflow.data.record` rewriting the record
    assert len(imports()) == 1
    (tmp_path / "sources").mkdir()
    provenance.write(dp(project), raw(project), sources=tmp_path / "sources")  # `make extract`
    assert imports() == []
