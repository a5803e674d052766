"""The public report: disclosure control applied, no identifiers in any HTML the package writes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from rm_research.findings import registry
from rm_research.run.cli import EXIT_OK, main
from rm_research.run.cohort import run_publish, run_report
from tests.conftest import EXAMPLE, make_project
from tests.helpers import FIXTURE, table_cells, visible_text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def published_example(rendered_example, tmp_path_factory):
    root = tmp_path_factory.mktemp("published") / "project"
    shutil.copytree(rendered_example, root)
    assert main(["publish", "--cohort", "1", "--root", str(root)]) == EXIT_OK
    return root / "reports" / "south-east" / "cohort-1"


@pytest.fixture(scope="module")
def published_large(tmp_path_factory) -> Path:
    """A SYNTHETIC cohort of 40 people (``examples.synthetic.scaled_cohort``), large enough that its public
    report shows its figures: fewer than half of its headline figures are hidden."""
    from rm_research.examples.synthetic import scaled_cohort

    root = tmp_path_factory.mktemp("large") / "project"
    scaled_cohort(root / "data" / "raw" / "south-east" / "cohort-1", 40)
    assert main(["report", "--cohort", "1", "--root", str(root)]) == EXIT_OK
    assert main(["publish", "--cohort", "1", "--root", str(root)]) == EXIT_OK
    return root / "reports" / "south-east" / "cohort-1"


def test_a_cohort_too_small_to_publish_says_so_on_one_screen(published_example):
    """South East cohort 1 (18 people) would hide 18 of its 22 headline figures: its public page says so,
    states the rule and points to its region's and the nation's public reports, and shows no table."""
    from rm_research.disclosure.control import headline_hidden, read_public

    hidden, total = headline_hidden(read_public(published_example / "findings-public.csv"))
    assert hidden > total / 2
    page = (published_example / "report-public.html").read_text()
    text = visible_text(page)
    assert f"{hidden} of its {total} headline figures" in text and "more than half" in text
    assert 'href="../report-public.html"' in page and 'href="../../national/report-public.html"' in page
    assert table_cells(page) == [] and "Key findings" not in text


def test_public_files_are_written_beside_the_internal_ones(published_example):
    assert {p.name for p in published_example.iterdir()} == {
        "report.html", "findings.csv", "report.json", "report-public.html", "findings-public.csv", "report-public.json",
        ".publish-audit.json"}  # what the cross-level audit reads of this cohort (internal, like findings.csv)
    public = json.loads((published_example / "report-public.json").read_text(encoding="utf-8"))
    assert "provenance" not in public and public["one_page_notice"] is True  # no file sizes, no checksums
    internal = json.loads((published_example / "report.json").read_text(encoding="utf-8"))
    assert {row["file"] for row in internal["provenance"]["data"]} >= {"participants.csv", "enrolment.csv"}


def test_every_figure_on_1_to_7_people_is_suppressed_and_counts_are_rounded(published_example):
    from rm_research.disclosure.control import publishable

    # the public rows are the internal ones with each rare single answer merged into one "other" row, and
    # without the checks kept for the internal report (the bootstrap interval)
    internal = publishable(pd.read_csv(published_example / "findings.csv"))
    public = pd.read_csv(published_example / "findings-public.csv", dtype=str, keep_default_na=False)
    assert list(public.columns) == [*internal.columns, "withheld"]
    assert len(public) == len(internal)
    for (_, before), (_, after) in zip(internal.iterrows(), public.iterrows(), strict=True):
        kind = registry.spec(before["measure"], before["statistic"]).kind
        if 1 <= before["n"] <= 7 and kind != "structural":
            assert after["value"] == "*", (before.to_dict(), after.to_dict())
        if kind == "count" and after["value"] not in ("*", "0", ""):
            assert int(after["value"]) % 5 == 0 and int(after["value"]) >= 10
        assert after["n"] in ("*", "0") or int(after["n"]) % 5 == 0


def test_public_report_shows_no_count_between_1_and_7(published_large):
    cells = table_cells((published_large / "report-public.html").read_text())
    assert cells, "the public report has tables"
    small = [cell for cell in cells if re.fullmatch(r"[1-7]", cell)]
    assert small == []
    assert "*" in cells


def test_public_report_makes_no_all_or_none_statements_about_small_groups(published_large):
    text = visible_text((published_large / "report-public.html").read_text()).lower()
    assert not re.search(r"\b(all|none|every|nobody|no one)\b( of)?( the)? (mentors|mentees|participants)", text)
    assert "counts of 1 to 7 are shown as *" in text


def test_public_report_gives_no_file_size_or_checksum_away(published_large):
    # a 606-byte psych_sessions.csv gives away 54 rows, so 18 people; a checksum lets a guess be confirmed
    from rm_research.core.provenance import sha256

    page = (published_large / "report-public.html").read_text()
    for raw in (published_large.parents[2] / "data" / "raw" / "south-east" / "cohort-1").glob("*.csv"):
        assert sha256(raw) not in page and sha256(raw)[:12] not in page
        assert not re.search(rf"(?<![\d.]){raw.stat().st_size}(?![\d.])", visible_text(page)), raw.name
    assert "checksums are recorded in the internal report" in visible_text(page)


def test_public_findings_pin_no_suppressed_cell(published_example):
    from rm_research.disclosure.differencing import audit

    internal = pd.read_csv(published_example / "findings.csv")
    public = pd.read_csv(published_example / "findings-public.csv", dtype=str, keep_default_na=False)
    assert audit(internal, public) == []


def test_internal_report_carries_the_small_numbers_banner(published_example):
    page = (published_example / "report.html").read_text()
    assert "Internal report: contains small numbers." in visible_text(page)
    assert "border: 3px solid" in page


def test_no_example_identifier_in_any_html(published_example):
    people = pd.read_csv(EXAMPLE / "participants.csv", dtype=str)
    codes = [*people["participant_id"], *people["pair_id"].dropna()]
    for page in published_example.glob("*.html"):
        text = page.read_text()
        leaked = [code for code in codes if re.search(rf"\b{re.escape(code)}\b", text)]
        assert leaked == [], f"{page.name}: {leaked}"


PII_PARTICIPANTS = FIXTURE["participants"].replace(
    "participant_id,role,pair_id,ethnic_group,areas_of_work,status,consent_quotes\n",
    "participant_id,role,pair_id,ethnic_group,areas_of_work,status,consent_quotes,Name,E-mail\n",
).replace(",,yes\n", ",,yes,Jo Bloggs,jo.bloggs@nhs.net\n").replace("A2,mentor,P2,Asian,People management,,\n",
                                                                    "A2,mentor,P2,Asian,People management,,,Sam Okafor,\n")
PII_END_SURVEY = FIXTURE["end_survey"].replace("psych_supportive\n", "psych_supportive,self_awareness\n").replace(
    "5,yes,no,yes\n", '5,yes,no,yes,"Jo Bloggs found it useful; ring Sam on 07700 900123 or write to sam.o@nhs.net (P1, A2)"\n'
).replace("3,N,,TRUE\n", "3,N,,TRUE,Zebra-crossing remark that must never be published\n")


def test_identifiers_names_emails_and_phones_never_reach_html(tmp_path):
    files = dict(FIXTURE, participants=PII_PARTICIPANTS, end_survey=PII_END_SURVEY)
    root = make_project(tmp_path, files)
    run_report(root, "test-region", 1)
    run_publish(root, "test-region", 1)
    reports = root / "reports" / "test-region" / "cohort-1"
    forbidden = ["Jo Bloggs", "Bloggs", "jo.bloggs@nhs.net", "Sam Okafor", "Okafor", "sam.o@nhs.net", "07700 900123",
                 "A1", "A2", "A3", "B1", "B2", "P1", "P2", "Zebra-crossing"]
    for page in reports.glob("*.html"):
        text = page.read_text()
        leaked = [word for word in forbidden if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]
        assert leaked == [], f"{page.name}: {leaked}"
        assert not re.search(r"(?<!\w)(Jo|Sam)(?!\w)", visible_text(text)), page.name
    public = visible_text((reports / "report-public.html").read_text())
    # 5 people: too few to publish on their own, so the public page quotes none of them (the number of
    # quotes would count them); the same answer, redacted, is what a larger cohort's report would quote
    assert "found it useful" not in public and "too small for its figures to be published" in public
    from rm_research.disclosure.quotes import consented_quotes, identifiers, names_to_redact
    from rm_research.ingest.clean import tidy_cohort
    from rm_research.ingest.validate import validate_cohort

    raw = validate_cohort(root / "data" / "raw" / "test-region" / "cohort-1")
    quoted = consented_quotes(tidy_cohort(raw), names_to_redact(raw) | identifiers(tidy_cohort(raw)))["quote"]
    assert "[redacted] found it useful; ring [redacted] on [redacted] or write to [redacted] ([redacted], [redacted])" in (
        quoted.tolist())


def test_the_public_notebook_run_by_hand_shows_the_public_file_and_nothing_else(published_large, tmp_path):
    """Run by hand (no state, no protected findings handed over), the public notebook reads the
    findings-public.csv a publish wrote: the page's key findings are the command's, word for word; with
    nothing published it says what to run rather than compute figures of its own."""
    from papermill.exceptions import PapermillExecutionError

    from rm_research.render.handoff import NOTEBOOK
    from rm_research.render.notebook import render_html, run_notebook

    root = published_large.parents[2]
    by_hand = render_html(run_notebook(root, NOTEBOOK, {"region": "south-east", "cohort": 1, "root": str(root),
                                                        "public": True}), "by hand")
    by_command = (published_large / "report-public.html").read_text(encoding="utf-8")

    def key_findings(page: str) -> str:
        text = visible_text(page)
        return text[text.index("Key findings"):text.index("Contents")]

    assert key_findings(by_hand) == key_findings(by_command)
    unpublished = tmp_path / "project"
    shutil.copytree(root / "data", unpublished / "data")
    with pytest.raises(PapermillExecutionError, match="run 'make publish'"):
        run_notebook(unpublished, NOTEBOOK, {"region": "south-east", "cohort": 1, "root": str(unpublished),
                                             "public": True})


def test_checks_kept_for_the_internal_report_are_not_published(published_example):
    """The bootstrap interval is the internal report's check on the t interval: never in public findings."""
    internal = pd.read_csv(published_example / "findings.csv")
    public = pd.read_csv(published_example / "findings-public.csv", dtype=str, keep_default_na=False)
    assert internal["statistic"].str.startswith("change_boot_ci").any()
    assert not public["statistic"].str.startswith("change_boot_ci").any()
    assert public["statistic"].str.fullmatch("change_ci_(low|high)").any()


@pytest.fixture(scope="module")
def published_region(tmp_path_factory) -> Path:
    """A SYNTHETIC region of three cohorts published together: two of 40 people (different seeds), whose
    changes their public reports show, and the South East example (18 people), whose changes are withheld."""
    from rm_research.examples.synthetic import scaled_cohort

    root = tmp_path_factory.mktemp("region") / "project"
    shutil.copytree(EXAMPLE, root / "data" / "raw" / "south-east" / "cohort-1")
    for cohort, seed in ((2, 11), (3, 12)):
        scaled_cohort(root / "data" / "raw" / "south-east" / f"cohort-{cohort}", 40, seed=seed)
    assert main(["publish-all", "--region", "south-east", "--root", str(root), "-j", "2"]) == EXIT_OK
    return root


def test_a_public_region_draws_a_forest_plot_from_published_figures_only(published_region):
    """Issue 17, point 4: each pooled item and role has a forest plot on the region's public page; a cohort
    is drawn with the change and interval its own public findings show, or named as withheld, and the
    pooled diamond is the region's published one. No number drawn is one the public files do not hold."""
    from rm_research.disclosure.control import read_public
    from rm_research.findings.level import cohort_label

    reports = published_region / "reports" / "south-east"
    html = (reports / "report-public.html").read_text(encoding="utf-8")
    region = read_public(reports / "findings-public.csv")
    members = {cohort_label("south-east", c): read_public(reports / f"cohort-{c}" / "findings-public.csv")
               for c in (1, 2, 3)}
    alts = [a for a in re.findall(r'alt="([^"]*)"', html) if a.startswith("Forest plot")]
    pooled = region[(region["statistic"] == "k") & region["measure"].isin(["conf_senior", "conf_junior",
                                                                             "comfort_needs"])]
    assert len(alts) >= 3 and len(alts) <= len(pooled)
    withheld = shown = 0
    for alt in alts:
        assert all(label in alt for label in members)
        for label, safe in members.items():
            part = alt.split(label, 1)[1].split(";")[0]
            if "withheld" in part.split(",")[0]:
                withheld += 1
                continue
            numbers = re.findall(r"-?\d+\.\d\d", part)[:3]
            published = {f"{float(v):.2f}" for v in safe["value"] if re.fullmatch(r"-?\d+(\.\d+)?", v)}
            assert numbers and set(numbers) <= published
            shown += 1
    assert withheld >= 3 and shown >= 3  # the small cohort is named as withheld; the large ones are drawn
