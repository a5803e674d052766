"""Report tables: shaped for reading, never crashing on a cohort with empty sections."""

from __future__ import annotations

import math
from importlib import resources

import pandas as pd
import pytest

from rm_research.findings import descriptive as findings_descriptive
from rm_research.findings import verify
from rm_research.findings.cohort import compute_findings
from rm_research.ingest.clean import tidy_cohort
from rm_research.ingest.validate import validate_cohort
from rm_research.report import narrative, tables
from tests.helpers import write_cohort
from tests.unit.test_summary import change_rows, frame, pooled_rows, public_frame


def test_every_table_copes_with_a_cohort_that_answered_nothing(tmp_path):
    end = "participant_id\nA1\n"
    enrolment = "participant_id\nA1\nA2\n"
    cohort = tidy_cohort(validate_cohort(write_cohort(tmp_path, end_survey=end, enrolment=enrolment)))
    findings = compute_findings(cohort, "r", 1)
    assert tables.before_after_table(findings).empty
    assert list(tables.before_after_table(findings).columns) == tables.BEFORE_AFTER_COLUMNS
    technical = tables.technical_table(findings)
    assert technical.empty
    assert tables.sessions_table(findings).empty
    assert tables.yes_no_table(findings).empty
    assert tables.enrolment_table(findings).empty
    assert all(findings_descriptive.paired_ratings(cohort, item).empty for item in ("conf_senior", "conf_junior"))
    assert "smallest p-value" in narrative.small_sample_caution(technical)



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
    long = findings_descriptive.paired_ratings(fixture_cohort, "conf_senior")
    assert set(long.columns) == {"role", "person", "phase", "rating"}
    identifiers = [*fixture_cohort.participants["participant_id"], "P1", "P2"]
    assert not long.isin(identifiers).any().any()


def test_a_test_that_cannot_reach_alpha_says_so():
    assert tables.p_value(1.0, smallest=0.25) == "cannot be tested (smallest possible p = 0.25)"
    assert tables.p_value(0.03125, smallest=0.03125) == "0.031"
    assert tables.p_value(0.0004) == "< 0.001"
    assert tables.p_value(float("nan")) == "–"


def test_technical_table_says_when_a_test_cannot_reach_alpha(fixture_cohort):
    table = tables.technical_table(compute_findings(fixture_cohort, "r", 1))
    row = table[(table["Role"] == "Mentors") & table["Question"].str.startswith("Confidence talking")].iloc[0]
    assert row["People (answered both)"] == "2"
    # 2 people who both changed: the exact test's smallest p is 2/2^2 = 0.5, above 0.05
    assert row["Wilcoxon p"] == "cannot be tested (smallest possible p = 0.5)"
    assert row["Smallest p possible"] == 0.5


def test_with_interval():
    assert tables.with_interval(0.857, 0.4286, 1.2857) == "0.86 (0.43 to 1.29)"
    assert tables.with_interval(float("nan"), 0, 1) == "–"


# the before/after table a board reads --------------------------------------------------------------------------
def wilcoxon_rows(role: str, n: int, holm: float, smallest: float) -> list[tuple]:
    return [("conf_senior", role, "wilcoxon_p_holm", holm, n), ("conf_senior", role, "wilcoxon_min_p", smallest, n)]


def test_before_after_table_reads_the_same_people_before_and_after():
    rows = [*change_rows("mentee", 12, 5 / 3, 0.4, 3.0, pre=6.0, post=23 / 3), *wilcoxon_rows("mentee", 12, 0.0349, 0.0005),
            ("conf_senior", "mentee", "pre_mean", 5.0, 20),  # everyone at enrolment: not the table's "Before"
            *change_rows("mentor", 6, 0.5, -0.25, 1.25, pre=8.0, post=8.5), *wilcoxon_rows("mentor", 6, 0.6, 0.03125)]
    table = tables.before_after_table(frame(rows))
    assert list(table.columns) == tables.BEFORE_AFTER_COLUMNS
    assert table.iloc[0].tolist() == ["Confidence talking about BAME experiences with senior leaders", "Mentors", "6",
                                      "8.0", "8.5", "+0.5 (-0.3 to 1.3)", "0.60", "no clear change; small group"]
    assert table.iloc[1].tolist() == ["Confidence talking about BAME experiences with senior leaders", "Mentees", "12",
                                      "6.0", "7.7", "+1.7 (0.4 to 3.0)", "0.03", "higher at the end"]


def test_before_after_table_without_paired_means_shows_a_dash_not_everyone_at_enrolment():
    rows = [*change_rows("mentee", 12, 1.0, math.nan, math.nan), ("conf_senior", "mentee", "pre_mean", 5.0, 20)]
    row = tables.before_after_table(frame(rows)).iloc[0]
    assert (row["Before (same people)"], row["After (same people)"], row["Change (95% CI)"]) == ("–", "–", "+1.0")
    assert row["What this means"] == "no clear change (no interval could be computed)"


def test_public_before_after_table_withholds_suppressed_figures():
    rows = [("conf_senior", "mentee", s, "*", "*") for s in ("change_mean", "change_ci_low", "change_ci_high",
                                                              "paired_pre_mean", "paired_post_mean", "wilcoxon_p_holm")]
    rows += [("conf_senior", "mentor", "change_mean", "-1.2", "20"), ("conf_senior", "mentor", "change_ci_low", "-2.0", "20"),
             ("conf_senior", "mentor", "change_ci_high", "-0.4", "20"), ("conf_senior", "mentor", "paired_pre_mean", "8.1", "20"),
             ("conf_senior", "mentor", "paired_post_mean", "6.9", "20"), ("conf_senior", "mentor", "wilcoxon_p_holm", "0.0004", "20")]
    table = tables.public_before_after_table(public_frame(rows))
    assert table.iloc[0].tolist()[2:] == ["20", "8.1", "6.9", "-1.2 (-2.0 to -0.4)", "<0.001", "lower at the end"]
    assert table.iloc[1].tolist()[2:] == ["*", "*", "*", "*", "*", "withheld to protect privacy"]


@pytest.mark.parametrize(("p", "smallest", "shown"), [(0.0349, math.nan, "0.03"), (0.035, math.nan, "0.04"),
                                                      (0.0042, math.nan, "0.004"), (0.0004, math.nan, "<0.001"),
                                                      (1.0, math.nan, "1.00"), (math.nan, math.nan, "–"),
                                                      (0.25, 0.0625, "–"), (0.03125, 0.03125, "0.03")])
def test_plain_p(p, smallest, shown):
    assert tables.plain_p(p, smallest) == shown


def test_technical_table_holds_the_rest_and_its_glossary_explains_every_column():
    stats = {"hedges_g_z": 1.08, "hedges_g_av": 0.55, "rank_biserial": 1.0, "hl_shift": 1.0, "hl_ci_low": 1.0,
             "hl_ci_high": 2.0, "hl_level": 0.9375, "wilcoxon_p": 0.0625, "wilcoxon_p_holm": 0.25,
             "wilcoxon_p_pratt": 0.0625, "wilcoxon_min_p": 0.0625}
    rows = [*change_rows("mentor", 7, 0.86, 0.29, 1.14), *(("conf_senior", "mentor", k, v, 7) for k, v in stats.items())]
    table = tables.technical_table(frame(rows))
    row = table.iloc[0]
    assert row["Role"] == "Mentors" and row["People (answered both)"] == "7"
    assert (row["Hedges' g_z"], row["Hedges' g_av"], row["Rank-biserial r"]) == (1.08, 0.55, 1.0)
    assert row["Median shift (Hodges-Lehmann), with interval"] == "1.00 (1.00 to 2.00)"
    assert row["Confidence level of that interval"] == "93.8%"  # 0.9375: 93.75% half up
    assert row["Wilcoxon p"] == "cannot be tested (smallest possible p = 0.0625)"
    assert row["Smallest p possible"] == 0.0625
    glossary = tables.technical_glossary()
    assert list(glossary["Column"]) == list(table.columns[2:])
    assert glossary["What it means"].str.len().gt(20).all()
    assert narrative.small_sample_caution(table).endswith(
        "Mentors' confidence talking about BAME experiences with senior leaders: 0.0625.")


def test_the_new_tables_are_escaped_when_styled():
    labels = {"conf_senior": "<img src=x onerror=alert(1)>"}
    page = tables.styled(tables.before_after_table(frame(change_rows("mentee", 12, 1.0, 0.5, 1.5)), labels)).to_html()
    assert "<img" not in page and "&lt;img" in page


def test_pooled_before_after_table():
    rows = [*pooled_rows("mentee", 4, 40, 1.2, 0.3, 2.1, 12.0), ("conf_senior", "mentee", "pooled_p", 0.012, 40),
            *pooled_rows("mentor", 1, 6, math.nan, math.nan, math.nan, math.nan)]
    table = tables.pooled_before_after_table(frame(rows))
    assert list(table.columns) == tables.POOLED_BOARD_COLUMNS
    assert table.iloc[1].tolist()[1:] == ["Mentees", "4", "40", "+1.2 (0.3 to 2.1)", "0.01",
                                          "Little variation between cohorts beyond chance (I² 12%; with only 4 cohorts "
                                          "this is imprecise)", "higher at the end"]
    assert table.iloc[0].tolist()[1:] == ["Mentors", "1", "6", "–", "–", "–", "no pooled figure: only 1 cohort could "
                                          "be pooled (at least 2 are needed, each with at least 2 people who answered "
                                          "both surveys and changes that were not all the same)"]
    public = tables.public_pooled_before_after_table(public_frame([(m, r, s, "*" if s != "k" else v, "*")
                                                                   for m, r, s, v, _ in rows]))
    assert public.iloc[1].tolist()[1:] == ["Mentees", "4", "*", "*", "*", "*", "withheld to protect privacy"]


# published figures: the source in words -----------------------------------------------------------------------
def test_every_source_of_the_published_figures_is_named_in_words():
    names = verify.source_names()
    folder = resources.files("rm_research.findings").joinpath("published")
    codes = set()
    for entry in folder.iterdir():
        if entry.name.endswith(".csv") and entry.name != verify.SOURCES_FILE:
            with entry.open(encoding="utf-8") as handle:
                codes |= set(pd.read_csv(handle, dtype={"source": str})["source"])
    assert codes and codes <= set(names)
    assert all(not name.startswith("seeds") and len(name) > 30 for name in names.values())


def test_comparison_table_cites_each_source_once_in_words():
    """Each row cites its document by number, and the documents are named once, in words (issue 18: the
    appendix repeated a whole citation on every row, some 40 pages of a Word copy)."""
    published = verify.published_figures("south-east", 1)
    comparison = verify.compare(pd.DataFrame(columns=["measure", "role", "statistic", "value", "n"]), published)
    cited = tables.cited_sources(comparison)
    assert len(cited) == published["source"].nunique() == len(set(cited))
    numbers = dict(zip(published["source"], tables.comparison_table(comparison)["Source"], strict=False))
    sources = {code: cited[int(number.strip("[]")) - 1] for code, number in numbers.items()}
    assert sources["002"].startswith("NHS England and NHS Improvement South East, Reverse Mentoring (race) Programme")
    assert "March 2021" in sources["002"]
    assert "Evaluation Report Summary" in sources["000/001"]
    assert numbers[published["source"].iloc[0]] == "[1]"
    assert verify.source_name("999", {}) == "source 999 (not named in sources.csv)"


def test_the_public_flow_chart_draws_the_published_counts_and_marks_the_withheld():
    """A public flow chart shows what the public table shows and nothing else: rounded counts as bars, a
    withheld count as the mark with no bar (issue 17: public figures from the protected figures only)."""
    from rm_research.report import figures

    safe = pd.DataFrame({"region": "r", "cohort": "all", "measure": "flow",
                         "role": ["mentor", "mentor", "mentee", "mentee"],
                         "statistic": ["enrolled", "matched", "enrolled", "matched"],
                         "value": ["150", "*", "135", "125"], "n": ["150", "150", "135", "135"]})
    numbers = tables.public_flow_numbers(safe)
    assert numbers.loc["Enrolled", "mentor"] == 150 and pd.isna(numbers.loc["Matched with a partner", "mentor"])
    chart = figures.public_flow_chart(numbers)
    assert "mentors: enrolled 150, matched with a partner *" in chart.alt
    assert "mentees: enrolled 135, matched with a partner 125" in chart.alt
    assert "rounded to the nearest 5" in chart.caption


def test_styler_tables_get_ids_from_their_place_so_the_same_inputs_give_the_same_page():
    """pandas' Styler names each table with a random id; the page numbers them in order instead (issue 18:
    two runs of make report gave different report.html bytes)."""
    from rm_research.render.notebook import stable_table_ids

    def page() -> str:
        one = tables.styled(pd.DataFrame({"a": [1]})).to_html()
        two = tables.styled(pd.DataFrame({"b": [2]})).to_html()
        return stable_table_ids(one + two)

    first = page()
    assert first == page()
    assert first.count('<table id="T_1"') == 1 and first.count('<table id="T_2"') == 1
    assert "T_1_row0_col0" in first and "T_2_row0_col0" in first


def test_a_national_public_forest_plot_drawn_by_region_reads_each_regions_published_pooled_change():
    """Above 15 cohorts the nation's public page draws regions (issue 18): each row is the region's own
    published pooled change, as its public findings give it; a withheld one is a row without a square."""
    def region(values: dict[str, str]) -> pd.DataFrame:
        return pd.DataFrame([{"measure": "conf_senior", "role": "all", "statistic": s, "value": v, "n": "40"}
                             for s, v in values.items()])

    regions = {"London": region({"k": "3", "pooled_change": "1.2", "pooled_ci_low": "0.4", "pooled_ci_high": "2.0"}),
               "Midlands": region({"k": "3", "pooled_change": "*", "pooled_ci_low": "*", "pooled_ci_high": "*"})}
    rows = tables.public_forest_rows(regions, "conf_senior", "all", tables.POOLED_CHANGE)
    assert rows["cohort"].tolist() == ["London", "Midlands"]
    assert rows.iloc[0][["y", "ci_low", "ci_high"]].tolist() == [1.2, 0.4, 2.0] and rows["n"].tolist() == ["40", "40"]
    assert rows.iloc[1][["y", "ci_low", "ci_high"]].isna().all()
