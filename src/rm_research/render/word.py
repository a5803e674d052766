"""The report as a Word document for board papers, converted from the rendered HTML page by pandoc.

From the HTML page rather than the notebook: nbconvert's Markdown export keeps the report's tables
as raw HTML, which pandoc's Word writer drops, whereas pandoc's HTML reader reads them as tables. So
the .docx has the page's headings as Word headings (Heading 1, 2, ...), its tables as Word tables and
its figures as pictures with their descriptions as alt text.

Pandoc (the ``pypandoc-binary`` package ships it) reads the page into its document tree (JSON), in
its sandbox. The tree is then tidied here: the "¶" anchor links nbconvert adds to headings are
dropped; each embedded figure (a ``data:`` URI, PNG or SVG; pandoc reads an inline ``<svg>`` as one)
is written to a file in a temporary folder, an SVG given its own width; any other image source is
replaced by its description, so that nothing is ever fetched from anywhere. Where the notebook gave
a PNG copy of an SVG figure (``figure_pngs``), Word gets the PNG: LibreOffice and Word before 2016
show no SVG, and pandoc makes a PNG fallback only with ``rsvg-convert``, which a pip-installed
project does not have. Pandoc then writes the .docx from the tree, reading images only from that
folder, with the package's reference document (``reference_docx``): A4 with 2 cm margins, captions
kept with what they caption (above it), and a ``Banner`` style for the internal report's warning.
Its dates are ``SOURCE_DATE_EPOCH``'s (``REPRODUCIBLE_DATE`` unless the environment sets one), so the
same page gives the same bytes. The HTML page's text was escaped when
the page was made; pandoc reads it back as text, so ``<script>`` in an answer stays the words
``<script>`` in Word.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import os
import re
import subprocess
import tempfile
import urllib.parse
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import pypandoc

from rm_research.core.problems import OutputError

#: Figures no wider than this (inches): the text width of A4 with 2 cm margins is 6.7 in.
MAX_FIGURE_WIDTH_IN = 6.5
#: The date a Word copy carries (its properties and the files in its zip) unless the environment sets
#: ``SOURCE_DATE_EPOCH``: a report's date is its data's, not the moment it was rendered.
REPRODUCIBLE_DATE = "315532800"  # 1980-01-01, the earliest date a zip file can hold
#: The class of the HTML banner (``report.narrative.banner``) that becomes the ``Banner`` paragraph style.
BANNER_CLASS = "rm-banner"
BANNER_STYLE = "Banner"
#: The class of the page break after the one-page summary (``report.board.PAGE_BREAK``): a page break in Word.
PAGE_BREAK_CLASS = "rm-page-break"
#: A4 and 2 cm margins, in twentieths of a point (Word's page units).
_A4_SECTION = ('<w:pgSz w:w="11906" w:h="16838" /><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" '
               'w:left="1134" w:header="567" w:footer="567" w:gutter="0" />')
_BANNER = (f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{BANNER_STYLE}"><w:name w:val="{BANNER_STYLE}" />'
           '<w:basedOn w:val="BodyText" /><w:pPr><w:keepNext /><w:pBdr>'
           + "".join(f'<w:{side} w:val="single" w:sz="18" w:space="4" w:color="DA291C" />'
                     for side in ("top", "left", "bottom", "right"))
           + '</w:pBdr><w:shd w:val="clear" w:color="auto" w:fill="FDECEA" /></w:pPr><w:rPr><w:b /></w:rPr></w:style>')
IMAGE_TYPES = {"image/png": "png", "image/svg+xml": "svg", "image/jpeg": "jpg", "image/gif": "gif"}
SVG_UNITS_IN = {"in": 1.0, "pt": 1 / 72, "px": 1 / 96, "cm": 1 / 2.54, "mm": 1 / 25.4, "": 1 / 96}
_DATA_URI = re.compile(r"data:(?P<mime>[\w.+-]+/[\w.+-]+)(?P<params>(?:;[^,;]*)*),(?P<payload>.*)", re.DOTALL)
_SVG_WIDTH = re.compile(r"<svg\b[^>]*?\swidth=[\"']\s*([\d.]+)\s*(in|pt|px|cm|mm)?\s*[\"']", re.DOTALL)

Node = Any  # a node of pandoc's JSON document tree


def decode_data_uri(uri: str) -> tuple[str, bytes] | None:
    """The media type and bytes of a ``data:`` URI (base64 or percent-encoded); None if it is not one
    or does not decode."""
    match = _DATA_URI.fullmatch(uri.strip())
    if match is None:
        return None
    payload = match["payload"]
    try:
        if ";base64" in match["params"].lower():
            return match["mime"].lower(), base64.b64decode(re.sub(r"\s+", "", payload), validate=True)
        return match["mime"].lower(), urllib.parse.unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return None


def svg_width_in(svg: bytes) -> float | None:
    """The width an SVG declares on its root element, in inches (None if it declares none or a
    relative one): pandoc cannot read an SVG's size, and would draw it small."""
    match = _SVG_WIDTH.search(svg[:4096].decode("utf-8", errors="replace"))
    if match is None:
        return None
    return float(match[1]) * SVG_UNITS_IN[match[2] or ""]


def plain_text(inlines: list[Node]) -> str:
    """The words of a list of pandoc inlines (pandoc's ``stringify``), spaces normalised."""
    words: list[str] = []

    def collect(node: Node) -> None:
        if isinstance(node, list):
            for item in node:
                collect(item)
        elif isinstance(node, dict):
            kind = node.get("t")
            if kind == "Str":
                words.append(node["c"])
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                words.append(" ")
            elif kind not in ("Note", "RawInline") and "c" in node:
                collect(node["c"])

    collect(inlines)
    return " ".join("".join(words).split())


def _holds_image(node: Node) -> bool:
    if isinstance(node, list):
        return any(_holds_image(item) for item in node)
    if isinstance(node, dict):
        return node.get("t") == "Image" or _holds_image(node.get("c"))
    return False


def _inlines(text: str) -> list[Node]:
    words = text.split()
    out: list[Node] = []
    for position, word in enumerate(words):
        if position:
            out.append({"t": "Space"})
        out.append({"t": "Str", "c": word})
    return out


def figure_pngs(outputs: Iterable[Mapping[str, Any]]) -> dict[str, bytes]:
    """``{SHA-256 of an SVG figure: its PNG copy}`` from the notebook's display outputs that carry
    both (``report.figures.show`` with ``png=True``): the Word copy's figures."""
    copies = {}
    for output in outputs:
        data = output.get("data", {})
        html, png = data.get("text/html"), data.get("image/png")
        if not html or not png:
            continue
        for encoded in re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]*)"', "".join(html)):
            copies[hashlib.sha256(base64.b64decode(encoded)).hexdigest()] = base64.b64decode("".join(png))
    return copies


@lru_cache(maxsize=1)
def reference_docx() -> bytes:
    """Pandoc's own reference document, made A4 with 2 cm margins, its image captions kept with the
    figure they sit above, its tables in 9 point, and a ``Banner`` paragraph style (red border, pale red
    fill, bold)."""
    default = subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
                             check=True, capture_output=True).stdout
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(default)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            patches = 0
            if item.filename == "word/document.xml":
                # (after the footnote properties: the section's schema order)
                data, patches = re.subn(rb"(<w:sectPr>.*?</w:footnotePr>)", rb"\1" + _A4_SECTION.encode(), data,
                                        count=1, flags=re.DOTALL)
                patches -= 1
            elif item.filename == "word/styles.xml":
                data, caption = re.subn(rb'(w:styleId="ImageCaption">\s*<w:name w:val="Image Caption" />\s*'
                                        rb'<w:basedOn w:val="Caption" />)', rb"\1<w:pPr><w:keepNext /></w:pPr>", data,
                                        count=1)
                data = data.replace(b"</w:styles>", _BANNER.encode() + b"</w:styles>", 1)
                # tables in 9 point, so that a wide one fits the page's width without breaking words
                # (in the style's schema order: its run properties come just before its table properties)
                data, table = re.subn(rb'(w:styleId="Table">.*?)(<w:tblPr>)',
                                      rb'\1<w:rPr><w:sz w:val="18" /><w:szCs w:val="18" /></w:rPr>\2', data, count=1,
                                      flags=re.DOTALL)
                patches = caption + table - 2
            if patches:  # a pandoc whose reference document is shaped otherwise: say so, never a Letter-sized copy
                raise OutputError(f"pandoc's reference document has changed shape ({item.filename}); the Word copy "
                                  "cannot be made A4. Please report this as a bug.")
            entry = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))  # pandoc keeps these dates
            target.writestr(entry, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


@contextmanager
def _reproducible_date() -> Iterator[None]:
    """``SOURCE_DATE_EPOCH`` set for pandoc (it dates the document and its zip entries by it)."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = previous or REPRODUCIBLE_DATE
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


class _Tidy:
    """One pass over the document tree (see the module docstring); figures go to ``media``, as the
    PNG copy in ``pngs`` of an SVG figure where there is one."""

    def __init__(self, media: Path, title: str, pngs: Mapping[str, bytes] | None = None) -> None:
        self.media, self.title, self.figures = media, " ".join(title.split()), 0
        self.title_dropped = False
        self.pngs = pngs or {}

    def tree(self, node: Node) -> Node:
        if isinstance(node, list):
            return [tidied for item in node for tidied in self.replace(item)]
        if isinstance(node, dict):
            return {key: self.tree(value) for key, value in node.items()}
        return node

    def replace(self, node: Node) -> list[Node]:
        """What stands for ``node`` in its list: nothing, itself tidied, or a replacement."""
        if not isinstance(node, dict):
            return [self.tree(node)]
        kind = node.get("t")
        if kind == "Link" and "anchor-link" in node["c"][0][1]:
            return []
        if kind in ("Para", "Plain") and not plain_text(node["c"]) and not _holds_image(node):
            return []  # only raw HTML (pandas' empty <style> before each table): an empty paragraph in Word
        if kind == "Header" and node["c"][0] == 1 and not self.title_dropped:
            header = self.tree(node)
            if plain_text(header["c"][2]) == self.title:
                self.title_dropped = True  # the document's Title paragraph says it already
                return []
            return [header]
        if kind == "Image":
            return [self.image(node)]
        if kind == "Table":
            table = self.tree(node)
            table["c"][2] = column_widths(table)
            return [table]
        if kind == "Div" and PAGE_BREAK_CLASS in node["c"][0][1]:
            return [{"t": "RawBlock", "c": ["openxml", '<w:p><w:r><w:br w:type="page" /></w:r></w:p>']}]
        if kind == "Div" and BANNER_CLASS in node["c"][0][1]:
            (ident, classes, attributes), blocks = node["c"]
            return [{"t": "Div", "c": [[ident, classes, [*attributes, ["custom-style", BANNER_STYLE]]],
                                       self.tree(blocks)]}]
        if kind == "Figure":
            return self.figure(self.tree(node))
        return [self.tree(node)]

    @staticmethod
    def figure(node: Node) -> list[Node]:
        """A figure with one picture keeps only the picture and its caption; the notes beside it follow
        it as paragraphs: pandoc lays a figure's blocks out side by side, so a note would halve the
        picture's width."""
        attributes, caption, body = node["c"]
        pictures = [block for block in body if _holds_image(block)]
        if len(pictures) != 1 or len(body) == 1:
            return [node]
        return [{"t": "Figure", "c": [attributes, caption, pictures]}, *(b for b in body if not _holds_image(b))]

    def image(self, node: Node) -> Node:
        """An embedded figure written to a file the Word writer reads; anything else, its description."""
        (ident, classes, attributes), alt, (source, title) = node["c"]
        decoded = decode_data_uri(source)
        if decoded is None or decoded[0] not in IMAGE_TYPES:
            described = plain_text(alt) or "no description"
            return {"t": "Emph", "c": _inlines(f"[Figure not included: {described}]")}
        mime, data = decoded
        if mime == "image/svg+xml" and (png := self.pngs.get(hashlib.sha256(data).hexdigest())) is not None:
            width = svg_width_in(data)
            mime, data = "image/png", png
        else:
            width = svg_width_in(data) if mime == "image/svg+xml" else None
        self.figures += 1
        name = f"figure-{self.figures}.{IMAGE_TYPES[mime]}"
        (self.media / name).write_bytes(data)
        attributes = [pair for pair in attributes if pair[0] not in ("width", "height")]
        if width:
            attributes.append(["width", f"{min(width, MAX_FIGURE_WIDTH_IN):.2f}in"])
        return {"t": "Image", "c": [[ident, classes, attributes], self.tree(alt), [name, title]]}


#: A column's text counts as no longer than this many characters when sharing out a table's width:
#: longer text wraps; the longest word of a column always fits unbroken.
WRAP_AT = 32
#: The room a cell's margins take (0.19 cm each side in pandoc's table style), in characters of 9 point text.
CELL_MARGIN = 3


def column_widths(table: Node) -> list[Node]:
    """A pandoc table's column specifications with relative widths from its cells' text, as a word
    processor's "fit to contents" would make them: each column's share of the page is its longest
    word, or its longest text up to ``WRAP_AT`` characters, whichever is more, and its margins. Without widths
    pandoc gives every column the same width, and LibreOffice then breaks words in narrow columns
    ("Englan d")."""
    _, _, specs, head, bodies, foot = table["c"]
    headers = [*head[1], *(row for body in bodies for row in body[2])]
    rows = [*(row for body in bodies for row in body[3]), *foot[1]]
    weights = [1.0] * len(specs)
    for row in [*headers, *rows]:
        column = 0
        for cell in row[1]:
            _, _, _, span, blocks = cell
            text = plain_text(blocks)
            if span == 1 and column < len(weights):
                longest_word = max((len(word) for word in text.split()), default=1)
                # a heading wraps at its words; a cell's text takes up to WRAP_AT characters
                wanted = longest_word if any(row is header for header in headers) else min(len(text), WRAP_AT)
                weights[column] = max(weights[column], float(longest_word), float(wanted))
            column += span
    weights = [weight + CELL_MARGIN for weight in weights]  # each cell's left and right margins take room too
    total = sum(weights)
    return [[align, {"t": "ColWidth", "c": round(weight / total, 4)}] for (align, _), weight in zip(specs, weights,
                                                                                                  strict=True)]


def document_tree(html: str) -> dict[str, Node]:
    """The HTML page as pandoc's document tree (JSON), read in pandoc's sandbox (no file or network)."""
    return json.loads(pypandoc.convert_text(html, "json", format="html", sandbox=True))


def docx_bytes(html: str, title: str, pngs: Mapping[str, bytes] | None = None) -> bytes:
    """The report page as an A4 .docx: headings as Word headings, tables as Word tables, figures as
    pictures (``pngs``: PNG copies of its SVG figures, ``figure_pngs``); ``title`` is the document's
    title (its Title paragraph and properties), and a first level-1 heading saying the same is not
    repeated."""
    try:
        tree = document_tree(html)
        with tempfile.TemporaryDirectory(prefix="rm-research-docx-") as folder:
            media = Path(folder)
            tidy = _Tidy(media, title, pngs)
            tree["blocks"] = tidy.tree(tree["blocks"])
            tree["meta"]["title"] = {"t": "MetaInlines", "c": _inlines(title)}
            out = media / "report.docx"
            reference = media / "reference.docx"
            reference.write_bytes(reference_docx())
            # --quiet: an SVG figure without a PNG copy would make pandoc warn that it cannot add one
            # for Word before 2016 (it has no rsvg-convert); the SVG itself is embedded all the same
            with _reproducible_date():
                pypandoc.convert_text(json.dumps(tree), "docx", format="json", outputfile=str(out), cworkdir=folder,
                                      extra_args=["--resource-path", folder, "--quiet", f"--reference-doc={reference}",
                                                  "--figure-caption-position=above",
                                                  "--table-caption-position=above"])
            return out.read_bytes()
    except (OSError, RuntimeError, subprocess.CalledProcessError) as error:
        raise OutputError(f"Could not make the Word version of the report: pandoc failed ({error}). Is the "
                          "pypandoc-binary package installed in the project's environment?") from error
