"""Loading cohorts: one cohort's raw files validated and tidied (``load_cohort``), or every cohort of
a region or the nation (``load_level``). What is computed from them is the ``findings`` layer's.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rm_research.contract.programme import Programme, read_region_name
from rm_research.core.paths import NATIONAL, CohortPaths, check_cohort, check_level, check_region, discover
from rm_research.core.problems import DataError, Problem
from rm_research.ingest.clean import Cohort, tidy_cohort
from rm_research.ingest.validate import RawCohort, validate_cohort

SYNTHETIC_MARKER = "SYNTHETIC"


@dataclass(frozen=True)
class LoadedCohort:
    """A validated, tidied cohort with the files it came from."""

    paths: CohortPaths
    raw: RawCohort
    cohort: Cohort

    @property
    def programme(self) -> Programme:
        """The cohort's programme settings (``programme.toml``, with any override applied)."""
        return self.raw.programme

    @property
    def region_name(self) -> str:
        """The cohort's region in words (``contract.programme.read_region_name``)."""
        return read_region_name(self.paths.raw.parent)

    @property
    def is_synthetic(self) -> bool:
        """True for example data, marked by a ``SYNTHETIC`` file in the raw folder."""
        return (self.paths.raw / SYNTHETIC_MARKER).is_file()

    @property
    def synthetic_marker(self) -> str:
        """What the ``SYNTHETIC`` file says (which generator made the files); blank for real data."""
        marker = self.paths.raw / SYNTHETIC_MARKER
        return marker.read_text(encoding="utf-8", errors="replace") if marker.is_file() else ""


#: The private folder where this process keeps, and looks for, the cohorts its command has validated
#: (``keep_loaded_in``); None: every load validates.
_KEPT: Path | None = None


def keep_loaded_in(folder: Path | None) -> None:
    """From now on, keep each cohort ``load_cohort`` validates in ``folder`` and read it back from there
    (None: stop). ``make reports`` and ``make publish-all`` validate every cohort in its own task, and then
    each region and the nation would validate all of theirs again (0.08 s a cohort: at 1,000 cohorts,
    over two minutes of every command); so the command makes a private folder (``tempfile``: only its
    user can read it), every worker keeps what it validated there, and the levels read it back. The files are pickles
    this command wrote for itself, in a folder it removes when it ends, as ``render.handoff``'s are."""
    global _KEPT
    _KEPT = None if folder is None else Path(folder)


def _kept(paths: CohortPaths) -> Path | None:
    """Where a kept copy of the cohort at ``paths`` goes (named after its project too), if cohorts are kept."""
    if _KEPT is None:
        return None
    project = hashlib.sha256(str(paths.root.resolve()).encode("utf-8")).hexdigest()[:16]
    return _KEPT / f"{project}-{paths.region}-{paths.cohort}.pickle"


def load_cohort(root: Path | str, region: str, cohort: int, psych_offered: int | None = None) -> LoadedCohort:
    """Validate (``DataError`` lists every problem) and tidy one cohort's raw files; where this command
    keeps what it validated (``keep_loaded_in``), the copy an earlier task kept.

    ``psych_offered`` overrides the number of psychological sessions the cohort's ``programme.toml``
    says were offered (the South East's 3 when there is no such file); such a load is never kept.
    """
    paths = CohortPaths(Path(root), region, int(cohort))
    kept = _kept(paths) if psych_offered is None else None
    if kept is not None and kept.is_file():
        with kept.open("rb") as file:
            return pickle.load(file)  # written by this command, in its private folder (keep_loaded_in)
    raw = validate_cohort(paths.raw, psych_offered)
    loaded = LoadedCohort(paths, raw, tidy_cohort(raw))
    if kept is not None:  # whole or not at all: another worker may read it at any moment
        with tempfile.NamedTemporaryFile(dir=kept.parent, suffix=".partial", delete=False) as file:
            pickle.dump(loaded, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(file.name, kept)
    return loaded






CohortKey = tuple[str, int]


def discover_cohorts(root: Path, level: str) -> list[CohortKey]:
    """Every ``data/raw/<region>/cohort-<N>/`` folder of the level (all regions for ``national``),
    sorted by region, then by cohort number, as ``make reports`` finds them (``core.paths.discover``)."""

    check_level(level)
    found = discover(Path(root), None if level == NATIONAL else level).cohorts
    return sorted((c.region, c.cohort) for c in found)


def level_cohorts(root: Path, level: str, cohorts: Iterable[Sequence[object]] | None = None) -> list[CohortKey]:
    """The cohorts to pool: ``cohorts`` (pairs of region and number) if given, else every cohort found.

    A given cohort outside the level is an error (a region's report pools only its own cohorts).
    """
    if cohorts is None:
        return discover_cohorts(root, level)
    keys = [(check_region(str(region)), check_cohort(int(number))) for region, number in cohorts]  # type: ignore[call-overload]
    outside = [key for key in keys if level != NATIONAL and key[0] != level]
    if outside:
        raise ValueError(f"cohorts {outside} are not in region {level!r}")
    return sorted(dict.fromkeys(keys))


def load_level(root: Path, level: str, cohorts: Iterable[Sequence[object]] | None = None) -> list[LoadedCohort]:
    """Validate and tidy every cohort of the level. ``DataError`` lists the problems of every bad
    cohort at once, each file named with its cohort (``south-east/cohort-2/end_survey.csv``); a level
    with no cohort is a ``DataError`` too."""
    keys = level_cohorts(root, level, cohorts)
    if not keys:
        raise DataError([Problem(f"data/raw/{'' if level == NATIONAL else level + '/'}", None, None,
                                 "holds no cohort folder (cohort-1, cohort-2, ...): there is nothing to pool")])
    loaded, problems = [], []
    for region, number in keys:
        try:
            loaded.append(load_cohort(root, region, number))
        except DataError as error:
            problems += [Problem(f"{region}/cohort-{number}/{p.file}", p.row, p.column, p.message, p.runs)
                         for p in error.problems]
    if problems:
        raise DataError(problems)
    return loaded
