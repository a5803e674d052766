"""The findings table every report writes (data contract, section 4): its columns and stages.

One row per figure: ``region, cohort, measure, role, statistic, value, n``; values unrounded,
blank (NaN) where they cannot be computed, ``n`` the number of people the figure rests on.
"""

from __future__ import annotations

import math

import pandas as pd

FINDINGS_COLUMNS = ["region", "cohort", "measure", "role", "statistic", "value", "n"]


FLOW_STAGES = ("enrolled", "matched", "attended_psych", "completed_end_survey", "withdrawn")


#: The yes/no answers about the psychological sessions: not counted where none were offered.
PSYCH_ANSWERS = ("psych_supportive",)


Row = tuple[str, str, float, int]  # measure, statistic, value, n
RoleRow = tuple[str, str, str, float, int]  # measure, role, statistic, value, n (a level's rows, role by role)


class Lookup:
    """Findings looked up by (measure, role, statistic): the one lookup every reader of a findings table
    goes through (the disclosure rule, the key findings and tables, the published figures' check).

    A findings table (numbers) or a public one (text, with ``mark`` where a figure is withheld): ``value``
    and ``n`` give a number, NaN where the figure is blank, absent or withheld, and ``withheld`` says
    whether it was withheld, so that no reader ever prints, or computes from, a withheld figure.
    """

    def __init__(self, findings: pd.DataFrame, mark: str | None = None) -> None:
        self.mark = mark
        keys = list(zip(findings["measure"], findings["role"], findings["statistic"], strict=True))
        self.rows = dict(zip(keys, zip(findings["value"], findings["n"], strict=True), strict=True))
        #: why each withheld value is withheld (public findings' ``withheld`` column), where given
        self.reasons = dict(zip(keys, findings["withheld"], strict=True)) if "withheld" in findings else {}

    def has(self, measure: str, role: str, statistic: str) -> bool:
        """Whether the findings hold this row at all."""
        return (measure, role, statistic) in self.rows

    def statistics(self, measure: str, role: str) -> list[str]:
        """The statistics the findings hold for ``measure`` and ``role``, in the table's order."""
        return [s for (m, r, s) in self.rows if m == measure and r == role]

    def cell(self, measure: str, role: str, statistic: str, column: int) -> object:
        """The row's value (``column`` 0) or n (1) as held, NaN where there is no such row."""
        return self.rows.get((measure, role, statistic), (math.nan, math.nan))[column]

    def value(self, measure: str, role: str, statistic: str) -> float:
        """The value as a number (NaN where blank, absent or withheld)."""
        return self._number(self.cell(measure, role, statistic, 0))

    def n(self, measure: str, role: str, statistic: str) -> float:
        """The row's n as a number (NaN where absent or withheld)."""
        return self._number(self.cell(measure, role, statistic, 1))

    def withheld(self, measure: str, role: str, *statistics: str, n_of: str | None = None) -> bool:
        """Whether any of these statistics' values, or the n of ``n_of``, was withheld (public findings)."""
        cells = [self.cell(measure, role, s, 0) for s in statistics]
        if n_of is not None:
            cells.append(self.cell(measure, role, n_of, 1))
        return self.mark is not None and any(isinstance(c, str) and c.strip() == self.mark for c in cells)

    def why(self, measure: str, role: str, *statistics: str) -> str:
        """The reason (a ``disclosure.control.WITHHELD_REASONS`` key) the first withheld of these statistics'
        values was withheld for; blank where none is, or the public findings give no reason."""
        for statistic in statistics:
            reason = self.reasons.get((measure, role, statistic), "")
            if isinstance(reason, str) and reason:
                return reason
        return ""

    def _number(self, cell: object) -> float:
        if isinstance(cell, str):
            cell = cell.strip()
            return math.nan if cell in ("", self.mark) else float(cell)
        return math.nan if pd.isna(cell) else float(cell)  # type: ignore[arg-type]
