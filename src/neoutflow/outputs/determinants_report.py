"""What notebook 02 reports: the determinants models, recorded, tabulated and drawn.

:class:`DeterminantsReport` holds one run's settings (outcome, regressor set,
covariance, years, output folder) and the shared stores (results and model
specifications); each method is one section of the notebook: it fits with
:mod:`neoutflow.analysis.models`, records every number the report quotes
through :func:`fit_record` (which also keeps the specification for an independent
refit: :class:`SpecRegistry`, ``tests/integration/test_determinants_notebook.py``), writes the section's table and
returns it (and its figure). The sections run in the notebook's order, which
is also the order of the results file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from neoutflow import data
from neoutflow.analysis import datasets as ad
from neoutflow.analysis import determinants as det
from neoutflow.analysis import inference, models
from neoutflow.formatting import list_zh, row_decimals
from neoutflow.outputs import derived
from neoutflow.outputs import determinants_figures as dfig
from neoutflow.outputs import tables as rt
from neoutflow.outputs.claims import (
    NO_RANKING,
    ROBUSTNESS_WORDS,
    SIGNIFICANCE_ENGLISH,
    change_count_phrase,
    direction_word,
    grouped_clause,
    interval_word,
    method_agreement_word,
    paired_comparison_clause,
    ranking_word,
    region_group_name,
    scenario_verdict,
    shared_clause,
    significance_word,
)
from neoutflow.outputs.results import ResultSet
from neoutflow.reference import (
    CONTROLS,
    DEFAULT_STUDY_REGION,
    OUTCOMES,
    STUDY_REGIONS,
    province_key,
    short_province_name,
)

PROVINCE_DATA = "analysis_province.csv"
# Wild cluster bootstrap of the prefecture model (fixed so the prefecture p-values do not move with the
# notebook's ``bootstrap_reps``, which tests lower for speed).
WILD_REPS = 9999
WILD_SEED = 20201101
PREFECTURE_DATA = "analysis_prefecture.csv"
# The data files of the province and prefecture datasets, cited in the tables' 资料来源 lines.
PROVINCE_SOURCES = ("census_population", "census_indicators", "province_series")
PREFECTURE_SOURCES = ("census_population", "census_indicators")
# The families of indicators a counterfactual sets to the median, and the paper's recommendation each
# informs (section 三 of the seed paper).
FAMILY_LABELS = {"education": "教育", "wages": "工资", "industry": "产业", "all": "三者同时"}
RECOMMENDATIONS = {
    "education": "全龄化教育链条",
    "wages": "人才与薪酬环境",
    "industry": "产业与就业",
    "all": "三组建议全部实现",
}
# How the national wage was obtained (analysis.datasets.WAGE_METHODS), as the report says it.
WAGE_METHOD_LABELS = {
    "national": "国家统计局全国平均工资（代码 100000）",
    "weighted": "各省平均工资按年末常住人口加权平均",
}
# Results key -> the phrase in ``datasets.prefecture_sample``'s reason that counts a left-out unit under it.
DROP_REASONS = {
    "singleton": "仅此一个单位",
    "county_group": "省直辖县级单位",
    "new_unit": "基期后新设",
    "missing": "缺少",
}

# Results-key prefixes of the fits of one outcome across the four outcomes (stable
# whatever the ``outcome`` parameter is, so the report can quote them).
OUTCOME_PREFIXES = {
    "net_migration_rate": "o_netmig",
    "residual_migration_rate": "o_resid",
    "population_growth": "o_growth",
    "young_adult_net_migration_rate": "o_young",
}
FAMILY_SLUGS = {"education": "education", "wages": "wage", "industry": "industry", "all": "all"}
SET_LABELS = {"baseline": "基准", "industry": "产业", "education": "教育", "wages": "工资", "full": "全部变量"}


class SpecRegistry:
    """The specifications behind the recorded coefficients: ``{prefix: spec}``."""

    def __init__(self):
        self.specs: dict[str, dict] = {}

    def add(
        self,
        prefix: str,
        dataset: str,
        codes: Sequence[str],
        outcome: str,
        regressors: Sequence[str],
        cov_type: str,
        fixed_effects: str | None = None,
        cluster: str | None = None,
        standardised: bool = False,
    ) -> None:
        """``codes``: the rows of ``dataset`` (by ``code``) the model was fitted on."""
        if prefix in self.specs:
            raise ValueError(f"model prefix {prefix!r} recorded twice")
        self.specs[prefix] = {
            "dataset": dataset,
            "codes": [str(c) for c in codes],
            "outcome": outcome,
            "regressors": list(regressors),
            "cov_type": cov_type,
            "fixed_effects": fixed_effects,
            "cluster": cluster,
            "standardised": standardised,
        }

    def save(self, path: Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.specs, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return path


def _digits(se: float) -> int:
    return row_decimals([se], base=3)


def record_fit(
    rs,
    registry: SpecRegistry,
    prefix: str,
    fit,
    title: str,
    *,
    dataset: str,
    codes: Sequence[str],
    outcome: str,
    regressors: Sequence[str],
    cov_type: str,
    fixed_effects: str | None = None,
    cluster: str | None = None,
    standardised: bool = False,
    terms: Sequence[str] | None = None,
) -> None:
    """Record ``<prefix>_coef_<term>``, ``_se_``, ``_p_`` for each term (fixed-effect dummies
    excepted unless listed in ``terms``), and ``<prefix>_n``, ``_r2``, ``_adj_r2``; register
    the specification (``codes``: the rows of ``dataset`` used)."""
    if len(codes) != int(fit.nobs):
        raise ValueError(f"{prefix}: {len(codes)} codes for a fit on {int(fit.nobs)} observations")
    registry.add(prefix, dataset, codes, outcome, regressors, cov_type, fixed_effects, cluster, standardised)
    terms = [t for t in fit.params.index if not t.startswith("C(")] if terms is None else list(terms)
    for t in terms:
        key, name = models.term_key(t), ad.label(t) if t != models.INTERCEPT else "常数项"
        d = _digits(float(fit.bse[t]))
        rs.record(f"{prefix}_coef_{key}", float(fit.params[t]), "", f"{title}：{name}的系数", digits=d)
        rs.record(f"{prefix}_se_{key}", float(fit.bse[t]), "", f"{title}：{name}系数的标准误", digits=d)
        rs.record(f"{prefix}_p_{key}", float(fit.pvalues[t]), "", f"{title}：{name}系数的 p 值", digits=3)
    stats = models.fit_statistics(fit)
    rs.record(f"{prefix}_n", stats["n"], "个", f"{title}：样本量", digits=0)
    rs.record(f"{prefix}_r2", stats["r2"], "", f"{title}：R²", digits=3)
    rs.record(f"{prefix}_adj_r2", stats["adj_r2"], "", f"{title}：调整后 R²", digits=3)


def record_counterfactuals(rs, cf: pd.DataFrame, outcome_label: str, names: Mapping[str, str]) -> None:
    """``cf_<province>_<family>`` (change, percentage points) with ``_se``, ``_low``, ``_high``,
    and ``_level``; plus each
    province's observed and fitted outcome."""
    for code, part in cf.groupby("code", sort=False):
        slug = province_key(code)
        first = part.iloc[0]
        nm = names.get(code, code)
        rs.record(f"cf_{slug}_observed", float(first["observed"]), "%", f"{nm}{outcome_label}（实际）", digits=2)
        rs.record(f"cf_{slug}_fitted", float(first["fitted"]), "%", f"{nm}{outcome_label}（模型拟合值）", digits=2)
        for _, r in part.iterrows():
            key = f"cf_{slug}_{FAMILY_SLUGS[r['family']]}"
            what = f"{nm}：若{FAMILY_LABELS[r['family']]}指标达到全国中位数，{outcome_label}的变化"
            rs.record(key, float(r["change"]), "百分点", what, digits=2, signed=True)
            rs.record(f"{key}_se", float(r["se"]), "百分点", what + "的标准误（德尔塔方法）", digits=2)
            rs.record(f"{key}_low", float(r["ci_low"]), "百分点", what + "的 95% 置信区间下限", digits=2, signed=True)
            rs.record(f"{key}_high", float(r["ci_high"]), "百分点", what + "的 95% 置信区间上限", digits=2, signed=True)
            rs.record(f"{key}_level", float(r["counterfactual"]), "%", f"{nm}：反事实{outcome_label}", digits=2)


def fit_record(
    rs,
    registry: SpecRegistry,
    prefix: str,
    title: str,
    data: pd.DataFrame,
    outcome: str,
    regressors: Sequence[str],
    cov_type: str,
    dataset: str,
    fixed_effects: str | None = None,
    standardised: bool = False,
):
    """Fit one model (:func:`models.fit_ols`, or :func:`models.standardised_fit`), record it
    with :func:`record_fit` and return the fit. ``cov_type="cluster"`` clusters on
    ``fixed_effects`` (the province)."""
    cluster = fixed_effects if cov_type == "cluster" else None
    if standardised:
        if fixed_effects:
            raise ValueError("standardised fits with fixed effects are not supported")
        fit = models.standardised_fit(data, outcome, regressors, cov_type=cov_type)
    else:
        fit = models.fit_ols(data, outcome, regressors, cov_type=cov_type, fixed_effects=fixed_effects, cluster=cluster)
    terms = list(regressors) if standardised else None
    record_fit(
        rs,
        registry,
        prefix,
        fit,
        title,
        dataset=dataset,
        codes=list(data["code"]),
        outcome=outcome,
        regressors=regressors,
        cov_type=cov_type,
        fixed_effects=fixed_effects,
        cluster=cluster,
        standardised=standardised,
        terms=terms,
    )
    return fit


@dataclass
class DeterminantsReport:
    base_year: int
    end_year: int
    outcome: str
    regressors: str
    cov_type: str
    tables_dir: Path
    # False when the data lack a census year at prefecture level (data.availability): no prefecture models
    prefectures: bool = True
    # the region the report is about (params: study_region): ``{"name": …, "provinces": [codes]}``
    study_region: Mapping | None = None
    rs: ResultSet = field(default_factory=lambda: ResultSet("determinants"))
    specs: SpecRegistry = field(default_factory=SpecRegistry)
    fits: dict = field(default_factory=dict)  # every reported model, for the coefficient file

    def __post_init__(self):
        self.tables_dir = Path(self.tables_dir)
        self.labels = ad.labels()
        self.reg = models.regressor_set(self.regressors)
        self.full_vars = models.regressor_set("full")
        self.y_label = self.labels[self.outcome]
        region = self.study_region or {
            "name": DEFAULT_STUDY_REGION,
            "provinces": list(STUDY_REGIONS[DEFAULT_STUDY_REGION]),
        }
        self.region_name = str(region["name"])
        self.ne = [str(c) for c in region["provinces"]]  # the study region's provinces
        # the region indicator's row in the tables: "东北地区"
        self.labels[ad.REGION_TERM] = f"{self.region_name}地区"
        rs = self.rs
        rs.record("region_name", self.region_name, "", "研究地区", display=self.region_name)
        rs.record("outcome", self.outcome, "", "省级回归的结果变量", display=self.y_label)
        rs.record("regressor_set", self.regressors, "", "主模型的解释变量组", display=SET_LABELS[self.regressors])
        rs.record("cov_type", self.cov_type, "", "标准误类型", display=self.cov_type)
        rs.record("base_year", self.base_year, "年", "基期普查年份", digits=0, display=str(self.base_year))
        rs.record("end_year", self.end_year, "年", "期末普查年份", digits=0, display=str(self.end_year))

    def _fit(self, prefix, title, frame, outcome=None, regressors=None, cov_type=None, dataset=PROVINCE_DATA, **kw):
        fit = fit_record(
            self.rs,
            self.specs,
            prefix,
            title,
            frame,
            outcome or self.outcome,
            list(regressors if regressors is not None else self.reg),
            cov_type or self.cov_type,
            dataset,
            **kw,
        )
        self.fits[prefix] = fit
        return fit

    # -------------------------------------------------------------------- data
    def datasets(self) -> pd.DataFrame:
        """The province and prefecture analysis datasets and their dictionary, written beside the tables."""
        d = self.tables_dir
        d.mkdir(parents=True, exist_ok=True)
        self.prov = ad.mark_study_region(ad.province_dataset(self.base_year, self.end_year), self.ne)
        self.prov.to_csv(d / PROVINCE_DATA, index=False, lineterminator="\n")
        self.pref_fits = {}
        self.pref_all = ad.prefecture_dataset(self.base_year, self.end_year) if self.prefectures else None
        self.region_prefectures = False
        if self.pref_all is not None:
            self.pref_all = self._mark_prefectures(self.pref_all)
            self.pref_all.to_csv(d / PREFECTURE_DATA, index=False, lineterminator="\n")
        pref_columns = [] if self.pref_all is None else list(self.pref_all.columns)
        dictionary = ad.data_dictionary(list(dict.fromkeys([*self.prov.columns, *pref_columns])))
        dictionary.to_csv(d / "analysis_dictionary.csv", index=False, lineterminator="\n", encoding="utf-8-sig")
        self.names = dict(zip(self.prov["code"], self.prov["name_zh"]))
        self.short = {code: short_province_name(name) for code, name in self.names.items()}
        self._record_region()
        self._record_wage_reference()
        return self.prov

    def _mark_prefectures(self, pref: pd.DataFrame) -> pd.DataFrame:
        """The prefecture dataset with the region indicator. A region that holds no prefecture-level unit (a
        region of municipalities; ``region_prefectures`` false) keeps the national prefecture models without
        the region's column."""
        inside = pref["province_code"].astype(str).isin(self.ne)
        self.region_prefectures = bool(inside.any())
        return ad.mark_study_region(pref, self.ne, "province_code") if self.region_prefectures else pref

    def _record_region(self) -> None:
        """The study region as the prose names it: the number of its provinces and the group's name."""
        rs = self.rs
        group = region_group_name(self.region_name, [self.names[c] for c in self.ne])
        rs.record("region_group", group, "", "研究地区各省合称", display=group)
        rs.record("region_province_count", len(self.ne), "个", "研究地区的省份数", digits=0)

    def _record_wage_reference(self) -> None:
        """How the national wage (denominator of the relative wage) was obtained, and the last wage year."""
        rs, by = self.rs, self.base_year
        series = data.load_province_series(["avg_wage", "yearend_population"])
        is_pop = (series["indicator"] == "yearend_population") & (series["year"] == by)
        pop_base = series[is_pop].set_index("code")["value"]
        national_wage, method = ad.national_wage(series, by, weights=pop_base)
        how = WAGE_METHOD_LABELS[method]
        wage_end = ad.latest_common_year(series, "avg_wage", list(self.prov["code"]), by, self.end_year)
        rs.record("national_wage_base", national_wage, "元", f"{by}年全国平均工资（相对工资的分母）", digits=0)
        rs.record("national_wage_method", how, "", "全国平均工资的口径", display=how)
        rs.record("wage_growth_end_year", wage_end, "年", "工资增长的期末年份", digits=0, display=str(wage_end))
        rs.record("n_provinces", len(self.prov), "个", "省级样本量", digits=0)
        # Yearly series ending before the base census are read at their latest year (at most 3 years earlier).
        for name, year in self.prov.attrs.get("series_years", {}).items():
            label = f"基期变量 {self.labels.get(name, name)} 使用的年份"
            rs.record(f"series_year_{name}", year, "年", label, display=str(year))

    def record_education_comparison(self) -> None:
        """The two education stocks against the national median in one sentence
        (:func:`paired_comparison_clause`: a comparison the two share is said once)."""
        a, b = "college_share", "higher_education_per_million"
        if a not in self.full_vars or b not in self.full_vars:
            return
        words = {v: [self.rs[f"{province_key(code)}_{v}_vs_median"].display for code in self.ne] for v in (a, b)}
        subjects = [self.short[c] for c in self.ne]
        text = paired_comparison_clause(
            subjects, words[a], words[b], "大专及以上学历人口比重", "每百万人口高校数", "全国中位数"
        )
        what = f"{self.rs['region_group'].display}的教育存量相对全国中位数（句，相同的比较合并）"
        self.rs.record("region_education_vs_median_sentence", text, "", what, display=text)

    def descriptive(self) -> pd.DataFrame:
        """The study region's provinces beside the national median: the gap the counterfactuals close."""
        prov, cols = self.prov, [*OUTCOMES, *self.full_vars]
        desc = prov.set_index("code").loc[self.ne, ["name_zh", *cols]].set_index("name_zh").T
        desc["全国中位数"] = prov[cols].median()
        # 高于/低于 the median, per province of the region and for the region together (the prose's comparisons)
        values = prov.set_index("code").loc[self.ne, cols]
        group = self.rs["region_group"].display
        for v in self.full_vars:
            gaps = values[v] - desc.loc[v, "全国中位数"]
            words = []
            for code, gap in gaps.items():
                word = direction_word(gap, "compare")
                words.append(word)
                label = f"{self.names[code]}的{self.labels[v]}相对全国中位数"
                self.rs.record(f"{province_key(code)}_{v}_vs_median", word, "", label, display=word)
            word = direction_word(gaps.to_numpy(), "compare")
            self.rs.record(f"region_{v}_vs_median", word, "", f"{group}的{self.labels[v]}相对全国中位数", display=word)
            clause = grouped_clause([self.short[c] for c in gaps.index], words, "全国中位数")
            what = f"{group}各省的{self.labels[v]}相对全国中位数（按省合述）"
            self.rs.record(f"region_{v}_vs_median_clause", clause, "", what, display=clause)
        self.record_education_comparison()
        desc["全国最小值"] = prov[cols].min()
        desc["全国最大值"] = prov[cols].max()
        # decimals by row: values of 1,000 or more without decimals, logarithms with three, shares with two
        row_digits = {
            v: 0 if desc.loc[v].abs().max() >= 1000 else (3 if ad.DICTIONARY[v][1].startswith("ln") else 2)
            for v in desc.index
        }
        text = desc.apply(lambda col: [f"{val:.{row_digits[v]}f}" for v, val in col.items()])
        text.index = [_with_unit(self.labels[v], ad.DICTIONARY[v][1]) for v in desc.index]
        table = rt.frame_table(text.reset_index().rename(columns={"index": "变量"}))
        rt.write_table(
            table,
            self.tables_dir,
            "determinants_descriptive",
            f"{group}与全国的结果变量和基期解释变量（{self.base_year}–{self.end_year}）",
            "注：全国中位数、最小值和最大值按 31 个省份计算；解释变量为基期值。",
            sources=PROVINCE_SOURCES,
        )
        return table

    # -------------------------------------------------------------------- models
    def _markdown(self, table, name, caption, note, sources=PROVINCE_SOURCES) -> str:
        rt.write_table(table, self.tables_dir, name, caption, note, sources)
        return rt.to_markdown(table, caption, name, note, sources)

    def regressor_sets(self) -> str:
        """The outcome on each regressor set; the one named by ``regressors`` is the main model."""
        self.set_fits = {}
        for name in models.REGRESSOR_SETS:
            reg = models.regressor_set(name)
            self.set_fits[name] = self._fit(name, f"{SET_LABELS[name]}模型", self.prov, regressors=reg)
        self.main = self.set_fits[self.regressors]
        for name, fit in self.set_fits.items():  # the word for each coefficient, chosen from its p-value
            for v in fit.params.index.drop(models.INTERCEPT, errors="ignore"):
                word = significance_word(float(fit.pvalues[v]))
                label = f"{SET_LABELS[name]}模型：{self.labels[v]}系数在 5% 水平是否显著"
                self.rs.record(f"{name}_sig_{v}", word, "", label, display=word)
                english = SIGNIFICANCE_ENGLISH[word]
                self.rs.record(f"{name}_sig_{v}_en", word, "", label + "（英文摘要）", display=english)
        self._record_main()
        columns = [rt.column(f, f"({i}) {SET_LABELS[n]}") for i, (n, f) in enumerate(self.set_fits.items(), 1)]
        table = rt.regression_table(columns, self.labels)
        note = rt.default_note(self.cov_type, f"被解释变量为{self.y_label}（%）；解释变量均为 {self.base_year} 年值")
        return self._markdown(table, "determinants_sets", f"{self.y_label}的省级回归：各组解释变量", note)

    def _record_main(self) -> None:
        """The main model under its own name, whichever set it is (``main_model``, ``main_coef_<v>``, ``main_p_<v>``,
        ``main_sig_<v>``), so that a sentence never pairs one model's coefficient with another's p-value; and each
        set's column in the table of regressor sets (``column_<set>``), so that no sentence counts columns."""
        rs, fit, name = self.rs, self.main, f"{SET_LABELS[self.regressors]}模型"
        rs.record("main_model", self.regressors, "", "主模型（params: regressors）", display=name)
        spec = self.specs.specs[self.regressors]  # the same fit, recorded again under the name the text quotes
        keep = ("dataset", "codes", "outcome", "regressors", "cov_type")
        record_fit(rs, self.specs, "main", fit, f"主模型（{name}）", **{k: spec[k] for k in keep})
        for v in self.reg:
            word = significance_word(float(fit.pvalues[v]))
            label = f"主模型（{name}）：{self.labels[v]}系数在 5% 水平是否显著"
            rs.record(f"main_sig_{v}", word, "", label, display=word)
            rs.record(f"main_sig_{v}_en", word, "", label + "（英文摘要）", display=SIGNIFICANCE_ENGLISH[word])
        for i, set_name in enumerate(self.set_fits, 1):
            label = f"{SET_LABELS[set_name]}模型在各组解释变量表中的列号"
            rs.record(f"column_{set_name}", i, "", label, digits=0, display=str(i))
            # the variables each set puts in, named in the text from the one declaration (reference.REGRESSOR_SETS)
            terms = [v for v in models.regressor_set(set_name) if v not in CONTROLS]
            shown = list_zh([self.labels[v] for v in terms])
            rs.record(
                f"vars_{set_name}", shown, "", f"{SET_LABELS[set_name]}模型的解释变量（控制变量除外）", display=shown
            )
        shown = list_zh([self.labels[v] for v in CONTROLS])
        rs.record("controls", shown, "", "各模型共有的控制变量", display=shown)

    def standardised(self):
        """Standardised coefficients of the main model for every outcome (figure)."""
        beta = self._fit("beta", "标准化系数（主模型）", self.prov, standardised=True)
        self._record_ranking("beta_rank_word", beta.conf_int(), "log_relative_wage", "是主模型各变量中最大的")
        rows = [
            models.standardised_coefficients(self.prov, o, self.reg, self.cov_type).assign(model=self.labels[o])
            for o in OUTCOMES
        ]
        return dfig.coefficient_figure(pd.concat(rows, ignore_index=True), self.labels)

    def _record_ranking(self, key: str, intervals: pd.DataFrame, lead: str, claim: str) -> None:
        """A ranking sentence's words (``claims.ranking_word``): ``claim`` only when ``lead``'s 95% interval
        (row of ``intervals``: low, high) is clear of every other row's; the intercept is not ranked."""
        iv = intervals.drop(index=[models.INTERCEPT], errors="ignore")
        others = [(float(a), float(b)) for t, (a, b) in iv.iterrows() if t != lead]
        word = ranking_word((float(iv.loc[lead].iloc[0]), float(iv.loc[lead].iloc[1])), others, claim)
        self.rs.record(key, word, "", f"排序表述（{claim}）是否成立：区间不重叠才排序", display=word)

    def collinearity(self):
        """VIFs of the main and the full model, and the wage–GDP scatter."""
        rs, prov, labels = self.rs, self.prov, self.labels
        vif_main = models.vif_table(prov, self.reg)
        vif_full = models.vif_table(prov, self.full_vars)
        for _, r in vif_main.iterrows():
            rs.record(f"vif_{r['variable']}", r["vif"], "", f"主模型：{labels[r['variable']]}的方差膨胀因子", digits=1)
        for _, r in vif_full.iterrows():
            label = f"全部变量模型：{labels[r['variable']]}的方差膨胀因子"
            rs.record(f"vif_full_{r['variable']}", r["vif"], "", label, digits=1)
        corr = float(np.corrcoef(prov["log_relative_wage"], prov["log_gdp_per_capita"])[0, 1])
        rs.record("corr_wage_gdp", corr, "", "相对工资（对数）与人均 GDP（对数）的相关系数", digits=2)
        prov[self.full_vars].corr().to_csv(self.tables_dir / "determinants_correlations.csv", lineterminator="\n")
        vif = vif_full[["variable", "vif"]].merge(
            vif_main[["variable", "vif"]], on="variable", how="left", suffixes=("_full", "_main")
        )
        vif["variable"] = vif["variable"].map(labels)
        table = rt.frame_table(
            vif[["variable", "vif_main", "vif_full"]],
            {"vif_main": 2, "vif_full": 2},
            {
                "variable": "变量",
                "vif_main": f"主模型（{SET_LABELS[self.regressors]}）",
                "vif_full": "全部变量模型",
            },
        )
        rt.write_table(
            table,
            self.tables_dir,
            "determinants_vif",
            "解释变量的方差膨胀因子（VIF）",
            f"注：VIF = 1/(1 − R²ⱼ)，R²ⱼ 为该变量对其余解释变量回归的决定系数；相对工资与人均 GDP 的相关系数为 {corr:.2f}。",
            sources=("census_indicators", "province_series"),
        )
        group = rs["region_group"].display
        fig = dfig.scatter_figure(prov, "log_gdp_per_capita", "log_relative_wage", labels, self.ne, region_label=group)
        return table, fig

    def wage_scatter(self):
        """The outcome against the log relative wage, every province named, with the fitted line of the
        wages-only model (its other regressors at their means; slope = its wage coefficient).
        Call after :meth:`regressor_sets`."""
        fit = self.set_fits["wages"]
        shown = self.prov.assign(name_zh=self.prov["name_zh"].map(short_province_name))
        axis = {
            self.outcome: f"{self.y_label}（%）",
            "log_relative_wage": f"{self.labels['log_relative_wage']}，{self.base_year} 年",
        }
        return dfig.fitted_scatter_figure(
            shown,
            "log_relative_wage",
            self.outcome,
            fit,
            axis,
            self.ne,
            line_label=f"{SET_LABELS['wages']}模型拟合线（其余变量取均值）",
            region_label=self.rs["region_group"].display,
        )

    def partial_regression(self):
        return dfig.partial_regression_figure(
            self.prov,
            self.outcome,
            self.reg,
            self.reg,
            self.labels,
            self.names,
            self.ne,
            region_label=self.rs["region_group"].display,
        )

    def influence(self):
        """Leave-one-out refits, Cook's distance, and the main model without high-influence provinces."""
        rs, labels, names, main = self.rs, self.labels, self.names, self.main
        loo = models.leave_one_out(self.prov, self.outcome, self.reg, cov_type=self.cov_type)
        self.loo_sum = models.leave_one_out_summary(loo, main)
        loo.to_csv(self.tables_dir / "determinants_leave_one_out.csv", index=False, lineterminator="\n")
        for _, r in self.loo_sum[self.loo_sum["term"] != models.INTERCEPT].iterrows():
            v, lab = r["term"], labels[r["term"]]
            d = row_decimals([float(main.bse[v])])
            rs.record(f"loo_min_{v}", r["loo_min"], "", f"逐一剔除：{lab}系数的最小值", digits=d)
            rs.record(f"loo_max_{v}", r["loo_max"], "", f"逐一剔除：{lab}系数的最大值", digits=d)
            for end in ("min", "max"):
                dropped = names[r[f"dropped_at_{end}"]]
                what = "最小" if end == "min" else "最大"
                rs.record(f"loo_{end}_dropped_{v}", dropped, "", f"逐一剔除：使{lab}系数{what}的省份", display=dropped)
            rs.record(f"loo_sign_changes_{v}", r["sign_changes"], "次", f"逐一剔除：{lab}系数符号改变的次数", digits=0)
            phrase = change_count_phrase(int(r["sign_changes"]))
            rs.record(f"loo_sign_phrase_{v}", phrase, "", f"逐一剔除：{lab}系数的符号是否改变", display=phrase)
            rs.record(
                f"loo_significant_{v}", r["n_significant"], "次", f"逐一剔除：{lab}系数在 5% 水平显著的次数", digits=0
            )
        infl = models.influence_table(main, self.prov["code"])
        infl.insert(1, "name_zh", infl["code"].map(names))
        infl.to_csv(self.tables_dir / "determinants_influence.csv", index=False, lineterminator="\n")
        flagged = infl[infl["cooks_flag"]].sort_values("cooks_d", ascending=False)
        top = infl.loc[infl["cooks_d"].idxmax()]
        rs.record("cooks_max", top["cooks_d"], "", "主模型中最大的 Cook 距离", digits=2)
        rs.record("cooks_max_province", top["name_zh"], "", "Cook 距离最大的省份", display=top["name_zh"])
        rs.record("cooks_n_flagged", len(flagged), "个", "Cook 距离大于 4/n 的省份数", digits=0)
        shown = "、".join(flagged["name_zh"])
        rs.record("cooks_flagged_provinces", shown, "", "Cook 距离大于 4/n 的省份", display=shown or "无")
        trimmed = self.prov[~self.prov["code"].isin(flagged["code"])].reset_index(drop=True)
        self.trim_fit = self._fit("trim", "剔除高影响省份后的主模型", trimmed)
        fig = dfig.leave_one_out_figure(loo, main, self.reg, labels, self.ne, self.region_name)
        return fig, flagged[["name_zh", "leverage", "cooks_d", "student_resid"]].round(3)

    def outcomes(self) -> str:
        """The main model on each of the four outcomes."""
        self.outcome_fits = {
            o: self._fit(prefix, f"主模型（{self.labels[o]}）", self.prov, outcome=o)
            for o, prefix in OUTCOME_PREFIXES.items()
        }
        columns = [rt.column(f, f"({i}) {self.labels[o]}") for i, (o, f) in enumerate(self.outcome_fits.items(), 1)]
        table = rt.regression_table(columns, self.labels)
        caption = f"主模型（{SET_LABELS[self.regressors]}）在四个结果变量上的估计"
        return self._markdown(
            table, "determinants_outcomes", caption, rt.default_note(self.cov_type, "各列被解释变量单位均为 %")
        )

    def region(self) -> str:
        """The study region's indicator alone, with the main model and with every variable."""
        prov, reg, full, term = self.prov, self.reg, self.full_vars, ad.REGION_TERM
        rs, name, group = self.rs, self.region_name, self.rs["region_group"].display
        gap_fits = models.region_gap_models(prov, self.outcome, reg, self.cov_type, indicator=term)
        gap_full = models.fit_ols(prov, self.outcome, [*full, term], cov_type=self.cov_type)
        for prefix, fit, regs, title in (
            ("region_raw", gap_fits["raw"], [term], f"{name}虚拟变量（无控制）"),
            ("region", gap_fits["adjusted"], [*reg, term], f"{name}虚拟变量 + 主模型"),
            ("region_full", gap_full, [*full, term], f"{name}虚拟变量 + 全部变量"),
        ):
            record_fit(
                rs,
                self.specs,
                prefix,
                fit,
                title,
                dataset=PROVINCE_DATA,
                codes=list(prov["code"]),
                outcome=self.outcome,
                regressors=regs,
                cov_type=self.cov_type,
            )
            self.fits[prefix] = fit
        raw_gap, adj_gap = gap_fits["raw"].params[term], gap_fits["adjusted"].params[term]
        if abs(rs[f"region_coef_{term}"].value - adj_gap) + abs(rs[f"region_raw_coef_{term}"].value - raw_gap) > 0:
            raise AssertionError("the recorded region coefficients are not the fitted ones")
        k = len(self.ne)
        for prefix, regs in (("region_raw", []), ("region", reg)):
            ri = inference.randomisation_exact(prov, self.outcome, regs, term)
            what = f"{name}虚拟变量系数的精确随机化推断 p 值（全部 {k} 省组合）"
            rs.record(f"{prefix}_ri_p", ri["p"], "", what, digits=3)
            rs.record(f"{prefix}_ri_sets", ri["n_sets"], "个", f"随机化推断枚举的 {k} 省组合数", digits=0)
            word = significance_word(ri["p"])
            rs.record(f"{prefix}_ri_word", word, "", f"{name}虚拟变量在随机化推断下是否显著", display=word)
            fit = gap_fits["raw" if prefix == "region_raw" else "adjusted"]
            word = significance_word(float(fit.pvalues[term]))
            rs.record(f"{prefix}_hc3_word", word, "", f"{name}虚拟变量按 HC3 t 检验是否显著", display=word)
            word = method_agreement_word([float(fit.pvalues[term]), ri["p"]])
            rs.record(f"{prefix}_ri_agree", word, "", "HC3 与随机化推断结论是否一致", display=word)
        derived.record(
            rs, "region_gap_explained_share", "%", f"{name}与其他省份的平均差距中被主模型基本面解释的比例", digits=0
        )
        text = self._gap_sentence(float(raw_gap), float(adj_gap))
        rs.record("region_gap_sentence", text, "", f"{name}的差距被基本面解释的程度（句）", display=text)
        columns = [
            rt.column(gap_fits["raw"], f"(1) 仅{name}"),
            rt.column(gap_fits["adjusted"], f"(2) + {SET_LABELS[self.regressors]}"),
            rt.column(gap_full, "(3) + 全部变量"),
        ]
        table = rt.regression_table(columns, self.labels, terms=[term, *full, models.INTERCEPT])
        note = rt.default_note(
            self.cov_type,
            f"{name}虚拟变量的系数只由{group}识别；其随机化推断 p 值（把“{name}”标签依次赋给全部 "
            f"{rs['region_ri_sets'].display} 个 {k} 省组合）：第 (1) 列 {rs['region_raw_ri_p'].display}，"
            f"第 (2) 列 {rs['region_ri_p'].display}",
        )
        return self._markdown(table, "determinants_region", f"{name}虚拟变量：{self.y_label}", note)

    def _gap_sentence(self, raw: float, adjusted: float) -> str:
        """How the fundamentals change the region's gap, as the text says it: a share explained only when the
        gap keeps its sign and shrinks."""
        share = self.rs["region_gap_explained_share"].display
        if raw * adjusted > 0 and abs(adjusted) <= abs(raw):
            text = f"即基本面解释了约 {share}% 的差距"
        elif raw * adjusted > 0:
            text = "即控制基本面后差距反而扩大，基本面不能解释这一差距"
        else:
            text = "系数的符号在控制基本面后反转，“基本面解释了多少差距”在这里没有意义"
        return text

    def _record_dropped(self, pref: pd.DataFrame, dropped: pd.DataFrame) -> pd.DataFrame:
        """The units the prefecture models leave out, counted by reason and written as a table."""
        self.rs.record("pref_n_dropped", len(dropped), "个", "地级市模型排除的单位数", digits=0)
        for key, pattern in DROP_REASONS.items():
            n = int(dropped["reason"].str.contains(pattern).sum())
            self.rs.record(f"pref_dropped_{key}", n, "个", f"地级市模型排除的单位数（{pattern}）", digits=0)
        n_region = int(pref[ad.REGION_TERM].sum()) if self.region_prefectures else 0
        what = f"地级市样本中的{self.region_name}地级单位数"
        self.rs.record("pref_n_region", n_region, "个", what, digits=0)
        dropped_table = dropped.assign(province=dropped["province_code"].map(self.names))[
            ["code", "name_zh", "province", "reason"]
        ].rename(columns={"code": "代码", "name_zh": "单位", "province": "所属省份", "reason": "排除原因"})
        rt.write_table(
            dropped_table,
            self.tables_dir,
            "determinants_prefecture_dropped",
            "地级市模型中被排除的单位及原因",
            sources=("census_population", "census_totals", "regions"),
        )
        return dropped_table

    def prefecture_models(self, omitted: str = ""):
        """Prefecture models with province fixed effects, errors clustered by province: (the units left out,
        the coefficient table). Without prefecture data: (None, ``omitted``, the sentence saying why)."""
        if self.pref_all is None:
            return None, omitted
        rs, labels = self.rs, self.labels
        outcome = self.outcome if self.outcome in ad.PREFECTURE_OUTCOMES else "net_migration_rate"
        reg, alt = list(models.PREFECTURE_SETS["pref"]), list(models.PREFECTURE_SETS["pref_alt"])
        pref, dropped = ad.prefecture_sample(self.pref_all, outcome, sorted(set(reg) | set(alt)))
        rs.record("pref_outcome", outcome, "", "地级市模型的结果变量", display=labels[outcome])
        rs.record("pref_units", len(self.pref_all), "个", "地级单位总数", digits=0)
        dropped_table = self._record_dropped(pref, dropped)

        stable = pref[~pref["boundary_issue"].astype(bool)].reset_index(drop=True)
        stable, _ = ad.prefecture_sample(stable, outcome, reg)  # re-check singletons after the cut
        fe = dict(outcome=outcome, cov_type="cluster", dataset=PREFECTURE_DATA, fixed_effects="province_code")
        pref_fits = {
            "pref": self._fit("pref", "地级市模型", pref, regressors=reg, **fe),
            "pref_alt": self._fit("pref_alt", "地级市模型（替代指标）", pref, regressors=alt, **fe),
            "pref_stable": self._fit("pref_stable", "地级市模型（区划稳定单位）", stable, regressors=reg, **fe),
        }
        if self.region_prefectures:  # the region's prefectures against all others, without province effects
            regs = [*reg, ad.REGION_TERM]
            pref_region = models.fit_ols(pref, outcome, regs, cov_type="cluster", cluster="province_code")
            record_fit(
                rs,
                self.specs,
                "pref_region",
                pref_region,
                f"地级市模型（{self.region_name}虚拟变量，无省份固定效应）",
                dataset=PREFECTURE_DATA,
                codes=list(pref["code"]),
                outcome=outcome,
                regressors=regs,
                cov_type="cluster",
                cluster="province_code",
            )
            pref_fits["pref_region"] = self.fits["pref_region"] = pref_region
        hc3 = dict(fe, cov_type="HC3")
        self._fit("pref_hc3", "地级市模型（HC3 标准误）", pref, regressors=reg, **hc3)
        self._wild_prefecture(pref, outcome, reg)
        pref_data = {"pref": pref, "pref_alt": pref, "pref_stable": stable, "pref_region": pref}
        for k, f in pref_fits.items():
            if k != "pref_region":
                r2 = models.within_r2(f, pref_data[k], outcome, "province_code")
                rs.record(f"{k}_r2_within", r2, "", "组内 R²（省内差异中被解释的比例）", digits=3)
            n = int(pref_data[k]["province_code"].nunique())
            rs.record(f"{k}_clusters", n, "个", "聚类（省份）数", digits=0)
        headers = ["(1) 基准", "(2) 替代指标", "(3) 区划稳定单位", f"(4) {self.region_name}虚拟变量"]
        within = derived.IN_TABLE["determinants.pref_r2_within"][1]
        columns = [
            rt.column(
                f,
                h,
                {
                    "省份固定效应": "否" if k == "pref_region" else "是",
                    "聚类数（省份）": str(rs[f"{k}_clusters"].value),
                    within: "" if k == "pref_region" else rs[f"{k}_r2_within"].display,
                },
            )
            for (k, f), h in zip(pref_fits.items(), headers)
        ]
        table = rt.regression_table(columns, labels, extra_rows=["省份固定效应", "聚类数（省份）", within])
        note = rt.default_note(
            "cluster",
            "按省聚类的推断使用 t(G−1) 分布；R² 含省份固定效应，组内 R² 为省内差异中被解释的比例；"
            "第 (1) 列改用 HC3 异方差稳健标准误的估计随系数文件一并发布；被排除的单位另列一表",
        )
        self.pref_fits = pref_fits
        markdown = self._markdown(
            table, "determinants_prefecture", f"地级市模型：{labels[outcome]}", note, PREFECTURE_SOURCES
        )
        return dropped_table, markdown

    def counterfactuals(self, bootstrap_reps: int, seed: int):
        """Each Northeast province with one family of indicators at the national median."""
        rs, prov, reg = self.rs, self.prov, self.reg
        cf = models.counterfactuals(self.main, prov, self.outcome, self.ne, reg)
        if bootstrap_reps > 0:
            cf = cf.merge(self._wild_counterfactuals(cf, bootstrap_reps, seed), on=["code", "family"], how="left")
            rs.record("cf_bootstrap_reps", bootstrap_reps, "次", "野自助法的重复次数", digits=0)
            self._wild_main(bootstrap_reps, seed)
        medians = prov[reg].median()
        for v in reg:
            if models.VARIABLE_FAMILY.get(v):
                digits = 0 if abs(medians[v]) >= 100 else (3 if abs(medians[v]) < 1 else 2)
                unit = ad.DICTIONARY[v][1]
                rs.record(f"cf_median_{v}", medians[v], unit, f"全国中位数：{self.labels[v]}", digits=digits)
        record_counterfactuals(rs, cf, self.y_label, self.names)
        # "the pay scenario has the largest effect" only where its interval clears every other single family's, per province
        words = {
            ranking_word(
                tuple(part.loc[part["family"] == "wages", ["ci_low", "ci_high"]].iloc[0]),
                [tuple(r) for r in part.loc[~part["family"].isin(["wages", "all"]), ["ci_low", "ci_high"]].to_numpy()],
                "是效应最大的一项",
            )
            for _, part in cf.groupby("code")
        }
        word = words.pop() if len(words) == 1 else NO_RANKING
        rs.record("cf_rank_word", word, "", "排序表述（薪酬情景效应最大）是否成立：各省区间不重叠才排序", display=word)
        cf.to_csv(self.tables_dir / "determinants_counterfactuals.csv", index=False, lineterminator="\n")
        show = cf.assign(
            province=cf["code"].map(self.names),
            scenario=cf["family"].map(FAMILY_LABELS),
            delta_ci=[f"[{a:.2f}, {b:.2f}]" for a, b in zip(cf["ci_low"], cf["ci_high"])],
        )
        cols = {
            "province": "省份",
            "scenario": "情景",
            "observed": "实际值（%）",
            "change": "变化（百分点）",
            "se": "标准误",
            "delta_ci": "95% 区间（delta 方法）",
        }
        if bootstrap_reps > 0:
            show["wild_p"] = [
                f"{a:.3f} / {b:.3f}" if pd.notna(a) else "—" for a, b in zip(cf["p_rademacher"], cf["p_webb"])
            ]
            cols["wild_p"] = "野自助法 p 值（Rademacher / Webb）"
        cols["counterfactual"] = "反事实值（%）"
        table = rt.frame_table(show[list(cols)], {"observed": 2, "change": 2, "se": 2, "counterfactual": 2}, cols)
        mapping = "，".join(f"{FAMILY_LABELS[k]}——{v}" for k, v in RECOMMENDATIONS.items())
        rt.write_table(
            table,
            self.tables_dir,
            "determinants_counterfactuals",
            f"{rs['region_group'].display}的反事实：若指标达到全国中位数，{self.y_label}的变化",
            f"注：基于主模型（{SET_LABELS[self.regressors]}）；delta 方法使用 {self.cov_type} 协方差矩阵；"
            f"野自助法 p 值为施加零假设的野自助法（限制性残差，HC1 型 t 统计量，{bootstrap_reps} 次，种子 {seed}）"
            "对“变化为零”的检验；反事实值等于实际值加变化；"
            f"情景与原文建议的对应：{mapping}。",
            sources=("census_population", "census_indicators", "province_series"),
        )
        self._record_counterfactual_words(cf, medians)
        return table, dfig.counterfactual_figure(cf, self.names, self.y_label, FAMILY_LABELS)

    def _wild_main(self, reps: int, seed: int) -> None:
        """Wild restricted bootstrap p-values of the main model's slopes (Rademacher and Webb)."""
        wild = inference.wild_tests(self.prov, self.outcome, self.reg, {v: {v: 1.0} for v in self.reg}, reps, seed)
        for _, r in wild.iterrows():
            v = r["name"]
            for w in inference.WEIGHTS:
                what = f"主模型{self.labels[v]}系数的野自助法 p 值（{inference.WEIGHT_LABELS[w]} 权重，施加零假设）"
                self.rs.record(f"wild_p_{w}_{v}", float(r[f"p_{w}"]), "", what, digits=3)
            p = max(float(r["p_rademacher"]), float(r["p_webb"]))
            what = f"主模型{self.labels[v]}系数的野自助法 p 值（两种权重中较大者，判断所用）"
            self.rs.record(f"wild_p_{v}", p, "", what, digits=3)
            word = significance_word(p)
            self.rs.record(f"wild_word_{v}", word, "", f"主模型{self.labels[v]}系数在野自助法下是否显著", display=word)
            english = SIGNIFICANCE_ENGLISH[word]
            self.rs.record(
                f"wild_word_{v}_en",
                word,
                "",
                f"主模型{self.labels[v]}系数在野自助法下是否显著（英文摘要）",
                display=english,
            )
            word = method_agreement_word([float(self.main.pvalues[v]), r["p_rademacher"], r["p_webb"]])
            self.rs.record(f"wild_agree_{v}", word, "", f"{self.labels[v]}：HC3 与野自助法结论是否一致", display=word)

    def _wild_prefecture(self, pref: pd.DataFrame, outcome: str, reg: list[str]) -> None:
        """Wild cluster restricted bootstrap (by province, fixed effects as dummies) of the prefecture model's
        industry and education slopes: ``pref_wild_p_<v>`` is the larger of the Rademacher and Webb p-values."""
        terms = [v for v in reg if models.VARIABLE_FAMILY.get(v)]
        wild = inference.wild_tests(
            pref,
            outcome,
            reg,
            {v: {v: 1.0} for v in terms},
            WILD_REPS,
            WILD_SEED,
            cluster="province_code",
            fixed_effects="province_code",
        )
        for _, r in wild.iterrows():
            v = r["name"]
            p = max(float(r["p_rademacher"]), float(r["p_webb"]))
            what = f"地级市模型：{self.labels[v]}系数的野聚类自助法 p 值（两种权重中较大者）"
            self.rs.record(f"pref_wild_p_{v}", p, "", what, digits=3)

    def _wild_counterfactuals(self, cf: pd.DataFrame, reps: int, seed: int) -> pd.DataFrame:
        """Wild restricted bootstrap p-values of each counterfactual change ``g'β = 0``. A province whose
        indicators of a family are the national median (the median province itself) has no change to test
        (``g = 0``): it gets no p-value."""
        info, g = models.counterfactual_contrasts([models.INTERCEPT, *self.reg], self.prov, self.ne, self.reg)
        terms = [models.INTERCEPT, *self.reg]
        contrasts = {
            f"{c}|{f}": dict(zip(terms, row))
            for (c, f), row in zip(zip(info["code"], info["family"]), g)
            if np.any(row != 0)
        }
        wild = inference.wild_tests(self.prov, self.outcome, self.reg, contrasts, reps, seed)
        split = wild["name"].str.split("|", expand=True)
        return wild.assign(code=split[0], family=split[1])[["code", "family", "p_rademacher", "p_webb"]]

    def _record_scenario_sentences(self, cf: pd.DataFrame, medians: pd.Series) -> None:
        """Per scenario, the sentence that reports it for every province of the region
        (``cf_<family>_sentence``), so that a region of three or six provinces reads the same way: the provinces
        the scenario moves towards more (below the median) first, by the size of the change, the first with its
        interval, wild bootstrap p-values and level; the shared words once (:func:`claims.shared_clause`); then
        the provinces already above the median, which "reaching the median" moves down."""
        rs, y = self.rs, self.y_label
        for family, slug in FAMILY_SLUGS.items():
            part = cf[cf["family"] == family].set_index("code")
            key = f"cf_{slug}_sentence"
            if part.empty:
                text = f"主模型（{SET_LABELS[self.regressors]}）不含{FAMILY_LABELS[family]}指标，没有这一情景"
                rs.record(key, text, "", f"{FAMILY_LABELS[family]}情景的逐省表述", display=text)
                continue
            if family == "all":
                text = self._all_sentence(part)
            else:
                fv = [v for v in self.reg if models.VARIABLE_FAMILY.get(v) == family]
                above = self.prov.set_index("code").loc[self.ne, fv].gt(medians[fv]).any(axis=1)
                text = self._family_sentence(part, family, fv, [c for c in self.ne if not above[c]], above)
            rs.record(key, text, "", f"{FAMILY_LABELS[family]}情景的逐省表述（{y}）", display=text)

    def _cf(self, code: str, family: str, tail: str = "") -> str:
        return self.rs[f"cf_{province_key(code)}_{FAMILY_SLUGS[family]}{tail}"].display

    def _family_sentence(self, part, family: str, fv: list[str], raised: list[str], above: pd.Series) -> str:
        y, short, what = self.y_label, self.short, list_zh([self.labels[v] for v in fv])
        at_median = [c for c in raised if float(part.loc[c, "change"]) == 0.0]  # the median province itself
        raised = sorted((c for c in raised if c not in at_median), key=lambda c: -float(part.loc[c, "change"]))
        lowered = [c for c in self.ne if above[c]]
        pieces = []
        if raised:
            first = raised[0]
            wild = ""
            if f"cf_{province_key(first)}_{FAMILY_SLUGS[family]}_wild_p_webb" in self.rs:
                wild = f"；野自助法 p 值 {self._cf(first, family, '_wild_p_rademacher')}/{self._cf(first, family, '_wild_p_webb')}"
            obs = self.rs[f"cf_{province_key(first)}_observed"].display
            lead = (
                f"若{short[first]}的{what}达到全国中位数，其{y}预计变化 {self._cf(first, family)} 个百分点"
                f"（95% 区间 {self._cf(first, family, '_low')} 至 {self._cf(first, family, '_high')}{wild}），"
                f"从 {obs}% 变为 {self._cf(first, family, '_level')}%"
            )
            rest = [
                f"{short[c]}变化 {self._cf(c, family)} 个百分点（{self._cf(c, family, '_low')} 至 "
                f"{self._cf(c, family, '_high')}）"
                for c in raised[1:]
            ]
            pieces.append("；".join([lead, *rest]))
            names = [short[c] for c in raised]
            ci = shared_clause(names, [self._cf(c, family, "_ci_zero") for c in raised])
            tests = f"delta 方法 95% 区间{ci}"
            if wild:
                tests += "；施加零假设的野自助法检验" + shared_clause(
                    names, [self._cf(c, family, "_wild_word") for c in raised]
                )
            pieces.append(tests)
        if at_median:
            names = list_zh([short[c] for c in at_median])
            pieces.append(f"{names}的{what}恰为全国中位数，这一情景不改变其{y}")
        if lowered:
            every = len(lowered) == len(self.ne)
            subject = self.rs["region_group"].display if every else list_zh([short[c] for c in lowered])
            both = "均" if len(lowered) > 1 else ""
            changes = "、".join(self._cf(c, family) for c in lowered)
            each = "分别" if len(lowered) > 1 else ""
            ci = shared_clause([short[c] for c in lowered], [self._cf(c, family, "_ci_zero") for c in lowered])
            pieces.append(
                f"{subject}的{what}{both}已高于全国中位数，“拉到中位数”反而使其{y}{each}变化 {changes} 个百分点"
                f"（delta 方法 95% 区间{ci}）"
            )
        return "。".join(pieces)

    def _all_sentence(self, part) -> str:
        """All three families at the median: the province with the most outflow first, with its interval and
        the share of its observed net loss the change would offset."""
        y, short = self.y_label, self.short
        order = sorted(self.ne, key=lambda c: float(part.loc[c, "observed"]))
        first = order[0]
        lead = (
            f"若各项指标同时达到全国中位数，{short[first]}的{y}预计变化 {self._cf(first, 'all')} 个百分点"
            f"（delta 方法区间 {self._cf(first, 'all', '_low')} 至 {self._cf(first, 'all', '_high')}）"
        )
        rest = "，".join(f"{short[c]} {self._cf(c, 'all')}" for c in order[1:])
        text = lead + (f"，{rest}" if rest else "")
        key = f"cf_{province_key(first)}_all_offset_share"
        observed, change = float(part.loc[first, "observed"]), float(part.loc[first, "change"])
        if observed < 0 < change:
            share = 100 * change / -observed
            what = f"{self.names[first]}：三者同时情景的变化占其实际净迁出的比例"
            self.rs.record(key, share, "%", what, digits=0)
            obs = self.rs[f"cf_{province_key(first)}_observed"].display
            text += f"。与{short[first]}实际的 {obs}% 相比，这一变化相当于其净迁出的 {self.rs[key].display}%"
        return text

    def _record_counterfactual_words(self, cf: pd.DataFrame, medians: pd.Series) -> None:
        """Whether each 95% interval includes zero, and whether the education scenario can test more education."""
        rs = self.rs
        for _, r in cf.iterrows():
            key = f"cf_{province_key(r['code'])}_{FAMILY_SLUGS[r['family']]}"
            word = interval_word(r["ci_low"], r["ci_high"], "zero")
            rs.record(f"{key}_ci_zero", word, "", "德尔塔方法 95% 区间是否包含零", display=word)
            if "p_webb" in r and pd.notna(r["p_webb"]):
                for w in inference.WEIGHTS:
                    what = f"变化为零的野自助法检验 p 值（{inference.WEIGHT_LABELS[w]} 权重）"
                    rs.record(f"{key}_wild_p_{w}", float(r[f"p_{w}"]), "", what, digits=3)
                # The word follows the less favourable of the two weight types.
                word = significance_word(max(r["p_rademacher"], r["p_webb"]))
                rs.record(f"{key}_wild_word", word, "", "野自助法检验（两种权重）在 5% 水平是否显著", display=word)
        self._record_scenario_sentences(cf, medians)
        # The same extrapolation count for every family: Northeast provinces already above the reference,
        # whom "reaching the median" moves down, outside what the scenario can speak to.
        for fam in ("wages", "industry", "education"):
            fv = [v for v in self.reg if models.VARIABLE_FAMILY.get(v) == fam]
            vals = self.prov.set_index("code").loc[self.ne, fv]
            n_above = int((vals > medians[fv]).any(axis=1).sum())
            rs.record(
                f"cf_{FAMILY_SLUGS[fam]}_above_count",
                n_above,
                "个",
                f"{FAMILY_LABELS[fam]}指标已高于全国中位数的{self.region_name}省份数（反事实对其只能外推）",
                digits=0,
            )
        edu = [v for v in self.reg if models.VARIABLE_FAMILY.get(v) == "education"]
        values = self.prov.set_index("code").loc[self.ne, edu]
        lowered = int((values > medians[edu]).any(axis=1).sum())
        rs.record(
            "cf_education_lowered_count",
            lowered,
            "个",
            f"教育情景把教育指标降到全国中位数的{self.region_name}省份数（高于中位数者）",
            digits=0,
        )
        if lowered == len(self.ne):
            text = f"这一情景对{rs['region_group'].display}都是把教育指标降到中位数，而不是提高它"
        elif lowered == 0:
            text = f"这一情景对{rs['region_group'].display}都是把教育指标提高到中位数"
        else:
            above = values.gt(medians[edu]).any(axis=1)
            names = list_zh([self.short[c] for c in self.ne if above[c]])
            text = f"对其中 {lowered} 个省份（{names}），这一情景是把教育指标降到中位数，而不是提高它"
        rs.record("cf_education_lowered_sentence", text, "", "教育情景对各省是提高还是降低教育指标", display=text)
        # A scenario that lowers education to the median cannot test the effect of more education;
        # otherwise the word follows the delta-method intervals (5%: excludes zero, and the sign).
        ed = cf[cf["family"] == "education"]
        excl = ed[(ed["ci_low"] > 0) | (ed["ci_high"] < 0)]
        word = scenario_verdict(not lowered, excl["change"])
        rs.record("cf_education_verdict", word, "", "教育情景能否检验“扩大教育”的建议", display=word)

    def robustness(self) -> pd.DataFrame:
        """Which conclusions survive: main model, leave-one-out, outcomes and regressor sets together."""
        rs, labels, trim = self.rs, self.labels, self.trim_fit
        family_in_main = [v for v in self.reg if models.VARIABLE_FAMILY.get(v)]
        robust = det.robustness_summary(self.main, self.loo_sum, self.outcome_fits, self.set_fits, family_in_main)
        robust.to_csv(self.tables_dir / "determinants_robustness_summary.csv", index=False, lineterminator="\n")
        for _, r in robust.iterrows():
            v = r["variable"]
            rs.record(
                f"robust_verdict_{v}",
                r["verdict"],
                "",
                f"{labels[v]}的稳健性判断",
                display=ROBUSTNESS_WORDS[r["verdict"]],
            )
            rs.record(
                f"robust_outcomes_significant_{v}",
                r["outcomes_significant"],
                "个",
                f"{labels[v]}在四个结果变量中显著的个数",
                digits=0,
            )
        rob = robust.assign(
            variable=robust["variable"].map(labels),
            main=[f"{c:.4g}（{p:.3f}）" for c, p in zip(robust["coef"], robust["p"])],
            trim=[f"{trim.params[v]:.4g}（{trim.pvalues[v]:.3f}）" for v in robust["variable"]],
            loo=[f"{a} / {b}" for a, b in zip(robust["loo_sign_changes"], robust["loo_refits"])],
            loo_sig=[f"{a} / {b}" for a, b in zip(robust["loo_significant"], robust["loo_refits"])],
            outcomes=[f"{a} / {b}" for a, b in zip(robust["outcomes_significant"], robust["outcomes"])],
            verdict=robust["verdict"].map(ROBUSTNESS_WORDS),
        )
        cols = {
            "variable": "变量",
            "main": "主模型系数（p 值）",
            "trim": "剔除高影响省份后（p 值）",
            "loo": "逐一剔除：符号改变",
            "loo_sig": "逐一剔除：5% 显著",
            "outcomes": "四个结果变量：5% 显著",
            "verdict": "判断",
        }
        table = rt.frame_table(rob[list(cols)], columns=cols)
        rt.write_table(
            table,
            self.tables_dir,
            "determinants_robustness",
            f"主模型结论的稳健性：{self.y_label}",
            f"注：高影响省份指 Cook 距离大于 4/n 者（{rs['cooks_flagged_provinces'].display}）；p 值基于 {self.cov_type} 标准误。",
            sources=("census_population", "census_totals", "census_indicators", "province_series"),
        )
        return table

    def save(self, results_dir: Path) -> Path:
        """Every coefficient in one machine-readable file, the specifications, and the results."""
        order = [
            *self.set_fits,
            "beta",
            "trim",
            *OUTCOME_PREFIXES.values(),
            "region_raw",
            "region",
            "region_full",
            *self.pref_fits,
            *(["pref_hc3"] if self.pref_fits else []),
        ]
        fits = {k: self.fits[k] for k in order}
        det.coefficient_rows(fits).to_csv(
            self.tables_dir / "determinants_coefficients.csv", index=False, lineterminator="\n"
        )
        self.specs.save(self.tables_dir / "determinants_models.json")
        return self.rs.save(results_dir)


def _with_unit(label: str, unit: str) -> str:
    """``label（unit）``, once: a logged variable's label already says 对数, so its unit ``ln(x)``
    is written ``ln(x)`` in place of the word rather than as a second bracket."""
    if unit.startswith("ln(") and label.endswith("（对数）"):
        return f"{label.removesuffix('（对数）')}（{unit}）"
    return f"{label}（{unit}）" if unit else label
