"""Kernels forked from the preloaded server are fresh kernels: their own process, nothing carried over."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

from rm_research.core.config import Settings
from rm_research.render import kernels


def test_forking_can_be_switched_off():
    assert not kernels.enabled(Settings.resolve({"RM_RESEARCH_FORK_KERNELS": "0"}).fork_kernels)
    assert not kernels.enabled(Settings.resolve({"RM_RESEARCH_FORK_KERNELS": "false"}).fork_kernels)
    assert Settings.resolve({}).fork_kernels


def test_only_this_pythons_ipykernel_is_forked():
    assert kernels.same_interpreter([sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c"])
    assert not kernels.same_interpreter(["/usr/bin/other-python", "-m", "ipykernel_launcher", "-f", "c"])
    assert not kernels.same_interpreter([sys.executable, "-m", "some_other_kernel"])
    assert not kernels.same_interpreter([])


@pytest.mark.slow
@pytest.mark.skipif(not kernels.enabled(), reason="kernels are forked on POSIX only")
def test_each_notebook_gets_a_fresh_forked_kernel(tmp_path):
    from rm_research.render.notebook import run_notebook

    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import os, sys\nprint(os.getpid(), 'seen' in globals(), 'pandas' in sys.modules)\n"
                                  "seen = True"),
    ])
    (tmp_path / "notebooks").mkdir()
    nbformat.write(notebook, tmp_path / "notebooks" / "n.ipynb")
    outputs = []
    for _ in range(2):
        executed = run_notebook(tmp_path, Path("notebooks") / "n.ipynb", {"x": 2})
        outputs.append(executed.cells[-1].outputs[0]["text"].split())
    (first_pid, first_seen, preloaded), (second_pid, second_seen, _) = outputs
    assert first_pid != second_pid  # a process for each notebook
    assert first_seen == second_seen == "False"  # nothing from the first notebook in the second
    assert preloaded == "True"  # the libraries were imported by the server, not by the notebook
    assert kernels.server().process.poll() is None
