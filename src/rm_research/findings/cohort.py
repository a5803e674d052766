"""The findings table every report writes (data contract, section 4).

One row per figure: ``region, cohort, measure, role, statistic, value, n``; values unrounded,
blank (NaN) where they cannot be computed, ``n`` the number of people the figure rests on.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pandas as pd

from rm_research.contract.programme import Programme
from rm_research.core import config
from rm_research.core.config import SETTINGS, AnalysisSettings
from rm_research.findings import descriptive, registry, themes
from rm_research.findings.instruments import instrument_rows, person_frame
from rm_research.findings.table import FINDINGS_COLUMNS, FLOW_STAGES, PSYCH_ANSWERS, Row
from rm_research.findings.views import RoleView, mean, role_view
from rm_research.ingest.clean import Cohort
from rm_research.ingest.load import LoadedCohort
from rm_research.stats import effects
from rm_research.stats import nonparametric as stats
from rm_research.stats.agreement import Agreement
from rm_research.stats.models import ancova_dose


def flow_rows(view: RoleView, psych_offered: bool = True) -> Iterator[Row]:
    """Counts of the participant flow; n is everyone enrolled in the role. Where the programme offered
    no psychological sessions (``psych_offered`` False), nobody attended one: 0, as the region sums it."""
    people, n = view.people, len(view.people)
    if not psych_offered:
        attended = 0.0
    elif view.psych_attended is None:
        attended = math.nan
    else:
        attended = float((view.psych_attended > 0).sum())
    counts = {
        "enrolled": float(n),
        "matched": float(people["pair_id"].notna().sum()),
        "attended_psych": attended,
        "completed_end_survey": float(people.index.isin(view.end_survey.index).sum()),
        "withdrawn": float((people["status"] == "withdrawn").sum()),
    }
    for stage in FLOW_STAGES:
        yield "flow", stage, counts[stage], n


def rating_rows(view: RoleView, item: str, settings: AnalysisSettings = SETTINGS) -> Iterator[Row]:
    """Pre/post means and the paired analysis of one rating item (tests, effect sizes, intervals)."""
    pre, post = view.enrolment[item].dropna().astype(float), view.end_survey[item].dropna().astype(float)
    if pre.empty and post.empty:
        return
    change = stats.paired_differences(pre, post)
    n = len(change)
    yield item, "pre_mean", mean(pre), len(pre)
    yield item, "post_mean", mean(post), len(post)
    yield item, "change_mean", mean(change), n
    yield item, "paired_pre_mean", mean(pre.reindex(change.index)), n
    yield item, "paired_post_mean", mean(post.reindex(change.index)), n
    low, high = effects.mean_t_interval(change, settings.confidence)  # the forest plots' interval too
    yield item, "change_ci_low", low, n
    yield item, "change_ci_high", high, n
    low, high = effects.bootstrap_mean_ci(change, settings.confidence, settings.bootstrap_resamples,
                                          settings.bootstrap_seed)
    yield item, "change_boot_ci_low", low, n
    yield item, "change_boot_ci_high", high, n
    yield item, "wilcoxon_p", stats.wilcoxon_p(change, settings.zero_method, settings.exact_max_n), n
    yield item, "wilcoxon_p_pratt", stats.wilcoxon_p(change, settings.sensitivity_zero_method,
                                                     settings.exact_max_n), n
    yield item, "wilcoxon_min_p", stats.min_attainable_p(change), n
    yield item, "rank_biserial", stats.rank_biserial(change), n
    shift = effects.hodges_lehmann(change, settings.confidence)
    for key in ("shift", "ci_low", "ci_high", "level"):
        yield item, f"hl_{key}", shift[key], n
    g = effects.hedges_g_paired(pre, post)
    yield item, "hedges_g_z", g["g_z"], n
    yield item, "hedges_g_av", g["g_av"], n
    yield from attrition_rows(view, item, pre, settings)


def attrition_rows(view: RoleView, item: str, pre: pd.Series, settings: AnalysisSettings = SETTINGS) -> Iterator[Row]:
    """Baseline ratings of those who completed the end survey against those who did not."""
    completed = pre.index.isin(view.end_survey.index)
    completers, others = pre[completed], pre[~completed]
    p, r = stats.mann_whitney(completers, others, settings)
    yield item, "completers_pre_mean", mean(completers), len(completers)
    yield item, "noncompleters_pre_mean", mean(others), len(others)
    yield item, "attrition_mwu_p", p, len(pre)
    yield item, "attrition_rank_biserial", r, len(pre)


def sessions_reported_rows(view: RoleView) -> Iterator[Row]:
    """Self-reported mentoring sessions: mean, range and how many gave the extremes."""
    answers = view.end_survey["sessions_reported"].dropna().astype(float)
    if answers.empty:
        return
    n = len(answers)
    yield "sessions_reported", "mean", float(answers.mean()), n
    yield "sessions_reported", "min", float(answers.min()), n
    yield "sessions_reported", "max", float(answers.max()), n
    yield "sessions_reported", "count_at_min", float((answers == answers.min()).sum()), n
    yield "sessions_reported", "count_at_max", float((answers == answers.max()).sum()), n


def yes_count_rows(view: RoleView, settings: AnalysisSettings = SETTINGS, psych_offered: bool = True) -> Iterator[Row]:
    """Answers "yes" to each end-survey yes/no question, as a count and a proportion with its
    Wilson interval; n is those who answered. Where the programme offered no psychological sessions
    (``psych_offered`` False), answers on them are not counted, as the region does not pool them."""
    for item in config.YES_NO_ITEMS:
        if not psych_offered and item in PSYCH_ANSWERS:
            continue
        answers = view.end_survey[item].dropna()
        if answers.empty:
            continue
        yes, n = int(answers.sum()), len(answers)
        low, high = effects.wilson_interval(yes, n, settings.confidence)
        yield item, "yes_count", float(yes), n
        yield item, "yes_proportion", yes / n, n
        yield item, "wilson_ci_low", low, n
        yield item, "wilson_ci_high", high, n


def effect_rows(view: RoleView, settings: AnalysisSettings = SETTINGS) -> Iterator[Row]:
    """Mentoring and psychological dose against change in conf_senior: Spearman's rho with its
    interval and p, and the ANCOVA slope (post ~ pre + dose, robust SEs)."""
    pre, post = (view.enrolment["conf_senior"].astype(float), view.end_survey["conf_senior"].astype(float))
    change = stats.paired_differences(pre, post)
    if change.empty:
        return
    doses = {"attendance_effect": view.sessions, "psych_effect": view.psych_attended}
    for measure, dose in doses.items():
        if dose is None:
            continue
        test = stats.spearman_test(dose, change, settings.confidence)
        yield measure, "spearman_rho", test["rho"], test["n"]
        for key in ("ci_low", "ci_high", "p"):
            yield measure, f"spearman_{key}", test[key], test["n"]
        model = ancova_dose(pre, post, dose, settings)
        for key in ("slope", "ci_low", "ci_high", "p"):
            yield measure, f"ancova_{key}", model[key], model["n"]
    yield from psych_attendance_rows(view, change, settings)


def psych_attendance_rows(view: RoleView, change: pd.Series, settings: AnalysisSettings = SETTINGS) -> Iterator[Row]:
    """Change in conf_senior of those who attended a psychological session against those who did
    not, where both groups exist."""
    if view.psych_attended is None:
        return
    attended = view.psych_attended.reindex(change.index)
    attenders, others = change[attended > 0], change[attended == 0]
    if attenders.empty or others.empty:
        return
    p, r = stats.mann_whitney(attenders, others, settings)
    n = len(attenders) + len(others)
    yield "psych_attendance", "attenders_change_mean", mean(attenders), len(attenders)
    yield "psych_attendance", "nonattenders_change_mean", mean(others), len(others)
    yield "psych_attendance", "mwu_p", p, n
    yield "psych_attendance", "rank_biserial", r, n


def areas_rows(view: RoleView) -> Iterator[Row]:
    """Percentage of those who answered the areas-of-work question that ticked each area."""
    answered = view.people["areas_of_work"].dropna()
    if answered.empty:
        return
    n = len(answered)
    ticked = answered.explode().reset_index().drop_duplicates().iloc[:, 1].value_counts()  # once per person
    for area in config.AREAS_OF_WORK:
        yield "areas_of_work", area, 100.0 * float(ticked.get(area, 0)) / n, n


def psych_offered_rows(cohort: Cohort, view: RoleView) -> Iterator[Row]:
    """How many psychological sessions the log shows were offered."""
    log = cohort.psych_sessions
    if log is None or view.psych_attended is None or view.psych_attended.empty or log["psych_session_no"].isna().all():
        return
    yield "psych_sessions", "offered", float(log["psych_session_no"].max()), len(view.psych_attended)


def role_rows(cohort: Cohort, view: RoleView, settings: AnalysisSettings = SETTINGS,
              psych_offered: bool = True) -> Iterator[Row]:
    """Every findings row of one role: flow, ratings, sessions, yes answers, effects, areas of work,
    psychological sessions offered and themes (``psych_offered`` False: the programme offered none)."""
    yield from flow_rows(view, psych_offered)
    for item in config.RATING_ITEMS:
        yield from rating_rows(view, item, settings)
    yield from sessions_reported_rows(view)
    yield from yes_count_rows(view, settings, psych_offered)
    yield from effect_rows(view, settings)
    yield from areas_rows(view)
    yield from psych_offered_rows(cohort, view)
    yield from themes.theme_rows(cohort, view)


DescriptiveRow = tuple[str, str, str, float, int]  # measure, role, statistic, value, n


def descriptive_rows(cohort: Cohort, programme: Programme | None = None) -> Iterator[DescriptiveRow]:
    """The descriptive sections' rows (``descriptive``), for each role with answers: the contract's
    ``heard_via`` (percentage of those who answered), ``ethnic_group`` and ``resources_needed``
    (counts), ``training_rating`` mean; ``band`` counts; people by sessions held against the plan,
    with the planned number, where ``programme`` plans one; ReMEDI findings by level and kind."""
    for measure, counts_of in descriptive.COUNTS.items():
        percent = measure == "heard_via"  # the contract gives heard_via as a percentage, the others as counts
        for category, role, count, n in counts_of(cohort).itertuples(index=False):
            yield measure, role, category, 100.0 * count / n if percent else float(count), int(n)
    for role, average, n in descriptive.training_rating_means(cohort).itertuples(index=False):
        yield "training_rating", role, "mean", float(average), int(n)
    planned = None if programme is None else programme.planned_mentoring_sessions
    if planned is not None:
        statistic = {label: name for name, label in descriptive.PLAN_CATEGORIES.items()}
        counts = descriptive.sessions_against_plan_counts(cohort, planned)
        for category, role, count, n in counts.itertuples(index=False):
            yield "sessions_vs_plan", role, statistic[category], float(count), int(n)
        everyone = counts.loc[counts["role"] == config.ALL_ROLES, "n"]
        if not everyone.empty:
            yield "sessions_vs_plan", config.ALL_ROLES, "planned", float(planned), int(everyone.iloc[0])
    for category, role, count, n in descriptive.observation_counts(cohort).itertuples(index=False):
        yield "observations", role, category, float(count), int(n)


def compute_findings(cohort: Cohort, region: str, cohort_no: int, settings: AnalysisSettings = SETTINGS,
                     programme: Programme | None = None,
                     agreement: Mapping[str, Agreement] | None = None) -> pd.DataFrame:
    """The findings table for every role that has data, and for everyone (``all``); with
    ``programme``, also the sessions held against its planned number. ``agreement``: the coders'
    agreement (``themes.question_agreement``) where it has been computed already."""
    if agreement is None:
        agreement = themes.question_agreement(cohort, settings.confidence)
    records = []
    offered = programme is None or programme.offers_psych_sessions
    for role in (*config.ROLES, config.ALL_ROLES):
        view = role_view(cohort, role)
        if view.people.empty:
            continue
        records += [(region, cohort_no, m, role, s, v, n) for m, s, v, n in role_rows(cohort, view, settings, offered)]
    records += [(region, cohort_no, m, r, s, v, n) for m, r, s, v, n in descriptive_rows(cohort, programme)]
    records += [(region, cohort_no, m, config.ALL_ROLES, s, v, n) for m, s, v, n in themes.agreement_rows(agreement)]
    records += [(region, cohort_no, m, r, s, v, n) for m, r, s, v, n in instrument_rows(person_frame(cohort), settings)]
    return registry.registered(with_holm(pd.DataFrame.from_records(records, columns=FINDINGS_COLUMNS)))


def with_holm(findings: pd.DataFrame) -> pd.DataFrame:
    """Add ``wilcoxon_p_holm`` rows, each after the p-value it adjusts.

    Two families, because the tests for everyone overlap those by role: the report's pre/post
    tests by role (every item for mentors and for mentees), and the tests for everyone. The team's
    tests of section 8 are not among them (a different question, asked of other people).
    """
    tests = findings[(findings["statistic"] == "wilcoxon_p") & findings["measure"].isin(config.RATING_ITEMS)]
    everyone = tests["role"] == config.ALL_ROLES
    holm = pd.concat([stats.holm(tests.loc[~everyone, "value"]), stats.holm(tests.loc[everyone, "value"])])
    adjusted = tests.assign(statistic="wilcoxon_p_holm", value=holm.reindex(tests.index))
    adjusted.index = adjusted.index + 0.5
    return pd.concat([findings, adjusted]).sort_index().reset_index(drop=True)


def cohort_findings(loaded: LoadedCohort, settings: AnalysisSettings = SETTINGS) -> pd.DataFrame:
    """The findings table of a loaded cohort (``compute_findings``) under its programme's settings."""
    return compute_findings(loaded.cohort, loaded.paths.region, loaded.paths.cohort, settings, loaded.programme)


@dataclass(frozen=True)
class CohortResults:
    """A cohort's results, computed once (``cohort_results``) and read by every internal page: the
    findings table, the coders' agreement in full (the findings keep kappa and the percentage), and
    the tables of figures a page shows beyond the findings' rows: people by training rating, by
    sessions reported and by sessions held against the plan (with the medians held), the mentors'
    findings by level and kind, and each rating item's before and after ratings of the people who
    answered both (numbered, never named)."""

    findings: pd.DataFrame
    agreement: dict[str, Agreement]
    training_ratings: pd.DataFrame
    sessions_reported: pd.DataFrame
    against_plan: pd.DataFrame | None
    held_medians: pd.DataFrame
    observation_grid: pd.DataFrame
    observation_levels: pd.DataFrame
    paired: dict[str, pd.DataFrame]


def cohort_results(loaded: LoadedCohort, settings: AnalysisSettings = SETTINGS) -> CohortResults:
    """Everything a cohort's internal report shows, computed once from the loaded cohort."""
    cohort, planned = loaded.cohort, loaded.programme.planned_mentoring_sessions
    agreement = themes.question_agreement(cohort, settings.confidence)
    findings = compute_findings(cohort, loaded.paths.region, loaded.paths.cohort, settings, loaded.programme,
                                agreement)
    paired = {item: descriptive.paired_ratings(cohort, item) for item in config.RATING_ITEMS}
    return CohortResults(
        findings, agreement, descriptive.training_rating_counts(cohort), descriptive.sessions_distribution(cohort),
        None if planned is None else descriptive.sessions_against_plan_counts(cohort, planned),
        descriptive.sessions_held_medians(cohort), descriptive.observation_grid(cohort),
        descriptive.observation_levels(cohort), {item: table for item, table in paired.items() if not table.empty})
