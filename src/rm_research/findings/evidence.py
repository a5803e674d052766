"""The evidence for the next decision, from a level's meta-analyses (data contract, section 9; issue 19).

For each item and role a region or the nation pools (``level.meta_analyses``), over the same cohorts:

- **Does offering psychological sessions go with a larger change?** The meta-regression of the
  cohorts' mean change on x = ``psych_sessions_offered`` (``metareg.moderator_slope``; blank where
  fewer than 3 cohorts are pooled or every cohort offered the same number). It compares programmes,
  not people: an association between cohorts, never an effect of the sessions (the pooled ANCOVA of
  sessions *attended*, ``level.pooled_ancova``, is the within-cohort answer).
- **Is the programme improving?** The cohorts in order of their start (each cohort's earliest
  enrolment date, ``ingest.clean.Cohort.start``; by cohort number where a pooled cohort has no date),
  pooled cumulatively (``metareg.cumulative``), and the meta-regression of the change on x = the
  start as a decimal year (in a region where a cohort has no date, the cohort number; the nation then
  has no trend, its regions numbering their cohorts each from 1; ``start_order``).
- **How sure are we?** A certainty rating in the style of a GRADE evidence profile (``certainty``):
  it starts *low*, because every cohort is an uncontrolled before-and-after comparison, and is
  rated down one level for each serious concern (two for a very serious one) by rules computed from
  the figures, each with its reason in words; never below *very low*, never rated up.
- **How big must the next cohort be?** ``pairs_needed`` (``planning``), from the pooled change and the
  pooled within-cohort standard deviation of the changes.
- **Do regions differ?** (the nation only) The meta-regression on region as a factor
  (``metareg.factor_design``), its moderators tested together by the F test, where at least two
  regions have at least two pooled cohorts (``metareg.factor_comparable``).

The rules of the certainty rating (``AnalysisSettings`` holds the thresholds):

- *inconsistency* (serious): I² at least ``inconsistent_i2`` (50%), or, with at least
  ``PREDICTION_MIN_COHORTS`` (5) cohorts, a 95% prediction interval that includes no change where the
  confidence interval does not;
- *imprecision*: the 95% confidence interval includes no change (0), or it crosses the smallest
  change that matters (``smallest_change_that_matters``, either direction): serious for one of the
  two, very serious for both;
- *small numbers* (serious): fewer people pooled than the optimal information size, the people
  one cohort would need to detect the smallest change that matters (``planning.pairs_needed`` with
  the pooled standard deviation);
- *small-study effects* (serious): with at least ``metareg.EGGER_MIN_COHORTS`` cohorts, Egger's test
  p below ``egger_alpha`` (0.10).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from rm_research.core import config
from rm_research.core.config import SETTINGS, AnalysisSettings
from rm_research.findings.table import RoleRow
from rm_research.stats import meta, metareg, planning

#: Certainty levels, GRADE's four, from 1 (very low) to 4 (high).
CERTAINTY_WORDS: Final = {1: "very low", 2: "low", 3: "moderate", 4: "high"}
#: Where every uncontrolled before-and-after pooling starts.
STARTING_CERTAINTY: Final = 2
STARTS_LOW: Final = "starts low: each cohort compares its own people before and after, with no comparison group"
#: The findings statistics of the evidence (section 9 and issue 19), one row each for every item and
#: role pooled. ``between_regions_p`` is the nation's only.
PSYCH_STATISTICS: Final = ("moderator_psych_slope", "moderator_psych_ci_low", "moderator_psych_ci_high",
                           "moderator_psych_p", "moderator_psych_tau2")
TREND_STATISTICS: Final = ("trend_slope", "trend_ci_low", "trend_ci_high", "trend_p")
CERTAINTY_STATISTICS: Final = ("certainty", "certainty_inconsistency", "certainty_imprecision",
                                "certainty_small_numbers", "certainty_small_studies")
EVIDENCE_STATISTICS: Final = (*PSYCH_STATISTICS, *TREND_STATISTICS, "egger_p", *CERTAINTY_STATISTICS,
                              "optimal_information_size", "pairs_needed", "between_regions_p")
#: The meta-regressions among them: each fits every pooled cohort's own change and variance
#: (``disclosure.control.hide_evidence_over_hidden``).
FITTED_STATISTICS: Final = (*PSYCH_STATISTICS, *TREND_STATISTICS, "egger_p", "between_regions_p")
#: The rest: judgements and sample sizes from the pooled change, its interval, I², the prediction
#: interval and the pooled standard deviation, each a whole number from a few thresholds or a ceiling;
#: protected as the pooled figures are (``disclosure.control.hide_invertible_pooling``).
JUDGEMENT_STATISTICS: Final = (*CERTAINTY_STATISTICS, "optimal_information_size", "pairs_needed")
#: Fewest cohorts for a prediction interval to say anything: it rests on t with k - 2 degrees of freedom,
#: whose quantile is 12.7 with 3 cohorts and 4.3 with 4, so that below 5 the interval spans most of the
#: possible changes whatever the data (the reports show it from 5 cohorts: ``report.summary``).
PREDICTION_MIN_COHORTS: Final = 5
#: Fewest cohorts for the trend (a meta-regression: k - 2 degrees of freedom), and for a region's report to
#: show the section at all (issue 19: "each region with at least three cohorts"); the cumulative
#: meta-analysis itself is drawn from 2 pooled cohorts.
TREND_MIN_COHORTS: Final = 3
#: Above this many cohorts a cumulative meta-analysis gives one row per period (``period_of``), not per cohort.
CUMULATIVE_ROWS: Final = 15
#: The fewest pooled cohorts each evidence figure needs: with fewer it is blank by design, which the
#: published number of cohorts (k) says (``disclosure.control.blank_by_design``).
FEWEST_COHORTS: Final = {**dict.fromkeys(PSYCH_STATISTICS, 3), **dict.fromkeys(TREND_STATISTICS, TREND_MIN_COHORTS),
                         "egger_p": metareg.EGGER_MIN_COHORTS, **dict.fromkeys(CERTAINTY_STATISTICS, 2),
                         "optimal_information_size": 2, "pairs_needed": 2,
                         "between_regions_p": 4}

#: Each rating item in a few words, for a sentence.
ITEM_WORDS: Final = {"conf_senior": "confidence with senior leaders",
                     "conf_junior": "confidence with junior colleagues",
                     "comfort_needs": "comfort discussing one's own needs"}


@dataclass(frozen=True)
class CertaintyInputs:
    """What a certainty rating reads of a pooled change (NaN where not computed, or hidden on a public
    page): cohorts ``k``, people ``n``, the 95% interval, I², the prediction interval, the optimal
    information size ``ois`` (``optimal_information_size``) and Egger's p."""

    k: float
    n: float
    ci_low: float
    ci_high: float
    i2: float
    pi_low: float
    pi_high: float
    ois: float
    egger_p: float


@dataclass(frozen=True)
class Certainty:
    """A certainty rating (1-4, ``CERTAINTY_WORDS``; None where there is no pooled change to rate), the
    levels it was rated down for each concern (``DOMAINS``), and its reasons in words (``reasons``)."""

    level: int | None
    down: Mapping[str, int]
    reasons: tuple[str, ...]

    @property
    def words(self) -> str:
        """The rating in words, or "not rated"."""
        return "not rated" if self.level is None else CERTAINTY_WORDS[self.level]


#: The concerns a rating is rated down for, in the order the reasons give them.
DOMAINS: Final = ("inconsistency", "imprecision", "small_numbers", "small_studies")


def optimal_information_size(sd: float, settings: AnalysisSettings = SETTINGS) -> float:
    """The people one cohort would need to detect the smallest change that matters
    (``planning.pairs_needed`` of ``smallest_change_that_matters`` with the pooled ``sd``)."""
    return planning.pairs_needed(settings.smallest_change_that_matters, sd, settings.alpha)


def _includes_none(low: float, high: float) -> bool:
    return low <= 0 <= high


def _crosses(low: float, high: float, smallest: float) -> bool:
    return any(low < edge < high for edge in (smallest, -smallest))


def rated_down(figures: CertaintyInputs, settings: AnalysisSettings = SETTINGS) -> dict[str, int]:
    """The levels a pooled change is rated down for each concern (``DOMAINS``; the rules in the module
    docstring), from its unrounded figures."""
    f = figures
    wide_pi = (f.k >= PREDICTION_MIN_COHORTS and _includes_none(f.pi_low, f.pi_high)
               and not _includes_none(f.ci_low, f.ci_high))
    imprecise = [_includes_none(f.ci_low, f.ci_high),
                 _crosses(f.ci_low, f.ci_high, settings.smallest_change_that_matters)]
    return {"inconsistency": int(f.i2 >= settings.inconsistent_i2 or wide_pi),
            "imprecision": sum(imprecise),
            "small_numbers": int(math.isfinite(f.ois) and f.n < f.ois),
            "small_studies": int(f.egger_p < settings.egger_alpha)}  # NaN (no test) compares False


def _shown(value: float, form: str) -> str:
    return "withheld" if math.isnan(value) else format(value, form)


def certainty_reasons(down: Mapping[str, int], figures: CertaintyInputs, settings: AnalysisSettings = SETTINGS
                      ) -> tuple[str, ...]:
    """The reasons for a rating, short enough for a table cell: where it started, then each concern it was
    rated ``down`` for with the figures the rule read, as ``figures`` holds them (a public page's hidden
    figure is "withheld"). The rules are not evaluated again here: a public page's rounded figures could
    fall the other side of a threshold than the figures the rating was made from."""
    f, smallest = figures, settings.smallest_change_that_matters
    reasons = [STARTS_LOW]
    if down.get("inconsistency"):
        read = [f"I² {_shown(f.i2, '.0f')}{'' if math.isnan(f.i2) else '%'}"]
        if f.k >= PREDICTION_MIN_COHORTS:
            read.append(f"a new cohort's change {_shown(f.pi_low, '+.1f')} to {_shown(f.pi_high, '+.1f')}")
        reasons.append(f"inconsistency ({'; '.join(read)})")
    if down.get("imprecision"):
        levels = ", two levels" if down["imprecision"] == 2 else ""
        reasons.append(f"imprecision{levels} (95% interval {_shown(f.ci_low, '+.1f')} to {_shown(f.ci_high, '+.1f')}, "
                       f"against no change and {smallest:g} point, the smallest change that matters)")
    if down.get("small_numbers"):
        reasons.append(f"small numbers ({_shown(f.n, '.0f')} people pooled; one cohort needs {_shown(f.ois, '.0f')} "
                       f"to detect {smallest:g} point)")
    if down.get("small_studies"):
        reasons.append(f"small-study effects (Egger's test p = {_shown(f.egger_p, '.3f')})")
    if not any(down.values()):
        reasons.append("no serious concern")
    return tuple(reasons)


def certainty(result: meta.MetaAnalysis, sd: float, egger: metareg.Coefficient | None,
              settings: AnalysisSettings = SETTINGS) -> Certainty:
    """The certainty rating of a pooled change, how far it was rated down for each concern, and why."""
    if result.k < 2:
        return Certainty(None, dict.fromkeys(DOMAINS, 0), ("not rated: " + result.reason,))
    figures = CertaintyInputs(k=result.k, n=result.n, ci_low=result.pooled_ci_low, ci_high=result.pooled_ci_high,
                      i2=result.i2, pi_low=result.pi_low, pi_high=result.pi_high,
                      ois=optimal_information_size(sd, settings), egger_p=egger.p if egger is not None else math.nan)
    down = rated_down(figures, settings)
    return Certainty(max(1, STARTING_CERTAINTY - sum(down.values())), down, certainty_reasons(down, figures, settings))


@dataclass(frozen=True)
class Evidence:
    """The evidence for one item and role at a level (module docstring)."""

    item: str
    role: str
    analysis: meta.MetaAnalysis
    offered: tuple[float, ...]  # each pooled cohort's psych_sessions_offered, in the analysis's order
    psych: metareg.MetaRegression | None
    order_by: str  # "start date" or "cohort number"
    ordered: tuple[str, ...]  # the pooled cohorts' labels in order of their start
    periods: Mapping[str, str] | None  # each cohort's period, where the cumulative rows are one per period
    trend: metareg.MetaRegression | None
    cumulative: tuple[metareg.Step, ...]
    egger: metareg.Coefficient | None
    regions: metareg.MetaRegression | None
    sd: float
    ois: float  # ``optimal_information_size``
    pairs_needed: float
    certainty: Certainty

    def rows(self, national: bool) -> Iterator[RoleRow]:
        """The findings rows (``EVIDENCE_STATISTICS``; ``between_regions_p`` only ``national``), n = people
        paired in the pooled cohorts, blank values where a figure cannot be computed."""
        nan = math.nan
        psych = self.psych.coefficient("x") if self.psych is not None else None
        trend = self.trend.coefficient("x") if self.trend is not None else None
        values = {
            "moderator_psych_slope": psych.estimate if psych else nan,
            "moderator_psych_ci_low": psych.ci_low if psych else nan,
            "moderator_psych_ci_high": psych.ci_high if psych else nan,
            "moderator_psych_p": psych.p if psych else nan,
            "moderator_psych_tau2": self.psych.tau2 if self.psych is not None else nan,
            "trend_slope": trend.estimate if trend else nan, "trend_ci_low": trend.ci_low if trend else nan,
            "trend_ci_high": trend.ci_high if trend else nan, "trend_p": trend.p if trend else nan,
            "egger_p": self.egger.p if self.egger is not None else nan,
            "certainty": float(self.certainty.level) if self.certainty.level is not None else nan,
            **{f"certainty_{domain}": float(self.certainty.down[domain]) if self.certainty.level is not None else nan
               for domain in DOMAINS},
            "optimal_information_size": self.ois,
            "pairs_needed": self.pairs_needed,
            "between_regions_p": self.regions.f_p if self.regions is not None else nan,
        }
        for statistic in EVIDENCE_STATISTICS:
            if statistic != "between_regions_p" or national:
                yield self.item, self.role, statistic, float(values[statistic]), self.analysis.n


def cohort_facts(people: pd.DataFrame) -> pd.DataFrame:
    """One row per cohort of a person table (``level.person_table``), indexed by its label: region, cohort
    (number), psych_offered and start (its earliest enrolment date; NaT where it has none)."""
    columns = ["region", "cohort", "psych_offered", "start"]
    return people.groupby("cohort_label", sort=False)[columns].first()


def decimal_year(when: pd.Timestamp) -> float:
    """A date as a year with its fraction: 2022-07-02 is 2022.5 (day of the year less 1 over the year's days)."""
    days = 366 if when.is_leap_year else 365
    return when.year + (when.day_of_year - 1) / days


def start_order(labels: list[str], facts: pd.DataFrame, national: bool = False
                ) -> tuple[str, list[str], list[float] | None]:
    """How the cohorts ``labels`` are ordered by their start, the order, and each one's trend moderator
    (in the order given). Where every cohort of the level (``facts``) has a date: by start date, x the
    decimal year. Otherwise by cohort number (then label), x the cohort number in a region, where a
    region's cohorts are numbered in order; but none (no trend) for the nation, whose regions each
    number their cohorts from 1. The rule looks at the whole level, so that every item and role, and
    the public page (``order_of``), order the cohorts the same way."""
    rows = facts.loc[labels]
    if order_of(facts["start"]) == "start date":
        ordered = sorted(labels, key=lambda label: (rows.at[label, "start"], label))
        return "start date", ordered, [decimal_year(pd.Timestamp(rows.at[label, "start"])) for label in labels]
    ordered = sorted(labels, key=lambda label: (int(rows.at[label, "cohort"]), label))
    return "cohort number", ordered, None if national else [float(rows.at[label, "cohort"]) for label in labels]


def period_of(cohort: pd.Series, order_by: str) -> str:
    """A cohort's period, for a cumulative meta-analysis of many cohorts (``CUMULATIVE_ROWS``): the year it
    started ("2021"), or its cohort number ("cohort 3") where the level orders by number."""
    return f"{pd.Timestamp(cohort['start']):%Y}" if order_by == "start date" else f"cohort {int(cohort['cohort'])}"


def trend_unit(order_by: str) -> str:
    """What the trend's slope is per: "year" (by start date) or "cohort number"."""
    return "year" if order_by == "start date" else "cohort number"


def order_of(starts: Iterable[object]) -> str:
    """"start date" where every cohort's start (NaT or None where it has none) is known, else "cohort number"."""
    return "start date" if all(start is not None and not pd.isna(start) for start in starts) else "cohort number"


def evidence(result: meta.MetaAnalysis, item: str, role: str, facts: pd.DataFrame, national: bool,
             settings: AnalysisSettings = SETTINGS) -> Evidence:
    """The evidence for ``item`` and ``role`` from its meta-analysis ``result`` and the level's
    ``cohort_facts``; ``national``: with the comparison of regions."""
    labels = [cohort.cohort for cohort in result.cohorts]
    y = np.array([cohort.y for cohort in result.cohorts])
    v = np.array([cohort.v for cohort in result.cohorts])
    sizes = np.array([cohort.n for cohort in result.cohorts], dtype=float)
    offered = [float(facts.at[label, "psych_offered"]) for label in labels]
    order_by, ordered, trend_x = start_order(labels, facts, national) if labels else ("start date", [], None)
    pooled = result.k >= 2
    psych = metareg.moderator_slope(y, v, offered, settings.confidence) if pooled else None
    trend = (metareg.moderator_slope(y, v, trend_x, settings.confidence)
             if trend_x is not None and result.k >= TREND_MIN_COHORTS else None)
    position = {label: i for i, label in enumerate(labels)}
    steps = [position[label] for label in ordered]
    periods = {label: period_of(facts.loc[label], order_by) for label in labels}
    ends = None
    if len(ordered) > CUMULATIVE_ROWS:  # one row per period: the pool of every cohort started by its end
        ends = [i for i, label in enumerate(ordered)
                if i + 1 == len(ordered) or periods[ordered[i + 1]] != periods[label]]
    cumulative = metareg.cumulative(ordered, y[steps], v[steps],
                                    [(result.cohorts[i].ci_low, result.cohorts[i].ci_high) for i in steps],
                                    settings.confidence, at=ends) if pooled else ()
    egger = metareg.egger_test(y, v, settings.confidence) if pooled else None
    regions = None
    if national and pooled:
        groups = [str(facts.at[label, "region"]) for label in labels]
        if metareg.factor_comparable(groups):
            regions = metareg.meta_regression(y, v, metareg.factor_design(groups), settings.confidence)
    sd = planning.pooled_sd(sizes, v * sizes) if pooled else math.nan
    needed = planning.pairs_needed(result.pooled_change, sd, settings.alpha) if pooled else math.nan
    return Evidence(item=item, role=role, analysis=result, offered=tuple(offered), psych=psych, order_by=order_by,
                    ordered=tuple(ordered), periods=periods if ends is not None else None, trend=trend,
                    cumulative=cumulative, egger=egger,
                    regions=regions, sd=sd, ois=optimal_information_size(sd, settings) if pooled else math.nan,
                    pairs_needed=needed, certainty=certainty(result, sd, egger, settings))


def level_evidence(analyses: Mapping[tuple[str, str], meta.MetaAnalysis], people: pd.DataFrame, national: bool,
                   settings: AnalysisSettings = SETTINGS) -> dict[tuple[str, str], Evidence]:
    """The evidence of every item and role a level pools, keyed (item, role) as ``analyses``."""
    facts = cohort_facts(people)
    return {key: evidence(result, *key, facts, national, settings) for key, result in analyses.items()}



@dataclass(frozen=True)
class Plan:
    """How many people a new cohort needs (``rm-research plan``): for a ``change`` in ``item`` for ``role``
    with standard deviation of changes ``sd``, the t-test's exact n ``n_t``, the signed-rank ``pairs``
    (``planning.pairs_needed``) and the people needed for the smallest change that matters; ``source``
    says where the change and the standard deviation came from; ``answered_share`` is the share of the
    role's people enrolled in the pooled cohorts who answered both surveys (NaN where not known)."""

    item: str
    role: str
    change: float
    sd: float
    n_t: float
    pairs: float
    for_smallest: float
    smallest: float
    source: str
    answered_share: float = math.nan
    alpha: float = SETTINGS.alpha

    def lines(self) -> list[str]:
        """The plan in words, a line each."""
        who = config.ROLE_PLURALS.get(self.role, "people")
        change = f"{self.change:+.2f}" if abs(self.change) >= 0.01 else f"{self.change:+.2g}"
        out = [f"Planning a new cohort: {who}, {ITEM_WORDS.get(self.item, self.item)} ({self.item}).", self.source,
               f"To detect a change of {change} points (standard deviation of the changes {self.sd:.2f}) with "
               f"{planning.POWER:.0%} power, two-sided signed-rank test at {self.alpha:g}:"]
        if math.isnan(self.pairs):
            out.append(f"  more than {planning.LARGEST_N:.0e} {who}: the change is too small against the spread "
                       "for any cohort to show.")
            return out
        out.append(f"  a cohort needs about {self.pairs:.0f} {who} with both surveys")
        out.append(f"  (the one-sample t-test's exact n is {self.n_t:.2f}; times pi / 3 for the signed-rank test, "
                   f"rounded up, at least {planning.FEWEST_TESTABLE}).")
        if math.isfinite(self.answered_share) and 0 < self.answered_share < 1:
            out.append(f"  So far {self.answered_share:.0%} of {who} enrolled answered both surveys: enrol about "
                       f"{math.ceil(self.pairs / self.answered_share)} to end with {self.pairs:.0f}.")
        if not math.isnan(self.for_smallest):
            out.append(f"To detect the smallest change that matters ({self.smallest:g} point): about "
                       f"{self.for_smallest:.0f} {who} with both surveys.")
        return out


def plan(item: str, role: str, change: float, sd: float, source: str, answered_share: float = math.nan,
         settings: AnalysisSettings = SETTINGS) -> Plan:
    """The ``Plan`` for ``change`` and ``sd`` (raises ``ValueError`` for a change of 0 or an sd that is not
    positive: nothing can be planned from them)."""
    if not (math.isfinite(change) and change != 0 and math.isfinite(sd) and sd > 0):
        raise ValueError("a plan needs a change other than 0 and a positive standard deviation of the changes")
    smallest = settings.smallest_change_that_matters
    return Plan(item=item, role=role, change=change, sd=sd, n_t=planning.t_test_n(change, sd, settings.alpha),
                pairs=planning.pairs_needed(change, sd, settings.alpha),
                for_smallest=planning.pairs_needed(smallest, sd, settings.alpha), smallest=smallest, source=source,
                answered_share=answered_share, alpha=settings.alpha)
