"""The report's sections for the four further instruments (data contract, section 8; issue 20).

Declared once here and shown on every page, a cohort's (``report.cohort_page``) and a region's or the
nation's (``report.level_page``): the organisational benefits ranked, what the psychological sessions
covered, what the mentee's team saw, and whether the change lasted. Each section's figures come from the
page's findings through ``summary.Figures``, so the public version shows exactly the protected findings
(a withheld figure as the disclosure mark); the internal version adds what the findings do not hold,
from the page's people (``report.page.Page.instrument_people``): the topics session by session (or cohort
by cohort), each mentee's team before and after, the view of raters from ethnic minority groups beside
the others' and the team at follow-up, and each person's three ratings. A page whose cohorts supplied
none of a section's file says so in one line (``report.page.Page.absent``).

The key findings and the one-page summary read the same findings through ``instrument_sentences`` and
``lasting_headline``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Final

import pandas as pd

from rm_research.core import config
from rm_research.core.paths import region_title
from rm_research.core.rounding import decimals
from rm_research.core.safety import escape_markdown
from rm_research.findings import instruments
from rm_research.findings.descriptive import long_ratings
from rm_research.findings.evidence import ITEM_WORDS
from rm_research.report import figures
from rm_research.report.descriptive import ROLE_HEADINGS
from rm_research.report.page import Page, Section
from rm_research.report.summary import ROLE_WORDS, WITHHELD, Figures, counted, lower_first
from rm_research.report.tables import item_labels, p_cell, people_cell, plain_p, shown_cell

#: Each team question in a report's words (``tables.item_labels``), by findings measure.
TEAM_LABELS: Final = {measure: item_labels()[measure] for measure in instruments.TEAM_MEASURES.values()}
PHASE_WORDS: Final = {"pre": "Before", "post": "After", "follow_up": "Follow-up"}
GROUP_WORDS: Final = {"BME": "Raters from ethnic minority groups", "other": "Other raters"}


def _all_withheld(page: Page, figures: Figures, measures: tuple[str, ...], statistics: tuple[str, ...] = ()) -> bool:
    """On a public page whose every figure of these measures (``statistics`` of them, else all) is withheld,
    say so in one line, with why, in place of a table of the mark; whether it did."""
    keys = [(m, r, s) for m in measures for r in ROLE_HEADINGS for s in (statistics or figures.statistics(m, r))
            if figures.has(m, r, s)]
    if not page.public or not keys or not all(figures.withheld(*key) for key in keys):
        return False
    page.missing(f"every figure of this section is {WITHHELD}: {figures.because(*keys[0])}")
    return True


def _figures(page: Page) -> Figures:
    return Figures(page.findings, public=page.public, rule=page.settings.disclosure,
                   confidence=page.settings.analysis.confidence)


def _roles(figures: Figures, measure: str, statistics: tuple[str, ...]) -> list[str]:
    return [role for role in ROLE_HEADINGS if any(figures.has(measure, role, s) for s in statistics)]


# --- the benefits, ranked ---------------------------------------------------------------------------------
def benefit_order(figures: Figures) -> list[str]:
    """The benefits ranked by anyone, most important first by everyone's mean rank (a rank not shown last)."""
    ranked = [b for b in config.BENEFITS if any(figures.has("benefit_rank", r, b) for r in ROLE_HEADINGS)]
    value = {b: figures.value("benefit_rank", config.ALL_ROLES, b) for b in ranked}
    return sorted(ranked, key=lambda b: (math.isnan(value[b]), 0.0 if math.isnan(value[b]) else value[b]))


def benefits_table(figures: Figures) -> pd.DataFrame:
    """Each benefit (most important first) with each role's mean rank and the people who ranked it."""
    roles = _roles(figures, "benefit_rank", config.BENEFITS)
    rows = []
    for benefit in benefit_order(figures):
        row = {"Benefit": config.BENEFIT_LABELS[benefit]}
        for role in roles:
            row[f"{ROLE_HEADINGS[role]}: mean rank"] = shown_cell(figures, "benefit_rank", role, benefit)
            row[f"{ROLE_HEADINGS[role]}: people"] = people_cell(figures, "benefit_rank", role, benefit)
        rows.append(row)
    return pd.DataFrame(rows)


def agreement_table(figures: Figures) -> pd.DataFrame:
    """Kendall's W and Friedman's p by role, with the people who ranked all seven."""
    return pd.DataFrame([{"Role": ROLE_HEADINGS[role],
                          "People who ranked all seven": people_cell(figures, "benefit_agreement", role, "kendalls_w"),
                          "Kendall's W": shown_cell(figures, "benefit_agreement", role, "kendalls_w", 2),
                          "Friedman p": p_cell(figures, "benefit_agreement", role, "friedman_p")}
                         for role in _roles(figures, "benefit_agreement", ("kendalls_w",))])


def benefit_ranks(figures: Figures) -> pd.DataFrame:
    """The mean ranks as numbers for the chart: benefits (in words, most important first) by role; NaN
    where not shown (a role none of whose ranks is shown is left out)."""
    order = benefit_order(figures)
    ranks = pd.DataFrame({role: [figures.value("benefit_rank", role, b) for b in order]
                          for role in _roles(figures, "benefit_rank", config.BENEFITS)},
                         index=[config.BENEFIT_LABELS[b] for b in order])
    return ranks.dropna(axis="columns", how="all")


def _first_benefits(figures: Figures, role: str) -> tuple[list[str], float, float] | None:
    """The benefits the role ranked first on average (more than one where their shown mean ranks tie): codes,
    mean rank, people; None where there is no rank, or any of the role's ranks is withheld (the withheld one
    might be first: a public sentence is never false)."""
    ranked = [b for b in config.BENEFITS if figures.has("benefit_rank", role, b)]
    if not ranked or any(figures.withheld("benefit_rank", role, b) for b in ranked):
        return None
    shown = {b: float(figures.show("benefit_rank", role, b)) for b in ranked
             if not math.isnan(figures.value("benefit_rank", role, b))}
    if not shown:
        return None
    best = min(shown.values())
    first = [b for b in ranked if shown.get(b) == best]
    return first, best, figures.n("benefit_rank", role, first[0])


def benefit_sentence(figures: Figures) -> str | None:
    """"Mentors ranked "…" first (mean rank 2.3, 14 people); mentees "…" (2.4, 14)."", or None."""
    parts = []
    for role in config.ROLES:
        if (first := _first_benefits(figures, role)) is not None:
            benefits, value, n = first
            named = " and ".join(f"“{lower_first(config.BENEFIT_LABELS[b])}”" for b in benefits)
            jointly = " jointly" if len(benefits) > 1 else ""
            people = "" if len(benefits) > 1 else f", {counted(n, figures.public)} people"
            parts.append(f"{ROLE_WORDS[role][1]} ranked {named}{jointly} first "
                         f"(mean rank {decimals(value, 1)}{people})")
    if not parts:
        return None
    text = "; ".join(parts)
    return f"Of the organisational benefits of reverse mentoring, {text}."


def _benefits(page: Page) -> None:
    found = _figures(page)
    if _all_withheld(page, found, ("benefit_rank", "benefit_agreement")):
        return
    page.table(benefits_table(found), "The organisational benefits of reverse mentoring, mean rank by role "
               "(1 = most important), most important first")
    ranks = benefit_ranks(found)
    if not ranks.empty:
        page.figure(figures.benefit_chart(ranks, benefit_sentence(found) or "The organisational benefits, ranked"))
    page.table(agreement_table(found), "How far people agreed in their ranking (Kendall's W: 0 none, 1 complete)")


# --- what the psychological sessions covered --------------------------------------------------------------
def topics_table(figures: Figures) -> pd.DataFrame:
    """Each topic (as the findings name it) with the sessions that discussed it, of the sessions logged."""
    everyone = config.ALL_ROLES
    topics = figures.statistics("psych_topic", everyone)
    counts = [figures.value("psych_topic", everyone, topic) for topic in topics]
    order = sorted(range(len(topics)), key=lambda i: (math.isnan(counts[i]), -counts[i]))  # stable: ties as logged
    return pd.DataFrame([{"Topic": topics[i],
                          "Sessions that discussed it": shown_cell(figures, "psych_topic", everyone, topics[i], 0),
                          "Sessions logged": people_cell(figures, "psych_topic", everyone, topics[i])} for i in order])


def topics_grid(people: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """The topics (grouped as the findings group them) by session, ✓ where discussed, for one cohort
    (``by`` None); for a level, by ``cohort_label`` or ``region`` (the nation's), each cell the number of
    that cohort's or region's sessions that discussed it."""
    log = instruments.topic_log(people)
    if log.empty:
        return pd.DataFrame()
    log = log.assign(Topic=log["topic"].map(instruments.topic_key).map(instruments.topic_names(log)))
    if by is None:
        grid = log.assign(tick="✓").pivot_table(index="Topic", columns="number", values="tick", aggfunc="first",
                                                sort=False)
        grid = grid.reindex(columns=sorted(grid.columns)).fillna("")
        grid.columns = [f"Session {number}" for number in grid.columns]
        return grid.reset_index()
    if by == "region":
        log = log.assign(region=log["region"].map(region_title))
    counts = log.drop_duplicates(["Topic", "session"]).pivot_table(index="Topic", columns=by, values="number",
                                                                  aggfunc="count", sort=False, fill_value=0)
    return counts.reset_index()


def topic_sentence(figures: Figures) -> str | None:
    """"The topic most often discussed in the psychological sessions was "…" (5 of 9 sessions)." or None."""
    logged = figures.statistics("psych_topic", config.ALL_ROLES)
    if any(figures.withheld("psych_topic", config.ALL_ROLES, t) for t in logged):
        return None  # a withheld topic might be the most discussed: a public sentence is never false
    topics = [t for t in logged if not math.isnan(figures.value("psych_topic", config.ALL_ROLES, t))]
    if not topics:
        return None
    count = max(figures.value("psych_topic", config.ALL_ROLES, t) for t in topics)
    top = [t for t in topics if figures.value("psych_topic", config.ALL_ROLES, t) == count]
    sessions = figures.n("psych_topic", config.ALL_ROLES, top[0])
    of = f"{count:.0f} of {sessions:.0f}" if not math.isnan(sessions) else f"{count:.0f}"
    if len(top) == 1:
        return (f"The topic most often discussed in the psychological sessions was “{escape_markdown(top[0])}” "
                f"({of} sessions).")
    named = ", ".join(f"“{escape_markdown(t)}”" for t in top[:3])
    named += f" and {len(top) - 3} more" if len(top) > 3 else ""
    return f"The topics most often discussed in the psychological sessions were {named} (each in {of} sessions)."


def _topics(page: Page) -> None:
    found = _figures(page)
    page.table(topics_table(found), "Topics discussed in the psychological sessions, most discussed first")
    if not page.public:
        by = page.instrument_unit()
        page.table(topics_grid(page.instrument_people(), by), "The topics of each session" if by is None else
                   f"Sessions that discussed each topic, by {'region' if by == 'region' else 'cohort'}")


# --- what the mentee's team saw ---------------------------------------------------------------------------
def team_summary(figures: Figures, intervals: dict[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    """Each team item: the mean before (mentees rated), after, the change over mentees rated at both with its
    Wilcoxon p, and the raters' agreement before (ICC(1), with its interval where given: internal page)."""
    rows = []
    for item, measure in instruments.TEAM_MEASURES.items():
        if not figures.has(measure, "mentee", "pre_mean"):
            continue
        icc = shown_cell(figures, measure, "mentee", "icc1", 2)
        if intervals and item in intervals and icc not in ("–", figures.rule.mark):
            low, high = intervals[item]
            if not (math.isnan(low) or math.isnan(high)):
                icc = f"{icc} ({decimals(low, 2)} to {decimals(high, 2)})"
        change = shown_cell(figures, measure, "mentee", "change_mean", sign=True)
        rows.append({"Question": TEAM_LABELS[measure],
                     "Before": shown_cell(figures, measure, "mentee", "pre_mean"),
                     "Mentees rated before": people_cell(figures, measure, "mentee", "pre_mean"),
                     "After": shown_cell(figures, measure, "mentee", "post_mean"),
                     "Mentees rated after": people_cell(figures, measure, "mentee", "post_mean"),
                     "Change (mentees rated both times)": change,
                     "Mentees rated both times": people_cell(figures, measure, "mentee", "change_mean"),
                     "Wilcoxon p": p_cell(figures, measure, "mentee", "wilcoxon_p"),
                     "Raters' agreement before, ICC(1)": icc})
    return pd.DataFrame(rows)


def group_table(team: pd.DataFrame) -> pd.DataFrame:
    """The team's mean rating at each phase as rated by raters from ethnic minority groups and by the others,
    where a group's figure rests on at least ``FEWEST_GROUP_RATINGS`` ratings of two or more mentees (else
    "too few"); and every rater's, the follow-up included. Internal page only."""
    rows = []
    for item, measure in instruments.TEAM_MEASURES.items():
        for group, words in ((None, "All raters"), *GROUP_WORDS.items()):
            means = instruments.mentee_means(team, item, group)
            mine = team if group is None else team[team["rater_group"] == group]
            row = {"Question": TEAM_LABELS[measure], "Raters": words}
            for phase, heading in PHASE_WORDS.items():
                at = means[phase].dropna() if phase in means else pd.Series(dtype=float)
                ratings = int(mine.loc[mine["phase"] == phase, item].notna().sum())
                enough = ratings >= instruments.FEWEST_GROUP_RATINGS and len(at) >= 2
                row[heading] = (f"{decimals(float(at.mean()), 1)} ({figures.plural(len(at), 'mentee')}, "
                                f"{figures.plural(ratings, 'rating')})" if enough or (group is None and len(at)) else
                                "too few" if ratings else "–")
            rows.append(row)
    return pd.DataFrame(rows)



def team_long(team: pd.DataFrame, item: str) -> pd.DataFrame:
    """Each mentee's team's mean before and after (mentees rated both times), for ``figures.paired_plot``."""
    means = instruments.mentee_means(team, item)
    if not {"pre", "post"} <= set(means.columns):
        return pd.DataFrame(columns=["role", "person", "phase", "rating"])
    wide = means[["pre", "post"]].rename(columns={"pre": "Before", "post": "After"}).assign(role="mentee")
    return long_ratings(wide, ["Before", "After"])


def team_sentence(figures: Figures, alpha: float = config.SETTINGS.alpha, brief: bool = False) -> str | None:
    """What the teams saw on the first team question: the change over mentees rated both times, in words
    (``brief``: in fewer, for the one-page summary)."""
    measure = instruments.TEAM_MEASURES[config.TEAM_ITEMS[0]]
    if not figures.has(measure, "mentee", "change_mean"):
        return None
    if figures.withheld(measure, "mentee", "change_mean", "wilcoxon_p", n_of="change_mean"):
        return f"How the mentees' teams rated their inclusive behaviour before and after is {WITHHELD}."
    change, p = figures.value(measure, "mentee", "change_mean"), figures.value(measure, "mentee", "wilcoxon_p")
    n = figures.n(measure, "mentee", "change_mean")
    if math.isnan(change):
        return None
    mentees = f"{counted(n, figures.public)} mentees rated before and after"
    higher = "higher" if change >= 0 else "lower"
    if brief:
        return (f"Mentees' teams rated their inclusive behaviour {_points(change)} {higher} after than before "
                f"({counted(n, figures.public)} mentees; {_clear(p, alpha, brief)}).")
    return (f"The mentees' teams rated their inclusive behaviour towards ethnic minority colleagues "
            f"{_points(change)} {higher} after the programme than before ({mentees}; {_clear(p, alpha)}).")


def _team(page: Page) -> None:
    found = _figures(page)
    if _all_withheld(page, found, tuple(instruments.TEAM_MEASURES.values())):
        return
    intervals = None
    if not page.public:
        people = page.instrument_people()
        team = instruments.team_table(people)
        confidence = page.settings.analysis.confidence
        intervals = {item: (icc.ci_low, icc.ci_high) for item in config.TEAM_ITEMS
                     for icc in [instruments.team_icc(team, item, confidence)]}
    page.table(team_summary(found, intervals), "The team's ratings of their leader (1-10), before and after")
    if page.public:
        return
    page.table(group_table(team), "The team's ratings by raters' group, and at follow-up")
    for item, measure in instruments.TEAM_MEASURES.items():
        long = team_long(team, item)
        if not long.empty:
            page.figure(figures.paired_plot(long, TEAM_LABELS[measure], title=TEAM_LABELS[measure] +
                                            ": each mentee's team before and after", unit="mentee's team mean"))


# --- did it last? -----------------------------------------------------------------------------------------
def lasting_table(figures: Figures, labels: dict[str, str]) -> pd.DataFrame:
    """Each item and role with follow-up answers: the mean at follow-up, the change since enrolment
    (sustained) and since the end, each with its people and Wilcoxon p."""
    rows = []
    for item in config.RATING_ITEMS:
        for role in ROLE_HEADINGS:
            if not figures.has(item, role, "followup_mean"):
                continue
            rows.append({"Question": labels.get(item, item), "Role": ROLE_HEADINGS[role],
                         "At follow-up": shown_cell(figures, item, role, "followup_mean"),
                         "Answered": people_cell(figures, item, role, "followup_mean"),
                         "Change since enrolment": shown_cell(figures, item, role, "sustained_change_mean", sign=True),
                         "People (enrolment and follow-up)": people_cell(figures, item, role, "sustained_change_mean"),
                         "p (since enrolment)": p_cell(figures, item, role, "sustained_wilcoxon_p"),
                         "Change since the end": shown_cell(figures, item, role, "since_end_change_mean", sign=True),
                         "People (end and follow-up)": people_cell(figures, item, role, "since_end_change_mean"),
                         "p (since the end)": p_cell(figures, item, role, "since_end_wilcoxon_p")})
    return pd.DataFrame(rows)


def three_point_long(people: pd.DataFrame, item: str) -> pd.DataFrame:
    """The people (each role) who answered ``item`` at enrolment, the end and follow-up, for ``figures.paired_plot``."""
    wide = pd.concat([instruments.three_points(people, item, role).assign(role=role) for role in config.ROLES],
                     ignore_index=True)
    wide = wide.rename(columns={"enrolment": "Enrolment", "end": "End", "follow_up": "Follow-up"})
    return long_ratings(wide, ["Enrolment", "End", "Follow-up"])


def lasting_sentence(figures: Figures, labels: dict[str, str], alpha: float = config.SETTINGS.alpha,
                     brief: bool = False) -> str | None:
    """Everyone's sustained change and change since the end on the first item with follow-up figures shown
    (``brief``: in fewer words, the item's short name, for the one-page summary); that they are withheld
    where every item's are."""
    role, withheld = config.ALL_ROLES, None
    statistics = ("sustained_change_mean", "sustained_wilcoxon_p", "since_end_change_mean", "since_end_wilcoxon_p")
    for item in config.RATING_ITEMS:
        if not figures.has(item, role, "sustained_change_mean"):
            continue
        label = ITEM_WORDS.get(item, item) if brief else f"“{lower_first(labels.get(item, item))}”"
        if figures.withheld(item, role, *statistics, n_of="sustained_change_mean"):
            withheld = withheld or f"Whether the change in {label} lasted 6-12 months on is {WITHHELD}."
            continue
        since_start, p_start, since_end, p_end = (figures.value(item, role, s) for s in statistics)
        if math.isnan(since_start):
            continue
        n = figures.n(item, role, "sustained_change_mean")
        end = "" if math.isnan(since_end) else (
            f", and {_points(since_end)} {'above' if since_end >= 0 else 'below'} the end"
            f"{'' if brief else ' of the programme'} ({_clear(p_end, alpha, brief)})")
        return (f"Six to twelve months {'on' if brief else 'after the end'}, {label} was {_points(since_start)} "
                f"{'above' if since_start >= 0 else 'below'} enrolment ({counted(n, figures.public)} people; "
                f"{_clear(p_start, alpha, brief)}){end}.")
    return withheld


def _lasting(page: Page) -> None:
    found = _figures(page)
    if _all_withheld(page, found, config.RATING_ITEMS, instruments.FOLLOW_UP_STATISTICS):
        return
    labels = page.labels
    page.table(lasting_table(found, labels), "Confidence 6-12 months after the end, and the change since "
               "enrolment and since the end")
    if page.public:
        return
    people = page.instrument_people()
    for item in config.RATING_ITEMS:
        long = three_point_long(people, item)
        if not long.empty:
            page.figure(figures.paired_plot(long, labels.get(item, item),
                                            title=f"{labels.get(item, item)}: at enrolment, at the end and "
                                                  "6-12 months on"))


# --- words ------------------------------------------------------------------------------------------------
def _points(value: float) -> str:
    size = abs(value)
    return f"{decimals(size, 1)} point{'' if decimals(size, 1) == '1.0' else 's'}"


def _clear(p: float, alpha: float, brief: bool = False) -> str:
    if math.isnan(p):
        return "no test possible"
    return f"{'clear' if p < alpha else 'not clear'}" if brief else \
        f"{'a clear' if p < alpha else 'not a clear'} difference, p {plain_p(p)}"


def instrument_sentences(figures: Figures, labels: dict[str, str]) -> Iterator[str]:
    """The key findings of the four further instruments, where their files were supplied: the benefit each
    role ranked first, the topic most discussed, what the teams saw, whether the change lasted."""
    for sentence in (benefit_sentence(figures), topic_sentence(figures), team_sentence(figures),
                     lasting_sentence(figures, labels)):
        if sentence:
            yield sentence


def key_sentences(labels: dict[str, str]) -> Callable[[Figures], Iterator[str]]:
    """``instrument_sentences`` with the page's item wording, for ``summary.key_findings``'s ``more``."""
    return lambda figures: instrument_sentences(figures, labels)


def _missing(name: str) -> Callable[[Page], str | None]:
    """The section's one line where none of the page's cohorts supplied ``name``."""
    return lambda page: None if page.supplied(name) else page.absent(name)


def show_methods(page: Page) -> None:
    """How these figures are made (``METHODS``), on a page any of whose cohorts supplied one of the files."""
    if any(page.supplied(name) for name in instruments.FILES):
        page.markdown(METHODS)


#: How the further instruments' figures are made, for a page's methods (where any of their files was supplied).
METHODS: Final = (
    "**The further instruments (data contract, section 8).** Benefit ranks: each benefit's mean rank over the "
    "people who ranked it; Kendall's W, 12 S / (m² (7³ − 7)), and Friedman's test (chi-square m·6·W on 6 degrees "
    "of freedom) over the m people who ranked all seven. Session topics: spellings that differ only in case or "
    "spacing are one topic, named by its most frequent spelling; each counts the sessions that discussed it. The "
    "team's view: each mentee's raters' mean rating at a phase, averaged over the mentees; the change over "
    "mentees rated before and after, with the two-sided Wilcoxon signed-rank test of the confidence items; the "
    "raters' agreement before the programme by the one-way intraclass correlation of single ratings, ICC(1), "
    "raters nested in mentees, with its F-based interval (Searle 1971); raters from ethnic minority groups are "
    "shown beside the others where a group rests on at least "
    f"{instruments.FEWEST_GROUP_RATINGS} ratings of two or more mentees. Follow-up: the mean 6-12 months after "
    "the end, and the change since enrolment and since the end over the people who answered both times, each "
    "with the Wilcoxon test. **Regions and the nation** compute every one of these over all their cohorts' "
    "people together, as one cohort would (not by pooling cohort estimates): mean ranks and Kendall's W over "
    "everyone who ranked, the topics summed over the cohorts' sessions (a session is its own cohort's), the "
    "team's view over every mentee rated (raters are nested in their mentee whichever cohort they are in), and "
    "the follow-up over everyone followed up. These tests treat people as independent and ignore the cohort "
    "they came from: read them as descriptions, beside the pooled confidence changes.")

#: The four sections, shared by the cohort and level pages.
BENEFITS: Final = Section(
    "benefits", "The organisational benefits, ranked", _benefits, _benefits, reads=("benefit_rank",
                                                                                    "benefit_agreement"),
    unavailable=_missing("benefit_ranking"),
    intro="\"Rank in order of importance your feelings about the organisational benefits of reverse mentoring "
          "programmes\" (the South East's enrolment form, its Figure 3): each benefit's mean rank by role over the "
          "people who ranked it (1 = most important), and how far those who ranked all seven agreed (Kendall's W, "
          "with Friedman's test of whether the benefits differ in importance at all).")
TOPICS: Final = Section(
    "psych_topics", "What the psychological sessions covered", _topics, _topics, reads=("psych_topic",),
    unavailable=_missing("psych_topics"),
    intro="The facilitator's log of the topics discussed (`psych_topics.csv`), spellings that differ only in case "
          "or spacing counted as one: how many of the sessions discussed each.")
TEAM: Final = Section(
    "team", "What the mentee's team saw", _team, _team, reads=("team_feedback", "team"),
    unavailable=_missing("team_feedback"),
    intro="360-degree feedback on each mentee from their own team (`team_feedback.csv`), as the ReMEDI mentors "
          "recommend: each mentee's raters' mean rating, averaged over the mentees, before and after the programme; "
          "the change over the mentees rated both times with its Wilcoxon test; and how far the raters of the same "
          "mentee agreed before the programme (ICC(1): 0 no more than chance, 1 complete). Raters from ethnic "
          "minority groups are shown beside the others where there are enough of them, and the team's view at "
          "follow-up, in the internal report.",
    public_intro="360-degree feedback on each mentee from their own team: the mean over mentees of their raters' "
                 "mean rating, before and after the programme, the change over mentees rated both times, and how "
                 "far the raters of the same mentee agreed.")
LASTING: Final = Section(
    "lasting", "Did it last?", _lasting, _lasting, reads=("follow_up", "rating"),
    unavailable=_missing("follow_up"),
    intro="The confidence questions asked again 6-12 months after the programme ended (`follow_up.csv`): the mean "
          "then, the change since enrolment (did the gain last?) and since the end (was it kept or lost?), each "
          "over the people who answered both times, with its Wilcoxon test; and, for the people who answered all "
          "three times, their three ratings in one picture.",
    public_intro="The confidence questions asked again 6-12 months after the programme ended: the mean then, and "
                 "the change since enrolment and since the end of the programme.")
