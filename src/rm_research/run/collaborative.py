"""Every cohort, region and national report of the collaborative in one command.

``rm-research reports`` and ``rm-research publish-all``:

1. **Discovery** (``discover``): every ``data/raw/<region>/cohort-<N>/`` whose region is a valid
   slug and whose N is a positive whole number; ``national`` is reserved (data contract, section
   6) and a folder of that name is reported, not read. A cohort folder copied in is found as it is.
2. **Keys and records** (``run.records``): what each report was made from, and whether its outputs
   are still the files recorded; a report whose inputs and outputs are unchanged is not rebuilt.
3. **The plan and the runner** (``run``): unchanged reports are decided in this process, without
   importing pandas, scipy, statsmodels or papermill (a rerun with nothing changed takes well under a
   second); the rest run in a pool of worker processes (``concurrent.futures``), each notebook in a
   fresh kernel. A region's report starts as soon as its cohorts are done; the national one when all
   are. A cohort whose data break the contract is left out of its region and the national report.
4. **The summary** (``summary_table``): report, status, time, where it is.

``publish-all`` runs steps 3 and the audit across levels inside one transaction (``publish_all``,
``run.publication``): every public file goes to a shadow of the project first, and the whole public set
replaces the earlier one at the end, or not at all.
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_for
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final, TextIO

from rm_research.core.config import DEFAULTS, Settings
from rm_research.core.paths import (
    COHORT_FOLDER,
    NATIONAL,
    REGION_PATTERN,
    CohortId,
    Discovery,
    LevelPaths,
    ReportFiles,
    discover,
)
from rm_research.core.problems import CANNOT_WRITE, DataError, OutputError
from rm_research.run import publication
from rm_research.run.publication import audit_marker
from rm_research.run.records import (
    InputDigests,
    Record,
    audited,
    code_digests,
    cohort_key,
    is_unchanged,
    level_key,
    published_key,
    record_audit,
)
from rm_research.run.site import INDEX, PUBLIC_SITE

if TYPE_CHECKING:
    import pandas as pd

#: Deciding what is unchanged runs in this process without importing pandas, scipy, statsmodels or
#: papermill (a rerun with nothing changed takes well under a second): the modules that make reports
#: (``run.cohort``, ``run.level``, ``disclosure.hierarchy``) are imported by the functions that use them.

#: Statuses of one report in the summary.
RENDERED, UNCHANGED, BAD_DATA, FAILED, SKIPPED = "rendered", "unchanged", "bad data", "failed", "skipped"


#: What each kind of run writes: the internal report, or the public version.
REPORT, PUBLISH = "report", "publish"


def level_label(level: str) -> str:
    """How the summary names a level: ``national``, or ``<region> (region)``."""
    return "national" if level == NATIONAL else f"{level} (region)"


@dataclass(frozen=True)
class Task:
    """One report to make: a cohort's, or a level's (a region slug or ``national``) from ``members``."""

    kind: str
    key: str
    html: bool = True
    cohort: CohortId | None = None
    level: str | None = None
    members: tuple[CohortId, ...] = ()
    docx: bool = False  # a Word copy beside each page (--format docx)
    settings: Settings = DEFAULTS  # the run's, as the command resolved them
    into: Path | None = None  # a publish-all's shadow project (``run.publication``), where public files go

    @property
    def label(self) -> str:
        """How the summary names it: the cohort's label, ``<region> (region)`` or ``national``."""
        if self.cohort is not None:
            return self.cohort.label
        return level_label(str(self.level))

    def folder(self, root: Path) -> Path:
        """Where its outputs (and its record) go."""
        if self.cohort is not None:
            return self.cohort.paths(root).reports
        return Path(root) / "reports" / str(self.level)


@dataclass(frozen=True)
class Outcome:
    """How one report went: its status, seconds, where it is, and the problems or error if any."""

    label: str
    status: str
    seconds: float = 0.0
    where: Path | None = None
    detail: str = ""
    exit_status: int = 0
    cohort: CohortId | None = None
    level: str | None = None


def execute(root: Path, task: Task) -> Outcome:
    """Make one report (in a worker process): ``run.cohort.run_report``/``run_publish`` for a cohort,
    ``run.level.run_level_report``/``run_level_publish`` for a region or the nation, each writing the
    record of its inputs' key with its outputs.

    Never raises: bad data, unwritable outputs and bugs become the outcome's status and exit status.
    """
    started = time.perf_counter()
    if task.html:
        from rm_research.render.kernels import start_preloading

        start_preloading(task.settings.preload_kernels)  # the server imports the libraries while the data are validated
    folder = task.folder(root)
    try:
        if task.cohort is not None:
            from rm_research.run import cohort as pipeline  # imported on use: see the note above

            run = pipeline.run_report if task.kind == REPORT else pipeline.run_publish
            extra = {"html": task.html, "docx": task.docx} if task.kind == REPORT else \
                {"docx": task.docx, "into": task.into}
            run(root, task.cohort.region, task.cohort.cohort, record_key=task.key, settings=task.settings, **extra)
        else:
            from rm_research.run import level as levels  # imported on use: see the note above

            run = levels.run_level_report if task.kind == REPORT else levels.run_level_publish
            extra = {"html": task.html, "docx": task.docx} if task.kind == REPORT else \
                {"docx": task.docx, "into": task.into}
            run(root, str(task.level), [(c.region, c.cohort) for c in task.members], record_key=task.key,
                settings=task.settings, **extra)
        status, exit_status, detail = RENDERED, 0, ""
    except DataError as error:
        status, exit_status, detail = BAD_DATA, 2, str(error)
    except OutputError as error:
        status, exit_status, detail = FAILED, 4, str(error)
    except FileNotFoundError as error:  # as the single-cohort commands say it (cli.main)
        status, exit_status, detail = FAILED, 2, f"rm-research: {error}"
    except OSError as error:

        if error.errno not in CANNOT_WRITE:
            status, exit_status, detail = FAILED, 1, traceback.format_exc()
        else:
            status, exit_status, detail = FAILED, 4, f"could not write {error.filename or ''}: {error.strerror}"
    except Exception:  # a bug: its traceback goes in the summary's details
        status, exit_status, detail = FAILED, 1, traceback.format_exc()
    return Outcome(task.label, status, time.perf_counter() - started, folder if status == RENDERED else None,
                   detail, exit_status, task.cohort, task.level)


def key_settings(kind: str, html: bool, docx: bool, settings: Settings) -> dict[str, object]:
    """The settings of a run that shape its outputs, part of every key (``reports`` and ``publish-all`` take
    no ``--psych-sessions`` override): what it writes, and the analysis and disclosure settings."""
    return {"kind": kind, "html": html, "psych_offered": None, "docx": docx,
            "analysis": asdict(settings.analysis), "disclosure": asdict(settings.disclosure)}


@dataclass
class Plan:
    """The reports to make for a run, their keys, and what is already decided (unchanged reports)."""

    root: Path
    kind: str
    html: bool
    discovery: Discovery
    code: dict[str, dict[str, str]]
    cohort_keys: dict[CohortId, str] = field(default_factory=dict)
    national: bool = True
    docx: bool = False
    run_settings: Settings = DEFAULTS
    #: where public files go during a ``publish-all`` (``run.publication``): its shadow of the project
    into: Path | None = None
    #: the one region a run is limited to (``--region``), or None for every region and the nation
    scope: str | None = None
    #: the command's private folder where its workers keep the cohorts they validated (``kept_cohorts``)
    kept: Path | None = None

    @property
    def public_root(self) -> Path:
        """The project whose public files the run reads and writes: the shadow during ``publish-all``."""
        return self.into if self.into is not None else self.root

    @property
    def settings(self) -> dict[str, object]:
        """The run's settings that shape its outputs, part of every key (``key_settings``)."""
        return key_settings(self.kind, self.html, self.docx, self.run_settings)

    @property
    def levels(self) -> list[str]:
        """The levels to report: each region found, then the nation (unless limited to a region)."""
        return [*self.discovery.regions, *([NATIONAL] if self.national and self.discovery.cohorts else [])]

    def members(self, level: str) -> list[CohortId]:
        """The cohorts found that ``level`` pools: the region's, or every one for ``national``."""
        return [c for c in self.discovery.cohorts if level == NATIONAL or c.region == level]

    def cohort_task(self, cohort: CohortId) -> Task | None:
        """The cohort's task, or None when its outputs are unchanged."""
        key = self.cohort_keys[cohort]
        if is_unchanged(self.root, cohort.paths(self.root).reports, self.kind, key):
            return None
        return Task(self.kind, key, self.html, cohort=cohort, docx=self.docx, settings=self.run_settings,
                    into=self.into)

    def level_task(self, level: str, good: Iterable[CohortId]) -> Task | None:
        """The level's task pooling the ``good`` cohorts, or None when its outputs are unchanged."""
        members = {c: self.cohort_keys[c] for c in good}
        key = level_key(level, members, self.code, self.settings)
        task = Task(self.kind, key, self.html, level=level, members=tuple(sorted(members)), docx=self.docx,
                    settings=self.run_settings, into=self.into)
        return None if is_unchanged(self.root, task.folder(self.root), self.kind, key) else task


def make_plan(root: Path, kind: str = REPORT, html: bool = True, region: str | None = None,
              docx: bool = False, settings: Settings = DEFAULTS) -> Plan:
    """Discover the cohorts and compute every key: all in this process, with no heavy imports.
    ``docx``: each report also as a Word copy (``--format docx``); ``settings``: the run's."""
    root = Path(root)
    discovery = discover(root, region)
    known = InputDigests(root)  # each input is read again only where it changed since the last run
    plan = Plan(root, kind, html, discovery, code_digests(root, digest=known.digest), national=region is None,
                docx=docx and html, run_settings=settings, scope=region)
    for cohort in discovery.cohorts:
        plan.cohort_keys[cohort] = cohort_key(root, cohort, plan.code, plan.settings, known.digest)
    known.save()
    return plan


def cohort_record_key(root: Path, cohort: CohortId, html: bool = True, docx: bool = False,
                      settings: Settings = DEFAULTS) -> str:
    """The key ``make reports`` would give this cohort's report (``records.cohort_key``), so that a single
    ``make report`` leaves a record ``make reports`` accepts: the two commands write the same files from
    the same inputs, and neither throws the other's work away."""
    return cohort_key(Path(root), cohort, code_digests(Path(root)), key_settings(REPORT, html, docx and html, settings))


def cross_level_pass(plan: Plan, outcomes: list[Outcome], jobs: int | None = None) -> list[str]:
    """After ``publish-all``: audit every published table together (``publication``), and publish
    again, and record, each unit whose hidden figures could otherwise be worked out from another
    level's table (a region less its cohorts, the nation less its regions). Returns those units. A
    level whose cohorts are published again is published again too, with its own findings, since its
    public page draws theirs."""

    good = [o.cohort for o in outcomes if o.cohort is not None and o.status in (RENDERED, UNCHANGED)]
    cohorts = [(c.region, c.cohort) for c in sorted(good, key=lambda c: (c.region, c.cohort))]
    if not cohorts:  # every cohort failed: nothing was published, so nothing to audit across levels
        return []
    regions = sorted({region for region, _ in cohorts})
    base = plan.public_root
    folders = [*(CohortId(r, c).paths(base).reports for r, c in cohorts),
               *(LevelPaths(base, level).reports for level in [*regions, *([NATIONAL] if plan.national else [])])]
    marker = audit_marker(base, plan.scope)
    before = published_key(folders, base)
    if before is not None and all(o.status == UNCHANGED for o in outcomes) and audited(marker) == before:
        return []  # this very public set was audited across levels when it was published: nothing to redo
    from rm_research.disclosure import hierarchy  # imported on use: see the note above

    with _executor(jobs or default_jobs(), plan.kept) as pool:  # the audit's parts and publishing again, in workers
        levels = hierarchy.published_levels(plan.root, cohorts, regions, plan.national, plan.run_settings, base,
                                            mapper=pool.map)
        changes = hierarchy.cross_level_changes(levels, plan.run_settings.disclosure, mapper=pool.map)
        changes.update(hierarchy.pooling_after_audit(levels, changes, plan.run_settings.disclosure))
        hidden_more = sorted(changes)
        # a level's public page draws its cohorts' published changes (its forest plots; the nation's, above 15
        # cohorts, its regions'): published again with theirs, even where its own findings stand; cohorts
        # first, then regions, then the nation, so that each draws the new files of those below it
        for level in levels:
            if "/" not in level.unit and level.unit not in changes and any(
                    unit.startswith(f"{level.unit}/") or (level.unit == NATIONAL and unit != NATIONAL)
                    for unit in changes):
                changes[level.unit] = level.safe
        for stage in (lambda unit: "/" in unit, lambda unit: "/" not in unit and unit != NATIONAL,
                      lambda unit: unit == NATIONAL):
            units = sorted(unit for unit in changes if stage(unit))
            list(pool.map(_republish_unit, [plan] * len(units), units, [changes[unit] for unit in units],
                          [cohorts] * len(units)))
    after = published_key(folders, base)
    if after is not None:
        record_audit(marker, after)
    return hidden_more


#: How the index names this run's outcome of each report (``run.site``): the same words for the same inputs.
INDEX_STATUS: Final = {RENDERED: "up to date", UNCHANGED: "up to date", BAD_DATA: "not made: the data break the "
                       "contract", FAILED: "not made: an error (see the run's messages)", SKIPPED: "not made"}


def index_statuses(outcomes: Iterable[Outcome]) -> dict[str, str]:
    """Each outcome's report folder (relative to ``reports/``) and its status in words, for the index."""
    found = {}
    for outcome in outcomes:
        if outcome.cohort is not None:
            folder = f"{outcome.cohort.region}/cohort-{outcome.cohort.cohort}"
        elif outcome.level is not None:
            folder = outcome.level
        else:
            continue
        found[folder] = INDEX_STATUS.get(outcome.status, outcome.status)
    return found


def publish_all(plan: Plan, jobs: int | None = None, progress: Callable[[Outcome], None] | None = None
                ) -> tuple[list[Outcome], list[str], list[str]]:
    """``publish-all`` as one transaction (``run.publication``): every unit published into a shadow of the
    project, audited across levels there, the public files of units whose data are gone removed there,
    and the whole public set committed at once. Returns the outcomes, the units published again by the
    cross-level audit, and the units whose public files were removed."""
    if (unchanged := already_published(plan)) is not None:
        for outcome in unchanged:
            (progress or (lambda _: None))(outcome)
        return unchanged, [], []
    with publication.transaction(plan.root, plan.scope, plan.run_settings.lock_timeout_s) as shadow, \
            kept_cohorts(replace(plan, into=shadow)) as staged:
        outcomes = run(staged, jobs, progress)
        protected = cross_level_pass(staged, outcomes, jobs)
        withdrawn = withdraw_orphans(staged)
    return outcomes, protected, withdrawn


def already_published(plan: Plan) -> list[Outcome] | None:
    """Every unit's outcome (``unchanged``) when a ``publish-all`` has nothing to do: every cohort's and
    level's public files made from the same inputs and intact (``Plan.cohort_task``, ``Plan.level_task``),
    the cross-level audit finished on this very public set, no unit's public files left without data
    and the public site there; else None, and the run publishes as usual. Deciding costs no shadow of
    the public set (at 1,000 cohorts, 9,000 links made and removed) and no comparison of the site."""
    if any(plan.cohort_task(cohort) is not None for cohort in plan.discovery.cohorts):
        return None
    if any(plan.level_task(level, plan.members(level)) is not None for level in plan.levels):
        return None
    folders = [*(cohort.paths(plan.root).reports for cohort in plan.discovery.cohorts),
               *(LevelPaths(plan.root, level).reports for level in plan.levels)]
    published = published_key(folders, plan.root)
    if published is None or audited(audit_marker(plan.root, plan.scope)) != published or orphaned_publications(plan):
        return None
    if not (plan.root / PUBLIC_SITE / INDEX).is_file():
        return None
    return [*(Outcome(c.label, UNCHANGED, where=c.paths(plan.root).reports, cohort=c) for c in plan.discovery.cohorts),
            *(Outcome(level_label(level), UNCHANGED,
                      where=plan.root / "reports" / level, level=level) for level in plan.levels)]


def progress_enabled(stream: TextIO, in_ci: bool = False) -> bool:
    """Show a progress bar only on a terminal, and never in CI (the run's ``Settings.in_ci``)."""
    if in_ci:
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def kept_cohorts(plan: Plan) -> Iterator[Plan]:
    """``plan`` with a private folder where the command's workers keep the cohorts they validate, so
    that the levels read them back instead of validating them again (``ingest.load.keep_loaded_in``),
    removed when the command ends; ``plan`` itself where it has one already."""
    if plan.kept is not None:
        yield plan
        return
    with tempfile.TemporaryDirectory(prefix="rm-research-cohorts-") as kept:
        yield replace(plan, kept=Path(kept))


def _start_worker(kept: Path | None) -> None:
    """In each worker: leave interrupts to the command, and keep validated cohorts in ``kept``."""
    _leave_interrupts_to_the_command()
    _keep_loaded_in(kept)


def _keep_loaded_in(kept: Path | None) -> None:
    from rm_research.ingest.load import keep_loaded_in  # imported on use: see the note above

    keep_loaded_in(kept)


class _InlineExecutor:
    """Runs each task at once in this process (``-j 1``): the same interface as the pool, no processes;
    validated cohorts are kept in ``kept`` while it runs."""

    def __init__(self, kept: Path | None = None) -> None:
        self.kept = kept

    def __enter__(self) -> _InlineExecutor:
        if self.kept is not None:
            _keep_loaded_in(self.kept)
        return self

    def __exit__(self, *_: object) -> None:
        if self.kept is not None:
            _keep_loaded_in(None)

    @staticmethod
    def map(function: Callable[..., object], *iterables: Iterable[object]) -> Iterator[object]:
        """``function`` over the iterables, here and now, as the pool's ``map``."""
        return map(function, *iterables)

    def submit(self, function: Callable[..., Outcome], *args: object) -> Future[Outcome]:
        future: Future[Outcome] = Future()
        future.set_result(function(*args))
        return future


def _executor(jobs: int, kept: Path | None = None) -> ProcessPoolExecutor | _InlineExecutor:
    """A pool of ``jobs`` fresh worker processes ("spawn": nothing inherited from this one, so no
    logging handlers, threads or locks), or this process alone for one job; each keeps the cohorts it
    validates in ``kept`` (``kept_cohorts``)."""
    if jobs <= 1:
        return _InlineExecutor(kept)
    import multiprocessing

    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(kept,))


def _leave_interrupts_to_the_command() -> None:
    """In each worker: ignore Ctrl-C, which the terminal sends to every process of the command. The
    command cancels the reports not yet started (``run``) and lets the ones being made finish, whole,
    rather than each worker dying mid-notebook with its kernel's tracebacks on the screen."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _result(future: Future[Outcome], name: object) -> Outcome:
    """The outcome of a finished task; a worker that died (killed, out of memory) is a failure, not a crash."""
    try:
        return future.result()
    except Exception as error:  # BrokenProcessPool and the like: the task's own errors are caught in execute
        cohort = name if isinstance(name, CohortId) else None
        level = None if cohort else str(name)
        label = cohort.label if cohort else level_label(str(level))
        return Outcome(label, FAILED, detail=f"the worker process running it stopped: {error!r}", exit_status=1,
                       cohort=cohort, level=level)


def _run_all(plan: Plan, pool: ProcessPoolExecutor | _InlineExecutor, running: dict[Future[Outcome], object],
             settle: Callable[[object, Outcome], None],
             start_ready_levels: Callable[[ProcessPoolExecutor | _InlineExecutor], None]) -> None:
    """``run``'s loop: submit every cohort's task, then settle each as it finishes and start the
    levels whose cohorts are all settled, until nothing runs."""
    for cohort in plan.discovery.cohorts:
        task = plan.cohort_task(cohort)
        if task is None:
            settle(cohort, Outcome(cohort.label, UNCHANGED, where=cohort.paths(plan.root).reports, cohort=cohort))
        else:
            running[pool.submit(execute, plan.root, task)] = cohort
    while True:
        finished = [f for f in running if f.done()]
        for future in finished:
            name = running.pop(future)
            settle(name, _result(future, name))
        start_ready_levels(pool)
        if not running:
            break
        if not finished:
            wait_for(list(running), return_when=FIRST_COMPLETED)


def run(plan: Plan, jobs: int | None = None, progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Make every report the plan needs, ``jobs`` at a time; one outcome per cohort and level, in order.

    Cohorts run first; a region's report is started as soon as all its cohorts are done, the national
    one when all cohorts are, each pooling only the cohorts whose data are valid (rendered or
    unchanged), as their own tasks validated them (``kept_cohorts``). ``progress`` is called with each
    outcome as it is known.
    """
    with kept_cohorts(plan) as kept:
        return _run(kept, jobs, progress)


def _run(plan: Plan, jobs: int | None, progress: Callable[[Outcome], None] | None) -> list[Outcome]:
    report = progress or (lambda _: None)
    outcomes: dict[object, Outcome] = {}
    good: set[CohortId] = set()
    waiting: dict[str, set[object]] = {level: set(plan.members(level)) for level in plan.levels}
    if plan.kind == PUBLISH and NATIONAL in waiting:  # the nation's public page may draw the regions' published rows
        waiting[NATIONAL] |= {level for level in plan.levels if level != NATIONAL}
    running: dict[Future[Outcome], object] = {}

    def settle(name: object, outcome: Outcome) -> None:
        outcomes[name] = outcome
        report(outcome)
        if outcome.cohort is not None:
            if outcome.status in (RENDERED, UNCHANGED):
                good.add(outcome.cohort)
            for left in waiting.values():
                left.discard(outcome.cohort)
        elif outcome.level is not None:
            for left in waiting.values():
                left.discard(outcome.level)

    def start_ready_levels(pool: ProcessPoolExecutor | _InlineExecutor) -> None:
        # a level settled here (unchanged, skipped) may make another ready (the nation waits for its regions
        # in a publish): so until none is
        while ready := [lv for lv, left in waiting.items() if not left]:
            _start_levels(pool, ready)

    def _start_levels(pool: ProcessPoolExecutor | _InlineExecutor, ready: list[str]) -> None:
        for level in ready:
            del waiting[level]
            members = [c for c in plan.members(level) if c in good]
            label = level_label(level)
            if not members:
                settle(level, Outcome(label, SKIPPED, detail="no cohort with valid data", level=level))
                continue
            task = plan.level_task(level, members)
            if task is None:
                settle(level, Outcome(label, UNCHANGED, where=Path(plan.root) / "reports" / level, level=level))
            else:
                running[pool.submit(execute, plan.root, task)] = level

    with _executor(jobs or default_jobs(), plan.kept) as pool:
        try:
            _run_all(plan, pool, running, settle, start_ready_levels)
        except KeyboardInterrupt:
            # Ctrl-C: the reports not yet started never start (leaving the pool would otherwise run
            # them all); those being made finish, whole (the workers ignore Ctrl-C)
            if isinstance(pool, ProcessPoolExecutor):
                pool.shutdown(wait=False, cancel_futures=True)
            raise
    order = [*plan.discovery.cohorts, *plan.levels]
    return [outcomes[name] for name in order if name in outcomes]


def exit_status(outcomes: Sequence[Outcome]) -> int:
    """The command's status: 1 if anything hit a bug, else 4 if outputs could not be written, else 2 if
    a cohort's data break the contract, else 0."""
    statuses = {o.exit_status for o in outcomes}
    for status in (1, 4, 2):
        if status in statuses:
            return status
    return 0


def unit_of(outcome: Outcome) -> str:
    """The unit an outcome is about, as the cross-level audit names units: ``region/N``, a region, ``national``."""
    if outcome.cohort is not None:
        return f"{outcome.cohort.region}/{outcome.cohort.cohort}"
    return outcome.level or outcome.label


def summary_table(outcomes: Sequence[Outcome], root: Path, again: Iterable[str] = ()) -> str:
    """One line per report: what, status, seconds, where the report is (relative to ``root``). ``again``: the
    units ``publish-all`` published again after its audit of every level together, said in their status."""
    again = set(again)
    outcomes = [replace(o, status=f"{o.status}, audited again") if unit_of(o) in again else o for o in outcomes]
    def where(outcome: Outcome) -> str:
        if outcome.where is None:
            return outcome.detail.splitlines()[0] if outcome.status == SKIPPED and outcome.detail else ""
        try:
            return Path(outcome.where).relative_to(root).as_posix() + "/"
        except ValueError:
            return str(outcome.where)

    rows = [(o.label, o.status, f"{o.seconds:.1f} s" if o.status.split(",")[0] in (RENDERED, BAD_DATA, FAILED) else "",
             where(o))
            for o in outcomes]
    header = ("report", "status", "time", "where")
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) if rows else len(header[i]) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in (header, *rows)]
    return "\n".join(lines)


def problem_sections(outcomes: Sequence[Outcome]) -> Iterator[str]:
    """For each report that did not succeed, its name and its problems (as ``validate`` prints them)."""
    for outcome in outcomes:
        if outcome.status in (BAD_DATA, FAILED) and outcome.detail:
            yield f"{outcome.label}: {outcome.status}\n{outcome.detail.rstrip()}"


def counts(outcomes: Sequence[Outcome]) -> str:
    """``3 rendered, 10 unchanged, 1 bad data``: the statuses and how many of each."""
    seen: dict[str, int] = {}
    for outcome in outcomes:
        seen[outcome.status] = seen.get(outcome.status, 0) + 1
    return ", ".join(f"{n} {status}" for status, n in seen.items())


def orphaned_publications(plan: Plan) -> list[tuple[str, ReportFiles]]:
    """The units whose public files are still in ``reports/`` though their data are gone from
    ``data/raw`` (a cohort removed, say because consent was withdrawn; a region with no cohort left),
    within the plan's scope (its region, or every region), as ``(unit, its report files)``."""
    base = plan.public_root
    reports, found = base / "reports", []
    if plan.national:  # every region: those whose data are gone included (not a folder of another name)
        regions = sorted(p for p in reports.iterdir() if p.is_dir() and p.name != NATIONAL
                         and REGION_PATTERN.fullmatch(p.name)) if reports.is_dir() else []
    else:  # the one region asked for
        regions = [reports / region for region in plan.discovery.regions]
    present = set(plan.discovery.cohorts)
    for region in regions:
        for folder in sorted(region.glob("cohort-*")):
            number = folder.name.removeprefix("cohort-")
            if not COHORT_FOLDER.fullmatch(folder.name) or CohortId(region.name, int(number)) in present:
                continue
            paths = CohortId(region.name, int(number)).paths(base)
            if any(path.exists() for path in paths.public_files):
                found.append((f"{region.name}/{int(number)}", paths))
        level = LevelPaths(base, region.name)
        if plan.national and region.name not in plan.discovery.regions and any(
                path.exists() for path in level.public_files):
            found.append((region.name, level))
    return found


def withdraw(plan: Plan, unit: str, files: ReportFiles) -> None:
    """Remove ``unit``'s public files and their record: from a ``publish-all``'s shadow (whose commit
    removes them from ``reports/`` with the rest), else all together under the unit's lock."""
    if plan.into is not None:
        for path in publication.unit_public_files(files.reports):
            path.unlink(missing_ok=True)
        return
    from rm_research.run import outputs  # imported on use: see the note above
    from rm_research.run.cohort import cohort_lock

    if "/" in unit:
        region, number = unit.split("/")
        lock = cohort_lock(CohortId(region, int(number)).paths(plan.root))
    else:
        lock = LevelPaths(plan.root, unit).lock
    with outputs.locked(lock, timeout=plan.run_settings.lock_timeout_s) as held, held.replacing() as staging:
        for path in publication.unit_public_files(files.reports):
            if path.exists():
                staging.remove(path)


def withdraw_orphans(plan: Plan) -> list[str]:
    """After ``publish-all``: remove the public files of every unit whose data are gone
    (``orphaned_publications``), each unit's all together; the units, for the summary."""
    orphans = orphaned_publications(plan)
    for unit, files in orphans:
        withdraw(plan, unit, files)
    return [unit for unit, _ in orphans]


def _republish_unit(plan: Plan, unit: str, safe: pd.DataFrame, members: Sequence[tuple[str, int]]) -> None:
    """Publish ``unit`` again into the plan's shadow with ``safe`` (the cross-level audit's), under the
    record of its last publish (the outputs change on purpose: the record vouches for the new ones)."""
    if "/" in unit:
        region, number = unit.split("/")
        folder = CohortId(region, int(number)).paths(plan.public_root).reports
    else:
        folder = plan.public_root / "reports" / unit
    record = Record.read(folder, PUBLISH)
    republish(plan.root, unit, safe, members, None if record is None else record.key, plan.docx,
              plan.run_settings, plan.into)


def republish(root: Path | str, unit: str, safe: pd.DataFrame, members: Sequence[tuple[str, int]],
              record_key: str | None = None, docx: bool = False, settings: Settings = DEFAULTS,
              into: Path | None = None) -> None:
    """Publish one unit again with the findings the cross-level audit protected (``record_key``: the
    inputs' key ``make publish-all`` records with the outputs, as for ``run.cohort.run_report``; ``into``:
    the shadow project of a ``publish-all``)."""
    from rm_research.run import cohort as pipeline  # imported on use: see the note above
    from rm_research.run import level as levels

    if "/" in unit:
        region, cohort = unit.split("/")
        pipeline.run_publish(Path(root), region, int(cohort), safe=safe, record_key=record_key, docx=docx,
                             settings=settings, into=into)
    else:
        chosen = [m for m in members if unit == NATIONAL or m[0] == unit]
        levels.run_level_publish(Path(root), unit, chosen, safe=safe, record_key=record_key, docx=docx,
                                 settings=settings, into=into)
