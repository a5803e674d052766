"""Property-based tests: random valid cohorts always pass; one random corruption is always caught,
where it is; messy spellings never change a finding; nothing raises an unhandled exception."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pandas.testing as pdt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rm_research.core.config import AnalysisSettings
from rm_research.core.problems import DataError
from rm_research.findings.cohort import compute_findings
from rm_research.ingest.clean import tidy_cohort
from rm_research.ingest.validate import validate_cohort
from tests.property.strategies import cohorts, corrupt

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Few bootstrap resamples: these tests are about robustness and invariance, not interval accuracy.
QUICK = AnalysisSettings(bootstrap_resamples=199)


def findings_of(folder: Path):
    return compute_findings(tidy_cohort(validate_cohort(folder)), "r", 1, QUICK)


@SETTINGS
@given(cohorts())
def test_valid_cohorts_pass_and_give_sane_findings(cohort):
    with tempfile.TemporaryDirectory() as scratch:
        findings = findings_of(cohort.write(Path(scratch)))
    enrolled = findings[(findings["measure"] == "flow") & (findings["statistic"] == "enrolled")]
    assert enrolled.set_index("role").loc["all", "value"] == len(cohort.tables["participants"]["rows"])
    assert all(math.isnan(v) or math.isfinite(v) for v in findings["value"])
    assert (findings["n"] >= 0).all()
    p_values = findings.loc[findings["statistic"] == "wilcoxon_p", "value"].dropna()
    assert p_values.between(0, 1).all()


@SETTINGS
@given(cohorts(), st.data())
def test_a_single_corruption_is_always_caught_where_it_is(cohort, data):
    broken, expected, raw_files = corrupt(cohort, data)
    with tempfile.TemporaryDirectory() as scratch:
        folder = broken.write(Path(scratch))
        for name, content in raw_files.items():
            (folder / name).write_bytes(content)
        try:
            validate_cohort(folder)
        except DataError as error:
            where = {(p.file, row, p.column) for p in error.problems for row in p.rows}
        else:
            raise AssertionError(f"not caught: {expected}")
    assert (expected.file, expected.row, expected.column) in where


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts(), st.integers(0, 2**32 - 1))
def test_messy_spellings_give_the_same_findings_as_a_clean_copy(cohort, seed):
    with tempfile.TemporaryDirectory() as scratch:
        clean = findings_of(cohort.write(Path(scratch) / "clean"))
        messy = findings_of(cohort.write(Path(scratch) / "messy", messiness=seed))
    pdt.assert_frame_equal(messy, clean)
