"""Report tables: shaped for reading, never crashing on a cohort with empty sections."""

from __future__ import annotations

from rm_research import narrative, tables
from rm_research.clean import tidy_cohort
from rm_research.findings import compute_findings
from rm_research.validate import validate_cohort
from tests.helpers import write_cohort


def test_every_table_copes_with_a_cohort_that_answered_nothing(tmp_path):
    end = "participant_id\nA1\n"
    enrolment = "participant_id\nA1\nA2\n"
    cohort = tidy_cohort(validate_cohort(write_cohort(tmp_path, end_survey=end, enrolment=enrolment)))
    findings = compute_findings(cohort, "r", 1)
    prepost = tables.prepost_table(findings)
    assert prepost.empty
    assert tables.sessions_table(findings).empty
    assert tables.yes_no_table(findings).empty
    assert tables.enrolment_table(findings).empty
    assert tables.rating_items_with_pairs(cohort) == []
    assert "smallest p-value" in narrative.small_sample_caution(prepost)


def test_flow_table(fixture_cohort):
    flow = tables.flow_table(compute_findings(fixture_cohort, "r", 1))
    assert flow.loc["Enrolled"].tolist() == [3, 2, 5]
    assert list(flow.columns) == ["mentor", "mentee", "all"]


def test_areas_percentages_are_rounded_half_up_as_published(tmp_path):
    # 1 of 8 mentors = 12.5%: printed 13 (half up), not 12 (half to even)
    rows = [f"M{i},mentor,,,{'Communications' if i == 0 else 'People management'},," for i in range(8)]
    people = "participant_id,role,pair_id,ethnic_group,areas_of_work,status,consent_quotes\n" + "\n".join(rows) + "\n"
    cohort = tidy_cohort(validate_cohort(write_cohort(
        tmp_path, {"participants": people, "enrolment": "participant_id\nM0\n", "end_survey": "participant_id\nM0\n"})))
    areas = tables.areas_table(compute_findings(cohort, "r", 1))
    assert areas.loc["Communications"].iloc[0] == 13


def test_paired_ratings_carry_no_identifiers(fixture_cohort):
    long = tables.paired_ratings(fixture_cohort, "conf_senior")
    assert set(long.columns) == {"role", "person", "phase", "rating"}
    identifiers = [*fixture_cohort.participants["participant_id"], "P1", "P2"]
    assert not long.isin(identifiers).any().any()


def test_a_test_that_cannot_reach_alpha_says_so():
    assert tables.p_value(1.0, smallest=0.25) == "cannot be tested (smallest possible p = 0.25)"
    assert tables.p_value(0.03125, smallest=0.03125) == "0.031"
    assert tables.p_value(0.0004) == "< 0.001"
    assert tables.p_value(float("nan")) == "–"


def test_prepost_table_shows_n_estimate_interval_and_p(fixture_cohort):
    table = tables.prepost_table(compute_findings(fixture_cohort, "r", 1))
    row = table[(table["Role"] == "mentor") & table["Question"].str.startswith("Confidence talking")].iloc[0]
    assert row["Answered both"] == 2
    assert row["Mean change (95% BCa CI)"] == "1.00"  # 2 people: no bootstrap interval
    assert row["Wilcoxon p"] == "cannot be tested (smallest possible p = 0.5)"


def test_with_interval():
    assert tables.with_interval(0.857, 0.4286, 1.2857) == "0.86 (0.43 to 1.29)"
    assert tables.with_interval(float("nan"), 0, 1) == "–"
