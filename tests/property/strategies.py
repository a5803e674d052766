"""Hypothesis strategies: random valid cohorts in the contract's format, and single corruptions."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hypothesis import strategies as st

from rm_research.core import config

Table = dict[str, list]  # "header": [...], "rows": [[...], ...]

YES_SPELLINGS = ("yes", "Yes", "Y", "y", "TRUE", "true", "1")
NO_SPELLINGS = ("no", "No", "N", "n", "FALSE", "false", "0")


@dataclass
class Cohort:
    """A cohort as canonical cell text, file by file (header plus rows)."""

    tables: dict[str, Table] = field(default_factory=dict)

    def write(self, folder: Path, messiness: int | None = None) -> Path:
        """Write as CSV; with ``messiness`` (a seed) use the spellings real exports have."""
        folder.mkdir(parents=True, exist_ok=True)
        rng = random.Random(messiness)
        for name, table in self.tables.items():
            header, rows = table["header"], table["rows"]
            if messiness is not None:
                header = [f" {h.upper()} " if rng.random() < 0.5 else h for h in header]
                rows = [[_messy(cell, rng) for cell in row] for row in rows]
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\r\n" if messiness is not None else "\n").writerows([header, *rows])
            text = buffer.getvalue()
            if messiness is not None and rng.random() < 0.5:
                data = text.encode("cp1252")
            else:
                data = (b"\xef\xbb\xbf" if messiness is not None and rng.random() < 0.5 else b"") + text.encode()
            (folder / f"{name}.csv").write_bytes(data)
        return folder


def _messy(cell: str, rng: random.Random) -> str:
    if cell == "yes":
        cell = rng.choice(YES_SPELLINGS)
    elif cell == "no":
        cell = rng.choice(NO_SPELLINGS)
    elif cell in ("mentor", "mentee", "withdrawn"):
        cell = rng.choice([cell, cell.upper(), cell.title()])
    elif cell.isdigit() and rng.random() < 0.3:
        cell = f"{cell}.0"  # what Excel writes for a whole number
    return f"  {cell} " if cell and rng.random() < 0.3 else cell


yes_no = st.sampled_from(["yes", "no", ""])
rating = st.one_of(st.integers(1, 10).map(str), st.just(""))
dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2022, 12, 31)).map(lambda d: d.isoformat())


@st.composite
def cohorts(draw: st.DrawFn) -> Cohort:
    n_pairs = draw(st.integers(0, 4))
    mentors = [f"M{i}" for i in range(n_pairs + draw(st.integers(0, 2)))]
    mentees = [f"E{i}" for i in range(n_pairs + draw(st.integers(0 if mentors else 1, 2)))]
    people = [(pid, "mentor") for pid in mentors] + [(pid, "mentee") for pid in mentees]
    pair_of = {pid: (f"P{pid[1:]}" if int(pid[1:]) < n_pairs else "") for pid, _ in people}
    participants = [[pid, role, pair_of[pid], draw(st.sampled_from(["", *config.ETHNIC_GROUPS])),
                     ";".join(draw(st.lists(st.sampled_from(config.AREAS_OF_WORK), unique=True, max_size=3))),
                     draw(st.sampled_from(["", "enrolled", "withdrawn"])), draw(yes_no)]
                    for pid, role in people]
    ids = [pid for pid, _ in people]
    # a file with a header and no rows is bad input (contract, section 3): each survey has a row
    enrolled = [pid for pid in ids if draw(st.booleans())] or ids[:1]
    answered = [pid for pid in ids if draw(st.booleans())] or ids[-1:]
    cohort = Cohort({
        "participants": {"header": ["participant_id", "role", "pair_id", "ethnic_group", "areas_of_work", "status",
                                    "consent_quotes"], "rows": participants},
        "enrolment": {"header": ["participant_id", "date", *config.RATING_ITEMS],
                      "rows": [[pid, draw(dates), *(draw(rating) for _ in config.RATING_ITEMS)] for pid in enrolled]},
        "end_survey": {"header": ["participant_id", "date", *config.RATING_ITEMS, "sessions_reported",
                                  *config.YES_NO_ITEMS],
                       "rows": [[pid, draw(dates), *(draw(rating) for _ in config.RATING_ITEMS),
                                 draw(st.one_of(st.integers(0, 12).map(str), st.just(""))),
                                 *(draw(yes_no) for _ in config.YES_NO_ITEMS)] for pid in answered]},
    })
    if n_pairs and draw(st.booleans()):
        cohort.tables["mentoring_sessions"] = {
            "header": ["pair_id", "session_no", "date", "duration_min", "held"],
            "rows": [[f"P{p}", str(s), draw(dates), str(draw(st.integers(1, 120))), draw(st.sampled_from(["yes", "no"]))]
                     for p in range(n_pairs) for s in range(1, draw(st.integers(1, 6)) + 1)]}
    if draw(st.booleans()):
        cohort.tables["psych_sessions"] = {
            "header": ["participant_id", "psych_session_no", "attended"],
            "rows": [[pid, str(s), draw(st.sampled_from(["yes", "no"]))]
                     for pid in ids for s in range(1, config.PSYCH_SESSIONS_OFFERED + 1)]}
    return cohort


@dataclass(frozen=True)
class Expected:
    file: str
    row: int | None
    column: str | None


def corrupt(cohort: Cohort, data: st.DataObject) -> tuple[Cohort, Expected, dict[str, bytes]]:
    """Break exactly one rule of a valid cohort; say where the problem must be reported."""
    tables = cohort.tables
    options = ["role", "missing_file", "missing_column", "unknown_survey", "binary", "email"]
    if tables["enrolment"]["rows"]:
        options += ["rating", "date"]
    if tables["end_survey"]["rows"]:
        options += ["yes_no", "sessions"]
    if len(tables["participants"]["rows"]) > 1:
        options.append("duplicate_id")
    if any(row[2] for row in tables["participants"]["rows"]):
        options.append("two_mentors")
    if "mentoring_sessions" in tables:
        options += ["duplicate_session", "duration"]
    kind = data.draw(st.sampled_from(options), label="corruption")

    def pick(name: str) -> int:
        return data.draw(st.integers(0, len(tables[name]["rows"]) - 1), label=f"{name} row")

    def set_cell(name: str, index: int, column: str, value: str) -> Expected:
        tables[name]["rows"][index][tables[name]["header"].index(column)] = value
        return Expected(f"{name}.csv", index + 2, column)

    if kind == "rating":
        bad = data.draw(st.sampled_from(["0", "11", "very", "7.5", "-3"]))
        return cohort, set_cell("enrolment", pick("enrolment"), "conf_senior", bad), {}
    if kind == "date":
        return cohort, set_cell("enrolment", pick("enrolment"), "date", "31/12/2020"), {}
    if kind == "yes_no":
        return cohort, set_cell("end_survey", pick("end_survey"), "psych_supportive", "maybe"), {}
    if kind == "sessions":
        return cohort, set_cell("end_survey", pick("end_survey"), "sessions_reported", "-1"), {}
    if kind == "role":
        return cohort, set_cell("participants", pick("participants"), "role", "boss"), {}
    if kind == "email":
        return cohort, set_cell("participants", pick("participants"), "participant_id", "someone@nhs.net"), {}
    if kind == "duplicate_id":
        rows = tables["participants"]["rows"]
        index = data.draw(st.integers(1, len(rows) - 1))
        return cohort, set_cell("participants", index, "participant_id", rows[0][0]), {}
    if kind == "two_mentors":
        index = next(i for i, row in enumerate(tables["participants"]["rows"]) if row[2] and row[1] == "mentee")
        set_cell("participants", index, "role", "mentor")
        return cohort, Expected("participants.csv", index + 2, "pair_id"), {}
    if kind == "unknown_survey":
        survey = tables["end_survey"]
        survey["rows"].append(["ZZ99", *([""] * (len(survey["header"]) - 1))])
        return cohort, Expected("end_survey.csv", len(survey["rows"]) + 1, "participant_id"), {}
    if kind == "missing_file":
        del tables["enrolment"]
        return cohort, Expected("enrolment.csv", None, None), {}
    if kind == "missing_column":
        tables["end_survey"]["header"][0] = "person"
        return cohort, Expected("end_survey.csv", 1, "participant_id"), {}
    if kind == "duplicate_session":
        log = tables["mentoring_sessions"]["rows"]
        log.append(list(log[pick("mentoring_sessions")]))
        return cohort, Expected("mentoring_sessions.csv", len(log) + 1, "session_no"), {}
    if kind == "duration":
        return cohort, set_cell("mentoring_sessions", pick("mentoring_sessions"), "duration_min", "0"), {}
    return cohort, Expected("participants.csv", None, None), {"participants.csv": b"\x00\x01binary"}
