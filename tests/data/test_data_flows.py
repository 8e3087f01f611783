"""The census birthplace matrices (``birthplace_flows.csv``): extract, order and validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from neoutflow import data, paths
from neoutflow.data.extract import flows as ef
from neoutflow.data.files import write_csv
from neoutflow.data.schemas import DataValidationError, check_flows
from neoutflow.reference import NBS_ORDER, PROVINCES


@pytest.fixture(scope="module")
def flows():
    return data.load_birthplace_flows(diagonal=True)


def test_shape_totals_diagonal(flows):
    for year, total in {2000: 7_305_955, 2010: 10_230_691}.items():
        part = flows[flows["year"] == year]
        mat = part.pivot(index="destination", columns="origin", values="persons_sample")
        assert mat.shape == (31, 31)
        assert set(mat.index) == set(PROVINCES) == set(mat.columns)
        assert (np.diag(mat.loc[list(PROVINCES), list(PROVINCES)].to_numpy()) == 0).all()
        assert (part["persons_sample"] >= 0).all()
        assert int(part["persons_sample"].sum()) == total
    assert flows.loc[flows["year"] == 2010, "persons_estimated"].sum() == pytest.approx(102_306_910, abs=50)


def test_nbs_order_by_known_cells(flows):
    """SOURCE.md: 辽宁-born living in 黑龙江 (2000) 79,254; 黑龙江-born in 辽宁 (2010) 72,333; column sums."""
    f = flows.set_index(["year", "origin", "destination"])["persons_sample"]
    assert f[(2000, "210000", "230000")] == 79_254
    assert f[(2010, "230000", "210000")] == 72_333
    assert f[(2010, "220000", "210000")] == 44_048
    by_origin = flows.groupby(["year", "origin"])["persons_sample"].sum()
    assert by_origin[(2010, "230000")] == 332_750 and by_origin[(2010, "220000")] == 211_563
    assert by_origin[(2000, "210000")] == 285_240
    by_dest = flows.groupby(["year", "destination"])["persons_sample"].sum()
    assert by_dest[(2010, "110000")] == 838_757 and by_dest[(2010, "440000")] == 2_227_842
    assert [c for _, c in NBS_ORDER] == list(PROVINCES)


def test_check_flows_names_bad_cells(flows):
    bad = flows.copy()
    i = bad.index[(bad["origin"] == bad["destination"])][0]
    bad.loc[i, "persons_sample"] = 5
    problems = check_flows(bad, "birthplace_flows.csv")
    assert any(p.column == "persons_sample" and p.row == i + 2 for p in problems)
    assert any("sample total" in p.expected for p in problems)


def test_loader_rejects_a_negative_cell(tmp_path):
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(paths.RAW, raw)
    df = pd.read_csv(raw / "birthplace_flows.csv", dtype={"origin": str, "destination": str})
    df.loc[1, "persons_sample"] = -3
    write_csv(df, raw / "birthplace_flows.csv")
    with pytest.raises(DataValidationError, match="persons_sample"):
        data.load_birthplace_flows(raw_dir=raw)


def test_extract_reproduces_source_matrices(shared_sources):
    committed = data.load_birthplace_flows(diagonal=True)
    for year, rel in ef.FILES.items():
        names, mat = ef.read_matrix(shared_sources / rel)
        codes = [dict(NBS_ORDER)[n] for n in names]
        got = committed[committed["year"] == year].pivot(index="destination", columns="origin", values="persons_sample")
        assert (got.loc[codes, codes].to_numpy() == mat).all()


def test_a_province_with_no_flows_is_refused(flows):
    """Issue #29 item 6: a matrix whose row (or column) for one province is all zero passed validation
    and then broke the gravity models; it is refused, naming the province and the year."""
    bad = flows.copy()
    row = bad["year"].eq(2010) & bad["origin"].eq("650000")
    bad.loc[row, "persons_sample"] = 0
    bad.loc[row, "persons_estimated"] = 0
    problems = check_flows(bad, "birthplace_flows.csv")
    hit = [p for p in problems if p.column == "origin" and p.value == "650000"]
    assert hit and "2010" in hit[0].expected and "row" in hit[0].expected
    col = flows.copy()
    cells = col["year"].eq(2000) & col["destination"].eq("540000")
    col.loc[cells, ["persons_sample", "persons_estimated"]] = 0
    assert any(p.column == "destination" and p.value == "540000" for p in check_flows(col, "f.csv"))
    assert not [p for p in check_flows(flows, "f.csv") if p.column in ("origin", "destination")]
