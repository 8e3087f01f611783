"""Extraction (developers): derive ``data/raw/`` from the compiled official tables.

:mod:`.run` is ``make extract``; :mod:`.census` builds the census extracts at 2020
boundaries from the yearbook county tables (read by :mod:`neoutflow.data.yearbook`,
which the importer shares), :mod:`.census_indicators` the census indicators,
:mod:`.series` the NBS provincial series, :mod:`.geo` the simplified boundaries.
Builds on the user importer's readers (:mod:`neoutflow.data.importer`, imported at
module level) so that ``make extract`` and ``make import`` cannot drift apart; the
importer never imports this package (``tests/unit/test_layout.py``). Imports only the
data modules and the top-level vocabularies.
"""
