"""Executing the report notebook with papermill and rendering it to one offline HTML file.

Both run as libraries in this process: starting the papermill and nbconvert command-line tools
costs seconds of imports each time (see shared/style-anchors.md).

The kernel is a child process that inherits this process's terminal, so its own log lines
(ipykernel's "Kernel is running over TCP without encryption" on every start, and "KeyboardInterrupt
caught in kernel" when shutdown races an interrupt) would reach the evaluator's screen. Cell outputs
and errors travel over ZeroMQ, not through those streams, so the kernel's stdout and stderr are sent
to a temporary file instead and passed to ``logging``: at DEBUG when the notebook ran, at ERROR when
it did not, so that a kernel which fails to start still says why.
"""

from __future__ import annotations

import atexit
import base64
import functools
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
from importlib import resources
from pathlib import Path
from typing import IO, Any

# jsonschema imports rfc3987_syntax only to check the "iri" string format, which no notebook
# schema uses; compiling its grammar costs about 1.5 s per process. A None entry makes that
# optional import fail fast, so jsonschema skips the one checker (and nothing else changes).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import nbformat  # noqa: E402
import papermill  # noqa: E402
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel  # noqa: E402
from jupyter_client.manager import AsyncKernelManager  # noqa: E402
from nbconvert import HTMLExporter  # noqa: E402

from rm_research.core import config  # noqa: E402
from rm_research.core.problems import OutputError  # noqa: E402
from rm_research.core.safety import active_content, svg_active_content  # noqa: E402
from rm_research.render import kernels  # noqa: E402
from rm_research.render.handoff import NOTEBOOKS  # noqa: E402

#: Executed notebooks must draw inline even where MPLBACKEND=Agg (common in CI) is set.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
log = logging.getLogger(__name__)


class KernelOutputToFile(AsyncKernelManager):
    """A kernel manager that starts the kernel with its stdout and stderr sent to ``output``.

    nbclient starts kernels through ``start_kernel``, whose keywords jupyter_client hands to
    ``subprocess.Popen``; papermill has no option for this, so a subclass (made per run by
    ``run_notebook``) sets them.
    """

    output: IO[bytes] | None = None
    fork: bool = True  # fork the kernel from the preloaded server where it can be (the run's Settings.fork_kernels)

    async def start_kernel(self, **kw: Any) -> None:  # type: ignore[override]
        """Start the kernel with its output sent to ``output`` (over Unix sockets on POSIX)."""
        if self.output is not None:
            kw.setdefault("stdout", self.output)
            kw.setdefault("stderr", self.output)
        if os.name == "posix":
            # Unix sockets named after this kernel's connection file instead of TCP ports: kernels
            # started at the same moment by parallel runs cannot pick the same port (papermill #511).
            self.transport = "ipc"
            self.ip = os.path.join(tempfile.gettempdir(), f"rm-research-{os.getpid()}-{id(self):x}")
        await super().start_kernel(**kw)

    _relay: IO[bytes] | None = None

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        """Fork the kernel from the preloaded server (``kernels``) where it is the same kernel, else launch
        it as jupyter_client does. The forked kernel writes to its output file by name: where ``output``
        has none (an anonymous temporary file), to a named one copied into ``output`` at shutdown."""
        if not (self.output is not None and kernels.enabled(self.fork) and kernels.same_interpreter(kernel_cmd)):
            await super()._async_launch_kernel(kernel_cmd, **kw)
            return
        path = getattr(self.output, "name", None)
        if not isinstance(path, str):
            self._relay = tempfile.NamedTemporaryFile(prefix="rm-research-kernel-", suffix=".log")  # noqa: SIM115
            path = self._relay.name
        assert self.provisioner is not None
        process = kernels.fork_kernel(self.connection_file, path, kw.get("env") or os.environ)
        self.provisioner.process = process  # type: ignore[attr-defined]
        self.provisioner.pid = process.pid  # type: ignore[attr-defined]
        self.provisioner.pgid = None  # type: ignore[attr-defined]
        self._reconcile_connection_info(self.provisioner.connection_info)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        relay, self._relay = self._relay, None
        if relay is not None and self.output is not None:
            with relay:
                relay.seek(0)
                self.output.write(relay.read())


def _pass_on(kernel_output: IO[bytes], level: int) -> None:
    kernel_output.seek(0)
    for line in kernel_output.read().decode("utf-8", errors="replace").splitlines():
        if line.strip():
            log.log(level, "kernel: %s", line)


def notebook_path(name: str) -> Path:
    """The report notebook ``name`` (``NOTEBOOK``, ``LEVEL_NOTEBOOK``, ...) as installed with the package."""
    return Path(str(resources.files("rm_research.render").joinpath(NOTEBOOKS, name)))


def ensure_kernel(name: str = config.KERNEL_NAME) -> None:
    """Make sure the Jupyter kernel called ``name`` runs this very interpreter. ``make setup`` registers
    the project's kernel in its environment; where it is not registered (the package installed from a
    wheel into another environment), or is registered for another interpreter, one that runs this
    interpreter is registered in a private folder for this process only (``JUPYTER_PATH``, searched
    first), so a report renders without any set-up step and with this environment's package."""
    try:
        argv = KernelSpecManager().get_kernel_spec(name).argv
        # the interpreter as this environment names it: a venv's python is a link to the base one
        if argv and os.path.abspath(argv[0]) == os.path.abspath(sys.executable):
            return
    except NoSuchKernel:
        pass  # not registered: registered below, for this run
    # (a kernel of that name for another interpreter, another checkout's say, would run another package)
    from ipykernel.kernelspec import install  # only where the kernel is missing: ipykernel is a dependency

    prefix = tempfile.mkdtemp(prefix="rm-research-kernel-spec-")
    atexit.register(shutil.rmtree, prefix, ignore_errors=True)
    install(kernel_name=name, display_name=name, prefix=prefix)
    shared = os.path.join(prefix, "share", "jupyter")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (shared, os.environ.get("JUPYTER_PATH")) if p)
    log.debug("registered the Jupyter kernel %s for this run in %s", name, shared)


def run_notebook(root: Path, notebook: str | Path, parameters: dict[str, Any],
                 kernel_name: str = config.KERNEL_NAME, fork_kernels: bool = True,
                 in_process: bool = False) -> nbformat.NotebookNode:
    """Run a notebook with ``parameters`` working in the project folder ``root``; the executed notebook
    (not saved). ``notebook``: the name of one of the package's report notebooks (``notebook_path``),
    or the path of another (an exploratory one), relative to ``root``. A report notebook runs in this
    process where ``in_process`` (``render.in_process``); any notebook else runs in a fresh kernel
    (forked with the libraries already imported where ``fork_kernels`` and the system allow:
    ``kernels``), its output logged."""
    root = Path(root)
    path = str(notebook_path(notebook) if isinstance(notebook, str) else root / notebook)
    if in_process and isinstance(notebook, str):
        from rm_research.render.in_process import ENGINE  # registers the engine with papermill

        return papermill.execute_notebook(path, None, parameters=parameters, kernel_name=kernel_name,
                                          language="python", progress_bar=False, cwd=str(root), engine_name=ENGINE)
    ensure_kernel(kernel_name)
    # this process mostly waits while the kernel runs: compile the HTML templates meanwhile (render_html)
    threading.Thread(target=warm_up_rendering, name="rm-research-warm-up", daemon=True).start()
    previous = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = INLINE_BACKEND  # the kernel inherits this process's environment
    level = logging.ERROR
    # A named file: a forked kernel opens it by name.
    with tempfile.NamedTemporaryFile(prefix="rm-research-kernel-", suffix=".log") as kernel_output:
        manager = type("KernelManagerForThisRun", (KernelOutputToFile,), {"output": kernel_output,
                                                                          "fork": fork_kernels})
        try:
            executed = papermill.execute_notebook(
                path, None, parameters=parameters,
                kernel_name=kernel_name, language="python", progress_bar=False, cwd=str(root),
                kernel_manager_class=manager,
            )
            level = logging.DEBUG
            return executed
        finally:
            _pass_on(kernel_output, level)
            _restore_backend(previous)


def _restore_backend(previous: str | None) -> None:
    if previous is None:
        os.environ.pop("MPLBACKEND", None)
    else:
        os.environ["MPLBACKEND"] = previous


def warm_up_rendering() -> None:
    """Render an empty notebook once, so that the first real ``render_html`` finds nbconvert's and
    Jinja's templates compiled (about 0.2 s of a report's time). Errors are left to the real render."""
    try:
        render_html(nbformat.v4.new_notebook(), "warm-up")
    except Exception:  # a warm-up must never fail a report; the real render reports its errors
        log.debug("warming up the HTML rendering failed", exc_info=True)


#: ``html_exporter`` is shared by the threads of a process (``warm_up_rendering`` runs in one), and
#: an exporter registers filters on itself while it converts: one conversion at a time.
_EXPORTING = threading.Lock()


@functools.cache
def html_exporter() -> HTMLExporter:
    """This process's HTML exporter, made once: it compiles its Jinja templates on first use (about
    0.3 s), and ``make reports`` renders many pages in each worker."""
    templates = resources.files("rm_research.render").joinpath("templates")
    return HTMLExporter(
        extra_template_basedirs=[str(templates)], template_name="offline",
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True, embed_images=True,
    )


def render_html(notebook: nbformat.NotebookNode, title: str) -> str:
    """The executed notebook as one self-contained HTML page: no code, no external scripts, the
    report's stylesheet (``templates/offline/report.css``), and table header cells scoped."""
    notebook.metadata["title"] = title
    for number, cell in enumerate(notebook.cells):  # papermill gives the cell it injects a random id
        cell["id"] = f"cell-{number}"
    with _EXPORTING:
        body, _ = html_exporter().from_notebook_node(notebook)
    body = stable_table_ids(scope_table_headers(blank_headers_as_cells(body)))
    # escaping failed somewhere: refuse the page rather than write it
    if found := active_content(body) + embedded_svg_content(body):
        raise OutputError("the rendered report holds markup that could run (" + "; ".join(found[:5])
                          + "); nothing was written. Please report this as a bug.")
    return body


#: The id pandas' Styler gives each table: "T_" and five random hexadecimal digits (its ``uuid``),
#: the prefix of every id and style selector of that table.
_STYLER_TABLE = re.compile(r'<table id="T_([0-9a-f]{5})"')


def stable_table_ids(page: str) -> str:
    """``page`` with each Styler table's random id replaced by its place in the page (``T_1``,
    ``T_2``, ...), in its ids and its style rules alike, so that the same inputs give the same bytes.
    A random id is unique in the page; the replacement keeps it unique."""
    numbers = {uuid: f"T_{number}" for number, uuid in enumerate(dict.fromkeys(_STYLER_TABLE.findall(page)), start=1)}
    if not numbers:
        return page
    # one pass over the page for every table (a page holds dozens, and is most of a megabyte)
    ids = re.compile(rf"\bT_({'|'.join(numbers)})(?=[_\s\"{{,:.#>]|$)")
    return ids.sub(lambda found: numbers[found.group(1)], page)


#: A table's sections and its header cells' start tags. Text from the data is escaped before it
#: reaches the page, so a "<th" in the page is always markup (pandas' or Markdown's), never data.
_TABLE_PARTS = re.compile(r"<(/?)(thead)\b[^>]*>|<th(?=[\s>])([^>]*)>", re.IGNORECASE)
_SCOPED = re.compile(r"\sscope\s*=", re.IGNORECASE)


def scope_table_headers(page: str) -> str:
    """``page`` with ``scope="col"`` on the header cells of table heads and ``scope="row"`` on those
    of table bodies (pandas' Styler and Markdown tables write none), so that a screen reader can name
    each cell's headers; header cells that have a scope keep it."""
    in_head = False

    def scoped(match: re.Match[str]) -> str:
        nonlocal in_head
        if match.group(2):
            in_head = not match.group(1)
            return match.group(0)
        attributes = match.group(3)
        if _SCOPED.search(attributes):
            return match.group(0)
        return f'<th scope="{"col" if in_head else "row"}"{attributes}>'

    return _TABLE_PARTS.sub(scoped, page)


_BLANK_HEADER = re.compile(r"<th((?:\s[^>]*)?)>(?:\s|&nbsp;|&#160;|\xa0)*</th>", re.IGNORECASE)


def blank_headers_as_cells(page: str) -> str:
    """``page`` with empty header cells (pandas' Styler writes them above and beside its index) as
    ordinary cells: a header that names nothing only adds silence to what a screen reader announces."""
    return _BLANK_HEADER.sub(r"<td\1></td>", page)


_SVG_IMAGES = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]*)"')


def embedded_svg_content(page: str) -> list[str]:
    """What in the SVG images embedded in ``page`` (``figures.show``) could run or load something
    (``safety.svg_active_content``: ``active_content``'s rules, and ``foreignObject``, which can hold
    HTML). An SVG shown through ``<img>`` runs nothing whatever it holds; this keeps the figures plain
    should one ever be inlined."""
    found = []
    for number, encoded in enumerate(_SVG_IMAGES.findall(page), start=1):
        svg = base64.b64decode(encoded).decode("utf-8", errors="replace")
        found.extend(f"SVG image {number}: {problem}" for problem in svg_active_content(svg))
    return found
