"""Reading the contract's files as exported by Microsoft Forms, Excel or a text editor.

Every cell is read as text, trimmed, with blanks as missing; typing happens only after
validation (``clean``), so that a bad cell becomes a message rather than a crash.
"""

from __future__ import annotations

import io
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
    """The file for contract table ``name`` in ``folder`` (``.csv`` preferred over ``.xlsx``)."""
    for suffix in SUFFIXES:
        candidate = folder / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), falling back to Windows-1252 as Excel on Windows writes it."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def normalise_header(name: object) -> str:
    """Column names are matched case-insensitively after trimming; inner spaces become ``_``."""
    return "_".join(str(name).strip().lower().split())


def read_table(path: Path) -> pd.DataFrame:
    """Read one contract file into a frame of trimmed strings (``pd.NA`` for blanks).

    Fully blank rows (trailing rows Excel leaves behind) are dropped without renumbering, so
    the index still maps to the spreadsheet's row numbers.
    """
    frame = _read_xlsx(path) if path.suffix.lower() == ".xlsx" else _read_csv(path)
    frame.columns = [normalise_header(c) for c in frame.columns]
    _check_headers(path.name, list(frame.columns))
    frame = frame.apply(lambda col: col.str.strip()).replace("", pd.NA)
    return frame.dropna(how="all")


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    if b"\x00" in raw[:8192] or raw.startswith(b"PK\x03\x04"):
        raise DataError([_not_a_table(path.name)])
    text = decode_text(raw)
    if not text.strip():
        raise DataError([Problem(path.name, None, None, "the file is empty; expected a header row")])
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[])
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        message = f"could not be read as comma-separated values ({error}); save it as CSV UTF-8"
        raise DataError([Problem(path.name, None, None, message)]) from error


def _read_xlsx(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False, na_values=[])
    except (zipfile.BadZipFile, ValueError, OSError, KeyError) as error:
        raise DataError([_not_a_table(path.name)]) from error
    return frame.astype("str")


def _not_a_table(name: str) -> Problem:
    return Problem(
        name, None, None, "is not a CSV or Excel (.xlsx) file; export the table as CSV UTF-8"
    )


def _check_headers(name: str, columns: list[str]) -> None:
    repeated = sorted(name for name, count in Counter(columns).items() if count > 1)
    if repeated:
        raise DataError(
            Problem(name, 1, column, "this column name appears more than once in the header row")
            for column in repeated
        )
