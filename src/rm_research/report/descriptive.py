"""The descriptive sections as a report shows them; the counts are ``findings.descriptive``'s.

- a wide table for a report (``counts_table`` and the section tables): a row per category, a column
  per role reading "5 (45%)", and a last row with how many answered; the count tables a report shows
  are read from the findings the command computed (``findings_counts``), never counted again;
- the reasons for missed sessions, redacted (internal) or only counted (public);
- whether a section can be computed at all: ``section_status`` gives a one-line reason per section
  that cannot (a file not supplied, a column absent, nobody answered), and ``section_warnings`` the
  lines ``validate`` prints for them (data contract, section 3).

The tables hold text from the data as it is: ``tables.styled`` escapes it for HTML and
``run.step.write_csv`` neutralises it for spreadsheets. No table here carries a participant or pair id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from rm_research.contract.programme import DEFAULT as DEFAULT_PROGRAMME
from rm_research.contract.programme import Programme
from rm_research.core import config
from rm_research.core.config import DISCLOSURE, DisclosureRule
from rm_research.core.rounding import round_as_printed
from rm_research.disclosure.control import PUBLIC_ROLE_LABELS, safe_count
from rm_research.disclosure.quotes import redact, words_to_redact
from rm_research.findings import registry
from rm_research.findings.descriptive import (
    COUNT_COLUMNS,
    ROLE_ORDER,
    answer_rows,
    by_frequency,
    missed_reasons_given,
    roles_of,
    sessions_held,
    tally,
    tidy_text,
)
from rm_research.ingest.clean import Cohort
from rm_research.ingest.validate import RawCohort

ROLE_HEADINGS = PUBLIC_ROLE_LABELS  # "Mentors", "Mentees", "Everyone": the same words as the public tables


ANSWERED = "Answered"


#: The report's descriptive sections, by key, with the titles a reader sees.
SECTIONS = {
    "heard_via": "How participants heard of the programme",
    "ethnic_group": "Ethnic group of participants",
    "band": "Band of participants",
    "training_rating": "Feedback on the induction training",
    "resources_needed": "Resources needed after the training",
    "missed_reasons": "Reasons given for missed sessions",
    "sessions_vs_plan": "Sessions held against the plan",
    "observations": "ReMEDI observations of mentees' practice",
}


def _redacted(reasons: pd.Series, cohort: Cohort, names: Iterable[str]) -> pd.Series:
    """``reasons`` as a report may show them: the cohort's participant and pair codes, ``names``,
    e-mails, phone numbers and the like replaced by ``[redacted]`` (``quotes.redact``), then tidied
    again so that reasons that differed only in a name are counted together."""

    words = words_to_redact(cohort, names)
    return tidy_text(reasons.map(lambda reason: redact(reason, words), na_action="ignore"))


def missed_reason_counts(cohort: Cohort, names: Iterable[str] = ()) -> pd.DataFrame:
    """People giving each reason for missing mentoring sessions in the end survey, as written
    (tidied, with codes and ``names`` redacted: ``_redacted``), by role; n = the role's people who gave
    a reason. Internal report only: free text can identify its writer (``public_missed_reasons`` is
    the public counterpart)."""
    survey, _ = missed_reasons_given(cohort)
    survey = survey.assign(missed_reason=_redacted(survey["missed_reason"], cohort, names))
    answers = answer_rows(survey["participant_id"], survey["missed_reason"])
    roles = roles_of(cohort).reindex(survey["participant_id"].unique())
    return tally(answers, roles, by_frequency(answers))


def missed_session_reason_counts(cohort: Cohort, names: Iterable[str] = ()) -> pd.DataFrame:
    """Sessions the log records a reason for, per reason as written (tidied and redacted, as
    ``missed_reason_counts``); role ``all`` (a session is a pair's) and n = the sessions with a reason.
    Internal report only."""
    _, logged = missed_reasons_given(cohort)
    given = _redacted(logged, cohort, names).value_counts()
    order = sorted(given.index, key=lambda reason: (-given[reason], reason.casefold(), reason))
    return pd.DataFrame.from_records([(reason, config.ALL_ROLES, int(given[reason]), len(logged)) for reason in order],
                                     columns=COUNT_COLUMNS).astype({"count": int, "n": int})


def missed_reasons_table(cohort: Cohort, names: Iterable[str] = ()) -> pd.DataFrame:
    """The reasons for missed sessions as written (tidied, with codes and ``names`` redacted): people
    giving each in the end survey, by role, and sessions the log gives it for; the last row, how many
    gave a reason. Internal only."""
    people, sessions = missed_reason_counts(cohort, names), missed_session_reason_counts(cohort, names)
    mentions = pd.concat([people[people["role"] == config.ALL_ROLES], sessions]).groupby("category")["count"].sum()
    order = sorted(mentions.index, key=lambda reason: (-mentions[reason], reason.casefold(), reason))
    table = counts_table(people, "Reason", order=order)
    if sessions.empty:
        return table
    logged = {reason: _count_cell(count, n) for reason, count, n in
              zip(sessions["category"], sessions["count"], sessions["n"], strict=True)}
    column = [logged.get(reason, _count_cell(0, int(sessions["n"].iloc[0]))) for reason in order]
    table["Sessions (log)"] = [*column, str(int(sessions["n"].iloc[0]))]
    return table


def public_missed_reasons(cohort: Cohort, rule: DisclosureRule = DISCLOSURE) -> pd.DataFrame:
    """What a public report may say about reasons for missed sessions: how many people (end survey)
    and pairs (session log) gave one, under the disclosure rule, and nothing of what they wrote.

    Only the counts: a reason is free text that can name its writer's circumstances, and even a
    reason's label shows that someone wrote it. The counts have no denominator beside them, because
    the people who answered the end survey are a published flow figure that the differencing audit
    may have hidden; a count with no exact relation to any published figure cannot be differenced.
    """
    survey, _ = missed_reasons_given(cohort)
    rows = [("People who gave a reason in the end survey", safe_count(survey["participant_id"].nunique(), rule))]
    log = cohort.mentoring_sessions
    if log is not None:
        pairs = log.loc[tidy_text(log["missed_reason"]).notna(), "pair_id"].nunique()
        rows.append(("Pairs whose session log gives a reason", safe_count(pairs, rule)))
    return pd.DataFrame(rows, columns=["Reasons for missed sessions", "Number"])


def sessions_against_plan_table(counts: pd.DataFrame, medians: pd.DataFrame, planned: int) -> pd.DataFrame:
    """People by sessions held against the plan, by role (``findings.descriptive.sessions_against_plan_counts``),
    with each role's median sessions held (``sessions_held_medians``)."""
    held = medians.set_index("role")["median"]
    summary = {"Median sessions held": {role: _number(value) for role, value in held.items()}}
    return counts_table(counts, f"Sessions held (planned: {planned})", summary=summary)


def observations_table(grid: pd.DataFrame) -> pd.DataFrame:
    """The mentors' findings by level (rows) and kind (columns), with totals, and the pairs recording
    findings of each kind (the last row), for reading (``findings.descriptive.observation_grid``)."""
    table = grid.rename(columns=lambda kind: str(kind).capitalize() if kind != "Total" else kind)
    table.index = [str(level).capitalize() for level in table.index]
    return table.rename_axis("Level").reset_index()


# wide tables ------------------------------------------------------------------------------------------
def _count_cell(count: int, n: int) -> str:
    return f"{int(count)} ({round_as_printed(100 * int(count) / int(n)):.0f}%)"


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def findings_counts(findings: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The tidy counts (``COUNT_COLUMNS``: category, role, count, n) of a categorical findings measure
    (``heard_via``, ``ethnic_group``, ``band``, ``resources_needed``), read from the findings the command
    computed rather than counted again: a percentage (``heard_via``) is turned back into its count of
    the role's n. Categories in the findings' order."""
    rows = findings[findings["measure"] == measure]
    found = registry.CATEGORICAL.get(measure)
    percent = found is not None and found.kind == "percentage"
    counts = [round(value * n / 100) if percent else round(value) for value, n in zip(rows["value"], rows["n"],
                                                                                      strict=True)]
    return pd.DataFrame({"category": rows["statistic"].to_numpy(), "role": rows["role"].to_numpy(),
                         "count": counts, "n": rows["n"].astype(int).to_numpy()}, columns=COUNT_COLUMNS)


def counts_table(counts: pd.DataFrame, heading: str, order: Sequence[str] | None = None,
                 summary: dict[str, dict[str, str]] | None = None) -> pd.DataFrame:
    """Tidy counts made wide for a report: a column ``heading`` naming the categories (in ``order``,
    else the order of ``counts``), a column per role reading "count (percent%)" of the role's n,
    then any ``summary`` rows (label: text by role) and a last row "Answered" with each role's n.
    Rows are records, not an index, so a category written "Answered" cannot collide with that row."""
    roles = [role for role in ROLE_ORDER if role in set(counts["role"])]
    categories = list(dict.fromkeys(counts["category"])) if order is None else list(order)
    cells = {(c, r): _count_cell(int(k), int(n)) for c, r, k, n in counts[COUNT_COLUMNS].itertuples(index=False)}
    answered = counts.groupby("role")["n"].first()
    records = [{heading: category, **{ROLE_HEADINGS[r]: cells.get((category, r), _count_cell(0, answered[r]))
                                      for r in roles}} for category in categories]
    records += [{heading: label, **{ROLE_HEADINGS[r]: texts.get(r, "–") for r in roles}}
                for label, texts in (summary or {}).items()]
    records.append({heading: ANSWERED, **{ROLE_HEADINGS[r]: str(int(answered[r])) for r in roles}})
    return pd.DataFrame.from_records(records, columns=[heading, *(ROLE_HEADINGS[r] for r in roles)])


def training_rating_table(counts: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """People giving each training rating (1-5) by role (``findings.descriptive.training_rating_counts``),
    with each role's mean rating (the findings' ``training_rating`` means)."""
    means = findings[(findings["measure"] == "training_rating") & (findings["statistic"] == "mean")]
    summary = {"Mean rating": {role: f"{value:.1f}" for role, value in zip(means["role"], means["value"], strict=True)}}
    return counts_table(counts, "Rating (1-5)", summary=summary)


# can each section be computed? ----------------------------------------------------------------------
def _file_name(raw: RawCohort | None, file: str) -> str:
    """The name the evaluator gave the file (``Participants.xlsx``), else the contract's."""
    if raw is not None and file in raw.files:
        return raw.files[file].name
    return f"{file}.csv"


def _has_column(raw: RawCohort | None, file: str, column: str) -> bool | None:
    """Whether the supplied file has the column (None when the raw tables are not at hand: the tidy
    cohort keeps every contract column, filled with blanks when the file lacks it)."""
    if raw is None or file not in raw.tables:
        return None
    return column in raw.tables[file].columns


def column_status(cohort: Cohort, raw: RawCohort | None, file: str, column: str) -> str | None:
    """None when someone answered ``column`` of ``file``; else why not: the file was not supplied,
    it has no such column, or nobody answered."""
    table = getattr(cohort, file)
    name = _file_name(raw, file)
    if table is None:
        return f"{name} was not supplied"
    present = _has_column(raw, file, column)
    if present is False:
        return f"{name} has no {column} column"
    if table[column].notna().any():
        return None
    return f"no one answered {column} in {name}" + (" (or the column is absent)" if present is None else "")


def _missed_status(cohort: Cohort, raw: RawCohort | None) -> str | None:
    survey, logged = missed_reasons_given(cohort)
    if not survey.empty or not logged.empty:
        return None
    where = []
    for file in ("end_survey", "mentoring_sessions"):
        name = _file_name(raw, file)
        if getattr(cohort, file) is None:
            where.append(f"{name} was not supplied")
        elif _has_column(raw, file, "missed_reason") is False:
            where.append(f"{name} has no missed_reason column")
        else:
            where.append(f"missed_reason is blank throughout {name}")
    return "no reason for a missed session is recorded: " + "; ".join(where)


def _plan_status(cohort: Cohort, programme: Programme) -> str | None:
    if programme.planned_mentoring_sessions is None:
        return "programme.toml gives no planned_mentoring_sessions (the number of mentoring sessions planned)"
    if sessions_held(cohort).empty:  # a session log gives everyone in a logged pair a number
        return ("no one's sessions held are known: mentoring_sessions.csv was not supplied and no one answered "
                "sessions_reported in the end survey")
    return None


def section_status(cohort: Cohort, raw: RawCohort | None = None,
                   programme: Programme | None = None) -> dict[str, str | None]:
    """For each descriptive section (``SECTIONS``), None when it can be computed, else a one-line
    reason. Pass ``raw`` (``RawCohort``) to tell a column that is absent from one nobody answered;
    ``programme`` defaults to ``raw``'s settings, else the South East's (no planned number)."""
    programme = programme or (raw.programme if raw is not None else DEFAULT_PROGRAMME)
    return {
        "heard_via": column_status(cohort, raw, "participants", "heard_via"),
        "ethnic_group": column_status(cohort, raw, "participants", "ethnic_group"),
        "band": column_status(cohort, raw, "participants", "band"),
        "training_rating": column_status(cohort, raw, "training", "rating"),
        "resources_needed": column_status(cohort, raw, "training", "resources_needed"),
        "missed_reasons": _missed_status(cohort, raw),
        "sessions_vs_plan": _plan_status(cohort, programme),
        "observations": None if cohort.observations is not None else "observations.csv was not supplied",
    }


#: The column of a supplied file each descriptive section is computed from.
SECTION_COLUMNS = {"heard_via": ("participants", "heard_via"), "ethnic_group": ("participants", "ethnic_group"),
                   "band": ("participants", "band"), "training_rating": ("training", "rating"),
                   "resources_needed": ("training", "resources_needed")}


def section_warnings(cohort: Cohort, raw: RawCohort | None = None, programme: Programme | None = None) -> list[str]:
    """One line per descriptive section that cannot be computed, saying why, for ``validate`` to
    print after "valid" (data contract, section 3: not an error, a warning). A column ``validate``
    already warns of (``RawCohort.warnings``: absent from a supplied file, or unanswered) is not repeated."""
    warned = {(w.file, w.column) for w in raw.warnings} if raw is not None else set()

    def repeated(key: str) -> bool:
        file, column = SECTION_COLUMNS.get(key, (None, None))
        return raw is not None and file in raw.files and (raw.files[file].name, column) in warned

    reasons = section_status(cohort, raw, programme).items()
    return [f"{SECTIONS[key]} cannot be shown: {reason}" for key, reason in reasons if reason and not repeated(key)]
