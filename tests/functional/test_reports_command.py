"""`rm-research reports` and `publish-all`: every cohort, one bad cohort among good ones, incremental reruns."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rm_research.run.cli import EXIT_BAD_DATA, EXIT_OK, main
from tests.conftest import make_project
from tests.helpers import FIXTURE, write_cohort

GOOD = ("london/cohort-1", "london/cohort-2", "midlands/cohort-1")
BAD = "midlands/cohort-2"


def raw(root: Path, cohort: str) -> Path:
    return root / "data" / "raw" / cohort


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Three valid hand-made cohorts in two regions and one whose data break the contract."""
    for cohort in GOOD:
        write_cohort(raw(tmp_path, cohort))
    write_cohort(raw(tmp_path, BAD), enrolment=FIXTURE["enrolment"].replace("A1,2020-10-05,5", "A1,2020-10-05,11"))
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")
    return tmp_path


def reports(root: Path, *args: str) -> int:
    return main(["reports", "--root", str(root), "--no-html", "-j", "1", *args])


def statuses(out: str) -> dict[str, str]:
    """The summary's status of each report, by its name."""
    found = {}
    for line in out.splitlines():
        for status in ("rendered", "unchanged", "bad data", "failed", "skipped", "not yet available"):
            if f"  {status}" in line:
                found[line.split(f"  {status}")[0].strip()] = status
    return found


def test_a_bad_cohort_is_listed_and_exits_2_while_the_good_ones_render(project, capsys):
    assert reports(project) == EXIT_BAD_DATA
    out, err = capsys.readouterr()
    assert statuses(out) == {
        "london cohort 1": "rendered", "london cohort 2": "rendered", "midlands cohort 1": "rendered",
        "midlands cohort 2": "bad data", "london (region)": "rendered", "midlands (region)": "rendered",
        "national": "rendered"}
    assert "midlands cohort 2: bad data" in err
    assert "enrolment.csv, row 2, column conf_senior: '11' is not valid" in err  # as validate prints it
    for cohort in GOOD:
        assert (project / "reports" / cohort / "findings.csv").is_file()
    assert not (project / "reports" / BAD / "findings.csv").exists()
    for level in ("london", "midlands", "national"):
        assert (project / "reports" / level / "findings.csv").is_file()
    assert "reports/london/cohort-1/" in out


def test_the_bad_cohort_is_left_out_of_its_region_and_the_nation(project, capsys):
    reports(project)
    for level in ("midlands", "national"):
        rows = (project / "reports" / level / "findings.csv").read_text().splitlines()
        flow = [r for r in rows if ",flow,all,enrolled," in r]
        cohorts = 1 if level == "midlands" else 3
        assert flow and float(flow[0].split(",")[5]) == 5 * cohorts  # the fixture enrols 5 people


def test_a_second_run_changes_nothing_and_says_unchanged(project, capsys):
    reports(project)
    capsys.readouterr()
    findings = project / "reports" / "london" / "cohort-1" / "findings.csv"
    modified = findings.stat().st_mtime_ns
    assert reports(project) == EXIT_BAD_DATA  # the bad cohort is still bad
    out = capsys.readouterr().out
    assert statuses(out) == {
        "london cohort 1": "unchanged", "london cohort 2": "unchanged", "midlands cohort 1": "unchanged",
        "midlands cohort 2": "bad data", "london (region)": "unchanged", "midlands (region)": "unchanged",
        "national": "unchanged"}
    assert findings.stat().st_mtime_ns == modified


def test_only_a_changed_cohort_its_region_and_the_nation_are_rebuilt(project, capsys):
    (raw(project, BAD) / "enrolment.csv").write_text(FIXTURE["enrolment"])  # fixed
    assert reports(project) == EXIT_OK
    capsys.readouterr()
    end_survey = raw(project, "london/cohort-2") / "end_survey.csv"
    end_survey.write_text(FIXTURE["end_survey"].replace("A2,2021-05-02,6", "A2,2021-05-02,9"))
    assert reports(project) == EXIT_OK
    assert statuses(capsys.readouterr().out) == {
        "london cohort 1": "unchanged", "london cohort 2": "rendered", "midlands cohort 1": "unchanged",
        "midlands cohort 2": "unchanged", "london (region)": "rendered", "midlands (region)": "unchanged",
        "national": "rendered"}


def test_outputs_replaced_by_another_command_are_rebuilt(project, capsys):
    """The record vouches for the files it was written with, not for whatever is there later."""
    reports(project)
    end_survey = raw(project, "london/cohort-1") / "end_survey.csv"
    end_survey.write_text(FIXTURE["end_survey"].replace("A2,2021-05-02,6", "A2,2021-05-02,9"))
    assert main(["report", "--root", str(project), "--region", "london", "--cohort", "1", "--no-html"]) == EXIT_OK
    end_survey.write_text(FIXTURE["end_survey"])  # the inputs are those recorded again; the outputs are not
    capsys.readouterr()
    reports(project)
    assert statuses(capsys.readouterr().out)["london cohort 1"] == "rendered"
    assert ",conf_senior,mentor,post_mean,7.0," in (project / "reports" / "london" / "cohort-1" / "findings.csv").read_text()


def test_a_cohort_folder_copied_in_is_picked_up(project, capsys):
    reports(project)
    capsys.readouterr()
    write_cohort(raw(project, "south-west/cohort-4"))
    reports(project)
    found = statuses(capsys.readouterr().out)
    assert found["south-west cohort 4"] == "rendered" and found["south-west (region)"] == "rendered"
    assert found["national"] == "rendered" and found["london (region)"] == "unchanged"


def test_region_limits_the_run_to_one_region(project, capsys):
    assert reports(project, "--region", "london") == EXIT_OK
    assert statuses(capsys.readouterr().out) == {
        "london cohort 1": "rendered", "london cohort 2": "rendered", "london (region)": "rendered"}
    assert not (project / "reports" / "midlands").exists()


def test_a_national_folder_is_refused_with_a_note(project, capsys):
    write_cohort(raw(project, "national/cohort-1"))
    reports(project, "--region", "london")
    reports(project)
    err = capsys.readouterr().err
    assert "'national' is reserved" in err
    assert not (project / "reports" / "national" / "cohort-1").exists()


def test_no_cohorts_is_bad_input(tmp_path, capsys):
    assert main(["reports", "--root", str(tmp_path), "--no-html"]) == EXIT_BAD_DATA
    assert "no cohort folders found" in capsys.readouterr().err


def test_parallel_workers_give_the_same_findings(project, capsys):
    (raw(project, BAD) / "enrolment.csv").write_text(FIXTURE["enrolment"])
    assert reports(project) == EXIT_OK
    first = {c: (project / "reports" / c / "findings.csv").read_bytes() for c in (*GOOD, "national")}
    for cohort in (*GOOD, BAD):
        (project / "reports" / cohort / ".report-inputs.json").unlink()
    (project / "reports" / "national" / ".report-inputs.json").unlink()
    capsys.readouterr()
    assert main(["reports", "--root", str(project), "--no-html", "-j", "2"]) == EXIT_OK
    found = statuses(capsys.readouterr().out)
    assert [c for c, s in found.items() if s == "rendered"] == [
        "london cohort 1", "london cohort 2", "midlands cohort 1", "midlands cohort 2", "national"]
    assert {c: (project / "reports" / c / "findings.csv").read_bytes() for c in (*GOOD, "national")} == first


def test_no_progress_bar_when_stderr_is_not_a_terminal(project, capsys):
    reports(project)
    err = capsys.readouterr().err
    assert "report/s" not in err and "it/s" not in err and "\r" not in err


@pytest.mark.slow
def test_reports_and_publish_all_render_html_and_word_at_every_level(tmp_path, capsys, monkeypatch):
    """Every level gets its page, findings, public page and public findings, and (FORMAT=docx) the Word
    copy of each page: the internal one says it is internal, the public one does not and has its headings
    as Word headings. Asked for again with nothing changed, nothing is rebuilt."""
    from tests.functional.test_word import document_text

    root = make_project(tmp_path)
    # public files left by a cohort and a region whose data have since been removed (consent withdrawn)
    for folder in ("south-east/cohort-9", "gone"):
        (root / "reports" / folder).mkdir(parents=True)
        (root / "reports" / folder / "report-public.html").write_text("<p>old</p>")
        (root / "reports" / folder / "report.html").write_text("<p>internal</p>")
    assert main(["reports", "--root", str(root), "-j", "2", "--format", "docx"]) == EXIT_OK
    assert main(["publish-all", "--root", str(root), "-j", "2", "--format", "docx"]) == EXIT_OK
    assert ("public files removed, as their data are no longer in data/raw: gone, south-east/9"
            in capsys.readouterr().out)
    assert not (root / "reports" / "south-east" / "cohort-9" / "report-public.html").exists()
    assert not (root / "reports" / "gone" / "report-public.html").exists()
    assert (root / "reports" / "gone" / "report.html").read_text() == "<p>internal</p>"  # not published: kept
    for folder in ("south-east/cohort-1", "south-east", "national"):
        for name in ("report.html", "findings.csv", "report-public.html", "findings-public.csv"):
            assert (root / "reports" / folder / name).is_file(), (folder, name)
        internal = document_text(root / "reports" / folder / "report.docx")
        public = document_text(root / "reports" / folder / "report-public.docx")
        assert "Internal report: contains small numbers" in internal and "Internal report" not in public
        heading = "Why this cohort" if folder.endswith("cohort-1") else "Key findings"  # 18 people: too few
        assert re.search(rf'<w:pStyle w:val="Heading2" /></w:pPr><w:r><w:t[^>]*>{heading}', public)
        if not folder.endswith("cohort-1"):  # a level's public page draws its flow from its public figures
            assert "Participant flow by role (public figures)" in (root / "reports" / folder / "report-public.html"
                                                                   ).read_text()
    capsys.readouterr()
    # nothing changed: every report unchanged, and the public set is not audited across levels again
    from rm_research.disclosure import hierarchy
    from rm_research.run import collaborative

    audits, shadows = [], []
    real, transaction = hierarchy.published_levels, collaborative.publication.transaction
    monkeypatch.setattr(hierarchy, "published_levels", lambda *args, **kw: audits.append(1) or real(*args, **kw))
    monkeypatch.setattr(collaborative.publication, "transaction",
                        lambda *args, **kw: shadows.append(1) or transaction(*args, **kw))
    assert main(["publish-all", "--root", str(root), "-j", "2", "--format", "docx"]) == EXIT_OK
    assert set(statuses(capsys.readouterr().out).values()) == {"unchanged"} and audits == []
    assert shadows == []  # nothing to publish: no shadow of the public set made
    # a publish-all stopped before its audit finished leaves no record of it: the next run audits
    (root / "reports" / ".cross-level-audit.json").unlink()
    assert main(["publish-all", "--root", str(root), "-j", "2", "--format", "docx"]) == EXIT_OK
    assert audits == [1] and shadows == [1]


def test_publish_all_leaves_no_figure_recoverable_across_levels(tmp_path, capsys, monkeypatch):
    """The SYNTHETIC Midlands cohorts published together: no hidden cell of any table can be worked out
    from all of them. Where the cross-level audit hides more in a cohort (here made to hide one more
    shown figure), the cohort is published again and says so, and then its region, whose public forest
    plots draw the cohort's published changes; the committed file holds the mark."""
    import shutil

    from rm_research.disclosure import hierarchy
    from rm_research.disclosure.control import read_public
    from rm_research.disclosure.differencing import audit_levels
    from rm_research.disclosure.hierarchy import published_levels
    from rm_research.run import collaborative
    from tests.conftest import REPO

    root = make_project(tmp_path, files={})
    shutil.rmtree(root / "data" / "raw" / "test-region")
    shutil.copytree(REPO / "data" / "raw" / "midlands", root / "data" / "raw" / "midlands")
    real, hid, again = hierarchy.cross_level_changes, [], []

    def hide_one_more(levels, rule, mapper=None):
        changes = real(levels, rule, mapper)
        cohort = next(level for level in levels if level.unit == "midlands/1")
        safe = changes.get(cohort.unit, cohort.safe).copy()
        shown = safe.index[~safe["value"].isin(["", "*", "0"])][0]
        hid.append(tuple(safe.loc[shown, ["measure", "statistic", "role"]]))
        safe.loc[shown, "value"] = "*"
        return {**changes, cohort.unit: safe}

    republish = collaborative.republish
    monkeypatch.setattr(hierarchy, "cross_level_changes", hide_one_more)
    monkeypatch.setattr(collaborative, "republish", lambda root, unit, *a, **k: again.append(unit) or republish(
        root, unit, *a, **k))
    # -j 1: the audit's parts and the publishing again run in this process, where the patches hold
    assert main(["publish-all", "--root", str(root), "--region", "midlands", "-j", "1"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "published again after the audit of every level together" in out
    # said in the summary, on the unit's own line (issue 18: it was a line above the summary)
    rows = {line.split("  ")[0].strip(): line for line in out.splitlines() if line.startswith("midlands")}
    assert "audited again" in rows["midlands cohort 1"]
    assert not [line for name, line in rows.items() if name != "midlands cohort 1" and "audited again" in line]
    assert again == ["midlands/1", "midlands"]
    (measure, statistic, role), = hid
    cohort = read_public(root / "reports" / "midlands" / "cohort-1" / "findings-public.csv")
    row = cohort[(cohort["measure"] == measure) & (cohort["role"] == role) & (cohort["statistic"] == statistic)]
    assert list(row["value"]) == ["*"]
    monkeypatch.setattr(hierarchy, "cross_level_changes", real)
    levels = published_levels(root, [("midlands", 1), ("midlands", 2), ("midlands", 3)], ["midlands"], national=False)
    assert len(levels) == 4
    assert all(cells == [] for cells in audit_levels(levels).values())


def _public_set(root: Path) -> dict[str, bytes]:
    from rm_research.run.publication import public_set

    return {rel: (root / rel).read_bytes() for rel in public_set(root)}


@pytest.mark.parametrize("step", ["op-2", "publication-staged"])
def test_an_interrupted_publish_all_leaves_the_earlier_public_set_whole(tmp_path, capsys, step):
    """publish-all is one transaction (issue 17, case 4): killed while a unit is being published
    (op-2: inside the first unit's own commit) or with every unit published and audited, just before
    the commit, it leaves every public file as the last whole run left it, so no file pins a count
    the region hides; the next run publishes the new set, whole, and leaves no shadow behind."""
    import os
    import shutil
    import signal
    import subprocess
    import sys

    from rm_research.disclosure.differencing import audit_levels
    from rm_research.disclosure.hierarchy import published_levels
    from rm_research.run import outputs
    from rm_research.run.publication import SHADOW
    from tests.conftest import REPO

    root = make_project(tmp_path, files={})
    shutil.rmtree(root / "data" / "raw" / "test-region")
    shutil.copytree(REPO / "data" / "raw" / "midlands", root / "data" / "raw" / "midlands")
    command = ["publish-all", "--root", str(root), "--region", "midlands", "-j", "1"]
    assert main(command) == EXIT_OK
    before = _public_set(root)
    assert any("cohort-2" in rel for rel in before)
    shutil.rmtree(root / "data" / "raw" / "midlands" / "cohort-2")  # say, consent withdrawn
    killed = subprocess.run([sys.executable, "-m", "rm_research.run.cli", *command],
                            env={**os.environ, outputs.DIE_AT_VARIABLE: step}, capture_output=True, text=True,
                            timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _public_set(root) == before
    capsys.readouterr()
    assert main(command) == EXIT_OK
    assert "public files removed, as their data are no longer in data/raw: midlands/2" in capsys.readouterr().out
    after = _public_set(root)
    assert not any("cohort-2" in rel for rel in after) and after != before
    assert not (root / "reports" / SHADOW).exists()
    levels = published_levels(root, [("midlands", 1), ("midlands", 3)], ["midlands"], national=False)
    assert len(levels) == 3 and all(cells == [] for cells in audit_levels(levels).values())


def test_the_audit_reads_what_each_publish_wrote_and_it_is_what_it_would_compute(tmp_path):
    """Each publish writes its unit's findings for the cross-level audit (``.publish-audit.json``), so that
    ``publish-all`` computes no unit's findings again. Read back, they are exactly what computing them
    again from the raw files gives (the path a unit published by an older version takes), pooled
    cohorts and all; and a file written by another version is not read."""
    import shutil

    import pandas as pd

    from rm_research.disclosure.hierarchy import published_levels
    from tests.conftest import REPO

    root = make_project(tmp_path, files={})
    shutil.rmtree(root / "data" / "raw" / "test-region")
    shutil.copytree(REPO / "data" / "raw" / "midlands", root / "data" / "raw" / "midlands")
    assert main(["publish-all", "--root", str(root), "--region", "midlands", "-j", "1"]) == EXIT_OK
    cohorts = sorted(("midlands", int(p.name.split("-")[1])) for p in (root / "data" / "raw" / "midlands").glob("cohort-*"))
    saved = sorted((root / "reports").rglob(".publish-audit.json"))
    assert len(saved) == len(cohorts) + 1  # every cohort and the region
    read = published_levels(root, cohorts, ["midlands"], national=False)
    for path in saved:
        path.write_text(path.read_text(encoding="utf-8").replace('"version": "', '"version": "older-'), encoding="utf-8")
    computed = published_levels(root, cohorts, ["midlands"], national=False)
    assert [level.unit for level in read] == [level.unit for level in computed]
    for one, other in zip(read, computed, strict=True):
        pd.testing.assert_frame_equal(one.findings, other.findings, check_exact=True)
        assert dict(one.pooled) == dict(other.pooled) and one.parent == other.parent
    assert any(level.pooled for level in read)  # the region's pooled figures name their cohorts
