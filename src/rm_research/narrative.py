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
    """Why the p-values in a tiny cohort can say little: the smallest p each result could reach."""
    floors = prepost.dropna(subset=["Smallest p possible"])
    parts = [f"{role}s' {question[0].lower()}{question[1:]}: {floor:.3g}"
             for role, question, floor in zip(floors["Role"], floors["Question"], floors["Smallest p possible"],
                                              strict=True)]
    text = ("The Wilcoxon signed-rank test uses the exact (with ties, the exact permutation) null "
            "distribution; people whose rating did not change are dropped (Wilcoxon's rule), so the "
            "smallest p-value a result can reach depends on how many changed.")
    if parts:
        text += " The smallest possible p-values here are: " + "; ".join(parts) + "."
    return text
