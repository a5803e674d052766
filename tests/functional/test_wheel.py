"""The package is self-contained: a wheel carries the report notebooks, the page templates and the
published figures, so that an installed package renders reports for any project folder (a folder of
data alone: see ``tests.conftest.make_project``, from which every rendered report in the tests is made)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rm_research.findings.cohort import cohort_findings
from rm_research.ingest.load import load_cohort
from rm_research.render.handoff import LEVEL_NOTEBOOK, NOTEBOOK
from rm_research.render.notebook import notebook_path
from rm_research.run import step
from tests.conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """Built from a copy of the sources, so that the build's own folders never land in the repository."""
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    shutil.copytree(REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    str(source), "-w", str(out)], check=True, capture_output=True, cwd=source)
    (built,) = out.glob("rm_research-*.whl")
    return zipfile.ZipFile(built)


@pytest.mark.parametrize("name", [NOTEBOOK, LEVEL_NOTEBOOK])
def test_the_wheel_carries_every_report_notebook(wheel, name):
    assert f"rm_research/render/notebooks/{name}" in wheel.namelist()
    assert notebook_path(name).is_file()  # and the installed package finds it


def test_the_wheel_carries_the_templates_and_the_published_figures(wheel):
    names = set(wheel.namelist())
    for data in ("render/templates/offline/index.html.j2", "render/templates/offline/report.css",
                 "findings/published/sources.csv", "findings/published/south-east-cohort-1.csv"):
        assert f"rm_research/{data}" in names


def test_the_wheel_holds_no_data_and_no_tests(wheel):
    names = wheel.namelist()
    assert not [n for n in names if n.startswith(("data/", "tests/", "reports/")) or "/raw/" in n]


def test_the_command_entry_point_is_the_run_layer(wheel):
    (entry_points,) = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    assert "rm-research = rm_research.run.cli:main" in wheel.read(entry_points).decode()


def test_a_report_notebook_is_found_in_the_package_not_the_working_folder(tmp_path, monkeypatch):
    """A folder called notebooks/ where the command runs (an old checkout's, say) is never read."""
    import rm_research

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / NOTEBOOK).write_text("{}")
    monkeypatch.chdir(tmp_path)
    found = notebook_path(NOTEBOOK)
    assert found.parent == Path(rm_research.__file__).parent / "render" / "notebooks"
    assert found.read_text(encoding="utf-8") != "{}"


def test_the_wheel_in_a_new_environment_renders_a_report_for_a_folder_of_data(wheel, tmp_path):
    """The issue's check: a wheel of the package, installed in a new virtual environment, renders the South
    East Cohort 1 report from another folder, with no kernel registered and no copy of the repository. The
    new environment is filled from the installer's cache (offline), so the test needs no network."""
    uv = Path(sys.executable).parent / "uv"
    if not uv.is_file():
        pytest.skip("uv is not installed in this environment (make setup INSTALLER=pip): no offline installer")
    built = tmp_path / Path(wheel.filename).name
    shutil.copy2(wheel.filename, built)
    venv = tmp_path / "venv"
    subprocess.run([str(uv), "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    installed = subprocess.run([str(uv), "pip", "install", "--quiet", "--offline", "--python", str(venv / "bin" / "python"),
                                "-r", str(REPO / "requirements.lock"), str(built)], capture_output=True, text=True)
    if installed.returncode != 0:
        pytest.skip(f"the installer's cache cannot fill a new environment offline: {installed.stderr[-300:]}")
    project = tmp_path / "elsewhere"
    shutil.copytree(REPO / "data" / "raw" / "south-east" / "cohort-1", project / "data" / "raw" / "south-east" / "cohort-1")
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("VIRTUAL_ENV", "PYTHONPATH", "JUPYTER_PATH")}
    run = subprocess.run([str(venv / "bin" / "rm-research"), "report", "--region", "south-east", "--cohort", "1"],
                         cwd=project, env=environment, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    folder = project / "reports" / "south-east" / "cohort-1"
    assert (folder / "report.html").stat().st_size > 100_000
    expected = tmp_path / "expected.csv"
    step.write_csv(cohort_findings(load_cohort(REPO, "south-east", 1)), expected)
    assert (folder / "findings.csv").read_bytes() == expected.read_bytes()
