"""The findings table every report writes (data contract, section 4): its columns and stages.

One row per figure: ``region, cohort, measure, role, statistic, value, n``; values unrounded,
blank (NaN) where they cannot be computed, ``n`` the number of people the figure rests on.
"""

from __future__ import annotations

import pandas as pd

FINDINGS_COLUMNS = ["region", "cohort", "measure", "role", "statistic", "value", "n"]


FLOW_STAGES = ("enrolled", "matched", "attended_psych", "completed_end_survey", "withdrawn")


#: The yes/no answers about the psychological sessions: not counted where none were offered.
PSYCH_ANSWERS = ("psych_supportive",)


Row = tuple[str, str, float, int]  # measure, statistic, value, n


def lookup(findings: pd.DataFrame, measure: str, role: str, statistic: str) -> pd.Series:
    """The one findings row for ``measure``/``role``/``statistic`` (KeyError if absent)."""
    match = findings[(findings["measure"] == measure) & (findings["role"] == role)
                     & (findings["statistic"] == statistic)]
    if len(match) != 1:
        raise KeyError(f"no single findings row for {measure}/{role}/{statistic}")
    return match.iloc[0]
