"""The differencing audit: can a suppressed cell be worked out from the published ones?

Expected values are derived by hand (in the comments) or by brute-force enumeration written here,
independently of the integer programme in ``rm_research.disclosure.differencing``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from rm_research.core.config import DISCLOSURE, DisclosureRule
from rm_research.disclosure.control import public_findings
from rm_research.disclosure.differencing import INF, Audit, audit, rounded_range

COLUMNS = ["region", "cohort", "measure", "role", "statistic", "value", "n"]


def frame(rows):
    return pd.DataFrame([("r", 1, *row) for row in rows], columns=COLUMNS)


def flow(enrolled, matched, withdrawn):
    """Flow rows for (mentor, mentee); everyone is their sum."""
    rows = []
    for role, e, m, w in [("mentor", enrolled[0], matched[0], withdrawn[0]),
                          ("mentee", enrolled[1], matched[1], withdrawn[1]),
                          ("all", sum(enrolled), sum(matched), sum(withdrawn))]:
        rows += [("flow", role, "enrolled", e, e), ("flow", role, "matched", m, e), ("flow", role, "withdrawn", w, e)]
    return frame(rows)


def test_rounded_counts_allow_two_either_side():
    # nearest 5, halves up: 28, 29 (-> 30), 30, 31, 32 (-> 30); 27 -> 25 and 33 -> 35
    assert rounded_range("30", DISCLOSURE) == (28, 32)
    assert rounded_range("0", DISCLOSURE) == (0, 0)
    assert rounded_range("*", DISCLOSURE) is None


def test_the_pair_structure_pins_the_matched_counts_main_published():
    # What main published: everyone matched 14 -> "15", each role's 7 -> "*". Each pair is one mentor
    # and one mentee, so mentors = mentees = m and 2m is 13..17: m is 7 or 8; a "*" count is 1..7: m = 7.
    findings = flow((10, 9), (7, 7), (0, 0))
    on_main = findings.assign(value=["10", "*", "0", "10", "*", "0", "20", "15", "0"],
                              n=["10", "10", "10", "10", "10", "10", "20", "20", "20"])
    pinned = {(findings.at[p.index, "role"], findings.at[p.index, "statistic"], p.value) for p in audit(findings, on_main)}
    assert {("mentor", "matched", 7.0), ("mentee", "matched", 7.0)} <= pinned


def test_publishing_that_table_now_pins_nothing():
    findings = flow((10, 9), (7, 7), (0, 0))
    published = public_findings(findings)
    assert audit(findings, published) == []
    matched = published[published["statistic"] == "matched"]["value"].tolist()
    assert matched == ["*", "*", "*"]  # everyone's figure goes with its roles


def test_the_true_values_satisfy_every_constraint_of_the_example(example_findings):
    model = Audit(example_findings, public_findings(example_findings))
    assert model.truth_violations() == []


def test_nothing_in_the_example_public_findings_can_be_worked_out(example_findings):
    assert audit(example_findings, public_findings(example_findings)) == []


# --- an independent check: brute force over every flow table the published cells allow -------------

def fits(shown: str, v: int, true: float, true_n: float, whole: int | None = None, half: int = 2) -> bool:
    """Whether a count ``v`` fits its published cell, as a reader who knows the rule reads it (the
    audit's reading, written out again): a rounded count is within 2 of the shown one, 0 is 0; a mark
    is, by the reason it was hidden (the reader is assumed to know it): anything up to the whole if
    the cell rests on 1-7 people; 1-7 for a small count; a whole less 1-7 when the rest is small; any
    count for a hidden zero; otherwise 8 or more with a rest of 8 or more."""
    if shown != "*":
        value = int(shown)
        return v == 0 if value == 0 else abs(v - value) <= half
    if whole is not None and 1 <= true_n <= 7:
        return 0 <= v <= whole
    if 1 <= true <= 7:
        return 1 <= v <= 7
    if whole is not None and 1 <= true_n - true <= 7:
        return 1 <= whole - v <= 7
    if true == 0:
        return v >= 0
    return v >= 8


def possible_values(findings: pd.DataFrame, published: pd.DataFrame) -> dict[tuple[str, str], set[int]]:
    """Every (role, statistic) count's possible values: enumerate mentor and mentee flow tables
    consistent with every published cell (values and n), with matched mentors = matched mentees and
    each part no larger than its role's enrolled."""
    cells = {(r.role, r.statistic): (shown, shown_n, r.value, r.n) for r, shown, shown_n in
             zip(findings.itertuples(), published["value"], published["n"], strict=True)}

    def ok(role: str, statistic: str, v: int, enrolled: int) -> bool:
        shown, shown_n, true, true_n = cells[(role, statistic)]
        size_fits = fits(shown_n, enrolled, true_n, true_n)
        if statistic == "enrolled":
            return size_fits and fits(shown, v, true, true_n)
        return size_fits and 0 <= v <= enrolled and fits(shown, v, true, true_n, whole=enrolled)

    span = range(0, 45)
    found: dict[tuple[str, str], set[int]] = {key: set() for key in cells}
    for e_m, e_e in itertools.product(span, span):
        e_a = e_m + e_e
        if not (ok("mentor", "enrolled", e_m, e_m) and ok("mentee", "enrolled", e_e, e_e)
                and ok("all", "enrolled", e_a, e_a)):
            continue
        for m in span:
            if not (ok("mentor", "matched", m, e_m) and ok("mentee", "matched", m, e_e)
                    and ok("all", "matched", 2 * m, e_a)):
                continue
            for w_m, w_e in itertools.product(span, span):
                if not (ok("mentor", "withdrawn", w_m, e_m) and ok("mentee", "withdrawn", w_e, e_e)
                        and ok("all", "withdrawn", w_m + w_e, e_a)):
                    continue
                for key, value in {("mentor", "enrolled"): e_m, ("mentee", "enrolled"): e_e,
                                   ("all", "enrolled"): e_a, ("mentor", "matched"): m,
                                   ("mentee", "matched"): m, ("all", "matched"): 2 * m,
                                   ("mentor", "withdrawn"): w_m, ("mentee", "withdrawn"): w_e,
                                   ("all", "withdrawn"): w_m + w_e}.items():
                    found[key].add(value)
    return found


@pytest.mark.parametrize("seed", range(12))
def test_no_suppressed_flow_count_is_pinned_by_brute_force(seed):
    rng = np.random.default_rng(seed)
    enrolled = rng.integers(3, 20, size=2)
    matched = int(rng.integers(0, min(enrolled) + 1))
    withdrawn = rng.integers(0, enrolled // 2 + 1)
    findings = flow(tuple(int(e) for e in enrolled), (matched, matched), tuple(int(w) for w in withdrawn))
    published = public_findings(findings)
    possible = possible_values(findings, published)
    for row, shown in zip(findings.itertuples(), published["value"], strict=True):
        values = possible[(row.role, row.statistic)]
        assert row.value in values, "the true table must be among those the published cells allow"
        if shown == "*":  # one possible value is a disclosure, unless it is 0 (following from a published 0)
            assert len(values) > 1 or values == {0}, (row.role, row.statistic, values, published["value"].tolist())


def test_brute_force_finds_the_pin_that_main_published():
    findings = flow((10, 9), (7, 7), (0, 0))
    on_main = findings.assign(value=["10", "*", "0", "10", "*", "0", "20", "15", "0"],
                              n=["10", "10", "10", "10", "10", "10", "20", "20", "20"])
    assert possible_values(findings, on_main)[("mentor", "matched")] == {7}


# --- across a hierarchy of reports: cohorts, their region, the nation -------------------------------

from rm_research.disclosure.differencing import Level, audit_levels, protect_levels  # noqa: E402


def levels(cohort_flows, rule=DISCLOSURE):
    """Cohort flow tables, their region's sums, and the nation (= the one region), each published
    on its own under ``rule``."""
    tables = [(f"r/{i + 1}", "r", flow(*counts)) for i, counts in enumerate(cohort_flows)]
    total = [tuple(sum(c[k][j] for c in cohort_flows) for j in range(2)) for k in range(3)]
    tables += [("r", "national", flow(*total)), ("national", None, flow(*total))]
    out = []
    for unit, parent, findings in tables:
        out.append(Level(unit, parent, findings, public_findings(findings, rule)))
    return out


def test_a_region_total_less_its_published_cohorts_is_found():
    # A careless publisher shows counts unrounded (a rounding base of 1): the region's enrolled mentors
    # (25) and cohort 1's (20); cohort 2's hidden mentors are then 25 - 20 = 5.
    careless = DisclosureRule(rounding_base=1)
    hierarchy = levels([((20, 12), (0, 0), (0, 0)), ((5, 9), (0, 0), (0, 0))], careless)
    assert hierarchy[2].safe.at[0, "value"] == "25" and hierarchy[0].safe.at[0, "value"] == "20"
    pinned = audit_levels(hierarchy, careless)
    found = {(p.index, p.value) for p in pinned["r/2"]}
    assert (0, 5.0) in found  # row 0: mentors enrolled in cohort 2


def enrolled_mentors_of_cohort_2(hierarchy, tables, half):
    """Brute force, independent of the integer programme: every count of cohort 2's enrolled
    mentors consistent with the enrolled cells of every table (values and n, read as ``fits``
    reads them), with the region and the nation the sums of the cohorts."""
    cells = {level.unit: {(r.role, r.statistic): (shown, shown_n, r.value, r.n) for r, shown, shown_n in
                          zip(level.findings.itertuples(), tables[level.unit]["value"], tables[level.unit]["n"],
                              strict=True)} for level in hierarchy}

    def ok(unit, role, v):
        shown, shown_n, true, true_n = cells[unit][(role, "enrolled")]
        return fits(shown, v, true, true_n, half=half) and fits(shown_n, v, true_n, true_n, half=half)

    def role(name):
        return [(a, b) for a in range(60) for b in range(60) if ok("r/1", name, a) and ok("r/2", name, b)
                and ok("r", name, a + b) and ok("national", name, a + b)]

    return {b for a, b in role("mentor") for c, d in role("mentee")
            if ok("r/1", "all", a + c) and ok("r/2", "all", b + d) and ok("r", "all", a + b + c + d)
            and ok("national", "all", a + b + c + d)}


def test_protecting_across_levels_leaves_the_hidden_count_open_by_brute_force():
    careless = DisclosureRule(rounding_base=1)  # unrounded counts: the region less cohort 1 gives cohort 2 away
    hierarchy = levels([((20, 12), (0, 0), (0, 0)), ((5, 9), (0, 0), (0, 0))], careless)
    assert enrolled_mentors_of_cohort_2(hierarchy, {level.unit: level.safe for level in hierarchy}, half=0) == {5}
    possible = enrolled_mentors_of_cohort_2(hierarchy, protect_levels(hierarchy, careless), half=0)
    assert 5 in possible and len(possible) > 1


def test_protecting_the_hierarchy_leaves_nothing_pinned_anywhere():
    hierarchy = levels([((20, 12), (7, 7), (0, 1)), ((5, 9), (5, 5), (1, 0)), ((11, 8), (8, 8), (2, 2))])
    protected = protect_levels(hierarchy)
    again = [Level(level.unit, level.parent, level.findings, protected[level.unit]) for level in hierarchy]
    assert all(cells == [] for cells in audit_levels(again).values())
    model = Audit(hierarchy[0].findings, protected["r/1"])
    assert model.truth_violations() == []


def test_the_true_values_satisfy_every_constraint_of_every_example_cohort_and_level():
    from rm_research.disclosure.hierarchy import hierarchy, load_all
    from tests.conftest import REPO

    keys = sorted((f.parent.name, int(f.name.split("-")[1])) for f in (REPO / "data" / "raw").glob("*/cohort-*"))
    for level in hierarchy(load_all(REPO, keys)):
        assert Audit(level.findings, level.safe).truth_violations() == [], level.unit


def test_an_impossible_programme_fails_closed():
    from rm_research.disclosure.differencing import Model

    model = Model()
    x = model.var(("C", "", "flow", "matched", "mentor"), 1.0, 7.0)
    model.add({x: 1.0}, 20.0, INF)
    with pytest.raises(RuntimeError, match="admit no table"):
        model.fixed([x])


# --- relations the descriptive rows and the paired means add -----------------------------------------

def test_the_groups_of_a_single_answer_question_add_up_and_the_audit_knows_it():
    # 22 mentors answered: 13 Asian, 8 Black, 1 Mixed. Published naively: 13 -> "15" (13..17), 8 -> "10"
    # (8..12), 22 -> "20" (18..22), Mixed "*" (1..7), the rest 0. Everyone is in one group, so
    # Mixed = n - Asian - Black <= 22 - 13 - 8 = 1: the lone Mixed mentor is worked out.
    groups = {"Asian": 13, "Black": 8, "Mixed": 1, "White": 0, "Other": 0, "Prefer not to say": 0}
    findings = frame([("ethnic_group", "mentor", group, float(count), 22) for group, count in groups.items()])
    naive = findings.assign(value=["15", "10", "*", "0", "0", "0"], n="20")
    assert [(p.index, p.value) for p in audit(findings, naive)] == [(2, 1.0)]
    published = public_findings(findings)
    assert audit(findings, published) == [] and published.at[2, "value"] == "*"
    assert Audit(findings, published).truth_violations() == []


def test_the_paired_means_give_the_change_away_when_the_change_alone_is_hidden():
    # Unrounded counts (a rounding base of 1): 10 people, before 6.0 and after 7.0 (1 decimal) fix
    # their sums at 60 and 70, so the change's sum is 70 - 60 = 10 and its hidden mean 1.0 is found.
    careless = DisclosureRule(rounding_base=1)
    findings = frame([("conf_senior", "mentor", "paired_pre_mean", 6.0, 10),
                      ("conf_senior", "mentor", "paired_post_mean", 7.0, 10),
                      ("conf_senior", "mentor", "change_mean", 1.0, 10)])
    naive = findings.assign(value=["6.0", "7.0", "*"], n="10")
    assert [(p.index, p.value) for p in audit(findings, naive, careless)] == [(2, 10.0)]  # the sum 10 on n = 10
    assert Audit(findings, naive, careless).truth_violations() == []


def test_the_paired_sums_are_parts_of_the_sums_at_each_time():
    # 10 answered at enrolment and 9 of them at the end too: the 9's sum is the 10's sum less one
    # person's rating of 1 to 10. Sums 50 and 45 fit (the tenth rated 5); sums 10 and 90, each within
    # its own scale, do not (the tenth would have rated -80), and only that relation says so.
    careless = DisclosureRule(rounding_base=1)

    def violations(pre: float, paired: float) -> list[str]:
        findings = frame([("conf_senior", "mentor", "pre_mean", pre, 10),
                          ("conf_senior", "mentor", "paired_pre_mean", paired, 9),
                          ("conf_senior", "mentor", "change_mean", 0.0, 9)])
        shown = findings.assign(value=[f"{pre:.1f}", f"{paired:.1f}", "0.0"], n=["10", "9", "9"])
        return Audit(findings, shown, careless).truth_violations()

    assert violations(5.0, 5.0) == []
    assert violations(1.0, 10.0)


def test_a_withheld_mean_change_comes_back_from_its_shown_interval():
    """A t interval is symmetric about its mean: with the limits shown (1.0 to 2.0 over exactly 10 people),
    a withheld mean change is 1.45 to 1.55, so its whole-number sum is 15: the audit finds it."""
    findings = pd.DataFrame({"region": "r", "cohort": "1", "measure": "conf_senior", "role": "mentee",
                             "statistic": ["change_mean", "change_ci_low", "change_ci_high"],
                             "value": [1.5, 1.0, 2.0], "n": [10, 10, 10]})
    safe = findings.assign(value=["*", "1.0", "2.0"], n=["10", "10", "10"])
    pinned = Audit(findings, safe).pinned()
    assert [(p.index, p.column, p.value) for p in pinned] == [(0, "value", 15.0)]
    assert Audit(findings, safe.assign(value=["*", "*", "*"])).pinned() == []


def test_what_the_solver_prints_goes_to_the_log_not_the_terminal(capfd, caplog):
    """HiGHS has printf lines its output flag does not silence (issue 18: seen at 126 cohorts)."""
    import os

    from rm_research.disclosure.differencing import solver_output_logged

    with caplog.at_level("DEBUG", logger="rm_research.disclosure.differencing"), solver_output_logged():
        os.write(1, b"HighsMipSolverData::feasibilityJump called with primal bound of 3\n")
    assert capfd.readouterr().out == ""
    assert any("feasibilityJump" in record.getMessage() for record in caplog.records)
    os.write(1, b"after\n")  # and the terminal has its standard output back
    assert capfd.readouterr().out == "after\n"


def test_a_units_audit_input_reads_back_exactly(tmp_path):
    """What a publish writes for the cross-level audit (``.publish-audit.json``) reads back as the same
    table, every number to the last bit and every column type, so the audit of a later run pairs the same
    true values with the public ones as it would have computed."""
    from rm_research.disclosure.hierarchy import audit_input_text, cohort_audit_input, read_audit_input

    findings = pd.DataFrame({"measure": ["flow", "conf_senior"], "statistic": ["enrolled", "change_mean"],
                             "role": ["all", "mentor"], "n": [12, 9], "value": [12.0, 1 / 3 + 1e-12],
                             "note": ["", "SYNTHETIC"]})
    found = cohort_audit_input(findings)
    path = tmp_path / ".publish-audit.json"
    path.write_text(audit_input_text(found), encoding="utf-8")
    table, pooled = read_audit_input(path)
    pd.testing.assert_frame_equal(table, found[0], check_exact=True)
    assert pooled == {} and table.at[1, "value"] == 1 / 3 + 1e-12
    path.write_text(audit_input_text(found).replace('"version": "', '"version": "older-'), encoding="utf-8")
    assert read_audit_input(path) is None  # another version's findings may differ: computed again


# --- the cross-level audit in parts (``parts``): never finds less than the whole programme -------

def regions_levels(regions, rule=DISCLOSURE):
    """Cohort flow tables in several regions, each region's sums and the nation's, each published on its
    own under ``rule``. ``regions``: for each region, its cohorts' ((enrolled), (matched), (withdrawn))."""
    def summed(flows):
        return [tuple(sum(c[k][j] for c in flows) for j in range(2)) for k in range(3)]

    tables = []
    for number, cohorts in enumerate(regions, start=1):
        tables += [(f"r{number}/{i + 1}", f"r{number}", flow(*counts)) for i, counts in enumerate(cohorts)]
        tables.append((f"r{number}", "national", flow(*summed(cohorts))))
    tables.append(("national", None, flow(*summed([c for cohorts in regions for c in cohorts]))))
    return [Level(unit, parent, findings, public_findings(findings, rule)) for unit, parent, findings in tables]


def random_regions(seed):
    rng = np.random.default_rng(seed)

    def cohort():
        enrolled = tuple(int(x) for x in rng.integers(1, 25, size=2))
        matched = tuple(int(min(e, m)) for e, m in zip(enrolled, rng.integers(0, 20, size=2), strict=True))
        matched = (min(matched), min(matched))  # one mentor and one mentee in every pair
        withdrawn = tuple(int(rng.integers(0, e - m + 1)) for e, m in zip(enrolled, matched, strict=True))
        return enrolled, matched, withdrawn

    return [[cohort() for _ in range(int(rng.integers(2, 5)))] for _ in range(int(rng.integers(2, 4)))]


def pinned_cells_of(found):
    return {(unit, cell.index, cell.column) for unit, cells in found.items() for cell in cells}


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("rounding_base", [1, 5])
def test_the_audit_in_parts_finds_every_cell_the_whole_programme_finds(seed, rounding_base):
    """Holding the other tables at their true values only adds constraints, so a part pins every cell the
    whole programme pins (and perhaps more: it never hides less). Unrounded counts (base 1) make many cells
    pinned, so the comparison has something to compare."""
    from rm_research.disclosure.parts import AuditInParts

    rule = DisclosureRule(rounding_base=rounding_base)
    hierarchy = regions_levels(random_regions(seed), rule)
    whole = pinned_cells_of(audit_levels(hierarchy, rule))
    in_parts = pinned_cells_of(AuditInParts(chunk=2)(hierarchy, rule))
    assert whole <= in_parts


def test_some_of_those_hierarchies_have_pinned_cells_to_compare():
    found = [pinned_cells_of(audit_levels(regions_levels(random_regions(seed), DisclosureRule(rounding_base=1)),
                                          DisclosureRule(rounding_base=1))) for seed in range(12)]
    assert sum(1 for cells in found if cells) >= 6


@pytest.mark.parametrize("seed", range(8))
def test_protecting_in_parts_leaves_nothing_the_whole_programme_can_pin(seed):
    """The attack: protect with the audit in parts, then audit every table in one programme."""
    from rm_research.disclosure.parts import AuditInParts

    careless = DisclosureRule(rounding_base=1)
    hierarchy = regions_levels(random_regions(seed), careless)
    protected = protect_levels(hierarchy, careless, auditor=AuditInParts(chunk=2), siblings=False)
    again = [Level(level.unit, level.parent, level.findings, protected[level.unit]) for level in hierarchy]
    assert pinned_cells_of(audit_levels(again, careless)) == set()


def test_protecting_in_parts_leaves_the_hidden_count_open_by_brute_force():
    from rm_research.disclosure.parts import AuditInParts

    careless = DisclosureRule(rounding_base=1)
    hierarchy = levels([((20, 12), (0, 0), (0, 0)), ((5, 9), (0, 0), (0, 0))], careless)
    protected = protect_levels(hierarchy, careless, auditor=AuditInParts(), siblings=False)
    possible = enrolled_mentors_of_cohort_2(hierarchy, protected, half=0)
    assert 5 in possible and len(possible) > 1
