"""Redaction of quotes: links, e-mails, handles, dates, postcodes, phone numbers, names and codes
from the data, in every Unicode form and spelling; long answers shortened; patterns that cannot
backtrack."""

from __future__ import annotations

import re
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rm_research.disclosure import quotes
from rm_research.disclosure.quotes import NAME_COLUMN, consented_quotes, names_in_raw, redact
from rm_research.ingest.clean import Cohort, tidy_cohort
from rm_research.ingest.validate import validate_cohort
from tests.helpers import FIXTURE, write_cohort

R = "[redacted]"


@pytest.mark.parametrize(("text", "expected"), [
    # phone numbers as people write them, 8-digit local numbers included
    ("ring 07700 900123 please", f"ring {R} please"),
    ("+44 (0) 20 7946 0958 is the office", f"{R} is the office"),
    ("or 0044 7700 900123.", f"or {R}."),
    ("call 020-7946-0958", f"call {R}"),
    ("the local number is 7946 0958", f"the local number is {R}"),
    ("direct line 79460958, ask", f"direct line {R}, ask"),
    ("(07700 900123)", f"({R})"),
    # e-mails, links and handles
    ("write to jo.bloggs@nhs.net today", f"write to {R} today"),
    ("or j+rm@mail.example.co.uk.", f"or {R}."),
    ("see https://nhs.net/jo?id=7). Then", f"see {R}). Then"),
    ("WWW.Example.org/jo, then", f"{R}, then"),
    ("follow @jo_bloggs and @jo.bloggs.", f"follow {R} and {R}."),
    # dates with a day in them, as dates of birth are written
    ("born 03/04/1985 in", f"born {R} in"),
    ("born 3.4.85 in", f"born {R} in"),
    ("born 1985-04-03 in", f"born {R} in"),
    ("born 3 April 1985 in", f"born {R} in"),
    ("born 3rd of Apr, the", f"born {R}, the"),
    ("born April 3, 1985 in", f"born {R} in"),
    ("born on SEPT 3RD.", f"born on {R}."),
    # UK postcodes
    ("I live at SO15 2AB now", f"I live at {R} now"),
    ("near sw1a1aa and M1  1AE.", f"near {R} and {R}."),
    # the cases a hostile review got through (issue 17): a slash in a phone number, a no-break space in
    # a postcode, Excel's date, an NHS number grouped with slashes
    ("call 07700/900123 now", f"call {R} now"),
    ("at SO15\u00a02AB, by", f"at {R}, by"),
    ("born 03-Apr-1985 in", f"born {R} in"),
    ("born 3/Apr/85 in", f"born {R} in"),
    ("NHS no 485/777/3456.", f"NHS no {R}."),
    ("NHS no 943 476 5919.", f"NHS no {R}."),
])
def test_redact_patterns(text, expected):
    assert redact(text, set()) == expected


@pytest.mark.parametrize("text", [
    "we met 3 times between 2020 and 2021",
    "the 2020-2021 cohort met 10.30-12.00 in April 2021",
    "the 2020/2021 cohort met 10:30-12:00, 4-5 times",
    "Band 5, 2 sessions, step 3 of 6, Mayfair 4",
    "javascript:alert(1) <script>x</script>",
])
def test_redact_leaves_counts_years_and_plain_text(text):
    assert redact(text, set()) == text


def test_redact_names_and_codes_as_whole_words_in_any_case():
    assert redact("jo said MR01 and Jonathan agreed", {"Jo", "MR01"}) == f"{R} said {R} and Jonathan agreed"


@pytest.mark.parametrize("variant", ["ME02", "me02", "ME-02", "me 02", "ME_02", "Me.2", "ME002", "ＭＥ０２"])
def test_codes_are_redacted_whatever_the_separator_case_spacing_or_leading_zeros(variant):
    assert redact(f"my mentor ({variant}) agreed", {"ME02"}) == f"my mentor ({R}) agreed"


@pytest.mark.parametrize("text", ["MEO2", "ME02b", "xME02", "ME 0 2 x", "ME--- 02"])
def test_codes_are_not_found_inside_other_words(text):
    assert redact(text, {"ME02"}) == text


def test_a_code_with_a_separator_matches_without_it():
    assert redact("pair P1 and pair p 01", {"P-1"}) == f"pair {R} and pair {R}"


@pytest.mark.parametrize("variant", [
    "José",  # as written in the data (composed, NFC)
    "Jose\u0301",  # decomposed (NFD): e + combining acute accent
    "JOSÉ", "jose", "Ｊｏｓé",  # upper case, no accent, full-width letters
])
def test_names_are_matched_in_any_unicode_form_case_or_accent(variant):
    names = names_in_raw({"participants": pd.DataFrame({"participant_id": ["A1"], "name": ["José Núñez"]})})
    assert redact(f"thanks to {variant}, who listened", names) == f"thanks to {R}, who listened"


def test_a_name_typed_decomposed_in_the_data_matches_a_composed_answer():
    names = names_in_raw({"participants": pd.DataFrame({"participant_id": ["A1"], "name": ["Nu\u0301n\u0303ez"]})})
    assert redact("Núñez and Josephine", names) == f"{R} and Josephine"


def test_a_whole_name_is_one_redaction_and_other_words_are_untouched():
    names = {"Jo O'Neill-Bloggs", "Jo", "Neill", "Bloggs"}
    assert redact("Jo O’Neill Bloggs met Joanna; jo's idea", names) == f"{R} met Joanna; {R}'s idea"


@pytest.mark.parametrize("column", ["name", "name_(optional)", "first_name", "surname", "full_name", "names"])
def test_name_columns_are_recognised(column):
    assert NAME_COLUMN.search(column)


def test_names_in_raw_take_each_word():
    tables = {"participants": pd.DataFrame({"participant_id": ["A1"], "full_name": ["Jo O'Neill-Bloggs"]})}
    assert {"Jo", "Neill", "Bloggs", "Jo O'Neill-Bloggs"} <= names_in_raw(tables)


def _unbounded_repeats(parsed) -> list[tuple[str, object]]:
    """Every repeat with no upper bound in a parsed pattern, with its kind (greedy, lazy, possessive)."""
    found = []
    for op, argument in parsed:
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT):
            _low, high, inner = argument
            if high == sre_constants.MAXREPEAT:
                found.append((str(op), inner))
            found += _unbounded_repeats(inner)
        elif op == sre_constants.SUBPATTERN:
            found += _unbounded_repeats(argument[-1])
        elif op == sre_constants.ATOMIC_GROUP:
            found += _unbounded_repeats(argument)
        elif op == sre_constants.BRANCH:
            for branch in argument[1]:
                found += _unbounded_repeats(branch)
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            found += _unbounded_repeats(argument[1])
    return found


def _patterns() -> dict[str, re.Pattern[str]]:
    found = {name: value for name, value in vars(quotes).items() if isinstance(value, re.Pattern)}
    found.update({f"DATES[{i}]": pattern for i, pattern in enumerate(getattr(quotes, "DATES", ()))})
    return found


@pytest.mark.parametrize("name", sorted(_patterns()))
def test_no_redaction_pattern_can_backtrack_through_an_unbounded_run(name):
    """Linear time by construction: every unbounded quantifier is possessive (never gives back what
    it took), so no run of text is read again for each place a match might end."""
    pattern = _patterns()[name]
    kinds = [kind for kind, _ in _unbounded_repeats(sre_parse.parse(pattern.pattern, pattern.flags))]
    assert all(kind == "POSSESSIVE_REPEAT" for kind in kinds), (name, kinds)


def test_a_pasted_link_is_one_redaction():
    link = "https://example.org/?q=" + "a1b2c3d4e5" * 1_500
    assert redact(f"see {link} please", {"Jo"}) == f"see {R} please"


def test_short_text_is_not_shortened():
    text = "x" * quotes.QUOTE_MAX_CHARS
    assert quotes.shorten(text) == text


def test_long_text_is_cut_at_the_last_whole_word():
    # 1,000 characters: "word word ... word " ; the first 600 hold exactly 120 whole words
    assert quotes.shorten("word " * 200) == " ".join(["word"] * 120) + quotes.SHORTENED


def test_a_word_that_crosses_the_limit_is_dropped():
    text = "a" * 595 + " bbbbbbbbbb and more"
    assert quotes.shorten(text) == "a" * 595 + quotes.SHORTENED


def test_one_word_longer_than_the_limit_is_cut_inside_it():
    assert quotes.shorten("z" * 1000, limit=10) == "z" * 10 + quotes.SHORTENED


def test_the_limit_and_marker_are_the_documented_ones():
    assert quotes.QUOTE_MAX_CHARS == 600
    assert quotes.SHORTENED == "… [shortened]"


def test_consented_quotes_are_shortened_and_only_from_those_who_consented(tmp_path):
    long_answer = "I listened. " * 100  # 1,200 characters
    end_survey = FIXTURE["end_survey"].replace("psych_supportive\n", "psych_supportive,self_learning\n").replace(
        "5,yes,no,yes\n", f"5,yes,no,yes,{long_answer}\n").replace(
        "3,N,,TRUE\n", "3,N,,TRUE,not consented\n").replace(
        "4,y,1,\n", "4,y,1,,not consented either\n")
    participants = FIXTURE["participants"]
    cohort = tidy_cohort(validate_cohort(write_cohort(tmp_path / "raw", end_survey=end_survey,
                                                      participants=participants)))
    table = quotes.consented_quotes(cohort, set())
    assert list(table["quote"]) == [" ".join(["I listened."] * 50) + quotes.SHORTENED]


def test_a_huge_answer_is_shortened_and_its_head_still_redacted(fixture_cohort):
    # a 50 MB paste: only its head is read, redacted, then shortened (main published it verbatim)
    answers = fixture_cohort.end_survey.copy()
    answers["self_awareness"] = answers["self_awareness"].astype("object")
    answers.loc[answers.index[0], "self_awareness"] = "Mail jo@nhs.net " + "word " * 10_000_000
    cohort = fixture_cohort.replaced(end_survey=answers)
    quote = consented_quotes(cohort, set())["quote"].iloc[0]
    assert quote.startswith("Mail [redacted] word") and quote.endswith("… [shortened]")
    assert len(quote) <= 600 + len("… [shortened]")


def test_public_quotes_remove_names_from_raw_columns_and_codes(tmp_path):
    from rm_research.ingest.validate import validate_cohort
    from tests.helpers import FIXTURE, write_cohort

    people = FIXTURE["participants"].replace("consent_quotes\n", "consent_quotes,Full Name\n").replace(
        ",,yes\n", ",,yes,Jo Bloggs\n")
    answers = FIXTURE["end_survey"].replace("psych_supportive\n", "psych_supportive,self_awareness\n").replace(
        "5,yes,no,yes\n", "5,yes,no,yes,Jo and P1 helped me\n")
    raw = validate_cohort(write_cohort(tmp_path, participants=people, end_survey=answers))
    words = quotes.names_to_redact(raw) | quotes.identifiers(tidy_cohort(raw))
    assert consented_quotes(tidy_cohort(raw), words)["quote"].tolist() == ["[redacted] and [redacted] helped me"]


def _answering(count: int, consenting: int) -> Cohort:
    """A cohort of ``count`` people who all answered self_awareness, the first ``consenting`` consenting."""
    ids = [f"P{i:02d}" for i in range(count)]
    participants = pd.DataFrame({"participant_id": ids, "role": "mentor", "pair_id": pd.NA,
                                 "consent_quotes": [i < consenting for i in range(count)]})
    end = pd.DataFrame({"participant_id": ids, "self_awareness": [f"answer number {i}" for i in range(count)]})
    return Cohort({"participants": participants, "enrolment": pd.DataFrame({"participant_id": ids}),
                   "end_survey": end})


class _Raw:
    """A raw cohort with no name columns and no files (the names to redact come from the cohort only)."""

    def __init__(self) -> None:
        self.tables: dict = {}
        self.files: dict = {}


def test_a_question_fewer_than_8_people_answered_is_not_quoted_in_public():
    # 7 answered, all consented: 7 quotes would say that 7 (a suppressed count) answered
    assert quotes.public_quotes(_Raw(), _answering(7, 7)).empty


def test_public_quotes_show_exactly_5_answers_or_none():
    shown = quotes.public_quotes(_Raw(), _answering(12, 12))
    assert len(shown) == quotes.PUBLIC_QUOTES_PER_QUESTION < 8
    assert list(shown.columns) == ["Question", "Quote"]
    # 2 consented of 12: two quotes would say that exactly 2 agreed; none are shown
    assert quotes.public_quotes(_Raw(), _answering(12, 2)).empty
    assert len(quotes.public_quotes(_Raw(), _answering(12, 5))) == 5


# --- a generated corpus: identifiers written every way people write them ----------------------------------

def test_the_nhs_check_digit_is_the_modulus_11_rule():
    """943 476 5919 is the NHS's own example of a valid number; changing its check digit breaks it."""
    assert quotes.nhs_number_valid("9434765919")
    assert not any(quotes.nhs_number_valid(f"943476591{d}") for d in "012345678")
    assert not quotes.nhs_number_valid("4857773456")  # 10 digits, but no NHS number (still redacted as a phone)


_SEPARATORS = [" ", "", "-", "/", ".", "\u00a0", "\u202f", "\u2013", "_"]
_SPACES = [" ", "", "  ", "\t", "\u00a0", "\u202f", "\u2009"]
_MONTHS = ["Jan", "February", "Mar", "APR", "may", "June", "Jul", "Aug.", "Sept", "October", "Nov", "Dec"]


def _nhs_number(stem: int) -> str:
    """A valid NHS number: nine digits and the check digit the Modulus 11 rule gives (stems giving 10 skipped)."""
    digits = f"{stem:09d}"
    check = 11 - sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
    return digits + str(0 if check == 11 else check)


@st.composite
def identifiers_in_text(draw: st.DrawFn) -> tuple[str, list[str], set[str]]:
    """An answer holding an identifier written one of the ways seen in exports, the digits or letters that
    must not survive, and the names the cohort's files hold."""
    first = draw(st.sampled_from(["Priya", "Jose", "Aisha", "Tomasz", "Chidi", "Siobhan"]))
    last = draw(st.sampled_from(["Patel", "Nunez", "Okafor", "Kowalski", "Byrne", "Ahmed"]))
    sep = draw(st.sampled_from(_SEPARATORS))
    kind = draw(st.sampled_from(["phone", "nhs", "postcode", "date", "name"]))
    if kind == "phone":
        digits = "07" + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=9, max_size=9)))
        cut = draw(st.integers(2, 8))
        written, secret = digits[:cut] + sep + digits[cut:], [digits[-6:]]
    elif kind == "nhs":
        number = _nhs_number(draw(st.integers(100_000_000, 999_999_999)))
        assume(quotes.nhs_number_valid(number))
        written, secret = sep.join([number[:3], number[3:6], number[6:]]), [number[-4:]]
    elif kind == "postcode":
        outward = draw(st.sampled_from(["SO15", "SW1A", "M1", "B33", "EC1V", "LS6"]))
        inward = draw(st.sampled_from(["2AB", "1AA", "1AE", "8TH", "9QX"]))
        written, secret = outward + draw(st.sampled_from(_SPACES)) + inward, [inward]
    elif kind == "date":
        day, year = draw(st.integers(1, 28)), draw(st.sampled_from(["1985", "85", "2001"]))
        month = draw(st.sampled_from(_MONTHS))
        form = draw(st.sampled_from(["{d}-{m}-{y}", "{d} {m} {y}", "{d}/{m}/{y}", "{m} {d}, {y}", "{d}.{m}.{y}"]))
        written, secret = form.format(d=f"{day:02d}" if draw(st.booleans()) else str(day), m=month, y=year), [year]
    else:
        shapes = ["#{f}{l}", "{f}.{l}", "{f}_{l}", "{l}{f}", "{F}{L}", "@{f}{l}", "{f} {l}", "{l}, {f}"]
        shape = draw(st.sampled_from(shapes))
        written = shape.format(f=first, l=last, F=first.upper(), L=last.upper())
        secret = [first.lower(), last.lower()]
    lead = draw(st.sampled_from(["I am ", "Contact: ", "(", "see ", ""]))
    tail = draw(st.sampled_from([" thanks.", ")", ", then we met.", "", "."]))
    return lead + written + tail, secret, {f"{first} {last}", f"{first.lower()}.{last.lower()}@nhs.net"}


@settings(max_examples=600, deadline=None, derandomize=True)
@given(identifiers_in_text())
def test_no_identifier_written_any_common_way_survives_redaction(case):
    """The generated corpus: phone numbers split anywhere by any separator, NHS numbers in any grouping,
    postcodes with any space, dates in the common written and Excel forms, names from the export's own
    Name and Email columns run together, hashtagged or reversed (issue 17)."""
    text, secret, raw_names = case
    redacted = redact(text, quotes.name_words(raw_names))
    assert not any(part in redacted.lower() for part in secret), (text, redacted)
