"""Every cohort at once, for researchers: tidy tables and findings ready for pandas (issue 11).

``load_all()`` validates and tidies every ``data/raw/<region>/cohort-<N>/`` (``core.paths.discover``)
and stacks each tidy table, and the findings, with ``region`` and ``cohort`` columns in front. A cohort
whose files break the contract is left out and listed with its problems, never raised, so that one bad
cohort does not stop the exploration of the others.

These tables hold participant and pair codes, so that tables can be joined: they are for analysis,
not for showing. Reports never show them (``tables`` and the report notebooks do that).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from rm_research.core.paths import discover, project_root
from rm_research.core.problems import DataError, Problem
from rm_research.findings.cohort import cohort_findings
from rm_research.findings.table import FINDINGS_COLUMNS
from rm_research.ingest.load import LoadedCohort, load_cohort

#: The columns every stacked table starts with.
COHORT_COLUMNS = ["region", "cohort"]
#: The columns that identify people or pairs: for joining tables, never for display.
IDENTIFIER_COLUMNS = ("participant_id", "pair_id")
#: The order roles are shown in, where a table has a column per role.
ROLE_ORDER = ("mentor", "mentee", "all")


@dataclass(frozen=True)
class AllCohorts:
    """Every valid cohort's tidy tables and findings, stacked, and the cohorts left out with their problems."""

    tables: dict[str, pd.DataFrame]
    findings: pd.DataFrame
    invalid: dict[tuple[str, int], list[Problem]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # folders under data/raw passed over, and why

    def __getitem__(self, name: str) -> pd.DataFrame:
        """A stacked tidy table by its contract name: ``data["end_survey"]``."""
        return self.tables[name]

    @property
    def cohorts(self) -> pd.DataFrame:
        """One row per valid cohort: region, cohort and the number of participants."""
        participants = self.tables.get("participants", pd.DataFrame(columns=COHORT_COLUMNS))
        return participants.groupby(COHORT_COLUMNS, sort=True).size().rename("participants").reset_index()

    def cohort(self, region: str, cohort: int) -> dict[str, pd.DataFrame]:
        """One cohort's tidy tables (without the region and cohort columns), as ``load_cohort`` gives them.

        Raises ``LookupError`` saying why when the cohort is not among the valid ones.
        """
        key = (region, int(cohort))
        if key in self.invalid:
            raise LookupError(f"{region} cohort {cohort} breaks the data contract ({len(self.invalid[key])} "
                              f"problem(s): see .problems(), or run make check-data REGION={region} COHORT={cohort})")
        tables = {name: of_cohort(table, region, cohort) for name, table in self.tables.items()}
        found = {name: table for name, table in tables.items() if not table.empty}
        if not found:
            raise LookupError(f"no cohort folder data/raw/{region}/cohort-{cohort}/ was found; the cohorts found "
                              f"are listed in .cohorts")
        return found

    def problems(self) -> pd.DataFrame:
        """Every problem of the cohorts left out, one row each: region, cohort, file, row, column, message."""
        rows = [(region, cohort, p.file, p.row, p.column, p.message)
                for (region, cohort), problems in sorted(self.invalid.items()) for p in problems]
        return pd.DataFrame(rows, columns=[*COHORT_COLUMNS, "file", "row", "column", "message"])


def with_cohort_columns(table: pd.DataFrame, region: str, cohort: int) -> pd.DataFrame:
    """``table`` with ``region`` and ``cohort`` columns in front (a table that already has them is returned as is)."""
    if set(COHORT_COLUMNS) <= set(table.columns):
        return table
    front = pd.DataFrame({"region": pd.Series(region, index=table.index, dtype="string"),
                          "cohort": pd.Series(cohort, index=table.index, dtype="int64")})
    return pd.concat([front, table], axis=1)


def of_cohort(table: pd.DataFrame, region: str, cohort: int) -> pd.DataFrame:
    """The rows of a stacked ``table`` from one cohort, without the region and cohort columns."""
    rows = (table["region"] == region) & (table["cohort"] == int(cohort))
    return table.loc[rows].drop(columns=COHORT_COLUMNS).reset_index(drop=True)


def stack_tables(cohorts: Iterable[LoadedCohort]) -> dict[str, pd.DataFrame]:
    """Each contract table of ``cohorts`` concatenated, with region and cohort columns; a table no cohort
    supplied is absent."""
    pieces: dict[str, list[pd.DataFrame]] = {}
    for loaded in cohorts:
        for name, table in loaded.cohort.tables().items():
            pieces.setdefault(name, []).append(with_cohort_columns(table, loaded.paths.region, loaded.paths.cohort))
    return {name: pd.concat(parts, ignore_index=True) for name, parts in pieces.items()}


def stack_findings(findings: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Cohorts' findings tables one under the other (the contract's columns when there are none)."""
    tables = [table for table in findings if not table.empty]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=FINDINGS_COLUMNS)


def load_all(root: Path | str | None = None, region: str | None = None) -> AllCohorts:
    """Validate, tidy and compute the findings of every cohort under ``root/data/raw`` (only ``region``'s
    when given; ``root`` defaults to the project folder found from here). Cohorts whose files break the
    contract are left out and listed in ``invalid`` with their problems."""
    root = Path(root) if root is not None else project_root()
    found = discover(root, region)
    loaded: list[LoadedCohort] = []
    findings: list[pd.DataFrame] = []
    invalid: dict[tuple[str, int], list[Problem]] = {}
    for cohort in found.cohorts:
        try:
            one = load_cohort(root, cohort.region, cohort.cohort)
        except DataError as error:
            invalid[(cohort.region, cohort.cohort)] = list(error.problems)
            continue
        loaded.append(one)
        findings.append(cohort_findings(one))
    return AllCohorts(stack_tables(loaded), stack_findings(findings), invalid, found.notes)


def compare_cohorts(findings: pd.DataFrame, measure: str, statistic: str) -> pd.DataFrame:
    """One findings statistic across cohorts: a row per region and cohort, a column per role (mentor,
    mentee, all), e.g. ``compare_cohorts(data.findings, "conf_senior", "change_mean")``."""
    rows = findings[(findings["measure"] == measure) & (findings["statistic"] == statistic)]
    table = rows.pivot(index=COHORT_COLUMNS, columns="role", values="value")
    table = table[[role for role in ROLE_ORDER if role in table.columns]]
    table.columns.name = None
    return table


def without_identifiers(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` without participant and pair codes: what may be looked at on a shared screen."""
    return table.drop(columns=[c for c in IDENTIFIER_COLUMNS if c in table.columns])
