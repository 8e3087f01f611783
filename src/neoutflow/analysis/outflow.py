"""The outflow measures of notebook 01, from the shipped data to tidy frames.

:func:`measure_outflow` loads the census and yearly series for two census years
and applies :mod:`neoutflow.analysis.demography`: survival-ratio net migration
for provinces (national ratios from the 31 provinces) and prefectures (the same
national ratios, so prefecture figures add up to the provincial ones), the
children's estimate, the vital-statistics residual, and census population
change. The comparison tables of the chapter (methods, the paper's "821万")
are built from these frames by :func:`methods_comparison` and
:func:`paper_reconciliation`. Everything is about the study region (``region``, the Northeast by
default): its provinces, their total and its prefectures; the paper's "821万" is checked only for the
region it is about (:func:`paper_applies`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from neoutflow import data
from neoutflow.analysis import demography as dm
from neoutflow.reference import NATIONAL_CODE, NORTHEAST, SEED_PAPER_REGION, STUDY_REGIONS, province_key

# The seed paper's claim ("10年间东北3省人口共流出821万：黑龙江393万、吉林241万、辽宁187万"),
# recorded as the object of the check, not as an estimate.
PAPER_CLAIM = {"230000": 393e4, "220000": 241e4, "210000": 187e4}
PAPER_PERIOD = (2010, 2020)
# The study region's total in results keys and tables (``ne_population_change`` …): the key the chapters were
# first written with, kept for every region so that quoted keys stay stable whatever the parameters.
NE_KEY = "ne"


@dataclass
class Outflow:
    """Everything the outflow chapter measures for one pair of census years."""

    base_year: int
    end_year: int
    regions: pd.DataFrame
    provinces: list[str]
    net_prov: pd.DataFrame  # survival-ratio net migration by province × sex × cohort
    children_prov: pd.DataFrame  # children born in the period (child–woman ratio estimate)
    residual: pd.DataFrame  # vital-statistics residual by province
    summary_prov: pd.DataFrame
    change_prov: pd.DataFrame
    net_pref: pd.DataFrame
    pref_codes: list[str]
    summary_pref: pd.DataFrame
    change_pref: pd.DataFrame
    indicators: pd.DataFrame
    boundaries: object
    extras: dict = field(default_factory=dict)
    region: tuple[str, ...] = NORTHEAST  # the study region's provinces
    region_name: str = SEED_PAPER_REGION

    @property
    def names(self) -> pd.Series:
        return self.regions.set_index("code")["name_zh"]

    @property
    def province_of(self) -> pd.Series:
        return self.regions.set_index("code")["province_code"].astype(str)

    @property
    def slugs(self) -> dict[str, str]:
        """Result-key prefixes of the study region's provinces (liaoning, jilin, heilongjiang …)."""
        return {c: province_key(c) for c in self.region}

    @property
    def inmigrants(self) -> pd.DataFrame:
        """Stocks of residents registered in another province, the study region's provinces × year."""
        ind = self.indicators
        sel = (ind["indicator"] == "inmigrants_other_province") & ind["code"].isin(self.region)
        return ind[sel].pivot(index="code", columns="year", values="value")

    @property
    def child_by_code(self) -> pd.Series:
        return self.children_prov.groupby("code")["net_migration"].sum()


def measure_outflow(base_year: int, end_year: int, raw_dir=None, prefectures: bool = True, region=None) -> Outflow:
    """Load the shipped data and compute every outflow measure of the chapter.

    ``prefectures=False`` (the data lack a census year at prefecture level, or the region has no
    prefecture level, see ``data.availability``): the province measures only, with no prefecture units.
    ``region``: the study region (``{name, provinces}``, a ``StudyRegion``; None: the Northeast).
    """
    name, codes = _region(region)
    years = [int(base_year), int(end_year)]
    regions = data.load_regions(raw_dir)
    provinces = regions.loc[regions["level"] == "province", "code"].tolist()
    pop_prov = data.load_population("province", years, raw_dir=raw_dir)
    pop_pref = data.load_population("prefecture", years, raw_dir=raw_dir) if prefectures else None
    totals = data.load_census_totals(raw_dir=raw_dir)
    series = data.load_province_series(["natural_growth_rate", "yearend_population"], raw_dir=raw_dir)

    net_prov = dm.survival_ratio_net_migration(pop_prov, base_year, end_year)
    children_prov = dm.child_net_migration(pop_prov, base_year, end_year)
    totals_prov = totals[totals["code"].isin(provinces)]
    residual = dm.residual_net_migration(
        totals_prov,
        series[series["indicator"] == "natural_growth_rate"],
        series[series["indicator"] == "yearend_population"],
        base_year,
        end_year,
    )
    # Prefectures use the national (31-province) ratios, so their figures agree with the provinces'.
    national = (
        pop_prov.assign(code=NATIONAL_CODE)
        .groupby(["code", "year", "sex", "age_group"], observed=True, as_index=False)["population"]
        .sum()
    )
    if prefectures:
        years_per = pop_pref.groupby("code")["year"].nunique()
        pref_codes = list(years_per.index[years_per == 2])
        net_pref = dm.survival_ratio_net_migration(
            pop_pref[pop_pref["code"].isin(pref_codes)], base_year, end_year, national=national
        )
        totals_pref = totals[totals["code"].isin(regions.loc[regions["level"] == "prefecture", "code"])]
        change_pref = dm.population_change(totals_pref, base_year, end_year)
    else:  # the province measures only: no prefecture units
        pref_codes, net_pref = [], net_prov.iloc[0:0]
        change_pref = dm.population_change(totals_prov, base_year, end_year).iloc[0:0]
    return Outflow(
        base_year=int(base_year),
        end_year=int(end_year),
        regions=regions,
        provinces=provinces,
        net_prov=net_prov,
        children_prov=children_prov,
        residual=residual,
        summary_prov=dm.summarise_net_migration(net_prov, residual),
        change_prov=dm.population_change(totals_prov, base_year, end_year),
        net_pref=net_pref,
        pref_codes=pref_codes,
        summary_pref=dm.summarise_net_migration(net_pref),
        change_pref=change_pref,
        indicators=data.load_census_indicators(raw_dir=raw_dir),
        boundaries=data.load_boundaries("prefecture", raw_dir=raw_dir),
        region=codes,
        region_name=name,
    )


def _region(region) -> tuple[str, tuple[str, ...]]:
    if region is None:
        return SEED_PAPER_REGION, NORTHEAST
    if isinstance(region, dict):
        return str(region["name"]), tuple(str(c) for c in region["provinces"])
    return str(region.name), tuple(region.provinces)


def paper_applies(o: Outflow) -> bool:
    """Whether the paper's "821万" (a claim about the Northeast three) is the study region's to check."""
    return sorted(o.region) == sorted(STUDY_REGIONS[SEED_PAPER_REGION])


def survival_ratios(o: Outflow) -> pd.DataFrame:
    """The national cohort survival ratios: end-year age group × sex."""
    ratios = o.net_prov.drop_duplicates(["sex", "age_group"]).pivot(
        index="age_group", columns="sex", values="survival_ratio"
    )
    ratios.index = ratios.index.astype(str)
    return ratios


def province_table(o: Outflow) -> pd.DataFrame:
    """One row per province: change and net migration, sorted by net migration rate."""
    regions = o.regions.set_index("code")
    return (
        o.summary_prov.merge(o.change_prov, on="code")
        .assign(name_zh=lambda d: d["code"].map(o.names), region=lambda d: d["code"].map(regions["region"]))
        .sort_values("net_migration_rate", ignore_index=True)
    )


def focus_provinces(o: Outflow, highlight_regions) -> list[str]:
    """The provinces of the highlighted regions (a prefecture counts for its province)."""
    return sorted({c if c in o.provinces else o.province_of[c] for c in highlight_regions})


def region_prefectures(o: Outflow) -> pd.DataFrame:
    """The study region's prefectures: change and net migration, ordered by province then change."""
    province_of = o.province_of
    ne = list(o.region)
    return (
        o.change_pref[o.change_pref["code"].map(province_of).isin(ne)]
        .merge(o.summary_pref, on="code", how="left")
        .assign(
            name_zh=lambda d: d["code"].map(o.names),
            province=lambda d: d["code"].map(province_of).map(o.names),
            province_order=lambda d: d["code"].map(province_of).map(ne.index),
        )
        .sort_values(["province_order", "population_change_pct"], ignore_index=True)
        .drop(columns="province_order")
    )


def _region_rows(o: Outflow, total_label: str):
    ne = list(o.region)
    return [*[(c, o.names[c], [c]) for c in ne], (NE_KEY, total_label, ne)]


def methods_comparison(o: Outflow, total_label: str = "东北三省") -> pd.DataFrame:
    """Residual vs survival-ratio net migration for each province of the study region and the total
    (labelled ``total_label``: what the prose calls the provinces together)."""
    rows = []
    residual = o.residual.set_index("code")
    child = o.child_by_code
    for c, label, codes in _region_rows(o, total_label):
        r = residual.loc[codes].sum()
        sr10 = o.net_prov.loc[o.net_prov["code"].isin(codes), "net_migration"].sum()
        kids = child[codes].sum()
        rows.append(
            {
                "code": c,
                "name_zh": label,
                "census_change": r["census_change"],
                "natural_increase": r["natural_increase"],
                "residual_net_migration": r["net_migration"],
                "net_migration_10plus": sr10,
                "child_net_migration": kids,
                "net_migration_all_ages": sr10 + kids,
                "difference": r["net_migration"] - (sr10 + kids),
            }
        )
    return pd.DataFrame(rows)


def paper_reconciliation(o: Outflow, methods: pd.DataFrame) -> pd.DataFrame:
    """The paper's figures beside the census measures, all as positive outflows."""
    m = methods.set_index("code")
    inmig = o.inmigrants
    rows = []
    for c, label, codes in _region_rows(o, "东北三省"):  # the paper's claim: the Northeast three only
        mm = m.loc[c]
        stock = inmig.loc[codes].sum()
        rows.append(
            {
                "code": c,
                "name_zh": label,
                "paper_outflow": sum(PAPER_CLAIM[x] for x in codes),
                "census_decline": -mm["census_change"],
                "net_outflow_10plus": -mm["net_migration_10plus"],
                "net_outflow_all_ages": -mm["net_migration_all_ages"],
                "residual_net_outflow": -mm["residual_net_migration"],
                "inmigrants_base": stock.get(o.base_year, float("nan")),
                "inmigrants_end": stock.get(o.end_year, float("nan")),
            }
        )
    recon = pd.DataFrame(rows)
    recon["paper_to_net_outflow"] = recon["paper_outflow"] / recon["net_outflow_all_ages"]
    return recon
