"""The collaborative as a site: each report's record, ``reports/index.html``, and the ``public/`` folder.

- **Records** (``card``): beside each report, ``report.json`` says what it covers (the level, the
  region in words, the cohort, when it ran, how many cohorts) and what it was made from (each raw
  file's size and SHA-256, the code and package versions): the machine-readable provenance a
  reader would otherwise find in pages of checksums. Beside each public report,
  ``report-public.json`` says what it covers and whether it is the one-page notice of a cohort too
  small to publish alone, and nothing about the files (a file's size gives its rows away).
- **The index** (``write_index``): ``make reports`` and ``make publish-all`` write
  ``reports/index.html``, every report in one table (the nation, each region, its cohorts): status,
  dates, people, the headline change and links to its page, Word copy and findings.
- **The public site** (``public_site``): ``make publish-all`` also writes ``public/``, holding only the
  public files, in the same folders as under ``reports/`` (so the public pages' links between levels
  work), with an index of its own: a folder to copy as it is to a web server or SharePoint. It is
  written inside the publication's transaction (``run.publication``), so it changes with the public
  reports, all together, or not at all.

The index reads only these records, each holding its report's headline figures as its findings
table gave them when it was written (``with_headline``), with the standard library: a rerun with
nothing changed stays under a second at 1,000 cohorts. Every data-derived string is escaped.
"""

from __future__ import annotations

import csv
import filecmp
import json
import math
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from rm_research.core.config import ALL_ROLES
from rm_research.core.paths import NATIONAL, ReportFolder, region_title, report_folders
from rm_research.core.rounding import decimals
from rm_research.core.safety import escape_html
from rm_research.run.outputs import write_atomically
from rm_research.run.records import Record

#: The public site's folder, at the project's top level.
PUBLIC_SITE: Final = "public"
INDEX: Final = "index.html"
#: The headline change the index shows: the first confidence item (senior leaders), everyone.
HEADLINE_ITEM: Final = "conf_senior"
KINDS: Final = {"cohort": "Cohort", "region": "Region", NATIONAL: "National"}


# ------------------------------------------------------------------------------------------------ records
def card(loaded: Iterable[Any], level: str | None = None, *, public: bool = False, alone: bool = False,
         root: Path | None = None) -> dict[str, object]:
    """A report's record (module docstring): ``loaded``, the cohorts it covers (``ingest.load.LoadedCohort``);
    ``level`` a region's slug or ``national`` (None: the one cohort's report); ``public``: the public
    report's (no files, no versions); ``alone``: the public page is a cohort's one-page notice."""
    from rm_research.core import provenance
    from rm_research.report.summary import period
    from rm_research.report.tables import cohort_checksums

    cohorts = list(loaded)
    first = cohorts[0]
    starts = [c.cohort.start for c in cohorts if c.cohort.start is not None]
    ends = [c.cohort.end for c in cohorts if c.cohort.end is not None]
    start, end = (min(starts) if starts else None), (max(ends) if ends else None)
    kind = "cohort" if level is None else ("national" if level == NATIONAL else "region")
    record: dict[str, object] = {
        "kind": kind,
        "region": None if level == NATIONAL else first.paths.region,
        "region_name": "England" if level == NATIONAL else first.region_name,
        "cohort": first.paths.cohort if level is None else None,
        "cohorts": len(cohorts),
        "dates": period(start, end),
        "start": None if start is None else f"{start:%Y-%m}",
        "end": None if end is None else f"{end:%Y-%m}",
        "synthetic": any(c.is_synthetic for c in cohorts),
    }
    if public:
        record["one_page_notice"] = alone
        return record
    checksums = cohort_checksums(cohorts).to_dict("records")  # the files the page's fingerprint is made from
    versions = provenance.package_versions()
    record["provenance"] = {
        "code": provenance.git_commit(Path(root) if root is not None else first.paths.root),
        "packages": dict(zip(versions["package"], versions["version"], strict=True)),
        "data": [{key: (int(value) if key in ("bytes", "cohort") else value) for key, value in row.items()}
                 for row in checksums],
    }
    return record


def with_headline(record: Mapping[str, object], findings_csv: Path | None, public: bool) -> dict[str, object]:
    """``record`` with the index's headline figures (``headline_figures``) of the findings table at
    ``findings_csv`` as written, so that the index reads the records alone (``entries``); ``record`` as
    it is where there is no such table."""
    if findings_csv is None:
        return dict(record)
    people, change = headline_figures(_findings(findings_csv), pooled=record.get("kind") != "cohort", public=public)
    return {**record, "headline": {"people": people, "change": change}}


def card_text(record: Mapping[str, object]) -> str:
    """A record as JSON, the same bytes for the same record."""
    return json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


# -------------------------------------------------------------------------------------------------- index
@dataclass(frozen=True)
class Entry:
    """One report in an index: its folder (relative to the index), record and findings' headline figures."""

    folder: str
    record: Mapping[str, Any]
    people: str
    change: str
    status: str
    links: tuple[tuple[str, str], ...]


def _read_card(path: Path) -> dict[str, Any] | None:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _findings(path: Path) -> dict[tuple[str, str, str], tuple[str, str]]:
    """``{(measure, role, statistic): (value, n)}`` of a findings table (internal or public), as written."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return {(r["measure"], r["role"], r["statistic"]): (r["value"], r["n"]) for r in csv.DictReader(handle)}
    except (OSError, KeyError, csv.Error):
        return {}


def _number(text: str) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return math.nan


def headline_figures(findings: Mapping[tuple[str, str, str], tuple[str, str]], pooled: bool, public: bool = False,
                     mark: str = "*") -> tuple[str, str]:
    """The people enrolled and the headline change ("+0.8 (+0.2 to +1.4), 10 people"), as the findings
    give them: a ``public`` table's rounded counts as "about N", a withheld figure as "withheld"."""
    enrolled, _ = findings.get(("flow", ALL_ROLES, "enrolled"), ("", ""))
    people = "withheld" if enrolled == mark else ("–" if math.isnan(_number(enrolled)) else
                                                   f"{'about ' if public else ''}{_number(enrolled):.0f}")
    names = ("pooled_change", "pooled_ci_low", "pooled_ci_high") if pooled else \
        ("change_mean", "change_ci_low", "change_ci_high")
    cells = [findings.get((HEADLINE_ITEM, ALL_ROLES, name), ("", "")) for name in names]
    if any(value == mark for value, _ in cells):
        return people, "withheld"
    change, low, high = (_number(value) for value, _ in cells)
    if math.isnan(change):
        return people, "–"
    n = cells[0][1]
    on = "withheld" if n == mark else f"{'about ' if public else ''}{_number(n):.0f}"
    interval = "" if math.isnan(low) or math.isnan(high) else \
        f" ({decimals(low, 1, sign=True)} to {decimals(high, 1, sign=True)})"
    return people, f"{decimals(change, 1, sign=True)}{interval}, {on} people"



def entries(reports: Path, public: bool, statuses: Mapping[str, str] | None = None) -> list[Entry]:
    """The index's rows: every report folder under ``reports`` with a record (``report.json``, or
    ``report-public.json`` for the public index), in the index's order. ``statuses``: this run's word
    for each folder (relative to ``reports``), where it made or checked it."""
    found = []
    for folder in report_folders(reports):
        files = ReportFolder(folder)
        record = _read_card(files.public_card if public else files.card)
        if record is None:
            continue
        relative = folder.relative_to(reports).as_posix()
        headline = record.get("headline")
        if isinstance(headline, dict):  # written with the report (with_headline)
            people, change = str(headline.get("people", "–")), str(headline.get("change", "–"))
        else:  # a record written by an older version
            findings = _findings(files.public_findings if public else files.findings)
            people, change = headline_figures(findings, pooled=record.get("kind") != "cohort", public=public)
        if public:
            status = ("one-page notice: most figures withheld, too small to publish alone"
                      if record.get("one_page_notice") else "published")
            candidates = (("page", files.public_html), ("Word", files.public_docx), ("findings", files.public_findings))
        else:
            status = (statuses or {}).get(relative, "made earlier")
            candidates = (("page", files.report_html), ("Word", files.report_docx), ("findings", files.findings),
                          ("public page", files.public_html))
        links = tuple((name, path.relative_to(reports).as_posix()) for name, path in candidates if path.is_file())
        found.append(Entry(relative, record, people, change, status, links))
    return found


def _name(record: Mapping[str, Any]) -> str:
    kind = record.get("kind")
    if kind == NATIONAL:
        return "England: every region"
    region = str(record.get("region_name") or region_title(str(record.get("region", ""))))
    return f"{region}: every cohort" if kind == "region" else f"{region}, cohort {record.get('cohort')}"


STYLE: Final = ("body{font-family:system-ui,Arial,sans-serif;margin:2em auto;max-width:72em;color:#212B32;"
                "line-height:1.45;padding:0 1em}table{border-collapse:collapse;width:100%}"
                "th,td{text-align:left;padding:.35em .6em;border-bottom:1px solid #AEB7BD;vertical-align:top}"
                "th{background:#F0F4F5}tr.region td{background:#F7F9FA;font-weight:600}"
                "tr.national td{background:#E8EDEE;font-weight:700}td.n{white-space:nowrap}a{color:#005EB8}"
                ".notice{border:3px solid #DA291C;background:#FDECEA;padding:.8em 1em}")


def index_html(found: list[Entry], public: bool) -> str:
    """The index page: one row per report (module docstring), every data-derived string escaped."""
    title = "Reverse mentoring evaluation: public reports" if public else "Reverse mentoring evaluation: every report"
    intro = ("The public version of every report: small numbers withheld and counts rounded, so that no participant "
             "can be recognised. This folder holds only public files and can be copied to a web server as it is."
             if public else
             "Every report of the collaborative, internal versions (small numbers shown: for the evaluation team "
             "only). The change is in confidence talking with senior leaders (points on the 1-10 scale, end - "
             "enrolment, with its 95% interval), for everyone who answered both surveys; a region's and the "
             "nation's are pooled over their cohorts.")
    rows = []
    for entry in found:
        kind = str(entry.record.get("kind", "cohort"))
        links = " · ".join(f'<a href="{escape_html(href)}">{escape_html(name)}</a>' for name, href in entry.links)
        cohorts = f" ({entry.record.get('cohorts')} cohorts)" if kind != "cohort" else ""
        rows.append(f'<tr class="{escape_html(kind)}"><td>{escape_html(_name(entry.record))}{escape_html(cohorts)}'
                    f'</td><td>{escape_html(entry.record.get("dates", ""))}</td><td class="n">'
                    f'{escape_html(entry.people)}</td><td class="n">{escape_html(entry.change)}</td>'
                    f"<td>{escape_html(entry.status)}</td><td>{links}</td></tr>")
    synthetic = any(entry.record.get("synthetic") for entry in found)
    notice = ('<p class="notice"><strong>SYNTHETIC DATA.</strong> Some or all of these reports were made from the '
              "package's synthetic examples, not from real participants.</p>") if synthetic else ""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape_html(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
            f"<h1>{escape_html(title)}</h1>\n<p>{escape_html(intro)}</p>\n{notice}\n"
            "<table>\n<caption>Reports, by level</caption>\n<thead><tr><th scope=\"col\">Report</th>"
            "<th scope=\"col\">Dates</th><th scope=\"col\">People enrolled</th><th scope=\"col\">Change in confidence"
            "</th><th scope=\"col\">Status</th><th scope=\"col\">Files</th></tr></thead>\n<tbody>\n"
            + "\n".join(rows) + "\n</tbody>\n</table>\n</main>\n</body>\n</html>\n")


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (``outputs.write_atomically``); unchanged bytes are
    not written again."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, text)


def write_index(root: Path, statuses: Mapping[str, str] | None = None) -> Path:
    """Write ``reports/index.html``, the internal index (``statuses``: as for ``entries``); return its path."""
    reports = Path(root) / "reports"
    path = reports / INDEX
    _write(path, index_html(entries(reports, public=False, statuses=statuses), public=False))
    return path


# ------------------------------------------------------------------------------------------ the public site
def public_site(source: Path, target: Path) -> list[str]:
    """Make ``target`` (a project's ``public/``) hold exactly the public files under ``source`` (a project's
    ``reports/``), in the same folders, and the public index; files in ``target`` with a public file's name
    whose report is gone are removed (any other file there is left alone: not the package's to delete).
    Returns what it wrote."""
    wanted: dict[str, Path] = {}
    for folder in report_folders(source):
        if not Record.path(folder, "publish").is_file():
            continue  # published on its own (make publish), not audited against the other levels: not for the site
        for path in ReportFolder(folder).public_files:
            if path.is_file():
                wanted[path.relative_to(source).as_posix()] = path
    written = []
    for relative, path in sorted(wanted.items()):
        destination = target / relative
        if destination.is_file() and filecmp.cmp(path, destination, shallow=False):
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        temporary = destination.with_name(f".{destination.name}.tmp")
        temporary.unlink(missing_ok=True)  # a leftover may be linked to a live file: never written into
        shutil.copyfile(path, temporary)
        os.replace(temporary, destination)  # never written in place: it may be a link to a live file
        written.append(relative)
    index = index_html(entries(source, public=True), public=True)
    _write(target / INDEX, index)
    written.append(INDEX)
    for folder in report_folders(target):  # only a unit's public files, where this writes them: never a user's file
        for path in ReportFolder(folder).public_files:
            if path.is_file() and path.relative_to(target).as_posix() not in wanted:
                path.unlink()
        for empty in (folder, folder.parent):
            if empty != target and empty.is_dir() and not any(empty.iterdir()):
                empty.rmdir()
    return written
