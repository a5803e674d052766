"""Executing the report notebook with papermill and rendering it to one offline HTML file.

Both run as libraries in this process: starting the papermill and nbconvert command-line tools
costs seconds of imports each time (see shared/style-anchors.md).
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

# jsonschema imports rfc3987_syntax only to check the "iri" string format, which no notebook
# schema uses; compiling its grammar costs about 1.5 s per process. A None entry makes that
# optional import fail fast, so jsonschema skips the one checker (and nothing else changes).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import nbformat  # noqa: E402
import papermill  # noqa: E402
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel  # noqa: E402
from nbconvert import HTMLExporter  # noqa: E402

from . import config  # noqa: E402

NOTEBOOK = Path("notebooks") / "report.ipynb"
PUBLIC_NOTEBOOK = Path("notebooks") / "report_public.ipynb"
#: Executed notebooks must draw inline even where MPLBACKEND=Agg (common in CI) is set.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def check_kernel(name: str = config.KERNEL_NAME) -> None:
    """Fail early, and say how to fix it, if the project's Jupyter kernel is not registered."""
    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel as error:
        raise RuntimeError(
            f"the Jupyter kernel {name!r} is not registered; run 'make setup' (or "
            f"'python -m ipykernel install --sys-prefix --name {name}') in the project's environment"
        ) from error


def execute_notebook(root: Path, region: str, cohort: int, psych_offered: int = config.PSYCH_SESSIONS_OFFERED,
                     kernel_name: str = config.KERNEL_NAME, notebook: Path = NOTEBOOK) -> nbformat.NotebookNode:
    """Run a report notebook for one cohort and return the executed notebook (not saved)."""
    check_kernel(kernel_name)
    previous = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = INLINE_BACKEND  # the kernel inherits this process's environment
    try:
        return papermill.execute_notebook(
            str(root / notebook), None,
            parameters={"region": region, "cohort": cohort, "psych_offered": psych_offered, "root": str(root)},
            kernel_name=kernel_name, language="python", progress_bar=False, cwd=str(root / "notebooks"),
        )
    finally:
        if previous is None:
            del os.environ["MPLBACKEND"]
        else:
            os.environ["MPLBACKEND"] = previous


def render_html(notebook: nbformat.NotebookNode, title: str) -> str:
    """The executed notebook as one self-contained HTML page: no code, no external scripts."""
    templates = resources.files("rm_research").joinpath("templates")
    exporter = HTMLExporter(
        extra_template_basedirs=[str(templates)], template_name="offline",
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True, embed_images=True,
    )
    notebook.metadata["title"] = title
    body, _ = exporter.from_notebook_node(notebook)
    return body
