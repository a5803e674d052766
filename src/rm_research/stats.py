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


def wilcoxon_p(differences: pd.Series | np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p-value, zero differences dropped.

    ``method='auto'`` gives the exact null distribution for up to 50 differences, or an
    exhaustive permutation one where ties make the exact tables wrong (scipy >= 1.15).
    """
    values = nonzero(differences)
    if values.size == 0:
        return math.nan
    result = stats.wilcoxon(values, zero_method="wilcox", alternative="two-sided", method="auto")
    return float(result.pvalue)


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
