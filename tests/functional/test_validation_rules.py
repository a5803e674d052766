"""Each contract rule, broken alone, through `rm-research validate`: exit status 2 and a message
naming the file, the spreadsheet row and the column (data contract, section 3)."""

from __future__ import annotations

import pytest

from rm_research.run.cli import EXIT_BAD_DATA, EXIT_OK, main
from tests.helpers import write_cohort
from tests.rules import RULES


def validate(root, capsys) -> tuple[int, str]:
    status = main(["validate", "--region", "test-region", "--cohort", "1", "--root", str(root)])
    return status, capsys.readouterr().err


def folder(root):
    return root / "data" / "raw" / "test-region" / "cohort-1"


def test_the_unbroken_fixture_is_valid(tmp_path, capsys):
    write_cohort(folder(tmp_path))
    assert validate(tmp_path, capsys)[0] == EXIT_OK


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_rule(tmp_path, capsys, rule):
    rule.write(folder(tmp_path))
    status, err = validate(tmp_path, capsys)
    assert status == EXIT_BAD_DATA
    assert f"  - {rule.expected}\n" in err + "\n", err


def test_rule_names_are_unique():
    assert len({rule.name for rule in RULES}) == len(RULES)


def test_five_problems_in_three_files_are_all_listed(tmp_path, capsys):
    chosen = ["rating above its range", "date not year-month-day", "unknown role", "unknown ethnic group",
              "end survey from someone not enrolled"]
    rules = [next(r for r in RULES if r.name == name) for name in chosen]
    target = write_cohort(folder(tmp_path))
    merged = {}
    for rule in rules:
        for name, (old, new) in rule.edits.items():
            merged.setdefault(name, []).append((old, new))
    for name, edits in merged.items():
        text = (target / f"{name}.csv").read_text()
        for old, new in edits:
            text = text.replace(old, new, 1)
        (target / f"{name}.csv").write_text(text)
    status, err = validate(tmp_path, capsys)
    assert status == EXIT_BAD_DATA
    assert "Found 5 problem(s)" in err
    for rule in rules:
        assert str(rule.expected) in err
    assert len({rule.expected.file for rule in rules}) == 3
