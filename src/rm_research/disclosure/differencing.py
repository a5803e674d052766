"""Can a suppressed figure be worked out from the published ones? An exact audit by integer programming.

Published cells constrain the true numbers: a count shown as 30 lies in 28..32, a ``*`` in 1..7, a
0 is 0; a mean shown as 6.4 on P people bounds the whole-number sum behind it to 6.35 P .. 6.45 P;
a percentage shown from rounded counts gives the rounded count away. The structure of the data adds
what every reader knows:

- everyone = mentors + mentees, for every group of people and every count and sum;
- each pair has one mentor and one mentee, so as many mentors as mentees are matched;
- completers and non-completers make up everyone who answered an item at enrolment (people and
  rating sums); attenders and non-attenders of the psychological sessions make up the people whose
  change in confidence is analysed;
- a statistic computed from the people themselves (a mean, a p-value, an effect size, their
  intervals) gives its exact number of people away, however the n beside it is rounded (``carries_size``);
- a t interval is symmetric about its mean, so its shown limits give a withheld mean change back;
- a part is no larger than its whole (yes answers of those who answered, the answered of those who
  completed the end survey, the people paired of those who answered at each time);
- the people paired on an item are among those who answered it at each time and among the
  completers, so their rating sums are parts of those groups' sums, and their end sum less their
  enrolment sum is the sum of their changes;
- where a role's rows list every category of a single-answer question (``registry.PARTITIONS``: a
  channel, an ethnic group, a band, sessions against the plan), its counts add up to those who answered.

For every suppressed count, group size or mean, the smallest and largest value consistent with all
of this is found by mixed-integer linear programming (``scipy.optimize.milp``, HiGHS); a cell whose
smallest and largest coincide is *pinned*: its suppression failed (unless it is pinned at 0, which
follows only from a published 0: zeros are published as they are under the rule). ``protect`` suppresses more cells
until nothing is pinned. Written here because no published tool checks differencing (ACRO #117);
the solver is scipy's.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from rm_research.core import config
from rm_research.core.config import DISCLOSURE, DisclosureRule
from rm_research.disclosure.categories import publishable
from rm_research.findings import registry

log = logging.getLogger(__name__)
INF = math.inf
#: A bound no count, group or sum of ratings reaches, standing in for infinity in the solver.
CAP = 1e9
Key = tuple[str, ...]
ROLES = config.ROLES
EVERYONE = config.ALL_ROLES
#: Families whose missing role rows mean "one of two groups was empty", not "nobody".
ABSENT_UNKNOWN = frozenset({"psych_attendance"})


@dataclass(frozen=True)
class Pinned:
    """A suppressed cell whose true value the published cells determine."""

    index: object  # the findings row
    column: str  # "value" or "n"
    value: float
    #: suppressed for its own sake (a small count or group, a small rest of its whole), not to protect another
    own: bool = True


@dataclass(frozen=True)
class Cell:
    """A suppressed cell of one table: its row and column, the variables whose values give it, and
    whether it was suppressed for its own sake (``Pinned.own``)."""

    index: object
    column: str
    variables: tuple[int, ...]
    own: bool


#: Random probes (and as many pushes) per ``Model.fixed``: on 15 generated cohorts' own audits, 2 took
#: 5.3 s of CPU, 4 took 6.2 s and 8 took 7.9 s, with the same cells found; 1 leaves more to single solves.
PROBES: Final = 2


@dataclass
class Model:
    """Integer variables with bounds and linear constraints lo <= a.x <= hi."""

    index: dict[Key, int] = field(default_factory=dict)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    rows: list[dict[int, float]] = field(default_factory=list)
    lo: list[float] = field(default_factory=list)
    hi: list[float] = field(default_factory=list)

    def var(self, key: Key, lower: float = 0.0, upper: float = INF) -> int:
        """The index of the variable named ``key``; a new one gets the bounds ``lower`` to ``upper``."""
        if key not in self.index:
            self.index[key] = len(self.lower)
            self.lower.append(lower)
            self.upper.append(upper)
        return self.index[key]

    def bound(self, variable: int, lower: float, upper: float) -> None:
        """Narrow a variable's bounds to within ``lower`` to ``upper``."""
        self.lower[variable] = max(self.lower[variable], lower)
        self.upper[variable] = min(self.upper[variable], upper)

    def add(self, coefficients: dict[int, float], lo: float, hi: float) -> None:
        """Add the constraint ``lo <= sum of coefficient * variable <= hi``."""
        self.rows.append(coefficients)
        self.lo.append(lo)
        self.hi.append(hi)

    def equal(self, total: int, parts: Iterable[int]) -> None:
        """Constrain ``total`` to equal the sum of ``parts``."""
        coefficients = {total: 1.0}
        for part in parts:
            coefficients[part] = coefficients.get(part, 0.0) - 1.0
        self.add(coefficients, 0.0, 0.0)

    def at_most(self, part: int, whole: int) -> None:
        """Constrain ``part`` to be at most ``whole`` (a subgroup is no larger than its group)."""
        if part != whole:
            self.add({part: 1.0, whole: -1.0}, -INF, 0.0)

    def constraints(self) -> list[LinearConstraint]:
        """The constraints as one sparse matrix, for the solver."""
        entries = [(r, c, a) for r, coefficients in enumerate(self.rows) for c, a in coefficients.items()]
        if not entries:
            return []
        rows, columns, values = zip(*entries, strict=True)
        matrix = sparse.coo_array((values, (rows, columns)), shape=(len(self.rows), len(self.lower))).tocsr()
        return [LinearConstraint(matrix, self.lo, self.hi)]

    def solve(self, objective: np.ndarray, constraints: list[LinearConstraint] | None = None) -> np.ndarray | None:
        """A feasible integer point minimising ``objective`` (None if there is none)."""
        # capped, so that no objective is unbounded: no count of people comes near the cap
        bounds = Bounds(np.clip(self.lower, -CAP, CAP), np.clip(self.upper, -CAP, CAP))
        with solver_output_logged():
            result = milp(objective, constraints=self.constraints() if constraints is None else constraints,
                          bounds=bounds, integrality=np.ones(len(self.lower)))
        return result.x if result.success else None

    def fixed(self, variables: Iterable[int], seed: int = 0, probes: int = PROBES,
              truth: Mapping[int, float] | None = None) -> dict[int, float]:
        """The variables among ``variables`` that take one value in every feasible point, with it.

        A variable whose bounds meet is fixed by them. Any two feasible points that differ on a
        variable prove it is not fixed, so a few points from random objectives settle most
        variables; the rest get a minimum and a maximum of their own. What is found does not depend
        on ``probes`` (every variable they leave open is settled by its own minimum and maximum);
        only the number of solves does. ``truth``: the true value of
        some variables (the true table is a feasible point: ``Audit.truth``): a point that differs from
        it proves a variable not fixed, so each of the rest needs one solve where a second would do.
        """
        with solver_output_logged():  # one redirection for all the solves
            return self._fixed(variables, seed, probes, truth or {})

    def _fixed(self, variables: Iterable[int], seed: int, probes: int, truth: Mapping[int, float]
               ) -> dict[int, float]:
        size, rng = len(self.lower), np.random.default_rng(seed)
        variables = list(dict.fromkeys(variables))
        if not variables:
            return {}
        constraints = self.constraints()
        points = [x for x in (self.solve(rng.normal(size=size), constraints) for _ in range(probes)) if x is not None]
        if not points:  # the true table satisfies every constraint, so this is a modelling error: fail closed
            raise RuntimeError("the disclosure audit's constraints admit no table at all; this is a bug in "
                               "rm_research.disclosure.differencing, and nothing can be published until it is fixed")
        fixed = {v: self.lower[v] for v in variables if self.lower[v] == self.upper[v]}
        open_ = [v for v in variables if v not in fixed]
        def values(variable: int) -> set[float]:
            seen = {round(x[variable]) for x in points}
            return seen | {round(truth[variable])} if variable in truth else seen

        for _ in range(probes):  # push the undecided variables every which way at once
            open_ = [v for v in open_ if len(values(v)) == 1]
            if not open_ or not points:
                break
            objective = np.zeros(size)
            objective[open_] = rng.choice([-1.0, 1.0], size=len(open_))
            point = self.solve(objective, constraints)
            if point is not None:
                points.append(point)
        for variable in variables:
            if variable in fixed or len(values(variable)) > 1:
                continue
            extremes = []
            for sign in (1.0, -1.0):
                objective = np.zeros(size)
                objective[variable] = sign
                point = self.solve(objective, constraints)
                if point is not None:
                    points.append(point)
                    extremes.append(round(point[variable]))
                if len(values(variable)) > 1:  # the lowest differs from the true value: not fixed
                    break
            if len(extremes) == 2 and extremes[0] == extremes[1]:
                fixed[variable] = float(extremes[0])
        return fixed


_REDIRECTED = False


@contextlib.contextmanager
def solver_output_logged() -> Iterator[None]:
    """Send what the solver's C++ code prints straight to the process's standard output (HiGHS has
    ``printf`` debugging lines its ``output_flag`` does not silence, such as ``HighsMipSolverData::
    feasibilityJump called ...``, seen at 126 cohorts) to the log at DEBUG instead of the terminal.
    Python's own output is flushed first, so nothing of it is caught; nested calls redirect once."""
    global _REDIRECTED
    if _REDIRECTED:
        yield
        return
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError, AttributeError):  # no standard output to redirect (a closed or odd stream)
        yield
        return
    _REDIRECTED = True
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            _REDIRECTED = False
            caught.seek(0)
            if text := caught.read().decode("utf-8", "replace").strip():
                log.debug("the solver printed: %s", text)


#: The limits of the t interval of a mean change, and the mean it is centred on.
T_INTERVAL = ("change_ci_low", "change_ci_high", "change_mean")


def carries_size(measure: str, found: registry.Statistic) -> bool:
    """True for a statistic computed from the people themselves rather than from published counts: a
    mean, a test's p, an effect size, an interval of either. Shown beside the others of its group
    (a mean with its interval, a paired mean with Hedges' g_z) such figures give the exact number of
    people away, whatever the rounded n beside them says (issue 17, case 2); the audit takes that
    number as known. A share and its Wilson interval are recomputed from the rounded counts, so
    they carry the rounded n only."""
    if found.kind == "interval_limit":
        return registry.family(measure) != "yes_no"
    return found.kind in ("mean", "p_value", "effect_size")


def rounded_range(text: str, rule: DisclosureRule) -> tuple[float, float] | None:
    """The true counts a shown count cell allows: 0 is 0, a rounded count is within half the base
    (None for a blank or suppressed cell, which ``Audit`` bounds by why it was suppressed)."""
    if text in ("", rule.mark):
        return None
    shown = float(text)
    if shown == 0:
        return 0.0, 0.0
    half = rule.rounding_base / 2
    return float(math.ceil(shown - half)), float(math.ceil(shown + half) - 1)


class Audit:
    """The integer programme behind one table of public findings."""

    def __init__(self, findings: pd.DataFrame, safe: pd.DataFrame, rule: DisclosureRule = DISCLOSURE,
                 unit: str = "", model: Model | None = None) -> None:

        self.model, self.rule, self.unit = model if model is not None else Model(), rule, unit
        findings = publishable(findings, rule)  # as public findings do: pair them with the same rows
        self.findings, self.safe = findings, safe
        self.truth: dict[int, float] = {}
        self.cells: list[Cell] = []  # suppressed cells to check
        self.present = {(m, r) for m, r in zip(findings["measure"], findings["role"], strict=True)}
        self.limits: dict[tuple[str, str, str], float] = {}  # shown limits of a t interval, for its centre
        # rows as plain dicts: a pandas row costs microseconds per field, and a part audits thousands
        for index, row in zip(findings.index, findings.to_dict("records"), strict=True):
            found = registry.spec(row["measure"], row["statistic"])
            if found is not None and not found.about_sessions:  # the topics rest on sessions, not people
                self._row(index, row, found)
        self._roles_add_up()
        self._structure()

    # variables -------------------------------------------------------------------------------
    def people(self, measure: str, population: str, role: str) -> int:
        """The variable for the number of people in ``role`` a row rests on: the enrolled (shared by every
        measure), or those who answered ``measure``."""
        where = "*" if population == "enrolled" else measure
        return self.model.var(("P", self.unit, where, population, role))

    def count(self, measure: str, statistic: str, role: str) -> int:
        """The variable for a count row's true count (for a flow's ``enrolled``: the people enrolled)."""
        if registry.family(measure) == "flow" and statistic == "enrolled":
            return self.people(measure, "enrolled", role)
        return self.model.var(("C", self.unit, measure, statistic, role))

    def total(self, measure: str, statistic: str, role: str) -> int:
        """The variable for the sum of the answers behind a mean row (bounded through its people and the scale)."""
        return self.model.var(("S", self.unit, measure, statistic, role), -INF, INF)

    # one findings row ------------------------------------------------------------------------
    def _row(self, index: object, row: Mapping[str, object], found: registry.Statistic) -> None:
        measure, role, statistic = row["measure"], row["role"], row["statistic"]
        n, value = float(row["n"]), float(row["value"])
        # a statistic resting on its own people (each benefit's rankers) has its own people variable
        population = f"{found.population}:{statistic}" if found.n_per_statistic else found.population
        people = self.people(measure, population, role)
        self._truth(people, n)
        shown_n, shown_value = str(self.safe.at[index, "n"]), str(self.safe.at[index, "value"])
        self._published_count(people, shown_n)
        if carries_size(measure, found) and shown_value not in ("", self.rule.mark) and not math.isnan(n):
            self.model.bound(people, n, n)
        if statistic in T_INTERVAL[:2] and shown_value not in ("", self.rule.mark):
            self.limits[(measure, role, statistic)] = float(shown_value)
        if shown_n == self.rule.mark:
            self._suppressed_size(people, n)
            self.cells.append(Cell(index, "n", (people,), self._small(n)))
        if found.kind == "count":
            self._count_row(index, measure, statistic, role, value, people, shown_value, found)
        elif found.kind == "percentage" and found.whole:
            self._percentage_row(index, measure, statistic, role, value, n, people, shown_value, shown_n)
        elif found.kind == "mean" and found.scale is not None and found.whole_numbers:
            self._mean_row(index, measure, statistic, role, value, n, people, shown_value, found)

    def _truth(self, variable: int, value: float) -> None:
        if not math.isnan(value):
            self.truth[variable] = value

    def _published_count(self, variable: int, text: str) -> None:
        allowed = rounded_range(text, self.rule)
        if allowed is not None:
            self.model.bound(variable, *allowed)

    # A reader who knows the rule may work out why a cell was suppressed; the audit assumes they know
    # (the stronger attacker): each suppressed cell is bounded by the reason that applied to it.
    def _suppressed_size(self, people: int, n: float) -> None:
        small = self.rule.smallest_shown
        if n >= 1:  # a hidden zero reads as any size
            self.model.bound(people, *((1.0, small - 1.0) if n < small else (small, INF)))

    def _small(self, n: float) -> bool:
        """Whether a group of ``n`` people is one the rule protects (1 to ``smallest_shown - 1``)."""
        return 1 <= n < self.rule.smallest_shown

    def _suppressed_part(self, variable: int, people: int, value: float, n: float, whole: bool) -> bool:
        """Bound a suppressed count by why it was suppressed; whether it was for its own sake (it rests
        on few people, is small, or leaves a small rest of its whole) rather than to protect another."""
        small = self.rule.smallest_shown
        if 1 <= n < small:  # rests on few people: anything from none to all of them
            return True
        if 1 <= value < small:
            self.model.bound(variable, 1.0, small - 1.0)
            return True
        if whole and 1 <= n - value < small:  # the rest of the whole is small
            self.model.add({people: 1.0, variable: -1.0}, 1.0, small - 1.0)
            return True
        if value != 0:  # hidden so that another cell cannot be worked out: not small itself (its rest may be 0)
            self.model.bound(variable, float(small), INF)
        return False  # (a zero hidden to protect another cell reads as any count)

    def _count_row(self, index: object, measure: str, statistic: str, role: str, value: float, people: int,
                   shown: str, found: registry.Statistic) -> None:
        variable = self.count(measure, statistic, role)
        self._truth(variable, value)
        self._published_count(variable, shown)
        if found.whole:
            self.model.at_most(variable, people)
        if shown == self.rule.mark:
            own = self._suppressed_part(variable, people, value, float(self.findings.at[index, "n"]), found.whole)
            self.cells.append(Cell(index, "value", (variable,), own))

    def _percentage_row(self, index: object, measure: str, statistic: str, role: str, value: float, n: float,
                        people: int, shown: str, shown_n: str) -> None:
        variable = self.count(measure, statistic, role)
        count = round(value * n / 100) if not math.isnan(value) else math.nan
        self._truth(variable, count)
        self.model.at_most(variable, people)
        if shown not in ("", self.rule.mark) and shown_n not in ("", self.rule.mark):
            # a share from rounded counts gives the rounded count away: shown% of the rounded n
            self._published_count(variable, str(round(float(shown) * float(shown_n) / 100)))
        if shown == self.rule.mark:
            self.cells.append(Cell(index, "value", (variable,), self._suppressed_part(variable, people, count, n,
                                                                                       whole=True)))

    def _mean_row(self, index: object, measure: str, statistic: str, role: str, value: float, n: float,
                  people: int, shown: str, found: registry.Statistic) -> None:
        variable = self.total(measure, statistic, role)
        if not (math.isnan(value) or math.isnan(n)):
            self.truth[variable] = round(value * n)
        low, high = found.scale  # type: ignore[misc]
        self.model.add({variable: 1.0, people: -low}, 0.0, INF)
        self.model.add({variable: 1.0, people: -high}, -INF, 0.0)
        if shown not in ("", self.rule.mark):
            half = 0.5 * 10.0 ** -found.rounding
            self.model.add({variable: 1.0, people: -(float(shown) - half)}, 0.0, INF)
            self.model.add({variable: 1.0, people: -(float(shown) + half)}, -INF, 0.0)
        if shown == self.rule.mark:
            self.cells.append(Cell(index, "value", (variable, people), self._small(n)))

    # what every reader knows -------------------------------------------------------------------
    def _roles_add_up(self) -> None:
        """everyone = mentors + mentees for every group of people, count and sum with an ``all`` row."""
        for key in list(self.model.index):
            kind, unit, where, name, role = key
            # this table's only: in a model shared by several tables, each adds its own (once)
            if unit != self.unit or role != EVERYONE or (kind == "C" and not self._additive(where, name)) \
                    or (kind == "P" and name in registry.ROLES_DO_NOT_ADD_UP):
                continue
            parts = [self._role_part(key, role_name) for role_name in ROLES]
            self.model.equal(self.model.index[key], parts)

    def _additive(self, measure: str, statistic: str) -> bool:
        found = registry.spec(measure, statistic)
        return found is not None and found.additive

    def _role_part(self, key: Key, role: str) -> int:
        kind, unit, where, name, _ = key
        part = (kind, unit, where, name, role)
        if part in self.model.index:
            return self.model.index[part]
        absent_is_zero = where != "*" and registry.family(where) not in ABSENT_UNKNOWN \
            and (where, role) not in self.present
        lower, upper = (0.0, 0.0) if absent_is_zero else ((0.0, INF) if kind != "S" else (-INF, INF))
        variable = self.model.var(part, lower, upper)
        if absent_is_zero:
            self.truth[variable] = 0.0
        return variable

    def _part_of(self, key: Key) -> int:
        """This table's variable for another unit's ``key``: 0 when this table has no row of that
        measure at all (nobody), otherwise a variable (created unbounded if it has no row)."""
        kind, _, where, name, role = key
        mine = (kind, self.unit, where, name, role)
        if mine in self.model.index:
            return self.model.index[mine]
        nobody = where != "*" and where not in set(self.findings["measure"])
        variable = self.model.var(mine, 0.0, 0.0 if nobody else INF)
        if nobody:
            self.truth[variable] = 0.0
        return variable

    def _known(self, key: Key) -> int | None:
        return self.model.index.get(key)

    def _structure(self) -> None:
        for role in (*ROLES, EVERYONE):
            self._flow(role)
            for item in config.RATING_ITEMS:
                self._rating(item, role)
            self._answered_of_completers(role)
            self._psych_attendance(role)
            self._doses(role)
            self._partitions(role)
        self._interval_centres()
        matched = [self._known(("C", self.unit, "flow", "matched", r)) for r in ROLES]
        if None not in matched:  # one mentor and one mentee in every pair
            self.model.equal(matched[0], [matched[1]])  # type: ignore[list-item]

    def _flow(self, role: str) -> None:
        enrolled = self._known(("P", self.unit, "*", "enrolled", role))
        if enrolled is None:
            return
        for (kind, unit, _where, population, who), variable in list(self.model.index.items()):
            if kind == "P" and unit == self.unit and who == role and population in ("pre", "answered"):
                self.model.at_most(variable, enrolled)

    def _rating(self, item: str, role: str) -> None:
        def p(population: str) -> int | None:
            return self._known(("P", self.unit, item, population, role))

        def s(statistic: str) -> int | None:
            return self._known(("S", self.unit, item, statistic, role))

        pre, completers, others = p("pre"), p("completers"), p("noncompleters")
        if None not in (pre, completers, others):
            self.model.equal(pre, [completers, others])  # type: ignore[arg-type, list-item]
        sums = (s("pre_mean"), s("completers_pre_mean"), s("noncompleters_pre_mean"))
        if None not in sums:
            self.model.equal(sums[0], [sums[1], sums[2]])  # type: ignore[arg-type, list-item]
        paired, post = p("paired"), p("post")
        for whole in (completers, post):
            if paired is not None and whole is not None:
                self.model.at_most(paired, whole)
        before, after, change = s("paired_pre_mean"), s("paired_post_mean"), s("change_mean")
        if None not in (before, after, change):  # the same people's end sum less their enrolment sum
            self.model.add({after: 1.0, before: -1.0, change: -1.0}, 0.0, 0.0)  # type: ignore[dict-item]
        for whole_people, whole_sum, part_sum in ((pre, s("pre_mean"), before), (post, s("post_mean"), after),
                                                  (completers, s("completers_pre_mean"), before)):
            if None not in (whole_people, whole_sum, part_sum, paired):
                self._part_sum(whole_sum, whole_people, part_sum, paired)  # type: ignore[arg-type]

    def _interval_centres(self) -> None:
        """A t interval is symmetric about its mean: its two shown limits give the mean (their midpoint, to
        within half the last decimal), even where the mean itself is withheld."""
        low, high, centre = T_INTERVAL
        for (measure, role, statistic), shown in list(self.limits.items()):
            other = self.limits.get((measure, role, high))
            mean = self._known(("S", self.unit, measure, centre, role))
            if statistic != low or other is None or mean is None:
                continue
            people = self.people(measure, registry.spec(measure, centre).population, role)  # type: ignore[union-attr]
            half = 0.5 * 10.0 ** -registry.spec(measure, low).rounding  # type: ignore[union-attr]
            middle = (shown + other) / 2
            self.model.add({mean: 1.0, people: -(middle - half)}, 0.0, INF)
            self.model.add({mean: 1.0, people: -(middle + half)}, -INF, 0.0)

    def _part_sum(self, whole_sum: int, whole_people: int, part_sum: int, part_people: int) -> None:
        """A group's rating sum is its part's sum plus the rest's, each of the rest rating within the scale."""
        low, high = registry.RATING_SCALE
        self.model.add({whole_sum: 1.0, part_sum: -1.0, whole_people: -low, part_people: low}, 0.0, INF)
        self.model.add({whole_sum: 1.0, part_sum: -1.0, whole_people: -high, part_people: high}, -INF, 0.0)

    def _partitions(self, role: str) -> None:
        """The counts of a single-answer question's categories add up to the people who answered it."""
        for measure in registry.PARTITIONS:
            people = self._known(("P", self.unit, measure, "answered", role))
            parts = [variable for (kind, unit, where, _, who), variable in self.model.index.items()
                     if kind == "C" and unit == self.unit and where == measure and who == role]
            if people is not None and parts:
                self.model.equal(people, parts)

    def _answered_of_completers(self, role: str) -> None:
        completed = self._known(("C", self.unit, "flow", "completed_end_survey", role))
        if completed is None:
            return
        for (kind, unit, where, population, who), variable in list(self.model.index.items()):
            if kind == "P" and unit == self.unit and who == role and population in ("post", "answered") \
                    and registry.family(where) in ("rating", "yes_no", "sessions_reported"):
                self.model.at_most(variable, completed)

    def _psych_attendance(self, role: str) -> None:
        def p(measure: str, population: str) -> int | None:
            return self._known(("P", self.unit, measure, population, role))

        both, attenders, others = (p("psych_attendance", x) for x in ("both", "attenders", "nonattenders"))
        if None not in (both, attenders, others):
            self.model.equal(both, [attenders, others])  # type: ignore[arg-type, list-item]
        paired = p("conf_senior", "paired")
        if both is None or paired is None:
            return
        self._related(both, paired)
        if self.truth.get(both) == self.truth.get(paired):
            sums = [self._known(("S", self.unit, *key, role)) for key in (
                ("conf_senior", "change_mean"), ("psych_attendance", "attenders_change_mean"),
                ("psych_attendance", "nonattenders_change_mean"))]
            if None not in sums:
                self.model.equal(sums[0], [sums[1], sums[2]])  # type: ignore[arg-type, list-item]

    def _doses(self, role: str) -> None:
        paired = self._known(("P", self.unit, "conf_senior", "paired", role))
        for measure in ("attendance_effect", "psych_effect"):
            dose = self._known(("P", self.unit, measure, "dose", role))
            ancova = self._known(("P", self.unit, measure, "ancova", role))
            if dose is not None and paired is not None:
                self._related(dose, paired)
            if dose is not None and ancova is not None:
                self._related(ancova, dose)

    def _related(self, part: int, whole: int) -> None:
        """part <= whole; equal where they are equal, since a reader may know why (conservative)."""
        if self.truth.get(part) == self.truth.get(whole) and part in self.truth:
            self.model.equal(part, [whole])
        else:
            self.model.at_most(part, whole)

    # the audit ---------------------------------------------------------------------------------
    def truth_violations(self) -> list[str]:
        """Constraints the true values break (none, if the model describes the data correctly)."""
        x = np.full(len(self.model.lower), math.nan)
        for variable, value in self.truth.items():
            x[variable] = value
        broken = [f"bounds of {key}" for key, v in self.model.index.items()
                  if not math.isnan(x[v]) and not (self.model.lower[v] - 1e-9 <= x[v] <= self.model.upper[v] + 1e-9)]
        for coefficients, lo, hi in zip(self.model.rows, self.model.lo, self.model.hi, strict=True):
            values = [x[c] * a for c, a in coefficients.items()]
            if not any(math.isnan(v) for v in values) and not lo - 1e-6 <= sum(values) <= hi + 1e-6:
                broken.append(str({self._name(c): a for c, a in coefficients.items()}))
        return broken

    def _name(self, variable: int) -> Key:
        return next(key for key, v in self.model.index.items() if v == variable)

    def pinned(self) -> list[Pinned]:
        """Every suppressed cell whose value the published cells determine."""
        return pinned_cells(self.cells, self.model.fixed((v for cell in self.cells for v in cell.variables),
                                                         truth=self.truth))


def pinned_cells(cells: Iterable[Cell], fixed: dict[int, float]) -> list[Pinned]:
    """The ``cells`` whose values the ``fixed`` variables (``Model.fixed``) give away."""
    return [Pinned(cell.index, cell.column, fixed[cell.variables[0]], cell.own) for cell in cells
            if _disclosed(fixed, cell.variables)]


def _disclosed(fixed: dict[int, float], variables: tuple[int, ...]) -> bool:
    """A hidden cell is disclosed when its value is fixed, unless it is fixed at 0: that follows only
    from a published 0 (nobody), which the rule publishes as it is, and reveals no one's count."""
    return all(v in fixed for v in variables) and fixed[variables[0]] != 0


@dataclass(frozen=True)
class Level:
    """One published table in a hierarchy: a cohort ("south-east/1"), a region ("south-east") or the
    nation ("national"), and the unit its counts add up to (None at the top)."""

    unit: str
    parent: str | None
    findings: pd.DataFrame
    safe: pd.DataFrame
    #: for a region or the nation, the cohorts (by label) each item and role's meta-analysis pooled
    pooled: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)


#: Families whose region and national figures are sums over the cohorts (data contract, section 6).
SUMMED_FAMILIES = frozenset({"flow", "yes_no"})


def audit_levels(levels: list[Level], rule: DisclosureRule = DISCLOSURE) -> dict[str, list[Pinned]]:
    """The suppressed cells of every table of a hierarchy that can be worked out from all the
    published tables together: a national total less the published regions, a region less its
    published cohorts.

    Only the measures that add up across levels (``SUMMED_FAMILIES``: the flow and the yes/no
    answers) are held jointly: everything else is audited within its own table (``protect``), and
    the joint programme of every measure of twenty tables is too large to solve quickly.
    """
    model = Model()
    audits = {level.unit: Audit(*summed(level), rule, level.unit, model) for level in levels}
    for parent in {level.parent for level in levels if level.parent in audits}:
        children = [audits[level.unit] for level in levels if level.parent == parent]
        children_add_up(audits[parent], children)  # type: ignore[index]
    fixed = model.fixed((v for one in audits.values() for cell in one.cells for v in cell.variables),
                        truth=shared_truth(audits.values()))
    return {unit: pinned_cells(one.cells, fixed) for unit, one in audits.items()}


def shared_truth(audits: Iterable[Audit]) -> dict[int, float]:
    """The true values of every variable of ``audits`` (tables sharing one model): a feasible point."""
    return {variable: value for one in audits for variable, value in one.truth.items()}


def summed(level: Level) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of a level's findings and public findings whose measures add up across levels."""
    keep = level.findings["measure"].map(registry.family).isin(SUMMED_FAMILIES)
    return level.findings[keep], level.safe[keep]


def linked_keys(parent: Audit) -> list[Key]:
    """The keys of ``parent``'s table that its children's tables add up to (``children_add_up``)."""
    linked = []
    for key in list(parent.model.index):
        kind, unit, where, name, _ = key
        if unit != parent.unit or kind == "S":
            continue
        if kind == "C" and not (_summed_measure(where) and parent._additive(where, name)):
            continue
        linked.append(key)
    return linked


def _summed_measure(where: str) -> bool:
    return where == "*" or registry.family(where) in SUMMED_FAMILIES


def children_add_up(parent: Audit, children: list[Audit], known: Iterable[Audit] = ()) -> None:
    """A parent's summed counts and groups equal the sums of its children's; any other group of
    people at the parent is no larger than the children's together. ``known``: children held at their
    true values (``parts``), whose shares stand in the sums as numbers (each must be one:
    ``part_value``)."""
    known = list(known)
    for key in linked_keys(parent):
        variable = parent.model.index[key]
        coefficients = {variable: 1.0}
        for part in (child._part_of(key) for child in children):
            coefficients[part] = coefficients.get(part, 0.0) - 1.0
        constant = sum(part_value(child, key) for child in known)  # type: ignore[misc]
        parent.model.add(coefficients, constant if _summed_measure(key[2]) else -INF, constant)


def part_value(audit: Audit, key: Key) -> float | None:
    """The true value of ``audit``'s table's share of another table's ``key`` (as ``Audit._part_of`` makes
    it: 0 where the table has no row of that measure at all), or None where it is not a known number."""
    kind, _, where, name, role = key
    mine = (kind, audit.unit, where, name, role)
    if mine in audit.model.index:
        return audit.truth.get(audit.model.index[mine])
    if where != "*" and where not in set(audit.findings["measure"]):
        return 0.0
    return None


#: How the tables of a hierarchy are audited together: ``audit_levels``, or ``parts.AuditInParts``.
Auditor = Callable[[list[Level], DisclosureRule], dict[str, list[Pinned]]]


def protect_levels(levels: list[Level], rule: DisclosureRule = DISCLOSURE, rounds: int = 200,
                   reveal: Reveal | None = None, auditor: Auditor = audit_levels,
                   siblings: bool = True) -> dict[str, pd.DataFrame]:
    """Suppress more cells, table by table, until no suppressed cell of any table can be worked out
    from all the published tables together. Each table's ``safe`` is its own ``public_findings``
    (already protected within the table). ``auditor``: how the tables are audited together (every round);
    ``siblings``: whether hiding a figure in a sibling table may protect one (not where the auditor holds
    the siblings at their true values: ``parts``)."""
    safe = {level.unit: level.safe.copy() for level in levels}
    findings = {level.unit: level.findings for level in levels}
    parents = {level.unit: level.parent for level in levels}
    children: dict[str | None, list[str]] = {}
    for level in levels:
        children.setdefault(level.parent, []).append(level.unit)
    for _ in range(rounds):
        current = [Level(level.unit, level.parent, level.findings, safe[level.unit]) for level in levels]
        pinned = auditor(current, rule)
        if not any(pinned.values()):
            return safe
        own_pinned = reveal is None or any(cell.own for cells in pinned.values() for cell in cells)
        for unit, cells in pinned.items():
            # each table is safe on its own, so the leak runs through a related table: hide the same
            # figure in the parent, else in the children, else in the siblings, else widen at home;
            # without siblings, in the tables above the parent before the children (a sibling known
            # exactly leaves the grandparent's total as the only figure whose hiding frees the cell)
            above = [parents[unit]]
            while not siblings and above[-1] is not None:
                above.append(parents.get(above[-1]))  # type: ignore[arg-type]
            related = [*([one] for one in above), children.get(unit, []),
                       [one for one in children.get(parents[unit], []) if one != unit] if siblings else []]
            # as in ``protect`` (``_hide_or_show``), over every table at once
            hide, show = ([c for c in cells if c.own or reveal is None], []) if own_pinned else ([], cells)
            for cell in show:  # as in ``protect``: shown, as the published cells give it away anyway
                safe[unit].at[cell.index, cell.column] = reveal(findings[unit], cell.index, cell.column)  # type: ignore[misc]
            for cell in hide:
                row = findings[unit].loc[cell.index]
                if not any(_hide_same(findings[other], safe[other], row, rule)
                           for group in related for other in group if other in safe):
                    _widen(findings[unit], safe[unit], cell, rule)
    raise RuntimeError("disclosure control across levels did not converge; this is a bug")


def _hide_same(findings: pd.DataFrame, safe: pd.DataFrame, row: pd.Series, rule: DisclosureRule) -> bool:
    """Hide the shown cells of ``row``'s measure and statistic (every role) in another table."""
    same = (findings["measure"] == row["measure"]) & (findings["statistic"] == row["statistic"])
    hidden = False
    for column in ("value", "n"):
        shown = same & ~safe[column].isin(["", "0", rule.mark])
        if shown.any():
            safe.loc[shown, column] = rule.mark
            hidden = True
    return hidden


def audit(findings: pd.DataFrame, safe: pd.DataFrame, rule: DisclosureRule = DISCLOSURE) -> list[Pinned]:
    """The suppressed cells of ``safe`` (public findings of ``findings``) that can be worked out."""
    return Audit(findings, safe, rule).pinned()


#: How a suppressed cell reads when shown (``control.reveal``): for a cell the published ones give away anyway.
Reveal = Callable[[pd.DataFrame, object, str], str]


def protect(findings: pd.DataFrame, safe: pd.DataFrame, rule: DisclosureRule = DISCLOSURE,
            rounds: int = 100, reveal: Reveal | None = None) -> pd.DataFrame:
    """Suppress more cells until no suppressed cell can be worked out from the published ones.

    A pinned cell suppressed only to protect another (``Pinned.own`` False) is shown instead, as
    ``reveal`` writes it: its value follows from the published cells already, so showing it tells no
    reader anything new, and every other cell stays as protected as it was (the constraint it adds
    holds in every table the reader could still think true). Without ``reveal``, or for a cell
    suppressed for its own sake, more is hidden: first the rows of the largest group of people
    whose exact number a shown value gives away (``_widest_group``), then the figure for everyone
    beside it; then every shown cell of the same measure; then every shown count of the table.
    """
    safe = safe.copy()
    for _ in range(rounds):
        pinned = audit(findings, safe, rule)
        if not pinned:
            return safe
        hide, show = _hide_or_show(pinned, reveal)
        for cell in show:
            safe.at[cell.index, cell.column] = reveal(findings, cell.index, cell.column)  # type: ignore[misc]
        for cell in _one_per_group(findings, hide):
            _widen(findings, safe, cell, rule)  # then audit again: one step may free the others
    raise RuntimeError("disclosure control did not converge; this is a bug")


def _hide_or_show(pinned: list[Pinned], reveal: Reveal | None) -> tuple[list[Pinned], list[Pinned]]:
    """Which pinned cells to protect by hiding more, and which to show. Cells suppressed for their own
    sake come first: while any is pinned, more is hidden and nothing shown. Only then is a cell
    suppressed to protect another, and pinned, shown: every table the reader could think true before
    is one they can think true after (its value is the same in all of them, and the reason that bounded
    it is replaced by its rounded value), so no cell is pinned that was not, and the loop ends."""
    own = [cell for cell in pinned if cell.own or reveal is None]
    return (own, []) if own else ([], pinned)


def _one_per_group(findings: pd.DataFrame, pinned: list[Pinned]) -> list[Pinned]:
    """The first pinned cell of each measure and role: the cells of one group are usually pinned by one
    leak, which one widening step closes."""
    seen: dict[tuple[str, str], Pinned] = {}
    for cell in pinned:
        seen.setdefault((findings.at[cell.index, "measure"], findings.at[cell.index, "role"]), cell)
    return list(seen.values())


def _widest_group(findings: pd.DataFrame, safe: pd.DataFrame, measure: str, role: str, rule: DisclosureRule
                  ) -> pd.Series:
    """The rows of ``measure`` and ``role`` on its largest group of people whose exact number a shown value
    gives away (``carries_size``): with a part of that group published too, the rest of it is their
    difference, so it is the first thing to hide when a small rest is pinned (everyone who answered at
    enrolment, less the completers, is the non-completers)."""
    mine = (findings["measure"] == measure) & (findings["role"] == role)
    sizes: dict[str, float] = {}
    for index in findings.index[mine]:
        found = registry.spec(measure, findings.at[index, "statistic"])
        shown = safe.at[index, "value"] not in ("", "0", rule.mark)
        if found is not None and carries_size(measure, found) and shown:
            sizes[found.population] = max(sizes.get(found.population, 0.0), float(findings.at[index, "n"]))
    if not sizes:
        return pd.Series(False, index=findings.index)
    widest = max(sizes, key=lambda population: sizes[population])
    populations = findings["statistic"].map(
        lambda statistic: getattr(registry.spec(measure, statistic), "population", None))
    return mine & (populations == widest)


def about_sessions(findings: pd.DataFrame) -> pd.Series:
    """The rows of a findings table about sessions, not people (``registry.Statistic.about_sessions``)."""
    return pd.Series([(found := registry.spec(m, s)) is not None and found.about_sessions
                      for m, s in zip(findings["measure"], findings["statistic"], strict=True)],
                     index=findings.index, dtype=bool)


def _widen(findings: pd.DataFrame, safe: pd.DataFrame, cell: Pinned, rule: DisclosureRule) -> None:
    """Hide the next group of shown cells for a pinned one (``protect``)."""
    row = findings.loc[cell.index]
    same_measure = findings["measure"] == row["measure"]
    steps = [
        _widest_group(findings, safe, row["measure"], row["role"], rule),
        same_measure & (findings["statistic"] == row["statistic"]) & (findings["role"] == EVERYONE),
        same_measure & (findings["role"] == EVERYONE),
        same_measure,
        findings["measure"].isin(["flow", row["measure"]]),
        pd.Series(True, index=findings.index),
    ]
    people = ~about_sessions(findings)  # the topics' counts of sessions protect no one: never hidden here
    for step in steps:
        # a zero pins nobody
        shown = {column: step & people & ~safe[column].isin(["", "0", rule.mark]) for column in ("n", "value")}
        if shown["value"].any() or shown["n"].any():
            for column in ("n", "value"):  # a value that gives its n away goes with it
                safe.loc[shown[column], column] = rule.mark
            return
