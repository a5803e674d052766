"""The Methods (report and docs/methods.md) state every convention and switch the statistics use."""

from __future__ import annotations

from pathlib import Path

import pytest

from rm_research import narrative, stats
from rm_research.config import SETTINGS

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
