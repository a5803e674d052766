"""Benchmark: how long each stage of a report takes, and how it scales, measured, not asserted.

Each stage runs in a fresh Python process (imports included, as a user pays them), repeated, and
the median and range printed. Then SYNTHETIC cohorts of 1,000 to 1,000,000 people
(``rm_research.examples.synthetic.scaled_cohort``, cached in a temporary folder) are put through
"validate + tidy" and "validate + tidy + findings", each run in a fresh child process whose wall
time and peak memory (its own maximum resident set size, from ``os.wait4``) are reported. A run
that crashes, runs out of memory or exceeds the time limit is reported as such; larger cohorts are
then not tried for that stage. Run with ``make benchmark``; figures go in the issue notes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
REGION = "synthetic-scale"
SIZES = (1_000, 10_000, 100_000, 1_000_000)
SEED = 20261122
STAGES = {
    "import the library (pandas, scipy, pandera)": "import rm_research.run.cohort",
    "validate + tidy the example cohort": (
        "from pathlib import Path; from rm_research.ingest.load import load_cohort; "
        f"load_cohort(Path({str(ROOT)!r}), 'south-east', 1)"),
    "validate + tidy + findings": (
        "from pathlib import Path; from rm_research.ingest.load import load_cohort; "
        "from rm_research.findings.cohort import cohort_findings; "
        f"cohort_findings(load_cohort(Path({str(ROOT)!r}), 'south-east', 1))"),
}
#: The child run for one scaled cohort: argv is root, region, cohort, "1" to compute findings.
SCALE_CHILD = """
import json, sys, time
started = time.perf_counter()
from pathlib import Path
from rm_research.findings.cohort import cohort_findings
from rm_research.ingest.load import load_cohort
imported = time.perf_counter()
loaded = load_cohort(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
if sys.argv[4] == "1":
    cohort_findings(loaded)
print(json.dumps({"work_s": time.perf_counter() - imported}))
"""
SCALE_STAGES = {"validate + tidy": "0", "validate + tidy + findings": "1"}
#: One ``run_report`` traced (argv: the project root): when each phase starts, relative to the
#: process's start, and what the notebook's cells took (papermill records each cell's duration).
PHASES_CHILD = """
import datetime, json, sys, time
started = time.perf_counter()
marks = {}
def mark(name):
    marks[name] = round(time.perf_counter() - started, 3)
from rm_research.render import kernels
kernels.start_preloading()
from pathlib import Path
from rm_research.run import cohort as pipeline
mark("library imported")
find = pipeline.cohort_findings
def findings(*args, **kwargs):
    mark("validated; findings start")
    table = find(*args, **kwargs)
    mark("findings computed")
    return table
pipeline.cohort_findings = findings
from rm_research.render import notebook as report
mark("papermill and nbconvert imported")
execute, render = report.papermill.execute_notebook, report.render_html
cells = {}
def executed(*args, **kwargs):
    mark("notebook: kernel requested")
    notebook = execute(*args, **kwargs)
    mark("notebook: done")
    timed = [c for c in notebook.cells if c.cell_type == "code" and c.metadata.papermill.get("start_time")]
    first = datetime.datetime.fromisoformat(timed[0].metadata.papermill.start_time.replace("Z", "+00:00"))
    now = datetime.datetime.now(datetime.timezone.utc)
    cells["first cell started"] = round(marks["notebook: done"] - (now - first).total_seconds(), 3)
    cells["cells (sum)"] = round(sum(c.metadata.papermill.duration or 0 for c in timed), 3)
    cells["slowest cells"] = sorted(((round(c.metadata.papermill.duration or 0, 3), c.source.splitlines()[0][:60])
                                     for c in timed), reverse=True)[:4]
    return notebook
def rendered(*args, **kwargs):
    mark("render start")
    page = render(*args, **kwargs)
    mark("render end")
    return page
report.papermill.execute_notebook, report.render_html = executed, rendered
pipeline.run_report(Path(sys.argv[1]), "south-east", 1)
mark("written")
print(json.dumps({"marks": marks, **cells}))
"""
GENERATE_CHILD = ("import sys; from pathlib import Path; from rm_research.examples.synthetic import scaled_cohort; "
                  "scaled_cohort(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))")


@dataclass(frozen=True)
class Run:
    """One child process: how it ended, its wall time, its peak memory and its own timing."""

    status: str  # "ok", "timeout", "out of memory" or "crashed: <last line of stderr>"
    seconds: float
    peak_mb: float
    work_s: float | None = None
    cpu_s: float | None = None  # user + system CPU time: what the run costs on a machine shared with others

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _limit_memory(limit_bytes: int) -> None:
    """In the child, before it runs: cap its address space so a runaway run fails, not the machine."""
    if limit_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


def measure(command: Sequence[str], cwd: Path, timeout: float = 600.0, memory_limit: int = 0,
            source: Path | None = None) -> Run:
    """Run ``command`` in a fresh process group; its wall time, peak RSS (``os.wait4``) and outcome.

    ``source``, if given, is a package source folder imported instead of this tree's (``PYTHONPATH``
    comes before the editable install), to compare another version of the code on the same data.
    Never raises for the child's sake: a crash, a kill or the time limit becomes the ``status``.
    """
    env = None if source is None else {**os.environ, "PYTHONPATH": str(source)}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(list(command), cwd=cwd, stdout=out, stderr=err, start_new_session=True,
                                   env=env, preexec_fn=lambda: _limit_memory(memory_limit))
        wait_status, usage, timed_out = _wait(process, timeout)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(wait_status)
        out.seek(0)
        err.seek(0)
        status = _outcome(process.returncode, timed_out, err.read().decode("utf-8", "replace"))
        work_s = _work_seconds(out.read().decode("utf-8", "replace"))
    cpu_s = usage.ru_utime + usage.ru_stime
    return Run(status, seconds, usage.ru_maxrss / 1024, work_s, cpu_s)  # ru_maxrss is in KiB on Linux


def _wait(process: subprocess.Popen[bytes], timeout: float) -> tuple[int, resource.struct_rusage, bool]:
    """Reap ``process`` with its own resource usage, killing its group once ``timeout`` passes (or
    if the benchmark itself is interrupted, so no run is left behind)."""
    deadline = time.perf_counter() + timeout
    try:
        while True:
            pid, wait_status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                return wait_status, usage, False
            if time.perf_counter() > deadline:
                os.killpg(process.pid, signal.SIGKILL)
                _, wait_status, usage = os.wait4(process.pid, 0)
                return wait_status, usage, True
            time.sleep(0.05)
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        os.wait4(process.pid, 0)
        raise


def _outcome(code: int, timed_out: bool, stderr: str) -> str:
    """The status word for a finished child."""
    if timed_out:
        return "timeout"
    if code == 0:
        return "ok"
    if "MemoryError" in stderr or code == -signal.SIGKILL:
        return "out of memory"
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    last = lines[-1].strip() if lines else f"exit status {code}"
    return "crashed: " + (last if len(last) <= 90 else last[:87] + "...")


def _work_seconds(stdout: str) -> float | None:
    """The child's own timing (after imports), if it printed one as its last line."""
    lines = stdout.strip().splitlines()
    try:
        return float(json.loads(lines[-1])["work_s"]) if lines else None
    except (ValueError, KeyError, TypeError):
        return None


def generator_version() -> str:
    """A short hash of the generator's source, so a changed generator never reuses stale cohorts."""
    return hashlib.sha256((ROOT / "src" / "rm_research" / "examples" / "synthetic.py").read_bytes()).hexdigest()[:10]


def cache_root(cache: Path, seed: int) -> Path:
    """The throw-away project root holding the cached SYNTHETIC cohorts for this generator and seed."""
    return cache / f"generator-{generator_version()}-seed-{seed}"


def prune_stale(cache: Path, keep: Path) -> None:
    """Remove cohorts cached by earlier versions of the generator (a million people is about 700 MB)."""
    for folder in cache.glob("generator-*"):
        if folder != keep and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def cached_cohort(root: Path, people: int, seed: int, timeout: float = 600.0,
                  memory_limit: int = 0) -> tuple[Path, Run | None]:
    """The cohort of ``people`` at ``root/data/raw/REGION/cohort-<people>``, generated if absent.

    Generated in a child process (timed like the stages) into a hidden folder renamed into place
    only when complete, so an interrupted run never leaves a half-written cohort in the cache.
    Returns the folder and the generation run (None when it was cached).
    """
    folder = root / "data" / "raw" / REGION / f"cohort-{people}"
    if folder.is_dir():
        return folder, None
    partial = folder.with_name(f".{folder.name}-partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    run = measure([PY, "-c", GENERATE_CHILD, str(partial), str(people), str(seed)], ROOT, timeout, memory_limit)
    if run.ok:
        os.replace(partial, folder)
    else:
        shutil.rmtree(partial, ignore_errors=True)
    return folder, run


def folder_mb(folder: Path) -> float:
    """Total size of the CSV files in ``folder``, in MB."""
    return sum(p.stat().st_size for p in folder.glob("*.csv")) / 1e6


def line(name: str, runs: list[Run]) -> str:
    """One stage of the example cohort: median, range and peak memory, or how it failed."""
    failed = [r for r in runs if not r.ok]
    if failed:
        return f"{name:<58} {failed[0].status} (after {failed[0].seconds:.2f} s)"
    seconds = [r.seconds for r in runs]
    return (f"{name:<58} median {statistics.median(seconds):6.2f} s  (min {min(seconds):.2f}, "
            f"max {max(seconds):.2f}, runs {len(seconds)}; peak {max(r.peak_mb for r in runs):.0f} MB)")


@dataclass(frozen=True)
class ScaleResult:
    """One row of the scale table."""

    people: int
    stage: str
    runs: list[Run]
    data_mb: float | None = None
    note: str = ""

    def cells(self) -> list[str]:
        """The table cells: people, data size, stage, median wall, in-process and CPU, peak, runs, result
        (a failed run's wall and CPU time in brackets)."""
        done = [r for r in self.runs if r.ok]
        failed = [r for r in self.runs if not r.ok]
        work = [r.work_s for r in done if r.work_s is not None]
        cpu = [r.cpu_s for r in done if r.cpu_s is not None]
        cpu_cell = f"{statistics.median(cpu):.2f}" if cpu else (
            f"({failed[0].cpu_s:.1f})" if failed and failed[0].cpu_s is not None else "")
        wall = f"{statistics.median(r.seconds for r in done):.2f}" if done else (
            f"({failed[0].seconds:.1f})" if failed else "")
        peak = f"{max(r.peak_mb for r in self.runs):.0f}" if self.runs else ""
        result = self.note or (failed[0].status if failed else "ok")
        return [f"{self.people:,}", "" if self.data_mb is None else f"{self.data_mb:.0f}", self.stage, wall,
                f"{statistics.median(work):.2f}" if work else "", cpu_cell, peak, str(len(self.runs)), result]


SCALE_HEADER = ["people", "CSV MB", "stage", "wall s (median)", "in-process s", "CPU s", "peak RSS MB", "runs",
                "result"]


def table(rows: list[list[str]], header: list[str]) -> str:
    """A Markdown table with padded columns."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    def fmt(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"
    return "\n".join([fmt(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(fmt, rows)])


def scale(sizes: Sequence[int], repeat: int, cache: Path, seed: int, timeout: float,
          memory_limit: int, source: Path | None = None) -> list[ScaleResult]:
    """Every scale stage on every size, smallest first; a stage that fails is not tried larger.
    The cohorts are always generated by this tree's generator; ``source`` is the code measured."""
    root = cache_root(cache, seed)
    prune_stale(cache, keep=root)
    results: list[ScaleResult] = []
    failed_at: dict[str, int] = {}
    for people in sorted(sizes):
        folder, generated = cached_cohort(root, people, seed, timeout, memory_limit)
        if generated is not None:
            size = folder_mb(folder) if generated.ok else None
            results.append(ScaleResult(people, "generate SYNTHETIC cohort", [generated], size))
            _echo(results[-1])
            if not generated.ok:
                continue
        data_mb = folder_mb(folder)
        for stage, findings in SCALE_STAGES.items():
            if stage in failed_at:
                results.append(ScaleResult(people, stage, [], data_mb, f"not run: failed at {failed_at[stage]:,}"))
                _echo(results[-1])
                continue
            runs = []
            for _ in range(repeat):
                runs.append(measure([PY, "-c", SCALE_CHILD, str(root), REGION, str(people), findings],
                                    ROOT, timeout, memory_limit, source))
                if not runs[-1].ok:
                    failed_at[stage] = people
                    break
            results.append(ScaleResult(people, stage, runs, data_mb))
            _echo(results[-1])
    return results


def _echo(result: ScaleResult) -> None:
    """Progress as each scale row finishes (the full table is printed at the end)."""
    print("  " + " | ".join(result.cells()), flush=True)


def example_stages(repeat: int, skip_reports: bool, timeout: float, memory_limit: int) -> None:
    """The original stages on the South East example: import, validate, findings, and the reports."""
    for name, code in STAGES.items():
        print(line(name, [measure([PY, "-c", code], ROOT, timeout, memory_limit) for _ in range(repeat)]), flush=True)
    if skip_reports:
        return
    with tempfile.TemporaryDirectory() as scratch:
        project = example_project(Path(scratch))
        cli = [str(Path(PY).parent / "rm-research"), "report", "--cohort", "1", "--root", str(project)]
        stages = {
            "rm-research report --no-html (findings only)": [*cli, "--no-html"],
            "rm-research report (execute notebook + render HTML)": cli,
            "rm-research publish (public notebook + HTML)": [cli[0], "publish", *cli[2:]],
        }
        medians = {}
        for name, command in stages.items():
            runs = [measure(command, project, timeout, memory_limit) for _ in range(repeat)]
            print(line(name, runs), flush=True)
            medians[name] = statistics.median(r.seconds for r in runs) if all(r.ok for r in runs) else None
        html, floor = (medians[n] for n in list(stages)[1::-1])
        if html and floor:
            print(f"{'report / report --no-html (target <= 1.5)':<58} {html / floor:6.2f}x", flush=True)
        report_phases(project, timeout)


def report_phases(project: Path, timeout: float) -> None:
    """Where one report's time goes: the traced phases (``PHASES_CHILD``), seconds from the start."""
    done = subprocess.run([PY, "-c", PHASES_CHILD, str(project)], capture_output=True, text=True, timeout=timeout,
                          cwd=project)
    if done.returncode != 0:
        print(f"report phases: the traced run failed: {done.stderr.strip().splitlines()[-1:]}", flush=True)
        return
    traced = json.loads(done.stdout.strip().splitlines()[-1])
    print("one report, traced (seconds from the start; the kernel server imports alongside):", flush=True)
    for name, at in sorted([*traced["marks"].items(), ("notebook: first cell started", traced["first cell started"])],
                           key=lambda pair: pair[1]):
        print(f"  {at:6.2f}  {name}", flush=True)
    print(f"  notebook cells took {traced['cells (sum)']:.2f} s; slowest: "
          + "; ".join(f"{seconds:.2f} s {source!r}" for seconds, source in traced["slowest cells"]), flush=True)


def example_project(scratch: Path) -> Path:
    """A scratch project holding only the SYNTHETIC South East cohort 1, written by the package's own
    generator (``make benchmark`` installs the report set only: nothing here may need the test set)."""
    from rm_research.core.config import SYNTHETIC_SEED
    from rm_research.examples.synthetic import write_example

    write_example(scratch / "data" / "raw" / "south-east" / "cohort-1", SYNTHETIC_SEED)
    return scratch


def collaborative_project(scratch: Path) -> Path:
    """A scratch project holding a copy of every example cohort in ``data/raw`` (the notebooks come with
    the package)."""
    shutil.copytree(ROOT / "data" / "raw", scratch / "data" / "raw")
    return scratch


def naive_commands(project: Path, out: Path) -> list[list[str]]:
    """What a user without ``reports`` would run: for each cohort in turn, then each region and the nation,
    the papermill command line, then ``jupyter nbconvert --no-input`` on the executed notebook."""
    from rm_research.core.paths import NATIONAL, discover
    from rm_research.render.handoff import LEVEL_NOTEBOOK, NOTEBOOK
    from rm_research.render.notebook import notebook_path

    found = discover(project)
    bin_ = Path(PY).parent
    runs = [(NOTEBOOK, f"{c.region}-{c.cohort}", ["-p", "region", c.region, "-p", "cohort", str(c.cohort)])
            for c in found.cohorts]
    runs += [(LEVEL_NOTEBOOK, level, ["-p", "level", level]) for level in [*found.regions, NATIONAL]]
    commands = []
    for notebook, name, parameters in runs:
        executed = out / f"{name}.ipynb"
        commands.append([str(bin_ / "papermill"), "--no-progress-bar", "-k", "rm-research",
                         str(notebook_path(notebook)), str(executed), *parameters, "-p", "root", str(project)])
        commands.append([str(bin_ / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
    return commands


def collaborative_stages(repeat: int, timeout: float, memory_limit: int) -> None:
    """Issue 9: the example collaborative through ``rm-research reports`` against the naive way (both in
    this run, on the same copy of the data), then a rerun with nothing changed."""
    with tempfile.TemporaryDirectory() as scratch:
        project = collaborative_project(Path(scratch) / "project")
        out = Path(scratch) / "naive"
        out.mkdir()
        commands = naive_commands(project, out)
        naive_runs = [measure(c, project, timeout, memory_limit) for c in commands]
        naive = sum(r.seconds for r in naive_runs)
        failed = [r.status for r in naive_runs if not r.ok]
        print(f"{'naive: papermill + nbconvert, each notebook in turn':<58} {naive:6.1f} s  "
              f"({len(commands) // 2} notebooks{'; FAILED: ' + failed[0] if failed else ''})", flush=True)
        reports = [str(Path(PY).parent / "rm-research"), "reports", "--root", str(project)]
        full = measure(reports, project, timeout, memory_limit)
        name = f"rm-research reports (-j {os.cpu_count()}), from nothing"
        print(f"{name:<58} {full.seconds:6.1f} s  ({full.status}; {naive / full.seconds:.1f}x faster than naive, "
              "target >= 5)", flush=True)
        measure(reports, project, timeout, memory_limit)  # catches up if the package's code was edited meanwhile
        reruns = [measure(reports, project, timeout, memory_limit) for _ in range(repeat)]
        print(line("rm-research reports, rerun with nothing changed (< 1 s)", reruns), flush=True)


#: A collaborative command run as a child that reports its own CPU (the part no worker shares: the serial part)
#: and its workers' (reaped children), with their peak memory, as its last line.
COMMAND_CHILD = """
import json, resource, sys, time
from rm_research.run.cli import main
started = time.perf_counter()
status = main(sys.argv[1:])
wall = time.perf_counter() - started
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"status": status, "wall": wall, "self_cpu": me.ru_utime + me.ru_stime,
                  "workers_cpu": kids.ru_utime + kids.ru_stime, "self_rss_mb": me.ru_maxrss / 1024,
                  "workers_rss_mb": kids.ru_maxrss / 1024}))
"""
NHS_HEADER = ["cohorts", "command", "wall s", "s per cohort", "own CPU s", "serial share", "workers' CPU s",
              "peak RSS MB (own / a worker)", "reports made"]


def run_command(project: Path, command: list[str], timeout: float) -> dict[str, float] | None:
    """One collaborative command on ``project`` (``COMMAND_CHILD``): its figures, and how many reports it
    made (the summary's "rendered" lines); None if it failed."""
    done = subprocess.run([PY, "-c", COMMAND_CHILD, *command, "--root", str(project)], capture_output=True,
                          text=True, timeout=timeout, cwd=project)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        print(f"  {' '.join(command)} failed: {done.stderr.strip().splitlines()[-1:]}", flush=True)
        return None
    figures = json.loads(lines[-1])
    figures["made"] = sum(1 for row in lines if "  rendered" in row)
    figures["noise"] = len([row for row in done.stderr.splitlines() if row.strip()])
    return figures


def nhs_scale(counts: Sequence[int], jobs: int, timeout: float, seed: int) -> list[list[str]]:
    """Issue 18: a generated SYNTHETIC collaborative of each size (``examples.collaborative.scaled_cohorts``)
    through ``reports`` then ``publish-all`` (``-j jobs``), each run again with nothing changed, then once
    more after one cohort's data changed (only that cohort, its region and the nation should be made)."""
    from rm_research.examples.collaborative import scaled_cohorts, write_collaborative

    rows = []
    for count in counts:
        with tempfile.TemporaryDirectory() as scratch:
            project = Path(scratch)
            specs = scaled_cohorts(count, seed)
            write_collaborative(project, seed, specs)
            steps = [("reports", ["reports", "-j", str(jobs)]), ("publish-all", ["publish-all", "-j", str(jobs)]),
                     ("reports, nothing changed", ["reports", "-j", str(jobs)]),
                     ("publish-all, nothing changed", ["publish-all", "-j", str(jobs)])]
            for name, command in steps:
                figures = run_command(project, command, timeout)
                if figures is None:
                    break
                rows.append(_nhs_row(count, name, figures))
                print("  " + " | ".join(rows[-1]), flush=True)
            change_one_rating(project / "data" / "raw" / specs[0].slug / "enrolment.csv")
            for name, command in [("reports, one cohort changed", ["reports", "-j", str(jobs)])]:
                figures = run_command(project, command, timeout)
                if figures is not None:
                    rows.append(_nhs_row(count, name, figures))
                    print("  " + " | ".join(rows[-1]), flush=True)
    return rows


def change_one_rating(path: Path, column: str = "conf_senior") -> None:
    """Move the first answered ``column`` rating of a contract CSV by one point (within 1-10): a change to
    one cohort's data, as a late correction would be."""
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if r.get(column, "").strip().isdigit())
    rating = int(row[column])
    row[column] = str(rating + 1 if rating < 10 else rating - 1)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _nhs_row(count: int, name: str, figures: dict[str, float]) -> list[str]:
    wall = figures["wall"]
    return [f"{count:,}", name, f"{wall:.1f}", f"{wall / count:.2f}", f"{figures['self_cpu']:.1f}",
            f"{figures['self_cpu'] / wall:.0%}" if wall else "", f"{figures['workers_cpu']:.1f}",
            f"{figures['self_rss_mb']:.0f} / {figures['workers_rss_mb']:.0f}", f"{figures['made']}"
            + (f" ({figures['noise']} lines on stderr)" if figures["noise"] else "")]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each stage (default 3)")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES),
                        help="people in each SYNTHETIC cohort (default: 1000 10000 100000 1000000; none to skip)")
    parser.add_argument("--skip-reports", action="store_true",
                        help="skip rendering the example's report and public report")
    parser.add_argument("--skip-example", action="store_true", help="skip the South East example's stages")
    parser.add_argument("--skip-collaborative", action="store_true",
                        help="skip `rm-research reports` against the naive way on the example collaborative")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds allowed per run (default 600)")
    parser.add_argument("--memory-limit", type=float, default=8.0,
                        help="GB of address space allowed per run (default 8; 0 for none)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "rm-research-benchmark",
                        help="folder caching the generated cohorts (default: in the temporary folder)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--nhs", type=int, nargs="*", default=[100, 1000],
                        help="cohorts in each generated SYNTHETIC collaborative through reports and publish-all "
                             "(default: 100 1000; none to skip)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="-j for the collaborative commands")
    parser.add_argument("--source", type=Path, default=None,
                        help="measure the package in this source folder instead (e.g. src/ of a `git archive` "
                             "of main), on the same cohorts; scale stages only")
    args = parser.parse_args(argv)
    limit = int(args.memory_limit * 1024**3)
    if not args.skip_example:
        example_stages(args.repeat, args.skip_reports, args.timeout, limit)
    if not args.skip_collaborative:
        collaborative_stages(args.repeat, args.timeout, limit)
    if args.nhs:
        print("\nAt the size of the NHS: generated SYNTHETIC collaboratives, 7 regions, cohorts of 8-40 people "
              f"(-j {args.jobs}; own CPU: the command's process, which no worker shares; serial share = own CPU / "
              "wall):", flush=True)
        rows = nhs_scale(args.nhs, args.jobs, max(args.timeout, 7200.0), args.seed)
        print("\n" + table(rows, NHS_HEADER), flush=True)
    if args.sizes:
        print(f"\nSYNTHETIC cohorts (cache {cache_root(args.cache, args.seed)}; code measured: "
              f"{args.source or ROOT / 'src'}):", flush=True)
        results = scale(args.sizes, args.repeat, args.cache, args.seed, args.timeout, limit, args.source)
        print(f"\nScale: each run a fresh process. wall = the process's life, imports included; in-process = "
              f"after imports; CPU = user + system time (wall exceeds it when the machine is shared); peak RSS = "
              f"the process's own maximum. Limits {args.timeout:.0f} s and {args.memory_limit:g} GB per run; "
              f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.\n")
        print(table([r.cells() for r in results], SCALE_HEADER))
    return 0


if __name__ == "__main__":
    sys.exit(main())
