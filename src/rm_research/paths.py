"""Where a cohort's raw data, processed tables and reports live (data contract, sections 1 and 4)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: The name of the national level's reports; reserved, never a region's slug (data contract, section 6).
NATIONAL = "national"
REGION_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def check_region(region: str) -> str:
    """Return ``region`` if it is a valid slug (lower-case letters, digits, hyphens)."""
    if not REGION_PATTERN.fullmatch(region):
        raise ValueError(
            f"region {region!r} is not a valid slug: use lower-case letters, digits and hyphens, "
            "e.g. 'south-east'"
        )
    return region


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
        return self.reports / "findings.csv"

    @property
    def report_html(self) -> Path:
        return self.reports / "report.html"


@dataclass(frozen=True)
class CohortPaths(ReportFiles):
    """The contract's folders for one region's cohort under a project root."""

    root: Path
    region: str
    cohort: int

    def __post_init__(self) -> None:
        check_region(self.region)
        check_cohort(self.cohort)

    @property
    def slug(self) -> Path:
        return Path(self.region) / f"cohort-{self.cohort}"

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw" / self.slug

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed" / self.slug

    @property
    def reports(self) -> Path:  # type: ignore[override]
        return self.root / "reports" / self.slug
