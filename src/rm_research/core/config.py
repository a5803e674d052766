"""Settings of the collaborative's evaluation template, in one place.

Everything here comes from the data contract (``shared/data-contract.md``); a region that
changes its template changes it here, not in the code that uses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

ROLES: Final = ("mentor", "mentee")
ALL_ROLES: Final = "all"
#: The people of each role (and of ``all``) in a sentence's words, for what the library prints itself.
ROLE_PLURALS: Final = {"mentor": "mentors", "mentee": "mentees", ALL_ROLES: "people"}

RATING_ITEMS: Final = ("conf_senior", "conf_junior", "comfort_needs")
RATING_RANGE: Final = (1, 10)
TRAINING_RATING_RANGE: Final = (1, 5)

YES_NO_ITEMS: Final = ("length_appropriate", "psych_supportive", "missed_any")
FREE_TEXT_QUESTIONS: Final = ("self_awareness", "self_learning", "boundaries", "relationship_impact")

OBSERVATION_LEVELS: Final = ("individual", "departmental", "organisational", "symbolic")
OBSERVATION_KINDS: Final = ("good practice", "needs attention")

ETHNIC_GROUPS: Final = ("Asian", "Black", "Mixed", "White", "Other", "Prefer not to say")
STATUSES: Final = ("enrolled", "withdrawn")
#: The organisational benefits of reverse mentoring a participant ranks (data contract, section 8;
#: seeds/002, "Benefit of reverse mentoring to organisations"), by code.
BENEFITS: Final = ("recognising_talent", "network_of_champions", "inclusion_conversations", "change_agents",
                   "safe_space_and_belonging", "retention", "leaders_behaviour")
#: Each benefit in a report's words, short forms of the South East's statements (contract section 8's table).
BENEFIT_LABELS: Final = {
    "recognising_talent": "Leaders see talent that bias had hidden",
    "network_of_champions": "A network of champions, mentors and coaches",
    "inclusion_conversations": "Regular conversations about respect and inclusion",
    "change_agents": "Mentees become change agents",
    "safe_space_and_belonging": "A safe place to learn; purpose and belonging",
    "retention": "Higher retention of BAME staff",
    "leaders_behaviour": "Senior leaders communicate differently with BAME colleagues",
}
#: The 360-degree team feedback's phases and rater groups (data contract, section 8).
FEEDBACK_PHASES: Final = ("pre", "post", "follow_up")
RATER_GROUPS: Final = ("BME", "other")
#: The team's two ratings of their leader (1-10), with the questions the contract quotes.
TEAM_ITEMS: Final = ("inclusive_behaviour", "challenges_unfairness")
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


@dataclass(frozen=True)
class AnalysisSettings:
    """Every choice the statistics make; the report's Methods section is written from these."""

    alpha: float = 0.05
    confidence: float = 0.95
    zero_method: str = "wilcox"  # Wilcoxon's rule: zero differences dropped
    sensitivity_zero_method: str = "pratt"  # Pratt: zeros ranked, then their ranks dropped
    exact_max_n: int = 50  # exact/permutation null distributions up to this many differences
    bootstrap_resamples: int = 9999
    bootstrap_seed: int = 20211022
    correction: str = "holm"
    robust_cov: str = "HC3"
    min_n_correlation: int = 3
    min_n_ancova: int = 5  # 3 parameters; fewer than 2 residual degrees of freedom says nothing
    # the certainty of a pooled change (``findings.evidence``, GRADE-style): a stated smallest change
    # that matters, in rating points (1-10 scale), the I² (percent) from which cohorts are inconsistent,
    # and the p below which Egger's test flags small-study effects (Egger et al. 1997 used 0.10)
    smallest_change_that_matters: float = 1.0
    inconsistent_i2: float = 50.0
    egger_alpha: float = 0.10


SETTINGS: Final = AnalysisSettings()


@dataclass(frozen=True)
class DisclosureRule:
    """NHS Digital's small-number rule for published statistics (defaults); every part a setting."""

    smallest_shown: int = 8  # counts of 1 .. smallest_shown - 1 are suppressed
    rounding_base: int = 5  # counts of smallest_shown or more are rounded to the nearest base
    mark: str = "*"

    def describe(self) -> str:
        """The rule in words, for the disclosure-control paragraph of a public report."""
        small = f"1 to {self.smallest_shown - 1}"
        return (f"Counts of {small} are shown as {self.mark}; counts of {self.smallest_shown} or more are "
                f"rounded to the nearest {self.rounding_base}; 0 is shown as 0. A count that is part of a group "
                f"(yes answers of those who answered) is shown only when the rest of the group is not {small} "
                f"either, and percentages and proportions are computed from the rounded counts, so no figure "
                f"says 'all' or 'none' unless that is true. A mean, percentage, correlation or test result "
                f"resting on {small} people is shown as {self.mark}, and so is a comparison of two groups when "
                f"either has {small} people. {self.mark} also marks figures hidden so that a hidden one cannot "
                f"be worked out from the others (from the totals, the other role or the pairs): every public "
                f"table is checked for this by integer programming before it is written. Other figures are "
                f"rounded (means to 1 decimal place) so that exact fractions cannot reveal a group's size.")


DISCLOSURE: Final = DisclosureRule()


#: The environment variables a run reads, once, when its settings are resolved (``Settings.resolve``).
LOCK_TIMEOUT_VARIABLE: Final = "RM_RESEARCH_LOCK_TIMEOUT"
FORK_KERNELS_VARIABLE: Final = "RM_RESEARCH_FORK_KERNELS"
IN_PROCESS_VARIABLE: Final = "RM_RESEARCH_IN_PROCESS"
CI_VARIABLE: Final = "CI"
#: How long a run waits for another run writing the same outputs, in seconds.
DEFAULT_LOCK_TIMEOUT_S: Final = 600.0
_NO: Final = frozenset({"", "0", "false", "no"})


class SettingsError(ValueError):
    """A setting that cannot be used (an environment variable with a value that means nothing)."""


@dataclass(frozen=True)
class Settings:
    """Every setting of a run, resolved once and passed down from the command to what uses it.

    ``analysis`` (the statistics' choices), ``disclosure`` (the small-number rule of public output),
    ``lock_timeout_s`` (how long to wait for another run writing the same outputs), ``in_process`` (run
    the report notebooks in the command's own process: ``render.in_process``), ``fork_kernels`` (where a
    notebook runs in a kernel, start it by forking a preloaded one) and ``in_ci`` (no progress bar). The
    command line resolves them from the defaults and the environment (``resolve``) and hands them to
    the run layer, which passes each part to the stage that uses it, and to the report notebook with
    what the command computed. A cohort's own settings (``programme.toml``, ``columns.toml`` and the
    ``--psych-sessions`` flag) are resolved once per cohort when it is read
    (``ingest.load.LoadedCohort.programme``, ``RawCohort.columns``).
    """

    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    disclosure: DisclosureRule = field(default_factory=DisclosureRule)
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S
    in_process: bool = True
    fork_kernels: bool = True
    in_ci: bool = False

    @property
    def preload_kernels(self) -> bool:
        """Whether a run starts the kernel server (``render.kernels``): report notebooks run in kernels, forked."""
        return self.fork_kernels and not self.in_process

    @classmethod
    def resolve(cls, environ: Mapping[str, str]) -> Settings:
        """The defaults, with what the environment sets: ``RM_RESEARCH_LOCK_TIMEOUT`` (seconds),
        ``RM_RESEARCH_IN_PROCESS`` (0, false or no: run the report notebooks in Jupyter kernels),
        ``RM_RESEARCH_FORK_KERNELS`` (0, false or no: start kernels as Jupyter does) and ``CI``
        (set, and not 0/false/no: a CI run). ``SettingsError`` for a timeout that is not a number
        of seconds."""
        text = environ.get(LOCK_TIMEOUT_VARIABLE, "").strip()
        timeout = DEFAULT_LOCK_TIMEOUT_S
        if text:
            try:
                timeout = float(text)
            except ValueError:
                timeout = -1.0
            if not timeout >= 0:  # also refuses nan
                raise SettingsError(f"{LOCK_TIMEOUT_VARIABLE}={text!r} is not a number of seconds: set it to, say, "
                                    "600, or unset it")
        return cls(lock_timeout_s=timeout,
                   in_process=environ.get(IN_PROCESS_VARIABLE, "1").strip().lower() not in _NO,
                   fork_kernels=environ.get(FORK_KERNELS_VARIABLE, "1").strip().lower() not in _NO,
                   in_ci=environ.get(CI_VARIABLE, "").strip().lower() not in _NO)


#: The settings of a run that sets nothing: the defaults, whatever the environment says.
DEFAULTS: Final = Settings()
