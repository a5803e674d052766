"""The ``theme:`` and ``agreement:`` findings rows (data contract, section 4) from ``themes.csv``.

For each free-text question: how many people of each role had each theme (any coder), and, where
exactly two coders coded it, their agreement over the answers both coded (``stats.agreement``). The
report's tables, quotes and hopes are ``report.themes``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import pandas as pd

from rm_research.core import config
from rm_research.core.config import SETTINGS
from rm_research.findings.table import Row
from rm_research.findings.views import RoleView
from rm_research.ingest.clean import Cohort
from rm_research.stats.agreement import Agreement, presence_agreement


def _role_ids(cohort: Cohort, role: RoleView | str) -> pd.Index:
    if not isinstance(role, str):
        return role.people.index
    people = cohort.participants
    if role != config.ALL_ROLES:
        people = people[people["role"] == role]
    return pd.Index(people["participant_id"])


def _by_theme(themes: Iterable[str]) -> list[str]:
    return sorted(themes, key=lambda theme: (theme.casefold(), theme))


def theme_rows(cohort: Cohort, role: RoleView | str) -> Iterator[Row]:
    """``theme:<question>`` findings rows for one role (a ``RoleView`` or ``mentor``/``mentee``/``all``):
    for each theme, the participants of the role with at least one themes.csv row (any coder) for
    that question and theme; n is the participants of the role with any theme row for the question.
    Themes as written, in alphabetical order."""
    coded = cohort.themes
    if coded is None:
        return
    coded = coded[coded["participant_id"].isin(_role_ids(cohort, role))]
    for question in config.FREE_TEXT_QUESTIONS:
        rows = coded[coded["question"] == question]
        n = int(rows["participant_id"].nunique())
        if not n:
            continue
        people = rows.groupby("theme")["participant_id"].nunique()
        for theme in _by_theme(people.index):
            yield f"theme:{question}", theme, float(people[theme]), n


def coders(cohort: Cohort, question: str) -> list[str]:
    """The named coders of ``question`` in themes.csv (rows with a blank coder cannot be attributed
    to either coder, so they count for themes but not for agreement)."""
    if cohort.themes is None:
        return []
    rows = cohort.themes[cohort.themes["question"] == question]
    return sorted(rows["coder"].dropna().unique())


def judgements(cohort: Cohort, question: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Each coder's present/absent judgements for ``question`` where exactly two coders coded it:
    a row per participant both coded (the units), a column per theme either coder used on the
    question (on any answer, as the contract says: a theme in one coder's codebook that neither
    gave a shared answer is an agreement that it is absent). None otherwise."""
    names = coders(cohort, question)
    if cohort.themes is None or len(names) != 2:
        return None
    rows = cohort.themes[(cohort.themes["question"] == question) & cohort.themes["coder"].isin(names)]
    given = [set(zip(group["participant_id"], group["theme"], strict=True))
             for _, group in rows.groupby("coder")]
    units = sorted({p for p, _ in given[0]} & {p for p, _ in given[1]})
    themes = _by_theme(rows["theme"].unique())

    def matrix(pairs: set[tuple[str, str]]) -> pd.DataFrame:
        return pd.DataFrame([[(unit, theme) in pairs for theme in themes] for unit in units],
                            index=pd.Index(units, dtype=object), columns=pd.Index(themes, dtype=object), dtype=bool)

    return matrix(given[0]), matrix(given[1])


def question_agreement(cohort: Cohort, confidence: float = SETTINGS.confidence) -> dict[str, Agreement]:
    """Coder agreement for each free-text question that exactly two coders coded, with at least one
    answer coded by both."""
    results = {}
    for question in config.FREE_TEXT_QUESTIONS:
        pair = judgements(cohort, question)
        if pair is not None and len(pair[0].index):
            results[question] = presence_agreement(*pair, confidence=confidence)
    return results


def agreement_rows(agreement: Mapping[str, Agreement]) -> Iterator[Row]:
    """``agreement:<question>`` findings rows (role ``all``) of the coders' agreement on each question
    (``question_agreement``): Cohen's kappa and the percentage agreement, n = answers coded by both (the
    report's agreement table adds kappa's interval, Gwet's AC1 and Krippendorff's alpha)."""
    for question, result in agreement.items():
        measure, n = f"agreement:{question}", result.units
        yield measure, "kappa", result.kappa, n
        yield measure, "percent_agreement", result.percent, n
