"""Data: the shipped extracts, validated on load, with their provenance.

Owns the file names (:mod:`.files`), the indicator registry (:mod:`.indicators`),
the schemas and checks (:mod:`.schemas`), the loaders (:mod:`.load`, re-exported
here: ``data.load_population(...)``), ``make data`` (:mod:`.make`), the provenance
record ``data/datapackage.json`` (:mod:`.provenance`, :mod:`.record`), the inputs the chosen years need and the optional parts
of the report they allow (:mod:`.preflight`, ``data.availability``), the user importer
(:mod:`.importer`, ``make import``) and, for developers, the extraction from
``../shared/sources`` (:mod:`.extract`), which both read census yearbook tables with
:mod:`.yearbook`. Imports
only the top-level modules (paths, reference, atomic); nothing here imports
analysis, outputs, pipeline or render.
"""

from neoutflow.data.load import (
    AGE_GROUPS,
    NATIONAL_CODE,
    NORTHEAST,
    DataValidationError,
    cross_checks,
    load_basemap,
    load_birthplace_flows,
    load_boundaries,
    load_census_indicators,
    load_census_totals,
    load_life_expectancy,
    load_panel,
    load_population,
    load_prefecture_series,
    load_projection_benchmarks,
    load_province_series,
    load_regions,
    validate_all,
)

__all__ = [
    "availability",
    "AGE_GROUPS",
    "NATIONAL_CODE",
    "NORTHEAST",
    "DataValidationError",
    "cross_checks",
    "load_birthplace_flows",
    "load_life_expectancy",
    "load_projection_benchmarks",
    "load_basemap",
    "load_boundaries",
    "load_census_indicators",
    "load_census_totals",
    "load_panel",
    "load_population",
    "load_prefecture_series",
    "load_province_series",
    "load_regions",
    "validate_all",
]


def availability(base_year: int, end_year: int, raw_dir=None, region=None):
    """The optional parts of the report and what each lacks (:func:`neoutflow.data.preflight.availability`);
    with ``region`` (the study region, ``{name, provinces}``), also the parts the region cannot have."""
    from neoutflow.data import preflight  # not at import: ``python -m neoutflow.data.preflight`` runs it as __main__

    return preflight.availability(base_year, end_year, raw_dir, region=region)
