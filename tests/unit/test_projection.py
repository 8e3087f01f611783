"""Cohort-component projection on hand-checkable toy populations (synthetic numbers, not data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from neoutflow.analysis import projection as pj

# A toy of three age groups (0-4, 5-9, 10+ open), two sexes.
SURV = np.array([0.9, 0.8, 0.5])  # 0-4 -> 5-9, 5-9 -> 10+, 10+ stays
SHARE = np.array([0.0, 1.0, 0.0])  # only women aged 5-9 bear children (a toy)


def test_closed_population_one_step_by_hand():
    pop = np.array([[100.0, 80.0, 50.0], [100.0, 80.0, 50.0]])
    out = pj.project_step(pop, SURV, np.zeros(3), SHARE, tfr=1.0, srb=1.0, birth_survival=1.0)
    # survivors: 5-9 = 0.9*100 = 90; 10+ = 0.8*80 + 0.5*50 = 89
    assert out[:, 1] == pytest.approx([90, 90])
    assert out[:, 2] == pytest.approx([89, 89])
    # births = TFR * mean of women 5-9 at start (80) and end (90) = 85, half of them girls
    assert out[:, 0] == pytest.approx([42.5, 42.5])


def test_sex_ratio_birth_survival_and_migration():
    pop = np.array([[0.0, 0.0, 0.0], [0.0, 100.0, 0.0]])
    mig = np.array([[0.1, 0.0, -0.2], [0.0, 0.0, -0.2]])
    out = pj.project_step(pop, SURV, mig, SHARE, tfr=2.0, srb=1.05, birth_survival=0.99)
    births = 2.0 * (100 + 0) / 2
    assert out[0, 0] == pytest.approx(births * 1.05 / 2.05 * 0.99 * 1.1)
    assert out[1, 0] == pytest.approx(births / 2.05 * 0.99)
    assert out[1, 2] == pytest.approx(100 * 0.8 * 0.8)  # survivors, then 20% net out-migration


def test_stationary_population_stays_stationary():
    # life-table-like structure l: l1 = 0.9 l0, open l2 = 0.8 l1 / (1 - 0.5); births replace l0 exactly
    l0 = 1000.0
    l1 = 0.9 * l0
    l2 = 0.8 * l1 / (1 - 0.5)
    pop = np.array([[l0, l1, l2], [l0, l1, l2]])
    bs = 0.98
    tfr = 2 * l0 / bs / l1  # births = tfr * l1 must equal 2 * l0 / bs
    out = pj.project(pop, SURV, np.zeros(3), SHARE, tfr, 1.0, steps=4, birth_survival=bs)
    for t in range(5):
        assert out[t] == pytest.approx(pop)


def test_vectorised_over_scenarios_and_regions_equals_one_by_one():
    rng = np.random.default_rng(1)  # synthetic populations
    pop = rng.uniform(50, 150, size=(4, 3, 2, 3))
    mig = rng.uniform(-0.1, 0.05, size=(4, 3, 2, 3))
    tfr = rng.uniform(0.5, 2.0, size=(4, 3))
    out = pj.project(pop, SURV, mig, SHARE, tfr[..., None].repeat(2, -1), 1.06, steps=2)
    one = pj.project(pop[2, 1], SURV, mig[2, 1], SHARE, tfr[2, 1], 1.06, steps=2)
    assert out[2, 1] == pytest.approx(one)


def test_interpolation_is_geometric_within_the_step():
    totals = np.array([100.0, 121.0, 130.0])
    assert pj.interpolate_total(totals, 2.5) == pytest.approx(110.0)
    assert pj.interpolate_total(totals, 5.0) == pytest.approx(121.0)
    assert pj.interpolate_total(totals, 0.0) == pytest.approx(100.0)


def test_gamma_schedule_sums_to_one_and_peaks_near_mean():
    share = pj.gamma_schedule(mean_age=29.5, sd=5.5)
    assert share.sum() == pytest.approx(1.0)
    assert share[:3].sum() == 0 and share[10:].sum() == 0  # nothing before 15 or from 50
    assert int(np.argmax(share)) in (5, 6)  # 25-29 or 30-34
    ages = np.arange(2.5, 90, 5)[: len(share)]
    assert (share * ages).sum() == pytest.approx(29.5, abs=0.5)


def test_tfr_calibration_reproduces_births():
    share = pj.gamma_schedule()
    women = np.full((1, 18), 1000.0)
    tfr = pj.calibrate_tfr(women, np.array([36000.0]), np.array([5.0]), share)
    births_per_year = tfr * (women * share).sum() / 5
    assert births_per_year == pytest.approx(5.0 / 1000 * 36000)


def test_tfr_path_phases_in_linearly():
    path = pj.tfr_path(np.array([1.0]), 0.2, 2020, 2030, 3)
    assert path[0] == pytest.approx([1.05, 1.15, 1.2])


def test_scenario_reduces_only_out_migration_at_its_ages():
    rates = np.full(18, -0.1)
    rates[5] = 0.05  # net in-migration at 25-29 is left alone
    pay = pj.Scenario("pay", young_reduction=0.5).migration(rates)
    assert pay[4] == pytest.approx(-0.05) and pay[7] == pytest.approx(-0.05)  # 20-24 and 35-39
    assert pay[3] == pytest.approx(-0.1) and pay[8] == pytest.approx(-0.1)  # 15-19 and 40-44
    assert pay[5] == pytest.approx(0.05)
    both = pj.Scenario("all", young_reduction=0.5, graduate_reduction=0.5).migration(rates)
    assert both[4] == pytest.approx(-0.025) and both[6] == pytest.approx(-0.05)


def test_smoothing_keeps_a_constant_and_damps_a_spike():
    assert pj.smooth_ages(np.full(5, 2.0)) == pytest.approx(np.full(5, 2.0))
    spike = pj.smooth_ages(np.array([0.0, 0.0, 4.0, 0.0, 0.0]))
    assert spike == pytest.approx([0, 1, 2, 1, 0])


def test_indicators_on_a_toy():
    pop = np.zeros((1, 2, 18))
    pop[0, :, 4] = 10  # 20-24
    pop[0, :, 14] = 5  # 70-74
    ind = pj.indicators(pop)
    assert ind["total"][0] == 30 and ind["young"][0] == 20
    assert ind["old_age_dependency"][0] == pytest.approx(50.0)


def test_census_offset():
    assert pj.census_offset(2024, 2020) == pytest.approx(4 + 2 / 12)


def test_run_rejects_a_horizon_off_the_steps():
    inputs = pj.Inputs(
        ("x",),
        2020,
        np.ones((1, 2, 18)),
        np.zeros((1, 2, 18)),
        pj.gamma_schedule(),
        np.ones(1),
        np.ones(1),
        np.ones(1),
        survival=np.ones((2, 18)),
    )
    with pytest.raises(pj.ProjectionError, match="multiple of 5"):
        pj.run(inputs, [pj.Scenario("baseline")], 2033)
    out = pj.run(inputs, pj.scenarios(0.2, 0.3, 0.2, (0.1, 0.4)), 2035)
    assert out.shape == (9, 1, 4, 2, 18)


def test_scenario_phases_in_its_levers():
    rates = np.full((1, 2, 18), -0.1)
    scen = pj.Scenario("pay", young_reduction=0.5, phase_start=2025, phase_end=2030)
    path = scen.migration_path(rates, 2020, 3)  # step midpoints 2022.5, 2027.5, 2032.5
    assert path.shape == (1, 3, 2, 18)
    assert path[0, :, 0, 4] == pytest.approx([-0.1, -0.075, -0.05])


def test_scenario_takes_one_young_reduction_per_region():
    rates = np.full((2, 2, 18), -0.1)
    out = pj.Scenario("pay", young_reduction=(0.0, 0.5)).migration(rates)
    assert out[0, :, 4] == pytest.approx(-0.1) and out[1, :, 4] == pytest.approx(-0.05)
    assert out[1, :, 3] == pytest.approx(-0.1)  # 15-19 untouched


def test_pay_shares_clip_and_map_the_interval_ends():
    # synthetic: net migration rates -10% (out), -10% (out), +5% (in); changes with 95% intervals
    shares = pj.pay_shares([-10.0, -10.0, 5.0], [4.0, 2.0, 3.0], [1.0, -1.0, 1.0], [7.0, 15.0, 5.0])
    assert shares["share"].tolist() == pytest.approx([0.4, 0.2, 0.0])
    assert shares["share_low"].tolist() == pytest.approx([0.1, 0.0, 0.0])  # interval includes zero: low end 0
    assert shares["share_high"].tolist() == pytest.approx([0.7, 1.0, 0.0])  # clipped at 1; no out-migration: 0
    assert shares["excludes_zero"].tolist() == [True, False, True]
    # a change that would add out-migration removes nothing
    assert pj.pay_shares([-10.0], [-2.0], [-3.0], [-1.0])["share_high"].tolist() == [0.0]


def test_pay_verdict_words():
    from neoutflow.outputs import projection_outputs as po

    assert po.pay_verdict(0.0, 0.0) == "为零"
    assert po.pay_verdict(0.1, 0.7) == "不为零"
    assert po.pay_verdict(0.0, 0.7) == "与零无法区分"  # the interval includes zero


def test_pay_share_draws_divide_each_change_draw_and_clip():
    import pandas as pd

    # synthetic lever: two provinces with net out-migration, one with net in-migration; three draws of the change
    lever = pd.DataFrame({"observed": [-10.0, -5.0, 2.0]})
    change = np.array([[2.0, 1.0, 1.0], [-1.0, -0.5, -0.5], [12.0, 6.0, 6.0]])
    d = pj.pay_share_draws(lever, change)
    assert d[0] == pytest.approx([0.2, 0.2, 0.0])
    assert d[1] == pytest.approx([0.0, 0.0, 0.0])  # a draw that would add out-migration removes nothing
    assert d[2] == pytest.approx([1.0, 1.0, 0.0])  # clipped at the whole out-migration


def test_wild_coefficient_draws_centre_on_ols_with_hc1_spread():
    from neoutflow.analysis import inference

    # synthetic heteroskedastic regression (a known data-generating process, not data)
    rng = np.random.default_rng(1)
    x = np.column_stack([np.ones(200), rng.normal(size=200)])
    y = 1.0 + 2.0 * x[:, 1] + rng.normal(size=200) * (1 + np.abs(x[:, 1]))
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    e = y - x @ beta
    bread = np.linalg.inv(x.T @ x)
    hc1 = bread @ (x.T * e**2) @ x @ bread * len(y) / (len(y) - 2)  # plain-numpy sandwich
    for weights in inference.WEIGHTS:
        d = inference.wild_coefficient_draws(x, y, 20_000, 7, weights)
        assert np.all(np.abs(d.mean(axis=0) - beta) < 4 * np.sqrt(np.diag(hc1) / 20_000))
        assert np.cov(d.T) == pytest.approx(hc1, rel=0.05, abs=1e-4)
    again = inference.wild_coefficient_draws(x, y, 50, 7)
    assert np.array_equal(again, inference.wild_coefficient_draws(x, y, 50, 7))  # seeded


def test_a_lever_at_zero_changes_nothing():
    rates = np.full((2, 2, 18), -0.1)
    scen = pj.Scenario("pay", young_reduction=(0.0, 0.0), young_ages=(0, None), phase_start=2025, phase_end=2030)
    assert scen.migration_path(rates, 2020, 3) == pytest.approx(np.repeat(rates[:, None], 3, axis=1))


def test_survey_comparison_appears_when_the_2025_totals_are_present():
    import pandas as pd

    from neoutflow.outputs import projection_outputs as po
    from neoutflow.outputs.results import ResultSet

    # synthetic: a one-step projection of three provinces and their survey totals (numbers, not data)
    det = np.ones((3, 4, 2, 18)) * 1000.0
    sim = np.ones((5, 3, 4, 2, 18)) * 1000.0
    census = pd.DataFrame({"code": ["210000", "220000", "230000"], "year": [2020] * 3, "population": [1] * 3})
    rs = ResultSet("projection")
    po.record_survey_check(rs, census, det, sim, 2020)
    assert rs["survey_comparison"].display == "" and "纳入本报告的数据后" in rs["survey_pending"].display
    survey = pd.DataFrame({"code": ["210000", "220000", "230000"], "year": [2025] * 3, "population": [40000] * 3})
    rs = ResultSet("projection")
    po.record_survey_check(rs, pd.concat([census, survey]), det, sim, 2020)
    assert rs["survey_liaoning_error_pct"].value == pytest.approx(-10.0)  # 36,000 projected vs 40,000
    text = rs["survey_comparison"].display
    assert "调查的常住人口" in text and rs["survey_liaoning_error_pct"].display in text
    assert rs["survey_inside_80"].display == "没有一个"  # every draw is 36,000: the band excludes 40,000


def test_an_intensity_at_the_search_bound_is_printed_as_a_bound():
    from neoutflow.outputs import projection_outputs as po

    assert po.intensity_display(0.68) == "0.68"
    assert po.intensity_display(-0.22) == "−0.22"
    assert po.intensity_display(float(pj.INTENSITY_GRID[-1])).startswith("≥")
    assert "下界" in po.intensity_display(float(pj.INTENSITY_GRID[0]))


def test_lever_sentences_follow_the_lever_values():
    """A lever set to zero is said to change nothing (chapter sentence and scenario label); the defaults
    keep their wording (issue #29, item 4)."""
    from neoutflow.outputs import projection_outputs as po
    from neoutflow.outputs.results import ResultSet

    years = {"start_year": 2020, "end_year": 2035, "tfr_target_year": 2030}
    rs = ResultSet("projection")
    po.record_parameters(rs, years, 0.30, [20, 34], 0.2)
    assert rs["retention_sentence"].display == "20–34 岁的净迁出减少 30%"
    assert rs["births_sentence"].display == "总和生育率到 2030 年线性提高 0.2，此后保持"
    assert rs["all_sentence"].display == "同时实现"
    assert rs["all_phrase"].display == "三组建议同时实现时"
    labels = po.lever_labels(0.30, [20, 34], 0.2, 2030)
    assert labels["retention"] == "20–34 岁净迁出减少 30%" and labels["births"] == "总和生育率到 2030 年提高 0.2"
    zero = ResultSet("projection")
    po.record_parameters(zero, years, 0.0, [20, 34], 0.0)
    for key in ("retention_sentence", "births_sentence"):
        text = zero[key].display
        assert "不变" in text and "减少" not in text and "提高" not in text, text
    assert "与薪酬与产业情景相同" in zero["all_sentence"].display
    assert zero["all_phrase"].display == "薪酬与产业实现（青年留存与生育支持设为零）时"
    one = ResultSet("projection")
    po.record_parameters(one, years, 0.30, [20, 34], 0.0)
    assert one["all_phrase"].display == "薪酬与产业、青年留存实现（生育支持设为零）时"
    assert "生育支持设为零" in one["all_sentence"].display and "减少 30%" in one["retention_sentence"].display
    for name, text in po.lever_labels(0.0, [20, 34], 0.0, 2030).items():
        if name in ("retention", "births"):
            assert "不变" in text and "减少" not in text and "提高" not in text, text


def _toy_census() -> pd.DataFrame:
    """Synthetic two-census table (not data): every cohort survives at 0.95 over ten years, then moves at a
    Rogers–Castro-shaped rate; the three Northeast codes lose extra people at 40+."""
    from neoutflow.analysis import survival as sv
    from neoutflow.reference import AGE_GROUPS

    ages = np.arange(len(AGE_GROUPS)) * 5.0 + 2.5 - 5.0  # cohort mid-age over the interval, by end group
    shape = sv.rogers_castro(ages, 0.08, 20.0, 0.12, 0.4, 0.005)
    scale = {"110000": 4.0, "120000": 3.0, "130000": -1.5, "140000": -2.0, "150000": -2.5}
    scale |= {"210000": -1.0, "220000": -1.5, "230000": -2.0}
    rows = []
    for code, f in scale.items():
        for sex in ("male", "female"):
            for a, group in enumerate(AGE_GROUPS):
                rows.append((code, 2010, sex, group, 1000.0))
                if a < 2:
                    rows.append((code, 2020, sex, group, 900.0))
                    continue
                extra = -0.02 if code.startswith("2") and a >= 8 else 0.0
                base = 1000.0 * (3 if a == len(AGE_GROUPS) - 1 else 1)
                rows.append((code, 2020, sex, group, base * 0.95 * (1 + f * shape[a] + extra)))
    return pd.DataFrame(rows, columns=["code", "year", "sex", "age_group", "population"])


def test_old_age_benchmark_is_the_net_migration_chapters_expected_schedule():
    from neoutflow.analysis import demography
    from neoutflow.analysis import survival as sv

    pop = _toy_census()
    codes = ["210000", "220000", "230000"]
    bench = sv.age_benchmark(sv.survival_variants(pop, 2010, 2020), sv.PREFERRED_VARIANT, codes)
    rates = pj.ten_year_rates(pop, codes, old_age="benchmark")
    own = pj.ten_year_rates(pop, codes, old_age="observed")
    survivors = demography.survival_ratio_net_migration(pop, 2010, 2020)
    middle = pj.age_mask(40, 59)
    for i, code in enumerate(codes):
        s = survivors[survivors["code"].astype(str) == code].pivot(index="sex", columns="age_group", values="expected")
        s = s.rename(columns=str).reindex(index=["male", "female"], columns=pj.AGE_GROUPS).to_numpy(dtype=float)
        implied = float((rates[i] * s)[:, middle].sum())
        assert implied == pytest.approx(bench["schedule"][code]["middle_expected"], rel=1e-9)
        assert np.allclose(rates[i][:, ~pj.age_mask(40, None)], own[i][:, ~pj.age_mask(40, None)], equal_nan=True)
        assert (rates[i][:, middle] > own[i][:, middle]).all()  # the extra 40+ loss is not carried


def test_region_names_labels_and_keys():
    from neoutflow import data
    from neoutflow.outputs import projection_outputs as po

    full = data.load_regions().set_index("code")["name_zh"]
    default = po.Region.of({"name": "东北", "provinces": ["210000", "220000", "230000"]}, full)
    assert default == po.DEFAULT_REGION and default.label == "东北三省"
    assert default.keys == {"210000": "liaoning", "220000": "jilin", "230000": "heilongjiang", pj.TOTAL: "ne"}
    northwest = po.Region.of({"name": "西北", "provinces": ["610000", "620000", "630000", "640000", "650000"]}, full)
    assert northwest.label == "西北五省区" and northwest.names["650000"] == "新疆"
    assert northwest.keys["610000"] == "shaanxi" and northwest.names[pj.TOTAL] == "西北五省区"
    with pytest.raises(ValueError, match="at least one province"):
        po.Region.of({"name": "空", "provinces": []}, full)
    with pytest.raises(ValueError, match="no name"):
        po.Region.of({"name": "x", "provinces": ["990000"]}, full)


def test_intensity_clause_reads_each_province_by_its_own_direction():
    """Below 1 weaker, above 1 stronger, below 0 the opposite direction, each read against the direction of the
    province's own 2010–2020 shape (out- or in-migration); mixed sides are named province by province."""
    from neoutflow.outputs import projection_outputs as po
    from neoutflow.outputs.results import ResultSet

    region = po.Region("西北", ("610000", "620000", "640000"), "西北三省区")
    rs = ResultSet("projection")
    po._intensity_clause(rs, np.array([-0.2, 0.5, 1.4]), region.codes, region, np.array([-1, -1, 1]))
    clause = rs["k_clause"].display
    assert clause.startswith("陕西、甘肃低于 1，宁夏高于 1：")
    assert "陕西为负值，表示按同一年龄模式的净迁入" in clause
    assert "甘肃近年的净迁出弱于" in clause and "宁夏近年的净迁入强于" in clause
    assert "只作用于" in rs["k_base_clause"].display
    rs = ResultSet("projection")
    po._intensity_clause(rs, np.array([0.4, 0.6]), ("210000", "220000"), po.DEFAULT_REGION, None)
    assert rs["k_clause"].display == "均低于 1：各省近年的净迁出弱于上一个普查间隔的平均水平"
    assert rs["k_base_clause"].display.startswith("近年的净迁出已经弱于")


def test_a_region_the_ssp_extract_lacks_is_shown_without_it():
    """SYNTHETIC trajectories for a region of one's own (华南) whose provinces the SSP extract does not hold: the
    table keeps the region's baseline and the nation, drops the region's SSP columns, and the sentences say why."""
    from neoutflow import data
    from neoutflow.outputs import projection_outputs as po
    from neoutflow.outputs.results import ResultSet

    full = data.load_regions().set_index("code")["name_zh"]
    region = po.Region.of({"name": "华南", "provinces": ["440000", "450000", "460000"]}, full)
    bench = data.load_projection_benchmarks()
    assert po.ssp_missing(bench, region) == ["440000", "450000", "460000"]
    assert po.ssp_missing(bench, po.DEFAULT_REGION) == []
    series = data.load_province_series(["yearend_population"])
    rng = np.random.default_rng(1)
    det = np.full((3, 4, 2, len(pj.AGE_GROUPS)), 1e5)  # (R, T+1, 2, A)
    sim = det[None] * rng.uniform(0.95, 1.05, size=(50, 1, 1, 1, 1))
    rs = ResultSet("projection")
    table = po.record_benchmarks(rs, bench, series, sim, det, 2020, [2020, 2025, 2030, 2035], region)
    assert "华南：校准基准" in table.columns and not [c for c in table.columns if c.startswith("华南：SSP")]
    assert "ssp2_ne_end" not in rs and "ne_share_end" in rs
    rs.record("survey_year", 2025, "年", "调查年份", display="2025")
    po._record_ssp_sentences(rs, region, po.ssp_missing(bench, region), 2020)
    assert "不含广东、广西、海南" in rs["ssp_sentence"].display and rs["ssp_figure_part"].display == ""
    assert rs["ssp_intro"].display == f"给出{region.label}的校准基准"


def test_survey_comparison_for_another_region_and_a_survey_missing_a_province():
    """SYNTHETIC: two Northwest provinces. With the survey's totals for both, the comparison names them and the
    region; with a survey lacking one of them, a sentence says so (never a blank where the part is shown)."""
    import pandas as pd

    from neoutflow.outputs import projection_outputs as po
    from neoutflow.outputs.results import ResultSet

    region = po.Region("西北", ("620000", "640000"), "西北二省区")
    det = np.ones((2, 4, 2, 18)) * 1000.0
    sim = np.ones((5, 2, 4, 2, 18)) * 1000.0
    census = pd.DataFrame({"code": ["620000", "640000"], "year": [2020] * 2, "population": [1] * 2})
    survey = pd.DataFrame({"code": ["620000", "640000"], "year": [2025] * 2, "population": [36000, 40000]})
    rs = ResultSet("projection")
    po.record_survey_check(rs, pd.concat([census, survey]), det, sim, 2020, region)
    text = rs["survey_comparison"].display
    assert "甘肃" in text and "宁夏" in text and "西北二省区" in text
    assert rs["survey_gansu_error_pct"].value == pytest.approx(0.0) and rs["survey_inside_80"].display == "甘肃"
    assert rs["survey_projected_list"].display.startswith("甘肃 ")
    rs = ResultSet("projection")
    po.record_survey_check(rs, pd.concat([census, survey.iloc[:1]]), det, sim, 2020, region)
    assert rs["survey_comparison"].display == "2025 年 1% 人口抽样调查的数据缺少宁夏，西北二省区不与调查比较。"


def test_scenario_sentence_says_a_shared_effect_once():
    from prose_scan import problems

    from neoutflow.outputs import projection_outputs as po
    from neoutflow.outputs.results import ResultSet

    def scenarios(effects):
        rs = ResultSet("projection")
        rs.record("all_phrase", "三组建议同时实现时", "", "称呼", display="三组建议同时实现时")
        for name, (effect, kids) in zip(po.SCENARIO_ORDER, effects):
            for q, v in (("median", 10e4), ("lo95", -2e4), ("hi95", 30e4)):
                rs.record(f"diff_{name}_ne_total_{q}", v, "人", "差", scale=1e4, suffix="万", digits=0, signed=True)
            rs.record(f"effect_word_{name}", effect, "", "效应", display=effect)
            rs.record(f"kids_word_{name}", kids, "", "构成", display=kids)
        return po.scenario_sentence(rs, "东北")

    zero = "对东北总人口的影响与零无法区分（95% 区间含零）"
    more = "使东北总人口多于基准（95% 区间不含零）"
    kids = "增加的主要是 20 岁以下的儿童和少年"
    text = scenarios([(zero, "增加的主要是 20 岁及以上人口"), (zero, kids), (more, kids), (more, kids)])
    v = "+10万（-2万 至 +30万）"  # as recorded; the renderer sets the minus sign and spacing
    assert text == (
        f"薪酬与产业情景下东北人口之差为 {v}，青年留存为 {v}，对东北总人口的影响均与零无法区分（95% 区间含零）；"
        f"生育支持为 {v}，三组建议同时实现时为 {v}，均使东北总人口多于基准（95% 区间不含零），{kids}"
    )
    assert not [p for p in problems(text) if "clause repeated" in p]
    # two scenarios share an effect but add different people: each says what it adds, the effect is said once
    text = scenarios([(zero, ""), (more, kids), (more, "增加的主要是 20 岁及以上人口"), ("不改变东北总人口", "")])
    assert text.count("多于基准") == 1 and "两者均使东北总人口多于基准" in text
    assert text.endswith("三组建议同时实现时为 +10万（-2万 至 +30万），不改变东北总人口")


def test_scenarios_that_share_an_effect_but_add_different_people_say_each_once():
    from prose_scan import problems

    from neoutflow.outputs import projection_outputs as po
    from neoutflow.outputs.results import ResultSet

    rs = ResultSet("projection")
    zero = "对西南总人口的影响与零无法区分（95% 区间含零）"
    more = "使西南总人口多于基准（95% 区间不含零）"
    rows = [
        (zero, ""),
        (zero, ""),
        (more, "增加的主要是 20 岁以下的儿童和少年"),
        (more, "增加的主要是 20 岁及以上人口"),
    ]
    for name, (effect, kids) in zip(po.SCENARIO_ORDER, rows):
        for q, v in (("median", 10e4), ("lo95", 2e4), ("hi95", 30e4)):
            rs.record(f"diff_{name}_ne_total_{q}", v, "人", "差", scale=1e4, suffix="万", digits=0, signed=True)
        rs.record(f"effect_word_{name}", effect, "", "效应", display=effect)
        rs.record(f"kids_word_{name}", kids, "", "构成", display=kids)
    text = po.scenario_sentence(rs, "西南")
    assert text.count("多于基准") == 1 and text.count("无法区分") == 1
    assert text.endswith("增加的主要是 20 岁及以上人口；两者均使西南总人口多于基准（95% 区间不含零）")
    assert not [p for p in problems(text) if "repeated" in p], problems(text)


def test_provinces_at_the_search_bound_are_named_together():
    from neoutflow.outputs import projection_outputs as po

    low = po.intensity_display(-5.0)
    listed = po.intensity_list([("山西", "0.00"), ("安徽", low), ("江西", "−0.04"), ("湖北", low)])
    assert listed == f"山西 0.00、江西 −0.04；安徽和湖北的拟合达到搜索范围的下界（{low.split('（')[0].strip()}）"
    assert listed.count("搜索范围") == 1
    assert po.intensity_list([("辽宁", "1.06"), ("吉林", "1.01")]) == "辽宁 1.06、吉林 1.01"
    assert po.intensity_list([("陕西", low)]).startswith("陕西的拟合达到搜索范围的下界（≤ ")
