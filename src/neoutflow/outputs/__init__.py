"""Outputs: what the report shows, made from analysis results.

Owns the results store (:mod:`.results`: every number the prose quotes), tables
(:mod:`.tables`: regression tables and Markdown/CSV writers; :mod:`.outflow_tables`),
figures (:mod:`.outflow_figures`, :mod:`.determinants_figures`) and their one style
(:mod:`.style`). May import analysis, data and the top-level modules; never
pipeline or render.
"""
