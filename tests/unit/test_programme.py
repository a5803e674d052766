"""Per-cohort programme settings (data contract, section 5)."""

from __future__ import annotations

import pytest

from rm_research.problems import DataError
from rm_research.programme import DEFAULT, FILE_NAME, FOCUS_WORDING, read_programme


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
