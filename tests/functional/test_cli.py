"""The rm-research command: exit statuses and the messages an evaluator sees."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rm_research.run.cli import EXIT_BAD_DATA, EXIT_OK, main
from tests.helpers import FIXTURE, write_cohort


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_cohort(tmp_path / "data" / "raw" / "test-region" / "cohort-1")
    return tmp_path


def run(project: Path, *args: str) -> int:
    return main([*args, "--region", "test-region", "--cohort", "1", "--root", str(project)])


def test_validate_ok(project, capsys):
    assert run(project, "validate") == EXIT_OK
    assert "valid" in capsys.readouterr().out


def test_validate_bad_data_exits_2_with_every_problem(project, capsys):
    folder = project / "data" / "raw" / "test-region" / "cohort-1"
    (folder / "enrolment.csv").write_text(FIXTURE["enrolment"].replace("A1,2020-10-05,5", "A1,2020-10-05,11"))
    (folder / "end_survey.csv").write_text(FIXTURE["end_survey"].replace("B1,", "Z9,"))
    assert run(project, "validate") == EXIT_BAD_DATA
    err = capsys.readouterr().err
    assert "Found 2 problem(s)" in err
    assert "enrolment.csv, row 2, column conf_senior: '11' is not valid" in err
    assert "end_survey.csv, row 4, column participant_id: 'Z9' is not listed in participants" in err


def test_report_without_html_writes_findings_and_processed(project):
    assert run(project, "report", "--no-html") == EXIT_OK
    assert (project / "reports" / "test-region" / "cohort-1" / "findings.csv").is_file()
    assert (project / "data" / "processed" / "test-region" / "cohort-1" / "participants.csv").is_file()


def test_report_on_bad_data_exits_2_and_leaves_earlier_outputs(project):
    assert run(project, "report", "--no-html") == EXIT_OK
    findings = project / "reports" / "test-region" / "cohort-1" / "findings.csv"
    before = findings.read_bytes()
    (project / "data" / "raw" / "test-region" / "cohort-1" / "participants.csv").write_text("not,a\ncohort,")
    assert run(project, "report", "--no-html") == EXIT_BAD_DATA
    assert findings.read_bytes() == before


def test_verify_without_published_figures_says_so(project, capsys):
    assert run(project, "verify") == EXIT_BAD_DATA
    assert "no published figures are recorded for test-region cohort 1" in capsys.readouterr().err


def test_bad_arguments_are_usage_errors(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["validate", "--region", "South East", "--cohort", "1"])
    assert stopped.value.code == 2
    assert "not a valid slug" in capsys.readouterr().err


def test_console_script_is_installed():
    done = subprocess.run([Path(sys.executable).parent / "rm-research", "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    for command in ("validate", "report", "verify"):
        assert command in done.stdout
