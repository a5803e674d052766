"""Every cohort, region and national report of the collaborative in one command (issue 9).

``rm-research reports`` and ``rm-research publish-all``:

1. **Discovery** (``discover``): every ``data/raw/<region>/cohort-<N>/`` whose region is a valid
   slug and whose N is a positive whole number; ``national`` is reserved (data contract, section
   6) and a folder of that name is reported, not read. A cohort folder copied in is found as it is.
2. **Keys** (``input_key``): a SHA-256 over everything a report is made from: the cohort's raw
   files (``programme.toml`` among them) and its region's ``columns.toml``, the package's code and
   templates, the notebooks, ``requirements.lock`` and the run's settings. A region or national key
   is made from the keys of the cohorts it pools, so it changes when any of them does.
3. **Records** (``Record``): beside each set of outputs, ``.<kind>-inputs.json`` holds the key the
   outputs were made from and the SHA-256 of each output file. A report is "unchanged" only when its
   key matches *and* its outputs are still the files recorded, so a record can never vouch for outputs
   that another command, a person or a killed run has since replaced. The record is written after the
   outputs were committed; a run killed in between leaves a record that no longer matches them, and the
   next run rebuilds.
4. **The plan and the runner** (``run``): unchanged reports are decided in this process, without
   importing pandas, scipy, statsmodels or papermill (a rerun with nothing changed takes well under a
   second); the rest run in a pool of worker processes (``concurrent.futures``), each notebook in a
   fresh kernel. A region's report starts as soon as its cohorts are done; the national one when all
   are. A cohort whose data break the contract is left out of its region and the national report.
5. **The summary** (``summary_table``): report, status, time, where it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TextIO

from .paths import COHORT_FOLDER, NATIONAL, CohortPaths, check_region

#: Statuses of one report in the summary.
RENDERED, UNCHANGED, BAD_DATA, FAILED, SKIPPED = "rendered", "unchanged", "bad data", "failed", "skipped"
#: What each kind of run writes: the internal report, or the public version.
REPORT, PUBLISH = "report", "publish"
#: Files of the package that make up its code (``__pycache__`` and compiled files are not code).
CODE_SUFFIXES: Final = frozenset({".py", ".j2", ".json", ".csv", ".css", ".toml", ".tpl"})


@dataclass(frozen=True, order=True)
class CohortId:
    """One cohort of one region."""

    region: str
    cohort: int

    @property
    def label(self) -> str:
        """How the summary names it, e.g. ``south-east cohort 1``."""
        return f"{self.region} cohort {self.cohort}"

    def paths(self, root: Path) -> CohortPaths:
        """Its folders under the project folder ``root``."""
        return CohortPaths(root, self.region, self.cohort)


@dataclass(frozen=True)
class Discovery:
    """The cohorts found under ``data/raw`` and, for folders that were passed over, why."""

    cohorts: tuple[CohortId, ...]
    notes: tuple[str, ...] = ()

    @property
    def regions(self) -> tuple[str, ...]:
        """The regions with at least one cohort found, sorted."""
        return tuple(sorted({c.region for c in self.cohorts}))


#: A folder name meant as a cohort's, however written: "Cohort 3", "cohort_4", "cohort-06".
LOOKS_LIKE_COHORT: Final = re.compile(r"(?i)cohort[\s_.-]*(\d+)")


def _cohort_hint(name: str) -> str:
    """"; did you mean cohort-N?" for a folder named like cohort N, else nothing."""
    found = LOOKS_LIKE_COHORT.fullmatch(name.strip())
    return f"; did you mean cohort-{int(found.group(1))}?" if found and int(found.group(1)) > 0 else ""


def discover(root: Path, region: str | None = None) -> Discovery:
    """Every ``data/raw/<region>/cohort-<N>/`` folder (only ``region``'s when given), sorted.

    Files and folders that are not named like cohorts are passed over quietly (the example's
    README); a region folder that is not a valid slug, one named ``national``, and a folder named
    like a cohort but not ``cohort-N`` (``cohort-01``, ``Cohort 3``, ``cohort_4``) are passed over with
    a note saying why. ``reports`` and ``publish-all`` print the notes and exit 2 after the others.
    """
    raw = Path(root) / "data" / "raw"
    cohorts: list[CohortId] = []
    notes: list[str] = []
    regions = [raw / region] if region else sorted(p for p in raw.iterdir() if p.is_dir()) if raw.is_dir() else []
    for folder in regions:
        if not folder.is_dir():
            continue
        name = folder.name
        if name.startswith("."):
            continue
        if name == NATIONAL:
            notes.append(f"{folder}: passed over: 'national' is reserved for the national report and cannot be "
                         "a region's name (data contract, section 6); rename the folder to the region's slug")
            continue
        try:
            check_region(name)
        except ValueError as error:
            notes.append(f"{folder}: passed over: {error}")
            continue
        for child in sorted(folder.iterdir()):
            if not child.is_dir():
                continue
            match = COHORT_FOLDER.fullmatch(child.name)
            if match is not None:
                cohorts.append(CohortId(name, int(match.group(1))))
            elif child.name.startswith("cohort-") or LOOKS_LIKE_COHORT.fullmatch(child.name.strip()):
                notes.append(f"{child}: passed over: a cohort folder is named cohort-N, N a positive whole number "
                             f"without leading zeros (e.g. cohort-3){_cohort_hint(child.name)}")
    return Discovery(tuple(sorted(cohorts)), tuple(notes))


# ---------------------------------------------------------------------------------------------- keys


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, in hexadecimal."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def folder_digests(folder: Path, suffixes: Iterable[str] | None = None, recursive: bool = False) -> dict[str, str]:
    """``{relative path: SHA-256}`` of the files in ``folder`` (only those ending in ``suffixes`` when
    given; ``__pycache__`` and hidden files never), empty when there is no such folder."""
    if not folder.is_dir():
        return {}
    wanted = None if suffixes is None else frozenset(suffixes)
    found = folder.rglob("*") if recursive else folder.iterdir()
    digests = {}
    for path in found:
        relative = path.relative_to(folder)
        if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
            continue
        if path.is_file() and (wanted is None or path.suffix.lower() in wanted):
            digests[relative.as_posix()] = file_digest(path)
    return dict(sorted(digests.items()))


def package_folder() -> Path:
    """The folder of the installed ``rm_research`` package (its code, templates and published figures)."""
    return Path(__file__).resolve().parent


def code_digests(root: Path, package: Path | None = None) -> dict[str, dict[str, str]]:
    """What every report shares: the package's code and templates (``package``, default the installed
    one), the project's notebooks and its locked versions."""
    lock = Path(root) / "requirements.lock"
    return {
        "package": folder_digests(package or package_folder(), CODE_SUFFIXES, recursive=True),
        "notebooks": folder_digests(Path(root) / "notebooks", {".ipynb"}),
        "requirements.lock": {"requirements.lock": file_digest(lock)} if lock.is_file() else {},
    }


def cohort_digests(root: Path, cohort: CohortId) -> dict[str, str]:
    """Every file in the cohort's raw folder (``programme.toml`` included: ignored files too, which
    ``validate`` lists), and the region's ``columns.toml``, which maps headers for all its cohorts."""
    paths = cohort.paths(Path(root))
    digests = folder_digests(paths.raw)
    region_columns = paths.raw.parent / "columns.toml"
    if region_columns.is_file():
        digests["../columns.toml"] = file_digest(region_columns)
    return digests


def input_key(*parts: object) -> str:
    """SHA-256 over ``parts`` (JSON-serialisable: digests, settings, member keys), in hexadecimal."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cohort_key(root: Path, cohort: CohortId, code: Mapping[str, object], settings: Mapping[str, object]) -> str:
    """The key of one cohort's report: its raw files, the shared code and the run's settings."""
    return input_key("cohort", cohort.region, cohort.cohort, cohort_digests(root, cohort), code, dict(settings))


def level_key(level: str, members: Mapping[CohortId, str], code: Mapping[str, object],
              settings: Mapping[str, object]) -> str:
    """The key of a region's (or the national) report: the keys of the cohorts it pools, the code, the settings."""
    pooled = [[c.region, c.cohort, key] for c, key in sorted(members.items())]
    return input_key("level", level, pooled, code, dict(settings))


# ------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Record:
    """What a set of outputs was made from: ``key`` and the SHA-256 of each output (paths relative to root)."""

    key: str
    outputs: Mapping[str, str]

    @staticmethod
    def path(folder: Path, kind: str) -> Path:
        """The record of ``kind`` (``report`` or ``publish``) outputs in ``folder``."""
        return folder / f".{kind}-inputs.json"

    @classmethod
    def read(cls, folder: Path, kind: str) -> Record | None:
        """The record in ``folder``, or None when there is none or it cannot be read."""
        try:
            data = json.loads(cls.path(folder, kind).read_text(encoding="utf-8"))
            return cls(str(data["key"]), {str(k): str(v) for k, v in data["outputs"].items()})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def holds(self, root: Path) -> bool:
        """True when every recorded output is still there, byte for byte."""
        for relative, digest in self.outputs.items():
            path = Path(root) / relative
            try:
                if file_digest(path) != digest:
                    return False
            except OSError:
                return False
        return bool(self.outputs)

    def write(self, folder: Path, kind: str) -> None:
        """Write the record atomically (a flushed temporary file renamed into place)."""
        target = self.path(folder, kind)
        temporary = target.with_name(target.name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump({"key": self.key, "outputs": dict(self.outputs)}, file, indent=1, sort_keys=True)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)


def stage_record(staging: Any, root: Path, folder: Path, kind: str, key: str | None) -> None:
    """Put the record in the same all-or-nothing set as the outputs (``outputs.Staging``): the key and
    the SHA-256 of every file staged so far, or, with no key (a single-cohort command), the removal of
    any earlier record, so that it can never vouch for outputs that command replaced.

    ``pipeline.run_report``/``run_publish`` and ``levels.run_level_*`` call it as the last step
    inside ``held.replacing()``.
    """
    target = Record.path(folder, kind)
    if key is None:
        staging.remove(target)
        return
    digests = {Path(d).relative_to(root).as_posix(): file_digest(Path(s)) for d, s in sorted(staging.staged.items())
               if Path(s).is_file()}
    Record(key, digests).write(Path(staging.path(target)).parent, kind)


def is_unchanged(root: Path, folder: Path, kind: str, key: str) -> bool:
    """True when ``folder``'s outputs of ``kind`` were made from inputs with ``key`` and are still intact."""
    record = Record.read(folder, kind)
    return record is not None and record.key == key and record.holds(root)


# ---------------------------------------------------------------------------------------- the tasks


@dataclass(frozen=True)
class Task:
    """One report to make: a cohort's, or a level's (a region slug or ``national``) from ``members``."""

    kind: str
    key: str
    html: bool = True
    cohort: CohortId | None = None
    level: str | None = None
    members: tuple[CohortId, ...] = ()

    @property
    def label(self) -> str:
        """How the summary names it: the cohort's label, ``<region> (region)`` or ``national``."""
        if self.cohort is not None:
            return self.cohort.label
        return "national" if self.level == NATIONAL else f"{self.level} (region)"

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
    """Make one report (in a worker process): ``pipeline.run_report``/``run_publish`` for a cohort,
    ``levels.run_level_report``/``run_level_publish`` for a region or the nation, each writing the
    record of its inputs' key with its outputs.

    Never raises: bad data, unwritable outputs and bugs become the outcome's status and exit status.
    """
    from .problems import DataError, OutputError

    started = time.perf_counter()
    if task.html:
        from .kernels import start_preloading

        start_preloading()  # the kernel server imports the notebooks' libraries while the data are validated
    folder = task.folder(root)
    try:
        if task.cohort is not None:
            from . import pipeline

            run = pipeline.run_report if task.kind == REPORT else pipeline.run_publish
            extra = {"html": task.html} if task.kind == REPORT else {}
            run(root, task.cohort.region, task.cohort.cohort, record_key=task.key, **extra)
        else:
            from . import levels

            run = levels.run_level_report if task.kind == REPORT else levels.run_level_publish
            extra = {"html": task.html} if task.kind == REPORT else {}
            run(root, str(task.level), [(c.region, c.cohort) for c in task.members], record_key=task.key, **extra)
        status, exit_status, detail = RENDERED, 0, ""
    except DataError as error:
        status, exit_status, detail = BAD_DATA, 2, str(error)
    except OutputError as error:
        status, exit_status, detail = FAILED, 4, str(error)
    except FileNotFoundError as error:  # as the single-cohort commands say it (cli.main)
        status, exit_status, detail = FAILED, 2, f"rm-research: {error}"
    except OSError as error:
        from .cli import CANNOT_WRITE

        if error.errno not in CANNOT_WRITE:
            status, exit_status, detail = FAILED, 1, traceback.format_exc()
        else:
            status, exit_status, detail = FAILED, 4, f"could not write {error.filename or ''}: {error.strerror}"
    except Exception:  # a bug: its traceback goes in the summary's details
        status, exit_status, detail = FAILED, 1, traceback.format_exc()
    return Outcome(task.label, status, time.perf_counter() - started, folder if status == RENDERED else None,
                   detail, exit_status, task.cohort, task.level)


# ----------------------------------------------------------------------------------------- the plan


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

    @property
    def settings(self) -> dict[str, object]:
        """The run's settings, part of every key (these commands take no ``--psych-sessions`` override)."""
        return {"kind": self.kind, "html": self.html, "psych_offered": None}

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
        return Task(self.kind, key, self.html, cohort=cohort)

    def level_task(self, level: str, good: Iterable[CohortId]) -> Task | None:
        """The level's task pooling the ``good`` cohorts, or None when its outputs are unchanged."""
        members = {c: self.cohort_keys[c] for c in good}
        key = level_key(level, members, self.code, self.settings)
        task = Task(self.kind, key, self.html, level=level, members=tuple(sorted(members)))
        return None if is_unchanged(self.root, task.folder(self.root), self.kind, key) else task


def make_plan(root: Path, kind: str = REPORT, html: bool = True, region: str | None = None) -> Plan:
    """Discover the cohorts and compute every key: all in this process, with no heavy imports."""
    root = Path(root)
    discovery = discover(root, region)
    plan = Plan(root, kind, html, discovery, code_digests(root), national=region is None)
    for cohort in discovery.cohorts:
        plan.cohort_keys[cohort] = cohort_key(root, cohort, plan.code, plan.settings)
    return plan


def cross_level_pass(plan: Plan, outcomes: list[Outcome]) -> list[str]:
    """After ``publish-all``: audit every published table together (``publication``), and publish
    again, and record, each unit whose hidden figures could otherwise be worked out from another
    level's table (a region less its cohorts, the nation less its regions). Returns those units."""
    from . import publication

    good = [o.cohort for o in outcomes if o.cohort is not None and o.status in (RENDERED, UNCHANGED)]
    cohorts = [(c.region, c.cohort) for c in sorted(good, key=lambda c: (c.region, c.cohort))]
    if not cohorts:  # every cohort failed: nothing was published, so nothing to audit across levels
        return []
    regions = sorted({region for region, _ in cohorts})
    levels = publication.published_levels(plan.root, cohorts, regions, plan.national)
    changes = publication.cross_level_changes(levels)
    for unit, safe in changes.items():
        if "/" in unit:
            region, number = unit.split("/")
            folder = CohortId(region, int(number)).paths(plan.root).reports
        else:
            folder = Path(plan.root) / "reports" / unit
        record = Record.read(folder, PUBLISH)  # the outputs change on purpose: the record vouches for the new ones
        publication.republish(plan.root, unit, safe, cohorts, None if record is None else record.key)
    return sorted(changes)


# --------------------------------------------------------------------------------------- the runner


def progress_enabled(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Show a progress bar only on a terminal, and never in CI (``CI`` set to anything but empty/false)."""
    environ = os.environ if environ is None else environ
    if environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class _InlineExecutor:
    """Runs each task at once in this process (``-j 1``): the same interface as the pool, no processes."""

    def __enter__(self) -> _InlineExecutor:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def submit(self, function: Callable[..., Outcome], *args: object) -> Future[Outcome]:
        future: Future[Outcome] = Future()
        future.set_result(function(*args))
        return future


def _executor(jobs: int) -> ProcessPoolExecutor | _InlineExecutor:
    """A pool of ``jobs`` fresh worker processes ("spawn": nothing inherited from this one, so no
    logging handlers, threads or locks), or this process alone for one job."""
    if jobs <= 1:
        return _InlineExecutor()
    import multiprocessing

    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_leave_interrupts_to_the_command)


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
        label = cohort.label if cohort else ("national" if level == NATIONAL else f"{level} (region)")
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
    unchanged). ``progress`` is called with each outcome as it is known.
    """
    report = progress or (lambda _: None)
    outcomes: dict[object, Outcome] = {}
    good: set[CohortId] = set()
    waiting = {level: set(plan.members(level)) for level in plan.levels}
    running: dict[Future[Outcome], object] = {}

    def settle(name: object, outcome: Outcome) -> None:
        outcomes[name] = outcome
        report(outcome)
        if outcome.cohort is not None:
            if outcome.status in (RENDERED, UNCHANGED):
                good.add(outcome.cohort)
            for left in waiting.values():
                left.discard(outcome.cohort)

    def start_ready_levels(pool: ProcessPoolExecutor | _InlineExecutor) -> None:
        for level in [lv for lv, left in waiting.items() if not left]:
            del waiting[level]
            members = [c for c in plan.members(level) if c in good]
            label = "national" if level == NATIONAL else f"{level} (region)"
            if not members:
                settle(level, Outcome(label, SKIPPED, detail="no cohort with valid data", level=level))
                continue
            task = plan.level_task(level, members)
            if task is None:
                settle(level, Outcome(label, UNCHANGED, where=Path(plan.root) / "reports" / level, level=level))
            else:
                running[pool.submit(execute, plan.root, task)] = level

    with _executor(jobs or default_jobs()) as pool:
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


# -------------------------------------------------------------------------------------- the summary


def exit_status(outcomes: Sequence[Outcome]) -> int:
    """The command's status: 1 if anything hit a bug, else 4 if outputs could not be written, else 2 if
    a cohort's data break the contract, else 0."""
    statuses = {o.exit_status for o in outcomes}
    for status in (1, 4, 2):
        if status in statuses:
            return status
    return 0


def summary_table(outcomes: Sequence[Outcome], root: Path) -> str:
    """One line per report: what, status, seconds, where the report is (relative to ``root``)."""
    def where(outcome: Outcome) -> str:
        if outcome.where is None:
            return outcome.detail.splitlines()[0] if outcome.status == SKIPPED and outcome.detail else ""
        try:
            return Path(outcome.where).relative_to(root).as_posix() + "/"
        except ValueError:
            return str(outcome.where)

    rows = [(o.label, o.status, f"{o.seconds:.1f} s" if o.status in (RENDERED, BAD_DATA, FAILED) else "", where(o))
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
