"""One cohort's report and public version, written all together or not at all.

Each command replaces only the files it writes, one run per cohort at a time (``outputs``): a failed
or killed run leaves earlier outputs as they were.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from rm_research.contract.columns import CONTRACT_FILES
from rm_research.core.config import DEFAULTS, Settings
from rm_research.core.paths import CohortPaths
from rm_research.disclosure.control import public_findings, too_small_to_publish, write_public
from rm_research.disclosure.hierarchy import audit_input_text, cohort_audit_input
from rm_research.findings.cohort import cohort_findings, cohort_results
from rm_research.ingest.clean import Cohort
from rm_research.ingest.load import LoadedCohort, load_cohort
from rm_research.render.handoff import NOTEBOOK
from rm_research.run import outputs, publication, site
from rm_research.run.step import Written, commit, render_page

log = logging.getLogger(__name__)


def report_title(loaded: LoadedCohort) -> str:
    """The report's title: the programme's name, the region in words and the cohort."""
    return f"{loaded.programme.programme}: {loaded.region_name}, cohort {loaded.paths.cohort}"


def processed_tables(cohort: Cohort) -> dict[str, pd.DataFrame]:
    """The tidy tables written to ``data/processed``: list cells are written ``;``-joined."""
    def flat(table: pd.DataFrame) -> pd.DataFrame:
        return table.apply(lambda col: col.map(lambda v: ";".join(v) if isinstance(v, list) else v))
    return {name: flat(table) for name, table in cohort.tables().items()}


def contract_tables() -> set[str]:
    """Every contract table that ``data/processed`` may hold a CSV of."""
    return set(CONTRACT_FILES)


def cohort_lock(paths: CohortPaths) -> Path:
    """The lock file serialising every run that writes one cohort's outputs (``report`` and ``publish``)."""
    return paths.reports.parent / f".cohort-{paths.cohort}.lock"


@contextmanager
def cohort_outputs(paths: CohortPaths, timeout: float = DEFAULTS.lock_timeout_s) -> Iterator[outputs.Outputs]:
    """Hold the cohort's lock (waiting at most ``timeout`` seconds for another run) and recover whatever
    an interrupted run left, before anything else."""
    with outputs.locked(cohort_lock(paths), timeout=timeout) as held:
        try:
            for folder in (paths.processed, paths.reports):
                outputs.remove_legacy_staging(folder)
        except OSError as error:
            raise outputs.output_error(error, folder) from error
        yield held


def run_report(root: Path, region: str, cohort: int, html: bool = True, psych_offered: int | None = None,
               record_key: str | None = None, docx: bool = False, settings: Settings = DEFAULTS) -> CohortPaths:
    """Validate, tidy, then write processed tables, findings and (unless ``html`` is False) the report.

    Replaces only those files (and removes a processed table whose raw file is no longer supplied),
    all together, under the cohort's lock (``step``); any other file in those folders is left alone.
    With them goes the record of what they were made from (``records.stage_record``: ``record_key``
    from ``make reports``, or the same key from ``make report`` (``collaborative.cohort_record_key``); none
    where a run overrides the settings, which removes an earlier record). With
    ``docx``, the report is also written as ``report.docx`` for board papers. ``settings``: the run's,
    as the command resolved them (``core.config.Settings``).
    """
    root = Path(root).resolve()  # the notebook's kernel may start elsewhere: a relative root would break there
    with (cohort_outputs(CohortPaths(root, region, cohort), settings.lock_timeout_s) as held,
          tempfile.TemporaryDirectory() as private):
        loaded = load_cohort(root, region, cohort, psych_offered)
        paths = loaded.paths
        log.info("validated %s: %d files", paths.raw, len(loaded.raw.files))
        results = cohort_results(loaded, settings.analysis)
        findings = results.findings
        parameters = {"region": region, "cohort": cohort, "psych_offered": psych_offered, "root": str(root)}
        page = render_page(root, NOTEBOOK, parameters, report_title(loaded), Path(private), docx, settings,
                           loaded=loaded, results=results) if html else None
        processed = processed_tables(loaded.cohort)
        removed = tuple(paths.processed / f"{name}.csv" for name in sorted(contract_tables() - processed.keys()))
        tables = {**{paths.processed / f"{name}.csv": table for name, table in processed.items()},
                  paths.findings: findings}
        commit(held, root, Written(paths.reports, "report", tables, page, paths.report_html, paths.report_docx,
                                   removed, card=site.card([loaded], root=root), card_path=paths.card), record_key)
    log.info("wrote %s and %s", paths.findings, paths.processed)
    return paths


def run_publish(root: Path, region: str, cohort: int, psych_offered: int | None = None,
                safe: pd.DataFrame | None = None, record_key: str | None = None, docx: bool = False,
                settings: Settings = DEFAULTS, into: Path | None = None) -> CohortPaths:
    """Write the disclosure-controlled ``findings-public.csv`` and ``report-public.html`` beside
    the internal report (whose files are kept), under the cohort's lock (``step``). ``safe``: public
    findings already protected across levels (``make publish-all``), shown instead of the cohort's own;
    ``record_key`` and ``settings``: as for ``run_report``; ``docx``: also ``report-public.docx``, for board papers.
    ``into``: the shadow project a ``publish-all`` publishes into before its commit (``run.publication``);
    without it the files go to ``reports/`` directly, once no ``publish-all`` is running."""
    root = Path(root).resolve()
    with publication.writing(root, into, settings.lock_timeout_s) as out, \
            cohort_outputs(CohortPaths(out, region, cohort), settings.lock_timeout_s) as held, \
            tempfile.TemporaryDirectory() as private:
        loaded = load_cohort(root, region, cohort, psych_offered)
        paths = CohortPaths(out, region, cohort)
        texts = {}
        if safe is None:  # with the findings the cross-level audit reads (a publish again with ``safe`` keeps them)
            findings = cohort_findings(loaded, settings.analysis)
            safe = public_findings(findings, settings.disclosure)
            texts[paths.audit_input] = audit_input_text(cohort_audit_input(findings, settings.disclosure))
        write_public(safe, Path(private) / "public.csv")
        parameters = {"region": region, "cohort": cohort, "psych_offered": psych_offered, "root": str(root),
                      "public": True, "public_findings_csv": str(Path(private) / "public.csv")}
        page = render_page(root, NOTEBOOK, parameters, f"{report_title(loaded)} (public)", Path(private), docx,
                           settings, loaded=loaded)  # the public page is handed no unprotected figure
        record = site.card([loaded], public=True, alone=too_small_to_publish(safe, settings.disclosure))
        commit(held, out, Written(paths.reports, "publish", {paths.public_findings: safe}, page, paths.public_html,
                                  paths.public_docx, card=record, card_path=paths.public_card, texts=texts), record_key)
    log.info("wrote %s", paths.public_html)
    return CohortPaths(root, region, cohort)
