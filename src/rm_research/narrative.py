"""Sentences the report builds from results, so the notebook holds no logic of its own."""

from __future__ import annotations

import pandas as pd

from . import config
from .tables import FLOW_LABELS

SYNTHETIC_NOTICE = (
    "**SYNTHETIC DATA.** This report was made from the package's synthetic example cohort, not "
    "from real participants. The counts, enrolment means and percentages were built to match what "
    "the South East region published; everything the region did not publish (post-programme ratings, "
    "session logs, free text, training feedback) is simulated. Do not cite any figure here as a "
    "finding about real people."
)
SMALL_NUMBERS_NOTICE = (
    "**Internal report: contains small numbers.** Counts below 8 people are shown unsuppressed; "
    "do not pass this report outside the evaluation team."
)


def flow_summary(flow: pd.DataFrame) -> str:
    """One sentence per role describing the participant flow."""
    sentences = []
    for role in [r for r in config.ROLES if r in flow.columns]:
        counts = flow[role]
        steps = ", ".join(
            f"{int(counts[FLOW_LABELS[s]])} {FLOW_LABELS[s].lower()}"
            for s in ("matched", "attended_psych", "completed_end_survey")
            if pd.notna(counts[FLOW_LABELS[s]])
        )
        sentences.append(f"Of {int(counts[FLOW_LABELS['enrolled']])} {role}s enrolled: {steps}; "
                         f"{int(counts[FLOW_LABELS['withdrawn']])} withdrew.")
    return " ".join(sentences)


def small_sample_caution(prepost: pd.DataFrame) -> str:
    """Why the p-values in a tiny cohort can say little: the smallest p each n allows."""
    parts = []
    for n in sorted(set(prepost["Answered both"])):
        if n > 0:
            parts.append(f"with {n} pair(s) the smallest two-sided p-value possible is {2 / 2 ** n:.3g}")
    return ("The Wilcoxon signed-rank test uses the exact (or, with ties, exhaustive permutation) "
            "null distribution; zero changes are dropped (Wilcoxon's rule). " + "; ".join(parts) + ".")
