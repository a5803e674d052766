"""Statistical disclosure control for reports that leave the evaluation team.

NHS Digital's method (see ``config.DisclosureRule``): small counts suppressed, other counts
rounded, percentages from rounded counts, statistics on small groups suppressed, and secondary
suppression across roles so no hidden figure can be recovered from the total. Written here:
no maintained Python library implements this rule (sdcMicro is R, and does microdata).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Final

import pandas as pd

from rm_research.core import config
from rm_research.core.config import DISCLOSURE, DisclosureRule
from rm_research.core.rounding import round_as_printed
from rm_research.core.safety import restore_cell
from rm_research.disclosure.categories import SUPPRESSED_CATEGORY, hide_rare_categories, publishable
from rm_research.disclosure.differencing import about_sessions, protect
from rm_research.findings import instruments, registry
from rm_research.findings import level as pooling
from rm_research.findings.evidence import FEWEST_COHORTS, FITTED_STATISTICS, JUDGEMENT_STATISTICS
from rm_research.findings.level import LevelResults
from rm_research.findings.registry import Statistic
from rm_research.findings.table import FLOW_STAGES, Lookup
from rm_research.stats.effects import wilson_interval


def round_count(count: int, rule: DisclosureRule = DISCLOSURE) -> int:
    """A count of ``smallest_shown`` or more rounded to the nearest ``rounding_base`` (halves up)."""
    return int(rule.rounding_base * math.floor(count / rule.rounding_base + 0.5))


def is_small(count: float, rule: DisclosureRule = DISCLOSURE) -> bool:
    """True for a count the rule suppresses: 1 to ``smallest_shown - 1`` (0 is shown)."""
    return 1 <= count < rule.smallest_shown


def safe_count(count: float, rule: DisclosureRule = DISCLOSURE) -> str:
    """0 stays 0; 1 .. smallest_shown - 1 is the mark; more is rounded."""
    if pd.isna(count):
        return ""
    count = round(count)
    if count == 0:
        return "0"
    return rule.mark if is_small(count, rule) else str(round_count(count, rule))


def safe_part(part: float, whole: float, rule: DisclosureRule = DISCLOSURE) -> str:
    """A count that is part of a whole (yes answers of those who answered): shown only when the part
    and the rest of the whole both clear the threshold, because publishing one discloses the other
    ("10 of 10" for 9 of 10 would state that everyone did)."""
    if pd.isna(part):
        return ""
    part, whole = round(part), round(whole)
    if is_small(part, rule) or is_small(whole - part, rule):
        return rule.mark
    return safe_count(part, rule)


#: Why a public value is withheld: the ``withheld`` column of ``findings-public.csv`` (blank where it is
#: shown), and the words a public page gives for it. The audit already assumes a reader can tell which
#: reason applied to each cell (the stronger attacker), so naming it gives nothing away.
WITHHELD_COLUMN: Final = "withheld"
WITHHELD_REASONS: Final = {
    "small": "a group too small to show under the rule",
    "small_rest": "nearly everyone in the group: the few others would be a group too small to show",
    "secondary": "it would give another withheld figure away (a total less the other role, a group less its part)",
    "across_levels": "with the public reports of other cohorts, regions or the nation, it would give a withheld "
                     "figure away",
    "pooling": "it pools cohorts whose own change is withheld, and with the other cohorts' figures would give those "
               "changes back",
    "one_cohort": "it rests on a single cohort, so it is that cohort's own figure",
    "fits_hidden": "it is fitted to cohorts' own changes, one or more of which are withheld",
    "pooled_people": "it is computed over the people of cohorts whose own figure is withheld, and with the other "
                     "cohorts' figures would give it back",
    "not_published": "a check kept for the internal report, never published",
}


def _rest_is_small(row: object, facts: Lookup, rule: DisclosureRule) -> bool:
    """Whether a yes/no row (its count, share or interval) or a part-of-whole count is withheld only because
    the rest of its whole is small: the group and the part are not."""
    measure, role, statistic = row.measure, row.role, row.statistic  # type: ignore[attr-defined]
    found, n = registry.spec(measure, statistic), float(row.n)  # type: ignore[attr-defined]
    if found is None or pd.isna(n) or is_small(n, rule):
        return False
    if registry.family(measure) == "yes_no":
        part = facts.value(measure, role, "yes_count")
    elif found.kind == "count" and found.whole:
        part = float(row.value)  # type: ignore[attr-defined]
    elif found.kind == "percentage" and found.whole:
        value = float(row.value)  # type: ignore[attr-defined]
        part = math.nan if pd.isna(value) else round(value * n / 100)
    else:
        return False
    return not pd.isna(part) and not is_small(part, rule) and is_small(n - part, rule)


def share_band(reason: str, shown_n: float, rule: DisclosureRule = DISCLOSURE) -> str:
    """A withheld share as a safe band, in the style of official statistics, or blank where there is none.

    A share withheld because the rest of its group is small (``small_rest``) is at least 1 - 7/n, and one
    withheld because its part is small (``small``, with the group's n shown) at most 7/n, where n is the
    smallest group the rounded ``shown_n`` allows; rounded down (up) to a multiple of 10%, "90% or more" or
    "10% or less". Each follows from the reason and the rounded n, which the audit already takes every
    reader to know, so a band tells no one anything more and no two bands can be combined to undo a
    withheld count. Bands that would say no more than "50% or more" are not given."""
    if pd.isna(shown_n) or is_small(shown_n, rule) or shown_n == 0 or reason not in ("small", "small_rest"):
        return ""
    smallest = math.ceil(shown_n - rule.rounding_base / 2)
    few = (rule.smallest_shown - 1) / smallest
    if reason == "small_rest":
        floor = 10 * math.floor(10 * (1 - few))
        return f"{floor}% or more" if floor > 50 else ""
    ceiling = 10 * math.ceil(10 * few)
    return f"{ceiling}% or less" if ceiling < 50 else ""


def count_band(reason: str, shown_n: float, rule: DisclosureRule = DISCLOSURE) -> str:
    """A withheld count as a safe band, or blank: "1-7" for one withheld as small itself (its group's n
    shown), "N or more" for one withheld because the rest of its group is 1-7 (N the smallest group the
    rounded n allows, less 7; given from 8 up). Like ``share_band``, each says only what the reason and
    the rounded n say, which the audit takes every reader to know."""
    if pd.isna(shown_n) or is_small(shown_n, rule) or shown_n == 0:
        return ""
    if reason == "small":
        return f"1-{rule.smallest_shown - 1}"
    least = math.ceil(shown_n - rule.rounding_base / 2) - (rule.smallest_shown - 1)
    return f"{least} or more" if reason == "small_rest" and least >= rule.smallest_shown else ""


def tag_withheld(safe: pd.DataFrame, reason: str, rule: DisclosureRule = DISCLOSURE) -> pd.DataFrame:
    """``safe`` with its ``withheld`` column brought up to date: a value withheld since an earlier step keeps
    its reason, one withheld by this step gets ``reason``, a shown or blank one has none."""
    out = safe.copy()
    before = out[WITHHELD_COLUMN] if WITHHELD_COLUMN in out else pd.Series("", index=out.index)
    hidden = out["value"] == rule.mark
    out[WITHHELD_COLUMN] = before.where(hidden & (before != ""), reason).where(hidden, "")
    return out


def public_findings(findings: pd.DataFrame, rule: DisclosureRule = DISCLOSURE) -> pd.DataFrame:
    """The findings table made safe to publish: the same columns, values and n as text, and ``withheld``,
    why each withheld value is (``WITHHELD_REASONS``; blank where shown).

    Rare answers to a single-answer free-text question merged into one category
    (``merge_rare_categories``), primary suppression row by row (``safe_value``), secondary suppression
    across roles, then the differencing audit: while any cell suppressed for its own sake can be worked
    out exactly from the published ones (the totals, the other role, the pair structure, the exact n a
    shown mean gives away), more cells are suppressed, and a cell suppressed only to protect another that
    the published ones give away is shown (``differencing.protect``); last, the names of rare answers to
    multi-answer questions are withheld (``hide_rare_categories``).
    The rows are ``publishable``'s: a check kept for the internal report is not published at all.
    """
    findings = publishable(findings, rule)
    facts = Lookup(findings)
    safe = findings.copy()
    safe["value"] = [safe_value(row, facts, rule) for row in findings.itertuples(index=False)]
    # an n of sessions, not people (the topics': the sessions logged), is a fact about the programme, shown as
    # it is (its value is structural: always shown), and the audit leaves its rows out (``about_sessions``)
    safe["n"] = ["" if pd.isna(n) else f"{n:.0f}" if sessions else safe_count(n, rule)
                 for n, sessions in zip(findings["n"], about_sessions(findings), strict=True)]
    safe = tag_withheld(safe, "small", rule)
    rest = pd.Series([_rest_is_small(row, facts, rule) for row in findings.itertuples(index=False)], index=safe.index)
    safe.loc[rest & (safe[WITHHELD_COLUMN] == "small"), WITHHELD_COLUMN] = "small_rest"
    unpublished = [found is None or found.internal_only for found in map(registry.spec, findings["measure"],
                                                                          findings["statistic"])]
    safe.loc[unpublished, WITHHELD_COLUMN] = "not_published"
    for column in ("value", "n"):
        safe[column] = secondary_suppression(safe, findings, column, rule)
    protected = protect(findings, safe, rule, reveal=revealer(rule))
    # the audit models counts, sums and the n a statistic gives away, not a p-value, an effect size or an
    # interval's width: where the audit hid one role's, the figure for everyone goes too (fail closed)
    unmodelled = ~pd.Series([is_modelled(m, s) for m, s in zip(findings["measure"], findings["statistic"],
                                                               strict=True)], index=findings.index)
    after = secondary_suppression(protected, findings, "value", rule)
    protected.loc[unmodelled, "value"] = after[unmodelled]
    protected = tag_withheld(protected, "secondary", rule)
    return hide_rare_categories(findings, protected, rule)[[*findings.columns, WITHHELD_COLUMN]]


def is_modelled(measure: str, statistic: str) -> bool:
    """Whether the differencing audit holds a statistic's value as a constraint (a count, a share of
    counts, a mean of whole numbers), rather than only the number of people it rests on."""
    found = registry.spec(measure, statistic)
    if found is None:
        return False
    if found.kind in ("count", "percentage", "proportion") or registry.family(measure) == "yes_no":
        return True
    return found.kind == "mean" and found.scale is not None and found.whole_numbers


def revealer(rule: DisclosureRule = DISCLOSURE) -> Callable[[pd.DataFrame, object, str], str]:
    """How the audit shows a cell it finds suppressed only to protect another and given away anyway by
    the published ones (``differencing.protect``): as the rule would show it on its own, a count or n
    rounded, a share from rounded counts, any other value rounded."""
    def reveal(findings: pd.DataFrame, index: object, column: str) -> str:
        row = findings.loc[index]
        if column == "n":
            return safe_count(float(row["n"]), rule)
        found = registry.spec(row["measure"], row["statistic"])
        value, n = float(row["value"]), float(row["n"])
        if found is None or found.internal_only:
            return rule.mark
        if found.kind == "count":
            return safe_count(value, rule)
        if found.kind == "percentage" and found.whole:
            return _share(round(value * n / 100), n, rule, scale=100.0, places=found.rounding)
        return _number(value, found.rounding)
    return reveal


#: A level's pooled statistics that, with few hidden cohorts, give those cohorts' changes away, and the
#: judgements made from them (the certainty rating, the people a new cohort needs: ``findings.evidence``).
INVERTIBLE_POOLED = ("pooled_change", "pooled_ci_low", "pooled_ci_high", "pooled_p", "tau2", "i2", "q_p",
                     "pooled_pi_low", "pooled_pi_high", *JUDGEMENT_STATISTICS)


def hide_invertible_pooling(safe: pd.DataFrame, hidden: dict[tuple[str, str], int],
                            rule: DisclosureRule = DISCLOSURE) -> pd.DataFrame:
    """A level's public findings with the pooled statistics of an item and role hidden where any of its
    pooled cohorts has its own change hidden (``hidden``: ``findings.level.hidden_pooled_cohorts``).

    The pooled change, its interval (so its standard error), tau², I² (so Cochran's Q) and the prediction
    interval are equations in each hidden cohort's mean change and variance; the other cohorts' are
    published (their mean, n and Hedges' g give the variance). A hidden cohort is hidden because few
    people rest on it, so its mean and variance come from a few whole-number changes: an exhaustive
    search over the few values they can take solves the equations whatever the count of unknowns (an
    attack recovered three hidden cohorts' exact means, n's and SDs from a region's published pooling;
    issue 19). The rule used to let the pooling stand with three or more hidden cohorts; it no longer
    does. The judgements made from the same figures go with them (``findings.evidence.JUDGEMENT_STATISTICS``:
    the certainty and its concerns; the people a new cohort needs, which carry the pooled standard
    deviation and pinned a hidden cohort's n in that attack). The number of cohorts pooled (k) stays, as a
    count of cohorts, not people; the number of people paired (every row's n) goes with them, since less
    the other cohorts' published n's it is the hidden cohorts' own."""
    invertible = pd.Series(
        [hidden.get((measure, role), 0) >= 1 for measure, role in zip(safe["measure"], safe["role"], strict=True)],
        index=safe.index)
    protected = safe.copy()
    protected.loc[invertible & safe["statistic"].isin(INVERTIBLE_POOLED) & (safe["value"] != ""), "value"] = rule.mark
    pooled_n = safe["statistic"].isin((*pooling.POOLED_STATISTICS, *JUDGEMENT_STATISTICS))
    protected.loc[invertible & pooled_n & (safe["n"] != ""), "n"] = rule.mark
    return protected


def base_size(row: object, found: Statistic, facts: Lookup) -> float:
    """How many people a value really rests on: its n, the smaller group of a comparison (a missing
    or empty group counts as small: with no one in the other group, a group's figure is the whole's,
    so it would give a hidden figure of the whole away), or the people who share an extreme."""
    measure, role = row.measure, row.role  # type: ignore[attr-defined]
    if found.groups is not None:
        sizes = [facts.n(measure, role, statistic) for statistic in found.groups]
        return 1.0 if any(math.isnan(s) or s == 0 for s in sizes) else min(sizes)
    if found.at_extreme is not None:
        return facts.value(measure, role, found.at_extreme)
    return float(row.n)  # type: ignore[attr-defined]


def safe_value(row: object, facts: Lookup, rule: DisclosureRule = DISCLOSURE) -> str:
    """One findings value made safe, by what the registry says it is; unregistered values are hidden."""
    measure, role, statistic = row.measure, row.role, row.statistic  # type: ignore[attr-defined]
    value, n = float(row.value), float(row.n)  # type: ignore[attr-defined]
    found = registry.spec(measure, statistic)
    if found is None or found.internal_only:
        return rule.mark
    if found.kind == "structural":
        return _number(value, found.rounding)
    size = base_size(row, found, facts)
    if found.reveals_size or is_small(size, rule) or math.isnan(size):
        return rule.mark
    if found.kind == "count":
        return safe_part(value, n, rule) if found.whole else safe_count(value, rule)
    if math.isnan(value):
        return ""
    if found.kind == "percentage" and found.whole:
        return _share(round(value * n / 100), n, rule, scale=100.0, places=found.rounding)
    if found.kind == "proportion":
        return _share(facts.value(measure, role, "yes_count"), n, rule, scale=1.0, places=found.rounding)
    if found.kind == "interval_limit" and registry.family(measure) == "yes_no":
        return _rounded_wilson(facts.value(measure, role, "yes_count"), n, statistic, rule)
    return _number(value, found.rounding)


def _share(count: float, n: float, rule: DisclosureRule, scale: float, places: int) -> str:
    """A share computed from the rounded count and the rounded total, or suppressed when either the
    count or the rest of the total is small (so a shown share is never a false 0% or 100%)."""
    if math.isnan(count) or n == 0:
        return ""
    shown = safe_part(count, n, rule)
    if shown in ("", rule.mark, "0"):
        return shown
    return _number(scale * int(shown) / round_count(round(n), rule), places)


def _rounded_wilson(yes: float, n: float, statistic: str, rule: DisclosureRule) -> str:
    shown = safe_part(yes, n, rule)
    if shown in ("", rule.mark):
        return shown
    low, high = wilson_interval(int(shown), round_count(round(n), rule))
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


def read_public(path: str | Path) -> pd.DataFrame:
    """Public findings written by ``write_public``, or the ``findings-public.csv`` a publish wrote for
    people (whose text cells that would run as spreadsheet formulas carry a leading ``'``:
    ``safety.neutralise_cell``): every cell as the text it was published as."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return table.map(restore_cell)


def write_public(safe: pd.DataFrame, path: str | Path) -> None:
    """Public findings for a notebook to read back exactly (not for people: see ``run.step.write_csv``)."""
    safe.to_csv(path, index=False, lineterminator="\n")


def method_statement(safe: pd.DataFrame, rule: DisclosureRule = DISCLOSURE) -> str:
    """The public report's disclosure-control paragraph: the rule, how much it hid here, and why."""
    hidden = suppressed_cells(safe, rule)
    reasons = safe.loc[safe["value"] == rule.mark, WITHHELD_COLUMN].value_counts() \
        if WITHHELD_COLUMN in safe else pd.Series(dtype=int)
    why = "; ".join(f"{WITHHELD_REASONS.get(reason, reason)} ({count})" for reason, count in reasons.items() if reason)
    bands = (f" In tables, a withheld count may read 1-{rule.smallest_shown - 1} or \"N or more\", and a withheld "
             "share \"X% or more\" or \"X% or less\": bands that say no more than why the figure is withheld.")
    return (f"{rule.describe()}{bands} In this summary {hidden['value']} figures and {hidden['n']} group sizes "
            f"are suppressed" + (f", for these reasons (figures): {why}." if why else "."))


def public_flow_table(safe: pd.DataFrame) -> pd.DataFrame:
    """The participant flow of public findings: a row per role, a column per stage."""
    return public_table(safe, {"flow": "Participants"}, PUBLIC_FLOW_STATISTICS, n_label=None)


def suppressed_cells(safe: pd.DataFrame, rule: DisclosureRule = DISCLOSURE) -> dict[str, int]:
    """How many values and n were suppressed: the figures for the method note and the notes."""
    return {column: int((safe[column] == rule.mark).sum()) for column in ("value", "n")}


PUBLIC_ROLE_LABELS = {"mentor": "Mentors", "mentee": "Mentees", config.ALL_ROLES: "Everyone"}


#: The columns of the public report's tables; labels come from the registry. The p-value shown is
#: the Holm-adjusted one, as in the internal report.
PUBLIC_FLOW_STATISTICS = list(registry.FLOW)


PUBLIC_PREPOST_STATISTICS = ["pre_mean", "post_mean", "change_mean", "change_ci_low", "change_ci_high",
                             "wilcoxon_p_holm"]


PUBLIC_SESSIONS_STATISTICS = ["mean", "min", "max"]


PUBLIC_YES_NO_STATISTICS = ["yes_count", "yes_proportion", "wilson_ci_low", "wilson_ci_high"]


#: The dose table: the primary analysis (the ANCOVA slope) first, then the secondary (Spearman's rho).
PUBLIC_DOSE_STATISTICS = ["ancova_slope", "ancova_ci_low", "ancova_ci_high", "ancova_p", "spearman_rho",
                          "spearman_ci_low", "spearman_ci_high"]


PUBLIC_PLAN_STATISTICS = ["fewer_than_planned", "as_planned", "more_than_planned"]


PUBLIC_POOLED_DOSE_STATISTICS = ["pooled_ancova_slope", "pooled_ancova_ci_low", "pooled_ancova_ci_high",
                                 "pooled_ancova_p", "mixed_slope", "mixed_ci_low", "mixed_ci_high", "mixed_p"]


def _merged_cell(values: pd.Series, found: Statistic | None, rule: DisclosureRule) -> str:
    """The withheld answers' cell of one role: the published value of a merged single-answer category
    (``merge_rare_categories``); for several rows (a multi-answer question), the mark unless all are 0."""
    if len(values) == 1:
        return display(values.iloc[0], found)
    return "0" if (values == "0").all() else rule.mark


def public_category_table(safe: pd.DataFrame, measure: str, heading: str,
                          rule: DisclosureRule = DISCLOSURE) -> pd.DataFrame:
    """A categorical measure of public findings as a table: a row per category shown by name, one row
    for the categories whose names are withheld (``hide_rare_categories``), and the people who
    answered; a column per role."""
    rows = safe[safe["measure"] == measure]
    roles = [role for role in PUBLIC_ROLE_LABELS if role in set(rows["role"])]
    found = registry.spec(measure, SUPPRESSED_CATEGORY)
    records = []
    for category in dict.fromkeys(rows["statistic"]):
        if category == SUPPRESSED_CATEGORY:
            continue
        cells = rows[rows["statistic"] == category].set_index("role")["value"]
        records.append({heading: category, **{PUBLIC_ROLE_LABELS[r]: display(cells[r], found) if r in cells.index
                                              else "–" for r in roles}})
    hidden = rows[rows["statistic"] == SUPPRESSED_CATEGORY]
    if not hidden.empty:
        records.append({heading: f"Other answers, each given by fewer than {rule.smallest_shown} people",
                        **{PUBLIC_ROLE_LABELS[r]: _merged_cell(hidden.loc[hidden["role"] == r, "value"], found, rule)
                           for r in roles}})
    answered = rows.groupby("role")["n"].first()
    records.append({heading: "Answered", **{PUBLIC_ROLE_LABELS[r]: display(answered[r], registry.FLOW["enrolled"])
                                            for r in roles}})
    return pd.DataFrame.from_records(records, columns=[heading, *(PUBLIC_ROLE_LABELS[r] for r in roles)])


def display(text: str, found: Statistic | None = None, mark: str = DISCLOSURE.mark) -> str:
    """A public value for reading: counts as published (``mark``, 0, multiples of the base); any other
    number with the registry's decimals (at least one), so that it cannot be read as a count."""
    if text in ("", mark):
        return text or "–"
    number = float(text)
    if found is not None and found.kind in ("count", "extreme", "structural"):
        return f"{number:.0f}"
    if found is not None and found.kind == "p_value" and number < 0.001:
        return "< 0.001"
    places = 2 if found is None else max(1, found.rounding)
    return f"{number:.{places}f}"


def public_table(safe: pd.DataFrame, measures: dict[str, str], statistics: list[str] | dict[str, str],
                 n_label: str | None = "People", n_of: str | None = None) -> pd.DataFrame:
    """Rows of (measure, role), columns of statistics, from the public findings.

    ``measures`` maps findings measures to the labels readers see (the measure column is left out
    when there is one measure); ``statistics`` lists the columns, labelled by the registry unless a
    dict gives labels; ``n_label`` heads a column with the n of statistic ``n_of`` (default: the first).
    """
    if not isinstance(statistics, dict):
        first = next(iter(measures))
        statistics = {stat: registry.label(first, stat) for stat in statistics}
    rows = safe[safe["measure"].isin(measures) & safe["statistic"].isin(statistics)]
    n_of = n_of or next(iter(statistics))
    records = []
    for (measure, role), group in rows.groupby(["measure", "role"], sort=False):
        values = group.set_index("statistic")
        record = {"Measure": measures[measure]} if len(measures) > 1 else {}
        record["Role"] = PUBLIC_ROLE_LABELS[role]
        record.update({label: _cell(values, measure, stat) if stat in values.index else "–"
                       for stat, label in statistics.items()})
        if n_label:
            record[n_label] = display(values.at[n_of, "n"], registry.FLOW["enrolled"]) if n_of in values.index else "–"
        records.append(record)
    return pd.DataFrame(records)


def _cell(values: pd.DataFrame, measure: str, statistic: str, rule: DisclosureRule = DISCLOSURE) -> str:
    """A public table's cell: the value as displayed, or a withheld share's or count's safe band
    (``share_band``, ``count_band``)."""
    found, value = registry.spec(measure, statistic), values.at[statistic, "value"]
    if value != rule.mark or found is None or WITHHELD_COLUMN not in values:
        return display(value, found)
    reason, n = str(values.at[statistic, WITHHELD_COLUMN]), pd.to_numeric(values.at[statistic, "n"], errors="coerce")
    if (registry.family(measure) == "yes_no" and found.kind == "proportion") or (
            found.kind == "percentage" and found.whole):
        return share_band(reason, n, rule) or display(value, found)
    if found.kind == "count":
        return count_band(reason, n, rule) or display(value, found)
    return display(value, found)


#: A row a cohort's public findings withhold: (cohort label, measure, role, statistic); ``ANY`` in the last
#: three: every row of the cohort (no public findings written yet: fail closed).
HiddenRow = tuple[str, str, str, str]
ANY: Final = "*"


def public_level_findings(results: LevelResults, rule: DisclosureRule = config.DISCLOSURE,
                          hidden_changes: Collection[tuple[str, str, str]] = (),
                          hidden_rows: Collection[HiddenRow] = ()) -> pd.DataFrame:
    """A level's findings (``findings.level.level_results``) made safe to publish (``public_findings``),
    with the pooled statistics hidden that would give a hidden cohort's change away
    (``hide_invertible_pooling``; ``hidden_changes``: the pooled cohorts' changes hidden in their own
    public findings for any reason, ``hidden_changes_of``), the pooled dose models resting on one
    cohort, which are that cohort's own model (``hide_single_cohort_models``), and the section 8 figures
    over the people of a cohort that withholds its own (``hide_people_over_hidden``; ``hidden_rows``:
    ``hidden_rows_of``)."""
    hidden = pooling.hidden_pooled_cohorts(results.analyses, rule, hidden_changes)
    safe = hide_over_hidden(public_findings(results.findings, rule), hidden, rule)
    safe = hide_single_cohort_models(blank_by_design(safe, results), results.fits, rule)
    safe = tag_withheld(safe, "one_cohort", rule)
    safe = tag_withheld(hide_evidence_over_hidden(safe, hidden, rule), "fits_hidden", rule)
    return hide_people_over_hidden(safe, set(results.people["cohort_label"]), hidden_rows, rule)


def hidden_rows_of(cohort_public: Iterable[pd.DataFrame], rule: DisclosureRule = DISCLOSURE) -> set[HiddenRow]:
    """Every section 8 row resting on people (``instruments.about_people``) whose value or n the cohorts'
    public findings ``cohort_public`` withhold (each with its region and cohort number, as ``hidden_changes_of``)."""
    hidden: set[HiddenRow] = set()
    for safe in cohort_public:
        people = pd.Series([instruments.about_people(m, s) for m, s in zip(safe["measure"], safe["statistic"],
                                                                             strict=True)],
                           index=safe.index, dtype=bool)
        rows = safe[((safe["value"] == rule.mark) | (safe["n"] == rule.mark)) & people]
        hidden |= {(pooling.cohort_label(str(region), int(cohort)), str(measure), str(role), str(statistic))
                   for region, cohort, measure, role, statistic in zip(rows["region"], rows["cohort"], rows["measure"],
                                                                       rows["role"], rows["statistic"], strict=True)}
    return hidden


def hide_people_over_hidden(safe: pd.DataFrame, labels: Collection[str], hidden_rows: Collection[HiddenRow],
                            rule: DisclosureRule = DISCLOSURE) -> pd.DataFrame:
    """A level's public findings with each section 8 row resting on people withheld, value and n, wherever a
    cohort it pools (``labels``) withholds the same row (``hidden_rows``), tagged "pooled_people". A level
    computes these rows over all its cohorts' people together (``findings.instruments``): a mean over them
    is a sum, and less the other cohorts' published sums it gives a withheld cohort's back (and its n,
    less theirs). The disclosure audit holds only the flow and the yes/no answers across levels, so the
    rule is kept simple and closed: a level publishes such a figure only where every cohort it pools
    publishes its own (the session topics rest on no one and are shown as they are)."""
    wildcard = {label for label, measure, _, _ in hidden_rows if measure == ANY}
    if wildcard & set(labels):
        keys = None  # a member without public findings: every such row is withheld
    else:
        keys = {(measure, role, statistic) for label, measure, role, statistic in hidden_rows if label in labels}
    rows = pd.Series([instruments.about_people(m, s) and (keys is None or (m, r, s) in keys)
                      for m, r, s in zip(safe["measure"], safe["role"], safe["statistic"], strict=True)],
                     index=safe.index)
    protected = safe.copy()
    protected.loc[rows & (safe["value"] != ""), "value"] = rule.mark
    protected.loc[rows & (safe["n"] != ""), "n"] = rule.mark
    return tag_withheld(protected, "pooled_people", rule)


def hide_over_hidden(safe: pd.DataFrame, hidden: dict[tuple[str, str], int], rule: DisclosureRule = DISCLOSURE
                     ) -> pd.DataFrame:
    """A level's public findings with what its hidden pooled cohorts (``hidden``: how many of each item and
    role's are hidden) require withheld, each with its reason: the pooled figures of a pooling of any
    hidden cohort (``hide_invertible_pooling``, "pooling") and every meta-regression over any hidden cohort
    (``hide_evidence_over_hidden``, "fits_hidden"). The one rule a publish and the cross-level audit
    (``hierarchy.pooling_after_audit``) both apply."""
    pooled = tag_withheld(hide_invertible_pooling(safe, hidden, rule), "pooling", rule)
    return tag_withheld(hide_evidence_over_hidden(pooled, hidden, rule), "fits_hidden", rule)


def hide_evidence_over_hidden(safe: pd.DataFrame, hidden: dict[tuple[str, str], int],
                              rule: DisclosureRule = DISCLOSURE) -> pd.DataFrame:
    """A level's public findings with every meta-regression of the evidence for the next decision
    (``findings.evidence.FITTED_STATISTICS``: on sessions offered, on the start, Egger's test, the
    regions compared) hidden, its n with it, for each item and role where any pooled cohort has its own
    change hidden (``hidden``: ``findings.level.hidden_pooled_cohorts``). A meta-regression fits each
    cohort's own change and variance: with the other cohorts' published, its slope, interval and
    residual tau² are equations in the hidden ones, and with the pooled figures there are more
    equations than a few hidden cohorts have unknowns. A blank left by design (``blank_by_design``:
    fewer cohorts than the figure needs) stays blank."""
    over_hidden = pd.Series([hidden.get((measure, role), 0) >= 1 for measure, role
                             in zip(safe["measure"], safe["role"], strict=True)], index=safe.index)
    rows = over_hidden & safe["statistic"].isin(FITTED_STATISTICS)
    protected = safe.copy()
    protected.loc[rows & (safe["value"] != ""), "value"] = rule.mark
    protected.loc[rows & (safe["n"] != ""), "n"] = rule.mark
    return protected


def blank_by_design(safe: pd.DataFrame, results: LevelResults) -> pd.DataFrame:
    """A level's public findings with a blank, not the mark, where a pooled figure was not computed for
    a reason the published number of cohorts gives: no pooling of fewer than 2 cohorts (k), no
    prediction interval from fewer than 3, no mixed model from fewer than ``MIN_MIXED_COHORTS``. Such a
    blank says nothing about anyone's answers; the mark would say a figure exists and is withheld."""
    findings = results.findings
    k = {(m, r): v for m, r, s, v in zip(findings["measure"], findings["role"], findings["statistic"],
                                          findings["value"], strict=True) if s == "k"}
    fewest = {**dict.fromkeys(INVERTIBLE_POOLED, 2), "pooled_pi_low": 3, "pooled_pi_high": 3, **FEWEST_COHORTS}
    cohorts_fitted = {key: int(mixed.get("cohorts", 0)) for key, (_fixed, mixed) in results.fits.items()}
    blank = []
    for measure, role, statistic, value in zip(findings["measure"], findings["role"], findings["statistic"],
                                               findings["value"], strict=True):
        if not pd.isna(value):
            blank.append(False)
        elif statistic in fewest:
            blank.append(float(k.get((measure, role), 0)) < fewest[statistic])
        else:
            blank.append(statistic.startswith("mixed_")
                         and cohorts_fitted.get((measure, role), 0) < pooling.MIN_MIXED_COHORTS)
    protected = safe.copy()
    protected.loc[pd.Series(blank, index=findings.index).reindex(safe.index, fill_value=False), "value"] = ""
    return protected


#: The statistics of a pooled dose model (ANCOVA with cohort fixed effects, and the mixed model).
POOLED_MODEL_STATISTICS = tuple(f"{model}_{key}" for model in ("pooled_ancova", "mixed") for key in pooling.DOSE_FIELDS)


#: A cohort's headline figures: its participant flow and each item's mean change, by role.
HEADLINE_STATISTICS = frozenset({*FLOW_STAGES, "change_mean"})
#: A cohort whose public findings hide more than this share of its headline figures is too small to
#: publish on its own: its public page says so and points to its region's instead of showing tables of marks.
TOO_SMALL_SHARE = 0.5


def headline_hidden(safe: pd.DataFrame, rule: DisclosureRule = DISCLOSURE) -> tuple[int, int]:
    """How many of a cohort's headline figures (``HEADLINE_STATISTICS``: the participant flow and each
    item's mean change, by role) its public findings hide, and how many there are."""
    headline = safe[safe["statistic"].isin(HEADLINE_STATISTICS) & safe["measure"].isin(["flow", *config.RATING_ITEMS])]
    return int((headline["value"] == rule.mark).sum()), len(headline)


def too_small_to_publish(safe: pd.DataFrame, rule: DisclosureRule = DISCLOSURE) -> bool:
    """Whether a cohort's public findings hide more than ``TOO_SMALL_SHARE`` of its headline figures."""
    hidden, total = headline_hidden(safe, rule)
    return total == 0 or hidden > TOO_SMALL_SHARE * total


def hide_single_cohort_models(safe: pd.DataFrame, fits: pooling.Fits,
                              rule: DisclosureRule = DISCLOSURE) -> pd.DataFrame:
    """A level's public findings with each pooled dose model that rests on fewer than 2 cohorts hidden,
    its people's number with it: with one cohort, the model with cohort fixed effects is that cohort's
    own ANCOVA, so it would publish at the level what the cohort's report may hide."""
    single = {key for key, (fixed, _mixed) in fits.items() if fixed.get("cohorts", 0) < 2}
    rows = safe["statistic"].isin(POOLED_MODEL_STATISTICS) & pd.Series(
        [(measure, role) in single for measure, role in zip(safe["measure"], safe["role"], strict=True)],
        index=safe.index)
    # the mixed model is never fitted from one cohort (``blank_by_design`` left its values blank); a blank
    # of the ANCOVA's (an interval it could not give) is the cohort's own fact, withheld with the rest
    mixed = safe["statistic"].str.startswith("mixed_")
    protected = safe.copy()
    protected.loc[rows & ~mixed, "value"] = rule.mark
    protected.loc[rows, "n"] = rule.mark
    return protected


def members_hidden(members: Iterable[tuple[str, int, Path]], rule: DisclosureRule = DISCLOSURE
                   ) -> tuple[set[tuple[str, str, str]], set[HiddenRow]]:
    """What the pooled cohorts' public findings withhold, read once from the files each has written
    (``members``: region, cohort number and the path of its ``findings-public.csv``): their hidden changes
    (``hidden_changes_of``) and section 8 rows (``hidden_rows_of``). A cohort with no public findings yet
    counts as hiding every change and every row (``ANY``: fail closed)."""
    written, missing = [], []
    for region, cohort, path in members:
        if Path(path).is_file():
            written.append(read_public(path))
        else:
            missing.append(pooling.cohort_label(region, cohort))
    changes = {(label, item, role) for label in missing for item in config.RATING_ITEMS
               for role in (*config.ROLES, config.ALL_ROLES)}
    rows = {(label, ANY, ANY, ANY) for label in missing}
    return changes | hidden_changes_of(written, rule), rows | hidden_rows_of(written, rule)


def hidden_changes_of(cohort_public: Iterable[pd.DataFrame], rule: DisclosureRule = DISCLOSURE
                      ) -> set[tuple[str, str, str]]:
    """``(cohort label, item, role)`` for every mean change hidden (the rule's mark) in the cohorts' public
    findings ``cohort_public`` (each as ``read_public`` gives it, with its region and cohort number)."""
    hidden = set()
    for safe in cohort_public:
        rows = safe[(safe["statistic"] == "change_mean") & (safe["value"] == rule.mark)]
        hidden |= {(pooling.cohort_label(str(region), int(cohort)), str(measure), str(role))
                   for region, cohort, measure, role in zip(rows["region"], rows["cohort"], rows["measure"],
                                                            rows["role"], strict=True)}
    return hidden
