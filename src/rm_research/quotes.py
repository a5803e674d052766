"""Free-text answers that may be quoted in a public report, with identifying details removed.

Only participants who said yes to ``consent_quotes`` are quoted. E-mail addresses, phone numbers,
participant and pair codes, and any name found in the raw data (in columns such as ``name`` or
``first_name`` that an export may carry) are replaced by ``[redacted]``. A name that appears
nowhere in the raw data cannot be recognised by pattern alone, so quotes are still for a person
to read before publication; the report says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from . import config
from .clean import Cohort

REDACTED = "[redacted]"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: A run of digits, spaces, dots, dashes and brackets, perhaps after + (phone numbers as people
#: write them: 07700 900123, +44 (0) 20 7946 0958, 0044 7700-900-123); redacted when it holds
#: at least ``PHONE_DIGITS`` digits, so dates and small numbers in the text are left alone.
PHONE = re.compile(r"\+?\(?\d[\d\s().-]{6,}\d")
PHONE_DIGITS = 9
#: Column names an export may use for people's names (after header normalisation).
NAME_COLUMN = re.compile(r"(?:^|[^a-z])(?:first_?|last_?|full_?|sur|fore|given_?|family_?)?names?(?:[^a-z]|$)")


def names_in_raw(tables: dict[str, pd.DataFrame]) -> set[str]:
    """Every name (and each of its words of 2+ letters) in name-like columns of the raw tables."""
    found: set[str] = set()
    for table in tables.values():
        for column in table.columns:
            if NAME_COLUMN.search(str(column)):
                for cell in table[column].dropna().astype(str):
                    found.add(cell.strip())
                    found.update(word for word in re.split(r"[\s,.'-]+", cell) if len(word) >= 2)
    return {name for name in found if name}


def identifiers(cohort: Cohort) -> set[str]:
    """Participant and pair codes of the cohort."""
    people = cohort.participants
    return set(people["participant_id"].dropna()) | set(people["pair_id"].dropna())


def redact(text: str, words: Iterable[str]) -> str:
    """``text`` with e-mails, phone numbers and each of ``words`` (whole words, any case) replaced."""
    text = EMAIL.sub(REDACTED, text)
    text = PHONE.sub(lambda m: REDACTED if sum(c.isdigit() for c in m.group()) >= PHONE_DIGITS else m.group(), text)
    for word in sorted(set(words), key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", REDACTED, text, flags=re.IGNORECASE)
    return text


def consented_quotes(cohort: Cohort, words: Iterable[str]) -> pd.DataFrame:
    """Redacted free-text answers of consenting participants: question and quote, no identifiers,
    in a fixed order that does not follow the participant list."""
    consent = cohort.participants.set_index("participant_id")["consent_quotes"]
    answers = cohort.end_survey.set_index("participant_id")
    answers = answers[consent.reindex(answers.index).fillna(False).astype(bool)]
    words = set(words)
    rows = [(question, redact(str(text), words))
            for question in config.FREE_TEXT_QUESTIONS if question in answers
            for text in answers[question].dropna()]
    quotes = pd.DataFrame(rows, columns=["question", "quote"]).drop_duplicates()
    return quotes.sort_values(["question", "quote"], key=lambda c: c.str.casefold()).reset_index(drop=True)
