"""The report's figures: colours, marks that do not rely on colour, alternative text from the data
(expected texts written from small hand-made tables), numbering and the HTML they are shown in."""

from __future__ import annotations

import math

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from rm_research.report import accessibility as a11y
from rm_research.report import figures
from rm_research.stats.meta import meta_analysis


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


FLOW = pd.DataFrame({"mentor": [3, 2], "mentee": [2, 1], "all": [5, 3]}, index=["Enrolled", "Matched with a partner"],
                    dtype="Int64")
PAIRED = pd.DataFrame({"role": ["mentor"] * 4 + ["mentee"] * 2, "person": [1, 2, 1, 2, 1, 1],
                       "phase": ["Before", "Before", "After", "After", "Before", "After"],
                       "rating": [5.0, 6.0, 7.0, 6.0, 8.0, 7.0]})
SESSIONS = pd.DataFrame({"role": ["mentor", "mentor", "mentee"], "sessions": [2, 4, 3], "people": [1, 2, 1]})
YES_NO = pd.DataFrame({"Question": ["Length right", "Length right", "Missed one"], "Role": ["mentor", "mentee", "mentor"],
                       "Yes": pd.array([3, 1, 0], dtype="Int64"), "Answered": pd.array([4, 2, 4], dtype="Int64")})
CATEGORIES = pd.DataFrame({"category": ["A", "B", "A", "C"], "role": ["mentor", "mentor", "mentee", "mentee"],
                           "count": [2, 1, 1, 3], "n": [4, 4, 5, 5]})
OBSERVATIONS = pd.DataFrame({"level": ["symbolic", "individual", "individual"],
                             "kind": ["needs attention", "good practice", "needs attention"], "count": [2, 4, 1]})
COHORT_FLOW = pd.DataFrame({"cohort_label": ["east 1", "north 1"], "enrolled": [6.0, 4.0], "matched": [5.0, 4.0],
                            "attended_psych": [3.0, math.nan], "completed_end_survey": [4.0, 2.0],
                            "withdrawn": [1.0, 0.0]})


def all_charts() -> dict[str, figures.Chart]:
    result = meta_analysis({"Cohort A": [1, 2, 0, 3, 1], "Cohort B": [0, 1, 1, 2], "Cohort C": [2, 3, 1, 2, 2, 4]})
    return {
        "flow": figures.flow_chart(FLOW),
        "paired": figures.paired_plot(PAIRED, "Confidence"),
        "sessions": figures.sessions_chart(SESSIONS),
        "yes_no": figures.yes_no_chart(YES_NO),
        "forest": figures.forest_plot(result, "Confidence, everyone"),
        "flow_by_cohort": figures.flow_by_cohort_chart(COHORT_FLOW),
        "category": figures.category_chart(CATEGORIES, "how people heard"),
        "observations": figures.observations_chart(OBSERVATIONS),
    }


# colours and marks -------------------------------------------------------------------------------------
MARK_COLOURS = {**{f"role {k}": v for k, v in figures.PALETTE.items()},
                **{f"kind {k}": v for k, v in figures.KIND_COLOURS.items()},
                **{f"stage {k}": v for k, v in figures.STAGE_COLOURS.items()},
                "neutral": figures.NEUTRAL, "reference line": figures.REFERENCE}


@pytest.mark.parametrize("name", sorted(MARK_COLOURS))
def test_every_mark_colour_has_3_to_1_contrast_on_white(name):
    assert a11y.contrast_ratio(MARK_COLOURS[name]) >= 3.0


def test_text_colours_have_4_5_to_1_contrast_on_white():
    assert a11y.contrast_ratio(figures.MUTED_TEXT) >= 4.5
    assert a11y.contrast_ratio(figures.TEXT) >= 4.5
    assert matplotlib.rcParams["text.color"] == figures.TEXT


@pytest.mark.parametrize("kind", sorted(a11y.CVD_MATRICES))
def test_mentor_and_mentee_colours_stay_apart_in_simulated_colour_blindness(kind):
    mentor = a11y.simulate_colour_vision(figures.PALETTE["mentor"], kind)
    mentee = a11y.simulate_colour_vision(figures.PALETTE["mentee"], kind)
    assert a11y.colour_difference(mentor, mentee) > 40  # CIE76; about 2.3 is just noticeable


def test_roles_differ_by_hatch_and_marker_as_well_as_colour():
    for styles in (figures.HATCHES, figures.MARKERS, figures.STAGE_HATCHES, figures.KIND_HATCHES):
        assert len(set(styles.values())) == len(styles)


@pytest.mark.parametrize("name", ["flow", "paired", "sessions", "yes_no", "forest", "flow_by_cohort", "category",
                                  "observations"])
def test_every_figure_passes_the_contrast_check_and_is_deterministic(name):
    chart = all_charts()[name]
    svg = figures.svg_text(chart.figure)
    assert a11y.check_svg(svg) == []
    assert svg == figures.svg_text(all_charts()[name].figure)  # the same data give the same bytes
    assert "<text" not in svg  # text drawn as paths: the same on every machine


@pytest.mark.parametrize("name", ["flow", "paired", "sessions", "yes_no", "forest", "flow_by_cohort", "category",
                                  "observations"])
def test_a_figure_drawn_once_is_byte_for_byte_what_savefig_draws(name):
    # svg_text draws a laid-out figure once; matplotlib's savefig (lay out, then draw) is the reference
    import io

    reference = io.StringIO()
    all_charts()[name].figure.savefig(reference, format="svg", metadata={"Date": None})
    assert figures.svg_text(all_charts()[name].figure) == reference.getvalue()


def test_the_check_would_see_a_mark_in_nhs_orange():
    chart = figures.flow_chart(FLOW)
    chart.figure.axes[0].barh([0], [1], color="#ED8B00")
    assert [v.rule for v in a11y.check_svg(figures.svg_text(chart.figure))] == ["graphic-contrast"]


def bar_labels(chart: figures.Chart, panel: int = 0) -> list[str]:
    return [text.get_text() for text in chart.figure.axes[panel].texts]


def test_bars_are_labelled_directly_with_values_and_roles_and_hatched_by_role():
    chart = figures.flow_chart(FLOW)
    ax = chart.figure.axes[0]
    assert bar_labels(chart) == ["mentors: 3", "2", "mentees: 2", "1"]  # everyone, the sum, is left to the table
    assert ax.get_legend() is None
    assert [bar.get_hatch() for bar in ax.patches] == ["", "", "///", "///"]
    assert [bar.get_width() for bar in ax.patches] == [3, 2, 2, 1]


def test_paired_plot_marks_each_role_with_its_own_marker_and_names_the_panels():
    chart = figures.paired_plot(PAIRED, "Confidence")
    assert [ax.get_title() for ax in chart.figure.axes] == ["Mentors (n=2)", "Mentees (n=1)"]
    assert {line.get_marker() for line in chart.figure.axes[0].lines} == {"o"}
    assert {line.get_marker() for line in chart.figure.axes[1].lines} == {"s"}


def test_sessions_chart_fills_the_numbers_nobody_reported():
    chart = figures.sessions_chart(SESSIONS)
    assert [bar.get_width() for bar in chart.figure.axes[0].patches] == [1, 0, 2, 0, 1, 0]  # 2, 3, 4 sessions
    assert bar_labels(chart) == ["mentors: 1", "0", "2", "mentees: 0", "1", "0"]


def test_yes_no_chart_shows_percentages_with_the_counts():
    chart = figures.yes_no_chart(YES_NO)
    assert [bar.get_width() for bar in chart.figure.axes[0].patches] == [75, 0, 50, 0]
    assert bar_labels(chart) == ["mentors: 75% (3/4)", "0% (0/4)", "mentees: 50% (1/2)", ""]


def test_category_chart_orders_categories_by_count_and_shows_percentages_of_each_roles_answerers():
    chart = figures.category_chart(CATEGORIES, "how people heard")
    ax = chart.figure.axes[0]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["A", "C", "B"]  # 3, 3 (by name), 1
    assert [round(bar.get_width(), 6) for bar in ax.patches] == [50, 0, 25, 20, 60, 0]
    assert bar_labels(chart) == ["mentors (n=4): 50% (2)", "0% (0)", "25% (1)", "mentees (n=5): 20% (1)", "60% (3)",
                                 "0% (0)"]
    counts = figures.category_chart(CATEGORIES, "how people heard", percent=False)
    assert [bar.get_width() for bar in counts.figure.axes[0].patches] == [2, 0, 1, 1, 3, 0]


def test_category_chart_needs_the_contract_columns():
    with pytest.raises(ValueError, match="category, role, count, n"):
        figures.category_chart(CATEGORIES.rename(columns={"count": "people"}), "x")


def test_observations_chart_has_a_panel_per_kind_and_levels_in_the_contracts_order():
    chart = figures.observations_chart(OBSERVATIONS)
    assert [ax.get_title() for ax in chart.figure.axes] == ["Good practice", "Needs attention"]
    assert [t.get_text() for t in chart.figure.axes[0].get_yticklabels()] == ["individual", "symbolic"]
    assert [bar.get_width() for bar in chart.figure.axes[0].patches] == [4, 0]
    assert [bar.get_width() for bar in chart.figure.axes[1].patches] == [1, 2]
    assert chart.figure.axes[1].patches[0].get_hatch() == "///"


def test_flow_by_cohort_chart_has_a_bar_per_stage_labelled_and_unknown_counts_said():
    chart = figures.flow_by_cohort_chart(COHORT_FLOW)
    assert bar_labels(chart) == ["enrolled: 6", "4", "matched: 5", "4", "attended psych. session: 3", "not known",
                                 "completed end survey: 4", "2", "withdrew: 1", "0"]


# alternative text ---------------------------------------------------------------------------------------
def test_alt_texts_state_the_chart_and_its_numbers():
    charts = all_charts()
    assert charts["flow"].alt == ("Bar chart of the participant flow by role. mentors: enrolled 3, matched with a "
                                  "partner 2; mentees: enrolled 2, matched with a partner 1.")
    assert charts["paired"].alt == ("Paired line chart of each person's rating (1-10) before and after: Confidence. "
                                    "mentors (2 people): mean 5.5 before and 6.5 after; 1 rose, 1 did not change, "
                                    "0 fell; mentees (1 person): mean 8 before and 7 after; 0 rose, 0 did not change, "
                                    "1 fell.")
    assert charts["sessions"].alt == ("Bar chart of the number of mentoring sessions people reported, by role. "
                                      "mentors (3 answered): 2 sessions: 1, 4 sessions: 2; mentees (1 answered): "
                                      "3 sessions: 1.")
    assert charts["yes_no"].alt == ("Bar chart of the percentage answering yes, by question and role. Length right: "
                                    "mentors 3 of 4 (75%), mentees 1 of 2 (50%); Missed one: mentors 0 of 4 (0%).")
    assert charts["category"].alt == ("Bar chart of how people heard by role. mentors (4 answered): A 2 (50%), B 1 "
                                      "(25%); mentees (5 answered): C 3 (60%), A 1 (20%).")
    assert charts["observations"].alt == ("Bar charts of the mentors' observations by level, one panel per kind. "
                                          "individual: 4 good practice, 1 needs attention; symbolic: 0 good practice, "
                                          "2 needs attention.")
    assert charts["flow_by_cohort"].alt.startswith("Bar chart of the participant flow of each cohort. east 1: "
                                                   "enrolled 6, matched 5, attended psych. session 3")
    assert "north 1: enrolled 4, matched 4, attended psych. session not known" in charts["flow_by_cohort"].alt


def test_forest_plot_alt_text_gives_each_cohort_and_the_pooled_change():
    result = meta_analysis({"Cohort A": [1, 2, 0, 3, 1], "Cohort B": [0, 1, 1, 2]})
    alt = figures.forest_plot(result, "Confidence, mentors").alt
    assert alt.startswith("Forest plot of the mean change (points, end minus enrolment, with 95% intervals) in "
                          f"Confidence, mentors: pooled over 2 cohorts (n=9) {result.pooled_change:.2f} (")
    assert "Cohort A (n=5) 1.40 (" in alt and "Cohort B (n=4) 1.00 (" in alt  # the mean changes, 7/5 and 4/4
    assert "prediction interval" not in alt  # only from 3 cohorts


def test_long_alt_text_is_cut_at_a_whole_item_and_says_how_many_are_left():
    items = ["one", "two", "a much longer third item"]
    whole = "Chart. one; two; a much longer third item."  # 42 characters
    cut = "Chart. one; two; and 1 more, in the table."  # 42 too
    assert (len(whole), len(cut)) == (42, 42)
    assert figures.capped("Chart.", items, limit=42) == whole
    assert figures.capped("Chart.", ["one", "two", "a much longer third item!"], limit=42) == cut
    assert figures.capped("Chart.", items, limit=41) == "Chart. one; and 2 more, in the table."
    assert figures.capped("Chart.", items, limit=5) == "Chart. one; and 2 more, in the table."  # one is kept
    assert figures.capped("Chart.", []) == "Chart."


def test_category_alt_text_names_the_top_five_categories():
    data = pd.DataFrame({"category": [f"c{i}" for i in range(1, 8)], "role": "mentor", "count": range(1, 8), "n": 28})
    assert figures.category_alt(data, "channels") == ("Bar chart of channels by role. mentors (28 answered): c7 7 "
                                                      "(25%), c6 6 (21%), c5 5 (18%), c4 4 (14%), c3 3 (11%) and 2 "
                                                      "more.")


def test_a_figure_with_nothing_to_show_says_so():
    empty = figures.sessions_chart(SESSIONS.iloc[0:0])
    assert empty.alt == "Mentoring sessions reported: there are no answers to show."
    assert a11y.check_svg(figures.svg_text(empty.figure)) == []


# titles, numbering, HTML --------------------------------------------------------------------------------
def test_titles_default_to_a_description_and_take_a_headline():
    assert figures.flow_chart(FLOW).title == "Participant flow by role"
    assert figures.flow_chart(FLOW, title="Most mentors were matched").title == "Most mentors were matched"
    assert figures.paired_plot(PAIRED, "Confidence").title == "Confidence: before and after"
    assert figures.category_chart(CATEGORIES, "how people heard").title == "How people heard"


def test_numbering_counts_figures_and_tables_separately():
    numbering = figures.Numbering()
    assert numbering.figure("Most were matched") == "Figure 1. Most were matched"
    assert numbering.table("Flow by role") == "Table 1. Flow by role"
    assert numbering.figure("Sessions") == "Figure 2. Sessions"


def test_figure_html_escapes_everything_from_the_data():
    chart = figures.Chart(figures.flow_chart(FLOW).figure, "<b>Title</b>", 'Bars: "<script>x</script>"', "a & b")
    html = figures.figure_html(chart, "Figure 1. <i>x</i>")
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert 'alt="Bars: &quot;&lt;script&gt;x&lt;/script&gt;&quot;"' in html
    assert "<figcaption>Figure 1. &lt;i&gt;x&lt;/i&gt;</figcaption>" in html
    assert '<p class="rm-figure-note">a &amp; b</p>' in html
    assert a11y.check_html(f'<html lang="en"><head><title>R</title></head><body><h1>R</h1>{html}</body></html>') == []


def test_show_displays_the_figure_as_html_numbered_and_frees_it(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda bundle, raw: shown.append((bundle, raw)))
    chart = figures.flow_chart(FLOW, title="Most mentors were matched")
    numbering = figures.Numbering()
    numbering.figure("an earlier figure")
    figures.show(chart, numbering)
    (bundle, raw), = shown
    assert raw and "<figcaption>Figure 2. Most mentors were matched</figcaption>" in bundle["text/html"]
    assert 'src="data:image/svg+xml;base64,' in bundle["text/html"]
    assert bundle["text/plain"] == f"Figure 2. Most mentors were matched\n{chart.alt}"
    assert not plt.fignum_exists(chart.figure.number)


def test_captioned_table_escapes_its_caption():
    styler = figures.captioned(pd.DataFrame({"a": [1]}).style, "Table 1. <b>Flow</b>")
    assert "<caption>Table 1. &lt;b&gt;Flow&lt;/b&gt;</caption>" in styler.to_html()


def test_dollar_signs_in_answers_are_text_not_mathematics():
    # "$$" made matplotlib's mathtext parser raise; "$\alpha$" drew a Greek letter instead of what was typed
    from rm_research.report import figures

    counts = pd.DataFrame({"category": ["Staff bulletin $$", "$\\alpha$ and $5_$6"], "role": ["all", "all"],
                           "count": [3, 2], "n": [5, 5]})
    chart = figures.category_chart(counts, "channel")
    svg = figures.svg_text(chart.figure)  # raised ValueError before
    assert svg.startswith("<?xml")
    labels = [t.get_text() for t in chart.figure.axes[0].get_yticklabels()]
    assert any("$$" in label for label in labels)


def test_pay_bands_keep_the_scales_order_and_percentages_stop_at_100():
    """Issue 18: Figure 3 ordered bands by frequency (8c, 6, 7, 5, 8d) and its axis ran to 120%."""
    bands = ["Band 8c", "Band 6", "Band 7", "Band 5", "Band 8d", "Band 10", "VSM"]
    assert sorted(bands, key=figures.natural_order) == ["Band 5", "Band 6", "Band 7", "Band 8c", "Band 8d", "Band 10",
                                                        "VSM"]
    counts = pd.DataFrame({"category": ["Band 8c", "Band 6", "Band 5"], "role": "mentee", "count": [5, 1, 1],
                           "n": 7})
    chart = figures.category_chart(counts, "band", ordered=True)
    ax = chart.figure.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Band 5", "Band 6", "Band 8c"]
    assert max(ax.get_xticks()) == 100
    plt.close(chart.figure)


def test_an_ethnic_group_headline_speaks_of_each_role_not_both_pooled():
    from rm_research.report.summary import headline_category

    counts = pd.DataFrame({"category": ["Asian", "White", "Asian", "White", "Asian", "White"],
                           "role": ["mentor", "mentor", "mentee", "mentee", "all", "all"],
                           "count": [4, 0, 0, 7, 4, 7], "n": [11, 11, 7, 7, 18, 18]})
    assert headline_category(counts, "ethnic group", by_role=True) == \
        "Ethnic group by role: mentors: most often Asian (4 of 11); mentees: White (7 of 7)"
