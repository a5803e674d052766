"""The rendered example report is accessible and printable (issue 10): the package's own check finds
nothing, every figure is an SVG image with alternative text from its data and a caption, header
cells are scoped, and the page carries its print and small-screen styles."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from rm_research.report.accessibility import NBCONVERT_PLACEHOLDER_ALT, check_html

pytestmark = pytest.mark.slow


def report(root: Path) -> str:
    return (root / "reports" / "south-east" / "cohort-1" / "report.html").read_text(encoding="utf-8")


class Figures(HTMLParser):
    """Each <figure>'s caption and images (their src and alt), as a browser tokenises the page."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.figures: list[dict] = []
        self.images: list[dict[str, str]] = []
        self._caption: dict | None = None
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        named = {name: value or "" for name, value in attrs}
        if tag == "figure":
            self.figures.append({"caption": "", "images": []})
        elif tag == "figcaption" and self.figures:
            self._caption = self.figures[-1]
        elif tag == "img":
            self.images.append(named)
            if self.figures:
                self.figures[-1]["images"].append(named)

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self._caption = None

    def handle_data(self, data):
        if self._caption is not None:
            self._caption["caption"] += data


def test_the_report_has_no_accessibility_violations(rendered_example):
    found = check_html(report(rendered_example))
    assert found == [], "\n".join(map(str, found))


def test_every_figure_is_an_svg_image_with_a_caption_and_alternative_text(rendered_example):
    parsed = Figures(report(rendered_example))
    assert len(parsed.images) >= 5
    assert all(image["src"].startswith("data:image/svg+xml;base64,") for image in parsed.images)
    assert all(image["alt"].strip() and image["alt"] != NBCONVERT_PLACEHOLDER_ALT for image in parsed.images)
    assert [len(figure["images"]) for figure in parsed.figures] == [1] * len(parsed.images)
    assert all(figure["caption"].strip() for figure in parsed.figures)


def test_the_flow_figure_says_what_it_shows_with_the_published_numbers(rendered_example):
    # the South East's published flow: 11 mentors and 7 mentees enrolled, 5 mentees attended a
    # psychological session, 3 mentees completed the evaluation (seeds/000, 002)
    alts = [image["alt"] for image in Figures(report(rendered_example)).images]
    flow = next(alt for alt in alts if alt.startswith("Bar chart of the participant flow by role."))
    assert "mentors: enrolled 11," in flow
    assert "mentees: enrolled 7, matched with a partner 7, attended a psychological session 5, " \
           "completed the end survey 3" in flow


def test_every_header_cell_is_scoped_and_none_is_empty(rendered_example):
    page = report(rendered_example)
    headers = re.findall(r"<th\b[^>]*>", page)
    assert headers and all(re.search(r'\bscope="(col|row)"', header) for header in headers)
    assert not re.search(r"<th\b[^>]*>\s*</th>", page)


def test_the_page_prints_to_a4_and_fits_a_phone(rendered_example):
    page = report(rendered_example)
    assert re.search(r'<html lang="en"', page)
    assert re.search(r'<meta[^>]*name="viewport"', page) and "width=device-width" in page
    for rule in ("size: A4", "break-inside: avoid", "display: table-header-group", "overflow-x: auto",
                 "max-width: 100%"):
        assert rule in page, rule
    assert "--jp-icon" not in page  # JupyterLab's editor styles are left out
    assert len(page.encode("utf-8")) < 1_000_000
