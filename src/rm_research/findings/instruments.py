"""The findings of the four further instruments (data contract, section 8; issue 20), exactly.

Each is computed only where its file was supplied, for each role that has data and ``all`` (the
topics and the team's feedback for the one role the contract gives). Readings the contract fixes for
every row: people are counted whether or not they withdrew; a blank cell is not an answer; a Wilcoxon
p is section 4's (``stats.wilcoxon_p``: two-sided, exact up to ``exact_max_n``, zero differences
dropped) over the people with both answers, its n those people (zeros included), blank where every
difference is zero; differences are compared for ties after rounding to 9 decimal places (a team's
mean rating is a fraction); a value that cannot be computed is written blank with its n.

- **benefit ranks** (``benefit_ranking``): each benefit's mean rank over the role's people who ranked
  it; Kendall's W and Friedman's p over those who ranked all seven (``stats.raters.kendalls_w``).
- **session topics** (``psych_topics``): topics grouped ignoring case after trimming and collapsing
  spaces, written as the group's most frequent spelling (a tie: the first seen); each the number of
  distinct sessions that discussed it, n the distinct sessions in the log.
- **the team's feedback** (``team_feedback``, mentees): per mentee and phase the mean of the raters'
  ratings; the mean over mentees at ``pre`` and at ``post``; over mentees rated at both, the mean
  change and its Wilcoxon p; ICC(1) at ``pre`` (``stats.raters.icc1``).
- **follow-up** (``follow_up``): the mean at follow-up; the change since enrolment ("sustained") and
  since the end survey, each with its Wilcoxon p.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pandas as pd

from rm_research.core import config
from rm_research.core.config import SETTINGS, AnalysisSettings
from rm_research.findings.table import RoleRow
from rm_research.findings.views import role_view
from rm_research.ingest.clean import Cohort
from rm_research.stats import nonparametric, raters

#: Differences are compared for ties after rounding to this many decimal places (contract section 8).
TIE_DECIMALS = 9
TEAM_MEASURES = {item: f"team_{item}" for item in config.TEAM_ITEMS}


def _mean(values: pd.Series) -> float:
    values = values.dropna().astype(float)
    return float(values.mean()) if len(values) else math.nan


def _wilcoxon(differences: pd.Series, settings: AnalysisSettings) -> float:
    rounded = differences.dropna().astype(float).round(TIE_DECIMALS)
    return nonparametric.wilcoxon_p(rounded, settings.zero_method, settings.exact_max_n)


def _roles(cohort: Cohort) -> list[str]:
    found = set(cohort.participants["role"].dropna())
    return [role for role in config.ROLES if role in found] + [config.ALL_ROLES]


def benefit_rows(cohort: Cohort) -> Iterator[RoleRow]:
    """``benefit_rank`` (each benefit's mean rank, n its rankers) and ``benefit_agreement`` (Kendall's W and
    Friedman's p over the people who ranked all seven, n = m), for each role and ``all``."""
    ranking = cohort.benefit_ranking
    if ranking is None:
        return
    for role in _roles(cohort):
        mine = ranking[ranking["participant_id"].isin(role_view(cohort, role).people.index)]
        for benefit in config.BENEFITS:
            ranks = mine.loc[mine["benefit"] == benefit, "rank"].dropna()
            if not ranks.empty:
                yield "benefit_rank", role, benefit, _mean(ranks), len(ranks)
        wide = mine.dropna(subset=["rank"]).pivot_table(index="participant_id", columns="benefit", values="rank",
                                                        aggfunc="first")
        complete = wide.reindex(columns=list(config.BENEFITS)).dropna().astype(float)
        concordance = raters.kendalls_w(complete)
        yield "benefit_agreement", role, "kendalls_w", concordance.w, concordance.m
        yield "benefit_agreement", role, "friedman_p", concordance.p, concordance.m


def topic_key(topic: str) -> str:
    """A topic as topics are grouped: trimmed, inner spaces collapsed, case ignored."""
    return " ".join(str(topic).split()).casefold()


def topic_rows(cohort: Cohort) -> Iterator[RoleRow]:
    """``psych_topic`` for everyone: each topic group's number of distinct sessions, n = the distinct
    sessions in the log; named by its most frequent spelling (trimmed), the first seen on a tie."""
    log = cohort.psych_topics
    if log is None:
        return
    log = log.dropna(subset=["psych_session_no", "topic"])
    sessions = int(log["psych_session_no"].nunique())
    spelled = log["topic"].astype(str).map(lambda text: " ".join(text.split()))
    keys = spelled.map(topic_key)
    for key in dict.fromkeys(keys):  # in the order first seen
        spellings = spelled[keys == key]
        counts = spellings.value_counts(sort=False)
        name = max(dict.fromkeys(spellings), key=lambda s: counts[s])  # max keeps the first of equals
        yield "psych_topic", config.ALL_ROLES, name, float(log.loc[keys == key, "psych_session_no"].nunique()), sessions


def team_rows(cohort: Cohort, settings: AnalysisSettings = SETTINGS) -> Iterator[RoleRow]:
    """``team_inclusive_behaviour`` and ``team_challenges_unfairness`` for mentees: ``pre_mean``,
    ``post_mean``, ``change_mean``, ``wilcoxon_p`` and ``icc1`` (module docstring)."""
    feedback = cohort.team_feedback
    if feedback is None:
        return
    for item, measure in TEAM_MEASURES.items():
        rated = feedback.dropna(subset=[item])
        means = rated.groupby(["mentee_id", "phase"])[item].mean().astype(float).unstack("phase")
        pre = means["pre"].dropna() if "pre" in means else pd.Series(dtype=float)
        post = means["post"].dropna() if "post" in means else pd.Series(dtype=float)
        yield measure, "mentee", "pre_mean", _mean(pre), len(pre)
        yield measure, "mentee", "post_mean", _mean(post), len(post)
        change = (post - pre).dropna()
        yield measure, "mentee", "change_mean", _mean(change), len(change)
        yield measure, "mentee", "wilcoxon_p", _wilcoxon(change, settings), len(change)
        at_pre = rated[rated["phase"] == "pre"]
        icc = raters.icc1(at_pre["mentee_id"], at_pre[item].astype(float), settings.confidence)
        yield measure, "mentee", "icc1", icc.icc, icc.g


def follow_up_rows(cohort: Cohort, settings: AnalysisSettings = SETTINGS) -> Iterator[RoleRow]:
    """For each rating item, role and ``all``: ``followup_mean``; ``sustained_change_mean`` and
    ``sustained_wilcoxon_p`` (follow-up - enrolment); ``since_end_change_mean`` and
    ``since_end_wilcoxon_p`` (follow-up - end survey)."""
    follow = cohort.follow_up
    if follow is None:
        return
    follow = follow.set_index("participant_id")
    for role in _roles(cohort):
        view = role_view(cohort, role)
        later = follow[follow.index.isin(view.people.index)]
        for item in config.RATING_ITEMS:
            answered = later[item].dropna()
            if answered.empty:
                continue
            yield item, role, "followup_mean", _mean(answered), len(answered)
            for name, earlier in (("sustained", view.enrolment[item]), ("since_end", view.end_survey[item])):
                change = nonparametric.paired_differences(earlier.astype("Float64"), answered.astype("Float64"))
                yield item, role, f"{name}_change_mean", _mean(change), len(change)
                yield item, role, f"{name}_wilcoxon_p", _wilcoxon(change, settings), len(change)


def instrument_rows(cohort: Cohort, settings: AnalysisSettings = SETTINGS) -> Iterator[RoleRow]:
    """Every section 8 row of a cohort, file by file (none for a file not supplied)."""
    yield from benefit_rows(cohort)
    yield from topic_rows(cohort)
    yield from team_rows(cohort, settings)
    yield from follow_up_rows(cohort, settings)
