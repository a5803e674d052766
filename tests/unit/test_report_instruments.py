"""The report's sections for contract section 8 (issue 20): tables, sentences and figures from findings rows.

Expected values are written from the rows each test builds (the definitions), never from the code under test.
"""

from __future__ import annotations

import math

import pandas as pd

from rm_research.core import config
from rm_research.findings import instruments
from rm_research.findings.cohort import cohort_findings
from rm_research.ingest.load import load_cohort
from rm_research.report import figures
from rm_research.report import instruments as further
from rm_research.report.summary import Figures
from rm_research.report.tables import item_labels
from tests.conftest import REPO

LABELS = item_labels()


def _findings(rows: list[tuple[str, str, str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame([("south-east", 9, m, r, s, v, n) for m, r, s, v, n in rows],
                        columns=["region", "cohort", "measure", "role", "statistic", "value", "n"])


def _public(rows: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    frame = _findings(rows)  # type: ignore[arg-type]
    return frame.assign(withheld=["small" if v == "*" else "" for v in frame["value"]])


RANKS = [("benefit_rank", "mentor", "retention", 2.0, 9), ("benefit_rank", "mentor", "change_agents", 3.5, 8),
         ("benefit_rank", "mentee", "retention", 4.0, 10), ("benefit_rank", "mentee", "change_agents", 1.5, 10),
         ("benefit_rank", "all", "retention", 3.05, 19), ("benefit_rank", "all", "change_agents", 2.45, 18),
         ("benefit_agreement", "all", "kendalls_w", 0.31, 12), ("benefit_agreement", "all", "friedman_p", 0.0004, 12)]


def test_benefits_are_ordered_by_everyones_mean_rank_with_each_roles_people():
    table = further.benefits_table(Figures(_findings(RANKS), public=False))
    assert list(table["Benefit"]) == [config.BENEFIT_LABELS["change_agents"], config.BENEFIT_LABELS["retention"]]
    assert list(table["Mentors: mean rank"]) == ["3.5", "2.0"] and list(table["Mentees: people"]) == ["10", "10"]
    agreement = further.agreement_table(Figures(_findings(RANKS), public=False))
    assert agreement.to_dict("records") == [{"Role": "Everyone", "People who ranked all seven": "12",
                                             "Kendall's W": "0.31", "Friedman p": "<0.001"}]


def test_the_benefit_sentence_names_each_roles_first_benefit_with_its_rank_and_people():
    sentence = further.benefit_sentence(Figures(_findings(RANKS), public=False))
    assert "mentors ranked “higher retention of BAME staff” first (mean rank 2.0, 9 people)" in sentence
    assert "mentees ranked “mentees become change agents” first (mean rank 1.5, 10 people)" in sentence


def test_no_benefit_is_called_first_beside_a_withheld_rank_and_a_public_page_says_about():
    # the withheld rank might be the lowest: no sentence for the role, never a false one
    rows = [("benefit_rank", "mentor", "retention", "*", "*"), ("benefit_rank", "mentor", "change_agents", "3.5", "10")]
    assert further.benefit_sentence(Figures(_public(rows), public=True)) is None
    table = further.benefits_table(Figures(_public(rows), public=True))
    assert "*" in set(table["Mentors: mean rank"])
    rows[0] = ("benefit_rank", "mentor", "retention", "4.0", "10")
    sentence = further.benefit_sentence(Figures(_public(rows), public=True))
    assert "mentors ranked “mentees become change agents” first (mean rank 3.5, about 10 people)" in sentence
    rows[0] = ("benefit_rank", "mentor", "retention", "3.5", "10")  # equal as published: first jointly
    sentence = further.benefit_sentence(Figures(_public(rows), public=True))
    assert "mentors ranked “mentees become change agents” and “higher retention of BAME staff” jointly first " \
           "(mean rank 3.5)" in sentence  # in the contract's order of the benefits


TOPICS = [("psych_topic", "all", "Power dynamics", 2.0, 3), ("psych_topic", "all", "Guilt & <shame>", 3.0, 3),
          ("psych_topic", "all", "Boundaries", 2.0, 3)]


def test_topics_most_discussed_first_ties_as_logged_and_the_sentence_escapes_them():
    found = Figures(_findings(TOPICS), public=False)
    assert list(further.topics_table(found)["Topic"]) == ["Guilt & <shame>", "Power dynamics", "Boundaries"]
    sentence = further.topic_sentence(found)
    assert sentence.startswith("The topic most often discussed") and "(3 of 3 sessions)" in sentence
    assert "<shame>" not in sentence and "&lt;shame&gt;" in sentence
    tied = Figures(_findings([*TOPICS[:1], TOPICS[2]]), public=False)
    assert further.topic_sentence(tied) == ("The topics most often discussed in the psychological sessions were "
                                            "“Power dynamics”, “Boundaries” (each in 2 of 3 sessions).")


def test_a_cohorts_topics_by_session_group_spellings_as_the_findings_do():
    people = pd.DataFrame({instruments.TOPICS: [((1, "Power dynamics"), (2, "power  Dynamics "), (2, "Guilt"),
                                                 (2, "Power dynamics"))] * 2})
    grid = further.topics_grid(people)
    assert grid.to_dict("records") == [{"Topic": "Power dynamics", "Session 1": "✓", "Session 2": "✓"},
                                       {"Topic": "Guilt", "Session 1": "", "Session 2": "✓"}]


TEAM = [(f"team_{item}", "mentee", s, v, n) for item in config.TEAM_ITEMS for s, v, n in
        (("pre_mean", 5.25, 12), ("post_mean", 6.5, 10), ("change_mean", 1.2, 10), ("wilcoxon_p", 0.004, 10),
         ("icc1", 0.41, 12))]


def test_the_teams_view_with_the_iccs_interval_where_given_and_its_sentence():
    found = Figures(_findings(TEAM), public=False)
    table = further.team_summary(found, {"inclusive_behaviour": (0.1, 0.7)})
    first = table.iloc[0]
    assert (first["Before"], first["After"], first["Change (mentees rated both times)"], first["Wilcoxon p"]) == (
        "5.3", "6.5", "+1.2", "0.004")  # 5.25 to one decimal, halves away from zero
    assert first["Raters' agreement before, ICC(1)"] == "0.41 (0.10 to 0.70)"
    assert table.iloc[1]["Raters' agreement before, ICC(1)"] == "0.41"
    assert further.team_sentence(found) == (
        "The mentees' teams rated their inclusive behaviour towards ethnic minority colleagues 1.2 points higher "
        "after the programme than before (10 mentees rated before and after; a clear difference, p 0.004).")


def test_raters_groups_are_shown_only_where_enough_ratings_of_two_mentees():
    team = pd.DataFrame({"mentee": [0, 0, 1, 1, 0, 1, 0, 1, 2], "rater": range(1, 10),
                         "rater_group": ["BME", "BME", "BME", "other", "other", "other", "other", "other", "BME"],
                         "phase": ["pre"] * 9, "inclusive_behaviour": [4, 6, 5, 7, 7, 8, 6, 9, 3.0],
                         "challenges_unfairness": [math.nan] * 9})
    table = further.group_table(team)
    rows = table[table["Question"] == further.TEAM_LABELS["team_inclusive_behaviour"]].set_index("Raters")
    # BME: 4 ratings (mentees 0, 0, 1, 2): fewer than 5, so too few; others: 5 ratings of 2 mentees
    assert rows.at[further.GROUP_WORDS["BME"], "Before"] == "too few"
    # others: mentee 0 rated 7 and 6 (6.5), mentee 1 rated 7, 8 and 9 (8.0): (6.5 + 8.0) / 2 = 7.25
    assert rows.at[further.GROUP_WORDS["other"], "Before"] == "7.3 (2 mentees, 5 ratings)"
    # everyone: mentee 0 (4, 6, 7, 6: 5.75), mentee 1 (5, 7, 8, 9: 7.25), mentee 2 (3): 16 / 3 = 5.33
    assert rows.at["All raters", "Before"] == "5.3 (3 mentees, 9 ratings)"


LASTING = [("conf_senior", "all", "followup_mean", 7.0, 14), ("conf_senior", "all", "sustained_change_mean", 1.5, 12),
           ("conf_senior", "all", "sustained_wilcoxon_p", 0.01, 12),
           ("conf_senior", "all", "since_end_change_mean", -0.25, 13),
           ("conf_senior", "all", "since_end_wilcoxon_p", 0.4, 13)]


def test_did_it_last_in_a_table_and_a_sentence():
    found = Figures(_findings(LASTING), public=False)
    table = further.lasting_table(found, LABELS)
    assert table.iloc[0][["At follow-up", "Change since enrolment", "People (enrolment and follow-up)",
                          "Change since the end"]].tolist() == ["7.0", "+1.5", "12", "-0.3"]
    assert further.lasting_sentence(found, LABELS) == (
        f"Six to twelve months after the end, “{LABELS['conf_senior'][0].lower()}{LABELS['conf_senior'][1:]}” was "
        "1.5 points above enrolment (12 people; a clear difference, p 0.01), and 0.3 points below the end of the "
        "programme (not a clear difference, p 0.40).")


def test_a_public_section_whose_every_figure_is_withheld_says_so_in_one_line():
    class Recorder:
        public = True

        def __init__(self) -> None:
            self.said: list[str] = []

        def missing(self, reason: str) -> None:
            self.said.append(reason)

    rows = [("conf_senior", "all", s, "*", "*") for s in instruments.FOLLOW_UP_STATISTICS]
    found = Figures(_public(rows), public=True)
    page = Recorder()
    assert further._all_withheld(page, found, config.RATING_ITEMS, instruments.FOLLOW_UP_STATISTICS)
    assert page.said and page.said[0].startswith("every figure of this section is withheld")
    rows[0] = ("conf_senior", "all", "followup_mean", "6.9", "15")
    assert not further._all_withheld(page, Figures(_public(rows), public=True), config.RATING_ITEMS,
                                     instruments.FOLLOW_UP_STATISTICS)


def test_three_ratings_a_person_in_one_plot_with_its_alternative_text():
    people = pd.DataFrame({"role": ["mentor", "mentor", "mentee"], "pre_conf_senior": [5.0, 6.0, 4.0],
                           "post_conf_senior": [7.0, 6.0, math.nan], "followup_conf_senior": [6.0, 8.0, 5.0]})
    long = further.three_point_long(people, "conf_senior")
    assert set(long["role"]) == {"mentor"} and list(dict.fromkeys(long["phase"])) == ["Enrolment", "End", "Follow-up"]
    chart = figures.paired_plot(long, "Confidence")
    assert chart.title == "Confidence: enrolment, end, follow-up"
    assert "mean 5.5 at enrolment, 6.5 at end, 7 at follow-up; from enrolment to follow-up; 2 rose" in chart.alt


def test_a_cohort_without_the_files_says_so_and_one_with_them_has_every_section():
    loaded = load_cohort(REPO, "south-east", 2)
    findings = cohort_findings(loaded)
    found = Figures(findings, public=False)
    assert list(further.instrument_sentences(found, LABELS))  # four files: four sentences
    assert len(list(further.instrument_sentences(found, LABELS))) == 4
    first = load_cohort(REPO, "south-east", 1)
    assert all(getattr(first.cohort, name) is None for name in instruments.FILES)  # as the South East published it


def test_the_chart_leaves_out_a_role_with_no_rank_shown_and_withheld_benefits_go_last_in_contract_order():
    rows = [("benefit_rank", "mentor", "retention", "*", "*"), ("benefit_rank", "mentor", "change_agents", "*", "*"),
            ("benefit_rank", "all", "retention", "*", "*"), ("benefit_rank", "all", "change_agents", "4.5", "30"),
            ("benefit_rank", "all", "recognising_talent", "*", "*")]
    found = Figures(_public(rows), public=True)
    assert further.benefit_order(found) == ["change_agents", "recognising_talent", "retention"]
    ranks = further.benefit_ranks(found)
    assert list(ranks.columns) == ["all"] and ranks["all"].iloc[0] == 4.5 and ranks["all"].iloc[1:].isna().all()


def test_the_one_page_summary_says_whether_it_lasted_briefly_and_only_where_there_are_such_findings():
    from rm_research.report import board

    found = Figures(_findings([*LASTING, *TEAM]), public=False)
    headline = board.lasting_headline(found, LABELS)
    assert headline is not None and headline.title == "Did it last, and did others see it"
    assert headline.text == (
        "Six to twelve months on, confidence with senior leaders was 1.5 points above enrolment (12 people; clear), "
        "and 0.3 points below the end (not clear). Mentees' teams rated their inclusive behaviour 1.2 points higher "
        "after than before (10 mentees; clear).")
    assert board.lasting_headline(Figures(_findings(RANKS), public=False), LABELS) is None
    # no change in confidence to head the page here: the lasting headline comes first, before who took part
    assert board.headlines(found, LABELS)[0].title == "Did it last, and did others see it"
    assert board.lasting_headline(Figures(_findings(TEAM), public=False), LABELS).title == "Did others see it"
    assert board.lasting_headline(Figures(_findings(LASTING), public=False), LABELS).title == "Did it last"
