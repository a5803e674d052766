"""The scale benchmark reports a crash, a time-out or running out of memory as such, never crashing itself."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "benchmark.py"


@pytest.fixture(scope="module")
def benchmark():
    spec = importlib.util.spec_from_file_location("benchmark_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script is loading
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_finished_run_reports_its_own_timing_and_memory(benchmark, tmp_path):
    run = benchmark.measure(python("import json; b = bytearray(50 * 2**20); print(json.dumps({'work_s': 1.5}))"),
                            tmp_path)
    assert run.status == "ok" and run.work_s == 1.5
    assert run.peak_mb >= 50  # the child touched 50 MiB; its own peak RSS is reported, not the benchmark's


def test_a_crash_is_reported_with_its_error(benchmark, tmp_path):
    run = benchmark.measure(python("raise ValueError('boom')"), tmp_path)
    assert run.status == "crashed: ValueError: boom"


def test_a_run_past_the_time_limit_is_stopped_and_reported(benchmark, tmp_path):
    run = benchmark.measure(python("import time; time.sleep(120)"), tmp_path, timeout=0.5)
    assert run.status == "timeout"


def test_a_run_past_the_memory_limit_is_reported_out_of_memory(benchmark, tmp_path):
    run = benchmark.measure(python("b = bytearray(3 * 2**30)"), tmp_path, memory_limit=2**30)
    assert run.status == "out of memory"


def test_a_stage_that_fails_is_not_tried_on_larger_cohorts(benchmark, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(benchmark, "cached_cohort", lambda root, people, *args: (tmp_path, None))

    def crash_on_findings(command, *args, **kwargs):
        calls.append(command)
        return benchmark.Run("ok" if command[-1] == "0" else "crashed: OverflowError", 1.0, 100.0)

    monkeypatch.setattr(benchmark, "measure", crash_on_findings)
    results = benchmark.scale([10, 1], repeat=2, cache=tmp_path, seed=1, timeout=1, memory_limit=0)
    rows = [(r.people, r.stage, r.cells()[-1]) for r in results]
    assert rows == [(1, "validate + tidy", "ok"), (1, "validate + tidy + findings", "crashed: OverflowError"),
                    (10, "validate + tidy", "ok"), (10, "validate + tidy + findings", "not run: failed at 1")]
    assert len(calls) == 2 + 1 + 2  # two runs each of validate, one crashed findings run, nothing at 10 for findings


def test_the_table_has_a_row_per_result_under_its_header(benchmark):
    text = benchmark.table([["1", "a"], ["22", "bb"]], ["x", "y"])
    assert text.splitlines() == ["| x  | y  |", "|----|----|", "| 1  | a  |", "| 22 | bb |"]


def test_the_scripts_need_nothing_from_the_tests():
    """``make benchmark`` installs the report set only: a script importing ``tests`` (which needs pytest)
    crashed on a fresh clone (issue 18)."""
    import ast

    for script in (REPO / "scripts").glob("*.py"):
        nodes = list(ast.walk(ast.parse(script.read_text(encoding="utf-8"))))
        names = [alias.name for node in nodes if isinstance(node, ast.Import) for alias in node.names]
        names += [node.module or "" for node in nodes if isinstance(node, ast.ImportFrom)]
        assert not [n for n in names if n == "tests" or n.startswith(("tests.", "pytest"))], script.name


def test_the_example_project_is_the_committed_example(benchmark, tmp_path):
    project = benchmark.example_project(tmp_path)
    written = project / "data" / "raw" / "south-east" / "cohort-1"
    committed = REPO / "data" / "raw" / "south-east" / "cohort-1"
    assert sorted(p.name for p in written.iterdir()) == sorted(p.name for p in committed.iterdir())
    assert all((written / p.name).read_bytes() == p.read_bytes() for p in committed.iterdir())


def test_one_rating_is_changed_and_nothing_else(benchmark, tmp_path):
    """The benchmark's "one cohort changed" step must change the data (it once rewrote a file unchanged)."""
    path = tmp_path / "enrolment.csv"
    path.write_text("participant_id,date,conf_senior,conf_junior\nA,2020-01-01,,4\nB,2020-01-02,10,5\nC,,3,\n",
                    encoding="utf-8")
    benchmark.change_one_rating(path)
    assert path.read_text(encoding="utf-8") == ("participant_id,date,conf_senior,conf_junior\nA,2020-01-01,,4\n"
                                                "B,2020-01-02,9,5\nC,,3,\n")
