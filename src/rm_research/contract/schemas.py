"""Pandera schemas for the contract's files (``spec.SPEC``), checked on the raw text before any typing.

Each check's ``name`` is what a valid value looks like, in words; ``validate`` quotes it back to
the evaluator beside the offending cell. Every check is vectorised, or (for the ``;``-separated
lists) evaluated once per distinct cell, so that a million rows take seconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
import pandera.pandas as pa

from rm_research.contract.spec import SPEC, ColumnSpec, Kind
from rm_research.core import config

WHOLE_NUMBER = r"\d+(?:\.0+)?"  # Excel writes a whole number typed in a cell as "8" or "8.0"
WHOLE_NUMBER_PATTERN = re.compile(WHOLE_NUMBER, re.ASCII)

def whole_number(low: int, high: int | None = None) -> pa.Check:
    """A whole number in ``[low, high]`` (no upper bound when ``high`` is None; every column of the
    contract has one, see ``spec.MAX_SESSIONS`` and ``spec.MAX_DURATION_MIN``)."""
    wording = f"a whole number from {low} to {high}" if high is not None else (
        f"a whole number of at least {low}"
    )

    def valid(cell: str) -> bool:
        if not WHOLE_NUMBER_PATTERN.fullmatch(cell):
            return False
        digits = cell.partition(".")[0].lstrip("0") or "0"
        # exact integers, no float rounding; a 4,300-digit cell would even make int() refuse
        return len(digits) <= 20 and low <= int(digits) and (high is None or int(digits) <= high)

    return pa.Check(lambda values: by_distinct_cell(values, valid), name=wording)


def one_of(allowed: Iterable[str]) -> pa.Check:
    """One of ``allowed``, ignoring case and surrounding spaces."""
    allowed = tuple(allowed)
    folded = {a.casefold() for a in allowed}
    return pa.Check(
        lambda values: by_distinct_cell(values, lambda cell: cell.casefold() in folded),
        name="one of: " + ", ".join(allowed),
    )


def yes_no() -> pa.Check:
    """A yes/no answer in any of the contract's spellings."""
    spellings = config.YES_SPELLINGS | config.NO_SPELLINGS
    return pa.Check(
        lambda values: by_distinct_cell(values, lambda cell: cell.casefold() in spellings),
        name="yes or no (y/n, true/false and 1/0 are accepted too)",
    )


def parse_date(cell: str) -> pd.Timestamp | None:
    """One ISO 8601 date (a time and zone may follow), or None; cell by cell, so one odd cell
    cannot make pandas reject the whole column."""
    try:
        stamp = pd.Timestamp(cell)
    except (ValueError, TypeError):
        return None
    if not ISO_DATE.match(cell) or pd.isna(stamp):
        return None
    return stamp.tz_localize(None) if stamp.tzinfo else stamp


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:$|[T ])")


def are_iso_dates(values: pd.Series) -> pd.Series:
    """Whether each cell is a date ``parse_date`` accepts, vectorised: pandas parses the whole column
    at once, and only cells it rejects are tried one by one (so the two can never disagree)."""
    text = values.astype(str)
    shaped = text.str.match(ISO_DATE.pattern).fillna(False).astype(bool)
    parsed = pd.to_datetime(text.where(shaped), format="ISO8601", errors="coerce", utc=True).notna()
    verdict = shaped & parsed
    retry = shaped & ~parsed
    if retry.any():
        verdict[retry] = text[retry].map(lambda cell: parse_date(cell) is not None).astype(bool)
    return verdict.astype(bool)


def iso_date() -> pa.Check:
    """A date written year-month-day, e.g. 2021-03-31."""
    def check(values: pd.Series) -> pd.Series:
        codes, uniques = pd.factorize(values)  # dates repeat: parse each distinct cell once
        verdict = np.append(are_iso_dates(pd.Series(uniques, dtype=object)).to_numpy(dtype=bool), False)
        return pd.Series(verdict[codes], index=values.index)

    return pa.Check(check, name="a date written year-month-day, e.g. 2021-03-31")


def by_distinct_cell(values: pd.Series, predicate: Callable[[str], bool]) -> pd.Series:
    """``predicate`` of each cell, evaluated once per distinct cell: survey columns repeat a few
    answers over thousands of rows, so this is linear in rows with a small Python cost."""
    codes, uniques = pd.factorize(values)
    verdict = np.fromiter((predicate(str(cell)) for cell in uniques), dtype=bool, count=len(uniques))
    return pd.Series(np.where(codes >= 0, verdict[codes.clip(0)], False), index=values.index)


def list_items(cell: str, options: Iterable[str] | None = None) -> list[str]:
    """The items of a multi-select answer, trimmed: ``;``-separated as the contract and Microsoft
    Forms write them (Forms ends the list with a ``;`` too). For a question with fixed ``options``,
    none of which holds a comma, a cell without ``;`` whose ``,``-separated pieces are all options
    is read as Google Forms writes it ("People management, Communications")."""
    items = [item.strip() for item in cell.split(";") if item.strip()]
    if options is None or ";" in cell or "," not in cell:
        return items
    folded = {option.casefold() for option in options}
    if all(item.casefold() in folded for item in items):
        return items
    pieces = [piece.strip() for piece in cell.split(",") if piece.strip()]
    return pieces if all(piece.casefold() in folded for piece in pieces) else items


def list_of(allowed: Iterable[str]) -> pa.Check:
    """A multi-select answer (``list_items``) whose every item is one of ``allowed`` (case-insensitive)."""
    allowed = tuple(allowed)
    folded = {a.casefold() for a in allowed}

    def check(values: pd.Series) -> pd.Series:
        return by_distinct_cell(values,
                                lambda cell: all(item.casefold() in folded for item in list_items(cell, allowed)))

    return pa.Check(check, name="items separated by ';', each one of: " + "; ".join(allowed))


def pseudonymous() -> pa.Check:
    """Identifiers must be codes: an e-mail address here would put personal data in every table."""
    return pa.Check(lambda values: ~values.str.contains("@", regex=False),
                    name="a pseudonymous code, not an e-mail address")


def _checks(column: ColumnSpec, psych_offered: int) -> list[pa.Check]:
    """The checks a filled-in cell of ``column`` must pass, by its kind."""
    checks = [pseudonymous()] if column.pseudonymous else []
    if column.kind is Kind.WHOLE and column.whole is not None:
        low, high = column.whole
        checks.append(whole_number(low, psych_offered if column.up_to_offered else high))
    elif column.kind is Kind.CHOICE:
        checks.append(one_of(column.allowed))
    elif column.kind is Kind.LIST and column.allowed:
        checks.append(list_of(column.allowed))
    elif column.kind is Kind.YES_NO:
        checks.append(yes_no())
    elif column.kind is Kind.DATE:
        checks.append(iso_date())
    return checks


def schema_for(name: str, psych_offered: int = config.PSYCH_SESSIONS_OFFERED) -> pa.DataFrameSchema:
    """The schema of contract file ``name`` (``spec.SPEC``), checked on its raw text: each column's
    kind, values or range, whether it must be present (``required``) and filled in (``nullable``),
    and ``unique``. A column counting psychological sessions runs from 1 to ``psych_offered``."""
    return pa.DataFrameSchema({
        column.name: pa.Column(None, checks=_checks(column, psych_offered),
                               nullable=column.blank_ok or not column.required, required=column.required,
                               unique=column.unique)
        for column in SPEC[name].columns}, strict=False, coerce=False)
