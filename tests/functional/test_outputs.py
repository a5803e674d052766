"""No output is ever lost: a set of files in several folders is replaced all together or not at all,
even when the process is killed (SIGKILL) at any step of the commit, and the next run cleans up."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from rm_research.core.config import LOCK_TIMEOUT_VARIABLE, Settings, SettingsError
from rm_research.core.problems import OutputError
from rm_research.run import outputs

BIG = 200_000  # characters per file: large enough that a half-written file would show
OLD = {"a/x.csv": "old x", "a/y.csv": "old y", "b/deep/z.html": "old z", "a/gone.csv": "old gone", "c/new.csv": None}
NEW = {"a/x.csv": "new x", "a/y.csv": "new y", "b/deep/z.html": "new z", "a/gone.csv": None, "c/new.csv": "new new"}
NOTES = "a/notes.txt"  # a user's file beside the outputs: never touched
LOCK = "locks/.set.lock"
#: Writes NEW over OLD (four moves, then one removal: op-1 to op-5) under the lock, optionally dying at a step.
CHILD = f"""
import json, sys
from pathlib import Path
from rm_research.run import outputs
root, new, big = Path(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
with outputs.locked(root / {LOCK!r}) as held, held.replacing() as staging:
    for name, text in new.items():
        if text is None:
            staging.remove(root / name)
        else:
            staging.path(root / name).write_text(text * big)
"""
BEFORE_COMMIT = ["prepared", "staged", "commit-record-written"]
AT_OR_AFTER_COMMIT = ["committed", "op-1", "op-2", "op-3", "op-4", "op-5", "ops-done", "cleaned"]


def write_set(root: Path, files: dict[str, str | None]) -> None:
    for name, text in files.items():
        if text is not None:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text * BIG)


def read_set(root: Path) -> dict[str, str | None]:
    """Each file as its short name ("old x"), None if absent; fails if any file is not whole."""
    found = {}
    for name in OLD:
        path = root / name
        if not path.exists():
            found[name] = None
            continue
        text = path.read_text()
        unit = text[: len(text) // BIG]
        assert unit * BIG == text, f"{name} is not a whole file"
        found[name] = unit
    return found


def leftovers(root: Path) -> list[str]:
    """Staging folders, journals and temporary journals anywhere under ``root``."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.name.startswith(outputs.STAGING_PREFIX) or ".journal" in p.name)


def run_child(root: Path, die_at: str | None, files: dict[str, str | None] = NEW) -> subprocess.CompletedProcess:
    env = {**os.environ, outputs.DIE_AT_VARIABLE: die_at or ""}
    return subprocess.run([sys.executable, "-c", CHILD, str(root), json.dumps(files), str(BIG)],
                          env=env, capture_output=True, text=True, timeout=120)


def recover(root: Path) -> None:
    with outputs.locked(root / LOCK):
        pass


@pytest.fixture
def project(tmp_path):
    write_set(tmp_path, OLD)
    (tmp_path / NOTES).write_text("my notes")
    return tmp_path


@pytest.mark.parametrize("step", BEFORE_COMMIT + AT_OR_AFTER_COMMIT)
def test_killed_at_any_step_recovery_gives_the_old_or_the_new_complete_set(project, step):
    killed = run_child(project, step)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    read_set(project)  # every file whole even before recovery
    recover(project)
    assert read_set(project) == (OLD if step in BEFORE_COMMIT else NEW)
    assert leftovers(project) == []
    assert (project / NOTES).read_text() == "my notes"
    if step in BEFORE_COMMIT:
        assert not (project / "c").exists()  # a folder made only for the abandoned run goes with it


def test_an_uninterrupted_run_replaces_exactly_its_own_files(project):
    assert run_child(project, None).returncode == 0
    assert read_set(project) == NEW
    assert leftovers(project) == []
    assert (project / NOTES).read_text() == "my notes"


def test_a_recovery_that_is_itself_killed_is_finished_by_the_next(project):
    assert run_child(project, "op-2").returncode == -signal.SIGKILL
    recovering = subprocess.run(
        [sys.executable, "-c", f"from pathlib import Path; from rm_research.run import outputs\n"
                               f"with outputs.locked(Path({str(project / LOCK)!r})): pass"],
        env={**os.environ, outputs.DIE_AT_VARIABLE: "op-4"}, capture_output=True, text=True, timeout=120)
    assert recovering.returncode == -signal.SIGKILL, recovering.stderr
    recover(project)
    assert read_set(project) == NEW
    assert leftovers(project) == []


def test_the_next_run_after_a_kill_writes_its_own_set_whole(project):
    assert run_child(project, "op-1").returncode == -signal.SIGKILL
    third = {name: (None if text is None else text.replace("new", "third")) for name, text in NEW.items()}
    assert run_child(project, None, third).returncode == 0
    assert read_set(project) == third
    assert leftovers(project) == []


def stage_new(project: Path) -> None:
    with outputs.locked(project / LOCK) as held, held.replacing() as staging:
        for name, text in NEW.items():
            if text is None:
                staging.remove(project / name)
            else:
                staging.path(project / name).write_text(text * BIG)


def test_an_error_in_the_block_changes_nothing(project):
    with pytest.raises(RuntimeError), outputs.locked(project / LOCK) as held, held.replacing() as staging:
        staging.path(project / "a/x.csv").write_text("half")
        raise RuntimeError("rendering failed")
    assert read_set(project) == OLD
    assert leftovers(project) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_a_failure_to_write_the_commit_record_is_a_message_and_changes_nothing(project, monkeypatch, code):
    real_write = outputs.write_atomically

    def failing(path, text, before_rename=None):
        if '"committed"' in text:  # the commit record: half written, then the disk refuses
            path.with_name(path.name + ".tmp").write_text(text[:10])
            raise OSError(code, os.strerror(code), str(path) + ".tmp")
        real_write(path, text, before_rename)

    monkeypatch.setattr(outputs, "write_atomically", failing)
    with pytest.raises(OutputError, match="Earlier outputs were left as they were") as caught:
        stage_new(project)
    assert "Traceback" not in str(caught.value)
    assert read_set(project) == OLD
    assert leftovers(project) == []


def test_a_folder_in_the_way_of_a_file_is_a_message(project):
    (project / "a" / "y.csv").unlink()
    (project / "a" / "y.csv").mkdir()
    with pytest.raises(OutputError, match=r"y\.csv: a folder of that name is in the way"):
        stage_new(project)
    assert (project / "a" / "x.csv").read_text() == "old x" * BIG
    assert leftovers(project) == []


def test_a_damaged_journal_is_a_message_saying_what_to_delete(project):
    journal = project / "locks" / ".set.journal"
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text("{not json")
    with pytest.raises(OutputError, match=r"set\.journal, is damaged.*Please delete"):
        recover(project)


@pytest.mark.parametrize("value", ["ten minutes", "-5", "nan"])
def test_a_bad_lock_timeout_setting_is_a_message(value):
    with pytest.raises(SettingsError, match=f"RM_RESEARCH_LOCK_TIMEOUT='{value}' is not a number of seconds"):
        Settings.resolve({LOCK_TIMEOUT_VARIABLE: value})


def test_the_command_says_so_before_it_touches_anything(tmp_path, monkeypatch, capsys):
    from rm_research.run.cli import EXIT_BAD_DATA, main

    monkeypatch.setenv(LOCK_TIMEOUT_VARIABLE, "ten minutes")
    assert main(["report", "--cohort", "1", "--root", str(tmp_path)]) == EXIT_BAD_DATA
    assert "RM_RESEARCH_LOCK_TIMEOUT='ten minutes' is not a number of seconds" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_folders_left_by_the_old_folder_swap_are_removed(tmp_path):
    folder = tmp_path / "cohort-1"
    folder.mkdir()
    (folder / "findings.csv").write_text("current")
    for leftover in (".cohort-1-new-abc123", ".cohort-1-old-def456"):
        (tmp_path / leftover).mkdir()
        (tmp_path / leftover / "participants.csv").write_text("personal data")
    (tmp_path / ".cohort-10-old-xyz").mkdir()  # another cohort's: not ours to touch
    outputs.remove_legacy_staging(folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cohort-10-old-xyz", "cohort-1"]
    assert (folder / "findings.csv").read_text() == "current"


def test_a_folder_lost_mid_swap_by_the_old_code_is_put_back(tmp_path):
    (tmp_path / ".cohort-1-new-abc123").mkdir()
    (tmp_path / ".cohort-1-old-def456").mkdir()
    (tmp_path / ".cohort-1-old-def456" / "findings.csv").write_text("earlier")
    outputs.remove_legacy_staging(tmp_path / "cohort-1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort-1"]
    assert (tmp_path / "cohort-1" / "findings.csv").read_text() == "earlier"


# The whole report command, killed mid-commit: processed tables and findings stay one consistent set.

REGION = "test-region"


def cohort_outputs(root: Path) -> list[dict[str, bytes]]:
    """Every output's bytes; a record's without the outputs' file identities (``records.FileStat``), which
    name the very files one run wrote and differ from another run's of the same bytes."""
    def content(path: Path) -> bytes:
        if not path.name.endswith("-inputs.json"):
            return path.read_bytes()
        return json.dumps({k: v for k, v in json.loads(path.read_bytes()).items() if k != "stats"}).encode()

    folders = [root / "data" / "processed" / REGION / "cohort-1", root / "reports" / REGION / "cohort-1"]
    return [{p.name: content(p) for p in sorted(folder.iterdir())} for folder in folders]


@pytest.fixture(scope="module")
def reports_before_and_after(tmp_path_factory):
    """A project holding a report of the fixture (old), its raw data since changed (training.csv gone,
    one rating changed), and the outputs a complete report of the changed data gives (new)."""
    from rm_research.run.cli import main
    from rm_research.run.cohort import run_report
    from tests.helpers import FIXTURE, write_cohort

    root = tmp_path_factory.mktemp("killed") / "project"
    raw = write_cohort(root / "data" / "raw" / REGION / "cohort-1")
    run_report(root, REGION, 1, html=False)
    old = cohort_outputs(root)
    (raw / "training.csv").unlink()
    (raw / "enrolment.csv").write_text(FIXTURE["enrolment"].replace("A1,2020-10-05,5", "A1,2020-10-05,2"))
    complete = root.parent / "complete"
    shutil.copytree(root, complete)
    # as the killed command writes them: with the record make reports reads (issue 18)
    assert main(["report", "--no-html", "--region", REGION, "--cohort", "1", "--root", str(complete)]) == 0
    new = cohort_outputs(complete)
    assert old != new and "training.csv" not in new[0]
    return root, old, new


@pytest.mark.parametrize("step", ["staged", "committed", "op-3", "op-8"])  # op-8: training.csv's removal
def test_a_report_killed_mid_commit_recovers_to_the_old_or_the_new_outputs(reports_before_and_after, tmp_path, step):
    from rm_research.core.paths import CohortPaths
    from rm_research.run.cohort import cohort_outputs as locked_cohort

    original, old, new = reports_before_and_after
    root = tmp_path / "project"
    shutil.copytree(original, root)
    killed = subprocess.run(
        [sys.executable, "-m", "rm_research.run.cli", "report", "--no-html", "--region", REGION, "--cohort", "1",
         "--root", str(root)], env={**os.environ, outputs.DIE_AT_VARIABLE: step}, capture_output=True, text=True,
        timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    with locked_cohort(CohortPaths(root, REGION, 1)):
        pass
    assert cohort_outputs(root) == (old if step == "staged" else new)
    assert [p for p in root.rglob(".*") if not p.name.endswith((".lock", "-inputs.json"))] == []
    if step != "staged":  # the new outputs are the very files the record names (moved into place, not copied)
        from rm_research.run.records import Record, file_stat

        record = Record.read(root / "reports" / REGION / "cohort-1", "report")
        assert record is not None and {path: file_stat(root / path) for path in record.outputs} == dict(record.stats)
