"""The descriptive sections' counts: the South East's published evaluation, one concern each.

How participants heard of the programme (seeds/002, Figure 2), who took part: ethnic group and band
(seeds/000, the ethnicity pie chart), feedback on the induction training and the resources people
asked for (seeds/002, Chart 5, Figures 4 and 6), the reasons given for missed sessions, the sessions
held against the programme's plan, and the ReMEDI observations of the mentees' practice at four
levels (seeds/004), each as a tidy table of counts with the columns ``category, role, count, n``
(``COUNT_COLUMNS``): role is ``mentor``, ``mentee`` or ``all``; ``n`` is the role's people who
answered, the denominator. Every role with an answer gets a row for every category (zeros included),
so roles line up in tables and charts. Categories of a fixed list keep its order (the contract's
ethnic groups, Band 2 .. Band 9 then VSM); free text is ordered by how many people gave it
(everyone), then by name. ``findings.cohort`` writes them as findings rows; ``report.descriptive``
shows them.

Free text (a channel, a resource, a reason) is counted as written with its case and spaces tidied
(``tidy_text``): spellings that differ only in case or spacing are one category, shown as most people
wrote it. No table here carries a participant or pair id. Counting is pandas' ``value_counts``;
nothing here needs a statistics library.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from rm_research.core import config
from rm_research.findings.views import role_view
from rm_research.ingest.clean import Cohort

COUNT_COLUMNS = ["category", "role", "count", "n"]


ROLE_ORDER = (*config.ROLES, config.ALL_ROLES)


TRAINING_RATINGS = tuple(str(r) for r in range(config.TRAINING_RATING_RANGE[0], config.TRAINING_RATING_RANGE[1] + 1))


#: Sessions held against the programme's plan: the findings statistic and the words a reader sees.
PLAN_CATEGORIES = {"fewer_than_planned": "Fewer than planned", "as_planned": "As planned",
                   "more_than_planned": "More than planned"}


#: The rows of ``observation_grid`` beyond the levels.
ALL_LEVELS, OBSERVING_PAIRS = "All levels", "Pairs recording findings"
OBSERVATION_CATEGORIES = tuple(f"{level}: {kind}" for level in config.OBSERVATION_LEVELS
                               for kind in config.OBSERVATION_KINDS)


# tidying free text ------------------------------------------------------------------------------------
def tidy_text(values: pd.Series) -> pd.Series:
    """Free text with its case and spaces tidied: ends trimmed, runs of spaces made one, blanks
    missing, and spellings that differ only in case written alike, as most of them were written
    (a tie goes to the first in sort order, so "Colleague" before "colleague")."""
    spaced = values.astype("string").str.strip().str.replace(r"\s+", " ", regex=True).replace("", pd.NA)
    key = spaced.str.casefold()
    seen = pd.DataFrame({"key": key, "text": spaced}).dropna()
    if seen.empty:
        return spaced
    tally = seen.value_counts().rename("times").reset_index()
    chosen = tally.sort_values(["key", "times", "text"], ascending=[True, False, True]).drop_duplicates("key")
    return key.map(chosen.set_index("key")["text"]).astype("string")


BAND = re.compile(r"band\s*(\d{1,2})\s*([a-z]?)", re.IGNORECASE)


def tidy_band(values: pd.Series) -> pd.Series:
    """Agenda for Change bands written one way ("band 8C" is "Band 8c", "vsm" is "VSM"); anything
    else as written, tidied."""
    def one(cell: str) -> str:
        match = BAND.fullmatch(cell)
        if match:
            return f"Band {int(match[1])}{match[2].lower()}"
        return "VSM" if cell.casefold() == "vsm" else cell

    return tidy_text(values).map(one, na_action="ignore").astype("string")


def band_order(band: str) -> tuple[int, int, str, str]:
    """Sort key of a band: Band 2 .. Band 9 (8a .. 8d in turn), then VSM, then anything else by name."""
    match = BAND.fullmatch(band)
    if match:
        return 0, int(match[1]), match[2].lower(), ""
    return (1, 0, "", "") if band.casefold() == "vsm" else (2, 0, "", band.casefold())


# counting ---------------------------------------------------------------------------------------------
def tally(answers: pd.DataFrame, roles: pd.Series, categories: Sequence[str]) -> pd.DataFrame:
    """Tidy counts (``COUNT_COLUMNS``) of ``answers`` (columns ``person`` and ``category``, one row
    per category a person gave; repeats count once) among the people of ``roles`` (each answering
    person's role, indexed by person: the denominators), for every category of ``categories``."""
    answers = answers.drop_duplicates()
    records = []
    for role in ROLE_ORDER:
        people = roles.index if role == config.ALL_ROLES else roles.index[roles == role]
        if len(people) == 0:
            continue
        given = answers.loc[answers["person"].isin(people), "category"].value_counts()
        records += [(category, role, int(given.get(category, 0)), len(people)) for category in categories]
    return pd.DataFrame.from_records(records, columns=COUNT_COLUMNS).astype({"count": int, "n": int})


def by_frequency(answers: pd.DataFrame) -> list[str]:
    """The categories of ``answers``, most people first, then by name."""
    people = answers.drop_duplicates()["category"].value_counts()
    return sorted(people.index, key=lambda category: (-people[category], category.casefold(), category))


def roles_of(cohort: Cohort) -> pd.Series:
    """Each participant's role, indexed by participant_id."""
    return cohort.participants.set_index("participant_id")["role"]


def answer_rows(people: pd.Series, values: pd.Series) -> pd.DataFrame:
    """A row per person and category from the parallel ``people`` and ``values`` (a list cell gives a
    row per item; blanks and repeats dropped)."""
    long = pd.DataFrame({"person": people.to_numpy(), "category": values.to_numpy()}).explode("category")
    return long.dropna().drop_duplicates().reset_index(drop=True)


def _participant_column(cohort: Cohort, column: str,
                        tidy: Callable[[pd.Series], pd.Series]) -> tuple[pd.DataFrame, pd.Series]:
    """A participants.csv column's answers and the roles of those who answered it."""
    people = cohort.participants.set_index("participant_id")
    values = tidy(people[column]).dropna()
    return answer_rows(values.index.to_series(), values), people["role"].reindex(values.index)


def heard_via_counts(cohort: Cohort) -> pd.DataFrame:
    """How participants heard of the programme: people per channel as written (tidied), by role;
    n = the role's people who answered ``heard_via`` (seeds/002, Figure 2)."""
    answers, roles = _participant_column(cohort, "heard_via", tidy_text)
    return tally(answers, roles, by_frequency(answers))


def ethnic_group_counts(cohort: Cohort) -> pd.DataFrame:
    """People in each of the contract's ethnic groups (ONS 2021 high-level), by role, every group
    listed; n = the role's people who answered ``ethnic_group``. Special-category data: publish
    only through ``disclosure``."""
    answers, roles = _participant_column(cohort, "ethnic_group", lambda values: values.astype("string"))
    return tally(answers, roles, list(config.ETHNIC_GROUPS))


def band_counts(cohort: Cohort) -> pd.DataFrame:
    """People in each Agenda for Change band (Band 2 .. Band 9, VSM, then other answers), by role;
    n = the role's people who answered ``band``."""
    answers, roles = _participant_column(cohort, "band", tidy_band)
    return tally(answers, roles, sorted(answers["category"].unique(), key=band_order))


def _training(cohort: Cohort) -> pd.DataFrame:
    """training.csv with each row's role (empty when it was not supplied)."""
    if cohort.training is None:
        return pd.DataFrame(columns=["participant_id", "rating", "resources_needed", "role"])
    return cohort.training.assign(role=cohort.training["participant_id"].map(roles_of(cohort)))


def _training_answers(cohort: Cohort, column: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    training = _training(cohort)
    rows = training.dropna(subset=[column])
    return rows, rows.drop_duplicates("participant_id").set_index("participant_id")


def training_rating_counts(cohort: Cohort) -> pd.DataFrame:
    """People giving each training rating 1-5, by role (Chart 5 of seeds/002); n = the role's people
    who rated. A person with two rows counts once under each rating they gave."""
    rows, people = _training_answers(cohort, "rating")
    answers = answer_rows(rows["participant_id"], rows["rating"].astype(int).astype(str))
    return tally(answers, people["role"], list(TRAINING_RATINGS))


def training_rating_means(cohort: Cohort) -> pd.DataFrame:
    """Mean training rating (1-5) by role, columns ``role, mean, n`` (n = people who rated). The
    template has one row per person; a person with more rows counts once, at their mean rating."""
    rows, people = _training_answers(cohort, "rating")
    if rows.empty:
        return pd.DataFrame(columns=["role", "mean", "n"])
    per_person = rows.groupby("participant_id")["rating"].mean().astype(float)
    roles = people["role"].reindex(per_person.index)
    records = [(role, float(ratings.mean()), len(ratings)) for role in ROLE_ORDER
               for ratings in [per_person if role == config.ALL_ROLES else per_person[roles == role]]
               if len(ratings)]
    return pd.DataFrame.from_records(records, columns=["role", "mean", "n"])


def resources_needed_counts(cohort: Cohort) -> pd.DataFrame:
    """People naming each resource or kind of guidance after the training (Figures 4 and 6 of
    seeds/002), as written (tidied), by role; n = the role's people who answered ``resources_needed``."""
    rows, people = _training_answers(cohort, "resources_needed")
    long = answer_rows(rows["participant_id"], rows["resources_needed"])
    answers = long.assign(category=tidy_text(long["category"])).dropna().drop_duplicates()
    return tally(answers, people["role"], by_frequency(answers))


# reasons for missed sessions ----------------------------------------------------------------------------
def missed_reasons_given(cohort: Cohort) -> tuple[pd.DataFrame, pd.Series]:
    """Reasons given in the end survey (participant_id, reason) and in the session log (one per
    session), tidied together so that one reason reads alike in both."""
    survey = cohort.end_survey[["participant_id", "missed_reason"]]
    log = cohort.mentoring_sessions
    logged = log["missed_reason"] if log is not None else pd.Series(dtype="string")
    tidied = tidy_text(pd.concat([survey["missed_reason"], logged], ignore_index=True))
    return (survey.assign(missed_reason=tidied.iloc[:len(survey)].to_numpy()).dropna(),
            tidied.iloc[len(survey):].dropna())


# sessions held against the plan --------------------------------------------------------------------
def sessions_held(cohort: Cohort) -> pd.Series:
    """Mentoring sessions held per person: their pair's sessions logged as held, else the number they
    reported in the end survey, as ``attendance_effect`` counts them; people with neither left out."""

    return role_view(cohort, config.ALL_ROLES).sessions.dropna().astype(float)


def sessions_against_plan_counts(cohort: Cohort, planned: int) -> pd.DataFrame:
    """People who held fewer sessions than ``planned``, as many, or more, by role; n = the role's
    people whose sessions held are known (``sessions_held``)."""
    held = sessions_held(cohort)
    labels = list(PLAN_CATEGORIES.values())
    category = np.select([held < planned, held == planned], labels[:2], labels[2])
    answers = pd.DataFrame({"person": held.index, "category": category})
    return tally(answers, roles_of(cohort).reindex(held.index), labels)


def sessions_held_medians(cohort: Cohort) -> pd.DataFrame:
    """Median sessions held by role, columns ``role, median, n``."""
    held = sessions_held(cohort)
    roles = roles_of(cohort).reindex(held.index)
    records = [(role, float(values.median()), len(values)) for role in ROLE_ORDER
               for values in [held if role == config.ALL_ROLES else held[roles == role]] if len(values)]
    return pd.DataFrame.from_records(records, columns=["role", "median", "n"])


# ratings and sessions, person by person (numbered, never named) ----------------------------------------
def long_ratings(wide: pd.DataFrame, phases: list[str]) -> pd.DataFrame:
    """``wide`` (a ``role`` column and one column of ratings per phase, in order; rows with any rating
    missing dropped) as a long table for ``report.figures.paired_plot``: ``role``, ``person`` (numbered
    within the role, in order of their ratings: no identifier survives), ``phase``, ``rating``."""
    both = wide[["role", *phases]].dropna().sort_values(["role", *phases])
    both["person"] = both.groupby("role").cumcount() + 1
    long = both.melt(id_vars=["role", "person"], value_vars=phases, var_name="phase", value_name="rating")
    return long.astype({"rating": float}).reset_index(drop=True)


def paired_ratings(cohort: Cohort, item: str) -> pd.DataFrame:
    """Long table of before/after ratings for people who answered both, IDs replaced by numbers."""
    roles = cohort.participants.set_index("participant_id")["role"]
    pre = cohort.enrolment.set_index("participant_id")[item]
    post = cohort.end_survey.set_index("participant_id")[item]
    both = pd.concat({"Before": pre, "After": post}, axis=1).dropna()
    both["role"] = roles.reindex(both.index).to_numpy()
    return long_ratings(both, ["Before", "After"])


def sessions_distribution(cohort: Cohort) -> pd.DataFrame:
    """How many people reported each number of mentoring sessions, by role."""
    roles = cohort.participants.set_index("participant_id")["role"]
    answers = cohort.end_survey.set_index("participant_id")["sessions_reported"].dropna()
    frame = pd.DataFrame({"role": roles.reindex(answers.index).to_numpy(), "sessions": answers.astype(int)})
    return frame.groupby(["role", "sessions"]).size().rename("people").reset_index()


# ReMEDI observations ----------------------------------------------------------------------------------
def observation_counts(cohort: Cohort) -> pd.DataFrame:
    """Findings the mentors recorded at each level and of each kind ("individual: good practice", in
    the order of seeds/004: individual, departmental, organisational, symbolic); role ``all`` and
    n = the pairs that recorded any. Counts of findings, not of people."""
    log = cohort.observations
    if log is None or log.empty:
        return pd.DataFrame(columns=COUNT_COLUMNS).astype({"count": int, "n": int})
    given = (log["level"] + ": " + log["kind"]).value_counts()
    pairs = log["pair_id"].nunique()
    return pd.DataFrame.from_records([(c, config.ALL_ROLES, int(given.get(c, 0)), pairs)
                                      for c in OBSERVATION_CATEGORIES], columns=COUNT_COLUMNS)


def observation_levels(cohort: Cohort) -> pd.DataFrame:
    """Findings the mentors recorded by ``level`` and ``kind`` (``count``), every level and kind
    listed, in the order of seeds/004: the data of ``figures.observations_chart``."""
    log = cohort.observations
    grid = pd.MultiIndex.from_product([config.OBSERVATION_LEVELS, config.OBSERVATION_KINDS], names=["level", "kind"])
    if log is None or log.empty:
        return grid.to_frame(index=False).assign(count=0)
    counts = log.groupby(["level", "kind"]).size().reindex(grid, fill_value=0)
    return counts.rename("count").reset_index()


#: The counts of each categorical findings measure, by role (``findings.cohort.descriptive_rows`` and the report).
COUNTS: dict[str, Callable[[Cohort], pd.DataFrame]] = {
    "heard_via": heard_via_counts, "ethnic_group": ethnic_group_counts, "band": band_counts,
    "resources_needed": resources_needed_counts}


def observation_grid(cohort: Cohort) -> pd.DataFrame:
    """Findings the mentors recorded by level (rows, in the order of seeds/004) and kind (columns), with
    a row for every level together and one for the pairs recording findings of each kind; ``Total``,
    the column of both kinds. Empty (no rows) where no observations were supplied."""
    log = cohort.observations
    kinds = list(config.OBSERVATION_KINDS)
    if log is None or log.empty:
        return pd.DataFrame(columns=[*kinds, "Total"])
    grid = pd.crosstab(log["level"], log["kind"]).reindex(index=list(config.OBSERVATION_LEVELS), columns=kinds,
                                                          fill_value=0)
    grid["Total"] = grid.sum(axis=1)
    grid.loc[ALL_LEVELS] = grid.sum()
    grid.loc[OBSERVING_PAIRS] = [*(log.loc[log["kind"] == kind, "pair_id"].nunique() for kind in kinds),
                                 log["pair_id"].nunique()]
    return grid.rename_axis(index="level", columns=None)
