"""What a report was made from: data checksums, code version and dependency versions."""

from __future__ import annotations

import hashlib
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from rm_research.core.safety import escape_html
from rm_research.core.version import __version__

#: The dependencies whose versions a report records.
RECORDED_PACKAGES = (
    "pandas", "numpy", "scipy", "statsmodels", "pingouin", "pandera", "matplotlib", "seaborn",
    "papermill", "nbconvert", "jupytext", "ipykernel",
)


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def data_checksums(files: dict[str, Path]) -> pd.DataFrame:
    """One row per raw file: its name, size and SHA-256."""
    rows = [(path.name, path.stat().st_size, sha256(path)) for path in files.values()]
    return pd.DataFrame(rows, columns=["file", "bytes", "sha256"]).sort_values("file", ignore_index=True)


def git_commit(folder: Path) -> str:
    """The commit checked out at ``folder``, with ``-dirty`` if tracked files differ from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                              check=True, timeout=10).stdout.strip()
    try:
        commit = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return f"{commit}-dirty" if dirty else commit


def package_versions(names: tuple[str, ...] = RECORDED_PACKAGES) -> pd.DataFrame:
    """Installed versions of ``names``, with Python's and this package's first."""
    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"
    rows = [("python", platform.python_version()), ("rm-research", __version__)]
    rows += [(name, installed(name)) for name in names]
    return pd.DataFrame(rows, columns=["package", "version"])


def public_statement(root: Path, files: dict[str, Path]) -> str:
    """Provenance safe to publish: the code version and which files were used, no sizes or checksums
    (a file's size gives its number of rows, and so of people, away)."""
    names = ", ".join(sorted(escape_html(path.name) for path in files.values()))
    return (f"Computed by `rm-research` {__version__}, commit `{git_commit(root)}`, from the evaluation files "
            f"{names}. Their checksums are recorded in the internal report.")
