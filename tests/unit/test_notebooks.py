"""Report notebooks: committed without outputs, paired with their percent-format text, parameterised."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
REPORTS = REPO / "src" / "rm_research" / "render" / "notebooks"
NOTEBOOKS = sorted([*REPORTS.glob("*.ipynb"), *(REPO / "notebooks").rglob("*.ipynb")])


def test_there_is_a_report_notebook():
    assert REPORTS / "report.ipynb" in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name} has outputs: strip them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_paired_text_file_is_in_sync(path):
    text = path.with_suffix(".py")
    assert text.is_file(), f"{path.name} has no percent-format pair"
    from_text = jupytext.read(text)
    from_ipynb = jupytext.read(path)
    assert [c.source for c in from_text.cells] == [c.source for c in from_ipynb.cells], (
        f"{path.name} and {text.name} differ: run 'jupytext --sync {text}'")


def parameters(name: str) -> set[str]:
    notebook = nbformat.read(REPORTS / name, as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert notebook.metadata.kernelspec.name == "rm-research"
    return {line.split("=")[0].strip() for line in tagged[0].source.splitlines() if not line.startswith("#")}


def test_report_parameters_cell():
    assert parameters("report.ipynb") == {"region", "cohort", "psych_offered", "root", "public", "public_findings_csv",
                                          "state"}
    assert parameters("level_report.ipynb") == {"level", "root", "cohorts", "public", "public_findings_csv", "state"}


def test_one_notebook_per_level_for_the_internal_report_and_its_public_version():
    assert sorted(p.name for p in REPORTS.glob("*.ipynb")) == ["level_report.ipynb", "report.ipynb"]


@pytest.mark.parametrize(("name", "page"), [("report.ipynb", "CohortPage"), ("level_report.ipynb", "LevelPage")])
def test_the_notebook_shows_each_section_of_its_page_once_in_order(name, page):
    """Each section is declared once (``report.page.Section``); the notebook shows each, one cell each."""
    import re

    from rm_research.report.cohort_page import CohortPage
    from rm_research.report.level_page import LevelPage

    declared = [s.key for s in {"CohortPage": CohortPage, "LevelPage": LevelPage}[page].SECTIONS]
    shown = re.findall(r'^page\.show\("(\w+)"\)$', (REPORTS / name).with_suffix(".py").read_text(), flags=re.M)
    assert shown == declared


def test_each_section_says_what_it_reads_by_names_the_package_knows():
    """A section's ``reads`` names findings measures (families in the registry), contract files, or the
    results the command computed; a name that is none of these is a typo, or a source nobody declared."""
    from dataclasses import fields

    from rm_research.contract.spec import SPEC
    from rm_research.core import config
    from rm_research.findings import registry
    from rm_research.findings.cohort import CohortResults
    from rm_research.findings.level import Breakdowns, LevelResults
    from rm_research.report.cohort_page import CohortPage
    from rm_research.report.level_page import LevelPage

    measures = {*config.RATING_ITEMS, *config.YES_NO_ITEMS}
    assert all(registry.family(m) in registry.families() for m in measures)
    known = (registry.families() | measures | set(SPEC)
             | {f.name for c in (CohortResults, LevelResults, Breakdowns) for f in fields(c)})
    for page in (CohortPage, LevelPage):
        for section in page.SECTIONS:
            assert set(section.reads) <= known, (page.__name__, section.key, set(section.reads) - known)
    shown = [s for s in CohortPage.SECTIONS if s.on(False) is not None and not s.appendix and s.level == 3]
    assert all(s.reads for s in shown)
