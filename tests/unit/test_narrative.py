"""The report's fixed wording: the notices a page opens with."""

from __future__ import annotations


def test_only_the_south_east_example_says_it_matches_the_published_figures():
    from rm_research.report.narrative import SYNTHETIC_COLLABORATIVE_NOTICE, SYNTHETIC_NOTICE, synthetic_notice
    from tests.conftest import REPO

    raw = REPO / "data" / "raw"
    assert synthetic_notice((raw / "south-east" / "cohort-1" / "SYNTHETIC").read_text()) == SYNTHETIC_NOTICE
    other = synthetic_notice((raw / "london" / "cohort-1" / "SYNTHETIC").read_text())
    assert other == SYNTHETIC_COLLABORATIVE_NOTICE and "South East" not in other and "SYNTHETIC" in other
