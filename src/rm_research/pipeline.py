"""The whole journey for one cohort: validate, tidy, compute findings, report.

Outputs are written to a temporary folder beside their destination and moved into place only
when everything has succeeded, so a failed run leaves earlier outputs exactly as they were.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import config
from .clean import Cohort, tidy_cohort
from .findings import compute_findings
from .paths import CohortPaths
from .validate import RawCohort, validate_cohort

log = logging.getLogger(__name__)
SYNTHETIC_MARKER = "SYNTHETIC"


@dataclass(frozen=True)
class LoadedCohort:
    """A validated, tidied cohort with the files it came from."""

    paths: CohortPaths
    raw: RawCohort
    cohort: Cohort

    @property
    def is_synthetic(self) -> bool:
        """True for example data, marked by a ``SYNTHETIC`` file in the raw folder."""
        return (self.paths.raw / SYNTHETIC_MARKER).is_file()

    def findings(self) -> pd.DataFrame:
        return compute_findings(self.cohort, self.paths.region, self.paths.cohort)


def load_cohort(root: Path, region: str, cohort: int,
                psych_offered: int = config.PSYCH_SESSIONS_OFFERED) -> LoadedCohort:
    """Validate (``DataError`` lists every problem) and tidy one cohort's raw files."""
    paths = CohortPaths(root, region, cohort)
    raw = validate_cohort(paths.raw, psych_offered)
    return LoadedCohort(paths, raw, tidy_cohort(raw))


def processed_tables(cohort: Cohort) -> dict[str, pd.DataFrame]:
    """The tidy tables written to ``data/processed``: list cells are written ``;``-joined."""
    def flat(table: pd.DataFrame) -> pd.DataFrame:
        return table.apply(lambda col: col.map(lambda v: ";".join(v) if isinstance(v, list) else v))
    return {name: flat(table) for name, table in cohort.tables().items()}


@contextmanager
def staged(*destinations: Path, keep: bool = False) -> Iterator[list[Path]]:
    """Temporary folders that replace ``destinations`` whole, together, only if the block succeeds.

    Replacing folders rather than files means no output of an earlier run (a report made from
    other data, a table of a file since removed) survives beside the new ones; with ``keep`` each
    folder's current files are copied in first, for outputs written beside earlier ones. If a
    swap fails part-way, every folder already swapped is put back as it was.
    """
    stages = []
    try:
        for destination in destinations:
            destination.parent.mkdir(parents=True, exist_ok=True)
            stage = Path(tempfile.mkdtemp(prefix=f".{destination.name}-new-", dir=destination.parent))
            stages.append(stage)
            if keep and destination.is_dir():
                shutil.copytree(destination, stage, dirs_exist_ok=True)
        yield stages
        _swap(list(destinations), stages)
    finally:
        for stage in stages:
            shutil.rmtree(stage, ignore_errors=True)


def _swap(destinations: list[Path], stages: list[Path]) -> None:
    """Move each stage into place, keeping the old folders until all have moved."""
    olds = [stage.with_name(stage.name.replace("-new-", "-old-")) for stage in stages]
    done: list[int] = []
    try:
        for i, (destination, stage, old) in enumerate(zip(destinations, stages, olds, strict=True)):
            if destination.exists():
                os.replace(destination, old)
            os.replace(stage, destination)
            done.append(i)
    except OSError:
        for i in reversed(range(len(destinations))):
            if i in done:
                os.replace(destinations[i], stages[i])
            if olds[i].exists():
                os.replace(olds[i], destinations[i])
        raise
    for old in olds:
        shutil.rmtree(old, ignore_errors=True)


def write_csv(table: pd.DataFrame, path: Path) -> None:
    table.to_csv(path, index=False, lineterminator="\n")


def run_report(root: Path, region: str, cohort: int, html: bool = True,
               psych_offered: int = config.PSYCH_SESSIONS_OFFERED) -> CohortPaths:
    """Validate, tidy, write processed tables, findings and (unless ``html`` is False) the report."""
    loaded = load_cohort(root, region, cohort, psych_offered)
    paths = loaded.paths
    log.info("validated %s: %d files", paths.raw, len(loaded.raw.files))
    findings = loaded.findings()
    page = None
    if html:
        from .report import execute_notebook, render_html  # papermill and nbconvert cost seconds to import

        notebook = execute_notebook(root, region, cohort, psych_offered)
        page = render_html(notebook, f"Reverse mentoring evaluation: {region}, cohort {cohort}")
    with staged(paths.processed, paths.reports) as (processed, reports):
        for name, table in processed_tables(loaded.cohort).items():
            write_csv(table, processed / f"{name}.csv")
        write_csv(findings, reports / "findings.csv")
        if page is not None:
            (reports / "report.html").write_text(page, encoding="utf-8")
    log.info("wrote %s and %s", paths.findings, paths.processed)
    return paths


def run_publish(root: Path, region: str, cohort: int,
                psych_offered: int = config.PSYCH_SESSIONS_OFFERED) -> CohortPaths:
    """Write the disclosure-controlled ``findings-public.csv`` and ``report-public.html`` beside
    the internal report (whose files are kept)."""
    from .disclosure import public_findings
    from .report import PUBLIC_NOTEBOOK, execute_notebook, render_html

    loaded = load_cohort(root, region, cohort, psych_offered)
    safe = public_findings(loaded.findings())
    notebook = execute_notebook(root, region, cohort, psych_offered, notebook=PUBLIC_NOTEBOOK)
    page = render_html(notebook, f"Reverse mentoring evaluation: {region}, cohort {cohort} (public)")
    with staged(loaded.paths.reports, keep=True) as (reports,):
        write_csv(safe, reports / "findings-public.csv")
        (reports / "report-public.html").write_text(page, encoding="utf-8")
    log.info("wrote %s", loaded.paths.reports / "report-public.html")
    return loaded.paths
