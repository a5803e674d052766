"""The Word version: headings as Word headings, tables as Word tables, figures as pictures, text as text.

Checked by reading the .docx itself (a zip; ``word/document.xml`` is WordprocessingML), not by
trusting pandoc: heading styles, ``w:tbl``, files in ``word/media`` and the picture's size in EMU
(914,400 to the inch, ECMA-376 Part 1, 20.1.2.1).
"""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from rm_research.core.problems import OutputError
from rm_research.core.safety import escape_html
from rm_research.render import word as wordexport

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
EMU_PER_INCH = 914_400
#: A 1 x 1 pixel PNG (the smallest valid one: signature, IHDR, IDAT, IEND).
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
#: An SVG 144 points (2 inches) wide, as matplotlib writes its size.
SVG = (b'<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="144pt" height="72pt" '
       b'viewBox="0 0 144 72" version="1.1"><rect width="144" height="72" fill="#005EB8"/></svg>')
CELL = "<script>alert(1)</script> & 'quotes'"


def data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def page(extra: str = "") -> str:
    """A small report page shaped as nbconvert writes one: headings with anchor links, a pandas table
    with an empty style element and an escaped cell, and figures with captions and notes."""
    return f"""<!DOCTYPE html><html><head><title>ignored</title><style>body {{ color: red; }}</style></head><body>
<div class="jp-Cell"><h1 id="Report">Report<a class="anchor-link" href="#Report">¶</a></h1>
<h2 id="Findings">Findings<a class="anchor-link" href="#Findings">¶</a></h2>
<p>Mentees' confidence rose.</p>
<style type="text/css">
</style>
<table id="T_1"><thead><tr><th class="col_heading">Question</th><th class="col_heading">People</th></tr></thead>
<tbody><tr><td>{escape_html(CELL)}</td><td>7</td></tr></tbody></table>
<h3 id="Figures">Figures<a class="anchor-link" href="#Figures">¶</a></h3>
<figure class="rm-figure"><figcaption>A picture</figcaption>
<img alt="A one-pixel picture" src="{data_uri('image/png', PNG)}"/>
<p class="rm-figure-note">A note under the figure.</p></figure>
<figure class="rm-figure"><figcaption>A drawing</figcaption>
<img alt="A blue rectangle" src="{data_uri('image/svg+xml', SVG)}"/>
<p class="rm-figure-note">Another note.</p></figure>
{extra}</div></body></html>"""


def docx_parts(data: bytes) -> tuple[ElementTree.Element, list[str], str]:
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        document = ElementTree.fromstring(docx.read("word/document.xml"))
        media = [name for name in docx.namelist() if name.startswith("word/media/")]
        core = docx.read("docProps/core.xml").decode("utf-8")
    return document, media, core


def paragraphs(document: ElementTree.Element) -> list[tuple[str, str]]:
    """(style, text) of each paragraph outside tables, in order."""
    body = document.find(f"{W}body")
    assert body is not None
    out = []
    for element in body:
        if element.tag == f"{W}p":
            style = element.find(f"{W}pPr/{W}pStyle")
            out.append(("" if style is None else style.get(f"{W}val", ""),
                        "".join(t.text or "" for t in element.iter(f"{W}t"))))
    return out


@pytest.fixture(scope="module")
def converted() -> tuple[ElementTree.Element, list[str], str]:
    return docx_parts(wordexport.docx_bytes(page(), "Board paper: reverse mentoring"))


def test_headings_become_word_headings_without_their_anchor_marks(converted):
    document, _, core = converted
    styled = paragraphs(document)
    assert ("Title", "Board paper: reverse mentoring") in styled
    headings = [(style, text) for style, text in styled if style.startswith("Heading")]
    assert headings == [("Heading1", "Report"), ("Heading2", "Findings"), ("Heading3", "Figures")]
    assert "¶" not in "".join(text for _, text in styled)
    assert "<dc:title>Board paper: reverse mentoring</dc:title>" in core


def test_a_first_heading_that_repeats_the_title_is_not_repeated():
    document, _, _ = docx_parts(wordexport.docx_bytes(page(), "Report"))
    styled = paragraphs(document)
    assert ("Title", "Report") in styled and ("Heading1", "Report") not in styled


def test_tables_become_word_tables_and_data_derived_text_stays_text(converted):
    document, _, _ = converted
    tables = document.findall(f".//{W}tbl")
    assert len(tables) == 1
    rows = [["".join(t.text or "" for t in cell.iter(f"{W}t")) for cell in row.findall(f"{W}tc")]
            for row in tables[0].findall(f"{W}tr")]
    assert rows == [["Question", "People"], [CELL, "7"]]
    assert tables[0].find(f"{W}tr/{W}trPr/{W}tblHeader") is not None  # the header row repeats across pages


def test_no_empty_paragraph_is_left_where_the_page_had_only_markup(converted):
    document, _, _ = converted
    assert all(text.strip() or style == "CaptionedFigure" for style, text in paragraphs(document))


def test_figures_become_pictures_with_their_descriptions_and_notes(converted):
    document, media, _ = converted
    assert sorted(Path(name).suffix for name in media) == [".png", ".svg"]
    descriptions = [element.get("descr") for element in document.iter(f"{WP}docPr")]
    assert descriptions == ["A one-pixel picture", "A blue rectangle"]
    texts = [text for _, text in paragraphs(document)]
    assert {"A picture", "A drawing", "A note under the figure.", "Another note."} <= set(texts)


def test_an_svg_keeps_its_own_width(converted):
    # 144 pt = 2 in; a note beside it must not halve it (pandoc lays a figure's blocks side by side)
    document, _, _ = converted
    widths = [int(extent.get("cx")) for extent in document.iter(f"{WP}extent")]
    assert widths[1] == 2 * EMU_PER_INCH


def test_an_image_that_is_not_embedded_is_described_not_fetched():
    remote = '<p><img alt="A remote chart" src="https://example.invalid/chart.png"/></p>'
    document, media, _ = docx_parts(wordexport.docx_bytes(page(remote), "Report"))
    assert len(media) == 2
    assert "[Figure not included: A remote chart]" in [text for _, text in paragraphs(document)]


def test_a_failed_conversion_is_an_output_error(monkeypatch):
    def fail(*args: object, **kwargs: object) -> str:
        raise RuntimeError("pandoc died")

    monkeypatch.setattr(wordexport.pypandoc, "convert_text", fail)
    with pytest.raises(OutputError, match="pandoc failed"):
        wordexport.docx_bytes(page(), "Report")


@pytest.mark.parametrize(("uri", "expected"), [
    ("data:image/png;base64,aGVsbG8=", ("image/png", b"hello")),
    ("data:image/svg+xml;charset=utf-8,%3Csvg%3E", ("image/svg+xml", b"<svg>")),
    ("data:image/png;base64,not base64!", None),
    ("https://example.invalid/x.png", None),
])
def test_decode_data_uri(uri, expected):
    assert wordexport.decode_data_uri(uri) == expected


@pytest.mark.parametrize(("width", "inches"), [('"144pt"', 2.0), ('"192px"', 2.0), ('"192"', 2.0), ('"5.08cm"', 2.0),
                                               ('"1in"', 1.0), ('"100%"', None)])
def test_svg_width_in(width, inches):
    found = wordexport.svg_width_in(f'<svg xmlns="http://www.w3.org/2000/svg" width={width} height="10">'.encode())
    assert found == (None if inches is None else pytest.approx(inches))


def test_an_empty_table_cell_still_holds_the_paragraph_word_requires():
    html = "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td></td><td> </td></tr></tbody></table>"
    document, _, _ = docx_parts(wordexport.docx_bytes(html, "Report"))
    cells = list(document.iter(f"{W}tc"))
    assert len(cells) == 4 and all(cell.find(f"{W}p") is not None for cell in cells)


# issue 18: a copy fit for a board paper -------------------------------------------------------------------
def _xml(data: bytes, name: str) -> ElementTree.Element:
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        return ElementTree.fromstring(docx.read(name))


def test_the_word_copy_is_a4_with_two_centimetre_margins(converted_bytes):
    """ISO 216 A4 is 210 x 297 mm: 11,906 x 16,838 twentieths of a point (1 mm = 56.69 of them); 2 cm is 1,134."""
    section = _xml(converted_bytes, "word/document.xml").find(f"{W}body/{W}sectPr")
    assert section is not None
    size, margins = section.find(f"{W}pgSz"), section.find(f"{W}pgMar")
    assert (round(210 * 1440 / 25.4), round(297 * 1440 / 25.4)) == (11906, 16838)
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")
    assert {margins.get(f"{W}{side}") for side in ("top", "right", "bottom", "left")} == {str(round(20 * 1440 / 25.4))}


@pytest.fixture(scope="module")
def converted_bytes() -> bytes:
    banner = '<div class="rm-banner" style="border: 3px solid red">Internal report: contains small numbers.</div>'
    return wordexport.docx_bytes(page(banner), "Board paper: reverse mentoring")


def test_the_internal_banner_stays_a_banner(converted_bytes):
    document = _xml(converted_bytes, "word/document.xml")
    styled = [p for p in document.iter(f"{W}p") if "Internal report" in "".join(t.text or "" for t in p.iter(f"{W}t"))]
    assert [p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") for p in styled] == [wordexport.BANNER_STYLE]
    styles = _xml(converted_bytes, "word/styles.xml")
    banner = [s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == wordexport.BANNER_STYLE]
    assert len(banner) == 1 and banner[0].find(f"{W}pPr/{W}pBdr") is not None  # a bordered paragraph


def test_an_svg_figure_with_a_png_copy_is_a_png_in_word():
    """LibreOffice and Word before 2016 show no SVG: a figure the notebook gave a PNG copy of goes in as it."""
    import hashlib

    pngs = wordexport.figure_pngs([{"data": {"text/html": f'<img src="{data_uri("image/svg+xml", SVG)}">',
                                             "image/png": base64.b64encode(PNG).decode()}},
                                   {"data": {"text/html": "<p>no figure</p>"}}])
    assert pngs == {hashlib.sha256(SVG).hexdigest(): PNG}
    _, media, _ = docx_parts(wordexport.docx_bytes(page(), "Board paper", pngs))
    assert sorted(name.rsplit(".", 1)[1] for name in media) == ["png", "png"]


def test_the_same_page_gives_the_same_bytes():
    assert wordexport.docx_bytes(page(), "Same") == wordexport.docx_bytes(page(), "Same")
    with zipfile.ZipFile(io.BytesIO(wordexport.docx_bytes(page(), "Same"))) as docx:
        assert {info.date_time for info in docx.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_columns_share_the_width_by_their_text_so_no_word_is_broken():
    """A column's share is its longest word, or its text up to WRAP_AT characters; a heading wraps at its words."""
    tree = wordexport.document_tree("<table><thead><tr><th>Figure</th><th>Source</th></tr></thead><tbody>"
                                    f"<tr><td>{'word ' * 20}</td><td>[1]</td></tr></tbody></table>")
    table = next(block for block in tree["blocks"] if block["t"] == "Table")
    widths = [spec[1]["c"] for spec in wordexport.column_widths(table)]
    first, second = wordexport.WRAP_AT + wordexport.CELL_MARGIN, len("Source") + wordexport.CELL_MARGIN
    assert widths == pytest.approx([round(first / (first + second), 4), round(second / (first + second), 4)])


def test_the_summarys_page_break_is_a_page_break_in_word():
    from rm_research.report.page import PAGE_BREAK

    document = _xml(wordexport.docx_bytes(page(PAGE_BREAK), "Board paper"), "word/document.xml")
    assert [br.get(f"{W}type") for br in document.iter(f"{W}br")] == ["page"]
