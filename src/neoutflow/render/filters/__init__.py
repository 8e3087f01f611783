"""Pandoc filters (panflute) used by the registry-only render route."""
