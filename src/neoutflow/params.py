"""The project's single parameter file, read and validated in one place.

``params.yaml`` at the project root holds the defaults; the Makefile passes
them to papermill, and a user may override any of them on the command line
(``make report PARAMS="end_year=2030"``). Unknown or mistyped keys and values
of the wrong type are rejected with a message naming the key.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from neoutflow import atomic, paths
from neoutflow.reference import (
    DEFAULT_STUDY_REGION,
    LEVELS,
    MAIN_REGRESSOR_SETS,
    NORTHEAST,
    OUTCOMES,
    PROVINCE_COV_TYPES,
    PROVINCES,
    REGRESSOR_SETS,
    REPORTED_TERMS,
    STUDY_REGIONS,
    has_prefecture_level,
    province_key,
    province_name,
    province_of,
)


class StudyRegion(BaseModel):
    """The region the report is about: a name and its provinces (GB/T 2260 codes).

    Given as a preset's name (``study_region=西北``, see :data:`neoutflow.reference.STUDY_REGIONS`), in full
    (``study_region: {name: 京津沪, provinces: [110000, 120000, 310000]}`` in params.yaml) or, on the command
    line where spaces and braces would be split by the shell, as ``study_region=京津沪:110000,120000,310000``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    provinces: list[str]

    @model_validator(mode="before")
    @classmethod
    def _preset(cls, value):
        if isinstance(value, str) and ":" in value:  # the command line's form: 京津沪:110000,120000,310000
            name, codes = value.split(":", 1)
            return {"name": name, "provinces": [c.strip() for c in codes.split(",") if c.strip()]}
        if isinstance(value, str):
            if value not in STUDY_REGIONS:
                raise ValueError(
                    f"unknown study region {value!r}; presets: {', '.join(STUDY_REGIONS)}; or a region of your "
                    "own as name:code,code,... (京津沪:110000,120000,310000)"
                )
            return {"name": value, "provinces": list(STUDY_REGIONS[value])}
        return value

    @field_validator("provinces", mode="before")
    @classmethod
    def _codes_as_text(cls, codes):
        return [str(c) for c in codes] if isinstance(codes, list) else codes

    @field_validator("provinces")
    @classmethod
    def _province_codes(cls, codes: list[str]) -> list[str]:
        if not codes:
            raise ValueError("name at least one province")
        for code in codes:
            _check_code(code)
            if province_of(code) != code:
                raise ValueError(f"{code!r} is not a province code (xx0000)")
            if code not in PROVINCES:
                raise ValueError(f"{code!r} is not one of the {len(PROVINCES)} provinces the data hold")
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise ValueError(f"provinces {repeated} are listed more than once")
        if len(codes) == len(PROVINCES):
            raise ValueError(
                "a study region of every province leaves none to compare it with (the ranking, the models' "
                "region dummies and the flows contrast the region with the rest of the country)"
            )
        return codes

    @field_validator("name")
    @classmethod
    def _a_name(cls, name: str) -> str:
        name = name.strip()
        if not name:
            raise ValueError("give the study region a name (it is the report's subject: 西北, 京津沪 …)")
        return name

    @model_validator(mode="after")
    def _a_preset_name_means_the_preset(self):
        preset = STUDY_REGIONS.get(self.name)
        if preset is not None and sorted(preset) != sorted(self.provinces):
            raise ValueError(
                f"study region {self.name!r} is the preset ({', '.join(preset)}); a region of other provinces "
                f"({', '.join(self.provinces)}) needs a name of its own, e.g. "
                f"{{name: {''.join(province_name(c) for c in self.provinces)}, provinces: [...]}}"
            )
        return self

    # --- the region-neutral view the notebooks and outputs read -----------------------------------
    @property
    def names(self) -> list[str]:
        """The provinces' short Chinese names, in the region's order (西北: 陕西, 甘肃, 青海, 宁夏, 新疆)."""
        return [province_name(c) for c in self.provinces]

    @property
    def keys(self) -> list[str]:
        """The provinces' results keys (``shaanxi``, ``gansu`` …), in the region's order."""
        return [province_key(c) for c in self.provinces]

    @property
    def has_prefectures(self) -> bool:
        """False for a region of municipalities (one prefecture-level unit each): no prefecture parts."""
        return has_prefecture_level(self.provinces)

    @property
    def is_seed_region(self) -> bool:
        """Whether this is the region of the seed paper's argument (the Northeast three)."""
        return sorted(self.provinces) == sorted(NORTHEAST)


def _default_study_region() -> StudyRegion:
    return StudyRegion.model_validate(DEFAULT_STUDY_REGION)


class Params(BaseModel):
    """Every parameter the notebooks accept, with its type and allowed values.

    Allowed values come from the vocabularies in :mod:`neoutflow.reference`, so a
    new outcome or regressor set is defined once. A test checks that every name a
    notebook's ``parameters`` cell declares (besides ``output_dir``) is a field here.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_year: int = Field(2010, ge=1950, le=2100, description="first census year")
    end_year: int = Field(2020, ge=1950, le=2100, description="second census year")
    level: Literal[LEVELS] = Field("province", description="geographic level of the outflow ranking and age figures")
    study_region: StudyRegion = Field(
        default_factory=_default_study_region,
        description="the region the report is about: a preset name (东北, 西北, 西南, 中部, 长三角) or {name, provinces}",
    )
    highlight_regions: list[str] = Field(
        default_factory=lambda: list(NORTHEAST),
        description="GB/T 2260 codes drawn out in figures (null or absent: the study region's provinces)",
    )
    pyramid_region: str | None = Field(
        None,
        description=(
            "region of the population pyramid (a GB/T 2260 code), drawn alone when set; "
            "None: one pyramid per province of highlight_regions, side by side"
        ),
    )
    outcome: Literal[OUTCOMES] = Field("net_migration_rate", description="outcome of the province regressions")
    regressors: Literal[tuple(REGRESSOR_SETS)] = Field(
        "baseline", description="regressor set of the province regressions"
    )
    cov_type: Literal[PROVINCE_COV_TYPES] = Field("HC3", description="covariance of the province regressions")
    bootstrap_reps: int = Field(9999, ge=0, le=100_000)
    seed: int = 20201101
    # Cohort-component projection (notebooks/06_projection.ipynb; src/neoutflow/analysis/projection.py).
    projection_start_year: int = Field(2020, ge=2010, le=2100, description="census year the projection starts from")
    projection_end_year: int = Field(2035, ge=2015, le=2150, description="last projection year (5-year steps)")
    projection_birth_rate_years: list[int] = Field(
        default_factory=lambda: [2021, 2023],
        description="first and last year of the crude birth rates the TFR is calibrated to",
    )
    projection_mortality_years: list[int] = Field(
        default_factory=lambda: [2021, 2023],
        description="first and last year of the registered deaths the life tables are fitted to",
    )
    projection_fit_years: list[int] = Field(
        default_factory=lambda: [2021, 2024],
        description="year ends the migration intensity is fitted to (published run)",
    )
    projection_test_last_fit_year: int = Field(
        2022, ge=2011, le=2150, description="out-of-sample test: fit up to this year, test on the later fit years"
    )
    projection_old_age: Literal["benchmark", "observed"] = Field(
        "benchmark",
        description="migration at 40+: the net-migration chapter's expected schedule (Rogers-Castro fitted to the "
        "out-migration provinces, scaled by the province's own 20-39 loss; that chapter's ruling) or the province's "
        "own 2010-2020 rate (the variant)",
    )
    projection_draws: int = Field(1000, ge=10, le=100_000, description="Monte Carlo trajectories")
    projection_lever_phase: list[int] = Field(
        default_factory=lambda: [2025, 2030], description="migration levers phase in linearly between these years"
    )
    projection_retention_share: float = Field(
        0.30, ge=0, le=1, description="youth retention: share of net out-migration at projection_retention_ages removed"
    )
    projection_retention_ages: list[int] = Field(
        default_factory=lambda: [20, 34], description="ages of the youth retention lever"
    )
    projection_tfr_increase: float = Field(0.2, ge=0, le=1.5, description="births: TFR increase reached by the target")
    projection_tfr_target_year: int = Field(2030, ge=2010, le=2150, description="year the TFR increase is reached")

    @model_validator(mode="before")
    @classmethod
    def _highlight_the_region_by_default(cls, values):
        # highlight_regions null (params.yaml) or absent: every province of the study region
        if isinstance(values, dict) and values.get("highlight_regions") is None:
            region = values.get("study_region", DEFAULT_STUDY_REGION)
            if not isinstance(region, StudyRegion):
                try:
                    region = StudyRegion.model_validate(region)
                except ValidationError:  # the field's own check reports the region, alone
                    return {k: v for k, v in values.items() if k != "highlight_regions"}
            values = {**values, "highlight_regions": list(region.provinces)}
        return values

    @field_validator("highlight_regions", mode="before")
    @classmethod
    def _codes_as_text(cls, codes):
        # `PARAMS="highlight_regions=[220000]"` arrives as YAML integers
        if isinstance(codes, (str, int)):
            codes = [codes]
        return [str(c) for c in codes] if isinstance(codes, list) else codes

    @field_validator("pyramid_region", mode="before")
    @classmethod
    def _code_as_text(cls, code):
        return None if code is None else str(code)

    @field_validator("highlight_regions")
    @classmethod
    def _six_digit_codes(cls, codes: list[str]) -> list[str]:
        for code in codes:
            _check_code(code)
        if not codes:
            raise ValueError("name at least one region")
        return codes

    @model_validator(mode="after")
    def _consistent(self):
        gap = self.end_year - self.base_year
        if gap <= 0 or gap % 5:
            raise ValueError(
                f"end_year - base_year must be a positive multiple of 5 (five-year age groups move up one group "
                f"per five years); got {self.base_year}..{self.end_year}"
            )
        span = self.projection_end_year - self.projection_start_year
        if span <= 0 or span % 5 or span > 50:
            raise ValueError(
                "projection_end_year - projection_start_year must be a positive multiple of 5 years, at most 50; "
                f"got {self.projection_start_year}..{self.projection_end_year}"
            )
        if self.projection_start_year % 10:
            raise ValueError(
                f"projection_start_year must be a census year (a multiple of 10); got {self.projection_start_year}"
            )
        years = self.projection_birth_rate_years
        if len(years) != 2 or years[0] > years[1]:
            raise ValueError(f"projection_birth_rate_years must be [first, last] with first <= last; got {years}")
        if self.projection_tfr_target_year <= self.projection_start_year:
            raise ValueError("projection_tfr_target_year must come after projection_start_year")
        if self.pyramid_region is not None:  # None: the highlighted provinces as small multiples
            _check_code(self.pyramid_region)
        if self.regressors not in MAIN_REGRESSOR_SETS:
            raise ValueError(
                f"regressors={self.regressors!r} cannot be the report's main model: the chapters quote its "
                f"coefficients on {', '.join(REPORTED_TERMS)}, and this set lacks "
                f"{', '.join(sorted(set(REPORTED_TERMS) - set(REGRESSOR_SETS[self.regressors])))}; allowed: "
                f"{', '.join(MAIN_REGRESSOR_SETS)} (every set is estimated and tabulated whichever is the main model)"
            )
        outside = [c for c in self.highlight_regions if province_of(c) not in self.study_region.provinces]
        if outside:
            raise ValueError(
                f"highlight_regions {outside} lie outside study_region {self.study_region.name!r}: highlight any of "
                f"its provinces ({', '.join(self.study_region.provinces)}) or their prefectures"
            )
        return self


def _check_code(code: str) -> None:
    if not (len(code) == 6 and code.isdigit()):
        raise ValueError(f"{code!r} is not a six-digit GB/T 2260 code")


class ParamsError(ValueError):
    """Raised for a parameter file or override that does not fit ``Params``."""


OVERRIDE_ORIGIN = "the overrides (PARAMS=... or key=value on the command line)"


def _explain(err: ValidationError, origin: str, overridden: set | frozenset = frozenset()) -> str:
    def origin_of(key: str) -> str:
        if key in overridden:
            return OVERRIDE_ORIGIN
        return f"{origin} with {OVERRIDE_ORIGIN}" if not key and overridden else origin

    keys = [str(e["loc"][0]) if e["loc"] else "" for e in err.errors()]
    origins = sorted({origin_of(k) for k in keys})
    lines = [f"invalid parameters in {' and '.join(origins)}:"]
    for e, first in zip(err.errors(), keys):
        key = ".".join(str(p) for p in e["loc"]) or "(file)"
        where = f" [from {origin_of(first)}]" if len(origins) > 1 else ""
        if e["type"] == "extra_forbidden":
            lines.append(f"  - unknown parameter {key!r}{where}; known: {', '.join(Params.model_fields)}")
        elif not e["loc"]:  # a check across parameters: the whole input would say nothing
            lines.append(f"  - {str(e['msg']).removeprefix('Value error, ')}{where}")
        else:
            lines.append(f"  - {key}: {e['msg']} (got {e.get('input')!r}){where}")
    return "\n".join(lines)


def load(path: Path | None = None, overrides: dict | None = None) -> Params:
    """Read ``params.yaml`` (or ``path``), apply ``overrides``, validate."""
    path = path or paths.PARAMS_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ParamsError(f"{path}: expected a mapping of parameter: value")
    raw.update(overrides or {})
    overridden = set(overrides or {})
    try:
        return Params(**raw)
    except ValidationError as exc:
        raise ParamsError(_explain(exc, str(path), overridden)) from None
    except ValueError as exc:
        origin = f"{path} with {OVERRIDE_ORIGIN}" if overridden else str(path)
        raise ParamsError(f"invalid parameters in {origin}: {exc}") from None


def parse_overrides(pairs: list[str]) -> dict:
    """Turn ``key=value`` strings (values in YAML syntax) into a dict."""
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise ParamsError(f"override {pair!r} is not of the form key=value")
        key, value = pair.split("=", 1)
        out[key.strip()] = yaml.safe_load(value)
    return out


# papermill's answer per notebook content, so that make's parameter step (run on every
# build) does not import papermill when no notebook changed.
DECLARED_CACHE = paths.BUILD / "params" / ".declared.json"


def declared_parameters(notebook: Path) -> list[str]:
    """Names assigned in a notebook's cell tagged ``parameters`` (``papermill.inspect_notebook``)."""
    import hashlib

    digest = hashlib.sha256(Path(notebook).read_bytes()).hexdigest()
    try:
        cache = json.loads(DECLARED_CACHE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    if digest in cache:
        return list(cache[digest])
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    if not declared:
        raise ParamsError(f"{notebook}: no code cell tagged 'parameters'")
    cache[digest] = list(declared)
    try:
        atomic.write_text(DECLARED_CACHE, json.dumps(cache, indent=1, sort_keys=True) + "\n")
    except OSError:
        pass  # a read-only build folder: no cache, same answer
    return list(declared)


def notebook_values(params: Params, notebook: Path) -> dict:
    """The parameters in force that ``notebook`` declares (others are not passed)."""
    declared = set(declared_parameters(notebook))
    return {k: v for k, v in params.model_dump().items() if k in declared}


def write_if_changed(values: Params | dict, path: Path) -> bool:
    """Write parameters as JSON unless the file already holds the same; return True if written.

    Keeping the file's timestamp when nothing changed is what lets make skip the
    notebooks whose parameters did not change.
    """
    return atomic.write_text(path, params_text(values), if_changed=True)


def params_text(values: Params | dict) -> str:
    """The JSON text a parameter file holds (what :func:`write_if_changed` writes)."""
    if isinstance(values, Params):
        values = values.model_dump()
    return json.dumps(values, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def differs(values: Params | dict, path: Path) -> bool:
    """Whether :func:`write_if_changed` would write ``path`` (absent, or holding other parameters)."""
    try:
        return Path(path).read_text(encoding="utf-8") != params_text(values)
    except OSError:
        return True


def main(argv: list[str] | None = None) -> int:
    """``python -m neoutflow.params [--notebook NB] [--write PATH] [key=value ...]``.

    Validates ``params.yaml`` with the overrides; prints them as YAML, or with
    ``--write`` stores them as JSON (only when changed). With ``--notebook``,
    only the parameters that notebook declares are kept.
    """
    import argparse

    ap = argparse.ArgumentParser(prog="python -m neoutflow.params")
    ap.add_argument("--write", type=Path)
    ap.add_argument("--notebook", type=Path)
    ap.add_argument("overrides", nargs="*", help="key=value (YAML values)")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        p = load(overrides=parse_overrides(args.overrides))
        values = notebook_values(p, args.notebook) if args.notebook else p.model_dump()
    except ParamsError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.write is None:
        print(yaml.safe_dump(values, allow_unicode=True, sort_keys=True), end="")
    elif write_if_changed(values, args.write):
        print(f"==> parameters changed; wrote {args.write}")
    return 0


def load_json(path: Path | None = None) -> dict:
    """Read parameters the Makefile stored (``build/params.json`` or ``build/params/<nb>.json``)."""
    path = Path(path or paths.BUILD / "params.json")
    return json.loads(path.read_text(encoding="utf-8"))


if __name__ == "__main__":
    raise SystemExit(main())
