from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rm_research.findings.cohort import cohort_findings
from rm_research.ingest.clean import Cohort, tidy_cohort
from rm_research.ingest.validate import validate_cohort
from tests.helpers import write_cohort

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "data" / "raw" / "south-east" / "cohort-1"


@pytest.fixture
def fixture_folder(tmp_path: Path) -> Path:
    return write_cohort(tmp_path / "raw")


@pytest.fixture
def fixture_cohort(fixture_folder: Path) -> Cohort:
    return tidy_cohort(validate_cohort(fixture_folder))


def make_project(root: Path, files: dict[str, str] | None = None) -> Path:
    """A throw-away project folder holding only data, as the package's users have: the synthetic
    example, or ``files`` (contract CSV texts) as test-region cohort 1. The report notebooks come with
    the package, and nothing of the repository (no pyproject.toml, no notebooks/) is needed."""
    if files is None:
        shutil.copytree(EXAMPLE, root / "data" / "raw" / "south-east" / "cohort-1")
    else:
        write_cohort(root / "data" / "raw" / "test-region" / "cohort-1", files)
    return root


@pytest.fixture(scope="session")
def rendered_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example cohort's report, rendered once for the whole session in a scratch project."""
    from rm_research.run.cohort import run_report

    root = make_project(tmp_path_factory.mktemp("project"))
    run_report(root, "south-east", 1)
    return root


@pytest.fixture(scope="session")
def example_findings():
    """The synthetic example cohort's findings, computed once for the session."""
    from rm_research.ingest.load import load_cohort

    return cohort_findings(load_cohort(REPO, "south-east", 1))
