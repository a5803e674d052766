"""A region's or the nation's report: every cohort of the level, pooled (data contract, section 6).

``run_level_report(root, level)`` loads every cohort of the level (``level`` a region's slug or
``national``), computes the pooled findings (``pooling``) and writes ``reports/<level>/findings.csv``
and ``report.html`` (from ``notebooks/level_report.ipynb``) together through ``outputs``, under the
level's own lock, ``reports/<level>/.level.lock``. A cohort whose data break the contract stops the
run with a ``DataError`` naming the cohort; a caller that has validated the cohorts already (the
collaborative's ``reports`` command) passes the good ones as ``cohorts`` and the others are left out.

``run_level_publish(root, level)`` writes the disclosure-controlled ``findings-public.csv``
(``disclosure.public_findings`` of the same findings) and ``report-public.html`` (from
``notebooks/level_report_public.ipynb``, which shows pooled figures only, never one cohort's) beside
them, under the same lock.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from rm_research.core import config
from rm_research.core.paths import LevelPaths
from rm_research.disclosure.control import public_level_findings, write_public
from rm_research.findings.level import LevelResults
from rm_research.ingest.load import CohortKey, LoadedCohort
from rm_research.render import handoff
from rm_research.render.handoff import LEVEL_NOTEBOOK, LEVEL_PUBLIC_NOTEBOOK, notebook_level
from rm_research.report.narrative import level_title
from rm_research.run import outputs
from rm_research.run.cohort import write_csv
from rm_research.run.records import stage_record

if TYPE_CHECKING:
    from nbformat import NotebookNode


log = logging.getLogger(__name__)


def execute_level_notebook(root: Path, level: str, cohorts: list[CohortKey], kernel_name: str = config.KERNEL_NAME,
                           notebook: str = LEVEL_NOTEBOOK, **extra: object) -> NotebookNode:
    """Run a level's report notebook for ``level`` and ``cohorts``; the executed notebook (not saved)."""
    from rm_research.render.notebook import run_notebook  # imported on use: papermill costs seconds

    parameters = {"level": level, "root": str(root), "cohorts": [[r, n] for r, n in cohorts], **extra}
    return run_notebook(root, notebook, parameters, kernel_name)


def _computed(root: Path, level: str, cohorts: Iterable[Sequence[object]] | None,
              private: Path) -> tuple[list[LoadedCohort], LevelResults, Path]:
    """Load and compute the level once: its cohorts, its results, and the hand-off file for its notebook."""
    loaded, results = notebook_level(root, level, cohorts)
    return loaded, results, handoff.save(private, loaded=loaded, results=results)


def _keys(loaded: list[LoadedCohort]) -> list[CohortKey]:
    return [(item.paths.region, item.paths.cohort) for item in loaded]


def run_level_report(root: Path, level: str, cohorts: Iterable[Sequence[object]] | None = None,
                     html: bool = True, record_key: str | None = None) -> Path:
    """Write ``reports/<level>/findings.csv`` and (unless ``html`` is False) ``report.html``, together,
    under the level's lock; return the level's report folder. Other files there are left alone.
    ``record_key``: as for ``pipeline.run_report``."""
    root = Path(root).resolve()  # the notebook's kernel may start elsewhere: a relative root would break there
    paths = LevelPaths(root, level)
    with outputs.locked(paths.lock) as held, tempfile.TemporaryDirectory() as private:
        loaded, results, state = _computed(root, level, cohorts, Path(private))
        findings = results.findings
        page = None
        if html:
            from rm_research.render.notebook import render_html

            notebook = execute_level_notebook(root, level, _keys(loaded), state=str(state))
            page = render_html(notebook, level_title(level))
        with held.replacing() as staging:
            write_csv(findings, staging.path(paths.findings))
            if page is not None:
                staging.path(paths.report_html).write_text(page, encoding="utf-8")
            stage_record(staging, root, paths.reports, "report", record_key)
    log.info("wrote %s", paths.reports)
    return paths.reports


def run_level_publish(root: Path, level: str, cohorts: Iterable[Sequence[object]] | None = None,
                      safe: pd.DataFrame | None = None, record_key: str | None = None) -> Path:
    """Write the disclosure-controlled ``findings-public.csv`` and ``report-public.html`` of the level
    beside its internal report, under the level's lock; return the level's report folder. ``safe``:
    public findings already protected across levels (``make publish-all``); ``record_key``: as for
    ``pipeline.run_report``."""
    from rm_research.render.notebook import render_html

    root = Path(root).resolve()  # the notebook's kernel may start elsewhere: a relative root would break there
    paths = LevelPaths(root, level)
    with outputs.locked(paths.lock) as held, tempfile.TemporaryDirectory() as private:
        loaded, results, state = _computed(root, level, cohorts, Path(private))
        safe = public_level_findings(results) if safe is None else safe
        write_public(safe, Path(private) / "public.csv")
        notebook = execute_level_notebook(root, level, _keys(loaded), notebook=LEVEL_PUBLIC_NOTEBOOK,
                                          public_findings_csv=str(Path(private) / "public.csv"), state=str(state))
        page = render_html(notebook, f"{level_title(level)} (public)")
        with held.replacing() as staging:
            write_csv(safe, staging.path(paths.reports / "findings-public.csv"))
            staging.path(paths.reports / "report-public.html").write_text(page, encoding="utf-8")
            stage_record(staging, root, paths.reports, "publish", record_key)
    log.info("wrote %s", paths.reports / "report-public.html")
    return paths.reports
