"""The data contract's files and columns, declared once (data contract, section 2).

Every file the contract names is one ``FileSpec`` in ``FILES``, in the contract's order; each of its
columns is one ``ColumnSpec``: its kind, allowed values or range, whether it must be present and
filled in, its meaning, the question wording the contract quotes, what a blank means, and the report
section it feeds. Everything else about the contract derives from this one table:

- ``columns``: the file names, their columns and key columns, and the question wordings that survey
  exports are matched by (``CONTRACT_FILES``, ``CONTRACT_COLUMNS``, ``KEY_COLUMNS``, ``WORDINGS``);
- ``schemas``: the pandera schema of each file (``schemas.schema_for``), whose checks word the
  validation messages;
- ``ingest.clean``: how each column is typed (``tidy_table``, by kind);
- ``ingest.validate``: the warning for a column a report section needs that is absent or unanswered;
- ``template``: the template workbook's sheets, drop-down lists, ranges and instructions.

The lists of allowed values themselves (roles, ethnic groups, areas of work...) are the evaluation
template's settings, ``core.config``; the spec says which column takes which list.

Adding a column or an optional file is one entry here (and, for a file, what reads its findings).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from rm_research.contract.programme import MOST_PSYCH_SESSIONS
from rm_research.core import config


class Kind(StrEnum):
    """What a column holds; its value is how the template workbook names it."""

    CODE = "code"
    TEXT = "text"
    CHOICE = "one of a list"
    LIST = "a ';'-separated list"
    YES_NO = "yes/no"
    WHOLE = "a whole number"
    DATE = "a date"


#: The most sessions one person can report, or one pair can log (``sessions_reported``,
#: ``session_no``): weekly sessions for twenty years. A larger figure is a typing slip, and past
#: 2**63 it could not even be stored as a count.
MAX_SESSIONS: Final = 1000
#: The longest one mentoring session can last, in minutes (``duration_min``): a whole day.
MAX_DURATION_MIN: Final = 24 * 60


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a contract file.

    ``required``: the column must be in the header row and, unless ``blank_ok``, filled in on every
    row. ``allowed``: the values of a ``CHOICE`` or ``LIST`` column (a ``LIST`` without them takes any
    items). ``whole``: the range of a ``WHOLE`` column; where ``up_to_offered``, its upper end is the
    programme's ``psych_sessions_offered`` (``whole``'s is the most any programme may plan).
    ``blank_means``: the value a blank cell is read as (None: not answered). ``feeds``: the report
    section computed from it, named in the warning when it is absent or nobody answered it.
    ``about_psych_sessions``: a question not expected of a programme that offered none."""

    name: str
    meaning: str
    kind: Kind = Kind.TEXT
    allowed: tuple[str, ...] = ()
    whole: tuple[int, int] | None = None
    required: bool = False
    blank_ok: bool = False
    unique: bool = False
    pseudonymous: bool = False
    wording: str | None = None
    blank_means: object = None
    feeds: str | None = None
    up_to_offered: bool = False
    about_psych_sessions: bool = False


@dataclass(frozen=True)
class FileSpec:
    """One contract file: its name, whether a cohort must supply it, what it is, the form whose export
    it is (if an evaluator builds one in a survey tool), its columns, and whether its rows belong to a
    pair (keyed by ``pair_id``) rather than a person (``participant_id``). ``numbered``: the column
    numbering a person's or pair's rows, each number at most once per key, and the words for one.
    ``keyed_by``: the key column where it is neither (``mentee_id``), or None for a file of no one's rows
    (the psychological sessions' topics). ``once_per``: columns whose values together may appear on at
    most one row, and the words for one such row (a rater's rating of a mentee in one phase)."""

    name: str
    required: bool
    purpose: str
    columns: tuple[ColumnSpec, ...]
    form: str | None = None
    by_pair: bool = False
    numbered: tuple[str, str] | None = None
    keyed_by: str | None = "participant_id"
    once_per: tuple[tuple[str, ...], str] | None = None

    @property
    def key(self) -> str:
        """The column every row is keyed by; the header row is the row that holds it (a file of no one's
        rows: its first required column)."""
        if self.by_pair:
            return "pair_id"
        return self.keyed_by or next(c.name for c in self.columns if c.required)

    def column(self, name: str) -> ColumnSpec | None:
        """The column called ``name``, or None."""
        return next((c for c in self.columns if c.name == name), None)


# --------------------------------------------------------------------------------------------- the columns

_BEFORE_AND_AFTER = "'Confidence before and after the programme'"
_RATING_WORDINGS: Final = {
    "conf_senior": "How confident are you talking about BAME experiences in the NHS with senior leaders?",
    "conf_junior": "How confident are you talking about BAME experiences in the NHS with junior staff across "
                   "professional groups?",
    "comfort_needs": "How comfortable are you discussing your own needs (when it comes to race) with your line "
                     "manager, occupational health, HR and other workforce services?",
}
_RATING_MEANINGS: Final = {
    "conf_senior": "confidence talking with senior leaders",
    "conf_junior": "confidence talking with junior staff (asked of mentees)",
    "comfort_needs": "comfort discussing one's own needs (asked of mentors)",
}


def _ratings(feeds: str) -> tuple[ColumnSpec, ...]:
    return tuple(ColumnSpec(item, _RATING_MEANINGS[item], Kind.WHOLE, whole=config.RATING_RANGE,
                            wording=_RATING_WORDINGS[item], feeds=feeds) for item in config.RATING_ITEMS)


def _person(unique: bool = False) -> ColumnSpec:
    return ColumnSpec("participant_id", "the participant's code, as in participants", Kind.CODE, required=True,
                      unique=unique)


_PAIR: Final = ColumnSpec("pair_id", "the pair's code, as in participants", Kind.CODE, required=True)
_DATE: Final = ColumnSpec("date", "the date, year-month-day", Kind.DATE)
_FREE: Final = "free text"
_SESSION_QUESTIONS: Final = "section 'Session length, missed sessions and the psychological sessions'"
_FREE_TEXT_SECTION: Final = "the free-text answers: themes and quotes"


def _yes_no(name: str, meaning: str, wording: str, about_psych: bool = False) -> ColumnSpec:
    return ColumnSpec(name, meaning, Kind.YES_NO, wording=wording, feeds=_SESSION_QUESTIONS,
                      about_psych_sessions=about_psych)


def _free_text(name: str, wording: str, about_psych: bool = False) -> ColumnSpec:
    return ColumnSpec(name, _FREE, wording=wording, feeds=_FREE_TEXT_SECTION, about_psych_sessions=about_psych)


#: The contract's files, in its order (data contract, section 2).
FILES: Final[tuple[FileSpec, ...]] = (
    FileSpec("participants", True, "one row per person who enrolled", form="Registration form", columns=(
        ColumnSpec("participant_id", "pseudonymous code, unique within the cohort (never a name or e-mail)",
                   Kind.CODE, required=True, unique=True, pseudonymous=True),
        ColumnSpec("role", "mentor = junior BME colleague; mentee = White senior leader", Kind.CHOICE,
                   config.ROLES, required=True),
        ColumnSpec("pair_id", "the mentoring pair; blank = never matched. Each pair has one mentor and one mentee",
                   Kind.CODE, feeds="participant flow: who was matched, and all that rests on the pairs"),
        ColumnSpec("ethnic_group", "ONS 2021 high-level group", Kind.CHOICE, config.ETHNIC_GROUPS,
                   feeds="the participants' ethnic groups"),
        ColumnSpec("ethnicity_detail", "finer category, e.g. White British, Black African"),
        ColumnSpec("band", "Agenda for Change band (Band 5 ... Band 9, VSM)"),
        ColumnSpec("heard_via", "how they found out about the programme",
                   feeds="how participants heard of the programme"),
        ColumnSpec("areas_of_work", "areas of work, separated by ';'", Kind.LIST, config.AREAS_OF_WORK,
                   feeds="section 'Areas of work'"),
        ColumnSpec("status", "enrolled or withdrawn; blank = enrolled", Kind.CHOICE, config.STATUSES,
                   blank_means="enrolled"),
        ColumnSpec("consent_quotes", "may their free-text answers be quoted in a published report; blank = no",
                   Kind.YES_NO, blank_means=False),
    )),
    FileSpec("enrolment", True, "the survey at enrolment (\"pre\"): at most one row per participant",
             form="Enrolment survey", columns=(
        _person(unique=True), _DATE,
        *_ratings(f"sections 'Confidence at enrolment' and {_BEFORE_AND_AFTER}"),
        ColumnSpec("hopes_contribute", "what they hope to contribute (free text)",
                   wording="What do you hope to contribute to the reverse mentoring sessions?"),
        ColumnSpec("hopes_gain", "what they would like to gain (free text)",
                   wording="What would you like to gain from the reverse mentoring relationship?"),
    )),
    FileSpec("end_survey", True, "the questionnaire at the end of the programme (\"post\"): at most one row per "
             "participant", form="End-of-programme questionnaire", columns=(
        _person(unique=True), _DATE, *_ratings(f"section {_BEFORE_AND_AFTER}"),
        ColumnSpec("sessions_reported", "mentoring sessions the person says they had", Kind.WHOLE,
                   whole=(0, MAX_SESSIONS), wording="How many sessions did you have with your mentor/mentee?",
                   feeds="section 'Mentoring sessions attended'"),
        _yes_no("length_appropriate", "was the length of the sessions appropriate",
                "Did you find the length of the sessions appropriate?"),
        _yes_no("missed_any", "did they miss any sessions", "Did you miss any sessions?"),
        ColumnSpec("missed_reason", "why sessions were missed (free text)"),
        _yes_no("psych_supportive", "were the psychological sessions supportive",
                "Did you find the psychological sessions supportive?", about_psych=True),
        _free_text("self_awareness", "How did the psychological sessions enhance your self-awareness?",
                   about_psych=True),
        _free_text("self_learning", "What did you learn about yourself?"),
        _free_text("boundaries", "How has this process helped you maintain boundaries?"),
        _free_text("relationship_impact", "How did these sessions impact the reverse mentoring relationship?",
                   about_psych=True),
    )),
    FileSpec("mentoring_sessions", False, "the pairs' session log: one row per pair per session", by_pair=True,
             numbered=("session_no", "session number within this pair"), columns=(
        _PAIR,
        ColumnSpec("session_no", "1, 2, ...; unique within a pair", Kind.WHOLE, whole=(1, MAX_SESSIONS),
                   required=True),
        _DATE,
        ColumnSpec("duration_min", "length of the session in whole minutes", Kind.WHOLE,
                   whole=(1, MAX_DURATION_MIN)),
        ColumnSpec("held", "was the session held; blank = not known", Kind.YES_NO, required=True, blank_ok=True),
        ColumnSpec("missed_reason", "why it was not held (free text)"),
    )),
    FileSpec("psych_sessions", False, "attendance at the facilitated psychological sessions: one row per "
             "participant per session offered",
             numbered=("psych_session_no", "psychological session for this participant"), columns=(
        _person(),
        # Excel cannot know the programme's number; validation checks it against programme.toml
        ColumnSpec("psych_session_no", "1 ... the number offered (psych_sessions_offered in programme.toml); one "
                   "row per participant per session offered", Kind.WHOLE, whole=(1, MOST_PSYCH_SESSIONS),
                   required=True, up_to_offered=True),
        ColumnSpec("attended", "did they attend; blank = not known", Kind.YES_NO, required=True, blank_ok=True),
    )),
    FileSpec("training", False, "feedback after the induction training", form="Training feedback form", columns=(
        _person(),
        ColumnSpec("rating", "rating of the induction training, 1 to 5", Kind.WHOLE,
                   whole=config.TRAINING_RATING_RANGE, feeds="the training rating"),
        ColumnSpec("resources_needed", "resources they asked for, separated by ';'", Kind.LIST,
                   feeds="the resources asked for at training"),
        ColumnSpec("comments", _FREE),
    )),
    FileSpec("themes", False, "the researcher's coding of the end survey's free-text answers", columns=(
        _person(),
        ColumnSpec("question", "the end-survey question the theme was coded from", Kind.CHOICE,
                   config.FREE_TEXT_QUESTIONS, required=True),
        ColumnSpec("theme", "the theme, as the coder wrote it", required=True),
        ColumnSpec("coder", "who coded it (two coders on the same answers allow an agreement statistic)"),
    )),
    FileSpec("observations", False, "the mentors' appraisal of their mentee's practice (ReMEDI programmes)",
             by_pair=True, columns=(
        _PAIR,
        ColumnSpec("level", "the level of the finding (ReMEDI)", Kind.CHOICE, config.OBSERVATION_LEVELS,
                   required=True),
        ColumnSpec("kind", "good practice or needs attention", Kind.CHOICE, config.OBSERVATION_KINDS,
                   required=True),
        ColumnSpec("finding", "the finding (free text)"),
        ColumnSpec("method", "e.g. interview, team-meeting observation, visual inspection"),
    )),
    # --- section 8: more of the evaluation (December 2026), each optional ---------------------------------
    FileSpec("benefit_ranking", False, "each participant's ranking of the organisational benefits of reverse "
             "mentoring: one row per benefit ranked", form="Benefits ranking (at enrolment)",
             once_per=(("participant_id", "benefit"), "benefit ranked by this participant"), columns=(
        _person(),
        ColumnSpec("benefit", "the benefit ranked", Kind.CHOICE, config.BENEFITS, required=True,
                   wording="Rank in order of importance your feelings about the organisational benefits of reverse "
                           "mentoring programmes", feeds="section 'The organisational benefits, ranked'"),
        ColumnSpec("rank", "1 = most important; a person's ranks run 1, 2, ... with none repeated or skipped",
                   Kind.WHOLE, whole=(1, len(config.BENEFITS)), required=True),
    )),
    FileSpec("psych_topics", False, "the facilitator's log of the topics each psychological session covered: one "
             "row per topic per session (no personal data)", keyed_by=None, columns=(
        ColumnSpec("psych_session_no", "1 ... the number offered (psych_sessions_offered in programme.toml)",
                   Kind.WHOLE, whole=(1, MOST_PSYCH_SESSIONS), required=True, up_to_offered=True),
        ColumnSpec("topic", "the topic, e.g. Guilt and shame, Power dynamics, Maintaining boundaries",
                   required=True, feeds="section 'What the psychological sessions covered'"),
    )),
    FileSpec("team_feedback", False, "360-degree feedback on each mentee from their own team: one row per rater "
             "per phase", form="Team feedback form", keyed_by="mentee_id",
             once_per=(("mentee_id", "rater", "phase"), "rating of this mentee by this rater in this phase"),
             columns=(
        ColumnSpec("mentee_id", "the mentee's participant_id (their role must be mentee)", Kind.CODE, required=True),
        ColumnSpec("rater", "a pseudonymous code for the team member, unique within the mentee", Kind.CODE,
                   required=True, pseudonymous=True),
        ColumnSpec("rater_group", "BME or other; blank = not given", Kind.CHOICE, config.RATER_GROUPS),
        ColumnSpec("phase", "pre (before the programme), post (at its end) or follow_up", Kind.CHOICE,
                   config.FEEDBACK_PHASES, required=True),
        ColumnSpec("inclusive_behaviour", "the team's rating of the leader's inclusive behaviour, 1-10", Kind.WHOLE,
                   whole=config.RATING_RANGE, feeds="section 'What the mentee's team saw'",
                   wording="How inclusive is this leader's behaviour towards colleagues from ethnic minority "
                           "backgrounds?"),
        ColumnSpec("challenges_unfairness", "how often the leader challenges unfair treatment, 1-10", Kind.WHOLE,
                   whole=config.RATING_RANGE, feeds="section 'What the mentee's team saw'",
                   wording="How often does this leader challenge unfair treatment when they see it?"),
    )),
    FileSpec("follow_up", False, "the confidence items asked again 6-12 months after the programme ended: at most "
             "one row per participant", form="Follow-up survey", columns=(
        _person(unique=True), _DATE, *_ratings("section 'Did it last?'"),
    )),
)

#: Each file's spec by name.
SPEC: Final[dict[str, FileSpec]] = {file.name: file for file in FILES}
