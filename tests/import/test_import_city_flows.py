"""``make import`` of a city-yearbook prefecture table and of a census birthplace matrix.

SYNTHETIC DATA, FOR THESE TESTS ONLY: the official-layout files below are written by the tests (a
中国城市统计年鉴-style table of the 36 Northeast prefectures, a CSMAR-style city export, birthplace matrices
for a made-up census); their figures are the committed rows (unit-converted, scaled or perturbed), or
plainly invented where a cell is new (a wage for 延边 and 大兴安岭 in 2020, which the yearbook lacks), never
real statistics. The last tests import the shipped source files (skipped without ``../shared/sources``).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from data_helpers import copy_project_data, raw, tree_digest

from neoutflow.data import importer, load, provenance
from neoutflow.data.extract import flows as ef
from neoutflow.data.extract import prefecture as epf
from neoutflow.data.files import RAW_FILES, format_value
from neoutflow.data.importer.birthplace import NBS_NAMES
from neoutflow.reference import NBS_ORDER, NORTHEAST

READ = {"dtype": {"code": str, "province_code": str, "origin": str, "destination": str}, "keep_default_na": False}
DATE = "2031-01-01"
# invented 2020 wages for the two Northeast units the yearbook prints none for (SYNTHETIC)
NEW_WAGES = {"222400": 81_234.5, "232700": 69_876.0}


def imported(root, file, **kw) -> tuple[importer.Plan, str]:
    """``importer.run`` on the copy; (plan, everything it printed)."""
    out: list[str] = []
    dp = root / "data" / "datapackage.json"
    p = importer.run(file, raw_dir=raw(root), datapackage=dp, date=DATE, echo=out.append, **kw)
    return p, "\n".join(out)


def table(root, name: str) -> pd.DataFrame:
    return pd.read_csv(raw(root) / RAW_FILES[name], **READ)


def validates(root) -> None:
    load._cache.clear()
    load.validate_all(raw(root), echo=lambda *a, **k: None)
    errors, _ = provenance.check_record(root / "data" / "datapackage.json", raw(root))
    assert errors == []


def save(rows: list[list], path):
    """Rows of cells as a sheet (.xlsx) or a UTF-8 CSV, no header guessed."""
    width = max(len(r) for r in rows)
    df = pd.DataFrame([[*r, *[None] * (width - len(r))] for r in rows])
    if path.suffix == ".xlsx":
        df.to_excel(path, header=False, index=False)
    else:
        df.to_csv(path, header=False, index=False, encoding="utf-8")
    return path


# ------------------------------------------------------------------ a city-yearbook table (yearbook layout)

COLUMNS = {  # printed label -> (indicator, factor from the stored unit to the printed one)
    "地区生产总值(万元)": ("city_gdp", 10_000),
    "在岗职工平均工资(元)": ("city_avg_wage_staff", 1),
    "年末总人口(万人)": ("city_yearend_population", 1e-4),
}


def northeast(root) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the 36 Northeast prefectures in regions.csv order, their committed 2020 values by code × indicator)."""
    regions = table(root, "regions")
    pref = regions[(regions["level"] == "prefecture") & regions["province_code"].isin(NORTHEAST)]
    s = table(root, "prefecture_series")
    s = s[(s["year"] == 2020) & s["code"].isin(set(pref["code"]))]
    return pref, s.pivot(index="code", columns="indicator", values="value")


def yearbook_rows(root, *, units=None, names=None, districts=True, edit=None) -> list[list]:
    """SYNTHETIC: a 2020 yearbook table of the Northeast: 全市 = the committed values in the printed units,
    市辖区 = 0.6 × 全市 (to be ignored), and NEW_WAGES where the file has no wage."""
    pref, v = northeast(root)
    regions = table(root, "regions").set_index("code")
    labels = list(units or COLUMNS)
    head = ["城市"] + [x for label in labels for x in ([label, None] if districts else [label])]
    rows = [["表 2-1 SYNTHETIC 城市统计（2020年）"], ["单位：见各列"], head]
    if districts:
        rows.append([None] + ["全市", "市辖区"] * len(labels))
    for prov in NORTHEAST:
        rows.append([regions.at[prov, "name_zh"]])  # the province heading, no figures
        for code, name in zip(pref["code"], pref["name_zh"], strict=True):
            if code[:2] != prov[:2]:
                continue
            cells = [(names or {}).get(code, name)]
            for label in COLUMNS:
                indicator, factor = COLUMNS[label]
                x = v.at[code, indicator] if indicator in v and code in v.index else np.nan
                if indicator == "city_avg_wage_staff" and np.isnan(x):
                    x = NEW_WAGES.get(code, np.nan)
                whole = "" if np.isnan(x) else format_value(x * factor)
                cells += [whole, "" if np.isnan(x) else format_value(0.6 * x * factor)] if districts else [whole]
            rows.append(cells)
    if edit:
        edit(rows)
    return rows


def expected_counts(root) -> dict:
    _, v = northeast(root)
    have = {ind: int(v[ind].notna().sum()) for _, (ind, _) in COLUMNS.items()}
    added = {ind: 0 for ind in have} | {"city_avg_wage_staff": len(NEW_WAGES)}
    return {("prefecture_series", ind): (added[ind], 0, have[ind]) for ind in have}


def test_city_yearbook_dry_run_reports_exactly_the_changes(project, tmp_path):
    f = save(yearbook_rows(project), tmp_path / "城市统计年鉴2021_表2-1.xlsx")
    before = tree_digest(project / "data")
    p, text = imported(project, f, year=2020)
    assert p.source.kind == "city-yearbook"
    assert p.counts() == expected_counts(project)
    assert not any(c == "222400" for (r, g), _ in p.counts().items() for c in [g])  # groups are indicators
    assert "city_avg_wage_staff: 2 added (years 2020), 0 changed" in text
    assert "地区生产总值(万元)" in text and "dry run: nothing written" in text
    assert tree_digest(project / "data") == before


def test_city_yearbook_apply_validates_and_records(project, tmp_path):
    f = save(yearbook_rows(project), tmp_path / "table.xlsx")
    imported(project, f, year=2020, do_apply=True)
    s = table(project, "prefecture_series").set_index(["code", "year", "indicator"])
    for code, wage in NEW_WAGES.items():
        row = s.loc[(code, 2020, "city_avg_wage_staff")]
        assert row["value"] == pytest.approx(wage) and row["unit"] == "yuan"
        assert row["source"] == "city_yearbook:在岗职工平均工资"
    validates(project)
    res = {r["name"]: r for r in json.loads((project / "data" / "datapackage.json").read_text("utf-8"))["resources"]}
    (entry,) = res["prefecture_series"]["imports"]
    assert entry["kind"] == "city-yearbook" and entry["added"] == 2 and entry["imported"] == DATE
    assert entry["unit"] == "万元, 元, 万人"
    # a second import of the same file has nothing to write
    before = tree_digest(project / "data")
    _, text = imported(project, f, year=2020, do_apply=True)
    assert "nothing to write" in text and tree_digest(project / "data") == before


def test_city_yearbook_conflict_is_refused_unless_replace(project, tmp_path):
    _, v = northeast(project)
    old = v.at["210100", "city_gdp"]

    def edit(rows):
        row = next(r for r in rows if r[0] == "沈阳市")
        row[1] = format_value((old + 1) * 10_000)

    f = save(yearbook_rows(project, edit=edit), tmp_path / "table.csv")
    p, text = imported(project, f, year=2020)
    assert p.counts()[("prefecture_series", "city_gdp")] == (0, 1, 35)
    assert f"changed 210100 2020 city_gdp: {format_value(old)} → {format_value(old + 1)}" in text
    before = tree_digest(project / "data")
    with pytest.raises(importer.ConflictError, match="REPLACE=1"):
        imported(project, f, year=2020, do_apply=True)
    assert tree_digest(project / "data") == before
    imported(project, f, year=2020, do_apply=True, replace=True)
    s = table(project, "prefecture_series").set_index(["code", "year", "indicator"])["value"]
    assert s[("210100", 2020, "city_gdp")] == pytest.approx(old + 1)
    validates(project)


def test_city_yearbook_one_level_header_and_year_column(project, tmp_path):
    """Without the 全市/市辖区 row the columns are read as 全市; a 年份 column gives the year."""
    rows = yearbook_rows(project, districts=False)
    rows[2].append("年份")
    for r in rows[3:]:
        if len(r) > 1:
            r.append("2020")
    p, _ = imported(project, save(rows, tmp_path / "t.csv"))
    assert p.counts() == expected_counts(project)


def _bad_yearbook(root, case):
    """A yearbook table with one fault, the --year to pass, the error and the message expected."""
    if case == "unit":
        units = {"地区生产总值(万元)": 0, "在岗职工平均工资(万元)": 0, "年末总人口(万人)": 0}
        rows = yearbook_rows(root, units=units)
        return rows, 2020, importer.UnitError, "在岗职工平均工资 is in '万元' but the project expects 元"
    if case == "name":
        rows = yearbook_rows(root, names={"210100": "沈杨市"})
        return rows, 2020, importer.RegionError, "unknown prefecture '沈杨市'; nearest known names: 沈阳市"
    if case == "heading":

        def edit(rows):  # 长春市 moved under 辽宁省
            i = next(i for i, r in enumerate(rows) if r[0] == "长春市")
            rows.insert(5, rows.pop(i))  # after the 辽宁省 heading

        rows = yearbook_rows(root, edit=edit)
        return rows, 2020, importer.RegionError, "长春市 (220100) is listed under 辽宁省"
    if case == "window":
        return yearbook_rows(root), 2021, importer.YearError, "year 2021 is outside 2010–2020"
    if case == "no_year":
        return yearbook_rows(root), None, importer.YearError, "give the data year with --year"
    if case == "districts_only":

        def edit(rows):
            rows[3] = [None] + ["市辖区", "市辖区"] * 3

        rows = yearbook_rows(root, edit=edit)
        return rows, 2020, importer.LayoutError, "for 市辖区 only"
    if case == "no_region_column":

        def edit(rows):
            rows[2][0] = "名称"

        return yearbook_rows(root, edit=edit), 2020, importer.LayoutError, "layout not recognised"
    if case == "invalid":

        def edit(rows):  # a wage typed in 万元 under a 元 header: below the 5,000 元 floor
            row = next(r for r in rows if r[0] == "大连市")
            row[3] = "9.8"

        rows = yearbook_rows(root, edit=edit)
        return rows, 2020, importer.ImportFailure, "do not pass validation"
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case", ["unit", "name", "heading", "window", "no_year", "districts_only", "no_region_column", "invalid"]
)
def test_bad_city_yearbook_changes_nothing(project, tmp_path, case):
    rows, year, error, message = _bad_yearbook(project, case)
    f = save(rows, tmp_path / "bad.xlsx")
    before = tree_digest(project / "data")
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        imported(project, f, year=year, do_apply=True, replace=True)
    assert tree_digest(project / "data") == before


def test_city_yearbook_unrecognised_layout_names_the_missing_column(project, tmp_path):
    rows, *_ = _bad_yearbook(project, "no_region_column")
    with pytest.raises(importer.LayoutError, match="a header row .* with 城市 or 地区"):
        imported(project, save(rows, tmp_path / "bad.csv"), kind="city-yearbook", year=2020)


# ------------------------------------------------------------------ a city-yearbook table (CSMAR export)

CRE_HEADER = ["Sgnyea", "Ctnm_en", "Ctnm_id", "Cttyp_en", "Prvcnm_id", "Prvcnm_en", "Gdpct01", "GDP_PerCapita"]


def cre_rows(root, extra=()) -> list[list]:
    """SYNTHETIC CSMAR-style GDP export: 沈阳 and 北京 (under the export's 110000) 2019–2020 as committed, a 2009
    row (outside the series) and 莱芜 2018 (dropped: merged into 济南)."""
    s = table(root, "prefecture_series").set_index(["code", "year", "indicator"])["value"]
    rows = [CRE_HEADER]
    for export_code, code, name in (("210100", "210100", "Shenyang"), ("110000", "110100", "Beijing (city)")):
        for year in (2019, 2020):
            gdp, per_capita = s[(code, year, "city_gdp")], s[(code, year, "city_gdp_per_capita")]
            rows.append(
                [str(year), name, export_code, "", code[:2] + "0000", "", format_value(gdp), format_value(per_capita)]
            )
    rows.append(["2009", "Shenyang", "210100", "", "210000", "", "4000", "50000"])
    rows.append(["2018", "Laiwu", "371200", "", "370000", "", "900", "70000"])
    return rows + [list(r) for r in extra]


def test_csmar_export_recoded_filtered_and_left_alone(project, tmp_path):
    p, text = imported(project, save(cre_rows(project), tmp_path / "CRE_Gdpct.csv"))
    assert p.source.kind == "city-yearbook"
    assert p.counts() == {
        ("prefecture_series", "city_gdp"): (0, 0, 4),
        ("prefecture_series", "city_gdp_per_capita"): (0, 0, 4),
    }
    assert "years 2009 not read (prefecture_series.csv holds 2010–2020)" in text
    (part,) = p.source.parts
    assert set(part.rows["code"]) == {"110100", "210100"}
    assert set(part.rows["source"]) == {"csmar_cre_city:CRE_Gdpct.Gdpct01", "csmar_cre_city:CRE_Gdpct.GDP_PerCapita"}


def test_csmar_export_unknown_code_changes_nothing(project, tmp_path):
    bad = ["2020", "Nowhere", "219900", "", "210000", "", "100", "50000"]
    f = save(cre_rows(project, [bad]), tmp_path / "CRE_Gdpct.csv")
    before = tree_digest(project / "data")
    with pytest.raises(importer.RegionError, match="219900 Nowhere .*nearest known codes"):
        imported(project, f, do_apply=True)
    assert tree_digest(project / "data") == before


# ------------------------------------------------------------------ a birthplace matrix


def committed_matrix(root, year: int) -> np.ndarray:
    f = table(root, "birthplace_flows")
    f = f[f["year"] == year].pivot(index="destination", columns="origin", values="persons_sample")
    codes = [c for _, c in NBS_ORDER]
    return f.loc[codes, codes].to_numpy().copy()


def matrix_rows(mat: np.ndarray, title: str, *, unit="人", names=NBS_NAMES, totals=True) -> list[list]:
    """A birthplace matrix as the census tables print it: title, unit, header, 合计 column, 全国 row."""
    head = ["现住地\\出生地", *(["合计"] if totals else []), *names]
    rows = [[title], [f"单位：{unit}"], head]
    if totals:
        rows.append(["全国", "", *[str(int(x)) for x in mat.sum(axis=0)]])
    for name, r in zip(names, mat, strict=True):
        rows.append([name, *([str(int(r.sum()))] if totals else []), *[str(int(x)) for x in r]])
    return rows


def synthetic_2020(root) -> np.ndarray:
    """SYNTHETIC: a made-up 2020 matrix, the 2010 cells × 1.1, with non-migrants on the diagonal making each
    row's sample a tenth of the province's 2020 population (as a table that prints the diagonal has)."""
    mat = np.round(committed_matrix(root, 2010) * 1.1).astype(np.int64)
    totals = table(root, "census_totals")
    pop = totals[totals["year"] == 2020].set_index("code")["population"]
    sample = np.round(pop.reindex([c for _, c in NBS_ORDER]).to_numpy() * 0.1).astype(np.int64)
    np.fill_diagonal(mat, sample - mat.sum(axis=1))
    return mat


def test_birthplace_new_census_dry_run_and_apply(project, tmp_path):
    mat = synthetic_2020(project)
    f = save(
        matrix_rows(mat, "SYNTHETIC 第七次人口普查 按现住地和出生地分的人口（长表）"), tmp_path / "birthplace.xlsx"
    )
    before = tree_digest(project / "data")
    with pytest.raises(importer.ImportFailure, match=r"31 cell\(s\) on the diagonal are not 0 .*--diagonal"):
        imported(project, f)  # the table prints the diagonal: only with the flag that says so
    p, text = imported(project, f, diagonal=True)
    assert p.source.kind == "birthplace-matrix"
    assert p.counts() == {("birthplace_flows", 2020): (961, 0, 0)}
    assert "2020: 961 added (years 2020), 0 changed, 0 left alone" in text
    assert f"diagonal of {int(np.trace(mat)):,} persons born in their province of residence not kept" in text
    assert tree_digest(project / "data") == before
    imported(project, f, do_apply=True, diagonal=True)
    validates(project)
    got = table(project, "birthplace_flows")
    got = got[got["year"] == 2020].set_index(["origin", "destination"])
    off = mat.copy()
    np.fill_diagonal(off, 0)
    assert int(got["persons_sample"].sum()) == int(off.sum())
    # rows = residence (destination), columns = birthplace (origin): 辽宁-born living in 黑龙江
    assert got.at[("210000", "230000"), "persons_sample"] == mat[7, 5]
    assert got.at[("210000", "230000"), "persons_estimated"] == round(mat[7, 5] / 0.1)
    assert (got.loc[[(c, c) for _, c in NBS_ORDER], "persons_sample"] == 0).all()


def test_birthplace_transposed_corner_is_read_by_rows_of_birth(project, tmp_path):
    mat = synthetic_2020(project)
    rows = matrix_rows(mat.T, "SYNTHETIC", totals=False)
    rows[2][0] = "出生地\\现住地"
    p, _ = imported(project, save(rows, tmp_path / "m.csv"), year=2020, diagonal=True)
    f = p.source.parts[0].rows.set_index(["origin", "destination"])["persons_sample"]
    assert f[("210000", "230000")] == mat[7, 5]


def test_birthplace_conflict_is_refused(project, tmp_path):
    mat = committed_matrix(project, 2010)
    old = int(mat[7, 5])
    mat[7, 5] += 10
    f = save(matrix_rows(mat, "SYNTHETIC 2010年人口普查"), tmp_path / "m.xlsx")
    p, text = imported(project, f)
    assert p.counts() == {("birthplace_flows", 2010): (0, 1, 960)}
    assert f"changed 2010 210000 230000: {old} → {old + 10}" in text
    before = tree_digest(project / "data")
    with pytest.raises(importer.ConflictError):
        imported(project, f, do_apply=True)
    assert tree_digest(project / "data") == before


def _bad_matrix(root, case):
    mat = synthetic_2020(root)
    title = "SYNTHETIC 第七次人口普查"
    if case == "not_square":
        rows = matrix_rows(mat, title, totals=False)
        for r in rows[2:]:
            del r[-1]  # no 新疆 column
        return rows, None, importer.LayoutError, "not square: 31 province rows × 30 province columns"
    if case == "order":
        order = list(range(31))
        order[2], order[3] = 3, 2  # 山西 before 河北
        names = [NBS_NAMES[i] for i in order]
        rows = matrix_rows(mat[np.ix_(order, order)], title, names=names)
        return rows, None, importer.LayoutError, "not in the NBS order .* position 3 is 山西, expected 河北"
    if case == "name":
        names = [("黑龙将" if n == "黑龙江" else n) for n in NBS_NAMES]
        return matrix_rows(mat, title, names=names), None, importer.RegionError, "nearest known names: 黑龙江"
    if case == "unit":
        return matrix_rows(mat, title, unit="万人"), None, importer.UnitError, "in '万人'"
    if case == "no_year":
        return matrix_rows(mat, "SYNTHETIC"), None, importer.YearError, "give the census year with --year"
    if case == "not_census_year":
        return matrix_rows(mat, "SYNTHETIC"), 2015, importer.YearError, "2015 is not a census year"
    if case == "implausible_year":
        return matrix_rows(mat, "SYNTHETIC"), 1890, importer.YearError, "outside the plausible range"
    if case == "total":
        rows = matrix_rows(mat, title)
        rows[5][1] = str(int(rows[5][1]) + 1)  # 天津's 合计
        return rows, None, importer.ImportFailure, "天津.*add up to"
    if case == "negative":
        rows = matrix_rows(mat, title, totals=False)
        rows[4][3] = "-5"
        return rows, None, importer.ImportFailure, "an integer ≥ 0"
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case",
    ["not_square", "order", "name", "unit", "no_year", "not_census_year", "implausible_year", "total", "negative"],
)
def test_bad_birthplace_matrix_changes_nothing(project, tmp_path, case):
    rows, year, error, message = _bad_matrix(project, case)
    f = save(rows, tmp_path / "matrix.xlsx")
    before = tree_digest(project / "data")
    with pytest.raises(error, match=message):
        imported(project, f, year=year, do_apply=True)
    assert tree_digest(project / "data") == before


def _off_diagonal_2020(root) -> np.ndarray:
    mat = synthetic_2020(root)
    np.fill_diagonal(mat, 0)
    return mat


def test_birthplace_two_rows_swapped_are_refused(project, tmp_path):
    """Issue #29 item 3: two rows' values swapped put migrants on the diagonal, which was silently set to 0
    ("961 added"); it is refused, naming the cells and counting the persons."""
    mat = _off_diagonal_2020(project)
    mat[[5, 7]] = mat[[7, 5]]  # 辽宁's row and 黑龙江's row exchanged
    f = save(matrix_rows(mat, "SYNTHETIC 第七次人口普查"), tmp_path / "swapped.xlsx")
    before = tree_digest(project / "data")
    with pytest.raises(importer.ImportFailure) as err:
        imported(project, f, do_apply=True)
    msg = str(err.value)
    assert "2 cell(s) on the diagonal are not 0" in msg and "辽宁 × 辽宁" in msg and "黑龙江 × 黑龙江" in msg
    assert f"{int(mat[5, 5] + mat[7, 7]):,} persons in all" in msg and "swapped" in msg
    assert tree_digest(project / "data") == before


def test_birthplace_swap_in_a_table_with_its_diagonal_meets_the_census_populations(project, tmp_path):
    """With --diagonal (the table prints the non-migrants), the row sums are residents: a swap of two rows
    disagrees with the census populations of the year."""
    mat = synthetic_2020(project)
    mat[[18, 1]] = mat[[1, 18]]  # 广东's row and 天津's row exchanged
    f = save(matrix_rows(mat, "SYNTHETIC 第七次人口普查"), tmp_path / "swapped.xlsx")
    with pytest.raises(importer.ImportFailure, match=r"2020 census populations .*row 天津.*row 广东"):
        imported(project, f, diagonal=True)


def test_birthplace_zero_cells_in_full_rows_are_refused_unless_the_layout_has_them(project, tmp_path):
    mat = _off_diagonal_2020(project)
    mat[7, 5] = 0  # 辽宁-born living in 黑龙江 left blank as 0
    f = save(matrix_rows(mat, "SYNTHETIC 第七次人口普查"), tmp_path / "zeros.xlsx")
    with pytest.raises(
        importer.ImportFailure, match=r"1 cell\(s\) off the diagonal are 0 .*黑龙江 × 辽宁.*--zero-cells"
    ):
        imported(project, f, do_apply=True)
    p, _ = imported(project, f, zero_cells=True)
    assert p.counts() == {("birthplace_flows", 2020): (961, 0, 0)}


def test_birthplace_totals_compared_with_the_census_populations(project, tmp_path):
    mat = _off_diagonal_2020(project) * 4  # a sample four times too large (e.g. estimates given as the sample)
    f = save(matrix_rows(mat, "SYNTHETIC 第七次人口普查"), tmp_path / "big.xlsx")
    with pytest.raises(importer.ImportFailure, match=r"does not agree with the 2020 census populations"):
        imported(project, f)


def test_cli_imports_a_script_matrix(project, tmp_path, capsys):
    """The chord-diagram container (.js) of the shipped source, SYNTHETIC cells, through the CLI."""
    mat = synthetic_2020(project)
    np.fill_diagonal(mat, 0)
    script = f"var city_name = {json.dumps(list(NBS_NAMES), ensure_ascii=False)};\nvar population = {json.dumps(mat.tolist())};\n"
    (tmp_path / "flow2020.js").write_text(script, encoding="utf-8")
    common = ["--raw-dir", str(raw(project)), "--datapackage", str(project / "data" / "datapackage.json")]
    assert importer.main([str(tmp_path / "flow2020.js"), *common, "--apply"]) == 0
    assert "birthplace-matrix" in capsys.readouterr().out
    validates(project)
    (tmp_path / "flow.js").write_text(script.replace("var population", "var pop"), encoding="utf-8")
    assert importer.main([str(tmp_path / "flow.js"), *common, "--year", "2020"]) == 1
    assert "var population" in capsys.readouterr().err


# ------------------------------------------------------------------ the shipped sources


def test_shipped_city_exports_reproduce_prefecture_series(shared_sources, tmp_path):
    """The two CSMAR exports, imported into data/raw without prefecture_series.csv, give the committed bytes."""
    root = copy_project_data(tmp_path / "project")
    path = raw(root) / RAW_FILES["prefecture_series"]
    committed = path.read_bytes()
    path.unlink()
    for file in epf.FIELDS:
        imported(root, shared_sources / file, do_apply=True)
    assert path.read_bytes() == committed
    validates(root)


def test_shipped_scripts_reproduce_birthplace_flows(shared_sources, tmp_path):
    """flow.js (2000) and flow1.js (2010), imported into data/raw without birthplace_flows.csv, give the committed
    bytes; the scripts name no year, so it is given as YEAR= would."""
    root = copy_project_data(tmp_path / "project")
    path = raw(root) / RAW_FILES["birthplace_flows"]
    committed = path.read_bytes()
    path.unlink()
    for year, rel in ef.FILES.items():
        p, _ = imported(root, shared_sources / rel, year=year, do_apply=True)
        assert p.counts() == {("birthplace_flows", year): (961, 0, 0)}
    assert path.read_bytes() == committed
    validates(root)


def test_every_layout_is_documented():
    """Each kind of the registry is described in the importer's docstring and in data/README.md's table."""
    from neoutflow import paths

    readme = (paths.ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for kind in importer.KINDS:
        assert f"``{kind}``" in importer.__doc__, kind
        assert f"| `{kind}` |" in readme, kind
