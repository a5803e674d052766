"""Cleaning: the contract's tolerance gives the same tidy tables and findings as a clean copy."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt

from rm_research.findings.cohort import compute_findings
from rm_research.ingest.clean import canonical, split_list, tidy_cohort, whole_numbers, yes_no
from rm_research.ingest.validate import validate_cohort
from tests.helpers import FIXTURE, write_cohort


def test_yes_no_spellings():
    raw = pd.Series(["yes", "Y", "TRUE", "1", "no", "n", "False", "0", pd.NA])
    assert yes_no(raw).tolist() == [True, True, True, True, False, False, False, False, pd.NA]


def test_whole_numbers_accept_excel_floats():
    assert whole_numbers(pd.Series(["8", "8.0", pd.NA])).tolist() == [8, 8, pd.NA]


def test_canonical_spelling_and_lists():
    assert canonical(pd.Series(["MENTOR", "Mentee"]), ("mentor", "mentee")).tolist() == ["mentor", "mentee"]
    split = split_list(pd.Series(["people management; COMMUNICATIONS", pd.NA]), ("People management", "Communications"))
    assert split.iloc[0] == ["People management", "Communications"]
    assert pd.isna(split.iloc[1])


def messy(text: str) -> str:
    """What Excel and Forms do to a clean export: shouted headers, padding, other spellings."""
    header, *rows = text.splitlines()
    header = ",".join(f" {h.upper()} " for h in header.split(","))
    rows = [",".join(f" {cell} " if cell else cell for cell in row.split(",")) for row in rows]
    swaps = {" yes ": " Y ", " no ": " FALSE ", " mentor ": " Mentor "}
    body = "\n".join(rows)
    for old, new in swaps.items():
        body = body.replace(old, new)
    blank_row = "," * header.count(",")  # Excel leaves empty rows behind
    return header + "\n" + body + "\n" + blank_row + "\n"


def test_messy_export_gives_identical_findings(tmp_path):
    clean = tidy_cohort(validate_cohort(write_cohort(tmp_path / "clean")))
    files = {name: messy(text) for name, text in FIXTURE.items()}
    folder = write_cohort(tmp_path / "messy", files)
    (folder / "enrolment.csv").write_bytes(b"\xef\xbb\xbf" + (folder / "enrolment.csv").read_bytes())
    untidy = tidy_cohort(validate_cohort(folder))
    pdt.assert_frame_equal(compute_findings(untidy, "r", 1), compute_findings(clean, "r", 1))
    for name, table in clean.tables().items():
        pdt.assert_frame_equal(untidy.tables()[name], table, check_index_type=False)


def test_blank_status_means_enrolled(fixture_cohort):
    assert fixture_cohort.participants.set_index("participant_id")["status"].to_dict() == {
        "A1": "enrolled", "A2": "enrolled", "A3": "enrolled", "B1": "enrolled", "B2": "withdrawn"}
