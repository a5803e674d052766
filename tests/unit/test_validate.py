"""The contract's rules (section 3): each broken on its own, reported with file, row and column."""

from __future__ import annotations

import pandas as pd
import pytest

from rm_research.core.problems import DataError, Problem
from rm_research.ingest.validate import validate_cohort
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
    from rm_research.contract.schemas import are_iso_dates, parse_date

    expected = [parse_date(cell) is not None for cell in AWKWARD_DATES]
    assert are_iso_dates(pd.Series(AWKWARD_DATES, dtype=object)).tolist() == expected


def test_pairs_of_the_same_make_up_are_one_problem(tmp_path):
    participants = FIXTURE["participants"].replace("B1,mentee,P1", "B1,mentor,P1").replace("B2,mentee,P2", "B2,mentor,P2")
    problems = problems_for(tmp_path, participants=participants)
    assert [(p.rows, str(p)) for p in problems if p.column == "pair_id"] == [
        ([2, 3, 5, 6], "participants.csv, rows 2-3, 5-6, column pair_id: pairs 'P1' and 'P2' each have 2 mentor(s) "
                       "and 0 mentee(s); each pair needs exactly one mentor and one mentee")]


def test_every_count_column_has_a_maximum():
    from rm_research.contract.schemas import schema_for
    from rm_research.contract.spec import MAX_DURATION_MIN, MAX_SESSIONS

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
    from rm_research.ingest.clean import tidy_cohort

    good = "pair_id,level,kind,finding,method\nP1,Individual,Good practice,Listens well,interview\n"
    cohort = tidy_cohort(validate_cohort(write_cohort(tmp_path / "good", observations=good)))
    assert cohort.observations[["level", "kind"]].values.tolist() == [["individual", "good practice"]]
    bad = good + "P9,team,needs attention,,\n"
    with pytest.raises(DataError) as error:
        validate_cohort(write_cohort(tmp_path / "bad", observations=bad))
    text = str(error.value)
    assert "observations.csv, row 3, column pair_id: 'P9' is not listed as a pair_id in participants" in text
    assert "observations.csv, row 3, column level: 'team' is not valid; expected one of: individual" in text


def test_the_four_optional_files_of_section_8_are_read_and_every_bad_case_named(tmp_path):
    """Issue 20: a repeated or skipped rank, an unknown benefit code, a rater who rates a mentee twice in one
    phase, team feedback for someone who is not a mentee, a follow-up for someone not enrolled: each with its
    file, row and column, all at once."""
    from rm_research.ingest.clean import tidy_cohort

    good = {
        "benefit_ranking": "participant_id,benefit,rank\nA1,retention,2\nA1,change_agents,1\nB1,Retention,1\n",
        "psych_topics": "psych_session_no,topic\n1,Guilt and shame\n1, guilt  and Shame\n2,Power dynamics\n",
        "team_feedback": "mentee_id,rater,rater_group,phase,inclusive_behaviour,challenges_unfairness\n"
                         "B1,T1,BME,pre,5,4\nB1,T1,BME,post,7,6\nB1,T2,,pre,6,\n",
        "follow_up": "participant_id,date,conf_senior,conf_junior,comfort_needs\nA1,2021-09-01,8,,7\n",
    }
    cohort = tidy_cohort(validate_cohort(write_cohort(tmp_path / "good", **good)))
    assert list(cohort.benefit_ranking["benefit"]) == ["retention", "change_agents", "retention"]
    assert list(cohort.team_feedback["phase"]) == ["pre", "post", "pre"]
    assert cohort.follow_up["conf_senior"].tolist() == [8]
    bad = {
        "benefit_ranking": good["benefit_ranking"] + "A2,retention,1\nA2,recognising_talent,1\nA3,retention,2\n"
                                                     "B2,better_pay,1\n",
        "team_feedback": good["team_feedback"] + "B1,T1,other,pre,3,3\nA1,T9,,pre,5,5\n",
        "follow_up": good["follow_up"] + "Z9,2021-09-01,5,,\n",
    }
    with pytest.raises(DataError) as error:
        validate_cohort(write_cohort(tmp_path / "bad", **bad))
    text = str(error.value)
    assert ("benefit_ranking.csv, rows 5-6, column rank: participant 'A2' gave the ranks 1, 1: the 2 benefits a person "
            "ranked take the ranks 1 to 2, each once") in text
    assert "benefit_ranking.csv, row 7, column rank: participant 'A3' gave the ranks 2" in text
    assert "benefit_ranking.csv, row 8, column benefit: 'better_pay' is not valid; expected one of:" in text
    assert ("team_feedback.csv, rows 2, 5, column phase: 'B1 / T1 / pre' is repeated: each rating of this mentee by "
            "this rater in this phase may appear only once") in text
    assert "team_feedback.csv, row 6, column mentee_id: 'A1' is not listed as a mentee in participants" in text
    assert "follow_up.csv, row 3, column participant_id: 'Z9' is not listed in participants" in text
    bad_topics = good["psych_topics"] + "4,Power dynamics\n"  # the fixture's programme offers 3 sessions
    with pytest.raises(DataError) as error:
        validate_cohort(write_cohort(tmp_path / "topics", psych_topics=bad_topics))
    assert "psych_topics.csv, row 5, column psych_session_no: '4' is not valid" in str(error.value)


# --- survey exports, column mappings and near misses (contract sections 3 and 7) -------------------------------------

SESSIONS = "How many sessions did you have with your mentor/mentee?"


def test_headers_read_by_wording_and_by_the_regions_and_cohorts_mapping(tmp_path):
    survey = (FIXTURE["end_survey"].replace("participant_id,", "Code,", 1).replace("sessions_reported", SESSIONS, 1)
              .replace("missed_any", "Missed?", 1))
    folder = write_cohort(tmp_path / "midlands" / "cohort-1", end_survey=survey)
    (folder.parent / "columns.toml").write_text('[end_survey]\nparticipant_id = "Code"\nmissed_any = "Skipped?"\n')
    (folder / "columns.toml").write_text('[end_survey]\nmissed_any = ["Missed?", "Any missed?"]\n')
    raw = validate_cohort(folder)
    assert raw.tables["end_survey"].columns[:1].tolist() == ["participant_id"]
    assert raw.tables["end_survey"]["sessions_reported"].tolist() == ["5", "3", "4"]
    assert raw.tables["end_survey"]["missed_any"].fillna("").tolist() == ["no", "", "1"]
    assert raw.mapping_files == ("columns.toml", "midlands/columns.toml")
    assert {h.column: h.source for h in raw.columns["end_survey"].by("mapping")} == {
        "participant_id": "midlands/columns.toml", "missed_any": "columns.toml"}


def test_a_bad_mapping_is_a_problem_listed_with_the_rest(tmp_path):
    folder = write_cohort(tmp_path, **replace("enrolment", "A1,2020-10-05,5", "A1,2020-10-05,11"))
    (folder / "columns.toml").write_text('[end_survey]\nconf_seniors = "Q1"\n')
    problems = problems_for_folder(folder)
    assert [(p.file, p.message) for p in problems if p.file == "columns.toml"] == [
        ("columns.toml", "[end_survey] conf_seniors: conf_seniors is not a column of end_survey; did you mean "
                         "'conf_senior'?")]
    assert any(p.file == "enrolment.csv" and p.column == "conf_senior" for p in problems)


def problems_for_folder(folder):
    with pytest.raises(DataError) as caught:
        validate_cohort(folder)
    return caught.value.problems


@pytest.mark.parametrize(("code", "hint"), [("a1", " (did you mean 'A1'?)"), ("A01", " (did you mean 'A1'?)"),
                                            ("Z9", "")])
def test_an_unknown_participant_close_to_an_enrolled_one_is_suggested(tmp_path, code, hint):
    problems = problems_for(tmp_path, **replace("end_survey", "B1,2021", f"{code},2021"))
    assert [p.message for p in problems] == [
        f"'{code}' is not listed in participants{hint}; correct the code or enrol them first"]


def test_several_unknown_participants_each_get_their_suggestion(tmp_path):
    survey = FIXTURE["end_survey"].replace("A1,2021", "a1,2021").replace("B1,2021", "b-1,2021")
    [problem] = problems_for(tmp_path, end_survey=survey)
    assert problem.message == ("'a1' and 'b-1' are not listed in participants (did you mean 'A1' for 'a1', 'B1' for "
                               "'b-1'?); correct the codes or enrol them first")


def test_a_missing_required_column_names_the_header_close_to_it(tmp_path):
    problems = problems_for(tmp_path, enrolment=FIXTURE["enrolment"].replace("participant_id,", "particpant_id,", 1))
    assert [str(p) for p in problems] == [
        "enrolment.csv, row 1, column participant_id: this required column is missing from the header row; did you "
        "mean the column headed 'particpant_id'? (rename it participant_id, or name it in columns.toml)"]


def test_warnings_for_report_sections_left_empty(tmp_path):
    survey = FIXTURE["end_survey"].replace(",sessions_reported", ",sessions_reprted", 1).replace(
        "psych_supportive\n", "psych_supportive,boundaries\n")
    raw = validate_cohort(write_cohort(tmp_path, end_survey=survey))
    warned = {(w.file, w.column): w.message for w in raw.warnings}
    assert warned[("end_survey.csv", "sessions_reported")] == (
        f"there is no such column (\"{SESSIONS}\"), so the report will have no figures for it (section 'Mentoring "
        "sessions attended'); did you mean the column headed 'sessions_reprted'?")
    assert warned[("end_survey.csv", "boundaries")] == (
        "nobody answered it, so the report will have no figures for it (the free-text answers: themes and quotes)")
    assert ("participants.csv", "heard_via") in warned  # the fixture has no heard_via column
    assert ("end_survey.csv", "conf_senior") not in warned


def test_no_warning_for_psychological_questions_a_programme_never_asked(tmp_path):
    folder = write_cohort(tmp_path, psych_sessions=None)
    (folder / "programme.toml").write_text("psych_sessions_offered = 0\n")
    columns = {w.column for w in validate_cohort(folder).warnings}
    assert not columns & {"psych_supportive", "self_awareness", "relationship_impact"}
    assert "self_learning" in columns


def test_a_mapped_header_that_is_not_in_the_file_is_a_warning_with_the_header_close_to_it(tmp_path):
    folder = write_cohort(tmp_path, end_survey=FIXTURE["end_survey"].replace("sessions_reported", "RM sessions held", 1))
    (folder / "columns.toml").write_text('[end_survey]\nsessions_reported = "RM sessions had"\n')
    raw = validate_cohort(folder)
    assert next(str(w) for w in raw.warnings if w.column == "sessions_reported") == (
        "end_survey.csv, column sessions_reported: columns.toml reads 'RM sessions had' as this column, but the file "
        "has no such header; did you mean 'RM sessions held'?")


def test_the_summary_lists_headers_by_how_they_were_read(tmp_path):
    from rm_research.ingest.validate import summary_lines

    survey = ("ID,Name,Email,participant_id,conf_seniors," + SESSIONS + ",Notes\n"
              "1,Ada Lovelace,ada@example.org,A1,5,4,\n")
    lines = summary_lines(validate_cohort(write_cohort(tmp_path, end_survey=survey)))
    block = lines[lines.index("end_survey.csv:"):]
    assert block[:7] == [
        "end_survey.csv:",
        "  matched by question wording (1):",
        f"    sessions_reported <- '{SESSIONS}'",
        "  dropped, never read (3):",
        "    ID, Name, Email (Microsoft Forms bookkeeping)",
        "  not recognised, kept but not used (2):",
        "    'conf_seniors' (did you mean conf_senior?)",
    ]
    assert block[7] == "    'Notes'"
    assert not any("Ada" in line or "example.org" in line for line in lines)


def test_a_contract_format_cohort_prints_no_header_lines(fixture_folder):
    from rm_research.ingest.validate import summary_lines

    assert all(not line.endswith(".csv:") for line in summary_lines(validate_cohort(fixture_folder)))


def test_multi_select_answers_as_the_survey_tools_write_them(tmp_path):
    from rm_research.ingest.clean import tidy_cohort

    people = FIXTURE["participants"].replace("People management;Communications", "People management;Communications;")
    people = people.replace("A2,mentor,P2,Asian,People management,", "A2,mentor,P2,Asian,\"Budget management, "
                            "Data and analysis\",")
    cohort = tidy_cohort(validate_cohort(write_cohort(tmp_path, participants=people)))
    areas = cohort.participants.set_index("participant_id")["areas_of_work"]
    assert areas["A1"] == ["People management", "Communications"]  # Microsoft Forms ends the list with ';'
    assert areas["A2"] == ["Budget management", "Data and analysis"]  # Google Forms joins with ', '


def test_a_comma_list_with_an_unknown_option_is_still_invalid(tmp_path):
    people = FIXTURE["participants"].replace("A2,mentor,P2,Asian,People management,",
                                             "A2,mentor,P2,Asian,\"Budget management, Juggling\",")
    [problem] = problems_for(tmp_path, participants=people)
    assert problem.column == "areas_of_work" and problem.row == 3


def test_a_hidden_first_sheet_is_read_and_warned_of(tmp_path):
    # the contract reads a workbook's first sheet; an old copy hidden there must not be read unnoticed
    import csv
    import io

    from openpyxl import Workbook

    folder = write_cohort(tmp_path, training=None)
    workbook = Workbook()
    hidden = workbook.active
    hidden.title, hidden.sheet_state = "Old copy", "hidden"
    for row in csv.reader(io.StringIO(FIXTURE["training"])):
        hidden.append(row)
    workbook.create_sheet("Training").append(["participant_id", "rating"])
    workbook.active = 1
    workbook.save(folder / "training.xlsx")
    raw = validate_cohort(folder)
    assert [str(w) for w in raw.warnings if w.file == "training.xlsx"] == [
        "training.xlsx: its first sheet, 'Old copy', is hidden, and is the sheet read (an .xlsx is read from its "
        "first sheet); if the data are on another sheet, move that sheet to the front, or delete the hidden one"]
    assert len(raw.tables["training"]) == len(FIXTURE["training"].strip().splitlines()) - 1
