"""A report page as its sections, each declared once: title, introduction, internal and public rendering.

A ``Section`` says everything a report needs about one part of a page: its title (and so its
anchor and its line in the contents), the paragraph that introduces it (the public version's own
where it differs), how the internal report shows it and how the public version does (None: the
public version leaves it out). Why a part cannot be shown is said in one way everywhere,
``Page.missing``: one italic line, "Not shown: <the reason>".

A ``Page`` is where a section's content goes: the notebook's output, through IPython's display,
with tables and figures numbered in the order they are shown. The cohort page's sections are
``report.cohort_page``, a region's or the nation's ``report.level_page``; each level has one notebook,
which shows the page's sections one cell each, internal or public by its ``public`` parameter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar, Final, Generic, TypeVar

import pandas as pd
from IPython.display import HTML, Markdown, display

from rm_research.core.config import DEFAULTS, Settings
from rm_research.core.safety import escape_html
from rm_research.disclosure.control import method_statement
from rm_research.report import figures
from rm_research.report.narrative import escape_markdown, unavailable

P = TypeVar("P", bound="Page")


def anchor(title: str) -> str:
    """The anchor of a heading, as nbconvert makes it for a Markdown heading: spaces as ``-``."""
    return re.sub(r"\s+", "-", title.strip())


@dataclass(frozen=True)
class Section(Generic[P]):
    """One section of a page: ``title``; ``intro``, Markdown introducing it (``public_intro`` in the
    public version where given); ``internal`` and ``public`` show it on a page (``public`` None: not
    in the public version; ``internal`` None: in the public version only). ``level``: 2 for a
    section, 3 for a part of one (not listed in the contents). ``appendix``: an appendix, lettered
    in the order the page shows its appendices. ``listed``: in the contents (not the key findings or
    the contents themselves). ``reads``: what it is made from, by name: findings measures (or their
    families, ``findings.registry.family``), contract files, and the results the command computed
    (``CohortResults``/``LevelResults`` fields). ``unavailable``: why the whole section cannot be shown
    on a page, or None; it is then said in its place in one line, the same way everywhere. ``alone``:
    shown only on a page that shows it in place of all the others (``Page.alone``). ``when``: on the pages
    for which it is true only (None: on every page), not even named elsewhere. ``new_page``: printed
    (and in Word) from the top of a page."""

    key: str
    title: str
    internal: Callable[[P], None] | None
    public: Callable[[P], None] | None
    intro: str = ""
    public_intro: str | None = None
    level: int = 2
    appendix: bool = False
    listed: bool = True
    reads: tuple[str, ...] = ()
    unavailable: Callable[[P], str | None] | None = None
    alone: bool = False
    when: Callable[[P], bool] | None = None
    new_page: bool = False

    def on(self, public: bool) -> Callable[[P], None] | None:
        """How the internal (``public`` False) or the public version shows it; None: not at all."""
        return self.public if public else self.internal


@dataclass
class Page:
    """The display a page's sections write to: Markdown, HTML, numbered tables and figures, and the
    one line saying why a part is not shown. A level's page (``report.cohort_page``, ``report.level_page``)
    adds what its sections read, and ``SECTIONS``, its sections in the order shown."""

    public: bool
    findings: pd.DataFrame  # the level's findings on the internal page, its protected findings on the public one
    numbering: figures.Numbering = field(default_factory=figures.Numbering, init=False)
    settings: Settings = field(default=DEFAULTS, kw_only=True)  # the run's (``core.config.Settings``)
    png_copies: bool = field(default=False, kw_only=True)  # figures with PNG copies, for a Word copy
    labels: dict[str, str] = field(default_factory=dict, init=False)  # each item's wording (``tables.item_labels``)

    SECTIONS: ClassVar[tuple[Section, ...]] = ()

    # ------------------------------------------------------------------- the further instruments' data
    def supplied(self, name: str) -> bool:
        """Whether the page's cohort (or any of its cohorts) supplied the optional file ``name``."""
        raise NotImplementedError

    def absent(self, name: str) -> str:
        """The one line a section says where no cohort of the page supplied ``name`` (``supplied``)."""
        return f"no `{name}.csv` was supplied"

    def instrument_people(self) -> pd.DataFrame:
        """The page's people with the section 8 columns (``findings.instruments.person_frame``; internal page)."""
        raise NotImplementedError

    def instrument_unit(self) -> str | None:
        """What a level's tables of people break down by (``cohort_label``, ``region``); None on a cohort's page."""
        return None

    # ------------------------------------------------------------------------------------- sections
    def alone(self) -> bool:
        """Whether this page shows its ``alone`` sections in place of all the others (a cohort too small
        to publish: ``report.cohort_page``); no, unless a page says otherwise."""
        return False

    def sections(self) -> list[Section]:
        """The sections this page (internal or public) shows, in order."""
        alone = self.alone()
        return [s for s in self.SECTIONS if s.on(self.public) is not None and s.alone == alone
                and (s.when is None or s.when(self))]

    def title(self, section: Section) -> str:
        """A section's heading: its title, an appendix's lettered ("Appendix A. Methods")."""
        if not section.appendix:
            return section.title
        appendices = [s for s in self.sections() if s.appendix]
        return f"Appendix {chr(ord('A') + appendices.index(section))}. {section.title}"

    def show(self, key: str) -> None:
        """Show the section ``key``: its heading, its introduction, its content (nothing if this
        version of the page does not have it)."""
        section = next((s for s in self.SECTIONS if s.key == key), None)
        if section is None:
            raise KeyError(f"{key!r} is not a section of this page; its sections are "
                           f"{', '.join(s.key for s in self.SECTIONS)}")
        render = section.on(self.public)
        if render is None or section not in self.sections():
            return
        if section.new_page:
            self.html(PAGE_BREAK)
        self.heading(self.title(section), section.level)
        intro = section.public_intro if self.public and section.public_intro is not None else section.intro
        if intro:
            self.markdown(intro)
        if section.unavailable is not None and (reason := section.unavailable(self)):
            self.missing(reason)
            return
        render(self)

    def contents(self) -> str:
        """The page's contents as Markdown: its sections numbered, then its appendices, each a link."""
        listed = [s for s in self.sections() if s.level == 2 and s.listed]
        body = [f"{number}. [{s.title}](#{anchor(s.title)})"
                for number, s in enumerate((s for s in listed if not s.appendix), start=1)]
        appendices = [f"[{self.title(s)}](#{anchor(self.title(s))})" for s in listed if s.appendix]
        return "\n".join(body) + ("\n\nAppendices: " + ", ".join(appendices) if appendices else "")

    # -------------------------------------------------------------------------------------- display
    def title_heading(self, title: str) -> None:
        """The page's title, its one top-level heading."""
        self.heading(title, level=1)

    def markdown(self, text: str) -> None:
        """Show ``text``, Markdown written by the package (data-derived parts already escaped)."""
        display(Markdown(text))

    def note(self, text: str) -> None:
        """Show ``text`` (plain words, escaped here) as a paragraph."""
        display(Markdown(escape_markdown(text)))

    def html(self, text: str) -> None:
        """Show ``text``, HTML written by the package (data-derived parts already escaped)."""
        display(HTML(text))

    def table(self, table: pd.DataFrame, title: str, index: bool = False) -> None:
        """Show ``table`` under its numbered title (``figures.show_table``)."""
        figures.show_table(table, title, self.numbering, index=index)

    def figure(self, chart: figures.Chart) -> None:
        """Show ``chart`` with its number (``figures.show``), with its PNG copy when the page has a Word copy."""
        figures.show(chart, self.numbering, png=self.png_copies)

    def missing(self, reason: str) -> None:
        """Say in one line why a part of a section is not shown (``narrative.unavailable``)."""
        display(Markdown(unavailable(reason)))

    def heading(self, title: str, level: int = 2) -> None:
        """A heading, with the anchor the contents link to."""
        target = anchor(title)
        display(HTML(f'<h{level} id="{escape_html(target)}">{escape_html(title)}'
                     f'<a class="anchor-link" href="#{escape_html(target)}">¶</a></h{level}>'))




#: A page break in print and in the Word copy (``render.word``), between a page's parts.
PAGE_BREAK: Final = '<div class="rm-page-break"></div>'


def heading_only(page: Page) -> None:
    """The content of a section that is only a heading over the parts that follow it."""


def _contents(page: Page) -> None:
    page.markdown(page.contents())


def _disclosure_control(page: Page) -> None:
    page.markdown(method_statement(page.findings, page.settings.disclosure))


#: The sections every page has: its contents, and (public version) how its figures were protected.
CONTENTS: Final = Section("contents", "Contents", _contents, _contents, listed=False)
DISCLOSURE_CONTROL: Final = Section("disclosure", "Disclosure control", None, _disclosure_control, appendix=True)
#: Why a public page gives no checksums (its provenance appendix's introduction).
PUBLIC_PROVENANCE_INTRO: Final = ("The sizes and checksums of the raw files are recorded in the internal report only: "
                                  "a file's size gives its number of rows away, and so the number of people.")
