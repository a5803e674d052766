"""Every rule of the data contract, applied to a cohort's files at once.

``validate_cohort`` either returns the raw (text) tables or raises ``DataError`` listing every
problem of every file, each naming the file, the spreadsheet row(s) and the column.

A rule broken on many rows is one problem listing its rows and a few of the offending values
(data contract, section 3), built from whole columns at once: the schemas' checks and the
cross-file rules are evaluated with pandas on whole columns, never walked row by row, so
validation is linear in the number of rows and a file with millions of bad rows costs little
more than a valid one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .ingest import PAIR_FILES, read_table, scan_folder
from .problems import DataError, Problem, quoted
from .programme import DEFAULT as DEFAULT_PROGRAMME
from .programme import Programme, read_programme
from .schemas import schema_for


@dataclass(frozen=True)
class RawCohort:
    """The cohort's tables as validated text, the files they came from, and every other name in
    the cohort's folder (never read)."""

    tables: dict[str, pd.DataFrame]
    files: dict[str, Path]
    ignored: tuple[str, ...] = ()
    programme: Programme = DEFAULT_PROGRAMME


def validate_cohort(folder: Path, psych_offered: int | None = None) -> RawCohort:
    """Read and check every contract file in ``folder`` and its ``programme.toml``; raise
    ``DataError`` listing all problems. ``psych_offered`` overrides the programme's
    ``psych_sessions_offered`` for this run."""
    contents = scan_folder(folder)
    tables, files, problems = {}, {}, list(contents.problems)
    try:
        programme = read_programme(folder) if folder.is_dir() else DEFAULT_PROGRAMME
    except DataError as error:
        programme, problems = DEFAULT_PROGRAMME, problems + error.problems
    if psych_offered is not None:
        programme = replace(programme, psych_sessions_offered=psych_offered)
    psych_offered = programme.psych_sessions_offered
    if psych_offered == 0 and "psych_sessions" in contents.files:
        problems.append(Problem(contents.files.pop("psych_sessions").name, None, None,
                                "the programme offered no psychological sessions (psych_sessions_offered = 0 in "
                                "programme.toml), so there can be no attendance log; remove the file or correct "
                                "the setting"))
    for name, path in contents.files.items():
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
    return RawCohort(tables, files, contents.ignored, programme)


def schema_problems(table: pd.DataFrame, schema: pa.DataFrameSchema, file: str) -> list[Problem]:
    """``table`` checked against the pandera ``schema``, one ``Problem`` per column and rule.

    The schema declares the rules (required, filled in, unique, and each check with its wording);
    they are evaluated here column by column, keeping one boolean mask at a time. pandera's own
    ``validate(lazy=True)`` materialises every failure case first: for two million bad rows that
    took 33 s and 1.3 GB before a single message could be written.
    """
    problems = []
    for name, column in schema.columns.items():
        if name not in table:
            if column.required:
                problems.append(Problem(file, 1, name, "this required column is missing from the header row"))
            continue
        values = table[name]
        filled = values.notna()
        if not column.nullable and not filled.all():
            problems.append(Problem.on_rows(file, _rows(values.index[~filled]), name,
                                            "is blank, but this column must be filled in on every row"))
        if column.unique:
            repeated = values[filled & values.duplicated(keep=False)]
            if not repeated.empty:
                problems.append(_grouped(file, repeated, name, "{} appears on more than one row; it must be unique",
                                         "{} each appear on more than one row; each must be unique"))
        present = values[filled]
        for check in column.checks:
            bad = present[~check(present).check_output.to_numpy(dtype=bool)]
            if not bad.empty:
                problems.append(_grouped(file, bad, name, f"{{}} is not valid; expected {check.name}",
                                         f"{{}} are not valid; expected {check.name}"))
    return problems


def _grouped(file: str, cells: pd.Series, column: str, one: str, several: str, noun: str = "values") -> Problem:
    """One problem for every row of ``cells``, quoting a few of the distinct offending values."""
    values = pd.unique(cells.astype(str))
    text = quoted(values, len(values), noun)
    return Problem.on_rows(file, _rows(cells.index), column, (one if len(values) == 1 else several).format(text))


def cross_file_problems(tables: dict[str, pd.DataFrame], files: dict[str, Path]) -> list[Problem]:
    """The rules that span files: known participants and pairs, pair make-up, unique sessions."""
    if "participants" not in tables:
        return []
    people = tables["participants"]
    problems = list(_pair_make_up(people, files["participants"].name))
    known_ids = people["participant_id"].dropna().unique()
    known_pairs = people["pair_id"].dropna().unique() if "pair_id" in people else np.array([], dtype=object)
    for name, table in tables.items():
        if name == "participants":
            continue
        file = files[name].name
        key, known, where = (("pair_id", known_pairs, "as a pair_id in participants")
                             if name in PAIR_FILES
                             else ("participant_id", known_ids, "in participants"))
        problems += _unknown(table, key, known, file, where)
    problems += _repeated(tables.get("mentoring_sessions"), ["pair_id", "session_no"],
                          files.get("mentoring_sessions"), "session number within this pair")
    problems += _repeated(tables.get("psych_sessions"), ["participant_id", "psych_session_no"],
                          files.get("psych_sessions"), "psychological session for this participant")
    return problems


def _rows(index: pd.Index) -> np.ndarray:
    return index.to_numpy(dtype=np.int64) + 2  # spreadsheet rows: header is row 1 (problems.spreadsheet_row)


def _unknown(table: pd.DataFrame, key: str, known: np.ndarray, file: str, where: str) -> Iterator[Problem]:
    codes = table[key]
    unknown = codes[codes.notna() & ~codes.isin(known)]
    if not unknown.empty:
        yield _grouped(file, unknown, key, f"{{}} is not listed {where}; correct the code or enrol them first",
                       f"{{}} are not listed {where}; correct the codes or enrol them first", "codes")


def _repeated(table: pd.DataFrame | None, keys: list[str], path: Path | None, what: str) -> Iterator[Problem]:
    if table is None or path is None:
        return
    numbers = pd.to_numeric(table[keys[1]], errors="coerce")
    duplicated = pd.concat([table[keys[0]], numbers], axis=1).dropna().duplicated(keep=False)
    repeated = table.loc[duplicated[duplicated].index, keys[1]]
    if not repeated.empty:
        yield _grouped(path.name, repeated, keys[1], f"{{}} is repeated: each {what} may appear only once",
                       f"{{}} are repeated: each {what} may appear only once")


def _pair_make_up(people: pd.DataFrame, file: str) -> Iterator[Problem]:
    """Pairs without exactly one mentor and one mentee, one problem per make-up found."""
    if "pair_id" not in people:
        return
    paired = people.dropna(subset=["pair_id"])
    roles = paired["role"].str.casefold()
    counts = pd.DataFrame({"mentors": roles.eq("mentor"), "mentees": roles.eq("mentee"),
                           "pair": paired["pair_id"]}).groupby("pair", sort=False).sum()
    wrong = counts[(counts["mentors"] != 1) | (counts["mentees"] != 1)]
    if wrong.empty:
        return
    pair_of_row = paired["pair_id"]
    for (mentors, mentees), group in wrong.groupby(["mentors", "mentees"], sort=True):
        pairs = group.index.to_numpy()
        make_up = f"{mentors} mentor(s) and {mentees} mentee(s)"
        message = (f"pair {quoted(pairs, 1)} has {make_up}" if len(pairs) == 1 else
                   f"pairs {quoted(pairs, len(pairs), 'pairs')} each have {make_up}")
        rows = _rows(pair_of_row.index[pair_of_row.isin(pairs)])
        yield Problem.on_rows(file, rows, "pair_id", f"{message}; each pair needs exactly one mentor and one mentee")
