"""ANCOVA for dose effects: post-programme rating on baseline and dose, robust standard errors.

ANCOVA rather than change scores: conditioning on the baseline rating removes the part of the
change that is regression to the mean (people who start high have less room to rise on a 1-10
scale), and has more power than analysing change scores (Vickers & Altman 2001, BMJ 323:1123).
With observational dose it estimates an association adjusted for baseline, not a causal effect.
statsmodels' OLS with HC3 standard errors and t reference distribution: HC3 is the
heteroskedasticity-consistent estimator that behaves best in small samples (Long & Ervin 2000).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from rm_research.core.config import SETTINGS, AnalysisSettings

ANCOVA_RATIONALE = (
    "ANCOVA (post-programme rating on baseline rating and dose) rather than change scores: "
    "adjusting for the baseline rating removes the part of the change that is regression to the "
    "mean (people who start high on a 1-10 scale have less room to rise), and gives more power than "
    "analysing change scores (Vickers & Altman 2001, BMJ 323:1123). Dose was not assigned at random, "
    "so the slope is an association adjusted for baseline, not a causal effect."
)


def ancova_dose(pre: pd.Series, post: pd.Series, dose: pd.Series,
                settings: AnalysisSettings = SETTINGS) -> dict[str, float | str]:
    """Slope of ``dose`` in post ~ pre + dose, with its robust CI and p, over people with all three.

    Blank, with ``note`` saying why: below ``settings.min_n_ancova`` people; when dose or baseline
    does not vary (the model cannot separate them then); when every post-programme rating is the
    same (the outcome does not vary, so the fitted slope is rounding noise such as 3e-15). The
    slope stands but its interval and p are blank when one person alone determines a coefficient
    (leverage 1, e.g. the only person with a dose of 3): HC3 divides by 1 - leverage and is
    undefined there. O(n) time and memory (statsmodels computes leverages without the n x n hat
    matrix).
    """
    data = pd.concat({"pre": pre, "post": post, "dose": dose}, axis=1).dropna().astype(float)
    n = len(data)
    out = {"slope": math.nan, "ci_low": math.nan, "ci_high": math.nan, "p": math.nan, "n": n, "note": ""}
    design = add_constant(data[["pre", "dose"]], has_constant="add")
    if n < settings.min_n_ancova:
        out["note"] = f"fewer than {settings.min_n_ancova} people with a baseline, a final rating and a dose"
        return out
    if data["post"].nunique() < 2:
        out["note"] = "every final rating is the same: the outcome does not vary, so there is no slope to estimate"
        return out
    if np.linalg.matrix_rank(design.to_numpy()) < design.shape[1]:
        out["note"] = "the dose or the baseline rating does not vary (or one is determined by the other)"
        return out
    out.update(robust_slope(data["post"], design, "dose", settings))
    return out


def _no_interval(out: dict[str, float | str], residuals: np.ndarray, outcome: pd.Series,
                 leverage: Callable[[], np.ndarray]) -> bool:
    """Whether a slope's robust interval is undefined, with ``out`` given its ``note`` (and, for an exact
    fit, its slope without rounding noise): the model fits everyone exactly, or one person has leverage 1
    (``leverage``: every person's, computed only when the fit is not exact)."""
    if float(np.abs(residuals).max()) <= EXACT_FIT_TOLERANCE * max(1.0, float(np.abs(outcome.astype(float)).max())):
        out["slope"] = round(float(out["slope"]), EXACT_FIT_DECIMALS) + 0.0  # + 0.0: no "-0.0"
        out["note"] = EXACT_FIT_NOTE
        return True
    if float(np.max(leverage())) > 1 - LEVERAGE_TOLERANCE:
        out["note"] = LEVERAGE_NOTE
        return True
    return False


def robust_slope(outcome: pd.Series, design: pd.DataFrame, term: str,
                 settings: AnalysisSettings = SETTINGS) -> dict[str, float | str]:
    """OLS of ``outcome`` on ``design``: the coefficient of ``term`` with its robust (``settings``'
    HC3) t interval and p. The interval and p are blank, with a ``note``, when one person alone
    determines a coefficient (leverage 1): HC3 divides by 1 - leverage and is undefined there; and
    when the model fits everyone exactly (every change the same, say): there is no error to estimate,
    and what the arithmetic returns is rounding noise (p 4e-29). The slope is then exact, and is given
    without its rounding noise (0, not 2e-16)."""
    fit = OLS(outcome.astype(float), design).fit()
    out: dict[str, float | str] = {"slope": float(fit.params[term]), "ci_low": math.nan, "ci_high": math.nan,
                                   "p": math.nan}
    if _no_interval(out, fit.resid.to_numpy(), outcome, lambda: fit.get_influence().hat_matrix_diag):
        return out
    robust = fit.get_robustcov_results(cov_type=settings.robust_cov, use_t=True)
    index = list(design.columns).index(term)
    low, high = robust.conf_int(alpha=1 - settings.confidence)[index]
    out.update(ci_low=float(low), ci_high=float(high), p=float(robust.pvalues[index]))
    return out


def fixed_effects_slope(outcome: pd.Series, regressors: pd.DataFrame, groups: pd.Series, term: str,
                        settings: AnalysisSettings = SETTINGS) -> dict[str, float | str]:
    """``robust_slope`` of the model with one intercept per group (``outcome ~ regressors + C(groups)``),
    its coefficient of ``term`` with the same robust (``settings``' HC0-HC3) t interval and p and the
    same blanks, fitted without building the indicator columns.

    By the Frisch-Waugh-Lovell theorem the coefficients of ``regressors`` and the residuals are those of
    the regression of the within-group deviations of the outcome on those of the regressors; the rows of
    (X'X)^-1 X' that give them are those of the deviations too, so the robust covariance of those
    coefficients is the sandwich over the deviations, with each person's leverage in the whole model
    (1 / the group's size, plus the leverage among the deviations) and the whole model's residual
    degrees of freedom (people less regressors less groups). statsmodels fits the whole design
    instead, whose singular value decomposition costs people x groups^2: with it the nation's findings
    took 53 s at 1,000 generated cohorts, and take 5.8 s with this. Each group needs at least 2 people
    (a group of one has leverage 1)."""
    y = outcome.to_numpy(dtype=float)
    x = regressors.to_numpy(dtype=float)
    codes, _ = pd.factorize(groups, sort=False)
    sizes = np.bincount(codes).astype(float)
    within_y = y - (np.bincount(codes, weights=y) / sizes)[codes]
    within_x = x - np.column_stack([np.bincount(codes, weights=column) / sizes for column in x.T])[codes]
    n, parameters = len(y), x.shape[1] + len(sizes)
    coefficients, *_ = np.linalg.lstsq(within_x, within_y, rcond=None)
    index = list(regressors.columns).index(term)
    residuals = within_y - within_x @ coefficients
    out: dict[str, float | str] = {"slope": float(coefficients[index]), "ci_low": math.nan, "ci_high": math.nan,
                                   "p": math.nan}
    bread = np.linalg.inv(within_x.T @ within_x)
    leverage = 1.0 / sizes[codes] + np.einsum("ij,jk,ik->i", within_x, bread, within_x)
    if _no_interval(out, residuals, outcome, lambda: leverage):
        return out
    degrees = n - parameters
    weights = {"HC0": residuals ** 2, "HC1": residuals ** 2 * n / degrees, "HC2": residuals ** 2 / (1 - leverage),
               "HC3": residuals ** 2 / (1 - leverage) ** 2}[settings.robust_cov]
    covariance = bread @ (within_x.T * weights) @ within_x @ bread
    error = math.sqrt(float(covariance[index, index]))
    quantile = float(stats.t.ppf(0.5 + settings.confidence / 2, degrees))
    out.update(ci_low=float(out["slope"]) - quantile * error, ci_high=float(out["slope"]) + quantile * error,
               p=float(2 * stats.t.sf(abs(float(out["slope"])) / error, degrees)))
    return out


LEVERAGE_TOLERANCE = 1e-8
#: Residuals this small, relative to the ratings, mean an exact fit (floating-point rounding aside).
EXACT_FIT_TOLERANCE = 1e-9
EXACT_FIT_DECIMALS = 9
EXACT_FIT_NOTE = ("the model fits every person exactly (for example, everyone's rating changed by the same amount): "
                  "there is no variation left to estimate a slope's uncertainty from")
LEVERAGE_NOTE = "one person alone determines a coefficient (leverage 1): the robust interval is undefined"
