"""Profile "validate + tidy + findings" on a SYNTHETIC cohort: where the time and memory go.

Three passes, each surviving a crash of the code it measures (the exception is recorded and the
profile kept up to that point):

1. cProfile of ``validate_cohort``, ``tidy_cohort`` and ``compute_findings`` as the pipeline calls
   them: the top functions by cumulative time, with file:line.
2. The findings' parts one at a time (each role's view and row functions) with wall time and peak
   traced memory (``tracemalloc``), so a part after the first crash is still measured.
3. Each statistic on role ``all`` (the largest sample) on its own, likewise.

A time limit per part (``--part-timeout``, via SIGALRM, so it interrupts Python code but not one
long C call) and an address-space limit (``--memory-limit``) keep a runaway part from taking the
machine down. Usage: ``python scripts/profile_scale.py --people 100000 > profile.txt``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import signal
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import REGION, SEED, cache_root, cached_cohort

from rm_research.core import config
from rm_research.findings import cohort as findings_cohort
from rm_research.findings import views as findings_views
from rm_research.ingest.clean import tidy_cohort
from rm_research.ingest.validate import validate_cohort
from rm_research.stats import effects
from rm_research.stats import nonparametric as stats
from rm_research.stats.models import ancova_dose


class PartTimeoutError(Exception):
    """A part ran past its time limit."""


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Raise ``PartTimeoutError`` in the block after ``seconds`` (0: no limit)."""
    def alarm(signum: int, frame: object) -> None:
        raise PartTimeoutError(f"over {seconds} s")
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def attempt(call: Callable[[], Any], seconds: int) -> tuple[Any, str]:
    """``call()`` under the time limit: its result and "ok", or None and what went wrong."""
    try:
        with time_limit(seconds):
            return call(), "ok"
    except Exception as error:  # a profiler reports any failure of the code it measures
        return None, f"{type(error).__name__}: {str(error)[:80]}"


def top_functions(profile: cProfile.Profile, limit: int, sort: str, only: str = "") -> str:
    """The profile's top ``limit`` functions by ``sort`` (those whose file path holds ``only``), one line
    each with file:line."""
    stream = io.StringIO()
    table = pstats.Stats(profile, stream=stream)
    table.sort_stats(sort)
    rows = []
    chosen = [f for f in table.fcn_list if only in f[0]][:limit]  # type: ignore[attr-defined]
    for func in chosen:
        calls, _primitive, tottime, cumtime, _ = table.stats[func]  # type: ignore[attr-defined]
        file, lineno, name = func
        where = file.split("site-packages/")[-1].split("/src/")[-1] if file != "~" else "(builtin)"
        rows.append(f"{cumtime:9.2f} {tottime:9.2f} {calls:>10} {name:<38} {where}:{lineno}")
    return f"{'cumtime s':>9} {'tottime s':>9} {'calls':>10} {'function':<38} file:line\n" + "\n".join(rows)


def profiled(label: str, call: Callable[[], Any], seconds: int, top: int) -> tuple[Any, list[str]]:
    """Pass 1 step: ``call()`` under cProfile; its result and the report lines."""
    profile = cProfile.Profile()
    started, cpu, before = time.perf_counter(), time.process_time(), peak_rss_mb()
    profile.enable()
    result, status = attempt(call, seconds)
    profile.disable()
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    lines = [f"\n## {label}: {status}, {took:.2f} s wall ({cpu:.2f} s CPU) under cProfile; "
             f"peak RSS {before:.0f} -> {peak_rss_mb():.0f} MB, load average {os.getloadavg()[0]:.1f}",
             "\nby cumulative time:\n", top_functions(profile, top, "cumulative"),
             "\nby own time:\n", top_functions(profile, top, "tottime"),
             "\nthe package's own functions by cumulative time:\n",
             top_functions(profile, top, "cumulative", only="rm_research/")]
    return result, lines


def measured(label: str, call: Callable[[], Any], seconds: int) -> tuple[Any, str]:
    """Pass 2 and 3 step: ``call()`` with wall time and peak traced memory."""
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    result, status = attempt(call, seconds)
    took = time.perf_counter() - started
    peak = (tracemalloc.get_traced_memory()[1] - base) / 1e6
    return result, f"{label:<52} {took:9.2f} {peak:11.1f}  {status}"


def findings_parts(cohort: Any, seconds: int) -> list[str]:
    """Pass 2: each role's view and each of ``findings_cohort.role_rows``' row functions on their own."""
    lines = [f"{'part':<52} {'seconds':>9} {'traced MB':>11}  result"]
    for role in (*config.ROLES, config.ALL_ROLES):
        view, line = measured(f"{role}: role_view", lambda r=role: findings_views.role_view(cohort, r), seconds)
        lines.append(line)
        if view is None:
            continue
        parts: dict[str, Callable[[], Any]] = {"flow_rows": lambda v=view: list(findings_cohort.flow_rows(v))}
        for item in config.RATING_ITEMS:
            parts[f"rating_rows({item})"] = lambda v=view, i=item: list(findings_cohort.rating_rows(v, i))
        parts |= {
            "sessions_reported_rows": lambda v=view: list(findings_cohort.sessions_reported_rows(v)),
            "yes_count_rows": lambda v=view: list(findings_cohort.yes_count_rows(v)),
            "effect_rows": lambda v=view: list(findings_cohort.effect_rows(v)),
            "areas_rows": lambda v=view: list(findings_cohort.areas_rows(v)),
            "psych_offered_rows": lambda v=view: list(findings_cohort.psych_offered_rows(cohort, v)),
        }
        lines += [measured(f"{role}: {name}", call, seconds)[1] for name, call in parts.items()]
    return lines


def statistic_parts(cohort: Any, seconds: int) -> list[str]:
    """Pass 3: each statistic the findings compute, on role ``all``'s conf_senior."""
    view = findings_views.role_view(cohort, config.ALL_ROLES)
    pre = view.enrolment["conf_senior"].dropna().astype(float)
    post = view.end_survey["conf_senior"].dropna().astype(float)
    change = stats.paired_differences(pre, post)
    completed = pre.index.isin(view.end_survey.index)
    attended = view.psych_attended.reindex(change.index) if view.psych_attended is not None else None
    s = config.SETTINGS
    parts: dict[str, Callable[[], Any]] = {
        "effects.bootstrap_mean_ci (BCa)": lambda: effects.bootstrap_mean_ci(
            change, s.confidence, s.bootstrap_resamples, s.bootstrap_seed),
        "stats.wilcoxon_p (wilcox)": lambda: stats.wilcoxon_p(change, s.zero_method, s.exact_max_n),
        "stats.wilcoxon_p (pratt)": lambda: stats.wilcoxon_p(change, s.sensitivity_zero_method, s.exact_max_n),
        "stats.min_attainable_p": lambda: stats.min_attainable_p(change),
        "stats.rank_biserial": lambda: stats.rank_biserial(change),
        "effects.hodges_lehmann": lambda: effects.hodges_lehmann(change, s.confidence),
        "effects.hedges_g_paired": lambda: effects.hedges_g_paired(pre, post),
        "stats.mann_whitney (attrition)": lambda: stats.mann_whitney(pre[completed], pre[~completed], s),
        "stats.spearman_test (sessions)": lambda: stats.spearman_test(view.sessions, change, s.confidence),
        "models.ancova_dose (sessions)": lambda: ancova_dose(view.enrolment["conf_senior"].astype(float),
                                                             view.end_survey["conf_senior"].astype(float),
                                                             view.sessions, s),
    }
    if attended is not None:
        parts["stats.mann_whitney (psych attendance)"] = lambda: stats.mann_whitney(
            change[attended > 0], change[attended == 0], s)
    lines = [f"role all, conf_senior: {len(change):,} paired differences, "
             f"{len(pre):,} pre ratings ({int(completed.sum()):,} completers)",
             f"{'statistic':<52} {'seconds':>9} {'traced MB':>11}  result"]
    return lines + [measured(name, call, seconds)[1] for name, call in parts.items()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/rm-research-benchmark"))
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--part-timeout", type=int, default=120, help="seconds per part (default 120)")
    parser.add_argument("--memory-limit", type=float, default=8.0, help="GB of address space (default 8)")
    parser.add_argument("--skip-parts", action="store_true", help="only the cProfile pass")
    args = parser.parse_args()
    root = cache_root(args.cache, args.seed)
    folder, _ = cached_cohort(root, args.people, args.seed)
    limit = int(args.memory_limit * 1024**3)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    out = print
    out(f"# Profile: validate + tidy + findings, SYNTHETIC cohort of {args.people:,} people ({folder})")
    out(f"limits: {args.part_timeout} s per part, {args.memory_limit:g} GB address space; "
        f"peak RSS after imports {peak_rss_mb():.0f} MB")
    raw, lines = profiled("validate_cohort", lambda: validate_cohort(folder), args.part_timeout, args.top)
    out("\n".join(lines), flush=True)
    if raw is None:
        return 1
    cohort, lines = profiled("tidy_cohort", lambda: tidy_cohort(raw), args.part_timeout, args.top)
    out("\n".join(lines), flush=True)
    if cohort is None:
        return 1
    _, lines = profiled("compute_findings", lambda: findings_cohort.compute_findings(cohort, REGION, args.people),
                        args.part_timeout, args.top)
    out("\n".join(lines), flush=True)
    if args.skip_parts:
        return 0
    tracemalloc.start()
    out("\n## findings, part by part (each part alone; wall time and peak traced memory)\n", flush=True)
    for text in findings_parts(cohort, args.part_timeout):
        out(text, flush=True)
    out("\n## statistics one at a time\n", flush=True)
    lines, status = attempt(lambda: statistic_parts(cohort, args.part_timeout), 0)
    out("\n".join(lines) if lines is not None else f"not measured ({status}): the findings code has changed",
        flush=True)
    out(f"\npeak RSS of the whole profile run: {peak_rss_mb():.0f} MB (tracemalloc on in the part passes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
