"""Key findings in plain English, and chart titles that state the finding, written from the findings.

A board member reads these first, so each sentence carries its number and the number of people it
rests on, and its confidence matches the evidence:

- a change is said to be "higher at the end" or "lower at the end" only when its 95% interval
  excludes 0; an interval that includes 0, or no interval at all, is "no clear change";
- a group smaller than ``SMALL_GROUP`` is said to be small, "so treat with caution";
- nothing is called an effect of the programme: there is no comparison group, so the words describe
  what changed ("rose", "was higher at the end"), never why.

The same sentences are written from the internal findings (numbers), the public findings
(``disclosure.control.public_findings``: text, ``*`` where suppressed, counts rounded) and a region's or the
nation's findings (``findings.level.people_findings``). A suppressed figure is said to be withheld to protect
privacy, never guessed. Sentences are Markdown with the data-derived text (the item labels, which
come from the programme's settings) escaped; chart titles (``headline_*``) are plain text for a
figure, to be escaped by whoever puts them into HTML.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping

import pandas as pd

from rm_research.core import config
from rm_research.core.config import DISCLOSURE, SETTINGS, DisclosureRule
from rm_research.core.rounding import decimals
from rm_research.core.safety import escape_markdown
from rm_research.disclosure.control import WITHHELD_REASONS, share_band
from rm_research.findings import registry
from rm_research.findings.evidence import PREDICTION_MIN_COHORTS
from rm_research.findings.table import Lookup
from rm_research.stats.meta import i2_words, not_pooled_reason

#: Below this many people a finding is said to rest on "a small group, so treat with caution". The
#: settings hold no precision threshold (the disclosure rule's 8 is about privacy, min_n_* about
#: whether a statistic can be computed at all); 10 is issue 10's figure.
SMALL_GROUP = 10

HIGHER = "higher at the end"
LOWER = "lower at the end"
UNCLEAR = "no clear change"
NO_INTERVAL = "no clear change (no interval could be computed)"
WITHHELD = "withheld to protect privacy"
#: Why a public figure is withheld, in words that are true whichever rule hid it (a public page cannot
#: say which without giving more away than the rule allows): a cohort's, and a pooled one.
WITHHELD_WHY = "a small group, or a figure that would give a withheld one away"
WITHHELD_WHY_POOLED = "a small group, or a cohort whose own figure is withheld and could be worked out from these"

ROLE_WORDS = {"mentor": ("mentor", "mentors"), "mentee": ("mentee", "mentees"), config.ALL_ROLES: ("person", "people")}
YES_NO_WORDS = {
    "length_appropriate": "found the length of the sessions appropriate",
    "psych_supportive": "found the psychological sessions supportive",
    "missed_any": "missed at least one mentoring session",
}
#: The two doses of the contract's dose findings: what "more" means, and the dose in a phrase.
DOSE_WORDS = {"attendance_effect": ("had more mentoring sessions", "how many mentoring sessions people had"),
              "psych_effect": ("attended more psychological sessions",
                               "how many psychological sessions people attended")}
PSYCH_MEASURES = frozenset({"psych_supportive", "psych_effect"})
DOSE_ITEM = "conf_senior"  # the contract's dose findings are against the change in this item
SCALE = f"{config.RATING_RANGE[0]}-{config.RATING_RANGE[1]}"
#: The largest change a person's rating can show (9 on a 1-10 scale): no figure's axis runs past it.
LARGEST_CHANGE = config.RATING_RANGE[1] - config.RATING_RANGE[0]
#: A prediction interval is shown only where at least this many cohorts are pooled (with fewer it spans most
#: of the possible changes whatever the data: -13.35 to 14.68 on a 1-10 scale was seen; docs/methods.md).
MIN_COHORTS_FOR_PREDICTION = PREDICTION_MIN_COHORTS
NAN = math.nan


class Figures(Lookup):
    """The findings a report's sentences and tables read (``findings.table.Lookup``), internal (numbers)
    or public (text, the rule's mark where withheld), with the way a figure is printed (``show``)."""

    def __init__(self, findings: pd.DataFrame, public: bool, rule: DisclosureRule = DISCLOSURE,
                 confidence: float = SETTINGS.confidence) -> None:
        super().__init__(findings, rule.mark if public else None)
        self.public, self.rule, self.confidence = public, rule, confidence

    def because(self, measure: str, role: str, *statistics: str, pooled: bool = False) -> str:
        """Why these figures are withheld, in words: the reason the public findings give for the first
        withheld of them (``disclosure.control.WITHHELD_REASONS``), else what is true whichever rule hid it."""
        reason = self.why(measure, role, *statistics)
        if reason in WITHHELD_REASONS:
            return WITHHELD_REASONS[reason]
        return WITHHELD_WHY_POOLED if pooled else WITHHELD_WHY

    def counted(self, count: float) -> str:
        """A count of people as this page states it (``counted``): "about N" on a public page."""
        return counted(count, self.public)

    def show(self, measure: str, role: str, statistic: str, digits: int = 1, sign: bool = False) -> str:
        """The value as printed: rounded once, to ``digits`` places, halves away from zero; a dash where
        blank. A public value was rounded by the disclosure rule already (to the registry's public
        places): where those are more, it keeps them, since rounding it again could move it ("1.35",
        published for 1.349, would become 1.4)."""
        value = self.value(measure, role, statistic)
        if math.isnan(value):
            return "–"
        found = registry.spec(measure, statistic) if self.public else None
        return decimals(value, digits if found is None else max(digits, found.rounding), sign)


# numbers in words ------------------------------------------------------------------------------------------
def period(start: pd.Timestamp | None, end: pd.Timestamp | None) -> str:
    """When a cohort ran, to the month ("October 2020 to May 2021"): its first enrolment survey to its
    last end survey or mentoring session (``ingest.clean.Cohort.start``/``end``). Months, not days: the
    day of a survey could point to a person."""
    shown = [f"{date:%B %Y}" for date in (start, end) if date is not None and not pd.isna(date)]
    if not shown:
        return "dates not recorded"
    if len(shown) == 1:
        return f"from {shown[0]}" if start is not None and not pd.isna(start) else f"until {shown[0]}"
    if shown[0] == shown[1]:
        return shown[0]
    return f"{shown[0]} to {shown[1]}"


def one_decimal(value: float) -> str:
    """``value`` to one decimal place, halves away from zero: "7.7"."""
    return decimals(value, 1)


def signed(value: float) -> str:
    """A change to one decimal place with its sign: "+1.7", "-0.3", "0.0"."""
    return decimals(value, 1, sign=True)


def counted(count: float, public: bool) -> str:
    """A count of people as stated: exact, or "about N" where the public rule rounded it."""
    if math.isnan(count):
        return "an unknown number"
    whole = round(count)
    return f"about {whole}" if public and whole > 0 else str(whole)


def _noun(role: str, count: float) -> str:
    singular, plural = ROLE_WORDS[role]
    return singular if not math.isnan(count) and round(count) == 1 else plural


def could_be_small(count: float, public: bool, small_group: int, rule: DisclosureRule = DISCLOSURE) -> bool:
    """Whether the group may be smaller than ``small_group``: a public count, rounded to the nearest
    ``rounding_base``, may stand for up to half the base fewer people."""
    if math.isnan(count):
        return True
    lowest = count - rule.rounding_base // 2 if public and count > 0 else count
    return lowest < small_group


def _people(count: float, figures: Figures, small_group: int, what: str = "who answered both surveys") -> str:
    """"6 people who answered both surveys, a small group, so treat with caution"."""
    small = could_be_small(count, figures.public, small_group, figures.rule)
    caution = ", a small group, so treat with caution" if small else ""
    return f"{counted(count, figures.public)} {_noun(config.ALL_ROLES, count)} {what}{caution}"


def _interval(figures: Figures, measure: str, role: str, limits: tuple[str, str], digits: int = 1,
              confidence: float = SETTINGS.confidence) -> str:
    low, high = (figures.show(measure, role, limit, digits) for limit in limits)
    return f"{confidence:.0%} CI {low} to {high}"


def lower_first(text: str) -> str:
    """``text`` with its first letter lower-case (an item label inside a sentence)."""
    return text[:1].lower() + text[1:]


def _subject(role: str, label: str, markdown: bool = True) -> str:
    """"Mentees' confidence talking about ...": the role's plural, possessive, and the item label
    (escaped as Markdown text unless ``markdown`` is False: a chart title is plain text)."""
    label = lower_first(label)
    return f"{possessive(ROLE_WORDS[role][1].capitalize())} {escape_markdown(label) if markdown else label}"


def possessive(noun: str) -> str:
    """"Mentors'" for a plural in s, "People's" for one that is not."""
    return f"{noun}'" if noun.endswith("s") else f"{noun}'s"


def _roles(figures: Figures, measure: str, statistic: str) -> list[str]:
    return [role for role in config.ROLES if figures.has(measure, role, statistic)]


# what a change allows a reader to be told -----------------------------------------------------------------
def change_verdict(change: float, low: float, high: float) -> str:
    """``HIGHER`` or ``LOWER`` when the interval (``low`` to ``high``) excludes 0, ``UNCLEAR`` when it
    includes 0 (an end point at 0 included), ``NO_INTERVAL`` when there is no estimate or no interval."""
    if any(pd.isna(x) for x in (change, low, high)):
        return NO_INTERVAL
    if low > 0:
        return HIGHER
    if high < 0:
        return LOWER
    return UNCLEAR


CHANGE = ("change_mean", "change_ci_low", "change_ci_high")
PAIRED_MEANS = ("paired_pre_mean", "paired_post_mean")
POOLED = ("pooled_change", "pooled_ci_low", "pooled_ci_high")


def change_sentence(figures: Figures, item: str, role: str, label: str, small_group: int = SMALL_GROUP) -> str | None:
    """One confidence item for one role of a cohort: the means at enrolment and at the end over the
    people who answered both, and the mean change with its interval; None where there is no row."""
    if not figures.has(item, role, "change_mean"):
        return None
    subject = _subject(role, label)
    if figures.withheld(item, role, *CHANGE, *PAIRED_MEANS, n_of="change_mean"):
        return f"{subject}: the figures are {WITHHELD} ({figures.because(item, role, *CHANGE, *PAIRED_MEANS)})."
    n = figures.n(item, role, "change_mean")
    if math.isnan(n) or n == 0:
        return f"{subject}: nobody answered this question in both surveys, so no change can be described."
    change, low, high = (figures.value(item, role, s) for s in CHANGE)
    pre, post = (figures.show(item, role, s) for s in PAIRED_MEANS)
    people = _people(n, figures, small_group)
    verdict = change_verdict(change, low, high)
    shown = f"mean change {figures.show(item, role, CHANGE[0], sign=True)}"
    means_known = "–" not in (pre, post)
    if verdict in (HIGHER, LOWER):
        numbers = f"{shown}, {_interval(figures, item, role, CHANGE[1:])}; {people}"
        if means_known:
            moved = "rose" if verdict == HIGHER else "fell"
            return f"{subject} {moved} from {pre} to {post} on the {SCALE} scale ({numbers})."
        return f"{subject} was {verdict} on the {SCALE} scale ({numbers})."
    means = f"{pre} at enrolment and {post} at the end on the {SCALE} scale; " if means_known else ""
    if verdict == UNCLEAR:
        interval = _interval(figures, item, role, CHANGE[1:])
        return f"{subject} showed no clear change ({means}{shown}, {interval}; {people})."
    estimate = "" if math.isnan(change) else f"{shown}; "
    # the t interval is blank in two cases only (stats.effects.mean_t_interval): say which
    why = "fewer than 2 people answered both surveys" if n < 2 else "every change was the same"
    return (f"{subject}: no clear change can be shown, as no {figures.confidence:.0%} interval could be computed: "
            f"{why} ({means}{estimate}{people}).")


def pooled_sentence(figures: Figures, item: str, role: str, label: str, small_group: int = SMALL_GROUP,
                    reason: str = "") -> str | None:
    """One confidence item for one role of a region or the nation: the pooled mean change with its
    Hartung-Knapp interval, the cohorts and people pooled, and the variation between cohorts. Where
    fewer than 2 cohorts could be pooled, ``reason`` (``findings.level.LevelResults.reasons``, carried
    from the meta-analysis) says why; without it (a public page) the sentence says so in general."""
    if not figures.has(item, role, "k"):
        return None
    subject = _subject(role, label)
    if figures.withheld(item, role, "k", *POOLED, n_of="k"):
        return f"{subject}: the figures are {WITHHELD} ({figures.because(item, role, 'k', *POOLED, pooled=True)})."
    k, n = figures.value(item, role, "k"), figures.n(item, role, "k")
    change, low, high = (figures.value(item, role, s) for s in POOLED)
    cohorts = 0 if math.isnan(k) else round(k)
    if cohorts < 2 or math.isnan(change):
        return f"{subject}: no pooled figure: {escape_markdown(reason or not_pooled(cohorts))}."
    people = _people(n, figures, small_group)
    verdict = change_verdict(change, low, high)
    spread = heterogeneity_words(figures.value(item, role, "i2"), cohorts, figures.withheld(item, role, "i2"))
    shown = f"pooled mean change {figures.show(item, role, POOLED[0], sign=True)}"
    if verdict == NO_INTERVAL:
        return (f"{subject}: no clear change can be shown across {cohorts} cohorts, as no interval could be computed "
                f"({shown}; {people}). {spread}")
    said = f"was {verdict}" if verdict in (HIGHER, LOWER) else "showed no clear change"
    return (f"{subject} {said} across {cohorts} cohorts ({shown} on the {SCALE} scale, "
            f"{_interval(figures, item, role, POOLED[1:])}; {people}). {spread}")


def not_pooled(cohorts: int) -> str:
    """Why there is no pooled figure, said from the number of cohorts pooled alone (a public page, which
    does not name the cohorts left out): the words of ``meta.not_pooled_reason`` without the names."""
    return not_pooled_reason(cohorts, ())


def heterogeneity_words(i2: float, cohorts: int, withheld: bool = False) -> str:
    """Between-cohort variation as a sentence, in the Cochrane Handbook's I² bands (``meta.i2_words``):
    "Little variation between cohorts beyond chance (I² 12%; with only 3 cohorts this is imprecise)."."""
    if withheld:
        return f"How much the cohorts varied is {WITHHELD}."
    if math.isnan(i2):
        return "How much the cohorts varied could not be assessed."
    few = f"; with only {cohorts} cohorts this is imprecise" if cohorts < 5 else ""
    words = i2_words(i2)
    return f"{words[0].upper()}{words[1:]} variation between cohorts beyond chance (I² {i2:.0f}%{few})."


# the other findings ----------------------------------------------------------------------------------------
def flow_sentences(figures: Figures) -> Iterator[str]:
    """Who enrolled (and withdrew), and who completed the end survey, by role."""
    roles = _roles(figures, "flow", "enrolled")
    if not roles:
        return
    if figures.public:
        yield from _public_flow(figures, roles)
        return
    enrolled = {r: figures.value("flow", r, "enrolled") for r in roles}
    everyone = figures.value("flow", config.ALL_ROLES, "enrolled")
    total = sum(enrolled.values()) if math.isnan(everyone) else everyone
    parts = " and ".join(f"{counted(enrolled[r], False)} {_noun(r, enrolled[r])}" for r in roles)
    withdrew = [f"{counted(w, False)} {_noun(r, w)}" for r in roles if (w := figures.value("flow", r, "withdrawn")) > 0]
    yield (f"{counted(total, False)} people enrolled: {parts}"
           + (f"; {' and '.join(withdrew)} withdrew." if withdrew else "."))
    yield f"{completion(figures, roles)}."


def _public_flow(figures: Figures, roles: list[str]) -> Iterator[str]:
    for role in roles:
        plural = ROLE_WORDS[role][1]
        enrolled = figures.value("flow", role, "enrolled")
        completed = figures.value("flow", role, "completed_end_survey")
        if figures.withheld("flow", role, "enrolled"):
            yield f"How many {plural} enrolled is {WITHHELD}."
        elif figures.withheld("flow", role, "completed_end_survey"):
            yield (f"{counted(enrolled, True).capitalize()} {plural} enrolled; how many completed the end survey is "
                   f"{WITHHELD}.")
        else:
            yield (f"{counted(enrolled, True).capitalize()} {plural} enrolled and {counted(completed, True)} completed "
                   "the end survey.")


def completion(figures: Figures, roles: list[str]) -> str:
    """"7 of 11 mentors and 3 of 7 mentees completed the end survey" (no full stop)."""
    done = {r: figures.value("flow", r, "completed_end_survey") for r in roles}
    parts = [f"{counted(done[r], figures.public)} of {counted(figures.value('flow', r, 'enrolled'), figures.public)} "
             f"{ROLE_WORDS[r][1]}" for r in roles if not math.isnan(done[r])]
    return " and ".join(parts) + " completed the end survey" if parts else "No end survey is recorded"


def sessions_sentences(figures: Figures, planned: int | None = None) -> Iterator[str]:
    """The mean number of mentoring sessions each role reported, with the fewest, the most and how
    many answered."""
    for role in _roles(figures, "sessions_reported", "mean"):
        plural = ROLE_WORDS[role][1]
        n = figures.n("sessions_reported", role, "mean")
        answered = f"{counted(n, figures.public)} answered"
        if figures.withheld("sessions_reported", role, "mean", n_of="mean"):
            yield f"How many mentoring sessions {plural} reported is {WITHHELD}."
            continue
        mean = figures.value("sessions_reported", role, "mean")
        if math.isnan(mean):
            continue
        low, high = figures.value("sessions_reported", role, "min"), figures.value("sessions_reported", role, "max")
        spread = "" if math.isnan(low) or math.isnan(high) else f"fewest {round(low)}, most {round(high)}; "
        plan = f" The programme planned {planned}." if planned else ""
        shown = figures.show("sessions_reported", role, "mean")
        yield f"{plural.capitalize()} reported a mean of {shown} mentoring sessions each ({spread}{answered}).{plan}"


def yes_no_sentences(figures: Figures, items: tuple[str, ...] = config.YES_NO_ITEMS) -> Iterator[str]:
    """"6 of 7 mentors who answered found the psychological sessions supportive", by item and role."""
    for item in items:
        for role in _roles(figures, item, "yes_count"):
            plural = ROLE_WORDS[role][1]
            yes, n = figures.value(item, role, "yes_count"), figures.n(item, role, "yes_count")
            if figures.withheld(item, role, "yes_count", n_of="yes_count"):
                band = share_band(figures.why(item, role, "yes_count"), n, figures.rule)
                answered = "" if math.isnan(n) else f" ({counted(n, figures.public)} {plural} answered)"
                yield (f"{band.capitalize()} of {counted(n, figures.public)} {plural} who answered "
                       f"{YES_NO_WORDS[item]}." if band
                       else f"How many {plural} {YES_NO_WORDS[item]} is {WITHHELD}{answered}.")
            elif not math.isnan(yes):
                yield (f"{counted(yes, figures.public).capitalize()} of {counted(n, figures.public)} {plural} who "
                       f"answered {YES_NO_WORDS[item]}.")


#: The primary analysis of each dose question (docs/methods.md, "One primary analysis per question"):
#: the ANCOVA slope, adjusted for the enrolment rating; Spearman's rho is the secondary analysis.
PRIMARY_DOSE = ("ancova_slope", "ancova_ci_low", "ancova_ci_high")
SECONDARY_DOSE = ("spearman_rho", "spearman_ci_low", "spearman_ci_high")
SECONDARY_WORDS = ("Spearman's rho of the sessions with the change, which does not adjust for the enrolment "
                   "rating,", "rho")
#: A region's or the nation's: the ANCOVA with cohort fixed effects; the mixed model is its sensitivity analysis.
POOLED_PRIMARY_DOSE = ("pooled_ancova_slope", "pooled_ancova_ci_low", "pooled_ancova_ci_high")
POOLED_SECONDARY_DOSE = ("mixed_slope", "mixed_ci_low", "mixed_ci_high")
POOLED_SECONDARY_WORDS = ("the mixed model with a random intercept per cohort, a sensitivity analysis,", "slope")


def dose_sentences(figures: Figures, labels: dict[str, str], small_group: int = SMALL_GROUP,
                   measures: tuple[str, ...] = tuple(DOSE_WORDS), role: str = config.ALL_ROLES,
                   pooled: bool = False) -> Iterator[str]:
    """Whether those who had more sessions ended with more confidence at the same enrolment rating:
    the primary analysis, the ANCOVA slope per session with its interval (a cohort's; with ``pooled``,
    a region's or the nation's, with cohort fixed effects), stated as an association and no more;
    where the secondary analysis (Spearman's rho of the dose with the change; pooled, the mixed model)
    points another way, the sentence says so rather than leaving one of them out."""
    primary, secondary = (POOLED_PRIMARY_DOSE, POOLED_SECONDARY_DOSE) if pooled else (PRIMARY_DOSE, SECONDARY_DOSE)
    words = POOLED_SECONDARY_WORDS if pooled else SECONDARY_WORDS
    label = escape_markdown(lower_first(labels.get(DOSE_ITEM, DOSE_ITEM)))
    for measure in measures:
        if not figures.has(measure, role, primary[0]):
            continue
        more, how_many = DOSE_WORDS[measure]
        link = f"link between {how_many} and their {label} at the end, at the same enrolment rating"
        if figures.withheld(measure, role, *primary, n_of=primary[0]):
            yield f"The {link}: the figures are {WITHHELD}."
            continue
        slope, low, high = (figures.value(measure, role, s) for s in primary)
        people = _people(figures.n(measure, role, primary[0]), figures, small_group,
                         "with both ratings and a count of sessions")
        shown = f"{figures.show(measure, role, primary[0], 2, sign=True)} points per session"
        verdict = change_verdict(slope, low, high)
        if math.isnan(slope):
            sentence = f"The {link} could not be estimated ({people})."
        elif verdict in (HIGHER, LOWER):
            sentence = (f"People who {more} ended with {'more' if verdict == HIGHER else 'less'} {label}, at the same "
                        f"enrolment rating ({shown}, {_interval(figures, measure, role, primary[1:], 2)}; "
                        f"{people}). This is an association only: with no comparison group it does not show that "
                        "more sessions lead to more confidence.")
        elif verdict == UNCLEAR:
            interval = _interval(figures, measure, role, primary[1:], 2)
            sentence = f"There was no clear {link} ({shown}, {interval}; {people})."
        else:
            sentence = f"No clear {link} can be shown, as no interval could be computed ({shown}; {people})."
        yield sentence + secondary_dose(figures, measure, role, verdict, secondary, words)


def secondary_dose(figures: Figures, measure: str, role: str, primary: str,
                   secondary: tuple[str, str, str] = SECONDARY_DOSE,
                   words: tuple[str, str] = SECONDARY_WORDS) -> str:
    """" The secondary analysis disagrees: ..." where the secondary analysis (``secondary``: Spearman's
    rho; pooled, the mixed model) gives a different verdict from the primary ANCOVA slope (a clear link
    one way where the slope shows none, or the reverse), else ""."""
    if not figures.has(measure, role, secondary[0]) or figures.withheld(measure, role, *secondary):
        return ""
    value, low, high = (figures.value(measure, role, s) for s in secondary)
    verdict = change_verdict(value, low, high)
    if NO_INTERVAL in (verdict, primary) or verdict == primary:
        return ""
    said = "a clear link" if verdict in (HIGHER, LOWER) else "no clear link"
    what, name = words
    return (f" The secondary analysis disagrees: {what} shows {said} "
            f"({name} {figures.show(measure, role, secondary[0], 2)}, "
            f"{_interval(figures, measure, role, secondary[1:], 2)}).")


def disclosure_note(rule: DisclosureRule = DISCLOSURE) -> str:
    """What "about" and "withheld" mean in the public sentences."""
    return (f"Counts of people are rounded to the nearest {rule.rounding_base} (\"about\"), and figures about "
            f"fewer than {rule.smallest_shown} people are {WITHHELD}.")


# the key findings of each report ---------------------------------------------------------------------------
def _key_findings(figures: Figures, labels: dict[str, str], small_group: int, psych_offered: bool,
                  planned_sessions: int | None) -> list[str]:
    sentences = list(flow_sentences(figures))
    for item in config.RATING_ITEMS:
        for role in config.ROLES:
            if sentence := change_sentence(figures, item, role, labels.get(item, item), small_group):
                sentences.append(sentence)
    sentences += sessions_sentences(figures, planned_sessions)
    left_out = frozenset() if psych_offered else PSYCH_MEASURES
    sentences += yes_no_sentences(figures, tuple(m for m in config.YES_NO_ITEMS if m not in left_out))
    sentences += dose_sentences(figures, labels, small_group, tuple(m for m in DOSE_WORDS if m not in left_out))
    return sentences


def key_findings(findings: pd.DataFrame, labels: dict[str, str], *, small_group: int = SMALL_GROUP,
                 psych_offered: bool = True, planned_sessions: int | None = None,
                 more: Callable[[Figures], Iterable[str]] | None = None) -> list[str]:
    """The key findings of one cohort (``findings.cohort.compute_findings``), one Markdown sentence each:
    participant flow; each confidence item by role (``paired_pre_mean``/``paired_post_mean`` and the
    mean change with its interval, over the people who answered both); mentoring sessions; the yes/no
    questions; the link between sessions and change, as an association. ``labels``: the item labels
    (``tables.item_labels``); ``psych_offered``: False leaves the psychological-session findings out;
    ``planned_sessions``: the programme's intended number of mentoring sessions, if it set one; ``more``:
    further sentences from the same figures (``report.instruments.instrument_sentences``), after these."""
    figures = Figures(findings, public=False)
    return [*_key_findings(figures, labels, small_group, psych_offered, planned_sessions), *_more(figures, more)]


def _more(figures: Figures, more: Callable[[Figures], Iterable[str]] | None) -> list[str]:
    return list(more(figures)) if more is not None else []


def key_findings_public(safe_findings: pd.DataFrame, labels: dict[str, str], *, small_group: int = SMALL_GROUP,
                        psych_offered: bool = True, planned_sessions: int | None = None,
                        rule: DisclosureRule = DISCLOSURE,
                        more: Callable[[Figures], Iterable[str]] | None = None) -> list[str]:
    """``key_findings`` from the public findings (``disclosure.control.public_findings`` or ``read_public``):
    counts said to be "about" their rounded value, suppressed figures said to be withheld, never
    guessed; the last sentence says what "about" and "withheld" mean."""
    figures = Figures(safe_findings, public=True, rule=rule)
    return [*_key_findings(figures, labels, small_group, psych_offered, planned_sessions), *_more(figures, more),
            disclosure_note(rule)]


def _key_findings_level(figures: Figures, labels: dict[str, str], small_group: int,
                        reasons: Mapping[tuple[str, str], str] | None = None) -> list[str]:
    sentences = list(flow_sentences(figures))
    for item in config.RATING_ITEMS:
        for role in config.ROLES:
            reason = (reasons or {}).get((item, role), "")
            if sentence := pooled_sentence(figures, item, role, labels.get(item, item), small_group, reason):
                sentences.append(sentence)
    sentences += yes_no_sentences(figures)
    sentences += dose_sentences(figures, labels, small_group, pooled=True)
    return sentences


def key_findings_level(level_findings: pd.DataFrame, labels: dict[str, str], *, small_group: int = SMALL_GROUP,
                       reasons: Mapping[tuple[str, str], str] | None = None,
                       more: Callable[[Figures], Iterable[str]] | None = None) -> list[str]:
    """The key findings of a region's or the nation's report (``findings.level.people_findings``): the flow
    summed over the cohorts; each item's pooled mean change by role with its Hartung-Knapp interval,
    the cohorts (k) and people it rests on, and the variation between cohorts in words; the yes/no
    questions summed. ``reasons``: why an item and role has no pooled figure
    (``findings.level.LevelResults.reasons``); ``more``: as ``key_findings``'s."""
    figures = Figures(level_findings, public=False)
    return [*_key_findings_level(figures, labels, small_group, reasons), *_more(figures, more)]


def key_findings_level_public(safe_level_findings: pd.DataFrame, labels: dict[str, str], *,
                              small_group: int = SMALL_GROUP, rule: DisclosureRule = DISCLOSURE,
                              more: Callable[[Figures], Iterable[str]] | None = None) -> list[str]:
    """``key_findings_level`` from a level's public findings, with the note on rounding and withholding."""
    figures = Figures(safe_level_findings, public=True, rule=rule)
    return [*_key_findings_level(figures, labels, small_group), *_more(figures, more), disclosure_note(rule)]


def bullet_list(sentences: list[str]) -> str:
    """Sentences as a Markdown bullet list (the sentences are already escaped)."""
    return "\n".join(f"- {sentence}" for sentence in sentences)


# chart titles that state the finding (GOV.UK Analysis Function, "Data visualisation: charts") -----------
def headline_flow(findings: pd.DataFrame) -> str:
    """"7 of 11 mentors and 3 of 7 mentees completed the end survey" (a cohort's or a level's findings)."""
    figures = Figures(findings, public=False)
    roles = _roles(figures, "flow", "enrolled")
    return completion(figures, roles) if roles else "Participant flow"


def headline_change(findings: pd.DataFrame, item: str, labels: dict[str, str]) -> str:
    """A paired plot's title: the item, then for each role what changed, e.g. "Confidence talking ...
    with senior leaders: mentors higher at the end (8.1 to 9.0, 7 people); mentees no clear change
    (3 people)"."""
    figures = Figures(findings, public=False)
    phrases = []
    for role in _roles(figures, item, "change_mean"):
        n = figures.n(item, role, "change_mean")
        if math.isnan(n) or n == 0:
            continue
        change, low, high = (figures.value(item, role, s) for s in CHANGE)
        pre, post = (figures.value(item, role, s) for s in PAIRED_MEANS)
        verdict = change_verdict(change, low, high)
        people = f"{round(n)} {_noun(config.ALL_ROLES, n)}"
        if verdict in (HIGHER, LOWER):
            moved = (f"mean change {signed(change)}" if math.isnan(pre) or math.isnan(post)
                     else f"{one_decimal(pre)} to {one_decimal(post)}")
            phrases.append(f"{ROLE_WORDS[role][1]} {verdict} ({moved}, {people})")
        else:
            phrases.append(f"{ROLE_WORDS[role][1]} {UNCLEAR} ({people})")
    label = labels.get(item, item)
    return f"{label}: {'; '.join(phrases)}" if phrases else label


def headline_yes_no(findings: pd.DataFrame, item: str) -> str:
    """"6 of 7 mentors and 3 of 3 mentees found the psychological sessions supportive"."""
    figures = Figures(findings, public=False)
    parts = [f"{round(yes)} of {round(figures.n(item, r, 'yes_count'))} {ROLE_WORDS[r][1]}"
             for r in _roles(figures, item, "yes_count") if not math.isnan(yes := figures.value(item, r, "yes_count"))]
    return f"{' and '.join(parts)} {YES_NO_WORDS[item]}" if parts else YES_NO_WORDS[item].capitalize()


def headline_sessions(findings: pd.DataFrame) -> str:
    """"Mentors reported 4.0 mentoring sessions on average (7 people), mentees 3.3 (3 people)"."""
    figures = Figures(findings, public=False)
    parts = [(ROLE_WORDS[r][1], one_decimal(mean), round(figures.n("sessions_reported", r, "mean")))
             for r in _roles(figures, "sessions_reported", "mean")
             if not math.isnan(mean := figures.value("sessions_reported", r, "mean"))]
    if not parts:
        return "Mentoring sessions reported"
    (who, mean, n), *rest = parts
    return (f"{who.capitalize()} reported {mean} mentoring sessions on average ({n} people)"
            + "".join(f", {who} {mean} ({n} people)" for who, mean, n in rest))


def headline_pooled(level_findings: pd.DataFrame, item: str, role: str, labels: dict[str, str]) -> str:
    """A forest plot's title: "Mentees' confidence ...: higher at the end across 4 cohorts (pooled
    change +1.2, 95% CI 0.3 to 2.1)", or that fewer than 2 cohorts could be pooled."""
    figures = Figures(level_findings, public=False)
    subject = _subject(role, labels.get(item, item), markdown=False)
    k = figures.value(item, role, "k")
    change, low, high = (figures.value(item, role, s) for s in POOLED)
    cohorts = 0 if math.isnan(k) else round(k)
    if cohorts < 2 or math.isnan(change):
        return f"{subject}: fewer than 2 cohorts could be pooled"
    verdict = change_verdict(change, low, high)
    if verdict == NO_INTERVAL:
        return f"{subject}: {UNCLEAR} across {cohorts} cohorts (pooled change {signed(change)})"
    return (f"{subject}: {verdict} across {cohorts} cohorts (pooled change {signed(change)}, "
            f"{_interval(figures, item, role, POOLED[1:])})")


def headline_category(counts: pd.DataFrame, what: str, by_role: bool = False) -> str:
    """A category chart's title from its tidy counts (``descriptive``: category, role, count, n), for
    everyone: "The most common channel was EDI network (7 of 18 people who answered)"; ``what`` names
    the categories ("channel", "ethnic group"). ``by_role``: for mentors and mentees apart (an ethnic
    group pooled over the two roles says nothing true of either, in a programme whose mentors are from
    the under-represented group): "Mentors: most often Asian (4 of 11); mentees: White (7 of 7)".
    Plain text: the caller escapes it."""
    if by_role:
        parts = []
        for role in config.ROLES:
            mine = counts[(counts["role"] == role) & (counts["count"] > 0)]
            if mine.empty:
                continue
            top = mine.sort_values(["count", "category"], ascending=[False, True]).iloc[0]
            tied = int((mine["count"] == top["count"]).sum())
            most = f"{top['category']}" if tied == 1 else f"{tied} tied, among them {top['category']}"
            parts.append(f"{ROLE_WORDS[role][1]}: {'most often ' if not parts else ''}{most} "
                         f"({round(top['count'])} of {round(top['n'])})")
        text = "; ".join(parts) or f"no {what} was given"
        return f"{what[:1].upper()}{what[1:]} by role: {text}"
    everyone = counts[counts["role"] == config.ALL_ROLES]
    if everyone.empty or everyone["count"].max() <= 0:
        return f"No {what} was given"
    top = everyone.sort_values(["count", "category"], ascending=[False, True]).iloc[0]
    tied = int((everyone["count"] == top["count"]).sum())
    lead = f"The most common {what} was {top['category']}" if tied == 1 else (
        f"{tied} answers were equally the most common {what}, among them {top['category']}")
    return f"{lead} ({round(top['count'])} of {round(top['n'])} people who answered)"
