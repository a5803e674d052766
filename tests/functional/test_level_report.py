"""A region's and the national report, rendered for small hand-made cohorts in a scratch project."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from rm_research.core.problems import DataError
from rm_research.findings.table import FINDINGS_COLUMNS
from rm_research.run.level import run_level_report
from tests.helpers import visible_text
from tests.unit.test_pooling import make_collaborative

pytestmark = pytest.mark.slow

#: Six cohorts in three regions, one of them with a single cohort; one programme offered no
#: psychological sessions.
COHORTS = {
    ("east", 1): (6, 5, 1.0, 3),
    ("north", 1): (1, 4, 1.5, 3),
    ("north", 2): (2, 6, 0.5, 2),
    ("north", 3): (3, 3, 2.5, 0),
    ("south", 1): (4, 5, 1.0, 4),
    ("south", 2): (5, 7, 0.0, 3),
}
HOSTILE = '<script>alert("x")</script>'


def scratch_project(root: Path) -> Path:
    make_collaborative(root, COHORTS)
    settings = root / "data" / "raw" / "south" / "cohort-1" / "programme.toml"
    settings.write_text(f"programme = '{HOSTILE}'\npsych_sessions_offered = 4\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    root = scratch_project(tmp_path_factory.mktemp("levels"))
    run_level_report(root, "national")
    run_level_report(root, "north")
    run_level_report(root, "east")
    return root


def page(root: Path, level: str) -> str:
    return (root / "reports" / level / "report.html").read_text(encoding="utf-8")


def test_findings_are_written_for_the_region_and_the_nation(rendered):
    for level in ("national", "north"):
        findings = pd.read_csv(rendered / "reports" / level / "findings.csv")
        assert list(findings.columns) == FINDINGS_COLUMNS
        assert set(findings["region"]) == {level} and set(findings["cohort"]) == {"all"}
    north = pd.read_csv(rendered / "reports" / "north" / "findings.csv")
    k = north[(north["measure"] == "conf_senior") & (north["role"] == "all") & (north["statistic"] == "k")]
    assert k["value"].iloc[0] == 3


def test_the_report_has_every_section_and_a_forest_plot_per_item_and_role(rendered):
    text = visible_text(page(rendered, "national"))
    for heading in ("Participant flow by region and cohort", "Confidence before and after the programme, pooled",
                    "Forest plots", "Cohorts left out of the pooling", "Psychological sessions attended",
                    "Attendance and psychological input, pooled", "Evidence for the next decision",
                    "Does offering psychological sessions go with a larger change?", "Is the programme improving?",
                    "How sure are we?", "How big must the next cohort be?", "Do the regions differ?",
                    "Data and provenance"):
        assert heading in text
    assert "variation between cohorts beyond chance" in text
    assert "sensitivity analysis only" in text  # five cohorts: the mixed model and its caveat
    images = re.findall(r'<img [^>]*src="data:image/svg\+xml;base64,', page(rendered, "national"))
    # the summary's chart, the flow, and conf_senior x 3 roles, conf_junior (asked of mentees) and comfort_needs
    # (of mentors) once each: everyone's forest plot of a question one role was asked would repeat that role's;
    # then the evidence (issue 19), each for conf_senior by role (mentors, mentees): the bubble plot on sessions
    # offered, the cumulative forest plot and (5 cohorts: not drawn by region above) the forest plot by region
    assert len(images) == 1 + 1 + 3 + 1 + 1 + 2 + 2 + 2
    assert "the same as for the mentees, the only role who answered this question" in text
    north = visible_text(page(rendered, "north"))
    assert "fitted only where at least 5 cohorts" in north


def test_a_region_of_one_cohort_says_why_nothing_is_pooled(rendered):
    text = visible_text(page(rendered, "east"))
    assert "Variation between cohorts cannot be assessed: only 1 cohort could be pooled" in text
    findings = pd.read_csv(rendered / "reports" / "east" / "findings.csv")
    pooled = findings[(findings["measure"] == "conf_senior") & (findings["statistic"] == "pooled_change")]
    assert pooled["value"].isna().all()


def test_the_report_records_every_cohorts_checksums(rendered):
    """In its machine-readable record, report.json, not in pages of the report (issue 18); the page gives
    their fingerprint: the SHA-256 of the sorted checksums, one a line."""
    import hashlib
    import json

    record = json.loads((rendered / "reports" / "national" / "report.json").read_text(encoding="utf-8"))
    recorded = {(row["region"], row["cohort"], row["file"]): (row["bytes"], row["sha256"])
                for row in record["provenance"]["data"]}
    raw = list((rendered / "data" / "raw").rglob("*.*"))
    assert len(recorded) == len(raw)
    for path in raw:
        key = (path.parent.parent.name, int(path.parent.name.split("-")[1]), path.name)
        assert recorded[key] == (path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest()), path
    fingerprint = hashlib.sha256("\n".join(sorted(s for _, s in recorded.values())).encode()).hexdigest()
    assert fingerprint in visible_text(page(rendered, "national"))


def test_data_is_escaped_and_no_identifier_is_shown(rendered):
    html = page(rendered, "national")
    assert HOSTILE not in html and "&lt;script&gt;alert(" in html  # shown as text, escaped
    for folder in (rendered / "data" / "raw").glob("*/cohort-*"):
        people = pd.read_csv(folder / "participants.csv", dtype=str, keep_default_na=False)
        for identifier in {*people["participant_id"], *people["pair_id"]} - {""}:
            assert not re.search(rf"\b{re.escape(identifier)}\b", visible_text(html)), identifier
    assert "Warning" not in visible_text(html)


def test_a_bad_cohort_stops_the_report_and_names_the_cohort(tmp_path):
    root = scratch_project(tmp_path)
    people = root / "data" / "raw" / "south" / "cohort-2" / "participants.csv"
    people.write_text(people.read_text().replace("MX,mentor", "MX,boss"), encoding="utf-8")
    with pytest.raises(DataError, match=r"south/cohort-2/participants\.csv"):
        run_level_report(root, "national", html=False)
    assert not (root / "reports" / "national" / "findings.csv").exists()
    folder = run_level_report(root, "national", cohorts=[(r, c) for r, c in COHORTS if (r, c) != ("south", 2)],
                              html=False)
    findings = pd.read_csv(folder / "findings.csv")
    enrolled = findings[(findings["measure"] == "flow") & (findings["role"] == "all")
                        & (findings["statistic"] == "enrolled")]["value"].iloc[0]
    assert enrolled == sum(2 * pairs + 2 for key, (_, pairs, _, _) in COHORTS.items() if key != ("south", 2))


def test_the_public_version_is_disclosure_controlled(rendered):
    from rm_research.run.level import run_level_publish

    folder = run_level_publish(rendered, "north")
    internal = pd.read_csv(folder / "findings.csv")
    public = pd.read_csv(folder / "findings-public.csv", dtype=str, keep_default_na=False)
    assert len(public) == len(internal) and list(public.columns) == [*FINDINGS_COLUMNS, "withheld"]
    counts = public[public["measure"] == "flow"]
    assert all(v in ("*", "0") or int(v) % 5 == 0 for v in [*counts["value"], *counts["n"]])
    html = (folder / "report-public.html").read_text(encoding="utf-8")
    assert "Disclosure control" in visible_text(html) and "sha256" not in html.lower()
    assert (folder / "report.html").exists()  # the internal report is kept


@pytest.mark.parametrize("level", ["national", "north", "east"])
def test_the_region_and_national_reports_pass_the_accessibility_check(rendered, level):
    from rm_research.report.accessibility import check_html

    found = check_html(page(rendered, level))
    assert found == [], "\n".join(map(str, found))


def test_a_region_says_why_a_cohort_whose_changes_were_all_equal_was_not_pooled(tmp_path):
    """The issue's region: one cohort of two mentees whose junior-staff confidence both fell by 2 (5.5 to
    3.5 on average). The cohort report says so; the region report must say why there is no pooled
    figure, and never that nobody answered."""
    from tests.helpers import write_cohort

    write_cohort(tmp_path / "data" / "raw" / "west" / "cohort-1", {
        "participants": "participant_id,role,pair_id\nM1,mentor,P1\nM2,mentor,P2\nE1,mentee,P1\nE2,mentee,P2\n",
        "enrolment": "participant_id,conf_senior,conf_junior\nM1,5,\nM2,6,\nE1,5,5\nE2,6,6\n",
        "end_survey": "participant_id,conf_senior,conf_junior\nM1,7,\nM2,7,\nE1,6,3\nE2,8,4\n",
    })
    run_level_report(tmp_path, "west")
    text = visible_text(page(tmp_path, "west"))
    assert "nobody answered" not in text.lower()
    assert "left out: West, cohort 1 (every change was the same)" in text


def test_the_section_9_rows_are_written_for_every_item_and_role_pooled(rendered):
    """Contract section 9: for each role and item a level pools, the meta-regression on sessions offered
    (with its residual tau²) and pairs_needed, n = the people paired in the pooled cohorts; blank where fewer
    than 3 cohorts (a meta-regression) or 2 (pairs_needed) are pooled."""
    section_9 = ["moderator_psych_slope", "moderator_psych_ci_low", "moderator_psych_ci_high", "moderator_psych_p",
                 "moderator_psych_tau2", "pairs_needed"]
    for level, fewest_blank in (("national", False), ("north", False), ("east", True)):
        findings = pd.read_csv(rendered / "reports" / level / "findings.csv")
        pooled = findings[findings["statistic"] == "k"]
        for row in pooled.itertuples():
            rows = findings[(findings["measure"] == row.measure) & (findings["role"] == row.role)].set_index("statistic")
            assert set(section_9) <= set(rows.index), (level, row.measure, row.role)
            assert (rows.loc[section_9, "n"] == row.n).all()
            if row.value < 3:
                assert rows.loc[section_9[:5], "value"].isna().all()
            if row.value < 2:
                assert rows.loc[section_9, "value"].isna().all()
            else:
                assert rows.at["pairs_needed", "value"] >= 6
        assert fewest_blank == bool(pooled["value"].lt(2).all())
    national = pd.read_csv(rendered / "reports" / "national" / "findings.csv")
    north = pd.read_csv(rendered / "reports" / "north" / "findings.csv")
    assert "between_regions_p" in set(national["statistic"]) and "between_regions_p" not in set(north["statistic"])


def test_plan_prints_the_pairs_needed_the_national_findings_hold(rendered):
    import contextlib
    import io

    from rm_research.run.cli import main

    national = pd.read_csv(rendered / "reports" / "national" / "findings.csv")
    needed = national[(national["measure"] == "conf_senior") & (national["role"] == "mentee")
                      & (national["statistic"] == "pairs_needed")]["value"].item()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["plan", "--role", "mentee", "--item", "conf_senior", "--root", str(rendered)])
    assert status == 0
    assert f"a cohort needs about {needed:.0f} mentees with both surveys" in out.getvalue()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["plan", "--role", "mentor", "--item", "conf_senior", "--change", "0.5", "--sd", "1.3",
                     "--root", str(rendered)]) == 0
    # R's power.t.test(delta = 0.5, sd = 1.3, type = "one.sample", strict = TRUE) n (tests/fixtures/r), then the
    # contract's max(6, ceiling(n_t pi / 3))
    fixture = pd.read_csv(Path(__file__).resolve().parents[1] / "fixtures" / "r" / "metareg_metafor.csv", dtype=str)
    n_t = float(fixture[(fixture["dataset"] == "power") & (fixture["cohort"] == "0.5;1.3")
                        & (fixture["quantity"] == "n_t")]["value"].item())
    assert f"about {max(6, math.ceil(n_t * math.pi / 3))} mentors" in out.getvalue()
