"""The one-page summary (issue 18): the board's four questions in order, each headline with its number and the
people it rests on, no statistical names, the rules for what to do next, and a public summary that says only
what the public findings say.

Findings frames are built by hand; each expected number is the frame's value as the definition prints it.
"""

from __future__ import annotations

import math

import pandas as pd

from rm_research.core.config import DISCLOSURE
from rm_research.report import board, tables
from rm_research.report.summary import Figures

LABELS = tables.item_labels()
STATISTICAL_NAMES = ("Hedges", "Spearman", "rho", "ANCOVA", "Hartung", "Knapp", "I²", "tau", "CI ", "p =", "p-value")


def frame(rows: list[tuple[str, str, str, object, object]]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["measure", "role", "statistic", "value", "n"])
    return table.assign(region="r", cohort=1)[["region", "cohort", "measure", "role", "statistic", "value", "n"]]


def change(item: str, role: str, n: int, mean: float, low: float, high: float, pre: float, post: float) -> list:
    return [(item, role, "change_mean", mean, n), (item, role, "change_ci_low", low, n),
            (item, role, "change_ci_high", high, n), (item, role, "paired_pre_mean", pre, n),
            (item, role, "paired_post_mean", post, n)]


def flow(enrolled: int, completed: int, withdrawn: int = 0) -> list:
    return [("flow", "all", "enrolled", enrolled, enrolled), ("flow", "all", "completed_end_survey", completed, enrolled),
            ("flow", "all", "withdrawn", withdrawn, enrolled), ("flow", "mentor", "enrolled", enrolled // 2, None),
            ("flow", "mentee", "enrolled", enrolled - enrolled // 2, None)]


COHORT = frame([*flow(20, 13, 1),
                *change("conf_senior", "mentor", 12, 1.5, 0.5, 2.5, 6.0, 7.5),
                *change("comfort_needs", "mentor", 12, 0.2, -0.4, 0.8, 7.0, 7.2),
                *change("conf_senior", "mentee", 9, 0.3, -0.9, 1.5, 5.0, 5.3),
                ("psych_supportive", "all", "yes_count", 9, 12),
                ("psych_effect", "all", "ancova_slope", 0.1, 14), ("psych_effect", "all", "ancova_ci_low", -0.2, 14),
                ("psych_effect", "all", "ancova_ci_high", 0.4, 14),
                ("missed_any", "all", "yes_count", 3, 12)])


def test_the_headlines_answer_the_boards_questions_in_order_with_their_numbers():
    found = board.headlines(Figures(COHORT, public=False), LABELS)
    assert [h.title for h in found] == ["Confidence", "Who took part and stayed", "Psychological input",
                                        "What to do next"]
    confidence, people, psych, steps = found
    # mentors: one of two questions clearly higher (0.5 to 2.5 leaves out 0), mentees none of one
    assert confidence.text.startswith("Mentors ended higher on 1 of 2 confidence questions, mentees on 0 of 1.")
    assert "rose from 6.0 to 7.5 (+1.5 points on the 1-10 scale, likely between +0.5 and +2.5 points)" in confidence.text
    assert confidence.rests_on == "12 mentors answered both surveys"
    # 13 of 20 is 65%
    assert people.text == "20 people enrolled (10 mentors and 10 mentees); 13 (65%) completed the end survey; 1 withdrew."
    assert psych.text.startswith("9 of 12 who answered found the sessions supportive; those who attended more "
                                 "sessions did not clearly end more confident")
    # 65% completion is under the 70% rule; 9 mentees paired is under 10; 3 of 12 missing is under half
    assert steps.text.startswith("Raise the end-survey response: 13 of 20 completed it")
    assert "mentees with the region's pooled figures" in steps.text
    assert "Protect mentoring time" not in steps.text


def test_no_statistical_name_reaches_the_summary():
    text = board.summary_markdown(board.headlines(Figures(COHORT, public=False), LABELS),
                                  board.evidence_line(Figures(COHORT, public=False)))
    assert not [name for name in STATISTICAL_NAMES if name in text]
    assert "caused" not in text and "effect of" not in text


def test_what_to_do_next_follows_its_stated_rules():
    calm = frame([*flow(20, 18), *change("conf_senior", "mentor", 12, 1.5, 0.5, 2.5, 6.0, 7.5),
                  ("missed_any", "all", "yes_count", 2, 18)])
    assert board.next_steps(Figures(calm, public=False)).text.startswith("Keep running and evaluating")
    busy = frame([*flow(20, 18), ("missed_any", "all", "yes_count", 9, 18)])  # 9 of 18 is half
    assert board.next_steps(Figures(busy, public=False)).text.startswith("Protect mentoring time: 9 of 18")
    pooled = frame([*flow(60, 50), ("conf_senior", "mentee", "k", 3, 40)])
    assert "pools only 3 so far" in board.next_steps(Figures(pooled, public=False), pooled=True, level="London").text


def test_a_programme_without_psychological_sessions_says_so():
    headline = board.psychological_headline(Figures(COHORT, public=False), offered=False)
    assert headline is not None and headline.text.startswith("No psychological sessions were offered")


def test_the_public_summary_says_what_the_public_findings_say_and_no_more():
    public = frame([("flow", "all", "enrolled", "20", "20"), ("flow", "all", "completed_end_survey", "*", "20"),
                    ("flow", "mentor", "enrolled", "10", ""), ("flow", "mentee", "enrolled", "*", ""),
                    ("conf_senior", "mentor", "change_mean", "*", "*"), ("conf_senior", "mentor", "change_ci_low", "*", "*"),
                    ("conf_senior", "mentor", "change_ci_high", "*", "*")])
    figures = Figures(public, public=True, rule=DISCLOSURE)
    rows = board.change_rows(figures, LABELS)
    assert rows["withheld"].tolist() == [True] and math.isnan(rows["estimate"].iloc[0])
    found = board.headlines(figures, LABELS)
    text = " ".join(h.text for h in found)
    assert "withheld" in found[0].text
    assert found[1].text == "About 20 people enrolled; how many completed the end survey is withheld to protect privacy."
    assert "%" not in text  # no share is worked out from rounded counts


def test_the_summary_chart_draws_every_shown_change_and_names_the_withheld():
    from rm_research.report import figures

    rows = board.change_rows(Figures(COHORT, public=False), LABELS)
    chart = figures.change_chart(rows, "The change in confidence on each question, by role")
    assert len(rows) == 3
    assert "mentors, Confidence talking about BAME experiences with senior leaders: 1.5 (0.5 to 2.5), 12 people" in chart.alt


def test_where_the_roles_changes_are_withheld_everyones_shown_change_stands_in():
    """A public cohort page may show everyone's change while hiding each role's: the summary then reads
    everyone's (it said every change was withheld while the public index showed everyone's)."""
    public = frame([("conf_senior", role, statistic, "*", "*") for role in ("mentor", "mentee")
                    for statistic in ("change_mean", "change_ci_low", "change_ci_high")]
                   + [("conf_senior", "all", "change_mean", "1.2", "15"), ("conf_senior", "all", "change_ci_low", "0.7", "15"),
                      ("conf_senior", "all", "change_ci_high", "1.6", "15")])
    figures = Figures(public, public=True, rule=DISCLOSURE)
    rows = board.change_rows(figures, LABELS)
    assert rows[["role", "verdict"]].values.tolist() == [["mentor", "withheld to protect privacy"],
                                                        ["mentee", "withheld to protect privacy"],
                                                        ["all", "higher at the end"]]
    headline = board.confidence_headline(figures, LABELS)
    assert headline is not None and headline.text.startswith("People ended higher on 1 of 1 confidence question.")
    assert "+1.2 points" in headline.text and headline.rests_on == "about 15 people answered both surveys"
    internal = frame([*change("conf_senior", "mentor", 12, 1.5, 0.5, 2.5, 6.0, 7.5),
                      *change("conf_senior", "all", 20, 1.0, 0.2, 1.8, 6.0, 7.0)])
    assert board.change_rows(Figures(internal, public=False), LABELS)["role"].tolist() == ["mentor"]


def test_a_change_with_no_interval_says_so_and_a_region_name_is_escaped():
    one = frame([("conf_senior", "mentor", "change_mean", 1.0, 1), ("conf_senior", "mentor", "change_ci_low", math.nan, 1),
                 ("conf_senior", "mentor", "change_ci_high", math.nan, 1)])
    headline = board.confidence_headline(Figures(one, public=False), LABELS)
    assert headline is not None and "nan" not in headline.text and "no range could be computed" in headline.text
    pooled = frame([*flow(60, 50), ("conf_senior", "mentee", "k", 3, 40)])
    text = board.next_steps(Figures(pooled, public=False), pooled=True, level="Kent_[x](y)").text
    assert "London pools only 3" not in text and "Kent\\_\\[x\\](y) pools only 3 so far" in text


def test_no_estimate_at_all_is_said_in_words():
    none = frame([("conf_senior", "mentor", "change_mean", math.nan, 0), ("conf_senior", "mentor", "change_ci_low", math.nan, 0),
                  ("conf_senior", "mentor", "change_ci_high", math.nan, 0)])
    headline = board.confidence_headline(Figures(none, public=False), LABELS)
    assert headline is not None and "nan" not in headline.text and "No change could be estimated" in headline.text


def _pooled_evidence(psych: tuple[float, float, float], trend: tuple[float, float, float], needed: dict[str, float],
                     mark: str | None = None) -> pd.DataFrame:
    rows = [*flow(200, 170, 5), ("conf_senior", "all", "k", 12, 150),
            ("conf_senior", "mentee", "k", 12, 70), ("conf_senior", "mentor", "k", 12, 80),
            ("conf_senior", "all", "pooled_change", 1.2, 150), ("conf_senior", "all", "pooled_ci_low", 0.8, 150),
            ("conf_senior", "all", "pooled_ci_high", 1.6, 150)]
    rows += [("conf_senior", "all", s, v, 150) for s, v in zip(
        ("moderator_psych_slope", "moderator_psych_ci_low", "moderator_psych_ci_high"), psych, strict=True)]
    rows += [("conf_senior", "all", s, v, 150) for s, v in zip(("trend_slope", "trend_ci_low", "trend_ci_high"), trend,
                                                               strict=True)]
    rows += [("conf_senior", role, "pairs_needed", v, 70) for role, v in needed.items()]
    rows += [("conf_senior", role, "optimal_information_size", 14, 70) for role in needed]
    table = frame(rows)
    if mark is not None:
        table["value"] = table["value"].astype(object)
        table.loc[table["statistic"].str.startswith("moderator_"), "value"] = mark
    return table


def test_a_pooled_summary_answers_the_four_questions_of_the_evidence():
    """Issue 19: whether programmes offering more sessions saw larger changes (an association, never an
    effect), whether later cohorts gain more, and how many people the next cohort needs, in words."""
    clear = _pooled_evidence((0.3, 0.1, 0.5), (-0.02, -0.3, 0.3), {"mentee": 10, "mentor": 12})
    found = board.headlines(Figures(clear, public=False), LABELS, pooled=True)
    text = " ".join(h.text for h in found)
    assert "Programmes offering more saw larger changes (+0.30 points a session offered, likely between +0.1 and +0.5 " \
           "points), an association between programmes only" in text
    assert "The cohorts so far cannot show whether later ones gain more or less (-0.02 points per later year" in text
    assert "Size the next cohort for at least 10 mentees and 12 mentors with both surveys" in text
    assert "effect" not in text.lower().replace("side effect", "")
    unclear = _pooled_evidence((0.3, -0.1, 0.7), (0.4, 0.1, 0.7), {"mentee": 3290, "mentor": 12})
    text = " ".join(h.text for h in board.headlines(Figures(unclear, public=False), LABELS, pooled=True,
                                                    trend_per="cohort number"))
    assert "cannot show whether programmes offering more see larger changes" in text
    assert "Later cohorts gained more than earlier ones (+0.40 points per later cohort number" in text
    # 3,290 mentees is beyond any cohort: the board is given the size for the smallest change that matters
    assert "at least 14 mentees and 12 mentors with both surveys (enough to show a change of 1 point)" in text
    withheld = _pooled_evidence((0.3, 0.1, 0.5), (0.0, -0.3, 0.3), {"mentee": 10}, mark=DISCLOSURE.mark)
    text = " ".join(h.text for h in board.headlines(Figures(withheld, public=True), LABELS, pooled=True))
    assert "Whether programmes that offered more sessions saw larger changes is withheld to protect privacy" in text
