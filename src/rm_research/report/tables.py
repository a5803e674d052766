"""The report's tables, shaped from the findings table for reading (rounded only here, for display).

No table here carries a participant or pair identifier.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

import pandas as pd

from rm_research.contract.programme import DEFAULT as DEFAULT_PROGRAMME
from rm_research.contract.programme import FILE_NAME as PROGRAMME_FILE
from rm_research.contract.programme import Programme
from rm_research.core import config, provenance
from rm_research.core.config import DISCLOSURE, SETTINGS, AnalysisSettings, DisclosureRule
from rm_research.core.paths import region_title
from rm_research.core.rounding import round_as_printed
from rm_research.core.safety import escape_html
from rm_research.disclosure.control import PUBLIC_ROLE_LABELS as ROLE_LABELS
from rm_research.findings import registry
from rm_research.findings.level import region_estimate
from rm_research.findings.table import FLOW_STAGES
from rm_research.findings.verify import source_name, source_names
from rm_research.ingest.load import LoadedCohort
from rm_research.report import summary
from rm_research.report.summary import SMALL_GROUP, Figures, change_verdict, could_be_small, period
from rm_research.stats.nonparametric import can_be_tested

ROLE_ORDER = [*config.ROLES, config.ALL_ROLES]
FLOW_LABELS = {stage: found.label for stage, found in registry.FLOW.items()}
FOCUS_NEEDS = {"race": "race", "disability": "disability", "sexual-orientation": "sexual orientation",
               "gender-identity": "gender identity", "religion-or-belief": "religion or belief", "sex": "sex",
               "age": "age", "all-protected-characteristics": "protected characteristics"}


#: The team feedback's first question names ethnic minority colleagues whatever the programme's focus (section 8).
TEAM_MINORITY: Final = "ethnic minority backgrounds"


def item_labels(programme: Programme = DEFAULT_PROGRAMME) -> dict[str, str]:
    """What each item asked, in the words of the programme's focus (contract section 5): the South
    East's "BAME experiences" for race, "experiences of disabled colleagues" for disability, ..."""
    experiences = programme.focus_wording
    return {
        "conf_senior": f"Confidence talking about {experiences} with senior leaders",
        "conf_junior": f"Confidence talking about {experiences} with junior staff",
        "comfort_needs": f"Comfort discussing own needs ({FOCUS_NEEDS[programme.focus]}) with line manager, HR "
                         "and others",
        "length_appropriate": "Found the length of the sessions appropriate",
        "missed_any": "Missed a mentoring session",
        "psych_supportive": "Found the psychological sessions supportive",
        "team_inclusive_behaviour": f"The team's rating of the leader's inclusive behaviour towards colleagues "
                                    f"from {TEAM_MINORITY}",
        "team_challenges_unfairness": "The team's rating of how often the leader challenges unfair treatment",
    }


ITEM_LABELS = item_labels()


def _select(findings: pd.DataFrame, measure: str | list[str]) -> pd.DataFrame:
    measures = [measure] if isinstance(measure, str) else measure
    return findings[findings["measure"].isin(measures)]


def _order(values: tuple[str, ...]) -> dict[str, int]:
    return {value: position for position, value in enumerate(values)}


def _roles_present(frame: pd.DataFrame) -> list[str]:
    return [r for r in ROLE_ORDER if r in set(frame["role"])]


def flow_table(findings: pd.DataFrame, psych: bool = True) -> pd.DataFrame:
    """Participant flow: stages as rows, roles as columns (counts); without the psychological sessions'
    stage where ``psych`` is False (a programme that offered none)."""
    stages = [s for s in FLOW_STAGES if psych or s != "attended_psych"]
    flow = _select(findings, "flow").pivot(index="statistic", columns="role", values="value")
    flow = flow.reindex(index=stages, columns=_roles_present(_select(findings, "flow")))
    flow.index = [FLOW_LABELS[s] for s in flow.index]
    return flow.astype("Int64").rename_axis(index="Stage", columns=None)


def public_flow_numbers(safe: pd.DataFrame, rule: DisclosureRule = DISCLOSURE) -> pd.DataFrame:
    """The participant flow of public findings as ``flow_table`` lays it out (stages as rows, roles as
    columns), the published (rounded) counts as numbers and a withheld count (the rule's mark) as
    missing: what a public flow chart draws, and nothing else."""
    flow = _select(safe, "flow")
    flow = flow[flow["statistic"].isin(FLOW_STAGES)]
    wide = flow.pivot(index="statistic", columns="role", values="value")
    wide = wide.reindex(index=[s for s in FLOW_STAGES if s in wide.index], columns=_roles_present(flow))
    wide.index = [FLOW_LABELS[s] for s in wide.index]
    numbers = wide.apply(lambda column: pd.to_numeric(column.where(column != rule.mark), errors="coerce"))
    return numbers.rename_axis(index="Stage", columns=None)


def enrolment_table(findings: pd.DataFrame, labels: dict[str, str] = ITEM_LABELS) -> pd.DataFrame:
    """Mean rating at enrolment for each item and role, with how many answered."""
    pre = _select(findings, list(config.RATING_ITEMS))
    pre = pre[(pre["statistic"] == "pre_mean") & (pre["n"] > 0) & (pre["role"] != config.ALL_ROLES)]
    return pd.DataFrame({
        "Question (1-10)": pre["measure"].map(labels),
        "Role": pre["role"],
        "Mean": pre["value"],
        "Answered": pre["n"],
    }).reset_index(drop=True)


def _wide(findings: pd.DataFrame, measures: list[str], statistics: list[str], n_of: str,
          everyone: bool = False) -> pd.DataFrame:
    """One row per measure and role (``all`` left out unless ``everyone``), the statistics as columns,
    ``n`` the n of statistic ``n_of``; rows in the order of the roles and measures given."""
    rows = _select(findings, measures)
    rows = rows[(everyone | (rows["role"] != config.ALL_ROLES)) & rows["statistic"].isin(statistics)]
    wide = rows.pivot(index=["measure", "role"], columns="statistic", values="value").reindex(columns=statistics)
    counts = rows[rows["statistic"] == n_of].set_index(["measure", "role"])["n"]
    wide = wide.join(counts.rename("n")).reset_index()
    order = {**_order(tuple(ROLE_ORDER)), **_order(tuple(measures))}
    return wide.sort_values(["role", "measure"], key=lambda col: col.map(order)).reset_index(drop=True)


def with_interval(value: float, low: float, high: float, digits: int = 2) -> str:
    """``estimate (low to high)``; the estimate alone where there is no interval; a dash if neither."""
    if pd.isna(value):
        return "–"
    if pd.isna(low) or pd.isna(high):
        return f"{value:.{digits}f}"
    return f"{value:.{digits}f} ({low:.{digits}f} to {high:.{digits}f})"


def p_value(p: float, smallest: float = float("nan"), alpha: float = config.SETTINGS.alpha) -> str:
    """A p-value for reading, or why there is none: a test that could not reach alpha whatever
    happened is reported as such, not as a p-value."""
    if pd.notna(smallest) and not can_be_tested(smallest, alpha):
        return f"cannot be tested (smallest possible p = {smallest:.3g})"
    if pd.isna(p):
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _intervals(wide: pd.DataFrame, value: str, low: str, high: str) -> list[str]:
    return [with_interval(v, lo, hi) for v, lo, hi in zip(wide[value], wide[low], wide[high], strict=True)]


def plain_p(p: float, smallest: float = float("nan"), alpha: float = config.SETTINGS.alpha) -> str:
    """A p-value for a board: two decimals ("0.03"), three below 0.01 ("0.004"), "<0.001"; a dash
    where there is no test, or where the test could not reach ``alpha`` whatever happened (its
    smallest possible p is above alpha)."""
    if pd.isna(p) or (pd.notna(smallest) and not can_be_tested(smallest, alpha)):
        return "–"
    if p < 0.001:
        return "<0.001"
    digits = 3 if p < 0.01 else 2
    return f"{round_as_printed(float(p), digits):.{digits}f}"


def shown_cell(figures: Figures, measure: str, role: str, statistic: str, digits: int = 1, sign: bool = False) -> str:
    """One figure as a cell: the disclosure mark where suppressed, a dash where blank, else the value
    rounded once (``Figures.show``), with its sign where ``sign`` (a change: "+1.1")."""
    if figures.withheld(measure, role, statistic):
        return figures.rule.mark
    return figures.show(measure, role, statistic, digits, sign=sign)


def p_cell(figures: Figures, measure: str, role: str, statistic: str, smallest: float = float("nan")) -> str:
    """``plain_p`` of a findings p-value; a public one is not rounded a second time."""
    if figures.withheld(measure, role, statistic):
        return figures.rule.mark
    p = figures.value(measure, role, statistic)
    shown = plain_p(p, smallest)
    if shown in ("–", "<0.001") or not figures.public:
        return shown
    return figures.show(measure, role, statistic, 3 if p < 0.01 else 2)


def people_cell(figures: Figures, measure: str, role: str, statistic: str) -> str:
    """The n of ``statistic`` as a cell: the mark where withheld, a dash where unknown."""
    if figures.withheld(measure, role, n_of=statistic):
        return figures.rule.mark
    n = figures.n(measure, role, statistic)
    return "–" if pd.isna(n) else f"{n:.0f}"


def change_cell(figures: Figures, measure: str, role: str, statistics: tuple[str, str, str]) -> str:
    """"+1.7 (0.4 to 3.0)"; the change alone where there is no interval; a dash if neither; the mark
    where suppressed."""
    if figures.withheld(measure, role, *statistics):
        return figures.rule.mark
    change, low, high = (figures.show(measure, role, s, sign=(s == statistics[0])) for s in statistics)
    if change == "–" or "–" in (low, high):
        return change
    return f"{change} ({low} to {high})"


def _meaning(figures: Figures, measure: str, role: str, statistics: tuple[str, ...], n_of: str,
             small_group: int) -> str:
    """The "What this means" cell: withheld, nobody paired, or the verdict on the interval, with a
    note where the group is small."""
    if figures.withheld(measure, role, *statistics, n_of=n_of):
        return "withheld to protect privacy"
    n = figures.n(measure, role, n_of)
    if pd.isna(n) or n == 0:
        return "nobody answered both surveys"
    verdict = change_verdict(*(figures.value(measure, role, s) for s in statistics))
    return f"{verdict}; small group" if could_be_small(n, figures.public, small_group, figures.rule) else verdict


def _rating_keys(figures: Figures, statistic: str) -> list[tuple[str, str]]:
    """(item, role) in the order of the items, then the roles, where the findings hold ``statistic``."""
    return [(item, role) for item in config.RATING_ITEMS for role in config.ROLES if figures.has(item, role, statistic)]


BEFORE_AFTER_COLUMNS = ["Question", "Role", "People (answered both)", "Before (same people)", "After (same people)",
                        "Change (95% CI)", "p (Holm-adjusted)", "What this means"]


def _before_after(figures: Figures, labels: dict[str, str], small_group: int) -> pd.DataFrame:
    rows = []
    for item, role in _rating_keys(figures, "change_mean"):
        smallest = figures.value(item, role, "wilcoxon_min_p")
        before, after = (shown_cell(figures, item, role, s) for s in summary.PAIRED_MEANS)
        rows.append([labels.get(item, item), ROLE_LABELS[role], people_cell(figures, item, role, "change_mean"),
                     before, after, change_cell(figures, item, role, summary.CHANGE),
                     p_cell(figures, item, role, "wilcoxon_p_holm", smallest),
                     _meaning(figures, item, role, summary.CHANGE, "change_mean", small_group)])
    return pd.DataFrame(rows, columns=BEFORE_AFTER_COLUMNS)


def before_after_table(findings: pd.DataFrame, labels: dict[str, str] = ITEM_LABELS,
                       small_group: int = SMALL_GROUP) -> pd.DataFrame:
    """Each confidence item for each role, as a board member reads it: how many answered both
    surveys; their mean rating at enrolment and at the end (the same people, ``paired_pre_mean`` and
    ``paired_post_mean``, so Before + Change = After, to rounding); the mean change with its 95% interval; the
    Holm-adjusted Wilcoxon p; and what the interval allows to be said ("higher at the end", "no clear
    change"; "small group" under ``small_group`` people). Numbers are text, rounded for reading."""
    return _before_after(Figures(findings, public=False), labels, small_group)


def public_before_after_table(safe: pd.DataFrame, labels: dict[str, str] = ITEM_LABELS,
                              small_group: int = SMALL_GROUP) -> pd.DataFrame:
    """``before_after_table`` from the public findings (``disclosure.control.public_findings``): suppressed
    figures shown as the rule's mark and said to be withheld, never worked out."""
    return _before_after(Figures(safe, public=True), labels, small_group)


TECHNICAL_COLUMNS = {
    "People (answered both)": "How many people answered the question at enrolment and at the end; every "
                              "statistic in the row rests on them.",
    "Mean change, bootstrap interval (BCa)": "A check on the t interval of the board table (the interval each "
                                             "cohort's row shows in its region's forest plot): the same mean "
                                             "change with a bias-corrected bootstrap interval, which assumes "
                                             "nothing about the shape of the changes.",
    "Hedges' g_z": "The mean change divided by the standard deviation of the changes, corrected for small "
                   "samples: the change in units of how much people's changes varied.",
    "Hedges' g_av": "The mean change divided by the average of the standard deviations before and after, "
                    "corrected for small samples: comparable with studies that report change that way.",
    "Rank-biserial r": "From -1 (everyone who changed fell) to 1 (everyone who changed rose), weighting "
                       "each change by its size rank; people whose rating did not change are left out.",
    "Median shift (Hodges-Lehmann), with interval": "A typical change that a few extreme changes cannot "
                                                    "pull, with its distribution-free interval.",
    "Confidence level of that interval": "Small groups cannot reach exactly {confidence:.0%}: the level the "
                                         "interval actually has.",
    "Wilcoxon p": "The signed-rank test's p-value from the exact distribution, people whose rating did not "
                  "change left out.",
    "Wilcoxon p (Holm-adjusted)": "The same p adjusted for the number of questions tested (Holm); the "
                                  "board table shows this one.",
    "Wilcoxon p (Pratt's zero rule)": "A sensitivity check: the test with unchanged people kept in the ranking.",
    "Smallest p possible": "The smallest p the test could give with this many people who changed; above "
                           "{alpha} the test cannot show a change whatever happened.",
}


TECHNICAL_STATISTICS = ["change_mean", "change_boot_ci_low", "change_boot_ci_high", "hedges_g_z", "hedges_g_av",
                        "rank_biserial", "hl_shift", "hl_ci_low", "hl_ci_high", "hl_level",
                        "wilcoxon_p", "wilcoxon_p_holm", "wilcoxon_p_pratt", "wilcoxon_min_p"]


def technical_glossary(settings: AnalysisSettings = SETTINGS) -> pd.DataFrame:
    """One line per column of ``technical_table``: what it means, in plain words, with the run's
    confidence level and significance threshold."""
    meanings = [meaning.format(confidence=settings.confidence, alpha=settings.alpha)
                for meaning in TECHNICAL_COLUMNS.values()]
    return pd.DataFrame({"Column": list(TECHNICAL_COLUMNS), "What it means": meanings})


def technical_table(findings: pd.DataFrame, labels: dict[str, str] = ITEM_LABELS) -> pd.DataFrame:
    """The appendix's statistics for each item and role, beside the board's before/after table: the
    effect sizes (Hedges' g_z and g_av, rank-biserial r), the Hodges-Lehmann median shift with its
    interval and the confidence level that interval reached, and the Wilcoxon p (exact, Holm-adjusted,
    Pratt's zero rule) with the smallest p the test could give. ``technical_glossary`` explains each."""
    figures = Figures(findings, public=False)
    rows = []
    for item, role in _rating_keys(figures, "change_mean"):
        value = {s: figures.value(item, role, s) for s in TECHNICAL_STATISTICS}
        smallest = value["wilcoxon_min_p"]
        rows.append([labels.get(item, item), ROLE_LABELS[role], people_cell(figures, item, role, "change_mean"),
                     with_interval(value["change_mean"], value["change_boot_ci_low"], value["change_boot_ci_high"]),
                     value["hedges_g_z"], value["hedges_g_av"], value["rank_biserial"],
                     with_interval(value["hl_shift"], value["hl_ci_low"], value["hl_ci_high"]),
                     "–" if pd.isna(value["hl_level"]) else f"{round_as_printed(100 * value['hl_level'], 1):.1f}%",
                     p_value(value["wilcoxon_p"], smallest), p_value(value["wilcoxon_p_holm"], smallest),
                     p_value(value["wilcoxon_p_pratt"]), smallest])
    return pd.DataFrame(rows, columns=["Question", "Role", *TECHNICAL_COLUMNS])


# a region's or the nation's pooled change, as a board reads it
POOLED_BOARD_COLUMNS = ["Question", "Role", "Cohorts pooled", "People (answered both)", "Pooled change (95% CI)",
                        "p", "Variation between cohorts", "What this means"]


def _variation(figures: Figures, item: str, role: str) -> str:
    if figures.withheld(item, role, "i2"):
        return figures.rule.mark
    i2, k = figures.value(item, role, "i2"), figures.value(item, role, "k")
    if pd.isna(i2) or pd.isna(k):
        return "–"
    return summary.heterogeneity_words(i2, round(k)).removesuffix(".")


def _pooled_meaning(figures: Figures, item: str, role: str, small_group: int, reason: str) -> str:
    """The "What this means" cell of a pooled row: where fewer than 2 cohorts could be pooled, why
    (``reason``, from the meta-analysis; in general words on a public page), never "nobody answered"."""
    k = figures.value(item, role, "k")
    if not figures.withheld(item, role, "k", *summary.POOLED) and (pd.isna(k) or k < 2):
        return f"no pooled figure: {reason or summary.not_pooled(0 if pd.isna(k) else round(k))}"
    return _meaning(figures, item, role, summary.POOLED, "k", small_group)


def _pooled_board(figures: Figures, labels: dict[str, str], small_group: int,
                  reasons: Mapping[tuple[str, str], str] | None = None) -> pd.DataFrame:
    rows = []
    for item, role in _rating_keys(figures, "k"):
        rows.append([labels.get(item, item), ROLE_LABELS[role], shown_cell(figures, item, role, "k", 0),
                     people_cell(figures, item, role, "k"), change_cell(figures, item, role, summary.POOLED),
                     p_cell(figures, item, role, "pooled_p"), _variation(figures, item, role),
                     _pooled_meaning(figures, item, role, small_group, (reasons or {}).get((item, role), ""))])
    return pd.DataFrame(rows, columns=POOLED_BOARD_COLUMNS)


def pooled_before_after_table(findings: pd.DataFrame, labels: dict[str, str] = ITEM_LABELS,
                              small_group: int = SMALL_GROUP,
                              reasons: Mapping[tuple[str, str], str] | None = None) -> pd.DataFrame:
    """A region's or the nation's pooled change per item and role (``findings.level.people_findings``), as a
    board reads it: cohorts pooled, people, the pooled change with its 95% Hartung-Knapp interval, p,
    the variation between cohorts in words, and what the interval allows to be said. ``pooled_table``
    keeps the technical figures (tau², I², Q, the prediction interval) for the appendix. ``reasons``:
    why an item and role has no pooled figure (``findings.level.LevelResults.reasons``)."""
    return _pooled_board(Figures(findings, public=False), labels, small_group, reasons)


def public_pooled_before_after_table(safe: pd.DataFrame, labels: dict[str, str] = ITEM_LABELS,
                                     small_group: int = SMALL_GROUP) -> pd.DataFrame:
    """``pooled_before_after_table`` from a level's public findings."""
    return _pooled_board(Figures(safe, public=True), labels, small_group)


def _labels(family: dict[str, registry.Statistic]) -> dict[str, str]:
    """Column labels from the registry, so a statistic reads the same in every table."""
    return {name: found.label for name, found in family.items()}


ATTRITION_STATISTICS = ["completers_pre_mean", "noncompleters_pre_mean", "attrition_mwu_p",
                        "attrition_rank_biserial"]


def attrition_table(findings: pd.DataFrame, labels: dict[str, str] = ITEM_LABELS) -> pd.DataFrame:
    """Baseline ratings of those who completed the end survey and those who did not."""
    wide = _wide(findings, list(config.RATING_ITEMS), ATTRITION_STATISTICS, "attrition_mwu_p")
    counts = _select(findings, list(config.RATING_ITEMS))
    completers = counts[counts["statistic"] == "completers_pre_mean"].set_index(["measure", "role"])["n"]
    others = counts[counts["statistic"] == "noncompleters_pre_mean"].set_index(["measure", "role"])["n"]
    keys = list(zip(wide["measure"], wide["role"], strict=True))
    label = _labels(registry.RATING)
    return pd.DataFrame({
        "Question": wide["measure"].map(labels),
        "Role": wide["role"],
        label["completers_pre_mean"]: wide["completers_pre_mean"],
        "Completers": [completers.get(k) for k in keys],
        label["noncompleters_pre_mean"]: wide["noncompleters_pre_mean"],
        "Non-completers": [others.get(k) for k in keys],
        label["attrition_mwu_p"]: [p_value(p) for p in wide["attrition_mwu_p"]],
        label["attrition_rank_biserial"]: wide["attrition_rank_biserial"],
    })


DOSE_LABELS = {"attendance_effect": "Mentoring sessions held", "psych_effect": "Psychological sessions attended"}
DOSE_STATISTICS = ["ancova_slope", "ancova_ci_low", "ancova_ci_high", "ancova_p", "spearman_rho", "spearman_ci_low",
                   "spearman_ci_high", "spearman_p"]


def dose_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Dose against confidence with senior leaders, by role and for everyone (the rows the public table
    has too): the ANCOVA slope per session, the primary analysis, then Spearman's rho of the dose with
    the change, the secondary one (``summary.PRIMARY_DOSE``; docs/methods.md says why)."""
    wide = _wide(findings, list(DOSE_LABELS), DOSE_STATISTICS, "ancova_slope", everyone=True)
    spearman_n = _select(findings, list(DOSE_LABELS))
    spearman_n = spearman_n[spearman_n["statistic"] == "spearman_rho"].set_index(["measure", "role"])["n"]
    label = _labels(registry.DOSE)
    return pd.DataFrame({
        "Dose": wide["measure"].map(DOSE_LABELS),
        "Role": wide["role"].map(ROLE_LABELS),
        "People": wide["n"].astype("Int64"),
        f"{label['ancova_slope']} (95% CI), primary": _intervals(wide, "ancova_slope", "ancova_ci_low",
                                                                "ancova_ci_high"),
        label["ancova_p"]: [p_value(p) for p in wide["ancova_p"]],
        f"{label['spearman_rho']} (95% CI), secondary": _intervals(wide, "spearman_rho", "spearman_ci_low",
                                                                  "spearman_ci_high"),
        label["spearman_p"]: [p_value(p) for p in wide["spearman_p"]],
        "Spearman people": [spearman_n.get(k) for k in zip(wide["measure"], wide["role"], strict=True)],
    })


def attenders_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Change in confidence of psychological-session attenders and non-attenders, where both exist."""
    statistics = ["attenders_change_mean", "nonattenders_change_mean", "mwu_p", "rank_biserial"]
    wide = _wide(findings, ["psych_attendance"], statistics, "mwu_p")
    label = _labels(registry.PSYCH_ATTENDANCE)
    return pd.DataFrame({
        "Role": wide["role"],
        "People": wide["n"].astype("Int64"),
        label["attenders_change_mean"]: wide["attenders_change_mean"],
        label["nonattenders_change_mean"]: wide["nonattenders_change_mean"],
        label["mwu_p"]: [p_value(p) for p in wide["mwu_p"]],
        label["rank_biserial"]: wide["rank_biserial"],
    })


def yes_no_table(findings: pd.DataFrame, labels: dict[str, str] = ITEM_LABELS,
                 items: tuple[str, ...] = config.YES_NO_ITEMS) -> pd.DataFrame:
    """"Yes" answers to ``items`` out of those who answered, with the proportion's Wilson interval."""
    wide = _wide(findings, list(items), ["yes_count", "yes_proportion", "wilson_ci_low", "wilson_ci_high"],
                 "yes_count")
    label = _labels(registry.YES_NO)
    return pd.DataFrame({
        "Question": wide["measure"].map(labels),
        "Role": wide["role"],
        label["yes_count"]: wide["yes_count"].astype("Int64"),
        "Answered": wide["n"].astype("Int64"),
        f"{label['yes_proportion']} (95% Wilson CI)": _intervals(wide, "yes_proportion", "wilson_ci_low",
                                                                 "wilson_ci_high"),
    })


def sessions_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Self-reported mentoring sessions by role: mean, fewest, most and how many answered."""
    rows = _select(findings, "sessions_reported")
    rows = rows[rows["role"] != config.ALL_ROLES]
    wide = rows.pivot(index="role", columns="statistic", values="value")
    wide = wide.reindex(index=_roles_present(rows), columns=["mean", "min", "max"])
    answered = rows.groupby("role")["n"].first()
    label = _labels(registry.SESSIONS)
    return pd.DataFrame({
        label["mean"]: wide["mean"],
        label["min"]: wide["min"].astype("Int64"),
        label["max"]: wide["max"].astype("Int64"),
        "Answered": answered.reindex(wide.index),
    }).rename_axis("Role")


def areas_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Percentage of each role ticking each area of work (the table in seeds/002)."""
    rows = _select(findings, "areas_of_work")
    rows = rows[rows["role"] != config.ALL_ROLES]
    wide = rows.pivot(index="statistic", columns="role", values="value")
    wide = wide.reindex(index=list(config.AREAS_OF_WORK), columns=_roles_present(rows))
    answered = rows.groupby("role")["n"].first()
    wide.columns = [f"{role}s (% of {answered[role]})" for role in wide.columns]
    return wide.map(round_as_printed).astype("Int64").rename_axis("Area of work")


def cited_sources(comparison: pd.DataFrame) -> list[str]:
    """The documents the compared figures come from, in words (``published/sources.csv``), each once,
    in the order first cited: source [1] is the first."""
    names = source_names()
    return [source_name(code, names) for code in dict.fromkeys(comparison["source"].astype(str))]


def comparison_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """``verify.compare`` output labelled for readers, each figure's source by its number in
    ``cited_sources`` (the documents are listed once, under the table, not on every row)."""
    numbers = {code: number for number, code in enumerate(dict.fromkeys(comparison["source"].astype(str)), start=1)}
    return pd.DataFrame({
        "Figure": comparison["figure"],
        "Role": comparison["role"],
        "Source": [f"[{numbers[str(code)]}]" for code in comparison["source"]],
        "Published": comparison["published"],
        "Reproduced": comparison["reproduced"],
        "Rounded as published": comparison["as_printed"],
        "Match": comparison["match"].map({True: "yes", False: "NO"}),
    })


def styled(table: pd.DataFrame, index: bool = False) -> object:
    """A table for the report: blanks shown as a dash, whole numbers without decimals, and every
    cell, row and column label and axis name escaped as HTML text. Tables carry text from the data
    (answers, file names) and pandas' Styler writes it into the page as markup unless told not to
    (data contract, section 4)."""
    table = table.copy(deep=False)
    table.index = table.index.set_names([None if name is None else _cell(name) for name in table.index.names])
    table.columns = table.columns.set_names([None if name is None else _cell(name) for name in table.columns.names])
    styler = (table.style.format(_cell, na_rep="–")
              .format_index(_cell, axis="index", na_rep="–").format_index(_cell, axis="columns", na_rep="–"))
    return styler if index else styler.hide(axis="index")


def _cell(value: object) -> str:
    """A value as HTML text: floats rounded for reading, anything else escaped."""
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"
    return escape_html(value)


# a region's or the nation's report (``pooling``) -------------------------------------------------------
def level_flow_table(flow: pd.DataFrame, by: str = "cohort_label") -> pd.DataFrame:
    """The participant flow by cohort (``findings.level.cohort_flow``) or by region (``by="region"``,
    ``findings.level.region_flow``) with a total row; a blank total where a cohort's count is unknown."""
    group = "Region" if by == "region" else "Cohort"
    table = flow[[by, *FLOW_STAGES]].rename(columns={by: group, **{s: FLOW_LABELS[s] for s in FLOW_STAGES}})
    if by == "region":
        table[group] = table[group].map(region_title)
    total = {group: "All", **{FLOW_LABELS[s]: flow[s].sum(skipna=False) for s in FLOW_STAGES}}
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    return table.astype({FLOW_LABELS[s]: "Int64" for s in FLOW_STAGES})


def pooled_table(findings: pd.DataFrame, labels: dict[str, str] = ITEM_LABELS) -> pd.DataFrame:
    """The pooled change per item and role (a level's findings): cohorts pooled, people, the pooled
    change with its HKSJ interval, the prediction interval, p, tau², I² and Cochran's Q p."""
    statistics = ["k", "pooled_change", "pooled_ci_low", "pooled_ci_high", "pooled_p", "tau2", "i2", "q_p",
                  "pooled_pi_low", "pooled_pi_high"]
    rows = _select(findings, list(config.RATING_ITEMS))
    rows = rows[rows["statistic"].isin(statistics)]
    wide = rows.pivot(index=["measure", "role"], columns="statistic", values="value").reindex(columns=statistics)
    wide = wide.join(rows[rows["statistic"] == "k"].set_index(["measure", "role"])["n"]).reset_index()
    order = {**_order(tuple(ROLE_ORDER)), **_order(config.RATING_ITEMS)}
    wide = wide.sort_values(["measure", "role"], key=lambda col: col.map(order)).reset_index(drop=True)
    label = _labels(registry.RATING)
    return pd.DataFrame({
        "Question": wide["measure"].map(labels),
        "Role": wide["role"],
        label["k"]: wide["k"].astype("Int64"),
        "People paired": wide["n"].astype("Int64"),
        f"{label['pooled_change']} (95% HKSJ CI)": _intervals(wide, "pooled_change", "pooled_ci_low",
                                                             "pooled_ci_high"),
        "95% prediction interval": [prediction_cell(k, lo, hi) for k, lo, hi in
                                    zip(wide["k"], wide["pooled_pi_low"], wide["pooled_pi_high"], strict=True)],
        label["pooled_p"]: [p_value(p) for p in wide["pooled_p"]],
        label["tau2"]: wide["tau2"],
        label["i2"]: wide["i2"],
        label["q_p"]: [p_value(p) for p in wide["q_p"]],
    })


def prediction_cell(k: float, low: float, high: float) -> str:
    """A prediction interval for reading, shown only where at least ``summary.MIN_COHORTS_FOR_PREDICTION``
    cohorts are pooled (with fewer it spans most of the scale whatever the data)."""
    if pd.isna(k) or k < summary.MIN_COHORTS_FOR_PREDICTION:
        return f"not shown: fewer than {summary.MIN_COHORTS_FOR_PREDICTION} cohorts"
    return "–" if pd.isna(low) or pd.isna(high) else f"{low:.2f} to {high:.2f}"


def without_short_predictions(findings: pd.DataFrame) -> pd.DataFrame:
    """``findings`` (a level's, internal or public) with the prediction interval blank where fewer than
    ``summary.MIN_COHORTS_FOR_PREDICTION`` cohorts are pooled, for a table that lists statistics as
    they are (the public technical table): the rule every page follows (``prediction_cell``)."""
    k = findings[findings["statistic"] == "k"].set_index(["measure", "role"])["value"]
    cohorts = pd.to_numeric(k, errors="coerce")
    short = {key for key, value in cohorts.items() if pd.isna(value) or value < summary.MIN_COHORTS_FOR_PREDICTION}
    keys = zip(findings["measure"], findings["role"], strict=True)
    rows = findings["statistic"].isin(["pooled_pi_low", "pooled_pi_high"]) & pd.Series(
        [key in short for key in keys], index=findings.index)
    out = findings.copy()
    out.loc[rows, "value"] = "" if out["value"].dtype == object else float("nan")
    return out


def excluded_table(excluded: pd.DataFrame, labels: dict[str, str] = ITEM_LABELS) -> pd.DataFrame:
    """The cohorts left out of the pooling (``findings.level.excluded_cohorts``), for reading."""
    return pd.DataFrame({"Question": excluded["item"].map(labels), "Role": excluded["role"],
                         "Cohort": excluded["cohort"], "People paired": excluded["n"].astype("Int64"),
                         "Why left out": excluded["reason"]})


def yes_no_by_table(table: pd.DataFrame, by: str = "region", labels: dict[str, str] = ITEM_LABELS) -> pd.DataFrame:
    """``findings.level.yes_no_by`` for reading: question, group, yes of answered, proportion (95% Wilson CI)."""
    return pd.DataFrame({
        "Question": table["question"].map(labels),
        "Region" if by == "region" else "Cohort": table[by],
        "Yes": table["yes"].astype("Int64"),
        "Answered": table["answered"].astype("Int64"),
        "Proportion yes (95% Wilson CI)": _intervals(table, "proportion", "ci_low", "ci_high"),
    })


def psych_attendance_by_table(table: pd.DataFrame, by: str = "region") -> pd.DataFrame:
    """``findings.level.psych_attendance_by`` for reading."""
    counts = {c: f"Attended {c.removeprefix('attended_')}" for c in table.columns if c.startswith("attended_")}
    return table.rename(columns={by: "Region" if by == "region" else "Cohort", "offered": "Sessions offered (most)",
                                 "people": "People logged", "mean": "Mean attended", **counts})


def mentoring_sessions_by_table(table: pd.DataFrame, by: str = "region") -> pd.DataFrame:
    """``findings.level.mentoring_sessions_by`` for reading."""
    return table.rename(columns={by: "Region" if by == "region" else "Cohort", "people": "People", "mean": "Mean",
                                 "median": "Median", "min": "Fewest", "max": "Most"})


DOSE_MODEL_LABELS = {"ancova": "ANCOVA, cohort fixed effects (HC3)", "mixed": "Mixed model, random cohort intercept"}


def dose_models_table(models: pd.DataFrame) -> pd.DataFrame:
    """``findings.level.dose_models`` for reading."""
    return pd.DataFrame({
        "Dose": models["dose"].map(DOSE_LABELS),
        "Role": models["role"],
        "Model": models["model"].map(DOSE_MODEL_LABELS),
        "Slope per session (95% CI)": _intervals(models, "slope", "ci_low", "ci_high"),
        "p": [p_value(p) for p in models["p"]],
        "People": models["n"].astype("Int64"),
        "Cohorts": models["cohorts"].astype("Int64"),
        "Note": models["note"],
    })






def level_item_labels(loaded: Sequence[LoadedCohort]) -> dict[str, str]:
    """The items' wording: the programmes' focus when they share one, else the wording for all
    protected characteristics."""
    focuses = {item.programme.focus for item in loaded}
    focus = focuses.pop() if len(focuses) == 1 else "all-protected-characteristics"
    return item_labels(replace(DEFAULT_PROGRAMME, focus=focus))


def cohorts_table(loaded: Sequence[LoadedCohort]) -> pd.DataFrame:
    """The cohorts pooled: region (in words), cohort, when it ran (``narrative.period``), programme, focus,
    psychological sessions offered, and
    whether the data are the synthetic example (no identifiers; the programme's name is data, which
    ``tables.styled`` escapes)."""
    return pd.DataFrame([{"Region": item.region_name, "Cohort": item.paths.cohort,
                          "Dates": period(item.cohort.start, item.cohort.end),
                          "Programme": item.programme.programme, "Focus": item.programme.focus,
                          "Psychological sessions offered": item.programme.psych_sessions_offered,
                          "Synthetic": "yes" if item.is_synthetic else "no"} for item in loaded])


def _change_text(y: float, low: float, high: float, n: int) -> str:
    if math.isnan(y):
        return "–"
    interval = "" if math.isnan(low) or math.isnan(high) else f" ({low:+.1f} to {high:+.1f})"
    return f"{y:+.1f}{interval}, n={n}"


def _role_column(labels: Mapping[str, str], item: str, role: str) -> str:
    who = "everyone" if role == config.ALL_ROLES else f"{role}s"
    return f"{labels.get(item, item)}: {who}"


def regions_compared_table(regional: Mapping[tuple[str, str], Mapping[str, object]],
                           labels: Mapping[str, str] = ITEM_LABELS) -> pd.DataFrame:
    """The regions side by side (``findings.level.region_analyses``): each region's cohorts, and its change
    on each question for everyone (pooled, or its one cohort's: ``findings.level.region_estimate``) with
    its interval and people."""
    items = [(item, role) for item, role in regional if role == config.ALL_ROLES]
    regions = sorted({region for results in regional.values() for region in results})
    rows = []
    for region in regions:
        row: dict[str, object] = {"Region": region_title(region),
                                  "Cohorts": max(regional[key][region].k for key in regional)}  # type: ignore[attr-defined]
        for item, role in items:
            result = regional[(item, role)][region]
            row[_role_column(labels, item, role)] = _change_text(*region_estimate(result), result.n)  # type: ignore[arg-type]
        rows.append(row)
    return pd.DataFrame(rows)


def every_cohort_table(analyses: Mapping[tuple[str, str], object], labels: Mapping[str, str] = ITEM_LABELS
                       ) -> pd.DataFrame:
    """Every pooled cohort's own mean change with its 95% interval and people paired, one row per cohort and
    one column per question and role (``meta.MetaAnalysis.cohort_table``); a dash where it was not pooled."""
    columns: dict[str, dict[str, str]] = {}
    order: list[str] = []
    for (item, role), result in analyses.items():
        table = result.cohort_table()  # type: ignore[attr-defined]
        column = columns.setdefault(_role_column(labels, item, role), {})
        for cohort, n, y, low, high in zip(table["cohort"], table["n"], table["y"], table["ci_low"], table["ci_high"],
                                           strict=True):
            column[cohort] = _change_text(y, low, high, int(n))
            order.append(cohort)
    cohorts = list(dict.fromkeys(order))
    return pd.DataFrame({"Cohort": cohorts, **{name: [values.get(c, "–") for c in cohorts]
                                                for name, values in columns.items()}})


def cohort_checksums(loaded: Sequence[LoadedCohort]) -> pd.DataFrame:
    """Each cohort's raw files (and ``programme.toml``) with size and SHA-256."""
    frames = []
    for item in loaded:
        files = dict(item.raw.files)
        settings = item.paths.raw / PROGRAMME_FILE
        if settings.is_file():
            files[PROGRAMME_FILE] = settings
        frames.append(provenance.data_checksums(files).assign(region=item.paths.region, cohort=item.paths.cohort))
    table = pd.concat(frames, ignore_index=True)
    return table[["region", "cohort", "file", "bytes", "sha256"]]


@dataclass(frozen=True)
class ForestPooled:
    """The pooled row of a forest plot: k cohorts, their people (as written: a number or the mark), the
    pooled change with its interval (NaN: withheld), and the prediction interval (NaN: none)."""

    k: int
    n: str
    centre: float
    low: float
    high: float
    pi_low: float = math.nan
    pi_high: float = math.nan

    @property
    def shown(self) -> bool:
        """Whether the pooled change itself is shown (not withheld)."""
        return not math.isnan(self.centre)


def _published(safe: pd.DataFrame, measure: str, role: str) -> dict[str, tuple[str, str]]:
    rows = safe[(safe["measure"] == measure) & (safe["role"] == role)]
    return {s: (str(v), str(n)) for s, v, n in zip(rows["statistic"], rows["value"], rows["n"], strict=True)}


def _published_number(text: str) -> float:
    """A published value as a number; NaN for a withheld (the mark) or blank one."""
    try:
        return float(text)
    except ValueError:
        return math.nan


#: A cohort's published change with its interval, and a region's pooled one (``public_forest_rows``).
COHORT_CHANGE: Final = ("change_mean", "change_ci_low", "change_ci_high")
POOLED_CHANGE: Final = ("pooled_change", "pooled_ci_low", "pooled_ci_high")


def public_forest_rows(members: Mapping[str, pd.DataFrame], item: str, role: str,
                       statistics: tuple[str, str, str] = COHORT_CHANGE) -> pd.DataFrame:
    """A public forest plot's rows for ``item`` and ``role``, from each member's public findings only
    (``members``: label -> its ``findings-public.csv``): the member, n as published, the change and its
    interval (NaN where withheld). Members are cohorts, or (``statistics`` ``POOLED_CHANGE``) the regions
    of a national report drawn by region, each with its published pooled change. A member with no row
    for the item and role (nobody of the role was asked it) has no row here."""
    rows = []
    for label, safe in members.items():
        found = _published(safe, item, role)
        if statistics[0] not in found:
            continue
        (y, n), (low, _), (high, _) = (found.get(s, ("", "")) for s in statistics)
        numbers = [_published_number(text) for text in (y, low, high)]
        if any(math.isnan(x) for x in numbers):
            numbers = [math.nan] * 3  # a change without its interval (or the reverse) is not drawn half
        rows.append({"cohort": label, "n": n or "0", "y": numbers[0], "ci_low": numbers[1], "ci_high": numbers[2]})
    return pd.DataFrame(rows, columns=["cohort", "n", "y", "ci_low", "ci_high"])


def public_forest_pooled(safe: pd.DataFrame, item: str, role: str) -> ForestPooled | None:
    """A public forest plot's pooled row, from the level's public findings; None where nothing was pooled."""
    found = _published(safe, item, role)
    if "k" not in found:
        return None
    k = _published_number(found["k"][0])
    values = {s: _published_number(found.get(s, ("", ""))[0])
              for s in ("pooled_change", "pooled_ci_low", "pooled_ci_high", "pooled_pi_low", "pooled_pi_high")}
    if math.isnan(k):
        return None
    return ForestPooled(int(k), found["k"][1], values["pooled_change"], values["pooled_ci_low"],
                        values["pooled_ci_high"], values["pooled_pi_low"], values["pooled_pi_high"])
