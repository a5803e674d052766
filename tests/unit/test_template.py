"""The evaluation template: written from the data contract, filled in, and validated like any cohort."""

from __future__ import annotations

import csv
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rm_research.contract import template
from rm_research.contract.programme import DEFAULT, KEYS, read_programme
from rm_research.contract.spec import FILES, SPEC
from rm_research.core.problems import DataError
from rm_research.ingest.clean import tidy_cohort
from rm_research.ingest.read import CONTRACT_FILES
from rm_research.ingest.validate import validate_cohort
from rm_research.run.cli import EXIT_OK, EXIT_OUTPUT, main

REPO = Path(__file__).resolve().parents[2]
CONTRACT_DOC = REPO / "docs" / "data-contract.md"
REQUIRED = ["participants", "enrolment", "end_survey"]
OPTIONAL = ["mentoring_sessions", "psych_sessions", "training", "themes", "observations", "benefit_ranking",
            "psych_topics", "team_feedback", "follow_up"]


def contract_section_2() -> dict[str, str]:
    """Each file's part of the data contract's section 2, by file name."""
    text = CONTRACT_DOC.read_text(encoding="utf-8").split("## 2. Files")[1].split("## 3.")[0]
    parts = re.split(r"^### (\w+)\.csv.*$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def contract_section_8() -> dict[str, str]:
    """Each optional file's paragraph in the data contract's section 8 (December 2026), by file name."""
    text = CONTRACT_DOC.read_text(encoding="utf-8").split("## 8. ")[1].split("## 9.")[0]
    parts = re.split(r"^### (\w+)\.csv.*$", text, flags=re.M)
    return {name: body.strip().split("\n\n")[0] for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def contract_files() -> dict[str, str]:
    """Every file's part of the contract: section 2's, then section 8's."""
    return {**contract_section_2(), **contract_section_8()}


def section_8_wordings() -> dict[tuple[str, str], str]:
    """The question wordings section 8 quotes: the benefit ranking's (its heading) and the team's two ratings."""
    text = CONTRACT_DOC.read_text(encoding="utf-8").split("## 8. ")[1].split("## 9.")[0]
    found = {("benefit_ranking", "benefit"): re.search(r'^### benefit_ranking\.csv: "([^"]+)"', text, re.M).group(1)}
    found |= {("team_feedback", name): " ".join(wording.split())  # the contract's lines wrap inside a question
              for name, wording in re.findall(r'`(\w+)` \(1-10: "([^"]+)"\)', text)}
    return found


def contract_rows(body: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split("|")[1:-1]] for line in body.splitlines()
            if line.startswith("| ") and not line.startswith("| column")]


def contract_columns(body: str) -> list[str]:
    """The columns a file's part of the contract names: its table's first cells, or else the back-quoted
    names of its paragraph that are not inside brackets (those are allowed values)."""
    rows = contract_rows(body)
    if rows:
        return [name.strip() for row in rows for name in row[0].split(",")]
    names, depth = [], 0
    for token in re.finditer(r"`([^`]*)`|\(|\)", body):
        if token.group(0) == "(":
            depth += 1
        elif token.group(0) == ")":
            depth -= 1
        elif depth == 0:
            names.append(token.group(1))
    return names


def contract_wordings() -> dict[tuple[str, str], str]:
    """Every question wording section 2 quotes, by (file, column)."""
    return {(file, row[0]): quoted[0] for file, body in contract_section_2().items() for row in contract_rows(body)
            if (quoted := re.findall(r'"([^"]+)"', row[-1]))}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("template")
    template.write_template(str(out))  # a str is accepted as well as a Path
    return out


def header(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def test_the_contract_copy_is_there():
    assert set(contract_files()) == set(CONTRACT_FILES)
    assert list(contract_section_8()) == ["benefit_ranking", "psych_topics", "team_feedback", "follow_up"]


@pytest.mark.parametrize("file", list(CONTRACT_FILES))
def test_each_file_has_the_contracts_columns_in_its_order(file):
    assert [c.name for c in SPEC[file].columns] == contract_columns(contract_files()[file])


def test_the_spec_says_which_columns_are_required_as_the_contract_does():
    """Section 2's tables mark each column required or not; the spec's ``required`` agrees."""
    for file, body in contract_section_2().items():
        for row in contract_rows(body):
            for name in (name.strip() for name in row[0].split(",")):
                assert SPEC[file].column(name).required == (row[2] == "yes"), (file, name)


def test_question_wordings_are_the_contracts():
    wordings = {**contract_wordings(), **section_8_wordings()}
    # enrolment: 3 ratings, 2 hopes; end survey: 4 closed and 4 free-text questions; section 8: the benefits
    # ranking and the team's two ratings
    assert len(wordings) == 13 + 3
    for (file, column), wording in wordings.items():
        assert SPEC[file].column(column).wording == wording
    # the end survey and the follow-up ask the enrolment ratings again, in the same words
    assert SPEC["end_survey"].column("conf_senior").wording == wordings[("enrolment", "conf_senior")]
    asked_again = {(again, column) for file, column in wordings if file == "enrolment"
                   for again in ("end_survey", "follow_up") if column in contract_columns(contract_files()[again])}
    assert {(file.name, c.name) for file in FILES for c in file.columns if c.wording} == {*wordings, *asked_again}


def test_files_written(written):
    found = {str(p.relative_to(written)) for p in written.rglob("*") if p.is_file()}
    assert found == {"README.md", ".gitignore", "question-wordings.md", "rm-research-template.xlsx",
                     "cohort/programme.toml", *(f"cohort/{f}.xlsx" for f in REQUIRED),
                     *(f"optional/{f}.xlsx" for f in OPTIONAL)}


def test_programme_toml_is_valid_and_the_defaults(written):
    assert read_programme(written / "cohort") == DEFAULT
    text = (written / "cohort" / "programme.toml").read_text()
    assert all(key in text for key in KEYS)


def test_one_workbook_has_instructions_then_a_sheet_per_file(written):
    book = load_workbook(written / "rm-research-template.xlsx")
    assert book.sheetnames == ["Instructions", *CONTRACT_FILES]
    for file in CONTRACT_FILES:
        assert header(book[file]) == contract_columns(contract_files()[file])
    text = "\n".join(str(c.value) for row in book["Instructions"].iter_rows() for c in row if c.value)
    for file, body in contract_files().items():
        for column in contract_columns(body):
            assert re.search(rf"^{file}\n{column}\n", text, flags=re.M), (file, column)
    assert "participant_id\nrequired" in text and "pair_id\noptional" in text
    assert "held\nrequired, may be blank" in text  # the schema: the column must be there, a cell may be blank
    assert "programme.toml" in text and "columns.toml" in text and "Start time" in text


@pytest.mark.parametrize("file", list(CONTRACT_FILES))
def test_each_file_workbook_has_its_sheet_first(written, file):
    folder = "cohort" if file in REQUIRED else "optional"
    book = load_workbook(written / folder / f"{file}.xlsx")
    assert book.sheetnames == [file, "About this file"]
    assert header(book.worksheets[0]) == contract_columns(contract_files()[file])


def validations(sheet) -> dict[str, tuple]:
    """Each header's data validation as (type, formula1, formula2, allow_blank), read back from the file."""
    letters = {cell.column_letter: cell.value for cell in sheet[1]}
    found = {}
    for rule in sheet.data_validations.dataValidation:
        for cells in rule.sqref.ranges:
            assert cells.min_row == 2 and cells.max_row == 1_048_576 and cells.min_col == cells.max_col
            found[letters[cells.coord.split(":")[0].rstrip("0123456789")]] = (
                rule.type, rule.formula1, rule.formula2, rule.allow_blank)
    return found


def test_data_validations_read_back(written):
    book = load_workbook(written / "rm-research-template.xlsx")
    participants = validations(book["participants"])
    assert participants["role"][:2] == ("list", '"mentor,mentee"')
    assert participants["role"][3] is False  # required: a blank is refused while typing
    assert participants["consent_quotes"][:2] == ("list", '"yes,no"')
    assert participants["ethnic_group"][:2] == ("list", '"Asian,Black,Mixed,White,Other,Prefer not to say"')
    assert participants["status"][:2] == ("list", '"enrolled,withdrawn"')
    for item in ("conf_senior", "conf_junior", "comfort_needs"):
        assert validations(book["enrolment"])[item][:3] == ("whole", "1", "10")
        assert validations(book["end_survey"])[item][:3] == ("whole", "1", "10")
    end = validations(book["end_survey"])
    assert end["sessions_reported"][:2] == ("whole", "0")
    assert {end[c][1] for c in ("length_appropriate", "missed_any", "psych_supportive")} == {'"yes,no"'}
    assert end["date"][0] == "date"
    assert end["self_awareness"][0] is None  # free text: an input message only
    assert validations(book["training"])["rating"][:3] == ("whole", "1", "5")
    assert validations(book["observations"])["level"][1] == '"individual,departmental,organisational,symbolic"'
    assert validations(book["observations"])["kind"][1] == '"good practice,needs attention"'
    assert validations(book["themes"])["question"][1] == '"self_awareness,self_learning,boundaries,relationship_impact"'
    assert validations(book["mentoring_sessions"])["held"][:2] == ("list", '"yes,no"')
    assert validations(book["mentoring_sessions"])["held"][3] is True  # required column, blank allowed
    # every column carries a message saying what belongs in it
    assert all(len(validations(book[file])) == len(header(book[file])) for file in CONTRACT_FILES)


def test_question_wordings_file(written):
    text = (written / "question-wordings.md").read_text()
    for wording in contract_wordings().values():
        assert f"| {wording} |" in text
    assert "| Participant ID | a code (text) | `participant_id` |" in text
    assert "## Training feedback form (`training`)" in text


#: A small valid cohort, as an evaluator would type it: codes, words, whole numbers and dates.
COHORT = {
    "participants": [
        {"participant_id": "007", "role": "mentor", "pair_id": "P1", "ethnic_group": "Black",
         "areas_of_work": "People management;Communications", "consent_quotes": "yes"},
        {"participant_id": "A2", "role": "mentor", "pair_id": "P2", "ethnic_group": "Asian"},
        {"participant_id": "B1", "role": "mentee", "pair_id": "P1", "ethnic_group": "White"},
        {"participant_id": "B2", "role": "mentee", "pair_id": "P2", "ethnic_group": "White", "status": "withdrawn"},
    ],
    "enrolment": [
        {"participant_id": "007", "date": date(2020, 10, 5), "conf_senior": 5, "comfort_needs": 6},
        {"participant_id": "A2", "date": date(2020, 10, 6), "conf_senior": 7, "comfort_needs": 4},
        {"participant_id": "B1", "date": date(2020, 10, 5), "conf_senior": 3, "conf_junior": 2},
    ],
    "end_survey": [
        {"participant_id": "007", "date": date(2021, 5, 1), "conf_senior": 8, "comfort_needs": 6,
         "sessions_reported": 5, "length_appropriate": "yes", "missed_any": "no", "psych_supportive": "yes",
         "self_learning": "To speak up"},
        {"participant_id": "B1", "date": date(2021, 5, 3), "conf_senior": 6, "conf_junior": 2,
         "sessions_reported": 4, "length_appropriate": "no", "missed_any": "yes"},
    ],
    "psych_sessions": [
        {"participant_id": "007", "psych_session_no": 1, "attended": "yes"},
        {"participant_id": "B1", "psych_session_no": 1, "attended": "no"},
    ],
    "training": [{"participant_id": "A2", "rating": 4, "resources_needed": "Dates in advance"}],
}


def fill(sheet, rows: list[dict]) -> None:
    columns = header(sheet)
    for row in rows:
        sheet.append([row.get(column) for column in columns])


def test_filled_file_workbooks_are_a_valid_cohort(written, tmp_path):
    folder = tmp_path / "data" / "raw" / "test-region" / "cohort-1"
    folder.mkdir(parents=True)
    for file, rows in COHORT.items():  # the evaluator moves the optional files used into cohort/
        source = written / ("cohort" if file in REQUIRED else "optional") / f"{file}.xlsx"
        book = load_workbook(source)
        fill(book.worksheets[0], rows)
        book.save(folder / source.name)
    (folder / "programme.toml").write_bytes((written / "cohort" / "programme.toml").read_bytes())
    cohort = tidy_cohort(validate_cohort(folder))
    assert list(cohort.participants["participant_id"]) == ["007", "A2", "B1", "B2"]  # a code keeps its zeros
    assert list(cohort.enrolment["conf_senior"]) == [5, 7, 3]
    assert list(cohort.end_survey["length_appropriate"]) == [True, False]
    assert str(cohort.end_survey["date"].iloc[0].date()) == "2021-05-01"
    assert cohort.participants["areas_of_work"].iloc[0] == ["People management", "Communications"]


def sheet_as_csv(sheet, path: Path) -> None:
    """What Excel's 'Save as CSV UTF-8' writes for a sheet: its shown values, dates as formatted."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        for row in sheet.iter_rows(values_only=True):
            writer.writerow(["" if v is None else v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else v
                             for v in row])


def test_one_workbook_saved_sheet_by_sheet_as_csv_is_a_valid_cohort(written, tmp_path):
    book = load_workbook(written / "rm-research-template.xlsx")
    for file, rows in COHORT.items():
        fill(book[file], rows)
        sheet_as_csv(book[file], tmp_path / f"{file}.csv")
    raw = validate_cohort(tmp_path)
    assert set(raw.files) == set(COHORT)


def test_a_filled_template_is_still_checked(written, tmp_path):
    for file in REQUIRED:
        book = load_workbook(written / "cohort" / f"{file}.xlsx")
        rows = [dict(row) for row in COHORT[file]]
        if file == "enrolment":
            rows[0]["conf_senior"] = 11  # Excel would refuse it while typing; a pasted value is not checked
        fill(book.worksheets[0], rows)
        book.save(tmp_path / f"{file}.xlsx")
    with pytest.raises(DataError) as caught:
        validate_cohort(tmp_path)
    assert [(p.file, p.row, p.column) for p in caught.value.problems] == [("enrolment.xlsx", 2, "conf_senior")]


def test_never_written_over(written):
    with pytest.raises(FileExistsError, match="may hold filled-in data"):
        template.write_template(written)


def test_filled_in_templates_stay_out_of_git(tmp_path):
    if subprocess.run(["git", "init", "-q", str(tmp_path)], capture_output=True).returncode != 0:
        pytest.skip("git is not available")
    template.write_template(tmp_path / "template")
    status = subprocess.run(["git", "-C", str(tmp_path), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True)
    assert status.stdout == ""


def test_command(tmp_path, capsys):
    assert main(["template", "--out", str(tmp_path / "t")]) == EXIT_OK
    assert (tmp_path / "t" / "cohort" / "participants.xlsx").is_file()
    assert "wrote" in capsys.readouterr().out
    assert main(["template", "--out", str(tmp_path / "t")]) == EXIT_OUTPUT
    assert "already exists" in capsys.readouterr().err


def form_questions(markdown: str) -> dict[str, dict[str, str]]:
    """question-wordings.md read back: for each form's file, each column's question as written there."""
    forms: dict[str, dict[str, str]] = {}
    for section in re.split(r"^## ", markdown, flags=re.M)[1:]:
        file = re.search(r"\(`(\w+)`\)", section.splitlines()[0]).group(1)
        rows = [line.split(" | ") for line in section.splitlines() if line.startswith("| ") and "`" in line]
        forms[file] = {row[2].strip(" `|"): row[0].removeprefix("| ") for row in rows}
    return forms


def test_a_form_export_worded_as_the_template_says_needs_no_mapping(written, tmp_path):
    questions = form_questions((written / "question-wordings.md").read_text())
    assert set(questions) == {"participants", "enrolment", "end_survey", "training", "benefit_ranking",
                              "team_feedback", "follow_up"}
    bookkeeping = ["ID", "Start time", "Completion time", "Email", "Name"]  # what Microsoft Forms adds
    for file in ("participants", "enrolment", "end_survey"):
        columns = list(questions[file])
        with (tmp_path / f"{file}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(bookkeeping + [questions[file][c] for c in columns])
            for number, row in enumerate(COHORT[file], start=1):
                writer.writerow([number, "", "", "someone@nhs.net", "Someone"]
                                + [row.get(c, "") if not isinstance(row.get(c), date) else row[c].isoformat()
                                   for c in columns])
    cohort = tidy_cohort(validate_cohort(tmp_path))
    assert list(cohort.end_survey["sessions_reported"]) == [5, 4]
    assert list(cohort.enrolment["conf_senior"]) == [5, 7, 3]
    assert "email" not in cohort.participants.columns and "name" not in cohort.participants.columns
