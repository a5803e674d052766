"""Statistics against independent computations: enumeration, hand-worked values, formulas."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from rm_research import stats
from tests.helpers import exact_signed_rank_p


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
