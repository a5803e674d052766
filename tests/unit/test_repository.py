"""Promises the repository itself keeps: raw data stays out of git, the contract copy is current."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_CONTRACT = REPO.parent / "shared" / "data-contract.md"


def tracked(*patterns: str) -> list[str]:
    done = subprocess.run(["git", "-C", str(REPO), "ls-files", *patterns], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip("not a git checkout")
    return done.stdout.split()


EXAMPLE_FILES = {"README.md", "SYNTHETIC", "participants.csv", "enrolment.csv", "end_survey.csv",
                 "mentoring_sessions.csv", "psych_sessions.csv", "training.csv", "themes.csv"}


def test_only_the_synthetic_example_is_tracked_under_data_raw():
    from rm_research.examples.collaborative import committed_files

    allowed = ({"data/raw/README.md"} | {f"data/raw/south-east/cohort-1/{name}" for name in EXAMPLE_FILES}
               | set(committed_files()))
    assert set(tracked("data/raw")) - allowed == set()
    assert [path for path in tracked("data/processed", "reports") if not path.endswith(".gitkeep")] == []


@pytest.mark.parametrize("path", ["data/raw/midlands/cohort-9/participants.csv",
                                  "data/raw/south-east/cohort-4/participants.csv",
                                  "data/raw/wessex/cohort-1/participants.csv",
                                  "data/raw/south-east/cohort-1/real_export.xlsx",
                                  "data/raw/south-east/cohort-2/real_export.xlsx",
                                  "data/raw/london/cohort-1/end_survey-draft.csv",
                                  "data/raw/north-west/cohort-2/psych_sessions.csv",
                                  "data/processed/south-east/cohort-1/participants.csv",
                                  "reports/south-east/cohort-1/report.html"])
def test_gitignore_keeps_real_and_derived_data_out(path):
    done = subprocess.run(["git", "-C", str(REPO), "check-ignore", "-q", path])
    assert done.returncode == 0, f"{path} would be committable"


@pytest.mark.skipif(not SHARED_CONTRACT.is_file(), reason="shared/ is not beside this checkout")
def test_contract_copy_matches_the_binding_contract():
    copy = (REPO / "docs" / "data-contract.md").read_text().split("\n", 2)[2]
    assert copy == SHARED_CONTRACT.read_text()


def test_every_file_the_makefile_installs_from_is_tracked():
    """A fresh clone (CI's) must hold each lock file make installs from."""
    makefile = (REPO / "Makefile").read_text()
    named = set(re.findall(r"requirements[\w-]*\.lock", makefile))
    assert named == {"requirements.lock", "requirements-test.lock", "requirements-lab.lock"}
    assert named <= set(tracked(*named)), "git add the lock files"
