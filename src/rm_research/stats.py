"""Hypothesis tests and correlations for small cohorts of ordinal ratings.

Library calls wherever a library does what the method needs (scipy for the Wilcoxon, Mann-Whitney
and Spearman statistics, statsmodels for the Holm correction). Two pieces are written here, each
because the libraries fall short: the exact signed-rank distribution with ties for 14-50
differences (scipy switches to the normal approximation there), and the Bonett-Wright interval for
Spearman's rho (pingouin gives only the Pearson-style Fisher interval, rounded to 2 decimals).
"""

from __future__ import annotations

import math
from itertools import combinations
from math import comb

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from .config import SETTINGS, AnalysisSettings

#: Fewer pairs than this and a correlation is reported blank (data contract, section 4).
MIN_PAIRS_FOR_CORRELATION = SETTINGS.min_n_correlation


def paired_differences(pre: pd.Series, post: pd.Series) -> pd.Series:
    """``post - pre`` for the people (index labels) who answered both."""
    both = pd.concat({"pre": pre, "post": post}, axis=1).dropna()
    return (both["post"] - both["pre"]).astype(float)


def nonzero(differences: pd.Series | np.ndarray) -> np.ndarray:
    """Wilcoxon's rule: zero differences carry no sign, so they are dropped."""
    values = np.asarray(differences, dtype=float)
    return values[values != 0]


def wilcoxon_p(differences: pd.Series | np.ndarray, zero_method: str = SETTINGS.zero_method,
               exact_max_n: int = SETTINGS.exact_max_n) -> float:
    """Two-sided Wilcoxon signed-rank p-value, exact (permutation) for up to ``exact_max_n`` differences.

    ``zero_method`` is ``"wilcox"`` (zeros dropped before ranking) or ``"pratt"`` (zeros ranked,
    then their ranks dropped). Without ties or zeros this is scipy's exact test (``method='auto'``,
    exact up to 50 differences). With them, scipy enumerates sign patterns only up to 13
    differences (one test takes ~70 ms there) and uses the normal approximation beyond, so the
    exact permutation distribution is computed here instead (``exact_signed_rank_p``, checked
    against scipy's enumeration and against brute force in the tests).
    """
    values = np.asarray(differences, dtype=float)
    if zero_method == "wilcox":
        values = nonzero(values)
    if nonzero(values).size == 0:
        return math.nan
    irregular = np.unique(np.abs(values)).size < values.size or (values == 0).any()
    if irregular and values.size <= exact_max_n:
        return exact_signed_rank_p(values)
    result = stats.wilcoxon(values, zero_method=zero_method, alternative="two-sided", method="auto")
    return float(result.pvalue)


def exact_signed_rank_p(values: np.ndarray) -> float:
    """Two-sided p from the exact permutation distribution of the signed-rank statistic.

    All of ``values`` are ranked by size (average ranks for ties); zeros, if any are left in
    (Pratt), keep their ranks out of the statistic. Under the null hypothesis each non-zero
    difference is equally likely positive or negative, so R+ is a sum of independently included
    ranks: its distribution is built by convolution over doubled (whole-number) ranks, counting
    all 2^n sign patterns in O(n * total rank) steps.
    """
    values = np.asarray(values, dtype=float)
    doubled = np.rint(2 * stats.rankdata(np.abs(values))).astype(int)[values != 0]
    probability = rank_sum_null(doubled)
    observed = int(doubled[values[values != 0] > 0].sum())
    upper, lower = probability[observed:].sum(), probability[: observed + 1].sum()
    return float(min(1.0, 2 * min(upper, lower)))


def rank_sum_null(ranks: np.ndarray) -> np.ndarray:
    """P(sum of a random subset of ``ranks`` = t) for t = 0 .. sum(ranks), each rank in or out with
    probability 1/2: the null distribution of R+ (whole-number ranks; double them for ties)."""
    counts = np.zeros(int(np.sum(ranks)) + 1)
    counts[0] = 1.0
    for rank in ranks:
        counts[rank:] = counts[rank:] + counts[: counts.size - rank].copy()
    return counts / counts.sum()


def min_attainable_p(differences: pd.Series | np.ndarray) -> float:
    """The smallest two-sided signed-rank p-value possible with these many non-zero differences:
    2 / 2^n (0.5 at n = 2, 0.25 at n = 3, 0.0625 at n = 5). Blank when there are none."""
    n = nonzero(differences).size
    return math.nan if n == 0 else min(1.0, 2.0 / 2.0**n)


def can_be_tested(min_p: float, alpha: float = SETTINGS.alpha) -> bool:
    """A test whose smallest attainable p is above alpha cannot reject whatever happened."""
    return not math.isnan(min_p) and min_p <= alpha


def rank_biserial(differences: pd.Series | np.ndarray) -> float:
    """Matched-pairs rank-biserial correlation: (R+ - R-) / (R+ + R-), zeros dropped.

    Written from its definition so that its zero rule is the Wilcoxon test's (pingouin's
    ``wilcoxon`` does not let us state it).
    """
    values = nonzero(differences)
    if values.size == 0:
        return math.nan
    ranks = stats.rankdata(np.abs(values))
    positive, negative = ranks[values > 0].sum(), ranks[values < 0].sum()
    return float((positive - negative) / (positive + negative))


def mann_whitney(first: pd.Series, second: pd.Series,
                 settings: AnalysisSettings = SETTINGS) -> tuple[float, float]:
    """Two-sided Mann-Whitney p-value and rank-biserial r (2 U1 / (n1 n2) - 1) of first vs second.

    Exact without ties when both groups are small (scipy's ``auto``); with ties, the exhaustive
    permutation distribution while the number of partitions is manageable; otherwise asymptotic.
    r > 0 means the first group tends to be higher. Blank when either group is empty.
    """
    x, y = np.asarray(first.dropna(), float), np.asarray(second.dropna(), float)
    if x.size == 0 or y.size == 0:
        return math.nan, math.nan
    result = stats.mannwhitneyu(x, y, alternative="two-sided", method="auto")
    r = float(2 * result.statistic / (x.size * y.size) - 1)
    ties = np.unique(np.concatenate([x, y])).size < x.size + y.size
    if ties and comb(x.size + y.size, x.size) <= settings.permutation_max_partitions:
        return exhaustive_mann_whitney_p(x, y), r
    return float(min(1.0, result.pvalue)), r


def exhaustive_mann_whitney_p(x: np.ndarray, y: np.ndarray) -> float:
    """Two-sided Mann-Whitney p over every split of the pooled ratings into groups of these sizes.

    Written here because scipy's permutation option needs two or more people in each group, and
    a lone non-completer is common in small cohorts. Two-sided as scipy's permutation test is:
    p = 2 min(P(U >= u), P(U <= u)), at most 1.
    """
    pooled = stats.rankdata(np.concatenate([x, y]))
    offset = x.size * (x.size + 1) / 2
    splits = np.array([pooled[list(chosen)].sum() - offset for chosen in combinations(range(pooled.size), x.size)])
    observed = pooled[: x.size].sum() - offset
    upper, lower = np.mean(splits >= observed - 1e-9), np.mean(splits <= observed + 1e-9)
    return float(min(1.0, 2 * min(upper, lower)))


def spearman_rho(x: pd.Series, y: pd.Series) -> tuple[float, int]:
    """Spearman's rho over the labels where both are present, and how many that was.

    Blank (NaN) for fewer than three pairs, or when either variable does not vary.
    """
    both = _aligned(x, y)
    n = len(both)
    if n < MIN_PAIRS_FOR_CORRELATION or both["x"].nunique() < 2 or both["y"].nunique() < 2:
        return math.nan, n
    return float(stats.spearmanr(both["x"], both["y"]).statistic), n


def spearman_test(x: pd.Series, y: pd.Series, confidence: float = SETTINGS.confidence) -> dict[str, float]:
    """Spearman's rho with its p-value and a Bonett-Wright confidence interval.

    The interval is Fisher's z with the standard error sqrt((1 + rho^2 / 2) / (n - 3)) that
    Bonett & Wright (2000) derived for Spearman's rho; it needs at least 4 pairs. The p-value is
    exact by permutation for up to ``SPEARMAN_EXACT_MAX_N`` pairs (every pairing, scipy's
    ``permutation_test``), else scipy's t approximation.
    """
    rho, n = spearman_rho(x, y)
    out = {"rho": rho, "n": n, "p": math.nan, "ci_low": math.nan, "ci_high": math.nan}
    if math.isnan(rho):
        return out
    both = _aligned(x, y)
    out["p"] = _spearman_p(both["x"].to_numpy(), both["y"].to_numpy())
    if n > 3 and abs(rho) < 1:
        z, half = math.atanh(rho), stats.norm.ppf(0.5 + confidence / 2) * math.sqrt((1 + rho**2 / 2) / (n - 3))
        out["ci_low"], out["ci_high"] = math.tanh(z - half), math.tanh(z + half)
    return out


SPEARMAN_EXACT_MAX_N = 8  # 8! = 40,320 pairings


def _spearman_p(x: np.ndarray, y: np.ndarray) -> float:
    if x.size > SPEARMAN_EXACT_MAX_N:
        return float(stats.spearmanr(x, y).pvalue)

    ranked_y = stats.rankdata(y) - (y.size + 1) / 2

    def rho(first: np.ndarray, axis: int = -1) -> np.ndarray:  # Pearson on ranks, for many pairings at once
        ranked_x = stats.rankdata(first, axis=axis) - (y.size + 1) / 2
        spread = np.sqrt((ranked_x**2).sum(axis=axis) * (ranked_y**2).sum())
        return (ranked_x * ranked_y).sum(axis=axis) / spread

    result = stats.permutation_test((x,), rho, permutation_type="pairings", n_resamples=np.inf,
                                    alternative="two-sided", vectorized=True)
    return float(result.pvalue)


def holm(p_values: pd.Series) -> pd.Series:
    """Holm-adjusted p-values for a family of tests (blanks stay blank and are not counted)."""
    present = p_values.dropna()
    adjusted = pd.Series(np.nan, index=p_values.index, dtype=float)
    if not present.empty:
        adjusted[present.index] = multipletests(present.to_numpy(), method="holm")[1]
    return adjusted


def _aligned(x: pd.Series, y: pd.Series) -> pd.DataFrame:
    return pd.concat({"x": x, "y": y}, axis=1).dropna().astype(float)
