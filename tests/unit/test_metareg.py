"""The evidence for the next decision (issue 19, contract section 9) against R.

metafor 3.8-1 and R 4.2.2's ``power.t.test`` computed the reference values once
(tests/fixtures/r/metareg_metafor.R: ``rma(yi, vi, mods = ~ x, method = "PM", test = "knha")``,
``regtest``, ``cumul``, the region factor's F test); these tests read its output,
tests/fixtures/r/metareg_metafor.csv, and never need R. The certainty rules are checked from their
definitions, on meta-analyses built to sit either side of each threshold.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rm_research.core.config import SETTINGS
from rm_research.findings import evidence
from rm_research.stats import meta, metareg, planning

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "r" / "metareg_metafor.csv"
TOLERANCE = {"rel": 1e-7, "abs": 1e-9}


def numbers(joined: str) -> np.ndarray:
    """The ``;``-joined numbers of a fixture cell."""
    return np.array(joined.split(";"), dtype=float)


def _fixture() -> tuple[dict[str, dict], dict[tuple[float, float], dict[str, float]]]:
    table = pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)
    sets: dict[str, dict] = {}
    power: dict[tuple[float, float], dict[str, float]] = {}
    for r in table.itertuples():
        if r.dataset == "power":
            delta, sd = (float(part) for part in r.cohort.split(";"))
            power.setdefault((delta, sd), {})[r.quantity] = float(r.value)
            continue
        found = sets.setdefault(r.dataset, {"cohorts": {}, "fit": {}})
        if r.cohort:
            found["cohorts"].setdefault(r.cohort, {})[r.quantity] = r.value
        else:
            found["fit"][r.quantity] = r.value
    return sets, power


SETS, POWER = _fixture()
DATASETS = list(SETS)


def _data(name: str) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, list[str], list[str], meta.MetaAnalysis]:
    cohorts = SETS[name]["cohorts"]
    labels = list(cohorts)
    changes = {label: numbers(cohorts[label]["changes"]) for label in labels}
    result = meta.meta_analysis(changes)
    y = np.array([c.y for c in result.cohorts])
    v = np.array([c.v for c in result.cohorts])
    offered = np.array([float(cohorts[label]["offered"]) for label in labels])
    return (labels, y, v, offered, [cohorts[label]["region"] for label in labels],
            [cohorts[label]["start"] for label in labels], result)


def fit(name: str, quantity: str) -> float:
    return float(SETS[name]["fit"][quantity])


def test_fixture_covers_the_cases_asked_for():
    assert {len(SETS[name]["cohorts"]) for name in DATASETS} >= {3, 8, 12}
    assert fit("homogeneous_k6", "psych_tau2") == 0 and fit("psych_k8", "psych_tau2") > 0
    assert fit("psych_k8", "psych_p") < 0.05  # a slope the test finds
    assert "regions_f_p" not in SETS["three_cohorts"]["fit"]  # no region with two cohorts but one
    assert len(POWER) == 16 and POWER[(0.001, 3.0)]["n_t"] > 1e7  # past uniroot's first interval


@pytest.mark.parametrize("name", DATASETS)
def test_moderator_slope_matches_metafor(name):
    _, y, v, offered, *_ = _data(name)
    found = metareg.moderator_slope(y, v, offered)
    assert found is not None and found.df == y.size - 2 == int(fit(name, "psych_df"))
    slope = found.coefficient("x")
    assert found.coefficient("intercept").estimate == pytest.approx(fit(name, "psych_intercept"), **TOLERANCE)
    for field, quantity in (("estimate", "slope"), ("se", "se"), ("ci_low", "ci_low"), ("ci_high", "ci_high"),
                            ("p", "p")):
        assert getattr(slope, field) == pytest.approx(fit(name, f"psych_{quantity}"), **TOLERANCE), field
    assert found.tau2 == pytest.approx(fit(name, "psych_tau2"), rel=1e-7, abs=1e-10)


@pytest.mark.parametrize("name", DATASETS)
def test_fitted_line_and_band_match_metafor_predict(name):
    _, y, v, offered, *_ = _data(name)
    line, low, high = metareg.moderator_slope(y, v, offered).line(numbers(SETS[name]["fit"]["psych_line_x"]))
    for mine, quantity in ((line, "fit"), (low, "low"), (high, "high")):
        np.testing.assert_allclose(mine, numbers(SETS[name]["fit"][f"psych_line_{quantity}"]), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", DATASETS)
def test_trend_on_decimal_start_year_matches_metafor(name):
    labels, y, v, _, _, starts, _ = _data(name)
    facts = pd.DataFrame({"region": "r", "cohort": range(1, len(labels) + 1), "psych_offered": 0,
                          "start": pd.to_datetime(starts)}, index=labels)
    order_by, ordered, x = evidence.start_order(labels, facts)
    assert order_by == "start date"
    np.testing.assert_allclose(x, numbers(SETS[name]["fit"]["trend_year"]), rtol=0, atol=1e-12)
    slope = metareg.moderator_slope(y, v, x).coefficient("x")
    for field in ("estimate", "ci_low", "ci_high", "p"):
        quantity = "slope" if field == "estimate" else field
        assert getattr(slope, field) == pytest.approx(fit(name, f"trend_{quantity}"), **TOLERANCE), field
    assert ordered == SETS[name]["fit"]["cumul_order"].split(";")


@pytest.mark.parametrize("name", DATASETS)
def test_egger_is_regtest(name):
    _, y, v, *_ = _data(name)
    slope = metareg.moderator_slope(y, v, np.sqrt(v)).coefficient("x")
    assert slope.p == pytest.approx(fit(name, "regtest_p"), **TOLERANCE)
    assert slope.estimate / slope.se == pytest.approx(fit(name, "regtest_zval"), **TOLERANCE)
    egger = metareg.egger_test(y, v)
    assert (egger is None) == (y.size < metareg.EGGER_MIN_COHORTS)
    if egger is not None:
        assert egger.p == pytest.approx(fit(name, "egger_p"), **TOLERANCE)


@pytest.mark.parametrize("name", [name for name in DATASETS if "regions_f_p" in SETS[name]["fit"]])
def test_region_factor_f_test_matches_metafor(name):
    _, y, v, _, regions, *_ = _data(name)
    assert metareg.factor_comparable(regions)
    found = metareg.meta_regression(y, v, metareg.factor_design(regions))
    assert (len(found.coefficients) - 1, found.df) == (int(fit(name, "regions_df1")), int(fit(name, "regions_df2")))
    assert found.f == pytest.approx(fit(name, "regions_f"), **TOLERANCE)
    assert found.f_p == pytest.approx(fit(name, "regions_f_p"), **TOLERANCE)
    assert found.tau2 == pytest.approx(fit(name, "regions_tau2"), rel=1e-7, abs=1e-10)


@pytest.mark.parametrize("name", DATASETS)
def test_cumulative_matches_metafor_cumul(name):
    labels, y, v, _, _, _, result = _data(name)
    order = [labels.index(label) for label in SETS[name]["fit"]["cumul_order"].split(";")]
    steps = metareg.cumulative([labels[i] for i in order], y[order], v[order],
                               [(result.cohorts[i].ci_low, result.cohorts[i].ci_high) for i in order])
    assert [step.k for step in steps] == list(range(1, len(labels) + 1))
    np.testing.assert_allclose([s.estimate for s in steps], numbers(SETS[name]["fit"]["cumul_estimate"]), rtol=1e-7)
    # from 2 cohorts on, metafor's own pooled interval and tau2 (the first row is the cohort's own t interval
    # here; metafor's k = 1 fit has no t interval)
    for quantity in ("ci_low", "ci_high"):
        np.testing.assert_allclose([getattr(s, quantity) for s in steps[1:]],
                                   numbers(SETS[name]["fit"][f"cumul_{quantity}"])[1:], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose([s.pooled.tau2 for s in steps[1:]], numbers(SETS[name]["fit"]["cumul_tau2"])[1:],
                               rtol=1e-7, atol=1e-10)
    assert steps[-1].estimate == pytest.approx(result.pooled_change, abs=1e-12)


@pytest.mark.parametrize("name", DATASETS)
def test_pairs_needed_matches_power_t_test(name):
    _, _, v, _, _, _, result = _data(name)
    sizes = np.array([c.n for c in result.cohorts], dtype=float)
    sd = planning.pooled_sd(sizes, v * sizes)
    assert sd == pytest.approx(fit(name, "pooled_sd"), rel=1e-12)
    assert planning.t_test_n(result.pooled_change, sd) == pytest.approx(fit(name, "n_t"), rel=1e-9)
    assert planning.pairs_needed(result.pooled_change, sd) == fit(name, "pairs_needed")


@pytest.mark.parametrize("delta, sd", list(POWER))
def test_t_test_n_and_power_match_power_t_test(delta, sd):
    assert planning.t_test_n(delta, sd) == pytest.approx(POWER[(delta, sd)]["n_t"], rel=1e-9)
    assert planning.t_test_power(20, delta, sd) == pytest.approx(POWER[(delta, sd)]["power_at_20"], rel=1e-9)


def test_pairs_needed_by_definition():
    # a huge change needs the fewest people whose exact signed-rank p can fall below 0.05: 2 / 2^6 < 0.05 < 2 / 2^5
    assert planning.pairs_needed(50.0, 1.0) == planning.FEWEST_TESTABLE == 6
    assert math.ldexp(1, 1 - 6) < 0.05 < math.ldexp(1, 1 - 5)
    assert math.isnan(planning.pairs_needed(0.0, 1.0)) and math.isnan(planning.pairs_needed(1.0, math.nan))
    assert math.isnan(planning.pairs_needed(1e-9, 3.0))  # beyond LARGEST_N people: blank, never infinite
    # symmetric in the change's sign (both tails count)
    assert planning.pairs_needed(-0.7, 1.3) == planning.pairs_needed(0.7, 1.3)


def test_blank_where_the_contract_says():
    y, v = np.array([1.0, 2.0, 0.5]), np.array([0.1, 0.2, 0.15])
    assert metareg.moderator_slope(y[:2], v[:2], [1, 2]) is None  # k < 3
    assert metareg.moderator_slope(y, v, [3, 3, 3]) is None  # x takes one value
    assert metareg.egger_test(y, v) is None  # fewer than 10 cohorts
    assert not metareg.factor_comparable(["a", "a", "b", "c"]) and metareg.factor_comparable(["a", "a", "b", "b"])


# the certainty rules, from their definitions ----------------------------------------------------------------
def _pooled(**changes: float) -> meta.MetaAnalysis:
    base = meta.meta_analysis({"A": [1, 2, 3, 1, 2, 2, 1, 3] * 3, "B": [2, 1, 2, 3, 1, 2, 2, 3] * 3,
                               "C": [1, 2, 2, 1, 3, 2, 2, 2] * 3, "D": [2, 2, 1, 3, 2, 1, 2, 2] * 3,
                               "E": [1, 3, 2, 2, 1, 2, 3, 1] * 3})
    assert base.k == evidence.PREDICTION_MIN_COHORTS
    return dataclasses.replace(base, **changes)


def test_certainty_starts_low_and_is_never_rated_up():
    precise = _pooled(pooled_ci_low=1.5, pooled_ci_high=2.2, i2=0.0, pi_low=1.2, pi_high=2.5)
    found = evidence.certainty(precise, sd=1.0, egger=None)
    assert found.level == evidence.STARTING_CERTAINTY == 2 and found.words == "low"
    assert found.reasons[0] == evidence.STARTS_LOW


@pytest.mark.parametrize("low, high, down", [(1.5, 2.2, 0), (0.2, 0.8, 0), (0.5, 1.5, 1), (-0.2, 0.6, 1),
                                             (-0.2, 1.6, 2)])
def test_imprecision_against_no_change_and_the_smallest_change_that_matters(low, high, down):
    assert SETTINGS.smallest_change_that_matters == 1.0
    # the prediction interval as wide as the confidence interval, so that it adds no inconsistency
    result = _pooled(pooled_ci_low=low, pooled_ci_high=high, i2=0.0, pi_low=low, pi_high=high)
    found = evidence.certainty(result, sd=1.0, egger=None)
    assert found.level == max(1, 2 - down) and found.down["imprecision"] == down
    assert any(reason.startswith("imprecision") for reason in found.reasons) == (down > 0)


@pytest.mark.parametrize("i2, pi, inconsistent", [(49.9, (1.2, 2.5), False), (50.0, (1.2, 2.5), True),
                                                  (10.0, (-0.1, 3.0), True)])
def test_inconsistency_by_i2_or_prediction_interval(i2, pi, inconsistent):
    result = _pooled(pooled_ci_low=1.5, pooled_ci_high=2.2, i2=i2, pi_low=pi[0], pi_high=pi[1])
    found = evidence.certainty(result, sd=1.0, egger=None)
    assert found.down["inconsistency"] == int(inconsistent)
    assert any(reason.startswith("inconsistency") for reason in found.reasons) is inconsistent
    assert found.level == (1 if inconsistent else 2)


def test_small_numbers_and_small_study_effects():
    result = _pooled(pooled_ci_low=1.5, pooled_ci_high=2.2, i2=0.0, pi_low=1.2, pi_high=2.5)
    needed = planning.pairs_needed(1.0, 5.0)
    assert result.n < needed  # 120 people pooled; the optimal information size with sd 5 is larger
    assert planning.pairs_needed(1.0, 1.0) < result.n
    found = evidence.certainty(result, sd=5.0, egger=None)
    assert found.level == 1 and found.down["small_numbers"] == 1
    assert any(reason.startswith("small numbers") for reason in found.reasons)
    egger = metareg.Coefficient("x", 2.0, 1.0, 0.0, 4.0, 0.05)
    flagged = evidence.certainty(result, sd=1.0, egger=egger)
    assert flagged.level == 1 and flagged.down["small_studies"] == 1
    assert evidence.certainty(result, sd=1.0, egger=dataclasses.replace(egger, p=0.2)).level == 2


def test_not_rated_without_a_pooled_change():
    lone = meta.meta_analysis({"A": [1, 2, 3]})
    found = evidence.certainty(lone, sd=math.nan, egger=None)
    assert found.level is None and found.words == "not rated"


def test_reasons_say_withheld_for_a_figure_a_public_page_hides():
    inputs = evidence.CertaintyInputs(k=6, n=math.nan, ci_low=0.5, ci_high=1.5, i2=math.nan, pi_low=-0.2,
                                      pi_high=2.4, ois=math.nan, egger_p=math.nan)
    reasons = evidence.certainty_reasons({"inconsistency": 1, "imprecision": 1, "small_numbers": 1,
                                          "small_studies": 0}, inputs)
    assert reasons[0] == evidence.STARTS_LOW
    assert reasons[1] == "inconsistency (I² withheld; a new cohort's change -0.2 to +2.4)"
    assert reasons[2].startswith("imprecision (95% interval +0.5 to +1.5, against no change and 1 point")
    assert reasons[3].startswith("small numbers (withheld people pooled")


def test_cumulative_at_chosen_rows_is_the_same_pools():
    labels, y, v, _, _, _, result = _data("sizes_k12")
    own = [(c.ci_low, c.ci_high) for c in result.cohorts]
    every = metareg.cumulative(labels, y, v, own)
    chosen = metareg.cumulative(labels, y, v, own, at=[0, 4, 11])
    assert [(s.k, s.estimate, s.ci_low, s.ci_high) for s in chosen] == \
        [(s.k, s.estimate, s.ci_low, s.ci_high) for s in (every[0], every[4], every[11])]
