"""Problems found in an evaluator's files, worded for the person who has to fix the spreadsheet."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input.

    ``row`` is numbered as the spreadsheet shows it (the header is row 1), ``None`` when the
    problem is with the whole file; ``column`` is ``None`` when it is not about one column.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class DataError(Exception):
    """The cohort's files break the data contract; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems), key=_sort_key)
        super().__init__(format_problems(self.problems))


def _sort_key(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.file, problem.row or 0, problem.column or "", problem.message)


def format_problems(problems: Iterable[Problem]) -> str:
    """All problems, one a line, with a heading an evaluator can act on."""
    problems = list(problems)
    lines = [f"Found {len(problems)} problem(s) in the data; nothing was written. Please fix:"]
    lines += [f"  - {p}" for p in problems]
    return "\n".join(lines)


def spreadsheet_row(index: object) -> int:
    """The row number a spreadsheet shows for a data frame's 0-based row label (header = row 1)."""
    return int(index) + 2  # type: ignore[call-overload]


class OutputError(Exception):
    """Outputs cannot be written (a read-only or full disk, no permission, another run holding the
    cohort's lock); the message says what to do. Nothing already written is damaged."""
