"""The one-page summary every report opens with: what a board needs to know, in its order, and no more.

A board reads three to six headlines and decides; the full key findings (``report.summary``) follow
for whoever wants them. The headlines are ranked as the board's questions are (issue 18):

1. **the change in confidence**: on how many of the confidence questions each role ended higher,
   with the clearest change in words and numbers;
2. **did it last, and did others see it** (where a follow-up or the team's feedback was supplied:
   data contract, section 8): the change 6-12 months on, and the mentees' teams' view before and
   after (``lasting_headline``, in the words of ``report.instruments``);
3. **who took part and stayed**: enrolled, completed the end survey, withdrew;
4. **what the psychological input added**: how many found the sessions supportive, and whether
   those who attended more ended with more confidence (an association, said as one);
5. **what to do next**: one or two actions that follow from the figures by stated rules
   (``next_steps``), never from judgement the figures do not support.

Each headline carries its number and the people it rests on. One line then says how far the
evidence goes (``evidence_line``), and one chart shows every change with its uncertainty
(``change_rows``, drawn by ``report.figures.change_chart``). Statistical names (Hedges, Spearman,
ANCOVA, Hartung-Knapp) stay out: an interval is "likely between", a clear change is one whose 95%
interval leaves out no change, as in the key findings (``summary.change_verdict``).

Everything is read through ``summary.Figures``, so a public summary says exactly what the public
findings say: counts "about" their rounded value, a withheld figure withheld (with its safe band
where the findings give one), never worked out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import pandas as pd

from rm_research.core import config
from rm_research.core.config import SETTINGS
from rm_research.core.rounding import decimals
from rm_research.core.safety import escape_markdown
from rm_research.disclosure.control import share_band
from rm_research.report import evidence as evidence_page
from rm_research.report import figures as charts
from rm_research.report import instruments as further
from rm_research.report.page import PAGE_BREAK, Page
from rm_research.report.summary import (
    CHANGE,
    DOSE_ITEM,
    HIGHER,
    LOWER,
    PAIRED_MEANS,
    POOLED,
    POOLED_PRIMARY_DOSE,
    PRIMARY_DOSE,
    ROLE_WORDS,
    SCALE,
    SMALL_GROUP,
    UNCLEAR,
    WITHHELD,
    Figures,
    change_verdict,
    could_be_small,
    lower_first,
    possessive,
)

#: Completion of the end survey below this share is a finding a board acts on: the changes then rest
#: on a minority of those who enrolled. 70% is the response rate below which survey guidance commonly
#: asks for a non-response check (docs/methods.md, "The one-page summary").
LOW_COMPLETION: Final = 0.70
#: Half or more of those who answered missing a mentoring session is a finding a board acts on.
MANY_MISSED: Final = 0.5
#: Fewer cohorts than this pooled: the region's or the nation's picture is still forming (the same
#: threshold as a prediction interval, ``summary.MIN_COHORTS_FOR_PREDICTION``).
FEW_COHORTS: Final = 5
#: The columns of ``change_rows``: one row per confidence question and role.
CHANGE_COLUMNS: Final = ("item", "label", "role", "estimate", "low", "high", "n", "verdict", "withheld")


@dataclass(frozen=True)
class Headline:
    """One headline of the summary: ``title``, a few words in bold; ``text``, the finding with its
    number (Markdown, data-derived words escaped); ``rests_on``, the people (or cohorts) behind it."""

    title: str
    text: str
    rests_on: str

    def markdown(self) -> str:
        """The headline as one Markdown list item's text."""
        return f"**{self.title}.** {self.text} *({self.rests_on})*"


def _people(count: float, figures: Figures, what: str, noun: str = "people") -> str:
    """"7 mentors answered both surveys: few, so read with care"."""
    if not math.isnan(count) and round(count) == 1:
        noun = {"people": "person", "mentors": "mentor", "mentees": "mentee"}.get(noun, noun)
    small = ": few, so read with care" if could_be_small(count, figures.public, SMALL_GROUP, figures.rule) else ""
    return f"{figures.counted(count)} {noun} {what}{small}"


def change_rows(figures: Figures, labels: dict[str, str], pooled: bool = False) -> pd.DataFrame:
    """Every confidence question's change by role (``CHANGE_COLUMNS``): a cohort's mean change over the
    people who answered both surveys, or (``pooled``) a region's or the nation's pooled change; its
    95% interval; the people it rests on; its verdict (``summary.change_verdict``); and whether the
    findings withhold it (its numbers are then NaN, never guessed)."""
    statistics = POOLED if pooled else CHANGE
    rows = []
    for item in config.RATING_ITEMS:
        mine = []
        for role in (*config.ROLES, config.ALL_ROLES):
            if not figures.has(item, role, statistics[0]):
                continue
            withheld = figures.withheld(item, role, *statistics)
            if role == config.ALL_ROLES and (withheld or (mine and not any(row[-1] for row in mine))):
                continue  # everyone's only where a role's is withheld (a public page) and everyone's is not
            estimate, low, high = (math.nan,) * 3 if withheld else (figures.value(item, role, s) for s in statistics)
            n = figures.n(item, role, statistics[0])
            verdict = WITHHELD if withheld else change_verdict(estimate, low, high)
            mine.append((item, labels.get(item, item), role, estimate, low, high, n, verdict, withheld))
        rows += mine
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))


def _points(value: float) -> str:
    """A change in points as the reports print it: one decimal, halves away from zero, with its sign."""
    return decimals(value, 1, sign=True)


def _likely(low: float, high: float) -> str:
    """"likely between +0.2 and +1.5 points"; where no interval could be computed (one person, or every
    change the same), says so."""
    if math.isnan(low) or math.isnan(high):
        return "no range could be computed"
    return f"likely between {_points(low)} and {_points(high)} points"


def confidence_headline(figures: Figures, labels: dict[str, str], pooled: bool = False,
                        trend_per: str = "year") -> Headline | None:
    """Headline 1: on how many questions each role ended higher, and the clearest change in words; pooled,
    with whether later cohorts gained more (``trend_sentence``, per ``trend_per``)."""
    rows = change_rows(figures, labels, pooled)
    if rows.empty:
        return None
    shown = rows[~rows["withheld"]]
    if shown.empty:
        where = ("" if pooled else ": see the region's report, which pools this cohort with others")
        return Headline("Confidence", f"Every change in confidence is {WITHHELD}{where}.",
                        "the groups are too small to publish")
    parts = []
    for role in (*config.ROLES, config.ALL_ROLES):
        mine = shown[shown["role"] == role]
        if mine.empty:
            continue
        higher = int((mine["verdict"] == HIGHER).sum())
        lower = int((mine["verdict"] == LOWER).sum())
        fell = f" (lower on {lower})" if lower else ""
        questions = "confidence question" if len(mine) == 1 else "confidence questions"
        what = f" {questions}" if not parts else ""
        parts.append(f"{ROLE_WORDS[role][1]} {'ended higher on ' if not parts else 'on '}{higher} of {len(mine)}{what}"
                     f"{fell}")
    clear = shown[shown["verdict"].isin([HIGHER, LOWER])]
    estimated = shown[shown["estimate"].notna()]
    if clear.empty and estimated.empty:
        best = shown.iloc[0]
        example = "No change could be estimated: too few people answered both surveys."
    elif clear.empty:
        best = estimated.loc[estimated["n"].fillna(0).idxmax()]
        example = (f"No question showed a clear change: the largest group, {ROLE_WORDS[best['role']][1]} on "
                   f"{escape_markdown(lower_first(best['label']))}, moved {_points(best['estimate'])} points "
                   f"({_likely(best['low'], best['high'])}), which could be no change at all.")
    else:
        best = clear.loc[clear["low"].abs().combine(clear["high"].abs(), min).idxmax()]
        label = escape_markdown(lower_first(best["label"]))
        subject = f"{possessive(ROLE_WORDS[best['role']][1].capitalize())} {label}"
        moved = "rose" if best["verdict"] == HIGHER else "fell"
        means = "" if pooled else _means(figures, best["item"], best["role"])
        example = (f"{subject} {moved}{means} ({_points(best['estimate'])} points on the {SCALE} scale, "
                   f"{_likely(best['low'], best['high'])}).")
    across = "pooled across cohorts" if pooled else "answered both surveys"
    role = ROLE_WORDS[best["role"]][1]
    opening = ", ".join(parts)
    if pooled and (over_time := trend_sentence(figures, trend_per)):
        example = f"{example} {over_time}"
    return Headline("Confidence", f"{opening[:1].upper()}{opening[1:]}. {example}",
                    _people(best["n"], figures, f"{across}", noun=role))


def _means(figures: Figures, item: str, role: str) -> str:
    pre, post = (figures.value(item, role, s) for s in PAIRED_MEANS)
    return "" if math.isnan(pre) or math.isnan(post) else f" from {decimals(pre, 1)} to {decimals(post, 1)}"


def lasting_headline(figures: Figures, labels: dict[str, str]) -> Headline | None:
    """Headline 2, where the page has follow-up or team feedback findings: whether everyone's change lasted
    6-12 months on, and how the mentees' teams rated them before and after (``report.instruments``)."""
    lasted = further.lasting_sentence(figures, labels, brief=True)
    seen = further.team_sentence(figures, brief=True)
    found = [(sentence, rests) for sentence, rests in ((lasted, "those followed up 6-12 months on"),
                                                        (seen, "the mentees' teams")) if sentence]
    if not found:
        return None
    title = "Did it last, and did others see it" if lasted and seen else "Did it last" if lasted else \
        "Did others see it"
    return Headline(title, " ".join(sentence for sentence, _ in found), "; ".join(r for _, r in found))


def participation_headline(figures: Figures) -> Headline | None:
    """Headline 3: who enrolled, who completed the end survey (and what share), who withdrew."""
    everyone = config.ALL_ROLES
    if not figures.has("flow", everyone, "enrolled"):
        return None
    if figures.withheld("flow", everyone, "enrolled"):
        return Headline("Who took part", f"How many took part and stayed is {WITHHELD}.",
                        "the groups are too small to publish")
    enrolled = figures.value("flow", everyone, "enrolled")
    completed = figures.value("flow", everyone, "completed_end_survey")
    if figures.withheld("flow", everyone, "completed_end_survey"):
        return Headline("Who took part and stayed", f"{figures.counted(enrolled).capitalize()} people enrolled; how "
                        f"many completed the end survey is {WITHHELD}.", "everyone enrolled")
    roles = [r for r in config.ROLES
             if figures.has("flow", r, "enrolled") and not figures.withheld("flow", r, "enrolled")]
    split = " and ".join(f"{figures.counted(figures.value('flow', r, 'enrolled'))} {ROLE_WORDS[r][1]}" for r in roles)
    share = f" ({completed / enrolled:.0%})" if enrolled > 0 and not figures.public else ""
    withdrawn = figures.value("flow", everyone, "withdrawn")
    left = (f"; {figures.counted(withdrawn)} withdrew" if not math.isnan(withdrawn) and withdrawn > 0
            and not figures.withheld("flow", everyone, "withdrawn") else "")
    return Headline("Who took part and stayed",
                    f"{figures.counted(enrolled).capitalize()} people enrolled{f' ({split})' if split else ''}; "
                    f"{figures.counted(completed)}{share} completed the end survey{left}.",
                    "everyone enrolled")


def psychological_headline(figures: Figures, pooled: bool = False, offered: bool = True) -> Headline | None:
    """Headline 4: whether people found the psychological sessions supportive, and whether those who
    attended more ended with more confidence at the same starting point (an association only)."""
    if not offered:
        return Headline("Psychological input", "No psychological sessions were offered, so this report cannot say "
                        "what they add; the region's and the national reports compare programmes that offered them.",
                        "the programme's settings")
    parts, rests = [], ""
    everyone = config.ALL_ROLES
    if figures.has("psych_supportive", everyone, "yes_count"):
        yes, n = figures.value("psych_supportive", everyone, "yes_count"), figures.n("psych_supportive", everyone,
                                                                                      "yes_count")
        if figures.withheld("psych_supportive", everyone, "yes_count", n_of="yes_count"):
            band = share_band(figures.why("psych_supportive", everyone, "yes_count"), n, figures.rule)
            parts.append(f"{band.capitalize()} of those who answered found the sessions supportive" if band
                         else f"how many found the sessions supportive is {WITHHELD}")
        elif not math.isnan(yes) and n > 0:
            parts.append(f"{figures.counted(yes)} of {figures.counted(n)} who answered found the sessions supportive")
        rests = _people(n, figures, "answered")
    primary = POOLED_PRIMARY_DOSE if pooled else PRIMARY_DOSE
    if figures.has("psych_effect", everyone, primary[0]):
        if figures.withheld("psych_effect", everyone, *primary, n_of=primary[0]):
            parts.append(f"whether attending more went with more confidence is {WITHHELD}")
        else:
            slope, low, high = (figures.value("psych_effect", everyone, s) for s in primary)
            verdict = change_verdict(slope, low, high)
            if verdict == HIGHER:
                per = decimals(slope, 2, sign=True)
                parts.append(f"those who attended more sessions ended more confident than others who started at the "
                             f"same point ({per} points a session): an association only, not evidence that the "
                             "sessions made the difference")
            elif verdict == LOWER:
                parts.append(f"those who attended more sessions ended less confident than others who started at the "
                             f"same point ({decimals(slope, 2, sign=True)} points a session), an association only")
            elif verdict == UNCLEAR:
                parts.append("those who attended more sessions did not clearly end more confident than others who "
                             "started at the same point")
            people = _people(figures.n("psych_effect", everyone, primary[0]), figures,
                             "with a count of sessions attended")
            rests = f"{rests}; {people}" if rests else people
    if pooled and (between := _between_programmes(figures)):
        parts.append(between)
        cohorts = figures.value(DOSE_ITEM, everyone, "k")
        rests = f"{rests}; {cohorts:.0f} cohorts compared" if not math.isnan(cohorts) else rests
    if not parts:
        return None
    text = "; ".join(parts)
    return Headline("Psychological input", f"{text[:1].upper()}{text[1:]}.", rests or "those who answered")


def _everyone_slope(figures: Figures, statistics: tuple[str, str, str], unit: str) -> tuple[str, str] | None:
    """Everyone's meta-regression slope of the headline item (``statistics``: slope, low, high), as its
    verdict (``summary.change_verdict``, or ``WITHHELD``) and its size in words ("+0.28 points a session
    offered, likely between ..."); None where the findings have none."""
    everyone = config.ALL_ROLES
    if not figures.has(DOSE_ITEM, everyone, statistics[0]):
        return None
    if figures.withheld(DOSE_ITEM, everyone, *statistics):
        return WITHHELD, ""
    slope, low, high = (figures.value(DOSE_ITEM, everyone, s) for s in statistics)
    if math.isnan(slope):
        return None
    return change_verdict(slope, low, high), f"{decimals(slope, 2, sign=True)} points {unit}, {_likely(low, high)}"


def _slope_words(figures: Figures, statistics: tuple[str, str, str], unit: str, withheld: str, clear: str,
                 unclear: str, words: tuple[str, str]) -> str:
    """A meta-regression on everyone (``_everyone_slope``) in a board's words: ``withheld``, ``clear`` (with
    ``{size}`` and ``{more}``, the first of ``words`` for a rise, the second for a fall) or ``unclear`` (with
    ``{size}``); empty where there is no such figure."""
    found = _everyone_slope(figures, statistics, unit)
    if found is None:
        return ""
    verdict, size = found
    if verdict == WITHHELD:
        return withheld
    if verdict in (HIGHER, LOWER):
        return clear.format(size=size, more=words[0] if verdict == HIGHER else words[1])
    return unclear.format(size=size)


def _between_programmes(figures: Figures) -> str:
    """The meta-regression on sessions offered (``findings.evidence``), for the board: the cohorts compared."""
    return _slope_words(figures, evidence_page.PSYCH, "a session offered",
                        f"whether programmes that offered more sessions saw larger changes is {WITHHELD}",
                        "programmes offering more saw {more} changes ({size}), an association between programmes only",
                        "the cohorts so far cannot show whether programmes offering more see larger changes ({size})",
                        ("larger", "smaller"))


def trend_sentence(figures: Figures, per: str = "year") -> str:
    """A region's or the nation's answer to "is it improving?", for the confidence headline: whether later
    cohorts changed more than earlier ones (the meta-regression on the cohorts' start, ``findings.evidence``)
    on confidence with senior leaders, per ``per`` ("year", or "cohort number" where a region's cohorts
    have no dates: ``findings.evidence.trend_unit``); empty where there is no such figure."""
    return _slope_words(figures, evidence_page.TREND, f"per later {per}",
                        f"Whether later cohorts changed more than earlier ones is {WITHHELD}.",
                        "Later cohorts gained {more} than earlier ones ({size}).",
                        "The cohorts so far cannot show whether later ones gain more or less ({size}).",
                        ("more", "less"))


def next_steps(figures: Figures, pooled: bool = False, level: str = "") -> Headline:
    """Headline 5: one or two actions that follow from the figures by these rules, in this order:

    - fewer than ``LOW_COMPLETION`` of those enrolled completed the end survey: chase it, since the
      changes rest on those who did;
    - (a region or the nation) fewer than ``FEW_COHORTS`` cohorts pooled: keep adding cohorts before
      firm conclusions; (a cohort) a role with fewer than ``summary.SMALL_GROUP`` answering both
      surveys: read its change with its region's pooled figures;
    - ``MANY_MISSED`` or more of those who answered missed a mentoring session: protect the time;
    - otherwise: keep running and evaluating the programme the same way.
    """
    actions = []
    everyone = config.ALL_ROLES
    enrolled = figures.value("flow", everyone, "enrolled")
    completed = figures.value("flow", everyone, "completed_end_survey")
    if enrolled > 0 and completed / enrolled < LOW_COMPLETION:
        actions.append(f"Raise the end-survey response: {figures.counted(completed)} of {figures.counted(enrolled)} "
                       "completed it, and every change in this report rests on them")
    if pooled:
        k = figures.value(config.RATING_ITEMS[0], "mentee", "k")
        if not math.isnan(k) and k < FEW_COHORTS:
            where = escape_markdown(level) or "this level"
            actions.append(f"Keep adding cohorts before drawing firm conclusions: {where} pools only {round(k)} so far")
        if sizes := _cohort_size(figures):
            actions.append(f"Size the next cohort for at least {sizes}")
    else:
        item = config.RATING_ITEMS[0]  # a withheld n is no evidence of a small group: it is not counted
        small = [r for r in config.ROLES if figures.has(item, r, "change_mean")
                 and not figures.withheld(item, r, n_of="change_mean")
                 and could_be_small(figures.n(item, r, "change_mean"), figures.public, SMALL_GROUP, figures.rule)]
        if small:
            actions.append(f"Read this cohort's changes for {' and '.join(ROLE_WORDS[r][1] for r in small)} with the "
                           "region's pooled figures: too few answered both surveys to show a change clearly alone")
    yes, n = figures.value("missed_any", everyone, "yes_count"), figures.n("missed_any", everyone, "yes_count")
    if n > 0 and yes / n >= MANY_MISSED:
        actions.append(f"Protect mentoring time: {figures.counted(yes)} of {figures.counted(n)} who answered missed at "
                       "least one session")
    unknown = figures.withheld("flow", everyone, "enrolled", "completed_end_survey") \
        or figures.withheld("missed_any", everyone, "yes_count", n_of="yes_count")
    if not actions and unknown:
        actions.append("See the region's report: the figures these rules read are withheld here")
    elif not actions:
        actions.append("Keep running and evaluating the programme the same way: the figures raise no concern that "
                       "these rules look for")
    return Headline("What to do next", ". ".join(actions[:2]) + ".", "the rules in the methods")


#: More people of a role than this in one cohort is beyond any programme seen (cohorts of 8 to 40 people):
#: the board is told the size for the smallest change that matters instead.
LARGEST_ROLE: Final = 100


def _cohort_size(figures: Figures) -> str:
    """"10 mentees and 12 mentors with both surveys": the people a new cohort needs to show a change like the pooled one
    (``pairs_needed``), where published; where that is more than ``LARGEST_ROLE``, the people needed for
    the smallest change that matters (``optimal_information_size``), said as such."""
    parts, smallest = [], False
    for role in config.ROLES[::-1]:  # mentees first: the programme's leaders
        needed = figures.value(DOSE_ITEM, role, "pairs_needed")
        if needed > LARGEST_ROLE:
            needed, smallest = figures.value(DOSE_ITEM, role, "optimal_information_size"), True
        if not math.isnan(needed):
            parts.append(f"{needed:.0f} {ROLE_WORDS[role][1]}")
    if not parts:
        return ""
    change = f" (enough to show a change of {SETTINGS.smallest_change_that_matters:g} point)" if smallest else ""
    return " and ".join(parts) + " with both surveys" + change


def evidence_line(figures: Figures, pooled: bool = False) -> str:
    """How far the evidence goes, in one line."""
    everyone = config.ALL_ROLES
    enrolled = figures.value("flow", everyone, "enrolled")
    people = f"{figures.counted(enrolled)} people" if not math.isnan(enrolled) else "the people"
    if pooled:
        k = max((figures.value(i, r, "k") for i in config.RATING_ITEMS for r in config.ROLES
                 if figures.has(i, r, "k")), default=math.nan)
        cohorts = f" in {round(k)} cohorts" if not math.isnan(k) else ""
        spread = " Cohorts can differ, so a new cohort's change may fall outside the pooled range."
    else:
        cohorts, spread = "", ""
    certainty = ""
    if pooled and figures.has(DOSE_ITEM, everyone, "certainty"):
        rating, _ = evidence_page.certainty_words(figures, DOSE_ITEM, everyone)
        if rating not in ("withheld", "not rated"):
            down = [words for domain, words in CONCERNS.items()
                    if figures.value(DOSE_ITEM, everyone, f"certainty_{domain}") > 0]
            certainty = (f" Certainty of the pooled change in confidence with senior leaders: **{rating}**"
                         + (f" ({', '.join(down)})." if down else "."))
            spread = ""  # the certainty's concerns say whether cohorts differ
    return (f"**How far the evidence goes:** surveys of {people}{cohorts} at enrolment and at the end, with no "
            "comparison group, so the figures show what changed, not why; a change is called clear only "
            f"where its likely range leaves out no change.{spread}{certainty}")


#: The concerns a certainty rating is rated down for, in a board's words (``findings.evidence.DOMAINS``).
CONCERNS: Final = {"inconsistency": "cohorts differ", "imprecision": "a wide range",
                   "small_numbers": "few people", "small_studies": "small cohorts report differently"}


def headlines(figures: Figures, labels: dict[str, str], *, pooled: bool = False, psych_offered: bool = True,
              level: str = "", trend_per: str = "year") -> list[Headline]:
    """The summary's three to six headlines, in the board's order (module docstring)."""
    found = [confidence_headline(figures, labels, pooled, trend_per), lasting_headline(figures, labels),
             participation_headline(figures),
             psychological_headline(figures, pooled, psych_offered), next_steps(figures, pooled, level)]
    return [h for h in found if h is not None]


def summary_markdown(found: list[Headline], evidence: str) -> str:
    """The headlines as a numbered list, then the evidence line."""
    return "\n".join(f"{number}. {h.markdown()}" for number, h in enumerate(found, start=1)) + f"\n\n{evidence}"


#: The summary's heading (the section starts a page: ``report.page.Section.new_page``; a break ends it).
TITLE: Final = "Summary"
INTRO: Final = ("What a board needs to know, on one page: each headline with its number and the people it rests on. "
                "The key findings that follow give every figure.")


def show_summary(page: Page, labels: dict[str, str], *, pooled: bool = False, psych_offered: bool = True,
                 level: str = "", trend_per: str = "year") -> None:
    """The one-page summary on ``page``: the headlines, the evidence line and the chart of every change,
    then a page break, so that it prints (and opens in Word) as a page of its own."""
    figures = Figures(page.findings, public=page.public, rule=page.settings.disclosure,
                      confidence=page.settings.analysis.confidence)
    found = headlines(figures, labels, pooled=pooled, psych_offered=psych_offered, level=level, trend_per=trend_per)
    page.markdown(summary_markdown(found, evidence_line(figures, pooled)))
    rows = change_rows(figures, labels, pooled)
    if not rows.empty:
        what = "pooled change" if pooled else "change"
        page.figure(charts.change_chart(rows, f"The {what} in confidence on each question, by role",
                                        withheld=f"withheld ({page.settings.disclosure.mark})"
                                        if page.public else "withheld"))
    page.html(PAGE_BREAK)
