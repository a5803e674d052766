"""Key findings and headline titles: each sentence carries its number and n, its confidence follows the
interval, small groups are flagged, suppressed figures are withheld, and nothing is called an effect.

The findings frames are built by hand, so every expected number is the frame's value rounded by
definition (one decimal, halves away from zero), not output pasted from the code under test.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from rm_research.disclosure.control import public_findings
from rm_research.report import summary, tables
from rm_research.stats import meta

LABELS = tables.item_labels()
SENIOR = "confidence talking about BAME experiences with senior leaders"
FORBIDDEN = ("effect of the programme", "caused", "because of the programme", "programme increased",
             "programme improved")


def frame(rows: list[tuple[str, str, str, object, object]]) -> pd.DataFrame:
    """A findings table (contract section 4) from (measure, role, statistic, value, n) rows."""
    table = pd.DataFrame(rows, columns=["measure", "role", "statistic", "value", "n"])
    return table.assign(region="r", cohort=1)[["region", "cohort", "measure", "role", "statistic", "value", "n"]]


def change_rows(role: str, n: int, change: float, low: float, high: float, pre: float | None = None,
                post: float | None = None, item: str = "conf_senior") -> list[tuple]:
    rows = [(item, role, "change_mean", change, n), (item, role, "change_ci_low", low, n),
            (item, role, "change_ci_high", high, n)]
    if pre is not None:
        rows += [(item, role, "paired_pre_mean", pre, n), (item, role, "paired_post_mean", post, n)]
    return rows


def sentence_for(rows: list[tuple], role: str = "mentee", item: str = "conf_senior") -> str:
    figures = summary.Figures(frame(rows), public=False)
    found = summary.change_sentence(figures, item, role, LABELS[item])
    assert found is not None
    return found


def assert_not_causal(text: str) -> None:
    folded = text.lower()
    for phrase in FORBIDDEN:
        assert phrase not in folded


# a change whose interval excludes 0 -------------------------------------------------------------------------
def test_a_rise_whose_interval_excludes_zero_is_stated_with_its_numbers_and_n():
    # 6 -> 7.666..., mean change 1.666...: 7.7 and +1.7 to one decimal
    text = sentence_for(change_rows("mentee", 12, 5 / 3, 0.4, 3.0, pre=6.0, post=23 / 3))
    assert text == (f"Mentees' {SENIOR} rose from 6.0 to 7.7 on the 1-10 scale "
                    "(mean change +1.7, 95% CI 0.4 to 3.0; 12 people who answered both surveys).")


def test_a_fall_whose_interval_excludes_zero():
    text = sentence_for(change_rows("mentor", 15, -0.75, -1.25, -0.25, pre=8.0, post=7.25), role="mentor")
    assert text == (f"Mentors' {SENIOR} fell from 8.0 to 7.3 on the 1-10 scale "
                    "(mean change -0.8, 95% CI -1.3 to -0.3; 15 people who answered both surveys).")


def test_the_before_and_after_are_the_paired_means_never_everyone_at_enrolment():
    rows = [*change_rows("mentee", 12, 1.0, 0.5, 1.5, pre=6.5, post=7.5),
            ("conf_senior", "mentee", "pre_mean", 5.0, 20), ("conf_senior", "mentee", "post_mean", 9.0, 12)]
    text = sentence_for(rows)
    assert "from 6.5 to 7.5" in text and "5.0" not in text and "9.0" not in text


def test_without_paired_means_the_change_is_stated_alone():
    rows = [*change_rows("mentee", 12, 1.0, 0.5, 1.5), ("conf_senior", "mentee", "pre_mean", 5.0, 20)]
    text = sentence_for(rows)
    assert text == (f"Mentees' {SENIOR} was higher at the end on the 1-10 scale "
                    "(mean change +1.0, 95% CI 0.5 to 1.5; 12 people who answered both surveys).")


# an interval that includes 0, or none --------------------------------------------------------------------------
@pytest.mark.parametrize(("low", "high"), [(-0.2, 1.6), (0.0, 1.3), (-1.0, 0.0)])
def test_an_interval_that_includes_zero_is_no_clear_change(low, high):
    text = sentence_for(change_rows("mentee", 12, 0.7, low, high, pre=6.0, post=6.7))
    assert text.startswith(f"Mentees' {SENIOR} showed no clear change (6.0 at enrolment and 6.7 at the end")
    assert f"95% CI {low:.1f} to {high:.1f}" in text and "12 people" in text
    assert "rose" not in text and "higher" not in text


def test_a_missing_interval_is_no_clear_change_and_says_why():
    text = sentence_for(change_rows("mentee", 2, 1.0, math.nan, math.nan, pre=6.0, post=7.0))
    assert text == (f"Mentees' {SENIOR}: no clear change can be shown, as no 95% interval could be computed: every "
                    "change was the same (6.0 at enrolment and 7.0 at the end on the 1-10 scale; mean change +1.0; "
                    "2 people who answered both surveys, a small group, so treat with caution).")
    one = sentence_for(change_rows("mentee", 1, 1.0, math.nan, math.nan, pre=6.0, post=7.0))
    assert "could be computed: fewer than 2 people answered both surveys (" in one


def test_nobody_paired_is_said_plainly():
    text = sentence_for(change_rows("mentee", 0, math.nan, math.nan, math.nan))
    assert text == f"Mentees' {SENIOR}: nobody answered this question in both surveys, so no change can be described."


@pytest.mark.parametrize(("n", "small"), [(6, True), (9, True), (10, False), (30, False)])
def test_small_groups_are_flagged(n, small):
    text = sentence_for(change_rows("mentee", n, 1.0, 0.5, 1.5, pre=6.0, post=7.0))
    assert (f"{n} people who answered both surveys, a small group, so treat with caution" in text) == small
    assert f"{n} people who answered both surveys" in text


def test_the_small_group_threshold_is_a_parameter():
    figures = summary.Figures(frame(change_rows("mentee", 12, 1.0, 0.5, 1.5)), public=False)
    assert "small group" in summary.change_sentence(figures, "conf_senior", "mentee", LABELS["conf_senior"], 20)


# suppressed figures (public findings) --------------------------------------------------------------------------
def public_frame(rows: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    return frame(rows).astype({"value": str, "n": str})


def test_a_suppressed_change_is_withheld_not_guessed():
    rows = [("conf_senior", "mentee", s, "*", "*") for s in ("change_mean", "change_ci_low", "change_ci_high",
                                                              "paired_pre_mean", "paired_post_mean")]
    text = summary.key_findings_public(public_frame(rows), LABELS)[0]
    assert text == (f"Mentees' {SENIOR}: the figures are withheld to protect privacy (a small group, or a figure "
                    "that would give a withheld one away).")
    assert not re.search(r"\d", text)


def test_a_public_change_says_about_and_flags_a_count_that_may_be_small():
    rows = [("conf_senior", "mentee", "change_mean", "1.2", "10"), ("conf_senior", "mentee", "change_ci_low", "0.4", "10"),
            ("conf_senior", "mentee", "change_ci_high", "2.0", "10"), ("conf_senior", "mentor", "change_mean", "0.3", "15"),
            ("conf_senior", "mentor", "change_ci_low", "-0.1", "15"), ("conf_senior", "mentor", "change_ci_high", "0.7", "15")]
    mentor, mentee, note = summary.key_findings_public(public_frame(rows), LABELS)
    # a published 10 may stand for 8 to 12 people (rounded to the nearest 5): possibly under 10
    assert "about 10 people who answered both surveys, a small group, so treat with caution" in mentee
    assert "mean change +1.2, 95% CI 0.4 to 2.0" in mentee
    assert "about 15 people who answered both surveys)" in mentor and "no clear change" in mentor
    assert note == ('Counts of people are rounded to the nearest 5 ("about"), and figures about fewer than 8 '
                    "people are withheld to protect privacy.")


def test_public_flow_and_yes_no_withhold_what_is_suppressed():
    rows = [("flow", "mentor", "enrolled", "15", "15"), ("flow", "mentor", "completed_end_survey", "*", "15"),
            ("flow", "mentee", "enrolled", "*", "*"), ("flow", "mentee", "completed_end_survey", "*", "*"),
            ("psych_supportive", "mentor", "yes_count", "*", "10"), ("psych_supportive", "mentee", "yes_count", "10", "15")]
    sentences = summary.key_findings_public(public_frame(rows), LABELS)
    assert sentences[:2] == ["About 15 mentors enrolled; how many completed the end survey is withheld to protect privacy.",
                             "How many mentees enrolled is withheld to protect privacy."]
    assert ("How many mentors found the psychological sessions supportive is withheld to protect privacy "
            "(about 10 mentors answered).") in sentences
    assert "About 10 of about 15 mentees who answered found the psychological sessions supportive." in sentences


def test_the_public_sentences_of_real_protected_findings_state_no_exact_count(example_findings):
    # every count the rule publishes is 0 or a multiple of 5; any other whole number would be an exact count
    *sentences, _note = summary.key_findings_public(public_findings(example_findings), LABELS)
    assert sentences
    for sentence in sentences:
        counts = re.findall(r"(?<![\d.-])\d+(?![\d.])", sentence.replace("1-10 scale", "scale"))
        assert all(int(count) % 5 == 0 for count in counts), sentence
        assert_not_causal(sentence)


# the other findings --------------------------------------------------------------------------------------------
FLOW = [("flow", "mentor", "enrolled", 11.0, 11), ("flow", "mentor", "completed_end_survey", 7.0, 11),
        ("flow", "mentor", "withdrawn", 0.0, 11), ("flow", "mentee", "enrolled", 7.0, 7),
        ("flow", "mentee", "completed_end_survey", 3.0, 7), ("flow", "mentee", "withdrawn", 1.0, 7),
        ("flow", "all", "enrolled", 18.0, 18)]


def test_participant_flow():
    sentences = summary.key_findings(frame(FLOW), LABELS)
    assert sentences == ["18 people enrolled: 11 mentors and 7 mentees; 1 mentee withdrew.",
                         "7 of 11 mentors and 3 of 7 mentees completed the end survey."]
    assert summary.headline_flow(frame(FLOW)) == "7 of 11 mentors and 3 of 7 mentees completed the end survey"


def test_sessions_and_yes_no_answers():
    rows = [("sessions_reported", "mentor", "mean", 4.0, 7), ("sessions_reported", "mentor", "min", 2.0, 7),
            ("sessions_reported", "mentor", "max", 6.0, 7), ("sessions_reported", "mentee", "mean", 10 / 3, 3),
            ("psych_supportive", "mentor", "yes_count", 6.0, 7), ("psych_supportive", "mentee", "yes_count", 3.0, 3),
            ("missed_any", "mentor", "yes_count", 2.0, 7)]
    sentences = summary.key_findings(frame(rows), LABELS, planned_sessions=6)
    assert sentences == [
        "Mentors reported a mean of 4.0 mentoring sessions each (fewest 2, most 6; 7 answered). The programme planned 6.",
        "Mentees reported a mean of 3.3 mentoring sessions each (3 answered). The programme planned 6.",
        "6 of 7 mentors who answered found the psychological sessions supportive.",
        "3 of 3 mentees who answered found the psychological sessions supportive.",
        "2 of 7 mentors who answered missed at least one mentoring session."]
    assert summary.headline_yes_no(frame(rows), "psych_supportive") == (
        "6 of 7 mentors and 3 of 3 mentees found the psychological sessions supportive")
    assert summary.headline_sessions(frame(rows)) == (
        "Mentors reported 4.0 mentoring sessions on average (7 people), mentees 3.3 (3 people)")


def dose_rows(slope: float, low: float, high: float, n: int, measure: str = "attendance_effect",
              statistic: str = "ancova") -> list[tuple]:
    first = "slope" if statistic == "ancova" else "rho"
    return [(measure, "all", f"{statistic}_{first}", slope, n), (measure, "all", f"{statistic}_ci_low", low, n),
            (measure, "all", f"{statistic}_ci_high", high, n)]


def test_the_dose_finding_is_the_primary_analysis_and_an_association_only():
    clear = summary.key_findings(frame(dose_rows(0.62, 0.104, 0.876, 12)), LABELS)[0]
    assert clear == (f"People who had more mentoring sessions ended with more {SENIOR}, at the same enrolment rating "
                     "(+0.62 points per session, 95% CI 0.10 to 0.88; 12 people with both ratings and a count of "
                     "sessions). This is an association only: with no comparison group it does not show that more "
                     "sessions lead to more confidence.")
    unclear = summary.key_findings(frame(dose_rows(0.101, -0.566, 0.688, 10, "psych_effect")), LABELS)[0]
    assert unclear == ("There was no clear link between how many psychological sessions people attended and their "
                       f"{SENIOR} at the end, at the same enrolment rating (+0.10 points per session, 95% CI -0.57 to "
                       "0.69; 10 people with both ratings and a count of sessions).")
    none = summary.key_findings(frame(dose_rows(-0.5, math.nan, math.nan, 3)), LABELS)[0]
    assert "No clear link" in none and "-0.50 points per session" in none and "a small group" in none


def test_a_secondary_analysis_that_disagrees_is_said_never_silently_dropped():
    # the cohort: no clear link by Spearman, a clear ANCOVA slope, for the same people
    rows = [*dose_rows(0.73, 0.53, 0.93, 18), *dose_rows(0.21, -0.27, 0.60, 18, statistic="spearman")]
    text = summary.key_findings(frame(rows), LABELS)[0]
    assert text.startswith("People who had more mentoring sessions ended with more")
    assert text.endswith("The secondary analysis disagrees: Spearman's rho of the sessions with the change, which "
                         "does not adjust for the enrolment rating, shows no clear link (rho 0.21, 95% CI -0.27 to "
                         "0.60).")
    agreeing = [*dose_rows(0.73, 0.53, 0.93, 18), *dose_rows(0.51, 0.08, 0.78, 18, statistic="spearman")]
    assert "secondary" not in summary.key_findings(frame(agreeing), LABELS)[0]


def test_no_psychological_sessions_offered_leaves_their_findings_out():
    rows = [("psych_supportive", "mentor", "yes_count", 6.0, 7), ("length_appropriate", "mentor", "yes_count", 5.0, 7),
            *dose_rows(0.2, -0.5, 0.7, 10, "psych_effect"), *dose_rows(0.1, -0.5, 0.6, 10)]
    sentences = summary.key_findings(frame(rows), LABELS, psych_offered=False)
    assert len(sentences) == 2 and not any("psychological" in s for s in sentences)


# wording ---------------------------------------------------------------------------------------------------------
def test_no_sentence_is_causal_in_any_branch(example_findings):
    rows = (change_rows("mentee", 12, 5 / 3, 0.4, 3.0, 6.0, 23 / 3) + change_rows("mentor", 4, -1.0, -2.0, -0.5, 8, 7)
            + change_rows("mentee", 3, 0.3, math.nan, math.nan, item="conf_junior") + FLOW
            + dose_rows(0.62, 0.1, 0.9, 12) + dose_rows(-0.6, -0.9, -0.1, 12, "psych_effect"))
    sentences = [*summary.key_findings(frame(rows), LABELS), *summary.key_findings(example_findings, LABELS)]
    assert len(sentences) > 10
    for sentence in sentences:
        assert_not_causal(sentence)


def test_data_derived_labels_are_escaped():
    labels = {"conf_senior": "<script>alert(1)</script> [click](javascript:alert(1)) *bold*"}
    text = summary.key_findings(frame(change_rows("mentee", 12, 1.0, 0.5, 1.5)), labels)[0]
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "\\[click\\]" in text and "\\*bold\\*" in text


@pytest.mark.parametrize(("value", "one", "sign"), [(0.25, "0.3", "+0.3"), (-0.25, "-0.3", "-0.3"),
                                                     (-0.04, "0.0", "0.0"), (2.675, "2.7", "+2.7"), (1 / 3, "0.3", "+0.3")])
def test_numbers_are_rounded_half_away_from_zero_as_printed(value, one, sign):
    assert summary.one_decimal(value) == one
    assert summary.signed(value) == sign


def test_change_verdict_reads_the_interval():
    assert summary.change_verdict(1.0, 0.1, 2.0) == summary.HIGHER
    assert summary.change_verdict(-1.0, -2.0, -0.1) == summary.LOWER
    assert summary.change_verdict(1.0, 0.0, 2.0) == summary.UNCLEAR
    assert summary.change_verdict(1.0, math.nan, math.nan) == summary.NO_INTERVAL


def test_headline_change_states_each_role():
    rows = (change_rows("mentor", 7, 6 / 7, 2 / 7, 8 / 7, pre=57 / 7, post=9.0)
            + change_rows("mentee", 3, 2 / 3, 0.0, 4 / 3, pre=7.0, post=23 / 3))
    assert summary.headline_change(frame(rows), "conf_senior", LABELS) == (
        "Confidence talking about BAME experiences with senior leaders: mentors higher at the end (8.1 to 9.0, "
        "7 people); mentees no clear change (3 people)")


# a region's or the nation's findings ---------------------------------------------------------------------------
def pooled_rows(role: str, k: int, n: int, change: float, low: float, high: float, i2: float,
                item: str = "conf_senior") -> list[tuple]:
    return [(item, role, "k", float(k), n), (item, role, "pooled_change", change, n),
            (item, role, "pooled_ci_low", low, n), (item, role, "pooled_ci_high", high, n),
            (item, role, "i2", i2, n)]


def test_the_pooled_change_with_cohorts_people_and_variation_in_words():
    rows = pooled_rows("mentee", 4, 40, 1.2, 0.3, 2.1, 12.0) + pooled_rows("mentor", 6, 60, 0.4, -0.1, 0.9, 55.0)
    mentor, mentee = summary.key_findings_level(frame(rows), LABELS)[:2]
    assert mentee == (f"Mentees' {SENIOR} was higher at the end across 4 cohorts (pooled mean change +1.2 on the 1-10 "
                      "scale, 95% CI 0.3 to 2.1; 40 people who answered both surveys). Little variation between "
                      "cohorts beyond chance (I² 12%; with only 4 cohorts this is imprecise).")
    # 55% lies in two of the Cochrane Handbook's overlapping bands (30-60 moderate, 50-90 substantial)
    assert mentor.startswith(f"Mentors' {SENIOR} showed no clear change across 6 cohorts")
    assert mentor.endswith("Moderate to substantial variation between cohorts beyond chance (I² 55%).")
    assert summary.headline_pooled(frame(rows), "conf_senior", "mentee", LABELS) == (
        f"Mentees' {SENIOR}: higher at the end across 4 cohorts (pooled change +1.2, 95% CI 0.3 to 2.1)")


def test_cohorts_that_could_not_be_pooled():
    rows = pooled_rows("mentee", 1, 5, math.nan, math.nan, math.nan, math.nan)
    text = summary.key_findings_level(frame(rows), LABELS)[0]
    assert text == (f"Mentees' {SENIOR}: no pooled figure: only 1 cohort could be pooled (at least 2 are needed, each "
                    "with at least 2 people who answered both surveys and changes that were not all the same).")


def test_a_cohort_left_out_because_every_change_was_the_same_is_never_called_unanswered():
    # the region: one cohort of two mentees whose junior-staff confidence both fell by 2 (5.5 to 3.5)
    result = meta.meta_analysis({"south, cohort 1": [-2.0, -2.0]})
    rows = pooled_rows("mentee", 0, 0, math.nan, math.nan, math.nan, math.nan, item="conf_junior")
    reasons = {("conf_junior", "mentee"): result.reason}
    text = summary.key_findings_level(frame(rows), LABELS, reasons=reasons)[0]
    assert "nobody answered" not in text
    assert text.endswith("left out: south, cohort 1 (every change was the same).")
    board = tables.pooled_before_after_table(frame(rows), LABELS, reasons=reasons)
    assert board["What this means"].iloc[0].endswith("left out: south, cohort 1 (every change was the same)")
    public = summary.key_findings_level_public(public_frame([(m, r, st, str(v), str(n)) for m, r, st, v, n in rows]),
                                                LABELS)[0]
    assert "nobody answered" not in public and "no cohort could be pooled" in public


def test_the_public_level_findings_withhold_what_is_suppressed():
    rows = [("conf_senior", "mentee", s, v, "*") for s, v in
            (("k", "3"), ("pooled_change", "*"), ("pooled_ci_low", "*"), ("pooled_ci_high", "*"), ("i2", "*"))]
    text, note = summary.key_findings_level_public(public_frame(rows), LABELS)
    # hidden by the rule for small groups or to protect a pooled cohort's own withheld change: the page
    # cannot say which, and says nothing that is false whichever it was (issue 17)
    assert text == (f"Mentees' {SENIOR}: the figures are withheld to protect privacy (a small group, or a cohort "
                    "whose own figure is withheld and could be worked out from these).")
    assert "rounded to the nearest 5" in note


def test_bullet_list():
    assert summary.bullet_list(["One.", "Two."]) == "- One.\n- Two."


def test_a_public_figure_is_never_rounded_twice():
    # the disclosure rule publishes a pooled change to 2 places: "1.35" (for 1.349...) must not become "1.4"
    rows = [("conf_senior", "mentee", s, v, "40") for s, v in
            (("k", "4.0"), ("pooled_change", "1.35"), ("pooled_ci_low", "0.25"), ("pooled_ci_high", "2.45"), ("i2", "12.0"))]
    text = summary.key_findings_level_public(public_frame(rows), LABELS)[0]
    assert "across 4 cohorts (pooled mean change +1.35 on the 1-10 scale, 95% CI 0.25 to 2.45; about 40 people" in text
    assert summary.key_findings_level(frame([(m, r, s, float(v), 40) for m, r, s, v, _ in rows]), LABELS)[0].count(
        "pooled mean change +1.4 on the 1-10 scale, 95% CI 0.3 to 2.5") == 1  # the internal value is rounded once
