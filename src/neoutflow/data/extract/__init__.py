"""Extraction (developers): derive ``data/raw/`` from the compiled official tables.

:mod:`.run` is ``make extract``; :mod:`.yearbook` reads the census yearbook
county tables, :mod:`.census` builds the census extracts at 2020 boundaries,
:mod:`.census_indicators` the census indicators, :mod:`.series` the NBS provincial
series, :mod:`.geo` the simplified boundaries. Imports only the data modules and
the top-level vocabularies.
"""
