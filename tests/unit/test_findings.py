"""Every findings statistic on the hand-made fixture (tests/helpers.py), worked out by hand.

The fixture: mentors A1 (pair P1), A2 (pair P2), A3 (never matched); mentees B1 (P1), B2 (P2,
withdrawn). End survey from A1, A2 and B1. P1 has a session log (4 held, 1 missed); P2 has none.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from rm_research.findings.cohort import compute_findings
from rm_research.findings.table import FINDINGS_COLUMNS
from tests.helpers import FIXTURE, lookup


@pytest.fixture
def findings(fixture_cohort):
    return compute_findings(fixture_cohort, "test-region", 7)


def findings_with(folder, **files):
    """Findings of the hand-made fixture with some of its files replaced (None leaves one out)."""
    from rm_research.ingest.clean import tidy_cohort
    from rm_research.ingest.validate import validate_cohort
    from tests.helpers import write_cohort

    return compute_findings(tidy_cohort(validate_cohort(write_cohort(folder, **files))), "r", 1)


def value(findings, measure, role, statistic):
    row = lookup(findings, measure, role, statistic)
    return row["value"], row["n"]


def test_columns_and_identity(findings):
    assert list(findings.columns) == FINDINGS_COLUMNS
    assert set(findings["region"]) == {"test-region"}
    assert set(findings["cohort"]) == {7}
    assert set(findings["role"]) == {"mentor", "mentee", "all"}


@pytest.mark.parametrize(("role", "expected"), [
    # enrolled, matched, attended_psych, completed_end_survey, withdrawn
    ("mentor", (3, 2, 1, 2, 0)),
    ("mentee", (2, 2, 1, 1, 1)),
    ("all", (5, 4, 2, 3, 1)),
])
def test_flow_counts(findings, role, expected):
    stages = ("enrolled", "matched", "attended_psych", "completed_end_survey", "withdrawn")
    for stage, count in zip(stages, expected, strict=True):
        assert value(findings, "flow", role, stage) == (count, expected[0])


def test_pre_post_means_and_change(findings):
    # mentors' conf_senior: pre 5, 7, 9; post 8, 6; change +3 (A1), -1 (A2)
    assert value(findings, "conf_senior", "mentor", "pre_mean") == (7.0, 3)
    assert value(findings, "conf_senior", "mentor", "post_mean") == (7.0, 2)
    assert value(findings, "conf_senior", "mentor", "change_mean") == (1.0, 2)
    # everyone: pre 5, 7, 9, 3, 4; post 8, 6, 6; change +3, -1, +3
    assert value(findings, "conf_senior", "all", "pre_mean") == (pytest.approx(28 / 5), 5)
    assert value(findings, "conf_senior", "all", "change_mean") == (pytest.approx(5 / 3), 3)


def test_wilcoxon_and_rank_biserial(findings):
    # mentors: d = +3, -1 -> ranks 2, 1; R+ = 2, R- = 1. Signs of two ranks: T+ in {0, 1, 2, 3};
    # P(T+ >= 2) = 2/4, P(T+ <= 2) = 3/4 -> p = 2 * 2/4 = 1.
    assert value(findings, "conf_senior", "mentor", "wilcoxon_p") == (pytest.approx(1.0), 2)
    assert value(findings, "conf_senior", "mentor", "rank_biserial") == (pytest.approx(1 / 3), 2)
    # everyone: d = +3, -1, +3 -> ranks 2.5, 1, 2.5; R+ = 5, R- = 1. T+ over the 8 sign patterns:
    # 0, 1, 2.5, 2.5, 3.5, 3.5, 5, 6 -> P(T+ >= 5) = 2/8 -> p = 0.5
    assert value(findings, "conf_senior", "all", "wilcoxon_p") == (pytest.approx(0.5), 3)
    assert value(findings, "conf_senior", "all", "rank_biserial") == (pytest.approx(4 / 6), 3)


def test_zero_differences_are_dropped(findings):
    # comfort_needs: A1 6 -> 6 (zero, dropped), A2 4 -> 7: one difference left, p = 1, r = 1
    assert value(findings, "comfort_needs", "mentor", "change_mean") == (1.5, 2)
    assert value(findings, "comfort_needs", "mentor", "wilcoxon_p") == (pytest.approx(1.0), 2)
    assert value(findings, "comfort_needs", "mentor", "rank_biserial") == (1.0, 2)


def test_items_a_role_was_not_asked_have_no_rows(findings):
    measures = set(findings.loc[findings["role"] == "mentee", "measure"])
    assert "comfort_needs" not in measures
    assert "conf_junior" not in set(findings.loc[findings["role"] == "mentor", "measure"])


def test_unanswerable_change_is_blank_with_n_zero(findings):
    # mentees' conf_junior: B1 answered both (2 -> 2, a zero), so the test has nothing to rank
    assert value(findings, "conf_junior", "mentee", "change_mean") == (0.0, 1)
    p, n = value(findings, "conf_junior", "mentee", "wilcoxon_p")
    assert math.isnan(p) and n == 1


def test_sessions_reported(findings):
    assert value(findings, "sessions_reported", "mentor", "mean") == (4.0, 2)
    assert value(findings, "sessions_reported", "mentor", "min") == (3.0, 2)
    assert value(findings, "sessions_reported", "mentor", "max") == (5.0, 2)
    assert value(findings, "sessions_reported", "all", "count_at_max") == (1.0, 3)


def test_yes_counts_accept_every_spelling(findings):
    # length: yes, N (mentors); y (mentee). psych: yes, TRUE; blank. missed: no, blank; 1
    assert value(findings, "length_appropriate", "mentor", "yes_count") == (1.0, 2)
    assert value(findings, "psych_supportive", "mentor", "yes_count") == (2.0, 2)
    assert value(findings, "missed_any", "mentor", "yes_count") == (0.0, 1)
    assert value(findings, "missed_any", "mentee", "yes_count") == (1.0, 1)
    assert "psych_supportive" not in set(findings.loc[findings["role"] == "mentee", "measure"])


def test_attendance_effect_uses_the_log_then_self_report(findings):
    # sessions: A1 and B1 from P1's log (4 held), A2 self-reported 3; change +3, -1, +3.
    # Ranks x: 2.5, 1, 2.5 and y: 2.5, 1, 2.5 are identical -> rho = 1
    assert value(findings, "attendance_effect", "all", "spearman_rho") == (pytest.approx(1.0), 3)
    rho, n = value(findings, "attendance_effect", "mentor", "spearman_rho")
    assert math.isnan(rho) and n == 2  # fewer than 3 pairs: blank


def test_psych_effect(findings):
    # attended: A1 1, A2 0, B1 2; change +3, -1, +3 -> ranks 2, 1, 3 vs 2.5, 1, 2.5 -> sqrt(3)/2
    assert value(findings, "psych_effect", "all", "spearman_rho") == (pytest.approx(math.sqrt(3) / 2), 3)


def test_areas_of_work_percentages(findings):
    # mentors answering: A1 (People; Communications), A2 (People); A3 left it blank
    assert value(findings, "areas_of_work", "mentor", "People management") == (100.0, 2)
    assert value(findings, "areas_of_work", "mentor", "Communications") == (50.0, 2)
    assert value(findings, "areas_of_work", "mentor", "Regional oversight") == (0.0, 2)
    assert value(findings, "areas_of_work", "mentee", "Budget management") == (100.0, 1)


def test_missing_optional_files_leave_their_figures_blank(tmp_path):
    findings = findings_with(tmp_path, psych_sessions=None, mentoring_sessions=None)
    attended, n = value(findings, "flow", "mentor", "attended_psych")
    assert math.isnan(attended) and n == 3
    assert "psych_effect" not in set(findings["measure"])
    # without a log, sessions are self-reported: A1 5, A2 3, B1 4 against +3, -1, +3
    rho, n = value(findings, "attendance_effect", "all", "spearman_rho")
    assert n == 3 and rho == pytest.approx(math.sqrt(3) / 2)


def test_people_the_psych_log_does_not_list_attended_none(tmp_path):
    psych = "\n".join(line for line in FIXTURE["psych_sessions"].splitlines() if not line.startswith("A2")) + "\n"
    findings = findings_with(tmp_path, psych_sessions=psych)
    # A2 counts as 0 sessions: the same rho as with A2's explicit "no" rows
    assert value(findings, "psych_effect", "all", "spearman_rho") == (pytest.approx(math.sqrt(3) / 2), 3)


def test_an_areas_cell_of_separators_only_is_not_an_answer(tmp_path):
    people = FIXTURE["participants"].replace("A2,mentor,P2,Asian,People management,", "A2,mentor,P2,Asian,;,")
    findings = findings_with(tmp_path, participants=people)
    assert value(findings, "areas_of_work", "mentor", "People management") == (100.0, 1)


def test_smallest_attainable_p_is_reported(findings):
    # mentors' comfort_needs: one non-zero change of two -> the smallest p possible is 1
    assert value(findings, "comfort_needs", "mentor", "wilcoxon_min_p") == (1.0, 2)
    assert value(findings, "conf_senior", "all", "wilcoxon_min_p") == (0.25, 3)


def test_attrition_by_hand(findings):
    # mentors' conf_senior at enrolment: completers A1 5, A2 7; non-completer A3 9. No completer is
    # higher: U = 0, r = -1. The 3 ways to choose 2 of the pooled ranks 1, 2, 3 give U = 0, 1, 2:
    # P(U <= 0) = 1/3 -> p = 2/3
    assert value(findings, "conf_senior", "mentor", "completers_pre_mean") == (6.0, 2)
    assert value(findings, "conf_senior", "mentor", "noncompleters_pre_mean") == (9.0, 1)
    assert value(findings, "conf_senior", "mentor", "attrition_mwu_p") == (pytest.approx(2 / 3), 3)
    assert value(findings, "conf_senior", "mentor", "attrition_rank_biserial") == (-1.0, 3)


def test_psych_attenders_against_non_attenders_by_hand(findings):
    # everyone: attenders A1 (+3) and B1 (+3) against A2 (-1): U = 2, r = 1; the splits of the
    # pooled ranks 1, 2.5, 2.5 give U = 0.5, 0.5, 2 -> P(U >= 2) = 1/3 -> p = 2/3
    assert value(findings, "psych_attendance", "all", "attenders_change_mean") == (3.0, 2)
    assert value(findings, "psych_attendance", "all", "nonattenders_change_mean") == (-1.0, 1)
    assert value(findings, "psych_attendance", "all", "mwu_p") == (pytest.approx(2 / 3), 3)
    assert value(findings, "psych_attendance", "all", "rank_biserial") == (1.0, 3)


def test_wilson_and_proportion_rows(findings):
    # mentors: 2 of 2 found the psychological sessions supportive
    assert value(findings, "psych_supportive", "mentor", "yes_proportion") == (1.0, 2)
    low, n = value(findings, "psych_supportive", "mentor", "wilson_ci_low")
    z = 1.959963984540054
    assert n == 2 and low == pytest.approx(1 / (1 + z**2 / 2))  # Wilson lower bound at p = 1


def test_holm_rows_adjust_the_report_family(findings):
    tests = findings[findings["statistic"] == "wilcoxon_p"].dropna(subset=["value"])
    holm = findings[findings["statistic"] == "wilcoxon_p_holm"].dropna(subset=["value"])
    # family here: 1, 1, 1, 0.5 (everyone's conf_senior), 1 -> the smallest becomes min(1, 5 x 0.5) = 1
    assert len(tests) == len(holm) == 5
    assert set(holm["value"]) == {1.0}


def test_effect_rows_blank_below_their_minimum_n(findings):
    slope, n = value(findings, "attendance_effect", "all", "ancova_slope")
    assert math.isnan(slope) and n == 3
    low, n = value(findings, "attendance_effect", "all", "spearman_ci_low")
    assert math.isnan(low) and n == 3  # rho = 1 with 3 people: no interval


def test_holm_families_split_roles_from_everyone(tmp_path):
    from rm_research.findings.cohort import with_holm

    rows = [("r", 1, "conf_senior", role, "wilcoxon_p", p, 9) for role, p in
            [("mentor", 0.01), ("mentee", 0.04), ("all", 0.03)]]
    rows.append(("r", 1, "conf_junior", "mentee", "wilcoxon_p", 0.03, 9))
    adjusted = with_holm(pd.DataFrame(rows, columns=FINDINGS_COLUMNS))
    holm = adjusted[adjusted["statistic"] == "wilcoxon_p_holm"].set_index(["measure", "role"])["value"]
    # by role: 0.01, 0.03, 0.04 -> 3 x 0.01 = 0.03; 2 x 0.03 = 0.06; 0.04 -> 0.06 (monotone)
    assert holm[("conf_senior", "mentor")] == pytest.approx(0.03)
    assert holm[("conf_junior", "mentee")] == pytest.approx(0.06)
    assert holm[("conf_senior", "mentee")] == pytest.approx(0.06)
    assert holm[("conf_senior", "all")] == pytest.approx(0.03)  # a family of one


def test_a_psych_log_of_blank_attendance(tmp_path):
    blanks = FIXTURE["psych_sessions"].replace("A2,1,no", "A2,1,").replace("A2,2,no", "A2,2,")
    findings = findings_with(tmp_path / "b", psych_sessions=blanks)
    # A2's attendance is unknown, so the psych correlation rests on A1 and B1 only
    rho, n = value(findings, "psych_effect", "all", "spearman_rho")
    assert n == 2 and math.isnan(rho)


def test_paired_means_are_over_exactly_the_people_behind_the_change(findings):
    # mentors' conf_senior: A1 5 -> 8 and A2 7 -> 6 answered both; A3 (9) only at enrolment.
    # Before (same people) (5 + 7) / 2 = 6; after (8 + 6) / 2 = 7; on the same 2 people as the change
    assert value(findings, "conf_senior", "mentor", "paired_pre_mean") == (6.0, 2)
    assert value(findings, "conf_senior", "mentor", "paired_post_mean") == (7.0, 2)
    # everyone: A1, A2, B1 (3 -> 6): before 15 / 3 = 5, after 20 / 3, change 5 / 3
    before, n = value(findings, "conf_senior", "all", "paired_pre_mean")
    after, _ = value(findings, "conf_senior", "all", "paired_post_mean")
    assert (before, n) == (5.0, 3) and after == pytest.approx(20 / 3)
    change, _ = value(findings, "conf_senior", "all", "change_mean")
    assert after - before == pytest.approx(change)


def test_paired_means_differ_by_the_mean_change_for_every_item_and_role(findings):
    for (measure, role), group in findings[findings["statistic"].isin(["paired_pre_mean", "paired_post_mean",
                                                                        "change_mean"])].groupby(["measure", "role"]):
        rows = group.set_index("statistic")
        assert set(rows["n"]) == {rows.at["change_mean", "n"]}, (measure, role)
        if rows.at["change_mean", "n"]:
            assert rows.at["paired_post_mean", "value"] - rows.at["paired_pre_mean", "value"] == pytest.approx(
                rows.at["change_mean", "value"]), (measure, role)


def test_nobody_paired_leaves_the_paired_means_blank(tmp_path):
    import math

    # no end-survey conf_senior at all: enrolment answers only, so nobody is paired on it
    end = "\n".join(",".join("" if i == 2 and k else cell for i, cell in enumerate(line.split(",")))
                     for k, line in enumerate(FIXTURE["end_survey"].splitlines())) + "\n"
    findings = findings_with(tmp_path, end_survey=end)
    for statistic in ("paired_pre_mean", "paired_post_mean", "change_mean"):
        mean, n = value(findings, "conf_senior", "mentor", statistic)
        assert math.isnan(mean) and n == 0


def test_the_fixture_descriptive_rows(findings):
    # the fixture's participants have ethnic groups but no heard_via or band column: A1 Black, A2 Asian,
    # A3 Mixed; B1, B2 White. Training: A1 rated 4 (two resources), B1 rated 5 (none named).
    assert value(findings, "ethnic_group", "mentor", "Mixed") == (1.0, 3)
    assert value(findings, "ethnic_group", "all", "White") == (2.0, 5)
    assert not {"heard_via", "band", "sessions_vs_plan", "observations"} & set(findings["measure"])
    assert value(findings, "training_rating", "all", "mean") == (4.5, 2)
    assert value(findings, "resources_needed", "mentor", "Dates well in advance") == (1.0, 1)
    assert "resources_needed" not in set(findings.loc[findings["role"] == "mentee", "measure"])
