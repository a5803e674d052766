"""Handing what a command computed to the notebook that renders it, so it is computed once.

``rm-research report`` validates the cohort and computes its findings before it runs the report
notebook; without a hand-off the notebook's kernel would validate and compute them all over again
(and a region's or the nation's notebook would load every cohort again). The command writes what it
computed to a file in a private temporary folder (``save``) and passes the file's path to the
notebook as its ``state`` parameter; the notebook reads it back (``load``). Run by hand (from
JupyterLab, or papermill without ``state``), the notebook computes everything itself, as before.

The file is a pickle: it is written by this same process for a kernel of the same environment, in
a folder only this user can read (``tempfile.TemporaryDirectory`` is created with mode 0700), and it
is deleted when the command ends. ``load`` refuses a file written by another version of the package,
because a pickle of one version's classes is not a promise about another's.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from . import __version__

FILE_NAME = "state.pickle"


def save(folder: Path, **objects: Any) -> Path:
    """Write ``objects`` to ``folder/state.pickle`` (the folder a private temporary one); its path."""
    path = Path(folder) / FILE_NAME
    with path.open("wb") as file:
        pickle.dump({"version": __version__, "objects": objects}, file, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def load(path: str | Path) -> dict[str, Any]:
    """The objects ``save`` wrote to ``path``. Raises ``ValueError`` for a file from another version."""
    with Path(path).open("rb") as file:
        held = pickle.load(file)  # written by the command that started this kernel (module docstring)
    if not isinstance(held, dict) or held.get("version") != __version__:
        raise ValueError(f"{path} was not written by rm-research {__version__}; run the notebook without 'state'")
    return held["objects"]
