"""The report notebooks run in the command's own process (``render.in_process``) give the very bytes a
Jupyter kernel gives: the internal and the public page, and the files written beside them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from rm_research.core.config import DEFAULTS
from rm_research.core.paths import CohortPaths
from rm_research.run.cohort import run_publish, run_report
from tests.conftest import make_project


def _render(root: Path, in_process: bool) -> dict[str, bytes]:
    settings = replace(DEFAULTS, in_process=in_process)
    run_report(root, "south-east", 1, settings=settings)
    run_publish(root, "south-east", 1, settings=settings)
    paths = CohortPaths(root, "south-east", 1)
    return {path.name: path.read_bytes() for path in (paths.report_html, paths.public_html, paths.findings,
                                                       paths.public_findings)}


def test_in_process_and_kernel_pages_are_the_same_bytes(tmp_path):
    in_kernel = _render(make_project(tmp_path / "kernel"), in_process=False)
    here = _render(make_project(tmp_path / "here"), in_process=True)
    assert here.keys() == in_kernel.keys()
    for name, content in here.items():
        assert content == in_kernel[name], name
    assert b"Key findings" in here["report.html"]  # a whole page, not an empty one


def test_a_failing_cell_fails_the_run_as_in_a_kernel(tmp_path):
    from papermill.exceptions import PapermillExecutionError

    from rm_research.render.handoff import NOTEBOOK
    from rm_research.render.notebook import run_notebook

    root = make_project(tmp_path)
    with pytest.raises(PapermillExecutionError, match="FileNotFoundError"):  # nothing published yet
        run_notebook(root, NOTEBOOK, {"region": "south-east", "cohort": 1, "root": str(root), "public": True},
                     in_process=True)
