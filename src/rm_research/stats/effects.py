"""Effect sizes and intervals for paired ratings and proportions, from a handful of people to millions.

Library calls where a library has the method: statsmodels' Wilson interval. Written here, with
the reason:
- the Hodges-Lehmann shift and its distribution-free interval (no scipy, statsmodels or
  pingouin function gives the one-sample/paired estimator with that interval). It follows R's
  ``wilcox.test(conf.int = TRUE)``: zero and missing differences are dropped first, as the
  Wilcoxon test drops them, so the interval and the test agree. Walsh averages are weighted by
  the counts of distinct differences instead of being listed (1-10 ratings give at most 19
  distinct differences, so a million people cost what nineteen do);
- the BCa bootstrap interval of a mean, in O(n) memory: scipy's ``bootstrap`` resamples the data
  (n values per resample) and runs an O(n^2)-memory jackknife, and it counts resamples equal to
  the estimate as half below it. Here resamples are drawn as counts of each distinct value
  (multinomial), the acceleration comes from the closed-form jackknife of the mean, and the
  interval follows R's ``boot::bca.ci`` exactly (bias from the share strictly below the estimate,
  limits interpolated on the normal scale between order statistics, ``norm.inter``);
- Hedges' g_av and g_z, because pingouin's paired ``hedges`` applies the independent-groups small
  sample correction (df = 2n - 2) where the paired one (df = n - 1, Lakens 2013) is right.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from rm_research.core.config import SETTINGS
from rm_research.stats.nonparametric import nonzero, present, rank_sum_null


def hodges_lehmann(differences: pd.Series | np.ndarray, confidence: float = SETTINGS.confidence,
                   exact_max_n: int = SETTINGS.exact_max_n) -> dict[str, float | str]:
    """Hodges-Lehmann shift (median of the Walsh averages) with its distribution-free interval.

    Zero and missing differences are dropped first (R's ``wilcox.test``; the Wilcoxon test drops
    zeros too). Of the n left, the M = n(n + 1)/2 Walsh averages (d_i + d_j)/2, i <= j, are sorted;
    the interval is [W(k), W(M + 1 - k)], k the largest whole number with
    P(T+ <= k - 1) <= (1 - confidence)/2 under the null distribution of the signed-rank statistic
    without ties (R's ``qsignrank``; the usual convention with tied data too). That distribution
    is exact up to ``exact_max_n`` differences; beyond, the normal approximation with continuity
    correction, k = floor(n(n + 1)/4 + 1/2 - z sqrt(n(n + 1)(2n + 1)/24)). Small n cannot reach
    the asked-for confidence; the interval is then the full range of Walsh averages and ``level``
    says what confidence it has (75% with 3 people); with one difference there is no interval
    (its level would be 0). ``n`` is the number of differences used; ``note`` says why a result is
    blank.
    """
    d = nonzero(differences)
    n = d.size
    out = {"shift": math.nan, "ci_low": math.nan, "ci_high": math.nan, "level": math.nan, "n": n, "note": ""}
    if n == 0:
        out["note"] = "no non-zero differences"
        return out
    averages, cumulative = walsh_distribution(d)
    total = n * (n + 1) // 2

    def order(rank: int) -> float:  # the rank-th smallest Walsh average, 1-based
        return float(averages[np.searchsorted(cumulative, rank, side="left")])

    out["shift"] = (order((total + 1) // 2) + order(total // 2 + 1)) / 2
    if n == 1:  # the only "interval" is the one difference, at confidence 1 - 2 P(T+ <= 0) = 0
        out["note"] = "one non-zero difference: no interval"
        return out
    k, level = signed_rank_critical(n, confidence, exact_max_n)
    out.update(ci_low=order(k), ci_high=order(total + 1 - k), level=level)
    return out


def walsh_distribution(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct Walsh averages (d_i + d_j)/2, i <= j, sorted, and the cumulative number of
    Walsh averages up to each.

    From the D distinct values and their counts c: a pair of distinct values contributes
    c_a c_b averages, a value with itself c_a (c_a + 1)/2. O(D^2) time and memory rather than
    O(n^2): D is at most 19 for differences of 1-10 ratings.
    """
    values, counts = np.unique(d, return_counts=True)
    first, second = np.triu_indices(values.size)
    weights = np.where(first == second, counts[first] * (counts[first] + 1) // 2, counts[first] * counts[second])
    averages, where = np.unique((values[first] + values[second]) / 2, return_inverse=True)
    return averages, np.cumsum(np.bincount(where, weights=weights.astype(float)).astype(np.int64))


def signed_rank_critical(n: int, confidence: float, exact_max_n: int = SETTINGS.exact_max_n) -> tuple[int, float]:
    """k and the confidence reached by the Walsh-average interval [W(k), W(M + 1 - k)] of n differences.

    k is the largest whole number (at least 1) with P(T+ <= k - 1) <= (1 - confidence)/2, T+ the
    signed-rank statistic without ties; the level is 1 - 2 P(T+ <= k - 1). Exact null distribution
    up to ``exact_max_n``; beyond, normal with continuity correction.
    """
    tail = (1 - confidence) / 2
    if n <= exact_max_n:
        cumulative = np.cumsum(rank_sum_null(np.arange(1, n + 1)))
        k = max(1, int(np.searchsorted(cumulative, tail, side="right")))
        return k, float(1 - 2 * cumulative[k - 1])
    mean, sd = n * (n + 1) / 4, math.sqrt(n * (n + 1) * (2 * n + 1) / 24)
    k = max(1, math.floor(mean + 0.5 + stats.norm.ppf(tail) * sd))
    return k, float(1 - 2 * stats.norm.cdf((k - 0.5 - mean) / sd))


def small_sample_correction(df: int) -> float:
    """Hedges' J = 1 - 3 / (4 df - 1)."""
    return 1 - 3 / (4 * df - 1)


def hedges_g_paired(pre: pd.Series, post: pd.Series) -> dict[str, float]:
    """Hedges' g_z (mean change / SD of change) and g_av (mean change / mean of the two SDs),
    each corrected with J at df = n - 1 (Lakens 2013). People who answered both only; blank below
    3 people, where J (0 at n = 2) makes the estimate meaningless."""
    both = pd.concat({"pre": pre, "post": post}, axis=1).dropna().astype(float)
    n = len(both)
    out = {"g_z": math.nan, "g_av": math.nan, "n": n}
    if n < 3:
        return out
    change = both["post"] - both["pre"]
    correction = small_sample_correction(n - 1)
    sd_change, sd_average = change.std(ddof=1), (both["pre"].std(ddof=1) + both["post"].std(ddof=1)) / 2
    if sd_change > 0:
        out["g_z"] = float(change.mean() / sd_change * correction)
    if sd_average > 0:
        out["g_av"] = float(change.mean() / sd_average * correction)
    return out


def mean_t_interval(values: pd.Series | np.ndarray,
                    confidence: float = SETTINGS.confidence) -> tuple[float, float]:
    """The t interval of a mean: mean +- t(0.5 + confidence / 2, n - 1) sqrt(var(ddof=1) / n).

    The one interval of a mean change at every level: a cohort's report gives it, and its row in its
    region's forest plot shows it (``meta.cohort_estimate`` calls this). Missing values are dropped.
    Blank with fewer than 2 values, or when every value is the same: there is no spread to estimate
    it from (a zero-width interval would claim a certainty the data cannot give)."""
    data = present(values)
    if data.size < 2 or np.all(data == data[0]):
        return math.nan, math.nan
    centre = float(np.mean(data))
    half = float(stats.t.ppf(0.5 + confidence / 2, data.size - 1)) * math.sqrt(float(np.var(data, ddof=1)) / data.size)
    return centre - half, centre + half


def bootstrap_mean_ci(values: pd.Series | np.ndarray, confidence: float = SETTINGS.confidence,
                      resamples: int = SETTINGS.bootstrap_resamples,
                      seed: int = SETTINGS.bootstrap_seed) -> tuple[float, float]:
    """Bias-corrected and accelerated (BCa) bootstrap interval for a mean, seeded, R ``boot``'s convention.

    Missing values are dropped. Resample means from ``bootstrap_means``, the acceleration from the
    jackknife of the mean (``mean_acceleration``), the limits by ``bca_limits`` (``boot::bca.ci``).
    Blank with fewer than 3 values or no variation, where the bootstrap distribution is degenerate,
    and when no resample mean falls below the estimate (the bias correction is infinite).
    """
    data = present(values)
    if data.size < 3 or np.unique(data).size < 2:
        return math.nan, math.nan
    estimate, replicates = bootstrap_means(data, resamples, seed)
    return bca_limits(estimate, replicates, mean_acceleration(data), confidence)


#: Resamples drawn per multinomial call: bounds memory at BOOTSTRAP_CHUNK x (distinct values) counts.
BOOTSTRAP_CHUNK = 1000


def bootstrap_means(values: np.ndarray, resamples: int, seed: int) -> tuple[float, np.ndarray]:
    """The sample mean and ``resamples`` bootstrap means, seeded.

    A resample of n values drawn with replacement holds each distinct value v_k a
    Multinomial(n, c_k / n) number of times, so its mean is sum(count_k v_k) / n: drawn that way
    it costs O(distinct values) per resample and O(n) memory in all, and is the same bootstrap as
    drawing n indices. The estimate is computed by the same formula, so a resample that
    reproduces the sample gives exactly the estimate.
    """
    distinct, counts = np.unique(values, return_counts=True)
    n = int(counts.sum())
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    for start in range(0, resamples, BOOTSTRAP_CHUNK):
        size = min(BOOTSTRAP_CHUNK, resamples - start)
        means[start:start + size] = rng.multinomial(n, counts / n, size=size) @ distinct / n
    return float(counts @ distinct / n), means


def mean_acceleration(values: np.ndarray) -> float:
    """BCa acceleration a = sum(L^3) / (6 sum(L^2)^(3/2)) with the jackknife influence values of the
    mean, which have a closed form: L_i = (n - 1)(mean - mean without i) = x_i - mean. O(n)."""
    deviations = values - values.mean()
    return float(np.sum(deviations**3) / (6 * np.sum(deviations**2) ** 1.5))


def bca_limits(estimate: float, replicates: np.ndarray, acceleration: float,
               confidence: float = SETTINGS.confidence) -> tuple[float, float]:
    """BCa limits exactly as R's ``boot::bca.ci``: bias w = Phi^-1(share of replicates strictly below
    the estimate), adjusted levels Phi(w + (w + z) / (1 - a (w + z))) for z = Phi^-1((1 -+ conf)/2),
    and each limit read off the sorted replicates by ``norm_inter``. Blank when w is infinite."""
    replicates = np.sort(replicates[np.isfinite(replicates)])
    bias = stats.norm.ppf(np.mean(replicates < estimate))
    if not np.isfinite(bias):
        return math.nan, math.nan
    z = stats.norm.ppf((1 + np.array([-confidence, confidence])) / 2)
    levels = stats.norm.cdf(bias + (bias + z) / (1 - acceleration * (bias + z)))
    low, high = (norm_inter(replicates, level) for level in levels)
    return low, high


def norm_inter(ordered: np.ndarray, level: float) -> float:
    """R ``boot``'s ``norm.inter``: the level-quantile of sorted replicates t(1) <= ... <= t(R).

    With r = (R + 1) level: t(r) when r is whole; t(1) or t(R) beyond the ends; otherwise
    interpolated between t(k) and t(k + 1), k = floor(r), linearly on the normal quantile scale.
    """
    count = ordered.size
    position = (count + 1) * level
    k = math.trunc(position)
    if k == position:
        return float(ordered[k - 1]) if 0 < k <= count else float(ordered[0] if k <= 0 else ordered[-1])
    if k <= 0:
        return float(ordered[0])
    if k >= count:
        return float(ordered[-1])
    below, above = stats.norm.ppf(k / (count + 1)), stats.norm.ppf((k + 1) / (count + 1))
    share = (stats.norm.ppf(level) - below) / (above - below)
    return float(ordered[k - 1] + share * (ordered[k] - ordered[k - 1]))


def wilson_interval(count: int, n: int, confidence: float = SETTINGS.confidence) -> tuple[float, float]:
    """Wilson score interval for a proportion (statsmodels)."""
    if n == 0:
        return math.nan, math.nan
    low, high = proportion_confint(count, n, alpha=1 - confidence, method="wilson")
    return float(low), float(high)
