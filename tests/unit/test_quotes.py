"""Redaction of quotes: e-mails, phone numbers as people write them, names and codes from the data."""

from __future__ import annotations

import pandas as pd
import pytest

from rm_research.quotes import NAME_COLUMN, names_in_raw, redact


@pytest.mark.parametrize(("text", "expected"), [
    ("ring 07700 900123 please", "ring [redacted] please"),
    ("+44 (0) 20 7946 0958 is the office", "[redacted] is the office"),
    ("or 0044 7700 900123.", "or [redacted]."),
    ("call 020-7946-0958", "call [redacted]"),
    ("write to jo.bloggs@nhs.net today", "write to [redacted] today"),
    ("we met 3 times between 2020-11-02 and 2021-05-12", "we met 3 times between 2020-11-02 and 2021-05-12"),
])
def test_redact_patterns(text, expected):
    assert redact(text, set()) == expected


def test_redact_names_and_codes_as_whole_words_in_any_case():
    assert redact("jo said MR01 and Jonathan agreed", {"Jo", "MR01"}) == "[redacted] said [redacted] and Jonathan agreed"


@pytest.mark.parametrize("column", ["name", "name_(optional)", "first_name", "surname", "full_name", "names"])
def test_name_columns_are_recognised(column):
    assert NAME_COLUMN.search(column)


def test_names_in_raw_take_each_word():
    tables = {"participants": pd.DataFrame({"participant_id": ["A1"], "full_name": ["Jo O'Neill-Bloggs"]})}
    assert {"Jo", "Neill", "Bloggs", "Jo O'Neill-Bloggs"} <= names_in_raw(tables)
