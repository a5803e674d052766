"""The cohorts' random-effects meta-analysis (contract section 6) against R's metafor.

metafor 3.8-1 under R 4.2.2 computed the reference values once (tests/fixtures/r/meta_metafor.R,
``rma(yi, vi, method="PM", test="knha")`` and ``predict``); these tests read its output,
tests/fixtures/r/meta_metafor.csv, and never need R.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.meta_analysis import combine_effects

from rm_research.stats import meta

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "r" / "meta_metafor.csv"
TOLERANCE = {"rel": 1e-6, "abs": 1e-6}


def numbers(joined: str) -> np.ndarray:
    """The ``;``-joined numbers of a fixture cell."""
    return np.array(joined.split(";"), dtype=float)


#: The R script labels each cohort with the contract's rule in its own words; the package words it so.
R_STATUS = {"pooled": "pooled", "fewer than 2 people paired": meta.FEWER_THAN_TWO, "every change equal": meta.ALL_EQUAL}


def _metafor() -> dict[str, dict]:
    table = pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)
    out: dict[str, dict] = {}
    for name, rows in table.groupby("dataset", sort=False):
        pooled = {r.quantity: float(r.value) if r.value != "NA" else math.nan for r in rows.itertuples()
                  if r.cohort == ""}
        cohorts: dict[str, dict] = {}
        for r in rows.itertuples():
            if r.cohort:
                cohorts.setdefault(r.cohort, {})[r.quantity] = (
                    r.value if r.quantity == "changes" else R_STATUS[r.value] if r.quantity == "status"
                    else float(r.value))
        out[str(name)] = {"pooled": pooled, "cohorts": cohorts}
    return out


METAFOR = _metafor()
DATASETS = list(METAFOR)


def _changes(name: str) -> dict[str, np.ndarray]:
    return {label: numbers(row["changes"]) for label, row in METAFOR[name]["cohorts"].items()}


def test_fixture_covers_the_cases_asked_for():
    pooled = {name: METAFOR[name]["pooled"] for name in DATASETS}
    assert pooled["heterogeneous_k5"]["k"] == 5 and pooled["heterogeneous_k5"]["tau2"] > 0
    assert pooled["homogeneous_k4"]["QE"] < pooled["homogeneous_k4"]["k"] - 1
    assert pooled["homogeneous_k4"]["tau2"] == 0
    assert pooled["two_cohorts"]["k"] == 2
    statuses = {row["status"] for row in METAFOR["with_exclusions"]["cohorts"].values()}
    assert statuses == {"pooled", meta.FEWER_THAN_TWO, meta.ALL_EQUAL}


@pytest.mark.parametrize("name", DATASETS)
def test_pooled_figures_match_metafor_pm_knha(name):
    expected = METAFOR[name]["pooled"]
    result = meta.meta_analysis(_changes(name))
    assert result.k == expected["k"]
    assert result.n == expected["n"]
    assert result.pooled_change == pytest.approx(expected["estimate"], **TOLERANCE)
    assert result.pooled_se == pytest.approx(expected["se"], **TOLERANCE)
    assert result.pooled_ci_low == pytest.approx(expected["ci_lb"], **TOLERANCE)
    assert result.pooled_ci_high == pytest.approx(expected["ci_ub"], **TOLERANCE)
    assert result.pooled_p == pytest.approx(expected["pval"], **TOLERANCE)
    assert result.tau2 == pytest.approx(expected["tau2"], **TOLERANCE)
    assert result.q == pytest.approx(expected["QE"], **TOLERANCE)
    assert result.q_p == pytest.approx(expected["QEp"], **TOLERANCE)
    assert result.reason == ""


@pytest.mark.parametrize("name", DATASETS)
def test_i2_is_higgins_thompson_as_metafor_reports_it_for_dl(name):
    expected = METAFOR[name]["pooled"]
    result = meta.meta_analysis(_changes(name))
    assert result.i2 == pytest.approx(expected["I2_dl"], **TOLERANCE)
    q, k = expected["QE"], expected["k"]
    assert result.i2 == pytest.approx(max(0.0, (q - (k - 1)) / q) * 100 if q > 0 else 0.0, **TOLERANCE)


def test_metafors_printed_i2_for_a_pm_fit_is_another_quantity():
    # metafor prints 100 tau2 / (tau2 + s2) for a Paule-Mandel fit; the contract's I2 is Q-based
    expected = METAFOR["heterogeneous_k5"]["pooled"]
    assert meta.meta_analysis(_changes("heterogeneous_k5")).i2 != pytest.approx(expected["I2_pm"], abs=0.1)


@pytest.mark.parametrize("name", DATASETS)
def test_prediction_interval_is_metafors_riley_type_t_k_minus_2(name):
    expected = METAFOR[name]["pooled"]
    result = meta.meta_analysis(_changes(name))
    if result.k >= 3:
        assert result.pi_low == pytest.approx(expected["pi_lb_riley"], **TOLERANCE)
        assert result.pi_high == pytest.approx(expected["pi_ub_riley"], **TOLERANCE)
    else:
        assert math.isnan(result.pi_low) and math.isnan(result.pi_high)
        assert math.isnan(expected["pi_lb_riley"])


def test_metafors_default_prediction_interval_uses_k_minus_1_and_equals_the_ci_when_tau2_is_0():
    expected = METAFOR["homogeneous_k4"]["pooled"]
    result = meta.meta_analysis(_changes("homogeneous_k4"))
    assert expected["pi_lb_default"] == pytest.approx(expected["ci_lb"], rel=1e-12)
    assert result.pi_low < result.pooled_ci_low  # ours: t(k - 2) and never the CI itself


@pytest.mark.parametrize("name", DATASETS)
def test_cohort_rows_and_exclusions_match_metafor(name):
    expected = METAFOR[name]["cohorts"]
    result = meta.meta_analysis(_changes(name))
    pooled = [label for label, row in expected.items() if row["status"] == "pooled"]
    assert [row.cohort for row in result.cohorts] == pooled
    assert [(row.cohort, row.n, row.reason) for row in result.excluded] == [
        (label, int(row["n"]), row["status"]) for label, row in expected.items() if row["status"] != "pooled"]
    for row in result.cohorts:
        want = expected[row.cohort]
        assert row.n == want["n"]
        for ours, theirs in [("y", "y"), ("v", "v"), ("weight", "weight"), ("ci_low", "ci_low"),
                             ("ci_high", "ci_high")]:
            assert getattr(row, ours) == pytest.approx(want[theirs], **TOLERANCE), ours
    assert sum(row.weight for row in result.cohorts) == pytest.approx(100)


@pytest.mark.parametrize("name", DATASETS)
def test_paule_mandel_solves_the_generalised_q_equation(name):
    result = meta.meta_analysis(_changes(name))
    y = np.array([row.y for row in result.cohorts])
    v = np.array([row.v for row in result.cohorts])
    if result.q > result.k - 1:
        assert result.tau2 > 0
        assert meta.generalised_q(y, v, result.tau2) == pytest.approx(result.k - 1, rel=1e-10)
    else:
        assert result.tau2 == 0


@pytest.mark.parametrize("name", [n for n in DATASETS if n != "equal_means"])
def test_statsmodels_iterated_is_the_same_definition_to_its_tolerance(name):
    # statsmodels' Paule-Mandel ("iterated") and HKSJ variance are this definition, solved only until
    # the equation is within 1e-5; asked for more (atol=1e-13) it returns tau2 = 0 on two_cohorts and
    # with_exclusions, as a step lands a rounding error past the root. Hence meta.py's own solver.
    result = meta.meta_analysis(_changes(name))
    y = np.array([row.y for row in result.cohorts])
    v = np.array([row.v for row in result.cohorts])
    theirs = combine_effects(y, v, method_re="iterated", use_t=True)
    assert theirs.tau2 == pytest.approx(result.tau2, **TOLERANCE)
    assert theirs.mean_effect_re == pytest.approx(result.pooled_change, **TOLERANCE)
    assert math.sqrt(theirs.var_hksj_re) == pytest.approx(result.pooled_se, **TOLERANCE)
    low, high = theirs.conf_int(use_t=True)[3]
    assert (low, high) == pytest.approx((result.pooled_ci_low, result.pooled_ci_high), **TOLERANCE)


def test_equal_cohort_means_give_q_0_i2_0_and_the_untruncated_zero_width_interval():
    result = meta.meta_analysis(_changes("equal_means"))
    assert result.tau2 == 0 and result.i2 == 0
    assert result.q == pytest.approx(0, abs=1e-20)
    assert result.pooled_change == pytest.approx(1)
    assert result.pooled_ci_high - result.pooled_ci_low == pytest.approx(0, abs=1e-12)
    assert result.pooled_p == pytest.approx(0, abs=1e-12)


def test_i_squared_is_zero_when_q_is_zero_or_below_its_degrees_of_freedom():
    assert meta.i_squared(0.0, 3) == 0
    assert meta.i_squared(1.5, 3) == 0
    assert meta.i_squared(4.0, 3) == pytest.approx(50)


# Edge cases: blanks with reasons


def _blank(result: meta.MetaAnalysis) -> bool:
    figures = [result.pooled_change, result.pooled_se, result.pooled_ci_low, result.pooled_ci_high, result.pooled_p,
               result.tau2, result.i2, result.q, result.q_p, result.pi_low, result.pi_high]
    return all(math.isnan(x) for x in figures) and bool(result.reason)


def test_no_cohorts_at_all_is_blank_with_a_reason():
    result = meta.meta_analysis({})
    assert result.k == 0 and result.n == 0 and _blank(result)
    assert result.reason.startswith("no cohort could be pooled")
    assert result.cohorts == () and result.excluded == ()
    assert result.cohort_table().empty and list(result.cohort_table().columns) == [
        "cohort", "n", "y", "v", "weight", "ci_low", "ci_high"]


def test_one_cohort_is_blank_but_keeps_its_own_row():
    result = meta.meta_analysis({"A": [1, 2, 0, 3], "B": [2]})
    assert result.k == 1 and result.n == 4 and _blank(result)
    assert result.reason.startswith("only 1 cohort could be pooled")
    (row,) = result.cohorts
    assert (row.cohort, row.n, row.y) == ("A", 4, 1.5) and math.isnan(row.weight)
    assert [(e.cohort, e.n, e.reason) for e in result.excluded] == [("B", 1, "fewer than 2 people answered both surveys")]
    assert result.reason.endswith("left out: B (fewer than 2 people answered both surveys)")
    assert math.isnan(result.statistics()["pooled_change"]) and result.statistics()["k"] == 1


def test_every_cohort_excluded_is_blank_with_each_reason():
    result = meta.meta_analysis({"A": [], "B": [2.0], "C": [1, 1, 1], "D": [0, 0]})
    assert result.k == 0 and result.n == 0 and _blank(result)
    assert result.excluded_table().to_dict("records") == [
        {"cohort": "A", "n": 0, "reason": "fewer than 2 people answered both surveys"},
        {"cohort": "B", "n": 1, "reason": "fewer than 2 people answered both surveys"},
        {"cohort": "C", "n": 3, "reason": "every change was the same"},
        {"cohort": "D", "n": 2, "reason": "every change was the same"},
    ]
    assert meta.heterogeneity_sentence(result).startswith("Variation between cohorts cannot be assessed: no cohort")


def test_missing_changes_are_people_not_paired():
    with_gaps = meta.meta_analysis({"A": [1, np.nan, 2, 0], "B": [3, np.nan], "C": [2, 1, 4]})
    assert [(e.cohort, e.n) for e in with_gaps.excluded] == [("B", 1)]
    assert with_gaps == meta.meta_analysis({"A": [1, 2, 0], "B": [3], "C": [2, 1, 4]})


def test_infinite_change_is_an_error():
    with pytest.raises(ValueError, match="finite"):
        meta.meta_analysis({"A": [1, np.inf], "B": [1, 2]})


def test_a_data_frame_gives_the_same_as_a_mapping_in_order_of_first_appearance():
    changes = _changes("with_exclusions")
    frame = pd.DataFrame([(label, x) for label, values in changes.items() for x in values],
                         columns=["cohort", "change"])
    assert meta.meta_analysis(frame) == meta.meta_analysis(changes)
    renamed = frame.rename(columns={"cohort": "group", "change": "d"})
    assert meta.meta_analysis(renamed, cohort="group", change="d") == meta.meta_analysis(changes)


def test_order_of_cohorts_does_not_change_the_pooled_figures():
    changes = _changes("heterogeneous_k5")
    forward = meta.meta_analysis(changes)
    backward = meta.meta_analysis(dict(reversed(list(changes.items()))))
    assert backward.pooled_change == pytest.approx(forward.pooled_change, rel=1e-12)
    assert backward.tau2 == pytest.approx(forward.tau2, rel=1e-10)
    assert [row.cohort for row in backward.cohorts] == [row.cohort for row in reversed(forward.cohorts)]


def test_shifting_every_change_shifts_the_pool_and_keeps_the_spread():
    changes = _changes("varied_k8")
    base = meta.meta_analysis(changes)
    shifted = meta.meta_analysis({label: values + 2.5 for label, values in changes.items()})
    assert shifted.pooled_change == pytest.approx(base.pooled_change + 2.5, rel=1e-10)
    assert shifted.pooled_ci_low == pytest.approx(base.pooled_ci_low + 2.5, rel=1e-10)
    assert shifted.tau2 == pytest.approx(base.tau2, rel=1e-9)
    assert shifted.q == pytest.approx(base.q, rel=1e-9)


def test_result_is_frozen_and_statistics_use_the_contract_names():
    result = meta.meta_analysis(_changes("two_cohorts"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.k = 3  # type: ignore[misc]
    assert list(result.statistics()) == ["k", "pooled_change", "pooled_ci_low", "pooled_ci_high", "pooled_p",
                                         "tau2", "i2", "q_p"]


def test_pool_refuses_fewer_than_two_or_non_positive_variances():
    with pytest.raises(ValueError):
        meta.pool(np.array([1.0]), np.array([0.1]))
    with pytest.raises(ValueError):
        meta.pool(np.array([1.0, 2.0]), np.array([0.1, 0.0]))


# Heterogeneity in plain words


@pytest.mark.parametrize(("i2", "words"), [
    (0, "little"), (29.9, "little"), (30, "little to moderate"), (40, "little to moderate"),
    (45, "moderate"), (55, "moderate to substantial"), (70, "substantial"), (80, "substantial to considerable"),
    (95, "considerable"), (100, "considerable"),
])
def test_i2_words_follow_the_cochrane_handbooks_overlapping_bands(i2, words):
    assert meta.i2_words(i2) == words


def test_heterogeneity_sentence_gives_i2_tau_and_q_p():
    homogeneous = meta.heterogeneity_sentence(meta.meta_analysis(_changes("homogeneous_k4")))
    assert homogeneous == ("Little variation between cohorts beyond chance (I² 0%; tau 0.00 points, the spread of "
                           "the cohorts' true mean changes; Cochran's Q p = 0.939). With only 4 cohorts these "
                           "measures are imprecise.")
    varied = meta.heterogeneity_sentence(meta.meta_analysis(_changes("varied_k8")), unit="scale points")
    assert varied.startswith("Considerable variation between cohorts beyond chance (I² 98%; tau 1.86 scale points")
    assert varied.endswith("Cochran's Q p < 0.001).")


def test_the_reason_names_each_cohort_left_out_and_why_counting_beyond_four():
    changes = {"A": [2, 2], "B": [1], "C": [], "D": [3, 3, 3], "E": [0], "F": [1, 2]}
    result = meta.meta_analysis(changes)
    assert result.k == 1
    assert result.reason == (
        "only 1 cohort could be pooled (at least 2 are needed, each with at least 2 people who answered both "
        "surveys and changes that were not all the same); left out: A (every change was the same); "
        "B (fewer than 2 people answered both surveys); C (fewer than 2 people answered both surveys); "
        "D (every change was the same); and 1 more")
