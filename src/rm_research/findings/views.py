"""A role's slice of one cohort, indexed by participant: what every cohort finding is computed from.

``role_view`` gives the people of a role (``mentor``, ``mentee`` or ``all``), their enrolment and
end-survey answers, the mentoring sessions each held (their pair's log, else their own report) and
the psychological sessions each attended (the attendance log).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rm_research.core import config
from rm_research.ingest.clean import Cohort


@dataclass(frozen=True)
class RoleView:
    """One role's slice of a cohort (``all`` for everyone), indexed by participant_id."""

    people: pd.DataFrame
    enrolment: pd.DataFrame
    end_survey: pd.DataFrame
    sessions: pd.Series  # mentoring sessions per person: pair's log, else self-report
    psych_attended: pd.Series | None  # psychological sessions attended per person


def role_view(cohort: Cohort, role: str) -> RoleView:
    """Everything the findings need for ``role`` (``mentor``, ``mentee`` or ``all``)."""
    people = cohort.participants.set_index("participant_id")
    if role != config.ALL_ROLES:
        people = people[people["role"] == role]
    ids = people.index

    def keep(table: pd.DataFrame) -> pd.DataFrame:
        table = table.set_index("participant_id")
        return table[table.index.isin(ids)]

    end = keep(cohort.end_survey)
    return RoleView(people, keep(cohort.enrolment), end,
                    mentoring_sessions_per_person(cohort).reindex(ids).fillna(end["sessions_reported"]),
                    psych_sessions_attended(cohort, ids))


def mentoring_sessions_per_person(cohort: Cohort) -> pd.Series:
    """Sessions held by each person's pair, from the log (people whose pair has log rows)."""
    log = cohort.mentoring_sessions
    if log is None or log.empty:
        return pd.Series(dtype="Float64")
    held = log.assign(held=log["held"].fillna(False)).groupby("pair_id")["held"].sum()
    people = cohort.participants.dropna(subset=["pair_id"])
    per_person = people.set_index("participant_id")["pair_id"].map(held)
    return per_person.dropna().astype("Float64")


def psych_sessions_attended(cohort: Cohort, ids: pd.Index) -> pd.Series | None:
    """Psychological sessions attended per person (None when there is no log).

    The log records attendance, so a person it does not list attended none. A blank ``attended``
    is "not answered": a person whose every row is blank is unknown (NaN), otherwise the count
    of "yes" rows is used.
    """
    log = cohort.psych_sessions
    if log is None:
        return None
    grouped = log["attended"].astype("Float64").groupby(log["participant_id"])
    attended = grouped.sum().astype(float).where(grouped.count() > 0)  # all rows blank: unknown
    return attended.reindex(ids, fill_value=0.0)


def floats(values: pd.Series) -> np.ndarray:
    """Numbers, booleans or nullable values as floats, missing as NaN."""
    return pd.array(values, dtype="Float64").to_numpy(dtype=float, na_value=np.nan)


def mean(values: pd.Series) -> float:
    """The mean of the values given (missing ones left out), NaN where there is none."""
    values = values.dropna().astype(float)
    return float(values.mean()) if len(values) else math.nan


def in_role(people: pd.DataFrame, role: str) -> pd.DataFrame:
    """The rows of a table of people (a ``role`` column) of ``role`` (everyone for ``all``)."""
    return people if role == config.ALL_ROLES else people[people["role"] == role]


def roles_present(people: pd.DataFrame) -> list[str]:
    """The roles of a table of people (a ``role`` column) with at least one person, then ``all``."""
    found = set(people["role"])
    return [role for role in config.ROLES if role in found] + [config.ALL_ROLES]
