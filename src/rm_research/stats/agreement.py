"""Agreement of two coders who judged the same answers (data contract, section 4, ``agreement:`` rows).

Each coefficient takes the coders' contingency table: rows the first coder's category, columns the
second's, counts in the cells (``contingency``). For themes the categories are present/absent and
the things judged are (answer, theme) pairs (``presence_agreement``; ``themes`` builds the pairs).

- **Percentage agreement**: the share of judgements on which the coders agree, times 100.
- **Cohen's kappa** (Cohen 1960): agreement beyond what the coders' own category shares would give
  by chance, (p_o - p_e) / (1 - p_e), from statsmodels (``cohens_kappa``). Its standard error is the
  large-sample one of Fleiss, Cohen and Everitt (1969), which statsmodels, R's ``psych`` and Stata's
  ``kap`` use; the interval is kappa ± z SE, clipped to [-1, 1] (kappa cannot leave that range). An
  analytic SE rather than a bootstrap: it has a published reference implementation to check against
  (R's ``psych::cohen.kappa``, tests/fixtures/r/agreement/) and needs no resampling of a handful of
  answers, where many resamples would have every judgement in one category and no kappa at all.
- **Gwet's AC1** (Gwet 2008): like kappa, but chance agreement is p_e = sum_k pi_k (1 - pi_k) / (q - 1),
  pi_k the coders' mean share of category k, which is small when one category dominates, so AC1
  does not collapse when nearly every judgement is "absent" (or "present"). Standard error from
  Gwet (2008), interval with a t distribution on n - 1 degrees of freedom as Gwet (2014) and his R
  package ``irrCAC`` give it, clipped to [-1, 1]. Hand-written: no maintained Python library in
  the project's dependencies has it (``irrCAC`` for Python is not one of them).
- **Krippendorff's alpha**, nominal (Krippendorff 2011): 1 - observed / expected disagreement from
  the coincidence matrix, for two coders and no missing judgements. Hand-written (a few lines) as
  the PyPI ``krippendorff`` package is not a dependency; note that it defaults to the interval level
  and fails on a single category, and that alpha, like kappa, falls when one category dominates.

Every SE treats the judgements as independent. Judgements of the same answer (its themes) are not,
so the intervals are if anything too narrow; with a few answers, read them as a rough guide.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.inter_rater import cohens_kappa

from rm_research.core.config import SETTINGS
from rm_research.core.rounding import round_as_printed

#: Percentage agreement from which a low kappa needs explaining (``caveat``).
HIGH_AGREEMENT = 80.0
#: Kappa below this ("moderate" or less, Landis and Koch 1977) is low beside high agreement.
LOW_KAPPA = 0.6
#: A category holding at least this share of all judgements makes chance agreement high.
DOMINANT_SHARE = 0.8


@dataclass(frozen=True)
class Estimate:
    """A coefficient with its standard error and confidence interval (NaN where undefined)."""

    value: float
    se: float
    low: float
    high: float


@dataclass(frozen=True)
class Agreement:
    """Two coders' agreement on present/absent judgements of (unit, theme) pairs.

    ``units`` are the answers both coded, ``pairs`` the (unit, theme) judgements; ``prevalence`` is
    the share of units in which the commonest theme (``commonest``) was judged present (mean of the
    two coders); ``present_share`` the share of all judgements that were "present"; ``chance`` the
    agreement kappa expects by chance (p_e).
    """

    kappa: float
    low: float
    high: float
    percent: float
    ac1: float
    ac1_low: float
    ac1_high: float
    alpha: float
    units: int
    pairs: int
    prevalence: float
    commonest: str
    present_share: float
    chance: float


def contingency(first: Sequence[object], second: Sequence[object], categories: Sequence[object]) -> np.ndarray:
    """The coders' table of counts: row i, column j counts judgements the first coder put in
    ``categories[i]`` and the second in ``categories[j]``. Every category gets a row and a column,
    used or not, because chance agreement depends on how many categories there were to choose from."""
    if len(first) != len(second):
        raise ValueError("the two coders must judge the same things")
    position = {category: i for i, category in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)))
    for a, b in zip(first, second, strict=True):
        table[position[a], position[b]] += 1
    return table


def percent_agreement(table: np.ndarray) -> float:
    """Percentage of judgements on which the two coders agree (NaN for an empty table)."""
    total = table.sum()
    return 100.0 * float(np.trace(table)) / float(total) if total else math.nan


def _proportions(table: np.ndarray) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    p = np.asarray(table, dtype=float) / table.sum()
    return p, float(np.trace(p)), p.sum(axis=1), p.sum(axis=0)


def _clipped(value: float, half_width: float) -> tuple[float, float]:
    return max(-1.0, float(value - half_width)), min(1.0, float(value + half_width))


NAN_ESTIMATE = Estimate(math.nan, math.nan, math.nan, math.nan)


def cohen_kappa(table: np.ndarray, confidence: float = SETTINGS.confidence) -> Estimate:
    """Cohen's kappa with the Fleiss-Cohen-Everitt (1969) standard error and a normal interval
    clipped to [-1, 1]. NaN when chance agreement is 1 (both coders put every judgement in the same
    single category): there is then no agreement beyond chance to measure."""
    if not table.sum():
        return NAN_ESTIMATE
    _, _, rows, columns = _proportions(table)
    if math.isclose(float(rows @ columns), 1.0):
        return NAN_ESTIMATE
    # statsmodels also takes the square root of the variance and of the variance under no agreement;
    # where a coder used one category these can round below zero (warnings, not errors): the SE
    # used here is clipped at zero below, as R's psych does
    with np.errstate(invalid="ignore", divide="ignore"):
        result = cohens_kappa(np.asarray(table, dtype=float))
    kappa, se = float(result["kappa"]), math.sqrt(max(float(result["var_kappa"]), 0.0))
    low, high = _clipped(kappa, stats.norm.ppf(0.5 + confidence / 2) * se)
    return Estimate(kappa, se, low, high)


def gwet_ac1(table: np.ndarray, confidence: float = SETTINGS.confidence) -> Estimate:
    """Gwet's AC1 with Gwet's (2008) standard error and a t interval on n - 1 degrees of freedom,
    clipped to [-1, 1] (the interval is NaN for fewer than 2 judgements)."""
    n, q = float(table.sum()), table.shape[0]
    if not n or q < 2:
        return NAN_ESTIMATE
    p, observed, rows, columns = _proportions(table)
    pi = (rows + columns) / 2
    chance = float((pi * (1 - pi)).sum()) / (q - 1)
    ac1 = (observed - chance) / (1 - chance)
    # Gwet (2008), two raters: each cell's contribution to the linearised statistic
    term = np.eye(q) - 2 * (1 - ac1) * (1 - (pi[:, None] + pi[None, :]) / 2) / (q - 1)
    variance = (float((p * term**2).sum()) - (observed - 2 * (1 - ac1) * chance) ** 2) / (n * (1 - chance) ** 2)
    se = math.sqrt(max(variance, 0.0))
    if n < 2:
        return Estimate(ac1, se, math.nan, math.nan)
    low, high = _clipped(ac1, stats.t.ppf(0.5 + confidence / 2, n - 1) * se)
    return Estimate(ac1, se, low, high)


def krippendorff_alpha(table: np.ndarray) -> float:
    """Krippendorff's alpha for nominal categories, two coders, no missing judgements.

    With n = 2N values in all, n_c the values in category c and D the judgements the coders
    disagree on, each disagreement puts two values off the diagonal of the coincidence matrix, so
    alpha = 1 - (n - 1) 2D / (n^2 - sum n_c^2). NaN when every value is in one category."""
    values = table.sum(axis=1) + table.sum(axis=0)
    n = float(values.sum())
    expected = n**2 - float((values**2).sum())
    if not expected:
        return math.nan
    disagreements = float(table.sum() - np.trace(table))
    return 1.0 - (n - 1) * 2 * disagreements / expected


def presence_agreement(first: pd.DataFrame, second: pd.DataFrame,
                       confidence: float = SETTINGS.confidence) -> Agreement:
    """Agreement of two coders' present/absent judgements: ``first`` and ``second`` have a row per
    unit both coded and a column per theme, True where the coder gave the unit that theme."""
    if not (first.index.equals(second.index) and first.columns.equals(second.columns)):
        raise ValueError("the two coders' judgements must cover the same units and themes")
    a, b = first.to_numpy(dtype=bool).ravel(), second.to_numpy(dtype=bool).ravel()
    table = contingency(list(a), list(b), (True, False))
    kappa, ac1 = cohen_kappa(table, confidence), gwet_ac1(table, confidence)
    if not a.size:
        return Agreement(*[math.nan] * 8, units=len(first.index), pairs=0, prevalence=math.nan, commonest="",
                         present_share=math.nan, chance=math.nan)
    _, _, rows, columns = _proportions(table)
    prevalence = (first.astype(float).mean() + second.astype(float).mean()) / 2
    return Agreement(
        kappa=kappa.value, low=kappa.low, high=kappa.high, percent=percent_agreement(table),
        ac1=ac1.value, ac1_low=ac1.low, ac1_high=ac1.high, alpha=krippendorff_alpha(table),
        units=len(first.index), pairs=int(a.size), prevalence=float(prevalence.max()),
        commonest=str(prevalence.idxmax()), present_share=float(a.sum() + b.sum()) / (2 * a.size),
        chance=float(rows @ columns),
    )


def _percent(share: float) -> str:
    """A share as a whole percentage, halves rounded up as the report prints them."""
    return f"{round_as_printed(100 * share):.0f}%"


def caveat(result: Agreement) -> str | None:
    """A plain-words note when kappa reads very differently from percentage agreement because one
    judgement (present or absent) is very common (the kappa paradox, Feinstein and Cicchetti 1990),
    or when kappa cannot be computed at all; None when kappa can be read as it stands."""
    if not result.pairs:
        return None
    common = "present" if result.present_share >= 0.5 else "absent"
    share = max(result.present_share, 1 - result.present_share)
    if math.isnan(result.kappa):
        return (f"Kappa cannot be computed: both coders judged every one of the {result.pairs} (answer, theme) "
                f"pairs '{common}', so agreement expected by chance is already 100% and there is nothing "
                f"beyond it to measure. Percentage agreement is {_percent(result.percent / 100)}.")
    if result.percent < HIGH_AGREEMENT or result.kappa >= LOW_KAPPA or share < DOMINANT_SHARE:
        return None
    if common == "present":
        why = f"the commonest theme, '{result.commonest}', was given to {_percent(result.prevalence)} of the answers"
    else:
        why = f"each answer was given few of the {result.pairs // result.units} themes"
    return (f"The coders agreed on {_percent(result.percent / 100)} of the {result.pairs} (answer, theme) "
            f"judgements, yet kappa is only {result.kappa:.2f}: {_percent(share)} of all judgements were "
            f"'{common}' ({why}), so agreement expected by chance is already {_percent(result.chance)}, and "
            "kappa, which counts only agreement beyond chance, is low even though the coders rarely disagreed "
            f"(the 'kappa paradox'). Gwet's AC1 ({result.ac1:.2f}) does not fall in this way and is shown beside "
            f"it; Krippendorff's alpha ({result.alpha:.2f}) falls, like kappa.")
