"""Readers: encodings, header spelling, blank rows, Excel, and files that are not tables."""

from __future__ import annotations

import pandas as pd
import pytest

from rm_research.core.problems import DataError
from rm_research.ingest.read import decode_text, normalise_header, read_table


def test_utf8_with_bom_and_header_spelling(tmp_path):
    path = tmp_path / "enrolment.csv"
    path.write_bytes("\ufeff Participant_ID ,CONF_SENIOR, Hopes Gain\nA1, 8 ,To learn\n".encode())
    table = read_table(path)
    assert list(table.columns) == ["participant_id", "conf_senior", "hopes_gain"]
    assert table.loc[0, "conf_senior"] == "8"


def test_windows_1252_is_decoded(tmp_path):
    path = tmp_path / "enrolment.csv"
    path.write_bytes("participant_id,hopes_gain\nA1,Learn \u2013 and listen\n".encode("cp1252"))
    assert read_table(path).loc[0, "hopes_gain"] == "Learn \u2013 and listen"


def test_decode_prefers_utf8():
    assert decode_text("caf\u00e9".encode()) == "caf\u00e9"
    assert decode_text(b"caf\xe9") == "caf\u00e9"


def test_blank_cells_are_missing_and_blank_rows_dropped_without_renumbering(tmp_path):
    path = tmp_path / "participants.csv"
    path.write_text("participant_id,role\nA1,mentor\n,\nA2,  \n")
    table = read_table(path)
    assert list(table.index) == [0, 2]  # spreadsheet rows 2 and 4
    assert pd.isna(table.loc[2, "role"])


def test_xlsx_first_sheet(tmp_path):
    path = tmp_path / "participants.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"Participant_ID": ["A1"], "Role": ["Mentor"], "Rating": [8]}).to_excel(writer, index=False)
        pd.DataFrame({"other": [1]}).to_excel(writer, sheet_name="Sheet2", index=False)
    table = read_table(path)
    assert table.to_dict("records") == [{"participant_id": "A1", "role": "Mentor", "rating": "8"}]


@pytest.mark.parametrize("content", [b"\x00\x01\x02binary", b"PK\x03\x04zipped"])
def test_binary_file_is_reported_not_raised(tmp_path, content):
    path = tmp_path / "participants.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=r"participants.csv: is not a CSV or Excel"):
        read_table(path)


def test_broken_xlsx_is_reported(tmp_path):
    path = tmp_path / "participants.xlsx"
    path.write_text("not really excel")
    with pytest.raises(DataError, match="is not a CSV or Excel"):
        read_table(path)


@pytest.mark.parametrize(("text", "message"), [
    ("", "the file is empty"),
    ("participant_id,Role,role\nA1,mentor,mentee\n", r"participants.csv, row 1, column role: .*more than once"),
    # an exact repeat, which pandas would otherwise rename to role.1
    ("participant_id,role,role\nA1,mentor,mentee\n", r"row 1, column role: this column name appears more than once"),
    ("participant_id,role\nA1,mentor\nA2,mentee,\n",
     r"participants.csv, row 3: this row has 3 cells but the header row has 2"),
])
def test_refused_csv_is_reported_with_its_place(tmp_path, text, message):
    path = tmp_path / "participants.csv"
    path.write_text(text)
    with pytest.raises(DataError, match=message):
        read_table(path)


def test_normalise_header():
    assert normalise_header("  Sessions  Reported ") == "sessions_reported"


def test_unnamed_empty_columns_are_dropped_but_unnamed_values_are_not(tmp_path):
    path = tmp_path / "participants.csv"
    path.write_text("participant_id,role,\nA1,mentor,\n")
    assert list(read_table(path).columns) == ["participant_id", "role"]
    path.write_text("participant_id,role,\nA1,mentor,x\n")
    with pytest.raises(DataError, match="a column with values in it has no name"):
        read_table(path)


def test_several_trailing_empty_columns_from_excel(tmp_path):
    path = tmp_path / "participants.csv"
    path.write_text("participant_id,role,,,\nA1,mentor,,,\n")
    assert list(read_table(path).columns) == ["participant_id", "role"]


def test_an_empty_line_still_counts_as_a_spreadsheet_row(tmp_path):
    path = tmp_path / "enrolment.csv"
    path.write_text("participant_id,conf_senior\nA1,5\n\nA2,11\n")
    assert list(read_table(path).index) == [0, 2]  # A2 is on spreadsheet row 4


def test_bom_in_front_of_windows_1252(tmp_path):
    path = tmp_path / "enrolment.csv"
    path.write_bytes(b"\xef\xbb\xbfparticipant_id,hopes_gain\nA1,caf\xe9\n")
    assert read_table(path).to_dict("records") == [{"participant_id": "A1", "hopes_gain": "caf\u00e9"}]


def test_an_old_excel_file_renamed_xlsx_is_reported(tmp_path):
    path = tmp_path / "participants.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old binary workbook or an encrypted one")
    with pytest.raises(DataError, match="is not a CSV or Excel"):
        read_table(path)


def test_a_utf8_file_with_stray_windows_1252_bytes_names_each_line():
    raw = "participant_id,hopes_gain\nA1,Caf\u00e9\n".encode() + b"A2,na\xefve\nA3,ok\nA4,r\xe9sum\xe9\n"
    with pytest.raises(DataError) as caught:
        decode_text(raw, "enrolment.csv")
    assert str(caught.value.problems[0]).startswith("enrolment.csv: lines 3, 5 of this UTF-8 file hold characters in "
                                                     "another encoding")


def test_a_wholly_windows_1252_file_is_still_read_whole():
    assert decode_text("Caf\u00e9, na\u00efve \u2013 r\u00e9sum\u00e9\n".encode("cp1252")) == (
        "Caf\u00e9, na\u00efve \u2013 r\u00e9sum\u00e9\n")


def test_blank_rows_above_the_header_are_named(tmp_path):
    path = tmp_path / "enrolment.csv"
    path.write_text("\n\nparticipant_id,conf_senior\nA1,5\n")
    with pytest.raises(DataError, match=r"enrolment.csv, row 1: rows 1-2 are blank; the header row, with "
                                        r"participant_id, must be the first row: delete rows 1-2"):
        read_table(path)


def test_a_title_row_in_a_workbook_is_named(tmp_path):
    path = tmp_path / "mentoring_sessions.xlsx"
    rows = [["Session log, cohort 1", None], [None, None], ["pair_id", "session_no"], ["P1", 1]]
    pd.DataFrame(rows).to_excel(path, index=False, header=False)
    with pytest.raises(DataError, match=r"rows 1-2 look like a title \('Session log, cohort 1'\); the header row, "
                                        r"with pair_id, must be the first row"):
        read_table(path)


def test_a_header_row_without_the_key_column_is_left_to_the_schema(tmp_path):
    path = tmp_path / "enrolment.csv"
    path.write_text("person,conf_senior\nA1,5\n")
    assert list(read_table(path).columns) == ["person", "conf_senior"]  # "participant_id is missing", not a title


def test_header_only_file_is_one_problem(tmp_path):
    path = tmp_path / "enrolment.csv"
    path.write_text("participant_id,conf_senior\n,\n\n")
    with pytest.raises(DataError) as caught:
        read_table(path)
    assert [str(p) for p in caught.value.problems] == [
        "enrolment.csv: has a header row but no rows of data; add the rows (an optional file with nothing to "
        "record can be left out)"]


def test_scan_folder_finds_exact_names_only(tmp_path):
    from rm_research.ingest.read import scan_folder

    for name in ("PARTICIPANTS.csv", "enrolment.XLSX", "end_survey.csv.bak", "themes (1).csv", "training.xls"):
        (tmp_path / name).write_text("x")
    (tmp_path / "old").mkdir()
    found = scan_folder(tmp_path)
    assert {name: path.name for name, path in found.files.items()} == {
        "participants": "PARTICIPANTS.csv", "enrolment": "enrolment.XLSX"}
    assert found.ignored == ("end_survey.csv.bak", "old/", "themes (1).csv", "training.xls")
    assert [(p.file, p.message[:36]) for p in found.problems] == [("end_survey.csv", "this required file is missing (a .cs")]
    assert "found but not read: end_survey.csv.bak" in found.problems[0].message


# --- survey exports as they come (contract section 7) ----------------------------------------------------------------

def test_a_forms_export_is_read_under_the_contracts_names_without_its_bookkeeping(tmp_path):
    from rm_research.contract.columns import WORDING, ColumnMapping, MappedColumn
    from rm_research.ingest.read import read_matched

    path = tmp_path / "end_survey.xlsx"
    rows = [["ID", "Start time", "Completion time", "Email", "Name", "Last modified time", "Participant code",
             "How many sessions did you have with your mentor?", "Did you miss any sessions?"],
            [1, "5/12/21 10:15:02", "5/12/21 10:31:47", "ada@example.org", "Ada Lovelace", None, "MR01", 6, "No"]]
    pd.DataFrame(rows).to_excel(path, index=False, header=False)
    mapping = ColumnMapping((MappedColumn("end_survey", "participant_id", ("Participant code",), "columns.toml"),))
    table, match = read_matched(path, mapping)
    assert table.to_dict("records") == [{"participant_id": "MR01", "sessions_reported": "6", "missed_any": "No"}]
    assert [h.column for h in match.by(WORDING)] == ["sessions_reported", "missed_any"]


def test_a_title_above_an_export_is_named_when_its_key_column_is_mapped(tmp_path):
    # the header row is found by what the key column is read as, here a columns.toml mapping and a
    # header in another case: not by the contract name alone
    from rm_research.contract.columns import ColumnMapping, MappedColumn

    path = tmp_path / "end_survey.csv"
    path.write_text("End-of-programme survey (export)\nPARTICIPANT CODE,Did you miss any sessions?\nMR01,No\n")
    mapping = ColumnMapping((MappedColumn("end_survey", "participant_id", ("Participant code",), "columns.toml"),))
    with pytest.raises(DataError, match=r"row 1 looks like a title \('End-of-programme survey \(export\)'\); the "
                                        r"header row, with participant_id, must be the first row"):
        read_table(path, mapping)
    path.write_text("PARTICIPANT CODE,Did you miss any sessions?\nMR01,No\n")
    assert read_table(path, mapping).to_dict("records") == [{"participant_id": "MR01", "missed_any": "No"}]


def test_without_the_mapping_an_unmatched_question_keeps_its_header(tmp_path):
    path = tmp_path / "enrolment.csv"
    path.write_text("Timestamp,Email address,Participant code,What would you like to gain from the reverse mentoring "
                    "relationship?\n2021/05/12 10:31:02,ada@example.org,MR01,Confidence\n")
    assert read_table(path).to_dict("records") == [{"participant_code": "MR01", "hopes_gain": "Confidence"}]


def test_two_headers_for_one_column_stop_the_file_with_both_named(tmp_path):
    path = tmp_path / "end_survey.csv"
    path.write_text("participant_id,Did you miss any sessions?,Missed Any\nA1,yes,no\n")
    with pytest.raises(DataError) as caught:
        read_table(path)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (1, "missed_any")
    assert "'Did you miss any sessions?' (its question wording) and 'Missed Any' (its name)" in problem.message


def test_both_csv_and_xlsx_of_one_table_is_a_problem_naming_both(tmp_path):
    from rm_research.ingest.read import scan_folder

    (tmp_path / "end_survey.csv").write_text("old")
    (tmp_path / "end_survey.xlsx").write_text("new")
    found = scan_folder(tmp_path)
    assert "end_survey" not in found.files  # neither is read: an old CSV must not silently win
    [problem] = [p for p in found.problems if p.file == "end_survey.csv"]
    assert problem.message.startswith("end_survey.xlsx is in the folder too; which one is meant cannot be guessed")
    assert problem.message.endswith("(two files for one table, end_survey)")


def test_a_mistyped_file_name_is_named_in_the_missing_message(tmp_path):
    from rm_research.ingest.read import scan_folder

    for name in ("participants.csv", "enrolment.csv", "end_suvrey.xlsx", "columns.toml"):
        (tmp_path / name).write_text("x")
    found = scan_folder(tmp_path)
    assert found.ignored == ("end_suvrey.xlsx",)  # columns.toml is read by rm_research.contract.columns, not ignored
    [problem] = found.problems
    assert "found but not read: end_suvrey.xlsx (a file is read only by its exact name" in problem.message


def test_a_missing_cohort_folder_says_what_is_near(tmp_path):
    from rm_research.ingest.read import scan_folder

    (tmp_path / "data" / "raw" / "midlands" / "Cohort 2").mkdir(parents=True)
    with pytest.raises(DataError, match=r"no such folder; .*; found 'Cohort 2' in midlands, which is not read"):
        scan_folder(tmp_path / "data" / "raw" / "midlands" / "cohort-2")


def test_control_and_direction_characters_are_dropped_when_read(tmp_path):
    path = tmp_path / "participants.csv"
    path.write_text("participant_id,role,band\nA1,mentor,\"Band 6\u202e\u0007\"\n", encoding="utf-8")
    assert read_table(path)["band"].tolist() == ["Band 6"]


# --- exports from other spreadsheet settings (found by a hostile review) ---------------------------------------------

def test_a_csv_with_carriage_returns_alone_is_read_as_rows(tmp_path):
    # Excel for Mac's "CSV (Macintosh)" ends each line with a carriage return alone
    path = tmp_path / "enrolment.csv"
    path.write_bytes(b"participant_id,conf_senior\rA1,5\rA2,7\r")
    assert read_table(path).to_dict("records") == [{"participant_id": "A1", "conf_senior": "5"},
                                                   {"participant_id": "A2", "conf_senior": "7"}]
    path.write_bytes(b"Enrolment survey\rparticipant_id,conf_senior\rA1,5\r")
    with pytest.raises(DataError, match="row 1 looks like a title"):
        read_table(path)


@pytest.mark.parametrize(("separator", "called"), [(";", "semicolons"), ("\t", "tabs")])
def test_semicolon_or_tab_separated_files_are_named_as_such_even_with_commas_in_cells(tmp_path, separator, called):
    path = tmp_path / "enrolment.csv"
    rows = [["participant_id", "conf_senior", "hopes_gain"], ["A1", "5", "Insight, and confidence"], ["A2", "7", "x"]]
    path.write_text("\n".join(separator.join(row) for row in rows) + "\n")
    with pytest.raises(DataError, match=f"enrolment.csv, row 1: the columns are separated by {called}; "
                                        r"save the sheet as 'CSV UTF-8 \(comma delimited\)'"):
        read_table(path)


def test_a_libreoffice_workbook_renamed_xlsx_is_not_a_table(tmp_path):
    import zipfile

    path = tmp_path / "training.xlsx"
    with zipfile.ZipFile(path, "w") as workbook:
        workbook.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        workbook.writestr("content.xml", "<x/>")
    with pytest.raises(DataError, match=r"training.xlsx: .*not a CSV or Excel \(.xlsx\) file"):
        read_table(path)


def test_a_zero_width_space_pasted_into_a_cell_is_dropped(tmp_path):
    path = tmp_path / "enrolment.csv"
    path.write_text("participant_id,conf_senior\nA1\u200b,\ufeff8\u200b\n", encoding="utf-8")
    assert read_table(path).to_dict("records") == [{"participant_id": "A1", "conf_senior": "8"}]
