"""Where a cohort's raw data, processed tables and reports live (data contract, sections 1 and 4)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .problems import closest, did_you_mean, spelling_key

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
    """The nearest folder at or above ``start`` holding ``pyproject.toml`` and ``data/``.

    Lets a notebook opened from ``notebooks/`` find the data without a hard-coded path.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "data").is_dir():
            return folder
    return here


class ReportFiles:
    """The contract's output files in a report folder (``reports``), for a cohort or a level."""

    reports: Path

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
