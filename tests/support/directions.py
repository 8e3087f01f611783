"""The direction words the report quotes and the values they speak of, re-derived from the results.

Each word key maps to its kind (:data:`neoutflow.outputs.claims.DIRECTION_WORDS`) and the pairs ``(later,
earlier)`` of result keys whose differences set it. Used on the shipped build and on the rerun with a
synthetic census, whose made-up vital rates move the other way, so both directions are exercised.
"""

from __future__ import annotations

from neoutflow.outputs.claims import direction_word
from neoutflow.reference import PROVINCE_KEYS

DIRECTIONS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "outflow.ne_population_direction": ("to", [("outflow.ne_population_end", "outflow.ne_population_base")]),
    "outflow.ne_population_change_word": ("change", [("outflow.ne_population_end", "outflow.ne_population_base")]),
    "outflow.ne_inmigrants_compare": (
        "compare",
        [("outflow.ne_inmigrants_other_province_end", "outflow.ne_inmigrants_other_province_base")],
    ),
    "projection.base_ne_total_direction": (
        "change_to",
        [("projection.base_ne_end_total", "projection.ne_total_start")],
    ),
    "projection.base_ne_young_direction": (
        "change_to",
        [("projection.base_ne_end_young", "projection.ne_young_start")],
    ),
    "projection.base_ne_old_age_dependency_direction": (
        "to",
        [("projection.base_ne_end_old_age_dependency", "projection.ne_old_age_dependency_start")],
    ),
    "flows.region_within_trend": ("to", [("flows.region_within_share_2010", "flows.region_within_share_2000")]),
    "flows.region_outside_trend": ("change_to", [("flows.region_outside_2010", "flows.region_outside_2000")]),
    "flows.inflow_trend": ("change", [("flows.inflow_2010", "flows.inflow_2000")]),
}


def region_directions(results: dict[str, dict]) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """The words compared over the study region's provinces: those whose keys the results hold (any region)."""

    def keys(template: str) -> list[str]:
        return [k for k in PROVINCE_KEYS.values() if template.format(k) in results]

    out = {
        f"outflow.{ind}_direction": (
            "to",
            [(f"outflow.{s}_{ind}_last", f"outflow.{s}_{ind}_first") for s in keys("outflow.{}_" + ind + "_last")],
        )
        for ind in ("birth_rate", "death_rate")
    }
    out["projection.e0_check_word"] = (
        "compare",
        [
            (f"projection.e0_{s}_{x}", f"projection.e0exp_{s}_{x}")
            for s in keys("projection.e0_{}_male")
            for x in ("male", "female")
        ],
    )
    return {k: v for k, v in out.items() if k in results and v[1]}


def wrong_directions(results: dict[str, dict]) -> list[str]:
    """Words in ``results`` (``{"notebook.key": {value, display, …}}``) that their values' signs contradict.
    A word that is not recorded (its part of the report left out) is not checked; a recorded word whose
    values are not is reported."""
    bad = []
    for key, (kind, pairs) in (DIRECTIONS | region_directions(results)).items():
        if key not in results:
            continue
        absent = [k for pair in pairs for k in pair if k not in results]
        if absent:
            bad.append(f"{key}: its values are not recorded: {absent}")
            continue
        expected = direction_word([results[a]["value"] - results[b]["value"] for a, b in pairs], kind)
        if results[key]["display"] != expected:
            bad.append(f"{key}: {results[key]['display']!r}, but the values give {expected!r}")
    return bad
