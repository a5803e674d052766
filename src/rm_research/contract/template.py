"""A template to start from: the data contract as workbooks an evaluator fills in (issue 11).

``write_template(out)`` writes, from the contract (sections 1, 2, 5 and 7; its files and columns are
``spec.FILES``):

- ``cohort/``: a cohort folder ready to fill, one workbook per required file (``participants.xlsx``,
  ``enrolment.xlsx``, ``end_survey.xlsx``) and ``programme.toml``; copied to
  ``data/raw/<region>/cohort-<N>/`` it *is* a cohort, with no export step;
- ``optional/``: one workbook per optional file, to move into ``cohort/`` when it is used (an
  optional file left with a header and no rows would be bad input, contract section 3);
- ``rm-research-template.xlsx``: the same sheets in one workbook with an instructions sheet, to read,
  print or circulate (each sheet used must be saved as ``CSV UTF-8`` named after it);
- ``question-wordings.md``: each form's questions worded as the contract quotes them, so that a
  Microsoft Forms or Google Forms export needs no column mapping (section 7);
- ``README.md``: the instructions, and a ``.gitignore`` keeping filled-in copies (personal data) out of git.

Every sheet has the contract's header row, a drop-down list where the contract fixes the values (role,
yes/no, ethnic group...), a whole-number range on ratings and counts, a date check on dates, and an
input message saying what each column holds. Excel's checks are a convenience while typing; the
contract's rules are checked by ``rm-research validate``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from rm_research.contract.columns import CONTRACT_FILES
from rm_research.contract.programme import DEFAULT as DEFAULT_PROGRAMME
from rm_research.contract.programme import FILE_NAME as PROGRAMME_FILE
from rm_research.contract.programme import FOCUS_WORDING
from rm_research.contract.spec import FILES, SPEC, ColumnSpec, Kind

WORKBOOK_NAME: Final = "rm-research-template.xlsx"
WORDINGS_NAME: Final = "question-wordings.md"
INSTRUCTIONS_SHEET: Final = "Instructions"
ABOUT_SHEET: Final = "About this file"
COHORT_FOLDER, OPTIONAL_FOLDER = "cohort", "optional"
#: Excel's own limits on a data validation's texts.
TITLE_LIMIT, MESSAGE_LIMIT = 32, 255
#: Dates the template's date check accepts: the programmes ran from 2018 (ReMEDI) on.
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2099, 12, 31)
HEADER_FILL = PatternFill("solid", fgColor="005EB8")  # NHS blue
REQUIRED_FILL = PatternFill("solid", fgColor="003087")  # NHS dark blue: a column that must be present
LAST_ROW: Final = 1_048_576  # validations cover whole columns, so rows added later are checked too


def requirement(column: ColumnSpec) -> str:
    """Whether ``column`` must be present and filled in (``spec``)."""
    if not column.required:
        return "optional"
    return "required, may be blank" if column.blank_ok else "required"


def what_to_enter(column: ColumnSpec) -> str:
    """What a valid cell holds, in words (a blank cell means 'not answered')."""
    if column.kind in (Kind.CHOICE, Kind.LIST) and column.allowed:
        joiner = " / " if column.kind is Kind.CHOICE else "; "
        lead = "one of: " if column.kind is Kind.CHOICE else "any of, separated by ';': "
        return lead + joiner.join(column.allowed)
    if column.kind is Kind.WHOLE and column.whole is not None:
        return f"a whole number from {column.whole[0]} to {column.whole[1]}"
    return {Kind.CODE: "a code (text)", Kind.YES_NO: "yes or no", Kind.DATE: "a date, year-month-day (e.g. 2021-03-31)",
            Kind.TEXT: "text", Kind.LIST: "text"}[column.kind]


def column_rows(file: str) -> list[tuple[str, str, str, str, str]]:
    """One row per column of ``file``: column, required or not, what to enter, meaning, form question."""
    return [(c.name, requirement(c), what_to_enter(c), c.meaning, c.wording or "") for c in SPEC[file].columns]


def guide() -> list[tuple[str, list[str]]]:
    """The instructions as (heading, paragraphs), from the data contract (sections 1, 2, 5 and 7)."""
    required = [f for f, needed in CONTRACT_FILES.items() if needed]
    optional = [f for f, needed in CONTRACT_FILES.items() if not needed]
    return [
        ("How to use this template", [
            f"1. Fill in the workbooks in {COHORT_FOLDER}/ ({', '.join(f + '.xlsx' for f in required)}): one row "
            "per person, the header row left exactly as it is. Extra columns are allowed and ignored.",
            f"2. Optional files ({', '.join(optional)}): fill in those you use and move them from "
            f"{OPTIONAL_FOLDER}/ into {COHORT_FOLDER}/. Leave the others out: a file with a header and no rows is "
            "an error.",
            f"3. Edit {COHORT_FOLDER}/{PROGRAMME_FILE}: the programme's name, its focus and the psychological "
            "sessions it offered (delete a line to keep the South East's value).",
            f"4. Copy {COHORT_FOLDER}/ to data/raw/<region>/cohort-<N>/ (region: lower-case letters, digits and "
            "hyphens, e.g. south-east; N: 1, 2, ...), run 'make check-data REGION=<region> COHORT=<N>' until it "
            "says valid, then 'make report REGION=<region> COHORT=<N>'.",
            f"Or fill in {WORKBOOK_NAME}: the same sheets in one workbook. Save each sheet you filled as 'CSV UTF-8 "
            "(comma delimited)' named after the sheet (participants.csv, enrolment.csv, ...) in the cohort's "
            "folder; Excel saves only the sheet that is open, so do this once per sheet.",
            f"Or collect the surveys with Microsoft Forms or Google Forms, worded as in {WORDINGS_NAME}: their "
            "exports then need no column mapping. Rename each export to its file's name (e.g. end_survey.xlsx).",
        ]),
        ("Rules (data contract, section 1)", [
            "Yes/no columns accept yes/no, y/n, true/false and 1/0 in any case; ratings are whole numbers in their "
            "range; a blank cell means 'not answered'. Column names are matched ignoring case and surrounding "
            "spaces. A required column must be present, and filled in on every row unless it says it may be blank.",
            "participant_id and pair_id are pseudonymous codes, never names or e-mail addresses. Ethnicity is "
            "special-category personal data: keep filled-in workbooks where your organisation keeps such data, "
            "and out of git.",
            "A .csv or an .xlsx (its first sheet) is read; a folder holding both for the same file is an error. Any "
            "other file in the folder is listed as ignored and never read. A cell holding a formula is read by its "
            "saved value: open and save the workbook in Excel first.",
        ]),
        (f"Cohort settings ({PROGRAMME_FILE}, data contract section 5)", [
            f"focus is one of: {', '.join(FOCUS_WORDING)}; it changes the report's wording of the confidence "
            "items, never the column names. psych_sessions_offered = 0 means none were offered (then there is no "
            "psych_sessions file). Without the file, the South East's values are used.",
        ]),
        ("Form exports (data contract, section 7)", [
            "A header is matched to a column by the column's name, then by the question wording quoted in the "
            "contract, then by a columns.toml mapping file in the cohort's or the region's folder. Survey tools' "
            "bookkeeping columns (Microsoft Forms' ID, Start time, Completion time, Email, Name, Last modified "
            "time; Google Forms' Timestamp, Email address) are dropped, and names and e-mails are never copied.",
        ]),
        ("The files (data contract, section 2)", [
            f"{file.name} ({'required' if file.required else 'optional'}): {file.purpose}" for file in FILES
        ]),
    ]


def question_wordings() -> str:
    """Markdown listing each form's questions as the contract words them (section 2), to paste into a form.

    A question with no wording in the contract is titled with the column's name in words ("Participant
    ID" for ``participant_id``): headers are matched ignoring case, spaces and punctuation (section 7).
    """
    lines = ["# Questions to paste into your forms", "",
             "Word each question exactly as below (case, spaces and punctuation may differ), and the export of "
             "the form needs no column mapping (data contract, section 7). \"mentor\", \"mentee\" and "
             "\"mentor/mentee\" are interchangeable. In Microsoft Forms, a question allowing several answers "
             "exports them separated by ';', as the contract expects; in Google Forms they are separated by ', ', "
             "so change each ', ' to ';' after exporting.", "",
             "Rename each export to the file's name (e.g. `end_survey.csv` or `end_survey.xlsx`) and put it in "
             "`data/raw/<region>/cohort-<N>/`.", ""]
    for file in (file for file in FILES if file.form):
        lines += [f"## {file.form} (`{file.name}`)", "", "| question | answer | column |", "|---|---|---|"]
        for column in file.columns:
            title = column.wording or column_title(column.name)
            lines.append(f"| {title} | {what_to_enter(column)} | `{column.name}` |")
        lines.append("")
    return "\n".join(lines)


def column_title(name: str) -> str:
    """A column's name in words, matched to the column like the name itself: ``participant_id`` -> Participant ID."""
    words = ["ID" if word == "id" else word for word in name.split("_")]
    return " ".join([words[0].capitalize(), *words[1:]])


def programme_toml() -> str:
    """``programme.toml`` with the South East's values and the contract's comments (section 5)."""
    p = DEFAULT_PROGRAMME
    return "\n".join([
        "# The cohort's settings (data contract, section 5). Delete a line to keep the South East's value.",
        f'programme = "{p.programme}"  # shown in the report\'s title',
        f'focus = "{p.focus}"  # {" | ".join(FOCUS_WORDING)}',
        f"psych_sessions_offered = {p.psych_sessions_offered}  # 0 = none were offered: the psychological-input "
        "sections say so",
        f"psych_session_hours = {p.psych_session_hours}",
        "# planned_mentoring_sessions = 6  # optional: the programme's intended number of mentoring sessions",
        "",
    ])


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def column_validation(column: ColumnSpec, blank_ok: bool = True) -> DataValidation:
    """Excel's check for one column: a drop-down, a whole-number range, a date, or an input message only."""
    prompt = _fit(f"{what_to_enter(column)}. {column.meaning}", MESSAGE_LIMIT)
    error = _fit(f"{column.name}: expected {what_to_enter(column)}", MESSAGE_LIMIT)
    common = {"allow_blank": blank_ok, "showInputMessage": True, "showErrorMessage": True,
              "promptTitle": _fit(column.name, TITLE_LIMIT), "prompt": prompt,
              "errorTitle": _fit(f"Not a valid {column.name}", TITLE_LIMIT), "error": error}
    if column.kind is Kind.CHOICE:
        return DataValidation(type="list", formula1='"' + ",".join(column.allowed) + '"', **common)
    if column.kind is Kind.YES_NO:
        return DataValidation(type="list", formula1='"yes,no"', **common)
    if column.kind is Kind.WHOLE and column.whole is not None:
        low, high = column.whole
        return DataValidation(type="whole", operator="between", formula1=str(low), formula2=str(high), **common)
    if column.kind is Kind.DATE:
        return DataValidation(type="date", operator="between", formula1=str(int(to_excel(EARLIEST_DATE))),
                              formula2=str(int(to_excel(LATEST_DATE))), **common)
    # free text and ';'-separated lists: Excel cannot check them, but the message says what belongs there
    return DataValidation(showInputMessage=True, promptTitle=common["promptTitle"], prompt=prompt, allow_blank=True)


def fill_sheet(sheet: Worksheet, file: str) -> None:
    """Give ``sheet`` the header row of contract file ``file``, its checks and column formats."""
    sheet.title = file
    for index, column in enumerate(SPEC[file].columns, start=1):
        letter = get_column_letter(index)
        needed = requirement(column)
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL if needed == "optional" else REQUIRED_FILL
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(14, len(column.name) + 4, 40 if column.kind in (Kind.TEXT, Kind.LIST) else 0)
        if column.kind in (Kind.CODE, Kind.TEXT, Kind.LIST):
            dimension.number_format = "@"  # typed as text: a code such as 007 keeps its zeros
        elif column.kind is Kind.DATE:
            dimension.number_format = "yyyy-mm-dd"
        validation = column_validation(column, blank_ok=needed != "required")
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{LAST_ROW}")
    sheet.freeze_panes = "A2"


def fill_text_sheet(sheet: Worksheet, title: str, sections: Iterable[tuple[str, list[str]]],
                    table: Iterable[tuple[str, ...]] = ()) -> None:
    """An instructions sheet: bold headings and wrapped paragraphs in column A, then a table."""
    sheet.title = title
    sheet.column_dimensions["A"].width = 24
    for heading, paragraphs in sections:
        sheet.append([heading])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
        for paragraph in paragraphs:
            sheet.append([paragraph])  # long lines overflow into the empty cells to their right
        sheet.append([])
    for number, row in enumerate(table):
        sheet.append(list(row))
        if number == 0:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    for letter, width in zip("BCDEF", (22, 22, 45, 50, 60), strict=True):
        sheet.column_dimensions[letter].width = width


def instruction_table(files: Iterable[str]) -> list[tuple[str, ...]]:
    """The column table of the instructions: a header row, then one row per column of each file."""
    header = ("file", "column", "required", "what to enter", "meaning", "form question (section 7)")
    return [header] + [(file, *row) for file in files for row in column_rows(file)]


def template_workbook() -> Workbook:
    """The whole template in one workbook: the instructions sheet, then one sheet per contract file."""
    book = Workbook()
    fill_text_sheet(book.active, INSTRUCTIONS_SHEET, guide(), instruction_table(CONTRACT_FILES))
    for file in CONTRACT_FILES:
        fill_sheet(book.create_sheet(), file)
    return book


def file_workbook(file: str) -> Workbook:
    """One contract file as a workbook: its sheet first (the one ``rm-research`` reads), then what it holds."""
    book = Workbook()
    fill_sheet(book.active, file)
    needed = "required" if CONTRACT_FILES[file] else "optional"
    about = [(f"{file}.xlsx ({needed})", [
        f"{SPEC[file].purpose.capitalize()}.",
        "Only the first sheet is read. Keep the header row as it is; a blank cell means 'not answered'.",
        f"The whole template's instructions are in README.md and {WORKBOOK_NAME}.",
    ])]
    fill_text_sheet(book.create_sheet(), ABOUT_SHEET, about, instruction_table([file]))
    return book


def readme() -> str:
    """The template folder's README: the instructions and the columns of each file, in Markdown."""
    lines = ["# rm-research evaluation template", "",
             "Written by `rm-research template` from the data contract (`docs/data-contract.md`). Filled-in "
             "files are personal data: the `.gitignore` here keeps this folder out of git.", ""]
    for heading, paragraphs in guide():
        lines += [f"## {heading}", ""]
        for paragraph in paragraphs:
            lines += [paragraph, ""]
    for file in FILES:
        lines += [f"### {file.name} ({'required' if file.required else 'optional'})", "",
                  file.purpose.capitalize() + ".", "",
                  "| column | required | what to enter | meaning |", "|---|---|---|---|"]
        lines += [f"| `{name}` | {req} | {enter} | {meaning} |"
                  for name, req, enter, meaning, _ in column_rows(file.name)]
        lines.append("")
    return "\n".join(lines)


def write_template(out: Path | str) -> list[Path]:
    """Write the template into folder ``out`` (created if need be) and return the files written.

    Refuses (``FileExistsError``) to write over a template already there, which may hold filled-in data.
    """
    out = Path(out)
    targets = {
        out / WORKBOOK_NAME: template_workbook,
        **{out / (COHORT_FOLDER if needed else OPTIONAL_FOLDER) / f"{file}.xlsx": (lambda f=file: file_workbook(f))
           for file, needed in CONTRACT_FILES.items()},
    }
    texts = {out / "README.md": readme(), out / WORDINGS_NAME: question_wordings(),
             out / COHORT_FOLDER / PROGRAMME_FILE: programme_toml(),
             out / ".gitignore": "# Filled-in templates hold personal data: keep them out of git.\n*\n"}
    existing = [path for path in [*targets, *texts] if path.exists()]
    if existing:
        raise FileExistsError(f"{existing[0]} already exists and may hold filled-in data; choose another folder "
                              "or move it away first")
    for folder in (out / COHORT_FOLDER, out / OPTIONAL_FOLDER):
        folder.mkdir(parents=True, exist_ok=True)
    for path, build in targets.items():
        build().save(path)
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")
    return sorted([*targets, *texts])
