"""Disclosure control on a hand-made findings table, every expected cell worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from rm_research.config import DisclosureRule
from rm_research.disclosure import public_findings, round_count, safe_count, suppressed_cells
from rm_research.effects import wilson_interval

ROWS = [  # measure, role, statistic, value, n
    ("flow", "mentor", "enrolled", 12, 12),
    ("flow", "mentee", "enrolled", 3, 3),
    ("flow", "all", "enrolled", 15, 15),
    ("flow", "mentor", "attended_psych", 6, 12),
    ("flow", "mentee", "attended_psych", 3, 3),
    ("flow", "all", "attended_psych", 9, 15),
    ("flow", "mentor", "withdrawn", 0, 12),
    ("psych_supportive", "mentor", "yes_count", 13, 23),
    ("psych_supportive", "mentor", "yes_proportion", 13 / 23, 23),
    ("psych_supportive", "mentor", "wilson_ci_low", 0.37, 23),
    ("conf_senior", "mentor", "pre_mean", 8.25, 12),
    ("conf_senior", "mentee", "pre_mean", 6.0, 3),
    ("conf_senior", "all", "pre_mean", 7.8, 15),
    ("conf_senior", "mentor", "wilcoxon_p", float("nan"), 0),
    ("areas_of_work", "mentor", "People management", 75.0, 12),
    ("areas_of_work", "mentor", "Communications", 25.0, 12),
    ("areas_of_work", "mentor", "Regional oversight", 0.0, 12),
    ("psych_sessions", "all", "offered", 3.0, 15),
]
EXPECTED = [  # value, n as published
    ("10", "10"),       # 12 -> nearest 5
    ("*", "*"),         # 3: primary suppression
    ("*", "*"),         # secondary: mentors shown, mentees hidden, so the total would reveal them
    ("*", "10"),        # 6 of 12
    ("*", "*"),
    ("10", "*"),        # both roles hidden: the total 9 -> 10 may show; its n 15 may not (mentor n shown)
    ("0", "10"),        # 0 stays 0
    ("15", "25"),       # 13 -> 15, 23 -> 25
    ("0.6", "25"),      # from rounded counts: 15 / 25
    (repr(wilson_interval(15, 25)[0]), "25"),
    ("8.25", "10"),     # a mean on 12 people stands
    ("*", "*"),         # a mean on 3 people does not
    ("*", "*"),         # secondary
    ("", "0"),          # nothing to show; an n of 0 stays 0
    ("100.0", "10"),    # 9 of 12 -> 10 of 10: percentages from rounded counts
    ("*", "10"),        # 3 of 12
    ("0", "10"),
    ("3.0", "15"),      # sessions offered is not a count of people
]


@pytest.fixture
def published():
    findings = pd.DataFrame([("r", 1, *row) for row in ROWS],
                            columns=["region", "cohort", "measure", "role", "statistic", "value", "n"])
    return public_findings(findings)


def test_hand_worked_table(published):
    assert list(zip(published["value"], published["n"], strict=True)) == EXPECTED


def test_same_columns_as_findings(published):
    assert list(published.columns) == ["region", "cohort", "measure", "role", "statistic", "value", "n"]


def test_counting_suppressed_cells(published):
    assert suppressed_cells(published) == {
        "value": sum(v == "*" for v, _ in EXPECTED), "n": sum(n == "*" for _, n in EXPECTED)}


@pytest.mark.parametrize(("count", "shown"), [(0, "0"), (1, "*"), (7, "*"), (8, "10"), (12, "10"), (13, "15"),
                                              (17, "15"), (18, "20"), (100, "100")])
def test_safe_count(count, shown):
    assert safe_count(count) == shown


def test_thresholds_are_settings():
    rule = DisclosureRule(smallest_shown=10, rounding_base=10, mark="[c]")
    assert safe_count(9, rule) == "[c]"
    assert safe_count(14, rule) == "10" and safe_count(15, rule) == "20"
    assert round_count(23, rule) == 20
    assert "1 to 9" in rule.describe() and "nearest 10" in rule.describe()
