"""The statistic registry: every statistic written is registered, and the registry is coherent."""

from __future__ import annotations

import pytest

from rm_research.findings import registry
from rm_research.findings.cohort import cohort_findings, compute_findings


def test_every_statistic_of_the_example_is_registered(example_findings):
    assert registry.unregistered(example_findings).empty


def test_every_statistic_of_the_hand_made_fixture_is_registered(fixture_cohort):
    assert registry.unregistered(compute_findings(fixture_cohort, "r", 1)).empty


def test_a_producer_cannot_write_a_statistic_the_registry_does_not_declare(fixture_cohort, monkeypatch):
    """A rating row produced under a name the registry does not declare stops the computation."""
    from rm_research.findings import cohort as producing

    real = producing.rating_rows

    def renamed(*args, **kwargs):
        for measure, statistic, value, n in real(*args, **kwargs):
            yield measure, "change_average" if statistic == "change_mean" else statistic, value, n

    monkeypatch.setattr(producing, "rating_rows", renamed)
    with pytest.raises(registry.UnregisteredStatisticError, match="conf_senior/change_average"):
        compute_findings(fixture_cohort, "r", 1)


def test_an_unknown_statistic_is_not_registered():
    assert registry.spec("conf_senior", "made_up") is None
    assert registry.spec("made_up", "mean") is None


@pytest.mark.parametrize(("family", "statistic", "found"), list(registry.entries()))
def test_each_entry_is_coherent(family, statistic, found):
    assert found.kind in registry.KINDS
    assert found.label and found.definition and found.population
    assert found.decimals >= 0 and found.rounding >= 0
    members = registry.FAMILIES.get(family, {})
    for other in (*(found.groups or ()), *((found.at_extreme,) if found.at_extreme else ())):
        assert other in members, f"{statistic} rests on {other}, which its family does not register"
    if found.kind == "mean":
        assert found.scale is not None and found.scale[0] < found.scale[1]
    if found.whole:
        assert found.kind in ("count", "percentage")


def test_labels_are_unique_within_a_family():
    for members in registry.FAMILIES.values():
        labels = [found.label for found in members.values()]
        assert len(labels) == len(set(labels))


def test_rating_items_and_categories_share_their_family():
    assert registry.spec("conf_junior", "pre_mean") is registry.spec("conf_senior", "pre_mean")
    assert registry.spec("areas_of_work", "Communications").kind == "percentage"
    assert registry.spec("theme:boundaries", "Step back").kind == "count"
    assert registry.label("areas_of_work", "Communications") == "Communications"


def test_the_glossary_has_a_row_per_entry_and_says_what_each_is():
    glossary = registry.glossary()
    assert {"Measure", "Statistic", "Label", "Kind", "Definition"} == set(glossary.columns)
    assert glossary.set_index(["Measure", "Statistic"]).loc[("rating", "wilcoxon_p_holm"), "Kind"] == "p value"
    assert len(glossary) == len(glossary.drop_duplicates(["Measure", "Statistic"]))


def test_every_statistic_of_every_example_cohort_is_registered():
    from rm_research.ingest.load import load_cohort
    from tests.conftest import REPO

    folders = sorted((REPO / "data" / "raw").glob("*/cohort-*"))
    assert len(folders) >= 13
    for folder in folders:
        findings = cohort_findings(load_cohort(REPO, folder.parent.name, int(folder.name.split("-")[1])))
        assert registry.unregistered(findings).empty, folder


def test_a_glossary_of_findings_lists_exactly_the_statistics_they_hold(example_findings):
    glossary = registry.glossary(example_findings)
    # every statistic of the example's findings, written out here from the contract's rows and the
    # example's measures: the flow stages, the pre/post family, sessions, yes/no, doses, areas
    shown = set(zip(glossary["Measure"], glossary["Statistic"], strict=True))
    assert ("flow", "enrolled") in shown and ("rating", "wilcoxon_p_holm") in shown
    assert ("areas_of_work", "<category>") in shown and ("psych_sessions", "offered") in shown
    assert ("rating", "pooled_change") not in shown and ("sessions_vs_plan", "planned") not in shown
    expected = {(registry.family(m), "<category>" if registry.family(m) in registry.CATEGORICAL else s)
                for m, s in zip(example_findings["measure"], example_findings["statistic"], strict=True)}
    assert shown == expected


def test_the_paired_means_rest_on_the_people_of_the_change():
    for statistic in ("paired_pre_mean", "paired_post_mean"):
        found = registry.spec("conf_senior", statistic)
        assert (found.kind, found.population, found.scale) == ("mean", "paired", registry.RATING_SCALE)
    assert registry.label("conf_junior", "paired_pre_mean") == "Mean before (same people)"
    assert registry.label("comfort_needs", "paired_post_mean") == "Mean after (same people)"


def test_band_and_the_descriptive_families_are_registered():
    assert registry.spec("band", "Band 8c") is registry.COUNT_OF_ANSWERED
    assert registry.label("band", "VSM") == "VSM"
    assert registry.spec("sessions_vs_plan", "fewer_than_planned").whole
    assert registry.spec("sessions_vs_plan", "planned").kind == "structural"
    assert registry.spec("observations", "symbolic: needs attention").kind == "count"
    assert registry.spec("observations", "symbolic") is None


def test_partitions_and_free_text_categories_are_registered_measures():
    # the audit adds a partition's counts up to its "answered" people; names are hidden only for categories
    for measure in registry.PARTITIONS:
        members = registry.FAMILIES.get(measure, {}).values() or [registry.CATEGORICAL[measure]]
        assert {found.population for found in members} == {"answered"}, measure
    assert registry.FREE_TEXT_CATEGORIES.issubset(registry.CATEGORICAL)
    assert not {"areas_of_work", "ethnic_group"} & registry.FREE_TEXT_CATEGORIES  # the contract's own lists
