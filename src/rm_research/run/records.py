"""What each set of outputs was made from, so that ``make reports`` rebuilds only what changed.

- **Keys** (``input_key``): a SHA-256 over everything a report is made from: the cohort's raw files
  (``programme.toml`` among them) and its region's ``columns.toml``, the package's code, templates and
  notebooks, ``requirements.lock`` and the run's settings. A region or national key is made from the
  keys of the cohorts it pools, so it changes when any of them does.
- **Records** (``Record``): beside each set of outputs, ``.<kind>-inputs.json`` holds the key the
  outputs were made from and the SHA-256 of each output file. A report is "unchanged" only when its
  key matches *and* its outputs are still the files recorded, so a record can never vouch for outputs
  that another command, a person or a killed run has since replaced. The record is staged with the
  outputs (``stage_record``), in the same all-or-nothing set.

Imports nothing heavy: deciding that nothing changed must take well under a second.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from rm_research.core.paths import CohortId

#: Files of the package that make up its code (``__pycache__`` and compiled files are not code).
CODE_SUFFIXES: Final = frozenset({".py", ".ipynb", ".j2", ".json", ".csv", ".css", ".toml", ".tpl"})


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, in hexadecimal."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def folder_digests(folder: Path, suffixes: Iterable[str] | None = None, recursive: bool = False) -> dict[str, str]:
    """``{relative path: SHA-256}`` of the files in ``folder`` (only those ending in ``suffixes`` when
    given; ``__pycache__`` and hidden files never), empty when there is no such folder."""
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
            digests[relative.as_posix()] = file_digest(path)
    return dict(sorted(digests.items()))


def package_folder() -> Path:
    """The folder of the installed ``rm_research`` package (its code, notebooks, templates and published
    figures)."""
    return Path(__file__).resolve().parents[1]


def code_digests(root: Path, package: Path | None = None) -> dict[str, dict[str, str]]:
    """What every report shares: the package's code, templates and report notebooks (``package``,
    default the installed one) and the project's locked versions."""
    lock = Path(root) / "requirements.lock"
    return {
        "package": folder_digests(package or package_folder(), CODE_SUFFIXES, recursive=True),
        "requirements.lock": {"requirements.lock": file_digest(lock)} if lock.is_file() else {},
    }


def cohort_digests(root: Path, cohort: CohortId) -> dict[str, str]:
    """Every file in the cohort's raw folder (``programme.toml`` included: ignored files too, which
    ``validate`` lists), and the region's ``columns.toml``, which maps headers for all its cohorts, and
    ``region.toml``, which names the region."""
    paths = cohort.paths(Path(root))
    digests = folder_digests(paths.raw)
    for shared in ("columns.toml", "region.toml"):  # the region's header mapping and its name in words
        if (paths.raw.parent / shared).is_file():
            digests[f"../{shared}"] = file_digest(paths.raw.parent / shared)
    return digests


def input_key(*parts: object) -> str:
    """SHA-256 over ``parts`` (JSON-serialisable: digests, settings, member keys), in hexadecimal."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cohort_key(root: Path, cohort: CohortId, code: Mapping[str, object], settings: Mapping[str, object]) -> str:
    """The key of one cohort's report: its raw files, the shared code and the run's settings."""
    return input_key("cohort", cohort.region, cohort.cohort, cohort_digests(root, cohort), code, dict(settings))


def level_key(level: str, members: Mapping[CohortId, str], code: Mapping[str, object],
              settings: Mapping[str, object]) -> str:
    """The key of a region's (or the national) report: the keys of the cohorts it pools, the code, the settings."""
    pooled = [[c.region, c.cohort, key] for c, key in sorted(members.items())]
    return input_key("level", level, pooled, code, dict(settings))


@dataclass(frozen=True)
class Record:
    """What a set of outputs was made from: ``key`` and the SHA-256 of each output (paths relative to root)."""

    key: str
    outputs: Mapping[str, str]

    @staticmethod
    def path(folder: Path, kind: str) -> Path:
        """The record of ``kind`` (``report`` or ``publish``) outputs in ``folder``."""
        return folder / f".{kind}-inputs.json"

    @classmethod
    def read(cls, folder: Path, kind: str) -> Record | None:
        """The record in ``folder``, or None when there is none or it cannot be read."""
        try:
            data = json.loads(cls.path(folder, kind).read_text(encoding="utf-8"))
            return cls(str(data["key"]), {str(k): str(v) for k, v in data["outputs"].items()})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def holds(self, root: Path) -> bool:
        """True when every recorded output is still there, byte for byte."""
        for relative, digest in self.outputs.items():
            path = Path(root) / relative
            try:
                if file_digest(path) != digest:
                    return False
            except OSError:
                return False
        return bool(self.outputs)

    def write(self, folder: Path, kind: str) -> None:
        """Write the record atomically (a flushed temporary file renamed into place)."""
        target = self.path(folder, kind)
        temporary = target.with_name(target.name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump({"key": self.key, "outputs": dict(self.outputs)}, file, indent=1, sort_keys=True)
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
    digests = {Path(d).relative_to(root).as_posix(): file_digest(Path(s)) for d, s in sorted(staging.staged.items())
               if Path(s).is_file()}
    Record(key, digests).write(Path(staging.path(target)).parent, kind)


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
