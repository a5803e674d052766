"""Hypothesis tests and correlations for ordinal ratings, from a handful of people to millions.

Library calls wherever a library does what the method needs (scipy for the Wilcoxon, Mann-Whitney
and Spearman statistics and their normal approximations). Written here, each because the libraries
fall short:
- the Holm correction, three lines of its definition: statsmodels' ``multipletests(method="holm")``
  runs a full ``gc.collect()`` on every call, 0.17 s in a process holding pandas and scipy, twice per
  cohort (the tests check against statsmodels);
- the exact signed-rank distribution with ties for 14-50 differences (scipy switches to the
  normal approximation there);
- the exact Mann-Whitney permutation distribution with ties, by dynamic programming over (group
  size, rank sum) (scipy's permutation option enumerates every split and needs two or more
  people in each group; R's coin computes the same distribution, and the tests check against it);
- the exact Spearman p-value at perfect monotonic order, a closed form (scipy's t approximation
  gives exactly 0 there);
- the Bonett-Wright interval for Spearman's rho (pingouin gives only the Pearson-style Fisher
  interval, rounded to 2 decimals).

Missing values (NaN) are dropped by every function before anything is counted or ranked. Exact
distributions are used only where their cost is bounded (the thresholds are module constants or
settings, and the Methods state them); beyond, the normal approximation with tie correction.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import special, stats

from rm_research.core.config import SETTINGS, AnalysisSettings

#: Fewer pairs than this and a correlation is reported blank (data contract, section 4).
MIN_PAIRS_FOR_CORRELATION = SETTINGS.min_n_correlation


def paired_differences(pre: pd.Series, post: pd.Series) -> pd.Series:
    """``post - pre`` for the people (index labels) who answered both."""
    both = pd.concat({"pre": pre, "post": post}, axis=1).dropna()
    return (both["post"] - both["pre"]).astype(float)


def present(values: pd.Series | np.ndarray) -> np.ndarray:
    """The values as floats, missing ones (NaN) dropped: a missing answer is no difference."""
    values = np.asarray(values, dtype=float)
    return values[~np.isnan(values)]


def nonzero(differences: pd.Series | np.ndarray) -> np.ndarray:
    """Wilcoxon's rule: zero differences carry no sign, so they are dropped (and missing ones)."""
    values = present(differences)
    return values[values != 0]


def wilcoxon_p(differences: pd.Series | np.ndarray, zero_method: str = SETTINGS.zero_method,
               exact_max_n: int = SETTINGS.exact_max_n) -> float:
    """Two-sided Wilcoxon signed-rank p-value, exact (permutation) for up to ``exact_max_n`` differences.

    ``zero_method`` is ``"wilcox"`` (zeros dropped before ranking) or ``"pratt"`` (zeros ranked,
    then their ranks dropped). Up to ``exact_max_n`` differences (counted after the zero rule, so
    Pratt's counts the zeros) the exact permutation distribution, with ties and zeros, is computed here
    (``exact_signed_rank_p``; scipy enumerates sign patterns only up to 13 differences with ties).
    Beyond, scipy's normal approximation with its tie correction and no continuity correction:
    O(n log n), so a million differences take a fraction of a second.
    """
    values = present(differences)
    if zero_method == "wilcox":
        values = nonzero(values)
    if nonzero(values).size == 0:
        return math.nan
    if values.size <= exact_max_n:
        return exact_signed_rank_p(values)
    result = stats.wilcoxon(values, zero_method=zero_method, alternative="two-sided", method="approx")
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
    2 / 2^n (0.5 at n = 2, 0.25 at n = 3, 0.0625 at n = 5). Blank when there are none.

    Computed as 2^(1 - n) by ``math.ldexp``, which cannot overflow (``2.0 ** n`` does past n = 1023);
    beyond n = 1075 the value is below the smallest float and is 0.0.
    """
    n = nonzero(differences).size
    return math.nan if n == 0 else smallest_p(n)


def smallest_p(n: int) -> float:
    """2 / 2^n, the smallest two-sided signed-rank p with ``n`` non-zero differences (``min_attainable_p``)."""
    return math.ldexp(1.0, 1 - n)


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


#: Exact Mann-Whitney distribution up to this many people in the two groups together. The dynamic
#: programme costs N x (m + 1) x (2 x largest rank sum + 1) additions (m the smaller group): at most
#: 100 x 51 x 7,551 = 39 million at N = 100 (about 0.1 s); beyond, the normal approximation.
MANN_WHITNEY_EXACT_MAX_N = 100


def mann_whitney(first: pd.Series, second: pd.Series,
                 settings: AnalysisSettings = SETTINGS) -> tuple[float, float]:
    """Two-sided Mann-Whitney p-value and rank-biserial r (2 U1 / (n1 n2) - 1) of first vs second.

    Exact (the permutation distribution of the rank sum, with ties given average ranks) for up to
    ``MANN_WHITNEY_EXACT_MAX_N`` people in both groups together; beyond, scipy's normal
    approximation with tie and continuity corrections. Two-sided p = 2 min(P(W <= w), P(W >= w)),
    at most 1, as scipy's permutation test and R's ``wilcox.test`` double the smaller tail (R's
    coin uses P(|W - E W| >= |w - E W|) instead, which differs when ties make the null
    distribution asymmetric). r > 0 means the first group tends to be higher. Blank when either
    group is empty. ``settings`` is accepted for a uniform signature.
    """
    x, y = present(first), present(second)
    if x.size == 0 or y.size == 0:
        return math.nan, math.nan
    ranks = stats.rankdata(np.concatenate([x, y]))
    u = float(ranks[: x.size].sum() - x.size * (x.size + 1) / 2)
    r = 2 * u / (x.size * y.size) - 1
    if x.size + y.size <= MANN_WHITNEY_EXACT_MAX_N:
        lower, upper = rank_sum_tails(ranks, x.size)
        return float(min(1.0, 2 * min(lower, upper))), r
    result = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic")
    return float(min(1.0, result.pvalue)), r


def rank_sum_tails(ranks: np.ndarray, m: int) -> tuple[float, float]:
    """P(W <= w) and P(W >= w) for W the sum of the first ``m`` of ``ranks``, under the permutation
    null (every choice of m of the N people equally likely to be the first group).

    Average ranks of ties are multiples of 1/2, so doubled ranks are whole numbers and the
    distribution is counted exactly by dynamic programming: ways[k, s] = number of subsets of the
    people seen so far with k members and doubled rank sum s, adding one person at a time. The
    smaller group is counted (the larger one's sum is the total minus it).
    """
    doubled = np.rint(2 * np.asarray(ranks, dtype=float)).astype(np.int64)
    flipped = m > doubled.size - m
    if flipped:  # W_first <= w exactly when W_second >= total - w
        doubled = np.concatenate([doubled[m:], doubled[:m]])
        m = doubled.size - m
    observed, largest = int(doubled[:m].sum()), int(np.sort(doubled)[doubled.size - m:].sum())
    ways = np.zeros((m + 1, largest + 1))
    ways[0, 0] = 1.0
    for rank in doubled:
        ways[1:, rank:] = ways[1:, rank:] + ways[:-1, : largest + 1 - rank]
    null = ways[m] / ways[m].sum()
    lower, upper = float(null[: observed + 1].sum()), float(null[observed:].sum())
    return (upper, lower) if flipped else (lower, upper)


def spearman_rho(x: pd.Series, y: pd.Series) -> tuple[float, int]:
    """Spearman's rho over the labels where both are present, and how many that was.

    Blank (NaN) for fewer than three pairs, or when either variable does not vary. Exactly 1 or -1
    when the two orders agree or are reversed (average ranks equal, or mirrored), where scipy's
    floating-point Pearson on ranks can give 0.9999999999999999.
    """
    both = _aligned(x, y)
    n = len(both)
    if n < MIN_PAIRS_FOR_CORRELATION or both["x"].nunique() < 2 or both["y"].nunique() < 2:
        return math.nan, n
    perfect = perfect_order(both["x"].to_numpy(), both["y"].to_numpy())
    if perfect:
        return float(perfect), n
    return float(stats.spearmanr(both["x"], both["y"]).statistic), n


def perfect_order(x: np.ndarray, y: np.ndarray) -> int:
    """1 if the average ranks of x and y are equal, -1 if mirrored (rank of y = n + 1 - rank of x),
    else 0. Average ranks are multiples of 1/2, so the comparison is exact."""
    rank_x, rank_y = stats.rankdata(x), stats.rankdata(y)
    if np.array_equal(rank_x, rank_y):
        return 1
    return -1 if np.array_equal(rank_x, x.size + 1 - rank_y) else 0


SPEARMAN_NOTE_PERFECT = ("the two orders agree exactly (rho = {rho:+.0f}): Fisher's z is infinite there, so "
                         "no interval is given")


def spearman_test(x: pd.Series, y: pd.Series, confidence: float = SETTINGS.confidence) -> dict[str, float | str]:
    """Spearman's rho with its p-value and a Bonett-Wright confidence interval.

    The interval is Fisher's z with the standard error sqrt((1 + rho^2 / 2) / (n - 3)) that
    Bonett & Wright (2000) derived for Spearman's rho; it needs at least 4 pairs, and is blank at
    rho = +-1 (``note`` says why). The p-value (``spearman_p``) is exact by permutation for up to
    ``SPEARMAN_EXACT_MAX_N`` pairs (every pairing, scipy's ``permutation_test``); at perfect
    order it is exact for any n by a closed form; otherwise scipy's t approximation.
    """
    rho, n = spearman_rho(x, y)
    out = {"rho": rho, "n": n, "p": math.nan, "ci_low": math.nan, "ci_high": math.nan, "note": ""}
    if math.isnan(rho):
        out["note"] = "fewer than 3 pairs, or one of the two does not vary"
        return out
    both = _aligned(x, y)
    out["p"] = spearman_p(both["x"].to_numpy(), both["y"].to_numpy())
    if abs(rho) == 1:
        out["note"] = SPEARMAN_NOTE_PERFECT.format(rho=rho)
    elif n > 3:
        z, half = math.atanh(rho), stats.norm.ppf(0.5 + confidence / 2) * math.sqrt((1 + rho**2 / 2) / (n - 3))
        out["ci_low"], out["ci_high"] = math.tanh(z - half), math.tanh(z + half)
    else:
        out["note"] = "the interval needs at least 4 pairs"
    return out


SPEARMAN_EXACT_MAX_N = 8  # 8! = 40,320 pairings


def spearman_p(x: np.ndarray, y: np.ndarray) -> float:
    """Two-sided p of Spearman's rho under the permutation null (every pairing of x with y equally
    likely), p = 2 min(P(rho* >= rho), P(rho* <= rho)) as scipy's permutation test.

    - Up to ``SPEARMAN_EXACT_MAX_N`` pairs: every pairing (scipy's ``permutation_test``).
    - Perfect order, any n: rho* = 1 only for the pairings that match each tie group of x with the
      equally sized tie group of y, prod(t_g!) of the n! pairings, so p = 2 prod(t_g!) / n!
      (2 / n! without ties; 5.5e-6 at n = 9), computed with log-gamma.
    - Otherwise scipy's t approximation (O(n log n)).
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.size <= SPEARMAN_EXACT_MAX_N:
        return _spearman_permutation_p(x, y)
    if perfect_order(x, y):
        ties = np.unique(x, return_counts=True)[1]
        log_share = float(np.sum(special.gammaln(ties + 1.0)) - special.gammaln(x.size + 1.0))
        return min(1.0, 2 * math.exp(log_share))
    return float(stats.spearmanr(x, y).pvalue)


def _spearman_permutation_p(x: np.ndarray, y: np.ndarray) -> float:
    ranked_y = stats.rankdata(y) - (y.size + 1) / 2

    def rho(first: np.ndarray, axis: int = -1) -> np.ndarray:  # Pearson on ranks, for many pairings at once
        ranked_x = stats.rankdata(first, axis=axis) - (y.size + 1) / 2
        spread = np.sqrt((ranked_x**2).sum(axis=axis) * (ranked_y**2).sum())
        return (ranked_x * ranked_y).sum(axis=axis) / spread

    result = stats.permutation_test((x,), rho, permutation_type="pairings", n_resamples=np.inf,
                                    alternative="two-sided", vectorized=True)
    return float(result.pvalue)


def holm(p_values: pd.Series) -> pd.Series:
    """Holm-adjusted p-values for a family of tests (blanks stay blank and are not counted): the
    i-th smallest of m p-values times (m - i + 1), made non-decreasing in that order, at most 1."""
    values = p_values.to_numpy(dtype=float)
    where = np.flatnonzero(~np.isnan(values))
    order = where[np.argsort(values[where], kind="stable")]
    adjusted = np.full(len(values), np.nan)
    adjusted[order] = np.minimum(np.maximum.accumulate(values[order] * np.arange(len(order), 0, -1)), 1.0)
    return pd.Series(adjusted, index=p_values.index)


def _aligned(x: pd.Series, y: pd.Series) -> pd.DataFrame:
    return pd.concat({"x": x, "y": y}, axis=1).dropna().astype(float)
