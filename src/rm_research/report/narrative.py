"""Sentences the report builds from results, so the notebook holds no logic of its own."""

from __future__ import annotations

import pandas as pd

from rm_research.contract.programme import Programme
from rm_research.core import config
from rm_research.core.config import DISCLOSURE, AnalysisSettings, DisclosureRule
from rm_research.core.paths import NATIONAL, region_title
from rm_research.core.safety import escape_html, escape_markdown
from rm_research.report.summary import SMALL_GROUP
from rm_research.report.tables import FLOW_LABELS, ROLE_LABELS
from rm_research.stats.models import ANCOVA_RATIONALE
from rm_research.stats.nonparametric import MANN_WHITNEY_EXACT_MAX_N, SPEARMAN_EXACT_MAX_N

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
#: The notice of the other SYNTHETIC example cohorts (``examples.collaborative``), which match nothing published.
SYNTHETIC_COLLABORATIVE_NOTICE = (
    "**SYNTHETIC DATA.** This report was made from one of the package's synthetic example cohorts, not from "
    "real participants: every figure in it was simulated, to show how the reports read for cohorts of other "
    "sizes and programmes. Do not cite any figure here as a finding about real people."
)


def synthetic_notice(marker_text: str) -> str:
    """The notice for a cohort marked SYNTHETIC: the South East example's (built to match the region's published
    figures) where its marker says ``examples.synthetic`` made it, else the other examples'."""
    return SYNTHETIC_NOTICE if "rm_research.examples.synthetic" in marker_text else SYNTHETIC_COLLABORATIVE_NOTICE


SYNTHETIC_POOLED_NOTICE = (
    "**SYNTHETIC DATA.** Some or all of the cohorts pooled here are the package's synthetic examples, not "
    "real participants. Do not cite any figure here as a finding about real people."
)
SMALL_NUMBERS_NOTICE = (
    "**Internal report: contains small numbers.** Counts and statistics of fewer than 8 people are "
    "shown unsuppressed, and people may be recognisable from them. Do not pass this report outside "
    "the evaluation team: 'make publish' makes the disclosure-controlled public version."
)


NO_PSYCH_SESSIONS = ("this programme offered no psychological sessions (programme.toml), so there is no "
                     "psychological-input analysis")


def heading(programme: Programme, region: str, cohort: int, dates: str = "") -> str:
    """The report's first line: the programme (escaped: it comes from the cohort's settings), the region
    in words (escaped: a region may name itself), the cohort and when it ran (``period``), and what the
    confidence items asked about."""
    ran = f" &nbsp; **Dates:** {escape_markdown(dates)}" if dates else ""
    return (f"**Programme:** {escape_markdown(programme.programme)} &nbsp; **Region:** {escape_markdown(region)} "
            f"&nbsp; **Cohort:** {int(cohort)}{ran} &nbsp; **Focus:** {escape_markdown(programme.focus_wording)}")


def banner(text: str, colour: str = "#DA291C") -> str:
    """An HTML banner that stands out at the top of a report: ``text`` (Markdown bold markers
    dropped) and ``colour`` are escaped, so neither can add markup."""
    body = escape_html(text).replace("**", "")
    return (f'<div class="rm-banner" '
            f'style="border: 3px solid {escape_html(colour)}; background: #FDECEA; padding: 0.8em 1em; '
            f'margin: 0.5em 0 1em; font-size: 1.05em;">{body}</div>')


def flow_summary(flow: pd.DataFrame) -> str:
    """One sentence per role describing the participant flow."""
    sentences = []
    for role in [r for r in config.ROLES if r in flow.columns]:
        counts = flow[role]
        steps = ", ".join(
            f"{int(counts[FLOW_LABELS[s]])} {FLOW_LABELS[s].lower()}"
            for s in ("matched", "attended_psych", "completed_end_survey")
            if FLOW_LABELS[s] in counts.index and pd.notna(counts[FLOW_LABELS[s]])
        )
        sentences.append(f"Of {int(counts[FLOW_LABELS['enrolled']])} {role}s enrolled: {steps}; "
                         f"{int(counts[FLOW_LABELS['withdrawn']])} withdrew.")
    return " ".join(sentences)


def small_sample_caution(prepost: pd.DataFrame) -> str:
    """Why the p-values in a tiny cohort can say little: the smallest p each result could reach
    (from ``tables.technical_table``)."""
    floors = prepost.dropna(subset=["Smallest p possible"])
    parts = [f"{ROLE_LABELS.get(role, role)}' {question[0].lower()}{question[1:]}: {floor:.3g}"
             for role, question, floor in zip(floors["Role"], floors["Question"], floors["Smallest p possible"],
                                              strict=True)]
    text = ("The Wilcoxon signed-rank test uses the exact (with ties, the exact permutation) null "
            "distribution; people whose rating did not change are dropped (Wilcoxon's rule), so the "
            "smallest p-value a result can reach depends on how many changed.")
    if parts:
        text += " The smallest possible p-values here are: " + "; ".join(parts) + "."
    return text


def methods_markdown(settings: AnalysisSettings = config.SETTINGS,
                     psych_offered: int = config.PSYCH_SESSIONS_OFFERED) -> str:
    """The Methods section, written from the settings and thresholds the statistics actually used, and
    the number of psychological sessions the programme offered (``programme.toml``)."""

    psych = (f"psychological sessions attended, 0-{psych_offered}" if psych_offered else
             "no psychological sessions were offered")
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
approximation beyond; with only one person who changed there is no interval. Mean change with its
{level} t interval, mean +- t(n - 1) SD / sqrt(n), blank with fewer than 2 people or when every change
was the same: the one interval of a mean change in every report, the one this cohort's row shows in
its region's and the nation's forest plots. As a check that assumes nothing about the shape of the
changes, the technical appendix adds a {level} bias-corrected and accelerated (BCa) bootstrap
interval, {settings.bootstrap_resamples:,} resamples, seed {settings.bootstrap_seed}, following R's
`boot` package (`bca.ci`): the bias
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
the person's own count where their pair has no log; {psych}) against
confidence talking with senior leaders. **The primary analysis is the ANCOVA slope**: the difference
in the final rating per extra session at the same enrolment rating. It is chosen over Spearman's rho
because it adjusts for where people started (a 1-10 scale leaves little room to rise for those who
start high), gives an answer in rating points per session, and is the model pooled across cohorts
(with cohort fixed effects) in the region and national reports, so every level answers the question
the same way. The key findings state the slope; Spearman's rho of the dose with the change, the
secondary analysis, is shown beside it, and where the two disagree the key finding says so.
Spearman's rho: p by permutation of every pairing
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


def no_comparison_group() -> str:
    """Why none of the changes is called an effect of the programme, for the key findings' introduction."""
    return ("There was no comparison group of similar people who did not take part, so these results describe "
            "how the people who took part answered; a change between enrolment and the end cannot be "
            "attributed to the programme. The ratings are people's own, and those who did not complete the end "
            "survey may differ from those who did.")


def key_findings_intro(settings: AnalysisSettings = config.SETTINGS, small_group: int = SMALL_GROUP) -> str:
    """The paragraph above the key findings: how their wording follows the evidence, and what the
    findings cannot show."""
    level = f"{settings.confidence:.0%}"
    return (f"Each finding gives its figure and how many people it rests on. A rating is said to be higher (or "
            f"lower) at the end only when the whole {level} confidence interval of its change is above (or below) "
            f"0; otherwise the finding says there was no clear change. Groups of fewer than {small_group} people "
            f"are called small: treat their results with caution. {no_comparison_group()}")


def before_after_explained(settings: AnalysisSettings = config.SETTINGS, small_group: int = SMALL_GROUP) -> str:
    """How to read the before/after table (``tables.before_after_table``), in plain words."""
    level = f"{settings.confidence:.0%}"
    return (f"Each row is one question (rated {config.RATING_RANGE[0]} to {config.RATING_RANGE[1]}) for mentors or "
            "for mentees. *People* is how many answered it both at enrolment and at the end of the programme; "
            "*Before* and *After* are the average ratings of those same people, so After minus Before is the "
            f"*Change*. The {level} confidence interval beside the change is the range of average changes that "
            "fit these answers. *What this means* reads that interval: *higher at the end* where it lies wholly "
            "above 0, *lower at the end* where it lies wholly below 0, *no clear change* where it includes 0 or "
            "could not be computed (too few people, or everyone changed by the same amount); *small group* "
            f"marks fewer than {small_group} people. *p* is the Wilcoxon signed-rank test's p-value, adjusted "
            f"for the number of questions tested (Holm's method); a dash means there was no test, or that so few "
            f"people changed that no result could have reached {settings.alpha}. The technical appendix gives "
            "the effect sizes and the other tests.")


def public_before_after_explained(rule: DisclosureRule = DISCLOSURE) -> str:
    """``before_after_explained`` with what the public table's mark means."""
    return (f"{before_after_explained()} In this public version, {rule.mark} marks a figure withheld to protect "
            f"the privacy of a group of fewer than {rule.smallest_shown} people, and counts of people are rounded "
            f"to the nearest {rule.rounding_base}.")


def pooled_before_after_explained(settings: AnalysisSettings = config.SETTINGS, small_group: int = SMALL_GROUP) -> str:
    """How to read a region's or the nation's pooled table (``tables.pooled_before_after_table``)."""
    level = f"{settings.confidence:.0%}"
    return ("Each row is one question for mentors or for mentees, over the cohorts that could be pooled (each "
            "with at least 2 people who answered both surveys and changes that were not all equal). *People* is "
            "how many answered both surveys in those cohorts. The *pooled change* combines the cohorts' average "
            "changes, giving more weight to the more precise ones (a random-effects meta-analysis); its "
            f"{level} interval (Hartung-Knapp) is the range of average changes that fit these answers. *What this "
            "means* reads that interval: *higher at the end* where it lies wholly above 0, *lower at the end* where "
            "it lies wholly below 0, *no clear change* where it includes 0 or could not be computed; *small group* "
            f"marks fewer than {small_group} people. *Variation between cohorts* says how much the cohorts differed "
            "beyond what chance would give (I², in the Cochrane Handbook's bands); with few cohorts it is imprecise. "
            "The technical appendix gives the between-cohort variance, Cochran's Q and the prediction interval.")


def unavailable(reason: str) -> str:
    """A section that cannot be computed, in one line of Markdown (the reason escaped as Markdown text:
    it names files and columns from the evaluator's folder)."""
    said = reason.split(":", 1)[0].endswith(" shown")  # "No themes are shown: ..." already says it
    return f"_{'' if said else 'Not shown: '}{escape_markdown(reason.rstrip('.'))}._"


def public_pooled_before_after_explained(rule: DisclosureRule = DISCLOSURE) -> str:
    """``pooled_before_after_explained`` with what the public table's mark means."""
    return (f"{pooled_before_after_explained()} In this public version, {rule.mark} marks a figure withheld to "
            f"protect the privacy of a group of fewer than {rule.smallest_shown} people, and counts of people are "
            f"rounded to the nearest {rule.rounding_base}.")


def level_title(level: str, name: str | None = None) -> str:
    """The report's title, naming the region in words (``name``, else from its slug) or all regions."""
    where = "all regions" if level == NATIONAL else (name or region_title(level))
    return f"Reverse mentoring evaluation: {where}, every cohort pooled"
