"""Statistics against independent computations: enumeration, hand-worked values, formulas."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from rm_research.stats import nonparametric as stats
from tests.helpers import brute_mann_whitney, exact_signed_rank_p


@pytest.mark.parametrize("differences", [
    [1, 2, 3],                 # n=3, all positive: the smallest p possible at n=3 is 2/8
    [1, 2, 3, 4, 5],           # n=5: 2/32
    [3, -1, 3],                # ties: exhaustive permutation
    [2, 0, 0, -1, 4, 4, -3],   # zeros dropped, ties kept
    [-5, 2, -7, 1, -3, -4, 6, -8],
])
def test_wilcoxon_p_matches_enumeration_of_sign_patterns(differences):
    assert stats.wilcoxon_p(np.array(differences, dtype=float)) == pytest.approx(exact_signed_rank_p(differences))


def test_wilcoxon_minimum_attainable_p_by_definition():
    assert stats.wilcoxon_p(np.array([1.0, 2.0, 3.0])) == pytest.approx(0.25)
    assert stats.wilcoxon_p(np.array([1.0, 2.0, 3.0, 4.0, 5.0])) == pytest.approx(0.0625)


def test_wilcoxon_all_zero_differences_is_blank():
    assert math.isnan(stats.wilcoxon_p(np.array([0.0, 0.0])))


def test_rank_biserial_by_hand():
    # |d| = 3, 1, 3 -> ranks 2.5, 1, 2.5; R+ = 5, R- = 1; (5 - 1) / 6
    assert stats.rank_biserial(np.array([3.0, -1.0, 3.0])) == pytest.approx(4 / 6)
    # a zero is dropped before ranking: |d| = 2, 1 -> R+ = 2, R- = 1
    assert stats.rank_biserial(np.array([2.0, 0.0, -1.0])) == pytest.approx(1 / 3)
    assert stats.rank_biserial(np.array([1.0, 2.0])) == 1.0
    assert math.isnan(stats.rank_biserial(np.array([0.0])))


def test_paired_differences_keeps_people_who_answered_both():
    pre = pd.Series({"a": 5.0, "b": 7.0, "c": 9.0})
    post = pd.Series({"a": 8.0, "c": np.nan, "d": 4.0})
    assert stats.paired_differences(pre, post).to_dict() == {"a": 3.0}


def test_spearman_without_ties_matches_the_textbook_formula():
    x = pd.Series([1, 2, 3, 4, 5, 6], index=list("abcdef"), dtype=float)
    y = pd.Series([2, 1, 4, 3, 6, 5], index=list("abcdef"), dtype=float)
    d_squared = sum((a - b) ** 2 for a, b in zip([1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5], strict=True))
    rho, n = stats.spearman_rho(x, y)
    assert n == 6
    assert rho == pytest.approx(1 - 6 * d_squared / (6 * (6**2 - 1)))


def test_spearman_with_ties_is_pearson_on_average_ranks():
    # ranks x: 2, 1, 3; ranks y: 2.5, 1, 2.5 -> r = 1.5 / sqrt(2 * 1.5) = sqrt(3) / 2
    rho, _ = stats.spearman_rho(pd.Series([1.0, 0.0, 2.0]), pd.Series([3.0, -1.0, 3.0]))
    assert rho == pytest.approx(math.sqrt(3) / 2)


@pytest.mark.parametrize(("x", "y"), [([1.0, 2.0], [2.0, 1.0]), ([1.0, 1.0, 1.0], [1.0, 2.0, 3.0])])
def test_spearman_blank_for_fewer_than_three_pairs_or_no_variation(x, y):
    rho, n = stats.spearman_rho(pd.Series(x), pd.Series(y))
    assert math.isnan(rho)
    assert n == len(x)


@pytest.mark.parametrize("differences", [
    [1, 1, 2, 2, -1, 3, 3, 1, 2, -2, 1, 1, 4, 2],          # n = 14 with ties: beyond scipy's enumeration
    [2, -1, 1, 3, 3, -2, 1, 1, 2, 4, -1, 2, 5, 1, 2, -3],  # n = 16
])
def test_wilcoxon_exact_with_ties_beyond_thirteen(differences):
    assert stats.wilcoxon_p(np.array(differences, dtype=float)) == pytest.approx(exact_signed_rank_p(differences))


def test_exact_distribution_without_ties_agrees_with_scipy_exact():
    from scipy.stats import wilcoxon

    values = np.array([1.0, -2, 3, 4, -5, 6, 7, 8, 9, 10, -11, 12, 13, 14, 15, 16, -17, 18, 19, 20])
    assert stats.exact_signed_rank_p(values) == pytest.approx(wilcoxon(values, method="exact").pvalue)


@pytest.mark.parametrize(("differences", "floor"), [([1, 2], 0.5), ([1, 0, 2, 3], 0.25), ([1, -1, 2, 3, 5], 0.0625),
                                                    ([5], 1.0)])
def test_smallest_attainable_p_is_two_over_two_to_the_nonzero_n(differences, floor):
    assert stats.min_attainable_p(np.array(differences, dtype=float)) == floor
    assert math.isnan(stats.min_attainable_p(np.array([0.0])))


@pytest.mark.parametrize("differences", [
    [2, 0, 0, -1, 4, 4, -3],                                  # n = 7 with zeros: against scipy's enumeration too
    [0, 1, -1, 2, 0, 3, 3, -2, 1, 4, 0, 2, 5, -1, 2],         # n = 15 with zeros and ties
])
def test_pratt_zero_rule_matches_enumeration(differences):
    expected = exact_signed_rank_p(differences, zero_method="pratt")
    assert stats.wilcoxon_p(np.array(differences, dtype=float), zero_method="pratt") == pytest.approx(expected)


def test_pratt_agrees_with_scipy_where_scipy_enumerates():
    from scipy.stats import wilcoxon

    d = np.array([2.0, 0, 0, -1, 4, 4, -3])
    assert stats.wilcoxon_p(d, zero_method="pratt") == pytest.approx(wilcoxon(d, zero_method="pratt").pvalue)


@pytest.mark.parametrize(("x", "y"), [
    ([1, 5, 3], [2, 4, 6, 7]),        # no ties: scipy's exact distribution
    ([1, 2, 2, 3], [2, 3, 4, 4, 5]),  # ties: exhaustive permutation
    ([3], [1, 3, 2]),                 # a group of one, with a tie
    ([5, 7], [9]),
])
def test_mann_whitney_against_brute_force(x, y):
    p, r = stats.mann_whitney(pd.Series(x, dtype=float), pd.Series(y, dtype=float))
    expected_p, expected_r = brute_mann_whitney(x, y)
    assert p == pytest.approx(expected_p)
    assert r == pytest.approx(expected_r)


def test_mann_whitney_blank_for_an_empty_group():
    assert all(math.isnan(v) for v in stats.mann_whitney(pd.Series([1.0]), pd.Series([], dtype=float)))


def test_spearman_p_is_the_permutation_p_and_ci_is_bonett_wright():
    x = [1.0, 2, 3, 4, 5, 6]
    y = [2.0, 1, 4, 3, 6, 5]
    result = stats.spearman_test(pd.Series(x), pd.Series(y))

    def rho(a, b):  # no ties: 1 - 6 sum d^2 / (n (n^2 - 1)), ranks = values here
        return 1 - 6 * sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) / (6 * 35)

    observed = rho(x, y)
    null = [rho(x, perm) for perm in itertools.permutations(y)]
    expected_p = min(1.0, 2 * min(np.mean([t >= observed - 1e-9 for t in null]),
                                  np.mean([t <= observed + 1e-9 for t in null])))
    assert result["rho"] == pytest.approx(observed)
    assert result["p"] == pytest.approx(expected_p)
    half = 1.959963984540054 * math.sqrt((1 + observed**2 / 2) / (6 - 3))
    assert result["ci_low"] == pytest.approx(math.tanh(math.atanh(observed) - half))
    assert result["ci_high"] == pytest.approx(math.tanh(math.atanh(observed) + half))


def test_holm_by_hand():
    # sorted 0.01, 0.03, 0.04 -> 3 x 0.01 = 0.03; 2 x 0.03 = 0.06; 1 x 0.04 = 0.04 -> 0.06 (monotone)
    adjusted = stats.holm(pd.Series([0.01, 0.04, np.nan, 0.03]))
    assert adjusted.iloc[[0, 1, 3]].tolist() == pytest.approx([0.03, 0.06, 0.06])
    assert math.isnan(adjusted.iloc[2])


def test_can_be_tested():
    assert stats.can_be_tested(0.03125) and not stats.can_be_tested(0.0625) and not stats.can_be_tested(math.nan)


@pytest.mark.parametrize("n", [1_024, 1_075, 10_000])
def test_smallest_attainable_p_for_large_cohorts_does_not_overflow(n):
    # 2 / 2^n with Python's exact integers, correctly rounded to a float (0.0 below the smallest float)
    assert stats.min_attainable_p(np.ones(n)) == 2 / 2**n


def test_missing_differences_are_dropped_not_counted():
    with_missing = np.array([1.0, np.nan, 2.0, -3.0, np.nan, 4.0])
    without = with_missing[~np.isnan(with_missing)]
    assert stats.min_attainable_p(with_missing) == 2 / 2**4
    assert stats.wilcoxon_p(with_missing) == stats.wilcoxon_p(without)
    assert stats.wilcoxon_p(with_missing, zero_method="pratt") == stats.wilcoxon_p(without, zero_method="pratt")
    assert stats.rank_biserial(with_missing) == stats.rank_biserial(without)
    assert stats.mann_whitney(with_missing, np.array([0.0, np.nan, 5.0])) == stats.mann_whitney(
        without, np.array([0.0, 5.0]))


def test_wilcoxon_beyond_the_exact_range_is_the_tie_corrected_normal_approximation():
    d = np.tile([1.0, -1.0, 2.0, 2.0, 3.0, -2.0, 1.0, 4.0, 0.0], 30)  # 240 non-zero differences with ties
    nonzero = d[d != 0]
    n = nonzero.size
    ranks = pd.Series(np.abs(nonzero)).rank().to_numpy()
    _, ties = np.unique(np.abs(nonzero), return_counts=True)
    variance = n * (n + 1) * (2 * n + 1) / 24 - (ties**3 - ties).sum() / 48  # textbook tie correction
    z = (ranks[nonzero > 0].sum() - n * (n + 1) / 4) / math.sqrt(variance)
    assert stats.wilcoxon_p(d) == pytest.approx(2 * (1 - 0.5 * (1 + math.erf(abs(z) / math.sqrt(2)))), rel=1e-9)


def test_spearman_at_perfect_order_is_exactly_one_with_exact_p_and_no_interval():
    # scipy gives rho = 0.9999999999999999 here and p = 7e-64, with a zero-width "interval"
    x = pd.Series(np.arange(10.0))
    result = stats.spearman_test(x, x * 0.1 + 3)
    assert result["rho"] == 1.0
    assert result["p"] == pytest.approx(2 / math.factorial(10), rel=1e-12)  # 2 of the 10! pairings reach |rho| = 1
    assert math.isnan(result["ci_low"]) and math.isnan(result["ci_high"])
    assert "interval" in result["note"]
    reversed_result = stats.spearman_test(x, -x)
    assert reversed_result["rho"] == -1.0 and reversed_result["p"] == result["p"]


def test_spearman_p_at_perfect_order_with_ties_by_enumerating_every_pairing():
    x = np.array([0, 0, 1, 1, 2, 2, 3, 3, 3], dtype=float)
    y = np.array([1, 1, 2, 2, 4, 4, 5, 5, 5], dtype=float)  # same order, scipy: rho = 0.9999999999999998
    rank_x, rank_y = pd.Series(x).rank().to_numpy(), pd.Series(y).rank().to_numpy()
    pairings = np.array(list(itertools.permutations(range(9))), dtype=np.int8)
    centred_x, centred_y = rank_x[pairings] - 5, rank_y - 5
    rho = (centred_x * centred_y).sum(axis=1) / math.sqrt((centred_x[0] ** 2).sum() * (centred_y**2).sum())
    expected = min(1.0, 2 * min(np.mean(rho >= 1 - 1e-9), np.mean(rho <= 1 + 1e-9)))
    result = stats.spearman_test(pd.Series(x), pd.Series(y))
    assert result["rho"] == 1.0
    assert result["p"] == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(2 * 2 * 2 * 2 * 6 / math.factorial(9))  # 2 prod(t!) / n!


@pytest.mark.parametrize("seed", range(5))
def test_holm_agrees_with_statsmodels(seed):
    # statsmodels' multipletests is the independent implementation; blanks, ties, p-values near 1
    # (adjusted values capped at 1) and a repeated index label are all in the family
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(seed)
    values = np.concatenate([rng.uniform(0, 1, 9), [0.02, 0.02, 0.9, np.nan]])
    p_values = pd.Series(values, index=[*range(12), 3])
    adjusted = stats.holm(p_values)
    present = ~np.isnan(values)
    assert adjusted.to_numpy()[present] == pytest.approx(multipletests(values[present], method="holm")[1])
    assert np.isnan(adjusted.to_numpy()[~present]).all() and adjusted.index.equals(p_values.index)
