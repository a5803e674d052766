"""The free-text questions as a report shows them: themes by question and role, the coders'
agreement, example quotes, and what people hoped to contribute and gain.

The report's qualitative sections follow the seeds: themes by question ("Themes derived from the
Evaluation", seeds/000) with counts by role and a few example quotes, and the two enrolment tables of
mentors' and mentees' hopes side by side (seeds/002). The findings rows are ``findings.themes``.

Every quote is from a participant who consented to being quoted (``consent_quotes``), redacted
(``disclosure.quotes``: links, contact details, dates, the cohort's participant and pair codes and any
names given) and shortened; no table carries a participant identifier. Functions return plain text in
data frames: ``tables.styled`` escapes it for HTML. Each part has a ``*_missing`` function giving
the one-line reason when it cannot be shown, or None.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from rm_research.core import config
from rm_research.core.config import DISCLOSURE, DisclosureRule
from rm_research.disclosure import categories as disclosure_categories
from rm_research.disclosure import control as disclosure_control
from rm_research.disclosure import quotes
from rm_research.findings.themes import _by_theme, coders, question_agreement
from rm_research.ingest.clean import Cohort
from rm_research.report.tables import with_interval
from rm_research.stats.agreement import Agreement, caveat

#: The free-text questions as the forms asked them (data contract, section 2).
QUESTION_WORDING = {
    "self_awareness": "How did the psychological sessions enhance your self-awareness?",
    "self_learning": "What did you learn about yourself?",
    "boundaries": "How has this process helped you maintain boundaries?",
    "relationship_impact": "How did these sessions impact the reverse mentoring relationship?",
    "hopes_contribute": "What do you hope to contribute to the reverse mentoring sessions?",
    "hopes_gain": "What would you like to gain from the reverse mentoring relationship?",
}


HOPES_QUESTIONS = ("hopes_contribute", "hopes_gain")


ROLE_LABELS = disclosure_control.PUBLIC_ROLE_LABELS


#: Example quotes shown per theme, and their length: a table cell, not a page of text.
EXAMPLES_PER_THEME = 2


EXAMPLE_QUOTE_CHARS = 200


HOPE_CHARS = 300


def _of(value: object, n: object) -> str:
    """``count of n`` for reading; numbers (internal findings) or published text (public findings)."""
    def text(x: object) -> str:
        if isinstance(x, str):
            return x or "–"
        return "–" if x is None or pd.isna(x) else f"{float(x):.0f}"  # type: ignore[arg-type]
    return f"{text(value)} of {text(n)}"


def themes_table(findings: pd.DataFrame, rule: DisclosureRule = DISCLOSURE) -> pd.DataFrame:
    """Themes by question and role from the findings' ``theme:`` rows (or the public findings', whose
    values are already made safe): a row per question and theme, a column per role holding
    "count of n" (n: the role's participants with any theme for that question). A role that coded
    the question but not the theme shows 0; a role with no themes for the question, a dash."""
    rows = findings[findings["measure"].astype(str).str.startswith("theme:")]
    roles = [role for role in ROLE_LABELS if role in set(rows["role"])]
    columns = ["Question", "Theme", *(ROLE_LABELS[role] for role in roles)]
    records = []
    for question in config.FREE_TEXT_QUESTIONS:
        asked = rows[rows["measure"] == f"theme:{question}"]
        n_of = {role: group["n"].iloc[0] for role, group in asked.groupby("role")}
        for theme in _by_theme(asked["statistic"].unique()):
            cells = asked[asked["statistic"] == theme].groupby("role")["value"].agg(_one_cell, mark=rule.mark)
            shown = (f"Other themes, each given by fewer than {rule.smallest_shown} people"
                     if theme == disclosure_categories.SUPPRESSED_CATEGORY else theme)
            records.append([QUESTION_WORDING[question], shown,
                            *(_of(cells[role] if role in cells.index else 0.0, n_of[role]) if role in n_of else "–"
                              for role in roles)])
    return pd.DataFrame(records, columns=columns)


def _one_cell(values: pd.Series, mark: str) -> object:
    """One role's cell of a theme: its value; for the public findings' merged rare themes (several rows
    named ``disclosure_categories.SUPPRESSED_CATEGORY``), the mark unless every one of them is 0."""
    if len(values) == 1:
        return values.iloc[0]
    return "0" if (values.astype(str) == "0").all() else mark


def _interval(value: float, low: float, high: float) -> str:

    return with_interval(value, low, high)


def agreement_table(results: dict[str, Agreement]) -> pd.DataFrame:
    """A row per question two coders coded: answers coded by both, (answer, theme) judgements,
    kappa with its 95% interval, percentage agreement, Gwet's AC1 with its interval and
    Krippendorff's alpha (``question_agreement`` gives ``results``)."""
    records = [[QUESTION_WORDING[question], r.units, r.pairs, _interval(r.kappa, r.low, r.high),
                "–" if math.isnan(r.percent) else f"{r.percent:.1f}", _interval(r.ac1, r.ac1_low, r.ac1_high),
                "–" if math.isnan(r.alpha) else f"{r.alpha:.2f}"]
               for question, r in results.items()]
    return pd.DataFrame(records, columns=["Question", "Answers coded by both", "Judgements",
                                          "Cohen's kappa (95% CI)", "Agreement (%)", "Gwet's AC1 (95% CI)",
                                          "Krippendorff's alpha"])


def agreement_notes(results: dict[str, Agreement]) -> list[str]:
    """The caveat (``agreement.caveat``) for each question that needs one, prefixed by the question."""
    notes = [(question, caveat(result)) for question, result in results.items()]
    return [f"{QUESTION_WORDING[question]} {note}" for question, note in notes if note]


def _consenting(cohort: Cohort) -> pd.Index:
    people = cohort.participants
    return pd.Index(people.loc[people["consent_quotes"].fillna(False).astype(bool), "participant_id"])


def _distinct(lines: Iterable[str]) -> list[str]:
    """Lines without repeats (compared ignoring case and spacing), alphabetically: the order says
    nothing about who wrote them."""
    seen: dict[str, str] = {}
    for line in sorted(lines, key=lambda text: (text.casefold(), text)):
        seen.setdefault(" ".join(line.casefold().split()), line)
    return list(seen.values())


def theme_quotes(cohort: Cohort, names: Iterable[str] = (), per_theme: int = EXAMPLES_PER_THEME,
                 limit: int = EXAMPLE_QUOTE_CHARS) -> pd.DataFrame:
    """Example quotes for each question and theme: the answers to that question of consenting
    participants given that theme (any coder), redacted (codes always, and ``names``: pass
    ``quotes.names_in_raw(raw.tables)``) and shortened to ``limit`` characters; at most
    ``per_theme``, the shortest first. Columns Question, Theme, Quote; no identifiers."""
    columns = ["Question", "Theme", "Quote"]
    if cohort.themes is None:
        return pd.DataFrame(columns=columns)
    consenting = _consenting(cohort)
    coded = cohort.themes[cohort.themes["participant_id"].isin(consenting)]
    answers = cohort.end_survey.set_index("participant_id")
    words = quotes.words_to_redact(cohort, names)
    records = []
    for question in config.FREE_TEXT_QUESTIONS:
        given = coded[coded["question"] == question]
        if given.empty or question not in answers:
            continue
        said = answers.loc[answers.index.isin(given["participant_id"]), question].dropna()
        quoted = dict(zip(said.index, quotes.as_quotes(said, words, limit), strict=True))
        for theme in _by_theme(given["theme"].unique()):
            people = given.loc[given["theme"] == theme, "participant_id"].unique()
            lines = _distinct(quoted[p] for p in people if p in quoted)
            for line in sorted(lines, key=len)[:per_theme]:
                records.append([QUESTION_WORDING[question], theme, line])
    return pd.DataFrame(records, columns=columns)


@dataclass(frozen=True)
class Hopes:
    """One enrolment hopes question as seeds/002 shows it: mentors' and mentees' consented answers
    side by side (``table``), with how many of each role answered and how many of those answers are
    not shown because the participant did not consent to being quoted."""

    question: str
    table: pd.DataFrame
    answered: dict[str, int]
    not_consented: dict[str, int]


def hopes_table(cohort: Cohort, question: str, names: Iterable[str] = (), limit: int = HOPE_CHARS) -> Hopes:
    """``hopes_contribute`` or ``hopes_gain``: a column per role (Mentors, Mentees) of the consenting
    participants' answers, redacted (codes always, and ``names``), shortened to ``limit`` characters,
    repeats shown once, in alphabetical order; the shorter column padded with blanks."""
    if question not in HOPES_QUESTIONS:
        raise ValueError(f"{question!r} is not one of {HOPES_QUESTIONS}")
    people = cohort.participants.set_index("participant_id")
    said = cohort.enrolment.set_index("participant_id")[question].dropna()
    consenting = set(_consenting(cohort))
    words = quotes.words_to_redact(cohort, names)
    columns, answered, withheld = {}, {}, {}
    for role in config.ROLES:
        theirs = said[said.index.isin(people.index[people["role"] == role])]
        shown = theirs[theirs.index.isin(consenting)]
        answered[role], withheld[role] = len(theirs), len(theirs) - len(shown)
        columns[ROLE_LABELS[role]] = pd.Series(_distinct(quotes.as_quotes(shown, words, limit)), dtype=object)
    table = pd.DataFrame(columns).reset_index(drop=True)
    return Hopes(question, table, answered, withheld)


def hopes_note(hopes: Hopes) -> str:
    """How many answered and how many answers are withheld for want of consent, in words (internal
    report: a public report says ``public_hopes_note`` instead, as the counts could be small)."""
    mentors, mentees = config.ROLES
    return (f"{hopes.answered[mentors]} mentors and {hopes.answered[mentees]} mentees answered; the answers of "
            f"{hopes.not_consented[mentors]} mentors and {hopes.not_consented[mentees]} mentees are not shown "
            "because they did not consent to being quoted. Repeated answers are shown once; names, codes and "
            "contact details are removed.")


def public_hopes(hopes: Hopes, per_role: int = quotes.PUBLIC_QUOTES_PER_QUESTION,
                 rule: DisclosureRule = DISCLOSURE) -> pd.DataFrame:
    """The hopes a public report shows: a role's answers only where ``quotes.quotable`` (at least
    ``rule.smallest_shown`` of its people answered, and ``per_role`` distinct consented answers are
    there), and then exactly ``per_role`` of them, because the number of answers shown is itself a
    count; the columns of roles not quoted are left out."""
    columns = {label: answers.head(per_role).reset_index(drop=True)
               for role, label in ROLE_LABELS.items() if role in hopes.answered and label in hopes.table
               for answers in [hopes.table[label].dropna()]
               if quotes.quotable(hopes.answered[role], len(answers), per_role, rule)}
    return pd.DataFrame(columns)


def public_hopes_note(per_role: int = quotes.PUBLIC_QUOTES_PER_QUESTION, rule: DisclosureRule = DISCLOSURE) -> str:
    """What the public hopes tables show, in words, with no count of people."""
    return (f"Each role is quoted with exactly {per_role} answers of participants who agreed to be quoted, with "
            f"names, codes and contact details removed, or not at all: only where at least {rule.smallest_shown} "
            f"of its people answered and {per_role} different answers are there to show, so that no small number "
            "can be read from the table.")


def themes_missing(cohort: Cohort) -> str | None:
    """Why no themes can be shown, or None."""
    if cohort.themes is None:
        return "No themes are shown: themes.csv (the coding of the free-text answers) was not supplied."
    if cohort.themes.empty:
        return "No themes are shown: themes.csv has no rows."
    return None


def agreement_missing(cohort: Cohort, agreement: Mapping[str, Agreement] | None = None) -> str | None:
    """Why no coder agreement can be shown, or None (at least one question has it); ``agreement``: the
    coders' agreement computed already (``findings.themes.question_agreement``)."""
    missing = themes_missing(cohort)
    if missing:
        return missing.replace("No themes are shown", "No coder agreement is shown")
    if question_agreement(cohort) if agreement is None else agreement:
        return None
    counted = {question: len(coders(cohort, question)) for question in config.FREE_TEXT_QUESTIONS
               if (cohort.themes["question"] == question).any()}  # type: ignore[index]
    if 2 not in counted.values():
        listed = ", ".join(f"{question}: {n} named" for question, n in counted.items())
        return ("No coder agreement is shown: agreement needs exactly two coders coding the same answers, and no "
                f"question was coded by exactly two ({listed}).")
    return "No coder agreement is shown: the two coders of each question coded no answer in common."


def quotes_missing(cohort: Cohort) -> str | None:
    """Why no example quotes of themes can be shown, or None."""
    missing = themes_missing(cohort)
    if missing:
        return missing.replace("No themes are shown", "No example quotes are shown")
    if theme_quotes(cohort).empty:
        return ("No example quotes are shown: none of the participants whose answers were coded consented to being "
                "quoted and answered the question coded.")
    return None


def hopes_missing(cohort: Cohort, question: str) -> str | None:
    """Why no answers to an enrolment hopes question can be shown, or None."""
    said = cohort.enrolment[question].dropna() if question in cohort.enrolment else pd.Series(dtype=object)
    if said.empty:
        return f"No answers to “{QUESTION_WORDING[question]}” are shown: nobody answered it."
    people = cohort.enrolment.loc[said.index, "participant_id"]
    if not people.isin(_consenting(cohort)).any():
        return (f"No answers to “{QUESTION_WORDING[question]}” are shown: none of the participants who answered "
                "consented to being quoted.")
    return None
