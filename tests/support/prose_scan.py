"""Sentences no journal editor would pass, found in the rendered text of the report.

Each rule names one case of the register the report keeps (issue "a paper, not a printout"):
templated sentences that repeat a clause or print a zero count, a sign in front of 多/少, a rate or a
parenthesised change without its unit, an interval printed high-to-low, build/file/code/tracker words,
and the terms the report does not use (德尔塔方法, 杠杆 …). :func:`problems` returns every hit with its
context; the tests run it on the shipped build, on a build with every optional part missing, and on the
sentences the issue quoted (each must be flagged).

The rules read plain text: the HTML's reader text, or the PDF's text with the line breaks removed
(:func:`squeeze`). Patterns therefore allow optional whitespace wherever a renderer may put a space.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

CJK = "\u4e00-\u9fff"
NUMBER = r"[+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"  # thousands grouped by commas, or none
REGIONS = "辽宁|吉林|黑龙江|东北|全国|两省|三省"

# words of the build, the files, the code or the tracker: never in the body of the report
TOOL_WORDS = [
    r"build/",
    r"params\.ya?ml",
    r"流水线",
    r"笔记本",
    r"notebook",
    r"集成测试",
    r"单元测试",
    r"测试中",
    r"数据测试",
    r"默认\s*\d",  # "默认40 岁及以上…": the software's default, not the model's assumption
    r"由代码",
    r"构建(?:停止|失败|过程|时)",  # the build ("构建现代化产业体系" is the paper's own phrase)
    r"执行(?:同一|这一|该)?规则",
    r"修改参数",
    r"重新生成",
    r"代码给定",
    r"函数的",
    r"issue\s*#?\s*\d+",
    r"GitHub\s*用户",
    r"neoutflow",
]

# terms the report does not use, with the one it uses instead
TERMS = {
    r"德尔塔方法": "delta 方法",
    r"杠杆": "政策变量、情景",
    r"裁定": "判断",
    r"论文所称": "原文",
    r"Gu\s*等": "古恒宇等",
    r"大专及以上人口比重": "大专及以上学历人口比重",
    r"每\s*10\s*万人大专及以上学历人数": "大专及以上学历人口比重 (the variable is a percentage of residents)",
    r"第\s*\d+\.\d+\s*章": "第 N 章 / 第 N.M 节",
    r"(?<![\d.])第\s*\d+\s*节": "第 N 章 (a chapter) or 第 N.M 节 (a section)",
    r"越往北流失越": "the original's words verbatim",
    r"受过教育的人留不住": "a hypothesis, not a finding",
}

PATTERNS: dict[str, re.Pattern[str]] = {
    # "分别包含零、包含零", "分别显著、显著": one word for two subjects, printed twice
    "repeated word after 分别": re.compile(rf"分别\s*([^，。；、\s]{{2,12}})\s*、\s*\1(?![{CJK}])"),
    # "在 (b) 中为'不一致'、在 (d) 中为'不一致'"
    "repeated verdict": re.compile(
        rf"中为\s*[“\"'‘]?([^”\"'’、，。]{{1,8}})[”\"'’]?\s*、\s*在[^，。；、]{{1,12}}?中为\s*[“\"'‘]?\1(?![{CJK}])"
    ),
    # "薪酬“无法判断”，产业“无法判断”": one quoted word for several subjects, printed for each
    "repeated quoted word": re.compile(
        rf"[{CJK}]{{1,8}}\s*[“\"]([^”\"，。；、]{{1,8}})[”\"]\s*[，、]\s*[{CJK}]{{1,8}}\s*[“\"]\1[”\"]"
    ),
    # "在野自助法下不显著……，按稳健标准误则不显著": 则 sets against each other two results that agree
    "则 between equal results": re.compile(rf"(?<!不)(不?显著)[^。；]{{0,40}}?则\s*\1(?![{CJK}])"),
    # "黑龙江低于、吉林低于中位数": two subjects sharing one predicate, each given it
    "repeated predicate": re.compile(rf"(?:{REGIONS})([{CJK}]{{2,4}})\s*、\s*(?:{REGIONS})\1"),
    # "…，但方向稳定，但统计上不确定"
    "two 但 in one sentence": re.compile(r"，\s*但[^。；]*，\s*但"),
    # "符号改变 0 次", "含零的有 0 个"
    "zero count": re.compile(r"(?<![\d.,])0\s*(?:个|次|项|条|种|位|家|省)(?![\d])"),
    # "辽宁 0%（0%–0%；…）", "辽宁 0.00 倍"
    "zero value printed as a result": re.compile(
        r"(?<![\d.,])0(?:\.0+)?\s*%\s*（\s*0(?:\.0+)?\s*%\s*[–—\-]\s*0(?:\.0+)?\s*%|(?<![\d.,])0\.0+\s*倍"
    ),
    # "迁出地第二产业就业比重为 0.00（不显著）": a coefficient rounded away
    "coefficient printed as zero": re.compile(r"(?:系数|比重|弹性)为\s*[+\-−]?0\.0+(?![\d])"),
    # "多 +103 万", "少 −5 万"
    "sign after 多/少": re.compile(r"(?:多|少)\s*[+＋\-−]\s*\d"),
    # "辽宁的净迁出率为 −1.60%"
    "negative out-migration": re.compile(r"净迁出(?:率|量|人口|人数)?[^，。；\d]{0,6}为\s*[\-−]\s*\d"),
    # "7,490 万（−24.0）": a signed change in brackets without its unit
    "change without unit": re.compile(r"(?:万|%|‰|人)\s*（\s*[+\-−]\s*\d[\d,]*(?:\.\d+)?\s*）"),
    # "北京（所在省份仅此一个单位（直辖市…），被…吸收）": a bracket inside a bracket
    "nested brackets": re.compile(r"（[^（）]*（"),
    # "（标准误 7.780，p = 0.007）（单位：…）": two brackets in a row
    "adjacent brackets": re.compile(r"）\s*（"),
    # "出生率 … 为 −7.08，": a rate printed without % or ‰
    "rate without unit": re.compile(rf"[{CJK}]率[^，。；（）\d]{{0,8}}为\s*{NUMBER}\s*(?=[，。；、）]|$)"),
}


def squeeze(text: str) -> str:
    """PDF text with the line breaks and the spaces a renderer puts between glyphs removed."""
    return re.sub(r"\s+", "", text)


def _intervals(text: str) -> Iterator[tuple[int, str]]:
    """Intervals printed high-to-low: "38.8 [39.4, 38.2]", "区间 5.1 至 2.0", "（3.0–1.2）"."""
    bracket = re.compile(rf"\[\s*({NUMBER})\s*[,，]\s*({NUMBER})\s*\]")
    words = re.compile(
        rf"区间[^，。；\d+\-−]{{0,8}}({NUMBER})\s*(?:%|‰|万人?|个百分点)?\s*(?:至|到|–|—|~)\s*({NUMBER})"
    )
    for pattern in (bracket, words):
        for m in pattern.finditer(text):
            low, high = (_value(g) for g in m.groups())
            if low > high:
                yield m.start(), m.group(0)


def _value(number: str) -> float:
    return float(number.replace("−", "-").replace(",", "").replace("+", ""))


def _repeated_clauses(text: str) -> Iterator[tuple[int, str]]:
    """The same clause twice in one sentence (at least four characters, separated by a comma)."""
    start = 0
    for sentence in re.split(r"(?<=[。！？])|\s{2,}", text):
        clauses = [c.strip() for c in re.split(r"[，、：。；！？]", sentence)]
        seen: set[str] = set()
        for clause in clauses:
            if len(re.findall(rf"[{CJK}]", clause)) >= 4 and clause in seen:
                yield start + sentence.find(clause), clause
            seen.add(clause)
        start += len(sentence)


def _rules() -> Iterator[tuple[str, Callable[[str], Iterator[tuple[int, str]]]]]:
    for name, pattern in PATTERNS.items():
        yield name, lambda text, p=pattern: ((m.start(), m.group(0)) for m in p.finditer(text))
    for word in TOOL_WORDS:
        p = re.compile(word, re.I)
        yield f"tool word {word!r}", lambda text, p=p: ((m.start(), m.group(0)) for m in p.finditer(text))
    for term, instead in TERMS.items():
        p = re.compile(term)
        yield f"term {term!r} (use {instead})", lambda text, p=p: ((m.start(), m.group(0)) for m in p.finditer(text))
    yield "interval high-to-low", _intervals
    yield "clause repeated in a sentence", _repeated_clauses


# Rules run on the HTML only: in the PDF's text a float or the running head can land inside a bracket.
HTML_ONLY = {"nested brackets", "adjacent brackets"}


def problems(text: str, pdf: bool = False) -> list[str]:
    """Every hit of every rule in ``text``, each as "rule: …context…". ``pdf``: ``text`` is the squeezed
    text of the PDF, where table cells run together, so a clause repeated across cells is not looked for
    (the HTML, whose cells stay apart, is); nor are the bracket rules (:data:`HTML_ONLY`)."""
    found = []
    for name, rule in _rules():
        if pdf and (rule is _repeated_clauses or name in HTML_ONLY):
            continue
        for at, hit in rule(text):
            context = text[max(0, at - 30) : at + len(hit) + 30].replace("\n", " ")
            found.append(f"{name}: {hit!r} in …{context}…")
    return found
