"""Generated SYNTHETIC regions published whole, then attacked from their public tables alone.

Issue 17, point 1: cohorts of 9 to 30 people are drawn (``examples.synthetic.scaled_cohort``, one seed
each), every table of the region is published as ``publish-all`` publishes it (each on its own, then the
audit across levels: ``disclosure.hierarchy``), and an integer programme written here, independent of
``rm_research.disclosure``, looks for every withheld count it can pin. It knows what the public files
and the published rule say: a shown count is within 2 of the truth and 0 is 0; everyone = mentors +
mentees; each pair has one mentor and one mentee; a region's flow and yes counts are the sums of its
cohorts'; a part is no larger than its whole; a share withheld because the rest of its group is small
(``small_rest``) leaves 1 to 7 people in that rest. A withheld count it pins at anything but 0 fails
the test (a 0 follows only from a published 0).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from rm_research.core.paths import NATIONAL

pytestmark = pytest.mark.slow

ROLES = ("mentor", "mentee")
STAGES = ("enrolled", "matched", "attended_psych", "completed_end_survey", "withdrawn")
YES_NO = ("length_appropriate", "psych_supportive", "missed_any")
TOP = 10_000


class Attack:
    """Integer variables for every count of every table, and the constraints a reader can write down."""

    def __init__(self, slack: float = 2.0) -> None:
        self.slack = slack  # how far a shown count may be from the truth: half the rounding base
        self.index: dict[tuple, int] = {}
        self.rows: list[tuple[dict[int, float], float, float]] = []
        self.hidden: list[tuple[tuple, int]] = []

    def var(self, key: tuple) -> int:
        return self.index.setdefault(key, len(self.index))

    def add(self, coefficients: dict[int, float], low: float, high: float) -> None:
        self.rows.append((coefficients, low, high))

    def shown(self, key: tuple, text: str) -> None:
        variable = self.var(key)
        if text == "*":
            self.hidden.append((key, variable))
        elif text not in ("",):
            value = float(text)
            self.add({variable: 1.0}, *((0.0, 0.0) if value == 0 else (value - self.slack, value + self.slack)))

    def table(self, unit: str, safe) -> None:
        cells = {(m, r, s): (v, n, w) for m, r, s, v, n, w in zip(
            safe["measure"], safe["role"], safe["statistic"], safe["value"], safe["n"], safe["withheld"],
            strict=True)}
        for role in (*ROLES, "all"):
            for stage in STAGES:
                if ("flow", role, stage) in cells:
                    value, n, _ = cells[("flow", role, stage)]
                    self.shown((unit, "flow", role, stage), value)
                    self.shown((unit, "flow", role, "enrolled"), n)
                    self.add({self.var((unit, "flow", role, stage)): 1.0,
                              self.var((unit, "flow", role, "enrolled")): -1.0}, -TOP, 0.0)
            for item in YES_NO:
                if (item, role, "yes_count") not in cells:
                    continue
                value, n, why = cells[(item, role, "yes_count")]
                yes, answered = self.var((unit, item, role, "yes")), self.var((unit, item, role, "answered"))
                self.shown((unit, item, role, "yes"), value)
                self.shown((unit, item, role, "answered"), n)
                self.add({yes: 1.0, answered: -1.0}, -TOP, 0.0)
                if why == "small_rest":
                    self.add({answered: 1.0, yes: -1.0}, 1.0, 7.0)
        for name in (*(("flow", s) for s in STAGES), *((i, w) for i in YES_NO for w in ("yes", "answered"))):
            keys = [(unit, name[0], role, name[1]) for role in (*ROLES, "all")]
            if all(key in self.index for key in keys):
                self.add({self.var(keys[0]): 1.0, self.var(keys[1]): 1.0, self.var(keys[2]): -1.0}, 0.0, 0.0)
        matched = [(unit, "flow", role, "matched") for role in ROLES]
        if all(key in self.index for key in matched):
            self.add({self.var(matched[0]): 1.0, self.var(matched[1]): -1.0}, 0.0, 0.0)

    def sums(self, parent: str, children: list[str]) -> None:
        for key in [k for k in self.index if k[0] == parent]:
            parts = [(child, *key[1:]) for child in children]
            coefficients = {self.var(key): 1.0}
            for part in parts:
                coefficients[self.var(part)] = coefficients.get(self.var(part), 0.0) - 1.0
            self.add(coefficients, 0.0, 0.0)

    def pinned(self) -> list[tuple[tuple, float]]:
        size = len(self.index)
        matrix = np.zeros((len(self.rows), size))
        for r, (coefficients, _, _) in enumerate(self.rows):
            for column, a in coefficients.items():
                matrix[r, column] = a
        constraint = LinearConstraint(matrix, [lo for _, lo, _ in self.rows], [hi for _, _, hi in self.rows])
        found = []
        for key, variable in self.hidden:
            extremes = []
            for sign in (1.0, -1.0):
                objective = np.zeros(size)
                objective[variable] = sign
                result = milp(objective, constraints=constraint, bounds=Bounds(0, TOP), integrality=np.ones(size))
                assert result.success, "the true tables satisfy every constraint, so some table is feasible"
                extremes.append(round(result.x[variable]))
            if extremes[0] == extremes[1] and extremes[0] != 0:
                found.append((key, extremes[0]))
        return found


def generated_region(root, seed: int) -> list[int]:
    """Three SYNTHETIC cohorts of 9 to 30 people in the region ``generated``; their sizes."""
    from rm_research.examples.synthetic import scaled_cohort

    sizes = [int(s) for s in np.random.default_rng(seed).integers(9, 31, size=3)]
    for number, people in enumerate(sizes, start=1):
        scaled_cohort(root / "data" / "raw" / "generated" / f"cohort-{number}", people, seed=seed * 10 + number)
    return sizes


def attacked(root, rule, across_levels: bool = True) -> Attack:
    """The region's tables published under ``rule`` (and audited across levels, unless not), as an attack."""
    from rm_research.disclosure import hierarchy

    levels = hierarchy.hierarchy(hierarchy.load_all(root, [("generated", number) for number in range(1, 4)]), rule)
    protected = hierarchy.cross_level_changes(levels, rule) if across_levels else {}
    attack = Attack(slack=rule.rounding_base // 2)
    for level in levels:
        attack.table(level.unit, protected.get(level.unit, level.safe))
    attack.sums("generated", [f"generated/{number}" for number in range(1, 4)])
    attack.sums(NATIONAL, ["generated"])
    return attack


@pytest.mark.parametrize("seed", [3, 8])
def test_no_withheld_count_of_a_generated_region_can_be_pinned_from_its_public_tables(tmp_path, seed):
    from rm_research.core.config import DISCLOSURE

    sizes = generated_region(tmp_path, seed)
    attack = attacked(tmp_path, DISCLOSURE)
    withheld = len(attack.hidden)
    assert withheld >= 20, f"cohorts of {sizes} should have counts worth attacking"
    assert attack.pinned() == [], f"cohorts of {sizes}: {withheld} withheld counts attacked"


def test_the_attack_pins_counts_a_careless_publication_gives_away(tmp_path):
    """The same attack on the same kind of region published carelessly, counts unrounded and no audit
    across levels: a region less its cohorts gives withheld cohort counts back, and the attack finds them."""
    from rm_research.core.config import DisclosureRule

    generated_region(tmp_path, 3)
    careless = DisclosureRule(rounding_base=1)
    assert attacked(tmp_path, careless, across_levels=False).pinned() != []
