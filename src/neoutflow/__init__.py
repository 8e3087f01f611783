"""neoutflow: population outflow from Northeast China (辽宁, 吉林, 黑龙江).

The package holds all logic of the report; the notebooks under ``notebooks/``
only set parameters and call it. Modules, by stage:

- set-up: ``paths`` (every path, from the project root), ``params`` (params.yaml,
  validated), ``style`` (the CJK font and plotting style of every figure)
- data: ``reference``, ``indicators``, ``schemas``, ``data`` (load + validate),
  ``datapackage`` (provenance record), ``extract*`` (developers: derive data/raw
  from the compiled official tables)
- analysis: ``demography`` (survival-ratio and residual net migration),
  ``analysis_data``, ``models``, ``determinants``, ``regression_tables``,
  ``outflow_tables``, ``outflow_figures``, ``determinants_figures``
- build: ``results`` (numbers quoted by the report), ``run_notebook`` (papermill,
  atomic), ``repro`` (appendix tables), ``render*`` and ``filters`` (Quarto or the
  registry-only pandoc + Typst route), ``project_copy`` (scratch builds for tests
  and benchmarks)
"""

__version__ = "0.1.0"
