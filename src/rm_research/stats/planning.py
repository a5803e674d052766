"""How many people a new cohort needs (data contract, section 9: ``pairs_needed``).

- **The t-test's exact power.** For n people with both surveys, a true mean change ``delta`` and a
  standard deviation of changes ``sd``, the one-sample t statistic follows the noncentral t
  distribution with n - 1 degrees of freedom and noncentrality sqrt(n) delta / sd; the two-sided
  test at ``alpha`` rejects beyond +-t(1 - alpha/2, n - 1), and its exact power counts both tails
  (R's ``power.t.test(..., type = "one.sample", strict = TRUE)``). ``t_test_n`` is the smallest real
  n at which that power reaches the target (Brent's method, to 1e-10), as R's ``uniroot`` finds it.
- **From the t-test to Wilcoxon's.** The signed-rank test needs about pi / 3 times as many people for
  the same power under normal changes (its asymptotic relative efficiency is 3 / pi, Hodges and
  Lehmann 1956), and no fewer than 6: with 5 or fewer changes its exact two-sided p cannot fall below
  0.05 (``nonparametric.min_attainable_p``: 2 / 2^n). So ``pairs_needed`` = max(6, ceiling(n_t pi / 3)).
- **The standard deviation** is the pooled within-cohort one, sqrt(sum((n_i - 1) s_i^2) / sum(n_i - 1))
  over the cohorts the meta-analysis pooled (``pooled_sd``): the spread of one cohort's changes, not the
  spread between cohorts.

Written here because statsmodels' ``TTestPower().solve_power`` (the same power, both tails) stops
short of the contract's 1e-10: at delta / sd = 0.5 it gives n = 33.3671312 where the root is
33.3671290, which the ceiling in ``pairs_needed`` can turn into a different answer. scipy's
noncentral t gives the power itself; the root is found here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from scipy import optimize, stats

from rm_research.core.config import SETTINGS

#: The power a planned cohort is sized for.
POWER = 0.8
#: The fewest people whose exact two-sided signed-rank p can fall below 0.05 (2 / 2^6 = 0.031).
FEWEST_TESTABLE = 6
#: The largest n searched. R's ``power.t.test`` starts from 2 to 1e7 and extends the interval upwards
#: (``uniroot(..., extendInt = "upX")``) until the power is reached; beyond 1e15 people (a change under
#: about 1e-7 standard deviations) the answer says nothing a plan could use, and is infinite here.
LARGEST_N = 1e15


def t_test_power(n: float, delta: float, sd: float, alpha: float = SETTINGS.alpha) -> float:
    """The exact power of the two-sided one-sample t-test with ``n`` (real, >= 2) people, both tails."""
    df = n - 1
    ncp = math.sqrt(n) * abs(delta) / sd
    critical = float(stats.t.isf(alpha / 2, df))
    far = float(stats.nct.cdf(-critical, df, ncp))
    # scipy's noncentral t returns NaN for a far tail that underflows (about 1e-300 at n = 500, d = 0.5)
    return float(stats.nct.sf(critical, df, ncp)) + (0.0 if math.isnan(far) else far)


def t_test_n(delta: float, sd: float, alpha: float = SETTINGS.alpha, power: float = POWER) -> float:
    """The smallest real n at which ``t_test_power`` reaches ``power`` (module docstring), searched upwards
    from 2 by doubling as R does; ``math.inf`` where even ``LARGEST_N`` people do not, and 2 where 2 already do."""
    if delta == 0 or not math.isfinite(delta) or not sd > 0:
        raise ValueError("a sample size needs a change other than 0 and a positive standard deviation")
    def gap(n: float) -> float:
        return t_test_power(n, delta, sd, alpha) - power
    if gap(2.0) >= 0:
        return 2.0
    low, high = 2.0, 4.0
    while gap(high) < 0:  # power rises with n: double until the target is passed
        if high >= LARGEST_N:
            return math.inf
        low, high = high, min(2 * high, LARGEST_N)
    return float(optimize.brentq(gap, low, high, xtol=1e-10, rtol=4 * np.finfo(float).eps, maxiter=1000))


def pairs_needed(delta: float, sd: float, alpha: float = SETTINGS.alpha, power: float = POWER) -> float:
    """People with both surveys a cohort needs to detect ``delta`` with the signed-rank test:
    max(6, ceiling(n_t pi / 3)) (module docstring); NaN (blank) where ``delta`` is 0 or missing, ``sd`` is
    not positive, or more than ``LARGEST_N`` people would be needed (the change is, for any plan, none)."""
    if not (math.isfinite(delta) and delta != 0 and math.isfinite(sd) and sd > 0):
        return math.nan
    n_t = t_test_n(delta, sd, alpha, power)
    return math.nan if math.isinf(n_t) else float(max(FEWEST_TESTABLE, math.ceil(n_t * math.pi / 3)))


def pooled_sd(sizes: Iterable[float], variances: Iterable[float]) -> float:
    """sqrt(sum((n_i - 1) s_i^2) / sum(n_i - 1)) over cohorts of ``sizes`` n_i whose changes have the
    sample ``variances`` s_i^2 (ddof 1); NaN with no degrees of freedom."""
    n = np.asarray(list(sizes), dtype=float)
    s2 = np.asarray(list(variances), dtype=float)
    dof = float(np.sum(n - 1))
    if dof <= 0:
        return math.nan
    return math.sqrt(float(np.sum((n - 1) * s2)) / dof)
