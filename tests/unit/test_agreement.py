"""Coder agreement: Cohen's kappa, percentage agreement, Gwet's AC1 and Krippendorff's alpha against
R (psych::cohen.kappa; Gwet's and Krippendorff's formulas written out in R), published values, and
hand-computed tables; the plain-words caveat on the kappa paradox.

The R script and its output are in tests/fixtures/r/agreement/ (agreement.R says how they were
made); these tests read the output and never need R.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from rm_research.stats import agreement
from rm_research.stats.agreement import (
    caveat,
    cohen_kappa,
    contingency,
    gwet_ac1,
    krippendorff_alpha,
    presence_agreement,
)
from tests.helpers import R_FIXTURES, numbers

R = pd.read_csv(R_FIXTURES / "agreement" / "agreement.csv")
CASES = R.to_dict("records")
IDS = list(R["case"])


def judgements(case: dict, which: str) -> pd.DataFrame:
    """One coder's judgements of an R case: a row per unit, a column per theme (stored unit by unit)."""
    values = numbers(case[which]).astype(bool).reshape(int(case["units"]), int(case["themes"]))
    return pd.DataFrame(values, columns=[f"theme {i + 1}" for i in range(values.shape[1])])


def named(case: str) -> dict:
    return next(row for row in CASES if row["case"] == case)


def coded(case: str):
    """The agreement of an R case's two coders, computed by the package."""
    row = named(case)
    return presence_agreement(judgements(row, "first"), judgements(row, "second"))


def table_of(case: dict) -> np.ndarray:
    return contingency(list(numbers(case["first"]) == 1), list(numbers(case["second"]) == 1), (True, False))


def same(value: float, expected: float) -> bool:
    return (math.isnan(value) and math.isnan(expected)) or value == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_coefficients_match_r(case):
    result = presence_agreement(judgements(case, "first"), judgements(case, "second"))
    fields = {"kappa": "kappa", "low": "kappa_low", "high": "kappa_high", "percent": "percent", "ac1": "ac1",
              "ac1_low": "ac1_low", "ac1_high": "ac1_high", "alpha": "alpha", "present_share": "present_share",
              "chance": "chance", "prevalence": "prevalence"}
    for field, column in fields.items():
        assert same(getattr(result, field), case[column]), (field, getattr(result, field), case[column])
    assert (result.units, result.pairs) == (case["units"], case["units"] * case["themes"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_standard_errors_match_r(case):
    table = table_of(case)
    assert same(cohen_kappa(table).se, case["kappa_se"])
    assert same(gwet_ac1(table).se, case["ac1_se"])


def test_gwet_ac1_and_its_interval_match_gwets_published_example():
    # irrCAC documentation (Gwet), table "cont3x3abstractors": AC1 0.84933, 95% CI (0.76358, 0.93508)
    table = np.array([[13, 0, 0], [0, 20, 7], [0, 4, 56]])
    result = gwet_ac1(table)
    assert result.value == pytest.approx(0.84933, abs=5e-6)
    assert (result.low, result.high) == (pytest.approx(0.76358, abs=5e-6), pytest.approx(0.93508, abs=5e-6))
    # the definition by hand: p_a = 0.89; pi = (0.13, 0.255, 0.615); p_e = sum pi (1 - pi) / 2 = 0.269925
    assert result.value == pytest.approx((0.89 - 0.269925) / (1 - 0.269925), abs=1e-12)


def test_kappa_by_hand_on_the_same_table():
    # p_o = 0.89; rows 0.13, 0.27, 0.60 and columns 0.13, 0.24, 0.63 give p_e = 0.4597
    assert cohen_kappa(np.array([[13, 0, 0], [0, 20, 7], [0, 4, 56]])).value == pytest.approx(0.4303 / 0.5403,
                                                                                                  abs=1e-12)


def test_krippendorff_alpha_matches_krippendorffs_binary_example():
    # Krippendorff (2011), binary data, two observers, no missing data: alpha = 0.095. By hand: 20
    # values, 6 "1"s and 14 "0"s, 4 disagreements: 1 - 19 * 8 / (2 * 14 * 6)
    alpha = krippendorff_alpha(table_of(named("krippendorff_2011")))
    assert round(alpha, 3) == 0.095
    assert alpha == pytest.approx(1 - 19 * 8 / 168, abs=1e-12)


def test_contingency_and_percent_agreement_by_hand():
    first = ["a", "a", "b", "c", "c"]
    second = ["a", "b", "b", "c", "a"]
    table = contingency(first, second, ("a", "b", "c"))
    assert table.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]
    assert agreement.percent_agreement(table) == 60.0  # 3 of 5 agree


def test_a_category_nobody_used_still_counts_for_ac1():
    # both coders say "present" every time: p_a = 1, pi = (1, 0), p_e = 0, AC1 = 1; kappa and alpha
    # have no variation to work with
    table = contingency([True] * 4, [True] * 4, (True, False))
    assert table.tolist() == [[4, 0], [0, 0]]
    assert gwet_ac1(table).value == 1.0
    assert math.isnan(cohen_kappa(table).value) and math.isnan(krippendorff_alpha(table))


def test_intervals_stay_within_minus_one_and_one():
    # perfect agreement: SE 0, interval [1, 1]; common_theme: AC1 0.83 + t(19) * 0.106 > 1 is cut at 1
    perfect = coded("perfect")
    assert (perfect.kappa, perfect.low, perfect.high) == (1.0, 1.0, 1.0)
    for case in CASES:
        result = presence_agreement(judgements(case, "first"), judgements(case, "second"))
        for value in (result.low, result.high, result.ac1_low, result.ac1_high):
            assert math.isnan(value) or -1.0 <= value <= 1.0


def test_the_coders_must_judge_the_same_units_and_themes():
    first = pd.DataFrame({"x": [True, False]}, index=["u1", "u2"])
    with pytest.raises(ValueError, match="same units"):
        presence_agreement(first, first.rename(index={"u2": "u3"}))


def _paradox() -> tuple[pd.DataFrame, pd.DataFrame]:
    # 10 answers, 2 themes; "Safe space" given to nearly every answer by both coders. Pooled over 20
    # judgements: both present 17, first only 2, second only 1, both absent 0. So p_o = 17/20 = 0.85,
    # p_e = (19/20)(18/20) + (1/20)(2/20) = 0.86 and kappa = (0.85 - 0.86) / 0.14 = -1/14.
    first = pd.DataFrame({"Safe space": [True] * 10, "Reflect": [False] + [True] * 9})
    second = pd.DataFrame({"Safe space": [True] * 9 + [False], "Reflect": [True, False] + [True] * 8})
    return first, second


def test_paradox_by_hand():
    result = presence_agreement(*_paradox())
    assert result.percent == pytest.approx(85.0)
    assert result.kappa == pytest.approx(-1 / 14, abs=1e-12)
    assert result.chance == pytest.approx(0.86)
    assert result.commonest == "Safe space" and result.prevalence == pytest.approx(0.95)  # (10/10 + 9/10) / 2
    assert result.present_share == pytest.approx(37 / 40)
    # AC1: pi(present) = 37/40, p_e = 2 pi (1 - pi) = 0.13875, AC1 = (0.85 - 0.13875) / 0.86125
    assert result.ac1 == pytest.approx((0.85 - 0.13875) / 0.86125, abs=1e-12)


def test_caveat_explains_the_paradox_with_the_numbers():
    note = caveat(presence_agreement(*_paradox()))
    assert note is not None
    for part in ("85%", "20 (answer, theme) judgements", "-0.07", "93% of all judgements were 'present'",
                 "'Safe space', was given to 95% of the answers", "chance is already 86%", "AC1 (0.83)",
                 "alpha (-0.05)"):
        assert part in note, part


def test_caveat_when_absent_dominates():
    note = caveat(coded("rare_themes"))
    assert note is not None and "80% of all judgements were 'absent'" in note and "few of the 5 themes" in note


def test_caveat_when_kappa_cannot_be_computed():
    everything = pd.DataFrame({"Safe space": [True] * 3})
    note = caveat(presence_agreement(everything, everything))
    assert note is not None and "cannot be computed" in note and "'present'" in note and "3 (answer" in note


@pytest.mark.parametrize("case", ["mixed", "perfect"])
def test_no_caveat_where_kappa_reads_as_it_stands(case):
    assert caveat(coded(case)) is None
