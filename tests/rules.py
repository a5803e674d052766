"""One fixture per contract rule (data contract, section 3): the hand-made cohort with only that
rule broken, and the problem an evaluator must be shown for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rm_research.core.problems import Problem
from tests.helpers import FIXTURE, write_cohort

AREAS = ("People management; Project management; Process management; Budget management; Communications; "
         "Data and analysis; General administrative; Support to senior manager; Regional oversight")
YES_NO = "yes or no (y/n, true/false and 1/0 are accepted too)"
NOT_LISTED = "is not listed in participants; correct the code or enrol them first"
TITLE = ("row 1 looks like a title ('Enrolment survey 2021'); the header row, with participant_id, must be the "
         "first row: delete row 1 so that the header (now row 2) is row 1")


@dataclass(frozen=True)
class Rule:
    name: str
    expected: Problem
    edits: dict[str, tuple[str, str] | None] = field(default_factory=dict)  # file: (old, new) or None = drop
    raw_files: dict[str, bytes] = field(default_factory=dict)  # file name: bytes written as they are

    def write(self, folder: Path) -> Path:
        files = dict(FIXTURE)
        for name, edit in self.edits.items():
            if edit is None:
                files[name] = None
            else:
                old, new = edit
                assert old in files[name], f"{self.name}: {old!r} not in {name}"
                files[name] = files[name].replace(old, new, 1)
        write_cohort(folder, files)
        for name, content in self.raw_files.items():
            (folder / name).write_bytes(content)
        return folder


def _p(file: str, row: int | list[int] | None, column: str | None, message: str) -> Problem:
    """The problem as printed: one row, the whole file (None), or one line for several rows."""
    return Problem.on_rows(file, row, column, message) if isinstance(row, list) else Problem(file, row, column, message)


RULES = [
    Rule("rating above its range", _p("enrolment.csv", 2, "conf_senior",
         "'11' is not valid; expected a whole number from 1 to 10"),
         {"enrolment": ("A1,2020-10-05,5", "A1,2020-10-05,11")}),
    Rule("rating typed as a word", _p("end_survey.csv", 3, "conf_senior",
         "'very' is not valid; expected a whole number from 1 to 10"),
         {"end_survey": ("A2,2021-05-02,6", "A2,2021-05-02,very")}),
    Rule("rating with a fraction", _p("enrolment.csv", 3, "comfort_needs",
         "'4.5' is not valid; expected a whole number from 1 to 10"),
         {"enrolment": ("A2,2020-10-06,7,,4", "A2,2020-10-06,7,,4.5")}),
    Rule("training rating outside 1-5", _p("training.csv", 2, "rating",
         "'7' is not valid; expected a whole number from 1 to 5"),
         {"training": ("A1,4,", "A1,7,")}),
    Rule("negative session count", _p("end_survey.csv", 2, "sessions_reported",
         "'-1' is not valid; expected a whole number from 0 to 1000"),
         {"end_survey": ("6,5,yes", "6,-1,yes")}),
    Rule("unknown role", _p("participants.csv", 4, "role", "'boss' is not valid; expected one of: mentor, mentee"),
         {"participants": ("A3,mentor", "A3,boss")}),
    Rule("unknown ethnic group", _p("participants.csv", 3, "ethnic_group",
         "'Asain' is not valid; expected one of: Asian, Black, Mixed, White, Other, Prefer not to say"),
         {"participants": ("P2,Asian", "P2,Asain")}),
    Rule("unknown status", _p("participants.csv", 4, "status", "'left' is not valid; expected one of: enrolled, withdrawn"),
         {"participants": (",enrolled,", ",left,")}),
    Rule("unknown area of work", _p("participants.csv", 3, "areas_of_work",
         f"'Cooking' is not valid; expected items separated by ';', each one of: {AREAS}"),
         {"participants": ("Asian,People management,", "Asian,Cooking,")}),
    Rule("yes/no answer that is neither", _p("end_survey.csv", 2, "length_appropriate",
         f"'maybe' is not valid; expected {YES_NO}"), {"end_survey": ("5,yes,no,yes", "5,maybe,no,yes")}),
    Rule("consent that is neither yes nor no", _p("participants.csv", 2, "consent_quotes",
         f"'perhaps' is not valid; expected {YES_NO}"), {"participants": (",,yes\n", ",,perhaps\n")}),
    Rule("date not year-month-day", _p("enrolment.csv", 3, "date",
         "'06/10/2020' is not valid; expected a date written year-month-day, e.g. 2021-03-31"),
         {"enrolment": ("A2,2020-10-06", "A2,06/10/2020")}),
    Rule("duplicated participant", _p("participants.csv", [5, 6], "participant_id",
         "'B1' appears on more than one row; it must be unique"), {"participants": ("B2,mentee", "B1,mentee")}),
    Rule("two enrolment rows for one person", _p("enrolment.csv", [2, 3], "participant_id",
         "'A1' appears on more than one row; it must be unique"), {"enrolment": ("A2,2020-10-06", "A1,2020-10-06")}),
    Rule("two end-survey rows for one person", _p("end_survey.csv", [2, 3], "participant_id",
         "'A1' appears on more than one row; it must be unique"), {"end_survey": ("A2,2021", "A1,2021")}),
    Rule("e-mail address as an identifier", _p("participants.csv", 4, "participant_id",
         "'a3@nhs.net' is not valid; expected a pseudonymous code, not an e-mail address"),
         {"participants": ("A3,mentor", "a3@nhs.net,mentor")}),
    Rule("end survey from someone not enrolled", _p("end_survey.csv", 4, "participant_id", f"'Z9' {NOT_LISTED}"),
         {"end_survey": ("B1,2021", "Z9,2021")}),
    Rule("enrolment from someone not enrolled", _p("enrolment.csv", 6, "participant_id", f"'Z9' {NOT_LISTED}"),
         {"enrolment": ("B2,2020", "Z9,2020")}),
    Rule("psychological session of someone not enrolled", _p("psych_sessions.csv", 8, "participant_id",
         f"'Z9' {NOT_LISTED}"), {"psych_sessions": ("B2,1,no", "Z9,1,no")}),
    Rule("training feedback from someone not enrolled", _p("training.csv", 3, "participant_id",
         f"'Z9' {NOT_LISTED}"), {"training": ("B1,5", "Z9,5")}),
    Rule("theme for someone not enrolled", _p("themes.csv", 3, "participant_id", f"'Z9' {NOT_LISTED}"),
         {"themes": ("A1,self_awareness,Step back,coder_b", "Z9,self_awareness,Step back,coder_b")}),
    Rule("theme for an unknown question", _p("themes.csv", 2, "question",
         "'hobbies' is not valid; expected one of: self_awareness, self_learning, boundaries, relationship_impact"),
         {"themes": ("A1,self_awareness,Step back,coder_a", "A1,hobbies,Step back,coder_a")}),
    Rule("session log for an unknown pair", _p("mentoring_sessions.csv", 5, "pair_id",
         "'P9' is not listed as a pair_id in participants; correct the code or enrol them first"),
         {"mentoring_sessions": ("P1,4", "P9,4")}),
    Rule("session number repeated within a pair", _p("mentoring_sessions.csv", [2, 3], "session_no",
         "'1' is repeated: each session number within this pair may appear only once"),
         {"mentoring_sessions": ("P1,2,", "P1,1,")}),
    Rule("duration not positive", _p("mentoring_sessions.csv", 4, "duration_min",
         "'0' is not valid; expected a whole number from 1 to 1440"),
         {"mentoring_sessions": ("P1,3,2021-01-01,60", "P1,3,2021-01-01,0")}),
    Rule("psychological session number beyond those offered", _p("psych_sessions.csv", 7, "psych_session_no",
         "'4' is not valid; expected a whole number from 1 to 3"), {"psych_sessions": ("B1,2,yes", "B1,4,yes")}),
    Rule("psychological session recorded twice", _p("psych_sessions.csv", [2, 3], "psych_session_no",
         "'1' is repeated: each psychological session for this participant may appear only once"),
         {"psych_sessions": ("A1,2,no", "A1,1,no")}),
    Rule("pair with two mentors", _p("participants.csv", [2, 5], "pair_id",
         "pair 'P1' has 2 mentor(s) and 0 mentee(s); each pair needs exactly one mentor and one mentee"),
         {"participants": ("B1,mentee,P1", "B1,mentor,P1")}),
    Rule("pair with one member", _p("participants.csv", 6, "pair_id",
         "pair 'P2' has 0 mentor(s) and 1 mentee(s); each pair needs exactly one mentor and one mentee"),
         {"participants": ("A2,mentor,P2", "A2,mentor,")}),
    Rule("required file missing", _p("end_survey.csv", None, None,
         "this required file is missing (a .csv or .xlsx is accepted)"), {"end_survey": None}),
    Rule("required column missing", _p("enrolment.csv", 1, "participant_id",
         "this required column is missing from the header row"),
         {"enrolment": ("participant_id,date", "person,date")}),
    Rule("required cell blank", _p("participants.csv", 4, "role",
         "is blank, but this column must be filled in on every row"), {"participants": ("A3,mentor", "A3,")}),
    Rule("column named twice", _p("training.csv", 1, "rating", "this column name appears more than once in the header row"),
         {"training": ("participant_id,rating,resources_needed", "participant_id,rating,Rating")}),
    Rule("row with more cells than the header", _p("enrolment.csv", 3, None,
         "this row has 6 cells but the header row has 5; look for a stray comma, or put text containing commas "
         "in double quotes"), {"enrolment": ("A2,2020-10-06,7,,4", "A2,2020-10-06,7,,4,x")}),
    Rule("semicolon-separated export", _p("training.csv", 1, None,
         "the columns are separated by semicolons; save the sheet as 'CSV UTF-8 (comma delimited)'"),
         raw_files={"training.csv": b"participant_id;rating\nA1;4\n"}),
    Rule("file that is not a table", _p("participants.csv", None, None,
         "is not a CSV or Excel (.xlsx) file; export the table as CSV UTF-8"),
         raw_files={"participants.csv": b"\x00\x01\x02 binary"}),
    Rule("old Excel format is not read in place of the file", _p("end_survey.csv", None, None,
         "this required file is missing (a .csv or .xlsx is accepted); found but not read: end_survey.xls (a file "
         "is read only by its exact name: rename the one that is meant to end_survey.csv or end_survey.xlsx)"),
         {"end_survey": None}, raw_files={"end_survey.xls": b"\xd0\xcf\x11\xe0 an xls"}),
    Rule("empty file", _p("enrolment.csv", None, None, "the file is empty; expected a header row"),
         raw_files={"enrolment.csv": b""}),
    Rule("file with a header and no rows", _p("training.csv", None, None,
         "has a header row but no rows of data; add the rows (an optional file with nothing to record can be "
         "left out)"), raw_files={"training.csv": b"participant_id,rating,resources_needed,comments\n"}),
    Rule("title row above the header", _p("enrolment.csv", 1, None, TITLE),
         raw_files={"enrolment.csv": ("Enrolment survey 2021\n" + FIXTURE["enrolment"]).encode()}),
    Rule("title row as Excel exports it, with empty cells", _p("enrolment.csv", 1, None, TITLE),
         raw_files={"enrolment.csv": ("Enrolment survey 2021,,,,\n" + FIXTURE["enrolment"]).encode()}),
    Rule("number too large to be a count", _p("end_survey.csv", 2, "sessions_reported",
         "'99999999999999999999' is not valid; expected a whole number from 0 to 1000"),
         {"end_survey": ("6,5,yes", "6,99999999999999999999,yes")}),
    Rule("session lasting longer than a day", _p("mentoring_sessions.csv", 2, "duration_min",
         "'1441' is not valid; expected a whole number from 1 to 1440"),
         {"mentoring_sessions": ("P1,1,2020-11-01,60", "P1,1,2020-11-01,1441")}),
    Rule("NUL byte after the first 8 KiB", _p("themes.csv", None, None,
         "line 504 holds NUL (zero) bytes, which a text file never has: the file is damaged; export it again"),
         raw_files={"themes.csv": (FIXTURE["themes"] + "A1,boundaries,Saying no,coder_a\n" * 500  # lines 4-503
                                   + "B1,boundaries,Sa\x00ying no,coder_a\n").encode()}),
    Rule("one Windows-1252 byte in a UTF-8 file", _p("enrolment.csv", None, None,
         "line 3 of this UTF-8 file holds characters in another encoding (probably pasted from a Windows-1252 "
         "source); retype them, or save the whole file again as 'CSV UTF-8'"),
         raw_files={"enrolment.csv": "participant_id,hopes_gain\nA1,Caf\u00e9 culture\n".encode() + b"A2,caf\xe9\n"}),
]
