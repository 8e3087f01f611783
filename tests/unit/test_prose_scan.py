"""The register scan (tests/support/prose_scan.py) flags every sentence the editor's reading quoted, and
passes the sentences the report writes instead.

The BAD fixtures are the sentences of the issue "a paper, not a printout", as printed then (page numbers
of that PDF); the GOOD ones are how the report now words each case. The scan on the rendered report itself
is in tests/integration/test_rendered_text.py (shipped build) and tests/integration/test_rerun_partial_data.py
(builds with optional parts missing).
"""

from __future__ import annotations

import pytest
from prose_scan import problems, squeeze

BAD = {
    "p3 repeated 包含零": "两者的德尔塔方法 95% 区间分别包含零、包含零，自助法区间分别不包含零、不包含零。",
    "p21 two 但": "工资是方向最一致的相关因素，但方向稳定，但统计上不确定。",
    "p24 zero count 次": "逐一剔除省份后，工资系数的符号改变 0 次。",
    "p28 clause twice": "工资系数在省内为负，与省际方向相反，工资系数在省内为负。",
    "p29 zero counts 个": "95% 区间在零以上的有 0 个，在零以下的有 0 个，含零的有 35 个。",
    "p37 repeated verdict": "与古恒宇等的判断相比，在 (b) 中为“不一致”、在 (d) 中为“不一致”。",
    "p38 repeated comparison": "黑龙江低于、吉林低于中位数。",
    "p41 zero share": "人口变化：辽宁 0%（0%–0%；杠杆的效应为零）。",
    "p41 zero multiple": "辽宁 0.00 倍。",
    "p43 sign after 多": "比基准多 +103 万。",
    "p8 double negative": "辽宁的净迁出率为 −1.60%。",
    "p40 change without unit": "东北三省 2035 年为 7,490 万（−24.0）。",
    "p44 rate without unit": "黑龙江的自然增长率为 −7.08，低于全国。",
    "table 27 interval high-to-low": "期望寿命 38.8 [39.4, 38.2]",
    "interval in words high-to-low": "95% 区间 5.1 至 2.0 万人。",
    "p15 tracker": "这些数字见 issue 18。",
    "file path": "系数见 build/tables/determinants.md。",
    "parameters file": "年份在 params.yaml 中设定。",
    "pipeline": "每个数字都由流水线生成。",
    "notebook": "由笔记本写出。",
    "integration test": "集成测试核对了这一点。",
    "test words": "这一等式在测试中核对。",
    "by the code": "判断规则由代码给定。",
    "function": "它是函数的一个参数。",
    "package as author": "neoutflow 项目",
    "delta": "德尔塔方法 95% 区间",
    "lever": "每个杠杆的效应",
    "ruling": "对 40 岁及以上部分的裁定",
    "paper so-called": "论文所称的 821 万",
    "Gu et al.": "与 Gu 等（2022）的对照",
    "college share": "大专及以上人口比重的系数",
    "chapter as 节": "见第 4 节。",
    "quotation not verbatim": "越往北流失越严重",
    "education retention claim": "东北的问题不在于受过教育的人太少，而在于受过教育的人留不住。",
    # found rereading chapters 1, 2, 10 and 11 of the PDF
    "build stops": "任何一处不符都会让构建停止，并指出文件、行、列和期望的值。",
    "rule executed": "判断的规则写在第 2.3 节，对每组建议执行同一规则。",
    "rerun by parameters": "项目设计为在 2025 年 1% 人口抽样调查发布后，只需追加数据、修改参数即可重新生成全部结果。",
    "coefficient 0.00": "流量模型中迁出地第二产业就业比重为 0.00（不显著）。",
    # found on the build with every optional part missing (the abstract's verdicts and its wage sentence)
    "verdicts one by one": "证据的判断为：薪酬“无法判断”，产业“无法判断”，教育“无法判断”。",
    "verdicts one group at a time": "薪酬一组的判断为“无法判断”，产业一组为“无法判断”，教育一组为“无法判断”。",
    "则 between equal results": "关联在野自助法下不显著（p = 0.125），按异方差稳健标准误则不显著。",
    # found rereading chapters 4, 5 and appendix A (session 7)
    "nested brackets": "北京（所在省份在样本中仅此一个单位（直辖市，或同省其他单位已被排除），被省份固定效应完全吸收）",
    "p29 nested brackets": "为 25%（多数设定无法判断（过半设定的 95% 区间含零或方向不一）；图 13）。",
    "adjacent brackets": "系数为 22.988（标准误 7.780，p = 0.007）（单位：百分点/对数单位）。",
}

GOOD = [
    "两者的 delta 方法 95% 区间均包含零，野自助法区间均不包含零。",
    "工资是方向最一致的相关因素，但统计上不确定。",
    "逐一剔除省份后，工资系数的符号没有改变。",
    "35 个设定的 95% 区间均包含零。",
    "黑龙江和吉林均低于中位数。",
    "比基准多 103 万人。",
    "辽宁的净迁出率为 1.60%。",
    "东北三省 2035 年为 7,490 万人（比 2020 年减少 24.0%）。",
    "黑龙江的自然增长率为 −7.08‰，低于全国。",
    "期望寿命 38.8 [38.2, 39.4]",
    "95% 区间 −1,068.0 万 至 −340.5 万。",
    "见第 4 章与第 3.6 节。",
    "辽宁、吉林、黑龙江的乘数分别为 1.1、1.2 和 1.3。",
    "20–39 岁、40–59 岁与 60 岁及以上三段。",
    "系数为 −0.956（p = 0.101），在 5% 水平上不显著。",
    "证据的判断为：薪酬、产业和教育均“无法判断”。",
    "加快构建现代化产业体系、推动制造业转型升级。",
    "流量模型中迁出地第二产业就业比重为 +0.003（不显著）。",
    "不符之处逐一指明文件、行、列和期望的值，未通过校验的数据不进入分析。",
    "2025 年 1% 人口抽样调查发布后，可用同样的方法更新全部估计（附录 B）。",
    "证据的判断为：薪酬“支持”，产业和教育均“无法判断”。",
    "关联在野自助法下不显著（p = 0.125），按异方差稳健标准误不显著，各推断方法结论一致。",
    "关联在野自助法下不显著，按异方差稳健标准误则显著。",
    "北京和天津在样本中只剩一个地级单位（直辖市，或同省其他单位已被排除），被省份固定效应完全吸收；河南缺少基期的相对工资（对数，地级，在岗职工）。",
    "系数为 22.988（标准误 7.780，p = 0.007；单位为百分点/对数单位）。",
]


@pytest.mark.parametrize("case", sorted(BAD))
def test_each_quoted_sentence_is_flagged(case):
    assert problems(BAD[case]), f"the scan misses {case!r}: {BAD[case]}"


@pytest.mark.parametrize("case", sorted(BAD))
def test_each_quoted_sentence_is_flagged_in_pdf_text(case):
    # the PDF's text has no spaces between glyphs; the scan must still see the sentence
    assert problems(squeeze(BAD[case])), f"the scan misses {case!r} without spaces"


@pytest.mark.parametrize("sentence", GOOD)
def test_the_report_s_wordings_pass(sentence):
    assert problems(sentence) == []
    assert problems(squeeze(sentence)) == []
