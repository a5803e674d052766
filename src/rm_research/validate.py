"""Every rule of the data contract, applied to a cohort's files at once.

``validate_cohort`` either returns the raw (text) tables or raises ``DataError`` listing every
problem of every file, each naming the file, the spreadsheet row and the column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from . import config
from .ingest import CONTRACT_FILES, find_file, read_table
from .problems import DataError, Problem, spreadsheet_row
from .schemas import schema_for


@dataclass(frozen=True)
class RawCohort:
    """The cohort's tables as validated text, and the files they came from."""

    tables: dict[str, pd.DataFrame]
    files: dict[str, Path]


def validate_cohort(folder: Path, psych_offered: int = config.PSYCH_SESSIONS_OFFERED) -> RawCohort:
    """Read and check every contract file in ``folder``; raise ``DataError`` listing all problems."""
    if not folder.is_dir():
        raise DataError([Problem(str(folder), None, None, "no such folder; expected "
                                 "data/raw/<region>/cohort-<N>/ holding the cohort's files")])
    tables, files, problems = {}, {}, []
    for name, required in CONTRACT_FILES.items():
        path = find_file(folder, name)
        if path is None:
            if required:
                problems.append(Problem(f"{name}.csv", None, None,
                                        "this required file is missing (a .csv or .xlsx is accepted)"))
            continue
        try:
            table = read_table(path)
        except DataError as error:
            problems += error.problems
            continue
        found = schema_problems(table, schema_for(name, psych_offered), path.name)
        problems += found
        files[name] = path
        if not any(p.row is None or p.row == 1 for p in found):  # usable for cross-file checks
            tables[name] = table
    problems += cross_file_problems(tables, files)
    if problems:
        raise DataError(problems)
    return RawCohort(tables, files)


def schema_problems(table: pd.DataFrame, schema: pa.DataFrameSchema, file: str) -> list[Problem]:
    """The pandera schema's failures on ``table``, reworded as ``Problem``s."""
    try:
        schema.validate(table, lazy=True)
    except pa.errors.SchemaErrors as error:
        return [_reword(row, file) for row in error.failure_cases.itertuples(index=False)]
    return []


def _reword(case: object, file: str) -> Problem:
    check, column, value = str(case.check), case.column, case.failure_case  # type: ignore[attr-defined]
    if check == "column_in_dataframe":
        return Problem(file, 1, str(value), "this required column is missing from the header row")
    row = None if pd.isna(case.index) else spreadsheet_row(case.index)  # type: ignore[attr-defined]
    if check == "not_nullable":
        return Problem(file, row, column, "is blank, but this column must be filled in on every row")
    if check == "field_uniqueness":
        return Problem(file, row, column, f"'{value}' appears on more than one row; it must be unique")
    return Problem(file, row, column, f"'{value}' is not valid; expected {check}")


def cross_file_problems(tables: dict[str, pd.DataFrame], files: dict[str, Path]) -> list[Problem]:
    """The rules that span files: known participants and pairs, pair make-up, unique sessions."""
    if "participants" not in tables:
        return []
    people = tables["participants"]
    problems = list(_pair_make_up(people, files["participants"].name))
    known_ids = set(people["participant_id"].dropna())
    known_pairs = set(people["pair_id"].dropna()) if "pair_id" in people else set()
    for name, table in tables.items():
        if name == "participants":
            continue
        file = files[name].name
        key, known, where = (("pair_id", known_pairs, "as a pair_id in participants")
                             if name == "mentoring_sessions"
                             else ("participant_id", known_ids, "in participants"))
        problems += _unknown(table, key, known, file, where)
    problems += _repeated(tables.get("mentoring_sessions"), ["pair_id", "session_no"],
                          files.get("mentoring_sessions"), "session number within this pair")
    problems += _repeated(tables.get("psych_sessions"), ["participant_id", "psych_session_no"],
                          files.get("psych_sessions"), "psychological session for this participant")
    return problems


def _unknown(table: pd.DataFrame, key: str, known: set[str], file: str, where: str) -> Iterator[Problem]:
    for index, value in table[key].dropna().items():
        if value not in known:
            yield Problem(file, spreadsheet_row(index), key,
                          f"'{value}' is not listed {where}; correct the code or enrol them first")


def _repeated(table: pd.DataFrame | None, keys: list[str], path: Path | None, what: str) -> Iterator[Problem]:
    if table is None or path is None:
        return
    numbers = pd.to_numeric(table[keys[1]], errors="coerce")
    duplicated = pd.concat([table[keys[0]], numbers], axis=1).dropna().duplicated(keep=False)
    for index in duplicated[duplicated].index:
        yield Problem(path.name, spreadsheet_row(index), keys[1],
                      f"'{table.at[index, keys[1]]}' is repeated: each {what} may appear only once")


def _pair_make_up(people: pd.DataFrame, file: str) -> Iterator[Problem]:
    if "pair_id" not in people:
        return
    paired = people.dropna(subset=["pair_id"])
    roles = paired["role"].str.casefold()
    for pair, members in paired.groupby("pair_id"):
        mentors = int((roles[members.index] == "mentor").sum())
        mentees = int((roles[members.index] == "mentee").sum())
        if (mentors, mentees) != (1, 1):
            for index in members.index:
                yield Problem(file, spreadsheet_row(index), "pair_id",
                              f"pair '{pair}' has {mentors} mentor(s) and {mentees} mentee(s); "
                              "each pair needs exactly one mentor and one mentee")
