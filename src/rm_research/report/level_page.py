"""A region's or the nation's report page: its sections, internal and public (``report.page``).

The internal page reads what the command computed once for the level (``findings.level.LevelResults``:
the person table, the findings, the meta-analyses and the pooled dose models); the public page reads
only the protected findings a publish wrote (``disclosure.control.public_level_findings``) and the
cohorts' names and settings. ``LevelPage.results`` is None on the public page, so a public section
cannot reach an unprotected figure.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from rm_research.core import config, provenance
from rm_research.core.paths import NATIONAL, region_title
from rm_research.disclosure import control as disclosure
from rm_research.findings import evidence as evidence_of
from rm_research.findings import level as pooling
from rm_research.findings import registry
from rm_research.findings.level import LevelResults
from rm_research.ingest.load import LoadedCohort
from rm_research.report import board, figures, narrative, summary, tables
from rm_research.report import evidence as evidence_page
from rm_research.report import instruments as further
from rm_research.report.page import CONTENTS, DISCLOSURE_CONTROL, PUBLIC_PROVENANCE_INTRO, Page, Section
from rm_research.stats import meta


@dataclass
class LevelPage(Page):
    """A level's page: ``level`` a region's slug or ``national``; ``loaded`` its cohorts; ``findings`` the
    level's findings (internal) or its protected findings (public); ``results`` everything the command
    computed for the level, on the internal page only."""

    level: str
    loaded: list[LoadedCohort]
    results: LevelResults | None = None
    #: the member cohorts' public findings by label (public page only), for figures drawn per cohort
    members: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    #: the national public page's: each region's public findings, by the region's name in words
    regions: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.public == (self.results is not None):
            raise ValueError("a level's internal page needs its results, and its public page must not have them")
        self.labels = tables.level_item_labels(self.loaded)

    def supplied(self, name: str) -> bool:
        """Whether any of the level's cohorts supplied the optional file ``name``."""
        return any(getattr(cohort.cohort, name) is not None for cohort in self.loaded)

    def absent(self, name: str) -> str:
        """The one line said where none of the level's cohorts supplied ``name``."""
        return f"none of the cohorts pooled supplied a `{name}.csv` (optional: data contract, section 8)"

    def instrument_people(self) -> pd.DataFrame:
        """The person table (it has the section 8 columns; internal page only)."""
        return self.internal.people

    def instrument_unit(self) -> str | None:
        """By region for the nation, by cohort for a region (``findings.level.Breakdowns``)."""
        return self.internal.by_unit.by

    @property
    def internal(self) -> LevelResults:
        """The level's results (internal page only)."""
        if self.results is None:
            raise ValueError("the public page has no unprotected results")
        return self.results

    @property
    def name(self) -> str:
        """The level in words: its region's name (``region.toml``, else from its slug), or England."""
        return self.loaded[0].region_name if self.level != NATIONAL and self.loaded else region_title(self.level)

    def opening(self) -> None:
        """The page's title, what it covers, the internal page's banner, and the synthetic-data notice."""
        self.title_heading(PUBLIC_TITLE if self.public else TITLE)
        self.markdown(PUBLIC_OPENING if self.public else OPENING)
        where = "All regions" if self.level == NATIONAL else "Region: " + narrative.escape_markdown(self.name)
        people = "" if self.public else f", {len(self.internal.people)} people enrolled"  # the person table's rows
        self.markdown(f"**{where}**, {len(self.loaded)} cohorts{' pooled' if self.public else ''}{people}.")
        if not self.public:
            self.html(narrative.banner(narrative.SMALL_NUMBERS_NOTICE))
        if any(item.is_synthetic for item in self.loaded):
            self.markdown(narrative.SYNTHETIC_POOLED_NOTICE)


TITLE: Final = "Reverse mentoring programmes: every cohort pooled"
PUBLIC_TITLE: Final = "Reverse mentoring programmes: every cohort pooled (public version)"
OPENING: Final = (
    "The evaluation of every cohort of a region (or of every region: the national report), pooled. Each cohort's "
    "confidence change is combined by a random-effects meta-analysis, so that cohorts too small to say much alone "
    "contribute to a figure that can. Every number is computed by the `rm_research` package from the raw files listed "
    "under *Data and provenance*; the machine-readable figures are in `findings.csv` beside this report (data "
    "contract, section 6).")
PUBLIC_OPENING: Final = (
    "A summary of the evaluation of every cohort of a region (or of every region), pooled, prepared for publication. "
    "Small numbers are suppressed and other counts rounded, so that no participant can be recognised; the method is "
    "described below. The figures are in `findings-public.csv` beside this report. Figures for single cohorts are in "
    "the internal report only.")


def _summary(page: LevelPage) -> None:
    offered = any(cohort.programme.offers_psych_sessions for cohort in page.loaded)
    board.show_summary(page, page.labels, pooled=True, psych_offered=offered, level=page.name,
                       trend_per=evidence_of.trend_unit(_order_by(page)))


def _key_findings(page: LevelPage) -> None:
    page.markdown(narrative.key_findings_intro(page.settings.analysis))
    more = further.key_sentences(page.labels)
    if page.public:
        found = summary.key_findings_level_public(page.findings, page.labels, rule=page.settings.disclosure,
                                                  more=more)
    else:
        found = summary.key_findings_level(page.findings, page.labels, reasons=page.internal.reasons(), more=more)
    page.markdown(summary.bullet_list(found))


_FLOW_TITLE: Final = "Participants at each stage by role, summed over the cohorts"


def _flow(page: LevelPage) -> None:
    by_unit = page.internal.by_unit
    page.table(tables.cohorts_table(page.loaded), "The cohorts pooled")
    if by_unit.region_flow is not None:
        page.table(tables.level_flow_table(by_unit.region_flow, "region"), "Participants at each stage, by region")
    page.table(tables.level_flow_table(by_unit.cohort_flow), "Participants at each stage, by cohort")
    page.figure(figures.flow_by_cohort_chart(by_unit.cohort_flow, title=summary.headline_flow(page.findings)))
    page.table(tables.flow_table(page.findings), _FLOW_TITLE, index=True)


def _flow_public(page: LevelPage) -> None:
    page.table(disclosure.public_flow_table(page.findings), "Participants at each stage, by role")
    rule = page.settings.disclosure
    page.figure(figures.public_flow_chart(tables.public_flow_numbers(page.findings, rule), rule))


_POOLED_TITLE: Final = "Change in confidence, pooled over the cohorts"


def _pooled(page: LevelPage) -> None:
    page.table(tables.pooled_before_after_table(page.findings, page.labels, reasons=page.internal.reasons()),
               _POOLED_TITLE)
    page.markdown(narrative.pooled_before_after_explained())


def _pooled_public(page: LevelPage) -> None:
    page.table(tables.public_pooled_before_after_table(page.findings, page.labels), _POOLED_TITLE)
    page.markdown(narrative.public_pooled_before_after_explained())


def grouped(page: LevelPage) -> bool:
    """Whether the page draws regions rather than cohorts (the nation, above ``GROUP_BY_REGION_ABOVE`` cohorts)."""
    return bool(page.level == NATIONAL and len(page.loaded) > pooling.GROUP_BY_REGION_ABOVE)


def _forest_plots(page: LevelPage) -> None:
    analyses = page.internal.analyses
    if grouped(page):
        page.markdown(f"With {len(page.loaded)} cohorts, each plot shows the regions: each region's pooled change, "
                      "the cohorts behind it named; every cohort's own change is in the appendix.")
        page.table(tables.regions_compared_table(page.internal.regions, page.labels), "The regions compared")
    for (item, role), result in analyses.items():
        label = f"{page.labels[item]}: {'everyone' if role == config.ALL_ROLES else role + 's'}"
        if role == config.ALL_ROLES and (asked := pooling.only_role(analyses, item)):
            page.note(f"{label}: the same as for the {asked}s, the only role who answered this question; the figure "
                      "above is everyone's.")
            continue
        title = summary.headline_pooled(page.findings, item, role, page.labels)
        if result.cohorts and grouped(page):
            page.figure(figures.region_forest_plot(page.internal.regions[(item, role)], result, label, title=title))
        elif result.cohorts:
            page.figure(figures.forest_plot(result, label, title=title))
        page.markdown(f"{narrative.escape_markdown(label)}: {meta.heterogeneity_sentence(result)}")


def _forest_plots_public(page: LevelPage) -> None:
    rule = page.settings.disclosure
    pooled = _pooled_items(page.findings)
    by_region = grouped(page) and bool(page.regions)
    if by_region:
        page.markdown(f"With {len(page.loaded)} cohorts, each plot shows the regions: each region's pooled change as "
                      "its own public report publishes it.")
    for item, role in pooled:
        label = f"{page.labels[item]}: {'everyone' if role == config.ALL_ROLES else role + 's'}"
        asked = [r for i, r in pooled if i == item and r != config.ALL_ROLES]
        if role == config.ALL_ROLES and len(asked) == 1:
            page.note(f"{label}: the same as for the {asked[0]}s, the only role asked this question.")
            continue
        if by_region:  # the regions' published pooled changes, not 16 or more cohorts
            rows = tables.public_forest_rows(page.regions, item, role, tables.POOLED_CHANGE)
        else:
            rows = tables.public_forest_rows(page.members, item, role)
        pooled_row = tables.public_forest_pooled(page.findings, item, role)
        if rows.empty:
            continue
        if rows["y"].isna().all() and (pooled_row is None or not pooled_row.shown):
            page.note(f"{label}: every cohort's change and the pooled change are withheld ({rule.mark}), so there "
                      "is no forest plot to draw.")
            continue
        page.figure(figures.public_forest_plot(rows, pooled_row, label, rule=rule, caption=(
            figures.PUBLIC_REGION_FOREST_CAPTION if by_region else figures.PUBLIC_FOREST_CAPTION)))


def _pooled_items(findings: pd.DataFrame) -> list[tuple[str, str]]:
    """The (item, role) pairs a level's findings pool, in their order (a ``k`` row each)."""
    rows = findings[(findings["statistic"] == "k") & findings["measure"].isin(config.RATING_ITEMS)]
    return list(dict.fromkeys(zip(rows["measure"], rows["role"], strict=True)))


def _every_cohort(page: LevelPage) -> None:
    page.table(tables.every_cohort_table(page.internal.analyses, page.labels),
               "Each cohort's mean change, by question and role")


def _excluded(page: LevelPage) -> None:
    excluded = pooling.excluded_cohorts(page.internal.analyses)
    if excluded.empty:
        page.markdown("_Every cohort was pooled for every item and role._")
    else:
        page.table(tables.excluded_table(excluded, page.labels), "Cohorts left out of the pooling, and why")


def _yes_no(page: LevelPage) -> None:
    by_unit = page.internal.by_unit
    page.table(tables.yes_no_by_table(by_unit.yes_no, by_unit.by, page.labels), "Answers to the yes/no questions")


def _yes_no_public(page: LevelPage) -> None:
    page.table(disclosure.public_table(page.findings, {item: page.labels[item] for item in config.YES_NO_ITEMS},
                                       disclosure.PUBLIC_YES_NO_STATISTICS, n_label="Answered"),
               "Answers to the yes/no questions, by role")


def _mentoring_held(page: LevelPage) -> None:
    by_unit = page.internal.by_unit
    page.table(tables.mentoring_sessions_by_table(by_unit.mentoring_sessions, by_unit.by), "Mentoring sessions held")


def _psych_attended(page: LevelPage) -> None:
    by_unit = page.internal.by_unit
    page.table(tables.psych_attendance_by_table(by_unit.psych_attendance, by_unit.by),
               "Psychological sessions attended")


def _no_attendance_log(page: LevelPage) -> str | None:
    if page.internal.by_unit.psych_attendance.empty:
        return "no cohort pooled here offered psychological sessions with an attendance log"
    return None


_DOSE_TITLE: Final = "Sessions attended and confidence at the end, pooled models"


def _dose(page: LevelPage) -> None:
    models = pooling.dose_models(page.internal.fits)
    page.markdown(pooling.FIXED_EFFECTS_NOTE)
    if models.empty:
        page.missing("nobody pooled here has an enrolment rating, a final rating and a dose")
        return
    page.table(tables.dose_models_table(models), _DOSE_TITLE)
    if (models["model"] == "mixed").any():
        page.markdown(pooling.MIXED_CAVEAT)
    else:
        page.markdown(f"_The mixed model is fitted only where at least {pooling.MIN_MIXED_COHORTS} cohorts are "
                      "pooled._")


def _dose_public(page: LevelPage) -> None:
    doses = {measure: tables.DOSE_LABELS[measure] for measure in pooling.DOSES}
    page.table(disclosure.public_table(page.findings, doses, disclosure.PUBLIC_POOLED_DOSE_STATISTICS,
                                       n_of="pooled_ancova_slope"),
               _DOSE_TITLE)


# the evidence for the next decision (issue 19; ``report.evidence``) ------------------------------------------
def _read(page: LevelPage) -> summary.Figures:
    """The page's findings as its sentences and tables read them (internal numbers, or public text)."""
    return summary.Figures(page.findings, public=page.public, rule=page.settings.disclosure,
                           confidence=page.settings.analysis.confidence)


def _headline_roles(page: LevelPage) -> list[str]:
    """The roles whose headline item the evidence draws (each role that answered it, else everyone)."""
    item, read = summary.DOSE_ITEM, _read(page)
    roles = [role for role in config.ROLES if read.has(item, role, "k")]
    return roles or ([config.ALL_ROLES] if read.has(item, config.ALL_ROLES, "k") else [])


def _role_label(page: LevelPage, item: str, role: str) -> str:
    return f"{page.labels[item]}: {'everyone' if role == config.ALL_ROLES else role + 's'}"


MODERATOR_AXIS: Final = "Psychological sessions the programme offered"
MODERATOR_CAPTION: Final = ("Circles: each cohort's mean change, sized by its weight in the meta-regression; line and "
                            "band: the fitted change with its 95% interval. The dashed line is no change.")
PUBLIC_MODERATOR_CAPTION: Final = ("Circles: each cohort's published mean change (a withheld one is not drawn), "
                                   "all one size, since the weights would give variances away; the fitted slope, where "
                                   "published, is in the table. The dashed line is no change.")


def _psych_moderator(page: LevelPage) -> None:
    read, item = _read(page), summary.DOSE_ITEM
    for role in _headline_roles(page):
        found = page.internal.evidence[(item, role)]
        label = _role_label(page, item, role)
        sentence = evidence_page.psych_sentence(read, item, role)
        weights = list(found.psych.weights) if found.psych is not None else [math.nan] * len(found.offered)
        points = pd.DataFrame({"cohort": [c.cohort for c in found.analysis.cohorts], "x": list(found.offered),
                               "y": [c.y for c in found.analysis.cohorts], "weight": weights})
        line = None
        if found.psych is not None:
            xs = np.linspace(min(found.offered), max(found.offered), 50)
            line = (xs, *found.psych.line(xs, page.settings.analysis.confidence))
        page.figure(figures.moderator_plot(points, line, MODERATOR_AXIS, label, sentence,
                                           title=f"{label}, by psychological sessions offered",
                                           caption=MODERATOR_CAPTION))
        page.markdown(narrative.escape_markdown(sentence))
    _psych_tables(page, read)


def _psych_moderator_public(page: LevelPage) -> None:
    read, item = _read(page), summary.DOSE_ITEM
    offered = _offered(page)
    for role in _headline_roles(page):
        label = _role_label(page, item, role)
        sentence = evidence_page.psych_sentence(read, item, role)
        rows = tables.public_forest_rows(page.members, item, role)
        shown = int(rows["y"].notna().sum()) if not rows.empty else 0
        if shown >= evidence_of.FEWEST_COHORTS["moderator_psych_slope"]:
            points = pd.DataFrame({"cohort": rows["cohort"], "x": [offered.get(c, math.nan) for c in rows["cohort"]],
                                   "y": rows["y"], "weight": math.nan})
            page.figure(figures.moderator_plot(points, None, MODERATOR_AXIS, label, sentence,
                                               title=f"{label}, by psychological sessions offered",
                                               caption=PUBLIC_MODERATOR_CAPTION))
        else:
            page.missing(f"{label}: {shown} of {len(rows)} cohorts' own changes are published, too few to draw "
                         "against the sessions offered")
        page.markdown(narrative.escape_markdown(sentence))
    _psych_tables(page, read)


ALL_FITS_WITHHELD: Final = ("every item's is withheld: each fits cohorts whose own change is withheld in their public "
                            "reports, which it would give back")


def _psych_tables(page: LevelPage, read: summary.Figures) -> None:
    if evidence_page.all_withheld(read, evidence_page.PSYCH[0]):
        page.missing(f"The change per psychological session offered: {ALL_FITS_WITHHELD}")
    else:
        page.table(evidence_page.moderator_table(read, page.labels, (*evidence_page.PSYCH, "moderator_psych_p"),
                                                 "session offered"),
                   "Change per psychological session offered, meta-regression over the cohorts")
    page.table(evidence_page.between_within_table(read), "Between programmes and within them: confidence with "
                                                         "senior leaders per psychological session")
    page.markdown(evidence_page.BETWEEN_AND_WITHIN)


def _offered(page: LevelPage) -> dict[str, int]:
    """Each cohort's psychological sessions offered, by its label in this report."""
    return {pooling.cohort_label(cohort.paths.region, cohort.paths.cohort): cohort.programme.psych_sessions_offered
            for cohort in page.loaded}


def _order_by(page: LevelPage) -> str:
    """How the page's cohorts are ordered in time (``findings.evidence.order_of``: by start date where
    every cohort has one, else by cohort number)."""
    return evidence_of.order_of(cohort.cohort.start for cohort in page.loaded)


def _trend(page: LevelPage) -> None:
    read, item, order_by = _read(page), summary.DOSE_ITEM, _order_by(page)
    for role in _headline_roles(page):
        found = page.internal.evidence[(item, role)]
        label = _role_label(page, item, role)
        if len(found.ordered) >= 2:
            sizes = {c.cohort: c.n for c in found.analysis.cohorts}
            people = list(itertools.accumulate(sizes[label] for label in found.ordered))
            page.figure(figures.cumulative_plot(found.cumulative, people, label, found.order_by, periods=found.periods,
                                                title=f"{label}: the pooled change as cohorts were added"))
    _trend_words(page, read, order_by)


def _trend_public(page: LevelPage) -> None:
    page.note("The cumulative forest plot, which pools the cohorts one at a time in order of their start, is drawn "
              "from each cohort's unrounded figures and is in the internal report only.")
    _trend_words(page, _read(page), _order_by(page))


def _trend_words(page: LevelPage, read: summary.Figures, order_by: str) -> None:
    if order_by != "start date" and page.level == NATIONAL:
        page.missing("No trend over time: some cohorts have no start date, and each region numbers its cohorts "
                     "from 1, so cohort numbers do not order the nation's cohorts in time")
        return
    for role in _headline_roles(page):
        page.markdown(narrative.escape_markdown(evidence_page.trend_sentence(read, summary.DOSE_ITEM, role,
                                                                             order_by)))
    unit = evidence_of.trend_unit(order_by)
    if evidence_page.all_withheld(read, evidence_page.TREND[0]):
        page.missing(f"The change per later {unit}: {ALL_FITS_WITHHELD}")
        return
    page.table(evidence_page.moderator_table(read, page.labels, (*evidence_page.TREND, "trend_p"), f"later {unit}"),
               f"Change per later {unit}, meta-regression over the cohorts")


def _has_trend(page: LevelPage) -> bool:
    return page.level == NATIONAL or len(page.loaded) >= evidence_of.TREND_MIN_COHORTS


POOLING_WITHHELD: Final = ("every item's is withheld with the pooled change it is made from: each pools cohorts "
                           "whose own change is withheld in their public reports, which it would give back")


def _certainty(page: LevelPage) -> None:
    read = _read(page)
    if evidence_page.all_withheld(read, "certainty"):
        page.missing(f"The certainty: {POOLING_WITHHELD}")
        return
    page.table(evidence_page.certainty_table(read, page.labels, page.settings.analysis),
               "Summary of findings: how sure we are of each pooled change")
    page.markdown(narrative.escape_markdown(evidence_page.egger_sentence(read)))


def _planning(page: LevelPage) -> None:
    read = _read(page)
    if sentence := evidence_page.planning_sentence(read):
        page.markdown(narrative.escape_markdown(sentence))
    if evidence_page.all_withheld(read, "pairs_needed"):
        page.missing(f"The people a new cohort needs: {POOLING_WITHHELD}")
    else:
        page.table(evidence_page.planning_table(read, page.labels), "People a new cohort needs with both surveys")
    if not page.public:
        page.table(evidence_page.smallest_p_table(page.internal.analyses, page.labels),
                   "The cohort sizes seen so far, and the smallest p each can reach")
    page.markdown(PLANNING_NOTE)


PLANNING_NOTE: Final = (
    "The signed-rank test cannot give p below 0.05 with 5 people or fewer, whatever happened (its smallest possible "
    "p is 2 / 2^n: 0.0625 for 5, 0.031 for 6). `rm-research plan --role mentee --item conf_senior` prints the "
    "people needed for another change or standard deviation.")


def _regions_differ(page: LevelPage) -> None:
    read, item = _read(page), summary.DOSE_ITEM
    page.table(evidence_page.regions_table(read, page.labels), "Do the regions differ? Region as a factor in the "
                                                               "meta-regression")
    if grouped(page):
        page.note("The forest plots above draw each region's pooled change, its cohorts behind it.")
        return
    for role in _headline_roles(page):
        label = _role_label(page, item, role)
        if page.public:
            rows = tables.public_forest_rows(page.regions, item, role, tables.POOLED_CHANGE)
            if not rows.empty and rows["y"].notna().any():
                page.figure(figures.public_forest_plot(rows, tables.public_forest_pooled(page.findings, item, role),
                                                       label, rule=page.settings.disclosure,
                                                       caption=figures.PUBLIC_REGION_FOREST_CAPTION))
        elif (result := page.internal.analyses[(item, role)]).k >= 2:
            page.figure(figures.region_forest_plot(page.internal.regions[(item, role)], result, label))


def _national(page: LevelPage) -> bool:
    return page.level == NATIONAL


_META_TITLE: Final = "Random-effects meta-analyses of the change in confidence"


def _technical(page: LevelPage) -> None:
    page.table(tables.pooled_table(page.findings, page.labels), _META_TITLE)


def _technical_public(page: LevelPage) -> None:
    items = {item: page.labels[item] for item in config.RATING_ITEMS}
    page.table(disclosure.public_table(tables.without_short_predictions(page.findings), items,
                                       list(pooling.POOLED_STATISTICS), n_label="People paired", n_of="k"),
               _META_TITLE)


def _statistics(page: LevelPage) -> None:
    further.show_methods(page)
    page.table(registry.glossary(page.findings), "The statistics in findings.csv")


def _provenance(page: LevelPage) -> None:
    page.markdown(f"Code: `rm-research` commit `{provenance.git_commit(page.loaded[0].paths.root)}`; "
                  f"{page.settings.analysis.confidence:.0%} intervals throughout.")
    checksums = tables.cohort_checksums(page.loaded)
    fingerprint = hashlib.sha256("\n".join(sorted(checksums["sha256"])).encode("ascii")).hexdigest()
    size = int(checksums["bytes"].sum())
    page.markdown(f"{len(checksums)} raw files of {len(page.loaded)} cohorts, {size:,} bytes in all; the SHA-256 of "
                  f"their checksums (sorted, one a line) is `{fingerprint}`. Each file's size and checksum is in "
                  "`report.json` beside this report, the machine-readable record of what it was made from.")
    page.table(provenance.package_versions(), "Package versions")


def _provenance_public(page: LevelPage) -> None:
    page.markdown(f"Computed by `rm-research`, commit `{provenance.git_commit(page.loaded[0].paths.root)}`, from "
                  f"{len(page.loaded)} cohorts' evaluation files; their checksums are recorded in the internal report.")
    page.table(provenance.package_versions(), "Package versions")


_PSYCH_TITLE: Final = "Session length, missed sessions and the psychological sessions"


def _evidence_intro(page: LevelPage) -> None:
    """The evidence section's own content is its introduction; its parts follow."""


EVIDENCE_INTRO: Final = (
    "Four questions the next decision turns on, each answered from the same cohorts the pooled changes rest on "
    "(data contract, section 9): whether programmes that offered more psychological sessions saw larger changes, "
    "whether later cohorts do better than earlier ones, how sure the pooled changes are, and how many people the "
    "next cohort needs.")
PSYCH_MODERATOR_INTRO: Final = (
    "A random-effects meta-regression of each cohort's mean change on the number of psychological sessions its "
    "programme offered (Paule-Mandel between-cohort variance, Hartung-Knapp interval on k - 2 degrees of freedom; "
    "at least 3 cohorts, and not every cohort offering the same number).")
TREND_INTRO: Final = (
    "The cohorts in order of their start (their first enrolment survey), pooled one at a time (a cumulative "
    "meta-analysis), and the meta-regression of the change on the year each started.")
CERTAINTY_INTRO: Final = (
    "In the style of a GRADE evidence profile: the certainty of each pooled change starts low, because every cohort "
    "compares its own people before and after with no comparison group, and is rated down for inconsistency "
    "between cohorts, imprecision, small numbers and (with at least 10 cohorts) small-study effects, by the rules "
    "in the Methods.")
PLANNING_INTRO: Final = (
    "People with both surveys a new cohort needs for an 80% chance of showing a change like the pooled one with the "
    "two-sided signed-rank test at 0.05 (from the one-sample t-test's exact power, times π/3 for the signed-rank "
    "test; at least 6), using the spread of the changes within the cohorts pooled so far.")
REGIONS_INTRO: Final = (
    "Whether the regions' pooled changes differ more than chance explains: region as a factor in the random-effects "
    "meta-regression, its coefficients tested together (F test, Hartung-Knapp), where at least two regions have two "
    "cohorts pooled.")

#: The level page's sections, in the order shown (``report.page.Section``).
LevelPage.SECTIONS = (
    Section("summary", board.TITLE, _summary, _summary, listed=False, intro=board.INTRO, new_page=True),
    Section("key_findings", "Key findings", _key_findings, _key_findings, listed=False),
    CONTENTS,
    Section("flow", "Participant flow by region and cohort", _flow, None, reads=("flow", "cohort_flow", "region_flow"),
            intro="Enrolled → matched with a partner → attended at least one psychological session → completed the "
                  "end-of-programme survey; everyone, both roles. A programme that offered no psychological sessions "
                  "counts 0 attenders."),
    Section("flow_public", "Participant flow, all cohorts", None, _flow_public),
    further.BENEFITS,
    Section("pooled", "Confidence before and after the programme, pooled", _pooled, _pooled_public, reads=("rating",),
            intro="For each item and role, each cohort's mean change (end minus enrolment, over the people who "
                  "answered both) is pooled by a random-effects meta-analysis: Paule-Mandel between-cohort variance "
                  "(tau²), Hartung-Knapp-Sidik-Jonkman interval and p on k - 1 degrees of freedom (data contract, "
                  "section 6). The prediction interval (shown where k ≥ 5) is where the mean change of a new, similar "
                  "cohort would be expected to fall.",
            public_intro="Each cohort's mean change (end minus enrolment) pooled by a random-effects meta-analysis "
                         "(Paule-Mandel between-cohort variance, Hartung-Knapp-Sidik-Jonkman interval), with the "
                         "heterogeneity between cohorts (I², and Cochran's Q p-value)."),
    Section("forest_plots", "Forest plots", _forest_plots, _forest_plots_public, reads=("analyses",), level=3,
            intro="One row per cohort pooled: its mean change with its 95% t interval (square sized by its weight); "
                  "the pooled change as a diamond; the 95% prediction interval beneath it where at least 5 cohorts "
                  "are pooled. The axis stops at the largest change the scale allows.",
            public_intro="One row per cohort: its mean change with its 95% interval as its own public report "
                         "publishes it, or \"withheld\" where that report withholds it (the cohort is still pooled); "
                         "the pooled change as a diamond, with the prediction interval where at least 5 cohorts are "
                         "pooled. Every figure drawn is a published one."),
    Section("excluded", "Cohorts left out of the pooling", _excluded, None, reads=("analyses",), level=3,
            intro="A cohort is pooled for an item and role when at least 2 of its people answered the item at both "
                  "times and their changes are not all equal (a cohort with no spread has no variance to weight by)."),
    further.LASTING,
    further.TEAM,
    Section("yes_no", _PSYCH_TITLE, _yes_no, _yes_no_public, reads=("yes_no",),
            intro="\"Yes\" answers of those who answered, with the 95% Wilson interval of the proportion. Answers "
                  "about the psychological sessions from programmes that offered none are left out.", public_intro=""),
    Section("mentoring_held", "Mentoring sessions held", _mentoring_held, None, reads=("mentoring_sessions",), level=3,
            intro="Sessions held by each person's pair (the session log), or, where there is no log, the sessions the "
                  "person reported."),
    Section("psych_attended", "Psychological sessions attended", _psych_attended, None,
            reads=("psych_attendance",), unavailable=_no_attendance_log, level=3,
            intro="Over the cohorts whose programme offered psychological sessions and kept an attendance log."),
    further.TOPICS,
    Section("dose", "Attendance and psychological input, pooled", _dose, _dose_public, reads=("dose", "fits"),
            intro="Did people who had more mentoring sessions, or attended more psychological sessions, end with more "
                  "confidence talking with senior leaders, at the same enrolment rating? ANCOVA of the final rating on "
                  "the enrolment rating and the dose, with cohort fixed effects and HC3 robust standard errors; where "
                  "at least 5 cohorts are pooled, a mixed model with a random intercept for each cohort as a "
                  "sensitivity analysis.",
            public_intro="The change in final confidence talking with senior leaders per extra session, at the same "
                         "enrolment rating: ANCOVA with cohort fixed effects (HC3), and a mixed model with a random "
                         "cohort intercept where at least 5 cohorts are pooled (a sensitivity analysis)."),
    Section("evidence", "Evidence for the next decision", _evidence_intro, _evidence_intro, reads=("rating",),
            intro=EVIDENCE_INTRO),
    Section("psych_moderator", "Does offering psychological sessions go with a larger change?", _psych_moderator,
            _psych_moderator_public, reads=("rating", "dose"), level=3, intro=PSYCH_MODERATOR_INTRO),
    Section("trend", "Is the programme improving?", _trend, _trend_public, reads=("rating",), level=3,
            when=_has_trend, intro=TREND_INTRO),
    Section("certainty", "How sure are we?", _certainty, _certainty, reads=("rating",), level=3, intro=CERTAINTY_INTRO),
    Section("planning", "How big must the next cohort be?", _planning, _planning, reads=("rating",), level=3,
            intro=PLANNING_INTRO),
    Section("regions_differ", "Do the regions differ?", _regions_differ, _regions_differ, reads=("rating",),
            level=3, when=_national, intro=REGIONS_INTRO),
    Section("technical", "Technical statistics", _technical, _technical_public, reads=("rating",), appendix=True,
            intro="The meta-analyses in full: each item and role's pooled change with its interval and p, the "
                  "between-cohort variance (tau²), heterogeneity (I²), Cochran's Q p-value and the prediction "
                  "interval.",
            public_intro="The meta-analyses in full: pooled change, interval and p, with the heterogeneity between "
                         "cohorts (I², and Cochran's Q p-value)."),
    Section("every_cohort", "Every cohort's change", _every_cohort, None, appendix=True, when=grouped,
            reads=tuple(config.RATING_ITEMS),
            intro="Each cohort's mean change (end - enrolment) with its 95% interval and the people paired, for every "
                  "question and role pooled: the rows behind the regions in the forest plots."),
    Section("statistics", "The statistics reported", _statistics, None, appendix=True,
            intro="Every statistic in this report's `findings.csv`, from the package's registry of statistics."),
    DISCLOSURE_CONTROL,
    Section("provenance", "Data and provenance", _provenance, _provenance_public,
            reads=("participants",), appendix=True,
            intro="The code version, the versions of the packages that computed this report, and a fingerprint of "
                  "every raw file of every cohort pooled. Re-running the same code on files with the same checksums "
                  "gives the same report.",
            public_intro=PUBLIC_PROVENANCE_INTRO),
)

