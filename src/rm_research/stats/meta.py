"""Random-effects meta-analysis of cohorts' mean change (data contract, section 6), exactly:

- **Which cohorts.** A cohort is pooled when at least 2 of its people are paired on the item
  (missing changes, NaN, are people not paired and are dropped) and their changes are not all
  equal. The others are left out with the reason in words: ``"fewer than 2 people paired"`` or
  ``"every change equal"``.
- **Per cohort.** y = mean of the changes (post - pre), v = var(changes, ddof=1) / n, and, for the
  forest plot, the cohort's own 95% t interval y +- t(0.975, n - 1) sqrt(v).
- **Heterogeneity.** Cochran's Q = sum((y - fixed-effect mean)^2 / v), fixed-effect weights 1 / v,
  on k - 1 degrees of freedom, ``q_p`` its chi-square upper tail; I2 = max(0, (Q - (k - 1)) / Q) * 100
  (Higgins and Thompson's I2; 0 when Q = 0).
- **tau2, Paule-Mandel.** 0 when Q <= k - 1; otherwise the root in tau2 of the generalised Q
  equation sum(w_i (y_i - mu(tau2))^2) = k - 1, w_i = 1 / (v_i + tau2), mu(tau2) the w-weighted
  mean. The left side falls monotonically in tau2 (its derivative is -sum(w_i^2 (y_i - mu)^2)), so
  the root is unique, and it lies in [0, S - min(v)], S the unweighted sample variance of the y:
  there the left side is at most sum((y_i - mean(y))^2) / (min(v) + tau2) = k - 1. Solved by
  Brent's method on that bracket to machine precision.
- **Pooled change, HKSJ.** w = 1 / (v + tau2), pooled = sum(w y) / sum(w); Hartung-Knapp-Sidik-
  Jonkman, untruncated: se = sqrt(sum(w (y - pooled)^2) / ((k - 1) sum(w))), 95% interval and
  two-sided p from the t distribution with k - 1 degrees of freedom. Needs k >= 2 cohorts pooled;
  with fewer every pooled figure is blank (NaN) and ``reason`` says why.
- **Prediction interval** (k >= 3): pooled +- t(0.975, k - 2) sqrt(se^2 + tau2), se the HKSJ one
  (Higgins, Thompson and Spiegelhalter 2009; Riley, Higgins and Deeks 2011; Cochrane Handbook
  10.10.4.3). This is metafor's ``predict(rma(yi, vi, method="PM", test="knha"), pi.type="riley")``;
  metafor's default ``predict`` uses t with k - 1 degrees of freedom instead, which makes the
  prediction interval equal to the confidence interval when tau2 = 0.

Checked against R's metafor 3.8-1, ``rma(yi, vi, method="PM", test="knha")``, in
``tests/fixtures/r/meta_metafor.R``. ``test="knha"`` is the untruncated method there too
(``test="adhoc"`` is the truncated one). metafor's *printed* I2 for a Paule-Mandel fit is
100 tau2 / (tau2 + typical within-cohort variance), which is not the contract's I2; the contract's
is what metafor prints for a DerSimonian-Laird fit.

Written here rather than with ``statsmodels.stats.meta_analysis.combine_effects``, which was read
(statsmodels 0.15): its ``method_re="iterated"`` is Paule-Mandel and its ``var_hksj_re`` is this
untruncated HKSJ variance, but its Newton iteration stops when the estimating equation is within
1e-5 (or after 50 steps) and throws its convergence flag away, and it returns tau2 = 0 whenever a
step lands below the root: asked for a tighter tolerance (``atol=1e-13``) it does so from rounding
alone on two of the test data sets. It gives no HKSJ p-value or prediction interval, and its
``i2`` is a fraction that goes negative when Q < k - 1. The formulas are a few lines each, written
out below.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from rm_research.core.config import SETTINGS
from rm_research.stats.effects import mean_t_interval

FEWER_THAN_TWO = "fewer than 2 people answered both surveys"
ALL_EQUAL = "every change was the same"
#: At most this many cohorts left out are named in a ``MetaAnalysis.reason``; the rest are counted.
MOST_NAMED = 4

#: Cochrane Handbook (section 10.10.2) bands for I2, which overlap on purpose, in plain words.
I2_BANDS: tuple[tuple[float, float, str], ...] = (
    (0.0, 40.0, "little"),
    (30.0, 60.0, "moderate"),
    (50.0, 90.0, "substantial"),
    (75.0, 100.0, "considerable"),
)


@dataclass(frozen=True)
class CohortEstimate:
    """One pooled cohort's row of the forest plot. ``weight`` is its share of the random-effects
    weight in percent (blank when fewer than 2 cohorts are pooled)."""

    cohort: str
    n: int
    y: float
    v: float
    weight: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Excluded:
    """A cohort left out of the pooling, and why."""

    cohort: str
    n: int
    reason: str


@dataclass(frozen=True)
class MetaAnalysis:
    """The pooled change of k cohorts (contract section 6); NaN where it cannot be computed.

    ``n`` is the number of people paired in the pooled cohorts; ``q`` Cochran's Q; ``pi_low`` and
    ``pi_high`` the 95% prediction interval (k >= 3); ``reason`` says why the pooled figures are
    blank (k < 2), else it is empty.
    """

    k: int
    n: int
    pooled_change: float
    pooled_se: float
    pooled_ci_low: float
    pooled_ci_high: float
    pooled_p: float
    tau2: float
    i2: float
    q: float
    q_p: float
    pi_low: float
    pi_high: float
    cohorts: tuple[CohortEstimate, ...]
    excluded: tuple[Excluded, ...]
    reason: str = ""

    @property
    def tau(self) -> float:
        """Between-cohort standard deviation of the true mean changes."""
        return math.sqrt(self.tau2) if not math.isnan(self.tau2) else math.nan

    def statistics(self) -> dict[str, float]:
        """The contract's statistics for one item and role (section 6), by name."""
        return {"k": float(self.k), "pooled_change": self.pooled_change, "pooled_ci_low": self.pooled_ci_low,
                "pooled_ci_high": self.pooled_ci_high, "pooled_p": self.pooled_p, "tau2": self.tau2,
                "i2": self.i2, "q_p": self.q_p}

    def cohort_table(self) -> pd.DataFrame:
        """The forest plot's rows: cohort, n, y, v, weight (percent), ci_low, ci_high."""
        columns = ["cohort", "n", "y", "v", "weight", "ci_low", "ci_high"]
        return pd.DataFrame([vars(row) for row in self.cohorts], columns=columns)

    def excluded_table(self) -> pd.DataFrame:
        """The cohorts left out: cohort, n, reason."""
        return pd.DataFrame([vars(row) for row in self.excluded], columns=["cohort", "n", "reason"])


def cohort_changes(data: Mapping[object, Iterable[float]] | pd.DataFrame, cohort: str = "cohort",
                   change: str = "change") -> dict[str, np.ndarray]:
    """Paired changes by cohort label, in the order given (a DataFrame: order of first appearance).

    Missing changes (NaN) are dropped: a person without both answers is not paired. Infinite
    changes are an error.
    """
    if isinstance(data, pd.DataFrame):
        groups = {str(label): group[change].to_numpy(dtype=float)
                  for label, group in data.groupby(cohort, sort=False, dropna=False)}
    else:
        groups = {str(label): np.asarray(list(values), dtype=float) for label, values in data.items()}
    out: dict[str, np.ndarray] = {}
    for label, values in groups.items():
        values = values[~np.isnan(values)]
        if not np.all(np.isfinite(values)):
            raise ValueError(f"cohort {label!r}: changes must be finite numbers")
        out[label] = values
    return out


def exclusion_reason(changes: np.ndarray) -> str:
    """Why a cohort's changes cannot be pooled, or ``""`` if they can."""
    if changes.size < 2:
        return FEWER_THAN_TWO
    if np.all(changes == changes[0]):
        return ALL_EQUAL
    return ""


def not_pooled_reason(k: int, excluded: list[Excluded] | tuple[Excluded, ...]) -> str:
    """Why there is no pooled figure, in words every page repeats: how many cohorts could be pooled, and
    the cohorts left out with the reason each was (at most ``MOST_NAMED`` named, the rest counted)."""
    pooled = "no cohort could be pooled" if k == 0 else "only 1 cohort could be pooled"
    named = [f"{left.cohort} ({left.reason})" for left in excluded[:MOST_NAMED]]
    rest = len(excluded) - len(named)
    left_out = "; ".join(named) + (f"; and {rest} more" if rest else "")
    return (f"{pooled} (at least 2 are needed, each with at least 2 people who answered both surveys and changes "
            "that were not all the same)" + (f"; left out: {left_out}" if left_out else ""))


def cohort_estimate(changes: np.ndarray, confidence: float = SETTINGS.confidence) -> tuple[float, float, float, float]:
    """y = mean change, v = var(ddof=1) / n, and the cohort's own t interval of its mean change
    (``effects.mean_t_interval``: the interval the cohort's own report gives)."""
    y = float(np.mean(changes))
    v = float(np.var(changes, ddof=1)) / changes.size
    low, high = mean_t_interval(changes, confidence)
    return y, v, low, high


def cochran_q(y: np.ndarray, v: np.ndarray) -> float:
    """Cochran's Q: sum((y - fixed-effect mean)^2 / v)."""
    return generalised_q(y, v, 0.0)


def generalised_q(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    """sum(w (y - mu)^2), w = 1 / (v + tau2), mu the w-weighted mean of y."""
    w = 1.0 / (v + tau2)
    mu = float(np.sum(w * y) / np.sum(w))
    return float(np.sum(w * (y - mu) ** 2))


def i_squared(q: float, k: int) -> float:
    """Higgins and Thompson's I2 in percent: max(0, (Q - (k - 1)) / Q) * 100, and 0 when Q = 0."""
    if q <= 0:
        return 0.0
    return max(0.0, (q - (k - 1)) / q) * 100.0


def paule_mandel_tau2(y: np.ndarray, v: np.ndarray) -> float:
    """Paule-Mandel between-cohort variance (see the module docstring for the bracket)."""
    k = y.size
    target = k - 1
    if generalised_q(y, v, 0.0) <= target:
        return 0.0
    upper = float(np.var(y, ddof=1) - np.min(v))  # the left side is <= k - 1 here; > 0 as Q > k - 1
    if generalised_q(y, v, upper) >= target:  # the root is the bound itself (up to rounding)
        return upper
    return float(optimize.brentq(lambda t: generalised_q(y, v, t) - target, 0.0, upper,
                                 xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500))


def t_test_p(estimate: float, se: float, df: int) -> float:
    """Two-sided p of estimate / se on the t distribution. A zero se (every cohort's mean change
    the same, which the untruncated HKSJ method turns into a zero-width interval) gives 0, or 1 when
    the estimate is 0 too."""
    if se > 0:
        return float(2 * stats.t.sf(abs(estimate / se), df))
    return 0.0 if estimate != 0 else 1.0


@dataclass(frozen=True)
class Pooled:
    """The random-effects pool of k >= 2 estimates y with variances v."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p: float
    tau2: float
    q: float
    q_p: float
    i2: float
    pi_low: float
    pi_high: float
    weights: tuple[float, ...]  # percent of the total random-effects weight


def pool(y: np.ndarray, v: np.ndarray, confidence: float = SETTINGS.confidence) -> Pooled:
    """Paule-Mandel tau2, the HKSJ (untruncated) interval and p, Q, I2 and the prediction interval."""
    y = np.asarray(y, dtype=float)
    v = np.asarray(v, dtype=float)
    k = y.size
    if k < 2 or v.size != k or not np.all(v > 0):
        raise ValueError("pool needs at least 2 estimates, each with a positive variance")
    q = cochran_q(y, v)
    tau2 = paule_mandel_tau2(y, v)
    w = 1.0 / (v + tau2)
    estimate = float(np.sum(w * y) / np.sum(w))
    se = math.sqrt(float(np.sum(w * (y - estimate) ** 2)) / ((k - 1) * float(np.sum(w))))
    crit = float(stats.t.ppf(0.5 + confidence / 2, k - 1))
    p = t_test_p(estimate, se, k - 1)
    if k >= 3:
        half = float(stats.t.ppf(0.5 + confidence / 2, k - 2)) * math.sqrt(se**2 + tau2)
        pi_low, pi_high = estimate - half, estimate + half
    else:
        pi_low = pi_high = math.nan
    return Pooled(estimate=estimate, se=se, ci_low=estimate - crit * se, ci_high=estimate + crit * se, p=p,
                  tau2=tau2, q=q, q_p=float(stats.chi2.sf(q, k - 1)), i2=i_squared(q, k), pi_low=pi_low,
                  pi_high=pi_high, weights=tuple(float(x) for x in 100 * w / np.sum(w)))


def meta_analysis(data: Mapping[object, Iterable[float]] | pd.DataFrame, cohort: str = "cohort",
                  change: str = "change", confidence: float = SETTINGS.confidence) -> MetaAnalysis:
    """Random-effects meta-analysis of the cohorts' mean change of one item and role.

    ``data``: cohort label -> that cohort's paired changes (post - pre), or a DataFrame with
    columns ``cohort`` and ``change`` (one row a person). Cohorts are kept in the order given.
    """
    rows: list[tuple[str, np.ndarray, tuple[float, float, float, float]]] = []
    excluded: list[Excluded] = []
    for label, values in cohort_changes(data, cohort, change).items():
        reason = exclusion_reason(values)
        if reason:
            excluded.append(Excluded(cohort=label, n=int(values.size), reason=reason))
        else:
            rows.append((label, values, cohort_estimate(values, confidence)))
    k = len(rows)
    n = sum(int(values.size) for _, values, _ in rows)
    if k < 2:
        cohorts = tuple(CohortEstimate(cohort=label, n=int(values.size), y=y, v=v, weight=math.nan, ci_low=lo,
                                       ci_high=hi) for label, values, (y, v, lo, hi) in rows)
        reason = not_pooled_reason(k, excluded)
        nan = math.nan
        return MetaAnalysis(k=k, n=n, pooled_change=nan, pooled_se=nan, pooled_ci_low=nan, pooled_ci_high=nan,
                            pooled_p=nan, tau2=nan, i2=nan, q=nan, q_p=nan, pi_low=nan, pi_high=nan,
                            cohorts=cohorts, excluded=tuple(excluded), reason=reason)
    y = np.array([estimate[0] for _, _, estimate in rows])
    v = np.array([estimate[1] for _, _, estimate in rows])
    result = pool(y, v, confidence)
    cohorts = tuple(CohortEstimate(cohort=label, n=int(values.size), y=yi, v=vi, weight=weight, ci_low=lo,
                                   ci_high=hi)
                    for (label, values, (yi, vi, lo, hi)), weight in zip(rows, result.weights, strict=True))
    return MetaAnalysis(k=k, n=n, pooled_change=result.estimate, pooled_se=result.se, pooled_ci_low=result.ci_low,
                        pooled_ci_high=result.ci_high, pooled_p=result.p, tau2=result.tau2, i2=result.i2,
                        q=result.q, q_p=result.q_p, pi_low=result.pi_low, pi_high=result.pi_high,
                        cohorts=cohorts, excluded=tuple(excluded))


def i2_words(i2: float) -> str:
    """The Cochrane Handbook's overlapping bands for I2, in words: ``"little"``, ``"little to
    moderate"``, ``"moderate"``, ``"moderate to substantial"``, ``"substantial"``, ``"substantial to
    considerable"`` or ``"considerable"``."""
    bands = [word for low, high, word in I2_BANDS if low <= i2 <= high]
    return bands[0] if len(bands) == 1 else f"{bands[0]} to {bands[-1]}"


def _p_words(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def heterogeneity_sentence(result: MetaAnalysis, unit: str = "points") -> str:
    """Heterogeneity in plain words, always with I2, tau and the Q p-value.

    For example: "Little variation between cohorts beyond chance (I² 0%; tau 0.00 points; Cochran's
    Q p = 0.939)." The band follows the Cochrane Handbook (section 10.10.2: 0-40% might not be
    important, 30-60% moderate, 50-90% substantial, 75-100% considerable; they overlap, and a value
    in two bands is given as both). With fewer than 2 cohorts pooled it says why there is none.
    """
    if result.k < 2:
        return f"Variation between cohorts cannot be assessed: {result.reason}."
    words = i2_words(result.i2)
    few = f" With only {result.k} cohorts these measures are imprecise." if result.k < 5 else ""
    return (f"{words[0].upper()}{words[1:]} variation between cohorts beyond chance "
            f"(I² {result.i2:.0f}%; tau {result.tau:.2f} {unit}, the spread of the cohorts' true mean changes; "
            f"Cochran's Q {_p_words(result.q_p)}).{few}")
