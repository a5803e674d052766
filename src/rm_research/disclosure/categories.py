"""Free-text categories few people gave: merged, or their names withheld, in public findings.

A channel, a band, a resource or a theme that fewer than the rule's threshold of people wrote can name
its writers by itself, whatever is done to its count (``hide_rare_categories``); and several such
answers to a single-answer question are merged into one category before any count is protected
(``merge_rare_categories``), so that the differencing audit can protect them as one count.
"""

from __future__ import annotations

import math

import pandas as pd

from rm_research.core import config
from rm_research.core.config import DISCLOSURE, DisclosureRule
from rm_research.findings import registry

#: The statistic public findings show instead of a free-text category few people gave.
SUPPRESSED_CATEGORY = "other (suppressed)"


def merge_rare_categories(findings: pd.DataFrame, rule: DisclosureRule = DISCLOSURE) -> pd.DataFrame:
    """The findings with, for each single-answer free-text question (``registry.PARTITIONS`` and
    ``registry.FREE_TEXT_CATEGORIES``: how people heard of the programme, their band), the answers
    fewer than ``rule.smallest_shown`` people gave merged into one ``SUPPRESSED_CATEGORY`` row per
    role, its value their sum (each person gave one answer, so the sum counts people, or adds their
    percentages of the same n).

    Seven mentees each giving a different channel would otherwise be seven hidden cells adding up to
    a hidden total, each of which a reader knows is at least 1: no further suppression could stop
    the audit working them out. Merged, they are one count, protected like any other. Multi-answer
    questions (resources, themes) cannot be merged so (a person may give several) and keep their
    rows, their names withheld by ``hide_rare_categories``."""
    merge = findings["measure"].map(registry.family).isin(registry.PARTITIONS & registry.FREE_TEXT_CATEGORIES)
    rare = [index for _, rows in findings[merge].groupby(["measure", "statistic"], sort=False)
            if category_size(rows) < rule.smallest_shown for index in rows.index]
    if not rare:
        return findings
    keys = ["region", "cohort", "measure", "role"]
    merged = (findings.loc[rare].groupby(keys, sort=False, as_index=False)
              .agg(value=("value", "sum"), n=("n", "first"), at=("value", lambda v: v.index.max()))
              .assign(statistic=SUPPRESSED_CATEGORY))
    merged.index = merged.pop("at") + 0.5  # just after the last of the rows it replaces
    kept = findings.drop(index=rare)
    return pd.concat([kept, merged[findings.columns]]).sort_index().reset_index(drop=True)


def category_size(rows: pd.DataFrame) -> float:
    """How many people gave one category: its count for everyone (the roles' counts added where there
    is no row for everyone); a percentage is turned back into its count."""
    everyone = rows[rows["role"] == config.ALL_ROLES]
    chosen = everyone if not everyone.empty else rows
    size = 0.0
    for measure, statistic, value, n in zip(chosen["measure"], chosen["statistic"], chosen["value"], chosen["n"],
                                            strict=True):
        found = registry.spec(measure, statistic)
        if found is not None and not math.isnan(float(value)):
            size += round(value * n / 100) if found.kind == "percentage" else float(value)
    return size


def hide_rare_categories(findings: pd.DataFrame, safe: pd.DataFrame, rule: DisclosureRule = DISCLOSURE) -> pd.DataFrame:
    """Public findings in which a free-text category (``registry.FREE_TEXT_CATEGORIES``: a channel, a
    band, a resource, a theme) that fewer than ``rule.smallest_shown`` people gave is shown as
    ``SUPPRESSED_CATEGORY`` in every role, its name withheld.

    The name of a category few people wrote can identify them by itself ("my line manager, Dr X"),
    whatever is done to its count. Its counts need nothing more: each role's count is below the
    threshold too, so it is already suppressed (a zero stays 0, which points at no one). A category
    that at least that many people gave names no one, so it keeps its name even where its count is
    hidden for another reason (the rest of the group is small, or to stop differencing). Only the
    statistic's text changes, never a value or an n, and the differencing audit reads the true
    findings beside the published values row by row, so its result stands.
    """
    out = safe.copy()
    free = findings["measure"].map(registry.family).isin(registry.FREE_TEXT_CATEGORIES)
    for _, rows in findings[free].groupby(["measure", "statistic"], sort=False):
        if category_size(rows) < rule.smallest_shown:
            out.loc[rows.index, "statistic"] = SUPPRESSED_CATEGORY
    return out


def publishable(findings: pd.DataFrame, rule: DisclosureRule = DISCLOSURE) -> pd.DataFrame:
    """The rows a public findings table is made from, row for row: rare single answers merged
    (``merge_rare_categories``), and the statistics the registry keeps for the internal report
    (``Statistic.internal_only``) left out. The differencing audit pairs these rows with the public ones."""
    merged = merge_rare_categories(findings, rule)
    internal = [found is not None and found.internal_only for found in registry.specs(merged)]
    if not any(internal):  # the rows as they are, index included (the audit pairs a part of a table so)
        return merged
    return merged[[not hidden for hidden in internal]].reset_index(drop=True)
