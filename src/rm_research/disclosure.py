"""Statistical disclosure control for reports that leave the evaluation team.

NHS Digital's method (see ``config.DisclosureRule``): small counts suppressed, other counts
rounded, percentages from rounded counts, statistics on small groups suppressed, and secondary
suppression across roles so no hidden figure can be recovered from the total. Written here:
no maintained Python library implements this rule (sdcMicro is R, and does microdata).
"""

from __future__ import annotations

import math
from typing import Literal

import pandas as pd

from . import config
from .config import DISCLOSURE, DisclosureRule
from .effects import wilson_interval
from .findings import lookup
from .rounding import round_as_printed

Kind = Literal["count", "percentage", "proportion", "interval", "structural", "statistic"]

#: Findings whose value is a number of people.
COUNT_STATISTICS = {"yes_count", "count_at_min", "count_at_max"}
STRUCTURAL = {("psych_sessions", "offered")}  # facts about the programme, not about people


def kind_of(measure: str, statistic: str) -> Kind:
    """What a findings value is, which decides how it is made safe."""
    if (measure, statistic) in STRUCTURAL:
        return "structural"
    if measure == "flow" or statistic in COUNT_STATISTICS:
        return "count"
    if measure == "areas_of_work":
        return "percentage"
    if statistic == "yes_proportion":
        return "proportion"
    if statistic in ("wilson_ci_low", "wilson_ci_high"):
        return "interval"
    return "statistic"


def round_count(count: int, rule: DisclosureRule = DISCLOSURE) -> int:
    """A count of ``smallest_shown`` or more rounded to the nearest ``rounding_base`` (halves up)."""
    return int(rule.rounding_base * math.floor(count / rule.rounding_base + 0.5))


def is_small(count: float, rule: DisclosureRule = DISCLOSURE) -> bool:
    return 1 <= count < rule.smallest_shown


def safe_count(count: float, rule: DisclosureRule = DISCLOSURE) -> str:
    """0 stays 0; 1 .. smallest_shown - 1 is the mark; more is rounded."""
    if pd.isna(count):
        return ""
    count = round(count)
    if count == 0:
        return "0"
    return rule.mark if is_small(count, rule) else str(round_count(count, rule))


#: Statistics comparing two groups: all are hidden when either group has 1 .. smallest_shown - 1
#: people, since each group's mean can otherwise be had from the other and the overall mean.
COMPARISONS = (  # measure (None: any), the two groups' means, the tests between them
    (None, "completers_pre_mean", "noncompleters_pre_mean", {"attrition_mwu_p", "attrition_rank_biserial"}),
    ("psych_attendance", "attenders_change_mean", "nonattenders_change_mean", {"mwu_p", "rank_biserial"}),
)
#: Extremes, hidden when few people share them ("the one mentee who had 2 sessions").
EXTREMES = {"min": "count_at_min", "max": "count_at_max"}
#: Always hidden in public: each gives an exact group size away (2/2^n; the level an n allows).
REVEALS_SIZE = {"wilcoxon_min_p", "hl_level"}


def decimals(measure: str, statistic: str) -> int:
    """Decimal places a public value is rounded to, so exact fractions cannot give n away."""
    kind = kind_of(measure, statistic)
    if kind == "percentage":
        return 1
    if kind in ("proportion", "interval") or statistic.endswith(("rank_biserial", "rho", "ci_low", "ci_high")) \
            or statistic.startswith(("hedges", "spearman", "ancova")):
        return 2
    if statistic.endswith(("_p", "_p_holm", "_p_pratt")) or statistic == "mwu_p":
        return 3
    return 1


def public_findings(findings: pd.DataFrame, rule: DisclosureRule = DISCLOSURE) -> pd.DataFrame:
    """The findings table made safe to publish: same columns, values and n as text."""
    safe = findings.copy()
    basis = base_sizes(findings)
    safe["value"] = [_safe_value(row, size, findings, rule)
                     for row, size in zip(findings.itertuples(index=False), basis, strict=True)]
    safe["n"] = [safe_count(n, rule) for n in findings["n"]]
    for column in ("value", "n"):
        safe[column] = secondary_suppression(safe, findings, column, rule)
    return safe


def base_sizes(findings: pd.DataFrame) -> list[float]:
    """How many people each value really rests on: its n, the smaller group of a comparison, or
    the people sharing an extreme."""
    keyed = findings.set_index(["measure", "role", "statistic"])["value"]
    counts = findings.set_index(["measure", "role", "statistic"])["n"]
    sizes = []
    for row in findings.itertuples(index=False):
        size = float(row.n)
        for measure, first, second, tests in COMPARISONS:
            if measure in (None, row.measure) and row.statistic in {first, second, *tests}:
                groups = [counts.get((row.measure, row.role, s), 0) for s in (first, second)]
                size = float(min(groups))
        if row.statistic in EXTREMES and row.measure == "sessions_reported":
            size = float(keyed.get((row.measure, row.role, EXTREMES[row.statistic]), size))
        sizes.append(size)
    return sizes


def _safe_value(row: object, size: float, findings: pd.DataFrame, rule: DisclosureRule) -> str:
    measure, statistic, value, n = row.measure, row.statistic, row.value, row.n  # type: ignore[attr-defined]
    kind = kind_of(measure, statistic)
    if kind == "structural":
        return _number(value, 0)
    if is_small(size, rule) or statistic in REVEALS_SIZE:
        return rule.mark
    if kind == "count":
        return safe_count(value, rule)
    if pd.isna(value):
        return ""
    if kind == "percentage":
        return _from_rounded(round(value * n / 100), n, rule, scale=100.0)
    if kind in ("proportion", "interval"):
        yes = float(lookup(findings, measure, row.role, "yes_count")["value"])  # type: ignore[attr-defined]
        if kind == "proportion":
            return _from_rounded(yes, n, rule, scale=1.0)
        return _rounded_wilson(yes, n, statistic, rule)
    return _number(value, decimals(measure, statistic))


def _from_rounded(count: float, n: float, rule: DisclosureRule, scale: float) -> str:
    """A share computed from the rounded count and the rounded total, or suppressed."""
    count = round(count)
    if count == 0 or n == 0:
        return "0" if count == 0 and n else ""
    if is_small(count, rule):
        return rule.mark
    return _number(scale * round_count(count, rule) / round_count(int(n), rule), 1 if scale == 100 else 2)


def _rounded_wilson(yes: float, n: float, statistic: str, rule: DisclosureRule) -> str:
    if is_small(yes, rule):
        return rule.mark
    rounded_yes = round_count(int(yes), rule) if yes else 0
    low, high = wilson_interval(min(rounded_yes, round_count(int(n), rule)), round_count(int(n), rule))
    return _number(low if statistic == "wilson_ci_low" else high, 2)


def _number(value: float, places: int) -> str:
    return "" if pd.isna(value) else repr(round_as_printed(float(value), places))


def secondary_suppression(safe: pd.DataFrame, findings: pd.DataFrame, column: str,
                          rule: DisclosureRule = DISCLOSURE) -> pd.Series:
    """Suppress the figure for everyone wherever exactly one role's contribution is hidden.

    ``all`` = mentors + mentees for counts (and, with the n, can give a role's mean away), so a
    total shown beside one hidden role and one shown role would reveal the hidden one. A role
    with no row of its own still contributes to ``all`` when the total's n exceeds the shown
    roles' n (say, mentees who could not be split into attenders and non-attenders): it counts
    as hidden.
    """
    out = safe[column].copy()
    for _, group in safe.groupby(["measure", "statistic"]):
        roles = dict(zip(group["role"], group.index, strict=True))
        if config.ALL_ROLES not in roles:
            continue
        present_n = sum(float(findings.at[roles[r], "n"]) for r in config.ROLES if r in roles)
        absent_contributes = float(findings.at[roles[config.ALL_ROLES], "n"]) > present_n
        hidden = [(r not in roles and absent_contributes) or (r in roles and safe.at[roles[r], column] == rule.mark)
                  for r in config.ROLES]
        if sum(hidden) == 1:
            out.at[roles[config.ALL_ROLES]] = rule.mark
    return out


def suppressed_cells(safe: pd.DataFrame, rule: DisclosureRule = DISCLOSURE) -> dict[str, int]:
    """How many values and n were suppressed: the figures for the method note and the notes."""
    return {column: int((safe[column] == rule.mark).sum()) for column in ("value", "n")}


PUBLIC_ROLE_LABELS = {"mentor": "Mentors", "mentee": "Mentees", config.ALL_ROLES: "Everyone"}


def display(text: str, kind: Kind = "statistic") -> str:
    """A public value for reading: counts as published (``*``, 0, multiples of the base); any
    other number always with decimals, so that it cannot be read as a count."""
    if text in ("", DISCLOSURE.mark):
        return text or "–"
    number = float(text)
    if kind == "count":
        return f"{number:.0f}"
    if kind == "percentage":
        return f"{number:.1f}"
    return f"{number:.2g}" if 0 < abs(number) < 0.1 else f"{number:.2f}"


def public_table(safe: pd.DataFrame, measures: dict[str, str], statistics: dict[str, str],
                 n_label: str | None = "People", n_of: str | None = None) -> pd.DataFrame:
    """Rows of (measure, role), columns of statistic labels, from the public findings.

    ``measures`` and ``statistics`` map findings names to the labels readers see (the measure
    column is left out when there is one measure); ``n_label`` heads a column with the n of
    statistic ``n_of`` (default: the first statistic).
    """
    rows = safe[safe["measure"].isin(measures) & safe["statistic"].isin(statistics)]
    n_of = n_of or next(iter(statistics))
    records = []
    for (measure, role), group in rows.groupby(["measure", "role"], sort=False):
        values = group.set_index("statistic")
        record = {"Measure": measures[measure]} if len(measures) > 1 else {}
        record["Role"] = PUBLIC_ROLE_LABELS[role]
        record.update({label: display(values.at[stat, "value"], kind_of(measure, stat))
                       if stat in values.index else "–" for stat, label in statistics.items()})
        if n_label:
            record[n_label] = display(values.at[n_of, "n"], "count") if n_of in values.index else "–"
        records.append(record)
    return pd.DataFrame(records)
