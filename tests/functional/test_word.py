"""The Word versions of the internal and public reports (``--format docx``)."""

from __future__ import annotations

import re
import zipfile

from rm_research.run.cli import main
from tests.conftest import make_project


def document_text(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def test_report_and_publish_write_word_copies_beside_the_html(tmp_path):
    root = make_project(tmp_path)
    assert main(["report", "--cohort", "1", "--root", str(root), "--format", "docx"]) == 0
    assert main(["publish", "--cohort", "1", "--root", str(root), "--format", "docx"]) == 0
    folder = root / "reports" / "south-east" / "cohort-1"
    internal, public = document_text(folder / "report.docx"), document_text(folder / "report-public.docx")
    # a Word heading, as in the page, and Word tables (the cohort is too small to publish its tables:
    # its public copy is the one page that says so, under its own heading)
    assert re.search(r'<w:pStyle w:val="Heading2" /></w:pPr><w:r><w:t[^>]*>Key findings<', internal)
    assert "<w:tbl>" in internal
    assert re.search(r'<w:pStyle w:val="Heading2" /></w:pPr><w:r><w:t[^>]*>Why this cohort', public)
    assert "Internal report: contains small numbers" in internal
    assert "Internal report" not in public
    assert "<w:drawing>" in internal  # the figures come through as images


def test_no_html_and_docx_cannot_be_asked_together(tmp_path, capsys):
    root = make_project(tmp_path)
    try:
        main(["report", "--cohort", "1", "--root", str(root), "--no-html", "--format", "docx"])
    except SystemExit as stop:
        assert stop.code == 2
    assert "not allowed with" in capsys.readouterr().err
