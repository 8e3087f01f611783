"""Merging parsed rows into ``data/raw/``: the plan (added, changed, left alone) and applying it safely."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pandas as pd

from neoutflow import atomic, paths
from neoutflow.data import journal
from neoutflow.data.files import RAW_FILES, format_value, write_csv
from neoutflow.data.importer.census_communique import source_rank
from neoutflow.data.importer.core import Change, ConflictError, ImportFailure, Parsed, Plan, Source
from neoutflow.data.yearbook import sort_population

# ------------------------------------------------------------------ merging

# resource -> (key columns, value compared, column the plan groups by; None: province/prefecture by code)
KEYS = {
    "province_series": (["code", "year", "indicator"], "value", "indicator"),
    "census_population": (["code", "year", "sex", "age_group"], "population", None),
    "census_totals": (["code", "year"], "population", None),
    "census_indicators": (["code", "year", "indicator"], "value", "indicator"),
    "prefecture_series": (["code", "year", "indicator"], "value", "indicator"),
    "birthplace_flows": (["year", "origin", "destination"], "persons_sample", "year"),
}
# Resources whose rows rank by source: a row never replaces one of a higher rank (it is kept, even with
# --replace); a row of a higher rank replacing a lower one is a change like any other.
RANKS = {"census_indicators": source_rank}
# the row order of each committed file (census_population has its own, by sex and age)
ORDER = {
    "province_series": ["code", "indicator", "year"],
    "prefecture_series": ["code", "indicator", "year"],
    "birthplace_flows": ["year", "origin", "destination"],
    "census_indicators": ["code", "year", "indicator"],
}
_READ = {"dtype": {"code": str, "origin": str, "destination": str}, "keep_default_na": False}
_INTEGERS = ("population", "year", "persons_sample", "persons_estimated")


def _read_existing(raw_dir: Path, resource: str) -> pd.DataFrame:
    p = Path(raw_dir) / RAW_FILES[resource]
    df = pd.read_csv(p, **_READ) if p.is_file() else pd.DataFrame()
    return df


def _sort(resource: str, df: pd.DataFrame) -> pd.DataFrame:
    if resource in ORDER:
        return df.sort_values(ORDER[resource]).reset_index(drop=True)
    if resource == "census_population":
        return sort_population(df)
    return df.sort_values(["code", "year"]).reset_index(drop=True)


def merge(existing: pd.DataFrame, new: pd.DataFrame, resource: str, replace: bool) -> tuple[pd.DataFrame, list[Change]]:
    """Merged table and the changes, per indicator (series) or per file."""
    key, value, group = KEYS[resource]
    rank = RANKS.get(resource)
    if existing.empty:
        existing = pd.DataFrame({c: pd.Series(dtype=new[c].dtype) for c in new.columns})
    old = existing.set_index(key)
    changes: dict[str, Change] = {}
    keep_new = []
    for rec in new.itertuples(index=False):
        r = rec._asdict()
        k = tuple(r[c] for c in key)
        g = r[group] if group else ("province" if str(r["code"]).endswith("0000") else "prefecture")
        ch = changes.setdefault(g, Change(resource, g))
        if k in old.index:
            o = old.loc[k, value]
            if format_value(float(o)) == format_value(float(r[value])):
                ch.unchanged += 1
                continue
            if rank and rank(old.loc[k, "source"]) > rank(r["source"]):
                ch.kept.append(k)
                continue
            ch.changed.append((k, o, r[value]))
            if replace:
                keep_new.append(r)
        else:
            ch.added.append(k)
            keep_new.append(r)
    add = pd.DataFrame(keep_new, columns=new.columns)
    if not add.empty:
        kidx = pd.MultiIndex.from_frame(add[key])
        rest = existing[~pd.MultiIndex.from_frame(existing[key]).isin(kidx)] if len(existing) else existing
        out = pd.concat([rest, add.astype({c: existing[c].dtype for c in key if c in existing})], ignore_index=True)
    else:
        out = existing.copy()
    if "value" in out:
        out["value"] = out["value"].astype(float)
    for c in _INTEGERS:
        if c in out:
            out[c] = out[c].astype("int64")
    return _sort(resource, out[list(existing.columns) if len(existing.columns) else list(new.columns)]), list(
        changes.values()
    )


# Two sources of the same census figure (communiqué table 6-1/6-2 and the yearbook's counts) differ by their
# bases (the communiqué's full count, the yearbook's long form), but not by more than this ratio; a unit slip
# (per 万人 for per 10万人) is ×10. Stated in data/README.md.
SOURCE_AGREEMENT = (0.5, 2.0)


def _region_names(raw_dir: Path) -> dict[str, str]:
    p = Path(raw_dir) / RAW_FILES["regions"]
    if not p.is_file():
        return {}
    r = pd.read_csv(p, dtype=str, keep_default_na=False)
    return {**dict(zip(r["code"], r["name_zh"], strict=True)), "100000": "全国"}


def _rows_in_file(path: Path, names: dict[str, str]) -> dict[str, int]:
    """Region code → the (1-based) row of the user's file that holds it: by its code, or by its name (full or
    short, spaces ignored) in the first cells; for naming the row in a refusal. Empty if unreadable."""
    from neoutflow.data.importer.core import read_grid, text_of
    from neoutflow.reference import short_province_name

    try:
        grid = read_grid(path)
    except Exception:  # noqa: BLE001 - only a help for the message
        return {}
    by_text = {}
    for code, name in names.items():
        for t in {code, name, short_province_name(name) if code.endswith("0000") else name}:
            by_text.setdefault("".join(t.split()), code)
    out: dict[str, int] = {}
    for i in range(len(grid)):
        for v in grid.iloc[i, :4]:
            t = "".join(text_of(v).split()).removesuffix(".0")
            if t in by_text:
                out.setdefault(by_text[t], i + 1)
                break
    return out


def plausibility(
    source: Source, existing: dict[str, pd.DataFrame], merged: dict[str, pd.DataFrame], raw_dir
) -> list[str]:
    """Census figures of the import refused as implausible: a unit's value against its previous census
    (``census_change`` of the indicator), and a figure against the other source's figure for the same unit and
    year (:data:`SOURCE_AGREEMENT`). Each message names the file, the region, the indicator and the year."""
    from neoutflow.data.indicators import CENSUS
    from neoutflow.data.schemas import census_changes

    res = "census_indicators"
    parts = [pt for pt in source.parts if pt.resource == res]
    if not parts or res not in merged:
        return []
    names = _region_names(raw_dir)
    key = KEYS[res][0]
    new_keys = {tuple(r) for pt in parts for r in pt.rows[key].itertuples(index=False)}
    out = []

    rows_of = _rows_in_file(source.path, names)

    def unit(code) -> str:
        row = rows_of.get(str(code))
        return f"{names.get(str(code), '?')} ({code}{f', row {row}' if row else ''})"

    m = merged[res].reset_index(drop=True)
    for i, r in census_changes(m, CENSUS).iterrows():
        j = int(r["prev_index"])
        mine, prev = tuple(m.loc[i, key]), tuple(m.loc[j, key])
        if mine not in new_keys and prev not in new_keys:
            continue  # a jump already in data/raw is make data's to report
        out.append(
            f"{source.path.name}: {unit(m.at[i, 'code'])}, column {m.at[i, 'indicator']} "
            f"({CENSUS[m.at[i, 'indicator']].label_zh}): {int(m.at[i, 'year'])} = "
            f"{format_value(float(m.at[i, 'value']))} is ×{r['ratio']:.2f} the {int(m.at[j, 'year'])} value "
            f"{format_value(float(m.at[j, 'value']))}; between censuses it may change ×{r['lo']:g}…×{r['hi']:g} "
            f"(data/README.md). Check the unit the table states (e.g. 人/万人 against 人/10万人) and the year"
        )
    old = existing.get(res)
    if old is not None and len(old):
        have = old.set_index(key)
        for pt in parts:
            for row in pt.rows.itertuples(index=False):
                k = tuple(getattr(row, c) for c in key)
                if k not in have.index:
                    continue
                o = have.loc[k]
                if source_rank(o["source"]) == source_rank(row.source) or not float(o["value"]) > 0:
                    continue
                ratio = float(row.value) / float(o["value"])
                lo, hi = SOURCE_AGREEMENT
                if not lo <= ratio <= hi:
                    out.append(
                        f"{source.path.name}: {unit(row.code)}, column {row.indicator}: {row.year} = "
                        f"{format_value(float(row.value))} here but {format_value(float(o['value']))} from "
                        f"{o['source']} in data/raw/census_indicators.csv (×{ratio:.2f}; two sources of one census "
                        f"figure may differ ×{lo:g}…×{hi:g}, data/README.md). Check the unit the table states "
                        f"(e.g. 人/万人 against 人/10万人) and the year"
                    )
    return out


def plan(source: Source, raw_dir: Path | None = None, replace: bool = False) -> Plan:
    raw_dir = Path(raw_dir or paths.RAW)
    merged: dict[str, pd.DataFrame] = {}
    existing: dict[str, pd.DataFrame] = {}
    changes: list[Change] = []
    for part in source.parts:
        base = merged.get(part.resource)
        if base is None:
            base = existing[part.resource] = _read_existing(raw_dir, part.resource)
        merged[part.resource], ch = merge(base, part.rows, part.resource, replace)
        changes += ch
    return Plan(source, changes, merged, raw_dir, plausibility(source, existing, merged, raw_dir))


def _show_key(k: tuple) -> str:
    return " ".join(str(x) for x in k)


def _years(keys: list[tuple], resource: str) -> str:
    at = KEYS[resource][0].index("year")
    years = sorted({k[at] for k in keys})
    if not years:
        return ""
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return f" (years {span})" if len(years) > 3 else f" (years {', '.join(map(str, years))})"


def _span(years: list[int]) -> str:
    years = sorted(years)
    return f"{years[0]}–{years[-1]}" if len(years) > 3 else ", ".join(map(str, years))


def missing_provinces(p: Plan) -> list[str]:
    """Notes for a province-series table that lacks some provinces in a year it covers (a portal export with
    a province left out, a table cut short): those provinces are not written and stay as in data/raw."""
    names = _region_names(p.raw_dir)
    provinces = sorted(c for c in names if c.endswith("0000") and c != "100000")
    out = []
    for part in p.source.parts:
        if part.resource != "province_series" or not provinces:
            continue
        have = part.rows.groupby(["indicator", "year"])["code"].agg(set)
        gaps: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        for (indicator, year), codes in have.items():
            lacking = tuple(c for c in provinces if c not in codes)
            if lacking:
                gaps.setdefault((indicator, lacking), []).append(int(year))
        for (indicator, lacking), years in sorted(gaps.items()):
            who = ", ".join(names[c] for c in lacking[:6]) + (" …" if len(lacking) > 6 else "")
            out.append(
                f"  note: {indicator}: {p.source.path.name} has no value for {who} ({len(lacking)} of "
                f"{len(provinces)} provinces) in {_span(years)}; "
                f"those stay as they are in data/raw (check that the export selected every province)"
            )
    return out


def describe(p: Plan, max_changed: int = 40) -> str:
    """What the import would do, per file and indicator."""
    src = p.source
    lines = [f"{src.path.name} ({src.kind}; sha256 {src.sha256[:12]}…)"]
    for part in src.parts:
        lines.append(f"  table: {part.table}; unit {part.unit}; {len(part.rows):,} rows read")
    for res in dict.fromkeys(c.resource for c in p.changes):
        lines.append(f"data/raw/{RAW_FILES[res]}:")
        for c in (c for c in p.changes if c.resource == res):
            kept = (
                f", {len(c.kept):,} kept{_years(c.kept, res)}: the file's official figures outrank these"
                if c.kept
                else ""
            )
            lines.append(
                f"  {c.group}: {len(c.added):,} added{_years(c.added, res)}, {len(c.changed):,} changed, "
                f"{c.unchanged:,} left alone{kept}"
            )
            for k, o, n in c.changed[:max_changed]:
                lines.append(f"    changed {_show_key(k)}: {format_value(float(o))} → {format_value(float(n))}")
            if len(c.changed) > max_changed:
                lines.append(f"    … and {len(c.changed) - max_changed} more changed")
    lines += missing_provinces(p)
    if p.refused:
        lines.append(f"refused as implausible ({len(p.refused)}; --apply writes nothing while any remain):")
        lines += [f"  {m}" for m in p.refused[:20]] + (
            [f"  … and {len(p.refused) - 20} more"] if len(p.refused) > 20 else []
        )
    return "\n".join(lines)


# ------------------------------------------------------------------ applying


def import_record(source: Source, part: Parsed, change: list[Change], date: str) -> dict:
    return {
        "file": source.path.name,
        "sha256": source.sha256,
        "kind": source.kind,
        "table": part.table,
        "unit": part.unit,
        "imported": date,
        "added": sum(len(c.added) for c in change),
        "changed": sum(len(c.changed) for c in change),
    }


def _refuse_conflicts_and_implausible(p: Plan, replace: bool) -> None:
    """Nothing is written when a value differs from data/raw (without ``replace``) or a figure is implausible."""
    if p.conflicts and not replace:
        shown = "; ".join(
            f"{RAW_FILES[r]} {_show_key(k)}: {format_value(float(o))} in the file, "
            f"{format_value(float(n))} in {p.source.path.name}"
            for r, k, o, n in p.conflicts[:10]
        )
        raise ConflictError(
            f"{len(p.conflicts)} value(s) differ from those already in data/raw ({shown}"
            + (" …" if len(p.conflicts) > 10 else "")
            + "); nothing was written. Check them, then rerun with --replace (REPLACE=1) to overwrite"
        )
    if p.refused:
        raise ImportFailure(
            f"{len(p.refused)} figure(s) implausible, nothing was written:\n  "
            + "\n  ".join(p.refused[:20])
            + (f"\n  … and {len(p.refused) - 20} more" if len(p.refused) > 20 else "")
        )


def apply(
    p: Plan, datapackage: Path | None = None, replace: bool = False, date: str | None = None, echo=print
) -> list[Path]:
    """Validate the merged tables on a staged copy of data/raw, then replace the files; returns those written."""
    from neoutflow.data import load, provenance
    from neoutflow.data.schemas import DataValidationError

    datapackage = Path(datapackage or paths.DATAPACKAGE)
    _refuse_conflicts_and_implausible(p, replace)
    date = date or datetime.date.today().isoformat()
    raw_dir = p.raw_dir
    undone = journal.recover(raw_dir.parent)
    if undone:  # the plan was made on files an interrupted import had half changed
        raise ImportFailure(" ".join(undone) + " The plan above was made before that: run this import again.")
    written = [r for r in p.merged if any(c.resource == r and (c.added or (replace and c.changed)) for c in p.changes)]
    if not written:
        echo("nothing to write: every value is already in data/raw")
        return []
    with atomic.staging_dir(raw_dir.parent, "import") as stage:
        staged_raw = stage / "raw"
        shutil.copytree(raw_dir, staged_raw)
        for res in written:
            write_csv(p.merged[res], staged_raw / RAW_FILES[res])
        load._cache.clear()
        try:
            load.validate_all(staged_raw, echo=lambda *a, **k: None)
        except DataValidationError as exc:
            text = str(exc).replace(str(staged_raw), "data/raw")
            raise ImportFailure(f"the merged data do not pass validation, nothing was written:\n{text}") from None
        finally:
            load._cache.clear()
        # the provenance record, staged too
        staged_dp = stage / "datapackage.json"
        if datapackage.is_file():
            shutil.copy2(datapackage, staged_dp)
            dp = provenance.read(staged_dp)
        else:
            dp = provenance.build(staged_raw)
        for res in dp.get("resources", []):
            name = res["name"]
            parts = [pt for pt in p.source.parts if pt.resource == name]
            if parts and name in written:
                entries = [
                    e
                    for e in res.get("imports", [])
                    if e.get("sha256") != p.source.sha256 or e.get("table") != parts[0].table
                ]
                entries.append(import_record(p.source, parts[0], [c for c in p.changes if c.resource == name], date))
                res["imports"] = entries
            path = staged_raw / res["path"].removeprefix("raw/")
            if path.is_file():
                res["hash"] = f"sha256:{provenance.sha256(path)}"
                res["bytes"] = path.stat().st_size
        atomic.write_text(staged_dp, provenance.dumps(dp))
        errors, _ = provenance.check_record(staged_dp, staged_raw)
        if errors:
            raise ImportFailure("the provenance record would not be valid, nothing was written: " + "; ".join(errors))
        # All or nothing, the record included: the journal (old copies, checksums) first, then the raw
        # files, then the record; an interrupted run is rolled back by the next import or `make data`.
        new = {raw_dir / RAW_FILES[res]: (staged_raw / RAW_FILES[res]).read_bytes() for res in written}
        new[datapackage] = staged_dp.read_bytes()
        data_dir = raw_dir.parent
        journal.begin(data_dir, {"file": p.source.path.name, "sha256": p.source.sha256, "kind": p.source.kind}, new)
        journal.fault("after-journal")
        for dest, content in new.items():
            atomic.write_bytes(dest, content, if_changed=True)
            journal.fault("after-raw-write")
        journal.end(data_dir)
    return list(new)
