"""Fresh Jupyter kernels that start with the report's libraries already imported.

A report notebook spends most of its kernel's life importing pandas, scipy, statsmodels, seaborn
and the package (about 2 s of CPU per notebook), and ``rm-research reports`` runs a notebook for
every cohort, region and the nation. So, on POSIX systems, kernels are started from a *kernel
server*: one small process per run (``python -m rm_research.render.kernels``) that imports those libraries
once, in the background while the command validates the data, then waits. For each notebook it
forks one child, which becomes an ordinary IPython kernel (``IPKernelApp``) with its own process,
session, namespace and connection file. The server never runs notebook code, so every kernel starts
in the state of a new kernel that has just imported the libraries: a fresh kernel, minus the wait.

The server reads one request a line on its stdin and answers with the child's pid on its stdout;
it exits when its stdin closes (the command ended or died), and each kernel exits when the server
does (ipykernel's parent poller), so nothing outlives the command. Kernels are forked only where
the kernel spec would start this same Python, never on Windows, and not when
``RM_RESEARCH_FORK_KERNELS=0`` (the run's ``Settings.fork_kernels``); otherwise ``jupyter_client``
starts the kernel as usual. This module imports nothing heavy, so the command can start the server before anything else.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from functools import cache
from pathlib import Path

#: Imported once by the server: what the report notebooks import.
PRELOAD = ("ipykernel.kernelapp", "IPython.display", "rm_research.render.handoff", "rm_research.report.figures",
           "rm_research.report.tables", "rm_research.report.narrative", "rm_research.report.summary",
           "rm_research.report.descriptive", "rm_research.report.themes", "rm_research.core.provenance",
           "rm_research.findings.registry", "rm_research.findings.verify", "rm_research.disclosure.control",
           "rm_research.disclosure.quotes", "rm_research.findings.level", "rm_research.stats.meta")
#: Executed notebooks must draw inline even where MPLBACKEND=Agg (common in CI) is set.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def enabled(wanted: bool = True) -> bool:
    """Whether kernels are forked: where ``wanted`` (the run's ``Settings.fork_kernels``: yes unless
    ``RM_RESEARCH_FORK_KERNELS`` is 0, false or no) and the system can fork (POSIX)."""
    return wanted and os.name == "posix" and hasattr(os, "fork")


def same_interpreter(argv: list[str]) -> bool:
    """True when a kernel spec's command starts this very Python's ipykernel (so a forked kernel is that kernel)."""
    if not argv:
        return False
    try:
        return Path(argv[0]).resolve() == Path(sys.executable).resolve() and "ipykernel_launcher" in argv
    except OSError:
        return False


class KernelServer:
    """The client side: the server process and one request at a time (a lock: threads may share it)."""

    def __init__(self) -> None:
        environ = {**os.environ, "MPLBACKEND": INLINE_BACKEND}  # matplotlib reads it when the server imports it
        self.process = subprocess.Popen([sys.executable, "-m", "rm_research.render.kernels"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=environ, close_fds=True, start_new_session=True)
        self.lock = threading.Lock()
        self.forked = False
        atexit.register(self.close)

    def close(self, timeout: float = 2.0) -> None:
        """Close the server's stdin (so it exits, and its kernels with it) and wait for it briefly. A
        server that never forked a kernel (the data were refused) is stopped at once: it may still be
        importing, and would read its closed stdin only when done, seconds later."""
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None and not stream.closed:
                stream.close()
        if not self.forked and self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def fork(self, connection_file: str, output: str, environ: Mapping[str, str]) -> int:
        """Ask for a kernel on ``connection_file`` writing its log lines to ``output``; its pid."""
        request = {"connection_file": connection_file, "output": output, "env": dict(environ)}
        with self.lock:
            assert self.process.stdin is not None and self.process.stdout is not None
            self.forked = True
            self.process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError(f"the kernel server stopped (exit status {self.process.poll()})")
        return int(json.loads(answer)["pid"])


@cache
def server() -> KernelServer:
    """This process's kernel server, started on first call."""
    return KernelServer()


def start_preloading(wanted: bool = True) -> None:
    """Start the kernel server now (where kernels are forked: ``enabled``), so that its imports overlap
    whatever this process does next."""
    if enabled(wanted):
        server()


class ForkedKernel:
    """A forked kernel, with the part of ``subprocess.Popen`` that ``jupyter_client`` uses. It is the
    server's child (the server reaps it), so its exit status is not known here: 0 once it is gone."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """The exit status (0) once the kernel is gone, else None, as ``Popen.poll``."""
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:  # the pid was reused by someone else's process: ours is gone
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait until the kernel is gone (``TimeoutExpired`` after ``timeout`` seconds), as ``Popen.wait``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """Send ``signum`` to the kernel unless it is gone already."""
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        """Stop the kernel with SIGKILL, as ``Popen.kill``."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """Ask the kernel to stop with SIGTERM, as ``Popen.terminate``."""
        self.send_signal(signal.SIGTERM)


def fork_kernel(connection_file: str, output: str, environ: Mapping[str, str]) -> ForkedKernel:
    """A new kernel forked from this process's kernel server."""
    return ForkedKernel(server().fork(connection_file, output, environ))


# ------------------------------------------------------------------------------------- the server


def _kernel(request: dict[str, object], server_pid: int) -> None:
    """In the forked child: its own session, environment and output, then the IPython kernel."""
    os.setsid()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in dict(request["env"]).items()})  # type: ignore[call-overload]
    descriptor = os.open(str(request["output"]), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(descriptor, 1)
    os.dup2(descriptor, 2)
    from ipykernel.kernelapp import IPKernelApp

    # Its parent poller ends the kernel when the server ends (so when the command ends or dies).
    # No input history database: a report never reads it, and parallel kernels would queue on its lock.
    # --matplotlib=inline: the server chose pyplot's backend outside IPython (warm_up), so the backend's
    # own hook into IPython never ran; this hooks it into this kernel's display, as a new kernel would.
    IPKernelApp.launch_instance(argv=["-f", str(request["connection_file"]), "--matplotlib=inline",
                                      f"--IPKernelApp.parent_handle={server_pid}", "--HistoryManager.enabled=False"])


def warm_up() -> None:
    """Do once, in the server, the first-use work every kernel would otherwise repeat: pyplot choosing
    its backend, matplotlib loading its fonts and renderers on the first figure it draws as SVG (as
    ``figures`` draws the report's), and pandas compiling the Styler's templates on the first table it
    renders (``tables.styled``). The figure is closed; the kernel hooks the inline backend into its
    display itself (``--matplotlib=inline`` in ``_kernel``), as the backend was chosen outside IPython."""
    import matplotlib.pyplot as plt
    import pandas as pd

    from rm_research.report import figures, tables

    counts = pd.DataFrame({"category": ["a", "b"], "role": ["mentor", "mentee"], "count": [1, 2], "n": [2, 2]})
    chart = figures.category_chart(counts, "warm-up")
    figures.svg_text(chart.figure)
    plt.close(chart.figure)
    tables.styled(counts).to_html()


def serve() -> None:
    """The server: import ``PRELOAD`` and warm up, then fork a kernel for each request line until stdin closes."""
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    warm_up()
    # What the server imported lives as long as every kernel: frozen, a kernel's garbage collections
    # skip it, and do not write to (so copy) the memory pages it shares with the server (gc.freeze's
    # documented use before fork).
    gc.freeze()
    # Each kernel is reaped here as it ends, not by the system (SIG_IGN): so its CPU time counts in the
    # server's children's, and through the command's workers in the command's (make benchmark reads it).
    signal.signal(signal.SIGCHLD, _reap)
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _kernel(request, os.getppid())
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
            except BaseException:
                import traceback

                traceback.print_exc()  # into the kernel's output, which the command logs
                code = 1
            finally:
                os._exit(code)
        answers.write(json.dumps({"pid": pid}).encode("utf-8") + b"\n")
        answers.flush()
    _reap(signal.SIGCHLD, None)  # the kernels that ended since the last signal


def _reap(signum: int, frame: object) -> None:
    """Collect every kernel that has ended (a SIGCHLD handler: one signal may stand for several)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:  # no child left
            return
        if pid == 0:  # the others are running
            return


if __name__ == "__main__":
    serve()
