"""Replacing a set of output files all together or not at all, one run at a time.

A run names the files it writes (in any folders) and the files it removes; no other file in
those folders is touched. The mechanism, for one *lock file* (``reports/<region>/.cohort-N.lock``
for a cohort; any path for other sets of outputs):

1. **Lock.** ``locked(lock_file)`` holds an exclusive ``filelock.FileLock`` on the lock file. A
   second run waits, saying on stderr that another run is in progress, for at most ``timeout``
   seconds (the run's ``Settings.lock_timeout_s``: 600 unless ``RM_RESEARCH_LOCK_TIMEOUT`` says
   otherwise), then raises ``OutputError``. The operating
   system releases the lock of a process that dies, so a killed run never blocks the next one.
2. **Recover.** Still before anything else, under the lock, the last run's journal (beside the
   lock file: ``.cohort-N.journal``) is read: a *committed* set is rolled forward (its remaining
   moves and removals done), an *uncommitted* one is discarded. Stale staging folders go with
   it, and ``remove_legacy_staging`` clears the ``.cohort-N-old-*``/``-new-*`` folders that the
   earlier whole-folder swap left behind.
3. **Stage.** ``Outputs.replacing()`` gives a ``Staging``: ``staging.path(destination)`` is where
   to write the new version of ``destination``, inside a hidden folder ``.rm-staging-<name>`` in
   the destination's own folder (so on the same file system, even where that folder is a
   mount or a symbolic link). The journal lists each staging folder *before* it is made, so a
   staging folder never outlives the journal that lets the next run remove it.
4. **Commit.** When the block ends without error, every staged file is flushed to disk, then
   the journal, listing every move and removal, is rewritten as *committed* by one atomic
   ``os.replace`` of a flushed file. That rename is the commit point.
5. **Apply.** Each staged file is moved over its destination with ``os.replace`` and each
   removal done; then the staging folders and the journal are deleted.

The guarantee (on a local file system that honours ``fsync`` and atomic rename: ext4, XFS, APFS,
NTFS). At every moment, even under ``kill -9`` or a power cut, each output file is
whole: it is the complete earlier file, the complete new file, or (for a file being created or
removed) absent, never a prefix. A reader who looks at the folders only after a run finished or
after the next run's recovery (that is, under the lock: ``with locked(lock_file): ...``) sees
either the complete earlier set, if the run stopped before its commit point, or the complete new
set, if it stopped at or after it; no staging folder remains. A reader who does not take the
lock may, while step 5 is in progress (milliseconds), see some files new and others old. A run
that fails with an error before its commit point discards its staging at once. If a move fails
after the commit point (the disk failing under us), the journal stays committed and the next run
finishes the set.

Hand-written rather than a library because none found keeps a multi-file, multi-folder set
atomic: ``atomicwrites``-style helpers cover one file, and swapping whole folders (the earlier
design) destroyed files a run did not write. ``filelock`` does the locking.

Using it for other outputs (a region's or the national report): choose one lock file per set of
outputs; every run that writes any of those files must use it. The staging folder is named after
the lock (``.rm-staging-<name>``), so two locks writing into one folder need different names. A run
needing several sets holds several locks, taken in one agreed order (say sorted by path) so that
two such runs cannot wait for each other forever. For example::

    with locked(root / "reports" / ".national.lock") as held, held.replacing() as staging:
        write_csv(findings, staging.path(root / "reports" / "national" / "findings.csv"))
        staging.path(root / "reports" / "national" / "report.html").write_text(page, encoding="utf-8")
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from rm_research.core.config import DEFAULT_LOCK_TIMEOUT_S, LOCK_TIMEOUT_VARIABLE
from rm_research.core.problems import OutputError

#: Test-only fault injection: a run SIGKILLs itself at the step this variable names (see ``checkpoint``).
DIE_AT_VARIABLE = "RM_RESEARCH_TEST_DIE_AT"
STAGING_PREFIX = ".rm-staging-"
JOURNAL_VERSION = 1


def checkpoint(step: str) -> None:
    """Die here, as ``kill -9`` would kill us, if ``RM_RESEARCH_TEST_DIE_AT`` names ``step``.

    Steps: ``prepared`` (a staging folder made), ``staged`` (files written and flushed),
    ``commit-record-written`` (journal written, not yet renamed into place), ``committed``,
    ``op-<k>`` (after the k-th move or removal, counted from 1), ``ops-done``, ``cleaned``
    (staging folders removed, journal not yet). Lets tests interrupt a commit at every step.
    """
    if os.environ.get(DIE_AT_VARIABLE) == step:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def output_error(error: OSError, folder: Path, *, partly: bool = False) -> OutputError:
    """``error`` as a message for whoever ran the command: which folder, what went wrong, what to do."""
    reason = error.strerror or str(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        what, todo = "the disk is full (or your disk quota is used up)", "free some space on that disk"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        what = f"the folder is read-only or you do not have permission to write there ({reason})"
        todo = f"ask for write access to {folder}, or work in a copy of the project in a folder you can write to"
    elif error.errno in (errno.ENOTDIR, errno.EEXIST, errno.EISDIR):
        what, todo = f"a file or folder is in the way ({reason})", "move it out of the way"
    else:
        what, todo = reason, "fix the problem"
    kept = ("The outputs were only partly replaced; the next run will finish replacing them."
            if partly else "Earlier outputs were left as they were.")
    return OutputError(f"Could not write the outputs in {folder}: {what}. {kept} Please {todo}, "
                       "then run the command again.")


def _to_stderr(message: str) -> None:
    print(f"rm-research: {message}", file=sys.stderr, flush=True)


def _fsync_path(path: Path) -> None:
    """Flush a file's or a folder's entries to disk (folders cannot be flushed on Windows)."""
    if path.is_dir() and os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, text: str, before_rename: str | None = None) -> None:
    """Replace ``path`` by a flushed file holding ``text``, in one rename (the umask sets its mode). A
    temporary file left by an interrupted run is removed first, never written into: it may be a hard link
    to a live file (``run.publication``'s shadow links every file of the public site)."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    if before_rename:
        checkpoint(before_rename)
    os.replace(temporary, path)


@dataclass
class Journal:
    """What the next run must know to finish or undo this run: paths relative to the journal's folder,
    so that a project moved between two runs still recovers."""

    path: Path
    committed: bool = False
    staging: list[Path] = field(default_factory=list)
    created: list[Path] = field(default_factory=list)
    moves: list[tuple[Path, Path]] = field(default_factory=list)
    removals: list[Path] = field(default_factory=list)

    def _relative(self, path: Path) -> str:
        return os.path.relpath(path, self.path.parent)

    def _absolute(self, text: str) -> Path:
        return Path(os.path.normpath(self.path.parent / text))

    def save(self, before_rename: str | None = None) -> None:
        """Write the journal atomically (``before_rename``: the ``checkpoint`` step just before its rename)."""
        record = {
            "version": JOURNAL_VERSION,
            "state": "committed" if self.committed else "staging",
            "staging": [self._relative(p) for p in self.staging],
            "created": [self._relative(p) for p in self.created],
            "moves": [[self._relative(a), self._relative(b)] for a, b in self.moves],
            "removals": [self._relative(p) for p in self.removals],
        }
        write_atomically(self.path, json.dumps(record, indent=1), before_rename)

    @classmethod
    def load(cls, path: Path) -> Journal:
        """The journal written at ``path`` (``OutputError`` when it is damaged)."""
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            journal = cls(path, committed=record["state"] == "committed")
            journal.staging = [journal._absolute(p) for p in record["staging"]]
            journal.created = [journal._absolute(p) for p in record["created"]]
            journal.moves = [(journal._absolute(a), journal._absolute(b)) for a, b in record["moves"]]
            journal.removals = [journal._absolute(p) for p in record["removals"]]
        except (ValueError, KeyError, TypeError) as error:
            raise OutputError(
                f"The record of an interrupted run, {path}, is damaged (it was edited, or the disk failed), so "
                f"its outputs cannot be checked. Please delete {path} and any hidden folders named "
                f"'{STAGING_PREFIX}...' in the output folders, then run the command again.") from error
        return journal

    def apply(self) -> None:
        """Roll a committed set forward: every move and removal not yet done, then clean up. Idempotent."""
        for k, (staged, destination) in enumerate(self.moves, start=1):
            if staged.exists():  # else moved already, by the interrupted run
                os.replace(staged, destination)
            checkpoint(f"op-{k}")
        for k, destination in enumerate(self.removals, start=len(self.moves) + 1):
            destination.unlink(missing_ok=True)
            checkpoint(f"op-{k}")
        for folder in {d.parent for _, d in self.moves} | {d.parent for d in self.removals}:
            _fsync_path(folder)
        checkpoint("ops-done")
        self.discard()

    def discard(self) -> None:
        """Remove the staging folders, the folders made only for this run if still empty, and the journal."""
        for stage in self.staging:
            if stage.exists():
                shutil.rmtree(stage)
        for folder in sorted(self.created, key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty: a folder someone has written in since stays
        checkpoint("cleaned")
        self.path.with_name(self.path.name + ".tmp").unlink(missing_ok=True)
        self.path.unlink(missing_ok=True)


def recover(journal_path: Path) -> None:
    """Finish (committed) or undo (not committed) the run that last wrote ``journal_path``, if it was interrupted."""
    journal_path.with_name(journal_path.name + ".tmp").unlink(missing_ok=True)
    if not journal_path.exists():
        return
    journal = Journal.load(journal_path)
    try:
        journal.apply() if journal.committed else journal.discard()
    except OSError as error:
        raise output_error(error, Path(os.fsdecode(error.filename)).parent if error.filename else journal_path.parent,
                           partly=journal.committed) from error


def remove_legacy_staging(folder: Path) -> None:
    """Clear the hidden ``.<folder>-new-*`` and ``.<folder>-old-*`` copies that the earlier whole-folder
    swap left beside ``folder`` when killed. Where ``folder`` itself went missing, the newest old copy
    is put back first: it is the only copy of the earlier outputs. Call under the outputs' lock."""
    parent = folder.parent
    if not parent.is_dir():
        return
    olds = sorted(parent.glob(f".{folder.name}-old-*"), key=lambda p: p.stat().st_mtime)
    if olds and not folder.exists():
        os.replace(olds.pop(), folder)
    for leftover in [*olds, *parent.glob(f".{folder.name}-new-*")]:
        shutil.rmtree(leftover)


@dataclass
class Staging:
    """Where a run writes the new versions of its files before they replace the old ones together."""

    journal: Journal
    name: str
    folders: dict[Path, Path] = field(default_factory=dict)  # destination folder -> its staging folder
    staged: dict[Path, Path] = field(default_factory=dict)  # destination -> staged file
    last_folder: Path | None = None

    def _folder(self, folder: Path) -> Path:
        """The staging folder inside ``folder`` (created, with ``folder``, on first use)."""
        if folder in self.folders:
            return self.folders[folder]
        missing = [f for f in (folder, *folder.parents) if not f.exists()]
        folder.mkdir(parents=True, exist_ok=True)
        stage = folder / f"{STAGING_PREFIX}{self.name}"
        self.journal.staging.append(stage)
        self.journal.created += missing
        self.journal.save()  # before the staging folder exists, so that it can never be orphaned
        _fsync_path(self.journal.path.parent)
        if stage.exists():  # left by a run whose journal was deleted by hand
            shutil.rmtree(stage)
        os.mkdir(stage)
        checkpoint("prepared")
        self.folders[folder] = stage
        return stage

    def path(self, destination: Path) -> Path:
        """Where to write the new ``destination``; it replaces ``destination`` when the run commits."""
        destination = Path(destination).absolute()
        self.last_folder = destination.parent
        if destination.is_dir():
            raise OutputError(f"Could not write {destination}: a folder of that name is in the way. Earlier "
                              "outputs were left as they were. Please move or rename that folder, then run the "
                              "command again.")
        staged = self._folder(destination.parent) / destination.name
        self.staged[destination] = staged
        return staged

    def remove(self, destination: Path) -> None:
        """Remove ``destination`` (if it exists) when the run commits, together with the replacements."""
        destination = Path(destination).absolute()
        if destination.is_file() and destination not in self.journal.removals:
            self.journal.removals.append(destination)

    def commit(self) -> None:
        """Flush the staged files, write the commit record, then move everything into place."""
        if not self.staged and not self.journal.removals and not self.folders:
            return
        self.journal.moves = [(s, d) for d, s in self.staged.items() if s.is_file()]  # a path never written is skipped
        self.journal.removals = [d for d in self.journal.removals if d not in self.staged]
        for staged, _ in self.journal.moves:
            _fsync_path(staged)
        for stage in self.folders.values():
            _fsync_path(stage)
        checkpoint("staged")
        self.journal.committed = True
        try:
            self.journal.save(before_rename="commit-record-written")
        except BaseException:  # the rename did not happen: not committed
            self.journal.committed = False
            raise
        _fsync_path(self.journal.path.parent)  # the commit point, made durable
        checkpoint("committed")
        self.journal.apply()


def _discard_quietly(staging: Staging) -> None:
    """Undo an uncommitted run without hiding why it failed; what cannot be removed now, the next run removes."""
    with contextlib.suppress(OSError):
        staging.journal.discard()


def _failed_folder(error: OSError, staging: Staging) -> Path:
    """The destination folder an ``OSError`` is about: its file's, else the folder last written to."""
    if error.filename:
        failed = Path(os.fsdecode(error.filename)).absolute()
        for folder, stage in staging.folders.items():
            if failed == stage or stage in failed.parents:
                return folder
        return failed.parent
    return staging.last_folder or staging.journal.path.parent


@dataclass(frozen=True)
class Outputs:
    """A held lock on one set of outputs; ``replacing()`` stages and commits one change to them."""

    lock_file: Path

    @property
    def name(self) -> str:
        """The lock's name: ``cohort-1`` for ``.cohort-1.lock``."""
        return self.lock_file.name.removeprefix(".").removesuffix(".lock")

    @property
    def journal_path(self) -> Path:
        """The run's journal beside the lock: ``.cohort-1.journal`` for ``.cohort-1.lock``."""
        return self.lock_file.with_name(f".{self.name}.journal")

    @contextlib.contextmanager
    def replacing(self) -> Iterator[Staging]:
        """Stage new files in the block; they replace the old ones together when it ends without error.

        Any ``OSError`` in the block is taken to be about writing outputs and becomes an ``OutputError``;
        whatever the error, nothing staged reaches the destinations.
        """
        staging = Staging(Journal(self.journal_path), self.name)
        try:
            yield staging
        except BaseException as error:
            _discard_quietly(staging)
            if isinstance(error, OSError):
                raise output_error(error, _failed_folder(error, staging)) from error
            raise
        try:
            staging.commit()
        except OSError as error:
            if not staging.journal.committed:
                _discard_quietly(staging)
            raise output_error(error, _failed_folder(error, staging), partly=staging.journal.committed) from error


@contextlib.contextmanager
def locked(lock_file: Path, *, timeout: float = DEFAULT_LOCK_TIMEOUT_S,
           notify: Callable[[str], None] = _to_stderr) -> Iterator[Outputs]:
    """Hold ``lock_file`` (waiting for another run, and saying so through ``notify``), recover the outputs
    the last run left unfinished, and yield them for ``Outputs.replacing``.

    ``timeout`` is in seconds (a run passes its ``Settings.lock_timeout_s``); past it, ``OutputError``.
    """
    outputs = Outputs(Path(lock_file).absolute())
    wait = timeout
    lock = FileLock(outputs.lock_file)
    try:
        outputs.lock_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            lock.acquire(blocking=False)
        except Timeout:
            notify(f"another run is writing these outputs (it holds {outputs.lock_file}); "
                   f"waiting for it to finish, for up to {wait:g} s")
            lock.acquire(timeout=wait)
    except Timeout as error:  # a TimeoutError, so an OSError: caught first
        raise OutputError(
            f"Another run is still writing these outputs after {wait:g} s of waiting (it holds "
            f"{outputs.lock_file}). Nothing was written. Please let it finish and run the command again, or "
            f"set {LOCK_TIMEOUT_VARIABLE} to wait longer (in seconds).") from error
    except OSError as error:
        raise output_error(error, outputs.lock_file.parent) from error
    try:
        recover(outputs.journal_path)
        yield outputs
    finally:
        lock.release()
