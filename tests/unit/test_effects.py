"""Effect sizes and intervals against hand computation, test inversion and textbook formulas."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pytest
from scipy.stats import t as t_distribution
from scipy.stats import wilcoxon

from rm_research.stats import effects


def test_hodges_lehmann_by_hand_at_n_3():
    # Walsh averages of 1, 2, 3: 1, 1.5, 2, 2, 2.5, 3 -> median 2. With 3 people the widest
    # interval [1, 3] has confidence 1 - 2/8 = 75%: no 95% interval exists.
    result = effects.hodges_lehmann([1.0, 2.0, 3.0])
    assert {key: result[key] for key in ("shift", "ci_low", "ci_high", "level")} == {
        "shift": 2.0, "ci_low": 1.0, "ci_high": 3.0, "level": 0.75}


def test_hodges_lehmann_interval_is_the_inverted_signed_rank_test():
    d = np.array([-1.3, 0.4, 2.2, 3.1, 0.9, 1.7, -0.2, 2.8, 1.1, 0.6, 3.9, 1.4])
    result = effects.hodges_lehmann(d)
    # every shift the exact test does not reject at the level reached lies inside, and no other
    grid = np.round(np.arange(-2.0, 5.0, 0.01), 2)
    kept = [theta for theta in grid if wilcoxon(d - theta, method="exact").pvalue > 1 - result["level"] + 1e-12]
    assert min(kept) == pytest.approx(result["ci_low"], abs=0.011)
    assert max(kept) == pytest.approx(result["ci_high"], abs=0.011)
    assert 0.95 <= result["level"] < 0.97
    walsh = [(a + b) / 2 for i, a in enumerate(d) for b in d[i:]]
    assert result["shift"] == pytest.approx(statistics.median(walsh))


def test_hedges_g_paired_by_hand():
    pre, post = pd.Series([5.0, 6, 7, 8]), pd.Series([6.0, 8, 7, 10])
    change = [1, 2, 0, 2]
    correction = 1 - 3 / (4 * 3 - 1)  # df = n - 1 = 3
    g_z = statistics.mean(change) / statistics.stdev(change) * correction
    g_av = statistics.mean(change) / ((statistics.stdev([5, 6, 7, 8]) + statistics.stdev([6, 8, 7, 10])) / 2) * correction
    result = effects.hedges_g_paired(pre, post)
    assert result["g_z"] == pytest.approx(g_z)
    assert result["g_av"] == pytest.approx(g_av)
    assert g_z == pytest.approx(0.94952, abs=1e-5)  # worked on paper: 1.25 / 0.957427 x 0.727273


def test_hedges_g_is_not_pingouins_independent_correction():
    import pingouin

    pre, post = pd.Series([5.0, 6, 7, 8, 6, 5, 7]), pd.Series([7.0, 7, 8, 9, 6, 7, 9])
    assert effects.hedges_g_paired(pre, post)["g_av"] != pytest.approx(
        pingouin.compute_effsize(post, pre, paired=True, eftype="hedges"))


def test_bca_interval_matches_the_t_interval_for_a_large_normal_sample():
    sample = np.random.default_rng(7).normal(2.0, 1.0, 400)
    half = t_distribution.ppf(0.975, 399) * sample.std(ddof=1) / math.sqrt(400)
    low, high = effects.bootstrap_mean_ci(sample, resamples=4999)
    assert low == pytest.approx(sample.mean() - half, abs=0.02)
    assert high == pytest.approx(sample.mean() + half, abs=0.02)


def test_bca_is_seeded_and_blank_when_degenerate():
    sample = np.array([1.0, 0.0, 2.0, 1.0, 3.0])
    assert effects.bootstrap_mean_ci(sample) == effects.bootstrap_mean_ci(sample)
    assert all(math.isnan(v) for v in effects.bootstrap_mean_ci(np.array([1.0, 1.0, 1.0])))
    assert all(math.isnan(v) for v in effects.bootstrap_mean_ci(np.array([1.0, 2.0])))


def test_wilson_interval_formula():
    count, n, z = 6, 7, 1.959963984540054
    p = count / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    assert effects.wilson_interval(count, n) == pytest.approx((centre - half, centre + half))


def test_hedges_g_blank_below_three_people():
    result = effects.hedges_g_paired(pd.Series([5.0, 6.0]), pd.Series([7.0, 6.5]))
    assert math.isnan(result["g_z"]) and math.isnan(result["g_av"])


def _interval(result: dict) -> tuple:
    return result["shift"], result["ci_low"], result["ci_high"], result["level"]


def test_hodges_lehmann_drops_missing_and_zero_differences():
    clean = [1.0, 2.0, -1.0, 3.0, 2.0, 4.0]
    result = effects.hodges_lehmann([np.nan, 0.0, *clean, 0.0, np.nan])
    assert _interval(result) == _interval(effects.hodges_lehmann(clean))
    assert not any(math.isnan(v) for v in _interval(result)) and result["n"] == 6
    assert result["note"] == "" and math.isnan(effects.hodges_lehmann([0.0, np.nan])["shift"])


def test_hodges_lehmann_weighted_walsh_averages_equal_the_listed_ones():
    # 2,000 rating differences (-9..9, zeros dropped): the weighted order statistics are those of
    # all 2,001,000 Walsh averages listed one by one; k comes from the normal approximation here
    rng = np.random.default_rng(5)
    d = rng.integers(-9, 10, 2_200).astype(float)
    used = d[d != 0][:2_000]
    i, j = np.triu_indices(used.size)
    walsh = np.sort((used[i] + used[j]) / 2)
    result = effects.hodges_lehmann(used)
    k, _ = effects.signed_rank_critical(used.size, 0.95)
    assert result["shift"] == np.median(walsh)
    assert (result["ci_low"], result["ci_high"]) == (walsh[k - 1], walsh[-k])


def test_hodges_lehmann_of_a_million_differences_by_symmetry():
    # 1, 2, 3 equally often: the Walsh averages are symmetric about 2, so is the interval
    d = np.repeat([1.0, 2.0, 3.0], 333_334)
    result = effects.hodges_lehmann(d)
    assert result["shift"] == 2.0
    assert result["ci_low"] + result["ci_high"] == 4.0
    assert result["ci_low"] <= 2.0 and result["n"] == d.size


def test_bca_drops_missing_values():
    sample = np.array([1.0, 0.0, 2.0, 1.0, 3.0, 2.0])
    assert effects.bootstrap_mean_ci(np.append(sample, np.nan)) == effects.bootstrap_mean_ci(sample)


def test_bca_of_a_hundred_thousand_ratings_is_the_normal_interval():
    # scipy's jackknife needed n^2 memory (80 GB here); by counts it is O(n). At this n the BCa
    # interval is the normal one, mean +- 1.96 SD / sqrt(n), to a few per cent of its half-width
    ratings = np.random.default_rng(3).integers(-3, 6, 100_000).astype(float)
    half = 1.959963984540054 * ratings.std(ddof=1) / math.sqrt(ratings.size)
    low, high = effects.bootstrap_mean_ci(ratings)
    assert low == pytest.approx(ratings.mean() - half, abs=0.05 * half)
    assert high == pytest.approx(ratings.mean() + half, abs=0.05 * half)


def test_norm_inter_by_hand():
    ordered = np.arange(1.0, 20.0)  # R = 19 replicates 1..19
    assert effects.norm_inter(ordered, 0.5) == 10.0  # (R + 1) 0.5 = 10: the 10th exactly
    assert effects.norm_inter(ordered, 0.01) == 1.0 and effects.norm_inter(ordered, 0.99) == 19.0
    # (R + 1) 0.12 = 2.4: between the 2nd and 3rd, on the normal quantile scale
    from scipy.stats import norm

    share = (norm.ppf(0.12) - norm.ppf(2 / 20)) / (norm.ppf(3 / 20) - norm.ppf(2 / 20))
    assert effects.norm_inter(ordered, 0.12) == pytest.approx(2 + share)


def test_hodges_lehmann_with_one_non_zero_difference_has_no_interval():
    # one difference: [W(1), W(1)] would have confidence 1 - 2 P(T+ <= 0) = 1 - 2/2 = 0
    result = effects.hodges_lehmann([0.0, 2.0, 0.0])
    assert result["shift"] == 2.0 and result["n"] == 1
    assert all(math.isnan(result[key]) for key in ("ci_low", "ci_high", "level")) and result["note"]


def test_the_mean_change_interval_is_the_one_sample_t_interval():
    """The one interval of a mean change (a cohort's report, and its row in the forest plots): checked
    against scipy's one-sample t-test, an independent implementation."""
    from scipy import stats as scipy_stats

    from rm_research.stats import meta

    sample = np.array([2.0, -1.0, 3.0, 0.0, 1.0, 4.0, 2.0])
    expected = scipy_stats.ttest_1samp(sample, 0.0).confidence_interval(0.95)
    assert effects.mean_t_interval(sample) == pytest.approx((expected.low, expected.high), rel=1e-12)
    assert meta.cohort_estimate(sample)[2:] == effects.mean_t_interval(sample)  # the forest plot's row
    assert effects.mean_t_interval(np.append(sample, np.nan)) == effects.mean_t_interval(sample)
    for degenerate in ([1.0], [-2.0, -2.0], []):  # no spread to estimate the interval from
        assert all(math.isnan(v) for v in effects.mean_t_interval(np.array(degenerate)))
