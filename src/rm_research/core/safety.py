"""Text from the data is never markup and never a formula.

Every data-derived string (answers, themes, file names) is escaped before it reaches HTML, and
free-text cells of CSV files people open in a spreadsheet are neutralised (data contract, section 4).
``active_content`` is a check behind both: it lists whatever in a finished page could run or
fetch something, so that a page can be refused rather than written. It is hand-written on the
standard library's HTML tokenizer (``html.parser``) because the well-kept sanitisers (nh3, bleach)
rewrite a page rather than say what they found, and the package needs the finding, not a
rewritten page. ``html.parser`` is more lenient than a browser with broken markup, so the check is
defence in depth; escaping is what keeps data out of markup.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on use: escaping text must not cost pandas (an index written in a rerun)
    import pandas as pd

#: Cells beginning with these run as formulas in Excel, LibreOffice and Google Sheets (the contract
#: names = + - @; tab and carriage return are the OWASP additions that some spreadsheets also honour).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


#: Characters no text means to hold, which would break what the package writes: control characters
#: (not valid in XML, so they would spoil an SVG figure or the Word file) and the bidirectional
#: overrides and isolates that make text display other than it reads (a spoofing trick), and the
#: zero-width space and stray byte-order mark that pasting from Teams or Outlook leaves in a cell
#: (a rating "8" that would be refused while looking like 8).
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\ufeff]")


def escape_html(text: object) -> str:
    """``text`` as HTML text: ``<``, ``>``, ``&`` and both quotes escaped, ``INVISIBLE`` characters removed."""
    return html.escape(INVISIBLE.sub("", str(text)), quote=True)


#: Text a spreadsheet reads as a number: a public finding such as "-0.57" starts with "-" but is no formula.
NUMBER_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def escape_markdown(text: object) -> str:
    """``text`` as Markdown text: Markdown's punctuation backslash-escaped (so a label cannot become a
    link, image, emphasis or a table-cell break), then escaped as HTML text (so it cannot become markup)."""
    return escape_html(re.sub(r"([\\`*_\[\]|~!#])", r"\\\1", str(text)))


def neutralise_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'``; others (numbers, and
    text that reads as a number) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not NUMBER_TEXT.fullmatch(value):
        return "'" + value
    return value


def restore_cell(value: object) -> object:
    """A cell as it was before ``neutralise_cell`` (the leading ``'`` of a neutralised formula removed)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS) \
            and not NUMBER_TEXT.fullmatch(value[1:]):
        return value[1:]
    return value


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` whose text cells and column names cannot run as spreadsheet formulas.

    Numbers stay numbers: a rating of -1 stored as a number is written as ``-1``, not as text.
    Column names are included because extra columns of a raw file keep the header its author typed.
    """
    import pandas as pd

    out = table.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if column.dtype == object or isinstance(column.dtype, (pd.StringDtype, pd.CategoricalDtype)):
            out.isetitem(position, column.map(neutralise_cell))
    out.columns = out.columns.map(neutralise_cell)
    return out


#: Elements that run script, embed another document, change where links go, submit data, or
#: load from elsewhere; none has a place in a report.
ACTIVE_ELEMENTS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
                             "form", "link", "portal", "noscript"})
#: URL schemes that run code when followed or loaded.
ACTIVE_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:application/xhtml")
#: A CSS ``url(...)`` or ``@import`` that is not an embedded image, font or fragment: a remote load.
_CSS_LOAD = re.compile(r"url\(\s*+['\"]?+(?!data:(?:image/(?:png|jpeg|gif|webp|svg\+xml)|font/|application/font)|#)"
                       r"|@import", re.IGNORECASE)
#: Attributes whose URL a browser loads as the page opens, and the URLs that would reach the network.
LOADING_ATTRIBUTES = frozenset({"src", "srcset", "poster", "background", "data", "xlink:href"})
REMOTE_PREFIXES = ("http:", "https:", "//", "ftp:")
#: Characters browsers ignore inside a URL's scheme ("java\tscript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")


class _Audit(HTMLParser):
    """Collects what ``active_content`` reports while the page is tokenised."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag in ACTIVE_ELEMENTS:
            self.found.append(f"line {line}: <{tag}> element")
        if tag == "meta" and dict(attrs).get("http-equiv", "").lower() == "refresh":
            self.found.append(f"line {line}: <meta http-equiv=refresh>")
        self._in_style = tag == "style"
        for name, value in attrs:
            url = _IGNORED_IN_SCHEME.sub("", value or "").lower()
            if name.startswith("on"):
                self.found.append(f"line {line}: <{tag}> event handler attribute {name}")
            elif url.startswith(ACTIVE_SCHEMES):
                self.found.append(f"line {line}: <{tag} {name}> with a {url.split(':', 1)[0]}: URL")
            elif name in LOADING_ATTRIBUTES and url.startswith(REMOTE_PREFIXES):
                self.found.append(f"line {line}: <{tag} {name}> loading from elsewhere")
            elif name == "style" and _CSS_LOAD.search(value or ""):
                self.found.append(f"line {line}: <{tag} style> loading from elsewhere")

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style and _CSS_LOAD.search(data):
            self.found.append(f"line {self.getpos()[0]}: <style> loading from elsewhere")


def active_content(page: str) -> list[str]:
    """What in an HTML ``page`` could run script or load from elsewhere, one line each (empty if
    nothing): script and embedding elements, event-handler attributes (``onerror``), ``javascript:``
    and similar URLs, meta refresh, and CSS that loads anything but an embedded image or font."""
    audit = _Audit()
    audit.feed(page)
    audit.close()
    return audit.found


def svg_active_content(svg: str) -> list[str]:
    """What in an SVG image could run script or load from elsewhere, by ``active_content``'s rules, and
    ``foreignObject`` (which can hold HTML), one line each. The image is read as XML, as a browser
    reads an SVG, with expat (C: less than half the time of Python's HTML tokeniser on a cohort report's
    17 images, 0.02 s against 0.05 s; a national report's images are megabytes): so an image that is not
    well-formed XML, or that declares entities, is reported too, not read some other way. Names are
    compared in lower case."""
    from xml.parsers import expat

    audit = _Audit()
    found: list[str] = []

    def start(tag: str, attributes: dict[str, str]) -> None:
        if tag.lower() == "foreignobject":
            found.append("<foreignObject> element")
        audit.handle_starttag(tag.lower(), [(name.lower(), value) for name, value in attributes.items()])

    def entity(name: str, *_: object) -> None:
        found.append(f"declares the entity {name!r}")

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.EndElementHandler = audit.handle_endtag
    parser.CharacterDataHandler = audit.handle_data
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(svg, True)
    except expat.ExpatError as error:
        found.append(f"not well-formed XML ({expat.ErrorString(error.code)}, line {error.lineno})")
    return [line.split(": ", 1)[1] if line.startswith("line ") else line for line in audit.found] + found
