"""Disclosure control on a hand-made findings table, every expected cell worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from rm_research.core.config import DisclosureRule
from rm_research.disclosure.control import method_statement as disclosure_statement
from rm_research.disclosure.control import public_findings, round_count, safe_count, suppressed_cells
from rm_research.stats.effects import wilson_interval

ROWS = [  # measure, role, statistic, value, n
    ("flow", "mentor", "enrolled", 25, 25),
    ("flow", "mentee", "enrolled", 3, 3),
    ("flow", "all", "enrolled", 28, 28),
    ("flow", "mentor", "attended_psych", 6, 25),
    ("flow", "mentee", "attended_psych", 3, 3),
    ("flow", "all", "attended_psych", 9, 28),
    ("flow", "mentor", "withdrawn", 0, 25),
    ("psych_supportive", "mentor", "yes_count", 13, 23),
    ("psych_supportive", "mentor", "yes_proportion", 13 / 23, 23),
    ("psych_supportive", "mentor", "wilson_ci_low", 0.37, 23),
    ("conf_senior", "mentor", "pre_mean", 8.25, 12),
    ("conf_senior", "mentee", "pre_mean", 6.0, 3),
    ("conf_senior", "all", "pre_mean", 7.8, 15),
    ("conf_senior", "mentor", "wilcoxon_p", float("nan"), 0),
    ("areas_of_work", "mentor", "People management", 75.0, 12),
    ("areas_of_work", "mentor", "Communications", 25.0, 12),
    ("areas_of_work", "mentor", "Regional oversight", 0.0, 12),
    ("psych_sessions", "all", "offered", 3.0, 28),
]
EXPECTED = [  # value, n as published
    ("25", "25"),       # 25 stays 25 (a multiple of 5)
    ("*", "*"),         # 3: primary suppression
    ("*", "*"),         # secondary: mentors shown, mentees hidden, so the total would reveal them
    ("*", "25"),        # 6 of 25
    ("*", "*"),
    ("10", "*"),        # 9 of 28 -> 10 (neither 9 nor the other 19 is small); its n 28 would give the mentees away
    ("0", "25"),        # 0 stays 0
    ("15", "25"),       # 13 -> 15, 23 -> 25
    ("0.6", "25"),      # from rounded counts: 15 / 25
    (f"{wilson_interval(15, 25)[0]:.2f}", "25"),  # Wilson from the rounded counts, to 2 places
    ("8.3", "10"),      # a mean on 12 people stands, to 1 place (half up) so it cannot give n away
    ("*", "*"),         # a mean on 3 people does not
    ("*", "*"),         # secondary
    ("", "0"),          # nothing to show; an n of 0 stays 0
    ("*", "10"),        # 9 of 12: the 3 who did not tick it are too few (10 of 10 would say "all")
    ("*", "10"),        # 3 of 12
    ("0", "10"),
    ("3.0", "30"),      # sessions offered is not a count of people; its n (28) is
]


@pytest.fixture
def published():
    findings = pd.DataFrame([("r", 1, *row) for row in ROWS],
                            columns=["region", "cohort", "measure", "role", "statistic", "value", "n"])
    return public_findings(findings)


def test_hand_worked_table(published):
    assert list(zip(published["value"], published["n"], strict=True)) == EXPECTED


def test_the_columns_of_the_findings_and_why_each_withheld_value_is(published):
    from rm_research.disclosure.control import WITHHELD_REASONS

    assert list(published.columns) == ["region", "cohort", "measure", "role", "statistic", "value", "n", "withheld"]
    hidden = published["value"] == "*"
    assert set(published.loc[hidden, "withheld"]) <= set(WITHHELD_REASONS)
    assert (published.loc[hidden, "withheld"] != "").all()
    assert (published.loc[~hidden, "withheld"] == "").all()


def test_a_withheld_value_carries_the_reason_that_hid_it():
    """Each rule names itself: a small group's figure 'small', the total beside one hidden role 'secondary',
    a pooling of one hidden cohort 'pooling'; a later step never renames an earlier step's reason."""
    from rm_research.disclosure.control import public_findings, tag_withheld

    findings = frame([("flow", "mentor", "enrolled", 5, 5), ("flow", "mentee", "enrolled", 12, 12),
                      ("flow", "all", "enrolled", 17, 17)])
    published = public_findings(findings).set_index("role")
    assert published.at["mentor", "withheld"] == "small" and published.at["all", "withheld"] == "secondary"
    assert published.at["mentee", "withheld"] == ""
    again = tag_withheld(published.assign(value="*"), "pooling")
    assert list(again["withheld"]) == ["small", "pooling", "secondary"]


def test_counting_suppressed_cells(published):
    assert suppressed_cells(published) == {
        "value": sum(v == "*" for v, _ in EXPECTED), "n": sum(n == "*" for _, n in EXPECTED)}


@pytest.mark.parametrize(("count", "shown"), [(0, "0"), (1, "*"), (7, "*"), (8, "10"), (12, "10"), (13, "15"),
                                              (17, "15"), (18, "20"), (100, "100")])
def test_safe_count(count, shown):
    assert safe_count(count) == shown


def test_thresholds_are_settings():
    rule = DisclosureRule(smallest_shown=10, rounding_base=10, mark="[c]")
    assert safe_count(9, rule) == "[c]"
    assert safe_count(14, rule) == "10" and safe_count(15, rule) == "20"
    assert round_count(23, rule) == 20
    assert "1 to 9" in rule.describe() and "nearest 10" in rule.describe()


def frame(rows):
    return pd.DataFrame([("r", 1, *row) for row in rows],
                        columns=["region", "cohort", "measure", "role", "statistic", "value", "n"])


def test_a_comparison_with_a_small_group_is_hidden_whole():
    # 11 completers and 1 non-completer: the lone person's mean, the completers' mean (overall mean
    # minus it), the test and the effect size would each give that person away
    rows = [("conf_senior", "mentor", "pre_mean", 77 / 12, 12),
            ("conf_senior", "mentor", "completers_pre_mean", 74 / 11, 11),
            ("conf_senior", "mentor", "noncompleters_pre_mean", 3.0, 1),
            ("conf_senior", "mentor", "attrition_mwu_p", 0.17, 12),
            ("conf_senior", "mentor", "attrition_rank_biserial", 1.0, 12)]
    assert public_findings(frame(rows))["value"].tolist() == ["6.4", "*", "*", "*", "*"]


def test_a_comparison_with_an_empty_group_is_hidden():
    # 3 mentors, all completers: the completers' mean is everyone's, whose n of 3 hides it
    rows = [("conf_senior", "mentor", "pre_mean", 8.0, 3),
            ("conf_senior", "mentor", "completers_pre_mean", 8.0, 3),
            ("conf_senior", "mentor", "noncompleters_pre_mean", float("nan"), 0)]
    assert public_findings(frame(rows))["value"].tolist()[:2] == ["*", "*"]


def test_extremes_shared_by_few_are_hidden_and_size_revealing_values_always():
    rows = [("sessions_reported", "mentor", "min", 2.0, 12), ("sessions_reported", "mentor", "max", 6.0, 12),
            ("sessions_reported", "mentor", "count_at_min", 1.0, 12),
            ("sessions_reported", "mentor", "count_at_max", 9.0, 12),
            ("conf_senior", "mentor", "wilcoxon_min_p", 2 / 2**9, 12), ("conf_senior", "mentor", "hl_level", 0.958, 12)]
    # 9 of 12 at the most: the other 3 are too few, so the count is hidden (the most, 6, still stands)
    assert public_findings(frame(rows))["value"].tolist() == ["*", "6.0", "*", "*", "*", "*"]


def test_a_role_without_a_row_still_protects_its_people_in_the_total():
    # mentees all attended, so they have no attender/non-attender rows; everyone's figure includes
    # them (n 12 against the mentors' 9): shown beside the mentors' it would give the mentees away
    rows = [("psych_attendance", "mentor", "attenders_change_mean", 1.0, 9),
            ("psych_attendance", "mentor", "nonattenders_change_mean", 0.5, 8),
            ("psych_attendance", "all", "attenders_change_mean", 1.1, 12),
            ("psych_attendance", "all", "nonattenders_change_mean", 0.5, 8)]
    published = public_findings(frame(rows))
    assert published["value"].tolist() == ["1.0", "0.5", "*", "0.5"]
    assert published["n"].tolist() == ["10", "10", "*", "10"]


def test_a_paired_statistic_named_like_a_comparison_is_judged_on_its_own_n():
    rows = [("conf_senior", "mentor", "rank_biserial", 1.0, 7), ("conf_junior", "mentor", "rank_biserial", 1.0, 9)]
    assert public_findings(frame(rows))["value"].tolist() == ["*", "1.0"]


def test_nine_of_ten_is_not_published_as_ten_of_ten():
    # main printed "10 of 10, 1.00" for 9 of 10: the one who said no is too few to show, and a share
    # discloses both groups, so the count, the share and its interval are all hidden
    rows = [("psych_supportive", "mentor", "yes_count", 9, 10), ("psych_supportive", "mentor", "yes_proportion", 0.9, 10),
            ("psych_supportive", "mentor", "wilson_ci_low", 0.6, 10),
            ("psych_supportive", "mentor", "wilson_ci_high", 0.98, 10)]
    assert public_findings(frame(rows))["value"].tolist() == ["*", "*", "*", "*"]


@pytest.mark.parametrize("n", range(0, 41))
def test_no_shown_share_says_all_or_none_unless_it_is_true(n):
    for yes in range(n + 1):
        rows = [("missed_any", "mentor", "yes_count", yes, n), ("missed_any", "mentor", "yes_proportion", yes / n if n else
                                                                float("nan"), n),
                ("areas_of_work", "mentor", "Communications", 100 * yes / n if n else float("nan"), n)]
        count, share, percent = public_findings(frame(rows))["value"].tolist()
        shown_n = safe_count(n)
        if count not in ("*", ""):
            assert (count == shown_n) == (yes == n) and (count == "0") == (yes == 0), (yes, n, count)
        if share not in ("*", ""):
            assert (float(share) == 1) == (yes == n) and (float(share) == 0) == (yes == 0), (yes, n, share)
        if percent not in ("*", ""):
            assert (float(percent) == 100) == (yes == n) and (float(percent) == 0) == (yes == 0), (yes, n, percent)


def test_an_unregistered_statistic_is_suppressed():
    # a new count of 3 that no one registered would have been published as "3.0" on main
    published = public_findings(frame([("new_measure", "mentor", "new_count", 3.0, 20)]))
    assert published["value"].tolist() == ["*"]


def test_public_p_values_are_the_holm_adjusted_ones_the_internal_report_shows():
    from rm_research.disclosure import control as disclosure

    safe = frame([("conf_senior", "all", "wilcoxon_p", 0.031, 12), ("conf_senior", "all", "wilcoxon_p_holm", 0.094, 12)])
    table = disclosure.public_table(public_findings(safe), {"conf_senior": "Confidence"},
                                    disclosure.PUBLIC_PREPOST_STATISTICS)
    assert table.filter(like="Wilcoxon").iloc[0].tolist() == ["0.094"]


def test_the_method_statement_counts_what_was_hidden():
    safe = frame([("flow", "mentor", "enrolled", 3, 3), ("flow", "mentee", "enrolled", 12, 12)]).assign(
        value=["*", "10"], n=["*", "10"])
    text = disclosure_statement(safe)
    assert text.startswith("Counts of 1 to 7 are shown as *")
    assert text.endswith("In this summary 1 figures and 1 group sizes are suppressed.") and "1-7" in text


HEARD = [  # mentors 20 answered: 12, 6, 2; mentees 12: 8, 4, 0; everyone 32: 20, 10, 2
    ("heard_via", "mentor", "EDI network", 60.0, 20), ("heard_via", "mentor", "Colleague", 30.0, 20),
    ("heard_via", "mentor", "Dr Smith told me", 10.0, 20),
    ("heard_via", "mentee", "EDI network", 800 / 12, 12), ("heard_via", "mentee", "Colleague", 400 / 12, 12),
    ("heard_via", "mentee", "Dr Smith told me", 0.0, 12),
    ("heard_via", "all", "EDI network", 62.5, 32), ("heard_via", "all", "Colleague", 31.25, 32),
    ("heard_via", "all", "Dr Smith told me", 6.25, 32),
]


def test_a_free_text_category_few_people_gave_is_published_without_its_name():
    from rm_research.disclosure.categories import SUPPRESSED_CATEGORY
    from rm_research.disclosure.differencing import audit

    findings = frame(HEARD)
    published = public_findings(findings)
    # 2 people wrote "Dr Smith told me": its name goes in every role, and its counts are hidden (2)
    # or nothing (the mentees' 0)
    assert published.loc[[2, 5, 8], "statistic"].tolist() == [SUPPRESSED_CATEGORY] * 3
    assert published.loc[[2, 5, 8], "value"].tolist() == ["*", "0", "*"]
    assert not published.astype(str).apply(lambda col: col.str.contains("Smith")).any().any()
    # 10 people heard from a colleague: a name shared by that many identifies no one, so it stays even
    # where its count is hidden (the mentees' 4)
    assert published.loc[[1, 4, 7], "statistic"].tolist() == ["Colleague"] * 3
    assert published.at[4, "value"] == "*"
    assert audit(findings, published) == []  # renaming changes no value the audit reads


def test_the_threshold_for_a_name_is_the_smallest_count_shown():
    from rm_research.disclosure.categories import SUPPRESSED_CATEGORY

    # no row for everyone: the roles' counts are added. A: 5 + 3 = 8 people; B: 4 + 3 = 7
    rows = [("resources_needed", role, category, count, 20) for role, category, count in
            [("mentor", "A", 5), ("mentor", "B", 4), ("mentee", "A", 3), ("mentee", "B", 3)]]
    published = public_findings(frame(rows))
    assert published["statistic"].tolist() == ["A", SUPPRESSED_CATEGORY, "A", SUPPRESSED_CATEGORY]
    strict = DisclosureRule(smallest_shown=9)
    assert public_findings(frame(rows), strict)["statistic"].tolist() == [SUPPRESSED_CATEGORY] * 4


def test_names_from_the_contract_lists_are_never_withheld():
    # every group listed, as the findings list them: each person who answered is in one
    groups = {"Asian": 9, "Black": 10, "Mixed": 1, "White": 0, "Other": 0, "Prefer not to say": 0}
    rows = [("ethnic_group", "mentor", group, float(count), 20) for group, count in groups.items()]
    published = public_findings(frame([*rows, ("areas_of_work", "mentor", "Regional oversight", 5.0, 20)]))
    assert published["statistic"].tolist() == [*groups, "Regional oversight"]
    assert published["value"].tolist()[2] == "*" and published["value"].tolist()[-1] == "*"


def test_the_public_category_table_gathers_the_withheld_names_in_one_row():
    from rm_research.disclosure.control import public_category_table

    table = public_category_table(public_findings(frame(HEARD)), "heard_via", "Channel")
    assert list(table.columns) == ["Channel", "Mentors", "Mentees", "Everyone"]
    assert table["Channel"].tolist() == ["EDI network", "Colleague", "Other answers, each given by fewer than 8 people",
                                         "Answered"]
    assert table.iloc[2, 1:].tolist() == ["*", "0.0", "*"]  # the merged row is one percentage, shown as percentages are


def test_rare_single_answers_are_merged_before_the_audit_so_it_can_protect_them():
    # 11 mentors all gave one channel; 7 mentees each gave a different one: seven hidden cells adding up
    # to a hidden total could each only be 1. Merged into one row, they are one hidden count (7).
    from rm_research.disclosure.categories import SUPPRESSED_CATEGORY, merge_rare_categories

    rows = [("heard_via", "mentor", "Colleague", 100.0, 11), ("heard_via", "mentee", "Colleague", 0.0, 7),
            ("heard_via", "all", "Colleague", 1100 / 18, 18)]
    for k in range(7):
        rows += [("heard_via", "mentor", f"Channel {k}", 0.0, 11), ("heard_via", "mentee", f"Channel {k}", 100 / 7, 7),
                 ("heard_via", "all", f"Channel {k}", 100 / 18, 18)]
    merged = merge_rare_categories(frame(rows))
    other = merged[merged["statistic"] == SUPPRESSED_CATEGORY].set_index("role")["value"]
    assert other.to_dict() == pytest.approx({"mentor": 0.0, "mentee": 100.0, "all": 700 / 18})
    published = public_findings(frame(rows))  # before the merge this raised "did not converge"
    assert not published["statistic"].str.startswith("Channel").any()


# --- a pooled figure never gives away what a cohort's own public table hides (issue 17) ---------------------

@pytest.fixture(scope="module")
def london():
    """The SYNTHETIC London region's first two cohorts (as it was before its third): only the first offered
    psychological sessions."""
    from rm_research.findings.level import level_results, person_table
    from rm_research.ingest.load import load_level
    from tests.conftest import REPO

    return level_results(person_table(load_level(REPO, "london", [("london", 1), ("london", 2)])), "london")


def _cells(safe: pd.DataFrame, measure: str, role: str, statistics: list[str]) -> list[str]:
    rows = safe[(safe["measure"] == measure) & (safe["role"] == role)].set_index("statistic")
    return [str(rows.at[s, "value"]) for s in statistics]


def test_a_pooled_dose_model_resting_on_one_cohort_is_hidden_with_its_n(london):
    """London's psychological-sessions ANCOVA pools cohort 1 alone (cohort 2 offered none): with cohort fixed
    effects it is cohort 1's own model, so the region may not publish it, nor the people it rests on."""
    from rm_research.disclosure.control import POOLED_MODEL_STATISTICS, public_level_findings

    assert {fixed["cohorts"] for (measure, _), (fixed, _) in london.fits.items() if measure == "psych_effect"} == {1}
    safe = public_level_findings(london)
    models = safe[(safe["measure"] == "psych_effect") & safe["statistic"].isin(POOLED_MODEL_STATISTICS)]
    fixed = models["statistic"].str.startswith("pooled_ancova_")
    assert fixed.any() and set(models.loc[fixed, "value"]) == {"*"} and set(models["n"]) == {"*"}
    # the mixed model is not fitted from fewer than 5 cohorts, which the region's 2 say: blank, not withheld
    assert set(models.loc[~fixed, "value"]) == {""}
    shown = safe[(safe["measure"] == "attendance_effect") & (safe["statistic"] == "pooled_ancova_slope")]
    assert (shown["value"] != "*").any()  # two cohorts pooled: the mentoring model stays


def test_a_cohort_change_hidden_for_any_reason_hides_a_pooling_of_two(london):
    """A pooling of two cohorts with one cohort's change hidden (whatever hid it: secondary suppression, the
    cross-level audit) would give that change back from the pooled change, its interval, tau² and I²."""
    from rm_research.disclosure.control import INVERTIBLE_POOLED, public_level_findings

    pooled = [key for key, result in london.analyses.items() if len(result.cohorts) == 2
              and min(c.n for c in result.cohorts) >= 8]
    assert pooled, "London has an item and role pooled over two cohorts of 8 or more"
    item, role = pooled[0]
    statistics = ["pooled_change", "pooled_ci_low", "tau2", "i2"]
    assert "*" not in _cells(public_level_findings(london), item, role, statistics)
    hidden = {("London, cohort 1", item, role)}
    safe = public_level_findings(london, hidden_changes=hidden)
    assert set(_cells(safe, item, role, statistics)) == {"*"}
    assert set(INVERTIBLE_POOLED) >= set(statistics)
    # and the people paired: less the other cohort's published n, it would be the hidden cohort's
    family = safe[(safe["measure"] == item) & (safe["role"] == role) & safe["statistic"].isin(["k", *statistics])]
    assert set(family["n"]) == {"*"} and family.loc[family["statistic"] == "k", "value"].item() == "2.0"


def test_a_member_cohort_with_no_public_table_counts_as_hiding_every_change(tmp_path):
    from rm_research.core import config
    from rm_research.disclosure.control import ANY, members_hidden

    hidden, rows = members_hidden([("london", 1, tmp_path / "absent.csv")])
    assert hidden == {("London, cohort 1", item, role) for item in config.RATING_ITEMS
                      for role in (*config.ROLES, config.ALL_ROLES)}
    assert rows == {("London, cohort 1", ANY, ANY, ANY)}


def test_after_the_audit_hides_a_cohort_change_its_region_hides_the_pooling(london):
    """The cross-level audit may hide a cohort's change after its region was published; the region's
    pooling of that cohort and one other is then hidden too (``hierarchy.pooling_after_audit``)."""
    from rm_research.disclosure.control import public_level_findings
    from rm_research.disclosure.differencing import Level
    from rm_research.disclosure.hierarchy import pooling_after_audit
    from rm_research.findings.level import pooled_labels

    item, role = next(key for key, r in london.analyses.items() if len(r.cohorts) == 2
                      and min(c.n for c in r.cohorts) >= 8)
    cohort = pd.DataFrame({"region": ["london"], "cohort": ["1"], "measure": [item], "role": [role],
                           "statistic": ["change_mean"], "value": ["1.5"], "n": ["10"]})
    region = Level("london", None, london.findings, public_level_findings(london), pooled_labels(london.analyses))
    levels = [Level("london/1", "london", cohort, cohort), region]
    assert pooling_after_audit(levels, {}) == {}
    more = pooling_after_audit(levels, {"london/1": cohort.assign(value="*")})
    assert set(_cells(more["london"], item, role, ["pooled_change", "tau2"])) == {"*"}


def test_a_withheld_share_is_given_as_a_safe_band_by_its_definition():
    """Bands in the style of official statistics: with the rest of the group 1-7 and the rounded n 80 (so at
    least 78 people), the share is at least 1 - 7/78 = 91%: "90% or more"; with the part 1-7, at most 9%:
    "10% or less". Bands that say little ("60% or more" is given, "10% or more" is not) and reasons that
    give no bound (another figure protected) give none."""
    from rm_research.disclosure.control import share_band

    assert share_band("small_rest", 80) == "90% or more" and share_band("small", 80) == "10% or less"
    assert share_band("small_rest", 20) == "60% or more" and share_band("small_rest", 10) == ""
    assert share_band("small", 10) == "" and share_band("secondary", 80) == "" and share_band("small", float("nan")) == ""


@pytest.mark.parametrize("n", [8, 12, 19, 33, 80, 121])
def test_every_band_a_public_table_shows_is_true(n):
    """For every count of yes answers of n, the public yes/no table's count and share cells are the published
    figures or bands, and a band always holds for the true count and share."""
    from rm_research.disclosure.control import PUBLIC_YES_NO_STATISTICS, public_table

    bands = 0
    for yes in range(n + 1):
        rows = [("missed_any", role, statistic, value, total) for role, part, total in
                (("mentor", yes, n), ("mentee", n, n), ("all", yes + n, 2 * n))
                for statistic, value in (("yes_count", part), ("yes_proportion", part / total),
                                         ("wilson_ci_low", 0.0), ("wilson_ci_high", 1.0))]
        table = public_table(public_findings(frame(rows)), {"missed_any": "Missed"}, PUBLIC_YES_NO_STATISTICS)
        count = str(table.loc[table["Role"] == "Mentors"].iloc[0, 1])
        if count == "1-7":
            assert 1 <= yes <= 7, (yes, n)
        elif count.endswith(" or more"):
            assert yes >= int(count.split()[0]), (yes, n, count)
        cell = str(table.loc[table["Role"] == "Mentors"].iloc[0, 2])
        if cell.endswith("% or more"):
            assert yes / n >= int(cell.split("%")[0]) / 100, (yes, n, cell)
        elif cell.endswith("% or less"):
            assert yes / n <= int(cell.split("%")[0]) / 100, (yes, n, cell)
        bands += cell.endswith(("% or more", "% or less"))
    assert bands >= (14 if n >= 33 else 0)  # each side's 7 withheld counts get a band once n allows one


def test_the_method_statement_gives_the_reasons_with_their_counts():
    from rm_research.disclosure.control import WITHHELD_REASONS

    safe = frame([("flow", "mentor", "enrolled", 3, 3), ("flow", "mentee", "enrolled", 12, 12),
                  ("flow", "all", "enrolled", 15, 15)]).assign(value=["*", "10", "*"], n=["*", "10", "*"],
                                                               withheld=["small", "", "secondary"])
    text = disclosure_statement(safe)
    assert text.endswith(f"In this summary 2 figures and 2 group sizes are suppressed, for these reasons (figures): "
                         f"{WITHHELD_REASONS['small']} (1); {WITHHELD_REASONS['secondary']} (1).")


def test_a_statistic_the_audit_does_not_model_goes_for_everyone_when_the_audit_hides_a_roles(monkeypatch):
    """Fail closed: the audit holds counts and means as constraints, not p-values or effect sizes. When it
    hides one role's p-value, everyone's is hidden too, since with one role's known it would give the
    other's back; a mean it models is left to the audit."""
    from rm_research.disclosure import control
    from rm_research.disclosure.control import is_modelled

    assert is_modelled("conf_senior", "change_mean") and is_modelled("flow", "enrolled")
    assert is_modelled("missed_any", "wilson_ci_low")
    assert not is_modelled("conf_senior", "wilcoxon_p") and not is_modelled("conf_senior", "hedges_g_z")
    rows = [("conf_senior", role, statistic, value, n) for role, n in (("mentor", 10), ("mentee", 12), ("all", 22))
            for statistic, value in (("wilcoxon_p", 0.02), ("change_mean", 1.0))]
    real = control.protect

    def hides_the_mentors(findings, safe, rule, reveal=None):
        out = real(findings, safe, rule, reveal=reveal)
        out.loc[findings["role"] == "mentor", "value"] = "*"
        return out

    monkeypatch.setattr(control, "protect", hides_the_mentors)
    published = control.public_findings(frame(rows)).set_index(["role", "statistic"])["value"]
    assert published[("all", "wilcoxon_p")] == "*" and published[("mentee", "wilcoxon_p")] != "*"
    assert published[("all", "change_mean")] != "*"


def test_a_withheld_count_is_given_as_a_safe_band_by_its_definition():
    """A count withheld as small itself is 1-7; one whose rest of a group of at least 33 (a shown 35) is
    1-7 is 26 or more; a reason that bounds nothing, or a hidden group, gives no band."""
    from rm_research.disclosure.control import count_band

    assert count_band("small", 35) == "1-7" and count_band("small_rest", 35) == "26 or more"
    assert count_band("small_rest", 10) == "" and count_band("secondary", 35) == ""
    assert count_band("small", float("nan")) == ""


@pytest.fixture(scope="module")
def nation():
    """The SYNTHETIC collaborative's national results: 21 cohorts, 0 to 4 psychological sessions offered."""
    from rm_research.findings.level import level_results, person_table
    from rm_research.ingest.load import load_level
    from tests.conftest import REPO

    return level_results(person_table(load_level(REPO, "national")), "national")


def test_a_meta_regression_over_any_hidden_cohort_is_hidden_and_the_judgements_follow_the_pooling(nation):
    """Issue 19: a meta-regression fits every pooled cohort's own change, so one hidden cohort hides it (and
    its n); the pooled figures and the judgements made from them (the certainty, the people a new cohort
    needs) go too, however many are hidden: small hidden cohorts are solved by exhaustive search."""
    from rm_research.core.config import DisclosureRule
    from rm_research.disclosure.control import INVERTIBLE_POOLED, public_level_findings
    from rm_research.findings.evidence import FITTED_STATISTICS, JUDGEMENT_STATISTICS

    rule = DisclosureRule(smallest_shown=2)  # no cohort is too small here: only the ones named are hidden
    item, role = "conf_senior", "mentee"
    labels = [c.cohort for c in nation.analyses[(item, role)].cohorts]
    fitted = ["moderator_psych_slope", "moderator_psych_ci_low", "moderator_psych_tau2", "trend_slope", "egger_p",
              "between_regions_p"]
    judged = ["certainty", "certainty_imprecision", "pairs_needed", "optimal_information_size"]
    assert set(fitted) <= set(FITTED_STATISTICS) and set(judged) <= set(JUDGEMENT_STATISTICS) <= set(INVERTIBLE_POOLED)
    shown = public_level_findings(nation, rule)
    assert "*" not in _cells(shown, item, role, fitted + judged)
    for hidden, judgements_hidden in ((labels[:1], True), (labels[:2], True), (labels[:3], True), (labels[:9], True)):
        safe = public_level_findings(nation, rule, hidden_changes={(label, item, role) for label in hidden})
        rows = safe[(safe["measure"] == item) & (safe["role"] == role)].set_index("statistic")
        assert set(_cells(safe, item, role, fitted)) == {"*"} and set(rows.loc[fitted, "n"]) == {"*"}
        assert set(rows.loc[fitted, "withheld"]) <= {"fits_hidden", "pooling"}
        assert (set(_cells(safe, item, role, judged)) == {"*"}) is judgements_hidden
        assert (set(rows.loc[judged, "n"]) == {"*"}) is judgements_hidden
    # another item and role, whose cohorts are all shown, keeps its meta-regression
    safe = public_level_findings(nation, rule, hidden_changes={(labels[0], item, role)})
    assert "*" not in _cells(safe, "comfort_needs", "mentor", fitted)


def test_after_the_audit_hides_cohort_changes_the_meta_regressions_over_them_go_too(nation):
    """The reviewer's case: the cross-level audit hides a cohort's change after its level was published;
    every meta-regression over that cohort is then withheld with its n (``control.hide_over_hidden``, the
    rule a publish applies too), and so does the pooled change, however many are hidden."""
    from rm_research.core.config import DisclosureRule
    from rm_research.disclosure.control import public_level_findings
    from rm_research.disclosure.differencing import Level
    from rm_research.disclosure.hierarchy import pooling_after_audit
    from rm_research.findings.level import pooled_labels

    rule = DisclosureRule(smallest_shown=2)
    item, role = "conf_senior", "mentee"
    labels = [c.cohort for c in nation.analyses[(item, role)].cohorts][:3]
    level = Level("national", None, nation.findings, public_level_findings(nation, rule),
                  pooled_labels(nation.analyses))
    fitted = ["moderator_psych_slope", "moderator_psych_p", "trend_slope", "egger_p", "between_regions_p"]
    assert "*" not in _cells(level.safe, item, role, fitted)
    where = nation.people.groupby("cohort_label")[["region", "cohort"]].first()
    for hidden in (labels[:1], labels):
        cohorts, protected = [], {}
        for label in hidden:
            region, number = where.at[label, "region"], int(where.at[label, "cohort"])
            table = pd.DataFrame({"region": [region], "cohort": [str(number)], "measure": [item], "role": [role],
                                  "statistic": ["change_mean"], "value": ["1.5"], "n": ["10"]})
            unit = f"{region}/{number}"
            cohorts.append(Level(unit, "national", table, table))
            protected[unit] = table.assign(value="*")
        more = pooling_after_audit([*cohorts, level], protected, rule)
        assert set(_cells(more["national"], item, role, fitted)) == {"*"}, hidden
        rows = more["national"][(more["national"]["measure"] == item) & (more["national"]["role"] == role)]
        assert set(rows.loc[rows["statistic"].isin(fitted), "n"]) == {"*"}
        assert _cells(more["national"], item, role, ["pooled_change"]) == ["*"]


def test_a_section_8_figure_over_a_cohort_withholding_its_own_is_withheld_with_its_n(london):
    """A level computes section 8's rows over all its cohorts' people: its mean rank (or follow-up mean, or
    team change) times its n, less the other cohort's published one, is the hidden cohort's sum. So where a
    cohort withholds a row, the level withholds it too, value and n; a cohort not yet published counts as
    withholding every row; the session topics rest on no one and stay."""
    from rm_research.disclosure.control import ANY, hide_people_over_hidden, public_level_findings
    from rm_research.findings import instruments

    shown = public_level_findings(london)
    people_rows = [(m, r, s) for m, r, s, v in zip(shown["measure"], shown["role"], shown["statistic"],
                                                    shown["value"], strict=True)
                   if instruments.about_people(m, s) and v not in ("", "*")]
    assert len(people_rows) >= 10, "London publishes section 8 figures when no cohort withholds its own"
    measure, role, statistic = people_rows[0]
    hidden = {("London, cohort 2", measure, role, statistic)}
    safe = public_level_findings(london, hidden_rows=hidden)
    row = safe[(safe["measure"] == measure) & (safe["role"] == role) & (safe["statistic"] == statistic)].iloc[0]
    assert (row["value"], row["n"], row["withheld"]) == ("*", "*", "pooled_people")
    others = safe[[(m, r, s) in people_rows[1:] for m, r, s in zip(safe["measure"], safe["role"], safe["statistic"],
                                                                     strict=True)]]
    assert (others["value"] != "*").all()
    # a cohort of another region withholding the row says nothing about London's
    assert public_level_findings(london, hidden_rows={("Midlands, cohort 1", measure, role, statistic)}).equals(shown)
    closed = hide_people_over_hidden(shown, {"London, cohort 1", "London, cohort 2"},
                                     {("London, cohort 1", ANY, ANY, ANY)})
    about_people = pd.Series([instruments.about_people(m, s) for m, s in zip(closed["measure"], closed["statistic"],
                                                                             strict=True)], index=closed.index)
    assert set(closed.loc[about_people & (shown["value"] != ""), "value"]) == {"*"}
    topics = closed[closed["measure"] == "psych_topic"]
    assert not topics.empty and topics["value"].equals(shown.loc[topics.index, "value"])


def test_hidden_rows_are_read_from_the_cohorts_public_findings():
    from rm_research.disclosure.control import hidden_rows_of

    table = pd.DataFrame({"region": ["london"] * 4, "cohort": [2] * 4,
                          "measure": ["benefit_rank", "benefit_rank", "psych_topic", "conf_senior"],
                          "role": ["mentor", "mentee", "all", "all"],
                          "statistic": ["retention", "retention", "Power dynamics", "followup_mean"],
                          "value": ["*", "3.1", "*", "6.0"], "n": ["*", "10", "*", "*"]})
    assert hidden_rows_of([table]) == {("London, cohort 2", "benefit_rank", "mentor", "retention"),
                                       ("London, cohort 2", "conf_senior", "all", "followup_mean")}


def test_the_session_topics_rest_on_no_one_and_are_shown_as_they_are_in_every_table(london):
    """A region's topic count is the sum of its cohorts' (sessions, not people): a cohort hiding its own
    would be undone by the region's total less the others'. So no table hides them, nor their n."""
    from rm_research.disclosure.control import public_findings, public_level_findings

    cohort = london.findings.assign(region="london", cohort=1)
    findings = cohort[cohort["measure"] == "psych_topic"]
    assert not findings.empty and (findings["n"] < 8).all()  # fewer sessions than the smallest group shown
    for safe in (public_findings(london.findings), public_level_findings(london)):
        topics = safe[safe["measure"] == "psych_topic"]
        assert not topics.empty and "*" not in set(topics["value"]) | set(topics["n"])
        assert set(topics["withheld"]) == {""}


def test_the_differencing_audit_leaves_the_session_topics_out(london):
    """The audit constrains people; a topic's count is of sessions, so no audit may hide it (the cross-level
    audit once hid a cohort's topics, which its region's counts less the other cohort's gave back anyway)."""
    from rm_research.disclosure.control import public_findings
    from rm_research.disclosure.differencing import Audit

    audit = Audit(london.findings, public_findings(london.findings))
    assert (london.findings["measure"] == "psych_topic").any()
    assert not any(key[2] == "psych_topic" for key in audit.model.index)


def test_widening_to_protect_a_pinned_cell_never_hides_the_session_topics():
    """The audit's last resort hides every shown cell of a table: but not the topics, which rest on sessions,
    not people (a region's counts less its other cohorts' would give them back)."""
    from rm_research.disclosure.differencing import Pinned, _widen

    findings = pd.DataFrame({"region": "r", "cohort": 1, "measure": ["flow", "flow", "psych_topic"],
                             "role": ["mentor", "all", "all"], "statistic": ["enrolled", "enrolled", "Guilt"],
                             "value": [12.0, 20.0, 2.0], "n": [12.0, 20.0, 3.0]})
    safe = findings.astype({"value": str, "n": str}).assign(value=["*", "20", "2.0"], n=["*", "20", "3"])
    for _ in range(6):
        _widen(findings, safe, Pinned(0, "value", 12.0), DisclosureRule())
    assert list(safe["value"]) == ["*", "*", "2.0"] and list(safe["n"]) == ["*", "*", "3"]
