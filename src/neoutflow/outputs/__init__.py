"""Outputs: what the report shows, made from analysis results.

Owns the results store (:mod:`.results`: every number the prose quotes), tables
(:mod:`.tables`: regression tables and Markdown/CSV writers; :mod:`.outflow_tables`),
figures (:mod:`.outflow_figures`, :mod:`.determinants_figures`) and their one style
(:mod:`.style`), and the one module of claim words (:mod:`.claims`: 显著, 无法判断,
降至 … chosen from p-values, intervals and signs). What each notebook reports lives in
one module per notebook: recording, labels and files (:mod:`.outflow_report`,
:mod:`.determinants_report`, :mod:`.migration_report`, :mod:`.prefecture_report`,
:mod:`.flows_outputs`, :mod:`.projection_outputs`). May import analysis, data and the
top-level modules; never pipeline or render.
"""
