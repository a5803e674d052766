"""Contract section 8's findings of the SYNTHETIC example against R (issue 20).

R 4.2.2 with coin 1.4-2 computed every section 8 row once from the example's raw CSV files, without this
package (tests/fixtures/r/instruments.R): each cohort that has any of the four files, each region and the
nation over all their cohorts' people; Wilcoxon p's by ``coin::wilcoxsign_test`` (exact up to 50
differences, asymptotic beyond), Kendall's W by ``friedman.test``, ICC(1) by ``aov``'s mean squares. The
tests read the committed CSV (tests/fixtures/r/instruments.csv) and never need R. If the example is
generated again differently, run the R script again.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from rm_research.findings import instruments
from rm_research.findings.level import level_results, person_table
from rm_research.ingest.load import LoadedCohort, load_cohort

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "r" / "instruments.csv"
R = pd.read_csv(FIXTURE, keep_default_na=False, dtype={"value": str})
UNITS = list(dict.fromkeys(R["unit"]))


@cache
def _loaded() -> tuple[LoadedCohort, ...]:
    folders = sorted((REPO / "data" / "raw").glob("*/cohort-*"))
    return tuple(load_cohort(REPO, folder.parent.name, int(folder.name.split("-")[1])) for folder in folders)


@cache
def _people(unit: str) -> pd.DataFrame:
    if "/" in unit:
        region, number = unit.split("/")
        return person_table([c for c in _loaded() if c.paths.region == region and c.paths.cohort == int(number)])
    return person_table([c for c in _loaded() if unit == "national" or c.paths.region == unit])


def _ours(unit: str) -> dict[tuple[str, str, str], tuple[float, int]]:
    return {(m, r, s): (v, n) for m, r, s, v, n in instruments.instrument_rows(_people(unit))}


def test_the_fixture_covers_cohorts_regions_the_nation_and_every_statistic():
    assert "national" in UNITS and any("/" in u for u in UNITS) and any("/" not in u and u != "national" for u in UNITS)
    statistics = set(R["statistic"])
    assert {"kendalls_w", "friedman_p", "pre_mean", "post_mean", "change_mean", "wilcoxon_p", "icc1",
            "followup_mean", "sustained_change_mean", "sustained_wilcoxon_p", "since_end_change_mean",
            "since_end_wilcoxon_p"} <= statistics
    assert set(R["measure"]) >= {"benefit_rank", "psych_topic"}
    # the national Wilcoxon tests rest on more than 50 mentees: R's asymptotic test is checked too
    national = R[(R["unit"] == "national") & (R["statistic"] == "wilcoxon_p")]
    assert (national["n"] > 50).all()


@pytest.mark.parametrize("unit", UNITS)
def test_every_section_8_row_as_r_computes_it(unit):
    expected = R[R["unit"] == unit]
    ours = _ours(unit)
    assert set(ours) == set(zip(expected["measure"], expected["role"], expected["statistic"], strict=True))
    for measure, role, statistic, value, n in expected[["measure", "role", "statistic", "value", "n"]].itertuples(
            index=False):
        found, found_n = ours[(measure, role, statistic)]
        assert found_n == n, (measure, role, statistic)
        if value == "":
            assert math.isnan(found), (measure, role, statistic)
        else:
            assert found == pytest.approx(float(value), rel=1e-9, abs=1e-12), (measure, role, statistic)


def test_a_level_findings_table_carries_its_section_8_rows():
    findings = level_results(_people("national"), "national").findings
    rows = set(zip(findings["measure"], findings["role"], findings["statistic"], strict=True))
    assert set(_ours("national")) <= rows
