"""The findings of the four further instruments (issue 20, data contract section 8), from their definitions.

A small hand-made cohort (tests.helpers.FIXTURE: mentors A1-A3, mentees B1-B2) with each file; every
expected value is worked out by hand from the contract's definition in the comments beside it.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from rm_research.disclosure.control import public_findings
from rm_research.findings.cohort import compute_findings
from rm_research.ingest.clean import tidy_cohort
from rm_research.ingest.validate import validate_cohort
from tests.helpers import write_cohort

FILES = {
    # A1 and A2 rank all seven; B1 ranks two; A3 ranks all seven too
    "benefit_ranking": "participant_id,benefit,rank\n"
    + "".join(f"A1,{b},{r}\n" for b, r in zip(["retention", "change_agents", "recognising_talent",
                                                "network_of_champions", "inclusion_conversations",
                                                "safe_space_and_belonging", "leaders_behaviour"], range(1, 8), strict=True))
    + "".join(f"A2,{b},{r}\n" for b, r in zip(["retention", "change_agents", "recognising_talent",
                                                "network_of_champions", "inclusion_conversations",
                                                "leaders_behaviour", "safe_space_and_belonging"], range(1, 8), strict=True))
    + "".join(f"A3,{b},{r}\n" for b, r in zip(["change_agents", "retention", "recognising_talent",
                                                "network_of_champions", "inclusion_conversations",
                                                "safe_space_and_belonging", "leaders_behaviour"], range(1, 8), strict=True))
    + "B1,leaders_behaviour,1\nB1,retention,2\n",
    "psych_topics": "psych_session_no,topic\n1,Guilt and shame\n1,Power dynamics\n2, guilt  and SHAME \n"
                    "2,Guilt and shame\n3,Maintaining boundaries\n",
    "team_feedback": "mentee_id,rater,rater_group,phase,inclusive_behaviour,challenges_unfairness\n"
                     "B1,T1,BME,pre,4,5\nB1,T2,other,pre,6,5\nB1,T1,BME,post,7,6\nB1,T2,other,post,8,\n"
                     "B2,T3,,pre,2,3\nB2,T4,BME,pre,3,3\nB2,T3,,post,3,4\n",
    "follow_up": "participant_id,date,conf_senior,conf_junior,comfort_needs\n"
                 "A1,2021-11-01,9,,7\nA2,2021-11-02,7,,\nB1,2021-11-03,5,3,\nB2,2021-11-04,6,,\n",
}


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> pd.DataFrame:
    cohort = tidy_cohort(validate_cohort(write_cohort(tmp_path_factory.mktemp("instruments"), **FILES)))
    return compute_findings(cohort, "r", 1)


def value(findings: pd.DataFrame, measure: str, role: str, statistic: str) -> tuple[float, int]:
    row = findings[(findings["measure"] == measure) & (findings["role"] == role) & (findings["statistic"] == statistic)]
    assert len(row) == 1, (measure, role, statistic)
    return float(row["value"].iloc[0]), int(row["n"].iloc[0])


def test_benefit_ranks_and_their_agreement(findings):
    # retention: A1 1, A2 1, A3 2 (mentors) -> 4/3; B1 2 (mentees) -> 2; everyone 6/4 = 1.5
    assert value(findings, "benefit_rank", "mentor", "retention") == (pytest.approx(4 / 3), 3)
    assert value(findings, "benefit_rank", "mentee", "retention") == (2.0, 1)
    assert value(findings, "benefit_rank", "all", "retention") == (1.5, 4)
    # Kendall's W over the three mentors who ranked all seven: rank sums 4, 5, 9, 12, 15, 19, 20 (m = 3),
    # S = sum((R - 12)^2) = 64 + 49 + 9 + 0 + 9 + 49 + 64 = 244; W = 12 * 244 / (9 * 336) = 0.968...
    w, m = value(findings, "benefit_agreement", "mentor", "kendalls_w")
    assert (w, m) == (pytest.approx(12 * 244 / (9 * 336)), 3)
    # the mentees: nobody ranked all seven: blank, with m = 0
    w, m = value(findings, "benefit_agreement", "mentee", "kendalls_w")
    assert math.isnan(w) and m == 0


def test_topics_grouped_ignoring_case_and_spaces(findings):
    # "Guilt and shame" in sessions 1 and 2 (three spellings, the plain one most frequent); 3 sessions logged
    assert value(findings, "psych_topic", "all", "Guilt and shame") == (2.0, 3)
    assert value(findings, "psych_topic", "all", "Power dynamics") == (1.0, 3)
    assert set(findings.loc[findings["measure"] == "psych_topic", "role"]) == {"all"}


def test_the_teams_view_of_the_mentees(findings):
    # inclusive_behaviour: B1 pre (4+6)/2 = 5, post 7.5; B2 pre 2.5, post 3 -> pre mean 3.75, post 5.25,
    # changes 2.5 and 0.5 -> mean 1.5 over 2 mentees
    assert value(findings, "team_inclusive_behaviour", "mentee", "pre_mean") == (3.75, 2)
    assert value(findings, "team_inclusive_behaviour", "mentee", "post_mean") == (5.25, 2)
    assert value(findings, "team_inclusive_behaviour", "mentee", "change_mean") == (1.5, 2)
    # two positive changes: the exact two-sided p is 2 * (1/4) = 0.5
    assert value(findings, "team_inclusive_behaviour", "mentee", "wilcoxon_p") == (0.5, 2)
    # ICC(1) at pre: B1 (4, 6), B2 (2, 3); grand mean 3.75; MSB = 2 (1.25^2 + 1.25^2) / 1 = 6.25,
    # MSW = (1 + 1 + 0.25 + 0.25) / 2 = 1.25, n0 = 2: (6.25 - 1.25) / (6.25 + 1.25) = 2/3
    assert value(findings, "team_inclusive_behaviour", "mentee", "icc1") == (pytest.approx(2 / 3), 2)
    # challenges_unfairness: B1 post has one rating (6); B2 post 4 -> changes 1 and 1
    assert value(findings, "team_challenges_unfairness", "mentee", "change_mean") == (1.0, 2)


def test_follow_up_sustained_and_since_the_end(findings):
    # conf_senior, mentors: follow-up A1 9, A2 7 -> 8; enrolment 5, 7 -> sustained 4, 0 -> 2 (n = 2, zeros
    # counted in n); end 8, 6 -> since the end 1, 1 -> 1
    assert value(findings, "conf_senior", "mentor", "followup_mean") == (8.0, 2)
    assert value(findings, "conf_senior", "mentor", "sustained_change_mean") == (2.0, 2)
    assert value(findings, "conf_senior", "mentor", "since_end_change_mean") == (1.0, 2)
    # everyone: B2 answered no end survey, so since the end rests on A1, A2, B1 (B1: 6 -> 5)
    assert value(findings, "conf_senior", "all", "since_end_change_mean") == (pytest.approx(1 / 3), 3)
    # one non-zero difference (A1 +4; A2 0 dropped): p = 1
    assert value(findings, "conf_senior", "mentor", "sustained_wilcoxon_p") == (1.0, 2)


def test_the_public_findings_of_a_cohort_with_the_four_files(findings):
    """Every new row is registered and goes through the disclosure rule: with these few people every
    figure about people is withheld, while the topics (sessions, not people) are shown."""
    safe = public_findings(findings)
    new = safe[safe["measure"].isin(["benefit_rank", "benefit_agreement", "team_inclusive_behaviour"])
               | safe["statistic"].str.contains("followup|sustained|since_end")]
    assert not new.empty and set(new["value"]) <= {"*", ""}
    topics = safe[safe["measure"] == "psych_topic"].set_index("statistic")
    assert topics.at["Guilt and shame", "value"] == "2.0"  # a structural figure, printed as k is


def test_a_file_with_no_answer_writes_its_rows_blank_with_n_0(tmp_path):
    """Section 8: a row whose value cannot be computed is written blank with its n. A follow-up file whose
    ratings are all blank still writes each item the role answered at enrolment or the end; a benefit no one
    of a role that ranked ranked is blank with n 0; an item a role never answered has no rows (section 4)."""
    files = {**FILES, "follow_up": "participant_id,date,conf_senior,conf_junior,comfort_needs\nA1,2021-11-01,,,\n",
             "benefit_ranking": "participant_id,benefit,rank\nB1,leaders_behaviour,1\n"}
    found = compute_findings(tidy_cohort(validate_cohort(write_cohort(tmp_path, **files))), "r", 1)
    mean, n = value(found, "conf_senior", "mentor", "followup_mean")
    assert math.isnan(mean) and n == 0
    mean, n = value(found, "conf_senior", "mentor", "sustained_wilcoxon_p")
    assert math.isnan(mean) and n == 0
    assert found[(found["measure"] == "conf_junior") & (found["role"] == "mentor")].empty  # mentors are not asked
    mean, n = value(found, "benefit_rank", "mentee", "retention")
    assert math.isnan(mean) and n == 0
    assert value(found, "benefit_rank", "mentee", "leaders_behaviour") == (1.0, 1)
    assert found[(found["measure"] == "benefit_rank") & (found["role"] == "mentor")].empty  # no mentor ranked
    w, m = value(found, "benefit_agreement", "mentor", "kendalls_w")
    assert math.isnan(w) and m == 0  # the agreement rows are written wherever the file exists
