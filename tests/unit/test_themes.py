"""Themes by question and role, coder agreement rows, example quotes and the hopes tables, on a
hand-made cohort counted by hand; consent and redaction of every quote.

The cohort (test-local): mentors A1, A2, A3 and mentees B1, B2. A1, A3 and B1 consented to being
quoted; A2 said no, B2 left it blank (= no). themes.csv:

    self_awareness    A1: Step back (ca, cb), Informative (cb)   A2: Step back (ca, cb)
                      A3: Informative (ca)                       B1: Informative (ca, cb), Step back (no coder)
    boundaries        A1: Being open (ca)   A2: Confidentiality (ca)   A3: Being open (cc)
                      B1: Confidentiality (ca, cb)
    relationship_impact  A1: Baggage (ca)
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from rm_research.disclosure.quotes import REDACTED, SHORTENED
from rm_research.findings import registry
from rm_research.findings import themes as findings_themes
from rm_research.findings.views import role_view
from rm_research.ingest.clean import tidy_cohort
from rm_research.ingest.validate import validate_cohort
from rm_research.report import tables
from rm_research.report import themes as report_themes
from tests.helpers import FIXTURE, write_cohort

SELF_AWARENESS = report_themes.QUESTION_WORDING["self_awareness"]
BOUNDARIES = report_themes.QUESTION_WORDING["boundaries"]
RELATIONSHIP = report_themes.QUESTION_WORDING["relationship_impact"]

FILES = {
    **FIXTURE,
    "participants": """participant_id,role,pair_id,ethnic_group,areas_of_work,status,consent_quotes
A1,mentor,P1,Black,,,yes
A2,mentor,P2,Asian,,,no
A3,mentor,,Mixed,,,yes
B1,mentee,P1,White,,,yes
B2,mentee,P2,White,,withdrawn,
""",
    "enrolment": """participant_id,conf_senior,hopes_contribute,hopes_gain
A1,5,Time commitment.,
A2,7,My secret hope,
A3,9,time  commitment.,
B1,3,Listening; email me at b1@nhs.net,
B2,4,Empathy,
""",
    "end_survey": """participant_id,self_awareness,boundaries
A1,"I could step back, said A1 to Jo",Being open with my mentee B1.
A2,A secret answer from A2,Confidential answer
A3,Step back and reflect,
B1,It was informative; call 07700 900123,We kept things confidential
""",
    "themes": """participant_id,question,theme,coder
A1,self_awareness,Step back,ca
A1,self_awareness,Step back,cb
A1,self_awareness,Informative,cb
A2,self_awareness,Step back,ca
A2,self_awareness,Step back,cb
A3,self_awareness,Informative,ca
B1,self_awareness,Informative,ca
B1,self_awareness,Informative,cb
B1,self_awareness,Step back,
A1,boundaries,Being open,ca
A2,boundaries,Confidentiality,ca
A3,boundaries,Being open,cc
B1,boundaries,Confidentiality,ca
B1,boundaries,Confidentiality,cb
A1,relationship_impact,Baggage,ca
""",
}
SECRETS = ("A secret answer", "Confidential answer", "My secret hope", "Empathy")  # A2 (no) and B2 (blank)


def cohort_of(tmp_path, **overrides):
    return tidy_cohort(validate_cohort(write_cohort(tmp_path / "raw", {**FILES, **overrides})))


@pytest.fixture
def cohort(tmp_path):
    return cohort_of(tmp_path)


def findings_of(cohort) -> pd.DataFrame:
    rows = [(m, role, s, v, n) for role in ("mentor", "mentee", "all") for m, s, v, n in findings_themes.theme_rows(cohort, role)]
    return pd.DataFrame(rows, columns=["measure", "role", "statistic", "value", "n"])


def test_theme_rows_count_distinct_participants_of_the_role_any_coder(cohort):
    assert list(findings_themes.theme_rows(cohort, "mentor")) == [
        ("theme:self_awareness", "Informative", 2.0, 3),  # A1 (cb), A3
        ("theme:self_awareness", "Step back", 2.0, 3),  # A1 (two coders: once), A2
        ("theme:boundaries", "Being open", 2.0, 3),  # A1, A3
        ("theme:boundaries", "Confidentiality", 1.0, 3),  # A2
        ("theme:relationship_impact", "Baggage", 1.0, 1),
    ]
    assert list(findings_themes.theme_rows(cohort, "mentee")) == [
        ("theme:self_awareness", "Informative", 1.0, 1),
        ("theme:self_awareness", "Step back", 1.0, 1),  # a row with no coder still counts
        ("theme:boundaries", "Confidentiality", 1.0, 1),
    ]
    everyone = {(m, s): (v, n) for m, s, v, n in findings_themes.theme_rows(cohort, "all")}
    assert everyone[("theme:self_awareness", "Informative")] == (3.0, 4)  # A1, A3, B1 of A1, A2, A3, B1
    assert everyone[("theme:self_awareness", "Step back")] == (3.0, 4)  # A1, A2, B1
    assert everyone[("theme:boundaries", "Being open")] == (2.0, 4)
    assert everyone[("theme:boundaries", "Confidentiality")] == (2.0, 4)  # A2, B1


def test_theme_rows_take_a_role_view_as_findings_does(cohort):
    assert list(findings_themes.theme_rows(cohort, role_view(cohort, "mentor"))) == list(findings_themes.theme_rows(cohort, "mentor"))


def test_theme_and_agreement_rows_are_registered(cohort):
    for measure, statistic, _, _ in [*findings_themes.theme_rows(cohort, "all"), *findings_themes.agreement_rows(findings_themes.question_agreement(cohort))]:
        assert registry.spec(measure, statistic) is not None, (measure, statistic)


def test_agreement_rows_by_hand(cohort):
    # self_awareness: named coders ca and cb (the blank-coder row is nobody's). Coded by both: A1, A2,
    # B1 (A3 only by ca). Themes: Informative, Step back. Judgements (ca, cb): A1-Informative (0, 1),
    # A1-Step back (1, 1), A2-Informative (0, 0), A2-Step back (1, 1), B1-Informative (1, 1),
    # B1-Step back (0, 0). Agree on 5 of 6; ca says present 3/6, cb 4/6, so p_e = 1/2 * 4/6 + 1/2 * 2/6
    # = 1/2 and kappa = (5/6 - 1/2) / (1/2) = 2/3. boundaries has three coders; relationship_impact one.
    rows = list(findings_themes.agreement_rows(findings_themes.question_agreement(cohort)))
    assert [(m, s, n) for m, s, _, n in rows] == [("agreement:self_awareness", "kappa", 3),
                                                  ("agreement:self_awareness", "percent_agreement", 3)]
    assert rows[0][2] == pytest.approx(2 / 3, abs=1e-12)
    assert rows[1][2] == pytest.approx(500 / 6, abs=1e-12)


def test_agreement_in_detail(cohort):
    result = findings_themes.question_agreement(cohort)["self_awareness"]
    # AC1 by hand: pi(present) = (3/6 + 4/6) / 2 = 7/12; p_e = 2 (7/12)(5/12) = 70/144
    assert result.ac1 == pytest.approx((5 / 6 - 70 / 144) / (1 - 70 / 144), abs=1e-12)
    # alpha by hand: 12 values, 7 present, 5 absent, 1 disagreement: 1 - 11 * 2 / (144 - 49 - 25)
    assert result.alpha == pytest.approx(1 - 22 / 70, abs=1e-12)
    assert result.low < 2 / 3 < result.high <= 1


def test_judgements_use_every_theme_either_coder_gave_the_question(tmp_path):
    # ca alone gave A3 "Reflect": a theme of the question, so A1 and A2 are judged on it too
    extra = FILES["themes"] + "A3,self_awareness,Reflect,ca\n"
    first, second = findings_themes.judgements(cohort_of(tmp_path, themes=extra), "self_awareness")
    assert list(first.columns) == ["Informative", "Reflect", "Step back"]
    assert len(first) == 3 and not first["Reflect"].any() and not second["Reflect"].any()


def test_themes_table_by_question_and_role(cohort):
    table = report_themes.themes_table(findings_of(cohort))
    assert list(table.columns) == ["Question", "Theme", "Mentors", "Mentees", "Everyone"]
    rows = {(q, t): tuple(rest) for q, t, *rest in table.itertuples(index=False)}
    assert rows[(SELF_AWARENESS, "Informative")] == ("2 of 3", "1 of 1", "3 of 4")
    assert rows[(BOUNDARIES, "Being open")] == ("2 of 3", "0 of 1", "2 of 4")  # mentees coded, not this theme
    assert rows[(RELATIONSHIP, "Baggage")] == ("1 of 1", "–", "1 of 1")  # no mentee was coded on it
    assert list(table["Question"].drop_duplicates()) == [SELF_AWARENESS, BOUNDARIES, RELATIONSHIP]


def test_themes_table_reads_public_findings_as_published():
    safe = pd.DataFrame({"measure": ["theme:boundaries"] * 2, "role": ["mentor", "all"],
                         "statistic": ["Respect"] * 2, "value": ["*", "10"], "n": ["10", "15"]})
    assert report_themes.themes_table(safe).iloc[0].tolist() == [BOUNDARIES, "Respect", "* of 10", "10 of 15"]


def test_a_theme_is_text_until_styled_escapes_it(tmp_path):
    markup = FILES["themes"] + "A1,self_awareness,<script>alert(1)</script>,ca\n"
    table = report_themes.themes_table(findings_of(cohort_of(tmp_path, themes=markup)))
    assert "<script>alert(1)</script>" in set(table["Theme"])
    page = tables.styled(table).to_html()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_agreement_table_and_notes(cohort):
    results = findings_themes.question_agreement(cohort)
    table = report_themes.agreement_table(results)
    assert table.iloc[0, :4].tolist()[:3] == [SELF_AWARENESS, 3, 6]
    assert table.iloc[0]["Cohen's kappa (95% CI)"].startswith("0.67 (")
    assert table.iloc[0]["Agreement (%)"] == "83.3"
    assert report_themes.agreement_notes(results) == []  # 83% agreement, kappa 0.67: nothing to explain


def test_agreement_notes_carry_the_question(tmp_path):
    # both coders give all five answers "Safe space" and "Respect", except that cb leaves "Respect" off
    # A1's: 9 of 10 judgements agree, but p_e = 1 * 9/10 + 0 = 0.9, so kappa = 0
    people = ("A1", "A2", "A3", "B1", "B2")
    paradox = "participant_id,question,theme,coder\n" + "".join(
        f"{p},boundaries,{theme},{c}\n" for p in people for theme in ("Safe space", "Respect") for c in ("ca", "cb")
        if (p, theme, c) != ("A1", "Respect", "cb"))
    results = findings_themes.question_agreement(cohort_of(tmp_path, themes=paradox))
    assert results["boundaries"].kappa == pytest.approx(0.0, abs=1e-12) and results["boundaries"].percent == 90.0
    notes = report_themes.agreement_notes(results)
    assert len(notes) == 1 and notes[0].startswith(BOUNDARIES) and "kappa paradox" in notes[0]


def test_theme_quotes_are_consented_redacted_and_at_most_two(cohort):
    quoted = report_themes.theme_quotes(cohort, names={"Jo"})
    assert list(quoted.columns) == ["Question", "Theme", "Quote"]
    by_theme = quoted.groupby(["Question", "Theme"])["Quote"].apply(list).to_dict()
    # Informative: A1, A3 and B1 consented; the two shortest are shown
    assert by_theme[(SELF_AWARENESS, "Informative")] == ["Step back and reflect", f"It was informative; call {REDACTED}"]
    assert by_theme[(SELF_AWARENESS, "Step back")] == [f"It was informative; call {REDACTED}",
                                                       f"I could step back, said {REDACTED} to {REDACTED}"]
    assert by_theme[(BOUNDARIES, "Being open")] == [f"Being open with my mentee {REDACTED}."]  # A3 left it blank
    assert by_theme[(BOUNDARIES, "Confidentiality")] == ["We kept things confidential"]  # A2 did not consent
    assert (RELATIONSHIP, "Baggage") not in by_theme  # A1 gave no answer to it
    text = " ".join(quoted["Quote"])
    assert not any(secret in text for secret in SECRETS)
    assert not any(code in text.split() for code in ("A1", "A2", "A3", "B1", "B2", "P1", "P2", "Jo"))


def test_codes_are_redacted_even_without_names(cohort):
    text = " ".join(report_themes.theme_quotes(cohort)["Quote"])
    assert "A1" not in text and "B1" not in text and "Jo" in text  # a name not given cannot be known


def test_long_quotes_are_shortened(tmp_path):
    long = "word " * 100
    answers = FILES["end_survey"].replace("Step back and reflect", long.strip())
    quoted = report_themes.theme_quotes(cohort_of(tmp_path, end_survey=answers), per_theme=5, limit=40)
    shortened = [q for q in quoted["Quote"] if q.endswith(SHORTENED)]
    assert shortened and all(len(q) <= 40 + len(SHORTENED) for q in shortened)


def test_hopes_table_side_by_side_consented_redacted_once(cohort):
    hopes = report_themes.hopes_table(cohort, "hopes_contribute")
    assert list(hopes.table.columns) == ["Mentors", "Mentees"]
    mentors = hopes.table["Mentors"].dropna().tolist()
    assert len(mentors) == 1 and " ".join(mentors[0].split()).casefold() == "time commitment."  # A1 and A3: once
    assert hopes.table["Mentees"].dropna().tolist() == [f"Listening; email me at {REDACTED}"]
    assert hopes.answered == {"mentor": 3, "mentee": 2}
    assert hopes.not_consented == {"mentor": 1, "mentee": 1}  # A2 said no; B2 left it blank
    cells = " ".join(hopes.table.stack().astype(str))
    assert not any(secret in cells for secret in SECRETS)


def test_hopes_note_in_words_and_made_safe_for_publication(cohort):
    hopes = report_themes.hopes_table(cohort, "hopes_contribute")
    note = report_themes.hopes_note(hopes)
    assert note.startswith("3 mentors and 2 mentees answered; the answers of 1 mentors and 1 mentees are not shown")
    assert "*" not in report_themes.public_hopes_note() and "at least 8" in report_themes.public_hopes_note()


def test_hopes_table_rejects_other_questions(cohort):
    with pytest.raises(ValueError, match="hopes"):
        report_themes.hopes_table(cohort, "self_awareness")


def test_reasons_when_all_is_there(cohort):
    assert report_themes.themes_missing(cohort) is None
    assert report_themes.agreement_missing(cohort) is None
    assert report_themes.quotes_missing(cohort) is None
    assert report_themes.hopes_missing(cohort, "hopes_contribute") is None


def test_reasons_without_themes_csv(tmp_path):
    cohort = cohort_of(tmp_path, themes=None)
    assert "themes.csv" in report_themes.themes_missing(cohort) and "not supplied" in report_themes.themes_missing(cohort)
    assert report_themes.agreement_missing(cohort).startswith("No coder agreement is shown: themes.csv")
    assert report_themes.quotes_missing(cohort).startswith("No example quotes are shown: themes.csv")
    assert list(findings_themes.theme_rows(cohort, "all")) == [] and list(findings_themes.agreement_rows(findings_themes.question_agreement(cohort))) == []
    assert report_themes.theme_quotes(cohort).empty and findings_themes.question_agreement(cohort) == {}


def test_reason_without_two_coders(tmp_path):
    one = "participant_id,question,theme,coder\nA1,boundaries,Respect,ca\nA2,boundaries,Respect,ca\n"
    reason = report_themes.agreement_missing(cohort_of(tmp_path, themes=one))
    assert "exactly two" in reason and "boundaries: 1 named" in reason


def test_reason_when_two_coders_share_no_answer(tmp_path):
    apart = "participant_id,question,theme,coder\nA1,boundaries,Respect,ca\nA2,boundaries,Respect,cb\n"
    assert "no answer in common" in report_themes.agreement_missing(cohort_of(tmp_path, themes=apart))


def test_reasons_when_nobody_consented(tmp_path):
    nobody = FILES["participants"].replace(",yes\n", ",no\n")
    cohort = cohort_of(tmp_path, participants=nobody)
    assert "consented" in report_themes.quotes_missing(cohort) and report_themes.theme_quotes(cohort).empty
    assert "none of the participants who answered consented" in report_themes.hopes_missing(cohort, "hopes_contribute")
    hopes = report_themes.hopes_table(cohort, "hopes_contribute")
    assert hopes.table.dropna(how="all").empty and hopes.not_consented == {"mentor": 3, "mentee": 2}


def test_reason_when_nobody_answered(cohort):
    assert "nobody answered" in report_themes.hopes_missing(cohort, "hopes_gain")
    assert report_themes.hopes_table(cohort, "hopes_gain").answered == {"mentor": 0, "mentee": 0}


def test_agreement_result_for_a_question_where_kappa_is_undefined(tmp_path):
    # both coders give every answer the one theme: kappa blank, 100% agreement
    same = "participant_id,question,theme,coder\n" + "".join(
        f"{p},boundaries,Respect,{c}\n" for p in ("A1", "B1") for c in ("ca", "cb"))
    rows = {s: (v, n) for _, s, v, n in findings_themes.agreement_rows(findings_themes.question_agreement(cohort_of(tmp_path, themes=same)))}
    assert math.isnan(rows["kappa"][0]) and rows["kappa"][1] == 2
    assert rows["percent_agreement"] == (100.0, 2)


def test_public_hopes_quote_only_roles_of_8_or_more_and_at_most_5_answers():
    table = pd.DataFrame({"Mentors": [f"hope {i}" for i in range(9)], "Mentees": ["a", "b", "c", *[None] * 6]})
    hopes = report_themes.Hopes("hopes_gain", table, {"mentor": 9, "mentee": 7}, {"mentor": 0, "mentee": 0})
    shown = report_themes.public_hopes(hopes)
    assert list(shown.columns) == ["Mentors"]  # 7 mentees answered: quoting them would count them
    assert shown["Mentors"].tolist() == ["hope 0", "hope 1", "hope 2", "hope 3", "hope 4"]
    # 9 mentors answered but only 3 different consented answers: 3 rows would count them; none shown
    few = report_themes.Hopes("hopes_gain", table.assign(Mentors=["x", "y", "z", *[None] * 6]), {"mentor": 9, "mentee": 7},
                       {"mentor": 6, "mentee": 0})
    assert report_themes.public_hopes(few).empty
