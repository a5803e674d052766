"""The one run step every report goes through: a cohort's or a level's, internal or public.

Under the unit's lock (``outputs.locked``, taken by the caller, who also computes the findings):

1. **Render** (``render_page``): what the command computed is handed to the notebook (``handoff``),
   the notebook runs (in this process: ``render.in_process``; else in a fresh kernel), and its output
   becomes one offline HTML page and, for ``--format docx``, the page's Word copy for board papers
   (``render.word``).
2. **Commit** (``commit``): the tables, the page, the Word copy and the record of what they were made
   from (``records.stage_record``) are staged and replace the earlier files all together, or not at
   all (``outputs``); files the unit no longer makes are removed in the same set.

``run.cohort`` and ``run.level`` differ only in what they compute and which files they write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from rm_research.core.config import DEFAULTS, Settings
from rm_research.core.paths import ReportFolder
from rm_research.core.safety import neutralise_formulas
from rm_research.render import handoff
from rm_research.run import outputs
from rm_research.run.records import stage_record
from rm_research.run.site import card_text, with_headline


@dataclass(frozen=True)
class Page:
    """A rendered report: the HTML page and, where asked for, its Word copy."""

    html: str
    docx: bytes | None = None


def render_page(root: Path, notebook: str, parameters: Mapping[str, Any], title: str, private: Path,
                docx: bool = False, settings: Settings = DEFAULTS, **handed: Any) -> Page:
    """Run the report notebook ``notebook`` with ``parameters`` and ``handed`` (what the command computed,
    passed through a file in the private folder ``private``: ``handoff``, with the run's ``settings``), and
    render it as a page titled ``title`` (with its Word copy when ``docx``)."""
    # imported on use: papermill and nbconvert cost seconds, which a run without a page never pays
    from rm_research.render.notebook import render_html, run_notebook

    state = handoff.save(private, in_memory=settings.in_process, settings=settings, png_copies=docx, **handed)
    try:
        executed = run_notebook(root, notebook, {**parameters, "state": str(state)}, in_process=settings.in_process,
                                fork_kernels=settings.fork_kernels)
    finally:
        handoff.release(state)
    html = render_html(executed, title)
    if not docx:
        return Page(html)
    outputs_shown = (output for cell in executed.cells for output in cell.get("outputs", ()))
    return Page(html, word_version(html, title, outputs_shown))


def word_version(page: str, title: str, outputs_shown: Iterable[Mapping[str, Any]] = ()) -> bytes:
    """The rendered ``page`` as a Word document (``render.word``: pandoc), for board papers, its
    figures the PNG copies among the notebook's ``outputs_shown``."""
    from rm_research.render.word import docx_bytes, figure_pngs  # imported on use: pypandoc, for --format docx only

    return docx_bytes(page, title, figure_pngs(outputs_shown))


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """Write ``table`` for people who open it in a spreadsheet: no text cell can run as a formula
    (data contract, section 4), while numbers written as text stay numbers."""
    neutralise_formulas(table).to_csv(path, index=False, lineterminator="\n")


@dataclass(frozen=True)
class Written:
    """What one run writes into its unit's folders: ``tables`` (CSV files by path), the ``page`` at
    ``html`` (and its Word copy at ``docx``; a page without one removes an earlier copy, which would no
    longer match it), and ``removed``, files the unit made before and no longer does. ``folder`` and
    ``kind`` (``report`` or ``publish``) say where the record of the inputs goes."""

    folder: Path
    kind: str
    tables: Mapping[Path, pd.DataFrame]
    page: Page | None = None
    html: Path | None = None
    docx: Path | None = None
    removed: tuple[Path, ...] = field(default_factory=tuple)
    #: the report's record (``run.site.card``), written at ``card_path``
    card: Mapping[str, object] | None = None
    card_path: Path | None = None
    #: other text files by path (a publish's ``ReportFiles.audit_input``)
    texts: Mapping[Path, str] = field(default_factory=dict)


def commit(held: outputs.Outputs, root: Path, written: Written, record_key: str | None) -> None:
    """Stage everything ``written`` holds and the record of its inputs (``record_key``: from ``make
    reports``; None from a single-unit command, which removes an earlier record), then replace the
    earlier files with them all together."""
    with held.replacing() as staging:
        for path, table in written.tables.items():
            write_csv(table, staging.path(path))
        for path in written.removed:
            staging.remove(path)
        if written.page is not None and written.html is not None:
            staging.path(written.html).write_text(written.page.html, encoding="utf-8")
        if written.page is not None and written.docx is not None:
            if written.page.docx is not None:
                staging.path(written.docx).write_bytes(written.page.docx)
            else:  # a page made again without its Word copy: an older copy would no longer match it
                staging.remove(written.docx)
        for path, text in written.texts.items():
            staging.path(path).write_text(text, encoding="utf-8")
        if written.card is not None and written.card_path is not None:
            files = ReportFolder(written.folder)
            findings = files.findings if written.kind == "report" else files.public_findings
            card = with_headline(written.card, staging.staged.get(findings), public=written.kind != "report")
            staging.path(written.card_path).write_text(card_text(card), encoding="utf-8")
        stage_record(staging, root, written.folder, written.kind, record_key)
