"""Per-cohort programme settings (data contract, section 5)."""

from __future__ import annotations

import pytest

from rm_research.contract.programme import DEFAULT, FILE_NAME, FOCUS_WORDING, read_programme
from rm_research.core.problems import DataError


def test_a_missing_file_means_the_south_east_template(tmp_path):
    settings = read_programme(tmp_path)
    assert settings == DEFAULT
    assert (settings.psych_sessions_offered, settings.psych_session_hours, settings.focus) == (3, 2, "race")
    assert settings.focus_wording == "BAME experiences"


def test_the_contract_example_is_read(tmp_path):
    (tmp_path / FILE_NAME).write_text('programme = "Reciprocal Mentoring for Inclusion"\nfocus = "disability"\n'
                                      "psych_sessions_offered = 0\npsych_session_hours = 1.5\n"
                                      "planned_mentoring_sessions = 6\n")
    settings = read_programme(tmp_path)
    assert settings.programme == "Reciprocal Mentoring for Inclusion"
    assert settings.focus_wording == "experiences of disabled colleagues"
    assert not settings.offers_psych_sessions
    assert settings.planned_mentoring_sessions == 6


def test_every_focus_the_contract_names_has_wording():
    assert set(FOCUS_WORDING) == {"race", "disability", "sexual-orientation", "gender-identity",
                                  "religion-or-belief", "sex", "age", "all-protected-characteristics"}


@pytest.mark.parametrize(("text", "message"), [
    ('colour = "blue"\n', "programme.toml, column colour: is not a known setting"),
    ('focus = "hair"\n', "programme.toml, column focus: 'hair' is not valid; expected one of: race"),
    ("psych_sessions_offered = -1\n", "column psych_sessions_offered: -1 is not valid"),
    ("psych_sessions_offered = 2.5\n", "column psych_sessions_offered: 2.5 is not valid"),
    ("psych_sessions_offered = true\n", "column psych_sessions_offered: True is not valid"),
    ('programme = ""\n', "column programme: '' is not valid"),
    ("planned_mentoring_sessions = 0\n", "column planned_mentoring_sessions: 0 is not valid"),
    ("focus = race\n", "programme.toml: could not be read as TOML settings"),
    ('focus = ["race"]\n', "column focus: ['race'] is not valid; expected one of: race"),
    ("focus = {a = 1}\n", "column focus: {'a': 1} is not valid"),
])
def test_bad_settings_are_problems_not_tracebacks(tmp_path, text, message):
    (tmp_path / FILE_NAME).write_text(text)
    with pytest.raises(DataError) as error:
        read_programme(tmp_path)
    assert message in str(error.value)


def test_all_problems_of_the_file_at_once(tmp_path):
    (tmp_path / FILE_NAME).write_text('colour = "blue"\nfocus = "hair"\npsych_session_hours = 100\n')
    with pytest.raises(DataError) as error:
        read_programme(tmp_path)
    assert len(error.value.problems) == 3


# --- the settings in validation and reports -------------------------------------------------------

from rm_research.ingest.load import load_cohort  # noqa: E402
from rm_research.ingest.validate import validate_cohort  # noqa: E402
from rm_research.report.tables import item_labels  # noqa: E402
from rm_research.run.cohort import report_title  # noqa: E402
from tests.helpers import FIXTURE, write_cohort  # noqa: E402

FOURTH_SESSION = FIXTURE["psych_sessions"] + "A1,4,yes\n"


def test_the_programme_sets_how_many_psychological_sessions_are_valid(tmp_path):
    folder = write_cohort(tmp_path / "four", psych_sessions=FOURTH_SESSION)
    with pytest.raises(DataError, match=r"psych_session_no: '4' is not valid"):
        validate_cohort(folder)  # the South East's three sessions by default
    (folder / FILE_NAME).write_text("psych_sessions_offered = 4\n")
    assert validate_cohort(folder).programme.psych_sessions_offered == 4
    with pytest.raises(DataError):
        validate_cohort(folder, psych_offered=3)  # a value on the command line overrides the file


def test_no_sessions_offered_but_an_attendance_log_is_a_problem(tmp_path):
    folder = write_cohort(tmp_path / "none")
    (folder / FILE_NAME).write_text("psych_sessions_offered = 0\n")
    with pytest.raises(DataError, match=r"psych_sessions\.csv: the programme offered no psychological sessions"):
        validate_cohort(folder)
    (folder / "psych_sessions.csv").unlink()
    assert not validate_cohort(folder).programme.offers_psych_sessions


def test_settings_problems_are_listed_with_the_data_problems(tmp_path):
    folder = write_cohort(tmp_path / "both", enrolment=FIXTURE["enrolment"].replace("A1,2020-10-05,5", "A1,2020-10-05,11"))
    (folder / FILE_NAME).write_text('focus = "hair"\n')
    with pytest.raises(DataError) as error:
        validate_cohort(folder)
    files = {problem.file for problem in error.value.problems}
    assert files == {"enrolment.csv", FILE_NAME}


def test_the_report_title_and_item_wording_follow_the_programme(tmp_path):
    folder = write_cohort(tmp_path / "data" / "raw" / "east-of-england" / "cohort-2")
    (folder / FILE_NAME).write_text('programme = "Disability Reverse Mentoring"\nfocus = "disability"\n')
    loaded = load_cohort(str(tmp_path), "east-of-england", 2)  # a str root is accepted too
    assert report_title(loaded) == "Disability Reverse Mentoring: East of England, cohort 2"
    labels = item_labels(loaded.programme)
    assert labels["conf_senior"] == "Confidence talking about experiences of disabled colleagues with senior leaders"
    assert "(disability)" in labels["comfort_needs"] and "BAME" not in " ".join(labels.values())


def test_control_and_direction_characters_are_dropped_from_text_settings(tmp_path):
    # they would make the Word file's XML ill-formed and spoof the title's reading order
    (tmp_path / FILE_NAME).write_text('programme = "RM\\u0001\\u000b\\u202eProgramme "\n', encoding="utf-8")
    assert read_programme(tmp_path).programme == "RMProgramme"
    (tmp_path / FILE_NAME).write_text('programme = "\\u202e"\n', encoding="utf-8")
    with pytest.raises(DataError, match="column programme: '' is not valid"):
        read_programme(tmp_path)
