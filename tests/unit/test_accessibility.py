"""The accessibility checks: colour formulas against published values, and ``check_html`` on pages
that break each rule once (and on one that breaks none)."""

from __future__ import annotations

import base64

import pytest

from rm_research.report import accessibility as a11y
from rm_research.report.accessibility import Violation, check_html, check_svg


# colour -------------------------------------------------------------------------------------------------
def test_relative_luminance_and_contrast_at_the_ends():
    assert a11y.relative_luminance("#000000") == 0
    assert a11y.relative_luminance("#ffffff") == 1
    assert a11y.contrast_ratio("#000000") == pytest.approx(21)
    assert a11y.contrast_ratio("#005EB8", "#005EB8") == pytest.approx(1)


@pytest.mark.parametrize(("colour", "ratio"), [
    ("#767676", 4.54),  # WebAIM: the lightest grey with 4.5:1 on white
    ("#777777", 4.48),  # ... and the next one, which fails
    ("#ED8B00", 2.53),  # NHS Orange, as issue 10 measured it
    ("#005EB8", 6.38),  # NHS Blue
])
def test_contrast_on_white_matches_published_values(colour, ratio):
    assert a11y.contrast_ratio(colour) == pytest.approx(ratio, abs=0.005)


@pytest.mark.parametrize(("text", "expected"), [
    ("#fff", ((1.0, 1.0, 1.0), 1.0)),
    ("#FF000080", ((1.0, 0.0, 0.0), 128 / 255)),
    ("rgb(0, 51, 255)", ((0.0, 0.2, 1.0), 1.0)),
    ("rgba(0,0,0,0.5)", ((0.0, 0.0, 0.0), 0.5)),
    ("white", ((1.0, 1.0, 1.0), 1.0)),
    ("none", None), ("transparent", None), ("var(--x)", None), ("url(#h1)", None), ("currentColor", None),
])
def test_parse_colour(text, expected):
    assert a11y.parse_colour(text) == expected


def test_a_colour_over_white_at_half_opacity_is_halfway():
    assert a11y.over("#000000", 0.5) == (0.5, 0.5, 0.5)


def test_cielab_difference_matches_published_lab_values():
    # CIELAB (D65) of sRGB white (100, 0, 0) and red (53.24, 80.09, 67.20), e.g. Lindbloom's calculator
    assert a11y.colour_difference("#ffffff", "#000000") == pytest.approx(100, abs=0.01)
    assert a11y.colour_difference("#ff0000", "#000000") == pytest.approx((53.24**2 + 80.09**2 + 67.20**2) ** 0.5,
                                                                         abs=0.05)


@pytest.mark.parametrize("kind", sorted(a11y.CVD_MATRICES))
def test_colour_vision_simulation_keeps_greys(kind):
    # each of Machado's matrices has rows summing to 1: neutral colours look the same to everyone
    for grey in ("#000000", "#808080", "#ffffff"):
        assert a11y.simulate_colour_vision(grey, kind) == grey


@pytest.mark.parametrize("kind", ["protanopia", "deuteranopia"])
def test_red_and_green_converge_for_red_green_colour_blindness(kind):
    red, green = "#d62728", "#2ca02c"
    seen = a11y.colour_difference(a11y.simulate_colour_vision(red, kind), a11y.simulate_colour_vision(green, kind))
    assert seen < a11y.colour_difference(red, green) / 2


# pages ------------------------------------------------------------------------------------------------------
def page(body: str, head: str = "<title>Report</title>", lang: str = ' lang="en"') -> str:
    return f"<!DOCTYPE html><html{lang}><head>{head}</head><body><main>{body}</main></body></html>"


def svg_image(svg: str, alt: str = "Bar chart of people by role: mentors 3, mentees 2") -> str:
    return f'<img src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}" alt="{alt}">'


def svg(*elements: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><svg xmlns="http://www.w3.org/2000/svg" '
            'xmlns:xlink="http://www.w3.org/1999/xlink"><g id="figure_1">' + "".join(elements) + "</g></svg>")


GOOD_SVG = svg('<g id="decorative-figure"><path d="M0 0" style="fill: #ffffff"/></g>',
               '<g id="decorative-grid"><path d="M0 0" style="fill: none; stroke: #cccccc"/></g>',
               '<g id="patch_3"><path d="M0 0" style="fill: #005eb8; stroke: #ffffff"/></g>',
               '<g id="text_1"><g style="fill: #212b32"><use xlink:href="#glyph"/></g></g>')
GOOD = page("<h1>Report</h1><h2>Flow</h2><h3>By role</h3><h2>Sessions</h2>"
            '<table><thead><tr><th scope="col">Role</th><th scope="col">People</th></tr></thead>'
            '<tbody><tr><th scope="row">mentor</th><td>3</td></tr></tbody></table>'
            + svg_image(GOOD_SVG)
            + '<img src="data:image/png;base64,AA==" alt="" role="presentation">'
            + '<svg role="img" aria-label="A diagram"><rect fill="#005eb8"/></svg>'
            + '<svg role="img"><title>A second diagram</title></svg>'
            + '<p style="color: #ffffff; background-color: #005eb8">On blue</p>',
            head="<title>Report</title><style>body { color: #212b32 } a { color: #005eb8 } .x { color: var(--y) }"
                 "</style>")


def rules(found: list[Violation]) -> list[str]:
    return [violation.rule for violation in found]


def test_a_page_that_breaks_no_rule_has_no_violations():
    assert check_html(GOOD) == []


@pytest.mark.parametrize(("html", "rule", "words"), [
    (page("<h1>R</h1>", lang=""), "html-lang", "language"),
    (page("<h1>R</h1>", head="<title> </title>"), "page-title", "no title"),
    (page("<h1>R</h1><img src='data:image/png;base64,AA=='>"), "image-alt", "no alternative text"),
    (page("<h1>R</h1><img src='data:image/png;base64,AA==' alt=' '>"), "image-alt", "no alternative text"),
    (page("<h1>R</h1><img src='data:image/png;base64,AA==' alt='No description has been provided for this image'>"),
     "image-alt", "placeholder"),
    (page("<h1>R</h1><svg><rect/></svg>"), "svg-img-alt", 'role="img"'),
    (page("<h1>R</h1><svg role='img'><rect/></svg>"), "svg-img-alt", "no accessible name"),
    (page("<h1>R</h1><h1>S</h1>"), "heading-order", "2 h1 headings"),
    (page("<p>R</p>"), "heading-order", "0 h1 headings"),
    (page("<h2>S</h2><h1>R</h1>"), "heading-order", "the first heading is h2"),
    (page("<h1>R</h1><h2>S</h2><h4>T</h4>"), "heading-order", "h4 follows h2"),
    (page("<h1>R</h1><table><tr><td>1</td></tr></table>"), "table-headers", "no header cells"),
    (page("<h1>R</h1><table><tr><th>a</th><th scope='col'>b</th></tr></table>"), "th-scope", "1 header cell"),
    (page("<h1>R</h1><table><tr><th scope='col'>&nbsp;</th><th scope='col'>b</th></tr></table>"),
     "empty-table-header", "1 header cell(s) with no text"),
    (page("<h1 style='color: #999999'>R</h1>"), "text-contrast", "2.85:1"),
    (page("<h1>R</h1>", head="<title>R</title><style>/* x */ p.note { color: #777777; }</style>"), "text-contrast",
     "4.48:1"),
    (page("<h1>R</h1><p style='color: #ffffff; background: #ED8B00'>on orange</p>"), "text-contrast", "2.53:1"),
    (page("<h1>R</h1>" + svg_image(svg('<g id="patch_3"><path style="fill: #ED8B00"/></g>'))), "graphic-contrast",
     "#ed8b00 shows as #ed8b00 with contrast 2.53:1"),
    (page("<h1>R</h1>" + svg_image(svg('<path style="fill: #005eb8; fill-opacity: 0.3"/>'))), "graphic-contrast",
     "under 3.0:1"),
    (page("<h1>R</h1>" + svg_image(svg('<g opacity="0.3"><path fill="#005eb8"/></g>'))), "graphic-contrast",
     "under 3.0:1"),
    (page("<h1>R</h1>" + svg_image(svg('<g id="text_2"><g style="fill: #808080"><use/></g></g>'))),
     "text-contrast", "3.95:1"),
    (page("<h1>R</h1>" + svg_image(svg('<text fill="#808080">Mentors</text>'))), "text-contrast", "under 4.5:1"),
    (page("<h1>R</h1><img src='data:image/svg+xml;base64,%%%' alt='A chart'>"), "image-data", "cannot be decoded"),
])
def test_each_rule_has_a_page_that_breaks_it(html, rule, words):
    found = check_html(html)
    assert rules(found) == [rule], found
    assert words in found[0].message


def test_going_back_up_the_outline_is_not_a_skip():
    assert check_html(page("<h1>R</h1><h2>A</h2><h3>B</h3><h4>C</h4><h2>D</h2><h3>E</h3>")) == []


def test_a_mark_is_judged_with_its_inherited_paint_and_each_colour_once():
    figure = svg('<g style="fill: #ED8B00"><path/><path/><g><rect/></g></g>')
    found = check_svg(figure)
    assert rules(found) == ["graphic-contrast"]


def test_decorative_and_white_paint_is_not_a_mark():
    figure = svg('<g id="decorative-spine"><path style="stroke: #cccccc"/></g>', '<path style="fill: #fefefe"/>',
                 '<path style="fill: none; stroke: #ffffff"/>')
    assert check_svg(figure) == []


def test_an_svg_is_read_without_expanding_entities():
    bomb = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "&#x26;#x41;"><!ENTITY b "&a;&a;&a;&a;">]>'
            '<svg><text fill="#212b32">&b;</text></svg>')
    assert check_svg(bomb) == []


# the report's own helpers -----------------------------------------------------------------------------
def test_header_cells_get_a_column_scope_in_the_head_and_a_row_scope_in_the_body():
    from rm_research.render.notebook import scope_table_headers

    table = ('<table><thead><tr><th class="blank">Role</th><th id="c">Count</th></tr></thead>'
             '<tbody><tr><th class="row">Enrolled</th><td>11</td></tr><tr><th scope="col">x</th></tr></tbody>'
             '</table><p>&lt;th class="data"&gt;</p>')
    assert scope_table_headers(table) == (
        '<table><thead><tr><th scope="col" class="blank">Role</th><th scope="col" id="c">Count</th></tr></thead>'
        '<tbody><tr><th scope="row" class="row">Enrolled</th><td>11</td></tr><tr><th scope="col">x</th></tr></tbody>'
        '</table><p>&lt;th class="data"&gt;</p>')
    assert check_html(page("<h1>R</h1>" + scope_table_headers(table))) == []


def test_empty_header_cells_become_ordinary_cells():
    from rm_research.render.notebook import blank_headers_as_cells

    styler_head = ('<tr><th class="blank level0" >&nbsp;</th><th class="col_heading">mentor</th></tr>'
                   '<tr><th class="index_name level0">Stage</th><th class="blank col0" > \n</th><th></th></tr>')
    assert blank_headers_as_cells(styler_head) == (
        '<tr><td class="blank level0" ></td><th class="col_heading">mentor</th></tr>'
        '<tr><th class="index_name level0">Stage</th><td class="blank col0" ></td><td></td></tr>')


def test_an_svg_image_that_could_run_something_is_found():
    from rm_research.render.notebook import embedded_svg_content

    plain = svg_image(GOOD_SVG)
    scripted = svg_image(svg("<script>alert(1)</script>"))
    handler = svg_image(svg('<rect onload="alert(1)"/>'))
    foreign = svg_image(svg("<foreignObject><div>x</div></foreignObject>"))
    assert embedded_svg_content(plain) == []
    found = embedded_svg_content(plain + scripted + handler + foreign)
    assert [line.split(":")[0] for line in found] == ["SVG image 2", "SVG image 3", "SVG image 4"]
    assert "<script> element" in found[0] and "onload" in found[1] and "foreignObject" in found[2]
