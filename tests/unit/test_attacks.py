"""Attacks on public figures, each with a solver written here, independent of the disclosure code.

Issue 17's cases 1 and 2, reproduced on generated SYNTHETIC cohorts: first the attack is shown to
work on the figures as they would be published without the protection (so these tests can fail),
then the protection is shown to take away what it needs.

- **Case 1, a pooling of two cohorts inverted.** With one cohort's change known, the pooled change, its
  interval, tau² and I² of a two-cohort random-effects meta-analysis have one solution in the other
  cohort's whole-number sum and sum of squares: its hidden mean change comes back. The pooling is
  recomputed here in closed form (for k = 2, Paule-Mandel's tau² is ((y1 - y2)² - v1 - v2) / 2 when
  positive, and the Hartung-Knapp standard error is 1 / sqrt(sum w)), over every candidate at once.
- **Case 2, rounded group sizes un-rounded.** A paired mean change (1 decimal), its t interval
  (1 decimal) and Hedges' g_z (2 decimals) leave one whole number of people behind a count rounded to
  the nearest 5 in most cohorts: the audit must treat that n as known.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from rm_research.core.rounding import round_as_printed
from rm_research.findings import registry

LARGEST = 9  # ratings 1-10: a change lies in -9..9
T_ONE_DF = float(stats.t.ppf(0.975, 1))


def published(value: float, statistic: str, measure: str = "conf_senior") -> float:
    """As the public findings print it: rounded to the registry's public decimals (half up)."""
    return round_as_printed(value, registry.spec(measure, statistic).rounding)


def candidates(sizes: range) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (n, S, Q) a hidden cohort's changes could have: n people, integer sum S, integer sum of
    squares Q with Q >= S²/n (a superset of what whole-number changes in -9..9 allow)."""
    ns, ss, qs = [], [], []
    for n in sizes:
        for s in range(-LARGEST * n, LARGEST * n + 1):
            q = np.arange(math.ceil(s * s / n), LARGEST * LARGEST * n + 1)
            ns.append(np.full(q.size, n))
            ss.append(np.full(q.size, s))
            qs.append(q)
    return np.concatenate(ns), np.concatenate(ss), np.concatenate(qs)


def two_cohort_pooling(y1, v1, y2, v2):
    """Random-effects pooling of two cohorts (Paule-Mandel, Hartung-Knapp), in closed form, vectorised."""
    d2 = (y1 - y2) ** 2
    tau2 = np.maximum(0.0, (d2 - v1 - v2) / 2)
    w1, w2 = 1 / (v1 + tau2), 1 / (v2 + tau2)
    mu = (w1 * y1 + w2 * y2) / (w1 + w2)
    se = np.sqrt((w1 * (y1 - mu) ** 2 + w2 * (y2 - mu) ** 2) / (w1 + w2))
    q = d2 / (v1 + v2)
    i2 = np.where(q > 1, (q - 1) / np.where(q > 0, q, 1) * 100, 0.0)
    return {"pooled_change": mu, "pooled_ci_low": mu - T_ONE_DF * se, "pooled_ci_high": mu + T_ONE_DF * se,
            "tau2": tau2, "i2": i2}


def estimate(changes: np.ndarray) -> tuple[float, float]:
    return float(changes.mean()), float(changes.var(ddof=1)) / changes.size


def generated_pairs(count: int, seed: int = 17) -> list[tuple[np.ndarray, np.ndarray]]:
    """SYNTHETIC pairs of cohorts: one small (2-7 paired, whose change a public report hides), one larger."""
    rng = np.random.default_rng(seed)
    pairs = []
    while len(pairs) < count:
        small = rng.integers(-2, 5, size=int(rng.integers(2, 8)))
        large = rng.integers(-2, 5, size=int(rng.integers(8, 16)))
        if np.ptp(small) > 0 and np.ptp(large) > 0:
            pairs.append((small, large))
    return pairs


def test_the_closed_form_is_the_packages_pooling():
    """The attacker's formula is the contract's pooling (section 6), checked against the package's."""
    from rm_research.stats.meta import meta_analysis

    for small, large in generated_pairs(10):
        result = meta_analysis({"a": small, "b": large})
        mine = two_cohort_pooling(*estimate(small), *estimate(large))
        assert float(mine["pooled_change"]) == pytest.approx(result.pooled_change)
        assert float(mine["pooled_ci_low"]) == pytest.approx(result.pooled_ci_low)
        assert float(mine["tau2"]) == pytest.approx(result.tau2, abs=1e-9)
        assert float(mine["i2"]) == pytest.approx(result.i2, abs=1e-6)


def invert(shown: dict[str, float], other: tuple[float, float], sizes: range) -> set[float]:
    """Every mean change of the hidden cohort that the shown pooled figures allow, the other cohort known."""
    n, s, q = candidates(sizes)
    y = s / n
    v = (q - s * s / n) / (n - 1) / n
    keep = v > 0
    pooled = two_cohort_pooling(y[keep], v[keep], *other)
    match = np.ones(int(keep.sum()), dtype=bool)
    for statistic, value in shown.items():
        places = registry.spec("conf_senior", statistic).rounding
        match &= np.abs(pooled[statistic] - value) <= 0.5 * 10.0 ** -places + 1e-9
    return {round(float(m), 9) for m in y[keep][match]}


def test_case_1_a_pooling_of_two_gives_the_hidden_cohorts_change_back_when_published():
    """Reproduces case 1: the pooled figures of two cohorts, published as rounded as the public findings
    round them, with the other cohort's figures known, leave one mean change for the hidden cohort in most
    generated regions (the true one always among those left)."""
    recovered = 0
    pairs = generated_pairs(12)
    for small, large in pairs:
        truth = two_cohort_pooling(*estimate(small), *estimate(large))
        shown = {statistic: published(float(value), statistic) for statistic, value in truth.items()}
        means = invert(shown, estimate(large), range(2, 8))
        assert round(float(small.mean()), 9) in means
        recovered += len(means) == 1
    assert recovered >= len(pairs) - 2  # 12 of 12 when written


def test_case_1_the_public_level_findings_publish_none_of_what_the_attack_needs():
    """What the attack reads (the pooled change, its interval, tau², I²) is withheld wherever any of the
    pooled cohorts' changes is hidden, whatever hid them; the people pooled go with them."""
    from rm_research.disclosure.control import INVERTIBLE_POOLED, hide_invertible_pooling

    shown = {"k": "2.0", "pooled_change": "1.23", "pooled_ci_low": "0.1", "pooled_ci_high": "2.4", "pooled_p": "0.04",
             "tau2": "0.5", "i2": "20.0", "q_p": "0.3", "pooled_pi_low": "", "pooled_pi_high": "",
             # and the judgements made from them (issue 19): the certainty, its concerns, the people needed
             "certainty": "1.0", "certainty_inconsistency": "0.0", "certainty_imprecision": "1.0",
             "certainty_small_numbers": "0.0", "certainty_small_studies": "0.0", "optimal_information_size": "14.0",
             "pairs_needed": "12.0"}
    statistics = ["k", *INVERTIBLE_POOLED]
    assert set(statistics) == set(shown)
    safe = pd.DataFrame({"measure": "conf_senior", "role": "mentee", "statistic": statistics,
                         "value": [shown[s] for s in statistics], "n": "20"})
    for hidden in (1, 2, 3, 7):  # three or more hidden small cohorts are solved by exhaustive search (issue 19)
        protected = hide_invertible_pooling(safe, {("conf_senior", "mentee"): hidden})
        attacked = protected[protected["statistic"].isin(["pooled_change", "pooled_ci_low", "tau2", "i2"])]
        assert set(attacked["value"]) == {"*"} and set(protected["n"]) == {"*"}
    assert hide_invertible_pooling(safe, {("conf_senior", "mentee"): 0})["value"].equals(safe["value"])


# --- case 2 ---------------------------------------------------------------------------------------------

def paired_figures(changes: np.ndarray) -> dict[str, float]:
    """The paired figures a cohort publishes about its change, by their definitions, as printed."""
    n = changes.size
    mean, sd = float(changes.mean()), float(changes.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    g_z = mean / sd * (1 - 3 / (4 * (n - 1) - 1))
    values = {"change_mean": mean, "change_ci_low": mean - half, "change_ci_high": mean + half, "hedges_g_z": g_z}
    return {statistic: published(value, statistic) for statistic, value in values.items()}


def sizes_allowed(shown: dict[str, float], rounded_n: int) -> set[int]:
    """Every number of people behind the shown figures within the rounded n's range (n +- 2)."""
    found = set()
    for n in range(max(rounded_n - 2, 2), rounded_n + 3):
        _, s, q = candidates(range(n, n + 1))
        mean = s / n
        var = (q - s * s / n) / (n - 1)
        ok = var > 0
        sd = np.sqrt(np.where(ok, var, 1.0))
        half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
        figures = {"change_mean": mean, "change_ci_low": mean - half, "change_ci_high": mean + half,
                   "hedges_g_z": mean / sd * (1 - 3 / (4 * (n - 1) - 1))}
        for statistic, value in shown.items():
            ok &= np.abs(figures[statistic] - value) <= 0.5 * 10.0 ** -registry.spec(
                "conf_senior", statistic).rounding + 1e-9
        if ok.any():
            found.add(n)
    return found


def test_case_2_the_paired_figures_give_the_exact_n_behind_a_rounded_one():
    """Reproduces case 2: in most generated cohorts of 8-17 paired people, only the true n fits the
    published paired mean, interval and g_z within the rounded n's range."""
    rng = np.random.default_rng(5)
    exact = tried = 0
    while tried < 12:
        changes = rng.integers(-1, 5, size=int(rng.integers(8, 18)))
        if np.ptp(changes) == 0:
            continue
        tried += 1
        rounded = int(5 * math.floor(changes.size / 5 + 0.5))
        allowed = sizes_allowed(paired_figures(changes), rounded)
        assert changes.size in allowed
        exact += allowed == {changes.size}
    assert exact >= tried // 2  # 8 of 12 when written


def test_case_2_the_audit_takes_the_n_of_a_shown_mean_as_known():
    """So the audit models that attacker: a shown paired mean, its interval or g_z bounds the people paired
    to their true number, whatever the rounded n says; a share from rounded counts does not."""
    from rm_research.disclosure.differencing import Audit, carries_size

    for statistic in ("change_mean", "change_ci_low", "hedges_g_z", "wilcoxon_p"):
        assert carries_size("conf_senior", registry.spec("conf_senior", statistic))
    assert not carries_size("psych_supportive", registry.spec("psych_supportive", "wilson_ci_low"))
    findings = pd.DataFrame({"region": "r", "cohort": "1", "measure": "conf_senior", "role": "mentee",
                             "statistic": ["change_mean", "change_ci_low"], "value": [1.3, 0.4], "n": [12, 12]})
    safe = findings.assign(value=["1.3", "0.4"], n=["10", "10"])
    model = Audit(findings, safe).model
    paired = model.index[("P", "", "conf_senior", "paired", "mentee")]
    assert (model.lower[paired], model.upper[paired]) == (12.0, 12.0)
