"""What a notebook may record: one number per key, a plain key, a finite value."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from neoutflow.outputs.results import ResultSet


def test_a_key_is_recorded_once():
    rs = ResultSet("example")
    rs.record("region_n", 3, "省", "研究区域的省份数")
    with pytest.raises(ValueError, match="'region_n' is already recorded in 'example'"):
        rs.record("region_n", 31, "个", "模型的观测数")
    assert rs["region_n"].value == 3


@pytest.mark.parametrize("key", ["净迁移", "net-migration", "net migration", ""])
def test_keys_are_plain_ascii_names(key):
    with pytest.raises(ValueError, match="must be ASCII letters"):
        ResultSet("example").record(key, 1, "人", "标签")


@pytest.mark.parametrize("value", [math.nan, math.inf, np.float64("nan")])
def test_values_are_finite(value):
    with pytest.raises(ValueError, match="is not finite"):
        ResultSet("example").record("x", value, "人", "标签")


def test_saved_in_insertion_order_with_numpy_scalars_as_python_numbers(tmp_path):
    rs = ResultSet("example")
    rs.record("b", np.int64(2), "人", "乙")
    rs.record("a", np.float64(0.25), "%", "甲", digits=2, scale=0.01, suffix="%")
    saved = json.loads(rs.save(tmp_path).read_text(encoding="utf-8"))
    assert list(saved) == ["b", "a"]
    assert saved["b"]["value"] == 2 and isinstance(saved["b"]["value"], int)
    assert saved["a"]["display"] == "25.00%"
