"""Agreement among raters and rankers (issue 20, data contract section 8) against R.

R 4.2.2 computed the reference values once (tests/fixtures/r/raters.R: ICC(1) from ``aov``'s mean
squares with the unbalanced n0, its F-based interval; ``friedman.test``); these tests read its output,
tests/fixtures/r/raters.csv, and never need R. The definitions themselves are checked by hand below.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rm_research.stats import raters

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "r" / "raters.csv"
TABLE = pd.read_csv(FIXTURE, dtype=str).groupby("dataset", sort=False)
R = {name: dict(zip(rows["quantity"], rows["value"], strict=True)) for name, rows in TABLE}


def numbers(text: str) -> np.ndarray:
    return np.array(text.split(";"), dtype=float)


@pytest.mark.parametrize("name", [name for name in R if "icc" in R[name]])
def test_icc1_and_its_interval_match_r(name):
    found = raters.icc1(numbers(R[name]["target"]), numbers(R[name]["rating"]))
    assert found.icc == pytest.approx(float(R[name]["icc"]), rel=1e-10, abs=1e-12)
    assert found.ci_low == pytest.approx(float(R[name]["ci_low"]), rel=1e-9, abs=1e-12)
    assert found.ci_high == pytest.approx(float(R[name]["ci_high"]), rel=1e-9, abs=1e-12)


def test_the_fixture_has_a_negative_icc_and_unequal_teams():
    assert float(R["negative"]["icc"]) < 0
    sizes = np.bincount(numbers(R["unbalanced"]["target"]).astype(int))[1:]
    assert len(set(sizes)) > 1


@pytest.mark.parametrize("name", [name for name in R if "w" in R[name]])
def test_kendalls_w_and_friedman_match_r(name):
    ranks = pd.DataFrame([numbers(row) for row in R[name]["ranks"].split("|")])
    found = raters.kendalls_w(ranks)
    assert found.m == len(ranks)
    assert found.w == pytest.approx(float(R[name]["w"]), rel=1e-12)
    assert found.chi2 == pytest.approx(float(R[name]["chi2"]), rel=1e-12)
    assert found.p == pytest.approx(float(R[name]["p"]), rel=1e-10)


def test_kendalls_w_by_its_definition():
    """Three people in full agreement on 4 items: W = 1; the contract's S form gives the same."""
    ranks = pd.DataFrame([[1, 2, 3, 4]] * 3, columns=list("abcd"))
    assert raters.kendalls_w(ranks).w == pytest.approx(1.0)
    rng = np.random.default_rng(5)
    ranks = pd.DataFrame([rng.permutation(7) + 1 for _ in range(11)])
    m = len(ranks)
    s = float(((ranks.sum() - m * 4) ** 2).sum())
    found = raters.kendalls_w(ranks)
    assert found.w == pytest.approx(12 * s / (m**2 * (7**3 - 7)))
    assert found.chi2 == pytest.approx(m * 6 * found.w)
    assert math.isnan(raters.kendalls_w(ranks.iloc[:1]).w)


def test_icc1_by_hand_and_where_it_is_blank():
    # two mentees, two raters each: means 2 and 6, grand mean 4; MSB = 2*(4+4)/1 = 16, MSW = (1+1+1+1)/2 = 2,
    # n0 = (4 - 8/4)/1 = 2: ICC = (16 - 2) / (16 + 2) = 0.777...
    found = raters.icc1(["a", "a", "b", "b"], [1, 3, 5, 7])
    assert found.icc == pytest.approx(14 / 18) and (found.g, found.ratings) == (2, 4)
    # a mentee with one rating is left out (no within-mentee spread); one mentee left: blank
    assert math.isnan(raters.icc1(["a", "a", "b"], [1, 3, 5]).icc)
    assert raters.icc1(["a", "a", "b", "b", "c"], [1, 3, 5, 7, float("nan")]).g == 2
