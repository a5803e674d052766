"""The synthetic example is reproducible from its seeded generator and labelled synthetic."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rm_research.examples import synthetic
from rm_research.findings.cohort import compute_findings
from rm_research.ingest.clean import tidy_cohort
from rm_research.ingest.validate import validate_cohort

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "raw" / "south-east" / "cohort-1"


def test_committed_example_is_exactly_what_the_generator_writes(tmp_path):
    written = synthetic.write_example(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in EXAMPLE.iterdir())
    for path in written:
        assert path.read_bytes() == (EXAMPLE / path.name).read_bytes(), f"{path.name} differs: run make example-data"


def test_another_seed_gives_other_simulated_values():
    assert not synthetic.generate(1)["end_survey"].equals(synthetic.generate(2)["end_survey"])


def test_labelled_synthetic():
    assert (EXAMPLE / "SYNTHETIC").is_file()
    assert "**Every file here is synthetic.**" in (EXAMPLE / "README.md").read_text()


def test_every_choice_is_in_the_readme():
    readme = (EXAMPLE / "README.md").read_text()
    for choice, basis in synthetic.CHOICES:
        assert choice in readme and basis in readme


# --- SYNTHETIC cohorts of any size (scale benchmark) --------------------------------------------

CONTRACT_FILES = ("participants", "enrolment", "end_survey", "mentoring_sessions", "psych_sessions",
                  "training", "themes")


def _read(folder: Path, name: str) -> pd.DataFrame:
    """A written file as the text an evaluator would see (blank cells as empty strings)."""
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def _expected_flow(folder: Path) -> dict[tuple[str, str], float]:
    """The contract's flow counts (section 4), computed here from the CSV text alone."""
    people = _read(folder, "participants")
    psych = _read(folder, "psych_sessions")
    attended = set(psych.loc[psych["attended"] == "yes", "participant_id"])
    answered = set(_read(folder, "end_survey")["participant_id"])
    counts = {}
    for role in ("mentor", "mentee", "all"):
        group = people if role == "all" else people[people["role"] == role]
        counts[(role, "enrolled")] = float(len(group))
        counts[(role, "matched")] = float((group["pair_id"] != "").sum())
        counts[(role, "attended_psych")] = float(group["participant_id"].isin(attended).sum())
        counts[(role, "completed_end_survey")] = float(group["participant_id"].isin(answered).sum())
        counts[(role, "withdrawn")] = float((group["status"] == "withdrawn").sum())
    return counts


def test_scaled_cohort_is_valid_and_gives_the_flow_its_files_show(tmp_path):
    folder = synthetic.scaled_cohort(tmp_path / "cohort-1", 60, seed=7)
    assert folder == tmp_path / "cohort-1"
    findings = compute_findings(tidy_cohort(validate_cohort(folder)), "synthetic-scale", 1)
    flow = findings[findings["measure"] == "flow"]
    found = {(r.role, r.statistic): r.value for r in flow.itertuples()}
    assert found == _expected_flow(folder)


def test_scaled_cohort_writes_every_contract_file_and_is_labelled_synthetic(tmp_path):
    synthetic.scaled_cohort(tmp_path, 60, seed=7)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{name}.csv" for name in CONTRACT_FILES] + ["README.md", "SYNTHETIC"])
    assert (tmp_path / "SYNTHETIC").read_text() == synthetic.MARKER_TEXT
    assert "**Every file here is synthetic.**" in (tmp_path / "README.md").read_text()
    assert all(not _read(tmp_path, name).empty for name in CONTRACT_FILES)


def test_scaled_cohort_has_the_shape_asked_for(tmp_path):
    people_n = 2000
    synthetic.scaled_cohort(tmp_path, people_n, seed=11)
    people = _read(tmp_path, "participants")
    assert len(people) == people_n and people["participant_id"].is_unique
    paired = people[people["pair_id"] != ""]
    assert len(paired) == 1600  # 80% of 2000, in 800 pairs
    assert (paired.groupby("pair_id")["role"].agg(sorted).map(tuple) == ("mentee", "mentor")).all()
    share_answered = len(_read(tmp_path, "end_survey")) / people_n
    assert 0.80 < share_answered < 0.90  # about 85% (0.97 not withdrawn x 0.88), far beyond chance at n = 2000
    psych = _read(tmp_path, "psych_sessions")
    assert (psych.groupby("participant_id").size() == 3).all() and psych["participant_id"].nunique() == people_n
    logged = _read(tmp_path, "mentoring_sessions")
    per_pair = logged.groupby("pair_id").size()
    assert per_pair.max() <= 6 and set(logged["pair_id"]) <= set(paired["pair_id"])
    assert (logged.groupby("pair_id")["session_no"].agg(lambda s: sorted(map(int, s)))
            .map(lambda numbers: numbers == list(range(1, len(numbers) + 1)))).all()
    themes = _read(tmp_path, "themes")
    assert 0 < themes["participant_id"].nunique() < share_answered * people_n


def test_scaled_cohort_is_seeded(tmp_path):
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        synthetic.scaled_cohort(tmp_path / name, 200, seed=seed)
    for file in (f"{name}.csv" for name in CONTRACT_FILES):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    assert (tmp_path / "a" / "end_survey.csv").read_bytes() != (tmp_path / "c" / "end_survey.csv").read_bytes()


def test_scaled_cohort_of_one_person_is_still_valid(tmp_path):
    validate_cohort(synthetic.scaled_cohort(tmp_path, 1, seed=5))


def test_the_fast_csv_writer_writes_what_pandas_writes(tmp_path):
    table = pd.DataFrame({
        "text": ["plain", "with, comma", 'a "quote"', "two\nlines", "", "plain"],
        "number": [1, 2, 3, 40, 5, 6],
        "blank_ok": pd.array([7, None, 9, None, 11, 12], dtype="Int64"),
    })
    synthetic._write_csv(table, tmp_path / "fast.csv", chunk=4)  # two chunks
    table.to_csv(tmp_path / "pandas.csv", index=False, lineterminator="\n")
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()
