"""The synthetic example is reproducible from its seeded generator and labelled synthetic."""

from __future__ import annotations

from pathlib import Path

from rm_research import synthetic

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
