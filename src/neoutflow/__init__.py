"""neoutflow: population outflow from Northeast China (辽宁, 吉林, 黑龙江).

The package holds all logic of the report; the notebooks under ``notebooks/``
only set parameters and call it. Subpackages by stage, importing one way
(data → analysis → outputs → pipeline; render stands apart):

- top level: ``paths`` (every path), ``params`` (params.yaml, validated),
  ``reference`` (the vocabularies: codes, ages, sexes, outcomes, regressor sets,
  covariance types), ``atomic`` (atomic writes, staged folders), ``formatting``
  (number formatting), ``fonts`` (the CJK fonts)
- ``data``: the shipped extracts, validated on load, with their provenance;
  ``data.extract`` derives them from the compiled official tables (developers)
- ``analysis``: demographic measures, analysis datasets, models
- ``outputs``: the results store, tables, figures and their style, and what
  each notebook records
- ``pipeline``: running the notebooks (papermill, staged) and releasing their
  outputs to the report
- ``render``: the registry-only render route (pandoc + Typst), engine choice,
  atomic publishing; nothing about population

``ARCHITECTURE.md`` at the project root maps every module, where each kind of change goes and which
test guards which contract.
"""

__version__ = "0.3.0"
