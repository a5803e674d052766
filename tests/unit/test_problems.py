"""Problems for evaluators: one line for a problem on many rows, at most 20 lines a file."""

from __future__ import annotations

import pytest

from rm_research.core.problems import (
    DataError,
    Problem,
    closest,
    describe_rows,
    did_you_mean,
    format_problems,
    quoted,
    row_runs,
    spelling_key,
)


@pytest.mark.parametrize(("rows", "runs", "text"), [
    ([5], ((5, 5),), "row 5"),
    (range(3, 35), ((3, 34),), "rows 3-34"),
    ([12, 9, 10, 3, 5, 11, 5], ((3, 3), (5, 5), (9, 12)), "rows 3, 5, 9-12"),
    ([2, 4, 6, 8, 10, 12, 14, 16, 18, 19, 20], ((2, 2), (4, 4), (6, 6), (8, 8), (10, 10), (12, 12), (14, 14),
                                                 (16, 16), (18, 20)), "rows 2, 4, 6, 8, 10, 12, 14, 16 and 3 more"),
])
def test_rows_as_runs(rows, runs, text):
    assert row_runs(rows) == runs
    assert describe_rows(runs) == text


def test_a_problem_on_one_row_is_the_plain_problem():
    assert Problem.on_rows("f.csv", [7], "c", "m") == Problem("f.csv", 7, "c", "m")
    assert str(Problem.on_rows("f.csv", [12, 9, 10, 3, 5, 11], "c", "m")) == "f.csv, rows 3, 5, 9-12, column c: m"


def test_two_million_rows_are_one_problem_held_as_one_run():
    problem = Problem.on_rows("f.csv", range(2, 2_000_002), "c", "m")
    assert problem.runs == ((2, 2_000_001),)
    assert problem.row_count == 2_000_000
    assert str(problem) == "f.csv, rows 2-2000001, column c: m"


@pytest.mark.parametrize(("values", "distinct", "text"), [
    (["a"], 1, "'a'"), (["a", "b"], 2, "'a' and 'b'"), (["a", "b", "c"], 3, "'a', 'b' and 'c'"),
    (["a", "b", "c", "d"], 4, "'a', 'b', 'c' and 1 other value"), (["a", "b", "c"], 1003, "'a', 'b', 'c' and 1,000 other values"),
])
def test_quoted_examples(values, distinct, text):
    assert quoted(values, distinct) == text


def test_at_most_twenty_lines_per_file_then_the_rest_counted():
    problems = [Problem("a.csv", row, "c", "m") for row in range(2, 32)] + [Problem("b.csv", 2, "c", "m")]
    lines = format_problems(problems).splitlines()
    assert lines[0] == "Found 31 problem(s) in the data; nothing was written. Please fix:"
    assert lines[1:21] == [f"  - a.csv, row {row}, column c: m" for row in range(2, 22)]
    assert lines[21:] == ["  - a.csv: 10 more problem(s) not shown; fix those above and run validate again to see them",
                          "  - b.csv, row 2, column c: m"]


def test_the_heading_counts_rows_when_problems_span_many():
    error = DataError([Problem.on_rows("a.csv", range(2, 1002), "c", "m"), Problem("a.csv", None, None, "n")])
    assert str(error).splitlines()[0] == "Found 2 problem(s) on 1,000 rows in the data; nothing was written. Please fix:"


# --- did you mean ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "key"), [("Cohort 01", "cohort1"), ("cohort-1", "cohort1"), ("MR_010", "mr10"),
                                            ("South East", "southeast"), ("2020", "2020"), ("A0", "a0")])
def test_spelling_key_folds_case_punctuation_and_leading_zeros(value, key):
    assert spelling_key(value) == key


@pytest.mark.parametrize(("value", "choices", "expected"), [
    ("mr01", ["MR01", "MR02"], "MR01"),  # case only
    ("MR1", ["MR01", "MR10", "MR11"], "MR01"),  # leading zero: difflib alone ties MR01, MR10 and MR11 at 6/7
    ("south-eats", ["london", "south-east", "south-west"], "south-east"),  # difflib ratio 16/18
    ("conf_seniors", ["conf_senior", "conf_junior"], "conf_senior"),
    ("A4", ["A1", "A2", "B4"], None),  # ratio 1/2: two different short codes are not a near miss
    ("zz", [], None),
])
def test_closest(value, choices, expected):
    assert closest(value, choices) == expected


def test_beyond_the_fuzzy_limit_only_the_same_spelling_is_suggested(monkeypatch):
    import rm_research.core.problems as problems

    monkeypatch.setattr(problems, "MAX_FUZZY_CHOICES", 3)
    choices = ["MR01", "MR02", "MR03", "MR04"]
    assert closest("mr-02", choices) == "MR02"
    assert closest("MR0X2", choices) is None


def test_did_you_mean_wording():
    assert did_you_mean("end_survy", ["participants", "end_survey"]) == "did you mean 'end_survey'?"
    assert did_you_mean("end_survey", ["end_survey"]) == ""
    assert did_you_mean("diary", ["participants", "end_survey"]) == ""
