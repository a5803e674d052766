"""Paired pre/post tests, effect sizes and correlations for small cohorts of ordinal ratings.

p-values and correlations come from scipy; the matched-pairs rank-biserial correlation is written
here from its definition because the contract fixes its zero rule (zeros dropped, as in the
Wilcoxon test), which pingouin's ``wilcoxon`` does not let us state.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

#: Fewer pairs than this and a correlation is reported blank (data contract, section 4).
MIN_PAIRS_FOR_CORRELATION = 3


def paired_differences(pre: pd.Series, post: pd.Series) -> pd.Series:
    """``post - pre`` for the people (index labels) who answered both."""
    both = pd.concat({"pre": pre, "post": post}, axis=1).dropna()
    return (both["post"] - both["pre"]).astype(float)


def nonzero(differences: pd.Series | np.ndarray) -> np.ndarray:
    """Wilcoxon's rule: zero differences carry no sign, so they are dropped."""
    values = np.asarray(differences, dtype=float)
    return values[values != 0]


#: Up to this many differences the p-value comes from the exact (permutation) null distribution.
EXACT_MAX_N = 50
#: scipy's ``method='auto'`` enumerates sign patterns with ties only up to this many differences.
SCIPY_PERMUTATION_MAX_N = 13


def wilcoxon_p(differences: pd.Series | np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p-value, zero differences dropped, exact for n <= 50.

    scipy (``method='auto'``) is exact without ties up to 50 differences and enumerates every
    sign pattern with ties up to 13; for 14-50 differences with ties it would switch to the
    normal approximation, so there the exact permutation distribution is computed here
    (``exact_signed_rank_p``). Above 50, scipy's normal approximation.
    """
    values = nonzero(differences)
    if values.size == 0:
        return math.nan
    ties = np.unique(np.abs(values)).size < values.size
    if ties and SCIPY_PERMUTATION_MAX_N < values.size <= EXACT_MAX_N:
        return exact_signed_rank_p(values)
    result = stats.wilcoxon(values, zero_method="wilcox", alternative="two-sided", method="auto")
    return float(result.pvalue)


def exact_signed_rank_p(values: np.ndarray) -> float:
    """Two-sided p from the exact permutation distribution of the signed-rank statistic, ties allowed.

    Under the null hypothesis each non-zero difference is equally likely positive or negative,
    so the distribution of R+ (sum of ranks of positive differences) is the distribution of a
    sum of independently included ranks: built by convolution over doubled (whole-number) ranks,
    2^n sign patterns counted in O(n * total rank) steps.
    """
    doubled = np.rint(2 * stats.rankdata(np.abs(values))).astype(int)
    counts = np.zeros(doubled.sum() + 1)
    counts[0] = 1.0
    for rank in doubled:
        counts[rank:] = counts[rank:] + counts[: counts.size - rank].copy()
    probability = counts / counts.sum()
    observed = int(doubled[values > 0].sum())
    upper, lower = probability[observed:].sum(), probability[: observed + 1].sum()
    return float(min(1.0, 2 * min(upper, lower)))


def min_attainable_p(differences: pd.Series | np.ndarray) -> float:
    """The smallest two-sided signed-rank p-value possible with these many non-zero differences:
    2 / 2^n (0.5 at n = 2, 0.25 at n = 3, 0.0625 at n = 5). Blank when there are none."""
    n = nonzero(differences).size
    return math.nan if n == 0 else min(1.0, 2.0 / 2.0**n)


def rank_biserial(differences: pd.Series | np.ndarray) -> float:
    """Matched-pairs rank-biserial correlation: (R+ - R-) / (R+ + R-), zeros dropped."""
    values = nonzero(differences)
    if values.size == 0:
        return math.nan
    ranks = stats.rankdata(np.abs(values))
    positive, negative = ranks[values > 0].sum(), ranks[values < 0].sum()
    return float((positive - negative) / (positive + negative))


def spearman_rho(x: pd.Series, y: pd.Series) -> tuple[float, int]:
    """Spearman's rho over the labels where both are present, and how many that was.

    Blank (NaN) for fewer than three pairs, or when either variable does not vary.
    """
    both = pd.concat({"x": x, "y": y}, axis=1).dropna().astype(float)
    n = len(both)
    if n < MIN_PAIRS_FOR_CORRELATION or both["x"].nunique() < 2 or both["y"].nunique() < 2:
        return math.nan, n
    return float(stats.spearmanr(both["x"], both["y"]).statistic), n
