"""Public findings for a whole hierarchy of reports at once: cohorts, their regions, the nation.

Each table is first made safe on its own (``disclosure.control.public_findings``); then the differencing
audit runs over all of them together (``differencing.protect_levels``), so that no hidden figure
can be worked out from another level's table: a national total less the published regions, a
region less its published cohorts. ``make publish-all`` writes what this returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from rm_research.core.config import DEFAULTS, DISCLOSURE, DisclosureRule, Settings
from rm_research.core.paths import NATIONAL, ReportFiles
from rm_research.disclosure.categories import publishable
from rm_research.disclosure.control import (
    hidden_changes_of,
    hide_invertible_pooling,
    public_findings,
    public_level_findings,
    read_public,
    revealer,
    tag_withheld,
)
from rm_research.disclosure.differencing import Level, protect_levels
from rm_research.findings.cohort import cohort_findings
from rm_research.findings.level import count_hidden, level_results, person_table, pooled_labels
from rm_research.ingest.load import LoadedCohort, load_cohort


def cohort_unit(region: str, cohort: int) -> str:
    """The unit name of a cohort's table in the hierarchy."""
    return f"{region}/{int(cohort)}"


def hierarchy(cohorts: Sequence[LoadedCohort], rule: DisclosureRule = DISCLOSURE) -> list[Level]:
    """Every cohort's, region's and the national table, each made safe on its own."""

    # the audit pairs each table's true rows with its published ones: both with rare answers merged
    levels = [Level(cohort_unit(c.paths.region, c.paths.cohort), c.paths.region, findings,
                    public_findings(findings, rule))
              for c in cohorts for findings in [publishable(cohort_findings(c), rule)]]
    # a pooled figure may not give away a change that a cohort's public table hides, for any reason
    hidden = hidden_changes_of([level.safe.assign(region=c.paths.region, cohort=c.paths.cohort)
                                for level, c in zip(levels, cohorts, strict=True)], rule)
    regions = sorted({c.paths.region for c in cohorts})
    for region in regions:
        members = [c for c in cohorts if c.paths.region == region]
        results = level_results(person_table(members), region)
        levels.append(Level(region, NATIONAL, results.findings, public_level_findings(results, rule, hidden)))
    results = level_results(person_table(list(cohorts)), NATIONAL)
    levels.append(Level(NATIONAL, None, results.findings, public_level_findings(results, rule, hidden)))
    return levels


def load_all(root: Path | str, keys: Iterable[tuple[str, int]]) -> list[LoadedCohort]:
    """The cohorts ``keys`` (region, cohort), validated and tidied."""
    return [load_cohort(root, region, int(cohort)) for region, cohort in keys]


Mapper = Callable[..., Iterable[object]]


def _cohort_part(root: Path, region: str, cohort: int, settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One cohort's person-table rows and its findings as the audit reads them (rare answers merged)."""
    loaded = load_cohort(root, region, int(cohort))
    return person_table([loaded]), publishable(cohort_findings(loaded, settings.analysis), settings.disclosure)


def _level_part(people: pd.DataFrame, level: str, settings: Settings) -> tuple[pd.DataFrame, dict]:
    """A region's or the nation's findings and which cohorts each pooled figure pools."""
    results = level_results(people, level, settings.analysis)
    return results.findings, pooled_labels(results.analyses)


def published_levels(root: Path | str, cohorts: Sequence[tuple[str, int]], regions: Sequence[str],
                     national: bool, settings: Settings = DEFAULTS, public_root: Path | str | None = None,
                     mapper: Mapper = map) -> list[Level]:
    """Every unit's findings (computed again from the raw files, which the runs have just validated,
    with the run's ``settings``) and the public findings it has written under ``public_root`` (the
    project's ``reports/`` unless given: ``publish-all`` reads its shadow), as a hierarchy. ``mapper``:
    how the cohorts' and the levels' findings are computed, ``map`` in this process or a pool's ``map``
    over the command's workers (each cohort and each level on its own: at a thousand cohorts this is
    most of the audit's time, and no part needs another's)."""
    root = Path(root)
    public = Path(public_root) if public_root is not None else root
    parts = list(mapper(_cohort_part, *zip(*[(root, r, c, settings) for r, c in cohorts], strict=True)))
    people = {key: rows for key, (rows, _) in zip(cohorts, parts, strict=True)}  # type: ignore[misc]
    units = [(cohort_unit(r, c), r, public / "reports" / r / f"cohort-{int(c)}", findings, {})
             for (r, c), (_, findings) in zip(cohorts, parts, strict=True)]  # type: ignore[misc]
    levels = [*regions, *([NATIONAL] if national else [])]
    tables = [pd.concat([rows for (r, _), rows in people.items() if level in (NATIONAL, r)], ignore_index=True)
              for level in levels]
    for level, (findings, pooled) in zip(levels, mapper(_level_part, tables, levels, [settings] * len(levels)),
                                         strict=True):  # type: ignore[misc]
        parent = NATIONAL if national and level != NATIONAL else None
        units.append((level, parent, public / "reports" / level, findings, pooled))
    return [Level(unit, parent, findings, read_public(folder / ReportFiles.PUBLIC_FINDINGS), pooled)
            for unit, parent, folder, findings, pooled in units if (folder / ReportFiles.PUBLIC_FINDINGS).is_file()]


def pooling_after_audit(levels: list[Level], protected: Mapping[str, pd.DataFrame],
                        rule: DisclosureRule = DISCLOSURE) -> dict[str, pd.DataFrame]:
    """The region and national tables whose pooled statistics must be hidden once the cross-level audit
    has hidden more cohort changes (``protected``, its changes): a pooling of 1 or 2 hidden cohorts gives
    their changes away whatever hid them (``control.hide_invertible_pooling``), with those tables."""
    final = {level.unit: protected.get(level.unit, level.safe) for level in levels}
    hidden = hidden_changes_of([final[level.unit] for level in levels if "/" in level.unit], rule)
    more = {}
    for level in levels:
        if "/" in level.unit or not level.pooled:
            continue
        safe = tag_withheld(hide_invertible_pooling(final[level.unit], count_hidden(level.pooled, hidden), rule),
                            "pooling", rule)
        if not safe["value"].equals(final[level.unit]["value"]):
            more[level.unit] = safe
    return more


def cross_level_changes(levels: list[Level], rule: DisclosureRule = DISCLOSURE) -> dict[str, pd.DataFrame]:
    """The units whose public findings must hide more once every table is audited together, with the
    protected findings for each."""
    protected = {unit: tag_withheld(safe, "across_levels", rule)
                 for unit, safe in protect_levels(levels, rule, reveal=revealer(rule)).items()}
    return {level.unit: protected[level.unit] for level in levels
            if not protected[level.unit]["value"].equals(level.safe["value"])
            or not protected[level.unit]["n"].equals(level.safe["n"])}
