"""Typing and tidying validated tables: the contract's tolerance (case, spellings) made uniform,
each column by its kind in the contract's one spec (``contract.spec``).

Functions here assume ``validate.validate_cohort`` has passed, so every conversion succeeds.
Only the contract's columns are kept: extra columns an export carries (names, e-mails) never
reach ``data/processed/`` or a report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from rm_research.contract.schemas import list_items
from rm_research.contract.spec import FILES, SPEC, ColumnSpec, Kind
from rm_research.core import config
from rm_research.ingest.validate import RawCohort


@dataclass(frozen=True)
class Cohort:
    """A validated cohort as typed, tidy tables, by contract file name (``spec.SPEC``). The three
    required files are attributes; so is every optional file (None where it was not supplied)."""

    supplied: Mapping[str, pd.DataFrame]

    def __post_init__(self) -> None:
        unknown = sorted(set(self.supplied) - set(SPEC))
        missing = [file.name for file in FILES if file.required and file.name not in self.supplied]
        if unknown or missing:
            raise ValueError(f"not a cohort: unknown files {unknown}, required files missing {missing}")

    @property
    def participants(self) -> pd.DataFrame:
        """Participants.csv, typed (a required file: always supplied)."""
        return self.supplied["participants"]

    @property
    def enrolment(self) -> pd.DataFrame:
        """The enrolment survey, typed (a required file: always supplied)."""
        return self.supplied["enrolment"]

    @property
    def end_survey(self) -> pd.DataFrame:
        """The end-of-programme survey, typed (a required file: always supplied)."""
        return self.supplied["end_survey"]

    @property
    def start(self) -> pd.Timestamp | None:
        """When the cohort started: its earliest enrolment-survey date (None where no date is recorded)."""
        return _earliest_or_latest([self.enrolment], earliest=True)

    @property
    def end(self) -> pd.Timestamp | None:
        """When the cohort ended: its latest end-survey or mentoring-session date (None where none is recorded)."""
        return _earliest_or_latest([self.end_survey, self.supplied.get("mentoring_sessions")], earliest=False)

    def __getattr__(self, name: str) -> pd.DataFrame | None:
        """An optional file's table, None where it was not supplied."""
        if name.startswith("_") or name == "supplied" or name not in SPEC:
            raise AttributeError(name)
        return self.supplied.get(name)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables that were supplied, by contract name, in the contract's order."""
        return {file.name: self.supplied[file.name] for file in FILES if file.name in self.supplied}

    def replaced(self, **tables: pd.DataFrame | None) -> Cohort:
        """This cohort with ``tables`` in place of its own (None: not supplied)."""
        merged = {**self.supplied, **tables}
        return Cohort({name: table for name, table in merged.items() if table is not None})


YES_NO = {**dict.fromkeys(config.YES_SPELLINGS, True), **dict.fromkeys(config.NO_SPELLINGS, False)}


def yes_no(values: pd.Series) -> pd.Series:
    """Contract yes/no spellings to a nullable boolean (blank stays missing)."""
    return values.astype("string").str.casefold().map(YES_NO).astype("boolean")


def whole_numbers(values: pd.Series) -> pd.Series:
    """Validated whole-number text (``"8"``, ``"8.0"``) to nullable integers."""
    return pd.to_numeric(values, errors="coerce").round().astype("Int64")


def canonical(values: pd.Series, allowed: tuple[str, ...]) -> pd.Series:
    """Case-insensitive matches of ``allowed`` written as the contract spells them."""
    lookup = {a.casefold(): a for a in allowed}
    return values.astype("string").str.casefold().map(lookup).astype("string")


def split_list(values: pd.Series, allowed: tuple[str, ...] | None = None) -> pd.Series:
    """A multi-select cell (``schemas.list_items``: ``;``-separated, or as Google Forms writes a
    question with fixed options) to a list of items (canonical spelling when ``allowed`` is given)."""
    lookup = {a.casefold(): a for a in allowed} if allowed else None

    def split(cell: str) -> object:
        items = list_items(cell, allowed)
        if not items:  # a cell holding only separators answers nothing
            return pd.NA
        return [lookup[i.casefold()] for i in items] if lookup else items

    # answers repeat (a few areas, a few resources): split each distinct cell once, not every row
    distinct = {cell: split(str(cell)) for cell in values.dropna().unique()}
    return values.map(distinct, na_action="ignore").where(values.notna(), pd.NA)


def dates(values: pd.Series) -> pd.Series:
    """Validated ISO dates to day-resolution timestamps: the date part is the first ten characters
    (year-month-day), so any time or zone after it is dropped as the local date written."""
    return pd.to_datetime(values.astype("string").str.slice(0, 10), format="%Y-%m-%d", errors="coerce")


def _column(raw: pd.DataFrame, column: ColumnSpec) -> pd.Series:
    """One contract column of a validated table, typed by its kind; absent, it is all blank."""
    values = raw[column.name] if column.name in raw else pd.Series(pd.NA, index=raw.index, dtype="string")
    if column.kind is Kind.CHOICE:
        typed = canonical(values, column.allowed)
    elif column.kind is Kind.LIST:
        typed = split_list(values, column.allowed or None)
    elif column.kind is Kind.YES_NO:
        typed = yes_no(values)
    elif column.kind is Kind.WHOLE:
        typed = whole_numbers(values)
    elif column.kind is Kind.DATE:
        typed = dates(values)
    else:
        typed = values.astype("string")
    return typed if column.blank_means is None else typed.fillna(column.blank_means)


def tidy_table(name: str, raw: pd.DataFrame) -> pd.DataFrame:
    """Contract file ``name``, validated, as a typed table of its contract columns in the contract's
    order (``spec.SPEC``): choices in the contract's spelling, lists split, yes/no as booleans, whole
    numbers as integers, dates as days, a blank read as the column's ``blank_means`` where it has
    one (a blank status is ``enrolled``, a blank consent to quotes is no). The spreadsheet's row index
    is kept, so that tidy rows can still be traced to raw rows."""
    return pd.DataFrame({column.name: _column(raw, column) for column in SPEC[name].columns}, index=raw.index)


def tidy_cohort(raw: RawCohort) -> Cohort:
    """Type every supplied table of a validated cohort."""
    return Cohort({name: tidy_table(name, table) for name, table in raw.tables.items()})


def _earliest_or_latest(tables: list[pd.DataFrame | None], earliest: bool) -> pd.Timestamp | None:
    found = [table["date"].dropna() for table in tables if table is not None and "date" in table]
    values = pd.concat(found) if found else pd.Series(dtype="datetime64[ns]")
    if values.empty:
        return None
    return values.min() if earliest else values.max()
