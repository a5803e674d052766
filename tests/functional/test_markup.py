"""Nothing from the data becomes markup: a cohort whose every text column carries an attack, and
a raw file whose name does, rendered as the internal and the public report (data contract, section 4)."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from rm_research.run.cohort import run_publish, run_report
from tests.conftest import make_project
from tests.helpers import visible_text

pytestmark = pytest.mark.slow

SCRIPT = "<script>alert('s')</script>"
IMG = "<img src=x onerror=alert('i')>"
SVG = "\"><svg onload=alert('v')>"
LINK = "<a href=\"javascript:alert('a')\">click</a>"
MARKDOWN = "[click](javascript:alert('m'))"
PAYLOADS = [SCRIPT, IMG, SVG, LINK, MARKDOWN]
#: One answer per free-text question, every one consented, each carrying attacks.
QUOTES = {
    "self_awareness": f"I saw {SCRIPT} in myself",
    "self_learning": f"I learnt {IMG} and {SVG}",
    "boundaries": f"Boundaries {LINK} held",
    "relationship_impact": f"It changed {MARKDOWN} for us",
}
#: Not a contract file name, so ignored (data contract, section 1); on 94fa62a it was read as the
#: training file, and its name shown in both reports.
BAD_FILE_NAME = "training.<img src=x onerror=alert('f')>.csv"


def _csv(rows: list[list[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _files() -> dict[str, str]:
    # 8 pairs: a public report quotes a question only when at least 8 people answered it
    people = [(f"{letter}{k}", role, f"P{k}", 3 + (k + shift) % 5, 5 + (k * 2 + shift) % 5)
              for letter, role, shift in (("A", "mentor", 0), ("B", "mentee", 2)) for k in range(1, 9)]
    participants = [["participant_id", "role", "pair_id", "ethnic_group", "ethnicity_detail", "band", "heard_via",
                     "areas_of_work", "status", "consent_quotes"]]
    participants += [[pid, role, pair, "Black" if role == "mentor" else "White", f"Detail {SVG}", f"Band {IMG}",
                      f"{MARKDOWN} bulletin {SCRIPT}", "People management", "", "yes"]
                     for pid, role, pair, _, _ in people]
    enrolment = [["participant_id", "date", "conf_senior", "hopes_contribute", "hopes_gain"]]
    enrolment += [[pid, "2020-10-05", pre, f"Hope {SCRIPT}", f"Gain {LINK}"] for pid, _, _, pre, _ in people]
    end_survey = [["participant_id", "date", "conf_senior", "sessions_reported", "length_appropriate", "missed_any",
                   "missed_reason", *QUOTES]]
    # different answers (a public report quotes a question only with 5 different ones), the first as typed
    end_survey += [[pid, "2021-05-01", post, 4, "yes", "yes", f"Missed {IMG}",
                    *(quote if k == 0 else f"{quote} ({k})" for quote in QUOTES.values())]
                   for k, (pid, _, _, _, post) in enumerate(people)]
    sessions = [["pair_id", "session_no", "date", "duration_min", "held", "missed_reason"],
                ["P1", 1, "2020-11-01", 60, "yes", ""], ["P1", 2, "2020-12-01", 60, "no", f"Ill {SVG}"]]
    training = [["participant_id", "rating", "resources_needed", "comments"],
                ["A1", 4, f"Guide {SCRIPT}", f"Great {IMG}"], ["B1", 5, "", f"Fine {MARKDOWN}"]]
    themes = [["participant_id", "question", "theme", "coder"],
              ["A1", "self_awareness", f"Theme {SCRIPT}", f"coder {IMG}"],
              ["B1", "self_awareness", f"Theme {SVG}", f"coder {IMG}"]]
    return {"participants": _csv(participants), "enrolment": _csv(enrolment), "end_survey": _csv(end_survey),
            "mentoring_sessions": _csv(sessions), "themes": _csv(themes), BAD_FILE_NAME: _csv(training)}


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, parsed as a browser tokenises it."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    files = _files()
    bad_file = files.pop(BAD_FILE_NAME)
    root = make_project(tmp_path_factory.mktemp("markup"), files)
    (root / "data" / "raw" / "test-region" / "cohort-1" / BAD_FILE_NAME).write_text(bad_file, encoding="utf-8")
    run_report(root, "test-region", 1)
    run_publish(root, "test-region", 1)
    return root / "reports" / "test-region" / "cohort-1"


@pytest.mark.parametrize("page", ["report.html", "report-public.html"])
def test_no_element_or_attribute_comes_from_the_data(reports, page):
    tags = Elements((reports / page).read_text(encoding="utf-8")).tags
    names = [tag for tag, _ in tags]
    assert not {"script", "svg", "iframe", "object", "embed", "form", "base", "link", "math"} & set(names)
    handlers = [(tag, name) for tag, attrs in tags for name in attrs if name.startswith("on")]
    assert handlers == []
    # alternative text quotes the data as inert text; a URL attribute is where "javascript:" would run
    urls = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite", "data"}
    scripted = [(tag, value) for tag, attrs in tags for name, value in attrs.items()
                if name in urls and "javascript:" in re.sub(r"\s", "", value).lower()]
    assert scripted == []
    assert all(attrs.get("src", "").startswith("data:image/svg+xml;base64,") for tag, attrs in tags if tag == "img")
    assert all(attrs.get("href", "").startswith("#") for tag, attrs in tags if tag == "a")


def test_the_quotes_are_shown_as_the_text_that_was_typed(reports):
    shown = visible_text((reports / "report-public.html").read_text(encoding="utf-8"))
    for quote in QUOTES.values():
        assert quote in shown


@pytest.mark.parametrize("page", ["report.html", "report-public.html"])
def test_hostile_data_leaves_the_pages_accessible(reports, page):
    from rm_research.report.accessibility import check_html

    found = check_html((reports / page).read_text(encoding="utf-8"))
    assert found == [], "\n".join(map(str, found))
