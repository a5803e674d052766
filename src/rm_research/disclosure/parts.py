"""The cross-level audit in parts: each table's hidden cells checked in a small programme of its own.

``differencing.audit_levels`` holds every table of a hierarchy in one integer programme. Its solves
grow faster than the tables: at 100 cohorts one round takes minutes, and at the size of the NHS
(about 1,000 cohorts) it would take hours, on one core whatever the number of workers. So here each
table's suppressed cells are checked in a *part*: a programme of that table, the tables above it
(its region, the nation) and, for a region or the nation, those of its cohorts (or regions) that hide
a figure of the same measure. Every other table is held at its *true* values. Siblings held exactly
leave a cohort less room than the whole programme does (the region's and the nation's rounded totals
less the siblings' exact counts can pin it), so a cohort's part frees 3 of its siblings, then 12, then
all of them (``HELPERS``), each step checking only the cells the step before pinned: at 100 generated
cohorts the first step settles 99.4% of the cells, and the parts hide what the whole programme hides.

**Why this is safe.** Holding a table at its true values adds constraints: the part's feasible tables
are some of the full programme's (the true values satisfy every table's own constraints, so any
feasible point of the part extends to one of the full programme). A cell that takes two values in the
part takes them in the full programme too; so a cell the part finds not pinned is not pinned, and a
cell the full programme would find pinned the part finds pinned. The part assumes a stronger reader,
one who knows every other table exactly: it may hide a little more than the full audit, never less.
A table held at its true values stands in its parent's sums as a constant; where its share of a sum
is not a known number (a row it lacks for a measure it has), it is not held but kept whole in the part.

**What a hidden cell may be protected by.** In a part, another cohort of the same region is known
exactly, so hiding the same figure there protects nothing: ``differencing.protect_levels`` runs
with ``siblings=False`` and hides in the tables above (the parent, then the grandparent), then the
children, then more at home.

Each part is independent of the others, so the parts run over the command's workers (``mapper``),
a region's cohorts in chunks (``CHUNK``); between rounds of protection only the parts whose tables (or the
tables above them) changed are audited again (``AuditInParts``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from rm_research.core.config import DISCLOSURE, DisclosureRule
from rm_research.disclosure.differencing import (
    Audit,
    Level,
    Model,
    Pinned,
    children_add_up,
    linked_keys,
    part_value,
    pinned_cells,
    shared_truth,
    summed,
)

Mapper = Callable[..., Iterable[object]]
#: The most tables one part's task checks (a region's cohorts are split into chunks of this size, so
#: that a region's work spreads over the workers).
CHUNK = 40
#: How many of a cohort's siblings its part frees at each step, until it pins none of its cells (the
#: last step frees them all: the region's whole branch).
HELPERS = (3, 12, 1_000_000)


@dataclass(frozen=True)
class Part:
    """The tables one task reads (``levels``: a branch's, the tables above it and the branch's siblings,
    whose true values stand in the sums), the tables whose hidden cells it checks (``checked``), and the
    tables whose published cells can change what it finds (``watch``: not the siblings held at their true values)."""

    levels: tuple[Level, ...]
    checked: tuple[str, ...]
    watch: frozenset[str]


class _Tree:
    """The tables of a part by unit, with each table's parent and children and its audit on its own."""

    def __init__(self, levels: Sequence[Level], rule: DisclosureRule) -> None:
        self.levels = {level.unit: level for level in levels}
        self.order = [level.unit for level in levels]
        self.children: dict[str, list[str]] = defaultdict(list)
        for level in levels:
            if level.parent in self.levels:
                self.children[level.parent].append(level.unit)  # type: ignore[index]
        self.rule = rule
        self._alone: dict[str, Audit] = {}

    def alone(self, unit: str) -> Audit:
        """``unit``'s table audited on its own (made on first use: its true values and hidden cells)."""
        if unit not in self._alone:
            self._alone[unit] = Audit(*summed(self.levels[unit]), self.rule, unit, Model())
        return self._alone[unit]

    def ancestors(self, unit: str) -> list[str]:
        found, parent = [], self.levels[unit].parent
        while parent in self.levels:
            found.append(parent)
            parent = self.levels[parent].parent  # type: ignore[index]
        return found  # type: ignore[return-value]

    def descendants(self, unit: str) -> list[str]:
        found = []
        for child in self.children.get(unit, []):
            found += [child, *self.descendants(child)]
        return found

    def hidden_measures(self, unit: str) -> set[str]:
        audit = self.alone(unit)
        return {audit.findings.at[cell.index, "measure"] for cell in audit.cells}

    def free(self, unit: str) -> set[str]:
        """The tables a part checking ``unit`` keeps free: it, the tables above it, those below it that hide
        a figure of a measure it hides (with the tables between), and any child whose share of a free
        parent's sums is not a known number."""
        free = {unit, *self.ancestors(unit)}
        measures = self.hidden_measures(unit)
        for below in self.descendants(unit):
            if measures & self.hidden_measures(below):
                free |= {below, *self.ancestors(below)}
        grown = True
        while grown:
            grown = False
            for parent in [p for p in free if self.children.get(p)]:
                keys = linked_keys(self.alone(parent))
                for child in self.children[parent]:
                    if child not in free and any(part_value(self.alone(child), key) is None for key in keys):
                        free.add(child)
                        grown = True
        return free

    def pinned(self, unit: str) -> list[Pinned]:
        """``unit``'s suppressed cells that its part pins. A cohort's cells are checked first with every
        other cohort held at its true values, then with more and more of its siblings free
        (``HELPERS``), each step checking only the cells the step before pinned: a cell any step finds
        not pinned is not pinned, and a small step settles most cells quickly."""
        cells = {(cell.index, cell.column) for cell in self.alone(unit).cells}
        siblings = self.children.get(self.levels[unit].parent, []) if not self.children.get(unit) else []
        place = siblings.index(unit) if unit in siblings else 0
        rotated = [*siblings[place + 1:], *siblings[:place]]
        found: list[Pinned] = []
        for helpers in dict.fromkeys(min(count, len(rotated)) for count in HELPERS):
            if not cells:
                return []
            found = self._pinned_with(unit, set(rotated[:helpers]), cells)
            cells = {(cell.index, cell.column) for cell in found}
        return found

    def _pinned_with(self, unit: str, helpers: set[str], cells: set[tuple[object, str]]) -> list[Pinned]:
        free = self.free(unit) | helpers
        model = Model()
        audits = {u: Audit(*summed(self.levels[u]), self.rule, u, model) for u in self.order if u in free}
        for parent in [u for u in self.order if u in free and self.children.get(u)]:
            kids = self.children[parent]
            children_add_up(audits[parent], [audits[k] for k in kids if k in audits],
                            [self.alone(k) for k in kids if k not in audits])
        checked = [cell for cell in audits[unit].cells if (cell.index, cell.column) in cells]
        return pinned_cells(checked, model.fixed((v for cell in checked for v in cell.variables),
                                                 truth=shared_truth(audits.values())))


def audit_part(part: Part, rule: DisclosureRule = DISCLOSURE) -> dict[str, list[Pinned]]:
    """The pinned cells of each table ``part`` checks (a task for a worker)."""
    tree = _Tree(part.levels, rule)
    return {unit: tree.pinned(unit) for unit in part.checked}


def parts(levels: Sequence[Level], rule: DisclosureRule = DISCLOSURE, chunk: int = CHUNK) -> list[Part]:
    """The parts that check every table of ``levels`` once, each checking at most ``chunk`` tables: a
    branch below the top (a region and its cohorts) with the top and the branch's siblings; the top's
    own children that have none (cohorts, where the top is a region) together; the top with every table.
    Where a sibling's share of the top's sums is not a known number, every part reads every table."""
    units = {level.unit: level for level in levels}
    children: dict[str | None, list[Level]] = defaultdict(list)
    for level in levels:
        children[level.parent if level.parent in units else None].append(level)
    found = []
    for top in children[None]:
        branches = children[top.unit]
        keys = linked_keys(Audit(*summed(top), rule, top.unit, Model()))
        regular = all(part_value(Audit(*summed(b), rule, b.unit, Model()), key) is not None
                      for b in branches for key in keys)
        groups = [[branch, *children[branch.unit]] for branch in branches if children[branch.unit]]
        leaves = [branch for branch in branches if not children[branch.unit]]
        for group in [*groups, *([leaves] if leaves else [])]:
            below = [level for level in group if level.parent != top.unit]
            reads = tuple([top, *branches, *below]) if regular else tuple(levels)
            watch = frozenset(level.unit for level in (top, *group)) if regular else frozenset(units)
            checked = [level.unit for level in group]
            found += [Part(reads, tuple(checked[i:i + chunk]), watch) for i in range(0, len(checked), chunk)]
        found.append(Part(tuple(levels), (top.unit,), frozenset(units)))
    return found


class AuditInParts:
    """``differencing.audit_levels`` by parts over ``mapper`` (a pool's ``map``), for ``protect_levels``:
    called once a round, it audits again only the parts whose tables, or the tables above them, changed
    since the round before (nothing else can change what a part finds)."""

    def __init__(self, mapper: Mapper = map, chunk: int = CHUNK) -> None:
        self.mapper, self.chunk = mapper, chunk
        self.seen: dict[str, pd.DataFrame] = {}  # each table's shown cells when last audited
        self.found: dict[str, list[Pinned]] = {}

    def __call__(self, levels: list[Level], rule: DisclosureRule = DISCLOSURE) -> dict[str, list[Pinned]]:
        shown = {level.unit: level.safe[["value", "n"]].copy() for level in levels}  # (protect_levels edits in place)
        changed = {unit for unit, cells in shown.items()
                   if unit not in self.seen or not self.seen[unit].equals(cells)}
        todo = [part for part in parts(levels, rule, self.chunk) if part.watch & changed]
        for found in self.mapper(audit_part, todo, [rule] * len(todo)):
            self.found.update(found)  # type: ignore[arg-type]
        self.seen = shown
        return {level.unit: self.found.get(level.unit, []) for level in levels}
