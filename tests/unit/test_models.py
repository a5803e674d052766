"""ANCOVA slope and HC3 interval against the sandwich formula worked with numpy."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import t as t_distribution

from rm_research.stats.models import ancova_dose


def test_ancova_slope_and_hc3_interval_by_the_formula():
    pre = np.array([5.0, 6, 7, 8, 6, 5, 7])
    post = np.array([7.0, 7, 8, 9, 6, 7, 9])
    dose = np.array([2.0, 3, 4, 6, 1, 3, 5])
    x = np.column_stack([np.ones(7), pre, dose])
    bread = np.linalg.inv(x.T @ x)
    beta = bread @ x.T @ post
    residuals = post - x @ beta
    leverage = np.einsum("ij,jk,ik->i", x, bread, x)
    meat = x.T @ np.diag(residuals**2 / (1 - leverage) ** 2) @ x
    se = math.sqrt((bread @ meat @ bread)[2, 2])
    quantile = t_distribution.ppf(0.975, 7 - 3)
    result = ancova_dose(pd.Series(pre), pd.Series(post), pd.Series(dose))
    assert result["slope"] == pytest.approx(beta[2])
    assert result["ci_low"] == pytest.approx(beta[2] - quantile * se)
    assert result["ci_high"] == pytest.approx(beta[2] + quantile * se)
    assert result["p"] == pytest.approx(2 * t_distribution.sf(abs(beta[2] / se), 4))
    assert result["n"] == 7


@pytest.mark.parametrize(("pre", "post", "dose"), [
    ([5, 6, 7, 8], [6, 7, 8, 9], [1, 2, 3, 4]),          # too few people
    ([5, 6, 7, 8, 9], [6, 7, 8, 9, 9], [3, 3, 3, 3, 3]),  # dose does not vary
])
def test_ancova_blank_when_it_cannot_be_estimated(pre, post, dose):
    result = ancova_dose(*(pd.Series(v, dtype=float) for v in (pre, post, dose)))
    assert math.isnan(result["slope"]) and math.isnan(result["p"])


def test_no_interval_when_one_person_alone_fixes_the_slope():
    # only one person had a dose of 3: leverage 1, HC3 undefined; the slope itself still stands
    result = ancova_dose(pd.Series([5.0, 6, 7, 4, 5, 6]), pd.Series([6.0, 6, 8, 5, 7, 6]),
                         pd.Series([2.0, 2, 2, 2, 2, 3]))
    assert not math.isnan(result["slope"])
    assert math.isnan(result["ci_low"]) and math.isnan(result["p"])


def test_blank_with_a_reason_when_every_final_rating_is_the_same():
    # every post rating 10: least squares returns a slope of about 3e-15 and p = 0.68 (rounding noise)
    result = ancova_dose(pd.Series([5.0, 6, 7, 8, 6, 5, 7]), pd.Series([10.0] * 7),
                         pd.Series([2.0, 3, 4, 6, 1, 3, 5]))
    assert all(math.isnan(result[key]) for key in ("slope", "ci_low", "ci_high", "p"))
    assert "does not vary" in result["note"] and result["n"] == 7


@pytest.mark.parametrize(("post", "slope"), [
    ([8.0, 7, 6, 7, 10], 0.0),   # everyone's rating rose by 1: post = pre + 1 exactly
    ([13.0, 6, 9, 8, 15], 2.0),  # post = pre + 2 x dose exactly
])
def test_no_interval_or_p_when_the_model_fits_everyone_exactly(post, slope):
    # least squares leaves no residual: the HC3 error is 0 and the arithmetic's p (4e-29 for the
    # first) is rounding noise; the slope is exact, and given without its noise
    result = ancova_dose(pd.Series([7.0, 6, 5, 6, 9]), pd.Series(post), pd.Series([3.0, 0, 2, 1, 3]))
    assert result["slope"] == slope and str(result["slope"]) != "-0.0"
    assert all(math.isnan(result[key]) for key in ("ci_low", "ci_high", "p"))
    assert "fits every person exactly" in result["note"]


def test_every_blank_says_why():
    too_few = ancova_dose(pd.Series([5.0, 6]), pd.Series([6.0, 7]), pd.Series([1.0, 2]))
    flat_dose = ancova_dose(*(pd.Series(v, dtype=float) for v in ([5, 6, 7, 8, 9], [6, 7, 8, 9, 9], [3] * 5)))
    assert too_few["note"] and flat_dose["note"]


@pytest.mark.parametrize("cov", ["HC0", "HC1", "HC2", "HC3"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fixed_effects_slope_is_statsmodels_on_the_whole_dummy_design(cov, seed):
    # the reference: statsmodels' OLS on a constant, the regressors and one indicator per group but the first
    from dataclasses import replace

    import statsmodels.api as sm

    from rm_research.core.config import SETTINGS
    from rm_research.stats.models import fixed_effects_slope

    rng = np.random.default_rng(seed)
    groups = pd.Series(np.repeat([f"g{i}" for i in range(9)], rng.integers(2, 7, size=9)))
    n = len(groups)
    data = pd.DataFrame({"pre": rng.integers(1, 11, n).astype(float), "dose": rng.integers(0, 7, n).astype(float)})
    post = pd.Series(np.clip(np.round(data["pre"] + 0.3 * data["dose"] + rng.normal(0, 1.5, n)), 1, 10))
    design = pd.concat([pd.Series(1.0, index=data.index, name="const"), data,
                        pd.get_dummies(groups, drop_first=True, dtype=float)], axis=1)
    fit = sm.OLS(post, design).fit().get_robustcov_results(cov_type=cov, use_t=True)
    got = fixed_effects_slope(post, data, groups, "dose", replace(SETTINGS, robust_cov=cov))
    low, high = fit.conf_int()[2]
    assert got["slope"] == pytest.approx(fit.params[2], rel=1e-10)
    assert (got["ci_low"], got["ci_high"]) == (pytest.approx(low, rel=1e-9), pytest.approx(high, rel=1e-9))
    assert got["p"] == pytest.approx(fit.pvalues[2], rel=1e-8)


def test_fixed_effects_slope_blank_interval_where_one_person_fixes_the_slope():
    from rm_research.stats.models import LEVERAGE_NOTE, fixed_effects_slope

    groups = pd.Series(["a", "a", "b", "b", "c", "c"])
    data = pd.DataFrame({"pre": [5.0, 6.0, 4.0, 7.0, 5.0, 3.0], "dose": [0.0, 0.0, 0.0, 0.0, 0.0, 1.0]})
    got = fixed_effects_slope(pd.Series([6.0, 8.0, 5.0, 9.0, 6.0, 5.0]), data, groups, "dose")
    assert math.isnan(got["ci_low"]) and got["note"] == LEVERAGE_NOTE and not math.isnan(got["slope"])
