"""Settings of the collaborative's evaluation template, in one place.

Everything here comes from the data contract (``shared/data-contract.md``); a region that
changes its template changes it here, not in the code that uses it.
"""

from __future__ import annotations

from typing import Final

ROLES: Final = ("mentor", "mentee")
ALL_ROLES: Final = "all"

RATING_ITEMS: Final = ("conf_senior", "conf_junior", "comfort_needs")
RATING_RANGE: Final = (1, 10)
TRAINING_RATING_RANGE: Final = (1, 5)

YES_NO_ITEMS: Final = ("length_appropriate", "psych_supportive", "missed_any")
FREE_TEXT_QUESTIONS: Final = ("self_awareness", "self_learning", "boundaries", "relationship_impact")

ETHNIC_GROUPS: Final = ("Asian", "Black", "Mixed", "White", "Other", "Prefer not to say")
STATUSES: Final = ("enrolled", "withdrawn")
AREAS_OF_WORK: Final = (
    "People management",
    "Project management",
    "Process management",
    "Budget management",
    "Communications",
    "Data and analysis",
    "General administrative",
    "Support to senior manager",
    "Regional oversight",
)

YES_SPELLINGS: Final = frozenset({"yes", "y", "true", "1"})
NO_SPELLINGS: Final = frozenset({"no", "n", "false", "0"})

#: The South East offered three 2-hour psychological sessions (seeds/000, "Participant Demographics").
PSYCH_SESSIONS_OFFERED: Final = 3

DEFAULT_REGION: Final = "south-east"
KERNEL_NAME: Final = "rm-research"

#: Seed of the synthetic South East example cohort.
SYNTHETIC_SEED: Final = 20201001
