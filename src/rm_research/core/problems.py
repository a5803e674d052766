"""Problems found in an evaluator's files, worded for the person who has to fix the spreadsheet.

A problem found on many rows is one ``Problem`` holding every row it affects as runs of
consecutive rows, so that two million bad rows are one line ("rows 2-2000001"), not two
million, and never need two million objects in memory (data contract, section 3).
"""

from __future__ import annotations

import difflib
import errno
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

#: At most this many problems are printed per file; the rest are counted (data contract, section 3).
MAX_LINES_PER_FILE = 20
#: At most this many runs of rows are spelled out in one line; the rest are counted.
MAX_RUNS_SHOWN = 8
#: Longer cells are cut to this many characters when quoted in a message.
MAX_VALUE_SHOWN = 40
#: How alike (difflib's ratio, 0 to 1) a near miss must be to be suggested: 'conf_seniors' for
#: 'conf_senior' is 0.95, 'south-eats' for 'south-east' 0.89; two different short codes such as
#: 'A4' and 'A1' are 0.5 and are not suggested.
CLOSE_ENOUGH = 0.75
#: Beyond this many choices only spellings equal after folding are suggested: difflib compares the
#: value with every choice, which for a million participant codes would take seconds.
MAX_FUZZY_CHOICES = 20_000

#: Errors from the file system that mean "cannot write here", not a bug: a read-only folder or disk,
#: no permission, a full disk or quota.
CANNOT_WRITE = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT})

Runs = tuple[tuple[int, int], ...]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, on one row or on many.

    ``row`` is numbered as the spreadsheet shows it (the header is row 1), ``None`` when the
    problem is with the whole file; ``column`` is ``None`` when it is not about one column. A
    problem on more than one row has ``row`` as its first row and every row it affects in ``runs``,
    as ``(first, last)`` pairs of consecutive rows; ``runs`` is empty for a single row.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    runs: Runs = ()

    @classmethod
    def on_rows(cls, file: str, rows: Iterable[int] | np.ndarray, column: str | None, message: str) -> Problem:
        """The problem ``message`` affecting every row in ``rows`` (any order, repeats allowed)."""
        runs = row_runs(rows)
        if not runs:
            return cls(file, None, column, message)
        return cls(file, runs[0][0], column, message, runs if len(runs) > 1 or runs[0][0] != runs[0][1] else ())

    @property
    def rows(self) -> list[int | None]:
        """Every row this problem affects (``[None]`` for a problem with the whole file)."""
        if not self.runs:
            return [self.row]
        return [row for first, last in self.runs for row in range(first, last + 1)]

    @property
    def row_count(self) -> int:
        """How many rows this problem affects (1 for a single row or the whole file)."""
        return sum(last - first + 1 for first, last in self.runs) if self.runs else 1

    def __str__(self) -> str:
        where = [self.file]
        if self.runs:
            where.append(describe_rows(self.runs))
        elif self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


def row_runs(rows: Iterable[int] | np.ndarray) -> Runs:
    """Rows as sorted runs of consecutive numbers: ``[3, 4, 5, 9]`` -> ``((3, 5), (9, 9))``.

    Vectorised with numpy, so that millions of rows cost milliseconds."""
    values = np.unique(np.asarray(list(rows) if not isinstance(rows, np.ndarray) else rows, dtype=np.int64))
    if values.size == 0:
        return ()
    breaks = np.flatnonzero(np.diff(values) != 1)
    starts = np.concatenate(([values[0]], values[breaks + 1]))
    ends = np.concatenate((values[breaks], [values[-1]]))
    return tuple(zip(starts.tolist(), ends.tolist(), strict=True))


def describe_rows(runs: Runs, word: str = "row") -> str:
    """``rows 3-34``, ``rows 3, 5, 9-12``; past ``MAX_RUNS_SHOWN`` runs, ``and N more rows``."""
    total = sum(last - first + 1 for first, last in runs)
    if total == 1:
        return f"{word} {runs[0][0]}"
    shown = [f"{first}" if first == last else f"{first}-{last}" for first, last in runs[:MAX_RUNS_SHOWN]]
    text = f"{word}s " + ", ".join(shown)
    rest = total - sum(last - first + 1 for first, last in runs[:MAX_RUNS_SHOWN])
    return f"{text} and {rest:,} more" if rest else text


def quoted(values: Sequence[object], distinct: int, noun: str = "values", shown: int = 3) -> str:
    """Examples of the offending values for a message: ``'a'``, ``'a' and 'b'``, or
    ``'a', 'b', 'c' and 7 other values`` when ``distinct`` exceeds the ``shown`` examples."""
    examples = [f"'{_shorten(str(value))}'" for value in list(values)[:shown]]
    if distinct > len(examples):
        rest = distinct - len(examples)
        return ", ".join(examples) + f" and {rest:,} other {noun if rest > 1 else noun.removesuffix('s')}"
    if len(examples) == 1:
        return examples[0]
    return ", ".join(examples[:-1]) + " and " + examples[-1]


def spelling_key(text: str) -> str:
    """How near misses are compared: case-folded, without spaces or punctuation, and without the
    leading zeros of a number, so that 'Cohort 01', 'cohort1' and 'cohort-1' are one spelling."""
    folded = re.sub(r"[\W_]+", "", str(text).casefold())
    return re.sub(r"(?<!\d)0+(?=\d)", "", folded)


def closest(value: str, choices: Iterable[str], cutoff: float = CLOSE_ENOUGH) -> str | None:
    """The choice ``value`` most likely stands for, or None: a choice spelt the same after folding
    (``spelling_key``), else the most alike by ``difflib.get_close_matches`` at ``cutoff`` or above."""
    keyed: dict[str, str] = {}
    for choice in choices:
        keyed.setdefault(spelling_key(choice), choice)
    key = spelling_key(value)
    if key in keyed:
        return keyed[key]
    if not key or len(keyed) > MAX_FUZZY_CHOICES:
        return None
    found = difflib.get_close_matches(key, list(keyed), n=1, cutoff=cutoff)
    return keyed[found[0]] if found else None


def did_you_mean(value: str, choices: Iterable[str], cutoff: float = CLOSE_ENOUGH) -> str:
    """``"did you mean 'x'?"`` for the choice closest to ``value`` (``closest``), or ``""``."""
    near = closest(value, choices, cutoff)
    return f"did you mean '{_shorten(near)}'?" if near is not None and near != value else ""


def _shorten(value: str) -> str:
    """A cell as quoted in a message: a pasted essay or a 5,000-digit number is cut short."""
    return value if len(value) <= MAX_VALUE_SHOWN else f"{value[:MAX_VALUE_SHOWN - 1]}\u2026"


class DataError(Exception):
    """The cohort's files break the data contract; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems), key=_sort_key)
        super().__init__(format_problems(self.problems))


def _sort_key(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.file, problem.row or 0, problem.column or "", problem.message)


def format_problems(problems: Iterable[Problem], per_file: int = MAX_LINES_PER_FILE) -> str:
    """All problems, one a line, at most ``per_file`` lines for each file and then a count of the
    rest, under a heading an evaluator can act on."""
    problems = list(problems)
    rows = sum(p.row_count for p in problems if p.row is not None)
    on_rows = f" on {rows:,} rows" if any(p.runs for p in problems) else ""
    lines = [f"Found {len(problems)} problem(s){on_rows} in the data; nothing was written. Please fix:"]
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_file[problem.file].append(problem)
    for file, found in by_file.items():
        lines += [f"  - {p}" for p in found[:per_file]]
        if len(found) > per_file:
            lines.append(f"  - {file}: {len(found) - per_file} more problem(s) not shown; "
                         "fix those above and run validate again to see them")
    return "\n".join(lines)


def spreadsheet_row(index: object) -> int:
    """The row number a spreadsheet shows for a data frame's 0-based row label (header = row 1)."""
    return int(index) + 2  # type: ignore[call-overload]


class OutputError(Exception):
    """Outputs cannot be written (a read-only or full disk, no permission, another run holding the
    cohort's lock); the message says what to do. Nothing already written is damaged."""
