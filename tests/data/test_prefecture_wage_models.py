"""The recorded prefecture wage models refit from their written dataset rows and specification
with plain numpy (explicit province dummies) to 1e-8; the specification curve has ≥ 200 specs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from neoutflow.analysis import datasets
from neoutflow.analysis import prefecture_models as pm
from neoutflow.analysis import spec_curve as sc
from neoutflow.outputs import prefecture_report as pr
from neoutflow.outputs.results import ResultSet
from tests.support.numpy_refit import refit

TOL = 1e-8


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    out = tmp_path_factory.mktemp("pw")
    data = pm.prefecture_wage_dataset()
    pr.write_dataset(data, out / pr.DATASET_FILE)
    rs = ResultSet("prefecture_wages")
    fits, samples = pm.fit_all(data)
    pr.save_specs(pr.record_models(rs, fits, samples), out / pr.SPECS_FILE)
    return out, rs.to_dict(), data, samples


def test_every_model_refits_from_files(recorded):
    out, res, _, _ = recorded
    specs = json.loads((out / pr.SPECS_FILE).read_text(encoding="utf-8"))
    dataset = pd.read_csv(out / pr.DATASET_FILE, dtype={"code": str, "province_code": str})
    assert set(specs) == set(pm.MODELS)
    for prefix, spec in specs.items():
        beta, se = refit(spec, dataset)
        for term, b, s in zip(spec["regressors"], beta, se, strict=True):
            assert res[f"{prefix}_coef_{term}"]["value"] == pytest.approx(b, abs=TOL), (prefix, term)
            assert res[f"{prefix}_se_{term}"]["value"] == pytest.approx(s, abs=TOL), (prefix, term)
        assert res[f"{prefix}_n"]["value"] == len(spec["codes"])


def test_samples_are_prefectures_with_wages(recorded):
    _, res, data, samples = recorded
    kept, dropped = samples["pw_net"]
    assert kept[pm.WAGE].notna().all() and len(kept) >= 250
    assert kept["northeast"].sum() == 35  # 延边 has no wage
    assert "222400" in set(dropped["code"])
    assert res["pw_net_clusters"]["value"] >= 20


def test_specification_curve_size_and_summary():
    curve = sc.run(datasets.province_dataset(), pm.prefecture_wage_dataset())
    assert len(curve) >= 200
    assert not curve.duplicated(["focal", *sc.DIMENSIONS]).any()
    assert np.isfinite(curve[["estimate", "se", "ci_low", "ci_high"]]).all().all()
    s = sc.summary(curve).set_index(["focal", "level"])
    assert s.loc[("wage", "all"), "n_specs"] == len(curve) / 2
