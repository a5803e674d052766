"""One cohort's report and public version, written all together or not at all.

Each command replaces only the files it writes, one run per cohort at a time (``outputs``): a failed
or killed run leaves earlier outputs as they were.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

import pandas as pd

from rm_research.contract.columns import CONTRACT_FILES
from rm_research.core.paths import CohortPaths
from rm_research.core.safety import neutralise_formulas
from rm_research.disclosure.control import public_findings, write_public
from rm_research.findings.cohort import cohort_findings
from rm_research.ingest.clean import Cohort
from rm_research.ingest.load import LoadedCohort, load_cohort
from rm_research.render import handoff
from rm_research.render.handoff import PUBLIC_NOTEBOOK
from rm_research.run import outputs
from rm_research.run.records import stage_record

log = logging.getLogger(__name__)


def report_title(loaded: LoadedCohort) -> str:
    """The report's title: the programme's name, the region and the cohort."""
    return f"{loaded.programme.programme}: {loaded.paths.region}, cohort {loaded.paths.cohort}"


def processed_tables(cohort: Cohort) -> dict[str, pd.DataFrame]:
    """The tidy tables written to ``data/processed``: list cells are written ``;``-joined."""
    def flat(table: pd.DataFrame) -> pd.DataFrame:
        return table.apply(lambda col: col.map(lambda v: ";".join(v) if isinstance(v, list) else v))
    return {name: flat(table) for name, table in cohort.tables().items()}


def contract_tables() -> set[str]:
    """Every contract table that ``data/processed`` may hold a CSV of."""
    return set(CONTRACT_FILES) | {f.name for f in fields(Cohort)}


def cohort_lock(paths: CohortPaths) -> Path:
    """The lock file serialising every run that writes one cohort's outputs (``report`` and ``publish``)."""
    return paths.reports.parent / f".cohort-{paths.cohort}.lock"


@contextmanager
def cohort_outputs(paths: CohortPaths) -> Iterator[outputs.Outputs]:
    """Hold the cohort's lock and recover whatever an interrupted run left, before anything else."""
    with outputs.locked(cohort_lock(paths)) as held:
        try:
            for folder in (paths.processed, paths.reports):
                outputs.remove_legacy_staging(folder)
        except OSError as error:
            raise outputs.output_error(error, folder) from error
        yield held


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """Write ``table`` for people who open it in a spreadsheet: no text cell can run as a formula
    (data contract, section 4), while numbers written as text stay numbers."""
    neutralise_formulas(table).to_csv(path, index=False, lineterminator="\n")


def word_version(page: str, title: str) -> bytes:
    """The rendered ``page`` as a Word document (``wordexport``: pandoc), for board papers."""
    from rm_research.render.word import docx_bytes

    return docx_bytes(page, title)


def run_report(root: Path, region: str, cohort: int, html: bool = True,
               psych_offered: int | None = None, record_key: str | None = None, docx: bool = False) -> CohortPaths:
    """Validate, tidy, then write processed tables, findings and (unless ``html`` is False) the report.

    Replaces only those files (and removes a processed table whose raw file is no longer supplied),
    all together, under the cohort's lock; any other file in those folders is left alone. With them
    goes the record of what they were made from (``collaborative.stage_record``: ``record_key`` from
    ``make reports``; none from a single-cohort command, which removes an earlier record). With
    ``docx``, the report is also written as ``report.docx`` for board papers (``wordexport``).
    """
    root = Path(root).resolve()  # the notebook's kernel may start elsewhere: a relative root would break there
    with cohort_outputs(CohortPaths(root, region, cohort)) as held, tempfile.TemporaryDirectory() as private:
        loaded = load_cohort(root, region, cohort, psych_offered)
        paths = loaded.paths
        log.info("validated %s: %d files", paths.raw, len(loaded.raw.files))
        findings = cohort_findings(loaded)
        page = None
        if html:
            from rm_research.render.notebook import execute_notebook, render_html

            state = handoff.save(Path(private), loaded=loaded, findings=findings)
            notebook = execute_notebook(root, region, cohort, psych_offered, state=state)
            page = render_html(notebook, report_title(loaded))
        document = word_version(page, report_title(loaded)) if page is not None and docx else None
        with held.replacing() as staging:
            tables = processed_tables(loaded.cohort)
            for name, table in tables.items():
                write_csv(table, staging.path(paths.processed / f"{name}.csv"))
            for name in contract_tables() - tables.keys():  # made by an earlier report from a file since removed
                staging.remove(paths.processed / f"{name}.csv")
            write_csv(findings, staging.path(paths.findings))
            if page is not None:
                staging.path(paths.report_html).write_text(page, encoding="utf-8")
            if document is not None:
                staging.path(paths.report_docx).write_bytes(document)
            stage_record(staging, Path(root), paths.reports, "report", record_key)
    log.info("wrote %s and %s", paths.findings, paths.processed)
    return paths


def run_publish(root: Path, region: str, cohort: int, psych_offered: int | None = None,
                safe: pd.DataFrame | None = None, record_key: str | None = None, docx: bool = False) -> CohortPaths:
    """Write the disclosure-controlled ``findings-public.csv`` and ``report-public.html`` beside
    the internal report (whose files are kept), under the cohort's lock. ``safe``: public findings
    already protected across levels (``make publish-all``), shown instead of the cohort's own;
    ``record_key``: as for ``run_report``; ``docx``: also ``report-public.docx``, for board papers."""
    from rm_research.render.notebook import render_html, run_notebook

    root = Path(root).resolve()
    with cohort_outputs(CohortPaths(root, region, cohort)) as held, tempfile.TemporaryDirectory() as private:
        loaded = load_cohort(root, region, cohort, psych_offered)
        findings = cohort_findings(loaded)
        safe = public_findings(findings) if safe is None else safe
        write_public(safe, Path(private) / "public.csv")
        state = handoff.save(Path(private), loaded=loaded, findings=findings)
        parameters = {"region": region, "cohort": cohort, "psych_offered": psych_offered, "root": str(root),
                      "public_findings_csv": str(Path(private) / "public.csv"), "state": str(state)}
        notebook = run_notebook(root, PUBLIC_NOTEBOOK, parameters)
        page = render_html(notebook, f"{report_title(loaded)} (public)")
        document = word_version(page, f"{report_title(loaded)} (public)") if docx else None
        with held.replacing() as staging:
            write_csv(safe, staging.path(loaded.paths.reports / "findings-public.csv"))
            staging.path(loaded.paths.reports / "report-public.html").write_text(page, encoding="utf-8")
            if document is not None:
                staging.path(loaded.paths.reports / "report-public.docx").write_bytes(document)
            stage_record(staging, Path(root), loaded.paths.reports, "publish", record_key)
    log.info("wrote %s", loaded.paths.reports / "report-public.html")
    return loaded.paths
