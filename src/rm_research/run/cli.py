"""The ``rm-research`` command: what ``make`` does, callable without make.

Each sub-command imports what it needs when it runs: the command must start fast (``reports`` with
nothing changed answers in well under a second, without pandas, scipy or papermill), so the heavy
layers are imported inside the ``cmd_*`` functions, never to dodge an import cycle (there are none:
``make lint`` checks the layers).

The run's settings are resolved once, here (``core.config.Settings.resolve``: the defaults and the
environment), and passed down to everything the command runs.

Exit status: 0 success; 2 the data break the contract (every problem is listed), or a setting in the
environment means nothing; 3 ``verify``
found a published figure that was not reproduced; 4 the outputs could not be written (a read-only
folder, a full disk); 1 anything else (a bug: please report it).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from rm_research.core import config
from rm_research.core.paths import NATIONAL, LevelPaths, check_cohort, check_region, project_root
from rm_research.core.problems import CANNOT_WRITE, DataError, OutputError
from rm_research.core.version import __version__

EXIT_OK, EXIT_BUG, EXIT_BAD_DATA, EXIT_MISMATCH, EXIT_OUTPUT = 0, 1, 2, 3, 4
#: Stopped by Ctrl-C or SIGTERM (128 + SIGINT, as a shell reports it).
EXIT_INTERRUPTED = 130
log = logging.getLogger("rm_research")


def _region(text: str) -> str:
    try:
        return check_region(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _positive(text: str) -> int:
    try:
        return check_cohort(int(text))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number") from error


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 0 or more")
    return value


def parser() -> argparse.ArgumentParser:
    """The ``rm-research`` argument parser: a sub-command for each ``make`` target."""
    main = argparse.ArgumentParser(prog="rm-research", description=__doc__.splitlines()[0])
    main.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    main.add_argument("-v", "--verbose", action="store_true",
                      help="also log each step (validated, wrote; papermill's kernel lines), for a developer")
    commands = main.add_subparsers(dest="command", required=True)
    helps = {
        "validate": "check a cohort's raw files against the data contract",
        "report": "validate, then write processed tables, findings.csv and report.html",
        "verify": "compare reproduced figures with the region's published ones",
        "publish": "write disclosure-controlled report-public.html and findings-public.csv",
    }
    for name, text in helps.items():
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("--region", type=_region, default=config.DEFAULT_REGION,
                         help=f"region slug (default {config.DEFAULT_REGION})")
        sub.add_argument("--cohort", type=_positive, required=True, help="cohort number, e.g. 1")
        sub.add_argument("--root", type=Path, default=None, help="project folder (default: found from here)")
        sub.add_argument("--psych-sessions", type=_count, default=None, metavar="N",
                         help="psychological sessions the programme offered, overriding the cohort's "
                              "programme.toml (default: its psych_sessions_offered, else "
                              f"{config.PSYCH_SESSIONS_OFFERED} as in the South East)")
    output = commands.choices["report"].add_mutually_exclusive_group()
    output.add_argument("--no-html", action="store_true", help="write findings and processed tables only")
    output.add_argument("--format", choices=("html", "docx"), default="html",
                        help="docx: also write report.docx beside report.html, a Word copy of the internal report "
                             "(small numbers: not for publication; 'publish --format docx' makes the public one)")
    commands.choices["publish"].add_argument("--format", choices=("html", "docx"), default="html",
                                             help="docx: also write report-public.docx, for board papers")
    example = commands.add_parser("make-example", help="regenerate the SYNTHETIC example data: South East "
                                  "cohort 1 and the synthetic collaborative's cohorts")
    example.add_argument("--out", type=Path, default=None,
                         help="write South East cohort 1 alone into this folder")
    example.add_argument("--seed", type=int, default=config.SYNTHETIC_SEED)
    example.add_argument("--root", type=Path, default=None)
    collaborative_commands(commands)
    template_command(commands)
    plan_command(commands)
    return main


def collaborative_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``reports`` and ``publish-all``: every cohort, region and national report at once."""
    helps = {
        "reports": "validate every cohort, then render every cohort, region and national report that changed",
        "publish-all": "write the disclosure-controlled public version of every cohort, region and national report",
    }
    for name, text in helps.items():
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("--region", type=_region, default=None, help="only this region's cohorts and report")
        sub.add_argument("-j", "--jobs", type=_positive, default=None, metavar="N",
                         help="reports made at once, each in its own process (default: the number of cores)")
        sub.add_argument("--root", type=Path, default=None, help="project folder (default: found from here)")
    output = commands.choices["reports"].add_mutually_exclusive_group()
    output.add_argument("--no-html", action="store_true", help="write findings and processed tables only")
    output.add_argument("--format", choices=("html", "docx"), default="html",
                        help="docx: also write report.docx beside each report.html, a Word copy for board papers")
    commands.choices["publish-all"].add_argument("--format", choices=("html", "docx"), default="html",
                                                 help="docx: also write report-public.docx beside each public report")


def template_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``template``: the evaluation template to start a cohort from (``rm_research.contract.template``)."""
    text = ("write the evaluation template: a workbook per contract file with its checks, programme.toml, "
            "an instructions sheet and the questions to paste into a form")
    sub = commands.add_parser("template", help=text, description=text)
    sub.add_argument("--out", type=Path, required=True, help="folder to write it into, e.g. template")
    sub.set_defaults(root=None)


def _change(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (value == value and abs(value) != float("inf") and value != 0):
        raise argparse.ArgumentTypeError(f"{text!r} is not a change in points other than 0, e.g. 1.2")
    return value


def _spread(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (value > 0 and value != float("inf")):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive standard deviation, e.g. 1.3")
    return value


def plan_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``plan``: how many people a new cohort needs (contract section 9: ``pairs_needed``)."""
    text = ("print how many people with both surveys a new cohort needs to detect a change: by default the "
            "pooled change of every cohort (or of one region's), with the spread of the changes within them")
    sub = commands.add_parser("plan", help=text, description=text)
    sub.add_argument("--role", choices=config.ROLES, required=True)
    sub.add_argument("--item", choices=config.RATING_ITEMS, required=True)
    sub.add_argument("--change", type=_change, default=None, metavar="POINTS",
                     help="the change to detect, in rating points (default: the pooled change)")
    sub.add_argument("--sd", type=_spread, default=None, metavar="POINTS",
                     help="the standard deviation of people's changes (default: pooled within the cohorts)")
    sub.add_argument("--region", type=_region, default=None, help="pool this region's cohorts (default: every region)")
    sub.add_argument("--root", type=Path, default=None, help="project folder (default: found from here)")


def cmd_plan(args: argparse.Namespace) -> int:
    """``plan``: print the people a new cohort needs (``findings.evidence.plan``)."""
    from rm_research.findings import evidence

    source = "The change and the standard deviation as given."
    share = float("nan")
    change, sd = args.change, args.sd
    if change is None or sd is None:
        from rm_research.findings import level
        from rm_research.ingest.load import load_level

        where = args.region or NATIONAL
        people = level.person_table(load_level(args.root, where))
        result = level.pooled_change(people, args.item, args.role, args.settings.analysis)
        if result.k < 2:
            print(f"rm-research: no pooled change to plan from: {result.reason}. Give --change and --sd.",
                  file=sys.stderr)
            return EXIT_BAD_DATA
        from rm_research.stats.planning import pooled_sd

        sizes = [cohort.n for cohort in result.cohorts]
        within = pooled_sd(sizes, [cohort.v * cohort.n for cohort in result.cohorts])
        change = result.pooled_change if change is None else change
        sd = within if sd is None else sd
        enrolled = level.in_role(people, args.role)
        pooled = enrolled[enrolled["cohort_label"].isin([c.cohort for c in result.cohorts])]
        share = result.n / len(pooled) if len(pooled) else float("nan")
        from rm_research.core.paths import region_title

        scope = "every region" if where == NATIONAL else region_title(where)
        who = config.ROLE_PLURALS[args.role]
        source = (f"From {scope}: {result.k} cohorts pooled, {result.n} {who} with both surveys; pooled change "
                  f"{result.pooled_change:+.2f} points, standard deviation of the changes within cohorts {within:.2f}"
                  + (" (the change or the standard deviation as given replaces these)." if args.change or args.sd
                     else "."))
    for line in evidence.plan(args.item, args.role, change, sd, source, share, args.settings.analysis).lines():
        print(line)
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    """Write the template into ``--out``; never over an earlier one, which may hold filled-in data."""
    from rm_research.contract.template import write_template

    try:
        written = write_template(args.out)
    except FileExistsError as error:
        print(f"rm-research: {error}", file=sys.stderr)
        return EXIT_OUTPUT
    for path in written:
        print(f"wrote {path}")
    print(f"next: fill in {args.out / 'cohort'}/ as {args.out / 'README.md'} says, copy it to "
          "data/raw/<region>/cohort-<N>/, then make check-data REGION=<region> COHORT=<N>")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """``validate``: check the cohort's raw files; list what was read, ignored and warned about."""
    from rm_research.ingest.load import load_cohort
    from rm_research.ingest.validate import summary_lines
    from rm_research.report.descriptive import section_warnings

    loaded = load_cohort(args.root, args.region, args.cohort, args.psych_sessions)
    files = ", ".join(sorted(p.name for p in loaded.raw.files.values()))
    print(f"{loaded.paths.raw}: valid ({files})")
    for line in summary_lines(loaded.raw):  # headers read by wording or mapping, dropped, unrecognised; warnings
        print(line)
    for line in section_warnings(loaded.cohort, loaded.raw, loaded.programme):  # optional files and settings
        print(f"warning: {line}")
    if loaded.raw.ignored:
        print(f"ignored, never read (a file is read only by its exact name, e.g. end_survey.csv): "
              f"{', '.join(loaded.raw.ignored)}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """``report``: validate, then write the processed tables, ``findings.csv`` and the report."""
    started = time.perf_counter()
    if not args.no_html:
        from rm_research.render.kernels import start_preloading

        start_preloading(args.settings.preload_kernels)  # the kernel imports its libraries while this process validates
    from rm_research.run.cohort import run_report

    docx = args.format == "docx"
    key = None  # an override of programme.toml makes a report make reports would not: it keeps no record
    if args.psych_sessions is None:
        from rm_research.core.paths import CohortId
        from rm_research.run.collaborative import cohort_record_key

        key = cohort_record_key(args.root, CohortId(args.region, args.cohort), not args.no_html, docx, args.settings)
    paths = run_report(args.root, args.region, args.cohort, html=not args.no_html, psych_offered=args.psych_sessions,
                       docx=docx, settings=args.settings, record_key=key)
    print(f"wrote {paths.findings.relative_to(args.root)}"
          + ("" if args.no_html else f" and {paths.report_html.relative_to(args.root)}")
          + (f" and {paths.report_docx.relative_to(args.root)}" if docx else "")
          + f" in {time.perf_counter() - started:.1f} s")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    """``verify``: print published next to reproduced figures; status 3 when any differs."""
    from rm_research.findings.cohort import cohort_findings
    from rm_research.findings.verify import compare, format_comparison, published_figures
    from rm_research.ingest.load import load_cohort

    published = published_figures(args.region, args.cohort)
    loaded = load_cohort(args.root, args.region, args.cohort, args.psych_sessions)
    comparison = compare(cohort_findings(loaded, args.settings.analysis), published)
    print(format_comparison(comparison))
    return EXIT_OK if comparison["match"].all() else EXIT_MISMATCH


def cmd_make_example(args: argparse.Namespace) -> int:
    """``make-example``: regenerate the SYNTHETIC example cohorts (South East cohort 1 alone with
    ``--out``)."""
    from rm_research.core.paths import CohortPaths
    from rm_research.examples.collaborative import write_collaborative
    from rm_research.examples.synthetic import write_example

    folder = args.out or CohortPaths(args.root, config.DEFAULT_REGION, 1).raw
    written = write_example(folder, args.seed)
    if args.out is None:
        written += write_collaborative(args.root)
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    """``publish``: write the disclosure-controlled ``report-public.html`` and ``findings-public.csv``."""
    from rm_research.render.kernels import start_preloading

    start_preloading(args.settings.preload_kernels)
    from rm_research.run.cohort import run_publish

    docx = args.format == "docx"
    paths = run_publish(args.root, args.region, args.cohort, psych_offered=args.psych_sessions, docx=docx,
                        settings=args.settings)
    print(f"wrote {paths.public_html.relative_to(args.root)} and {paths.public_findings.relative_to(args.root)}"
          + (f" and {paths.public_docx.relative_to(args.root)}" if docx else ""))
    levels = [LevelPaths(args.root, args.region), LevelPaths(args.root, NATIONAL)]
    if any(level.public_findings.is_file() for level in levels):
        print("rm-research: note: this cohort's public figures were checked on their own, not against the public "
              "region and national reports already written; run publish-all before publishing any of them, so "
              "that no hidden figure can be worked out from another level", file=sys.stderr)
    return EXIT_OK


def cmd_collaborative(args: argparse.Namespace) -> int:
    """``reports`` and ``publish-all``: plan (no heavy imports), run in parallel, then the summary."""
    from rm_research.run import collaborative as co

    kind = co.REPORT if args.command == "reports" else co.PUBLISH
    started = time.perf_counter()
    if args.region == co.NATIONAL:
        print("rm-research: 'national' is not a region: the national report pools every region's cohorts; run "
              f"{args.command} without --region to make it, with every cohort and region report", file=sys.stderr)
        return EXIT_BAD_DATA
    plan = co.make_plan(args.root, kind, html=not getattr(args, "no_html", False), region=args.region,
                        docx=args.format == "docx", settings=args.settings)
    for note in plan.discovery.notes:
        print(f"rm-research: {note}", file=sys.stderr)
    if not plan.discovery.cohorts:
        where = args.root / "data" / "raw" / (args.region or "<region>")
        print(f"rm-research: no cohort folders found: put each cohort's files in {where}/cohort-<N>/ "
              "(data contract, section 1)", file=sys.stderr)
        return EXIT_BAD_DATA
    total = len(plan.discovery.cohorts) + len(plan.levels)
    if co.progress_enabled(sys.stderr, args.settings.in_ci):
        from tqdm import tqdm

        bar = tqdm(total=total, unit="report", file=sys.stderr, dynamic_ncols=True)
    else:
        bar = None

    def progress(outcome: co.Outcome) -> None:
        if bar is not None:
            bar.set_postfix_str(f"{outcome.label}: {outcome.status}", refresh=False)
            bar.update()

    try:
        if kind == co.PUBLISH:
            outcomes, protected, withdrawn = co.publish_all(plan, args.jobs, progress)
        else:
            outcomes, protected, withdrawn = co.run(plan, args.jobs, progress), [], []
    finally:
        if bar is not None:
            bar.close()
    from rm_research.run import site

    index = site.write_index(args.root, co.index_statuses(outcomes))
    for section in co.problem_sections(outcomes):
        print(f"\n{section}", file=sys.stderr)
    print(co.summary_table(outcomes, args.root, protected))
    if protected:
        print("audited again: published again after the audit of every level together (more figures hidden where "
              "another level's report would give them away; figures the others give away anyway shown)")
    if withdrawn:
        print(f"public files removed, as their data are no longer in data/raw: {', '.join(withdrawn)}")
    print(f"{co.counts(outcomes)} in {time.perf_counter() - started:.1f} s; every report: "
          f"{index.relative_to(args.root).as_posix()}"
          + (f"; the public site: {site.PUBLIC_SITE}/{site.INDEX}" if kind == co.PUBLISH else ""))
    if plan.discovery.notes:  # said again at the end, where it is seen: those folders made no report
        print("\nPassed over, so not in any report:\n" + "\n".join(f"  - {note}" for note in plan.discovery.notes),
              file=sys.stderr)
    status = co.exit_status(outcomes)
    return EXIT_BAD_DATA if plan.discovery.notes and status == EXIT_OK else status


COMMANDS = {"validate": cmd_validate, "report": cmd_report, "verify": cmd_verify, "publish": cmd_publish,
            "make-example": cmd_make_example, "reports": cmd_collaborative, "publish-all": cmd_collaborative,
            "template": cmd_template, "plan": cmd_plan}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command in ``argv`` (default: the command line); returns the exit status (module docstring)."""
    args = parser().parse_args(argv)
    args.root = (args.root or project_root()).resolve()
    # The terminal shows progress, results and problems (each command prints what it wrote); the steps'
    # INFO lines, papermill's among them, only with --verbose.
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # SIGTERM unwinds as Ctrl-C does, so locks and temporary files are freed (a handler needs the main thread)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _stop) if main_thread else None
    try:
        args.settings = config.Settings.resolve(os.environ)  # the one place the environment is read
        return COMMANDS[args.command](args)
    except config.SettingsError as error:
        print(f"rm-research: {error}", file=sys.stderr)
        return EXIT_BAD_DATA
    except KeyboardInterrupt:
        print("rm-research: stopped. Every report written is whole (a report stopped midway keeps its earlier "
              "files), and no other report was started. Run the command again to finish.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except DataError as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_DATA
    except FileNotFoundError as error:
        print(f"rm-research: {error}", file=sys.stderr)
        return EXIT_BAD_DATA
    except OutputError as error:
        print(f"rm-research: {error}", file=sys.stderr)
        return EXIT_OUTPUT
    except OSError as error:
        if error.errno not in CANNOT_WRITE:
            log.exception("unexpected error; this is a bug in rm-research, please report it with the text below")
            return EXIT_BUG
        where = f" {error.filename}" if error.filename else ""
        print(f"rm-research: could not write{where}: {(error.strerror or str(error)).lower()}. Check that you may "
              "write to reports/ and data/processed/ and that the disk has space, then run the command again.",
              file=sys.stderr)
        return EXIT_OUTPUT
    except Exception:  # a bug, not the user's data: say so, with the details a developer needs
        log.exception("unexpected error; this is a bug in rm-research, please report it with the text below")
        return EXIT_BUG
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


def _stop(signum: int, frame: object) -> None:
    """SIGTERM's handler: stop as Ctrl-C does."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
