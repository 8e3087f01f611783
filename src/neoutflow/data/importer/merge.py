"""Merging parsed rows into ``data/raw/``: the plan (added, changed, left alone) and applying it safely."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pandas as pd

from neoutflow import atomic, paths
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


def plan(source: Source, raw_dir: Path | None = None, replace: bool = False) -> Plan:
    raw_dir = Path(raw_dir or paths.RAW)
    merged: dict[str, pd.DataFrame] = {}
    changes: list[Change] = []
    for part in source.parts:
        base = merged.get(part.resource)
        if base is None:
            base = _read_existing(raw_dir, part.resource)
        merged[part.resource], ch = merge(base, part.rows, part.resource, replace)
        changes += ch
    return Plan(source, changes, merged, raw_dir)


def _show_key(k: tuple) -> str:
    return " ".join(str(x) for x in k)


def _years(keys: list[tuple], resource: str) -> str:
    at = KEYS[resource][0].index("year")
    years = sorted({k[at] for k in keys})
    if not years:
        return ""
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return f" (years {span})" if len(years) > 3 else f" (years {', '.join(map(str, years))})"


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


def apply(
    p: Plan, datapackage: Path | None = None, replace: bool = False, date: str | None = None, echo=print
) -> list[Path]:
    """Validate the merged tables on a staged copy of data/raw, then replace the files; returns those written."""
    from neoutflow.data import load, provenance
    from neoutflow.data.schemas import DataValidationError

    datapackage = Path(datapackage or paths.DATAPACKAGE)
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
    date = date or datetime.date.today().isoformat()
    raw_dir = p.raw_dir
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
        out = []
        for res in written:
            dest = raw_dir / RAW_FILES[res]
            atomic.write_bytes(dest, (staged_raw / RAW_FILES[res]).read_bytes(), if_changed=True)
            out.append(dest)
        atomic.write_bytes(datapackage, staged_dp.read_bytes(), if_changed=True)
        out.append(datapackage)
    return out
