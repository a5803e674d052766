"""The evidence for the next decision on a region's or the nation's page (issue 19): its sentences
and tables, read from the findings rows of contract section 9 (``findings.evidence``).

Everything here reads the findings through ``summary.Figures``, so the internal page (numbers) and
the public page (the protected findings: text, the rule's mark where withheld) say the same thing in
the same words, and a withheld figure is said to be withheld, never worked out. The internal page
adds the figures only it can draw (the bubble plot with each cohort's weight, the cumulative forest
plot, the cohort sizes seen): those are in ``report.level_page``.

The sentences never call an association between programmes an effect: a meta-regression on the
sessions a programme offered compares programmes, which differ in more than their sessions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

import pandas as pd

from rm_research.core import config
from rm_research.core.config import SETTINGS, AnalysisSettings
from rm_research.core.rounding import decimals
from rm_research.findings import evidence
from rm_research.report.summary import DOSE_ITEM, ROLE_WORDS, WITHHELD, Figures
from rm_research.report.tables import change_cell, p_cell, people_cell, shown_cell
from rm_research.stats import meta, metareg
from rm_research.stats.nonparametric import smallest_p
from rm_research.stats.planning import POWER

PSYCH: Final = ("moderator_psych_slope", "moderator_psych_ci_low", "moderator_psych_ci_high")
TREND: Final = ("trend_slope", "trend_ci_low", "trend_ci_high")
WITHIN: Final = ("pooled_ancova_slope", "pooled_ancova_ci_low", "pooled_ancova_ci_high")
BETWEEN_AND_WITHIN: Final = (
    "Two different questions. *Between programmes*: do cohorts whose programme offered more psychological "
    "sessions change more? (a meta-regression over the cohorts; each cohort one point, so it compares programmes, "
    "which also differ in their people, facilitators and year). *Within programmes*: do people who attended more "
    "of the sessions their programme offered end more confident than others in the same cohort who started at the "
    "same point? (the pooled ANCOVA with cohort fixed effects; it compares people, who also chose how many to "
    "attend). Neither is an experiment: agreement between them makes an effect more plausible, not proven.")


def keys(figures: Figures, statistic: str = "k") -> list[tuple[str, str]]:
    """(item, role) in the order of the items, then the roles (everyone last), where the findings hold
    ``statistic``."""
    return [(item, role) for item in config.RATING_ITEMS for role in (*config.ROLES, config.ALL_ROLES)
            if figures.has(item, role, statistic)]


def _role(role: str) -> str:
    return "Everyone" if role == config.ALL_ROLES else ROLE_WORDS[role][1].capitalize()


def _cohorts(figures: Figures, item: str, role: str) -> str:
    k = figures.value(item, role, "k")
    return "–" if math.isnan(k) else f"{k:.0f}"


def _why_blank(figures: Figures, item: str, role: str, fewest: int, what: str) -> str:
    """Why a figure of the evidence is not given: withheld, too few cohorts, or (a meta-regression) no
    spread in its moderator."""
    if figures.withheld(item, role, what):
        return WITHHELD
    k = figures.value(item, role, "k")
    if math.isnan(k) or k < fewest:
        return f"needs at least {fewest} cohorts pooled"
    return "every cohort had the same value" if what in evidence.PSYCH_STATISTICS else "could not be computed"


def slope_sentence(figures: Figures, item: str, role: str, *, statistics: tuple[str, str, str],
                   per: str, association: str) -> str:
    """One meta-regression slope in words: the change per ``per``, its likely range, and what it does
    and does not mean (``association``); or why it is not given."""
    who = ROLE_WORDS[role][1]
    what = item_words(item)
    if figures.withheld(item, role, *statistics):
        return f"{who.capitalize()}, {what}: withheld ({figures.because(item, role, *statistics, pooled=True)})."
    slope, low, high = (figures.value(item, role, s) for s in statistics)
    if math.isnan(slope):
        fewest = evidence.FEWEST_COHORTS[statistics[0]]
        return f"{who.capitalize()}, {what}: not estimated ({_why_blank(figures, item, role, fewest, statistics[0])})."
    direction = "larger" if slope >= 0 else "smaller"
    if low > 0 or high < 0:
        verdict = "a clear pattern: the likely range leaves out no difference"
    else:
        verdict = "no clear pattern: the likely range includes no difference"
    return (f"{who.capitalize()}, {what}: each {per} went with a mean change {decimals(abs(slope), 2)} points "
            f"{direction} (likely between {decimals(low, 2, sign=True)} and {decimals(high, 2, sign=True)} points over "
            f"{_cohorts(figures, item, role)} cohorts), {verdict}. {association}")


PSYCH_ASSOCIATION: Final = ("This compares programmes, not people: an association between cohorts, not the effect "
                            "of the sessions.")
TREND_ASSOCIATION: Final = ("Later cohorts also differ in their regions and programmes, so a trend is a pattern "
                            "over time, not its cause.")


def psych_sentence(figures: Figures, item: str, role: str) -> str:
    """The meta-regression on psychological sessions offered, in words a board can read."""
    return slope_sentence(figures, item, role, statistics=PSYCH, per="extra psychological session offered",
                          association=PSYCH_ASSOCIATION)


def trend_sentence(figures: Figures, item: str, role: str, order_by: str = "start date") -> str:
    """The meta-regression on the cohorts' start, in words: per year (per cohort number where a cohort
    has no date)."""
    per = f"later {evidence.trend_unit(order_by)}"
    return slope_sentence(figures, item, role, statistics=TREND, per=per, association=TREND_ASSOCIATION)


def moderator_table(figures: Figures, labels: Mapping[str, str], statistics: tuple[str, ...], per: str
                    ) -> pd.DataFrame:
    """Each item and role's meta-regression slope (``statistics``: slope, low, high, p): cohorts, people,
    the change per ``per`` with its 95% Hartung-Knapp interval, and its p."""
    rows = []
    for item, role in keys(figures, statistics[0]):
        rows.append({"Question": labels.get(item, item), "Role": _role(role), "Cohorts": _cohorts(figures, item, role),
                     "People (answered both)": people_cell(figures, item, role, statistics[0]),
                     f"Change per {per} (95% CI)": change_cell(figures, item, role, statistics[:3]),
                     "p": p_cell(figures, item, role, statistics[3])})
    return pd.DataFrame(rows, columns=["Question", "Role", "Cohorts", "People (answered both)",
                                       f"Change per {per} (95% CI)", "p"])


def all_withheld(figures: Figures, statistic: str) -> bool:
    """Whether every item and role's ``statistic`` is withheld (a public page then says so in one line
    rather than showing a table of marks)."""
    found = keys(figures, statistic)
    return bool(found) and all(figures.withheld(item, role, statistic) for item, role in found)


def between_within_table(figures: Figures, item: str = DOSE_ITEM) -> pd.DataFrame:
    """The between-programme and the within-programme answers side by side, by role: the slope per
    psychological session *offered* (meta-regression over cohorts) and per session *attended* (the pooled
    ANCOVA with cohort fixed effects, ``psych_effect``), each with its 95% interval and the people it rests on."""
    rows = []
    for role in (*config.ROLES, config.ALL_ROLES):
        if not (figures.has(item, role, PSYCH[0]) or figures.has("psych_effect", role, WITHIN[0])):
            continue
        rows.append({"Role": _role(role),
                     "Between programmes: per session offered (95% CI)": change_cell(figures, item, role, PSYCH),
                     "Cohorts": _cohorts(figures, item, role),
                     "Within programmes: per session attended (95% CI)": change_cell(figures, "psych_effect", role,
                                                                                      WITHIN),
                     "People (within)": people_cell(figures, "psych_effect", role, WITHIN[0])})
    return pd.DataFrame(rows, columns=["Role", "Between programmes: per session offered (95% CI)", "Cohorts",
                                       "Within programmes: per session attended (95% CI)", "People (within)"])


def certainty_inputs(figures: Figures, item: str, role: str) -> evidence.CertaintyInputs:
    """What the certainty rating reads, as these findings hold it (NaN where withheld or blank)."""
    value = figures.value
    return evidence.CertaintyInputs(
        k=value(item, role, "k"), n=figures.n(item, role, "k"), ci_low=value(item, role, "pooled_ci_low"),
        ci_high=value(item, role, "pooled_ci_high"), i2=value(item, role, "i2"),
        pi_low=value(item, role, "pooled_pi_low"), pi_high=value(item, role, "pooled_pi_high"),
        ois=value(item, role, "optimal_information_size"), egger_p=value(item, role, "egger_p"))


def certainty_words(figures: Figures, item: str, role: str, settings: AnalysisSettings = SETTINGS
                    ) -> tuple[str, tuple[str, ...]]:
    """The certainty of an item and role's pooled change in words, and its reasons (``evidence.certainty_reasons``
    from the levels rated down the findings record); withheld or not rated, with why."""
    if figures.withheld(item, role, *evidence.CERTAINTY_STATISTICS):
        return "withheld", (WITHHELD,)
    level = figures.value(item, role, "certainty")
    if math.isnan(level):
        return "not rated", ("fewer than 2 cohorts could be pooled",)
    down = {domain: int(figures.value(item, role, f"certainty_{domain}")) for domain in evidence.DOMAINS}
    return (evidence.CERTAINTY_WORDS[int(level)],
            evidence.certainty_reasons(down, certainty_inputs(figures, item, role), settings))


def certainty_table(figures: Figures, labels: Mapping[str, str], settings: AnalysisSettings = SETTINGS
                    ) -> pd.DataFrame:
    """The summary of findings, in the style of a GRADE evidence profile: for each pooled outcome its
    cohorts and people, the pooled change with its interval, the prediction interval, I², the certainty
    and its reasons in words."""
    rows = []
    for item, role in keys(figures, "certainty"):
        rating, reasons = certainty_words(figures, item, role, settings)
        pi = _interval(figures, item, role, "pooled_pi_low", "pooled_pi_high")
        rows.append({"Question": labels.get(item, item), "Role": _role(role), "Cohorts": _cohorts(figures, item, role),
                     "People": people_cell(figures, item, role, "k"),
                     "Pooled change (95% CI)": change_cell(figures, item, role, ("pooled_change", "pooled_ci_low",
                                                                                 "pooled_ci_high")),
                     "Prediction interval": pi, "I² (%)": shown_cell(figures, item, role, "i2", 0),
                     "Certainty": rating, "Rated down for": "; ".join(reasons[1:]) if len(reasons) > 1 else reasons[0]})
    return pd.DataFrame(rows, columns=["Question", "Role", "Cohorts", "People", "Pooled change (95% CI)",
                                       "Prediction interval", "I² (%)", "Certainty", "Rated down for"])


def _interval(figures: Figures, item: str, role: str, low: str, high: str) -> str:
    """"-0.3 to 2.8"; the mark where withheld, a dash where blank."""
    if figures.withheld(item, role, low, high):
        return figures.rule.mark
    shown = [figures.show(item, role, s, 1, sign=True) for s in (low, high)]
    return "–" if "–" in shown else f"{shown[0]} to {shown[1]}"


def egger_sentence(figures: Figures, item: str = DOSE_ITEM, role: str = config.ALL_ROLES) -> str:
    """Egger's small-study check for one outcome in words, or why it was not run."""
    k = figures.value(item, role, "k")
    if figures.withheld(item, role, "egger_p"):
        return f"Egger's check for small-study effects: {WITHHELD}."
    p = figures.value(item, role, "egger_p")
    if math.isnan(p):
        shown = "–" if math.isnan(k) else f"{k:.0f}"
        return (f"Egger's check for small-study effects needs at least {metareg.EGGER_MIN_COHORTS} cohorts "
                f"pooled ({shown} here), so it was not run.")
    flagged = p < SETTINGS.egger_alpha
    return (f"Egger's check for small-study effects (whether small cohorts report different changes from large "
            f"ones): p = {p_cell(figures, item, role, 'egger_p')}, "
            + ("a sign that they do: the pooled change may lean on the small cohorts." if flagged
               else "no sign that they do."))


def planning_table(figures: Figures, labels: Mapping[str, str]) -> pd.DataFrame:
    """How big the next cohort must be: for each item and role, the pooled change, the people with both
    surveys a cohort needs to detect a change like it (``pairs_needed``) and to detect the smallest change
    that matters (``optimal_information_size``)."""
    smallest = f"People needed for a change of {SETTINGS.smallest_change_that_matters:g} point"
    rows = []
    for item, role in keys(figures, "pairs_needed"):
        rows.append({"Question": labels.get(item, item), "Role": _role(role),
                     "Pooled change": shown_cell(figures, item, role, "pooled_change", 2),
                     "People needed to detect it": _needed(figures, item, role, "pairs_needed"),
                     smallest: _needed(figures, item, role, "optimal_information_size")})
    return pd.DataFrame(rows, columns=["Question", "Role", "Pooled change", "People needed to detect it", smallest])


def _needed(figures: Figures, item: str, role: str, statistic: str) -> str:
    if figures.withheld(item, role, statistic):
        return figures.rule.mark
    value = figures.value(item, role, statistic)
    if math.isnan(value):
        return "–"
    return f"{value:.0f}"


def planning_sentence(figures: Figures, item: str = DOSE_ITEM) -> str:
    """"To detect a change like the pooled one, a cohort needs about N mentees and M mentors with both surveys."""
    parts = []
    for role in config.ROLES:
        if figures.has(item, role, "pairs_needed"):
            shown = _needed(figures, item, role, "pairs_needed")
            if shown not in ("–", figures.rule.mark):
                parts.append(f"about {shown} {ROLE_WORDS[role][1]}")
    if not parts:
        return ""
    return (f"To detect a change like the pooled one in {item_words(item)}, a new cohort needs "
            f"{' and '.join(parts)} with both surveys ({POWER:.0%} power, the two-sided signed-rank test at "
            f"{SETTINGS.alpha:g}).")


def item_words(item: str) -> str:
    """A rating item in a few words, for a sentence (``findings.evidence.ITEM_WORDS``)."""
    return evidence.ITEM_WORDS.get(item, item)


def smallest_p_table(analyses: Mapping[tuple[str, str], meta.MetaAnalysis], labels: Mapping[str, str]
                     ) -> pd.DataFrame:
    """The internal page's: the cohort sizes seen so far (people paired in the smallest, the median and
    the largest cohort pooled) and the smallest two-sided p the signed-rank test can reach at each, 2 / 2^n
    (at least that: people whose rating did not change are dropped by the test): a cohort of 5 or fewer
    cannot show a change at 0.05 whatever happened."""
    rows = []
    for (item, role), result in analyses.items():
        sizes = sorted(cohort.n for cohort in result.cohorts)
        if not sizes:
            continue
        picks = {"Smallest cohort": sizes[0], "Median cohort": sizes[(len(sizes) - 1) // 2],
                 "Largest cohort": sizes[-1]}
        row = {"Question": labels.get(item, item), "Role": _role(role)}
        for name, n in picks.items():
            row[name] = f"{n} (p ≥ {_smallest_p(n)})"
        rows.append(row)
    return pd.DataFrame(rows, columns=["Question", "Role", "Smallest cohort", "Median cohort", "Largest cohort"])


def _smallest_p(n: int) -> str:
    p = smallest_p(n)
    return f"{p:.2g}" if p >= 0.001 else "<0.001"


def regions_table(figures: Figures, labels: Mapping[str, str]) -> pd.DataFrame:
    """The nation's: for each item and role, whether regions differ (the F test of region as a factor)."""
    rows = []
    for item, role in keys(figures, "between_regions_p"):
        p = figures.value(item, role, "between_regions_p")
        answer = (WITHHELD if figures.withheld(item, role, "between_regions_p") else
                  "not tested (fewer than two regions with 2 cohorts pooled)" if math.isnan(p) else
                  "the regions differ more than chance explains" if p < SETTINGS.alpha else
                  "no clear difference between regions")
        rows.append({"Question": labels.get(item, item), "Role": _role(role), "Cohorts": _cohorts(figures, item, role),
                     "p (regions differ)": p_cell(figures, item, role, "between_regions_p"), "What this means": answer})
    return pd.DataFrame(rows, columns=["Question", "Role", "Cohorts", "p (regions differ)", "What this means"])
