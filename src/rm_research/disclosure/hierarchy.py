"""Public findings for a whole hierarchy of reports at once: cohorts, their regions, the nation.

Each table is first made safe on its own (``disclosure.control.public_findings``); then the differencing
audit runs over all of them together (``differencing.protect_levels``), so that no hidden figure
can be worked out from another level's table: a national total less the published regions, a
region less its published cohorts. ``make publish-all`` writes what this returns.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from rm_research.core.config import DEFAULTS, DISCLOSURE, DisclosureRule, Settings
from rm_research.core.paths import NATIONAL, ReportFiles, ReportFolder
from rm_research.core.version import __version__
from rm_research.disclosure.categories import publishable
from rm_research.disclosure.control import (
    hidden_changes_of,
    hidden_rows_of,
    hide_over_hidden,
    hide_people_over_hidden,
    public_findings,
    public_level_findings,
    read_public,
    revealer,
    tag_withheld,
)
from rm_research.disclosure.differencing import Level, protect_levels
from rm_research.disclosure.parts import AuditInParts
from rm_research.findings.cohort import cohort_findings
from rm_research.findings.level import (
    LevelResults,
    cohort_label,
    count_hidden,
    level_results,
    person_table,
    pooled_labels,
)
from rm_research.ingest.load import LoadedCohort, load_cohort


def cohort_unit(region: str, cohort: int) -> str:
    """The unit name of a cohort's table in the hierarchy."""
    return f"{region}/{int(cohort)}"


def unit_label(unit: str) -> str:
    """How the reports name the cohort of a unit name (``cohort_unit``'s inverse, then ``cohort_label``)."""
    region, cohort = unit.split("/")
    return cohort_label(region, int(cohort))


def hierarchy(cohorts: Sequence[LoadedCohort], rule: DisclosureRule = DISCLOSURE) -> list[Level]:
    """Every cohort's, region's and the national table, each made safe on its own."""

    # the audit pairs each table's true rows with its published ones: both with rare answers merged
    levels = [Level(cohort_unit(c.paths.region, c.paths.cohort), c.paths.region, findings,
                    public_findings(findings, rule))
              for c in cohorts for findings, _ in [cohort_audit_input(cohort_findings(c), rule)]]
    # a pooled figure may not give away a change that a cohort's public table hides, for any reason
    written = [level.safe.assign(region=c.paths.region, cohort=c.paths.cohort) for level, c in zip(levels, cohorts,
                                                                                                   strict=True)]
    hidden, rows = hidden_changes_of(written, rule), hidden_rows_of(written, rule)
    regions = sorted({c.paths.region for c in cohorts})
    for region in regions:
        members = [c for c in cohorts if c.paths.region == region]
        results = level_results(person_table(members), region)
        levels.append(Level(region, NATIONAL, results.findings, public_level_findings(results, rule, hidden, rows)))
    results = level_results(person_table(list(cohorts)), NATIONAL)
    levels.append(Level(NATIONAL, None, results.findings, public_level_findings(results, rule, hidden, rows)))
    return levels


def load_all(root: Path | str, keys: Iterable[tuple[str, int]]) -> list[LoadedCohort]:
    """The cohorts ``keys`` (region, cohort), validated and tidied."""
    return [load_cohort(root, region, int(cohort)) for region, cohort in keys]


Mapper = Callable[..., Iterable[object]]


def _cohort_part(root: Path, region: str, cohort: int, settings: Settings) -> tuple[pd.DataFrame, AuditInput]:
    """One cohort's person-table rows and its audit input."""
    loaded = load_cohort(root, region, int(cohort))
    return person_table([loaded]), cohort_audit_input(cohort_findings(loaded, settings.analysis), settings.disclosure)


def _level_part(people: pd.DataFrame, level: str, settings: Settings) -> AuditInput:
    """A region's or the nation's audit input."""
    return level_audit_input(level_results(people, level, settings.analysis))


#: What the cross-level audit reads of one unit: its findings as the audit pairs them with the public ones,
#: and, for a region or the nation, the cohorts (by label) each item and role's meta-analysis pooled.
AuditInput = tuple[pd.DataFrame, dict[tuple[str, str], tuple[str, ...]]]


def cohort_audit_input(findings: pd.DataFrame, rule: DisclosureRule = DISCLOSURE) -> AuditInput:
    """A cohort's audit input: its findings with rare answers merged, as its public findings are (``publishable``)."""
    return publishable(findings, rule), {}


def level_audit_input(results: LevelResults) -> AuditInput:
    """A region's or the nation's audit input: its findings and what each pooled figure pooled."""
    return results.findings, pooled_labels(results.analyses)


def audit_input_text(found: AuditInput) -> str:
    """``found`` as the text of a unit's ``ReportFiles.audit_input``. JSON keeps every number exactly (Python
    writes the shortest text that reads back as the same float), and the column types are kept with them."""
    table, pooled = found
    split = table.to_dict("split")
    return json.dumps({"version": __version__, "dtypes": {column: str(dtype) for column, dtype in table.dtypes.items()},
                       "columns": split["columns"], "index": split["index"], "rows": split["data"],
                       "pooled": [[item, role, list(labels)] for (item, role), labels in sorted(pooled.items())]},
                      sort_keys=True, default=_plain) + "\n"


def _plain(value: object) -> object:
    """A NumPy number as the Python number it is (for ``json``)."""
    return value.item() if hasattr(value, "item") else str(value)


def read_audit_input(path: Path) -> AuditInput | None:
    """The findings and pooled cohorts ``audit_input_text`` wrote at ``path``; None where there is no such
    file or it was written by another version of the package (whose findings may differ)."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("version") != __version__:
        return None
    table = pd.DataFrame(saved["rows"], columns=saved["columns"], index=saved["index"]).astype(saved["dtypes"])
    pooled = {(item, role): tuple(labels) for item, role, labels in saved["pooled"]}
    return table, pooled


def published_levels(root: Path | str, cohorts: Sequence[tuple[str, int]], regions: Sequence[str],
                     national: bool, settings: Settings = DEFAULTS, public_root: Path | str | None = None,
                     mapper: Mapper = map) -> list[Level]:
    """Every unit's findings and the public findings it has written under ``public_root`` (the project's
    ``reports/`` unless given: ``publish-all`` reads its shadow), as a hierarchy. Each unit's findings are
    those its publish wrote beside its public ones (``ReportFiles.audit_input``); a unit without them (published
    by an older version) has them computed again from the raw files, which the runs have just validated,
    with the run's ``settings``. ``mapper``: how those are computed, ``map`` in this process or a pool's
    ``map`` over the command's workers (each cohort and each level on its own: no part needs another's)."""
    root = Path(root)
    reports = (Path(public_root) if public_root is not None else root) / "reports"
    levels = [*regions, *([NATIONAL] if national else [])]
    folders = {**{cohort_unit(r, c): reports / r / f"cohort-{int(c)}" for r, c in cohorts},
               **{level: reports / level for level in levels}}
    found = {unit: read_audit_input(ReportFolder(folder).audit_input) for unit, folder in folders.items()}
    again = [level for level in levels if found[level] is None]
    loads = [(r, c) for r, c in cohorts
             if found[cohort_unit(r, c)] is None or any(level in (NATIONAL, r) for level in again)]
    people = {}
    for (r, c), (rows, computed) in zip(loads, mapper(_cohort_part, *zip(*[(root, r, c, settings) for r, c in loads],
                                                                          strict=True)) if loads else [],
                                        strict=True):  # type: ignore[misc]
        people[(r, c)] = rows
        found[cohort_unit(r, c)] = found[cohort_unit(r, c)] or computed
    tables = [pd.concat([rows for (r, _), rows in people.items() if level in (NATIONAL, r)], ignore_index=True)
              for level in again]
    for level, computed in zip(again, mapper(_level_part, tables, again, [settings] * len(again)), strict=True):
        found[level] = computed  # type: ignore[assignment]
    parents = {**{cohort_unit(r, c): r for r, c in cohorts},
               **{level: NATIONAL if national and level != NATIONAL else None for level in levels}}
    return [Level(unit, parents[unit], found[unit][0], read_public(folder / ReportFiles.PUBLIC_FINDINGS),  # type: ignore[index]
                  found[unit][1])  # type: ignore[index]
            for unit, folder in folders.items() if (folder / ReportFiles.PUBLIC_FINDINGS).is_file()]


def pooling_after_audit(levels: list[Level], protected: Mapping[str, pd.DataFrame],
                        rule: DisclosureRule = DISCLOSURE) -> dict[str, pd.DataFrame]:
    """The region and national tables whose pooled statistics must be hidden once the cross-level audit
    has hidden more cohort changes (``protected``, its changes), with those tables: a pooling of hidden
    cohorts gives their changes away whatever hid them, and a meta-regression fits every hidden
    cohort (``control.hide_over_hidden``); and a level's section 8 figures over the people of a cohort
    that now withholds its own (``control.hide_people_over_hidden``)."""
    final = {level.unit: protected.get(level.unit, level.safe) for level in levels}
    cohorts = [level.unit for level in levels if "/" in level.unit]
    written = [final[unit] for unit in cohorts]
    hidden, rows = hidden_changes_of(written, rule), hidden_rows_of(written, rule)
    more = {}
    for level in levels:
        if "/" in level.unit:
            continue
        members = {unit_label(unit) for unit in cohorts if level.unit == NATIONAL or unit.startswith(f"{level.unit}/")}
        safe = hide_people_over_hidden(final[level.unit], members, rows, rule)
        if level.pooled:
            safe = hide_over_hidden(safe, count_hidden(level.pooled, hidden), rule)
        if not safe["value"].equals(final[level.unit]["value"]):
            more[level.unit] = safe
    return more


def cross_level_changes(levels: list[Level], rule: DisclosureRule = DISCLOSURE,
                        mapper: Mapper | None = None) -> dict[str, pd.DataFrame]:
    """The units whose public findings must hide more once every table is audited together, with the
    protected findings for each. With ``mapper`` (a pool's ``map``), the audit runs in parts over the
    command's workers (``parts.AuditInParts``: at a thousand cohorts one programme of every table would
    take hours); without it, as one programme of every table (``differencing.audit_levels``)."""
    in_parts = {} if mapper is None else {"auditor": AuditInParts(mapper), "siblings": False}
    protected = {unit: tag_withheld(safe, "across_levels", rule)
                 for unit, safe in protect_levels(levels, rule, reveal=revealer(rule), **in_parts).items()}
    return {level.unit: protected[level.unit] for level in levels
            if not protected[level.unit]["value"].equals(level.safe["value"])
            or not protected[level.unit]["n"].equals(level.safe["n"])}
