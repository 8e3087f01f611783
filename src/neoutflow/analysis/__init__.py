"""Analysis: every estimate of the report, from validated data to fitted models.

Owns the demographic measures (:mod:`.demography`: survival-ratio and residual net
migration), the analysis datasets (:mod:`.datasets`: one row per province or
prefecture, with the variable dictionary), the regressions and their robustness
checks (:mod:`.models`, :mod:`.determinants`), the prefecture wage models and the
specification curve (:mod:`.prefecture_models`, :mod:`.spec_curve`) and the gravity
models of birthplace flows (:mod:`.flows`). Functions take DataFrames and return
DataFrames or fitted models: no results are recorded, no words chosen and no file
written here (that is :mod:`neoutflow.outputs`; ``tests/unit/test_layout.py`` checks it).
May import :mod:`neoutflow.data` and the top-level vocabularies; never outputs,
pipeline or render.
"""
