"""Public findings for a whole hierarchy of reports at once: cohorts, their regions, the nation.

Each table is first made safe on its own (``disclosure.control.public_findings``); then the differencing
audit runs over all of them together (``differencing.protect_levels``), so that no hidden figure
can be worked out from another level's table: a national total less the published regions, a
region less its published cohorts. ``make publish-all`` writes what this returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from rm_research.core.config import DEFAULTS, DISCLOSURE, DisclosureRule, Settings
from rm_research.core.paths import NATIONAL, ReportFiles
from rm_research.disclosure.categories import publishable
from rm_research.disclosure.control import public_findings, public_level_findings, read_public
from rm_research.disclosure.differencing import Level, protect_levels
from rm_research.findings.cohort import cohort_findings
from rm_research.findings.level import level_results, person_table
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
    regions = sorted({c.paths.region for c in cohorts})
    for region in regions:
        members = [c for c in cohorts if c.paths.region == region]
        results = level_results(person_table(members), region)
        levels.append(Level(region, NATIONAL, results.findings, public_level_findings(results, rule)))
    results = level_results(person_table(list(cohorts)), NATIONAL)
    levels.append(Level(NATIONAL, None, results.findings, public_level_findings(results, rule)))
    return levels


def load_all(root: Path | str, keys: Iterable[tuple[str, int]]) -> list[LoadedCohort]:
    """The cohorts ``keys`` (region, cohort), validated and tidied."""
    return [load_cohort(root, region, int(cohort)) for region, cohort in keys]


def published_levels(root: Path | str, cohorts: Sequence[tuple[str, int]], regions: Sequence[str],
                     national: bool, settings: Settings = DEFAULTS) -> list[Level]:
    """Every unit's findings (computed again from the raw files, which the runs have just validated,
    with the run's ``settings``) and the public findings it has written, as a hierarchy."""
    root = Path(root)
    loaded = load_all(root, cohorts)
    units = [(cohort_unit(c.paths.region, c.paths.cohort), c.paths.region, c.paths.reports,
              publishable(cohort_findings(c, settings.analysis), settings.disclosure)) for c in loaded]
    for region in regions:
        members = [c for c in loaded if c.paths.region == region]
        units.append((region, NATIONAL if national else None, root / "reports" / region,
                      level_results(person_table(members), region, settings.analysis).findings))
    if national:
        units.append((NATIONAL, None, root / "reports" / NATIONAL,
                      level_results(person_table(loaded), NATIONAL, settings.analysis).findings))
    return [Level(unit, parent, findings, read_public(folder / ReportFiles.PUBLIC_FINDINGS))
            for unit, parent, folder, findings in units if (folder / ReportFiles.PUBLIC_FINDINGS).is_file()]


def cross_level_changes(levels: list[Level], rule: DisclosureRule = DISCLOSURE) -> dict[str, pd.DataFrame]:
    """The units whose public findings must hide more once every table is audited together, with the
    protected findings for each."""
    protected = protect_levels(levels, rule)
    return {level.unit: protected[level.unit] for level in levels
            if not protected[level.unit]["value"].equals(level.safe["value"])
            or not protected[level.unit]["n"].equals(level.safe["n"])}
