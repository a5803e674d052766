"""The collaborative's building blocks: discovery, input keys, records, progress, the summary."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rm_research.core import paths
from rm_research.core.config import Settings
from rm_research.core.paths import CohortId
from rm_research.run import collaborative, records
from rm_research.run.collaborative import Outcome

SRC = Path(__file__).resolve().parents[2] / "src" / "rm_research"


def touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    return tmp_path / "data" / "raw"


# ------------------------------------------------------------------------------------------ discovery


def test_discovery_finds_every_cohort_of_every_valid_region(raw, tmp_path):
    for folder in ("south-east/cohort-1", "south-east/cohort-12", "midlands/cohort-2",
                   "north-east-and-yorkshire/cohort-1"):
        (raw / folder).mkdir(parents=True)
    found = paths.discover(tmp_path)
    assert found.cohorts == (CohortId("midlands", 2), CohortId("north-east-and-yorkshire", 1),
                             CohortId("south-east", 1), CohortId("south-east", 12))
    assert found.notes == ()
    assert found.regions == ("midlands", "north-east-and-yorkshire", "south-east")


def test_discovery_refuses_national_and_invalid_slugs_with_a_note(raw, tmp_path):
    for folder in ("national/cohort-1", "South East/cohort-1", "london_north/cohort-1", "london/cohort-1"):
        (raw / folder).mkdir(parents=True)
    found = paths.discover(tmp_path)
    assert found.cohorts == (CohortId("london", 1),)
    assert len(found.notes) == 3
    national = [n for n in found.notes if "national" in Path(n.split(":")[0]).name]
    assert len(national) == 1 and "reserved" in national[0]
    assert any("South East" in n and "not a valid slug" in n for n in found.notes)
    assert any("london_north" in n and "not a valid slug" in n for n in found.notes)


def test_discovery_ignores_what_is_not_a_cohort_folder(raw, tmp_path):
    (raw / "london" / "cohort-1").mkdir(parents=True)
    touch(raw / "README.md")
    touch(raw / "london" / "notes.txt")
    touch(raw / "london" / "columns.toml")
    (raw / "london" / "drafts").mkdir()
    touch(raw / "london" / "cohort-5")  # a file, not a folder
    (raw / ".hidden-region" / "cohort-1").mkdir(parents=True)
    found = paths.discover(tmp_path)
    assert found.cohorts == (CohortId("london", 1),)
    assert found.notes == ()


def test_discovery_notes_cohort_folders_with_a_bad_number(raw, tmp_path):
    for name in ("cohort-0", "cohort-01", "cohort-two", "cohort-3"):
        (raw / "london" / name).mkdir(parents=True)
    found = paths.discover(tmp_path)
    assert found.cohorts == (CohortId("london", 3),)
    assert sorted(Path(n.split(": ")[0]).name for n in found.notes) == ["cohort-0", "cohort-01", "cohort-two"]


def test_discovery_limited_to_one_region(raw, tmp_path):
    for folder in ("london/cohort-1", "midlands/cohort-1", "midlands/cohort-2"):
        (raw / folder).mkdir(parents=True)
    assert paths.discover(tmp_path, "midlands").cohorts == (CohortId("midlands", 1), CohortId("midlands", 2))
    assert paths.discover(tmp_path, "wessex").cohorts == ()


def test_discovery_of_a_project_without_raw_data(tmp_path):
    assert paths.discover(tmp_path) == paths.Discovery(())


# ----------------------------------------------------------------------------------------------- keys


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with one cohort, a lock file, and a copy of the package's code (its report notebooks among it)."""
    touch(tmp_path / "data" / "raw" / "london" / "cohort-1" / "participants.csv", "participant_id,role\nA1,mentor\n")
    touch(tmp_path / "data" / "raw" / "london" / "cohort-1" / "enrolment.csv", "participant_id\nA1\n")
    touch(tmp_path / "requirements.lock", "pandas==2.3.3\n")
    shutil.copytree(SRC, tmp_path / "package", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


COHORT = CohortId("london", 1)
SETTINGS = {"kind": "report", "html": True, "psych_offered": None}


def key(project: Path, settings: dict | None = None) -> str:
    code = records.code_digests(project, package=project / "package")
    return records.cohort_key(project, COHORT, code, settings or SETTINGS)


def test_the_key_is_stable_for_the_same_inputs(project):
    assert key(project) == key(project)


def test_the_key_is_a_sha256(project):
    assert re.fullmatch(r"[0-9a-f]{64}", key(project))


@pytest.mark.parametrize("change", [
    "raw file bytes", "raw file added", "programme.toml", "region columns.toml", "package code", "template",
    "notebook", "requirements.lock",
])
def test_the_key_changes_when_an_input_changes(project, change):
    before = key(project)
    raw = project / "data" / "raw" / "london" / "cohort-1"
    if change == "raw file bytes":
        touch(raw / "enrolment.csv", "participant_id\nA2\n")
    elif change == "raw file added":
        touch(raw / "end_survey.csv", "participant_id\nA1\n")
    elif change == "programme.toml":
        touch(raw / "programme.toml", "psych_sessions_offered = 0\n")
    elif change == "region columns.toml":
        touch(raw.parent / "columns.toml", "[end_survey]\n")
    elif change == "package code":
        path = project / "package" / "findings" / "cohort.py"
        path.write_text(path.read_text() + "\n# a change\n")
    elif change == "template":
        path = project / "package" / "render" / "templates" / "offline" / "index.html.j2"
        path.write_text(path.read_text() + "\n")
    elif change == "notebook":
        path = project / "package" / "render" / "notebooks" / "report.ipynb"
        path.write_text(path.read_text().replace('"cells": [', '"cells": [\n', 1))
    elif change == "requirements.lock":
        touch(project / "requirements.lock", "pandas==2.3.4\n")
    assert key(project) != before


@pytest.mark.parametrize("setting", [{"html": False}, {"psych_offered": 2}, {"kind": "publish"}])
def test_the_key_changes_with_the_settings(project, setting):
    assert key(project, {**SETTINGS, **setting}) != key(project)


def test_the_key_ignores_what_is_not_an_input(project):
    before = key(project)
    touch(project / "package" / "findings" / "__pycache__" / "cohort.cpython-311.pyc", "bytecode")
    touch(project / "package" / "render" / "notebooks" / ".ipynb_checkpoints" / "report-checkpoint.ipynb", "{}")
    touch(project / "notebooks" / "exploratory" / "scratch.ipynb", "{}")
    touch(project / "data" / "raw" / "midlands" / "cohort-1" / "participants.csv", "other cohort")
    touch(project / "reports" / "london" / "cohort-1" / "findings.csv", "an output")
    assert key(project) == before


def test_the_key_is_the_sha256_of_its_parts_as_json():
    expected = hashlib.sha256(b'["level",[["a",1,"k"]]]').hexdigest()
    assert records.input_key("level", [["a", 1, "k"]]) == expected


def test_a_level_key_changes_when_any_cohort_key_or_the_membership_changes():
    code = {"package": {"a.py": "1"}}
    members = {CohortId("london", 1): "k1", CohortId("london", 2): "k2"}
    base = records.level_key("london", members, code, SETTINGS)
    assert records.level_key("london", dict(reversed(members.items())), code, SETTINGS) == base
    assert records.level_key("london", {**members, CohortId("london", 2): "k2'"}, code, SETTINGS) != base
    assert records.level_key("london", {CohortId("london", 1): "k1"}, code, SETTINGS) != base
    assert records.level_key("national", members, code, SETTINGS) != base
    assert records.level_key("london", members, {"package": {"a.py": "2"}}, SETTINGS) != base


# -------------------------------------------------------------------------------------------- records


def test_a_record_vouches_only_for_the_outputs_it_recorded(tmp_path):
    folder = tmp_path / "reports" / "london" / "cohort-1"
    findings = touch(folder / "findings.csv", "a,b\n1,2\n")
    records.Record("K", {"reports/london/cohort-1/findings.csv": hashlib.sha256(b"a,b\n1,2\n").hexdigest()}).write(
        folder, "report")
    assert records.is_unchanged(tmp_path, folder, "report", "K")
    assert not records.is_unchanged(tmp_path, folder, "report", "other key")
    assert not records.is_unchanged(tmp_path, folder, "publish", "K")
    findings.write_text("a,b\n1,3\n")  # replaced by another command or by hand
    assert not records.is_unchanged(tmp_path, folder, "report", "K")
    findings.unlink()
    assert not records.is_unchanged(tmp_path, folder, "report", "K")


def test_a_record_staged_with_the_outputs_is_committed_with_them(tmp_path):
    from rm_research.run import outputs

    folder = tmp_path / "reports" / "london" / "cohort-1"
    lock = tmp_path / "reports" / "london" / ".cohort-1.lock"
    with outputs.locked(lock) as held, held.replacing() as staging:
        staging.path(folder / "findings.csv").write_text("new")
        records.stage_record(staging, tmp_path, folder, "report", "K")
        assert not records.Record.path(folder, "report").exists()  # nothing is in place before the commit
    assert records.Record.read(folder, "report") == records.Record("K", {
        "reports/london/cohort-1/findings.csv": hashlib.sha256(b"new").hexdigest()},
        {"reports/london/cohort-1/findings.csv": records.file_stat(folder / "findings.csv")})  # moved, not copied
    assert records.is_unchanged(tmp_path, folder, "report", "K")
    with outputs.locked(lock) as held, held.replacing() as staging:  # no key: the record goes with the commit
        staging.path(folder / "findings.csv").write_text("other")
        records.stage_record(staging, tmp_path, folder, "report", None)
    assert not records.Record.path(folder, "report").exists()


def test_a_record_reads_no_output_that_is_still_the_file_it_recorded(tmp_path, monkeypatch):
    folder = tmp_path / "reports" / "london" / "cohort-1"
    findings = touch(folder / "findings.csv", "a,b\n1,2\n")
    relative = "reports/london/cohort-1/findings.csv"
    records.Record("K", {relative: hashlib.sha256(b"a,b\n1,2\n").hexdigest()},
                   {relative: records.file_stat(findings)}).write(folder, "report")
    digest = records.file_digest
    read = []
    monkeypatch.setattr(records, "file_digest", lambda path: read.append(path) or digest(path))
    assert records.is_unchanged(tmp_path, folder, "report", "K") and read == []  # the same file: not read
    recorded = records.file_stat(findings)

    def replace_with(text: str) -> None:
        findings.unlink()
        touch(findings, text)
        # a new file may reuse the inode within the file system's clock tick: a later time, as any later write has
        os.utime(findings, ns=(recorded[1] + 10**9, recorded[1] + 10**9))

    replace_with("a,b\n1,2\n")  # by the same bytes: a new file, read and found the same
    assert records.is_unchanged(tmp_path, folder, "report", "K") and read == [findings]
    replace_with("a,b\n9,9\n")  # by other bytes of the same size
    assert not records.is_unchanged(tmp_path, folder, "report", "K")


def test_input_digests_are_kept_and_read_again_only_for_a_changed_file(project, monkeypatch):
    raw = project / "data" / "raw" / "london" / "cohort-1" / "enrolment.csv"
    first = records.InputDigests(project)
    assert first.digest(raw) == records.file_digest(raw)
    first.save()
    digest = records.file_digest
    read = []
    monkeypatch.setattr(records, "file_digest", lambda path: read.append(path) or digest(path))
    again = records.InputDigests(project)
    assert again.digest(raw) == digest(raw) and read == []  # kept from the last run
    raw.write_text("participant_id\nB7\n")  # an edit of the same size: the change time moves
    assert again.digest(raw) == digest(raw) == hashlib.sha256(b"participant_id\nB7\n").hexdigest()
    assert read == [raw]


def test_a_plan_gives_the_same_keys_with_and_without_kept_digests(project):
    settings = collaborative.key_settings("report", True, False, Settings())
    cold = records.cohort_key(project, COHORT, records.code_digests(project), settings)
    plan = collaborative.make_plan(project)  # keeps the digests
    assert plan.cohort_keys[COHORT] == cold
    assert collaborative.make_plan(project).cohort_keys[COHORT] == cold  # read back


@pytest.mark.parametrize("text", ["", "not json", '{"key": "K"}', '["K"]'])
def test_a_damaged_record_means_rebuild(tmp_path, text):
    touch(tmp_path / ".report-inputs.json", text)
    assert records.Record.read(tmp_path, "report") is None
    assert not records.is_unchanged(tmp_path, tmp_path, "report", "K")


# ------------------------------------------------------------------------------------ progress, summary


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_off_when_stderr_is_not_a_terminal():
    assert not collaborative.progress_enabled(io.StringIO(), Settings.resolve({}).in_ci)


@pytest.mark.parametrize("ci", ["true", "1", "yes"])
def test_progress_bar_off_in_ci(ci):
    assert not collaborative.progress_enabled(Terminal(), Settings.resolve({"CI": ci}).in_ci)


@pytest.mark.parametrize("environ", [{}, {"CI": ""}, {"CI": "false"}, {"CI": "0"}])
def test_progress_bar_on_a_terminal(environ):
    assert collaborative.progress_enabled(Terminal(), Settings.resolve(environ).in_ci)


@pytest.mark.parametrize(("statuses", "expected"), [
    ([0, 0], 0), ([0, 2], 2), ([2, 4, 0], 4), ([4, 1, 2], 1), ([], 0)])
def test_the_exit_status_is_the_most_serious(statuses, expected):
    assert collaborative.exit_status([Outcome("x", "s", exit_status=s) for s in statuses]) == expected


def test_the_summary_lists_each_report_with_status_time_and_place(tmp_path):
    outcomes = [
        Outcome("london cohort 1", collaborative.RENDERED, 12.34, tmp_path / "reports" / "london" / "cohort-1"),
        Outcome("london cohort 2", collaborative.BAD_DATA, 0.5, detail="Found 1 problem(s)"),
        Outcome("london (region)", collaborative.UNCHANGED, where=tmp_path / "reports" / "london"),
    ]
    lines = collaborative.summary_table(outcomes, tmp_path).splitlines()
    assert lines[0].split() == ["report", "status", "time", "where"]
    assert lines[1].split() == ["london", "cohort", "1", "rendered", "12.3", "s", "reports/london/cohort-1/"]
    assert lines[2].split() == ["london", "cohort", "2", "bad", "data", "0.5", "s"]
    assert lines[3].split() == ["london", "(region)", "unchanged", "reports/london/"]
    assert collaborative.counts(outcomes) == "1 rendered, 1 bad data, 1 unchanged"
    assert list(collaborative.problem_sections(outcomes)) == ["london cohort 2: bad data\nFound 1 problem(s)"]


def test_planning_imports_no_heavy_library(tmp_path):
    """Deciding "unchanged" must not pay for pandas, scipy, statsmodels or papermill."""
    (tmp_path / "data" / "raw" / "london" / "cohort-1").mkdir(parents=True)
    code = ("import sys; from pathlib import Path; from rm_research.core import paths; "
            "from rm_research.run import cli, collaborative; "
            f"plan = collaborative.make_plan(Path({str(tmp_path)!r})); plan.cohort_task(paths.CohortId('london', 1)); "
            "print(sorted(m for m in ('pandas', 'scipy', 'statsmodels', 'papermill', 'nbconvert') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# ------------------------------------------------------------------------------------------ Ctrl-C

def test_ctrl_c_cancels_every_report_not_yet_started(project, monkeypatch):
    # a pool whose tasks never finish, and a Ctrl-C while waiting for them: run must cancel what is
    # queued (leaving the pool would otherwise wait for every queued report to be made) and re-raise
    from concurrent.futures import Future, ProcessPoolExecutor

    seen: dict[str, object] = {}

    class Pool(ProcessPoolExecutor):
        def __init__(self) -> None:
            super().__init__(max_workers=1)

        def submit(self, function, *args):
            seen.setdefault("submitted", []).append(args)
            return Future()

        def shutdown(self, wait=True, *, cancel_futures=False):
            seen.setdefault("shutdown", []).append((wait, cancel_futures))
            super().shutdown(wait=False)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(collaborative, "_executor", lambda jobs, kept=None: Pool())
    monkeypatch.setattr(collaborative, "wait_for", interrupted)
    plan = collaborative.make_plan(project)
    with pytest.raises(KeyboardInterrupt):
        collaborative.run(plan, jobs=2)
    assert len(seen["submitted"]) == 1 and seen["shutdown"][0] == (False, True)


def test_the_command_says_it_stopped_and_exits_130(monkeypatch, capsys, tmp_path):
    from rm_research.run import cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setitem(cli.COMMANDS, "reports", interrupted)
    assert cli.main(["reports", "--root", str(tmp_path)]) == cli.EXIT_INTERRUPTED == 130
    err = capsys.readouterr().err
    assert err.startswith("rm-research: stopped.") and "Traceback" not in err


def test_discovery_notes_folders_named_like_cohorts_with_the_name_meant(raw, tmp_path):
    for name in ("Cohort-3", "cohort 4", "cohort_5", "cohort-06", "cohort-2", "drafts", "cohort-notes"):
        (raw / "london" / name).mkdir(parents=True)
    found = paths.discover(tmp_path)
    assert found.cohorts == (CohortId("london", 2),)
    hints = {Path(n.split(": ")[0]).name: n.rsplit("; ", 1)[-1].split("passed over: ")[-1] for n in found.notes}
    assert hints == {"Cohort-3": "did you mean cohort-3?", "cohort 4": "did you mean cohort-4?",
                     "cohort_5": "did you mean cohort-5?", "cohort-06": "did you mean cohort-6?",
                     "cohort-notes": "a cohort folder is named cohort-N, N a positive whole number without leading "
                                     "zeros (e.g. cohort-3)"}


def test_folders_passed_over_are_listed_at_the_end_and_the_command_exits_2(raw, tmp_path, monkeypatch, capsys):
    from rm_research.run import cli

    (raw / "london" / "cohort-1").mkdir(parents=True)
    (raw / "london" / "Cohort 2").mkdir(parents=True)
    monkeypatch.setattr(collaborative, "run", lambda plan, jobs=None, progress=None: [])
    assert cli.main(["reports", "--root", str(tmp_path)]) == cli.EXIT_BAD_DATA
    err = capsys.readouterr().err
    assert "Passed over, so not in any report:" in err and "did you mean cohort-2?" in err.rsplit("Passed over", 1)[1]


def test_national_is_not_a_region_to_limit_to(tmp_path, capsys):
    from rm_research.run import cli

    assert cli.main(["reports", "--root", str(tmp_path), "--region", "national"]) == cli.EXIT_BAD_DATA
    assert "run reports without --region" in capsys.readouterr().err


def test_workers_leave_ctrl_c_to_the_command():
    # the terminal sends Ctrl-C to every process of the command: the workers ignore it, so the
    # reports being made finish whole while the command cancels the rest
    import signal

    pool = collaborative._executor(2)
    try:
        assert pool._initializer is collaborative._start_worker and pool._initargs == (None,)
    finally:
        pool.shutdown()
    previous = signal.getsignal(signal.SIGINT)
    try:
        collaborative._leave_interrupts_to_the_command()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("level", ["london", "national"])
def test_a_single_publish_beside_level_reports_says_to_run_publish_all(tmp_path, monkeypatch, capsys, level):
    # one cohort published alone is audited on its own: the region and national reports already
    # published could give its hidden figures away, so the command says so
    from rm_research.core.paths import CohortPaths
    from rm_research.run import cli
    from rm_research.run import cohort as pipeline

    monkeypatch.setattr(pipeline, "run_publish", lambda root, region, cohort, **kw: CohortPaths(root, region, cohort))
    argv = ["publish", "--region", "london", "--cohort", "1", "--root", str(tmp_path)]
    assert cli.main(argv) == 0 and "publish-all" not in capsys.readouterr().err
    touch(tmp_path / "reports" / level / "findings-public.csv")
    assert cli.main(argv) == 0 and "run publish-all before publishing" in capsys.readouterr().err


# ------------------------------------------------------------------------ public files of data now gone

PUBLIC = ("report-public.html", "report-public.docx", "findings-public.csv", ".publish-inputs.json")
INTERNAL = ("report.html", "findings.csv", ".report-inputs.json")


def _published(folder: Path) -> None:
    for name in (*PUBLIC, *INTERNAL):
        touch(folder / name, f"{name} of {folder.name}\n")


@pytest.mark.parametrize("national", [True, False])
def test_public_files_of_a_cohort_whose_data_are_gone_are_removed_and_named(tmp_path, national):
    """A cohort removed from data/raw (consent withdrawn) leaves no public file behind after publish-all,
    whose summary names it; its internal files, and every other cohort's files, are left as they were.
    A region with no cohort left loses its public files too, when every region is published."""
    for region, number in (("london", 1), ("london", 2), ("north", 1)):
        _published(tmp_path / "reports" / region / f"cohort-{number}")
    _published(tmp_path / "reports" / "london")
    _published(tmp_path / "reports" / "north")
    touch(tmp_path / "data" / "raw" / "london" / "cohort-1" / "participants.csv", "participant_id,role\nA1,mentor\n")
    before = {p: p.read_bytes() for p in (tmp_path / "reports").rglob("*") if p.is_file()}
    plan = collaborative.make_plan(tmp_path, collaborative.PUBLISH, region=None if national else "london")
    withdrawn = collaborative.withdraw_orphans(plan)
    assert withdrawn == (["london/2", "north/1", "north"] if national else ["london/2"])
    gone = {tmp_path / "reports" / unit.replace("/", "/cohort-") / name for unit in withdrawn for name in PUBLIC}
    after = {p: p.read_bytes() for p in (tmp_path / "reports").rglob("*") if p.is_file() and "lock" not in p.name}
    assert after == {p: content for p, content in before.items() if p not in gone}
    assert collaborative.withdraw_orphans(plan) == []  # nothing left to remove


def test_a_single_report_keeps_the_record_make_reports_reads(tmp_path):
    """Issue 18: make reports, make report COHORT=1, make reports rendered cohort 1 again, as make report
    threw the record away. Its key is now the one make reports computes for the same outputs."""
    folder = tmp_path / "data" / "raw" / "london" / "cohort-1"
    folder.mkdir(parents=True)
    (folder / "participants.csv").write_text("participant_id\n", encoding="utf-8")
    cohort = CohortId("london", 1)
    for docx in (False, True):
        plan = collaborative.make_plan(tmp_path, docx=docx)
        assert collaborative.cohort_record_key(tmp_path, cohort, docx=docx) == plan.cohort_keys[cohort]
    assert collaborative.cohort_record_key(tmp_path, cohort, html=False) != plan.cohort_keys[cohort]


def test_the_nation_is_made_when_its_regions_settle_without_running(tmp_path, monkeypatch):
    """A publish starts the nation after its regions; where the last regions settle at once (unchanged or
    skipped), the nation became ready after the loop had looked, and was dropped (found in review)."""
    for region in ("east", "west"):
        folder = tmp_path / "data" / "raw" / region / "cohort-1"
        folder.mkdir(parents=True)
        (folder / "participants.csv").write_text("participant_id\n", encoding="utf-8")
    plan = collaborative.make_plan(tmp_path, collaborative.PUBLISH)
    monkeypatch.setattr(collaborative.Plan, "cohort_task", lambda self, cohort: None)
    monkeypatch.setattr(collaborative.Plan, "level_task", lambda self, level, good: None)
    outcomes = collaborative.run(plan, jobs=1)
    assert [(o.label, o.status) for o in outcomes][-3:] == [("east (region)", "unchanged"), ("west (region)", "unchanged"),
                                                             ("national", "unchanged")]
