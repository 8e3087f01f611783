"""Life-expectancy scaling of the survival ratios, the 2010 register gap and the student density, on toy inputs checkable by hand (synthetic data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from neoutflow.analysis import hukou as hk
from neoutflow.analysis import survival as sv
from neoutflow.analysis.demography import DemographyError


def test_gompertz_round_trip_and_monotone():
    for e0 in (60.0, 74.83, 80.0):
        assert sv.gompertz_e0(sv.gompertz_level(e0)) == pytest.approx(e0, abs=1e-6)
    assert sv.gompertz_level(76.0) < sv.gompertz_level(74.0)  # longer life = lower hazard level
    # a constant hazard (slope → 0) has e0 = 1 / level
    assert sv.gompertz_e0(0.02, slope=1e-9, top=2000) == pytest.approx(50.0, rel=1e-3)
    with pytest.raises(DemographyError):
        sv.gompertz_level(500.0)


LIFE = pd.DataFrame(
    [
        {"code": c, "year": 2010, "sex": s, "life_expectancy": v}
        for c, s, v in [
            ("N", "male", 72.0),
            ("N", "female", 77.0),
            ("N", "total", 74.5),
            ("A", "male", 72.0),
            ("A", "female", 79.0),
            ("A", "total", 75.5),
        ]
    ]
)


def test_e0_multipliers():
    t = sv.e0_hazard_multipliers(LIFE, 2010, "N")
    assert t[("A", "male")] == pytest.approx(1.0)  # same e0 as the nation
    assert t[("A", "female")] < 1  # higher e0 → lower hazard
    assert t[("A", "female")] == pytest.approx(sv.gompertz_level(79.0) / sv.gompertz_level(77.0))
    assert ("N", "male") not in t.index
    with pytest.raises(DemographyError, match="national"):
        sv.e0_hazard_multipliers(LIFE, 2000, "N")


def test_scaled_variants_by_sex():
    v = pd.DataFrame(
        {
            "code": ["A", "A", "A"],
            "sex": ["male", "female", "female"],
            "age_group": ["10-14", "10-14", "15+"],
            "base_population": [100.0, 100.0, 200.0],
            "observed": [90.0, 95.0, 150.0],
            "survival_ratio": [0.9, 0.9, 1.05],
        }
    )
    theta = pd.Series({("A", "male"): 1.0, ("A", "female"): 0.5})
    out = sv.scaled_variants(v, theta)
    assert out["survival_ratio"].tolist() == pytest.approx([0.9, np.sqrt(0.9), 1.05])  # S ≥ 1 unchanged
    assert out.loc[1, "forward"] == pytest.approx(95 - 100 * np.sqrt(0.9))
    assert out.loc[0, "forward"] == pytest.approx(0.0)


def test_registered_gap_by_hand():
    ind = pd.DataFrame(
        [
            {"code": "X", "year": 2010, "indicator": "registered_population", "value": 1000.0},
            {"code": "X", "year": 2010, "indicator": "inmigrants_other_province", "value": 50.0},
        ]
    )
    totals = pd.DataFrame([{"code": "X", "year": 2010, "population": 980}])
    g = hk.registered_gap(ind, totals, ["X"]).iloc[0]
    assert (g["gap"], g["outstock"]) == (20.0, 70.0)  # 1000 − 980; + 50
    with pytest.raises(DemographyError):
        hk.registered_gap(ind, totals, ["Y"])


def test_students():
    enrol = pd.DataFrame(
        {"code": ["X", "Y"], "year": 2010, "indicator": "higher_education_enrolment", "value": [30.0, 10.0]}
    )
    pop = pd.DataFrame({"code": ["X", "Y", "X"], "year": 2010, "age_group": ["20-24", "20-24", "25-29"]})
    pop["population"] = [100, 100, 999]
    d = hk.student_density(enrol, pop, 2010).set_index("code")
    assert d.loc["X", "students_per_100"] == pytest.approx(30.0)
    assert d.loc["national", "students_per_100"] == pytest.approx(20.0)  # 40 / 200
    assert hk.excess_students(d.reset_index(), ["X"]) == pytest.approx(10.0)  # 30 − 0.2 × 100


@pytest.mark.parametrize(
    ("net", "low", "high", "where"),
    [
        (-1.0e7, -1.1e7, -5.0e6, "inside"),  # the range brackets the paper's 8.21 million
        (-2.0e7, -2.2e7, -1.5e7, "below"),
        (-3.0e6, -4.0e6, -2.0e6, "above"),
        (6.9e5, 2.0e5, 9.0e5, "inflow"),  # every reading a net gain: no outflow to compare with
    ],
)
def test_the_paper_figure_against_the_range(net, low, high, where):
    from neoutflow.analysis.outflow import PAPER_CLAIM
    from neoutflow.outputs import migration_report as mrep
    from neoutflow.outputs.results import ResultSet

    rs = ResultSet("migration_checks")
    rs.record("paper_ne_outflow", sum(PAPER_CLAIM.values()), "persons", "")
    for key, value in (("preferred_net", net), ("ne_range_min", low), ("ne_range_max", high)):
        rs.record(key, value, "persons", "")
    word = mrep.record_paper_range(rs)
    assert rs["paper_range_word"].value == where
    assert ("净迁入" in word) is (where == "inflow")
