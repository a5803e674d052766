"""Where a cohort's raw data, processed tables and reports live (data contract, sections 1 and 4)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from rm_research.core.problems import closest, did_you_mean, spelling_key

#: The name of the national level's reports; reserved, never a region's slug (data contract, section 6).
NATIONAL = "national"
REGION_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: A cohort's folder: ``cohort-<N>``, N a positive whole number (data contract, section 1).
COHORT_FOLDER = re.compile(r"cohort-([1-9][0-9]*)")


def check_region(region: str) -> str:
    """Return ``region`` if it is a valid slug (lower-case letters, digits, hyphens); otherwise raise
    ``ValueError``, suggesting the slug meant when only case, spaces or underscores are wrong."""
    if not REGION_PATTERN.fullmatch(region):
        slug = "-".join(re.split(r"[\s_-]+", region.strip().lower())).strip("-")
        hint = f"; did you mean '{slug}'?" if re.fullmatch(r"[A-Za-z0-9\s_-]+", region) and \
            REGION_PATTERN.fullmatch(slug) else ""
        raise ValueError(
            f"region {region!r} is not a valid slug: use lower-case letters, digits and hyphens, "
            f"e.g. 'south-east'{hint}"
        )
    return region


#: Words that stay lower-case inside a region's name made from its slug ("North East and Yorkshire").
_SMALL_WORDS: Final = frozenset({"and", "of", "the", "in", "on", "upon"})


def region_title(slug: str) -> str:
    """A region's name in words from its slug, where the region does not name itself (``region.toml``):
    ``north-east-and-yorkshire`` is "North East and Yorkshire", ``east-of-england`` "East of England";
    the national level is "England"."""
    if slug == NATIONAL:
        return "England"
    words = slug.split("-")
    return " ".join(w if i and w in _SMALL_WORDS else w.capitalize() for i, w in enumerate(words))


def missing_folder_hint(folder: Path) -> str:
    """What is near ``data/raw/<region>/cohort-<N>/`` when that folder does not exist: the region
    folder a mistyped region is close to, a cohort folder named nearly right ('Cohort 1', 'cohort1',
    'cohort-01'), or the cohorts the region has; ``""`` when there is nothing to say."""
    region = folder.parent
    if not region.is_dir():
        regions = _subfolders(region.parent)
        hint = did_you_mean(region.name, regions)
        if hint:
            return f"there is no region folder '{region.name}' in {region.parent}; {hint}"
        return f"the region folders in {region.parent} are: {', '.join(regions)}" if regions else ""
    cohorts = _subfolders(region)
    same = [name for name in cohorts if spelling_key(name) == spelling_key(folder.name)]
    if same:
        return (f"found '{same[0]}' in {region.name}, which is not read: a cohort's folder is named "
                f"{folder.name} exactly (data contract, section 1); rename it")
    named = [name for name in cohorts if COHORT_FOLDER.fullmatch(name)]
    if named:
        return f"the cohort folders of {region.name} are: {', '.join(named)}"
    near = closest(folder.name, cohorts)
    return f"found '{near}' in {region.name}: a cohort's folder is named cohort-<N>, e.g. {folder.name}" if near else ""


def _subfolders(folder: Path) -> list[str]:
    try:
        return sorted(entry.name for entry in folder.iterdir() if entry.is_dir() and not entry.name.startswith("."))
    except OSError:
        return []


def check_cohort(cohort: int) -> int:
    """Return ``cohort`` if it is a positive whole number."""
    if isinstance(cohort, bool) or not isinstance(cohort, int) or cohort < 1:
        raise ValueError(f"cohort {cohort!r} is not a positive whole number")
    return cohort


def project_root(start: Path | None = None) -> Path:
    """The project folder: the nearest folder at or above ``start`` (default: the working folder)
    holding ``data/raw/``, else ``start`` itself.

    Any folder laid out as the data contract says is a project (section 1): the package installed
    from a wheel renders reports for it, and a notebook opened from inside the repository finds the
    data without a hard-coded path.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "raw").is_dir():
            return folder
    return here


class ReportFiles:
    """The contract's output files in a report folder (``reports``), for a cohort or a level, and the
    public versions a publish command writes beside them."""

    reports: Path
    #: The disclosure-controlled findings a publish command writes beside the internal ones.
    PUBLIC_FINDINGS = "findings-public.csv"

    @property
    def findings(self) -> Path:
        """The findings table, ``findings.csv``."""
        return self.reports / "findings.csv"

    @property
    def report_html(self) -> Path:
        """The report, ``report.html``."""
        return self.reports / "report.html"

    @property
    def report_docx(self) -> Path:
        """The report for board papers, ``report.docx`` (written with ``--format docx``)."""
        return self.reports / "report.docx"

    @property
    def public_findings(self) -> Path:
        """The disclosure-controlled findings, ``findings-public.csv`` (written by a publish command)."""
        return self.reports / self.PUBLIC_FINDINGS

    @property
    def public_html(self) -> Path:
        """The public report, ``report-public.html``."""
        return self.reports / "report-public.html"

    @property
    def public_docx(self) -> Path:
        """The public report for board papers, ``report-public.docx`` (written with ``--format docx``)."""
        return self.reports / "report-public.docx"

    @property
    def card(self) -> Path:
        """The report's machine-readable record, ``report.json``: what it covers (names, dates) and what it
        was made from (each raw file's size and SHA-256, the code and package versions)."""
        return self.reports / "report.json"

    @property
    def public_card(self) -> Path:
        """The public report's record, ``report-public.json``: what it covers, nothing about the files."""
        return self.reports / "report-public.json"

    @property
    def audit_input(self) -> Path:
        """What the cross-level audit reads of this unit, ``.publish-audit.json``: its true findings as the
        audit pairs them with the public ones, written by each publish beside them (``disclosure.hierarchy``),
        so that ``publish-all`` need not compute every unit's findings again. Internal: never published."""
        return self.reports / ".publish-audit.json"

    @property
    def public_files(self) -> tuple[Path, ...]:
        """Every file a publish command writes here: the public findings, page, Word copy and record."""
        return (self.public_findings, self.public_html, self.public_docx, self.public_card)


def report_folders(reports: Path, region: str | None = None) -> list[Path]:
    """Every report folder under ``reports``: the nation, then each region followed by its cohorts in number
    order; with ``region``, that region and its cohorts only. Folders that do not exist are left out."""
    if not reports.is_dir():
        return []
    regions = [reports / region] if region is not None else sorted(
        p for p in reports.iterdir() if p.is_dir() and REGION_PATTERN.fullmatch(p.name) and p.name != NATIONAL)
    found = [] if region is not None else [reports / NATIONAL]
    for folder in regions:
        cohorts = [c for c in folder.glob("cohort-*") if c.is_dir() and COHORT_FOLDER.fullmatch(c.name)]
        found += [folder, *sorted(cohorts, key=lambda c: int(c.name.split("-")[1]))]
    return [folder for folder in found if folder.is_dir()]


@dataclass(frozen=True)
class ReportFolder(ReportFiles):
    """The report files of any report folder, given the folder itself (a cohort's or a level's)."""

    reports: Path


@dataclass(frozen=True)
class CohortPaths(ReportFiles):
    """The contract's folders for one region's cohort under a project root."""

    root: Path
    region: str
    cohort: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))  # a str from a notebook or a script works too
        check_region(self.region)
        check_cohort(self.cohort)

    @property
    def slug(self) -> Path:
        """``<region>/cohort-<N>``: the cohort's folder under ``data/raw``, ``data/processed`` and ``reports``."""
        return Path(self.region) / f"cohort-{self.cohort}"

    @property
    def raw(self) -> Path:
        """``data/raw/<region>/cohort-<N>``: the files as received."""
        return self.root / "data" / "raw" / self.slug

    @property
    def processed(self) -> Path:
        """``data/processed/<region>/cohort-<N>``: the tidy tables."""
        return self.root / "data" / "processed" / self.slug

    @property
    def reports(self) -> Path:  # type: ignore[override]
        """``reports/<region>/cohort-<N>``: the findings and reports."""
        return self.root / "reports" / self.slug






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
