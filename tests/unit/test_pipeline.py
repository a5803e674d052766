"""Outputs are replaced all together or not at all."""

from __future__ import annotations

import os

import pytest

from rm_research import pipeline


def fill(folder, **files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)


def contents(folder):
    return {p.name: p.read_text() for p in sorted(folder.iterdir())}


@pytest.fixture
def outputs(tmp_path):
    first, second = tmp_path / "processed", tmp_path / "reports"
    fill(first, **{"old.csv": "old"})
    fill(second, **{"report.html": "old report", "stale.csv": "stale"})
    return first, second


def test_success_replaces_each_folder_whole(outputs):
    first, second = outputs
    with pipeline.staged(first, second) as (a, b):
        fill(a, **{"new.csv": "new"})
        fill(b, **{"report.html": "new report"})
    assert contents(first) == {"new.csv": "new"}
    assert contents(second) == {"report.html": "new report"}
    assert sorted(p.name for p in first.parent.iterdir()) == ["processed", "reports"]


def test_failure_in_the_block_changes_nothing(outputs):
    first, second = outputs
    before = contents(first), contents(second)
    with pytest.raises(RuntimeError), pipeline.staged(first, second) as (a, _):
        fill(a, **{"new.csv": "new"})
        raise RuntimeError("rendering failed")
    assert (contents(first), contents(second)) == before


def test_failure_half_way_through_the_swap_puts_everything_back(outputs, monkeypatch):
    first, second = outputs
    before = contents(first), contents(second)
    real_replace, calls = os.replace, []

    def failing_replace(source, target):
        calls.append(source)
        if len(calls) == 4:  # the second folder's new version moving into place
            raise OSError("disk full")
        real_replace(source, target)

    monkeypatch.setattr(pipeline.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"), pipeline.staged(first, second) as (a, b):
        fill(a, **{"new.csv": "new"})
        fill(b, **{"report.html": "new report"})
    monkeypatch.setattr(pipeline.os, "replace", real_replace)
    assert (contents(first), contents(second)) == before


def test_keep_adds_beside_existing_files(outputs):
    _, second = outputs
    with pipeline.staged(second, keep=True) as (b,):
        fill(b, **{"report-public.html": "public"})
    assert contents(second) == {"report-public.html": "public", "report.html": "old report", "stale.csv": "stale"}


def test_a_report_that_fails_to_render_leaves_earlier_outputs(tmp_path, monkeypatch):
    from rm_research import report
    from rm_research.cli import main
    from tests.helpers import write_cohort

    write_cohort(tmp_path / "data" / "raw" / "test-region" / "cohort-1")
    assert main(["report", "--no-html", "--region", "test-region", "--cohort", "1", "--root", str(tmp_path)]) == 0
    folders = [tmp_path / "reports" / "test-region" / "cohort-1", tmp_path / "data" / "processed" / "test-region" / "cohort-1"]
    before = [contents(folder) for folder in folders]
    monkeypatch.setattr(report, "execute_notebook", lambda *args, **kwargs: object())
    monkeypatch.setattr(report, "render_html", lambda *args: (_ for _ in ()).throw(RuntimeError("nbconvert failed")))
    with pytest.raises(RuntimeError, match="nbconvert failed"):
        pipeline.run_report(tmp_path, "test-region", 1)
    assert [contents(folder) for folder in folders] == before
