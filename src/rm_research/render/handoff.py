"""Handing what a command computed to the notebook that renders it, so it is computed once.

``rm-research report`` validates the cohort and computes its findings before it runs the report
notebook; without a hand-off the notebook's kernel would validate and compute them all over again
(and a region's or the nation's notebook would load every cohort again). The command writes what it
computed to a file in a private temporary folder (``save``) and passes the file's path to the
notebook as its ``state`` parameter; the notebook reads it back (``load``). A notebook run in the
command's own process (``render.in_process``) is handed the same objects in memory under that path.
Run by hand (from JupyterLab, or papermill without ``state``), an internal notebook computes
everything itself, once (``notebook_cohort``, ``notebook_level``); a public notebook computes no figure and shows the
``findings-public.csv`` a publish wrote (``published_findings``). Each level has one notebook
(``NOTEBOOK``, ``LEVEL_NOTEBOOK``), whose ``public`` parameter chooses the page it shows
(``cohort_page``, ``level_page``). The report notebooks themselves are package data (``NOTEBOOKS``),
found by name.

The file is a pickle: it is written by this same process for a kernel of the same environment, in
a folder only this user can read (``tempfile.TemporaryDirectory`` is created with mode 0700), and it
is deleted when the command ends. ``load`` refuses a file written by another version of the package,
because a pickle of one version's classes is not a promise about another's.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from rm_research.core.config import DEFAULTS, AnalysisSettings, Settings
from rm_research.core.paths import NATIONAL, CohortPaths, LevelPaths, ReportFiles, project_root
from rm_research.core.version import __version__
from rm_research.disclosure.control import read_public
from rm_research.findings.cohort import CohortResults, cohort_results
from rm_research.findings.level import LevelResults, cohort_label, level_results, person_table
from rm_research.ingest.load import LoadedCohort, load_cohort, load_level
from rm_research.report.cohort_page import CohortPage
from rm_research.report.level_page import LevelPage

FILE_NAME = "state.pickle"
#: The report notebooks: package data in ``rm_research/render/notebooks/``, so that an installed package
#: renders reports for any project folder (``notebook.notebook_path``), by file name.
NOTEBOOKS = "notebooks"
NOTEBOOK = "report.ipynb"  # a cohort's report, internal or (with public=True) public
LEVEL_NOTEBOOK = "level_report.ipynb"  # a region's or the nation's report, internal or public


#: What ``save`` handed, in memory, to a notebook run in this very process (``render.in_process``), by
#: the path it stands for: nothing is pickled, and ``release`` forgets it once the notebook has run.
_HELD: dict[str, dict[str, Any]] = {}


def save(folder: Path, *, in_memory: bool = False, **objects: Any) -> Path:
    """Write ``objects`` to ``folder/state.pickle`` (the folder a private temporary one); its path.
    ``in_memory``: for a notebook run in this process, keep them here under that path instead (``release``)."""
    path = Path(folder) / FILE_NAME
    if in_memory:
        _HELD[str(path)] = objects
        return path
    with path.open("wb") as file:
        pickle.dump({"version": __version__, "objects": objects}, file, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def release(path: str | Path) -> None:
    """Forget what ``save`` kept in memory under ``path`` (nothing, for a pickle)."""
    _HELD.pop(str(path), None)


def load(path: str | Path) -> dict[str, Any]:
    """The objects ``save`` kept (in memory) or wrote (to ``path``). Raises ``ValueError`` for a file
    from another version."""
    held = _HELD.get(str(path))
    return held if held is not None else _unpickled(str(path))


@lru_cache(maxsize=1)  # a notebook reads its state more than once (its settings, then its figures)
def _unpickled(path: str) -> dict[str, Any]:
    """The objects ``save`` wrote to ``path``. Raises ``ValueError`` for a file from another version."""
    with Path(path).open("rb") as file:
        held = pickle.load(file)  # written by the command that started this kernel (module docstring)
    if not isinstance(held, dict) or held.get("version") != __version__:
        raise ValueError(f"{path} was not written by rm-research {__version__}; run the notebook without 'state'")
    return held["objects"]


def loaded_cohort(root: Path | str | None, region: str, cohort: int, psych_offered: int | None = None,
                  state: str | Path | None = None) -> LoadedCohort:
    """The loaded cohort a notebook works on, as the command that runs it handed it (``state``), else
    validated here; no figure is computed (a public notebook's figures are ``published_findings``)."""
    if state:
        return load(state)["loaded"]
    offered = None if psych_offered is None else int(psych_offered)
    return load_cohort(root or project_root(), region, int(cohort), offered)


def notebook_cohort(root: Path | str | None, region: str, cohort: int, psych_offered: int | None = None,
                    state: str | Path | None = None,
                    analysis: AnalysisSettings = DEFAULTS.analysis) -> tuple[LoadedCohort, CohortResults]:
    """What a cohort's report notebook works on: the loaded cohort and its results (the findings and
    the tables beyond them: ``findings.cohort.cohort_results``), as the command that runs the notebook
    computed them (``state``), else validated and computed here, once, with the ``analysis`` settings."""
    if state:
        held = load(state)
        return held["loaded"], held["results"]
    loaded = loaded_cohort(root, region, cohort, psych_offered)
    return loaded, cohort_results(loaded, analysis)


def loaded_level(root: Path | str | None, level: str, cohorts: Iterable[Sequence[object]] | None = None,
                 state: str | Path | None = None) -> list[LoadedCohort]:
    """The loaded cohorts a level's notebook works on, as the command handed them (``state``), else
    validated here; no figure is computed."""
    if state:
        return load(state)["loaded"]
    return load_level(Path(root) if root else project_root(), level, cohorts)


def notebook_level(root: Path | str | None, level: str, cohorts: Iterable[Sequence[object]] | None = None,
                   state: str | Path | None = None,
                   analysis: AnalysisSettings = DEFAULTS.analysis) -> tuple[list[LoadedCohort], LevelResults]:
    """What a level's report notebook works on: its loaded cohorts and its results (the person table,
    the meta-analyses, the dose models and the findings: ``findings.level.level_results``), as the
    command that runs the notebook computed them (``state``), else loaded and computed here, once, with
    the ``analysis`` settings."""
    if state:
        held = load(state)
        return held["loaded"], held["results"]
    loaded = loaded_level(root, level, cohorts)
    return loaded, level_results(person_table(loaded), level, analysis)


def published_findings(folder: Path, given: str | Path | None = None) -> pd.DataFrame:
    """The public findings a public notebook shows: ``given`` (the findings the publishing command has
    just protected), else the ``findings-public.csv`` the last publish wrote in the report folder
    ``folder``. Never computed here: a public notebook run by hand shows exactly the public files'
    figures, and none that a publish command did not protect. ``FileNotFoundError`` says what to run
    when nothing has been published."""
    path = Path(given) if given else Path(folder) / ReportFiles.PUBLIC_FINDINGS
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: run 'make publish' (or 'make publish-all') first; a public "
                                "report shows only the figures a publish command has protected")
    return read_public(path)


def cohort_page(root: Path | str | None, region: str, cohort: int, psych_offered: int | None = None,
                state: str | Path | None = None, *, public: bool = False,
                public_findings_csv: str | Path | None = None) -> CohortPage:
    """The page a cohort's report notebook shows (``report.cohort_page``): internal, with the cohort's
    findings (``notebook_cohort``), or public, with only the protected findings a publish wrote
    (``published_findings``: ``public_findings_csv``, else the report folder's ``findings-public.csv``)."""
    settings = handed_settings(state)
    if not public:
        loaded, results = notebook_cohort(root, region, cohort, psych_offered, state, settings.analysis)
        return CohortPage(public=False, loaded=loaded, findings=results.findings, results=results, settings=settings,
                          png_copies=png_copies(state))
    loaded = loaded_cohort(root, region, cohort, psych_offered, state)
    safe = published_findings(loaded.paths.reports, public_findings_csv)
    return CohortPage(public=True, loaded=loaded, findings=safe, settings=settings, png_copies=png_copies(state))


def level_page(root: Path | str | None, level: str, cohorts: Iterable[Sequence[object]] | None = None,
               state: str | Path | None = None, *, public: bool = False,
               public_findings_csv: str | Path | None = None) -> LevelPage:
    """The page a level's report notebook shows (``report.level_page``): internal, with the level's
    results (``notebook_level``), or public, with only the protected findings a publish wrote."""
    settings = handed_settings(state)
    if not public:
        loaded, results = notebook_level(root, level, cohorts, state, settings.analysis)
        return LevelPage(public=False, level=level, loaded=loaded, findings=results.findings, results=results,
                         settings=settings, png_copies=png_copies(state))
    loaded = loaded_level(root, level, cohorts, state)
    safe = published_findings(LevelPaths(loaded[0].paths.root, level).reports, public_findings_csv)
    members = load(state).get("members") if state else None
    regions = load(state).get("regions") if state else None
    return LevelPage(public=True, level=level, loaded=loaded, findings=safe, settings=settings,
                     png_copies=png_copies(state), members=members if members is not None else member_findings(loaded),
                     regions=regions if regions is not None else region_findings(loaded, level))


def member_findings(loaded: Iterable[LoadedCohort], public_root: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """The public findings each cohort of a level has written (under ``public_root``, else its own project),
    by the cohort's label in the level's report; a cohort not yet published has none."""
    return _published(loaded, public_root, lambda root, c: CohortPaths(root, c.paths.region, c.paths.cohort),
                      lambda c: cohort_label(c.paths.region, c.paths.cohort))


def region_findings(loaded: Iterable[LoadedCohort], level: str, public_root: Path | str | None = None
                    ) -> dict[str, pd.DataFrame]:
    """For the national public page: each region's public findings as written (under ``public_root``, else the
    project), by the region's name in words; empty for a region's page or where none is written yet."""
    if level != NATIONAL:
        return {}
    found = _published(loaded, public_root, lambda root, c: LevelPaths(root, c.paths.region), lambda c: c.region_name)
    return dict(sorted(found.items()))


def _published(loaded: Iterable[LoadedCohort], public_root: Path | str | None,
               unit: Callable[[Path, LoadedCohort], ReportFiles], label: Callable[[LoadedCohort], str]
               ) -> dict[str, pd.DataFrame]:
    """The public findings of each cohort's ``unit`` (its own report, or its region's) that exist, by ``label``."""
    found = {}
    for cohort in loaded:
        path = unit(Path(public_root) if public_root is not None else cohort.paths.root, cohort).public_findings
        if label(cohort) not in found and path.is_file():
            found[label(cohort)] = read_public(path)
    return found


def handed_settings(state: str | Path | None) -> Settings:
    """The run's settings, as the command resolved them (``state``), else the defaults (a notebook run
    by hand: the environment is the command line's to read, once)."""
    return load(state).get("settings", DEFAULTS) if state else DEFAULTS


def png_copies(state: str | Path | None) -> bool:
    """Whether the command makes a Word copy, so that the page's figures carry PNG copies for it
    (``report.figures.show``); never for a notebook run by hand."""
    return bool(load(state).get("png_copies", False)) if state else False
