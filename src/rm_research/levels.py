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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from . import config, handoff, outputs, pooling, provenance, tables
from .collaborative import stage_record
from .config import DisclosureRule
from .paths import NATIONAL, ReportFiles, check_cohort, check_region
from .pipeline import LoadedCohort, load_cohort, write_csv
from .problems import DataError, Problem
from .programme import DEFAULT as DEFAULT_PROGRAMME
from .programme import FILE_NAME as PROGRAMME_FILE

if TYPE_CHECKING:
    from nbformat import NotebookNode

LEVEL_NOTEBOOK = Path("notebooks") / "level_report.ipynb"
LEVEL_PUBLIC_NOTEBOOK = Path("notebooks") / "level_report_public.ipynb"
log = logging.getLogger(__name__)
CohortKey = tuple[str, int]


def check_level(level: str) -> str:
    """``level`` if it is ``national`` or a valid region slug."""
    return level if level == NATIONAL else check_region(level)


@dataclass(frozen=True)
class LevelPaths(ReportFiles):
    """Where a region's or the national report lives."""

    root: Path
    level: str

    def __post_init__(self) -> None:
        check_level(self.level)

    @property
    def reports(self) -> Path:  # type: ignore[override]
        """``reports/<region>`` or ``reports/national``."""
        return self.root / "reports" / self.level

    @property
    def lock(self) -> Path:
        """The lock serialising every run that writes this level's outputs."""
        return self.reports / ".level.lock"


def discover_cohorts(root: Path, level: str) -> list[CohortKey]:
    """Every ``data/raw/<region>/cohort-<N>/`` folder of the level (all regions for ``national``),
    sorted by region, then by cohort number, as ``make reports`` finds them (``collaborative.discover``)."""
    from .collaborative import discover

    check_level(level)
    found = discover(Path(root), None if level == NATIONAL else level).cohorts
    return sorted((c.region, c.cohort) for c in found)


def level_cohorts(root: Path, level: str, cohorts: Iterable[Sequence[object]] | None = None) -> list[CohortKey]:
    """The cohorts to pool: ``cohorts`` (pairs of region and number) if given, else every cohort found.

    A given cohort outside the level is an error (a region's report pools only its own cohorts).
    """
    if cohorts is None:
        return discover_cohorts(root, level)
    keys = [(check_region(str(region)), check_cohort(int(number))) for region, number in cohorts]  # type: ignore[call-overload]
    outside = [key for key in keys if level != NATIONAL and key[0] != level]
    if outside:
        raise ValueError(f"cohorts {outside} are not in region {level!r}")
    return sorted(dict.fromkeys(keys))


def load_level(root: Path, level: str, cohorts: Iterable[Sequence[object]] | None = None) -> list[LoadedCohort]:
    """Validate and tidy every cohort of the level. ``DataError`` lists the problems of every bad
    cohort at once, each file named with its cohort (``south-east/cohort-2/end_survey.csv``); a level
    with no cohort is a ``DataError`` too."""
    keys = level_cohorts(root, level, cohorts)
    if not keys:
        raise DataError([Problem(f"data/raw/{'' if level == NATIONAL else level + '/'}", None, None,
                                 "holds no cohort folder (cohort-1, cohort-2, ...): there is nothing to pool")])
    loaded, problems = [], []
    for region, number in keys:
        try:
            loaded.append(load_cohort(root, region, number))
        except DataError as error:
            problems += [Problem(f"{region}/cohort-{number}/{p.file}", p.row, p.column, p.message, p.runs)
                         for p in error.problems]
    if problems:
        raise DataError(problems)
    return loaded


def item_labels(loaded: Sequence[LoadedCohort]) -> dict[str, str]:
    """The items' wording: the programmes' focus when they share one, else the wording for all
    protected characteristics."""
    focuses = {item.programme.focus for item in loaded}
    focus = focuses.pop() if len(focuses) == 1 else "all-protected-characteristics"
    return tables.item_labels(replace(DEFAULT_PROGRAMME, focus=focus))


def cohorts_table(loaded: Sequence[LoadedCohort]) -> pd.DataFrame:
    """The cohorts pooled: region, cohort, programme, focus, psychological sessions offered, and
    whether the data are the synthetic example (no identifiers; the programme's name is data, which
    ``tables.styled`` escapes)."""
    return pd.DataFrame([{"Region": item.paths.region, "Cohort": item.paths.cohort,
                          "Programme": item.programme.programme, "Focus": item.programme.focus,
                          "Psychological sessions offered": item.programme.psych_sessions_offered,
                          "Synthetic": "yes" if item.is_synthetic else "no"} for item in loaded])


def cohort_checksums(loaded: Sequence[LoadedCohort]) -> pd.DataFrame:
    """Each cohort's raw files (and ``programme.toml``) with size and SHA-256."""
    frames = []
    for item in loaded:
        files = dict(item.raw.files)
        settings = item.paths.raw / PROGRAMME_FILE
        if settings.is_file():
            files[PROGRAMME_FILE] = settings
        frames.append(provenance.data_checksums(files).assign(region=item.paths.region, cohort=item.paths.cohort))
    table = pd.concat(frames, ignore_index=True)
    return table[["region", "cohort", "file", "bytes", "sha256"]]


def level_title(level: str) -> str:
    """The report's title."""
    where = "all regions" if level == NATIONAL else level
    return f"Reverse mentoring evaluation: {where}, every cohort pooled"


def execute_level_notebook(root: Path, level: str, cohorts: list[CohortKey], kernel_name: str = config.KERNEL_NAME,
                           notebook: Path = LEVEL_NOTEBOOK, **extra: object) -> NotebookNode:
    """Run a level's report notebook for ``level`` and ``cohorts``; the executed notebook (not saved)."""
    from .report import run_notebook

    parameters = {"level": level, "root": str(root), "cohorts": [[r, n] for r, n in cohorts], **extra}
    return run_notebook(root, notebook, parameters, kernel_name)


def level_findings(loaded: list[LoadedCohort], level: str) -> pd.DataFrame:
    """The level's findings table (section 6) from its loaded cohorts."""
    return pooling.level_findings(pooling.person_table(loaded), level)


def public_level_findings(loaded: list[LoadedCohort], findings: pd.DataFrame,
                          rule: DisclosureRule = config.DISCLOSURE) -> pd.DataFrame:
    """The level's findings made safe to publish (``disclosure.public_findings``), with the pooled
    statistics hidden that would give a hidden cohort's change away (``disclosure.hide_invertible_pooling``)."""
    from .disclosure import hide_invertible_pooling, public_findings

    hidden = pooling.hidden_pooled_cohorts(pooling.person_table(loaded), rule)
    return hide_invertible_pooling(public_findings(findings, rule), hidden, rule)


def notebook_level(root: Path | str | None, level: str, cohorts: Iterable[Sequence[object]] | None = None,
                   state: str | Path | None = None) -> tuple[list[LoadedCohort], pd.DataFrame, pd.DataFrame]:
    """What a level's report notebook works on: its loaded cohorts, their people (``pooling.person_table``)
    and the level's findings, as the command that runs the notebook computed them (``state``:
    ``handoff``), else loaded and computed here."""
    if state:
        held = handoff.load(state)
        return held["loaded"], held["people"], held["findings"]
    from .paths import project_root

    loaded = load_level(Path(root) if root else project_root(), level, cohorts)
    people = pooling.person_table(loaded)
    return loaded, people, pooling.level_findings(people, level)


def _computed(root: Path, level: str, cohorts: Iterable[Sequence[object]] | None,
              private: Path) -> tuple[list[LoadedCohort], pd.DataFrame, Path]:
    """Load the level once: its cohorts, its findings, and the hand-off file for its notebook."""
    loaded, people, findings = notebook_level(root, level, cohorts)
    return loaded, findings, handoff.save(private, loaded=loaded, people=people, findings=findings)


def _keys(loaded: list[LoadedCohort]) -> list[CohortKey]:
    return [(item.paths.region, item.paths.cohort) for item in loaded]


def run_level_report(root: Path, level: str, cohorts: Iterable[Sequence[object]] | None = None,
                     html: bool = True, record_key: str | None = None) -> Path:
    """Write ``reports/<level>/findings.csv`` and (unless ``html`` is False) ``report.html``, together,
    under the level's lock; return the level's report folder. Other files there are left alone.
    ``record_key``: as for ``pipeline.run_report``."""
    root = Path(root).resolve()  # the notebook's kernel runs in notebooks/: a relative root would break there
    paths = LevelPaths(root, level)
    with outputs.locked(paths.lock) as held, tempfile.TemporaryDirectory() as private:
        loaded, findings, state = _computed(root, level, cohorts, Path(private))
        page = None
        if html:
            from .report import render_html

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
    from .disclosure import write_public
    from .report import render_html

    root = Path(root).resolve()  # the notebook's kernel runs in notebooks/: a relative root would break there
    paths = LevelPaths(root, level)
    with outputs.locked(paths.lock) as held, tempfile.TemporaryDirectory() as private:
        loaded, findings, state = _computed(root, level, cohorts, Path(private))
        safe = public_level_findings(loaded, findings) if safe is None else safe
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
