"""Every failure is a message (data contract, sections 1 and 3): what an evaluator can put in a
cohort's folder is read only by its exact name, and whatever cannot be read is named by file and
row or line, through ``rm-research`` with exit status 2 and never a traceback."""

from __future__ import annotations

import errno
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from rm_research.core.problems import OutputError
from rm_research.ingest.validate import validate_cohort
from rm_research.run.cli import EXIT_BAD_DATA, EXIT_OK, EXIT_OUTPUT, main
from tests.conftest import REPO, make_project
from tests.helpers import FIXTURE, write_cohort


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_cohort(tmp_path / "data" / "raw" / "test-region" / "cohort-1")
    return tmp_path


def cohort(project: Path) -> Path:
    return project / "data" / "raw" / "test-region" / "cohort-1"


def run(project: Path, capsys, command: str = "validate", *extra: str) -> tuple[int, str, str]:
    status = main([command, *extra, "--region", "test-region", "--cohort", "1", "--root", str(project)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.out, captured.err


# --- contract section 1: a file is found by its exact name, nothing else is read ---------------------------------

def test_drafts_are_never_read_in_place_of_the_file(project, capsys):
    folder = cohort(project)
    (folder / "end_survey.csv").unlink()
    (folder / "end_survey.v1-draft.csv").write_text(FIXTURE["end_survey"])
    (folder / "end_survey.v2-final.csv").write_text(FIXTURE["end_survey"])
    status, _, err = run(project, capsys)
    assert status == EXIT_BAD_DATA
    assert ("end_survey.csv: this required file is missing (a .csv or .xlsx is accepted); found but not read: "
            "end_survey.v1-draft.csv, end_survey.v2-final.csv") in err


def test_other_files_are_listed_as_ignored_and_never_read(project, capsys):
    folder = cohort(project)
    odd = "participants.<img src=x onerror=alert(1)>.csv"
    (folder / odd).write_bytes(b"\x00 not even text")  # would be "not a CSV" if it were read
    (folder / "notes.txt").write_text("call the mentors")
    (folder / "end_survey-draft.csv").write_text(FIXTURE["end_survey"].replace("A1,", "Z9,"))
    (folder / "README.md").write_text("the example's own description")
    (folder / "SYNTHETIC").write_text("")
    (folder / "programme.toml").write_text("")  # read by rm_research.contract.programme, not as a table
    status, out, _ = run(project, capsys)
    assert status == EXIT_OK
    ignored = out.splitlines()[-1]
    assert ignored.startswith("ignored, never read")
    for name in (odd, "notes.txt", "end_survey-draft.csv"):
        assert name in ignored
    for quiet in ("README.md", "SYNTHETIC", "programme.toml"):  # the example's own files and the settings
        assert quiet not in ignored
    assert validate_cohort(folder).ignored == ("end_survey-draft.csv", "notes.txt", odd)


def test_exact_name_in_any_case_is_read(project, capsys):
    folder = cohort(project)
    (folder / "participants.csv").rename(folder / "Participants.CSV")
    assert run(project, capsys)[0] == EXIT_OK
    assert validate_cohort(folder).files["participants"].name == "Participants.CSV"


def test_both_csv_and_xlsx_for_one_file_cannot_be_guessed(project, capsys):
    folder = cohort(project)
    pd.read_csv(io.StringIO(FIXTURE["training"]), dtype=str).to_excel(folder / "training.xlsx", index=False)
    status, _, err = run(project, capsys)
    assert status == EXIT_BAD_DATA
    assert ("training.csv: training.xlsx is in the folder too; which one is meant cannot be guessed: keep one and "
            "move the other out of the folder") in err


def test_a_folder_named_like_the_file_is_a_folder_not_missing(project, capsys):
    folder = cohort(project)
    (folder / "participants.csv").unlink()
    (folder / "participants.csv").mkdir()
    status, _, err = run(project, capsys)
    assert status == EXIT_BAD_DATA
    assert "participants.csv: is a folder, not a file" in err
    assert "missing" not in err


# --- .xlsx formulas -------------------------------------------------------------------------------------------------

def _workbook_with_formula(path: Path, saved: str | None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Returns"
    sheet.append(["participant_id", "rating"])
    sheet.append(["A1", "=2+2"])  # openpyxl stores the formula without a value, as a script would
    sheet.append(["B1", 5])
    book.save(path)
    if saved is not None:  # what Excel does on saving: the formula's value is stored beside it
        with zipfile.ZipFile(path) as source:
            parts = {name: source.read(name) for name in source.namelist()}
        sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
        assert "<f>2+2</f><v />" in sheet_xml
        parts["xl/worksheets/sheet1.xml"] = sheet_xml.replace("<f>2+2</f><v />", f"<f>2+2</f><v>{saved}</v>").encode()
        with zipfile.ZipFile(path, "w") as target:
            for name, data in parts.items():
                target.writestr(name, data)
    return path


def test_a_formula_without_a_saved_value_is_bad_input_not_a_blank(project, capsys):
    folder = cohort(project)
    (folder / "training.csv").unlink()
    _workbook_with_formula(folder / "training.xlsx", saved=None)
    status, _, err = run(project, capsys)
    assert status == EXIT_BAD_DATA
    assert ("training.xlsx, row 2, column rating: a formula with no saved value (sheet 'Returns', e.g. cell B2: "
            "=2+2); open the workbook in Excel and save it first") in err


def test_a_formula_with_a_saved_value_is_read_by_its_value(tmp_path):
    folder = write_cohort(tmp_path, training=None)
    _workbook_with_formula(folder / "training.xlsx", saved="4")
    assert validate_cohort(folder).tables["training"]["rating"].tolist() == ["4", "5"]


# --- contract section 3: never a traceback ---------------------------------------------------------------------------

def test_an_unreadable_file_is_named(project, capsys, monkeypatch):
    real = Path.read_bytes

    def refuse(path: Path) -> bytes:  # tests run as root, whom chmod does not stop
        if path.name == "enrolment.csv":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    status, _, err = run(project, capsys)
    assert status == EXIT_BAD_DATA
    assert "enrolment.csv: the file cannot be read (permission denied)" in err


def test_an_unreadable_cohort_folder_is_named(project, capsys, monkeypatch):
    def refuse(path: Path):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(Path, "iterdir", refuse)
    status, _, err = run(project, capsys)
    assert status == EXIT_BAD_DATA
    assert "cohort-1: the folder cannot be read (permission denied)" in err


def test_a_number_too_large_to_be_a_count_is_bad_input_for_report_too(project, capsys):
    folder = cohort(project)
    (folder / "end_survey.csv").write_text(FIXTURE["end_survey"].replace(",5,yes,no,yes", ",99999999999999999999,yes,no,yes"))
    status, _, err = run(project, capsys, "report", "--no-html")
    assert status == EXIT_BAD_DATA
    assert ("end_survey.csv, row 2, column sessions_reported: '99999999999999999999' is not valid; "
            "expected a whole number from 0 to 1000") in err


# --- problems grouped and capped -------------------------------------------------------------------------------------

def test_a_problem_on_many_rows_is_printed_once_with_its_rows(project, capsys):
    rows = ["participant_id,date,conf_senior"] + [f"X{i},2020-10-05,11" for i in range(3000)]
    (cohort(project) / "enrolment.csv").write_text("\n".join(rows) + "\n")
    status, _, err = run(project, capsys)
    assert status == EXIT_BAD_DATA
    lines = err.splitlines()
    assert "  - enrolment.csv, rows 2-3001, column conf_senior: '11' is not valid; expected a whole number from 1 to 10" \
        in lines
    assert ("  - enrolment.csv, rows 2-3001, column participant_id: 'X0', 'X1', 'X2' and 2,997 other codes are not "
            "listed in participants; correct the codes or enrol them first") in lines
    assert len(lines) == 3


def test_at_most_twenty_lines_per_file_then_a_count(project, capsys):
    # 25 distinct problems in one file: 25 columns.toml entries naming columns end_survey does not have
    entries = "".join(f'no_such_column_{i} = "Question {i}"\n' for i in range(25))
    (cohort(project) / "columns.toml").write_text(f"[end_survey]\n{entries}")
    status, _, err = run(project, capsys)
    assert status == EXIT_BAD_DATA
    listed = [line for line in err.splitlines() if line.startswith("  - columns.toml")]
    assert len(listed) == 21
    assert listed[-1] == ("  - columns.toml: 5 more problem(s) not shown; fix those above and run validate "
                          "again to see them")
    assert "Found 25 problem(s)" in err


def test_extra_columns_with_one_header_are_kept_and_ignored(project, capsys):
    # survey exports repeat follow-up wordings; the contract keeps and ignores extra columns
    path = cohort(project) / "participants.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",Please explain,Please explain"]
                              + [line + ",a,b" for line in lines[1:]]) + "\n")
    status, _, err = run(project, capsys)
    assert status == 0, err


# --- exit statuses -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_outputs_that_cannot_be_written_exit_4_with_a_message(project, capsys, monkeypatch, code):
    def full(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(project / "reports" / "x.csv"))

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    status, _, err = run(project, capsys, "report", "--no-html")
    assert status == EXIT_OUTPUT
    assert err.startswith("rm-research: ") and "could not write" in err.lower()


def test_output_error_exits_4_with_its_message(project, capsys, monkeypatch):
    def locked(*args, **kwargs):
        raise OutputError("Could not write the outputs in reports/: the disk is full.")

    monkeypatch.setattr("rm_research.run.cohort.run_report", locked)
    status, _, err = run(project, capsys, "report", "--no-html")
    assert status == EXIT_OUTPUT
    assert err == "rm-research: Could not write the outputs in reports/: the disk is full.\n"


@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
@pytest.mark.parametrize(("status", "meaning"), [
    (2, "the data break the contract"), (3, "a published figure was not reproduced"),
    (4, "the outputs could not be written"),
])
def test_make_says_the_commands_own_status_and_its_meaning(tmp_path, status, meaning):
    fake = tmp_path / "rm-research"
    fake.write_text(f"#!/bin/sh\nexit {status}\n")
    fake.chmod(0o755)
    stamp = ".venv/.installed"  # -o: never (re)install, whatever its date
    done = subprocess.run(["make", "-s", "-o", stamp, "verify", "COHORT=1", f"RM={fake}"], cwd=REPO,
                          capture_output=True, text=True)
    assert done.returncode == 2  # GNU make's own status for any failed recipe
    assert f"rm-research exited with status {status}: {meaning}" in done.stderr


# --- no kernel noise -------------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_report_prints_no_kernel_noise(tmp_path):
    root = make_project(tmp_path)
    done = subprocess.run([str(Path(sys.executable).parent / "rm-research"), "report", "--cohort", "1",
                           "--root", str(root)], capture_output=True, text=True)
    assert done.returncode == EXIT_OK, done.stderr
    assert "without encryption" not in done.stderr + done.stdout
    assert "KeyboardInterrupt" not in done.stderr + done.stdout


def test_kernel_output_is_logged_not_printed(caplog):
    from rm_research.render.notebook import _pass_on

    output = io.BytesIO(b"[IPKernelApp] WARNING | Kernel is running over TCP without encryption.\n\n")
    with caplog.at_level("DEBUG", logger="rm_research.render.notebook"):
        _pass_on(output, 10)
    assert [record.getMessage() for record in caplog.records] == [
        "kernel: [IPKernelApp] WARNING | Kernel is running over TCP without encryption."]

