"""Text from the data is never markup and never a formula: escaping, CSV neutralisation, the
report tables and banner, the page check and the offline template's content security policy."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import nbformat
import numpy as np
import pandas as pd
import pytest

from rm_research.core import safety
from rm_research.core.safety import escape_html, neutralise_cell, neutralise_formulas
from rm_research.report import narrative, tables

PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>',
            "javascript:alert(1)", "[x](javascript:alert(1))", "it's <b>bold</b> & more"]


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text between tags."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


# --- escaping -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("<script>", "&lt;script&gt;"),
    ("a & b", "a &amp; b"),
    ('say "hi"', "say &quot;hi&quot;"),
    ("it's", "it&#x27;s"),
])
def test_escape_html(text, expected):
    assert escape_html(text) == expected


def test_styled_tables_escape_cells_labels_and_axis_names():
    table = pd.DataFrame({payload: [payload, 1.5] for payload in PAYLOADS[:3]},
                         index=pd.Index([PAYLOADS[1], "plain"], name=PAYLOADS[0]))
    table.columns.name = PAYLOADS[2]
    for index in (True, False):
        page = tables.styled(table, index=index).to_html()
        parsed = Elements(page)
        assert {tag for tag, _ in parsed.tags} <= {"style", "table", "thead", "tbody", "tr", "th", "td"}
        assert not [name for _, attrs in parsed.tags for name in attrs if name.startswith("on")]
        shown = "".join(parsed.text)
        for payload in PAYLOADS[:3]:
            assert payload in shown


def test_styled_tables_keep_their_number_formats():
    table = pd.DataFrame({"n": [3.0, np.nan], "p": [0.01234, 12.3456]})
    cells = [td for td in Elements(tables.styled(table).to_html()).text if td.strip()]
    assert cells[-4:] == ["3", "0.0123", "–", "12.35"]


def test_banner_escapes_its_text_and_colour():
    page = narrative.banner("**Note:** <img src=x onerror=alert(1)>", colour='red" onmouseover="alert(1)')
    (tag, attrs), *others = Elements(page).tags
    assert (tag, others) == ("div", [])
    assert list(attrs) == ["class", "style"] and attrs["class"] == "rm-banner"
    assert "Note: <img src=x onerror=alert(1)>" in "".join(Elements(page).text)


# --- spreadsheet formulas -----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["=1+1", "+1+1", "-1-cmd", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\")"])
def test_cells_a_spreadsheet_would_run_are_prefixed(text):
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["a = b", "1+1", " =1", "", 3, -1.5, None, "-0.57", "+1", "-1e-05"])
def test_other_cells_are_unchanged(value):
    assert neutralise_cell(value) == value


def _csv(table: pd.DataFrame) -> str:
    out = io.StringIO()
    table.to_csv(out, index=False, lineterminator="\n")
    return out.getvalue()


def test_neutralised_csv_keeps_numbers_as_numbers():
    table = pd.DataFrame({"answer": ["=cmd", "+44 7700", "-dash", "@me", "fine"], "change": [-1.5, -2.0, 0.0, 3.0, 1.0],
                          "rating": pd.array([-1, 2, 3, 4, None], dtype="Int64")})
    assert _csv(neutralise_formulas(table)) == (
        "answer,change,rating\n'=cmd,-1.5,-1\n'+44 7700,-2.0,2\n'-dash,0.0,3\n'@me,3.0,4\nfine,1.0,\n")
    assert neutralise_formulas(table)["change"].dtype == np.float64
    assert table["answer"].iloc[0] == "=cmd", "the table given is not changed"


def test_neutralised_csv_covers_text_of_every_dtype_and_the_header():
    table = pd.DataFrame({"=1+2": ["ok", "ok"], "mixed": pd.Series(["=1", 2], dtype=object),
                          "category": pd.Series(["@x", "@x"], dtype="category"),
                          "string": pd.Series(["-y", None], dtype="string")})
    assert _csv(neutralise_formulas(table)) == "'=1+2,mixed,category,string\nok,'=1,'@x,'-y\nok,2,'@x,\n"


# --- the page check -----------------------------------------------------------------------------

@pytest.mark.parametrize(("page", "found"), [
    ("<p><script>alert(1)</script></p>", "<script> element"),
    ("<img src=x onerror=alert(1)>", "event handler attribute onerror"),
    ('<p>"><svg onload=alert(1)></p>', "event handler attribute onload"),
    ('<a href=" JaVa&#9;Script:alert(1)">x</a>', "javascript: URL"),
    ("<iframe src=data:text/html,x></iframe>", "<iframe> element"),
    ("<meta http-equiv=Refresh content='0;url=http://x'>", "meta http-equiv=refresh"),
    ("<div style='background:url(http://example.org/x.png)'>", "loading from elsewhere"),
    ("<style>@import url(//example.org/a.css);</style>", "loading from elsewhere"),
    ("<base href=http://example.org/>", "<base> element"),
])
def test_active_content_is_found(page, found):
    assert any(found in line for line in safety.active_content(page)), safety.active_content(page)


def test_a_page_of_text_tables_and_embedded_images_is_clean():
    page = ('<html><head><meta charset="utf-8"><style>a{background:url(data:image/svg+xml;base64,AA==)}</style>'
            '</head><body><h1 id="x">T<a href="#x">¶</a></h1><table><tr><td>&lt;script&gt;</td></tr></table>'
            '<img src="data:image/png;base64,AA=="><div style="border: 3px solid #DA291C">b</div></body></html>')
    assert safety.active_content(page) == []


# --- the offline template -------------------------------------------------------------------------

def test_rendered_pages_forbid_scripts_and_remote_loads_before_anything_else():
    from rm_research.render.notebook import render_html

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# A report")]
    parsed = Elements(render_html(notebook, "t"))
    tags = [tag for tag, _ in parsed.tags]
    first_in_head = parsed.tags[tags.index("head") + 1]
    assert first_in_head[0] == "meta"
    assert first_in_head[1]["http-equiv"] == "Content-Security-Policy"
    policy = {d.split()[0]: d.split()[1:] for d in first_in_head[1]["content"].split(";") if d.strip()}
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'none'"]
    assert policy["img-src"] == ["data:"]
    assert "script" not in tags


def test_markdown_text_cannot_become_a_link_an_image_or_markup():
    from rm_research.core.safety import escape_markdown

    text = escape_markdown("Prog ![pixel](http://x/p.png) [click](javascript:x) **bold** <i>")
    assert "![" not in text and "](" not in text.replace("\\](", "") and "<i>" not in text and "**" not in text


def test_remote_images_are_active_content():
    from rm_research.core.safety import active_content

    assert active_content('<img src="http://evil.example/p.png">') != []
    assert active_content('<img src="//evil.example/p.png">') != []
    assert active_content('<img src="data:image/svg+xml;base64,AA"><a href="https://nhs.uk">x</a>') == []


def test_control_and_direction_characters_never_reach_a_page():
    from rm_research.core.safety import escape_html

    assert escape_html("evil\u202eRLO\u0007bell\x1b") == "evilRLObell"
