"""What each set of outputs was made from, so that ``make reports`` rebuilds only what changed.

- **Keys** (``input_key``): a SHA-256 over everything a report is made from: the cohort's raw files
  (``programme.toml`` among them) and its region's ``columns.toml``, the package's code, templates and
  notebooks, ``requirements.lock`` and the run's settings. A region or national key is made from the
  keys of the cohorts it pools, so it changes when any of them does.
- **Records** (``Record``): beside each set of outputs, ``.<kind>-inputs.json`` holds the key the
  outputs were made from and the SHA-256 of each output file. A report is "unchanged" only when its
  key matches *and* its outputs are still the files recorded, so a record can never vouch for outputs
  that another command, a person or a killed run has since replaced. The record is staged with the
  outputs (``stage_record``), in the same all-or-nothing set. It also notes each output's size,
  modification time and inode (``FileStat``): a file that still has all three is the file recorded
  (replacing a file gives it a new inode or a new time), so a rerun with nothing changed reads no
  output again (at 1,000 cohorts, 27,000 files); any other file is hashed and compared.

Imports nothing heavy: deciding that nothing changed must take well under a second.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from rm_research.core.paths import CohortId

#: Files of the package that make up its code (``__pycache__`` and compiled files are not code).
CODE_SUFFIXES: Final = frozenset({".py", ".ipynb", ".j2", ".json", ".csv", ".css", ".toml", ".tpl"})


#: A file's size, modification time (ns) and inode: what ``Record.holds`` compares before hashing.
FileStat = tuple[int, int, int]


def file_stat(path: Path) -> FileStat:
    """``path``'s size, modification time in nanoseconds and inode (``OSError`` when it is gone)."""
    found = os.stat(path)
    return found.st_size, found.st_mtime_ns, found.st_ino


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, in hexadecimal."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class InputDigests:
    """The SHA-256 of the inputs (raw files, the package's code), kept between runs in the project's
    ``data/processed/.input-digests.json`` with each file's size, modification and change times and
    inode, so that a rerun reads a file again only where one of them changed: any edit, copy or
    replacement of a file changes its change time (which no tool sets back) or its inode. At 1,000
    cohorts that is 9,000 raw files a command would otherwise read and hash before deciding anything.
    ``digest`` is the one used by ``make_plan``; ``save`` keeps what it learnt (best effort: a read-only
    or missing folder only costs the next run the hashing)."""

    FILE: Final = ".input-digests.json"

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.path = self.root / "data" / "processed" / self.FILE
        try:
            held = json.loads(self.path.read_text(encoding="utf-8"))
            self.known: dict[str, list[object]] = held if isinstance(held, dict) else {}
        except (OSError, ValueError):
            self.known = {}
        self.changed = False

    def digest(self, path: Path) -> str:
        """``path``'s SHA-256: the one kept for it if the file is unchanged since, else read and kept."""
        found = os.stat(path)
        stamp = [found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino]
        name = os.path.abspath(path)
        kept = self.known.get(name)
        if isinstance(kept, list) and len(kept) == 5 and kept[:4] == stamp:
            return str(kept[4])
        digest = file_digest(path)
        self.known[name] = [*stamp, digest]
        self.changed = True
        return digest

    def save(self) -> None:
        """Write what was learnt, atomically, for files that still exist (nothing when nothing changed)."""
        if not self.changed:
            return
        known = {name: kept for name, kept in self.known.items() if Path(name).is_file()}
        temporary = self.path.with_name(f"{self.FILE}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(known, sort_keys=True), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            temporary.unlink(missing_ok=True)


def folder_digests(folder: Path, suffixes: Iterable[str] | None = None, recursive: bool = False,
                   digest: Callable[[Path], str] = file_digest) -> dict[str, str]:
    """``{relative path: SHA-256}`` (by ``digest``) of the files in ``folder`` (only those ending in
    ``suffixes`` when given; ``__pycache__`` and hidden files never), empty when there is no such folder."""
    if not folder.is_dir():
        return {}
    wanted = None if suffixes is None else frozenset(suffixes)
    found = folder.rglob("*") if recursive else folder.iterdir()
    digests = {}
    for path in found:
        relative = path.relative_to(folder)
        if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
            continue
        if path.is_file() and (wanted is None or path.suffix.lower() in wanted):
            digests[relative.as_posix()] = digest(path)
    return dict(sorted(digests.items()))


def package_folder() -> Path:
    """The folder of the installed ``rm_research`` package (its code, notebooks, templates and published
    figures)."""
    return Path(__file__).resolve().parents[1]


def code_digests(root: Path, package: Path | None = None,
                 digest: Callable[[Path], str] = file_digest) -> dict[str, dict[str, str]]:
    """What every report shares: the package's code, templates and report notebooks (``package``,
    default the installed one) and the project's locked versions (each file's SHA-256 by ``digest``)."""
    lock = Path(root) / "requirements.lock"
    return {
        "package": folder_digests(package or package_folder(), CODE_SUFFIXES, recursive=True, digest=digest),
        "requirements.lock": {"requirements.lock": digest(lock)} if lock.is_file() else {},
    }


def cohort_digests(root: Path, cohort: CohortId, digest: Callable[[Path], str] = file_digest) -> dict[str, str]:
    """Every file in the cohort's raw folder (``programme.toml`` included: ignored files too, which
    ``validate`` lists), and the region's ``columns.toml``, which maps headers for all its cohorts, and
    ``region.toml``, which names the region (each file's SHA-256 by ``digest``)."""
    paths = cohort.paths(Path(root))
    digests = folder_digests(paths.raw, digest=digest)
    for shared in ("columns.toml", "region.toml"):  # the region's header mapping and its name in words
        if (paths.raw.parent / shared).is_file():
            digests[f"../{shared}"] = digest(paths.raw.parent / shared)
    return digests


def input_key(*parts: object) -> str:
    """SHA-256 over ``parts`` (JSON-serialisable: digests, settings, member keys), in hexadecimal."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cohort_key(root: Path, cohort: CohortId, code: Mapping[str, object], settings: Mapping[str, object],
               digest: Callable[[Path], str] = file_digest) -> str:
    """The key of one cohort's report: its raw files (by ``digest``), the shared code and the run's settings."""
    return input_key("cohort", cohort.region, cohort.cohort, cohort_digests(root, cohort, digest), code,
                     dict(settings))


def level_key(level: str, members: Mapping[CohortId, str], code: Mapping[str, object],
              settings: Mapping[str, object]) -> str:
    """The key of a region's (or the national) report: the keys of the cohorts it pools, the code, the settings."""
    pooled = [[c.region, c.cohort, key] for c, key in sorted(members.items())]
    return input_key("level", level, pooled, code, dict(settings))


@dataclass(frozen=True)
class Record:
    """What a set of outputs was made from: ``key`` and the SHA-256 of each output (paths relative to
    root), and each output's ``FileStat`` when it was recorded (``stats``; none in older records)."""

    key: str
    outputs: Mapping[str, str]
    stats: Mapping[str, FileStat] = field(default_factory=dict)

    @staticmethod
    def path(folder: Path, kind: str) -> Path:
        """The record of ``kind`` (``report`` or ``publish``) outputs in ``folder``."""
        return folder / f".{kind}-inputs.json"

    @classmethod
    def read(cls, folder: Path, kind: str) -> Record | None:
        """The record in ``folder``, or None when there is none or it cannot be read."""
        try:
            data = json.loads(cls.path(folder, kind).read_text(encoding="utf-8"))
            stats = {str(k): (int(v[0]), int(v[1]), int(v[2])) for k, v in data.get("stats", {}).items()}
            return cls(str(data["key"]), {str(k): str(v) for k, v in data["outputs"].items()}, stats)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def holds(self, root: Path) -> bool:
        """True when every recorded output is still there, byte for byte: the same file (``FileStat``), or
        a file with the recorded SHA-256."""
        for relative, digest in self.outputs.items():
            path = Path(root) / relative
            try:
                if self.stats.get(relative) != file_stat(path) and file_digest(path) != digest:
                    return False
            except OSError:
                return False
        return bool(self.outputs)

    def write(self, folder: Path, kind: str) -> None:
        """Write the record atomically (a flushed temporary file renamed into place)."""
        target = self.path(folder, kind)
        temporary = target.with_name(target.name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as file:
            stats = {relative: list(stat) for relative, stat in self.stats.items()}
            json.dump({"key": self.key, "outputs": dict(self.outputs), "stats": stats}, file, indent=1, sort_keys=True)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)


def stage_record(staging: Any, root: Path, folder: Path, kind: str, key: str | None) -> None:
    """Put the record in the same all-or-nothing set as the outputs (``outputs.Staging``): the key and
    the SHA-256 of every file staged so far, or, with no key (a single-cohort command), the removal of
    any earlier record, so that it can never vouch for outputs that command replaced.

    ``run.cohort.run_report``/``run_publish`` and ``levels.run_level_*`` call it as the last step
    inside ``held.replacing()``.
    """
    target = Record.path(folder, kind)
    if key is None:
        staging.remove(target)
        return
    staged = {Path(d).relative_to(root).as_posix(): Path(s) for d, s in sorted(staging.staged.items())
              if Path(s).is_file()}
    # a staged file is moved into place (os.replace): the same inode, size and time where it lands
    record = Record(key, {relative: file_digest(path) for relative, path in staged.items()},
                    {relative: file_stat(path) for relative, path in staged.items()})
    record.write(Path(staging.path(target)).parent, kind)


def is_unchanged(root: Path, folder: Path, kind: str, key: str) -> bool:
    """True when ``folder``'s outputs of ``kind`` were made from inputs with ``key`` and are still intact."""
    record = Record.read(folder, kind)
    return record is not None and record.key == key and record.holds(root)


#: Beside the reports of a publish-all's scope (``reports/`` for every region, ``reports/<region>/`` for
#: one): the digest of every published unit's record when the cross-level audit last finished.
AUDIT_RECORD: Final = ".cross-level-audit.json"


def published_key(folders: Iterable[Path], root: Path) -> str | None:
    """A digest of the publish records of every unit in ``folders`` (their report folders): the public
    set the cross-level audit would check. None when any has no record (published by hand, or never)."""
    keys = []
    for folder in folders:
        record = Record.read(folder, "publish")
        if record is None:
            return None
        keys.append((folder.relative_to(root).as_posix(), record.key, dict(record.outputs)))
    return hashlib.sha256(json.dumps(sorted(keys), sort_keys=True).encode("utf-8")).hexdigest()


def audited(path: Path) -> str | None:
    """The published set's digest the cross-level audit last finished on (``AUDIT_RECORD`` at ``path``)."""
    try:
        return str(json.loads(path.read_text(encoding="utf-8"))["published"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record_audit(path: Path, published: str) -> None:
    """Say, atomically, that the cross-level audit finished on the published set ``published``."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps({"published": published}) + "\n", encoding="utf-8")
    os.replace(temporary, path)
