"""Raw data is only ever read: no open-for-writing, rename or removal under data/raw, ever."""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from rm_research.findings.cohort import cohort_findings
from rm_research.ingest.load import load_cohort
from rm_research.run.cli import EXIT_OK, main
from tests.conftest import make_project

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
CHANGING_EVENTS = {"os.rename", "os.replace", "os.remove", "os.rmdir", "os.chmod", "os.truncate", "shutil.rmtree"}
WATCHED: list[str] = []  # folders whose modification the hook records
SEEN: list[tuple] = []


def _audit(event: str, args: tuple) -> None:
    if not WATCHED or event not in CHANGING_EVENTS | {"open"}:
        return
    path = args[0]
    if not isinstance(path, str | bytes | os.PathLike):
        return
    path = os.fsdecode(path)
    if not any(path.startswith(folder) for folder in WATCHED):
        return
    if event == "open":
        mode, flags = args[1], args[2]
        if not ((mode and any(c in mode for c in "wax+")) or (flags and flags & WRITE_FLAGS)):
            return
    SEEN.append((event, path))


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one only acts while WATCHED is set


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def watched_project(tmp_path):
    root = make_project(tmp_path)
    raw = root / "data" / "raw"
    for path in raw.rglob("*"):  # read-only as well (this alone proves nothing when tests run as root)
        path.chmod(stat.S_IREAD | (stat.S_IEXEC if path.is_dir() else 0))
    WATCHED.append(str(raw))
    SEEN.clear()
    yield root
    WATCHED.clear()
    for path in raw.rglob("*"):
        path.chmod(stat.S_IRWXU)


def test_the_hook_sees_a_write(watched_project):
    target = watched_project / "data" / "raw" / "south-east" / "cohort-1" / "participants.csv"
    with contextlib.suppress(PermissionError):  # as a normal user the read-only mode refuses it
        open(target, "a").close()
    assert SEEN and SEEN[0][1] == str(target)


def test_validate_report_and_verify_never_write_raw_files(watched_project):
    folder = watched_project / "data" / "raw" / "south-east" / "cohort-1"
    before = digests(folder)
    for command in (["validate"], ["report", "--no-html"], ["verify"]):
        assert main([*command, "--cohort", "1", "--root", str(watched_project)]) == EXIT_OK
    assert SEEN == []
    assert digests(folder) == before


def test_xlsx_exports_give_the_same_findings_as_csv(tmp_path):
    root = make_project(tmp_path)
    folder = root / "data" / "raw" / "south-east" / "cohort-1"
    from_csv = cohort_findings(load_cohort(root, "south-east", 1))
    for path in folder.glob("*.csv"):
        pd.read_csv(path).to_excel(path.with_suffix(".xlsx"), index=False)  # numbers as numbers, as Excel has them
        path.unlink()
    pdt.assert_frame_equal(cohort_findings(load_cohort(root, "south-east", 1)), from_csv)
