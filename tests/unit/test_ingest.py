"""Readers: encodings, header spelling, blank rows, Excel, and files that are not tables."""

from __future__ import annotations

import pandas as pd
import pytest

from rm_research.ingest import decode_text, normalise_header, read_table
from rm_research.problems import DataError


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
