"""Messages a user can act on (issue 17): where a bad parameter came from."""

from __future__ import annotations

import pytest

from neoutflow import params


def test_bad_override_is_named_as_coming_from_params_not_params_yaml():
    with pytest.raises(params.ParamsError) as err:
        params.load(overrides={"end_year": "abc"})
    msg = str(err.value)
    assert "PARAMS" in msg and "params.yaml" not in msg, msg


def test_bad_file_value_is_named_as_coming_from_params_yaml(tmp_path):
    p = tmp_path / "params.yaml"
    p.write_text("end_year: abc\n", encoding="utf-8")
    with pytest.raises(params.ParamsError) as err:
        params.load(p, overrides={"seed": 1})
    assert "params.yaml" in str(err.value) and "PARAMS" not in str(err.value)


def test_inconsistent_years_with_an_override_mention_both():
    with pytest.raises(params.ParamsError) as err:
        params.load(overrides={"end_year": 2013})
    assert "PARAMS" in str(err.value) and "params.yaml" in str(err.value)
