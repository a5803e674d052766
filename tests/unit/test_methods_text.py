"""The Methods (report and docs/methods.md) state every convention and switch the statistics use."""

from __future__ import annotations

from pathlib import Path

import pytest

from rm_research.core.config import SETTINGS
from rm_research.report import narrative
from rm_research.stats import nonparametric as stats

METHODS_DOC = (Path(__file__).parents[2] / "docs" / "methods.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("text", [narrative.methods_markdown(), METHODS_DOC], ids=["report", "docs"])
def test_methods_state_the_exact_and_approximate_switches(text):
    folded = " ".join(text.split())
    assert f"at most {stats.MANN_WHITNEY_EXACT_MAX_N} people" in folded  # Mann-Whitney exact bound
    assert f"beyond {SETTINGS.exact_max_n}" in folded  # signed-rank exact bound
    assert "normal approximation" in folded
    assert "rho = 1 or -1" in folded  # Spearman: exact p and no interval at perfect order


@pytest.mark.parametrize("text", [narrative.methods_markdown(), METHODS_DOC], ids=["report", "docs"])
def test_methods_state_the_zero_and_bootstrap_conventions(text):
    folded = " ".join(text.split())
    assert "bca.ci" in folded and "strictly below" in folded  # R boot's BCa convention
    assert "wilcox.test" in folded  # Hodges-Lehmann drops zeros as R does
    assert "does not vary" in folded  # ANCOVA blank with a reason


def test_the_key_findings_intro_says_why_nothing_is_attributed_to_the_programme():
    intro = narrative.key_findings_intro()
    assert "no comparison group" in intro and "cannot be attributed to the programme" in intro
    assert "95% confidence interval" in intro and "fewer than 10 people" in intro
    assert "fewer than 12 people" in narrative.key_findings_intro(small_group=12)


@pytest.mark.parametrize("explain", [narrative.before_after_explained, narrative.public_before_after_explained,
                                     narrative.pooled_before_after_explained])
def test_the_board_tables_are_explained_in_plain_words(explain):
    text = explain()
    for words in ("higher at the end", "no clear change", "small group", "95%"):
        assert words in text
    for jargon in ("g_z", "Pratt", "Hodges", "BCa"):
        assert jargon not in text


def test_the_before_after_explanation_names_every_column_of_the_table():
    text = narrative.before_after_explained()
    assert all(f"*{word}*" in text for word in ("People", "Before", "After", "Change", "p", "What this means"))
    assert "Holm" in text and str(SETTINGS.alpha) in text
    assert "* marks a figure withheld" in narrative.public_before_after_explained()


def test_the_methods_say_how_many_psychological_sessions_the_programme_offered():
    assert "psychological sessions attended, 0-4" in narrative.methods_markdown(psych_offered=4)
    text = narrative.methods_markdown(psych_offered=0)
    assert "no psychological sessions were offered" in text and "0-0" not in text
