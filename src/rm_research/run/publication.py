"""``publish-all`` as one transaction: every level's public files staged, audited together, committed together.

Each unit's public version is made on its own (a cohort's, a region's, the nation's), and only the
audit over all of them (``disclosure.hierarchy``) makes the set safe: a region's published count
less its cohorts' must not pin a count a cohort hides. So no unit's public files may reach
``reports/`` before the whole set has been audited, and an interrupted run must leave the earlier
public set as it was. The transaction:

1. **Lock** ``reports/.publish-all.lock`` (``outputs.locked``: a single-unit ``publish`` takes it too,
   so it waits for a ``publish-all`` and never writes between its audit and its commit), and finish or
   undo the last run's commit from its journal.
2. **Shadow.** ``reports/.publishing/`` mirrors the project (``reports/.publishing/reports/<region>/...``):
   the public files in scope (``public_set``: each unit's ``findings-public.csv``, ``report-public.html``
   and ``.docx``, its ``.publish-inputs.json`` record and the ``.publish-audit.json`` the cross-level audit
   reads of it, and the cross-level audit's record) are linked into
   it (hard links: a run never edits a file in place, it replaces it), a shadow an interrupted run left
   is removed first. Every unit of the run publishes into the shadow (``into``), the cross-level audit
   reads the shadow and publishes again into it, and public files of units whose data are gone are
   removed from it.
3. **The public site** (``run.site.public_site``): ``public/`` in the shadow is made to hold exactly the
   shadow's public files and their index.
4. **Commit.** Every file of the shadow that differs from the live one, and the removal of every live
   file the shadow no longer has, go into one ``outputs.Staging`` set: flushed, one journal renamed
   into place (the commit point), then moved. Before that point ``reports/`` holds the earlier public
   set, whole; after it, the new one (a run killed while moving is finished by the next one, under
   the lock). The shadow is then removed.

Written here (not in ``outputs``) because the unit of work is a whole publication: which files, which
scope, and the order of staging, auditing and committing are the collaborative run's.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from rm_research.core.config import DEFAULT_LOCK_TIMEOUT_S
from rm_research.core.paths import ReportFolder, report_folders
from rm_research.run import outputs, site
from rm_research.run.records import AUDIT_RECORD, Record
from rm_research.run.site import PUBLIC_SITE

#: The lock every run that writes public files takes (``publish``, ``publish-all``), under ``reports/``.
LOCK = ".publish-all.lock"
#: The shadow of the project that a ``publish-all`` publishes into before its commit, under ``reports/``.
SHADOW = ".publishing"
#: Where the checkpoint before the commit is (tests interrupt a run there: ``outputs.checkpoint``).
STAGED = "publication-staged"


def lock_path(root: Path) -> Path:
    """The publication lock of the project at ``root``."""
    return Path(root) / "reports" / LOCK


def shadow_root(root: Path) -> Path:
    """The shadow project a ``publish-all`` writes into: ``reports/.publishing``."""
    return Path(root) / "reports" / SHADOW


def audit_marker(root: Path, region: str | None) -> Path:
    """The cross-level audit's record for the scope: ``reports/`` for every region, ``reports/<region>/`` for one."""
    return Path(root) / "reports" / (region or "") / AUDIT_RECORD


def unit_public_files(folder: Path) -> tuple[Path, ...]:
    """A unit's public files, the record of what they were made from and what the cross-level audit reads
    of it (``ReportFiles.audit_input``), in its report folder: what a publish writes, all together."""
    files = ReportFolder(folder)
    return (*files.public_files, Record.path(folder, "publish"), files.audit_input)


def public_set(base: Path, region: str | None = None) -> set[str]:
    """The public files under the project ``base`` within the scope (every region and the nation, or the
    one ``region``), and the public site (``public/``, whatever the scope: it lists every level), as paths
    relative to ``base``: those that exist."""
    found = {path for folder in report_folders(Path(base) / "reports", region) for path in unit_public_files(folder)}
    found.add(audit_marker(base, region))
    site = Path(base) / PUBLIC_SITE
    found |= set(site.rglob("*")) if site.is_dir() else set()
    return {path.relative_to(base).as_posix() for path in found if path.is_file()}


def _link(source: Path, target: Path) -> None:
    """``target`` as the same file as ``source`` (a copy where the file system has no hard links)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _same(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def commit(held: outputs.Outputs, root: Path, shadow: Path, region: str | None) -> list[str]:
    """Replace the live public set in scope by the shadow's, all together (``outputs.Staging``).
    Returns the files changed or removed, relative to ``root``."""
    live, staged = public_set(root, region), public_set(shadow, region)
    changed = sorted(rel for rel in staged if rel not in live or not _same(root / rel, shadow / rel))
    removed = sorted(live - staged)
    if not changed and not removed:
        return []
    outputs.checkpoint(STAGED)
    with held.replacing() as staging:
        for rel in changed:
            os.replace(shadow / rel, staging.path(root / rel))
        for rel in removed:
            staging.remove(root / rel)
    return [*changed, *removed]


@contextlib.contextmanager
def transaction(root: Path, region: str | None = None, timeout: float = DEFAULT_LOCK_TIMEOUT_S
                ) -> Iterator[Path]:
    """Hold the publication lock, yield a fresh shadow of the public set in scope to publish into, and
    commit it when the block ends without error (nothing of it reaches ``reports/`` otherwise)."""
    root = Path(root).absolute()
    with outputs.locked(lock_path(root), timeout=timeout) as held:
        shadow = shadow_root(root)
        try:
            _remove(shadow)  # an interrupted run's: never committed, so never published
            for rel in sorted(public_set(root)):  # every level's: the public site lists them all
                _link(root / rel, shadow / rel)
        except OSError as error:
            raise outputs.output_error(error, shadow) from error
        try:
            yield shadow
            site.public_site(shadow / "reports", shadow / PUBLIC_SITE)
            commit(held, root, shadow, region)
        finally:
            with contextlib.suppress(OSError):
                _remove(shadow)


def _remove(shadow: Path) -> None:
    if shadow.exists():
        shutil.rmtree(shadow)


@contextlib.contextmanager
def serialised(root: Path, timeout: float = DEFAULT_LOCK_TIMEOUT_S) -> Iterator[None]:
    """For a single unit's ``publish``: wait for any ``publish-all`` (and finish its commit if it was
    interrupted), and keep one from starting until this unit's public files are written."""
    with outputs.locked(lock_path(root), timeout=timeout):
        yield


@contextlib.contextmanager
def writing(root: Path, into: Path | None, timeout: float = DEFAULT_LOCK_TIMEOUT_S) -> Iterator[Path]:
    """The project a unit's public files are written under: ``into`` (a ``publish-all``'s shadow, whose run
    holds the lock), or ``root`` itself while holding the publication lock (``serialised``)."""
    if into is not None:
        yield Path(into)
        return
    with serialised(root, timeout):
        yield Path(root)
