"""Survey exports read as they come: each header matched to a contract column (data contract, section 7).

Evaluators export their forms from Microsoft Forms or Google Forms, whose headers are the questions'
text and which add bookkeeping columns of their own (a response number, times, the respondent's
name and e-mail). After case-folding and ignoring spaces and punctuation (``header_key``), a header is:

0. dropped if it is a survey tool's bookkeeping column (``BOOKKEEPING``), before anything else, so
   that a name or an e-mail address is never read into a table, let alone written out;
1. the contract column of that name (``Participant ID`` is ``participant_id``);
2. the contract column whose question wording section 2 quotes (``WORDINGS``), with "mentor",
   "mentee" and "mentor/mentee" interchangeable; a question asked in two files (the ratings, at
   enrolment and at the end) is the same column in each;
3. the contract column a ``columns.toml`` names it for (``read_mapping``), in the cohort's folder or,
   for all its cohorts, the region's. Where both files name headers for one column, the cohort's
   file wins for that column (its headers replace the region's) and the region's other columns
   still apply;
4. otherwise not recognised: kept under its header (extra columns are kept and ignored, section 1)
   and listed by ``validate``, with the contract column it is close to (``suggest_column``).

Two headers read as one column are a problem naming both (``HeaderMatch.problems``): which one is
meant cannot be guessed.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from rm_research.contract.spec import FILES
from rm_research.core.problems import Problem, closest, did_you_mean, quoted

FILE_NAME: Final = "columns.toml"

#: The contract's files and whether each is required (data contract, section 2; ``spec.FILES``).
CONTRACT_FILES: Final[dict[str, bool]] = {file.name: file.required for file in FILES}
#: Files whose rows belong to a pair rather than a person.
PAIR_FILES: Final = frozenset(file.name for file in FILES if file.by_pair)
#: The column every row of a file is keyed by: the header row is the row that holds it.
KEY_COLUMNS: Final[dict[str, str]] = {file.name: file.key for file in FILES}
#: Every column of every contract file, in the contract's order.
CONTRACT_COLUMNS: Final[dict[str, tuple[str, ...]]] = {file.name: tuple(c.name for c in file.columns)
                                                        for file in FILES}
#: The question wordings the contract quotes (section 2), by file and column.
WORDINGS: Final[dict[str, dict[str, str]]] = {
    file.name: {c.name: c.wording for c in file.columns if c.wording} for file in FILES
    if any(c.wording for c in file.columns)}

#: Survey tools' bookkeeping columns, always dropped (data contract, section 7), and the tool that writes each.
BOOKKEEPING: Final = {
    "ID": "Microsoft Forms", "Start time": "Microsoft Forms", "Completion time": "Microsoft Forms",
    "Email": "Microsoft Forms", "Name": "Microsoft Forms", "Last modified time": "Microsoft Forms",
    "Timestamp": "Google Forms", "Email address": "Google Forms",
}

#: The bookkeeping columns that hold a person's name or e-mail address.
PERSONAL_BOOKKEEPING: Final = frozenset({"Email", "Name", "Email address"})

#: How a header was read.
NAME, WORDING, MAPPING, BOOKKEEPING_COLUMN, UNRECOGNISED, BLANK = (
    "name", "wording", "mapping", "bookkeeping", "unrecognised", "blank")

#: "mentor", "mentee", "mentor/mentee" (and "mentor or mentee"), once spaces and punctuation are gone.
_MENTOR = re.compile(r"ment(?:or|ee)(?:(?:or)?ment(?:or|ee))?")


def header_key(text: object) -> str:
    """A header as headers are compared: case-folded, without spaces or punctuation, with "mentor",
    "mentee" and "mentor/mentee" one word (data contract, section 7)."""
    return _MENTOR.sub("mentx", re.sub(r"[\W_]+", "", str(text).casefold()))


def normalise_header(name: object) -> str:
    """An unrecognised header as its column is named: lower case, trimmed, inner spaces as ``_``."""
    return "_".join(str(name).strip().lower().split())


_BOOKKEEPING_KEYS: Final = {header_key(text): text for text in BOOKKEEPING}


def is_personal(header: object) -> bool:
    """Whether ``header`` is a survey tool's name or e-mail column (``PERSONAL_BOOKKEEPING``)."""
    return _BOOKKEEPING_KEYS.get(header_key(header)) in PERSONAL_BOOKKEEPING


# --------------------------------------------------------------------------------------------- columns.toml


@dataclass(frozen=True)
class MappedColumn:
    """One entry of a ``columns.toml``: the headers (as written there) read as ``column`` of ``table``."""

    table: str
    column: str
    headers: tuple[str, ...]
    source: str  # the file that names them, as validate shows it


@dataclass(frozen=True)
class ColumnMapping:
    """The entries of the cohort's and the region's ``columns.toml`` in force (cohort's first), the
    files read, and every problem with them (an unknown file or column, a bad value)."""

    entries: tuple[MappedColumn, ...] = ()
    files: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()

    def for_table(self, table: str) -> dict[str, MappedColumn]:
        """``{header_key: entry}`` for ``table``: the headers a mapping reads, and as what."""
        found: dict[str, MappedColumn] = {}
        for entry in self.entries:
            if entry.table == table:
                for header in entry.headers:
                    found.setdefault(header_key(header), entry)  # the cohort's entries come first and win
        return found


NO_MAPPING: Final = ColumnMapping()


def read_mapping(folder: Path) -> ColumnMapping:
    """The column mapping of the cohort in ``folder``: its ``columns.toml`` and its region's
    (``folder``'s parent), the cohort's winning column by column. Never raises: a file that cannot
    be read, and every unknown key and bad value, is a problem in the result; the entries that are
    valid are used all the same, so that one slip does not make every mapped column "missing"."""
    region_label = f"{folder.parent.name}/{FILE_NAME}"
    region, region_problems = _read_file(folder.parent / FILE_NAME, region_label)
    cohort, cohort_problems = _read_file(folder / FILE_NAME, FILE_NAME)
    overridden = {(entry.table, entry.column) for entry in cohort}
    claimed = {(entry.table, header_key(h)) for entry in cohort for h in entry.headers}
    kept = []
    for entry in region:
        if (entry.table, entry.column) in overridden:
            continue
        headers = tuple(h for h in entry.headers if (entry.table, header_key(h)) not in claimed)
        if headers:
            kept.append(MappedColumn(entry.table, entry.column, headers, entry.source))
    files = tuple(label for label, path in ((FILE_NAME, folder / FILE_NAME), (region_label, folder.parent / FILE_NAME))
                  if path.exists())
    return ColumnMapping((*cohort, *kept), files, (*cohort_problems, *region_problems))


def _read_file(path: Path, label: str) -> tuple[list[MappedColumn], list[Problem]]:
    if not path.exists():
        return [], []
    try:
        settings = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except IsADirectoryError:
        return [], [Problem(label, None, None, "is a folder, not a file; put the column mapping in a file of that "
                            "name (data contract, section 7)")]
    except OSError as error:
        return [], [Problem(label, None, None, f"could not be read ({(error.strerror or str(error)).lower()})")]
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        return [], [Problem(label, None, None, f"could not be read as a TOML column mapping ({error}); see the data "
                            "contract, section 7, for an example")]
    entries, problems = [], []
    for table, columns in settings.items():
        if table not in CONTRACT_COLUMNS:
            hint = did_you_mean(table, CONTRACT_COLUMNS)
            problems.append(Problem(label, None, None, f"[{table}] is not a contract file; "
                                    f"{hint or 'expected one of: ' + ', '.join(CONTRACT_COLUMNS)}"))
        elif not isinstance(columns, dict):
            problems.append(Problem(label, None, None, f"{table} must be a section, [{table}], of lines "
                                    "column = \"header\" (data contract, section 7)"))
        else:
            found, wrong = _entries(table, columns, label)
            entries += found
            problems += wrong
    return entries, problems


def _entries(table: str, columns: dict[str, object], label: str) -> tuple[list[MappedColumn], list[Problem]]:
    """The valid entries of one ``[table]`` section, and a problem for each invalid one."""
    entries, problems = [], []
    read_as: dict[str, str] = {}
    contract = _contract_keys(table)
    for column, value in columns.items():
        where = f"[{table}] {column}"
        if column not in CONTRACT_COLUMNS[table]:
            hint = did_you_mean(column, CONTRACT_COLUMNS[table])
            problems.append(Problem(label, None, None, f"{where}: {column} is not a column of {table}; "
                                    f"{hint or 'expected one of: ' + ', '.join(CONTRACT_COLUMNS[table])}"))
            continue
        headers = (value,) if isinstance(value, str) else tuple(value) if isinstance(value, list) else None
        if not headers or not all(isinstance(h, str) and h.strip() for h in headers):
            problems.append(Problem(label, None, None, f"{where}: {value!r} is not valid; expected a header in "
                                    "quotes, or a list of them in [ ], e.g. \"How many RM sessions did you attend?\""))
            continue
        good = []
        for header in (h.strip() for h in headers):
            key = header_key(header)
            if key in _BOOKKEEPING_KEYS:
                tool = BOOKKEEPING[_BOOKKEEPING_KEYS[key]]
                problems.append(Problem(label, None, None, f"{where}: '{header}' is {tool}' bookkeeping column, "
                                        "which is never read (a name or e-mail must not reach a table); map the "
                                        "question that asks for this instead"))
            elif contract.get(key, (column,))[0] != column:
                other, how = contract[key]
                problems.append(Problem(label, None, None, f"{where}: '{header}' is already the contract's {how} of "
                                        f"{other}, and is read as {other}; remove it from this list"))
            elif read_as.setdefault(key, column) != column:
                problems.append(Problem(label, None, None, f"{where}: '{header}' is mapped to {read_as[key]} too; "
                                        "a header can be read as one column only"))
            else:
                good.append(header)
        if good:
            entries.append(MappedColumn(table, column, tuple(good), label))
    return entries, problems


def _contract_keys(table: str) -> dict[str, tuple[str, str]]:
    """``{header_key: (column, "name" or "question wording")}``: what matches before any mapping."""
    keys = {header_key(w): (c, "question wording") for c, w in WORDINGS.get(table, {}).items()}
    return {**keys, **{header_key(c): (c, "name") for c in CONTRACT_COLUMNS.get(table, ())}}


# ------------------------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Header:
    """One header of a file and how it is read: ``column`` is the name its column takes (None:
    dropped; "" for a blank header), ``how`` one of the kinds above; ``source`` is the
    ``columns.toml`` that mapped it, or the survey tool whose bookkeeping column it is."""

    text: str
    column: str | None
    how: str
    source: str = ""


@dataclass(frozen=True)
class HeaderMatch:
    """How each header of one file of contract table ``table`` is read, in the file's order."""

    table: str
    headers: tuple[Header, ...]

    @property
    def columns(self) -> list[str | None]:
        """The name each header's column takes, in order (None: dropped)."""
        return [header.column for header in self.headers]

    def by(self, how: str) -> tuple[Header, ...]:
        """The headers read by ``how`` (``NAME``, ``WORDING``, ``MAPPING``, ``BOOKKEEPING_COLUMN``, ``UNRECOGNISED``,
        ``BLANK``)."""
        return tuple(header for header in self.headers if header.how == how)

    def matched(self) -> set[str]:
        """The contract columns some header is read as."""
        return {h.column for h in self.headers if h.how in (NAME, WORDING, MAPPING) and h.column is not None}

    def problems(self, file: str) -> list[Problem]:
        """Two or more headers read as one column (which is meant cannot be guessed), on row 1,
        naming the column."""
        by_column: dict[str, list[Header]] = defaultdict(list)
        for header in self.headers:
            if header.column:
                by_column[header.column].append(header)
        problems = []
        for column, found in sorted(by_column.items()):
            if len(found) < 2:
                continue
            if len({normalise_header(h.text) for h in found}) == 1:
                message = "this column name appears more than once in the header row"
            else:
                named = [quoted([h.text], 1) + (f" ({_HOW[h.how]})" if h.how in _HOW else "") for h in found]
                listed = ", ".join(named[:-1]) + " and " + named[-1]
                message = (f"{len(found)} headers are read as this column: {listed}; which one is meant cannot "
                           "be guessed: keep one, and delete or rename the others")
            problems.append(Problem(file, 1, column, message))
        return problems


_HOW: Final = {NAME: "its name", WORDING: "its question wording", MAPPING: "columns.toml"}


def match_headers(table: str, headers: Sequence[str], mapping: ColumnMapping = NO_MAPPING) -> HeaderMatch:
    """How each of ``headers`` (a file's header row, trimmed) of contract table ``table`` is read:
    bookkeeping dropped, then by contract name, question wording and ``mapping``, in that order
    (module docstring). A blank header stays blank. A table that is not the contract's has no
    names or wordings: only its bookkeeping columns are recognised."""
    contract = _contract_keys(table)
    mapped = mapping.for_table(table)
    found = []
    for text in headers:
        key = header_key(text)
        if not str(text).strip():
            found.append(Header("", "", BLANK))
        elif key in _BOOKKEEPING_KEYS:
            found.append(Header(text, None, BOOKKEEPING_COLUMN, BOOKKEEPING[_BOOKKEEPING_KEYS[key]]))
        elif key in contract:
            column, how = contract[key]
            found.append(Header(text, column, NAME if how == "name" else WORDING))
        elif key in mapped:
            found.append(Header(text, mapped[key].column, MAPPING, mapped[key].source))
        else:
            found.append(Header(text, normalise_header(text), UNRECOGNISED))
    return HeaderMatch(table, _distinct_extras(found))


def _distinct_extras(headers: list[Header]) -> tuple[Header, ...]:
    """``headers`` with each unrecognised header's column named apart from every other column
    (``please_explain_2``): extra columns are kept and ignored (data contract, section 1), and survey
    exports repeat follow-up wordings such as "Please explain". Two headers read as one contract
    column stay a problem (``HeaderMatch.problems``)."""
    taken = {h.column for h in headers if h.how != UNRECOGNISED}
    distinct = []
    for header in headers:
        column = header.column
        if header.how == UNRECOGNISED and column is not None:
            number = 1
            while column in taken:
                number += 1
                column = f"{header.column}_{number}"
            header = replace(header, column=column)
        taken.add(column)
        distinct.append(header)
    return tuple(distinct)



#: How alike a header must be to a column's name or wording to be suggested: stricter than for
#: codes, since the names share words ('conf_seniors' is 0.76 like conf_junior, 0.96 like conf_senior).
CLOSE_HEADER: Final = 0.8


def suggest_column(table: str, header: str, taken: Iterable[str] = ()) -> str | None:
    """The contract column of ``table`` whose name or question wording an unrecognised ``header`` is
    closest to (``problems.closest``), e.g. conf_senior for 'conf_seniors'; None when there is none,
    or when it is one of the columns ``taken`` (already read from another header): a stray copy of
    a column is not a near miss of another one."""
    keyed = {header_key(c): c for c in CONTRACT_COLUMNS.get(table, ())}
    keyed.update({header_key(w): c for c, w in WORDINGS.get(table, {}).items()})
    near = closest(header_key(header), keyed, CLOSE_HEADER)
    return None if near is None or keyed[near] in set(taken) else keyed[near]


def unfound(match: HeaderMatch, mapping: ColumnMapping) -> list[MappedColumn]:
    """The entries of ``mapping`` for ``match``'s table whose column no header of the file is read as:
    a header mistyped in ``columns.toml``, or a question this file does not have."""
    present = match.matched()
    return [entry for entry in mapping.entries if entry.table == match.table and entry.column not in present]


def closest_header(match: HeaderMatch, wanted: Iterable[str]) -> str | None:
    """The unrecognised header of ``match`` closest to any of ``wanted`` (headers named in a mapping)."""
    keyed = {header_key(h.text): h.text for h in match.by(UNRECOGNISED)}
    for header in wanted:
        near = closest(header_key(header), keyed)
        if near is not None:
            return keyed[near]
    return None


def near_misses(match: HeaderMatch) -> dict[str, str]:
    """``{unrecognised header: contract column it is close to}``, among the columns no header is read as."""
    taken = match.matched()
    found = {h.text: suggest_column(match.table, h.text, taken) for h in match.by(UNRECOGNISED)}
    return {text: column for text, column in found.items() if column is not None}
