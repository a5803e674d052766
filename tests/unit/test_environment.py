"""requirements.lock (pip) and environment.yml (conda) must name the same versions."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements.lock line is not an exact pin: {line!r}"
            pins[canonical(name)] = version
    return pins


def conda_pins() -> dict[str, str]:
    spec = yaml.safe_load((REPO / "environment.yml").read_text())
    pins = {}
    for entry in spec["dependencies"]:
        if isinstance(entry, str) and entry not in ("pip", ) and not entry.startswith("python="):
            name, _, version = entry.partition("=")
            pins[canonical(name)] = version
    return pins


def direct_dependencies() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + [s for extra in project["optional-dependencies"].values() for s in extra]
    return {canonical(re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0]) for spec in specs}


def test_every_lock_line_is_an_exact_pin():
    assert len(lock_pins()) > 50


def test_conda_lists_exactly_the_direct_dependencies():
    assert set(conda_pins()) == direct_dependencies()


def test_conda_versions_match_the_lock():
    locked = lock_pins()
    drift = {name: (version, locked.get(name)) for name, version in conda_pins().items()
             if locked.get(name) != version}
    assert drift == {}, f"environment.yml and requirements.lock disagree (conda, pip): {drift}"


def test_direct_dependencies_are_locked():
    assert direct_dependencies() <= set(lock_pins())


def test_python_versions_agree():
    spec = yaml.safe_load((REPO / "environment.yml").read_text())
    python = next(e for e in spec["dependencies"] if isinstance(e, str) and e.startswith("python="))
    floor = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    assert floor == ">=3.11" and python == "python=3.11"
