"""Effect sizes and intervals against hand computation, test inversion and textbook formulas."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pytest
from scipy.stats import t as t_distribution
from scipy.stats import wilcoxon

from rm_research import effects


def test_hodges_lehmann_by_hand_at_n_3():
    # Walsh averages of 1, 2, 3: 1, 1.5, 2, 2, 2.5, 3 -> median 2. With 3 people the widest
    # interval [1, 3] has confidence 1 - 2/8 = 75%: no 95% interval exists.
    assert effects.hodges_lehmann([1.0, 2.0, 3.0]) == {"shift": 2.0, "ci_low": 1.0, "ci_high": 3.0, "level": 0.75}


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
