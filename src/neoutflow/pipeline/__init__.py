"""Pipeline: running the notebooks and releasing their outputs to the report.

Owns the papermill runner (:mod:`.run_notebook`: staged, published atomically),
the release step (:mod:`.release`: ``_variables.yml`` and the appendix) and the
reproducibility appendix tables (:mod:`.repro`). May import everything except
render; nothing imports it.
"""
