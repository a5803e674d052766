"""The report as a Word document for board papers, converted from the rendered HTML page by pandoc.

From the HTML page rather than the notebook: nbconvert's Markdown export keeps the report's tables
as raw HTML, which pandoc's Word writer drops, whereas pandoc's HTML reader reads them as tables. So
the .docx has the page's headings as Word headings (Heading 1, 2, ...), its tables as Word tables and
its figures as pictures with their descriptions as alt text.

Pandoc (the ``pypandoc-binary`` package ships it) reads the page into its document tree (JSON), in
its sandbox. The tree is then tidied here: the "¶" anchor links nbconvert adds to headings are
dropped; each embedded figure (a ``data:`` URI, PNG or SVG; pandoc reads an inline ``<svg>`` as one)
is written to a file in a temporary folder, an SVG given its own width; any other image source is
replaced by its description, so that nothing is ever fetched from anywhere. Pandoc then writes the
.docx from the tree, reading images only from that folder. The HTML page's text was escaped when
the page was made; pandoc reads it back as text, so ``<script>`` in an answer stays the words
``<script>`` in Word.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any

import pypandoc

from rm_research.core.problems import OutputError

#: Figures no wider than this (inches): the text width of A4 and of US Letter with 1-inch margins.
MAX_FIGURE_WIDTH_IN = 6.0
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


class _Tidy:
    """One pass over the document tree (see the module docstring); figures go to ``media``."""

    def __init__(self, media: Path, title: str) -> None:
        self.media, self.title, self.figures = media, " ".join(title.split()), 0
        self.title_dropped = False

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
        self.figures += 1
        name = f"figure-{self.figures}.{IMAGE_TYPES[mime]}"
        (self.media / name).write_bytes(data)
        attributes = [pair for pair in attributes if pair[0] not in ("width", "height")]
        width = svg_width_in(data) if mime == "image/svg+xml" else None
        if width:
            attributes.append(["width", f"{min(width, MAX_FIGURE_WIDTH_IN):.2f}in"])
        return {"t": "Image", "c": [[ident, classes, attributes], self.tree(alt), [name, title]]}


def document_tree(html: str) -> dict[str, Node]:
    """The HTML page as pandoc's document tree (JSON), read in pandoc's sandbox (no file or network)."""
    return json.loads(pypandoc.convert_text(html, "json", format="html", sandbox=True))


def docx_bytes(html: str, title: str) -> bytes:
    """The report page as a .docx: headings as Word headings, tables as Word tables, figures as
    pictures; ``title`` is the document's title (its Title paragraph and properties), and a first
    level-1 heading saying the same is not repeated."""
    try:
        tree = document_tree(html)
        with tempfile.TemporaryDirectory(prefix="rm-research-docx-") as folder:
            media = Path(folder)
            tidy = _Tidy(media, title)
            tree["blocks"] = tidy.tree(tree["blocks"])
            tree["meta"]["title"] = {"t": "MetaInlines", "c": _inlines(title)}
            out = media / "report.docx"
            # --quiet: without rsvg-convert pandoc warns, for every SVG figure, that it cannot add a PNG
            # copy for Word before 2016; the SVG itself is embedded all the same
            pypandoc.convert_text(json.dumps(tree), "docx", format="json", outputfile=str(out), cworkdir=folder,
                                  extra_args=["--resource-path", folder, "--quiet"])
            return out.read_bytes()
    except (OSError, RuntimeError) as error:
        raise OutputError(f"Could not make the Word version of the report: pandoc failed ({error}). Is the "
                          "pypandoc-binary package installed in the project's environment?") from error
