"""A cohort's report page: its sections, each with its internal and its public rendering (``report.page``).

The internal page reads what the command computed once for the cohort (``findings.cohort.CohortResults``:
the findings and the tables of figures beyond them), the public page only the protected findings a
publish wrote (``disclosure.control.public_findings``): ``CohortPage`` holds one or the other in
``findings``, and ``results`` only on the internal page, so a public section cannot fall back on an
unprotected figure. Both read the cohort's tidy tables for what is not a figure: the answers people
agreed to have quoted, the reasons given for missed sessions, and whether a section's file or
column is there at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

import pandas as pd

from rm_research.contract.programme import Programme
from rm_research.core import config, provenance
from rm_research.disclosure import control as disclosure
from rm_research.disclosure import quotes
from rm_research.findings import descriptive as counting
from rm_research.findings import instruments, registry, verify
from rm_research.findings.cohort import CohortResults
from rm_research.ingest.clean import Cohort
from rm_research.ingest.load import LoadedCohort
from rm_research.report import board, descriptive, figures, narrative, summary, tables, themes
from rm_research.report import instruments as further
from rm_research.report.page import CONTENTS, DISCLOSURE_CONTROL, PUBLIC_PROVENANCE_INTRO, Page, Section, heading_only


@dataclass
class CohortPage(Page):
    """One cohort's page, internal or public: ``findings`` are the cohort's findings on the internal
    page and the protected (public) findings on the public one."""

    loaded: LoadedCohort
    results: CohortResults | None = None
    programme: Programme = field(init=False)
    people: Cohort = field(init=False)
    labels: dict[str, str] = field(init=False)
    status: dict[str, str | None] = field(init=False)
    names: set[str] = field(init=False)

    def __post_init__(self) -> None:
        if self.public == (self.results is not None):
            raise ValueError("a cohort's internal page needs its results, and its public page must not have them")
        self.programme, self.people = self.loaded.programme, self.loaded.cohort
        self.labels = tables.item_labels(self.programme)
        self.status = descriptive.section_status(self.people, self.loaded.raw, self.programme)
        self.names = set(quotes.names_to_redact(self.loaded.raw))

    def alone(self) -> bool:
        """The public page of a cohort too small to publish on its own (``disclosure.control.too_small_to_publish``)
        shows only the section that says so."""
        return self.public and disclosure.too_small_to_publish(self.findings, self.settings.disclosure)

    def opening(self) -> None:
        """The page's title and heading, the internal page's banner, and the synthetic-data notice where it applies."""
        self.title_heading(PUBLIC_TITLE if self.public else TITLE)
        if self.public:
            self.markdown(PUBLIC_OPENING)
        self.markdown(narrative.heading(self.programme, self.loaded.region_name, self.loaded.paths.cohort,
                                        summary.period(self.people.start, self.people.end)))
        if not self.public:
            self.html(narrative.banner(narrative.SMALL_NUMBERS_NOTICE))
        if self.loaded.is_synthetic:
            self.markdown(narrative.synthetic_notice(self.loaded.synthetic_marker))

    @property
    def internal(self) -> CohortResults:
        """The cohort's results (internal page only)."""
        if self.results is None:
            raise ValueError("the public page has no unprotected results")
        return self.results

    def supplied(self, name: str) -> bool:
        """Whether the cohort supplied the optional file ``name``."""
        return getattr(self.people, name) is not None

    def absent(self, name: str) -> str:
        """The one line said where the cohort did not supply ``name``."""
        return f"this cohort supplied no `{name}.csv` (optional: data contract, section 8)"

    def instrument_people(self) -> pd.DataFrame:
        """The cohort's people with the section 8 columns (internal page only)."""
        if self.public:
            raise ValueError("the public page reads the protected findings only")
        return instruments.person_frame(self.people)

    def unless_missing(self, key: str) -> bool:
        """True when section part ``key`` (``descriptive.SECTIONS``) can be shown; else says why not."""
        if reason := self.status[key]:
            self.missing(reason)
            return False
        return True


TITLE: Final = "Reverse mentoring programme: evaluation report"
PUBLIC_TITLE: Final = "Reverse mentoring programme: evaluation summary (public version)"
PUBLIC_OPENING: Final = (
    "A summary of a reverse-mentoring cohort's evaluation, prepared for publication. Small numbers are "
    "suppressed and other counts rounded, so that no participant can be recognised; the method is described "
    "below. The full figures are in `findings-public.csv` beside this report.")


# ------------------------------------------------------------------------------------------- key findings
def _too_small(page: CohortPage) -> None:
    hidden, total = disclosure.headline_hidden(page.findings, page.settings.disclosure)
    region = page.loaded.paths.region
    rule = page.settings.disclosure
    page.markdown(
        f"This cohort is too small for its figures to be published on their own: {hidden} of its {total} headline "
        f"figures (the participant flow and the change in each confidence rating, by role) would be withheld to "
        f"protect the people in it, as every figure resting on fewer than {rule.smallest_shown} people is. A "
        f"cohort whose public figures would hide more than half of its headline figures is published this way, "
        f"on one page, rather than as tables of {rule.mark}.")
    page.markdown(f"Its participants are counted in the public report of its region, "
                  f"**{narrative.escape_markdown(page.loaded.region_name)}** "
                  f"([`{region}/report-public.html`](../report-public.html)), "
                  "and in the national public report "
                  "([`national/report-public.html`](../../national/report-public.html)), where the cohorts are pooled.")


def _summary(page: CohortPage) -> None:
    board.show_summary(page, page.labels, psych_offered=page.programme.offers_psych_sessions)


def _key_findings(page: CohortPage) -> None:
    page.markdown(narrative.key_findings_intro(page.settings.analysis))
    programme = page.programme
    options = {"psych_offered": programme.offers_psych_sessions,
               "planned_sessions": programme.planned_mentoring_sessions, "more": further.key_sentences(page.labels)}
    if page.public:
        found = summary.key_findings_public(page.findings, page.labels, rule=page.settings.disclosure, **options)
    else:
        found = summary.key_findings(page.findings, page.labels, **options)
    page.markdown(summary.bullet_list(found))


# ----------------------------------------------------------------------------------------- who took part
def _flow(page: CohortPage) -> None:
    flow = tables.flow_table(page.findings, psych=page.programme.offers_psych_sessions)
    page.markdown(narrative.flow_summary(flow))
    page.table(flow, "Participants at each stage, by role", index=True)
    page.figure(figures.flow_chart(flow, title=summary.headline_flow(page.findings)))


def _flow_public(page: CohortPage) -> None:
    page.table(disclosure.public_flow_table(page.findings), "Participants at each stage, by role")
    rule = page.settings.disclosure
    page.figure(figures.public_flow_chart(tables.public_flow_numbers(page.findings, rule), rule))


_CATEGORIES: Final = (("ethnic_group", "ethnic group"), ("band", "band"))


def _ethnicity_and_band(page: CohortPage) -> None:
    for key, what in _CATEGORIES:
        if page.unless_missing(key):
            counts = descriptive.findings_counts(page.findings, key)
            page.table(descriptive.counts_table(counts, what.capitalize()), f"{descriptive.SECTIONS[key]}, by role")
            title = summary.headline_category(counts, what, by_role=True)
            page.figure(figures.category_chart(counts, what, title=title, ordered=key == "band"))


def _ethnicity_and_band_public(page: CohortPage) -> None:
    for key, what in _CATEGORIES:
        if page.unless_missing(key):
            table = disclosure.public_category_table(page.findings, key, what.capitalize(), page.settings.disclosure)
            page.table(table, f"{descriptive.SECTIONS[key]}, by role")


def _heard_via(page: CohortPage) -> None:
    counts = descriptive.findings_counts(page.findings, "heard_via")
    page.table(descriptive.counts_table(counts, "Channel"), "How participants heard of the programme, by role")
    page.figure(figures.category_chart(counts, "channel", title=summary.headline_category(counts, "channel")))


def _heard_via_public(page: CohortPage) -> None:
    page.table(disclosure.public_category_table(page.findings, "heard_via", "Channel", page.settings.disclosure),
               "How participants heard of the programme (%)")


def _areas(page: CohortPage) -> None:
    page.table(tables.areas_table(page.findings), "Main areas of work, by role (percentage of those who answered)",
               index=True)


def _areas_public(page: CohortPage) -> None:
    page.table(disclosure.public_table(page.findings, {"areas_of_work": "Areas of work (%)"},
                                      list(config.AREAS_OF_WORK)), "Main areas of work, by role (%)")


# ------------------------------------------------------------------------------------- training and hopes
def _training(page: CohortPage) -> None:
    if page.unless_missing("training_rating"):
        page.table(descriptive.training_rating_table(page.internal.training_ratings, page.findings),
                   "Ratings of the induction training (1 = poor, 5 = excellent)")
    if page.unless_missing("resources_needed"):
        counts = descriptive.findings_counts(page.findings, "resources_needed")
        page.table(descriptive.counts_table(counts, "Resource or guidance"),
                   "Additional resources or guidance needed after the training, by role")
        page.figure(figures.category_chart(counts, "resource", title=summary.headline_category(counts, "request"),
                                           percent=False))


def _training_public(page: CohortPage) -> None:
    if page.unless_missing("training_rating"):
        page.table(disclosure.public_table(page.findings, {"training_rating": "Training (1-5)"}, ["mean"]),
                   "Mean rating of the induction training (1 = poor, 5 = excellent)")
    if page.unless_missing("resources_needed"):
        page.table(disclosure.public_category_table(page.findings, "resources_needed", "Resource or guidance",
                                                    page.settings.disclosure),
                   "Additional resources or guidance needed after the training, by role")


def _hopes(page: CohortPage) -> None:
    for question in themes.HOPES_QUESTIONS:
        if reason := themes.hopes_missing(page.people, question):
            page.missing(reason)
            continue
        hopes = themes.hopes_table(page.people, question, page.names)
        if page.public:
            page.table(themes.public_hopes(hopes), themes.QUESTION_WORDING[question])
        else:
            page.table(hopes.table, themes.QUESTION_WORDING[question])
            page.note(themes.hopes_note(hopes))
    if page.public:
        page.markdown(themes.public_hopes_note())


# ------------------------------------------------------------------------------------------- confidence
def _before_after(page: CohortPage) -> None:
    page.table(tables.before_after_table(page.findings, page.labels),
               "Confidence ratings before and after, same people")
    page.markdown(narrative.before_after_explained())
    for item, paired in page.internal.paired.items():
        page.figure(figures.paired_plot(paired, page.labels[item],
                                        title=summary.headline_change(page.findings, item, page.labels)))


def _before_after_public(page: CohortPage) -> None:
    page.table(tables.public_before_after_table(page.findings, page.labels),
               "Confidence ratings before and after, same people")
    page.markdown(narrative.public_before_after_explained())


# --------------------------------------------------------------------------------------------- sessions
_PLAN_TITLE: Final = "Sessions held against the {} planned"
_LENGTH_AND_MISSED: Final = ("length_appropriate", "missed_any")


def _sessions(page: CohortPage) -> None:
    page.table(tables.sessions_table(page.findings), "Mentoring sessions reported at the end, by role", index=True)
    page.figure(figures.sessions_chart(page.internal.sessions_reported,
                                       title=summary.headline_sessions(page.findings)))
    yes_no = tables.yes_no_table(page.findings, page.labels, _LENGTH_AND_MISSED)
    page.table(yes_no, "Session length and missed sessions, by role")
    page.figure(figures.yes_no_chart(yes_no, title=summary.headline_yes_no(page.findings, "length_appropriate")))
    if page.unless_missing("sessions_vs_plan"):
        planned = page.programme.planned_mentoring_sessions
        page.table(descriptive.sessions_against_plan_table(page.internal.against_plan, page.internal.held_medians,
                                                           planned), _PLAN_TITLE.format(planned))
    if page.unless_missing("missed_reasons"):
        page.table(descriptive.missed_reasons_table(page.people, page.names),
                   "Reasons given for missed sessions (names and codes removed)")


def _sessions_public(page: CohortPage) -> None:
    safe = page.findings
    page.table(disclosure.public_table(safe, {"sessions_reported": "Sessions reported"},
                                       disclosure.PUBLIC_SESSIONS_STATISTICS),
               "Mentoring sessions reported at the end, by role")
    if page.unless_missing("sessions_vs_plan"):
        page.table(disclosure.public_table(safe, {"sessions_vs_plan": "Sessions held"},
                                           disclosure.PUBLIC_PLAN_STATISTICS, n_label="Answered"),
                   _PLAN_TITLE.format(page.programme.planned_mentoring_sessions))
    page.table(disclosure.public_table(safe, {item: page.labels[item] for item in _LENGTH_AND_MISSED},
                                       disclosure.PUBLIC_YES_NO_STATISTICS, n_label="Answered"),
               "Session length and missed sessions, by role")
    if page.unless_missing("missed_reasons"):
        page.table(descriptive.public_missed_reasons(page.people), "People who gave a reason for missed sessions")


# ------------------------------------------------------------------------------ the psychological sessions
def _psych(page: CohortPage) -> None:
    if page.public:
        page.table(disclosure.public_table(page.findings, {"psych_supportive": page.labels["psych_supportive"]},
                                           disclosure.PUBLIC_YES_NO_STATISTICS, n_label="Answered"),
                   "Found the psychological sessions supportive")
        return
    page.table(tables.yes_no_table(page.findings, page.labels, ("psych_supportive",)),
               "Found the psychological sessions supportive")
    attenders = tables.attenders_table(page.findings)
    if attenders.empty:
        page.missing("attenders and non-attenders of the psychological sessions cannot be compared: within each "
                     "role, everyone who answered both surveys was in the same group")
    else:
        page.table(attenders, "Change in confidence of those who attended a psychological session and of those who "
                   "did not")


_DOSE_TITLE: Final = "Sessions attended and change in confidence with senior leaders"


def _dose(page: CohortPage) -> None:
    page.table(tables.dose_table(page.findings), _DOSE_TITLE)


def _dose_public(page: CohortPage) -> None:
    page.table(disclosure.public_table(page.findings, {"attendance_effect": "Mentoring sessions held",
                                                       "psych_effect": "Psychological sessions attended"},
                                       disclosure.PUBLIC_DOSE_STATISTICS), _DOSE_TITLE)


# --------------------------------------------------------------------------------------------- themes
_THEMES_TITLE: Final = "Themes in the answers, by question and role"


def _themes(page: CohortPage) -> None:
    if reason := themes.themes_missing(page.people):
        page.missing(reason)
        return
    page.table(themes.themes_table(page.findings), f"{_THEMES_TITLE} (people with the theme of people whose answer "
               "was coded)")
    if reason := themes.quotes_missing(page.people):
        page.missing(reason)
    else:
        page.table(themes.theme_quotes(page.people, page.names), "Example quotes, by theme")
    agreement = page.internal.agreement
    if reason := themes.agreement_missing(page.people, agreement):
        page.missing(reason)
    else:
        page.table(themes.agreement_table(agreement), "Agreement between the two coders")
        for note in themes.agreement_notes(agreement):
            page.note(note)


def _themes_public(page: CohortPage) -> None:
    if reason := themes.themes_missing(page.people):
        page.missing(reason)
    else:
        page.table(themes.themes_table(page.findings), _THEMES_TITLE)
    page.table(quotes.public_quotes(page.loaded.raw, page.people).replace({"Question": themes.QUESTION_WORDING}),
               "In participants' words")
    page.markdown(quotes.public_quotes_note())


# --------------------------------------------------------------------------------------- observations
_OBSERVATIONS_TITLE: Final = "Mentors' findings by level and kind"


def _observations(page: CohortPage) -> None:
    page.table(descriptive.observations_table(page.internal.observation_grid), _OBSERVATIONS_TITLE)
    page.figure(figures.observations_chart(page.internal.observation_levels))


def _observations_public(page: CohortPage) -> None:
    page.table(disclosure.public_table(page.findings, {"observations": "Findings recorded"},
                                       list(counting.OBSERVATION_CATEGORIES), n_label="Pairs"), _OBSERVATIONS_TITLE)


def _missing(key: str) -> Callable[[CohortPage], str | None]:
    """Why section part ``key`` (``descriptive.SECTIONS``) cannot be shown on a page, or None."""
    return lambda page: page.status[key]


def _no_psych_sessions(page: CohortPage) -> str | None:
    return None if page.programme.offers_psych_sessions else narrative.NO_PSYCH_SESSIONS


# ------------------------------------------------------------------------------------------- appendices
def _methods(page: CohortPage) -> None:
    page.markdown(narrative.methods_markdown(page.settings.analysis,
                                             psych_offered=page.programme.psych_sessions_offered))
    further.show_methods(page)
    page.table(registry.glossary(page.findings), "The statistics in findings.csv")


def _technical(page: CohortPage) -> None:
    technical = tables.technical_table(page.findings, page.labels)
    page.table(technical, "Effect sizes and tests of the change in confidence")
    page.table(tables.technical_glossary(page.settings.analysis), "What the technical columns mean")
    page.markdown(narrative.small_sample_caution(technical))
    page.table(tables.enrolment_table(page.findings, page.labels), "Confidence at enrolment, everyone who answered")
    page.table(tables.attrition_table(page.findings, page.labels), "Completers and non-completers at enrolment")


def _provenance(page: CohortPage) -> None:
    raw = page.loaded.raw
    page.markdown(f"Data: **{'synthetic example' if page.loaded.is_synthetic else 'evaluation returns'}**; "
                  f"code: `rm-research` commit `{provenance.git_commit(page.loaded.paths.root)}`")
    page.table(provenance.data_checksums(raw.files), "Raw files and their checksums")
    page.table(provenance.package_versions(), "Package versions")


def _provenance_public(page: CohortPage) -> None:
    page.markdown(provenance.public_statement(page.loaded.paths.root, page.loaded.raw.files))
    page.table(provenance.package_versions(), "Package versions")


def _published(page: CohortPage) -> None:
    paths = page.loaded.paths
    try:
        comparison = verify.compare(page.findings, verify.published_figures(paths.region, paths.cohort))
    except FileNotFoundError as absent:
        page.missing(str(absent))
        return
    page.markdown(f"{int(comparison['match'].sum())} of {len(comparison)} published figures reproduced.")
    page.table(tables.comparison_table(comparison), "Published figures and the values reproduced")
    page.markdown("Sources:\n\n" + "\n".join(f"{number}. {narrative.escape_markdown(name)}" for number, name
                                              in enumerate(tables.cited_sources(comparison), start=1)))


#: The cohort page's sections, in the order shown (``report.page.Section``).
CohortPage.SECTIONS = (
    Section("too_small", "Why this cohort's figures are not shown", None, _too_small, listed=False, alone=True),
    Section("summary", board.TITLE, _summary, _summary, listed=False, intro=board.INTRO, new_page=True),
    Section("key_findings", "Key findings", _key_findings, _key_findings, listed=False),
    CONTENTS,
    Section("who_took_part", "Who took part", heading_only, heading_only),
    Section("flow", "Participant flow", _flow, _flow_public, reads=("flow",), level=3,
            intro="Enrolled → matched with a partner → attended at least one psychological session → completed "
                  "the end-of-programme survey, by role.", public_intro=""),
    Section("ethnicity_and_band", "Ethnic group and band", _ethnicity_and_band, _ethnicity_and_band_public,
            reads=("ethnic_group", "band"), level=3),
    Section("heard_via", "How participants heard of the programme", _heard_via, _heard_via_public,
            reads=("heard_via",), unavailable=_missing("heard_via"), level=3,
            public_intro="Percentage of each role's participants who answered, computed from rounded counts."),
    Section("areas_of_work", "Areas of work", _areas, _areas_public, reads=("areas_of_work",), level=3,
            intro="Percentage of each role's participants who answered the question that ticked each area.",
            public_intro="Percentage of participants who answered the question that ticked each area, computed from "
                         "rounded counts."),
    Section("training_and_hopes", "Training and hopes", heading_only, heading_only),
    Section("training", "Feedback on the induction training", _training, _training_public,
            reads=("training_rating", "resources_needed", "training_ratings"), level=3),
    Section("hopes", "What participants hoped to contribute and to gain", _hopes, _hopes, reads=("enrolment",), level=3,
            intro="Answers at enrolment of those who agreed to be quoted, with names, codes and contact details "
                  "removed."),
    further.BENEFITS,
    Section("before_after", "Confidence before and after the programme", _before_after, _before_after_public,
            reads=("rating", "paired"),
            intro="Paired on the people who answered an item both at enrolment and at the end. Each line in the plots "
                  "is one person.", public_intro=""),
    further.LASTING,
    further.TEAM,
    Section("sessions", "Mentoring sessions", _sessions, _sessions_public,
            reads=("sessions_reported", "yes_no", "sessions_vs_plan", "against_plan", "held_medians", "end_survey",
                   "mentoring_sessions"),
            intro="\"How many sessions did you have with your mentor/mentee?\" (end-of-programme questionnaire), the "
                  "sessions held against the programme's plan, whether their length was appropriate, and whether "
                  "sessions were missed and why.", public_intro=""),
    Section("psych", "The psychological sessions", _psych, _psych,
            reads=("psych_supportive", "psych_attendance"), unavailable=_no_psych_sessions,
            intro="Whether the facilitated psychological sessions were found supportive, and whether those who "
                  "attended one changed in confidence differently from those who attended none.",
            public_intro="Whether the facilitated psychological sessions were found supportive."),
    further.TOPICS,
    Section("dose", "Sessions attended and change in confidence", _dose, _dose_public, reads=("dose",),
            intro="Did people who had more mentoring sessions, or attended more psychological sessions, gain more "
                  "confidence talking with senior leaders? Spearman's rho, and the ANCOVA slope: the expected "
                  "difference in post-programme rating per extra session, at the same enrolment rating. These are "
                  "associations among the people who took part, not effects of the sessions.",
            public_intro="Associations among the people who took part between the sessions they attended and their "
                         "change in confidence talking with senior leaders, not effects of the sessions."),
    Section("themes", "Themes from the end-of-programme questions", _themes, _themes_public,
            reads=("theme", "agreement", "themes", "end_survey"),
            intro="The researchers' coding of the free-text answers (`themes.csv`): how many people of each role gave "
                  "an answer coded with each theme, example quotes from those who agreed to be quoted, and, where two "
                  "coders coded the same answers, how far they agreed.",
            public_intro="How many people of each role gave an answer coded with each theme (a theme given by fewer "
                         "than 8 people is not named), and answers from participants who agreed to be quoted, with "
                         "names, e-mail addresses, phone numbers, postcodes, dates, links, handles and participant "
                         "codes removed, and answers longer than 600 characters shortened. Read them once more before "
                         "publication: a name that appears nowhere in the data files cannot be recognised "
                         "automatically."),
    Section("observations", "Mentors' observations of practice", _observations, _observations_public,
            reads=("observations", "observation_grid", "observation_levels"), unavailable=_missing("observations"),
            intro="Programmes on the ReMEDI model have mentors observe their mentee at work and record what they found "
                  "at four levels (individual, departmental, organisational, symbolic).", public_intro=""),
    Section("methods", "Methods", _methods, None, appendix=True,
            intro="Written from the settings the analysis ran with (`rm_research.core.config.Settings`), then every "
                  "statistic in `findings.csv`, from the package's registry of statistics (the same registry decides "
                  "how each is rounded and protected in the public version)."),
    Section("technical", "Technical statistics", _technical, None, reads=("rating",), appendix=True,
            intro="The effect sizes and tests behind the before/after table, confidence at enrolment of everyone who "
                  "answered, and whether those who completed the end survey differed at enrolment from those who did "
                  "not (if they did, the before/after results describe the completers only)."),
    DISCLOSURE_CONTROL,
    Section("provenance", "Data and provenance", _provenance, _provenance_public,
            reads=("participants",), appendix=True,
            intro="The SHA-256 checksum of each raw file this report was computed from, the code version, and the "
                  "versions of the packages that computed it. Re-running the same code on files with the same "
                  "checksums gives the same report.",
            public_intro=PUBLIC_PROVENANCE_INTRO),
    Section("published", "Published figures reproduced", _published, None, appendix=True,
            intro="Where the region has published figures for this cohort, each is shown beside the value reproduced "
                  "here, rounded as the source rounded it."),
)
