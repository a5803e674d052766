"""The findings of the four further instruments (data contract, section 8; issue 20), exactly.

Everything is computed from one table of people (``person_frame`` for a cohort; the level's person table,
``findings.level.person_table``, carries the same columns for every cohort pooled): a row per person
with their role, each rating item at enrolment and at the end, and the section 8 columns
(``person_columns``): whether the cohort supplied each file, the person's rank of each benefit, their
ratings at follow-up, the ratings their team gave them (a mentee's row) and the cohort's log of
session topics. No participant or rater code is kept: raters are numbered within their mentee. So a
cohort's rows and a region's or the nation's are computed by the same functions, the level's over
all its cohorts' people together (the methods appendix says so):

- **benefit ranks** (``benefit_ranking``): each benefit's mean rank over the role's people who ranked
  it; Kendall's W and Friedman's p over those who ranked all seven (``stats.raters.kendalls_w``).
  Rows for each role and ``all`` wherever a cohort pooled supplied the file.
- **session topics** (``psych_topics``): topics grouped ignoring case after trimming and collapsing
  spaces, written as the group's most frequent spelling (a tie: the first seen); each the number of
  distinct sessions that discussed it, n the distinct sessions in the log. A level sums the cohorts'
  sessions (a session is its cohort's), and names a group by its most frequent spelling over them all.
- **the team's feedback** (``team_feedback``, mentees): per mentee and phase the mean of the raters'
  ratings; the mean over mentees at ``pre`` and at ``post``; over mentees rated at both, the mean
  change and its Wilcoxon p; ICC(1) at ``pre`` (``stats.raters.icc1``), a level's over all its
  mentees (raters are nested in mentees whichever cohort they are in).
- **follow-up** (``follow_up``): the mean at follow-up; the change since enrolment ("sustained") and
  since the end survey, each with its Wilcoxon p.

Readings the contract fixes for every row: people are counted whether or not they withdrew; a blank
cell is not an answer; a Wilcoxon p is section 4's (``stats.wilcoxon_p``: two-sided, exact up to
``exact_max_n``, zero differences dropped) over the people with both answers, its n those people
(zeros included), blank where every difference is zero; differences are compared for ties after
rounding to 9 decimal places (a team's mean rating is a fraction); a value that cannot be computed is
written blank with its n.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Final

import numpy as np
import pandas as pd

from rm_research.core import config
from rm_research.core.config import SETTINGS, AnalysisSettings
from rm_research.findings.table import RoleRow
from rm_research.findings.views import RoleView, floats, in_role, mean, role_view, roles_present
from rm_research.ingest.clean import Cohort
from rm_research.stats import nonparametric, raters

#: Differences are compared for ties after rounding to this many decimal places (contract section 8).
TIE_DECIMALS: Final = 9
#: The four files of contract section 8, in the order the report shows them.
FILES: Final = ("benefit_ranking", "psych_topics", "team_feedback", "follow_up")
TEAM_MEASURES: Final = {item: f"team_{item}" for item in config.TEAM_ITEMS}
#: The person table's columns for section 8: whether the person's cohort supplied each file, and the data.
SUPPLIED: Final = {name: f"supplied_{name}" for name in FILES}
RANKS: Final = {benefit: f"rank_{benefit}" for benefit in config.BENEFITS}
FOLLOW_UP: Final = {item: f"followup_{item}" for item in config.RATING_ITEMS}
TEAM_RATINGS: Final = "team_ratings"  # a mentee's: tuple of (rater number, rater group, phase, item ratings …)
TOPICS: Final = "psych_topics"  # the cohort's log, the same on each of its rows: tuple of (session, topic)
#: The long table of team ratings (``team_ratings``): one row per rating form.
TEAM_COLUMNS: Final = ("mentee", "rater", "rater_group", "phase", *config.TEAM_ITEMS)
#: The section 8 statistics of the rating items (the follow-up's), beside the measures of their own.
FOLLOW_UP_STATISTICS: Final = ("followup_mean", "sustained_change_mean", "sustained_wilcoxon_p",
                               "since_end_change_mean", "since_end_wilcoxon_p")
#: Section 8 measures resting on people (the topics rest on sessions: a fact about the programme).
PEOPLE_MEASURES: Final = frozenset({"benefit_rank", "benefit_agreement", *TEAM_MEASURES.values()})


def about_people(measure: str, statistic: str) -> bool:
    """Whether a findings row is one of section 8's resting on people (every one but the session topics)."""
    return measure in PEOPLE_MEASURES or statistic in FOLLOW_UP_STATISTICS


#: A rater group's view is shown beside the others' only where it rests on at least this many ratings of
#: at least two mentees: fewer describe one or two people's views, not a group's.
FEWEST_GROUP_RATINGS: Final = 5


# --- the person table's section 8 columns -----------------------------------------------------------------
def _team_ratings(feedback: pd.DataFrame | None, ids: pd.Index) -> list[tuple[tuple[object, ...], ...]]:
    """Each person's team ratings as tuples (``TEAM_RATINGS``), raters numbered within their mentee."""
    if feedback is None:
        return [()] * len(ids)
    feedback = feedback.assign(rater_no=feedback.groupby("mentee_id")["rater"].transform(
        lambda codes: pd.factorize(codes)[0] + 1))
    by_mentee: dict[object, tuple[tuple[object, ...], ...]] = {}
    for mentee, rows in feedback.groupby("mentee_id", sort=False):
        by_mentee[mentee] = tuple(
            (int(row.rater_no), None if pd.isna(row.rater_group) else str(row.rater_group), str(row.phase),
             *(math.nan if pd.isna(value) else float(value) for value in (getattr(row, i) for i in config.TEAM_ITEMS)))
            for row in rows.itertuples(index=False))
    return [by_mentee.get(person, ()) for person in ids]


def _topic_log(log: pd.DataFrame | None) -> tuple[tuple[int, str], ...] | None:
    """The cohort's topic log as (session, topic) pairs in file order; blank rows dropped."""
    if log is None:
        return None
    log = log.dropna(subset=["psych_session_no", "topic"])
    return tuple((int(session), str(topic)) for session, topic in zip(log["psych_session_no"], log["topic"],
                                                                       strict=True))


def person_columns(cohort: Cohort, ids: pd.Index) -> dict[str, object]:
    """The section 8 columns of the person table for the people ``ids`` (participant codes, in the table's
    order): ``supplied_<file>``, ``rank_<benefit>``, ``followup_<item>``, ``team_ratings``, ``psych_topics``."""
    columns: dict[str, object] = {SUPPLIED[name]: getattr(cohort, name) is not None for name in FILES}
    ranking = cohort.benefit_ranking
    wide = (ranking.dropna(subset=["rank"]).pivot_table(index="participant_id", columns="benefit", values="rank",
                                                        aggfunc="first")
            if ranking is not None else pd.DataFrame())
    for benefit, column in RANKS.items():
        columns[column] = floats(wide[benefit].reindex(ids)) if benefit in wide else np.full(len(ids), np.nan)
    follow = cohort.follow_up.set_index("participant_id") if cohort.follow_up is not None else None
    for item, column in FOLLOW_UP.items():
        columns[column] = floats(follow[item].reindex(ids)) if follow is not None else np.full(len(ids), np.nan)
    columns[TEAM_RATINGS] = _team_ratings(cohort.team_feedback, ids)
    log = _topic_log(cohort.psych_topics)
    columns[TOPICS] = [log] * len(ids)
    return columns


def person_frame(cohort: Cohort, view: RoleView | None = None) -> pd.DataFrame:
    """One row per participant (participants.csv's order, indexed by code): ``role``, ``pre_<item>`` and
    ``post_<item>`` for each rating item (NaN where not answered), and the section 8 columns
    (``person_columns``). The level's person table starts from it. ``view``: the cohort's ``role_view`` for
    everyone, where the caller has it."""
    view = role_view(cohort, config.ALL_ROLES) if view is None else view
    people = view.people
    pre, post = view.enrolment.reindex(people.index), view.end_survey.reindex(people.index)
    columns: dict[str, object] = {"role": people["role"].astype(str).to_numpy()}
    for item in config.RATING_ITEMS:
        columns[f"pre_{item}"] = floats(pre[item])
        columns[f"post_{item}"] = floats(post[item])
    columns.update(person_columns(cohort, people.index))
    return pd.DataFrame(columns, index=people.index)


def supplied(people: pd.DataFrame, name: str) -> bool:
    """Whether any cohort of ``people`` supplied the section 8 file ``name``."""
    return SUPPLIED[name] in people and bool(people[SUPPLIED[name]].any())


# --- the long tables the rows and the report read ---------------------------------------------------------
def team_table(people: pd.DataFrame) -> pd.DataFrame:
    """Every team rating of ``people``'s mentees, one row per rating form (``TEAM_COLUMNS``): ``mentee`` is
    the mentee's row in ``people`` (position), ``rater`` numbered within the mentee."""
    rows = [(position, *rating) for position, ratings in enumerate(people[TEAM_RATINGS]) for rating in ratings] \
        if TEAM_RATINGS in people else []
    table = pd.DataFrame.from_records(rows, columns=list(TEAM_COLUMNS))
    return table.astype({item: float for item in config.TEAM_ITEMS})


def mentee_means(team: pd.DataFrame, item: str, group: str | None = None) -> pd.DataFrame:
    """Each mentee's mean rating of ``item`` at each phase (rows mentees, columns the phases rated), over
    the raters of ``group`` (``BME``, ``other``) or all raters (None)."""
    if group is not None:
        team = team[team["rater_group"] == group]
    rated = team.dropna(subset=[item])
    return rated.groupby(["mentee", "phase"])[item].mean().unstack("phase").reindex(
        columns=[phase for phase in config.FEEDBACK_PHASES if phase in set(rated["phase"])])


def topic_log(people: pd.DataFrame) -> pd.DataFrame:
    """The topic logs of ``people``'s cohorts, one row per topic per session: ``session`` (a session is its
    cohort's: numbered by cohort and session), ``topic`` as written (spaces collapsed), and the session's
    ``cohort_label``, ``region`` and ``number`` (blank label and region for a cohort's own people); empty
    where none."""
    blank = pd.Series("", index=people.index)
    units = zip(people.get("cohort_label", blank), people.get("region", blank), strict=True)
    logs = {unit: log for unit, log in zip(units, people[TOPICS], strict=True) if log is not None} \
        if TOPICS in people else {}
    rows = [((label, session), tidy_topic(topic), label, region, session)
            for (label, region), log in logs.items() for session, topic in log]
    return pd.DataFrame.from_records(rows, columns=["session", "topic", "cohort_label", "region", "number"])


def three_points(people: pd.DataFrame, item: str, role: str) -> pd.DataFrame:
    """The role's people who answered ``item`` at enrolment, at the end and at follow-up: their three ratings
    (columns ``enrolment``, ``end``, ``follow_up``; rows people, by position)."""
    mine = in_role(people, role)
    table = pd.DataFrame({"enrolment": mine[f"pre_{item}"].to_numpy(), "end": mine[f"post_{item}"].to_numpy(),
                          "follow_up": mine[FOLLOW_UP[item]].to_numpy()})
    return table.dropna().reset_index(drop=True)


# --- the findings rows ------------------------------------------------------------------------------------
def _wilcoxon(differences: pd.Series, settings: AnalysisSettings) -> float:
    rounded = differences.dropna().astype(float).round(TIE_DECIMALS)
    return nonparametric.wilcoxon_p(rounded, settings.zero_method, settings.exact_max_n)


def benefit_rows(people: pd.DataFrame) -> Iterator[RoleRow]:
    """``benefit_rank`` (each benefit's mean rank, n its rankers; blank with n 0 for a benefit nobody of a role
    that ranked ranked) and ``benefit_agreement`` (Kendall's W and Friedman's p over the people who ranked all
    seven, n = m; written for every role, blank where m < 2), for each role and ``all``."""
    if not supplied(people, "benefit_ranking"):
        return
    for role in roles_present(people):
        ranks = in_role(people, role)[list(RANKS.values())]
        if ranks.notna().any().any():  # the role ranked: every benefit, blank with n 0 where none ranked it
            for benefit, column in RANKS.items():
                ranked = ranks[column].dropna()
                yield "benefit_rank", role, benefit, mean(ranked), len(ranked)
        concordance = raters.kendalls_w(ranks.dropna())
        yield "benefit_agreement", role, "kendalls_w", concordance.w, concordance.m
        yield "benefit_agreement", role, "friedman_p", concordance.p, concordance.m


def tidy_topic(topic: str) -> str:
    """A topic as written, trimmed and with its inner spaces collapsed."""
    return " ".join(str(topic).split())


def topic_key(topic: str) -> str:
    """A topic as topics are grouped: tidied (``tidy_topic``), case ignored."""
    return tidy_topic(topic).casefold()


def topic_names(log: pd.DataFrame) -> dict[str, str]:
    """Each topic group of a ``topic_log`` (by ``topic_key``, in the order first seen) with its name: its most
    frequent spelling, the first seen on a tie."""
    keys = log["topic"].map(topic_key)
    names = {}
    for key in dict.fromkeys(keys):
        spellings = log.loc[keys == key, "topic"]
        counts = spellings.value_counts(sort=False)
        names[key] = max(dict.fromkeys(spellings), key=lambda s: counts[s])  # max keeps the first of equals
    return names


def topic_rows(people: pd.DataFrame) -> Iterator[RoleRow]:
    """``psych_topic`` for everyone: each topic group's number of distinct sessions, n = the distinct
    sessions in the logs; named by its most frequent spelling, the first seen on a tie."""
    if not supplied(people, "psych_topics"):
        return
    log = topic_log(people)
    sessions = int(log["session"].nunique())
    keys = log["topic"].map(topic_key)
    for key, name in topic_names(log).items():
        yield "psych_topic", config.ALL_ROLES, name, float(log.loc[keys == key, "session"].nunique()), sessions


def team_rows(people: pd.DataFrame, settings: AnalysisSettings = SETTINGS) -> Iterator[RoleRow]:
    """``team_inclusive_behaviour`` and ``team_challenges_unfairness`` for mentees: ``pre_mean``,
    ``post_mean``, ``change_mean``, ``wilcoxon_p`` and ``icc1`` (module docstring)."""
    if not supplied(people, "team_feedback"):
        return
    team = team_table(people)
    for item, measure in TEAM_MEASURES.items():
        means = mentee_means(team, item)
        pre = means["pre"].dropna() if "pre" in means else pd.Series(dtype=float)
        post = means["post"].dropna() if "post" in means else pd.Series(dtype=float)
        yield measure, "mentee", "pre_mean", mean(pre), len(pre)
        yield measure, "mentee", "post_mean", mean(post), len(post)
        change = (post - pre).dropna()
        yield measure, "mentee", "change_mean", mean(change), len(change)
        yield measure, "mentee", "wilcoxon_p", _wilcoxon(change, settings), len(change)
        icc = team_icc(team, item, settings.confidence)
        yield measure, "mentee", "icc1", icc.icc, icc.g


def team_icc(team: pd.DataFrame, item: str, confidence: float = SETTINGS.confidence) -> raters.Icc:
    """ICC(1) of the ratings of ``item`` at ``pre`` in ``team`` (``team_table``), with its interval."""
    at_pre = team[team["phase"] == "pre"]
    return raters.icc1(at_pre["mentee"], at_pre[item], confidence)


def follow_up_rows(people: pd.DataFrame, settings: AnalysisSettings = SETTINGS) -> Iterator[RoleRow]:
    """For each rating item the role answered at any time, role and ``all``: ``followup_mean``;
    ``sustained_change_mean`` and ``sustained_wilcoxon_p`` (follow-up - enrolment); ``since_end_change_mean``
    and ``since_end_wilcoxon_p`` (follow-up - end survey); blank with n 0 where nobody answered at follow-up."""
    if not supplied(people, "follow_up"):
        return
    for role in roles_present(people):
        mine = in_role(people, role).reset_index(drop=True)
        for item, column in FOLLOW_UP.items():
            if not mine[[f"pre_{item}", f"post_{item}", column]].notna().any().any():
                continue  # an item the role was never asked (or never answered): no rows, as in section 4
            answered = mine[column].dropna()
            yield item, role, "followup_mean", mean(answered), len(answered)
            for name, earlier in (("sustained", mine[f"pre_{item}"]), ("since_end", mine[f"post_{item}"])):
                change = nonparametric.paired_differences(earlier, mine[column])
                yield item, role, f"{name}_change_mean", mean(change), len(change)
                yield item, role, f"{name}_wilcoxon_p", _wilcoxon(change, settings), len(change)


def instrument_rows(people: pd.DataFrame, settings: AnalysisSettings = SETTINGS) -> Iterator[RoleRow]:
    """Every section 8 row of a cohort's or a level's people (``person_frame``, ``findings.level.person_table``),
    file by file (none for a file no cohort supplied)."""
    yield from benefit_rows(people)
    yield from topic_rows(people)
    yield from team_rows(people, settings)
    yield from follow_up_rows(people, settings)
