"""``make import`` of census indicator tables: communiqué tables 6-1/6-2 and yearbook indicator tables.

SYNTHETIC DATA, FOR THESE TESTS ONLY: the communiqué tables and the yearbook indicator table below are
written by the tests in the official column layout for a made-up "2030 census"; their figures are derived
from the committed rows (scaled, or fixed fractions of the synthetic population), never real statistics.
Only the last tests read the shipped source files (skipped without ../shared/sources).
"""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from data_helpers import copy_project_data, dp, raw, tree_digest
from official_files import short_names, spaced, synthetic_census_table, table_61, write_rows

from neoutflow.data import importer, load, provenance
from neoutflow.data.files import RAW_FILES, write_csv
from neoutflow.reference import AGE_GROUPS, NATIONAL_CODE

READ = {"dtype": {"code": str}, "keep_default_na": False}
DATE = "2031-06-01"
YEAR = 2030


@pytest.fixture
def project(project, monkeypatch):
    monkeypatch.setenv("NEOUTFLOW_LATEST_YEAR", str(YEAR))
    return project


def run(root, file, **kw):
    lines: list[str] = []
    p = importer.run(file, raw_dir=raw(root), datapackage=dp(root), date=DATE, echo=lines.append, **kw)
    return p, "\n".join(lines)


def indicators(root) -> pd.DataFrame:
    return pd.read_csv(raw(root) / RAW_FILES["census_indicators"], **READ)


def value(root, code, year, indicator) -> float:
    t = indicators(root).set_index(["code", "year", "indicator"])
    return float(t.at[(code, year, indicator), "value"])


def table_62(root, path, shift=0.5):
    """Table 6-2 as published: one column per census, the new one first (SYNTHETIC 2030 = 2020 + ``shift``;
    the 2020 column as in the committed file)."""
    ind = indicators(root).set_index(["code", "year", "indicator"])["value"]
    rows = [["各地区 15 岁及以上人口平均受教育年限", "Unnamed: 1", "Unnamed: 2"], ["地区", f"{YEAR}年", "2020年"]]
    for code, name in [(NATIONAL_CODE, "全 国")] + [(c, spaced(n)) for c, n in short_names(root).items()]:
        y2020 = ind[(code, 2020, "years_of_schooling")]
        rows.append([name + " ", f"{y2020 + shift:.2f}", f"{y2020:g}"])
    return write_rows(rows, path)


# ------------------------------------------------------------------ a synthetic yearbook indicator table

# SYNTHETIC: each prefecture-level row's counts make its 2020 indicators times these factors (a census must
# stay within the bounded change from the previous one), the employed being half the population.
FACTORS = {"college": 1.05, "urban": 1.02, "inmigrants": 1.0, "employed": 0.5}
# the secondary sector's other parts, as shares of (secondary − manufacturing)
SECONDARY_REST = {"采矿业": 0.2, "电力热力燃气及水生产和供应业": 0.1, "建筑业": 0.7}


def indicator_table(root) -> pd.DataFrame:
    """A 2020-layout county table without the age columns (education, industry, migration, urban):
    prefecture counts from each unit's 2020 indicators (× :data:`FACTORS`) and its synthetic 2030 population,
    province rows their sums."""
    base = synthetic_census_table(root, YEAR)
    keep = ["区划代码", "省", "市", "区县", "人口数_合计"]
    t = base[keep].copy()
    body = t.iloc[1:].copy()
    codes = body["区划代码"].astype(int).astype(str)
    pop = body["人口数_合计"].astype(float)
    ind = indicators(root)
    # each unit's latest figure (2020; 2010 where 2020 lacks it, as 三沙市's industry shares)
    was = ind.sort_values("year").groupby(["code", "indicator"])["value"].last().unstack()

    def of(name: str) -> pd.Series:
        return pd.Series(codes.map(was[name]).astype(float).to_numpy(), index=body.index)

    cols: dict[str, pd.Series] = {}
    college = (pop * of("college_per_100k") / 100_000 * FACTORS["college"]).round()
    cols["大学专科_男"] = (college * 0.25).round()
    cols["大学专科_女"] = (college * 0.25).round()
    cols["本科及以上_男"] = (college * 0.25).round()
    cols["本科及以上_女"] = college - cols["大学专科_男"] - cols["大学专科_女"] - cols["本科及以上_男"]
    cols["城镇人口"] = (pop * (of("urban_share") * FACTORS["urban"]).clip(upper=100) / 100).round()
    cols["户口登记地在外乡镇街道人口_省外"] = (pop * of("inmigrant_share") / 100 * FACTORS["inmigrants"]).round()
    employed = (pop * FACTORS["employed"]).round()
    cols["各种行业人口总计"] = employed
    cols["农林牧渔业"] = (employed * of("primary_share") / 100).round()
    cols["制造业"] = (employed * of("manufacturing_share") / 100).round()
    rest = employed * (of("secondary_share") - of("manufacturing_share")) / 100
    for name, share in SECONDARY_REST.items():
        cols[name] = (rest * share).round()
    cols["平均受教育年限_合计"] = of("years_of_schooling_yearbook").fillna(10.5) + 0.3
    frame = pd.DataFrame(cols)
    # province rows = the sum of their prefecture-level rows (municipalities are their own row)
    is_prov = codes.str.endswith("0000")
    has_pref = codes[~is_prov].str[:2].unique()
    for i in body.index[is_prov]:
        p = codes[i][:2]
        if p in has_pref:
            members = body.index[~is_prov & (codes.str[:2] == p)]
            for c in frame.columns:
                if c != "平均受教育年限_合计":
                    frame.loc[i, c] = frame.loc[members, c].sum()
    body = pd.concat([body, frame], axis=1)
    head = t.iloc[:1].reindex(columns=body.columns)
    return pd.concat([head, body], ignore_index=True)


def n_units(root) -> int:
    """Province rows and prefecture-level units of regions.csv (what the synthetic tables cover)."""
    return len(pd.read_csv(raw(root) / RAW_FILES["regions"], **READ))


# ------------------------------------------------------------------ communiqué: dry run, apply, conflicts


def test_communique_61_dry_run_then_apply_validates(project, tmp_path):
    f = table_61(project, tmp_path / "table_6-1.csv")
    before = tree_digest(project / "data")
    p, text = run(project, f, year=YEAR)
    assert p.source.kind == "census-communique"
    assert p.counts() == {("census_indicators", "college_per_100k"): (32, 0, 0)}
    assert f"college_per_100k: 32 added (years {YEAR}), 0 changed, 0 left alone" in text
    assert "dry run: nothing written" in text and tree_digest(project / "data") == before
    run(project, f, year=YEAR, do_apply=True)
    assert value(project, "210000", YEAR, "college_per_100k") == round(
        value(project, "210000", 2020, "college_per_100k") * 1.1
    )
    row = indicators(project).set_index(["code", "year", "indicator"]).loc[("210000", YEAR, "college_per_100k")]
    assert row["source"] == "communique_6-1" and row["unit"] == "per 100,000 residents"
    load._cache.clear()
    load.validate_all(raw(project), echo=lambda *a, **k: None)
    assert provenance.check_record(dp(project), raw(project)) == ([], [])
    res = {r["name"]: r for r in json.loads(dp(project).read_text(encoding="utf-8"))["resources"]}
    (entry,) = res["census_indicators"]["imports"]
    assert entry["file"] == "table_6-1.csv" and entry["kind"] == "census-communique" and entry["added"] == 32
    assert entry["unit"] == "人/10万人" and "6-1" in entry["table"] and entry["imported"] == DATE


def test_communique_61_per_10000_is_converted(project, tmp_path):
    """A table printed per 10,000 (人/万人) is stored per 100,000: × 10."""
    prov = short_names(project)
    f = write_rows(
        [
            ["各地区每10万人口中拥有的各类受教育程度人数"],
            ["地区 单位：人/万人", "大学（大专及以上）"],
            [spaced(prov["220000"]), "1800.5"],
        ],
        tmp_path / f"communique_{YEAR}.csv",
    )
    p, _ = run(project, f)  # the year from the file name
    (part,) = p.source.parts
    assert part.rows.to_dict("records") == [
        {
            "code": "220000",
            "year": YEAR,
            "indicator": "college_per_100k",
            "value": 18005.0,
            "unit": "per 100,000 residents",
            "source": "communique_6-1",
        }
    ]


def test_communique_62_adds_the_new_year_and_leaves_2020_alone(project, tmp_path):
    f = table_62(project, tmp_path / "table_6-2.csv")
    p, text = run(project, f)
    assert p.counts() == {("census_indicators", "years_of_schooling"): (32, 0, 32)}
    assert f"years_of_schooling: 32 added (years {YEAR}), 0 changed, 32 left alone" in text
    run(project, f, do_apply=True)
    assert value(project, "230000", YEAR, "years_of_schooling") == pytest.approx(
        value(project, "230000", 2020, "years_of_schooling") + 0.5
    )
    load._cache.clear()
    load.validate_all(raw(project), echo=lambda *a, **k: None)


def test_communique_conflict_is_refused_unless_replace(project, tmp_path):
    f = table_62(project, tmp_path / "table_6-2.csv")
    rows = list(csv.reader(io.StringIO(f.read_text(encoding="utf-8-sig"))))
    jilin = next(r for r in rows if r[0].replace(" ", "") == "吉林")
    old = float(jilin[2])
    jilin[2] = f"{old + 0.3:.2f}"
    write_rows(rows, f)
    p, text = run(project, f)
    assert p.counts() == {("census_indicators", "years_of_schooling"): (32, 1, 31)}
    assert f"changed 220000 2020 years_of_schooling: {old:g} → {old + 0.3:g}" in text
    before = tree_digest(project / "data")
    with pytest.raises(importer.ConflictError, match="--replace"):
        run(project, f, do_apply=True)
    assert tree_digest(project / "data") == before
    run(project, f, do_apply=True, replace=True)
    assert value(project, "220000", 2020, "years_of_schooling") == pytest.approx(old + 0.3)


# ------------------------------------------------------------------ yearbook indicator table


def test_indicator_table_dry_run_apply_and_values(project, tmp_path):
    table = indicator_table(project)
    f = tmp_path / f"census_county_{YEAR}_indicators.xlsx"
    table.to_excel(f, index=False)
    p, text = run(project, f)
    assert p.source.kind == "census-indicators"
    n = n_units(project)
    computed = [
        "college_per_100k",
        "years_of_schooling",
        "years_of_schooling_yearbook",
        "primary_share",
        "secondary_share",
        "manufacturing_share",
        "tertiary_share",
        "inmigrants_other_province",
        "inmigrant_share",
        "urban_share",
    ]
    # no age columns: no age shares; the 2020 layout has no registered population or census vital rates
    assert p.counts() == {("census_indicators", name): (n, 0, 0) for name in computed}
    assert f"urban_share: {n} added (years {YEAR}), 0 changed, 0 left alone" in text
    run(project, f, do_apply=True)
    # hand-checkable: the 2020 figures the synthetic counts were made from, times FACTORS
    was = {k: value(project, "220100", 2020, k) for k in ("urban_share", "college_per_100k", "secondary_share")}
    assert value(project, "220100", YEAR, "urban_share") == pytest.approx(was["urban_share"] * 1.02, abs=0.01)
    assert value(project, "220100", YEAR, "college_per_100k") == pytest.approx(was["college_per_100k"] * 1.05, abs=1)
    assert value(project, "220100", YEAR, "secondary_share") == pytest.approx(was["secondary_share"], abs=0.01)
    tertiary = 100 - value(project, "220100", 2020, "primary_share") - was["secondary_share"]
    assert value(project, "220100", YEAR, "tertiary_share") == pytest.approx(tertiary, abs=0.01)
    ind = indicators(project).set_index(["code", "year", "indicator"])
    assert ind.at[("220000", YEAR, "urban_share"), "source"] == "yearbook_province_row"
    assert ind.at[("220100", YEAR, "urban_share"), "source"] == "yearbook_prefecture_row"
    load._cache.clear()
    load.validate_all(raw(project), echo=lambda *a, **k: None)
    assert provenance.check_record(dp(project), raw(project)) == ([], [])


def test_communique_figures_outrank_yearbook_values(project, tmp_path):
    """Communiqué first: the yearbook's computed province values are kept out, even with --replace."""
    f61 = table_61(project, tmp_path / "table_6-1.csv")
    fyb = tmp_path / f"census_county_{YEAR}_indicators.xlsx"
    indicator_table(project).to_excel(fyb, index=False)
    n = n_units(project)

    run(project, f61, year=YEAR, do_apply=True)
    p, text = run(project, fyb)
    change = next(c for c in p.changes if c.group == "college_per_100k")
    assert (len(change.added), len(change.changed), len(change.kept)) == (n - 31, 0, 31)
    assert "31 kept (years 2030): the file's official figures outrank these" in text
    run(project, fyb, do_apply=True, replace=True)  # even --replace keeps the official figures
    assert (
        indicators(project).set_index(["code", "year", "indicator"]).at[("210000", YEAR, "college_per_100k"), "source"]
        == "communique_6-1"
    )


def test_yearbook_first_then_communique_needs_replace(project, tmp_path):
    """Yearbook first: the communiqué figures are changes, refused without --replace, and then win."""
    f61 = table_61(project, tmp_path / "table_6-1.csv")
    fyb = tmp_path / f"census_county_{YEAR}_indicators.xlsx"
    indicator_table(project).to_excel(fyb, index=False)
    run(project, fyb, do_apply=True)
    p, _ = run(project, f61, year=YEAR)
    # 31 provinces computed from the yearbook differ from the communiqué; 全国 is new
    assert p.counts() == {("census_indicators", "college_per_100k"): (1, 31, 0)}
    with pytest.raises(importer.ConflictError):
        run(project, f61, year=YEAR, do_apply=True)
    run(project, f61, year=YEAR, do_apply=True, replace=True)
    assert (
        indicators(project).set_index(["code", "year", "indicator"]).at[("220000", YEAR, "college_per_100k"), "source"]
        == "communique_6-1"
    )


def test_full_county_table_also_writes_its_indicators(project, tmp_path):
    """A county table with the age columns (census-yearbook) writes the indicators of its other columns too."""
    ages = synthetic_census_table(project, YEAR)
    table = indicator_table(project).merge(ages, on=["区划代码", "省", "市", "区县", "人口数_合计"], how="left")
    f = tmp_path / f"census_county_{YEAR}.xlsx"
    table.to_excel(f, index=False)
    p, _ = run(project, f)
    assert p.source.kind == "census-yearbook"
    counts = p.counts()
    n = n_units(project)
    assert counts[("census_population", "province")] == (31 * 2 * len(AGE_GROUPS), 0, 0)
    assert counts[("census_indicators", "share_age_65_plus")] == (n, 0, 0)
    assert counts[("census_indicators", "urban_share")] == (n, 0, 0)
    # --kind census-indicators reads only the indicators of the same table
    p2, _ = run(project, f, kind="census-indicators")
    assert {r for r, _ in p2.counts()} == {"census_indicators"}
    run(project, f, do_apply=True)
    load._cache.clear()
    load.validate_all(raw(project), echo=lambda *a, **k: None)


# ------------------------------------------------------------------ clear errors, nothing changed


def _bad_61(project, tmp_path, case):
    f = tmp_path / "table_6-1.csv"
    if case == "region":
        names = short_names(project) | {"210000": "辽守"}
        return table_61(project, f, names=names), {"year": YEAR}
    if case == "unit":
        return table_61(project, f, unit="人/千人"), {"year": YEAR}
    if case == "year":
        return table_61(project, f), {"year": 1900}
    if case == "no-year":
        return table_61(project, f), {}
    if case == "column":
        f = table_61(project, f)
        f.write_text(f.read_text(encoding="utf-8-sig").replace("大学", "大专"), encoding="utf-8-sig")
        return f, {"year": YEAR}
    if case == "invalid":
        # above 100,000 per 100,000 for 北京 (×3: within the change allowed between censuses, so the
        # validation of the merged data refuses it; ×10 is refused before, as implausible)
        return table_61(project, f, factor=3), {"year": YEAR}
    if case == "table-3-1":
        rows = [["各地区人口", "Unnamed: 1"], ["地区 ", "人口数 "], ["北  京 ", "21893095"]]
        return write_rows(rows, f), {}
    if case == "header-year":
        f = table_62(project, f)
        f.write_text(f.read_text(encoding="utf-8-sig").replace(f"{YEAR}年", "2099年"), encoding="utf-8-sig")
        return f, {}
    t = indicator_table(project)
    if case == "partial-industry":
        t = t.drop(columns=["建筑业"])
    if case == "no-indicators":
        t = t[["区划代码", "省", "市", "区县", "人口数_合计"]]
    if case == "province-sum":
        t.loc[t["区划代码"] == 220000, "城镇人口"] += 100_000  # 0.4 % above its prefectures
    f = tmp_path / f"county_{YEAR}.xlsx"
    t.to_excel(f, index=False)
    return f, {}


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        ("region", importer.RegionError, "unknown region '辽守'; nearest known names: 辽宁"),
        ("unit", importer.UnitError, "table 6-1 is in '人/千人' but the project expects '单位：人/10万人'"),
        ("year", importer.YearError, "year 1900 is outside the plausible range"),
        ("no-year", importer.YearError, "give the census year with --year"),
        ("column", importer.LayoutError, "needs the column '大学(大专及以上)'"),
        ("invalid", importer.ImportFailure, "do not pass validation"),
        ("table-3-1", importer.LayoutError, "'各地区人口' is not imported: table 3-1's persons are the census totals"),
        ("header-year", importer.YearError, "year 2099 is outside the plausible range"),
        ("partial-industry", importer.LayoutError, "some of the industry columns but lacks ['建筑业']"),
        ("no-indicators", importer.LayoutError, "none of the indicator columns the project reads"),
        ("province-sum", importer.ImportFailure, "province rows differ from the sum of their prefectures"),
    ],
)
def test_bad_file_changes_nothing(project, tmp_path, case, error, message):
    f, kw = _bad_61(project, tmp_path, case)
    before = tree_digest(project / "data")
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        run(project, f, do_apply=True, **kw)
    assert tree_digest(project / "data") == before


def test_unrecognised_file_lists_the_census_layouts(project, tmp_path):
    f = write_rows([["某表"], ["地区", "x"]], tmp_path / "x.csv")
    with pytest.raises(importer.LayoutError, match="layout not recognised") as exc:
        run(project, f)
    assert "census communiqué table (6-1" in str(exc.value) and "indicators" in str(exc.value)


def test_boundaries_only_for_yearbook_tables(project, tmp_path):
    f = table_61(project, tmp_path / "table_6-1.csv")
    with pytest.raises(importer.ImportFailure, match="--boundaries applies to"):
        run(project, f, year=YEAR, boundaries=f)


def test_cli_kind_and_year(project, tmp_path, capsys):
    f = table_61(project, tmp_path / "table.csv")
    common = ["--raw-dir", str(raw(project)), "--datapackage", str(dp(project))]
    assert importer.main([str(f), "--kind", "census-communique", "--year", str(YEAR), *common]) == 0
    assert "college_per_100k: 32 added" in capsys.readouterr().out
    assert importer.main([str(f), "--kind", "census-communique", *common]) == 1
    assert "give the census year with --year" in capsys.readouterr().err


# ------------------------------------------------------------------ the shipped sources


def test_shipped_sources_reproduce_census_indicators(shared_sources, tmp_path):
    """Tables 6-1 and 6-2 and the two county tables (2010 regrouped by the 2020 one), imported into a raw dir
    without census_indicators, give the committed file byte for byte."""
    from neoutflow.data.extract import census_indicators as ei
    from neoutflow.data.yearbook import YEARBOOK_FILES

    root = copy_project_data(tmp_path / "project")
    path = raw(root) / RAW_FILES["census_indicators"]
    committed = path.read_bytes()
    path.unlink()
    kind = "census-indicators"  # the indicators only: census_population and census_totals are not at issue here
    imports = [
        (shared_sources / ei.COMMUNIQUE_EDU, {"year": 2020}),
        (shared_sources / ei.COMMUNIQUE_YOS, {}),
        (shared_sources / YEARBOOK_FILES[2010], {"kind": kind, "boundaries": shared_sources / YEARBOOK_FILES[2020]}),
        (shared_sources / YEARBOOK_FILES[2020], {"kind": kind}),
    ]
    for file, kw in imports:
        p = importer.plan(importer.read_source(file, raw(root), **kw), raw(root))
        assert not p.conflicts
        # written without the staged validation: the file is incomplete on purpose until the last import
        write_csv(p.merged["census_indicators"], path)
    assert path.read_bytes() == committed


def test_table_3_1_is_already_in_census_totals(shared_sources):
    """Why table 3-1 is not imported: its 2020 persons equal census_totals for every province."""
    grid = importer.read_grid(shared_sources / "ssurrus_population_census" / "各地区人口.csv")
    names = importer.core.region_names(importer.paths.RAW)
    totals = pd.read_csv(importer.paths.RAW / RAW_FILES["census_totals"], **READ)
    totals = totals[totals["year"] == 2020].set_index("code")["population"]
    from neoutflow.data.importer.census_communique import squeeze

    found = {}
    for _, row in grid.iloc[3:].iterrows():
        name = squeeze(row.iloc[0])
        if name in names and names[name] != NATIONAL_CODE:
            found[names[name]] = int(row.iloc[1])
    assert len(found) == 31
    assert all(found[c] == totals[c] for c in found)


# ------------------------------------------------------------------ plausibility across censuses and sources


def test_communique_in_the_wrong_unit_is_refused_against_the_previous_census(project, tmp_path):
    """Issue #29 item 2: table 6-1 per 万人 but labelled per 10万人 (×0.1) was accepted ("32 added";
    辽宁 18,216 → 1,822); it is refused naming the file, the region and the column, and nothing is written."""
    f = table_61(project, tmp_path / "table_6-1.csv", factor=0.1)
    before = tree_digest(project / "data")
    p, text = run(project, f, year=YEAR)
    assert p.refused and "refused as implausible" in text
    with pytest.raises(importer.ImportFailure) as err:
        run(project, f, year=YEAR, do_apply=True)
    msg = str(err.value)
    assert "table_6-1.csv" in msg and "辽宁省 (210000, row 9), column college_per_100k" in msg
    assert "×0.10" in msg and "人/万人" in msg and "nothing was written" in msg
    assert tree_digest(project / "data") == before


def test_communique_far_from_the_yearbook_figure_is_refused(project, tmp_path):
    """Issue #29 item 2: two sources of the same census figure (yearbook counts, communiqué) are compared."""
    fyb = tmp_path / f"census_county_{YEAR}_indicators.xlsx"
    indicator_table(project).to_excel(fyb, index=False)
    run(project, fyb, do_apply=True)
    # 2020 × 2.5: a change the previous census allows, but ×2.4 the yearbook's 2030 figure (2020 × 1.05)
    f = table_61(project, tmp_path / "table_6-1.csv", factor=2.5)
    before = tree_digest(project / "data")
    with pytest.raises(importer.ImportFailure) as err:
        run(project, f, year=YEAR, do_apply=True, replace=True)
    msg = str(err.value)
    assert "辽宁省 (210000, row 9)" in msg and "from yearbook" in msg and "two sources of one census figure" in msg
    assert "table_6-1.csv" in msg and "between censuses" not in msg
    assert tree_digest(project / "data") == before


def test_a_census_jump_typed_into_data_raw_is_refused_by_make_data(project):
    """The same bound in make data's validation (a hand edit), naming the row of the file and the earlier row."""
    from neoutflow.data.schemas import DataValidationError

    t = indicators(project)
    i = t.index[(t["code"] == "210000") & (t["year"] == 2020) & (t["indicator"] == "college_per_100k")][0]
    t.loc[i, "value"] = t.loc[i, "value"] / 10
    write_csv(t, raw(project) / RAW_FILES["census_indicators"])
    load._cache.clear()
    with pytest.raises(DataValidationError) as err:
        load.validate_all(raw(project), echo=lambda *a, **k: None)
    assert f"row {i + 2}" in str(err.value) and "×0.15" in str(err.value)
