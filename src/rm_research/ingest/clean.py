"""Typing and tidying validated tables: the contract's tolerance (case, spellings) made uniform.

Functions here assume ``validate.validate_cohort`` has passed, so every conversion succeeds.
Only the contract's columns are kept: extra columns an export carries (names, e-mails) never
reach ``data/processed/`` or a report.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from rm_research.contract.schemas import list_items
from rm_research.core import config
from rm_research.ingest.validate import RawCohort

TEXT_COLUMNS = {
    "participants": ["ethnicity_detail", "band", "heard_via"],
    "enrolment": ["hopes_contribute", "hopes_gain"],
    "end_survey": ["missed_reason", *config.FREE_TEXT_QUESTIONS],
    "mentoring_sessions": ["missed_reason"],
    "training": ["resources_needed", "comments"],
    "themes": ["theme", "coder"],
    "observations": ["finding", "method"],
}


@dataclass(frozen=True)
class Cohort:
    """A validated cohort as typed, tidy tables (``None`` for an optional file not supplied)."""

    participants: pd.DataFrame
    enrolment: pd.DataFrame
    end_survey: pd.DataFrame
    mentoring_sessions: pd.DataFrame | None = None
    psych_sessions: pd.DataFrame | None = None
    training: pd.DataFrame | None = None
    themes: pd.DataFrame | None = None
    observations: pd.DataFrame | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables that were supplied, by contract name."""
        found = {f.name: getattr(self, f.name) for f in fields(self)}
        return {name: table for name, table in found.items() if table is not None}


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


def _frame(raw: pd.DataFrame, columns: dict[str, pd.Series]) -> pd.DataFrame:
    """Keep the spreadsheet's row index so tidy rows can still be traced to raw rows."""
    return pd.DataFrame(columns, index=raw.index)


def _text(raw: pd.DataFrame, column: str) -> pd.Series:
    return raw[column].astype("string") if column in raw else pd.Series(pd.NA, index=raw.index, dtype="string")


def _get(raw: pd.DataFrame, column: str) -> pd.Series:
    return raw[column] if column in raw else pd.Series(pd.NA, index=raw.index, dtype="string")


def participants(raw: pd.DataFrame) -> pd.DataFrame:
    """The participants table typed: role, ethnic group and status in the contract's spelling (a blank
    status is ``enrolled``), areas of work as lists, consent to quotes yes or no (blank is no)."""
    status = canonical(_get(raw, "status"), config.STATUSES).fillna("enrolled")
    return _frame(raw, {
        "participant_id": _text(raw, "participant_id"),
        "role": canonical(raw["role"], config.ROLES),
        "pair_id": _text(raw, "pair_id"),
        "ethnic_group": canonical(_get(raw, "ethnic_group"), config.ETHNIC_GROUPS),
        **{c: _text(raw, c) for c in TEXT_COLUMNS["participants"]},
        "areas_of_work": split_list(_get(raw, "areas_of_work"), config.AREAS_OF_WORK),
        "status": status,
        "consent_quotes": yes_no(_get(raw, "consent_quotes")).fillna(False),
    })


def _survey(raw: pd.DataFrame, name: str, extra: dict[str, pd.Series]) -> pd.DataFrame:
    return _frame(raw, {
        "participant_id": _text(raw, "participant_id"),
        "date": dates(_get(raw, "date")),
        **{item: whole_numbers(_get(raw, item)) for item in config.RATING_ITEMS},
        **extra,
        **{c: _text(raw, c) for c in TEXT_COLUMNS[name]},
    })


def enrolment(raw: pd.DataFrame) -> pd.DataFrame:
    """The enrolment survey typed: the date, and each rating as a whole number."""
    return _survey(raw, "enrolment", {})


def end_survey(raw: pd.DataFrame) -> pd.DataFrame:
    """The end-of-programme survey typed: as ``enrolment``, plus sessions reported and the yes/no items."""
    return _survey(raw, "end_survey", {
        "sessions_reported": whole_numbers(_get(raw, "sessions_reported")),
        **{item: yes_no(_get(raw, item)) for item in config.YES_NO_ITEMS},
    })


def mentoring_sessions(raw: pd.DataFrame) -> pd.DataFrame:
    """The pairs' session log typed: session number and minutes as whole numbers, ``held`` yes or no."""
    return _frame(raw, {
        "pair_id": _text(raw, "pair_id"),
        "session_no": whole_numbers(raw["session_no"]),
        "date": dates(_get(raw, "date")),
        "duration_min": whole_numbers(_get(raw, "duration_min")),
        "held": yes_no(raw["held"]),
        "missed_reason": _text(raw, "missed_reason"),
    })


def psych_sessions(raw: pd.DataFrame) -> pd.DataFrame:
    """The psychological sessions' attendance typed: session number, ``attended`` yes or no."""
    return _frame(raw, {
        "participant_id": _text(raw, "participant_id"),
        "psych_session_no": whole_numbers(raw["psych_session_no"]),
        "attended": yes_no(raw["attended"]),
    })


def training(raw: pd.DataFrame) -> pd.DataFrame:
    """The training feedback typed: the rating as a whole number, resources needed as lists."""
    return _frame(raw, {
        "participant_id": _text(raw, "participant_id"),
        "rating": whole_numbers(_get(raw, "rating")),
        "resources_needed": split_list(_get(raw, "resources_needed")),
        "comments": _text(raw, "comments"),
    })


def themes(raw: pd.DataFrame) -> pd.DataFrame:
    """The coded free-text answers typed: the question in the contract's spelling."""
    return _frame(raw, {
        "participant_id": _text(raw, "participant_id"),
        "question": canonical(raw["question"], config.FREE_TEXT_QUESTIONS),
        **{c: _text(raw, c) for c in TEXT_COLUMNS["themes"]},
    })


def observations(raw: pd.DataFrame) -> pd.DataFrame:
    """The ReMEDI observations typed: level and kind in the contract's spelling."""
    return _frame(raw, {
        "pair_id": _text(raw, "pair_id"),
        "level": canonical(raw["level"], config.OBSERVATION_LEVELS),
        "kind": canonical(raw["kind"], config.OBSERVATION_KINDS),
        **{c: _text(raw, c) for c in TEXT_COLUMNS["observations"]},
    })


CLEANERS = {
    "participants": participants,
    "enrolment": enrolment,
    "end_survey": end_survey,
    "mentoring_sessions": mentoring_sessions,
    "psych_sessions": psych_sessions,
    "training": training,
    "themes": themes,
    "observations": observations,
}


def tidy_cohort(raw: RawCohort) -> Cohort:
    """Type every supplied table of a validated cohort."""
    return Cohort(**{name: CLEANERS[name](table) for name, table in raw.tables.items()})
