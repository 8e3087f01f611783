"""The claim words (outputs/claims.py): one module, one set of words per idea, each chosen from the numbers."""

from __future__ import annotations

import pytest

from neoutflow.outputs import claims


def test_significance_at_five_percent():
    assert claims.significance_word(0.049) == "显著" and claims.significance_word(0.05) == "不显著"
    assert claims.significance_word(0.2, alpha=0.25) == "显著"


@pytest.mark.parametrize(
    ("kind", "below", "contains", "above"),
    [
        ("sign", "为负", "无法判断", "为正"),
        ("change", "减少", "无法判断", "增加"),
        ("zero", "不包含零", "包含零", "不包含零"),
    ],
)
def test_interval_words(kind, below, contains, above):
    assert claims.interval_word(-2, -0.1, kind) == below
    assert claims.interval_word(-1, 1, kind) == contains
    assert claims.interval_word(0, 1, kind) == contains  # an end at zero: the interval contains zero
    assert claims.interval_word(0.1, 2, kind) == above
    assert claims.INTERVAL_WORDS[kind] == (below, contains, above)


def test_interval_word_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="interval kind"):
        claims.interval_word(0, 1, "up")


def test_undecided_is_one_word():
    """无法判断 is the word for "the interval cannot tell" wherever a claim can be undecided."""
    assert claims.interval_word(-1, 1, "sign") == claims.interval_word(-1, 1, "change") == claims.UNDECIDED
    assert claims.interaction_word(1.0, 0.2).startswith(claims.UNDECIDED)
    assert claims.curve_verdict(0.3, 0.3).endswith("多数设定" + claims.UNDECIDED)
    assert claims.scenario_verdict(False, [1.0]) == claims.recommendation_verdict([]) == claims.UNDECIDED


def test_point_estimate_and_comparison_words():
    assert claims.sign_word(0.3) == "正" and claims.sign_word(-0.3) == "负"
    assert claims.compare_word(0.5, 2.0, 1.75) == "一致"
    assert claims.compare_word(-0.4, 2.5, 1.75) == "不矛盾（本文区间含零）"
    assert claims.compare_word(0.5, 1.5, 1.75) == "不一致"
    assert claims.agreement_word("不显著", "不显著") == "一致" and claims.agreement_word("显著", "不显著") == "不一致"
    assert claims.magnitude_word(0.93) == "同一量级" and claims.magnitude_word(2.5) == "不同量级"
    assert claims.magnitude_word(0.4) == "不同量级"
    assert claims.evidence_word([0.2, 0.04]) == "有证据表明" and claims.evidence_word([0.2, 0.05]) == "没有证据表明"


def test_model_judgements():
    assert claims.interaction_word(1.0, 0.01) == "东北的工资关联更强"
    assert claims.interaction_word(-1.0, 0.01) == "东北的工资关联更弱"
    assert claims.interaction_word(-1.0, 0.01, region="西北") == "西北的工资关联更弱"
    assert claims.interaction_word(1.0, 0.2, region="西北").endswith("西北与其他地区的工资关联是否不同")
    assert claims.curve_verdict(0.6, 0.0).endswith("支持正向关联")
    assert claims.curve_verdict(0.1, 0.5).endswith("支持负向关联")
    assert claims.scenario_verdict(True, []) == "无法判断"
    assert claims.scenario_verdict(True, [0.4, 1.2]) == "支持" and claims.scenario_verdict(True, [0.4, -1]) == "不支持"
    assert set(claims.ROBUSTNESS_WORDS) == {"robust", "direction", "fragile"}
    assert claims.pay_verdict(0.0, 0.0) == "为零" and claims.pay_verdict(0.1, 0.7) == "不为零"
    assert claims.pay_verdict(0.0, 0.7) == "与零无法区分"


def test_recommendation_verdict_rules():
    v = claims.recommendation_verdict
    assert v([(2.0, 0.01, 1), (-1.0, 0.001, -1)]) == claims.SUPPORT  # all significant, implied signs
    assert v([(2.0, 0.01, 1), (0.5, 0.40, 1)]) == claims.PARTIAL  # one significant, none against
    assert v([(2.0, 0.01, 1), (-0.5, 0.40, 1)]) == claims.PARTIAL  # a wrong-signed test, not significant
    assert v([(2.0, 0.20, 1), (0.5, 0.40, 1)]) == claims.CONSISTENT  # none significant, one sign
    assert v([(2.0, 0.01, 1), (-0.5, 0.01, 1)]) == claims.UNDECIDED  # significant against: conflict
    assert v([(2.0, 0.20, 1), (-0.5, 0.40, 1)]) == claims.UNDECIDED  # neither significant nor one sign
    assert v([(2.0, 0.001, 1)], testable=False) == claims.UNDECIDED
    assert v([(2.0, 0.049, 1)]) == claims.SUPPORT and v([(2.0, 0.05, 1)]) == claims.CONSISTENT  # 5% level
    assert claims.within_word(1.0, 0.01) == "得到确认" and claims.within_word(1.0, 0.2) == "没有得到确认"
    assert set(claims.VERDICT_ENGLISH) == {claims.SUPPORT, claims.PARTIAL, claims.CONSISTENT, claims.UNDECIDED}


def test_method_agreement_word():
    assert claims.method_agreement_word([0.10, 0.04]) == "结论对推断方法敏感"
    assert claims.method_agreement_word([0.01, 0.04, 0.049]) == "各推断方法结论一致"
    assert claims.method_agreement_word([0.2, 0.06]) == "各推断方法结论一致"


def test_rank_word():
    from neoutflow.outputs.claims import rank_word

    assert rank_word(1) == "最大"
    assert rank_word(3) == "第 3 大"


def test_sentences_for_several_subjects_and_counts_are_written_per_case():
    from neoutflow.outputs.claims import change_count_phrase, grouped_clause, interval_count_sentence, shared_clause

    # two subjects sharing a word get it once; different words each their own (hand-written expectations)
    assert shared_clause(["黑龙江", "吉林"], ["包含零", "包含零"]) == "黑龙江和吉林均包含零"
    assert shared_clause(["黑龙江", "吉林"], ["显著", "不显著"]) == "黑龙江显著、吉林不显著"
    assert grouped_clause(["辽宁", "黑龙江", "吉林"], ["高于", "低于", "低于"], "中位数") == (
        "辽宁高于中位数，黑龙江和吉林均低于中位数"
    )
    assert grouped_clause(["辽宁", "吉林", "黑龙江"], ["低于"] * 3, "中位数") == "辽宁、吉林和黑龙江均低于中位数"
    # zero counts are never printed as "0 个" / "0 次"
    assert change_count_phrase(0) == "符号没有改变" and change_count_phrase(2) == "符号改变 2 次"
    assert interval_count_sentence(0, 0, 35) == "35 个单位的 95% 区间均包含零"
    assert interval_count_sentence(3, 0, 32) == "35 个单位中，95% 区间在零以上的有 3 个，含零的有 32 个"
    assert interval_count_sentence(0, 2, 0) == "2 个单位的 95% 区间均在零以下"


def test_every_verdict_has_a_policy_reading():
    from neoutflow.outputs.claims import POLICY_READING, VERDICT_ENGLISH

    assert set(POLICY_READING) == set(VERDICT_ENGLISH)
    assert all(does and does_not for does, does_not in POLICY_READING.values())


def test_region_group_names_count_and_kind_of_units():
    assert claims.region_group_name("东北", ["辽宁省", "吉林省", "黑龙江省"]) == "东北三省"
    names = ["陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区"]
    assert claims.region_group_name("西北", names) == "西北五省区"
    assert claims.region_group_name("长三角", ["上海市", "江苏省", "浙江省", "安徽省"]) == "长三角四省市"
    assert claims.region_group_name("京津沪", ["北京市", "天津市", "上海市"]) == "京津沪三市"
    assert claims.region_group_name("全国", ["河北省"] * 12) == "全国 12 个省级单位"
    with pytest.raises(ValueError, match="full name"):
        claims.region_group_name("西北", ["陕西"])
    with pytest.raises(ValueError, match="no province"):
        claims.region_group_name("西北", [])


def test_region_words_from_the_parameter_and_the_full_names():
    full = {"610000": "陕西省", "640000": "宁夏回族自治区", "210000": "辽宁省"}
    words = claims.RegionWords.of({"name": "西北", "provinces": [610000, "640000"]}, full)
    assert words.provinces == ("610000", "640000")
    assert words.short == {"610000": "陕西", "640000": "宁夏"}
    assert (words.group, words.listed) == ("西北两省区", "陕西和宁夏")
    with pytest.raises(ValueError, match="620000"):
        claims.RegionWords.of({"name": "西北", "provinces": ["620000"]}, full)


def test_change_direction_clause_says_each_direction_once():
    from neoutflow.outputs.claims import UNDECIDED, change_direction_clause

    items = ["安徽 −41%", "江西 −19%", "湖北 −15%", "河南 −10%", "山西 +24%"]
    words = ["减少", UNDECIDED, "减少", UNDECIDED, "增加"]
    text = change_direction_clause(items, words)
    assert text == "安徽 −41%和湖北 −15%均减少，江西 −19%和河南 −10%的区间均含零，方向无法判断，山西 +24%增加"
    assert text.count("减少") == 1 and text.count(UNDECIDED) == 1
    assert change_direction_clause(["吉林 −5%"], ["减少"]) == "吉林 −5%减少"
    with pytest.raises(ValueError):
        change_direction_clause([], [])


def test_persistence_reading_is_written_for_every_case():
    import itertools

    from prose_scan import problems

    sig, ns = 0.01, 0.4
    seen = set()
    for placebo, fe, main, lag in itertools.product(
        [(2.0, sig), (-2.0, sig), (2.0, ns)], [(1.0, sig), (-1.0, sig), (1.0, ns)], [sig, ns], [sig, ns]
    ):
        text = claims.persistence_reading((3.0, 0.01), placebo, fe, (3.0, main), (3.0, lag))
        assert not problems(text), (text, problems(text))
        assert text.count("；") == 2 and text.endswith("（模型 4）")
        seen.add(text)
    assert len(seen) == 3 * 3 * 4  # every case its own sentence
    # hand-written expectations for the shipped case and its opposite
    text = claims.persistence_reading((16.7, 0.003), (44.7, 0.001), (1.3, 0.886), (22.7, 0.040), (24.1, 0.066))
    assert text.startswith("2010 年的相对工资与此前十年（2000—2010 年）的净迁移也显著相关（模型 3）")
    assert "主模型的工资系数不再显著" in text and text.endswith("工资系数不显著（模型 4）")
    text = claims.persistence_reading((16.7, 0.003), (4.0, 0.5), (9.0, 0.01), (22.7, 0.2), (24.1, 0.01))
    assert "没有显著关联" in text and "变得显著" in text and "也显著且方向相同" in text


def test_spatial_and_comparison_readings():
    from prose_scan import problems

    absorbed = claims.spatial_reading(0.019, 0.456)
    assert (
        absorbed.startswith("净迁移率本身在相邻省份之间显著相关，但主模型的残差没有") and "没有因此明显偏小" in absorbed
    )
    assert claims.spatial_reading(0.3, 0.5).startswith("净迁移率和主模型残差都没有显著的空间自相关")
    assert "p 值应从宽解读" in claims.spatial_reading(0.01, 0.02) == claims.spatial_reading(0.5, 0.02)
    clauses = [claims.inside_count_clause("(e)", k, 5) for k in range(6)]
    assert clauses[5] == "(e) 的 95% 区间包含全部 5 个" and clauses[0] == "(e) 的 95% 区间不包含其中任何一个"
    assert clauses[4] == "(e) 的 95% 区间包含其中 4 个"
    assert claims.inside_count_clause("(g)", 1, 1) == "(g) 的 95% 区间包含它"
    with pytest.raises(ValueError):
        claims.inside_count_clause("(e)", 6, 5)
    readings = {claims.compatibility_reading(ks, 5, "古恒宇等", "迁出地工资估计") for ks in ([5, 4], [0, 0], [2, 3])}
    assert readings == {
        "本报告的迁出地工资估计与古恒宇等的结果相容",
        "本报告的迁出地工资估计与古恒宇等的结果不相容",
        "本报告的迁出地工资估计与古恒宇等的结果部分相容",
    }
    for text in [*clauses, *readings, absorbed]:
        assert not problems(text), text


def test_interaction_readings_of_two_models_are_said_once_when_they_agree():
    undecided = claims.interaction_word(-0.08, 0.99)
    stronger = claims.interaction_word(3.0, 0.01)
    assert claims.interaction_pair_reading(undecided, undecided) == (
        "两个交互项都不显著，无法判断东北与其他地区的工资关联是否不同"
    )
    assert claims.interaction_pair_reading(stronger, stronger) == "两个交互项都显著，东北的工资关联更强"
    assert claims.interaction_pair_reading(stronger, undecided) == (
        "净迁移模型中东北的工资关联更强，青年模型中无法判断东北与其他地区的工资关联是否不同"
    )


def test_two_indicators_compared_for_the_same_provinces_say_each_comparison_once():
    from prose_scan import problems

    same = claims.paired_comparison_clause(
        ["辽宁", "吉林", "黑龙江"], ["高于"] * 3, ["高于"] * 3, "甲", "乙", "全国中位数"
    )
    assert same == "甲和乙，辽宁、吉林和黑龙江均高于全国中位数"
    # 中部: 河南 and 湖南 below the median in both (the clause was printed once per indicator)
    mixed = claims.paired_comparison_clause(
        ["山西", "安徽", "河南", "湖南"], ["高于", "低于", "低于", "低于"], ["低于", "高于", "低于", "低于"],
        "大专及以上学历人口比重", "每百万人口高校数", "全国中位数",
    )  # fmt: skip
    assert "河南和湖南的两项指标均低于全国中位数" in mixed and mixed.count("河南") == 1
    assert not problems(mixed + "。"), problems(mixed)
    # 西北: two provinces share 乙低于 but differ on 甲 — the clause 乙低于 is said once, for both
    northwest = claims.paired_comparison_clause(
        ["陕西", "甘肃", "青海"], ["高于", "低于", "等于"], ["低于", "高于", "低于"], "甲", "乙", "全国中位数"
    )
    assert northwest.count("乙") == 1 and "乙，陕西和青海均低于全国中位数，甘肃高于全国中位数" in northwest
    assert not problems(northwest + "。"), problems(northwest)
