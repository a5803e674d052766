"""The report notebook, executed through papermill on the example data and rendered to HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from rm_research.core.problems import DataError
from rm_research.findings.table import FINDINGS_COLUMNS
from rm_research.run.cohort import run_report
from tests.conftest import EXAMPLE, make_project
from tests.helpers import visible_text

pytestmark = pytest.mark.slow


def html_text(root: Path) -> str:
    return (root / "reports" / "south-east" / "cohort-1" / "report.html").read_text(encoding="utf-8")


def test_report_and_findings_are_written(rendered_example):
    reports = rendered_example / "reports" / "south-east" / "cohort-1"
    assert (reports / "report.html").stat().st_size > 10_000
    findings = pd.read_csv(reports / "findings.csv")
    assert list(findings.columns) == FINDINGS_COLUMNS


def test_report_holds_the_flow_figures(rendered_example):
    text = visible_text(html_text(rendered_example))
    # the South East's published flow: 11 mentors and 7 mentees enrolled, 5 mentees attended a
    # psychological session, 7 mentors and 3 mentees completed the evaluation (seeds/000, 002)
    assert "Of 11 mentors enrolled: 7 matched with a partner, 7 attended a psychological session, " \
           "7 completed the end survey" in text
    assert "Of 7 mentees enrolled: 7 matched with a partner, 5 attended a psychological session, " \
           "3 completed the end survey" in text
    assert re.search(r"Enrolled\s+11\s+7\s+18", text)


def test_report_sections(rendered_example):
    text = visible_text(html_text(rendered_example))
    headings = ("Key findings", "Contents", "Who took part", "Participant flow", "Ethnic group and band",
                "How participants heard of the programme", "Areas of work", "Feedback on the induction training",
                "What participants hoped to contribute and to gain", "Confidence before and after the programme",
                "Mentoring sessions", "The psychological sessions", "Sessions attended and change in confidence",
                "Themes from the end-of-programme questions", "Mentors' observations of practice",
                "Appendix A. Methods", "Appendix B. Technical statistics", "Appendix C. Data and provenance",
                "Appendix D. Published figures reproduced")
    shown = [re.sub(r"<[^>]+>|¶", "", h).strip() for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>",
                                                                          html_text(rendered_example))]
    assert [h for h in shown if h in headings] == list(headings), "key findings first, appendices last, in order"
    assert "SYNTHETIC DATA" in text
    assert "47 of 47 published figures reproduced" in text


def test_report_records_checksums_and_versions(rendered_example):
    import hashlib

    text = visible_text(html_text(rendered_example))
    for path in EXAMPLE.glob("*.csv"):
        assert hashlib.sha256(path.read_bytes()).hexdigest() in text
    assert re.search(r"pandas \d+\.\d+", text) and "rm-research" in text


def test_report_opens_offline_with_figures_embedded(rendered_example):
    page = html_text(rendered_example)
    assert not re.search(r"<script[^>]+src=", page), "no script may be fetched from the network"
    assert not re.search(r"<link[^>]+href=\"http", page)
    assert len(re.findall(r'<img [^>]*src="data:image/svg\+xml;base64,', page)) >= 5


def test_report_shows_no_code_no_warnings_and_no_identifiers(rendered_example):
    page = html_text(rendered_example)
    assert not re.search(r'class="[^"]*jp-InputArea-editor', page) and "load_cohort" not in page
    assert "Warning" not in visible_text(page)
    people = pd.read_csv(EXAMPLE / "participants.csv", dtype=str)
    for identifier in [*people["participant_id"], *people["pair_id"].dropna()]:
        assert not re.search(rf"\b{re.escape(identifier)}\b", page), identifier


def test_figures_survive_a_non_interactive_backend(tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")  # common in CI; it used to drop every figure silently
    root = make_project(tmp_path)
    run_report(root, "south-east", 1)
    assert len(re.findall(r'src="data:image/svg\+xml', html_text(root))) >= 5


def test_failed_run_leaves_the_earlier_report_byte_identical(rendered_example, tmp_path):
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(rendered_example, root)
    outputs = [root / "reports" / "south-east" / "cohort-1", root / "data" / "processed" / "south-east" / "cohort-1"]
    before = [{p.name: p.read_bytes() for p in folder.iterdir()} for folder in outputs]
    participants = root / "data" / "raw" / "south-east" / "cohort-1" / "participants.csv"
    participants.write_text(participants.read_text().replace("MR02,mentor", "MR02,boss"))
    with pytest.raises(DataError):
        run_report(root, "south-east", 1)
    assert [{p.name: p.read_bytes() for p in folder.iterdir()} for folder in outputs] == before


@pytest.mark.parametrize("case", ["fixture", "nothing answered"])
def test_report_renders_for_any_cohort_in_the_contract_format(tmp_path, case):
    from tests.helpers import FIXTURE

    files = dict(FIXTURE)
    if case == "nothing answered":
        files.update(enrolment="participant_id\nA1\n", end_survey="participant_id\nA1\n", psych_sessions=None,
                     mentoring_sessions=None)
        files = {k: v for k, v in files.items() if v is not None}
    root = make_project(tmp_path, files)
    run_report(root, "test-region", 1)
    page = (root / "reports" / "test-region" / "cohort-1" / "report.html").read_text()
    assert "Participant flow" in page and "No published figures" not in page
    assert "no published figures are recorded for test-region cohort 1" in page
    assert "SYNTHETIC DATA" not in visible_text(page)


def test_a_disability_programme_without_psychological_sessions_reads_right(tmp_path):
    from tests.helpers import FIXTURE

    files = {name: text for name, text in FIXTURE.items() if name != "psych_sessions"}
    root = make_project(tmp_path, files)
    (root / "data" / "raw" / "test-region" / "cohort-1" / "programme.toml").write_text(
        'programme = "Reciprocal <Mentoring> for Inclusion"\nfocus = "disability"\npsych_sessions_offered = 0\n')
    run_report(root, "test-region", 1)
    text = visible_text((root / "reports" / "test-region" / "cohort-1" / "report.html").read_text())
    assert "Reciprocal <Mentoring> for Inclusion" in text  # escaped, so shown as typed
    assert "experiences of disabled colleagues" in text and "BAME" not in text
    assert "offered no psychological sessions" in text


def test_the_same_inputs_give_the_same_page_byte_for_byte(rendered_example, tmp_path):
    """Issue 18: two runs of make report gave different report.html bytes (random table and cell ids)."""
    again = make_project(tmp_path)
    run_report(again, "south-east", 1)
    name = Path("reports") / "south-east" / "cohort-1"
    for file in ("report.html", "findings.csv", "report.json"):
        assert (again / name / file).read_bytes() == (rendered_example / name / file).read_bytes(), file


def test_the_report_opens_with_its_one_page_summary(rendered_example):
    """Issue 18: the board's page first, before the key findings, with one chart and a page break after it."""
    page = html_text(rendered_example)
    summary, findings = page.index('id="Summary"'), page.index('id="Key-findings"')
    assert summary < findings and page.index('class="rm-page-break"', summary) in range(summary, findings)
    assert page.rindex('class="rm-page-break"', 0, summary) > page.index("<h1")  # the summary starts a page
    text = visible_text(page[summary:findings])
    for headline in ("Confidence.", "Who took part and stayed.", "Psychological input.", "What to do next.",
                     "How far the evidence goes:"):
        assert headline in text
    assert page[summary:findings].count("<img ") == 1
