"""The contract's rules (section 3): each broken on its own, reported with file, row and column."""

from __future__ import annotations

import pandas as pd
import pytest

from rm_research.problems import DataError, Problem
from rm_research.validate import validate_cohort
from tests.helpers import FIXTURE, write_cohort


def problems_for(tmp_path, **overrides):
    with pytest.raises(DataError) as caught:
        validate_cohort(write_cohort(tmp_path, **overrides))
    return caught.value.problems


def replace(name, old, new):
    assert old in FIXTURE[name]
    return {name: FIXTURE[name].replace(old, new, 1)}


def test_fixture_is_valid(fixture_folder):
    raw = validate_cohort(fixture_folder)
    assert set(raw.tables) == {"participants", "enrolment", "end_survey", "mentoring_sessions", "psych_sessions",
                               "training", "themes"}


def test_pair_with_two_mentors(tmp_path):
    problems = problems_for(tmp_path, **replace("participants", "B1,mentee,P1", "B1,mentor,P1"))
    message = "pair 'P1' has 2 mentor(s) and 0 mentee(s); each pair needs exactly one mentor and one mentee"
    assert [(p.rows, p.column, p.message) for p in problems] == [([2, 5], "pair_id", message)]


def test_missing_required_file_and_column(tmp_path):
    problems = problems_for(tmp_path, end_survey=None,
                            enrolment=FIXTURE["enrolment"].replace("participant_id,", "person,", 1))
    assert Problem("end_survey.csv", None, None, "this required file is missing (a .csv or .xlsx is accepted)") in problems
    assert Problem("enrolment.csv", 1, "participant_id",
                   "this required column is missing from the header row") in problems


def test_blank_required_cell(tmp_path):
    problems = problems_for(tmp_path, **replace("participants", "A3,mentor", "A3,"))
    assert Problem("participants.csv", 4, "role", "is blank, but this column must be filled in on every row") in problems


def test_all_problems_of_all_files_at_once(tmp_path):
    overrides = {
        **replace("enrolment", "A1,2020-10-05,5", "A1,2020-10-05,11"),
        **replace("participants", "A3,mentor", "A3,boss"),
        **replace("end_survey", "B1,2021", "Z9,2021"),
    }
    overrides["participants"] = overrides["participants"].replace("B2,mentee", "B1,mentee")
    problems = problems_for(tmp_path, **overrides)
    assert {(p.file, p.row, p.column) for p in problems} >= {
        ("enrolment.csv", 2, "conf_senior"), ("participants.csv", 4, "role"),
        ("participants.csv", 5, "participant_id"), ("end_survey.csv", 4, "participant_id"),
    }


def test_not_a_csv_is_a_problem_not_a_crash(tmp_path):
    folder = write_cohort(tmp_path, **replace("enrolment", "A1,2020-10-05,5", "A1,2020-10-05,11"))
    (folder / "participants.csv").write_bytes(b"\x00\x01 a spreadsheet saved in a binary format")
    with pytest.raises(DataError) as caught:
        validate_cohort(folder)
    assert Problem("participants.csv", None, None,
                   "is not a CSV or Excel (.xlsx) file; export the table as CSV UTF-8") in caught.value.problems
    assert any(p.file == "enrolment.csv" and p.row == 2 for p in caught.value.problems)


def test_missing_folder(tmp_path):
    with pytest.raises(DataError, match="no such folder"):
        validate_cohort(tmp_path / "nowhere")


def test_message_reads_as_the_contract_asks():
    problem = Problem("enrolment.csv", 5, "conf_senior", "'11' is not valid; expected a whole number from 1 to 10")
    assert str(problem) == "enrolment.csv, row 5, column conf_senior: '11' is not valid; expected a whole number from 1 to 10"


def test_timezone_and_time_in_a_date_are_accepted_cell_by_cell(tmp_path):
    enrolment = FIXTURE["enrolment"].replace("A1,2020-10-05,", "A1,2020-10-05T10:00:00Z,").replace(
        "A2,2020-10-06,", "A2,2020-10-06 09:30,")
    validate_cohort(write_cohort(tmp_path, enrolment=enrolment))


def test_blank_held_and_attended_mean_not_answered(tmp_path):
    sessions = FIXTURE["mentoring_sessions"].replace("P1,5,2021-03-01,60,no,", "P1,5,2021-03-01,60,,")
    psych = FIXTURE["psych_sessions"].replace("A2,2,no", "A2,2,")
    validate_cohort(write_cohort(tmp_path, mentoring_sessions=sessions, psych_sessions=psych))


def test_sessions_offered_is_a_setting(tmp_path):
    psych = FIXTURE["psych_sessions"] + "A1,4,yes\n"
    folder = write_cohort(tmp_path, psych_sessions=psych)
    with pytest.raises(DataError, match="expected a whole number from 1 to 3"):
        validate_cohort(folder)
    validate_cohort(folder, psych_offered=4)


def test_row_numbers_count_empty_lines(tmp_path):
    enrolment = FIXTURE["enrolment"].replace("A2,2020-10-06,7,,4\n", "\nA2,2020-10-06,11,,4\n")
    with pytest.raises(DataError) as caught:
        validate_cohort(write_cohort(tmp_path, enrolment=enrolment))
    assert [(p.row, p.column) for p in caught.value.problems] == [(4, "conf_senior")]


AWKWARD_DATES = ["2021-03-31", "2020-10-05T10:00:00Z", "2020-10-06 09:30", "2021-03-31T23:30:00-05:00",
                 "2021-02-29", "2020-02-29", "2021-13-01", "06/10/2020", "2021-3-31", "2021-03-31x", "2021-03-31 x",
                 "20210331", "2021-03-31T25:00", "0001-01-01", "9999-12-31", "2021-03-31T10:00:00.123456789+01:00",
                 "", " 2021-03-31", "\u0662\u0660\u0662\u0661-03-31", "2021-03-31\n"]


def test_the_vectorised_date_check_agrees_with_parsing_each_cell():
    from rm_research.schemas import are_iso_dates, parse_date

    expected = [parse_date(cell) is not None for cell in AWKWARD_DATES]
    assert are_iso_dates(pd.Series(AWKWARD_DATES, dtype=object)).tolist() == expected


def test_pairs_of_the_same_make_up_are_one_problem(tmp_path):
    participants = FIXTURE["participants"].replace("B1,mentee,P1", "B1,mentor,P1").replace("B2,mentee,P2", "B2,mentor,P2")
    problems = problems_for(tmp_path, participants=participants)
    assert [(p.rows, str(p)) for p in problems if p.column == "pair_id"] == [
        ([2, 3, 5, 6], "participants.csv, rows 2-3, 5-6, column pair_id: pairs 'P1' and 'P2' each have 2 mentor(s) "
                       "and 0 mentee(s); each pair needs exactly one mentor and one mentee")]


def test_every_count_column_has_a_maximum():
    from rm_research.schemas import MAX_DURATION_MIN, MAX_SESSIONS, schema_for

    bounded = {"end_survey": ("sessions_reported", MAX_SESSIONS), "mentoring_sessions": ("session_no", MAX_SESSIONS)}
    for name, (column, limit) in bounded.items():
        names = [check.name for check in schema_for(name).columns[column].checks]
        assert names == [f"a whole number from {0 if column == 'sessions_reported' else 1} to {limit}"]
    assert [c.name for c in schema_for("mentoring_sessions").columns["duration_min"].checks] == [
        f"a whole number from 1 to {MAX_DURATION_MIN}"]


def test_whole_numbers_are_compared_exactly_even_when_huge(tmp_path):
    survey = FIXTURE["end_survey"].replace(",5,yes,no,yes", ",1000.000,yes,no,yes").replace(",3,N,,TRUE", ",1001,N,,TRUE")
    survey = survey.replace(",4,y,1,", "," + "9" * 5000 + ",y,1,")
    problems = problems_for(tmp_path, end_survey=survey)
    assert [(p.rows, p.message) for p in problems] == [
        ([3, 4], f"'1001' and '{'9' * 39}\u2026' are not valid; expected a whole number from 0 to 1000")]


def test_observations_are_read_and_checked(tmp_path):
    # contract section 2, observations.csv: pair_id must exist; level and kind from their lists
    from rm_research.clean import tidy_cohort

    good = "pair_id,level,kind,finding,method\nP1,Individual,Good practice,Listens well,interview\n"
    cohort = tidy_cohort(validate_cohort(write_cohort(tmp_path / "good", observations=good)))
    assert cohort.observations[["level", "kind"]].values.tolist() == [["individual", "good practice"]]
    bad = good + "P9,team,needs attention,,\n"
    with pytest.raises(DataError) as error:
        validate_cohort(write_cohort(tmp_path / "bad", observations=bad))
    text = str(error.value)
    assert "observations.csv, row 3, column pair_id: 'P9' is not listed as a pair_id in participants" in text
    assert "observations.csv, row 3, column level: 'team' is not valid; expected one of: individual" in text
