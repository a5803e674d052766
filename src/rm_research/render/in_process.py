"""A papermill engine that runs the package's own report notebooks in the command's own process.

A Jupyter kernel costs a report almost a second of CPU that draws nothing (a cohort's report: 2.9 s in a
kernel, 2.05 s here): starting the kernel (forked ready-made, ``kernels``), the ZeroMQ round trip of
every output, and writing then reading back the pickle that hands the kernel what the command
computed (``handoff``). ``make reports`` and ``make publish-all`` render two pages for every cohort,
so at the size of the NHS (about 1,000 cohorts) that is about a quarter of an hour of a two-core
machine. The report notebooks are the package's own code, thin (one ``page.show(...)`` a cell), and
run with parameters the command wrote; so they are run here, by papermill, through this engine:
papermill still injects the parameters and records each cell, and the executed notebook (outputs,
errors and metadata) is the one a kernel would give, rendered by the same ``render_html``. Notebooks
that are not the package's (an exploratory notebook by path) still run in a kernel, as does every
notebook where ``RM_RESEARCH_IN_PROCESS=0`` (``Settings.in_process``).

Each notebook gets a fresh namespace, as a fresh kernel would; what a kernel would have sent as a
display message is captured from IPython's display publisher (``IPython.utils.capture``), and text
printed to stdout or stderr becomes a stream output. Figures are drawn with matplotlib's Agg
backend, as in the kernel: the report closes every figure it shows (``report.figures.show``).

Written here because papermill ships no in-process engine (its engines are kernel clients) and
nbclient needs a kernel; IPython's own ``InteractiveShell.run_cell`` would add history, prompts and
traceback colouring that a report never shows.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import os
import traceback
from pathlib import Path
from typing import Any

import nbformat
from papermill.engines import Engine, papermill_engines

#: The name papermill knows the engine by (``papermill.execute_notebook(..., engine_name=ENGINE)``).
ENGINE = "rm-research-in-process"


def _shell() -> Any:
    """IPython's shell for this process, made once, with no history database (a report never reads
    it, and parallel workers would queue on its lock): ``IPython.display.display`` publishes through it."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    if InteractiveShell.initialized():
        return InteractiveShell.instance()
    config = Config()
    config.HistoryManager.enabled = False
    return InteractiveShell.instance(config=config)


def _use_agg() -> None:
    """Draw with Agg, as the report's kernel draws (its inline backend is Agg underneath); a figure
    the report leaves open is then never shown anywhere."""
    import matplotlib.pyplot as plt

    if plt.get_backend().lower() != "agg":
        plt.switch_backend("agg")


def _output(output_type: str, **fields: Any) -> nbformat.NotebookNode:
    """One output as a kernel would have sent it (``nbformat.v4.new_output`` less its schema check per
    output: a page has hundreds, and the executed notebook is rendered, never saved)."""
    return nbformat.from_dict({"output_type": output_type, **fields})


def _outputs(captured: Any) -> list[nbformat.NotebookNode]:
    """The outputs a kernel would have sent for what ``captured`` (an ``IPython.utils.capture.CapturedIO``) holds."""
    found = [_output("stream", name=name, text=text)
             for name, text in (("stdout", captured.stdout), ("stderr", captured.stderr)) if text]
    found += [_output("display_data", data=output.data, metadata=output.metadata or {}) for output in captured.outputs]
    return found


def _run_cell(source: str, namespace: dict[str, Any], number: int) -> Any:
    """Run one cell's ``source`` in ``namespace``; the value of its last line, as a kernel would show it
    (``None`` when the last line is a statement or its value is ``None``)."""
    tree = ast.parse(source, filename=f"<cell {number}>")
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, f"<cell {number}>", "exec"), namespace)
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), f"<cell {number}>", "eval"), namespace)


class InProcessEngine(Engine):
    """Papermill's engine for running a notebook in this process (module docstring)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, cwd: str | None = None,
                                 **kwargs: Any) -> None:
        """Run every code cell of ``nb_man.nb`` in one fresh namespace, in order, in the folder ``cwd``,
        recording outputs and papermill's cell metadata; the first cell that raises gets the error
        output and ends the run (papermill then raises ``PapermillExecutionError``, as with a kernel)."""
        from IPython.utils.capture import capture_output

        shell = _shell()
        _use_agg()
        namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
        count = 0
        with contextlib.chdir(Path(cwd) if cwd else Path(os.getcwd())):
            for index, cell in enumerate(nb_man.nb.cells):
                if cell.cell_type != "code":
                    continue
                nb_man.cell_start(cell, index)
                count += 1
                cell.execution_count = count
                failed = None
                with capture_output(stdout=True, stderr=True, display=True) as captured:
                    try:
                        value = _run_cell(cell.source, namespace, count)
                        if value is not None:
                            data, metadata = shell.display_formatter.format(value)
                    except Exception as error:  # the notebook's error, recorded as a kernel records it
                        failed, value = error, None
                cell.outputs = _outputs(captured)
                if value is not None:
                    cell.outputs.append(_output("execute_result", data=data, metadata=metadata, execution_count=count))
                if failed is not None:
                    cell.outputs.append(_output("error", ename=type(failed).__name__, evalue=str(failed),
                                                traceback=traceback.format_exception(failed)))
                    nb_man.cell_exception(cell, index)
                    nb_man.cell_complete(cell, index)
                    return
                nb_man.cell_complete(cell, index)


papermill_engines.register(ENGINE, InProcessEngine)
