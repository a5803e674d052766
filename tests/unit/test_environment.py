"""The lock files (pip) and environment.yml (conda) name the same versions; make report installs only
what rendering needs, JupyterLab only make lab."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
LOCKS = {"report": "requirements.lock", "test": "requirements-test.lock", "lab": "requirements-lab.lock"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins(kind: str) -> dict[str, str]:
    pins = {}
    for line in (REPO / LOCKS[kind]).read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"{LOCKS[kind]} line is not an exact pin: {line!r}"
            pins[canonical(name)] = version
    return pins


def all_pins() -> dict[str, str]:
    return {name: version for kind in LOCKS for name, version in lock_pins(kind).items()}


def conda_pins() -> dict[str, str]:
    spec = yaml.safe_load((REPO / "environment.yml").read_text())
    pins = {}
    for entry in spec["dependencies"]:
        if isinstance(entry, str) and entry not in ("pip", ) and not entry.startswith("python="):
            name, _, version = entry.partition("=")
            pins[canonical(name)] = version
        elif isinstance(entry, dict):  # the pip section: packages conda-forge does not carry, pinned as pip pins
            for line in entry["pip"]:
                if "==" in line:
                    name, _, version = line.partition("==")
                    pins[canonical(name)] = version
    return pins


def project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def names(specs: list[str]) -> set[str]:
    return {canonical(re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0]) for spec in specs}


def direct_dependencies() -> set[str]:
    return names(project()["dependencies"] + [s for extra in project()["optional-dependencies"].values() for s in extra])


@pytest.mark.parametrize("kind", list(LOCKS))
def test_every_lock_line_is_an_exact_pin(kind):
    assert lock_pins(kind)


def test_the_report_set_is_the_bulk_and_the_others_add_to_it():
    assert len(lock_pins("report")) > 50 and lock_pins("test") and lock_pins("lab")


def test_no_package_is_pinned_twice():
    # each extra lock holds only what it adds, so no two files can disagree on a version
    for kind in ("test", "lab"):
        assert set(lock_pins(kind)) & set(lock_pins("report")) == set()


def test_conda_lists_exactly_the_direct_dependencies():
    assert set(conda_pins()) == direct_dependencies()


def test_conda_versions_match_the_locks():
    locked = all_pins()
    drift = {name: (version, locked.get(name)) for name, version in conda_pins().items()
             if locked.get(name) != version}
    assert drift == {}, f"environment.yml and the lock files disagree (conda, pip): {drift}"


def test_direct_dependencies_are_locked_in_their_own_set():
    assert names(project()["dependencies"]) <= set(lock_pins("report"))
    for extra in ("test", "lab"):
        assert names(project()["optional-dependencies"][extra]) <= set(lock_pins("report")) | set(lock_pins(extra))


def test_rendering_does_not_install_jupyterlab():
    report = set(lock_pins("report"))
    assert "jupyterlab" in lock_pins("lab") and "jupyterlab" not in report
    assert {"jupyter-server", "jupyterlab-server", "notebook-shim"} & report == set()
    assert {"papermill", "nbconvert", "ipykernel", "pandas", "scipy", "statsmodels"} <= report


def requirements_of(name: str) -> set[str]:
    """The packages an installed distribution needs (its metadata, no extras, on this platform)."""
    needed = set()
    for text in distribution(name).requires or []:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            needed.add(canonical(requirement.name))
    return needed


@pytest.mark.parametrize("kinds", [("report",), ("report", "test"), ("report", "lab")], ids="+".join)
def test_each_set_is_closed(kinds):
    """Every package of a set needs only packages of that set: the installed packages' own metadata,
    independent of how the lock was made."""
    pinned = set().union(*(lock_pins(kind) for kind in kinds))
    try:
        missing = {f"{name} needs {needed}" for name in sorted(pinned) for needed in requirements_of(name) - pinned}
    except PackageNotFoundError as error:
        pytest.skip(f"{error} is not installed here (make lab installs the lab set)")
    assert missing == set()


def test_python_versions_agree():
    spec = yaml.safe_load((REPO / "environment.yml").read_text())
    python = next(e for e in spec["dependencies"] if isinstance(e, str) and e.startswith("python="))
    assert project()["requires-python"] == ">=3.11" and python == "python=3.11"


def dry_run(*goals: str) -> str:
    """What make would run for ``goals`` from scratch (-B: as if nothing were installed; -n: nothing is run)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    done = subprocess.run(["make", "-n", "-B", "-C", str(REPO), *goals], capture_output=True, text=True, check=True)
    return done.stdout


def test_make_report_installs_only_the_report_set():
    commands = dry_run("report", "COHORT=1")
    assert "-r requirements.lock" in commands
    assert "requirements-lab.lock" not in commands and "requirements-test.lock" not in commands


def test_make_test_and_lab_install_their_sets():
    assert "-r requirements-test.lock -c requirements.lock" in dry_run("test")
    lab = dry_run("lab")
    assert "-r requirements-lab.lock -c requirements.lock" in lab and "jupyter lab" in lab
    assert "requirements-test.lock" not in lab


def test_pip_can_stand_in_for_uv():
    assert "uv pip install" in dry_run("setup") and "uv pip install" not in dry_run("setup", "INSTALLER=pip")


def test_setup_compiles_bytecode_with_either_installer():
    # where PYTHONDONTWRITEBYTECODE is set, a package installed without its bytecode is compiled from
    # source in every command (import 5.2 s instead of 1.7 s on the example machine)
    uv, pip = dry_run("setup"), dry_run("setup", "INSTALLER=pip")
    assert all("--compile-bytecode" in line for line in uv.splitlines() if "uv pip install" in line)
    assert "-m pip" in pip and "-r requirements.lock" in pip and "--no-compile" not in pip
    assert all("compileall -q src/rm_research" in commands for commands in (uv, pip))
