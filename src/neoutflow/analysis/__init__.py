"""Analysis: every estimate of the report, from validated data to fitted models.

Owns the demographic measures (:mod:`.demography`: survival-ratio and residual net
migration), the analysis datasets (:mod:`.datasets`: one row per province or
prefecture, with the variable dictionary), the regressions and their robustness
checks (:mod:`.models`) and the recorded fits and counterfactuals of the
determinants notebook (:mod:`.determinants`). Functions take DataFrames and return
DataFrames or fitted models. May import :mod:`neoutflow.data` and the top-level
vocabularies; never outputs, pipeline or render.
"""
