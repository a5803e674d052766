"""Effect sizes and intervals for paired ratings and proportions in small cohorts.

Library calls where a library has the method: scipy's BCa bootstrap, statsmodels' Wilson
interval. Written here, with the reason:
- the Hodges-Lehmann shift and its exact interval (no scipy, statsmodels or pingouin function
  gives the one-sample/paired estimator with a distribution-free interval);
- Hedges' g_av and g_z, because pingouin's paired ``hedges`` applies the independent-groups small
  sample correction (df = 2n - 2) where the paired one (df = n - 1, Lakens 2013) is right.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from .config import SETTINGS
from .stats import rank_sum_null


def hodges_lehmann(differences: pd.Series | np.ndarray,
                   confidence: float = SETTINGS.confidence) -> dict[str, float]:
    """Hodges-Lehmann shift (median of the Walsh averages) with its distribution-free interval.

    The interval is [W(k), W(M + 1 - k)] over the M = n(n + 1)/2 sorted Walsh averages, k the
    largest whole number with P(T+ <= k - 1) <= (1 - confidence)/2 under the exact null
    distribution of the signed-rank statistic. Small n cannot reach the asked-for confidence; the
    interval is then the full range of Walsh averages and ``level`` says what confidence it has
    (75% with 3 people). All differences are used, zeros included.
    """
    d = np.asarray(differences, dtype=float)
    out = {"shift": math.nan, "ci_low": math.nan, "ci_high": math.nan, "level": math.nan}
    if d.size == 0:
        return out
    i, j = np.triu_indices(d.size)
    walsh = np.sort((d[i] + d[j]) / 2)
    cumulative = np.cumsum(rank_sum_null(np.arange(1, d.size + 1)))
    tail = (1 - confidence) / 2
    k = max(1, int(np.searchsorted(cumulative, tail, side="right")))  # P(T+ <= k-1) <= tail
    out.update(shift=float(np.median(walsh)), ci_low=float(walsh[k - 1]), ci_high=float(walsh[-k]),
               level=float(1 - 2 * cumulative[k - 1]))
    return out


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


def bootstrap_mean_ci(values: pd.Series | np.ndarray, confidence: float = SETTINGS.confidence,
                      resamples: int = SETTINGS.bootstrap_resamples,
                      seed: int = SETTINGS.bootstrap_seed) -> tuple[float, float]:
    """Bias-corrected and accelerated (BCa) bootstrap interval for a mean, seeded.

    Blank with fewer than 3 values or no variation, where the bootstrap distribution is degenerate.
    """
    data = np.asarray(values, dtype=float)
    if data.size < 3 or np.unique(data).size < 2:
        return math.nan, math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns when BCa is unstable; the result says so by being NaN
        result = stats.bootstrap((data,), np.mean, confidence_level=confidence, n_resamples=resamples,
                                 method="BCa", rng=np.random.default_rng(seed))
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def wilson_interval(count: int, n: int, confidence: float = SETTINGS.confidence) -> tuple[float, float]:
    """Wilson score interval for a proportion (statsmodels)."""
    if n == 0:
        return math.nan, math.nan
    low, high = proportion_confint(count, n, alpha=1 - confidence, method="wilson")
    return float(low), float(high)
