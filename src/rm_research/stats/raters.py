"""Agreement among many raters and rankers (data contract, section 8): the team's raters of a mentee
(the intraclass correlation) and the participants' rankings of the organisational benefits (Kendall's W).

- **ICC(1)**, one-way random effects, single ratings (Shrout and Fleiss 1979, case 1): each mentee is
  rated by their own team, so raters are nested in mentees and a mentee's raters are not another's.
  With g mentees, nᵢ ratings of mentee i and N = Σ nᵢ ratings, from the one-way analysis of variance:
  MSB = Σ nᵢ (ȳᵢ − ȳ)² / (g − 1), MSW = Σ (y − ȳᵢ)² / (N − g), and, for unequal nᵢ, n0 = (N − Σ nᵢ² / N)
  / (g − 1) in place of the raters per mentee (Searle 1971): ICC(1) = (MSB − MSW) / (MSB + (n0 − 1) MSW),
  which can be negative. Its 95% interval is the F-based one with n0 (Searle 1971; Donner 1986): with
  F = MSB / MSW, F_L = F / F(0.975; g − 1, N − g) and F_U = F · F(0.975; N − g, g − 1), the interval is
  (F_L − 1) / (F_L + n0 − 1) to (F_U − 1) / (F_U + n0 − 1); exact for equal nᵢ, approximate otherwise
  (R's ``ICC::ICCest`` gives the same). Written here: pingouin's ``intraclass_corr`` needs every target
  rated by the same raters (a complete targets-by-raters table), which nested teams never give.
- **Kendall's W** over m people who each ranked all k benefits 1 … k: W = 12 S / (m² (k³ − k)), S the
  sum over benefits of (rank sum − m (k + 1) / 2)²; Friedman's chi-square = m (k − 1) W on k − 1
  degrees of freedom, its upper-tail p. From pingouin's ``friedman`` (its W and Q are these when, as
  here, a person's ranks have no ties).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pingouin
from scipy import stats

from rm_research.core.config import SETTINGS


@dataclass(frozen=True)
class Icc:
    """ICC(1) with its interval, over ``g`` targets (mentees) and ``ratings`` ratings; NaN where g < 2."""

    icc: float
    ci_low: float
    ci_high: float
    g: int
    ratings: int


def icc1(targets: pd.Series | np.ndarray, ratings: pd.Series | np.ndarray,
         confidence: float = SETTINGS.confidence) -> Icc:
    """ICC(1) of ``ratings`` (numbers; NaN ones dropped) nested in ``targets`` (one label per rating), over
    the targets with at least 2 ratings (module docstring)."""
    data = pd.DataFrame({"target": np.asarray(targets), "rating": np.asarray(ratings, dtype=float)}).dropna()
    sizes = data.groupby("target", sort=False)["rating"].transform("size")
    data = data[sizes >= 2]
    groups = data.groupby("target", sort=False)["rating"]
    g, total = int(groups.ngroups), len(data)
    if g < 2:
        return Icc(math.nan, math.nan, math.nan, g, total)
    n_i = groups.size().to_numpy(dtype=float)
    means = groups.mean().to_numpy()
    grand = float(data["rating"].mean())
    msb = float(np.sum(n_i * (means - grand) ** 2)) / (g - 1)
    msw = float(((data["rating"] - groups.transform("mean")) ** 2).sum()) / (total - g)
    n0 = (total - float(np.sum(n_i**2)) / total) / (g - 1)
    if msw == 0:  # every rater of each mentee agrees exactly
        value = 1.0 if msb > 0 else math.nan
        return Icc(value, math.nan, math.nan, g, total)
    icc = (msb - msw) / (msb + (n0 - 1) * msw)
    f = msb / msw
    tail = 0.5 + confidence / 2
    f_low = f / float(stats.f.ppf(tail, g - 1, total - g))
    f_high = f * float(stats.f.ppf(tail, total - g, g - 1))
    return Icc(icc, (f_low - 1) / (f_low + n0 - 1), (f_high - 1) / (f_high + n0 - 1), g, total)


@dataclass(frozen=True)
class Concordance:
    """Kendall's W and Friedman's test over ``m`` complete rankings (NaN where m < 2)."""

    w: float
    chi2: float
    p: float
    m: int


def kendalls_w(ranks: pd.DataFrame) -> Concordance:
    """Kendall's W and Friedman's chi-square and p (module docstring) of ``ranks``: one row per person, one
    column per item ranked, each row a ranking 1 … k with no ties (incomplete rows are the caller's to drop)."""
    m = len(ranks)
    if m < 2:
        return Concordance(math.nan, math.nan, math.nan, m)
    long = ranks.reset_index(drop=True).rename_axis("person").reset_index().melt(
        id_vars="person", var_name="item", value_name="rank")
    result = pingouin.friedman(long, dv="rank", within="item", subject="person")
    return Concordance(float(result["W"].iloc[0]), float(result["Q"].iloc[0]), float(result["p_unc"].iloc[0]), m)
