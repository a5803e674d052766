"""Free-text answers that may be quoted in a public report, with identifying details removed.

Only participants who said yes to ``consent_quotes`` are quoted, and every quote is redacted, then
shortened. Each of these is replaced by ``[redacted]``:

============================  ==========================================================================
what                          examples (each becomes ``[redacted]``)
============================  ==========================================================================
links                         ``https://nhs.net/jo?id=7``, ``www.example.org/x`` (trailing ``.,;:!?)]}'"``
                              are kept as text)
e-mail addresses              ``jo.bloggs@nhs.net``, ``j+rm@mail.example.co.uk``
handles                       ``@jo_bloggs``, ``@jo.bloggs`` (``@jo@mastodon.social`` leaves ``@[redacted]``)
dates with a day in them      ``03/04/1985``, ``3.4.85``, ``1985-04-03``, ``3 April 1985``, ``3rd of Apr``,
                              ``April 3, 1985``, ``Apr 3rd``, Excel's ``03-Apr-1985``, ``3/Apr/85``, any
                              space between the parts (a no-break space too); a year or month alone,
                              ``April 1985``, is kept
UK postcodes                  ``SO15 2AB``, ``sw1a1aa``, ``M1  1AE``, with any space between the halves
                              (a tab, a no-break, narrow no-break or thin space)
NHS numbers                   10 digits in any grouping whose check digit passes the Modulus 11 rule
                              (``nhs_number_valid``): ``943 476 5919``, ``943/476/5919``, ``9434765919``
phone and other long numbers  a run of digits and separators (spaces of any kind, dots, dashes of any
                              kind, slashes, underscores, brackets; perhaps after ``+``) holding
                              ``PHONE_DIGITS`` (8) or more digits: ``07700 900123``, ``07700/900123``,
                              ``+44 (0)20 7946 0958``, ``0044 7700-900-123``, the 8-digit local number
                              ``7946 0958``, ``12345678``, a 10-digit number that fails the NHS check
                              (``485/777/3456``); a year range (``2020-2021``, ``2020/2021``) or a time
                              range (``10.30-12.00``) is kept
participant and pair codes    the cohort's codes whatever the separator, case, spacing or leading zeros:
                              for ``ME02``: ``ME02``, ``me02``, ``ME-02``, ``me 02``, ``ME_02``, ``Me.2``,
                              ``ME002``; for ``P-1``: ``P1``, ``p 01``
names                         every name, each word of 2+ letters of it, and its words run together (in
                              order and reversed), from a name-like column of the raw files (``name``,
                              ``first_name``, ``Surname``, ...) and from a survey tool's Name and Email
                              columns (the part of an address before its ``@``), as a whole word in any
                              case, Unicode form, accent or separator: for ``José Núñez``: ``jose``,
                              ``JOSÉ``, ``Jose\\u0301`` (decomposed), ``Ｊｏｓé`` (full-width), ``Nunez``,
                              ``José  Núñez``, ``jose.nunez``, ``jose_nunez``, ``#JoseNunez``,
                              ``NUNEZJOSE``; ``Josephine`` is not touched
============================  ==========================================================================

They are applied in the order of the table, each to the text the one before left, so that a link
holding an ``@`` or a date holding 8 digits is taken whole. The patterns err on the side of
removing: any run of 8 or more digits goes, as does a day number before a month's name even where
"may" is the verb ("2 may be" becomes ``[redacted] be``). A name that appears nowhere in the raw
data cannot be recognised by pattern alone, so quotes are still for a person to read before
publication; the report says so. A quote longer than ``QUOTE_MAX_CHARS`` (600) characters after
redaction is cut back to its last whole word within the limit and ends ``… [shortened]``.

Every step runs in time linear in the length of the answer, by construction (a pasted 150 kB link
made the earlier e-mail pattern take minutes). Python's ``re`` engine backtracks, so each pattern
is written so that it cannot backtrack through a run of text: a pattern either has only bounded
quantifiers (dates, postcodes: a fixed small amount of work at each place), or its unbounded runs
are possessive (``*+``, ``++``: never given back; a test checks that every unbounded quantifier
here is) *and* a match can start only at the beginning of such a run, because a lookbehind rejects
a start inside one (links, e-mails, handles) or because the match, once started, always succeeds
and takes the whole run (phone numbers, whose digits are then counted in Python). So each character
is read a bounded number of times. Names and codes are not matched by patterns built from them:
each distinct word of the text is cut into runs of letters and runs of digits, and each run folded
to a key (``fold``) and looked up once in a dictionary of the keys that begin a name or code; the
runs that do are then found as literal text in one pass, and only there are the next few runs
compared. That is also how Unicode forms are handled without rewriting the quote: the key is
folded, the text is not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

import pandas as pd

from rm_research.core import config
from rm_research.ingest.clean import Cohort
from rm_research.ingest.read import withheld_names
from rm_research.ingest.validate import RawCohort

REDACTED = "[redacted]"
#: Quotes longer than this (in characters, after redaction) are cut at a word boundary.
QUOTE_MAX_CHARS = 600
SHORTENED = "… [shortened]"

#: Column names an export may use for people's names (after header normalisation).
NAME_COLUMN = re.compile(r"(?:^|[^a-z])(?:first_?|last_?|full_?|sur|fore|given_?|family_?)?names?(?:[^a-z]|$)")

# Where a pattern must not start inside a word, the check sits after its first character
# ("\d(?<!\d\d)" rather than "(?<!\d)\d"): a pattern that begins with a character class lets the
# regex engine skip quickly to the places where that class occurs.
#: Links (trailing punctuation is kept as text: "(see https://x.org)." keeps its ").").
LINK = re.compile(r"(?<![\w.+-])(?:(?:https?|ftp)://|www\.)\S++", re.IGNORECASE)
LINK_TRAILING = ".,;:!?)]}'\""
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++")
HANDLE = re.compile(r"(?<![\w@.])@\w++(?:\.\w++)*+")
_MONTH = (r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![^\W\d_])\.?")
_DAY = r"\d(?<!\d\d)\d?(?i:st|nd|rd|th)?"
#: Spaces as typed or pasted: a space, a tab, a no-break, narrow no-break or thin space.
_SPACE = "[ \t\u00a0\u202f\u2009]"
#: Between the parts of a date written with a month's name: spaces, or one -, / or . (Excel's 03-Apr-1985).
_DATE_SEP = rf"(?:{_SPACE}{{1,2}}|[-/.])"
_YEAR = rf"(?:(?:,?{_SPACE}{{1,2}}|[-/.]|(?<=\.))(?:\d{{4}}|'?\d{{2}})(?!\d))?"  # (?<=\.): "Jan.1985"
#: Dates with a day in them, one pattern per way of writing them.
DATES = (
    # 1985-04-03, 03/04/1985, 3.4.85: one separator, used twice (so 10.30-12.00 is not a date)
    re.compile(r"\d(?<!\d\d)(?:\d{3}(?P<iso>[-/.])\d{1,2}(?P=iso)\d{1,2}|\d?(?P<dmy>[-/.])\d{1,2}(?P=dmy)"
               r"(?:\d{4}|\d{2}))(?!\d)"),
    # 3 April 1985, 3rd of Apr, 03-Apr-1985 (as Excel writes a date), 3/Apr/85
    re.compile(rf"{_DAY}(?:{_SPACE}{{0,2}}|[-/.])(?i:of{_SPACE}{{1,2}})?{_MONTH}{_YEAR}"),
    # April 3, 1985; Apr 3rd: the month's first letter, then the rest of a month that begins with it
    re.compile(r"[AaDdFfJjMmNnOoSs](?<![^\W\d_].)(?i:(?<=a)(?:pr(?:il)?|ug(?:ust)?)|(?<=d)ec(?:ember)?"
               r"|(?<=f)eb(?:ruary)?|(?<=j)(?:an(?:uary)?|une?|uly?)|(?<=m)(?:ar(?:ch)?|ay)|(?<=n)ov(?:ember)?"
               rf"|(?<=o)ct(?:ober)?|(?<=s)ep(?:t(?:ember)?)?)(?![^\W\d_])\.?{_DATE_SEP}{_DAY}(?![^\W_]){_YEAR}"),
)
POSTCODE = re.compile(rf"[A-Za-z](?<![^\W_][A-Za-z])[A-Za-z]?\d[A-Za-z\d]?{_SPACE}{{0,2}}\d[A-Za-z]{{2}}(?![^\W_])")
#: Between the groups of an NHS number or a phone number: spaces of any kind, dots, dashes of any
#: kind, slashes, underscores and brackets.
_NUMBER_SEP = "[ \t\u00a0\u202f\u2009().\\/_\u2010-\u2015-]"
#: An NHS number: 10 digits in any grouping (485 777 3456, 485/777/3456, 4857773456), at most two
#: separators between two digits; redacted when its check digit is right (``nhs_number_valid``, the
#: Modulus 11 rule). Any other run of 8 or more digits goes as a phone number (``PHONE``).
NHS_NUMBER = re.compile(rf"\d(?<!\d\d)(?:{_NUMBER_SEP}{{0,2}}\d){{9}}(?!{_NUMBER_SEP}?\d)")
#: A run of digits, spaces, dots, dashes and brackets, perhaps after + (phone numbers as people
#: write them: 07700 900123, +44 (0) 20 7946 0958, 0044 7700-900-123); redacted when it holds
#: at least ``PHONE_DIGITS`` digits (an 8-digit local number such as 7946 0958 included).
PHONE = re.compile(rf"\+?\(?\d(?:\d|{_NUMBER_SEP})*+")
PHONE_DIGITS = 8
PHONE_TRAILING = " \t\u00a0\u202f\u2009()./\\_\u2010\u2011\u2012\u2013\u2014\u2015-"
#: Runs of 8+ digits that are not numbers of a person: a year range, a time range.
NOT_A_PHONE = re.compile(r"(?:19|20)\d\d ?[-./\u2013] ?(?:19|20)\d\d|\d{1,2}[.:]\d\d ?[-\u2013] ?\d{1,2}[.:]\d\d")

# Runs of letters (with any combining accents) or of digits: the units names and codes are made of.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_RUN = rf"(?:[^\W\d_]|[{_MARKS}])++|\d++"
RUN = re.compile(_RUN)
#: Words: runs of letters, digits, underscores and accents (each is then cut into ``RUN``s).
WORD = re.compile(rf"[\w{_MARKS}]++")
#: What may separate the runs of one name or code ("O'Neill", "ME-02", "me 02", "Jo  Bloggs"):
#: up to three spaces, dots, dashes, slashes, underscores or apostrophes.
NEXT_RUN = re.compile(rf"[\s._/'’‐-]{{0,3}}+({_RUN})")
WORD_CHAR = re.compile(rf"[^\W_]|[{_MARKS}]")


def fold(run: str) -> str:
    """The key of a run of letters or digits: compatibility-decomposed (full-width ``Ｊｏ`` is ``jo``),
    case-folded, accents dropped (``José``, ``Jose\\u0301`` and ``jose`` are one key); digits as ASCII
    without leading zeros (``02``, ``２`` and ``2`` are one key)."""
    if run.isascii():
        return (run.lstrip("0") or "0") if run.isdigit() else run.lower()
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", run).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    if text and all(c.isdecimal() for c in text):
        return "".join(str(unicodedata.decimal(c)) for c in text).lstrip("0") or "0"
    return text


def _terms(words: Iterable[str]) -> dict[str, list[tuple[str, ...]]]:
    """Names and codes as sequences of run keys, grouped by their first key, longest first."""
    terms: dict[str, set[tuple[str, ...]]] = {}
    for word in words:
        keys = tuple(fold(run) for run in RUN.findall(str(word)))
        if keys:
            terms.setdefault(keys[0], set()).add(keys)
    return {first: sorted(group, key=len, reverse=True) for first, group in terms.items()}


def _is_word_char(text: str, position: int) -> bool:
    return 0 <= position < len(text) and WORD_CHAR.match(text, position) is not None


def _term_spans(text: str, terms: dict[str, list[tuple[str, ...]]]) -> Iterator[tuple[int, int]]:
    """Where names and codes occur in ``text`` as whole words.

    Each distinct run of letters or digits in ``text`` is folded and looked up once; the runs that
    begin a name or code are then found as literal text (one pass), and only there are the next
    runs compared."""
    hits = {run for word in set(WORD.findall(text)) for run in RUN.findall(word) if fold(run) in terms}
    if not hits:
        return
    # Longest first, so that at any place the alternation tries a whole run before a shorter one.
    candidate = re.compile("|".join(re.escape(run) for run in sorted(hits, key=len, reverse=True)))
    covered = 0
    for found in candidate.finditer(text):
        start = found.start()
        run = RUN.match(text, start)
        if start < covered or _is_word_char(text, start - 1) or run is None or run.end() != found.end():
            continue
        for keys in terms[fold(run.group())]:
            end = run.end()
            for key in keys[1:]:
                following = NEXT_RUN.match(text, end)
                if following is None or fold(following.group(1)) != key:
                    break
                end = following.end(1)
            else:
                if not _is_word_char(text, end):
                    yield start, end
                    covered = end
                    break


def _redact_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    parts, last = [], 0
    for start, end in spans:
        parts += [text[last:start], REDACTED]
        last = end
    return "".join([*parts, text[last:]])


def _keep_trailing(match: re.Match[str], trailing: str) -> str:
    found = match.group()
    body = found.rstrip(trailing)
    return REDACTED + found[len(body):]


def nhs_number_valid(digits: str) -> bool:
    """Whether 10 digits pass the NHS number's Modulus 11 check: the first nine weighted 10 down to 2,
    11 minus the sum's remainder by 11 (11 read as 0; 10 never valid) is the tenth."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _nhs_number(match: re.Match[str]) -> str:
    found = match.group()
    return REDACTED if nhs_number_valid("".join(filter(str.isdigit, found))) else found


def _phone(match: re.Match[str]) -> str:
    found = match.group()
    body = found.rstrip(PHONE_TRAILING)
    if sum(map(str.isdigit, body)) < PHONE_DIGITS or NOT_A_PHONE.fullmatch(body):
        return found
    opening = "(" if body.startswith("(") and ")" not in body else ""  # "(07700 900123)" keeps its brackets
    return opening + REDACTED + found[len(body):]


def redact(text: str, words: Iterable[str]) -> str:
    """``text`` with links, e-mails, handles, dates, postcodes, phone numbers and each of ``words``
    (names and codes: whole words, any case, Unicode form or separator) replaced by ``[redacted]``."""
    return _redact(text, _terms(words))


def _redact(text: str, terms: dict[str, list[tuple[str, ...]]]) -> str:
    if "://" in text or "www." in text.lower():  # a shortcut: these patterns cannot match otherwise
        text = LINK.sub(lambda m: _keep_trailing(m, LINK_TRAILING), text)
    if "@" in text:
        text = HANDLE.sub(REDACTED, EMAIL.sub(REDACTED, text))
    for date in DATES:
        text = date.sub(REDACTED, text)
    text = POSTCODE.sub(REDACTED, text)
    text = NHS_NUMBER.sub(_nhs_number, text)
    text = PHONE.sub(_phone, text)
    return _redact_spans(text, _term_spans(text, terms)) if terms else text


def shorten(text: str, limit: int = QUOTE_MAX_CHARS) -> str:
    """``text`` if it has at most ``limit`` characters; otherwise its first ``limit`` characters cut
    back to the last whole word, followed by ``… [shortened]``."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    if not (head[-1].isspace() or text[limit].isspace()):
        cut = next((i for i in range(len(head) - 1, -1, -1) if head[i].isspace()), None)
        head = head[:cut] if cut else head  # one word longer than the limit is cut inside it
    return head.rstrip() + SHORTENED


#: How much of an answer is redacted before it is shortened, as a multiple of the quote's limit: a
#: 50 MB paste need not be read to publish its first 600 characters, and the margin keeps any
#: redaction that shrinks the head (a long link becomes "[redacted]") from pulling unread text in.
REDACT_MARGIN = 20


def _head(text: str, limit: int) -> str:
    """The part of ``text`` redaction needs to see for a quote of ``limit`` characters."""
    return text[: limit * REDACT_MARGIN]


def as_quotes(texts: Iterable[object], words: Iterable[str], limit: int = QUOTE_MAX_CHARS) -> list[str]:
    """Each of ``texts`` as it may be quoted: redacted (``redact``, ``words`` the names and codes to
    remove) and shortened to ``limit`` characters, reading only as much of each as that needs. The
    caller decides whose answers these are: only consenting participants' may be passed."""
    terms = _terms(words)
    return [shorten(_redact(_head(str(text), limit), terms), limit) for text in texts]


def name_words(cells: Iterable[str]) -> set[str]:
    """Each name in ``cells``, each of its words of 2+ letters (a first name alone is still a name),
    and its words run together, in order and in reverse (``PriyaPatel``, ``#patelpriya``: a hashtag or
    a user name); of an e-mail address, the same of the part before its "@"."""
    found: set[str] = set()
    for cell in cells:
        found.add(cell.strip())
        # an e-mail address names its owner in the part before the "@" ("jane.smith"); its domain names no one
        person = cell.split("@", 1)[0] if "@" in cell else cell
        words = [word for word in re.split(r"[\s,.'’_+-]+", person) if len(word) >= 2]
        found.update(words)
        if len(words) > 1:
            found.update({"".join(words), "".join(reversed(words))})
    return {name for name in found if name}


def names_in_raw(tables: dict[str, pd.DataFrame]) -> set[str]:
    """Every name (and each of its words of 2+ letters) in name-like columns of the raw tables."""
    return name_words(cell for table in tables.values() for column in table.columns
                      if NAME_COLUMN.search(str(column)) for cell in table[column].dropna().astype(str))


def names_to_redact(raw: RawCohort) -> set[str]:
    """Every name a quote from this cohort must not show: those in the raw tables' name-like columns,
    and those in the survey tools' Name and Email columns, which are dropped before the tables are
    made and read again here only for this (``ingest.read.withheld_names``)."""

    return names_in_raw(raw.tables) | name_words(withheld_names(raw.files.values()))


def identifiers(cohort: Cohort) -> set[str]:
    """Participant and pair codes of the cohort."""
    people = cohort.participants
    return set(people["participant_id"].dropna()) | set(people["pair_id"].dropna())


def words_to_redact(cohort: Cohort, names: Iterable[str] = ()) -> set[str]:
    """What free text shown in a report must not show: the cohort's codes always, and ``names``."""
    return identifiers(cohort) | set(names)


def consented_quotes(cohort: Cohort, words: Iterable[str], limit: int = QUOTE_MAX_CHARS) -> pd.DataFrame:
    """Redacted free-text answers of consenting participants, each shortened to ``limit``
    characters: question and quote, no identifiers, in a fixed order that does not follow the
    participant list."""
    consent = cohort.participants.set_index("participant_id")["consent_quotes"]
    answers = cohort.end_survey.set_index("participant_id")
    answers = answers[consent.reindex(answers.index).fillna(False).astype(bool)]
    words = set(words)
    rows = [(question, quote) for question in config.FREE_TEXT_QUESTIONS if question in answers
            for quote in as_quotes(answers[question].dropna(), words, limit)]
    quotes = pd.DataFrame(rows, columns=["question", "quote"]).drop_duplicates()
    return quotes.sort_values(["question", "quote"], key=lambda c: c.str.casefold()).reset_index(drop=True)


#: Exactly this many quotes per question in a public report, or none: fewer than the smallest count
#: the disclosure rule publishes, so that the number of quotes shown bounds no suppressed count.
PUBLIC_QUOTES_PER_QUESTION = 5


def quotable(answered: int, distinct: int, per_question: int = PUBLIC_QUOTES_PER_QUESTION,
             rule: config.DisclosureRule = config.DISCLOSURE) -> bool:
    """Whether a public report may quote a question (or a role's answers to one): at least
    ``rule.smallest_shown`` people answered it and at least ``per_question`` distinct consented answers
    are there to show. It then shows exactly ``per_question``, so the table says nothing more than that."""
    return answered >= rule.smallest_shown and distinct >= per_question


def public_quotes(raw: RawCohort, cohort: Cohort, limit: int = QUOTE_MAX_CHARS,
                  per_question: int = PUBLIC_QUOTES_PER_QUESTION) -> pd.DataFrame:
    """The quotes a public report shows: consenting participants' answers with every name of the
    cohort's files (``names_to_redact``) and every participant and pair code removed, shortened.

    How many quotes are shown is itself a count (at least that many consented), so a question is
    quoted only where ``quotable``, and then with exactly ``per_question`` answers: the table reveals
    no more than "at least that many", below any count the disclosure rule publishes."""
    quotes = consented_quotes(cohort, words_to_redact(cohort, names_to_redact(raw)), limit)
    answered = cohort.end_survey.reindex(columns=list(config.FREE_TEXT_QUESTIONS)).notna().sum()
    distinct = quotes["question"].value_counts()
    shown = [q for q in config.FREE_TEXT_QUESTIONS if quotable(int(answered.get(q, 0)), int(distinct.get(q, 0)),
                                                               per_question)]
    chosen = quotes[quotes["question"].isin(shown)].groupby("question", sort=False).head(per_question)
    return chosen.reset_index(drop=True).rename(columns={"question": "Question", "quote": "Quote"})


def public_quotes_note(per_question: int = PUBLIC_QUOTES_PER_QUESTION,
                       rule: config.DisclosureRule = config.DISCLOSURE) -> str:
    """What the public quotes table shows, in words, with no count of people."""
    return (f"Each question is quoted with exactly {per_question} answers, or not at all: only where at least "
            f"{rule.smallest_shown} people answered it and {per_question} different answers of people who agreed to "
            "be quoted are there to show, so that no small number can be read from the table.")
