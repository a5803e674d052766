"""Statistics at the edges against R 4.2 (coin, boot, stats), from values R computed once.

The R script and its outputs are in tests/fixtures/r/ (reference.R says how they were made);
these tests read the outputs and never need R.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata

from rm_research.stats import effects
from rm_research.stats import nonparametric as stats
from tests.helpers import numbers, r_reference

MANN_WHITNEY = r_reference("mann_whitney")
HODGES_LEHMANN = r_reference("hodges_lehmann")
BCA = r_reference("bca")


@pytest.mark.parametrize("case", MANN_WHITNEY.to_dict("records"), ids=list(MANN_WHITNEY["case"]))
def test_mann_whitney_exact_tails_with_ties_match_coin(case):
    x, y = numbers(case["x"]), numbers(case["y"])
    lower, upper = stats.rank_sum_tails(rankdata(np.concatenate([x, y])), x.size)
    assert lower == pytest.approx(case["p_less"], rel=1e-12)
    assert upper == pytest.approx(case["p_greater"], rel=1e-12)


@pytest.mark.parametrize("case", MANN_WHITNEY.to_dict("records"), ids=list(MANN_WHITNEY["case"]))
def test_mann_whitney_p_exact_to_the_bound_then_normal_as_r(case):
    x, y = numbers(case["x"]), numbers(case["y"])
    p, _ = stats.mann_whitney(pd.Series(x), pd.Series(y))
    if x.size + y.size <= stats.MANN_WHITNEY_EXACT_MAX_N:  # ties_27 was 0.137 (normal) before: 888,030 splits
        assert p == pytest.approx(min(1.0, 2 * min(case["p_less"], case["p_greater"])), rel=1e-12)
    else:  # R's wilcox.test(exact = FALSE, correct = TRUE): tie and continuity corrections
        assert p == pytest.approx(case["p_normal"], rel=1e-9)


@pytest.mark.parametrize("case", HODGES_LEHMANN.to_dict("records"), ids=list(HODGES_LEHMANN["case"]))
def test_hodges_lehmann_drops_zeros_as_r_wilcox_test(case):
    d = numbers(case["d"])
    result = effects.hodges_lehmann(d)
    assert result["shift"] == pytest.approx(case["estimate"], abs=1e-12)
    assert result["ci_low"] == pytest.approx(case["ci_low"], abs=1e-12)
    assert result["ci_high"] == pytest.approx(case["ci_high"], abs=1e-12)
    assert result["level"] == pytest.approx(case["level"], abs=1e-12)
    assert result["n"] == int((d != 0).sum())
    assert stats.wilcoxon_p(d) == pytest.approx(case["p"], rel=1e-9)


def test_hodges_lehmann_interval_and_wilcoxon_test_agree_on_zero():
    # the case: 6 rises and 4 unchanged. Zeros dropped, the exact test gives p = 2/2^6 =
    # 0.031; the interval, zeros dropped too, is [W(1), W(21)] = [1, 6] at level 1 - 2/64 and
    # excludes 0 (with the zeros kept it was [0, 4], 95.1%)
    d = np.array([0.0, 0.0, 0.0, 0.0, 1, 2, 3, 4, 5, 6])
    assert stats.wilcoxon_p(d) == 2 / 2**6
    result = effects.hodges_lehmann(d)
    assert (result["shift"], result["ci_low"], result["ci_high"], result["level"]) == (3.5, 1.0, 6.0, 1 - 2 / 64)


@pytest.mark.parametrize("row", r_reference("signrank_quantiles").to_dict("records"))
def test_walsh_interval_rank_beyond_the_exact_range_is_within_two_of_r_qsignrank(row):
    # exact up to 50 differences (the HL cases above); beyond, the normal approximation, which
    # can be at most 2 ranks more conservative than R's exact qsignrank at these n
    k, level = effects.signed_rank_critical(int(row["n"]), 0.95, exact_max_n=50)
    assert row["k"] - 2 <= k <= row["k"]
    assert level >= 0.95


def test_spearman_at_perfect_order_matches_r_exact_p():
    for case in r_reference("spearman").to_dict("records"):
        result = stats.spearman_test(pd.Series(numbers(case["x"])), pd.Series(numbers(case["y"])))
        assert result["rho"] == case["rho"]
        assert result["p"] == pytest.approx(case["p"], rel=1e-12)  # 2 / 9!
        assert math.isnan(result["ci_low"]) and math.isnan(result["ci_high"]) and result["note"]


@pytest.mark.parametrize("case", BCA.to_dict("records"), ids=[f"{d}-{c}" for d, c in zip(BCA["dataset"], BCA["confidence"],
                                                                                        strict=True)])
def test_bca_limits_are_r_boot_bca_ci_on_the_same_replicates(case):
    data = r_reference("bootstrap_data")
    replicates = r_reference("bootstrap_replicates")
    x = data.loc[data["dataset"] == case["dataset"], "value"].to_numpy()
    exported = replicates.loc[replicates["dataset"] == case["dataset"], "replicate"].to_numpy()
    estimate, drawn = effects.bootstrap_means(x, int(case["resamples"]), 20211022)
    np.testing.assert_allclose(drawn, exported, rtol=1e-15)  # the replicates R was given
    assert (drawn < estimate).sum() == case["below"] and (drawn == estimate).sum() == case["equal"]
    low, high = effects.bca_limits(estimate, exported, effects.mean_acceleration(x), case["confidence"])
    assert low == pytest.approx(case["low"], rel=1e-12)
    assert high == pytest.approx(case["high"], rel=1e-12)
    assert effects.bootstrap_mean_ci(x, case["confidence"], int(case["resamples"]), 20211022) == (low, high)
