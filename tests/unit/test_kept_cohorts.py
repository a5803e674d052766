"""A command validates each cohort once: what one task validated is kept in the command's private
folder (``ingest.load.keep_loaded_in``) and read back by the levels, in any of its processes."""

from __future__ import annotations

import pytest

from rm_research.findings.cohort import cohort_findings
from rm_research.ingest import load
from tests.conftest import make_project


@pytest.fixture
def keeping(tmp_path):
    load.keep_loaded_in(tmp_path / "kept")
    (tmp_path / "kept").mkdir()
    yield tmp_path / "kept"
    load.keep_loaded_in(None)


def test_a_kept_cohort_is_read_back_not_validated_again(keeping, tmp_path, monkeypatch):
    root = make_project(tmp_path / "project")
    first = load.load_cohort(root, "south-east", 1)
    assert len(list(keeping.iterdir())) == 1 and not list(keeping.glob("*.partial"))

    def refuse(*args, **kwargs):
        raise AssertionError("validated again")

    monkeypatch.setattr(load, "validate_cohort", refuse)
    again = load.load_cohort(root, "south-east", 1)
    assert again is not first and again.paths == first.paths
    assert cohort_findings(again).equals(cohort_findings(first))  # the same figures, to the last bit


def test_an_override_is_never_kept_nor_served_from_the_kept_copy(keeping, tmp_path):
    root = make_project(tmp_path / "project")
    load.load_cohort(root, "south-east", 1)
    overridden = load.load_cohort(root, "south-east", 1, psych_offered=5)
    assert overridden.programme.psych_sessions_offered == 5
    assert len(list(keeping.iterdir())) == 1


def test_nothing_is_kept_unless_the_command_says_where(tmp_path, monkeypatch):
    root = make_project(tmp_path / "project")
    calls = []
    validate = load.validate_cohort
    monkeypatch.setattr(load, "validate_cohort", lambda *a, **k: calls.append(1) or validate(*a, **k))
    load.load_cohort(root, "south-east", 1)
    load.load_cohort(root, "south-east", 1)
    assert len(calls) == 2
