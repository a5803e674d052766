"""The descriptive sections on a hand-made cohort, every expected count worked out by hand below.

The cohort (``FILES``): mentors M1 (pair P1), M2 (P2), M3 (never matched), M4 (P3); mentees E1
(P1), E2 (P2), E3 (P3). The session log holds P1 (3 of 4 sessions held) and P2 (none of 2 held);
P3 has no log. The programme plans 3 sessions.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rm_research.contract.programme import Programme
from rm_research.core.config import DisclosureRule
from rm_research.findings import descriptive as findings_descriptive
from rm_research.findings import registry
from rm_research.findings.cohort import compute_findings
from rm_research.ingest.clean import tidy_cohort
from rm_research.ingest.validate import validate_cohort
from rm_research.report import descriptive as report_descriptive
from tests.helpers import lookup, write_cohort

FILES = {
    "participants": """participant_id,role,pair_id,ethnic_group,band,heard_via
M1,mentor,P1,Black,Band 5,Colleague
M2,mentor,P2,asian,band 6, colleague
M3,mentor,,Black,Band 5,EDI  network
M4,mentor,P3,,Apprentice,
E1,mentee,P1,White,Band 8C,Launch event
E2,mentee,P2,White,Band 8a,edi network
E3,mentee,P3,Prefer not to say,vsm,
""",
    "enrolment": """participant_id,conf_senior
M1,5
""",
    "end_survey": """participant_id,sessions_reported,missed_any,missed_reason
M1,4,yes,Work pressures
M2,2,yes,work  pressures
M3,,no,
E1,5,yes,Annual leave
E2,,,
E3,6,no,
""",
    "mentoring_sessions": """pair_id,session_no,held,missed_reason
P1,1,yes,
P1,2,yes,
P1,3,no,Work pressures
P1,4,yes,
P2,1,no,Illness
P2,2,no,work pressures
""",
    "training": """participant_id,rating,resources_needed
M1,4,Dates well in advance;Help arranging  meetings
M2,5,dates well in advance
M2,3,
M3,,Help arranging meetings;help arranging meetings
E1,2,Resources on race
""",
    "observations": """pair_id,level,kind,finding,method
P1,individual,good practice,Inclusive language,interview
P1,Individual,needs attention,Interrupts quieter colleagues,team-meeting observation
P1,symbolic,good practice,BME staff awards on the noticeboard,visual inspection
P2,individual,good practice,Listens,interview
""",
}
PLANNED = Programme(planned_mentoring_sessions=3)


def load(folder: Path, **files: str | None):
    raw = validate_cohort(write_cohort(folder, FILES, **files))
    return tidy_cohort(raw), raw


@pytest.fixture
def cohort(tmp_path):
    return load(tmp_path / "raw")[0]


def rows(counts: pd.DataFrame) -> list[tuple[str, str, int, int]]:
    return [tuple(row) for row in counts.itertuples(index=False)]


def test_tidy_text_merges_case_and_spacing_and_keeps_the_commonest_spelling():
    values = pd.Series([" Line  manager", "line manager", "LINE MANAGER", "line manager", "", None, "EDI network"])
    # "line manager" is written that way twice, each other way once: it is the spelling kept
    assert findings_descriptive.tidy_text(values).tolist() == ["line manager"] * 4 + [pd.NA, pd.NA, "EDI network"]
    # a tie goes to the first in sort order: upper case sorts first
    assert findings_descriptive.tidy_text(pd.Series(["colleague", "Colleague"])).tolist() == ["Colleague", "Colleague"]


def test_bands_are_written_one_way_and_ordered_as_the_pay_scale():
    tidied = findings_descriptive.tidy_band(pd.Series(["band 8C", "Band  9", "vsm", "Consultant", "band5"]))
    assert tidied.tolist() == ["Band 8c", "Band 9", "VSM", "Consultant", "Band 5"]
    assert sorted(["VSM", "Band 9", "Consultant", "Band 8a", "Band 10", "Band 5", "Band 8c"],
                  key=findings_descriptive.band_order) == ["Band 5", "Band 8a", "Band 8c", "Band 9", "Band 10", "VSM",
                                                  "Consultant"]


def test_heard_via_counts_by_hand(cohort):
    # tidied: M1 Colleague, M2 colleague -> Colleague (a tie: upper case first), M3 "EDI  network" and
    # E2 "edi network" -> EDI network; M4 and E3 left it blank. Mentors answering: 3; mentees: 2.
    # Everyone: Colleague 2, EDI network 2 (then by name), Launch event 1.
    assert rows(findings_descriptive.heard_via_counts(cohort)) == [
        ("Colleague", "mentor", 2, 3), ("EDI network", "mentor", 1, 3), ("Launch event", "mentor", 0, 3),
        ("Colleague", "mentee", 0, 2), ("EDI network", "mentee", 1, 2), ("Launch event", "mentee", 1, 2),
        ("Colleague", "all", 2, 5), ("EDI network", "all", 2, 5), ("Launch event", "all", 1, 5)]


def test_the_display_table_reads_count_and_percent_of_those_who_answered(cohort):
    table = report_descriptive.counts_table(findings_descriptive.heard_via_counts(cohort), "Channel")
    assert list(table.columns) == ["Channel", "Mentors", "Mentees", "Everyone"]
    # 2 of 3 = 66.7% -> 67%; 1 of 3 = 33%; 2 of 5 = 40%
    assert table.values.tolist() == [["Colleague", "2 (67%)", "0 (0%)", "2 (40%)"],
                                     ["EDI network", "1 (33%)", "1 (50%)", "2 (40%)"],
                                     ["Launch event", "0 (0%)", "1 (50%)", "1 (20%)"],
                                     ["Answered", "3", "2", "5"]]


def test_a_category_written_like_the_answered_row_stays_a_category(cohort, tmp_path):
    people = FILES["participants"].replace("Launch event", "Answered")
    table = report_descriptive.counts_table(findings_descriptive.heard_via_counts(load(tmp_path / "a", participants=people)[0]),
                                     "Channel")
    assert table["Channel"].tolist() == ["Colleague", "EDI network", "Answered", "Answered"]
    assert table.iloc[2].tolist() == ["Answered", "0 (0%)", "1 (50%)", "1 (20%)"]


def test_ethnic_groups_list_every_contract_group_in_its_order(cohort):
    # M2 wrote "asian" (read as Asian); M4 left it blank. Mentors 3 answered, mentees 3.
    counts = findings_descriptive.ethnic_group_counts(cohort).set_index(["role", "category"])
    assert counts.loc["mentor"]["count"].to_dict() == {"Asian": 1, "Black": 2, "Mixed": 0, "White": 0, "Other": 0,
                                                       "Prefer not to say": 0}
    assert counts.loc["mentee"]["count"].to_dict() == {"Asian": 0, "Black": 0, "Mixed": 0, "White": 2, "Other": 0,
                                                       "Prefer not to say": 1}
    assert set(counts.loc["all"]["n"]) == {6} and counts.loc[("all", "Black"), "count"] == 2


def test_band_counts_follow_the_pay_scale_then_other_answers(cohort):
    counts = findings_descriptive.band_counts(cohort)
    everyone = counts[counts["role"] == "all"]
    assert everyone["category"].tolist() == ["Band 5", "Band 6", "Band 8a", "Band 8c", "VSM", "Apprentice"]
    assert everyone["count"].tolist() == [2, 1, 1, 1, 1, 1] and set(everyone["n"]) == {7}
    mentors = counts[counts["role"] == "mentor"].set_index("category")["count"]
    assert mentors.to_dict() == {"Band 5": 2, "Band 6": 1, "Band 8a": 0, "Band 8c": 0, "VSM": 0, "Apprentice": 1}


def test_training_ratings_count_a_person_once_at_their_mean(cohort):
    # M1 4; M2 rated twice, 5 and 3: once, at 4; M3 gave no rating; E1 2
    means = findings_descriptive.training_rating_means(cohort).set_index("role")
    assert means.loc["mentor"].tolist() == [4.0, 2] and means.loc["mentee"].tolist() == [2.0, 1]
    assert means.loc["all", "mean"] == pytest.approx(10 / 3) and means.loc["all", "n"] == 3
    counts = findings_descriptive.training_rating_counts(cohort).set_index(["role", "category"])["count"]
    assert counts["mentor"].to_dict() == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1}  # M2 under both of theirs
    assert counts["all"].to_dict() == {"1": 0, "2": 1, "3": 1, "4": 1, "5": 1}
    table = report_descriptive.training_rating_table(findings_descriptive.training_rating_counts(cohort),
                                                     compute_findings(cohort, "r", 1))
    assert table.iloc[-2].tolist() == ["Mean rating", "4.0", "2.0", "3.3"]
    assert table.iloc[-1].tolist() == ["Answered", "2", "1", "3"]


def test_resources_needed_count_each_person_once_per_resource(cohort):
    # M1: Dates well in advance, Help arranging meetings; M2: dates well in advance (their second row
    # is blank); M3 named Help arranging meetings twice (once); E1: Resources on race.
    assert rows(findings_descriptive.resources_needed_counts(cohort)) == [
        ("Dates well in advance", "mentor", 2, 3), ("Help arranging meetings", "mentor", 2, 3),
        ("Resources on race", "mentor", 0, 3),
        ("Dates well in advance", "mentee", 0, 1), ("Help arranging meetings", "mentee", 0, 1),
        ("Resources on race", "mentee", 1, 1),
        ("Dates well in advance", "all", 2, 4), ("Help arranging meetings", "all", 2, 4),
        ("Resources on race", "all", 1, 4)]


def test_missed_reasons_from_the_survey_and_the_log(cohort):
    # survey: M1 "Work pressures", M2 "work  pressures", E1 "Annual leave"; log: P1 "Work pressures",
    # P2 "Illness" and "work pressures". Two people and two sessions wrote each spelling of work
    # pressures: a tie, so the upper-case one is shown.
    assert rows(report_descriptive.missed_reason_counts(cohort)) == [
        ("Work pressures", "mentor", 2, 2), ("Annual leave", "mentor", 0, 2),
        ("Work pressures", "mentee", 0, 1), ("Annual leave", "mentee", 1, 1),
        ("Work pressures", "all", 2, 3), ("Annual leave", "all", 1, 3)]
    assert rows(report_descriptive.missed_session_reason_counts(cohort)) == [("Work pressures", "all", 2, 3),
                                                                      ("Illness", "all", 1, 3)]
    # mentions: Work pressures 2 people + 2 sessions; Annual leave 1; Illness 1 (then by name)
    table = report_descriptive.missed_reasons_table(cohort)
    assert list(table.columns) == ["Reason", "Mentors", "Mentees", "Everyone", "Sessions (log)"]
    assert table.values.tolist() == [["Work pressures", "2 (100%)", "0 (0%)", "2 (67%)", "2 (67%)"],
                                     ["Annual leave", "0 (0%)", "1 (100%)", "1 (33%)", "0 (0%)"],
                                     ["Illness", "0 (0%)", "0 (0%)", "0 (0%)", "1 (33%)"],
                                     ["Answered", "2", "1", "3", "3"]]


def test_missed_reasons_show_no_codes_names_or_contact_details(cohort):
    # reasons are free text: a code, a partner's name or a phone number written in one is redacted,
    # whoever wrote it, and the counts stay as they were
    survey, log = cohort.end_survey.copy(), cohort.mentoring_sessions.copy()
    survey.loc[survey["participant_id"] == "E1", "missed_reason"] = "Yara Green (M1) was off, call 07700 900123"
    log.loc[log["missed_reason"] == "Illness", "missed_reason"] = "Illness; see P2"
    changed = cohort.replaced(end_survey=survey, mentoring_sessions=log)
    table = report_descriptive.missed_reasons_table(changed, names={"Yara", "Green"})
    shown = " ".join(table["Reason"])
    assert all(word not in shown for word in ("M1", "P2", "Yara", "Green", "07700"))
    assert "[redacted] [redacted] ([redacted]) was off, call [redacted]" in table["Reason"].tolist()
    assert table["Reason"].tolist()[-1] == "Answered" and len(table) == 4


def test_the_public_missed_reasons_are_counts_under_the_rule(cohort):
    # 3 people gave a reason, 2 pairs' logs do: both below 8, so both are suppressed
    assert report_descriptive.public_missed_reasons(cohort)["Number"].tolist() == ["*", "*"]
    loose = DisclosureRule(smallest_shown=2, rounding_base=1)
    shown = report_descriptive.public_missed_reasons(cohort, loose)
    assert shown["Number"].tolist() == ["3", "2"]
    assert not shown.astype(str).apply(lambda col: col.str.contains("pressures|leave|Illness")).any().any()


def test_sessions_held_against_the_plan(cohort):
    # held: M1 and E1 3 (P1's log, over M1's own 4), M2 and E2 0 (P2's log), E3 6 (reported);
    # M3 and M4 have neither. Against 3: mentors M2 fewer, M1 as planned; mentees one of each.
    counts = findings_descriptive.sessions_against_plan_counts(cohort, 3)
    assert rows(counts) == [
        ("Fewer than planned", "mentor", 1, 2), ("As planned", "mentor", 1, 2), ("More than planned", "mentor", 0, 2),
        ("Fewer than planned", "mentee", 1, 3), ("As planned", "mentee", 1, 3), ("More than planned", "mentee", 1, 3),
        ("Fewer than planned", "all", 2, 5), ("As planned", "all", 2, 5), ("More than planned", "all", 1, 5)]
    # medians: mentors of 0, 3 = 1.5; mentees of 0, 3, 6 = 3; everyone of 0, 0, 3, 3, 6 = 3
    medians = findings_descriptive.sessions_held_medians(cohort).set_index("role")["median"]
    assert medians.to_dict() == {"mentor": 1.5, "mentee": 3.0, "all": 3.0}
    table = report_descriptive.sessions_against_plan_table(findings_descriptive.sessions_against_plan_counts(cohort, 3),
                                                           findings_descriptive.sessions_held_medians(cohort), 3)
    assert table.columns[0] == "Sessions held (planned: 3)"
    assert table.iloc[-2].tolist() == ["Median sessions held", "1.5", "3", "3"]


def test_observations_by_level_and_kind(cohort):
    # P1: individual good practice, individual needs attention, symbolic good practice; P2: individual
    # good practice. Two pairs recorded findings.
    counts = findings_descriptive.observation_counts(cohort)
    assert counts["category"].tolist() == [
        "individual: good practice", "individual: needs attention", "departmental: good practice",
        "departmental: needs attention", "organisational: good practice", "organisational: needs attention",
        "symbolic: good practice", "symbolic: needs attention"]
    assert counts["count"].tolist() == [2, 1, 0, 0, 0, 0, 1, 0]
    assert set(counts["role"]) == {"all"} and set(counts["n"]) == {2}
    table = report_descriptive.observations_table(findings_descriptive.observation_grid(cohort))
    assert list(table.columns) == ["Level", "Good practice", "Needs attention", "Total"]
    assert table.values.tolist() == [["Individual", 2, 1, 3], ["Departmental", 0, 0, 0], ["Organisational", 0, 0, 0],
                                     ["Symbolic", 1, 0, 1], ["All levels", 3, 1, 4],
                                     ["Pairs recording findings", 2, 1, 2]]


def test_no_table_carries_an_identifier(cohort):
    tables = [report_descriptive.counts_table(findings_descriptive.heard_via_counts(cohort), "Channel"),
              report_descriptive.counts_table(findings_descriptive.resources_needed_counts(cohort), "Resource"),
              report_descriptive.training_rating_table(findings_descriptive.training_rating_counts(cohort),
                                                       compute_findings(cohort, "r", 1)),
              report_descriptive.missed_reasons_table(cohort),
              report_descriptive.sessions_against_plan_table(
                  findings_descriptive.sessions_against_plan_counts(cohort, 3),
                  findings_descriptive.sessions_held_medians(cohort), 3),
              report_descriptive.observations_table(findings_descriptive.observation_grid(cohort))]
    for table in tables:
        text = " ".join(table.astype(str).to_numpy().ravel())
        assert not any(code in text.split() for code in ("M1", "M2", "M3", "M4", "E1", "E2", "E3", "P1", "P2", "P3"))


# --- findings rows ------------------------------------------------------------------------------------

@pytest.fixture
def findings(cohort):
    return compute_findings(cohort, "r", 1, programme=PLANNED)


def value(findings, measure, role, statistic):
    row = lookup(findings, measure, role, statistic)
    return row["value"], row["n"]


def test_contract_rows_by_hand(findings):
    # heard_via: percentage of the role's people who answered
    assert value(findings, "heard_via", "mentor", "Colleague") == (pytest.approx(200 / 3), 3)
    assert value(findings, "heard_via", "all", "Launch event") == (pytest.approx(20.0), 5)
    assert value(findings, "ethnic_group", "mentee", "Prefer not to say") == (1.0, 3)
    assert value(findings, "band", "all", "Band 5") == (2.0, 7)
    assert value(findings, "training_rating", "all", "mean") == (pytest.approx(10 / 3), 3)
    assert value(findings, "resources_needed", "mentor", "Help arranging meetings") == (2.0, 3)


def test_plan_and_observation_rows_by_hand(findings):
    assert value(findings, "sessions_vs_plan", "mentee", "more_than_planned") == (1.0, 3)
    assert value(findings, "sessions_vs_plan", "all", "fewer_than_planned") == (2.0, 5)
    assert value(findings, "sessions_vs_plan", "all", "planned") == (3.0, 5)
    assert value(findings, "observations", "all", "individual: good practice") == (2.0, 2)
    assert "observations" not in set(findings.loc[findings["role"] != "all", "measure"])


def test_no_plan_no_plan_rows(cohort):
    assert "sessions_vs_plan" not in set(compute_findings(cohort, "r", 1)["measure"])
    assert "sessions_vs_plan" not in set(compute_findings(cohort, "r", 1, programme=Programme())["measure"])


def test_every_new_row_is_registered(findings):
    assert registry.unregistered(findings).empty


def test_single_answer_counts_add_up_to_those_who_answered(findings):
    # what the disclosure audit assumes of every measure in registry.PARTITIONS
    for measure in registry.PARTITIONS:
        for role, group in findings[findings["measure"] == measure].groupby("role"):
            counts = group[group["statistic"] != "planned"]
            total = (counts["value"] * counts["n"] / 100).round() if measure == "heard_via" else counts["value"]
            assert total.sum() == counts["n"].iloc[0], (measure, role)


def test_the_example_counts_match_a_direct_count_of_its_participants(example_findings):
    # written independently: pandas on the raw file, which the example spells tidily already
    from tests.conftest import EXAMPLE

    people = pd.read_csv(EXAMPLE / "participants.csv", dtype=str)
    for column in ("heard_via", "ethnic_group"):
        for role, group in [*people.groupby("role"), ("all", people)]:
            answered = group[column].dropna()
            for category, count in answered.value_counts().items():
                expected = 100 * count / len(answered) if column == "heard_via" else count
                assert value(example_findings, column, role, category) == (pytest.approx(expected), len(answered))
    # the example's 11 mentors: 4 Asian, 5 Black, 2 Mixed; its 7 mentees White (seeds/000's pie chart)
    assert value(example_findings, "ethnic_group", "mentor", "Black") == (5.0, 11)


# --- can each section be computed? ------------------------------------------------------------------

def test_every_section_of_the_hand_cohort_can_be_computed(tmp_path):
    cohort, raw = load(tmp_path / "raw")
    assert report_descriptive.section_status(cohort, raw, PLANNED) == dict.fromkeys(report_descriptive.SECTIONS)
    assert report_descriptive.section_warnings(cohort, raw, PLANNED) == []


def test_an_absent_column_and_a_blank_one_are_told_apart(tmp_path):
    people = "participant_id,role,pair_id,band\nM1,mentor,P1,\nM2,mentor,P2,\nE1,mentee,P1,\nE2,mentee,P2,\n"
    cohort, raw = load(tmp_path / "raw", participants=people, training=None, observations=None,
                       enrolment="participant_id,conf_senior\nM1,5\n",
                       end_survey="participant_id,sessions_reported\nM1,\n", mentoring_sessions=None)
    status = report_descriptive.section_status(cohort, raw)
    assert status == {
        "heard_via": "participants.csv has no heard_via column",
        "ethnic_group": "participants.csv has no ethnic_group column",
        "band": "no one answered band in participants.csv",
        "training_rating": "training.csv was not supplied",
        "resources_needed": "training.csv was not supplied",
        "missed_reasons": "no reason for a missed session is recorded: end_survey.csv has no missed_reason column; "
                          "mentoring_sessions.csv was not supplied",
        "sessions_vs_plan": "programme.toml gives no planned_mentoring_sessions (the number of mentoring sessions "
                            "planned)",
        "observations": "observations.csv was not supplied",
    }
    # without the raw tables a blank column cannot be told from an absent one, and the reason says so
    assert report_descriptive.section_status(cohort)["heard_via"] == ("no one answered heard_via in participants.csv "
                                                               "(or the column is absent)")
    planned = report_descriptive.section_status(cohort, raw, PLANNED)["sessions_vs_plan"]
    assert planned == ("no one's sessions held are known: mentoring_sessions.csv was not supplied and no one "
                       "answered sessions_reported in the end survey")


def test_a_training_file_without_resources_and_blank_reasons(tmp_path):
    cohort, raw = load(tmp_path / "raw", training="participant_id,rating\nM1,4\n",
                       end_survey=FILES["end_survey"].replace("Work pressures", "").replace("work  pressures", "")
                       .replace("Annual leave", ""),
                       mentoring_sessions=FILES["mentoring_sessions"].replace("Work pressures", "")
                       .replace("Illness", "").replace("work pressures", ""))
    status = report_descriptive.section_status(cohort, raw)
    assert status["training_rating"] is None
    assert status["resources_needed"] == "training.csv has no resources_needed column"
    assert status["missed_reasons"] == ("no reason for a missed session is recorded: missed_reason is blank "
                                        "throughout end_survey.csv; missed_reason is blank throughout "
                                        "mentoring_sessions.csv")


def test_warnings_name_the_section_and_the_reason(tmp_path):
    cohort, raw = load(tmp_path / "raw", observations=None)
    assert report_descriptive.section_warnings(cohort, raw) == [
        "Sessions held against the plan cannot be shown: programme.toml gives no planned_mentoring_sessions (the "
        "number of mentoring sessions planned)",
        "ReMEDI observations of mentees' practice cannot be shown: observations.csv was not supplied"]


def test_the_programme_comes_from_the_cohort_settings(tmp_path):
    folder = write_cohort(tmp_path / "raw", FILES)
    (folder / "programme.toml").write_text("planned_mentoring_sessions = 3\n", encoding="utf-8")
    raw = validate_cohort(folder)
    assert report_descriptive.section_status(tidy_cohort(raw), raw)["sessions_vs_plan"] is None


def test_the_file_is_named_as_the_evaluator_supplied_it(tmp_path):
    folder = write_cohort(tmp_path / "raw", FILES, training=None)
    (folder / "Training.CSV").write_text("participant_id,rating\nM1,4\n", encoding="utf-8")
    raw = validate_cohort(folder)
    assert report_descriptive.section_status(tidy_cohort(raw), raw)["resources_needed"] == (
        "Training.CSV has no resources_needed column")


def test_a_channel_written_as_markup_or_a_formula_stays_text(tmp_path):
    from rm_research.core.safety import active_content, neutralise_formulas
    from rm_research.report import tables

    people = FILES["participants"].replace("Launch event", "<script>alert(1)</script>").replace(
        "EDI  network", "=HYPERLINK(\"http://x\")")
    cohort = load(tmp_path / "raw", participants=people)[0]
    page = tables.styled(report_descriptive.counts_table(findings_descriptive.heard_via_counts(cohort), "Channel")).to_html()
    assert active_content(page) == [] and "&lt;script&gt;" in page
    findings = compute_findings(cohort, "r", 1)
    written = neutralise_formulas(findings)["statistic"]
    assert "'=HYPERLINK(\"http://x\")" in set(written) and "=HYPERLINK(\"http://x\")" not in set(written)


@pytest.mark.parametrize("measure", ["heard_via", "ethnic_group", "band", "resources_needed"])
def test_the_report_reads_its_count_tables_from_the_findings_not_counting_again(measure):
    """The cohort report's count tables come from the findings the command computed
    (``findings_counts``), and are exactly the counts the data give."""
    from rm_research.findings.cohort import cohort_findings
    from rm_research.ingest.load import load_cohort
    from tests.conftest import REPO

    loaded = load_cohort(REPO, "south-east", 1)
    from_findings = report_descriptive.findings_counts(cohort_findings(loaded), measure)
    counted = findings_descriptive.COUNTS[measure](loaded.cohort)
    assert rows(from_findings) == rows(counted)
