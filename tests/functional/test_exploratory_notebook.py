"""The exploratory notebook, executed through papermill for two cohorts of a scratch project."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from rm_research.render.notebook import run_notebook
from tests.conftest import REPO, make_project

pytestmark = pytest.mark.slow

NOTEBOOK = REPO / "notebooks" / "exploratory" / "explore_cohort.ipynb"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example South East cohort 1 and the synthetic London cohort 2 (the one with ReMEDI observations)."""
    root = make_project(tmp_path_factory.mktemp("project"))
    shutil.copytree(REPO / "data" / "raw" / "london" / "cohort-2", root / "data" / "raw" / "london" / "cohort-2")
    return root


def outputs(notebook: nbformat.NotebookNode, mime: str = "text/plain") -> list[str]:
    """Each code cell's outputs of one kind, joined, cell by cell."""
    return ["\n".join(str(o.get("data", {}).get(mime, "")) for o in cell.outputs)
            for cell in notebook.cells if cell.cell_type == "code"]


@pytest.mark.parametrize(("region", "cohort", "has_observations"), [("south-east", 1, False), ("london", 2, True)])
def test_runs_for_a_cohort(project, region, cohort, has_observations):
    executed = run_notebook(project, NOTEBOOK, {"region": region, "cohort": cohort, "root": str(project)})
    cells = outputs(executed)
    assert "south-east" in cells[2] and "london" in cells[2]  # the cohorts loaded: both
    shapes = next(text for text in cells if "'participants': (" in text)
    assert ("'observations'" in shapes) is has_observations  # the chosen cohort's own tables
    findings = next(text for text in outputs(executed, "text/html") if "wilcoxon_p" in text)  # its findings, in full
    enrolled = re.search(r"<th>enrolled</th>\s*" + r"<td>([^<]+)</td>\s*" * 3, findings).groups()
    with (project / "data" / "raw" / region / f"cohort-{cohort}" / "participants.csv").open(encoding="utf-8") as rows:
        roles = [row["role"] for row in csv.DictReader(rows)]
    assert [float(n) for n in enrolled] == [roles.count("mentor"), roles.count("mentee"), len(roles)]
    comparison = next(text for text in cells if re.search(r"^\s*mentor\s+mentee\s+all$", text, flags=re.M))
    assert re.search(r"^london\s+2\s+\S+", comparison, flags=re.M) and re.search(r"^south-east\s+1\s+\S+", comparison, flags=re.M)
    assert any(outputs(executed, "image/png"))  # the cross-cohort chart
    assert "participant_id" not in cells[cells.index(shapes) + 1]  # the table shown has no codes
