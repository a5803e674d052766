"""Reading the contract's files as exported by Microsoft Forms, Excel or a text editor.

Every cell is read as text, trimmed, with blanks as missing; typing happens only after
validation (``clean``), so that a bad cell becomes a message rather than a crash. Whatever an
evaluator can put in the folder (a draft beside the real file, a folder in a file's place, an
unreadable file, a title above the header, a damaged encoding) is a ``Problem`` naming the file
and line, never a traceback (data contract, sections 1 and 3). Each header is read as the contract
column it names, asks (the question wording) or is mapped to, and a survey tool's bookkeeping
columns (a respondent's name and e-mail among them) are dropped unread (``columns``, section 7).

Byte-level checks (NUL bytes, bytes that are not UTF-8) are hand-written with numpy and the
codec's ``surrogateescape`` handler: no library reports *where* in a file an encoding breaks.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from rm_research.contract.columns import (
    CONTRACT_FILES,
    KEY_COLUMNS,
    NO_MAPPING,
    ColumnMapping,
    HeaderMatch,
    is_personal,
    match_headers,
    normalise_header,
)
from rm_research.core.paths import missing_folder_hint
from rm_research.core.problems import DataError, Problem, closest, describe_rows, quoted, row_runs
from rm_research.core.safety import INVISIBLE

SUFFIXES = (".csv", ".xlsx")
#: Files a cohort folder may hold that are not tables: the example's description, the marker
#: ``pipeline`` reads to label a report synthetic, the settings ``programme`` reads (contract,
#: section 5) and the column mapping ``columns`` reads (section 7). They are not listed as ignored.
NOT_TABLES = frozenset({"README.md", "README.txt", "README", "SYNTHETIC", "programme.toml", "columns.toml"})
#: How far down a file a header row is looked for, to tell a title row from a missing column.
TITLE_SEARCH_ROWS = 10
#: A NUL byte this near the start means a binary file (a workbook, a PDF), not damaged text.
BINARY_PROBE_BYTES = 8192


@dataclass(frozen=True)
class FolderContents:
    """What a cohort folder holds: the one file to read for each contract table found, every other
    name (never read), and the problems with the folder itself (a table given twice, a folder in a
    file's place, a required file missing)."""

    files: dict[str, Path]
    ignored: tuple[str, ...]
    problems: tuple[Problem, ...]


def shown(name: str) -> str:
    """A file name safe to print on a terminal: control characters written as escapes."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in name)


def scan_folder(folder: Path, contract: dict[str, bool] = CONTRACT_FILES) -> FolderContents:
    """Find each contract file by its exact name, ``<file>.csv`` or ``<file>.xlsx`` in any case.

    Nothing is guessed: a draft (``end_survey.v1-draft.csv``) is never read in place of a missing
    ``end_survey.csv``; it is listed as ignored, and named in the "missing" message as a hint.
    Raises ``DataError`` if the folder itself cannot be listed.
    """
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except NotADirectoryError as error:
        raise DataError([Problem(shown(str(folder)), None, None, "is a file, not a folder; expected "
                                 "data/raw/<region>/cohort-<N>/ holding the cohort's files")]) from error
    except FileNotFoundError as error:
        hint = missing_folder_hint(folder)
        raise DataError([Problem(shown(str(folder)), None, None, "no such folder; expected "
                                 "data/raw/<region>/cohort-<N>/ holding the cohort's files"
                                 + (f"; {shown(hint)}" if hint else ""))]) from error
    except OSError as error:
        raise DataError([Problem(shown(str(folder)), None, None, f"the folder cannot be read ({_reason(error)}); "
                                 "ask whoever manages it to give you read access")]) from error
    files: dict[str, Path] = {}
    problems: list[Problem] = []
    matched: set[str] = set()
    for name, required in contract.items():
        exact = {f"{name}{suffix}" for suffix in SUFFIXES}
        candidates = [entry for entry in entries if entry.name.casefold() in exact]
        matched.update(entry.name for entry in candidates)
        regular = [entry for entry in candidates if entry.is_file()]
        for entry in candidates:
            if entry.is_dir():
                problems.append(Problem(shown(entry.name), None, None, "is a folder, not a file; put the "
                                        f"{name} table in a file of that name, or rename the folder"))
            elif not entry.is_file():
                problems.append(Problem(shown(entry.name), None, None, "is not an ordinary file (a broken "
                                        "link or a device); put the table itself in the folder"))
        if len(regular) > 1:  # e.g. an old end_survey.csv beside a new end_survey.xlsx: never a silent pick
            others = ", ".join(shown(entry.name) for entry in regular[1:])
            problems.append(Problem(shown(regular[0].name), None, None, f"{others} is in the folder too; which "
                                    "one is meant cannot be guessed: keep one and move the other out of the folder "
                                    f"(two files for one table, {name})"))
        elif len(regular) == 1 and len(candidates) == 1:
            files[name] = regular[0]
        elif not candidates and required:
            problems.append(_missing(name, entries))
    ignored = tuple(shown(entry.name) + ("/" if entry.is_dir() else "") for entry in entries
                    if entry.name not in matched and entry.name not in NOT_TABLES)
    return FolderContents(files, ignored, tuple(problems))


def _missing(name: str, entries: list[Path]) -> Problem:
    message = "this required file is missing (a .csv or .xlsx is accepted)"
    near = [shown(entry.name) for entry in entries if _squashed(entry.name).startswith(_squashed(name))]
    if not near:  # a typing slip in the name (end_suvrey.csv): difflib on the names without their suffix
        stems = {entry.name: entry.name.rsplit(".", 1)[0] for entry in entries if entry.name not in NOT_TABLES}
        typo = closest(name, stems.values())
        near = [shown(file) for file, stem in stems.items() if stem == typo]
    if near:
        message += (f"; found but not read: {', '.join(near)} (a file is read only by its exact name: "
                    f"rename the one that is meant to {name}.csv or {name}.xlsx)")
    return Problem(f"{name}.csv", None, None, message)


def _squashed(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


def _reason(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "permission denied"
    return (error.strerror or type(error).__name__).lower()


def decode_text(raw: bytes, file: str = "the file") -> str:
    """UTF-8 (with or without BOM), or Windows-1252 as Excel on Windows writes it (a BOM in front
    of a Windows-1252 body, which some tools produce, is dropped first).

    A file that is UTF-8 except for a few bytes (one line pasted from a Windows-1252 source) is
    neither: decoding it all as Windows-1252 would garble every accent of the UTF-8 part, so it
    raises ``DataError`` naming the lines that break the UTF-8.
    """
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8", errors="surrogateescape")  # each undecodable byte becomes one lone surrogate
    if re.search(r"[^\x00-\x7f\udc80-\udcff]", text) is None:  # no UTF-8 character at all: wholly Windows-1252
        return raw.decode("cp1252", errors="replace")
    lines, newlines, previous = [], 0, 0
    for bad in re.finditer(r"[\udc80-\udcff]", text):
        newlines += text.count("\n", previous, bad.start())
        previous = bad.start()
        lines.append(newlines + 1)
    raise DataError([Problem(file, None, None, f"{describe_rows(row_runs(lines), 'line')} of this UTF-8 file "
                             f"{'hold' if len(set(lines)) > 1 else 'holds'} characters in another encoding "
                             "(probably pasted from a Windows-1252 source); retype them, or save the whole "
                             "file again as 'CSV UTF-8'")])


def read_table(path: Path, mapping: ColumnMapping = NO_MAPPING) -> pd.DataFrame:
    """Read one contract file into a frame of trimmed strings (``pd.NA`` for blanks), its columns
    named as ``read_matched`` says."""
    return read_matched(path, mapping)[0]


def read_matched(path: Path, mapping: ColumnMapping = NO_MAPPING) -> tuple[pd.DataFrame, HeaderMatch]:
    """Read one contract file into a frame of trimmed strings (``pd.NA`` for blanks), and how each
    of its headers was read (``columns.match_headers``): a survey tool's bookkeeping column (a
    name, an e-mail) is dropped before its cells are touched, a header matched by name, question
    wording or ``mapping`` names its column as the contract does, and any other header is kept as
    written, in lower case with ``_`` for spaces.

    The header is read as an ordinary row so that pandas neither renames a repeated column name
    (``role.1``) nor turns a column into the index; the index then maps to spreadsheet rows
    (``problems.spreadsheet_row``). Fully blank rows and unnamed empty columns, which Excel leaves
    behind, are dropped.
    """
    name, suffix = shown(path.name), path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DataError([_not_a_table(name)])
    table = path.stem.casefold()
    try:
        grid = _read_xlsx(path, table, mapping) if suffix == ".xlsx" else _read_csv(path, table, mapping)
    except OSError as error:
        raise DataError([Problem(name, None, None, f"the file cannot be read ({_reason(error)}); check that it "
                                 "is not open elsewhere and that you may read it, or copy it again")]) from error
    match = match_headers(table, [str(cell).strip() for cell in grid.iloc[0]], mapping)
    read = [position for position, column in enumerate(match.columns) if column is not None]
    frame = grid.iloc[1:, read].apply(_strip).replace("", pd.NA)
    frame.columns = [match.columns[position] for position in read]
    frame.index = frame.index - 1
    keep = [bool(column) or frame.iloc[:, position].notna().any() for position, column in enumerate(frame.columns)]
    frame = frame.iloc[:, keep]
    _check_headers(name, list(frame.columns), match)
    frame = frame.dropna(how="all")
    if frame.empty:
        raise DataError([Problem(name, None, None, "has a header row but no rows of data; add the rows "
                                 "(an optional file with nothing to record can be left out)")])
    return frame, match


def withheld_names(files: Iterable[Path]) -> set[str]:
    """The names and e-mail addresses in the survey tools' Name and Email columns of ``files`` (a
    cohort's validated files), which ``read_matched`` drops unread: for a public report's quotes to
    redact (a respondent's name, or their partner's, written in an answer), never for a table. They
    are read again on demand so that they are held nowhere else: not in ``RawCohort``, which a report
    hands to its notebook in a file."""
    found: set[str] = set()
    for path in files:
        try:
            grid = _read_xlsx(path) if path.suffix.lower() == ".xlsx" else _read_csv(path)
        except (DataError, OSError):  # validated files read; one removed since is simply left out
            continue
        for position, header in enumerate(grid.iloc[0]):
            if is_personal(header):
                found.update(cell.strip() for cell in grid.iloc[1:, position].astype(str) if cell.strip())
    return found


def _strip(column: pd.Series) -> pd.Series:
    """Cells without surrounding spaces or ``safety.INVISIBLE`` characters (no answer means them, and they
    would break the SVG figures and Word file the package writes), each distinct cell done once."""
    codes, uniques = pd.factorize(column)
    cleaned = pd.Index(uniques).astype(str).str.replace(INVISIBLE, "", regex=True).str.strip()
    stripped = np.append(cleaned.to_numpy(dtype=object), "")
    return pd.Series(stripped[codes], index=column.index, dtype=column.dtype)


def _read_csv(path: Path, table: str | None = None, mapping: ColumnMapping = NO_MAPPING) -> pd.DataFrame:
    name = shown(path.name)
    raw = path.read_bytes()
    if b"\x00" in raw[:BINARY_PROBE_BYTES] or raw.startswith(b"PK\x03\x04"):
        raise DataError([_not_a_table(name)])
    if b"\x00" in raw:
        lines = _lines_holding(raw, 0)
        raise DataError([Problem(name, None, None, f"{describe_rows(row_runs(lines), 'line')} "
                                 f"{'hold' if len(lines) > 1 else 'holds'} NUL (zero) bytes, which a text file "
                                 "never has: the file is damaged; export it again")])
    data = _as_utf8(raw, name)
    if not data.strip():
        raise DataError([Problem(name, None, None, "the file is empty; expected a header row")])
    start = data[:1 << 16].decode("utf-8", errors="replace")
    first_rows = _first_rows(start)
    _check_separator(name, start, first_rows, table, mapping)
    _check_title(name, first_rows, table, mapping)
    try:  # from bytes: a StringIO of a large file would hold four bytes a character
        grid = pd.read_csv(io.BytesIO(data), encoding="utf-8", dtype=str, header=None, keep_default_na=False,
                           na_values=[], skip_blank_lines=False)  # an empty line is still a spreadsheet row
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise DataError([_parse_problem(name, str(error))]) from error
    if grid.shape[1] == 1 and ";" in str(grid.iloc[0, 0]):
        raise DataError([Problem(name, 1, None, "the columns are separated by semicolons; save the "
                                 "sheet as 'CSV UTF-8 (comma delimited)'")])
    return grid


def _as_utf8(raw: bytes, file: str) -> bytes:
    """The file's text as UTF-8 bytes without a BOM: the bytes themselves when they already are."""
    body = raw.removeprefix(codecs.BOM_UTF8)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return decode_text(raw, file).encode("utf-8")
    return body


def _lines_holding(raw: bytes, byte: int) -> np.ndarray:
    """The 1-based line numbers on which ``byte`` occurs, in linear time."""
    data = np.frombuffer(raw, dtype=np.uint8)
    return np.unique(np.searchsorted(np.flatnonzero(data == ord("\n")), np.flatnonzero(data == byte)) + 1)


def _first_rows(text: str, delimiter: str = ",") -> list[list[str]]:
    """The first ``TITLE_SEARCH_ROWS`` rows of a CSV file's ``text`` as the csv module reads them with
    ``delimiter``, whatever the line endings (Excel for Mac's "CSV (Macintosh)" ends lines with a
    carriage return alone). A row the csv module cannot read ends the list: pandas then names it."""
    rows: list[list[str]] = []
    with contextlib.suppress(csv.Error):  # the rows read before it are kept
        rows.extend(itertools.islice(csv.reader(io.StringIO(text, newline=None), delimiter=delimiter),
                                     TITLE_SEARCH_ROWS))
    return rows


def _holding_key(rows: list[list[str]], table: str | None, mapping: ColumnMapping) -> list[bool]:
    """For each row, whether it holds ``table``'s key column by any header ``match_headers`` reads as
    it (its name, its question wording or ``mapping``); all False for a file that is not the contract's."""
    key = KEY_COLUMNS.get(table or "")
    return [key is not None and key in match_headers(str(table), [str(cell).strip() for cell in row], mapping).columns
            for row in rows]


#: Separators a spreadsheet may have saved a "CSV" with instead of commas, and their names.
OTHER_SEPARATORS: Final = {";": "semicolons", "\t": "tabs"}


def _check_separator(name: str, text: str, first_rows: list[list[str]], table: str | None,
                     mapping: ColumnMapping) -> None:
    """A file whose header row is found only when split at semicolons (Excel in many European
    locales) or tabs ("Text (Tab delimited)" renamed) is named as such, rather than blamed for a
    row's number of cells or every column reported missing. ``first_rows``: ``text`` read at commas."""
    if table not in KEY_COLUMNS or any(_holding_key(first_rows, table, mapping)):
        return
    for separator, called in OTHER_SEPARATORS.items():
        if any(_holding_key(_first_rows(text, separator), table, mapping)):
            raise DataError([Problem(name, 1, None, f"the columns are separated by {called}; save "
                                     "the sheet as 'CSV UTF-8 (comma delimited)'")])


def _check_title(name: str, first_rows: list[list[str]], table: str | None, mapping: ColumnMapping) -> None:
    """A title (or blank rows) above the header row is named as such, rather than every column of
    the real header being reported missing or row 2 being blamed for its number of cells. The
    header row is the first that holds the key column (``_holding_key``)."""
    holds = _holding_key(first_rows, table, mapping)
    if not holds or holds[0]:
        return
    below = next((number for number, found in enumerate(holds, start=1) if found), None)
    if below is None:
        return
    key = KEY_COLUMNS[str(table)]
    above = "row 1" if below == 2 else f"rows 1-{below - 1}"
    title = next((cell.strip() for row in first_rows[:below - 1] for cell in row if cell.strip()), "")
    one = below == 2
    looks = (f"{above} {'looks' if one else 'look'} like a title ({quoted([title], 1)})" if title
             else f"{above} {'is' if one else 'are'} blank")
    raise DataError([Problem(name, 1, None, f"{looks}; the header row, with {key}, must be the first row: "
                             f"delete {above} so that the header (now row {below}) is row 1")])


def _parse_problem(name: str, error: str) -> Problem:
    """pandas' tokenizer message, in a spreadsheet's terms (its 'line' is the spreadsheet row)."""
    cells = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", error)
    if cells:
        expected, row, seen = map(int, cells.groups())
        return Problem(name, row, None, f"this row has {seen} cells but the header row has {expected}; "
                       "look for a stray comma, or put text containing commas in double quotes")
    return Problem(name, None, None, f"could not be read as comma-separated values ({error}); "
                   "save it as CSV UTF-8")


def _read_xlsx(path: Path, table: str | None = None, mapping: ColumnMapping = NO_MAPPING) -> pd.DataFrame:
    from openpyxl.utils.exceptions import InvalidFileException  # imported by pandas' reader anyway

    name = shown(path.name)
    with path.open("rb") as handle:
        if handle.read(4) != b"PK\x03\x04":  # an old .xls renamed, or an encrypted workbook
            raise DataError([_not_a_table(name)])
    try:
        # openpyxl named: else pandas picks its reader from the content, and a LibreOffice
        # workbook renamed .xlsx would need odfpy, which is not installed
        grid = pd.read_excel(path, sheet_name=0, header=None, dtype=str, keep_default_na=False, na_values=[],
                             engine="openpyxl")
        unsaved = _formulas_without_values(path)
    except (zipfile.BadZipFile, ValueError, KeyError, InvalidFileException) as error:
        raise DataError([_not_a_table(name)]) from error
    if unsaved:
        raise DataError([Problem.on_rows(name, rows, column, f"a formula with no saved value (sheet '{sheet}', "
                                         f"e.g. cell {cell}: {formula}); open the workbook in Excel and save it "
                                         "first, so that each formula's value is stored with it")
                         for (sheet, column), (rows, cell, formula) in unsaved.items()])
    if grid.empty:
        raise DataError([Problem(name, None, None, "the first sheet is empty; expected a header row")])
    grid = grid.astype("str")
    _check_title(name, grid.head(TITLE_SEARCH_ROWS).to_numpy().tolist(), table, mapping)
    return grid


def hidden_first_sheet(path: Path) -> str | None:
    """The name of a workbook's first sheet when it is hidden (or very hidden), else None. The
    contract reads an ``.xlsx`` from its first sheet, which a hidden one still is: an old copy of the
    data hidden there would be read in place of the visible sheet, so ``validate`` warns of it."""
    from openpyxl import load_workbook

    if path.suffix.lower() != ".xlsx":
        return None
    workbook = load_workbook(path, read_only=True)
    try:
        first = workbook.worksheets[0]
        return None if first.sheet_state == "visible" else first.title
    finally:
        workbook.close()


def _formulas_without_values(path: Path) -> dict[tuple[str, str | None], tuple[list[int], str, str]]:
    """Formula cells of the first sheet whose value was never saved (a workbook written by a program
    rather than by Excel), by column: their rows, the first such cell and its formula.

    pandas reads the saved values only, so such a cell would silently be blank; openpyxl, which
    pandas uses underneath, reads the same sheet once for formulas and once for saved values.
    """
    from openpyxl import load_workbook

    formulas = load_workbook(path, read_only=True, data_only=False)
    try:
        sheet = formulas.worksheets[0]
        cells = [(cell.row, cell.column, cell.coordinate, str(cell.value)) for row in sheet.iter_rows()
                 for cell in row if getattr(cell, "data_type", None) == "f"]
        header = [normalise_header(cell.value) if cell.value is not None else ""
                  for cell in next(sheet.iter_rows(max_row=1), ())]
        title = sheet.title
    finally:
        formulas.close()
    if not cells:
        return {}
    values = load_workbook(path, read_only=True, data_only=True)
    try:
        wanted = {(row, column) for row, column, _, _ in cells}
        saved = {(cell.row, cell.column) for row in values.worksheets[0].iter_rows()
                 for cell in row if (getattr(cell, "row", 0), getattr(cell, "column", 0)) in wanted
                 and cell.value is not None}
    finally:
        values.close()
    found: dict[tuple[str, str | None], tuple[list[int], str, str]] = {}
    for row, column, coordinate, formula in cells:
        if (row, column) in saved:
            continue
        label = header[column - 1] if column <= len(header) and header[column - 1] else None
        rows, _, _ = found.setdefault((title, label), ([], coordinate, formula))
        rows.append(row)
    return found


def _not_a_table(name: str) -> Problem:
    return Problem(
        name, None, None, "is not a CSV or Excel (.xlsx) file; export the table as CSV UTF-8"
    )


def _check_headers(name: str, columns: list[str], match: HeaderMatch) -> None:
    problems = match.problems(name)
    if "" in columns:
        problems.append(Problem(name, 1, None, "a column with values in it has no name in the header row"))
    if problems:
        raise DataError(problems)
