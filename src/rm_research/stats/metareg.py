"""Random-effects meta-regression of cohorts' mean change (data contract, section 9), exactly, and
what is built on it: the moderator slopes, the trend over time, the region comparison, Egger's test
and the cumulative meta-analysis.

- **Model.** y = X b + u + e, u ~ N(0, tau2), e ~ N(0, v): y the cohorts' mean changes and v their
  variances (``meta.cohort_estimate``), X a constant and the moderators (p columns in all).
- **tau2, Paule-Mandel for meta-regression.** 0 where the residual Q_E(0) <= k - p; otherwise the
  root in tau2 of Q_E(tau2) = k - p, where Q_E(tau2) = sum(w (y - X b(tau2))^2), w = 1 / (v + tau2)
  and b(tau2) the w-weighted least-squares fit. Q_E falls monotonically in tau2, so the root is
  unique, and it lies below S - min(v), S the unweighted residual sum of squares over k - p: there
  Q_E <= S (k - p) / (min(v) + S - min(v)) = k - p. Solved by Brent's method on that bracket to
  rounding (the contract asks for 1e-10).
- **Hartung-Knapp(-Sidik-Jonkman), untruncated.** The covariance of b is s2 (X' W X)^-1 with
  s2 = Q_E(tau2) / (k - p); each coefficient's 95% interval and two-sided p on t with k - p degrees
  of freedom, and the moderators together by F = b_m' V_m^-1 b_m / m on (m, k - p) degrees of freedom
  (metafor's ``rma(yi, vi, mods = ..., method = "PM", test = "knha")``, whose ``QM`` is this F).
- **Egger's test** (``egger_test``) is the meta-regression on the cohorts' standard errors sqrt(v),
  fitted as above: a slope away from 0 says small cohorts report different changes from large ones
  (metafor's ``regtest`` on the same fit, ``model = "rma"``, ``predictor = "sei"``).
- **Cumulative meta-analysis** (``cumulative``): the random-effects pool (``meta.pool``) of the first
  1, 2, ..., k cohorts in the order given (metafor's ``cumul``).

Written here, like ``meta``, because statsmodels has no meta-regression with a Paule-Mandel tau2 and
the Hartung-Knapp covariance (``statsmodels.stats.meta_analysis`` pools without moderators); the
algebra is a weighted least-squares fit (numpy's ``lstsq`` on the square-root-weighted system).
Checked against R's metafor in ``tests/fixtures/r/metareg_metafor.R``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from rm_research.core.config import SETTINGS
from rm_research.stats.meta import Pooled, pool, t_test_p

#: The fewest cohorts for Egger's test (Cochrane Handbook 13.3.5.4: with fewer the test has too
#: little power to tell small-study effects from chance).
EGGER_MIN_COHORTS = 10


@dataclass(frozen=True)
class Coefficient:
    """One coefficient of a meta-regression with its Hartung-Knapp interval and two-sided p."""

    name: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p: float


@dataclass(frozen=True)
class MetaRegression:
    """A fitted random-effects meta-regression: its ``coefficients`` (the constant first), the residual
    ``tau2``, ``df`` = k - p, the test of the moderators together (``f``, ``f_p`` on ``(m, df)``), the
    residual ``q_e`` and, for drawing, the fitted line's covariance ``cov`` (p by p)."""

    k: int
    coefficients: tuple[Coefficient, ...]
    tau2: float
    df: int
    f: float
    f_p: float
    q_e: float
    cov: tuple[tuple[float, ...], ...]
    weights: tuple[float, ...]  # 1 / (v + tau2), one per cohort

    def coefficient(self, name: str) -> Coefficient:
        """The coefficient called ``name``."""
        return next(c for c in self.coefficients if c.name == name)

    def line(self, x: np.ndarray, confidence: float = SETTINGS.confidence) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For one moderator: the fitted mean change at ``x`` and its pointwise Hartung-Knapp interval
        (t on ``df``), as three arrays (fit, low, high)."""
        b = np.array([c.estimate for c in self.coefficients])
        design = np.column_stack([np.ones_like(x, dtype=float), np.asarray(x, dtype=float)])
        fit = design @ b
        se = np.sqrt(np.einsum("ij,jk,ik->i", design, np.array(self.cov), design))
        half = float(stats.t.ppf(0.5 + confidence / 2, self.df)) * se
        return fit, fit - half, fit + half


def _wls(y: np.ndarray, v: np.ndarray, design: np.ndarray, tau2: float) -> tuple[np.ndarray, float, np.ndarray]:
    """The weighted least-squares fit at ``tau2``: coefficients, residual Q_E and (X' W X)^-1."""
    w = 1.0 / (v + tau2)
    root = np.sqrt(w)
    b, *_ = np.linalg.lstsq(design * root[:, None], y * root, rcond=None)
    q_e = float(np.sum(w * (y - design @ b) ** 2))
    return b, q_e, np.linalg.inv(design.T @ (design * w[:, None]))


def residual_tau2(y: np.ndarray, v: np.ndarray, design: np.ndarray) -> float:
    """The Paule-Mandel residual tau2 of the meta-regression (see the module docstring)."""
    k, p = design.shape
    target = k - p
    if _wls(y, v, design, 0.0)[1] <= target:
        return 0.0
    b, *_ = np.linalg.lstsq(design, y, rcond=None)
    upper = float(np.sum((y - design @ b) ** 2)) / target - float(np.min(v))
    if _wls(y, v, design, upper)[1] >= target:  # the root is the bound itself (up to rounding)
        return upper
    return float(optimize.brentq(lambda t: _wls(y, v, design, t)[1] - target, 0.0, upper,
                                 xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500))


def meta_regression(y: Sequence[float] | np.ndarray, v: Sequence[float] | np.ndarray,
                    moderators: dict[str, Sequence[float] | np.ndarray],
                    confidence: float = SETTINGS.confidence) -> MetaRegression:
    """Fit y = b0 + sum(b_j x_j) by Paule-Mandel and Hartung-Knapp (module docstring). ``moderators``:
    name -> one value per cohort. Raises ``ValueError`` where the model cannot be fitted: fewer than
    p + 1 cohorts, a variance that is not positive, or moderators that cannot be told apart from the
    constant or from each other (``identifiable`` checks this first)."""
    y = np.asarray(y, dtype=float)
    v = np.asarray(v, dtype=float)
    names = ("intercept", *moderators)
    columns = [np.asarray(x, dtype=float) for x in moderators.values()]
    design = np.column_stack([np.ones(y.size), *columns])
    k, p = design.shape
    if not identifiable(design) or v.size != k or not np.all(v > 0):
        raise ValueError(f"a meta-regression on {p - 1} moderator(s) needs at least {p + 1} cohorts, each with a "
                         "positive variance, and moderators that vary and differ from each other")
    # Fitted on the moderators centred at their means (a start year near 2022 makes X'WX ill-conditioned),
    # then turned back: X b = Xc bc with Xc = X A, so b = A bc and cov(b) = A cov(bc) A'. tau2, Q_E and the
    # slopes are the same either way; only the rounding differs.
    shift = np.eye(p)
    shift[0, 1:] = -np.array([column.mean() for column in columns])
    centred = design @ shift
    tau2 = residual_tau2(y, v, centred)
    bc, q_e, inverse = _wls(y, v, centred, tau2)
    df = k - p
    b = shift @ bc
    cov = shift @ (inverse * (q_e / df)) @ shift.T
    crit = float(stats.t.ppf(0.5 + confidence / 2, df))
    coefficients = []
    for j, name in enumerate(names):
        se = math.sqrt(max(float(cov[j, j]), 0.0))
        estimate = float(b[j])
        coefficients.append(Coefficient(name, estimate, se, estimate - crit * se, estimate + crit * se,
                                        t_test_p(estimate, se, df)))
    moderated = b[1:]
    try:
        f = float(moderated @ np.linalg.solve(cov[1:, 1:], moderated)) / (p - 1)
        f_p = float(stats.f.sf(f, p - 1, df))
    except np.linalg.LinAlgError:  # a zero covariance (the fit is exact): every moderator pinned
        f, f_p = math.inf, 0.0
    return MetaRegression(k=k, coefficients=tuple(coefficients), tau2=tau2, df=df, f=f, f_p=f_p, q_e=q_e,
                          cov=tuple(tuple(float(c) for c in row) for row in cov),
                          weights=tuple(float(w) for w in 1.0 / (v + tau2)))


def identifiable(design: np.ndarray) -> bool:
    """True where a meta-regression with this design (constant first) can be fitted and tested: at
    least one residual degree of freedom (k - p >= 1) and full column rank."""
    k, p = design.shape
    return k - p >= 1 and int(np.linalg.matrix_rank(design)) == p


def moderator_slope(y: Sequence[float] | np.ndarray, v: Sequence[float] | np.ndarray,
                    x: Sequence[float] | np.ndarray, confidence: float = SETTINGS.confidence
                    ) -> MetaRegression | None:
    """The meta-regression of y on one moderator ``x`` (contract section 9), or None where the contract
    leaves it blank: fewer than 3 cohorts, or ``x`` taking one value (to the rank tolerance of
    ``identifiable``, so that values equal but for rounding count as one)."""
    x = np.asarray(x, dtype=float)
    if x.size < 3 or not identifiable(np.column_stack([np.ones(x.size), x])):
        return None
    return meta_regression(y, v, {"x": x}, confidence)


def factor_design(groups: Sequence[str]) -> dict[str, np.ndarray]:
    """Indicator moderators for a factor (one column per level but the first, in order of first
    appearance): R's treatment contrasts, as ``mods = ~ factor(group)``."""
    levels = list(dict.fromkeys(groups))
    labels = np.asarray(groups)
    return {str(level): (labels == level).astype(float) for level in levels[1:]}


def factor_comparable(groups: Sequence[str]) -> bool:
    """True where at least two levels of the factor have 2 cohorts each, so that the between-group test
    has residual degrees of freedom within groups."""
    counts = {label: list(groups).count(label) for label in set(groups)}
    return sum(1 for count in counts.values() if count >= 2) >= 2


def egger_test(y: Sequence[float] | np.ndarray, v: Sequence[float] | np.ndarray,
               confidence: float = SETTINGS.confidence) -> Coefficient | None:
    """Egger's regression test for small-study effects: the slope of the meta-regression of y on the
    standard errors sqrt(v) (module docstring), or None with fewer than ``EGGER_MIN_COHORTS`` cohorts."""
    v = np.asarray(v, dtype=float)
    if v.size < EGGER_MIN_COHORTS:
        return None
    fit = moderator_slope(y, v, np.sqrt(v), confidence)
    return None if fit is None else fit.coefficient("x")


@dataclass(frozen=True)
class Step:
    """One row of a cumulative meta-analysis: the cohorts pooled so far (``k``, the last one ``added``)
    and their pool (None for the first cohort alone, whose own estimate and interval are the row)."""

    added: str
    k: int
    estimate: float
    ci_low: float
    ci_high: float
    pooled: Pooled | None


def cumulative(labels: Sequence[str], y: Sequence[float] | np.ndarray, v: Sequence[float] | np.ndarray,
               own_intervals: Sequence[tuple[float, float]], confidence: float = SETTINGS.confidence,
               at: Sequence[int] | None = None) -> tuple[Step, ...]:
    """The cumulative meta-analysis in the order given: the first cohort alone (its own estimate and
    ``own_intervals``), then the random-effects pool of the first 2, 3, ..., k (``meta.pool``); only the
    rows ``at`` (0-based, the pool of the first i + 1) where given: each pool costs a root-finding over its
    cohorts, so that all k of a thousand cohorts cost seconds where the rows drawn cost little."""
    y = np.asarray(y, dtype=float)
    v = np.asarray(v, dtype=float)
    wanted = set(range(len(labels))) if at is None else set(at)
    steps = []
    for i, label in enumerate(labels):
        if i not in wanted:
            continue
        if i == 0:
            low, high = own_intervals[0]
            steps.append(Step(label, 1, float(y[0]), float(low), float(high), None))
            continue
        pooled = pool(y[: i + 1], v[: i + 1], confidence)
        steps.append(Step(label, i + 1, pooled.estimate, pooled.ci_low, pooled.ci_high, pooled))
    return tuple(steps)
