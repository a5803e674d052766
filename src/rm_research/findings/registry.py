"""One registry of every statistic the package writes: what it is, whom it rests on, how it reads.

Each findings row is ``(measure, role, statistic, value, n)``. Its ``Statistic`` here says:

- ``kind``: count, percentage, proportion, mean, p_value, effect_size, interval_limit, level,
  extreme (one person's value, such as the fewest sessions), structural (a fact about the
  programme, not about people), planning (people a future cohort needs) or judgement (a rating
  of the evidence by stated rules);
- ``population``: the group of people it rests on (its ``n``), named so that statistics on the same
  people share it, and the disclosure audit (``differencing``) knows which n's are equal;
- ``label`` and ``decimals`` (internal display) and ``public_decimals`` (rounding in public output);
- for a count, the ``whole`` it is part of (its row's ``n``), so that a count is only published when
  the rest of the whole clears the threshold too (a proportion discloses both groups);
- for a mean, the ``scale`` of one person's value and whether the values are whole numbers, which
  the audit uses to bound the sum behind it;
- for comparisons and extremes, the rows whose sizes the figure really rests on.

Findings, report tables, disclosure control and the Methods glossary all read this. The producers
of findings pass every table they make through ``registered``, so a statistic that is not declared
here cannot be written at all; disclosure control would suppress one in public output anyway (fails
closed).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from rm_research.core import config

Kind = Literal["count", "percentage", "proportion", "mean", "p_value", "effect_size", "interval_limit",
               "level", "extreme", "structural", "planning", "judgement"]
KINDS: tuple[Kind, ...] = ("count", "percentage", "proportion", "mean", "p_value", "effect_size",
                           "interval_limit", "level", "extreme", "structural", "planning", "judgement")


@dataclass(frozen=True)
class Statistic:
    """What one statistic is; see the module docstring."""

    kind: Kind
    label: str
    definition: str
    population: str = "n"
    decimals: int = 2
    public_decimals: int | None = None
    whole: bool = False  # a count that is part of its row's n
    additive: bool = False  # the value for everyone is the sum of the roles' values
    scale: tuple[float, float] | None = None  # one person's value lies in this range (means)
    whole_numbers: bool = True  # one person's value is a whole number (means of ratings, counts)
    groups: tuple[str, str] | None = None  # a comparison: the statistics giving the two groups' sizes
    at_extreme: str | None = None  # an extreme: the statistic counting the people who share it
    reveals_size: bool = False  # its value gives its n away exactly (2/2^n; the level an n allows)
    internal_only: bool = False  # a check for the technical appendix: never published (shown as the mark)
    n_per_statistic: bool = False  # each statistic of the measure rests on its own people (a benefit's rankers)

    @property
    def rounding(self) -> int:
        """Decimal places in public output."""
        return self.decimals if self.public_decimals is None else self.public_decimals

    @property
    def about_sessions(self) -> bool:
        """Whether it counts sessions, not people (the psychological sessions' topics): a fact about the
        programme, shown as it is in every public table and left out of the disclosure audit."""
        return self.population == OF_SESSIONS


RATING_SCALE = (float(config.RATING_RANGE[0]), float(config.RATING_RANGE[1]))
#: The population of a statistic about sessions, not people (``Statistic.about_sessions``).
OF_SESSIONS = "sessions"
CHANGE_SCALE = (RATING_SCALE[0] - RATING_SCALE[1], RATING_SCALE[1] - RATING_SCALE[0])
TRAINING_SCALE = (float(config.TRAINING_RATING_RANGE[0]), float(config.TRAINING_RATING_RANGE[1]))
#: Mentoring sessions one person can report; the schema's upper bound for the count.
SESSIONS_SCALE = (0.0, 1000.0)


def _mean(label: str, definition: str, population: str, scale: tuple[float, float], **extra: object) -> Statistic:
    return Statistic("mean", label, definition, population, decimals=2, public_decimals=1, scale=scale,
                     **extra)  # type: ignore[arg-type]


def _p(label: str, definition: str, population: str, **extra: object) -> Statistic:
    return Statistic("p_value", label, definition, population, decimals=3, **extra)  # type: ignore[arg-type]


def _effect(label: str, definition: str, population: str, **extra: object) -> Statistic:
    return Statistic("effect_size", label, definition, population, decimals=2, **extra)  # type: ignore[arg-type]


def _limit(label: str, definition: str, population: str, decimals: int = 2, **extra: object) -> Statistic:
    return Statistic("interval_limit", label, definition, population, decimals=decimals,
                     **extra)  # type: ignore[arg-type]


def _count(label: str, definition: str, population: str = "n", **extra: object) -> Statistic:
    return Statistic("count", label, definition, population, decimals=0, **extra)  # type: ignore[arg-type]


FLOW = {
    "enrolled": _count("Enrolled", "participants listed (rows of participants)", "enrolled", additive=True),
    "matched": _count("Matched with a partner", "participants with a pair_id", "enrolled", whole=True,
                      additive=True),
    "attended_psych": _count("Attended a psychological session", "attended at least one psychological session",
                             "enrolled", whole=True, additive=True),
    "completed_end_survey": _count("Completed the end survey", "participants with an end_survey row",
                                   "enrolled", whole=True, additive=True),
    "withdrawn": _count("Withdrew", "participants with status withdrawn", "enrolled", whole=True, additive=True),
}

COMPARISON_ATTRITION = ("completers_pre_mean", "noncompleters_pre_mean")
RATING = {
    "pre_mean": _mean("Mean at enrolment", "mean rating at enrolment, everyone who answered", "pre", RATING_SCALE),
    "post_mean": _mean("Mean at the end", "mean rating at the end, everyone who answered", "post", RATING_SCALE),
    "change_mean": _mean("Mean change", "mean of (end - enrolment) over people who answered both", "paired",
                         CHANGE_SCALE),
    # the before/after means of exactly the people behind change_mean: post - pre = change_mean, and
    # on the same n their sums differ by the change's sum, which the audit holds (``differencing``)
    "paired_pre_mean": _mean("Mean before (same people)", "mean rating at enrolment of the people who answered "
                             "both times", "paired", RATING_SCALE),
    "paired_post_mean": _mean("Mean after (same people)", "mean rating at the end of the people who answered "
                              "both times", "paired", RATING_SCALE),
    "change_ci_low": _limit("Mean change: 95% CI from", "t interval of the mean change, mean +- t(n - 1) SD / "
                            "sqrt(n); the interval the cohort's row in its region's forest plot shows", "paired", 2,
                            public_decimals=1),
    "change_ci_high": _limit("Mean change: 95% CI to", "t interval of the mean change, mean +- t(n - 1) SD / "
                             "sqrt(n); the interval the cohort's row in its region's forest plot shows", "paired", 2,
                             public_decimals=1),
    "change_boot_ci_low": _limit("Mean change: bootstrap CI from", "BCa bootstrap interval of the mean change "
                                 "(technical appendix of the internal report: a check on the t interval)", "paired",
                                 2, internal_only=True),
    "change_boot_ci_high": _limit("Mean change: bootstrap CI to", "BCa bootstrap interval of the mean change "
                                  "(technical appendix of the internal report: a check on the t interval)", "paired",
                                  2, internal_only=True),
    "wilcoxon_p": _p("Wilcoxon p", "two-sided exact Wilcoxon signed-rank p, zero changes dropped", "paired"),
    "wilcoxon_p_holm": _p("Wilcoxon p (Holm-adjusted)", "the Wilcoxon p adjusted by Holm's method within its family",
                          "paired"),
    "wilcoxon_p_pratt": _p("Wilcoxon p (Pratt's zero rule)", "the Wilcoxon p with zero changes ranked (Pratt)",
                           "paired"),
    "wilcoxon_min_p": _p("Smallest p possible", "2/2^n for n changed ratings: the smallest p the test can reach",
                         "paired", reveals_size=True),
    "rank_biserial": _effect("Rank-biserial r", "matched-pairs rank-biserial correlation, zero changes dropped",
                             "paired"),
    "hl_shift": _effect("Median shift (Hodges-Lehmann)", "median of the Walsh averages of the changes", "paired"),
    "hl_ci_low": _limit("Median shift: CI from", "distribution-free interval of the Hodges-Lehmann shift", "paired"),
    "hl_ci_high": _limit("Median shift: CI to", "distribution-free interval of the Hodges-Lehmann shift", "paired"),
    "hl_level": Statistic("level", "Confidence level reached", "the confidence the Hodges-Lehmann interval has "
                          "(small n cannot reach 95%)", "paired", decimals=3, reveals_size=True),
    "hedges_g_z": _effect("Hedges' g_z", "mean change / SD of change, paired small-sample correction", "paired"),
    "hedges_g_av": _effect("Hedges' g_av", "mean change / mean of the two SDs, paired small-sample correction",
                           "paired"),
    "completers_pre_mean": _mean("Completers: mean at enrolment", "enrolment mean of those who completed the end "
                                 "survey", "completers", RATING_SCALE, groups=COMPARISON_ATTRITION),
    "noncompleters_pre_mean": _mean("Non-completers: mean at enrolment", "enrolment mean of those who did not "
                                    "complete the end survey", "noncompleters", RATING_SCALE,
                                    groups=COMPARISON_ATTRITION),
    "attrition_mwu_p": _p("Completers vs non-completers: Mann-Whitney p", "two-sided Mann-Whitney p of enrolment "
                          "ratings, completers against non-completers", "pre", groups=COMPARISON_ATTRITION),
    "attrition_rank_biserial": _effect("Completers vs non-completers: rank-biserial r", "rank-biserial correlation "
                                       "of the same comparison", "pre", groups=COMPARISON_ATTRITION),
    # a region's or the nation's cohorts pooled (contract section 6; ``pooling``): n = people paired
    # in the pooled cohorts. Not means: a pooled change is a weighted estimate, not a sum over people.
    "k": Statistic("structural", "Cohorts pooled", "cohorts in the meta-analysis (at least 2 people paired, "
                   "changes not all equal)", "pooled", decimals=0),
    "pooled_change": _effect("Pooled mean change", "random-effects (Paule-Mandel) pooled mean change of the "
                             "cohorts", "pooled"),
    "pooled_ci_low": _limit("Pooled mean change: 95% CI from", "Hartung-Knapp-Sidik-Jonkman interval, t on k - 1 "
                            "df", "pooled"),
    "pooled_ci_high": _limit("Pooled mean change: 95% CI to", "Hartung-Knapp-Sidik-Jonkman interval, t on k - 1 "
                             "df", "pooled"),
    "pooled_p": _p("Pooled p", "two-sided Hartung-Knapp-Sidik-Jonkman t-test of the pooled change", "pooled"),
    "tau2": Statistic("effect_size", "Between-cohort variance (tau²)", "Paule-Mandel variance of the cohorts' "
                      "true mean changes", "pooled", decimals=3),
    "i2": Statistic("percentage", "I² (%)", "share of the variation between cohorts beyond chance: "
                    "max(0, (Q - (k - 1)) / Q) x 100", "pooled", decimals=1),
    "q_p": _p("Cochran's Q p", "chi-square p of Cochran's Q on k - 1 df", "pooled"),
    "pooled_pi_low": _limit("Prediction interval from", "95% prediction interval of a new cohort's mean change "
                            "(k >= 3; t on k - 2 df)", "pooled"),
    "pooled_pi_high": _limit("Prediction interval to", "95% prediction interval of a new cohort's mean change "
                             "(k >= 3; t on k - 2 df)", "pooled"),
    # the confidence items asked again 6-12 months on (contract section 8, follow_up.csv; ``findings.instruments``):
    # means of whole ratings, but not held by the disclosure audit (whole_numbers=False: fail closed)
    "followup_mean": _mean("Mean at follow-up", "mean rating 6-12 months after the end, everyone who answered",
                           "followup", RATING_SCALE, whole_numbers=False),
    "sustained_change_mean": _mean("Change since enrolment (follow-up)", "mean of (follow-up - enrolment) over "
                                   "people who answered both", "sustained", CHANGE_SCALE, whole_numbers=False),
    "sustained_wilcoxon_p": _p("Change since enrolment: Wilcoxon p", "two-sided Wilcoxon signed-rank p, as "
                               "section 4", "sustained"),
    "since_end_change_mean": _mean("Change since the end (follow-up)", "mean of (follow-up - end) over people who "
                                   "answered both", "since_end", CHANGE_SCALE, whole_numbers=False),
    "since_end_wilcoxon_p": _p("Change since the end: Wilcoxon p", "two-sided Wilcoxon signed-rank p, as section 4",
                               "since_end"),
    # the evidence for the next decision over the same cohorts (contract section 9; ``findings.evidence``)
    "moderator_psych_slope": _effect("Change per psychological session offered", "random-effects meta-regression "
                                     "of the cohorts' mean change on psych_sessions_offered (Paule-Mandel tau², "
                                     "k >= 3): an association between programmes, not an effect", "pooled"),
    "moderator_psych_ci_low": _limit("Per session offered: 95% CI from", "Hartung-Knapp interval, t on k - 2 df",
                                     "pooled"),
    "moderator_psych_ci_high": _limit("Per session offered: 95% CI to", "Hartung-Knapp interval, t on k - 2 df",
                                      "pooled"),
    "moderator_psych_p": _p("Per session offered: p", "two-sided Hartung-Knapp t-test of the slope on k - 2 df",
                            "pooled"),
    "moderator_psych_tau2": Statistic("effect_size", "Residual between-cohort variance (tau²)", "Paule-Mandel "
                                      "residual variance of the meta-regression on sessions offered", "pooled",
                                      decimals=3),
    "trend_slope": _effect("Change per later year of starting", "random-effects meta-regression of the cohorts' "
                           "mean change on their start (decimal year of the earliest enrolment; cohort number "
                           "where a cohort has no date), k >= 3", "pooled"),
    "trend_ci_low": _limit("Per year: 95% CI from", "Hartung-Knapp interval, t on k - 2 df", "pooled"),
    "trend_ci_high": _limit("Per year: 95% CI to", "Hartung-Knapp interval, t on k - 2 df", "pooled"),
    "trend_p": _p("Per year: p", "two-sided Hartung-Knapp t-test of the slope on k - 2 df", "pooled"),
    "egger_p": _p("Egger's test p", "meta-regression of the cohorts' mean change on their standard errors (k >= "
                  "10): small-study effects", "pooled"),
    "certainty": Statistic("judgement", "Certainty (1 very low to 4 high)", "GRADE-style rating of the pooled "
                           "change: starts low (uncontrolled before-and-after), rated down for inconsistency, "
                           "imprecision, small numbers and small-study effects", "pooled", decimals=0),
    **{f"certainty_{domain}": Statistic("judgement", f"Rated down for {words}", f"levels the certainty was rated "
                                        f"down for {words} (0, 1 or 2), by the rules in the Methods", "pooled",
                                        decimals=0)
       for domain, words in (("inconsistency", "inconsistency"), ("imprecision", "imprecision"),
                             ("small_numbers", "small numbers"), ("small_studies", "small-study effects"))},
    "optimal_information_size": Statistic("planning", "People to detect a change that matters", "people with both "
                                          "surveys one cohort needs to detect the smallest change that matters "
                                          "(pairs_needed of that change, pooled standard deviation)", "pooled",
                                          decimals=0),
    "pairs_needed": Statistic("planning", "People needed in a new cohort", "people with both surveys for 80% "
                              "power to detect the pooled change with the two-sided signed-rank test at 0.05: "
                              "max(6, ceiling(n_t pi / 3)), n_t the one-sample t-test's exact n", "pooled",
                              decimals=0),
    "between_regions_p": _p("Regions differ: p", "F test of region as a factor in the random-effects "
                            "meta-regression (Hartung-Knapp), where at least two regions pool 2 cohorts",
                            "pooled"),
}

SESSIONS = {
    "mean": _mean("Mean", "mean of the sessions reported", "answered", SESSIONS_SCALE),
    "min": Statistic("extreme", "Fewest", "the fewest sessions anyone reported", "answered", decimals=0,
                     at_extreme="count_at_min"),
    "max": Statistic("extreme", "Most", "the most sessions anyone reported", "answered", decimals=0,
                     at_extreme="count_at_max"),
    "count_at_min": _count("People at the fewest", "how many reported the fewest", "answered", whole=True),
    "count_at_max": _count("People at the most", "how many reported the most", "answered", whole=True),
}

YES_NO = {
    "yes_count": _count("Yes", "answers yes, of those who answered", "answered", whole=True, additive=True),
    "yes_proportion": Statistic("proportion", "Proportion yes", "yes answers / those who answered", "answered",
                                decimals=2),
    "wilson_ci_low": _limit("Proportion: 95% CI from", "Wilson score interval of the proportion", "answered"),
    "wilson_ci_high": _limit("Proportion: 95% CI to", "Wilson score interval of the proportion", "answered"),
}

DOSE = {
    "spearman_rho": _effect("Spearman rho", "Spearman correlation of dose with change in confidence", "dose"),
    "spearman_ci_low": _limit("Spearman rho: 95% CI from", "Fisher z interval, Bonett-Wright standard error", "dose"),
    "spearman_ci_high": _limit("Spearman rho: 95% CI to", "Fisher z interval, Bonett-Wright standard error", "dose"),
    "spearman_p": _p("Spearman p", "two-sided p of Spearman's rho", "dose"),
    "ancova_slope": _effect("ANCOVA slope per session", "slope of dose in end ~ enrolment + dose", "ancova"),
    "ancova_ci_low": _limit("ANCOVA slope: 95% CI from", "HC3 robust interval of the slope", "ancova"),
    "ancova_ci_high": _limit("ANCOVA slope: 95% CI to", "HC3 robust interval of the slope", "ancova"),
    "ancova_p": _p("ANCOVA p", "HC3 robust t-test of the slope", "ancova"),
    # a region's or the nation's cohorts pooled (``pooling``): conf_senior, cohort fixed effects
    "pooled_ancova_slope": _effect("Pooled ANCOVA slope per session", "slope of dose in end ~ enrolment + dose + "
                                   "cohort, cohorts of at least 2 people", "pooled_ancova"),
    "pooled_ancova_ci_low": _limit("Pooled ANCOVA slope: 95% CI from", "HC3 robust interval of the slope",
                                   "pooled_ancova"),
    "pooled_ancova_ci_high": _limit("Pooled ANCOVA slope: 95% CI to", "HC3 robust interval of the slope",
                                    "pooled_ancova"),
    "pooled_ancova_p": _p("Pooled ANCOVA p", "HC3 robust t-test of the slope", "pooled_ancova"),
    "mixed_slope": _effect("Mixed-model slope per session", "slope of dose in end ~ enrolment + dose, random "
                           "intercept per cohort (REML; at least 5 cohorts)", "mixed"),
    "mixed_ci_low": _limit("Mixed-model slope: 95% CI from", "Wald (normal) interval of the slope", "mixed"),
    "mixed_ci_high": _limit("Mixed-model slope: 95% CI to", "Wald (normal) interval of the slope", "mixed"),
    "mixed_p": _p("Mixed-model p", "Wald (normal) test of the slope", "mixed"),
}

COMPARISON_PSYCH = ("attenders_change_mean", "nonattenders_change_mean")
PSYCH_ATTENDANCE = {
    "attenders_change_mean": _mean("Attenders: mean change", "mean change in confidence with senior leaders of "
                                   "those who attended a psychological session", "attenders", CHANGE_SCALE,
                                   groups=COMPARISON_PSYCH),
    "nonattenders_change_mean": _mean("Non-attenders: mean change", "the same, of those who attended none",
                                      "nonattenders", CHANGE_SCALE, groups=COMPARISON_PSYCH),
    "mwu_p": _p("Attenders vs non-attenders: Mann-Whitney p", "two-sided Mann-Whitney p of the changes", "both",
                groups=COMPARISON_PSYCH),
    "rank_biserial": _effect("Attenders vs non-attenders: rank-biserial r", "rank-biserial correlation of the "
                             "same comparison", "both", groups=COMPARISON_PSYCH),
}

PERCENT_OF_ANSWERED = Statistic("percentage", "Percentage", "percentage of the role's people who answered the "
                                "question that gave this answer", "answered", decimals=1, whole=True, additive=True)
COUNT_OF_ANSWERED = _count("People", "people of the role who answered the question that gave this answer",
                           "answered", whole=True, additive=True)

#: The team's view of a mentee (contract section 8, team_feedback.csv): means over mentees of their raters' mean
#: rating (fractions: not held by the disclosure audit), for each of ``config.TEAM_ITEMS``.
TEAM = {
    "pre_mean": _mean("Team's rating before", "mean over mentees of their raters' mean rating at pre", "team_pre",
                      RATING_SCALE, whole_numbers=False),
    "post_mean": _mean("Team's rating after", "mean over mentees of their raters' mean rating at post", "team_post",
                       RATING_SCALE, whole_numbers=False),
    "change_mean": _mean("Team's change", "mean over mentees rated at pre and post of (post mean - pre mean)",
                         "team_both", CHANGE_SCALE, whole_numbers=False),
    "wilcoxon_p": _p("Team's change: Wilcoxon p", "two-sided Wilcoxon signed-rank p of the mentees' changes, ties "
                     "after rounding to 9 decimals", "team_both"),
    "icc1": _effect("Raters' agreement, ICC(1)", "one-way random-effects intraclass correlation of single ratings at "
                    "pre, raters nested in mentees (unequal teams: n0)", "team_icc"),
}
TEAM_MEASURES = frozenset(f"team_{item}" for item in config.TEAM_ITEMS)

#: Measures whose statistic is a category (an area of work, a channel, a group, a band, a theme).
CATEGORICAL: dict[str, Statistic] = {
    "areas_of_work": PERCENT_OF_ANSWERED,
    "heard_via": PERCENT_OF_ANSWERED,
    "ethnic_group": COUNT_OF_ANSWERED,
    "band": COUNT_OF_ANSWERED,
    "resources_needed": COUNT_OF_ANSWERED,
    "theme": COUNT_OF_ANSWERED,
    # contract section 8: each benefit's mean rank over the people who ranked it (their own n, benefit by
    # benefit), and the sessions that discussed each topic (sessions, not people: a fact about the programme)
    "benefit_rank": _mean("Mean rank", "mean rank of the benefit (1 = most important) over the people who ranked "
                          "it", "ranked", (1.0, float(len(config.BENEFITS))), whole_numbers=False,
                          n_per_statistic=True),
    "psych_topic": Statistic("structural", "Sessions that discussed it", "distinct psychological sessions in whose "
                             "log the topic appears; n = the sessions logged", OF_SESSIONS, decimals=0),
}

#: Categorical measures whose categories are written by people (a channel, a band, a resource, a
#: theme), not taken from the contract's lists: a category few people gave can name its writer, so
#: public findings hide its name (``disclosure.categories.hide_rare_categories``).
FREE_TEXT_CATEGORIES = frozenset({"heard_via", "band", "resources_needed", "theme"})

#: Measures whose rows for a role list every category, each person who answered in exactly one:
#: a reader knows the counts add up to the answered (``n``), and so does the disclosure audit.
PARTITIONS = frozenset({"heard_via", "ethnic_group", "band", "sessions_vs_plan"})

OTHER = {
    ("benefit_agreement", "kendalls_w"): _effect("Kendall's W", "agreement of the rankings of all seven benefits: "
                                                 "12 S / (m^2 (7^3 - 7))", "ranked_all"),
    ("benefit_agreement", "friedman_p"): _p("Friedman p", "Friedman's chi-square m 6 W on 6 df, upper tail",
                                            "ranked_all"),
    ("psych_sessions", "offered"): Statistic("structural", "Psychological sessions offered", "the highest "
                                             "session number in the attendance log", "enrolled", decimals=0),
    ("training_rating", "mean"): _mean("Mean training rating", "mean rating of the induction training (1-5)",
                                       "answered", TRAINING_SCALE),
    ("agreement", "kappa"): _effect("Cohen's kappa", "agreement of two coders beyond chance", "units"),
    ("agreement", "percent_agreement"): Statistic("percentage", "Percentage agreement", "share of (unit, theme) "
                                                  "judgements on which the two coders agree", "units", decimals=1),
}

SESSIONS_VS_PLAN = {
    "fewer_than_planned": _count("Fewer sessions than planned", "people whose sessions held (the pair's log, else "
                                 "their own report) are fewer than the programme planned", "answered", whole=True,
                                 additive=True),
    "as_planned": _count("As many sessions as planned", "people who held as many sessions as the programme planned",
                         "answered", whole=True, additive=True),
    "more_than_planned": _count("More sessions than planned", "people who held more sessions than the programme "
                                "planned", "answered", whole=True, additive=True),
    "planned": Statistic("structural", "Sessions planned", "the programme's planned number of mentoring sessions "
                         "(planned_mentoring_sessions in programme.toml)", "answered", decimals=0),
}

#: ReMEDI observations (seeds/004), for everyone only: counts of findings, not of people, resting on
#: the pairs that recorded any (their n).
OBSERVATIONS = {
    f"{level}: {kind}": _count(f"{level.capitalize()} level, {kind}", f"findings of {kind} the mentors recorded at "
                               f"the {level} level; n = pairs that recorded any finding", "observing")
    for level in config.OBSERVATION_LEVELS for kind in config.OBSERVATION_KINDS
}

FAMILIES: dict[str, dict[str, Statistic]] = {
    "flow": FLOW,
    "rating": RATING,
    "sessions_reported": SESSIONS,
    "yes_no": YES_NO,
    "dose": DOSE,
    "psych_attendance": PSYCH_ATTENDANCE,
    "sessions_vs_plan": SESSIONS_VS_PLAN,
    "observations": OBSERVATIONS,
    "team": TEAM,
}


#: Groups of people that are not mentors plus mentees: each role's pooling leaves out its own
#: cohorts (a cohort whose mentors all changed equally still pools for everyone), and the ANCOVA
#: and mixed models drop cohorts per role; the coders' units, the observing pairs and the psychological
#: sessions whose topics were logged are counted for everyone only.
ROLES_DO_NOT_ADD_UP = frozenset({"pooled", "pooled_ancova", "mixed", "units", "observing", OF_SESSIONS})


def family(measure: str) -> str:
    """The family of statistics a measure belongs to (rating items share one, and so on)."""
    if measure in config.RATING_ITEMS:
        return "rating"
    if measure in config.YES_NO_ITEMS:
        return "yes_no"
    if measure in ("attendance_effect", "psych_effect"):
        return "dose"
    if measure in TEAM_MEASURES:
        return "team"
    return measure.split(":", 1)[0]


def spec(measure: str, statistic: str) -> Statistic | None:
    """The registered ``Statistic`` of a findings row, or None when it is not registered."""
    name = family(measure)
    if name in FAMILIES:
        return FAMILIES[name].get(statistic)
    if name in CATEGORICAL:
        return CATEGORICAL[name]
    return OTHER.get((name, statistic))


def specs(findings: pd.DataFrame) -> list[Statistic | None]:
    """The registered statistic of each findings row, in order (None where unregistered)."""
    return [spec(m, s) for m, s in zip(findings["measure"], findings["statistic"], strict=True)]


def unregistered(findings: pd.DataFrame) -> pd.DataFrame:
    """The findings rows whose statistic is not registered (to be empty)."""
    mask = [s is None for s in specs(findings)]
    return findings.loc[mask, ["measure", "statistic"]].drop_duplicates()


class UnregisteredStatisticError(ValueError):
    """A findings row whose statistic this registry does not declare: a producer wrote a name that
    no table, disclosure rule or glossary knows."""


def registered(findings: pd.DataFrame) -> pd.DataFrame:
    """``findings``, after checking that every row's statistic is declared here: the producers of
    findings (``findings.cohort.compute_findings``, ``findings.level.level_results``) pass their table
    through this, so that a statistic is only ever written under its registered name. Raises
    ``UnregisteredStatisticError`` naming the rows that are not."""
    missing = unregistered(findings)
    if not missing.empty:
        listed = ", ".join(f"{m}/{s}" for m, s in missing.itertuples(index=False))
        raise UnregisteredStatisticError(f"statistics not declared in findings.registry: {listed}; declare each "
                                         "(its kind, population and label) before writing it")
    return findings


def families() -> frozenset[str]:
    """Every family of measures the registry declares (``family`` of a findings row's measure)."""
    return frozenset({*FAMILIES, *CATEGORICAL, *(name for name, _ in OTHER)})


def label(measure: str, statistic: str) -> str:
    """The label a reader sees for a statistic (a category's own name for categorical measures)."""
    found = spec(measure, statistic)
    if found is None:
        return statistic
    return statistic if family(measure) in CATEGORICAL else found.label


def decimals(measure: str, statistic: str) -> int:
    """Decimal places for display in the internal report."""
    found = spec(measure, statistic)
    return 2 if found is None else found.decimals


def entries() -> Iterator[tuple[str, str, Statistic]]:
    """Every registered (family, statistic, Statistic); categorical families as ``<category>``."""
    for name, members in FAMILIES.items():
        for statistic, found in members.items():
            yield name, statistic, found
    for name, found in CATEGORICAL.items():
        yield name, "<category>", found
    for (name, statistic), found in OTHER.items():
        yield name, statistic, found


def glossary(findings: pd.DataFrame | None = None) -> pd.DataFrame:
    """The registry as a table for the Methods appendix: family, statistic, label, kind, definition;
    only the statistics ``findings`` holds, when it is given."""
    present = None if findings is None else {
        (family(m), "<category>" if family(m) in CATEGORICAL else s)
        for m, s in zip(findings["measure"], findings["statistic"], strict=True)}
    rows = [(name, statistic, found.label, found.kind.replace("_", " "), found.definition)
            for name, statistic, found in entries() if present is None or (name, statistic) in present]
    return pd.DataFrame(rows, columns=["Measure", "Statistic", "Label", "Kind", "Definition"])
