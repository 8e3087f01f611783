"""Derived numbers (shares, ratios, differences) and the components they are computed from.

Every derived number the report quotes is registered in :data:`DERIVED` as
``"notebook.key": (formula, [component keys])``: the formula is a Python
expression over the components (named ``a``, ``b``, ``c`` … in order). The
recording code computes the value with :func:`record`, from the components
already recorded in the same :class:`~neoutflow.outputs.results.ResultSet`, so
a derived number can only be the one its components give; a test re-derives
every value from ``build/results`` and checks that each report paragraph quoting
a derived value also quotes its components.

The words for strength of evidence are chosen in :mod:`neoutflow.outputs.claims`.
"""

from __future__ import annotations

import re
import string

from neoutflow.reference import NORTHEAST_SLUGS

DERIVED: dict[str, tuple[str, list[str]]] = {
    # residual method − (survival ratio 10+ + children's rough estimate)
    "outflow.ne_net_migration_all_ages": (
        "a + b",
        ["outflow.ne_net_migration_10plus", "outflow.ne_child_net_migration"],
    ),
    "outflow.ne_methods_difference": (
        "a - b",
        ["outflow.ne_residual_net_migration", "outflow.ne_net_migration_all_ages"],
    ),
    "outflow.ne_natural_increase_share_of_change": (
        "100 * a / b",
        ["outflow.ne_natural_increase", "outflow.ne_population_change"],
    ),
    "outflow.ne_young_adult_share": (
        "100 * a / b",
        ["outflow.ne_young_adult_net_migration", "outflow.ne_net_migration_10plus"],
    ),
    "outflow.ne_young_adult_share_all_ages": (
        "100 * a / b",
        ["outflow.ne_young_adult_net_migration", "outflow.ne_net_migration_all_ages"],
    ),
    "outflow.paper_to_net_outflow_ratio": (
        "a / -b",
        ["outflow.paper_ne_outflow", "outflow.ne_net_migration_all_ages"],
    ),
    "outflow.paper_to_net_outflow_10plus_ratio": (
        "a / -b",
        ["outflow.paper_ne_outflow", "outflow.ne_net_migration_10plus"],
    ),
    "outflow.paper_to_census_decline_ratio": (
        "a / -b",
        ["outflow.paper_ne_outflow", "outflow.ne_population_change"],
    ),
    "determinants.region_gap_explained_share": (
        "100 * (1 - a / b)",
        ["determinants.region_coef_study_region", "determinants.region_raw_coef_study_region"],
    ),
    # notebook 03: the "821万" magnitude check (registered − resident 2010)
    "migration_checks.hukou_outstock_ne": (
        "a + b",
        ["migration_checks.hukou_gap_ne", "migration_checks.hukou_inmigrants_ne"],
    ),
    # notebook 03: students, range widths, shifts of the adjusted ratio sets
    "migration_checks.excess_students_share": (
        "100 * a / -b",
        ["migration_checks.excess_students_ne", "migration_checks.ne_cohort_30_34_net"],
    ),
    "migration_checks.ne_range_width": ("a - b", ["migration_checks.ne_range_max", "migration_checks.ne_range_min"]),
    "migration_checks.ne_young_range_width": (
        "a - b",
        ["migration_checks.ne_young_range_max", "migration_checks.ne_young_range_min"],
    ),
    "migration_checks.ne_range_width_pct": (
        "100 * (a - b) / -c",
        ["migration_checks.ne_range_max", "migration_checks.ne_range_min", "migration_checks.preferred_net"],
    ),
    "migration_checks.ne_young_range_width_pct": (
        "100 * (a - b) / -c",
        [
            "migration_checks.ne_young_range_max",
            "migration_checks.ne_young_range_min",
            "migration_checks.preferred_young",
        ],
    ),
}
DERIVED["migration_checks.preferred_young_share"] = (
    "100 * a / b",
    ["migration_checks.preferred_young", "migration_checks.preferred_net"],
)
# the paper's 821万 against the preferred estimate and both ends of the range
for _what in ("preferred_net", "ne_range_min", "ne_range_max"):
    _tag = {"preferred_net": "preferred", "ne_range_min": "range_min", "ne_range_max": "range_max"}[_what]
    DERIVED[f"migration_checks.paper_to_{_tag}"] = (
        "a / -b",
        ["migration_checks.paper_ne_outflow", f"migration_checks.{_what}"],
    )
# the 40+ loss beyond the expected (Rogers–Castro) schedule
DERIVED["migration_checks.old_excess"] = ("a - b", ["migration_checks.old_observed", "migration_checks.old_credible"])
DERIVED["migration_checks.old_excess_share"] = (
    "100 * (a - b) / a",
    ["migration_checks.old_observed", "migration_checks.old_credible"],
)
DERIVED["migration_checks.ne_a4059_share"] = (
    "100 * a / b",
    ["migration_checks.ne_a4059_net", "migration_checks.old_observed"],
)
# the part of the closed-cohort adjustment's shift that the resident-exposure fit does not reproduce
DERIVED["migration_checks.closed_artefact_share"] = (
    "100 * (1 - a / b)",
    ["migration_checks.ne_differential_shift", "migration_checks.ne_differential_closed_shift"],
)
for _name in ("differential", "registered", "e0", "differential_closed"):
    DERIVED[f"migration_checks.ne_{_name}_shift"] = (
        "a - b",
        [f"migration_checks.ne_{_name}_forward", "migration_checks.ne_national_forward"],
    )
    DERIVED[f"migration_checks.ne_{_name}_old_share_shift"] = (
        "a - b",
        [f"migration_checks.ne_{_name}_forward_old_share", "migration_checks.ne_national_forward_old_share"],
    )
# The projection's pay lever (notebooks/06_projection.ipynb): the share of a province's net out-migration (the
# main model's outcome) removed if its wage were at the national median = change / −observed rate, clipped to [0, 100]%, and the
# same for the ends of the change's 95% interval.
_PAY_SHARE = "100 * min(1, max(0, a / -b)) if b < 0 else 0"
for _k in NORTHEAST_SLUGS.values():
    for _end in ("", "_low", "_high"):
        DERIVED[f"projection.pay_{_k}_share{_end}"] = (
            _PAY_SHARE,
            [f"projection.pay_{_k}_change{_end}", f"projection.pay_{_k}_observed"],
        )

# Derived numbers keyed by a province of the study region (any of the 31): ``pattern -> (formula, component
# templates)``, the templates filled with the pattern's groups. The Northeast's are also in DERIVED above.
DERIVED_PATTERNS: list[tuple[re.Pattern, str, list[str]]] = [
    (
        re.compile(r"projection\.pay_([a-z_]+)_share(_low|_high)?"),
        _PAY_SHARE,
        ["projection.pay_{0}_change{1}", "projection.pay_{0}_observed"],
    ),
]


def definition(key: str) -> tuple[str, list[str]]:
    """``(formula, components)`` of a derived number: registered in :data:`DERIVED`, or matching a pattern of
    :data:`DERIVED_PATTERNS`."""
    if key in DERIVED:
        return DERIVED[key]
    for pattern, formula, templates in DERIVED_PATTERNS:
        m = pattern.fullmatch(key)
        if m:
            groups = [g or "" for g in m.groups()]
            return formula, [t.format(*groups) for t in templates]
    raise KeyError(f"{key}: not a registered derived number (outputs.derived.DERIVED or DERIVED_PATTERNS)")


# Sums the prose names by their parts in words ("含期间出生者粗估") rather than by their numbers:
# re-derived from their components, but a paragraph quoting them need not print the parts.
NAMED_IN_WORDS: set[str] = {"outflow.ne_net_migration_all_ages"}

# Clauses composed of recorded words (one word per subject, subjects sharing a word merged): quoting the clause
# quotes each of its parts.
COMPOSED: dict[str, list[str]] = {
    "conclusions.verdicts_clause": [f"conclusions.rec_{s}_verdict" for s in ("pay", "industry", "education")],
    # how many of Gu et al.'s estimates the intervals of models (e) and (g) contain, and what that means
    "flows.gu_inside_clause": ["flows.me_gu_inside", "flows.mg_gu_inside"],
    "flows.gu_reading": ["flows.me_gu_inside", "flows.mg_gu_inside"],
    "projection.replay_max_abs_clause": ["projection.replay_max_abs"],
    # each scenario's difference from the baseline in the region's total, its effect word and what it adds
    "projection.scenarios_sentence": [
        f"projection.{k}_{s}{q}"
        for s in ("pay", "retention", "births", "all")
        for k, q in (("effect_word", ""), ("kids_word", ""))
    ]
    + [
        f"projection.diff_{s}_ne_total_{q}"
        for s in ("pay", "retention", "births", "all")
        for q in ("median", "lo95", "hi95")
    ],
}

# ``<key>_en``: the same value as ``<key>``, displayed for the English abstract; it quotes ``<key>``.
ENGLISH_SUFFIX = "_en"

# Values the prose quotes from a table, which the table must show: key -> (build/tables/<name>.md, row label).
IN_TABLE: dict[str, tuple[str, str]] = {
    "determinants.pref_r2_within": ("determinants_prefecture", "组内 R²"),
}


def evaluate(formula: str, values: list[float]) -> float:
    """The formula on the component values (``a``, ``b``, … in order)."""
    names = dict(zip(string.ascii_lowercase, values))
    names.update(min=min, max=max)  # for clipped shares
    return float(eval(formula, {"__builtins__": {}}, names))  # noqa: S307 - formulas are this module's constants


def compute(key: str, rs) -> float:
    """The derived value of ``"notebook.key"`` from the components recorded in ``rs``."""
    formula, components = definition(key)
    values = []
    for comp in components:
        nb, name = comp.split(".", 1)
        if nb != rs.name:
            raise KeyError(f"{key}: component {comp} is not in results set {rs.name!r}")
        values.append(rs[name].value)
    return evaluate(formula, values)


def record(rs, key: str, unit: str, label: str, **fmt) -> float:
    """Compute ``rs.name + "." + key`` from its registered components and record it."""
    return rs.record(key, compute(f"{rs.name}.{key}", rs), unit, label, **fmt)


def million(value: float) -> str:
    """A number of persons in millions for English text: ``-9568780.8`` -> ``-9.57 million``."""
    return f"{value / 1e6:.2f} million"


# ---------------------------------------------------------------- checking the prose
VAR = re.compile(r"\{\{<\s*var\s+([A-Za-z0-9_]+\.[A-Za-z0-9_]+)\s*>\}\}")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")


def paragraphs(text: str) -> list[str]:
    """Blocks separated by blank lines; each list item is a paragraph of its own."""
    out = []
    for block in re.split(r"\n\s*\n", text):
        item: list[str] = []
        for line in block.splitlines():
            if _ITEM.match(line) and item:
                out.append("\n".join(item))
                item = []
            item.append(line)
        if item:
            out.append("\n".join(item))
    return out


def quoted_keys(paragraph: str) -> set[str]:
    """The results keys a paragraph prints; ``<key>_en`` counts as quoting ``<key>``, a composed clause
    (:data:`COMPOSED`) as quoting its parts."""
    keys = set(VAR.findall(paragraph))
    keys |= {k.removesuffix(ENGLISH_SUFFIX) for k in keys if k.endswith(ENGLISH_SUFFIX)}
    return keys | {part for k in keys for part in COMPOSED.get(k, ())}


def unquoted_components(text: str) -> list[tuple[str, list[str], str]]:
    """``(derived key, components the paragraph does not quote, paragraph)`` for every paragraph of
    ``text`` that prints a derived number without naming all the components it is computed from."""
    problems = []
    for para in paragraphs(text):
        keys = quoted_keys(para)
        for key in sorted((keys & DERIVED.keys()) - NAMED_IN_WORDS):
            missing = [c for c in DERIVED[key][1] if c not in keys]
            if missing:
                problems.append((key, missing, para))
    return problems
