"""Magnitude checks for the paper's "821万" and for students in the young-adult cohorts.

**Registered minus resident (2010).** For a province ``P``, the household register counts
``R = H_PP + H_P·`` (registered in ``P``, living in ``P`` or in another province) and the census
resident population is ``C = H_PP + I_P + U_P`` (``I_P`` residents registered in another
province, ``U_P`` residents without a settled registration). Hence
``R − C = H_P· − I_P − U_P`` and the register-based stock of ``P``'s registered persons living in
other provinces is about ``H_P· ≈ (R − C) + I_P`` (``U_P`` ignored). Both terms carry errors the
census does not: registers keep persons who died or emigrated, and some people hold two
registrations; ``R`` is the 2010 census yearbook's 户籍人口 (a register count), ``I_P`` the census
count of residents registered in another province (``inmigrants_other_province``).

**Students.** Regular higher-education enrolment (counted where students study) per resident
aged 20–24 at the 2010 census: a province that hosts more students per young resident than
the nation enumerates, in its 2010 20–24 cohort, students from other provinces who may leave
after graduating; their departure shows up as net out-migration of the 2020 30–34 cohort.
"""

from __future__ import annotations

import pandas as pd

from neoutflow.analysis.demography import DemographyError


def data_year(frame: pd.DataFrame, indicator: str, year: int) -> int:
    """``year`` if ``frame`` (long: ``year, indicator``) has ``indicator`` then, else the latest earlier
    year it has: these checks describe the base census, and some indicators are published only for
    earlier censuses or end a year before it."""
    years = sorted(int(y) for y in frame.loc[frame["indicator"] == indicator, "year"].unique() if int(y) <= int(year))
    if not years:
        raise DemographyError(f"no {indicator} for {year} or earlier")
    return years[-1]


def registered_gap(indicators: pd.DataFrame, totals: pd.DataFrame, codes: list[str], year: int = 2010) -> pd.DataFrame:
    """Per code: ``registered, resident, gap = registered − resident, inmigrants, outstock = gap + inmigrants``.

    ``indicators``: long census indicators with ``registered_population`` and
    ``inmigrants_other_province``; ``totals``: census totals (``code, year, population``).
    """
    ind = indicators[indicators["year"] == int(year)].set_index(["code", "indicator"])["value"]
    tot = totals[totals["year"] == int(year)].set_index("code")["population"]
    rows = []
    for code in codes:
        need = [(code, "registered_population"), (code, "inmigrants_other_province")]
        if not all(k in ind.index for k in need) or code not in tot.index:
            raise DemographyError(f"{code} {year}: registered population, in-migrants or census total missing")
        reg, res, inm = float(ind[need[0]]), float(tot[code]), float(ind[need[1]])
        rows.append(
            {
                "code": code,
                "registered": reg,
                "resident": res,
                "gap": reg - res,
                "inmigrants": inm,
                "outstock": reg - res + inm,
            }
        )
    return pd.DataFrame(rows)


def student_density(
    enrolment: pd.DataFrame,
    population: pd.DataFrame,
    year: int,
    age_group: str = "20-24",
    enrolment_year: int | None = None,
) -> pd.DataFrame:
    """Per province and the nation (``"national"`` row = sum of provinces): enrolment, residents of
    ``age_group`` at the census of ``year`` and ``students_per_100`` = 100 × enrolment / residents.

    ``enrolment``: long series rows of ``higher_education_enrolment`` (year-end ``year``);
    ``population``: the provinces' census table.
    """
    ey = int(year if enrolment_year is None else enrolment_year)  # the series may end before the census
    e = enrolment[(enrolment["indicator"] == "higher_education_enrolment") & (enrolment["year"] == ey)]
    e = e.set_index("code")["value"].astype(float)
    p = population[(population["year"] == int(year)) & (population["age_group"].astype(str) == age_group)]
    p = p.groupby("code")["population"].sum().astype(float)
    common = e.index.intersection(p.index)
    if len(common) == 0:
        raise DemographyError(f"no province has both enrolment and a {age_group} census count in {year}")
    out = pd.DataFrame({"enrolment": e[common], "residents": p[common]})
    out.loc["national"] = out.sum()
    out["students_per_100"] = 100 * out["enrolment"] / out["residents"]
    return out.rename_axis("code").reset_index()


def excess_students(density: pd.DataFrame, codes: list[str]) -> float:
    """Students in ``codes`` beyond the national density: Σ (enrolment − national rate × residents).

    A rough upper bound on the net number of students from elsewhere in the group's cohort
    (the group's own students studying outside are already netted out of its enrolment)."""
    d = density.set_index("code")
    rate = d.loc["national", "enrolment"] / d.loc["national", "residents"]
    g = d.loc[codes]
    return float((g["enrolment"] - rate * g["residents"]).sum())
