"""Reading the contract's files as exported by Microsoft Forms, Excel or a text editor.

Every cell is read as text, trimmed, with blanks as missing; typing happens only after
validation (``clean``), so that a bad cell becomes a message rather than a crash.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd

from .problems import DataError, Problem

#: The contract's files and whether each is required (data contract, section 2).
CONTRACT_FILES: dict[str, bool] = {
    "participants": True,
    "enrolment": True,
    "end_survey": True,
    "mentoring_sessions": False,
    "psych_sessions": False,
    "training": False,
    "themes": False,
}
SUFFIXES = (".csv", ".xlsx")


def find_file(folder: Path, name: str) -> Path | None:
    """The file for contract table ``name`` in ``folder``.

    ``.csv`` is preferred over ``.xlsx``; failing both, any other file of that name (say
    ``participants.xls``) is returned so that reading it can say what is wrong with it.
    """
    for suffix in SUFFIXES:
        candidate = folder / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    others = sorted(p for p in folder.glob(f"{name}.*") if p.is_file())
    return others[0] if others else None


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), falling back to Windows-1252 as Excel on Windows writes it
    (a BOM in front of a Windows-1252 body, which some tools produce, is dropped first)."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def normalise_header(name: object) -> str:
    """Column names are matched case-insensitively after trimming; inner spaces become ``_``."""
    return "_".join(str(name).strip().lower().split())


def read_table(path: Path) -> pd.DataFrame:
    """Read one contract file into a frame of trimmed strings (``pd.NA`` for blanks).

    The header is read as an ordinary row so that pandas neither renames a repeated column name
    (``role.1``) nor turns a column into the index; the index then maps to spreadsheet rows
    (``problems.spreadsheet_row``). Fully blank rows and unnamed empty columns, which Excel leaves
    behind, are dropped.
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DataError([_not_a_table(path.name)])
    grid = _read_xlsx(path) if suffix == ".xlsx" else _read_csv(path)
    grid = grid.apply(lambda col: col.str.strip())
    header = [normalise_header(name) for name in grid.iloc[0]]
    frame = grid.iloc[1:].replace("", pd.NA)
    frame.columns = header
    frame.index = frame.index - 1
    keep = [bool(name) or frame.iloc[:, position].notna().any() for position, name in enumerate(header)]
    frame = frame.iloc[:, keep]
    _check_headers(path.name, list(frame.columns))
    return frame.dropna(how="all")


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    if b"\x00" in raw[:8192] or raw.startswith(b"PK\x03\x04"):
        raise DataError([_not_a_table(path.name)])
    text = decode_text(raw)
    if not text.strip():
        raise DataError([Problem(path.name, None, None, "the file is empty; expected a header row")])
    try:
        grid = pd.read_csv(io.StringIO(text), dtype=str, header=None, keep_default_na=False, na_values=[],
                           skip_blank_lines=False)  # an empty line is still a spreadsheet row
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise DataError([_parse_problem(path.name, str(error))]) from error
    if grid.shape[1] == 1 and ";" in str(grid.iloc[0, 0]):
        raise DataError([Problem(path.name, 1, None, "the columns are separated by semicolons; save the "
                                 "sheet as 'CSV UTF-8 (comma delimited)'")])
    return grid


def _parse_problem(name: str, error: str) -> Problem:
    """pandas' tokenizer message, in a spreadsheet's terms (its 'line' is the spreadsheet row)."""
    cells = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", error)
    if cells:
        expected, row, seen = map(int, cells.groups())
        return Problem(name, row, None, f"this row has {seen} cells but the header row has {expected}; "
                       "look for a stray comma, or put text containing commas in double quotes")
    return Problem(name, None, None, f"could not be read as comma-separated values ({error}); "
                   "save it as CSV UTF-8")


def _read_xlsx(path: Path) -> pd.DataFrame:
    with path.open("rb") as handle:
        if handle.read(4) != b"PK\x03\x04":  # an old .xls renamed, or an encrypted workbook
            raise DataError([_not_a_table(path.name)])
    try:
        grid = pd.read_excel(path, sheet_name=0, header=None, dtype=str, keep_default_na=False, na_values=[])
    except (zipfile.BadZipFile, ValueError, OSError, KeyError) as error:
        raise DataError([_not_a_table(path.name)]) from error
    if grid.empty:
        raise DataError([Problem(path.name, None, None, "the first sheet is empty; expected a header row")])
    return grid.astype("str")


def _not_a_table(name: str) -> Problem:
    return Problem(
        name, None, None, "is not a CSV or Excel (.xlsx) file; export the table as CSV UTF-8"
    )


def _check_headers(name: str, columns: list[str]) -> None:
    problems = [Problem(name, 1, column, "this column name appears more than once in the header row")
                for column, count in sorted(Counter(columns).items()) if count > 1 and column]
    if "" in columns:
        problems.append(Problem(name, 1, None, "a column with values in it has no name in the header row"))
    if problems:
        raise DataError(problems)
