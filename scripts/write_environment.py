"""Write environment.yml (conda) from pyproject.toml's direct dependencies, pinned as in requirements.lock.

Run by ``make lock`` after the lock file is regenerated, so pip and conda users get the same versions.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = """\
# Conda environment for rm-research: the same packages and versions as requirements.lock.
# Written by 'make lock' (scripts/write_environment.py); do not edit by hand.
# Use: conda env create -f environment.yml && conda activate rm-research
#      python -m ipykernel install --sys-prefix --name rm-research
name: rm-research
channels:
  - conda-forge
  - nodefaults
dependencies:
"""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def direct_dependencies(pyproject: Path) -> list[str]:
    project = tomllib.loads(pyproject.read_text())["project"]
    specs = project["dependencies"] + [s for extra in project["optional-dependencies"].values() for s in extra]
    return [canonical(re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0]) for spec in specs]


def locked_versions(lock: Path) -> dict[str, str]:
    pins = (line.split("==") for line in lock.read_text().splitlines() if "==" in line and not line.startswith("#"))
    return {canonical(name): version.strip() for name, version in pins}


def main() -> int:
    locked = locked_versions(ROOT / "requirements.lock")
    python = ".".join(map(str, sys.version_info[:2]))
    lines = [f"  - python={python}"]
    lines += [f"  - {name}={locked[name]}" for name in direct_dependencies(ROOT / "pyproject.toml")]
    lines += ["  - pip", "  - pip:", "      - --no-deps", "      - -e ."]
    (ROOT / "environment.yml").write_text(HEADER + "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
