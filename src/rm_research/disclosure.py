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


def public_findings(findings: pd.DataFrame, rule: DisclosureRule = DISCLOSURE) -> pd.DataFrame:
    """The findings table made safe to publish: same columns, values and n as text."""
    safe = findings.copy()
    safe["value"] = [_safe_value(row, findings, rule) for row in findings.itertuples(index=False)]
    safe["n"] = [safe_count(n, rule) for n in findings["n"]]
    for column in ("value", "n"):
        safe[column] = secondary_suppression(safe, column, rule)
    return safe


def _safe_value(row: object, findings: pd.DataFrame, rule: DisclosureRule) -> str:
    measure, statistic, value, n = row.measure, row.statistic, row.value, row.n  # type: ignore[attr-defined]
    kind = kind_of(measure, statistic)
    if kind == "structural":
        return _number(value)
    if is_small(n, rule):
        return rule.mark
    if kind == "count":
        return safe_count(value, rule)
    if pd.isna(value):
        return ""
    if kind == "percentage":
        return _from_rounded(round(value * n / 100), n, rule, scale=100.0)
    if kind in ("proportion", "interval"):
        yes = _lookup(findings, row, "yes_count")
        if kind == "proportion":
            return _from_rounded(yes, n, rule, scale=1.0)
        return _rounded_wilson(yes, n, statistic, rule)
    return _number(value)


def _from_rounded(count: float, n: float, rule: DisclosureRule, scale: float) -> str:
    """A share computed from the rounded count and the rounded total, or suppressed."""
    count = round(count)
    if count == 0 or n == 0:
        return "0" if count == 0 and n else ""
    if is_small(count, rule):
        return rule.mark
    return _number(scale * round_count(count, rule) / round_count(int(n), rule))


def _rounded_wilson(yes: float, n: float, statistic: str, rule: DisclosureRule) -> str:
    if is_small(yes, rule):
        return rule.mark
    rounded_yes = round_count(int(yes), rule) if yes else 0
    low, high = wilson_interval(min(rounded_yes, round_count(int(n), rule)), round_count(int(n), rule))
    return _number(low if statistic == "wilson_ci_low" else high)


def _lookup(findings: pd.DataFrame, row: object, statistic: str) -> float:
    match = findings[(findings["measure"] == row.measure) & (findings["role"] == row.role)  # type: ignore[attr-defined]
                     & (findings["statistic"] == statistic)]
    return float(match["value"].iloc[0])


def _number(value: float) -> str:
    return "" if pd.isna(value) else repr(float(value))


def secondary_suppression(safe: pd.DataFrame, column: str, rule: DisclosureRule = DISCLOSURE) -> pd.Series:
    """Suppress the figure for everyone wherever exactly one role's figure is suppressed.

    ``all`` = mentors + mentees for counts (and, with the n, can give a role's mean away), so a
    total shown beside one hidden role and one shown role would reveal the hidden one.
    """
    out = safe[column].copy()
    keyed = safe.assign(_row=safe.index).set_index(["measure", "statistic", "role"])
    for _, group in keyed.groupby(level=["measure", "statistic"]):
        roles = group.droplevel(["measure", "statistic"])
        if config.ALL_ROLES not in roles.index or not set(config.ROLES) <= set(roles.index):
            continue
        hidden = [roles.at[role, column] == rule.mark for role in config.ROLES]
        if sum(hidden) == 1:
            out.at[roles.at[config.ALL_ROLES, "_row"]] = rule.mark
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
