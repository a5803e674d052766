"""load_all and friends: every cohort's tidy tables and findings, stacked, for researchers."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import rm_research
from rm_research.examples.explore import (
    AllCohorts,
    compare_cohorts,
    load_all,
    of_cohort,
    stack_findings,
    with_cohort_columns,
    without_identifiers,
)
from rm_research.findings.table import FINDINGS_COLUMNS
from rm_research.ingest.load import load_cohort
from tests.helpers import FIXTURE, write_cohort

#: A second cohort: the fixture without mentor A3.
WITHOUT_A3 = {
    "participants": "\n".join(line for line in FIXTURE["participants"].splitlines() if not line.startswith("A3")) + "\n",
    "enrolment": "\n".join(line for line in FIXTURE["enrolment"].splitlines() if not line.startswith("A3")) + "\n",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three cohorts: london 1 (the fixture), north-west 2 (without A3), north-west 3 (a rating of 11)."""
    root = tmp_path_factory.mktemp("project")
    raw = root / "data" / "raw"
    write_cohort(raw / "london" / "cohort-1")
    write_cohort(raw / "north-west" / "cohort-2", **WITHOUT_A3)
    write_cohort(raw / "north-west" / "cohort-3",
                 enrolment=FIXTURE["enrolment"].replace("A1,2020-10-05,5", "A1,2020-10-05,11"))
    (raw / "national").mkdir()  # reserved: passed over with a note
    return root


@pytest.fixture(scope="module")
def everything(project: Path) -> AllCohorts:
    return load_all(str(project))  # a str, as a researcher would type it


def test_with_cohort_columns_puts_region_and_cohort_first():
    table = pd.DataFrame({"participant_id": ["A1", "B1"], "conf_senior": pd.array([5, None], dtype="Int64")})
    stacked = with_cohort_columns(table, "london", 2)
    assert list(stacked.columns) == ["region", "cohort", "participant_id", "conf_senior"]
    assert stacked["region"].tolist() == ["london", "london"] and stacked["cohort"].tolist() == [2, 2]
    assert list(table.columns) == ["participant_id", "conf_senior"]  # the input is left as it was


def test_every_valid_cohort_is_stacked(everything):
    participants = everything["participants"]
    # the fixture has 5 participants; the second cohort lacks A3
    assert participants.groupby(["region", "cohort"]).size().to_dict() == {("london", 1): 5, ("north-west", 2): 4}
    assert everything.cohorts.to_dict("records") == [
        {"region": "london", "cohort": 1, "participants": 5}, {"region": "north-west", "cohort": 2, "participants": 4}]
    assert list(everything["end_survey"].columns[:3]) == ["region", "cohort", "participant_id"]
    assert "observations" not in everything.tables  # no cohort supplied one


def test_findings_of_every_valid_cohort(everything):
    findings = everything.findings
    assert list(findings.columns) == FINDINGS_COLUMNS
    enrolled = findings.query("measure == 'flow' and statistic == 'enrolled' and role == 'mentor'")
    counts = enrolled.set_index(["region", "cohort"])["value"].to_dict()
    assert counts == {("london", 1): 3, ("north-west", 2): 2}  # mentors A1, A2, A3; then A1, A2


def test_a_cohort_that_breaks_the_contract_is_listed_not_raised(everything):
    assert list(everything.invalid) == [("north-west", 3)]
    problems = everything.problems()
    assert problems[["region", "cohort", "file", "row", "column"]].values.tolist() == [
        ["north-west", 3, "enrolment.csv", 2, "conf_senior"]]
    assert any("national" in note for note in everything.notes)


def test_one_cohort_is_what_load_cohort_gives(project, everything):
    loaded = load_cohort(str(project), "north-west", 2)  # str or Path, as everywhere
    one = everything.cohort("north-west", 2)
    assert set(one) == set(loaded.cohort.tables())
    for name, table in loaded.cohort.tables().items():
        pd.testing.assert_frame_equal(one[name], table.reset_index(drop=True))


def test_only_one_region(project):
    assert load_all(project, region="london").cohorts["region"].tolist() == ["london"]


def test_no_cohorts(tmp_path):
    nothing = load_all(tmp_path)
    assert nothing.tables == {} and nothing.findings.empty and list(nothing.findings.columns) == FINDINGS_COLUMNS
    assert nothing.cohorts.empty


def test_compare_cohorts_a_column_per_role():
    findings = pd.DataFrame({
        "region": ["a", "a", "a", "b", "b"], "cohort": [1, 1, 1, 2, 2],
        "measure": ["conf_senior", "conf_senior", "conf_senior", "conf_senior", "flow"],
        "role": ["all", "mentee", "mentor", "mentor", "mentor"],
        "statistic": ["change_mean", "change_mean", "change_mean", "change_mean", "enrolled"],
        "value": [1.5, 1.0, 2.0, -0.5, 7.0], "n": [4, 2, 2, 3, 7]})
    table = compare_cohorts(findings, "conf_senior", "change_mean")
    assert list(table.columns) == ["mentor", "mentee", "all"]
    assert table.loc[("a", 1)].tolist() == [2.0, 1.0, 1.5]
    assert table.loc[("b", 2), "mentor"] == -0.5 and pd.isna(table.loc[("b", 2), "mentee"])


def test_of_cohort_and_without_identifiers():
    table = pd.DataFrame({"region": ["a", "b"], "cohort": [1, 1], "participant_id": ["A1", "B1"],
                          "pair_id": ["P1", "P2"], "rating": [4, 5]})
    assert of_cohort(table, "b", 1).to_dict("records") == [{"participant_id": "B1", "pair_id": "P2", "rating": 5}]
    assert list(without_identifiers(table).columns) == ["region", "cohort", "rating"]


def test_stack_findings_of_nothing_has_the_contracts_columns():
    assert list(stack_findings([]).columns) == FINDINGS_COLUMNS


def test_load_all_is_exported_without_slowing_the_command_line():
    assert rm_research.load_all is load_all
    assert "load_all" in rm_research.__all__
    code = "import sys, rm_research; print('pandas' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_asking_for_a_cohort_that_is_not_there_says_why(everything):
    with pytest.raises(LookupError, match=re.escape("breaks the data contract (1 problem(s)")):
        everything.cohort("north-west", 3)
    with pytest.raises(LookupError, match="no cohort folder data/raw/london/cohort-9/"):
        everything.cohort("london", 9)
