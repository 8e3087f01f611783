"""Preflight: every input the chosen years need, and ALL that are missing, before any notebook runs.

Usage: ``python -m neoutflow.data.preflight [key=value ...]`` (``make check-inputs PARAMS="end_year=2030"``;
``make report`` runs it before the notebooks). The parameters are those of ``params.yaml`` with the
overrides given. Each input is listed by file, level (province/prefecture), indicator and years, with the
notebooks that read it; the exit status is 1 if an input is missing, and every missing one is
named at once (instead of the first error a notebook would meet). Nothing is validated here beyond
presence: ``make data`` checks the values.

Some inputs are optional: they belong to a *part* of the report (:data:`PARTS`, e.g. the prefecture
analyses) that can be left out. When one of them is missing the build goes on without that part; the
preflight says so, :func:`availability` tells the notebooks, and the report prints the reason
(:func:`omission_sentence`) where the part would have been. ``--write FILE`` records the availability of
each part (``make report`` writes ``build/availability.json``).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from neoutflow import atomic, paths
from neoutflow.data.files import RAW_FILES
from neoutflow.data.indicators import CENSUS, CENSUS_REGRESSORS, PREFECTURE_REGRESSORS, SERIES
from neoutflow.inputs import note_read, readers
from neoutflow.reference import AGE_GROUPS, PROVINCES, SEXES, has_prefecture_level, province_name

PREFLIGHT_COMMAND = "python -m neoutflow.data.preflight"
CELLS = len(SEXES) * len(AGE_GROUPS)  # sex × age-group rows of one unit-year in census_population

# The optional parts of the report: name -> what the report calls it (Chinese, in the omission sentence).
PARTS = {
    "prefecture": "地级单位的分析",
    "inmigrants": "省外流入人口的比较",
    "survey": "预测与 1% 人口抽样调查的比较",
}
# The 1% population sample survey falls midway between two censuses: the first one after a projection that
# starts at a census is at the end of its first five-year step (2025 after 2020).
SURVEY_AFTER_CENSUS = 5
# Notebooks that are nothing but one part: not run (and their outputs withdrawn) when it is unavailable.
NOTEBOOK_PARTS = {"04_prefecture_wages": "prefecture"}
# What the omission sentence calls each input file.
RESOURCE_ZH = {
    "census_population": "人口普查分性别、年龄人口",
    "census_totals": "人口普查常住人口总数",
    "census_indicators": "人口普查指标",
    "province_series": "分省年度数据",
}
LEVEL_ZH = {"province": "省级", "prefecture": "地级"}


@dataclass(frozen=True)
class Need:
    """One input: rows of ``resource`` at ``level`` (for ``indicator``) in each of ``years``.

    Which notebooks need it comes from :data:`neoutflow.inputs.NOTEBOOK_INPUTS` (the notebooks that read
    the file), narrowed by ``by`` where only some of them need these rows; ``by`` may only name readers.
    """

    resource: str
    level: str
    indicator: str | None
    years: tuple[int, ...]
    purpose: str = ""  # shown after the notebooks, e.g. "residual net migration"
    # province level: all 31 provinces (census_population: every sex × age cell); prefecture level: any unit
    part: str | None = None  # the optional part of the report it serves (PARTS); None: required
    by: tuple[str, ...] | None = None  # the readers that need these rows (None: every reader of the file)

    def __post_init__(self):
        file = RAW_FILES[self.resource]
        strays = sorted(set(self.by or ()) - set(readers(file)))
        if strays:
            raise ValueError(
                f"preflight: {', '.join(strays)} need {file} but neoutflow.inputs.NOTEBOOK_INPUTS does not declare it"
            )

    @property
    def needed_by(self) -> str:
        names = self.by if self.by is not None else readers(RAW_FILES[self.resource])
        return ", ".join(names) + (f" ({self.purpose})" if self.purpose else "")

    @property
    def what(self) -> str:
        return self.indicator or ("population by sex and age" if self.resource == "census_population" else "population")


@dataclass
class Missing:
    need: Need
    years: list[int]
    detail: str

    def line(self) -> str:
        n = self.need
        return (
            f"{RAW_FILES[n.resource]}, {n.level}, {n.what}, {span(self.years)}: {self.detail} (needed by {n.needed_by})"
        )


def span(years: list[int]) -> str:
    years = sorted(years)
    if not years:
        return ""
    runs, start, prev = [], years[0], years[0]
    for y in years[1:] + [None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        runs.append(f"{start}" if start == prev else f"{start}–{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(runs)


def needs(p) -> list[Need]:
    """The inputs the notebooks read for parameters ``p`` (a :class:`neoutflow.params.Params`)."""
    return census_needs(p.base_year, p.end_year) + projection_needs(p)


def census_needs(base_year: int, end_year: int) -> list[Need]:
    """The inputs of the census interval ``base_year``–``end_year`` (outflow, determinants, checks)."""
    b, e = int(base_year), int(end_year)
    censuses = (b, e)
    nb01, nb02, nb03, nb04 = "01_outflow", "02_determinants", "03_migration_checks", "04_prefecture_wages"
    residual = "residual net migration"
    out = [
        Need("census_population", "province", None, censuses, by=(nb01, nb02, nb03)),
        Need("census_population", "prefecture", None, censuses, part="prefecture", by=(nb01, nb02, nb04)),
        Need("census_totals", "province", None, censuses, by=(nb01, nb02)),
        Need("census_totals", "prefecture", None, censuses, part="prefecture", by=(nb01, nb04)),
        Need("province_series", "province", "natural_growth_rate", tuple(range(b, e + 1)), residual, by=(nb01, nb02)),
        Need(
            "province_series", "province", "yearend_population", tuple(range(b - 1, e + 1)), residual, by=(nb01, nb02)
        ),
        Need("province_series", "province", "death_rate", tuple(range(b, e + 1)), by=(nb03,)),
    ]
    out += [
        Need("census_indicators", "province", ind, (b,), f"regressors, base year {b}", by=(nb02,))
        for ind in CENSUS_REGRESSORS
    ]
    out += [
        Need("census_indicators", "prefecture", ind, (b,), "regressors", part="prefecture", by=(nb02, nb04))
        for ind in PREFECTURE_REGRESSORS
    ]
    out.append(
        Need(
            "census_indicators",
            "province",
            "inmigrants_other_province",
            censuses,
            "in-migrants from other provinces, quoted in the report",
            part="inmigrants",
            by=(nb01,),
        )
    )
    return out


def survey_year(projection_start_year: int) -> int:
    """The 1% sample survey the projection's first step ends at (2025 for a projection from 2020)."""
    return int(projection_start_year) + SURVEY_AFTER_CENSUS


def survey_needs(projection_start_year: int) -> list[Need]:
    """The survey's province totals: awaited rather than missing (the report says the comparison appears once
    they are imported), so only :func:`availability` looks for them, not the preflight's list of needs."""
    year = survey_year(projection_start_year)
    purpose = f"the {year} 1% sample survey, compared with the projection"
    return [Need("census_totals", "province", None, (year,), purpose, part="survey", by=("06_projection",))]


def projection_needs(p) -> list[Need]:
    """The inputs of the projection (its start year and the years its rates are calibrated on)."""
    s = int(p.projection_start_year)
    first, last = (int(y) for y in p.projection_birth_rate_years)
    rates = tuple(range(first, last + 1))
    nb06 = ("06_projection",)
    mortality = tuple(range(int(p.projection_mortality_years[0]), int(p.projection_mortality_years[1]) + 1))
    fit = tuple(range(int(p.projection_fit_years[0]), int(p.projection_fit_years[1]) + 1))
    return [
        Need("census_population", "province", None, (s,), "start population", by=nb06),
        Need("census_totals", "province", None, (s,), by=nb06),
        Need("province_series", "province", "birth_rate", rates, "fertility", by=nb06),
        Need("province_series", "province", "natural_growth_rate", rates, "calibration", by=nb06),
        Need("province_series", "province", "death_rate", mortality, "life tables", by=nb06),
        Need("province_series", "province", "yearend_population", fit, "migration intensity", by=nb06),
    ]


def _read(raw_dir: Path, resource: str) -> pd.DataFrame | None:
    path = Path(raw_dir) / RAW_FILES[resource]
    if Path(raw_dir).resolve() == paths.RAW.resolve():
        note_read(RAW_FILES[resource])
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype={"code": str}, keep_default_na=False, encoding_errors="replace")


def check(p, raw_dir: Path | None = None, all_needs: list[Need] | None = None) -> tuple[list[Need], list[Missing]]:
    """(every input, those missing), for parameters ``p`` or the given ``all_needs``."""
    raw_dir = Path(raw_dir or paths.RAW)
    tables = {}
    levels = {}
    regions = _read(raw_dir, "regions")
    if regions is not None:
        levels = dict(zip(regions["code"], regions["level"], strict=False))
    missing: list[Missing] = []
    all_needs = needs(p) if all_needs is None else all_needs
    provinces = sorted(PROVINCES)
    for n in all_needs:
        if n.resource not in tables:
            tables[n.resource] = _read(raw_dir, n.resource)
        df = tables[n.resource]
        if df is None:
            missing.append(Missing(n, list(n.years), "the file is missing"))
            continue
        sub = df[df["code"].map(levels).eq(n.level)] if levels else df.iloc[0:0]
        if n.indicator is not None and "indicator" in sub.columns:
            sub = sub[sub["indicator"] == n.indicator]
        present_years = sorted(int(y) for y in pd.to_numeric(sub["year"], errors="coerce").dropna().unique())
        sub = sub.assign(year=pd.to_numeric(sub["year"], errors="coerce"))
        per = sub.groupby(["year", "code"]).size()
        if n.level == "province":
            lacking: dict[tuple[str, ...], list[int]] = {}
            for y in n.years:
                have = per.loc[y] if y in per.index.get_level_values("year") else pd.Series(dtype=int)
                full = CELLS if n.resource == "census_population" else 1
                absent = tuple(c for c in provinces if have.get(c, 0) < full)
                if absent:
                    lacking.setdefault(absent, []).append(y)
            for absent, years in lacking.items():
                if len(absent) == len(provinces):
                    detail = "no rows" + (f" (years present: {span(present_years)})" if present_years else "")
                else:
                    detail = f"missing for {len(absent)} of 31 provinces ({', '.join(absent[:6])}{' …' if len(absent) > 6 else ''})"
                missing.append(Missing(n, years, detail))
        else:
            years = [y for y in n.years if y not in present_years]
            if years:
                detail = "no rows" + (f" (years present: {span(present_years)})" if present_years else "")
                missing.append(Missing(n, years, detail))
    return all_needs, missing


@dataclass
class Part:
    """Whether an optional part of the report has its inputs, and if not, which are missing."""

    name: str
    missing: list[Missing] = field(default_factory=list)
    # why the study region has no such part whatever the data (a region of municipalities has no
    # prefecture level): the sentence printed in its place; empty when the region allows the part
    unsupported: str = ""

    @property
    def available(self) -> bool:
        return not self.missing and not self.unsupported

    def reason(self) -> str:
        """The sentence the report prints in place of the part (empty when it is available)."""
        if self.unsupported:
            return self.unsupported
        return omission_sentence(self) if self.missing else ""


def region_sentence(part: str, region) -> str:
    """Why ``region`` (``{name, provinces}`` or a ``StudyRegion``) has no ``part`` whatever the data, or ``""``:
    a region of municipalities (one prefecture-level unit each) has no prefecture level to compare."""
    if region is None or part != "prefecture":
        return ""
    name, codes = (region["name"], region["provinces"]) if isinstance(region, dict) else (region.name, region.provinces)
    if has_prefecture_level(codes):
        return ""
    names = "、".join(province_name(c) for c in codes)
    one = "是直辖市，只有一个地级单位" if len(codes) == 1 else "都是直辖市，各自只有一个地级单位"
    return f"本报告未包含{PARTS[part]}：研究地区{name}的{names}{one}，地级单位之间的比较无从谈起。"


def omission_sentence(part: Part) -> str:
    """``本报告未包含地级单位的分析：数据中缺少 2030 年地级人口普查分性别、年龄人口（census_population.csv）……``"""
    items = []
    for m in part.missing:
        n = m.need
        label = {**CENSUS, **SERIES}[n.indicator].label_zh if n.indicator else ""
        what = RESOURCE_ZH[n.resource] + (f"“{label}”" if label else "")
        items.append(f"{span(m.years)} 年{LEVEL_ZH[n.level]}{what}（{RAW_FILES[n.resource]}）")
    items = list(dict.fromkeys(items))
    return (
        f"本报告未包含{PARTS[part.name]}：数据中缺少 "
        + "、".join(items)
        + "。补齐这些数据后重新运行 make report 即可包含这部分。"
    )


def availability(
    base_year: int,
    end_year: int,
    raw_dir: Path | None = None,
    projection_start_year: int | None = None,
    region=None,
) -> dict[str, Part]:
    """Each optional part of the report (:data:`PARTS`) for the census interval and the projection (which
    starts at ``end_year`` unless ``projection_start_year`` is given), with what it lacks; with ``region``
    (the study region, ``{name, provinces}``), also the parts the region itself cannot have."""
    start = end_year if projection_start_year is None else projection_start_year
    optional = [n for n in census_needs(base_year, end_year) if n.part] + survey_needs(start)
    _, missing = check(None, raw_dir, optional)
    return {
        name: Part(name, [m for m in missing if m.need.part == name], region_sentence(name, region)) for name in PARTS
    }


def write_availability(parts: dict[str, Part], target: Path) -> Path:
    record = {name: {"available": pt.available, "reason": pt.reason()} for name, pt in parts.items()}
    atomic.write_text(Path(target), json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return Path(target)


def report(p, raw_dir: Path | None = None) -> tuple[int, str]:
    all_needs, missing = check(p, raw_dir)
    required = [m for m in missing if m.need.part is None]
    optional = [m for m in missing if m.need.part is not None]
    head = f"inputs for base_year={p.base_year}, end_year={p.end_year} (projection from {p.projection_start_year}):"
    lines = [head, f"  {len(all_needs)} inputs checked in data/raw/"]
    if not missing:
        lines.append("  all present")
        return 0, "\n".join(lines)
    if optional:
        left_out = ", ".join(dict.fromkeys(PARTS[m.need.part] for m in optional))
        lines.append(f"  OPTIONAL, MISSING ({len(optional)}; the report leaves out: {left_out}):")
        lines += [f"  - {m.line()}" for m in optional]
    if required:
        lines.append(f"  MISSING ({len(required)}):")
        lines += [f"  - {m.line()}" for m in required]
    lines.append(
        "  Add them with `make import FILE=<official table>` (see 'Updating the data' in README.md), "
        'or choose years the data have, e.g. make report PARAMS="end_year=2020".'
    )
    return (1 if required else 0), "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from neoutflow import params as params_mod

    argv = sys.argv[1:] if argv is None else argv
    raw_dir = write = None
    while argv and argv[0].startswith(("--raw-dir=", "--write=")):
        flag, value = argv[0].split("=", 1)
        raw_dir, write = (Path(value), write) if flag == "--raw-dir" else (raw_dir, Path(value))
        argv = argv[1:]
    try:
        p = params_mod.load(overrides=params_mod.parse_overrides(argv))
    except params_mod.ParamsError as exc:
        print(f"preflight: {exc}", file=sys.stderr)
        return 2
    rc, text = report(p, raw_dir)
    print(text, file=sys.stderr if rc else sys.stdout)
    if rc == 0 and write is not None:
        write_availability(
            availability(p.base_year, p.end_year, raw_dir, p.projection_start_year, p.study_region), write
        )
    return rc


if __name__ == "__main__":
    sys.exit(main())
