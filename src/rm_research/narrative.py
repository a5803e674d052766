"""Sentences the report builds from results, so the notebook holds no logic of its own."""

from __future__ import annotations

import pandas as pd

from . import config
from .config import AnalysisSettings
from .models import ANCOVA_RATIONALE
from .programme import Programme
from .safety import escape_html
from .stats import SPEARMAN_EXACT_MAX_N
from .tables import FLOW_LABELS

ZERO_RULES = {
    "wilcox": "Wilcoxon's rule: people whose rating did not change are dropped before ranking",
    "pratt": "Pratt's rule: unchanged people are ranked with the others, then their ranks left out",
}

SYNTHETIC_NOTICE = (
    "**SYNTHETIC DATA.** This report was made from the package's synthetic example cohort, not "
    "from real participants. The counts, enrolment means and percentages were built to match what "
    "the South East region published; everything the region did not publish (post-programme ratings, "
    "session logs, free text, training feedback) is simulated. Do not cite any figure here as a "
    "finding about real people."
)
SYNTHETIC_POOLED_NOTICE = (
    "**SYNTHETIC DATA.** Some or all of the cohorts pooled here are the package's synthetic examples, not "
    "real participants. Do not cite any figure here as a finding about real people."
)
SMALL_NUMBERS_NOTICE = (
    "**Internal report: contains small numbers.** Counts and statistics of fewer than 8 people are "
    "shown unsuppressed, and people may be recognisable from them. Do not pass this report outside "
    "the evaluation team: 'make publish' makes the disclosure-controlled public version."
)


NO_PSYCH_SESSIONS = ("_This programme offered no psychological sessions (programme.toml), so there is no "
                     "psychological-input analysis._")


def heading(programme: Programme, region: str, cohort: int) -> str:
    """The report's first line: the programme (escaped: it comes from the cohort's settings), region
    and cohort, and what the confidence items asked about."""
    return (f"**Programme:** {escape_html(programme.programme)} &nbsp; **Region:** {escape_html(region)} &nbsp; "
            f"**Cohort:** {int(cohort)} &nbsp; **Focus:** {escape_html(programme.focus_wording)}")


def banner(text: str, colour: str = "#DA291C") -> str:
    """An HTML banner that stands out at the top of a report: ``text`` (Markdown bold markers
    dropped) and ``colour`` are escaped, so neither can add markup."""
    body = escape_html(text).replace("**", "")
    return (f'<div style="border: 3px solid {escape_html(colour)}; background: #FDECEA; padding: 0.8em 1em; '
            f'margin: 0.5em 0 1em; font-size: 1.05em;">{body}</div>')


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


def methods_markdown(settings: AnalysisSettings = config.SETTINGS) -> str:
    """The Methods section, written from the settings and thresholds the statistics actually used."""
    from .stats import MANN_WHITNEY_EXACT_MAX_N

    level = f"{settings.confidence:.0%}"
    return f"""\
**Pre/post confidence.** Each 1-10 item is compared between enrolment and the end of the programme
on the people who answered both (a missing answer is left out, never counted as no change). Test:
two-sided Wilcoxon signed-rank; zero changes: {ZERO_RULES[settings.zero_method]}. With up to
{settings.exact_max_n} people whose rating changed, the p-value comes from the exact permutation
distribution (tied changes given average ranks); beyond {settings.exact_max_n}, from the normal
approximation with the tie correction. Sensitivity analysis: the same test under
{ZERO_RULES[settings.sensitivity_zero_method]}. With n people whose rating changed the smallest
two-sided p possible is 2/2^n (0.25 for 3, 0.0625 for 5); where that exceeds
alpha = {settings.alpha} the report says *cannot be tested* rather than print a p-value.

**Effect sizes and intervals.** Matched-pairs rank-biserial correlation (sum of ranks of rises
minus sum of ranks of falls, over the total; unchanged people left out, as in the test).
Hodges-Lehmann median shift (median of the Walsh averages, the averages of every pair of changes)
with its distribution-free {level} interval, or the highest level the sample size allows (shown);
unchanged people are left out of it as they are of the test (as in R's `wilcox.test`), so the
interval and the test rest on the same people. The interval's end points
use the exact signed-rank distribution up to {settings.exact_max_n} people who changed, the normal
approximation beyond; with only one person who changed there is no interval. Mean change with a
{level} bias-corrected and accelerated (BCa) bootstrap interval, {settings.bootstrap_resamples:,}
resamples, seed {settings.bootstrap_seed}, following R's `boot` package (`bca.ci`): the bias
correction counts the resampled means strictly below the observed mean (equal ones are not counted
as half, as scipy does), the acceleration is the jackknife's, and each limit is interpolated between
neighbouring resampled means on the normal scale; blank with fewer than 3 people or no variation.
Hedges' g_z (mean change over the SD of change) and g_av (over the mean of the two SDs), both with
the paired small-sample correction J = 1 - 3/(4(n - 1) - 1) (Lakens 2013), blank below 3 people.

**Multiplicity.** P-values are adjusted by {settings.correction.title()}'s method within two families,
because the tests for everyone overlap those by role: every pre/post test by role (each item, for
mentors and for mentees), and every test for everyone. Both unadjusted and adjusted p are shown.

**Attrition.** Enrolment ratings of those who completed the end survey against those who did not:
Mann-Whitney U and the rank-biserial correlation. The p-value comes from the exact permutation
distribution (tied ratings given average ranks) while the two groups together have at most
{MANN_WHITNEY_EXACT_MAX_N} people, and from the normal approximation with tie and continuity
corrections beyond; two-sided p is twice the smaller tail (at most 1).

**Attendance and psychological input.** Dose (mentoring sessions held, from the session log, or
the person's own count where their pair has no log; psychological sessions attended, 0-3) against
change in confidence talking with senior leaders. Spearman's rho: p by permutation of every pairing
up to {SPEARMAN_EXACT_MAX_N} people; where the two orders agree exactly (rho = 1 or -1), exactly
for any number of people (twice the share of pairings that keep the order); otherwise the t
approximation. The {level} interval is Fisher's z with the Bonett-Wright standard error, from 4
people; it is left blank at rho = 1 or -1, where it would have no width. ANCOVA with
{settings.robust_cov} robust standard errors and t reference, from {settings.min_n_ancova} people;
blank, with the reason, when the final rating, the dose or the baseline does not vary, and the
interval blank when one person alone fixes a coefficient. {ANCOVA_RATIONALE} The proportion
finding the psychological sessions supportive has a {level} Wilson interval; attenders and
non-attenders are compared where both exist.

**What these data cannot show.** There is no comparison group, so a rise in confidence cannot be
attributed to the programme; ratings are self-reported by volunteers; those who left or did not
answer may differ from those who did (see attrition); and in cohorts this small most tests cannot
reach conventional significance whatever the truth. Estimates with intervals are the results to
read; p-values are secondary."""
