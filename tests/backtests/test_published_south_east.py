"""Back test: every figure the South East published for Cohort 1 is reproduced from the example data.

The expected values are the published ones (src/rm_research/published/south-east-cohort-1.csv,
transcribed from shared/seeds/000-002), not values this package computed.
"""

from __future__ import annotations

import re

import pytest

from rm_research.findings.cohort import cohort_findings
from rm_research.findings.verify import compare, published_figures
from rm_research.ingest.load import load_cohort
from rm_research.run.cli import EXIT_OK, main
from tests.conftest import REPO

PUBLISHED = published_figures("south-east", 1)


@pytest.fixture(scope="module")
def comparison():
    return compare(cohort_findings(load_cohort(REPO, "south-east", 1)), PUBLISHED)


def test_published_file_is_well_formed():
    assert len(PUBLISHED) >= 40
    assert set(PUBLISHED["source"]) <= {"000/001", "002"}
    for printed, number in zip(PUBLISHED["published"], PUBLISHED["value"], strict=True):
        assert float(re.sub(r"%$", "", printed)) == number, "the numeric value must be the printed one"


def test_the_self_contradiction_is_documented():
    row = PUBLISHED[(PUBLISHED["statistic"] == "Process management") & (PUBLISHED["role"] == "mentor")].iloc[0]
    assert row["published"] == "72%" and "SOURCE INCONSISTENT" in row["note"]


@pytest.mark.parametrize("figure", PUBLISHED.index, ids=lambda i: f"{PUBLISHED.at[i, 'role']}: {PUBLISHED.at[i, 'figure']}")
def test_each_published_figure_is_reproduced(comparison, figure):
    row = comparison.loc[figure]
    assert row["match"], f"published {row['published']}, reproduced {row['reproduced']}"


def test_areas_of_work_rest_on_11_mentors_and_7_mentees():
    findings = cohort_findings(load_cohort(REPO, "south-east", 1))
    areas = findings[findings["measure"] == "areas_of_work"]
    assert set(areas.loc[areas["role"] == "mentor", "n"]) == {11}
    assert set(areas.loc[areas["role"] == "mentee", "n"]) == {7}


def test_verify_command_passes(capsys):
    assert main(["verify", "--cohort", "1", "--root", str(REPO)]) == EXIT_OK
    assert f"{len(PUBLISHED)} of {len(PUBLISHED)} published figures reproduced" in capsys.readouterr().out


def test_a_wrong_reproduction_is_caught():
    findings = cohort_findings(load_cohort(REPO, "south-east", 1))
    mentors_enrolled = (findings["measure"] == "flow") & (findings["role"] == "mentor") & (
        findings["statistic"] == "enrolled")
    findings.loc[mentors_enrolled, "value"] = 12.0
    result = compare(findings, PUBLISHED)
    assert result.loc[~result["match"], "figure"].tolist() == ["mentors answering the areas-of-work question"]
