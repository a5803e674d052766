"""Accessibility checks of a finished report page and of the colours its figures use.

``check_html`` is the package's own automated check (issue 10): every image has alternative text
that is not nbconvert's placeholder, the page declares its language and title, there is one ``h1``
and headings do not skip levels, every table has header cells with a scope, and every colour of a
figure's marks and text, and every text colour in the page's CSS, has enough contrast on white
(WCAG 2.2 success criteria 1.4.3 and 1.4.11: 4.5:1 for text, 3:1 for graphical objects).

It is hand-written on the standard library's HTML tokenizer because the full checkers (axe-core,
Pa11y) need a browser, which the tests must not; ``scripts/axe_check.py`` runs axe-core where a
browser is installed. The contrast and colour-vision formulas are short published definitions
(WCAG's relative luminance, CIELAB, the Machado et al. 2009 simulation matrices), written out here
rather than adding a colour-science dependency for four formulas.

Within a figure, marks that carry no data are exempt from the 3:1 rule as WCAG allows (the
background, grid lines, axis spines): a figure marks them by giving the matplotlib artist a ``gid``
beginning ``decorative`` (``figures`` does), and white is taken to be the background.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import math
import re
from dataclasses import dataclass
from html.parser import HTMLParser

#: WCAG 2.2, 1.4.3 (text, below the "large text" size) and 1.4.11 (graphical objects).
MIN_TEXT_CONTRAST = 4.5
MIN_GRAPHIC_CONTRAST = 3.0
WHITE = "#ffffff"
#: What nbconvert writes into an image with no alternative text: a placeholder, not a description.
NBCONVERT_PLACEHOLDER_ALT = "No description has been provided for this image"
#: A matplotlib artist whose ``gid`` starts with this carries no data (background, grid, spines).
DECORATIVE_GID = "decorative"

RGB = tuple[float, float, float]
_NAMED = {"white": "#ffffff", "black": "#000000", "grey": "#808080", "gray": "#808080", "red": "#ff0000",
          "green": "#008000", "blue": "#0000ff", "orange": "#ffa500", "silver": "#c0c0c0"}
_HEX = re.compile(r"#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})")
_FUNCTIONAL = re.compile(r"rgba?\(\s*([\d.]+%?)[\s,]+([\d.]+%?)[\s,]+([\d.]+%?)(?:[\s,/]+([\d.]+%?))?\s*\)")


def parse_colour(text: str) -> tuple[RGB, float] | None:
    """A CSS or SVG colour (``#rgb``, ``#rrggbb``, with alpha, ``rgb()``/``rgba()``, a few names) as
    sRGB components in 0-1 and an alpha; ``None`` for what has no fixed colour (``none``,
    ``transparent``, ``inherit``, ``currentColor``, ``var(...)``, a gradient or pattern ``url(#...)``)."""
    value = _NAMED.get(text.strip().lower(), text.strip().lower())
    if match := _HEX.fullmatch(value):
        digits = match.group(1)
        if len(digits) <= 4:
            digits = "".join(d * 2 for d in digits)
        channels = [int(digits[i:i + 2], 16) / 255 for i in range(0, len(digits), 2)]
        return (channels[0], channels[1], channels[2]), channels[3] if len(channels) == 4 else 1.0
    if match := _FUNCTIONAL.fullmatch(value):
        r, g, b = (_channel(part) for part in match.groups()[:3])
        alpha = match.group(4)
        return (r, g, b), 1.0 if alpha is None else _fraction(alpha)
    return None


def _channel(part: str) -> float:
    return float(part[:-1]) / 100 if part.endswith("%") else float(part) / 255


def _fraction(part: str) -> float:
    return float(part[:-1]) / 100 if part.endswith("%") else float(part)


def to_hex(rgb: RGB) -> str:
    """sRGB components in 0-1 as ``#rrggbb`` (clipped to the gamut)."""
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in rgb)


def _rgb(colour: str | RGB) -> RGB:
    if isinstance(colour, tuple):
        return colour
    parsed = parse_colour(colour)
    if parsed is None:
        raise ValueError(f"not a colour: {colour!r}")
    return parsed[0]


def _linear(channel: float) -> float:
    # the sRGB transfer function (IEC 61966-2-1), as WCAG 2.2 now quotes it
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _gamma(channel: float) -> float:
    return 12.92 * channel if channel <= 0.0031308 else 1.055 * channel ** (1 / 2.4) - 0.055


def relative_luminance(colour: str | RGB) -> float:
    """WCAG relative luminance: 0 for black, 1 for white."""
    r, g, b = (_linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(colour: str | RGB, background: str | RGB = WHITE) -> float:
    """WCAG contrast ratio of two colours, (L1 + 0.05) / (L2 + 0.05) with L1 the lighter: 1 to 21."""
    lighter, darker = sorted((relative_luminance(colour), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def over(colour: str | RGB, opacity: float, background: str | RGB = WHITE) -> RGB:
    """The colour seen where ``colour`` is drawn with ``opacity`` over ``background`` (alpha blending)."""
    top, bottom = _rgb(colour), _rgb(background)
    return (top[0] * opacity + bottom[0] * (1 - opacity), top[1] * opacity + bottom[1] * (1 - opacity),
            top[2] * opacity + bottom[2] * (1 - opacity))


#: Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of color
#: vision deficiency", IEEE TVCG 15(6), severity 1.0; applied to linear RGB.
CVD_MATRICES = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}


def simulate_colour_vision(colour: str | RGB, kind: str) -> str:
    """How ``colour`` appears to a reader with dichromacy ``kind`` (a key of ``CVD_MATRICES``), as hex."""
    linear = [_linear(c) for c in _rgb(colour)]
    seen = tuple(_gamma(min(max(sum(m * c for m, c in zip(row, linear, strict=True)), 0.0), 1.0))
                 for row in CVD_MATRICES[kind])
    return to_hex((seen[0], seen[1], seen[2]))


def _lab(colour: str | RGB) -> RGB:
    # sRGB (D65) -> CIE XYZ -> CIELAB, the CIE 15 definitions
    r, g, b = (_linear(c) for c in _rgb(colour))
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def colour_difference(first: str | RGB, second: str | RGB) -> float:
    """CIE76 colour difference (Euclidean distance in CIELAB): about 2.3 is just noticeable."""
    return math.dist(_lab(first), _lab(second))


# ---------------------------------------------------------------------------------------------- the page
@dataclass(frozen=True)
class Violation:
    """One accessibility problem: the rule broken, where (line of the page, element) and what is wrong."""

    rule: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule} at {self.where}: {self.message}"


_HEADING = re.compile(r"h([1-6])")
_SVG_DATA = "data:image/svg+xml;base64,"
_DECLARATION = re.compile(r"(?<![\w-])(color|background-color|background)\s*:\s*([^;}]+)", re.IGNORECASE)
_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")


class _PageAudit(HTMLParser):
    """Walks a page once, collecting what ``check_html`` reports."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Violation] = []
        self.lang = ""
        self.title = ""
        self.headings: list[tuple[int, str]] = []
        self.tables: list[dict[str, int]] = []
        self.svg_depth = 0
        self._in: str | None = None
        self._svg_named = False
        self._svg_where = ""
        self._header_text: str | None = None

    def _where(self, tag: str) -> str:
        return f"line {self.getpos()[0]} <{tag}>"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.lang = named.get("lang", "").strip()
        elif tag in ("title", "style"):
            self._in = tag
            self._svg_named = self._svg_named or (tag == "title" and self.svg_depth > 0)
        elif heading := _HEADING.fullmatch(tag):
            self.headings.append((int(heading.group(1)), self._where(tag)))
        elif tag == "img":
            self._image(named)
        elif tag == "table":
            self.tables.append({"th": 0, "unscoped": 0, "empty": 0, "line": self.getpos()[0]})
        elif tag == "th" and self.tables:
            self.tables[-1]["th"] += 1
            self.tables[-1]["unscoped"] += named.get("scope", "") not in ("col", "row", "colgroup", "rowgroup")
            self._header_text = ""
        elif tag == "svg":
            self._svg_start(named)
        if "style" in named:
            self.found.extend(style_contrast(named["style"], self._where(tag)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self.handle_endtag(tag)

    def _image(self, named: dict[str, str]) -> None:
        where = self._where("img")
        alt = named.get("alt")
        decorative = named.get("role", "") in ("presentation", "none") and alt == ""
        if not decorative and not (alt or "").strip():
            self.found.append(Violation("image-alt", where, "the image has no alternative text"))
        elif (alt or "").strip() == NBCONVERT_PLACEHOLDER_ALT:
            self.found.append(Violation("image-alt", where, "the alternative text is nbconvert's placeholder"))
        source = named.get("src", "")
        if source.startswith(_SVG_DATA):
            try:
                svg = base64.b64decode(source[len(_SVG_DATA):], validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                self.found.append(Violation("image-data", where, "the embedded SVG cannot be decoded"))
            else:
                self.found.extend(check_svg(svg, where))

    def _svg_start(self, named: dict[str, str]) -> None:
        self.svg_depth += 1
        if self.svg_depth > 1:
            return
        self._svg_where = self._where("svg")
        hidden = named.get("aria-hidden", "") == "true"
        labelled = bool(named.get("aria-label", "").strip() or named.get("aria-labelledby", "").strip())
        self._svg_named = hidden or (named.get("role") == "img" and labelled)
        if not hidden and named.get("role") != "img":
            self.found.append(Violation("svg-img-alt", self._svg_where, 'an inline SVG needs role="img"'))
            self._svg_named = True  # one violation per SVG is enough

    def handle_endtag(self, tag: str) -> None:
        if tag in ("title", "style"):
            self._in = None
        if tag == "th" and self._header_text is not None:
            self.tables[-1]["empty"] += not self._header_text.strip()
            self._header_text = None
        if tag == "svg" and self.svg_depth:
            self.svg_depth -= 1
            if not self.svg_depth and not self._svg_named:
                self.found.append(Violation("svg-img-alt", self._svg_where, "the inline SVG has no accessible "
                                            "name (aria-label, aria-labelledby or <title>)"))

    def handle_data(self, data: str) -> None:
        if self._header_text is not None:
            self._header_text += data
        if self._in == "title" and not self.svg_depth:
            self.title += data
        elif self._in == "style":
            self.found.extend(stylesheet_contrast(data, f"line {self.getpos()[0]} <style>"))


def check_html(page: str) -> list[Violation]:
    """Every accessibility problem ``page`` has that can be found without a browser (empty if none):
    ``html-lang``, ``page-title``, ``image-alt`` (missing, empty or nbconvert's placeholder),
    ``svg-img-alt``, ``heading-order`` (one ``h1``, first; no level skipped going down),
    ``table-headers`` (a table without ``th``), ``th-scope``, ``empty-table-header``,
    ``text-contrast`` (CSS text colours under 4.5:1 on their background, white unless the same rule
    sets one) and, inside embedded SVG figures, ``graphic-contrast`` and ``text-contrast`` (``check_svg``)."""
    audit = _PageAudit()
    audit.feed(page)
    audit.close()
    found = list(audit.found)
    if not audit.lang:
        found.append(Violation("html-lang", "<html>", "the page does not declare its language"))
    if not audit.title.strip():
        found.append(Violation("page-title", "<head>", "the page has no title"))
    found.extend(heading_order(audit.headings))
    for table in audit.tables:
        where = f"line {table['line']} <table>"
        if not table["th"]:
            found.append(Violation("table-headers", where, "the table has no header cells (<th>)"))
        if table["unscoped"]:
            found.append(Violation("th-scope", where, f"{table['unscoped']} header cell(s) without scope"))
        if table["empty"]:
            found.append(Violation("empty-table-header", where, f"{table['empty']} header cell(s) with no text"))
    return found


def heading_order(headings: list[tuple[int, str]]) -> list[Violation]:
    """Problems in a page's outline, given each heading's level and where it is: not exactly one
    ``h1``, a first heading that is not the ``h1``, a level skipped going down (``h2`` then ``h4``)."""
    found = []
    levels = [level for level, _ in headings]
    if levels.count(1) != 1:
        found.append(Violation("heading-order", "page", f"the page has {levels.count(1)} h1 headings, not one"))
    if levels and levels[0] != 1:
        found.append(Violation("heading-order", headings[0][1], f"the first heading is h{levels[0]}, not h1"))
    for (previous, _), (level, where) in itertools.pairwise(headings):
        if level > previous + 1:
            found.append(Violation("heading-order", where, f"h{level} follows h{previous}: a level is skipped"))
    return found


def style_contrast(declarations: str, where: str) -> list[Violation]:
    """Text-contrast problems of one CSS declaration block (``color: #777; background: #fff``): the
    text colour against the block's own background colour, else white."""
    values: dict[str, str] = {}
    for name, value in _DECLARATION.findall(declarations):
        values[name.lower()] = value.replace("!important", "").strip()
    text = parse_colour(values.get("color", ""))
    if text is None:
        return []
    background = parse_colour(values.get("background-color", values.get("background", "")) or WHITE)
    ground = WHITE if background is None else to_hex(over(background[0], background[1]))
    seen = over(text[0], text[1], ground)
    ratio = contrast_ratio(seen, ground)
    if ratio >= MIN_TEXT_CONTRAST:
        return []
    return [Violation("text-contrast", where, f"text colour {to_hex(seen)} on {ground} has contrast "
                                              f"{ratio:.2f}:1, under {MIN_TEXT_CONTRAST}:1")]


def stylesheet_contrast(css: str, where: str) -> list[Violation]:
    """Text-contrast problems of every rule of a stylesheet (``style_contrast`` per rule; a rule's
    selector is named in the message)."""
    found = []
    for selector, block in _RULE.findall(re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
        found.extend(Violation(v.rule, f"{where} {selector.strip()[:60]}", v.message)
                     for v in style_contrast(block, where))
    return found


# ---------------------------------------------------------------------------------------------- figures
_SHAPES = frozenset({"path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "use", "text", "tspan"})
_INHERITED = ("fill", "stroke", "fill-opacity", "stroke-opacity")


class _SvgAudit(HTMLParser):
    """Walks an SVG document keeping the inherited fill and stroke of each element (html.parser reads
    SVG's XML well enough for this and, unlike an XML parser, expands no entities)."""

    def __init__(self, where: str) -> None:
        super().__init__(convert_charrefs=True)
        self.where = where
        self.found: list[Violation] = []
        self.seen: set[tuple[str, str]] = set()
        #: per open element: inherited paint, whether decorative, whether text, the group opacity
        self.stack: list[tuple[dict[str, str], bool, bool, float]] = [({"fill": "#000000"}, False, False, 1.0)]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {name: value or "" for name, value in attrs}
        paint, decorative, text, opacity = self.stack[-1]
        own = _paint(named)
        paint = {**paint, **{k: v for k, v in own.items() if k in _INHERITED}}
        element_id = named.get("id", "")
        decorative = decorative or element_id.startswith(DECORATIVE_GID)
        text = text or tag in ("text", "tspan") or element_id.startswith("text_")
        opacity *= float(own.get("opacity", "1") or 1)
        self.stack.append((paint, decorative, text, opacity))
        if tag in _SHAPES and not decorative:
            self._check(tag, paint, text, opacity)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if len(self.stack) > 1:
            self.stack.pop()

    def _check(self, tag: str, paint: dict[str, str], text: bool, opacity: float) -> None:
        for part in ("fill", "stroke"):
            parsed = parse_colour(paint.get(part, "none"))
            if parsed is None:
                continue
            alpha = parsed[1] * float(paint.get(f"{part}-opacity", "1") or 1) * opacity
            seen = to_hex(over(parsed[0], alpha))
            if contrast_ratio(seen) < 1.05:  # white, or nearly: the background, not a mark
                continue
            needed = MIN_TEXT_CONTRAST if text else MIN_GRAPHIC_CONTRAST
            rule = "text-contrast" if text else "graphic-contrast"
            if contrast_ratio(seen) < needed and (rule, seen) not in self.seen:
                self.seen.add((rule, seen))
                what = "text" if text else f"a mark's {part} (<{tag}>)"
                self.found.append(Violation(rule, self.where, f"{what} in {to_hex(parsed[0])} shows as {seen} "
                                                              f"with contrast {contrast_ratio(seen):.2f}:1 on white, "
                                                              f"under {needed}:1"))


def _paint(named: dict[str, str]) -> dict[str, str]:
    """An element's own paint properties: presentation attributes, overridden by its ``style``."""
    own = {key: named[key] for key in (*_INHERITED, "opacity") if key in named}
    for declaration in named.get("style", "").split(";"):
        key, _, value = declaration.partition(":")
        if key.strip() in (*_INHERITED, "opacity"):
            own[key.strip()] = value.strip()
    return own


def check_svg(svg: str, where: str = "svg") -> list[Violation]:
    """Contrast problems of an SVG figure's marks (under 3:1 on white) and text (under 4.5:1), each
    colour reported once; opacity is blended onto white. Elements inside a group whose id starts
    with ``DECORATIVE_GID`` and white or near-white paint (the background) are not marks."""
    audit = _SvgAudit(where)
    audit.feed(svg)
    audit.close()
    return audit.found
