"""Each command replaces only the files it writes, together, one run per cohort at a time; failures are
messages and leave earlier outputs as they were; CSV cells cannot run as spreadsheet formulas."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from rm_research.core.config import LOCK_TIMEOUT_VARIABLE, Settings
from rm_research.core.paths import CohortPaths, region_title
from rm_research.core.problems import OutputError
from rm_research.run import cohort as pipeline
from rm_research.run import step
from tests.helpers import FIXTURE, write_cohort

REGION = "test-region"
INTERNAL_PAGE = f"<p>Reverse Mentoring (race) Programme: {region_title(REGION)}, cohort 1</p>"  # default programme.toml
PUBLIC_PAGE = f"<p>Reverse Mentoring (race) Programme: {region_title(REGION)}, cohort 1 (public)</p>"
#: Holds the cohort's lock until its standard input closes: "another run in progress".
HOLDER = ("import sys; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire(); "
          "print('held', flush=True); sys.stdin.read()")


@pytest.fixture
def paths(tmp_path) -> CohortPaths:
    write_cohort(tmp_path / "data" / "raw" / REGION / "cohort-1")
    return CohortPaths(tmp_path, REGION, 1)


@pytest.fixture
def fake_notebooks(monkeypatch):
    """Notebook execution and rendering replaced by pages naming their title (seconds saved per run);
    disclosure control is tested elsewhere."""
    import nbformat

    from rm_research.disclosure import control as disclosure
    from rm_research.render import notebook as report

    monkeypatch.setattr(report, "run_notebook", lambda *args, **kwargs: nbformat.v4.new_notebook())
    monkeypatch.setattr(report, "render_html", lambda notebook, title: f"<p>{title}</p>")
    monkeypatch.setattr(disclosure, "public_findings", lambda findings, *rule: findings.astype(str))


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def everything(paths: CohortPaths) -> list[dict[str, bytes]]:
    return [contents(paths.processed), contents(paths.reports)]


def hidden_leftovers(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob(".*")
                  if p.is_dir() or p.name.endswith((".journal", ".tmp")))


def report(paths: CohortPaths, html: bool = False) -> None:
    pipeline.run_report(paths.root, paths.region, paths.cohort, html=html)


# 1. each command replaces only the files it writes

def test_a_page_made_again_without_its_word_copy_removes_the_old_copy(paths, fake_notebooks, monkeypatch):
    """A Word copy left beside a page made since would no longer match it: the run removes it, and only it."""
    from rm_research.run import step

    monkeypatch.setattr(step, "word_version", lambda page, title, outputs_shown=(): f"docx of {page}".encode())
    pipeline.run_report(paths.root, REGION, 1, html=True, docx=True)
    pipeline.run_publish(paths.root, REGION, 1, docx=True)
    assert paths.report_docx.read_bytes() == f"docx of {INTERNAL_PAGE}".encode()
    pipeline.run_report(paths.root, REGION, 1, html=True)
    assert not paths.report_docx.exists() and paths.report_html.read_text() == INTERNAL_PAGE
    assert paths.public_docx.read_bytes() == f"docx of {PUBLIC_PAGE}".encode()  # the publish's, left alone


def test_publish_then_report_keeps_the_public_files(paths, fake_notebooks):
    report(paths)
    pipeline.run_publish(paths.root, REGION, 1)
    assert (paths.reports / "report-public.html").read_text() == PUBLIC_PAGE
    public = (paths.reports / "findings-public.csv").read_bytes()
    report(paths)
    assert (paths.reports / "report-public.html").read_text() == PUBLIC_PAGE
    assert (paths.reports / "findings-public.csv").read_bytes() == public


def test_report_without_html_keeps_the_earlier_report(paths, fake_notebooks):
    report(paths, html=True)
    assert paths.report_html.read_text() == INTERNAL_PAGE
    report(paths, html=False)
    assert paths.report_html.read_text() == INTERNAL_PAGE


def test_a_users_files_beside_the_outputs_are_never_touched(paths):
    report(paths)
    notes = {paths.processed / "notes.txt": "my notes", paths.processed / "participants-by-hand.csv": "mine",
             paths.reports / "minutes.docx": "minutes"}
    for path, text in notes.items():
        path.write_text(text)
    report(paths)
    assert {path: path.read_text() for path in notes} == notes


def test_a_processed_table_whose_raw_file_is_gone_is_removed(paths):
    report(paths)
    assert (paths.processed / "training.csv").is_file()
    (paths.raw / "training.csv").unlink()
    report(paths)
    assert sorted(p.name for p in paths.processed.iterdir()) == sorted(
        f"{name}.csv" for name in FIXTURE if name != "training")


def test_a_report_that_fails_to_render_leaves_earlier_outputs(paths, monkeypatch):
    from rm_research.render import notebook as rendering

    report(paths)
    before = everything(paths)
    monkeypatch.setattr(rendering, "run_notebook", lambda *args, **kwargs: object())
    monkeypatch.setattr(rendering, "render_html", lambda *args: (_ for _ in ()).throw(RuntimeError("nbconvert failed")))
    with pytest.raises(RuntimeError, match="nbconvert failed"):
        report(paths, html=True)
    assert everything(paths) == before
    assert hidden_leftovers(paths.root / "reports") == hidden_leftovers(paths.root / "data" / "processed") == []


# 2. stale staging folders of the old folder swap (personal data) are removed by the next run

def test_report_removes_the_hidden_copies_the_old_folder_swap_left(paths):
    for folder in (paths.processed, paths.reports):
        for leftover in (f".{folder.name}-new-k2j4h", f".{folder.name}-old-9xq1z"):
            (folder.parent / leftover).mkdir(parents=True)
            (folder.parent / leftover / "participants.csv").write_text("personal data")
    report(paths)
    assert hidden_leftovers(paths.root / "data" / "processed") == []
    assert [p for p in hidden_leftovers(paths.root / "reports") if not p.endswith(".lock")] == []


# 3. runs on one cohort are serialised by a lock

def hold_the_lock(paths: CohortPaths) -> subprocess.Popen:
    lock = pipeline.cohort_lock(paths)
    lock.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


@pytest.mark.parametrize("command", ["report", "publish"])
def test_a_second_run_says_one_is_in_progress_and_gives_up_after_the_time_limit(
        paths, fake_notebooks, monkeypatch, capsys, command):
    report(paths)
    before = everything(paths)
    impatient = Settings.resolve({LOCK_TIMEOUT_VARIABLE: "0.2"})  # as the command resolves it
    holder = hold_the_lock(paths)
    try:
        with pytest.raises(OutputError, match=r"Another run is still writing these outputs after 0\.2 s"):
            if command == "report":
                pipeline.run_report(paths.root, paths.region, paths.cohort, html=False, settings=impatient)
            else:
                pipeline.run_publish(paths.root, REGION, 1, settings=impatient)
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert "another run is writing these outputs" in capsys.readouterr().err
    assert everything(paths) == before


def test_a_second_run_waits_for_the_first_and_then_writes(paths):
    holder = hold_the_lock(paths)
    waiter = subprocess.Popen(
        [sys.executable, "-m", "rm_research.run.cli", "report", "--no-html", "--region", REGION, "--cohort", "1",
         "--root", str(paths.root)], stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        said = ""
        while "another run is writing" not in said:
            line = waiter.stderr.readline()
            assert line, f"the second run ended without saying it waits: {said}"
            said += line
        assert not paths.findings.exists()
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert waiter.wait(timeout=300) == 0, waiter.stderr.read()
    assert paths.findings.is_file()


# 4. folders and files honour the umask

@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_outputs_honour_the_umask(paths, umask):
    previous = os.umask(umask)
    try:
        report(paths)
    finally:
        os.umask(previous)
    made = [p for top in (paths.root / "reports", paths.root / "data" / "processed") for p in top.rglob("*")]
    modes = {str(p.relative_to(paths.root)): stat.S_IMODE(p.stat().st_mode) for p in made}
    assert modes and modes == {name: (0o777 if (paths.root / name).is_dir() else 0o666) & ~umask for name in modes}


# 5. writing fails cleanly, with a message, leaving earlier outputs as they were

def test_a_full_disk_is_a_message_and_leaves_earlier_outputs(paths, monkeypatch):
    report(paths)
    before = everything(paths)

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    with pytest.raises(OutputError) as caught:
        report(paths)
    assert str(caught.value).startswith(f"Could not write the outputs in {paths.processed}: the disk is full")
    assert "Earlier outputs were left as they were. Please free some space" in str(caught.value)
    assert everything(paths) == before
    assert hidden_leftovers(paths.root / "data" / "processed") == []


def simulate_read_only(monkeypatch, folder: Path, code: int) -> None:
    """Creating, writing or making folders anywhere inside ``folder`` fails as on a read-only disk
    (tests run as root here, which chmod cannot stop)."""
    def inside(path) -> bool:
        return Path(os.fsdecode(path)).absolute().is_relative_to(folder) and Path(os.fsdecode(path)) != folder

    real_open, real_mkdir = os.open, os.mkdir
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

    def fake_open(path, flags, *args, **kwargs):
        if flags & writing and inside(path):
            raise OSError(code, os.strerror(code), os.fsdecode(path))
        return real_open(path, flags, *args, **kwargs)

    def fake_mkdir(path, *args, **kwargs):
        if inside(path):
            raise OSError(code, os.strerror(code), os.fsdecode(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "mkdir", fake_mkdir)


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES])
@pytest.mark.parametrize("where", ["reports", "processed cohort"])
def test_a_read_only_folder_is_a_message_naming_it(paths, monkeypatch, code, where):
    report(paths)
    before = everything(paths)
    read_only = paths.root / "reports" if where == "reports" else paths.processed
    simulate_read_only(monkeypatch, read_only, code)
    with pytest.raises(OutputError) as caught:
        report(paths)
    message = str(caught.value)
    named = paths.reports.parent if where == "reports" else paths.processed
    assert message.startswith(f"Could not write the outputs in {named}: the folder is read-only or you do not "
                              "have permission to write there")
    assert f"Please ask for write access to {named}" in message
    monkeypatch.undo()
    assert everything(paths) == before
    assert hidden_leftovers(paths.root / "data" / "processed") == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write in read-only folders")
def test_a_really_read_only_reports_folder_is_a_message(paths):
    report(paths)
    before = everything(paths)
    for folder in (paths.root / "reports", paths.reports.parent, paths.reports):
        folder.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="read-only or you do not have permission"):
            report(paths)
    finally:
        for folder in (paths.root / "reports", paths.reports.parent, paths.reports):
            folder.chmod(0o755)
    assert everything(paths) == before


# 6. no text cell of a CSV the package writes can run as a formula

def test_write_csv_neutralises_formulas_but_keeps_numbers(tmp_path):
    table = pd.DataFrame({
        "answer": ["=HYPERLINK(\"http://x\")", "+44 20 7946 0000", "-2+3", "@SUM(A1)", "plain", "-0.57", "+3", "1e-05"],
        "number": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    })
    step.write_csv(table, tmp_path / "t.csv")
    written = pd.read_csv(tmp_path / "t.csv", dtype=str)
    # a leading apostrophe makes a spreadsheet show the cell as text (OWASP, "CSV injection")
    assert written["answer"].tolist() == ["'=HYPERLINK(\"http://x\")", "'+44 20 7946 0000", "'-2+3", "'@SUM(A1)",
                                          "plain", "-0.57", "+3", "1e-05"]
    assert written["number"].tolist() == ["-1.5", "2.0", "3.0", "4.0", "5.0", "6.0", "7.0", "8.0"]


def test_free_text_from_the_data_reaches_processed_tables_neutralised(paths):
    survey = FIXTURE["end_survey"].splitlines()
    survey[0] += ",self_awareness"
    survey[1] += ',"=HYPERLINK(""http://evil.example"",""click"")"'
    survey[2:] = [line + "," for line in survey[2:]]
    (paths.raw / "end_survey.csv").write_text("\n".join(survey) + "\n")
    report(paths)
    processed = pd.read_csv(paths.processed / "end_survey.csv", dtype=str)
    assert processed["self_awareness"].dropna().tolist() == ["'=HYPERLINK(\"http://evil.example\",\"click\")"]


# 6. the run's settings reach what it computes

def test_the_runs_analysis_settings_reach_every_statistic_it_writes(paths):
    """A run at 90% confidence writes the findings computed at 90% (every interval narrower than at 95%),
    not the defaults: the settings the command resolved are passed down, not read again deep inside."""
    from rm_research.core.config import AnalysisSettings
    from rm_research.findings.cohort import compute_findings
    from rm_research.ingest.load import load_cohort

    ninety = Settings(analysis=AnalysisSettings(confidence=0.90))
    pipeline.run_report(paths.root, REGION, 1, html=False, settings=ninety)
    written = pd.read_csv(paths.findings)
    loaded = load_cohort(paths.root, REGION, 1)
    expected = compute_findings(loaded.cohort, REGION, 1, ninety.analysis, loaded.programme)
    pd.testing.assert_frame_equal(written, expected, check_dtype=False)
    default = compute_findings(loaded.cohort, REGION, 1, programme=loaded.programme)
    limits = expected["statistic"].isin(["change_ci_low", "change_ci_high"]) & expected["value"].notna()
    assert limits.sum() > 0
    width = (expected.loc[limits, "value"] - default.loc[limits, "value"]).abs()
    assert (width > 0).all()  # every t interval moved
    # and by definition, from the raw files: everyone's conf_senior change, mean -+ t(0.95, n - 1) SD / sqrt(n)
    from scipy import stats as sps

    raw = paths.root / "data" / "raw" / REGION / "cohort-1"
    pre = pd.read_csv(raw / "enrolment.csv").set_index("participant_id")["conf_senior"]
    post = pd.read_csv(raw / "end_survey.csv").set_index("participant_id")["conf_senior"]
    change = (post - pre).dropna()
    half = sps.t.ppf(0.95, len(change) - 1) * change.std(ddof=1) / len(change) ** 0.5
    row = written[(written["measure"] == "conf_senior") & (written["role"] == "all")].set_index("statistic")
    assert row.at["change_ci_low", "value"] == pytest.approx(change.mean() - half)
    assert row.at["change_ci_high", "value"] == pytest.approx(change.mean() + half)
