"""A region's or the nation's report: every cohort of the level, pooled (data contract, section 6).

``run_level_report(root, level)`` loads every cohort of the level (``level`` a region's slug or
``national``), computes its results once (``findings.level.level_results``) and writes
``reports/<level>/findings.csv`` and ``report.html`` (from the package's ``level_report`` notebook)
together through the one run step (``step``), under the level's own lock,
``reports/<level>/.level.lock``. A cohort whose data break the contract stops the
run with a ``DataError`` naming the cohort; a caller that has validated the cohorts already (the
collaborative's ``reports`` command) passes the good ones as ``cohorts`` and the others are left out.

``run_level_publish(root, level)`` writes the disclosure-controlled ``findings-public.csv``
(``disclosure.control.public_level_findings`` of the same results) and ``report-public.html`` (from the
``level_report`` notebook with ``public``, which shows pooled figures only, never one cohort's) beside them,
under the same lock. Both write ``report.docx`` or ``report-public.docx`` too with ``docx``.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from rm_research.core.config import DEFAULTS, Settings
from rm_research.core.paths import NATIONAL, CohortPaths, LevelPaths
from rm_research.disclosure.control import (
    members_hidden,
    public_level_findings,
    write_public,
)
from rm_research.disclosure.hierarchy import audit_input_text, level_audit_input
from rm_research.ingest.load import CohortKey, LoadedCohort
from rm_research.render.handoff import LEVEL_NOTEBOOK, member_findings, notebook_level, region_findings
from rm_research.report.narrative import level_title
from rm_research.run import outputs, publication, site
from rm_research.run.step import Written, commit, render_page

log = logging.getLogger(__name__)


def _parameters(root: Path, level: str, loaded: list[LoadedCohort]) -> dict[str, object]:
    """The level notebook's parameters: the level and the cohorts it pools."""
    return {"level": level, "root": str(root), "cohorts": [[region, number] for region, number in _keys(loaded)]}


def _name(level: str, loaded: list[LoadedCohort]) -> str | None:
    """The region's name in words (its ``region.toml``), None for the nation."""
    return loaded[0].region_name if level != NATIONAL and loaded else None


def _keys(loaded: list[LoadedCohort]) -> list[CohortKey]:
    return [(item.paths.region, item.paths.cohort) for item in loaded]


def run_level_report(root: Path, level: str, cohorts: Iterable[Sequence[object]] | None = None,
                     html: bool = True, record_key: str | None = None, docx: bool = False,
                     settings: Settings = DEFAULTS) -> Path:
    """Write ``reports/<level>/findings.csv`` and (unless ``html`` is False) ``report.html``, together,
    under the level's lock (``step``); return the level's report folder. Other files there are left
    alone. ``record_key`` and ``settings``: as for ``run.cohort.run_report``; ``docx``: also ``report.docx``."""
    root = Path(root).resolve()  # the notebook's kernel may start elsewhere: a relative root would break there
    paths = LevelPaths(root, level)
    with outputs.locked(paths.lock, timeout=settings.lock_timeout_s) as held, tempfile.TemporaryDirectory() as private:
        loaded, results = notebook_level(root, level, cohorts, analysis=settings.analysis)
        title = level_title(level, _name(level, loaded))
        page = render_page(root, LEVEL_NOTEBOOK, _parameters(root, level, loaded), title, Path(private),
                           docx, settings, loaded=loaded, results=results) if html else None
        commit(held, root, Written(paths.reports, "report", {paths.findings: results.findings}, page,
                                   paths.report_html, paths.report_docx,
                                   card=site.card(loaded, level, root=root), card_path=paths.card), record_key)
    log.info("wrote %s", paths.reports)
    return paths.reports


def run_level_publish(root: Path, level: str, cohorts: Iterable[Sequence[object]] | None = None,
                      safe: pd.DataFrame | None = None, record_key: str | None = None, docx: bool = False,
                      settings: Settings = DEFAULTS, into: Path | None = None) -> Path:
    """Write the disclosure-controlled ``findings-public.csv`` and ``report-public.html`` of the level
    beside its internal report, under the level's lock (``step``); return the level's report folder.
    ``safe``: public findings already protected across levels (``make publish-all``); ``record_key``:
    and ``settings`` as for ``run.cohort.run_report``; ``docx``: also ``report-public.docx``; ``into``: as
    for ``run.cohort.run_publish`` (the members' public findings are read from there too)."""
    root = Path(root).resolve()  # the notebook's kernel may start elsewhere: a relative root would break there
    with publication.writing(root, into, settings.lock_timeout_s) as out, \
            outputs.locked(LevelPaths(out, level).lock, timeout=settings.lock_timeout_s) as held, \
            tempfile.TemporaryDirectory() as private:
        paths = LevelPaths(out, level)
        loaded, results = notebook_level(root, level, cohorts, analysis=settings.analysis)
        texts = {}
        if safe is None:  # a pooled figure may not give away a change a member cohort's public report hides
            members = [(c.paths.region, c.paths.cohort, CohortPaths(out, c.paths.region, c.paths.cohort)
                        .public_findings) for c in loaded]
            safe = public_level_findings(results, settings.disclosure, *members_hidden(members, settings.disclosure))
            texts[paths.audit_input] = audit_input_text(level_audit_input(results))  # what the cross-level audit reads
        write_public(safe, Path(private) / "public.csv")
        parameters = {**_parameters(root, level, loaded), "public": True,
                      "public_findings_csv": str(Path(private) / "public.csv")}
        title = f"{level_title(level, _name(level, loaded))} (public)"
        page = render_page(root, LEVEL_NOTEBOOK, parameters, title, Path(private), docx,
                           settings, loaded=loaded,  # the public page is handed no unprotected figure
                           members=member_findings(loaded, out),  # its cohorts' public findings, as published
                           regions=region_findings(loaded, level, out))  # and the regions' (the nation's page)
        commit(held, out, Written(paths.reports, "publish", {paths.public_findings: safe}, page, paths.public_html,
                                  paths.public_docx, card=site.card(loaded, level, public=True),
                                  card_path=paths.public_card, texts=texts), record_key)
    log.info("wrote %s", paths.public_html)
    return LevelPaths(root, level).reports
