"""A cohort as Microsoft Forms exports it (data contract, section 7; issue 11): question-text headers,
the tool's bookkeeping columns with the respondents' names and e-mails, workbooks rather than CSV,
and a ``columns.toml`` naming only the participant-code question. It must give the same findings as
the same data in the contract's own format, and no name or e-mail may reach any file written."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pandas.testing as pdt
import pytest

from rm_research.contract.columns import BOOKKEEPING, WORDINGS
from rm_research.findings.cohort import compute_findings
from rm_research.ingest.clean import tidy_cohort
from rm_research.ingest.validate import validate_cohort
from rm_research.run.cli import EXIT_BAD_DATA, EXIT_OK, main
from rm_research.run.cohort import run_report
from tests.conftest import EXAMPLE

CODE_QUESTION = "What is your participant code?"
#: Made-up respondents, as Microsoft Forms fills its Name and Email columns from the sign-in.
NAMES = ["Ada Lovelace", "Grace Hopper", "Mary Seacole", "Rosalind Franklin", "Alan Turing", "Dorothy Hodgkin",
         "Florence Nightingale", "Edward Jenner", "Elizabeth Garrett", "Joseph Lister", "Marie Curie",
         "Walter Tull", "Noor Inayat", "Olaudah Equiano", "Claudia Jones", "Sophia Jex-Blake", "James Barry",
         "Anne McLaren"]
EMAILS = [name.lower().replace(" ", ".") + "@example.org" for name in NAMES]
#: Headers for the columns section 2 quotes no wording for, as an evaluator would title the questions.
OWN_TITLES = {"date": "Date", "missed_reason": "Missed reason", "participant_id": "Participant ID"}
MS_FORMS_BOOKKEEPING = [header for header, tool in BOOKKEEPING.items() if tool == "Microsoft Forms"]


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8-sig") as file:
        header, *rows = list(csv.reader(file))
    return header, rows


def _cell(value: str) -> object:
    """A cell as Microsoft Forms writes it: numbers as numbers, blanks empty."""
    if value == "":
        return None
    return int(value) if value.isdigit() else value


def forms_workbook(source: Path, target: Path, table: str, extra_question: bool = False) -> None:
    """``source`` (a contract CSV) as a Microsoft Forms export: bookkeeping columns first, then one
    column per question headed by its wording (the participant code by ``CODE_QUESTION``)."""
    header, rows = _rows(source)
    wordings = WORDINGS.get(table, {})
    questions = [CODE_QUESTION if column == "participant_id" and table in WORDINGS
                 else wordings.get(column, OWN_TITLES.get(column, column.replace("_", " ").capitalize()))
                 for column in header]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append([*MS_FORMS_BOOKKEEPING, *questions, *(["Any other comments?"] if extra_question else [])])
    for number, row in enumerate(rows):
        bookkeeping = [number + 1, "5/12/21 10:15:02", "5/12/21 10:31:47", EMAILS[number % len(EMAILS)],
                       NAMES[number % len(NAMES)], None]
        cells = [_cell(value) for value in row]
        if table == "training" and cells[header.index("resources_needed")]:
            cells[header.index("resources_needed")] += ";"  # Microsoft Forms ends a multi-select answer with ';'
        sheet.append([*bookkeeping, *cells, *(["No"] if extra_question else [])])
    book.save(target)


def forms_cohort(folder: Path) -> Path:
    """The synthetic example cohort with its surveys and training feedback exported from Microsoft Forms."""
    shutil.copytree(EXAMPLE, folder)
    for table in ("enrolment", "end_survey", "training"):
        forms_workbook(folder / f"{table}.csv", folder / f"{table}.xlsx", table, extra_question=table == "end_survey")
        (folder / f"{table}.csv").unlink()
    (folder / "columns.toml").write_text(f'[enrolment]\nparticipant_id = "{CODE_QUESTION}"\n\n'
                                         f'[end_survey]\nparticipant_id = "{CODE_QUESTION}"\n', encoding="utf-8")
    return folder


def project(root: Path, cohort: Path | None = None) -> Path:
    """A scratch project holding the example cohort as South East cohort 1 (``cohort`` in its place)."""
    target = root / "data" / "raw" / "south-east" / "cohort-1"
    if cohort is None:
        shutil.copytree(EXAMPLE, target)
    else:
        target.parent.mkdir(parents=True)
        cohort.rename(target)
    (root / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")
    return root


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return forms_cohort(tmp_path_factory.mktemp("forms") / "cohort-1")


def test_the_export_is_what_it_claims_to_be(exported):
    book = openpyxl.load_workbook(exported / "end_survey.xlsx", read_only=True)
    header = [cell.value for cell in next(book.active.iter_rows(max_row=1))]
    book.close()
    assert header[:6] == ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"]
    assert CODE_QUESTION in header and "How many sessions did you have with your mentor/mentee?" in header
    assert not any(column in header for column in ("conf_senior", "sessions_reported", "participant_id"))


def test_a_forms_export_gives_the_same_findings_as_the_contract_format(exported):
    contract = compute_findings(tidy_cohort(validate_cohort(EXAMPLE)), "south-east", 1)
    forms = compute_findings(tidy_cohort(validate_cohort(exported)), "south-east", 1)
    pdt.assert_frame_equal(forms, contract)


def test_names_and_emails_are_never_read_into_a_table(exported):
    raw = validate_cohort(exported)
    for name, table in raw.tables.items():
        assert not {"id", "name", "email", "start_time", "completion_time"} & set(table.columns), name
        cells = set(table.astype("string").stack().dropna())
        assert not cells & {*NAMES, *EMAILS}, name


def test_the_names_withheld_can_still_be_read_on_demand_for_redacting_quotes(exported):
    from rm_research.ingest.read import withheld_names

    withheld = withheld_names(validate_cohort(exported).files.values())
    assert {"Ada Lovelace", "ada.lovelace@example.org", "Anne McLaren", "anne.mclaren@example.org"} <= withheld
    assert withheld <= {*NAMES, *EMAILS}  # the Name and Email columns only: no codes, times or answers


def test_report_files_are_the_same_and_hold_no_name_or_email(exported, tmp_path):
    plain = run_report(project(tmp_path / "plain"), "south-east", 1, html=False)
    forms_root = project(tmp_path / "forms", forms_cohort(tmp_path / "scratch" / "cohort-1"))
    forms = run_report(forms_root, "south-east", 1, html=False)
    assert forms.findings.read_bytes() == plain.findings.read_bytes()
    written = [path for folder in ("data/processed", "reports") for path in (forms_root / folder).rglob("*")
               if path.is_file()]
    assert forms.findings in written and len(written) > 5
    for path in written:
        text = path.read_bytes().decode("utf-8", errors="replace").casefold()
        leaked = [word for word in (*NAMES, *EMAILS, "example.org") if word.casefold() in text]
        assert not leaked, f"{path} holds {leaked}"


def test_validate_lists_what_it_matched_dropped_and_did_not_recognise(exported, tmp_path, capsys):
    root = project(tmp_path, forms_cohort(tmp_path / "scratch" / "cohort-1"))
    assert main(["validate", "--cohort", "1", "--root", str(root)]) == EXIT_OK
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "column mapping read from columns.toml" in lines
    end = lines.index("end_survey.xlsx:")
    block = lines[end:end + 40]
    assert "  matched by question wording (11):" in block
    assert "    sessions_reported   <- 'How many sessions did you have with your mentor/mentee?'" in block
    assert "  matched by columns.toml (1):" in block
    assert "    participant_id      <- 'What is your participant code?' (columns.toml)" in block
    assert "  dropped, never read (6):" in block
    assert "    ID, Start time, Completion time, Email, Name, Last modified time (Microsoft Forms bookkeeping)" in block
    assert "  not recognised, kept but not used (1):" in block
    assert "    'Any other comments?'" in block
    training = out.split("training.xlsx:")[1]
    assert "dropped, never read (6):" in training and "question wording" not in training
    for word in (*NAMES, *EMAILS):
        assert word not in out


# --- near misses and bad mappings through the command (never a traceback) --------------------------------------------

def test_a_mistyped_region_or_cohort_folder_gets_a_suggestion(tmp_path, capsys):
    root = project(tmp_path)
    assert main(["validate", "--region", "south-eats", "--cohort", "1", "--root", str(root)]) == EXIT_BAD_DATA
    assert "no such folder" in (err := capsys.readouterr().err) and "did you mean 'south-east'?" in err
    (root / "data" / "raw" / "south-east" / "cohort-1").rename(root / "data" / "raw" / "south-east" / "Cohort 1")
    assert main(["validate", "--cohort", "1", "--root", str(root)]) == EXIT_BAD_DATA
    assert "found 'Cohort 1' in south-east, which is not read" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["validate", "--region", "South East", "--cohort", "1", "--root", str(root)])
    assert "did you mean 'south-east'?" in capsys.readouterr().err


def test_a_bad_column_mapping_exits_2_with_its_message(tmp_path, capsys):
    root = project(tmp_path)
    (root / "data" / "raw" / "south-east" / "columns.toml").write_text('[end_survey]\nparticipant_id = "Name"\n'
                                                                       'sessions = "How many?"\n')
    assert main(["validate", "--cohort", "1", "--root", str(root)]) == EXIT_BAD_DATA
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert ("south-east/columns.toml: [end_survey] participant_id: 'Name' is Microsoft Forms' bookkeeping column, "
            "which is never read") in err
    assert ("south-east/columns.toml: [end_survey] sessions: sessions is not a column of end_survey; expected one of: "
            "participant_id, date,") in err
