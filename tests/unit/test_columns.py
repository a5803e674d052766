"""Headers matched to contract columns (data contract, section 7): by name, by question wording, by
columns.toml (the cohort's winning over the region's column by column); survey tools' bookkeeping
dropped; what is left over listed with the column it is close to."""

from __future__ import annotations

from pathlib import Path

import pytest

from rm_research.contract.columns import (
    BLANK,
    BOOKKEEPING_COLUMN,
    MAPPING,
    NAME,
    NO_MAPPING,
    UNRECOGNISED,
    WORDING,
    WORDINGS,
    ColumnMapping,
    MappedColumn,
    header_key,
    match_headers,
    near_misses,
    read_mapping,
    suggest_column,
)

SESSIONS = "How many sessions did you have with your mentor/mentee?"  # contract, section 2


def read(match):
    return [(h.text, h.column, h.how) for h in match.headers]


@pytest.mark.parametrize("header", [
    SESSIONS, "How many sessions did you have with your mentor?", "how many sessions did you have with your MENTEE",
    "How many sessions did you have with your mentor / mentee?", "How  many sessions, did you have with your Mentee?",
    "How many sessions did you have with your mentor or mentee?",
])
def test_the_wording_matches_whichever_partner_it_names_and_however_it_is_punctuated(header):
    assert header_key(header) == header_key(SESSIONS)
    assert read(match_headers("end_survey", [header])) == [(header, "sessions_reported", WORDING)]


def test_a_different_question_is_not_the_wording():
    assert header_key("How many sessions did you miss?") != header_key(SESSIONS)
    assert match_headers("end_survey", ["How many sessions did you miss?"]).headers[0].how == UNRECOGNISED


def test_names_wordings_mapping_bookkeeping_and_the_rest():
    mapping = ColumnMapping((MappedColumn("end_survey", "participant_id", ("What is your participant code?",),
                                          "columns.toml"),))
    headers = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time",
               "What is your participant code?", "Participant ID ", "Did you miss any sessions?", "Extra Notes", ""]
    match = match_headers("end_survey", headers, mapping)
    assert read(match) == [
        ("ID", None, BOOKKEEPING_COLUMN), ("Start time", None, BOOKKEEPING_COLUMN),
        ("Completion time", None, BOOKKEEPING_COLUMN), ("Email", None, BOOKKEEPING_COLUMN),
        ("Name", None, BOOKKEEPING_COLUMN), ("Last modified time", None, BOOKKEEPING_COLUMN),
        ("What is your participant code?", "participant_id", MAPPING), ("Participant ID ", "participant_id", NAME),
        ("Did you miss any sessions?", "missed_any", WORDING), ("Extra Notes", "extra_notes", UNRECOGNISED),
        ("", "", BLANK),
    ]
    assert {h.source for h in match.by(BOOKKEEPING_COLUMN)} == {"Microsoft Forms"}
    assert match.by(MAPPING)[0].source == "columns.toml"


def test_google_forms_bookkeeping_is_dropped():
    match = match_headers("enrolment", ["Timestamp", "Email address", "participant_id"])
    assert read(match) == [("Timestamp", None, BOOKKEEPING_COLUMN), ("Email address", None, BOOKKEEPING_COLUMN),
                           ("participant_id", "participant_id", NAME)]
    assert match.by(BOOKKEEPING_COLUMN)[0].source == "Google Forms"


def test_a_question_asked_in_two_files_is_the_same_column_in_each():
    wording = WORDINGS["enrolment"]["conf_senior"]
    assert wording == WORDINGS["end_survey"]["conf_senior"]
    for table in ("enrolment", "end_survey"):
        assert match_headers(table, [wording]).columns == ["conf_senior"]


def test_a_wording_of_another_file_is_not_recognised():
    # sessions_reported is an end-survey question: in the enrolment survey it is an extra column
    assert read(match_headers("enrolment", [SESSIONS])) == [
        (SESSIONS, "how_many_sessions_did_you_have_with_your_mentor/mentee?", UNRECOGNISED)]


def test_a_table_that_is_not_the_contracts_only_drops_bookkeeping():
    assert read(match_headers("notes", ["Name", "participant_id"])) == [
        ("Name", None, BOOKKEEPING_COLUMN), ("participant_id", "participant_id", UNRECOGNISED)]


def test_two_headers_read_as_one_column_is_a_problem_naming_both():
    match = match_headers("end_survey", ["participant_id", "sessions_reported", SESSIONS])
    [problem] = match.problems("end_survey.xlsx")
    assert (problem.file, problem.row, problem.column) == ("end_survey.xlsx", 1, "sessions_reported")
    assert problem.message.startswith("2 headers are read as this column: 'sessions_reported' (its name) and "
                                      "'How many sessions did you have with you\u2026' (its question wording); "
                                      "which one is meant cannot be guessed")


def test_the_same_name_twice_keeps_its_plain_message():
    [problem] = match_headers("participants", ["participant_id", "Role", "role"]).problems("participants.csv")
    assert problem.message == "this column name appears more than once in the header row"


# --- columns.toml ----------------------------------------------------------------------------------------------------

def cohort_folder(tmp_path: Path, cohort: str | None = None, region: str | None = None) -> Path:
    folder = tmp_path / "data" / "raw" / "midlands" / "cohort-2"
    folder.mkdir(parents=True)
    if cohort is not None:
        (folder / "columns.toml").write_text(cohort, encoding="utf-8")
    if region is not None:
        (folder.parent / "columns.toml").write_text(region, encoding="utf-8")
    return folder


def test_no_mapping_file_is_no_mapping(tmp_path):
    assert read_mapping(cohort_folder(tmp_path)) == NO_MAPPING


def test_a_string_or_a_list_of_strings(tmp_path):
    folder = cohort_folder(tmp_path, '[end_survey]\nsessions_reported = "How many RM sessions did you attend?"\n'
                                     'psych_supportive = ["Were the psychological sessions supportive?", '
                                     '"Psych sessions helpful?"]\n')
    mapping = read_mapping(folder)
    assert mapping.problems == ()
    assert mapping.files == ("columns.toml",)
    found = {key: entry.column for key, entry in mapping.for_table("end_survey").items()}
    assert found == {header_key("How many RM sessions did you attend?"): "sessions_reported",
                     header_key("Were the psychological sessions supportive?"): "psych_supportive",
                     header_key("Psych sessions helpful?"): "psych_supportive"}
    assert read(match_headers("end_survey", ["psych sessions HELPFUL"], mapping)) == [
        ("psych sessions HELPFUL", "psych_supportive", MAPPING)]


def test_the_cohorts_file_wins_column_by_column_over_the_regions(tmp_path):
    region = ('[end_survey]\nsessions_reported = "Sessions attended?"\nmissed_any = "Any sessions missed?"\n'
              'boundaries = "Limits?"\n')
    cohort = '[end_survey]\nsessions_reported = "Sessions held?"\nself_learning = "Limits?"\n'
    mapping = read_mapping(cohort_folder(tmp_path, cohort, region))
    assert mapping.problems == ()
    assert mapping.files == ("columns.toml", "midlands/columns.toml")
    found = {key: (entry.column, entry.source) for key, entry in mapping.for_table("end_survey").items()}
    assert found == {
        "sessionsheld": ("sessions_reported", "columns.toml"),  # the cohort's headers replace the region's
        "limits": ("self_learning", "columns.toml"),  # a header the cohort reads as another column
        "anysessionsmissed": ("missed_any", "midlands/columns.toml"),  # the region's other columns apply
    }


@pytest.mark.parametrize(("text", "message"), [
    ('[end_survy]\nsessions_reported = "x"\n', "[end_survy] is not a contract file; did you mean 'end_survey'?"),
    ('[diary]\nx = "y"\n', "[diary] is not a contract file; expected one of: participants, enrolment, end_survey,"),
    ('[end_survey]\nconf_seniors = "x"\n',
     "[end_survey] conf_seniors: conf_seniors is not a column of end_survey; did you mean 'conf_senior'?"),
    ('[end_survey]\nsessions_reported = 3\n', "[end_survey] sessions_reported: 3 is not valid; expected a header in "
                                              "quotes, or a list of them"),
    ('[end_survey]\nsessions_reported = []\n', "[end_survey] sessions_reported: [] is not valid"),
    ('[end_survey]\nsessions_reported = ["ok", ""]\n', "[end_survey] sessions_reported: ['ok', ''] is not valid"),
    ('end_survey = "x"\n', "end_survey must be a section, [end_survey]"),
    ('[end_survey]\nparticipant_id = "Email"\n', "[end_survey] participant_id: 'Email' is Microsoft Forms' "
                                                 "bookkeeping column, which is never read"),
    ('[end_survey]\nmissed_any = "Did you find the length of the sessions appropriate?"\n',
     "[end_survey] missed_any: 'Did you find the length of the sessions appropriate?' is already the contract's "
     "question wording of length_appropriate, and is read as length_appropriate"),
    ('[end_survey]\nmissed_any = "conf senior"\n', "is already the contract's name of conf_senior"),
    ('[end_survey]\nmissed_any = "Q7"\nself_learning = "q 7"\n',
     "[end_survey] self_learning: 'q 7' is mapped to missed_any too; a header can be read as one column only"),
    ('[end_survey\n', "could not be read as a TOML column mapping"),
])
def test_every_unknown_key_and_bad_value_is_a_problem_not_a_traceback(tmp_path, text, message):
    mapping = read_mapping(cohort_folder(tmp_path, text))
    assert [p.file for p in mapping.problems] == ["columns.toml"]
    assert message in mapping.problems[0].message


def test_an_entry_naming_the_column_its_header_is_read_as_already_is_no_problem(tmp_path):
    # a region's mapping lists the contract's own header beside other cohorts' variants
    mapping = read_mapping(cohort_folder(tmp_path, region='[end_survey]\nparticipant_id = ["participant_id", '
                                         '"Your participant code"]\nconf_senior = "How confident are you talking '
                                         'about BAME experiences in the NHS with senior leaders?"\n'))
    assert mapping.problems == ()
    assert match_headers("end_survey", ["Your participant code"], mapping).columns == ["participant_id"]


def test_repeated_extra_headers_are_kept_apart_and_a_repeated_contract_column_is_not(tmp_path):
    # extra columns are kept and ignored (contract, section 1), whatever their headers
    match = match_headers("participants", ["participant_id", "Please explain", "role", "Please explain",
                                           "please_explain_2"])
    assert match.columns == ["participant_id", "please_explain", "role", "please_explain_2", "please_explain_2_2"]
    assert match.problems("participants.csv") == []
    twice = match_headers("participants", ["participant_id", "role", "Role"])
    assert [p.column for p in twice.problems("participants.csv")] == ["role"]


def test_valid_entries_are_kept_beside_a_bad_one(tmp_path):
    mapping = read_mapping(cohort_folder(tmp_path, region='[end_survey]\nmissed_any = "Missed?"\nwho = "x"\n'))
    assert [(p.file, p.message[:20]) for p in mapping.problems] == [("midlands/columns.toml", "[end_survey] who: wh")]
    assert [entry.column for entry in mapping.entries] == ["missed_any"]


def test_a_folder_named_columns_toml_is_a_problem(tmp_path):
    folder = cohort_folder(tmp_path)
    (folder / "columns.toml").mkdir()
    assert "is a folder, not a file" in read_mapping(folder).problems[0].message


def test_a_mapping_never_overrides_a_contract_name(tmp_path):
    # order of matching (section 7): the contract's name comes before any mapping
    mapping = ColumnMapping((MappedColumn("end_survey", "missed_any", ("Q7",), "columns.toml"),))
    assert match_headers("end_survey", ["missed_any", "Q7"], mapping).columns == ["missed_any", "missed_any"]


# --- near misses -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("header", "column"), [
    ("conf_seniors", "conf_senior"), ("particpant_id", "participant_id"), ("Sesions reported", "sessions_reported"),
    ("How many sessions did you attend with your mentor?", "sessions_reported"),
    ("Did you find the psychology sessions supportive?", "psych_supportive"),
])
def test_an_unrecognised_header_close_to_a_column_is_suggested(header, column):
    assert suggest_column("end_survey", header) == column


@pytest.mark.parametrize("header", ["Any other comments?", "rating", "Team", "Q1"])
def test_nothing_is_suggested_for_a_header_unlike_any_column(header):
    assert suggest_column("end_survey", header) is None


def test_a_column_already_read_is_not_suggested_again():
    # conf_seniors is closest to conf_senior, which is there: it is a stray copy, not a misspelt conf_junior
    match = match_headers("end_survey", ["conf_senior", "conf_seniors", "boundarys"])
    assert near_misses(match) == {"boundarys": "boundaries"}
