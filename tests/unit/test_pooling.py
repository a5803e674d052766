"""Region and national findings (contract section 6), each row computed independently here from the
raw CSV files of small seeded cohorts, never read back from the package."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rm_research.core import config
from rm_research.core.problems import DataError
from rm_research.findings import level as pooling
from rm_research.findings import registry
from rm_research.findings.cohort import cohort_findings
from rm_research.findings.table import FINDINGS_COLUMNS
from rm_research.ingest.load import discover_cohorts, level_cohorts, load_level
from rm_research.stats import meta
from tests.helpers import write_cohort

YES = {"yes": 1.0, "no": 0.0}


def cohort_files(seed: int, pairs: int, shift: float, offered: int = 3) -> dict[str, str]:
    """A valid cohort: ``pairs`` matched pairs, one unmatched mentor, one withdrawn mentee; ratings
    rising by about ``shift``; yes/no answers with blanks; a psychological-session log if offered."""
    rng = np.random.default_rng(seed)
    people = [(f"M{i}", "mentor", f"P{i}", "") for i in range(pairs)] + [(f"E{i}", "mentee", f"P{i}", "")
                                                                         for i in range(pairs)]
    people += [("MX", "mentor", "", ""), ("EX", "mentee", "", "withdrawn")]
    participants = "participant_id,role,pair_id,status\n" + "".join(f"{p},{r},{q},{s}\n" for p, r, q, s in people)
    enrol, end, psych = ["participant_id,conf_senior,conf_junior,comfort_needs"], [
        "participant_id,conf_senior,conf_junior,comfort_needs,sessions_reported,length_appropriate,missed_any,"
        "psych_supportive"], ["participant_id,psych_session_no,attended"]
    for pid, role, _, _ in people:
        pre = rng.integers(1, 8, size=3)
        post = np.clip(pre + np.round(shift + rng.normal(0, 1.2, size=3)), 1, 10).astype(int)
        junior = role == "mentee"
        enrol.append(f"{pid},{pre[0]},{pre[1] if junior else ''},{'' if junior else pre[2]}")
        if pid != "EX" and rng.random() < 0.85:
            answers = [rng.choice(["yes", "no", ""]) for _ in range(3)]
            end.append(f"{pid},{post[0]},{post[1] if junior else ''},{'' if junior else post[2]},"
                       f"{rng.integers(0, 8)},{answers[0]},{answers[1]},{answers[2] if offered else ''}")
        for session in range(1, offered + 1):
            psych.append(f"{pid},{session},{rng.choice(['yes', 'no'])}")
    files = {"participants": participants, "enrolment": "\n".join(enrol) + "\n", "end_survey": "\n".join(end) + "\n"}
    if offered:
        files["psych_sessions"] = "\n".join(psych) + "\n"
    return files


COHORTS = {  # (region, cohort): (seed, pairs, shift, psych sessions offered)
    ("north", 1): (1, 4, 1.5, 3),
    ("north", 2): (2, 6, 0.5, 2),
    ("north", 3): (3, 3, 2.5, 0),
    ("south", 1): (4, 5, 1.0, 4),
    ("south", 2): (5, 7, 0.0, 3),
}


def make_collaborative(root: Path, cohorts: dict = COHORTS) -> Path:
    for (region, number), (seed, pairs, shift, offered) in cohorts.items():
        folder = write_cohort(root / "data" / "raw" / region / f"cohort-{number}",
                              cohort_files(seed, pairs, shift, offered))
        (folder / "programme.toml").write_text(f"psych_sessions_offered = {offered}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def collaborative(tmp_path_factory) -> Path:
    return make_collaborative(tmp_path_factory.mktemp("collaborative"))


@pytest.fixture(scope="module")
def national(collaborative):
    people = pooling.person_table(load_level(collaborative, "national"))
    return people, pooling.people_findings(people, "national")


def raw(root: Path, region: str, number: int, name: str) -> pd.DataFrame:
    path = root / "data" / "raw" / region / f"cohort-{number}" / f"{name}.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else pd.DataFrame()


def value(findings: pd.DataFrame, measure: str, role: str, statistic: str) -> tuple[float, int]:
    row = findings[(findings["measure"] == measure) & (findings["role"] == role) & (findings["statistic"] == statistic)]
    assert len(row) == 1, (measure, role, statistic)
    return float(row["value"].iloc[0]), int(row["n"].iloc[0])


def in_role(table: pd.DataFrame, roles: pd.Series, role: str) -> pd.DataFrame:
    return table if role == "all" else table[table["participant_id"].map(roles) == role]


def test_discovers_every_cohort_in_order(collaborative):
    (collaborative / "data" / "raw" / "north" / "notes").mkdir(exist_ok=True)  # not a cohort folder
    assert discover_cohorts(collaborative, "national") == sorted(COHORTS)
    assert discover_cohorts(collaborative, "north") == [("north", 1), ("north", 2), ("north", 3)]
    assert level_cohorts(collaborative, "north", [["north", 2], ("north", 1)]) == [("north", 1), ("north", 2)]
    with pytest.raises(ValueError, match="not in region"):
        level_cohorts(collaborative, "north", [("south", 1)])


def test_findings_have_the_contract_columns_and_every_statistic_is_registered(national):
    _, findings = national
    assert list(findings.columns) == FINDINGS_COLUMNS
    assert set(findings["region"]) == {"national"} and set(findings["cohort"]) == {"all"}
    assert set(findings["role"]) == {"mentor", "mentee", "all"}
    assert registry.unregistered(findings).empty


def test_person_table_carries_no_identifiers(national):
    people, _ = national
    ids = {f"{p}{i}" for p in "ME" for i in range(8)} | {"MX", "EX"} | {f"P{i}" for i in range(8)}
    assert not ids & {str(v) for v in people.to_numpy().ravel()}
    assert not {"participant_id", "pair_id"} & set(people.columns)


@pytest.mark.parametrize("role", ["mentor", "mentee", "all"])
def test_flow_is_summed_over_the_cohorts(collaborative, national, role):
    _, findings = national
    expected = dict.fromkeys(["enrolled", "matched", "attended_psych", "completed_end_survey", "withdrawn"], 0.0)
    for (region, number), (_, _, _, offered) in COHORTS.items():
        people = raw(collaborative, region, number, "participants")
        people = people if role == "all" else people[people["role"] == role]
        expected["enrolled"] += len(people)
        expected["matched"] += (people["pair_id"] != "").sum()
        expected["withdrawn"] += (people["status"] == "withdrawn").sum()
        end = raw(collaborative, region, number, "end_survey")
        expected["completed_end_survey"] += people["participant_id"].isin(end["participant_id"]).sum()
        if offered:
            log = raw(collaborative, region, number, "psych_sessions")
            attenders = set(log.loc[log["attended"] == "yes", "participant_id"])
            expected["attended_psych"] += people["participant_id"].isin(attenders).sum()
    for stage, count in expected.items():
        assert value(findings, "flow", role, stage) == (count, expected["enrolled"])


@pytest.mark.parametrize("role", ["mentor", "mentee", "all"])
def test_yes_no_answers_are_summed_and_psych_answers_need_sessions_offered(collaborative, national, role):
    _, findings = national
    for item in config.YES_NO_ITEMS:
        yes = answered = 0
        for (region, number), (_, _, _, offered) in COHORTS.items():
            if item == "psych_supportive" and offered == 0:
                continue
            roles = raw(collaborative, region, number, "participants").set_index("participant_id")["role"]
            answers = in_role(raw(collaborative, region, number, "end_survey"), roles, role)[item].map(YES).dropna()
            yes, answered = yes + answers.sum(), answered + len(answers)
        assert value(findings, item, role, "yes_count") == (yes, answered)
        assert value(findings, item, role, "yes_proportion")[0] == pytest.approx(yes / answered)


def changes_from_raw(root: Path, item: str, role: str, cohorts=COHORTS) -> dict[str, list[float]]:
    out = {}
    for region, number in cohorts:
        roles = raw(root, region, number, "participants").set_index("participant_id")["role"]
        pre = in_role(raw(root, region, number, "enrolment"), roles, role).set_index("participant_id")[item]
        post = in_role(raw(root, region, number, "end_survey"), roles, role).set_index("participant_id")[item]
        both = pd.concat([pre, post], axis=1, join="inner").replace("", np.nan).dropna().astype(float)
        out[f"{region}, cohort {number}"] = list(both.iloc[:, 1] - both.iloc[:, 0])
    return out


@pytest.mark.parametrize("item", config.RATING_ITEMS)
@pytest.mark.parametrize("role", ["mentor", "mentee", "all"])
def test_pooled_rows_are_the_meta_analysis_of_the_raw_changes(collaborative, national, item, role):
    _, findings = national
    expected = meta.meta_analysis(changes_from_raw(collaborative, item, role))
    rows = findings[(findings["measure"] == item) & (findings["role"] == role)]
    if rows.empty:  # nobody of the role was asked the item
        assert expected.n == 0 and all(len(c) == 0 for c in changes_from_raw(collaborative, item, role).values())
        return
    for statistic, number in expected.statistics().items():
        found, n = value(findings, item, role, statistic)
        assert n == expected.n == sum(len(c) for c in changes_from_raw(collaborative, item, role).values()
                                      if len(c) >= 2 and len(set(c)) > 1)
        assert found == pytest.approx(number, rel=1e-12, nan_ok=True), statistic
    assert value(findings, item, role, "k")[0] >= 2 or math.isnan(value(findings, item, role, "pooled_change")[0])


def test_the_pooled_change_follows_the_contract_formulas(collaborative, national):
    """One item by hand: PM tau2 solved by bisection here, HKSJ interval, Q and I2 from their formulas."""
    from scipy import stats

    _, findings = national
    changes = [np.array(c) for c in changes_from_raw(collaborative, "conf_senior", "all").values()]
    y = np.array([c.mean() for c in changes])
    v = np.array([c.var(ddof=1) / len(c) for c in changes])
    k = len(y)
    fixed = np.sum(y / v) / np.sum(1 / v)
    q = np.sum((y - fixed) ** 2 / v)

    def gq(t):
        w = 1 / (v + t)
        return np.sum(w * (y - np.sum(w * y) / np.sum(w)) ** 2)

    lo, hi = 0.0, 100.0
    if gq(0.0) <= k - 1:
        tau2 = 0.0
    else:
        for _ in range(200):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if gq(mid) > k - 1 else (lo, mid)
        tau2 = (lo + hi) / 2
    w = 1 / (v + tau2)
    pooled = np.sum(w * y) / np.sum(w)
    se = math.sqrt(np.sum(w * (y - pooled) ** 2) / ((k - 1) * np.sum(w)))
    crit = stats.t.ppf(0.975, k - 1)
    assert value(findings, "conf_senior", "all", "k")[0] == k == 5
    assert value(findings, "conf_senior", "all", "tau2")[0] == pytest.approx(tau2, abs=1e-9)
    assert value(findings, "conf_senior", "all", "pooled_change")[0] == pytest.approx(pooled, rel=1e-9)
    assert value(findings, "conf_senior", "all", "pooled_ci_low")[0] == pytest.approx(pooled - crit * se, rel=1e-9)
    assert value(findings, "conf_senior", "all", "pooled_ci_high")[0] == pytest.approx(pooled + crit * se, rel=1e-9)
    assert value(findings, "conf_senior", "all", "q_p")[0] == pytest.approx(stats.chi2.sf(q, k - 1), rel=1e-9)
    assert value(findings, "conf_senior", "all", "i2")[0] == pytest.approx(max(0, (q - (k - 1)) / q) * 100)


def test_a_cohort_with_too_few_pairs_is_left_out_and_listed(tmp_path):
    cohorts = {("east", 1): (11, 5, 1.0, 3), ("east", 2): (12, 6, 2.0, 3), ("east", 3): (13, 1, 1.0, 3)}
    root = make_collaborative(tmp_path, cohorts)
    # cohort 3 has one pair: at most one mentor paired on comfort_needs
    people = pooling.person_table(load_level(root, "east"))
    analyses = pooling.meta_analyses(people)
    excluded = pooling.excluded_cohorts(analyses)
    left = excluded[(excluded["item"] == "comfort_needs") & (excluded["role"] == "mentor")]
    assert list(left["cohort"]) == ["East, cohort 3"] and list(left["reason"]) == [meta.FEWER_THAN_TWO]
    assert analyses[("comfort_needs", "mentor")].k == 2


def test_a_single_cohort_gives_blank_pooled_rows(tmp_path):
    root = make_collaborative(tmp_path, {("west", 1): (21, 6, 1.0, 3)})
    findings = pooling.people_findings(pooling.person_table(load_level(root, "west")), "west")
    k, n = value(findings, "conf_senior", "all", "k")
    assert k == 1 and n > 0
    assert math.isnan(value(findings, "conf_senior", "all", "pooled_change")[0])


def test_a_bad_cohort_is_named(tmp_path):
    root = make_collaborative(tmp_path, {("west", 1): (21, 6, 1.0, 3), ("west", 2): (22, 4, 1.0, 3)})
    people = root / "data" / "raw" / "west" / "cohort-2" / "participants.csv"
    people.write_text(people.read_text().replace("MX,mentor", "MX,boss"), encoding="utf-8")  # an unknown role
    with pytest.raises(DataError, match=r"west/cohort-2/participants\.csv"):
        load_level(root, "west")
    assert len(load_level(root, "west", [("west", 1)])) == 1  # the caller may pass only the good ones


def ancova_by_least_squares(people: pd.DataFrame, dose: str, role: str) -> tuple[float, int]:
    """The slope of dose in post ~ pre + dose + cohort dummies, by numpy least squares."""
    data = pooling.in_role(people, role)
    data = data[["cohort_label", "pre_conf_senior", "post_conf_senior", dose]].dropna()
    sizes = data["cohort_label"].value_counts()
    data = data[data["cohort_label"].map(sizes) >= 2]
    labels = sorted(set(data["cohort_label"]))
    dummies = np.column_stack([(data["cohort_label"] == label).to_numpy(float) for label in labels])
    design = np.column_stack([data["pre_conf_senior"], data[dose], dummies])  # one intercept per cohort
    coef, *_ = np.linalg.lstsq(design, data["post_conf_senior"].to_numpy(float), rcond=None)
    return float(coef[1]), len(data)


@pytest.mark.parametrize("role", ["mentor", "mentee", "all"])
@pytest.mark.parametrize(("measure", "dose"), list(pooling.DOSES.items()))
def test_pooled_ancova_slope_is_the_within_cohort_least_squares_slope(national, role, measure, dose):
    people, findings = national
    slope, n = ancova_by_least_squares(people, dose, role)
    assert value(findings, measure, role, "pooled_ancova_slope") == (pytest.approx(slope, rel=1e-9, abs=1e-12), n)
    low, _ = value(findings, measure, role, "pooled_ancova_ci_low")
    high, _ = value(findings, measure, role, "pooled_ancova_ci_high")
    assert low < slope < high


def test_psych_effect_leaves_out_programmes_without_sessions(national):
    people, findings = national
    offered_none = people[people["psych_offered"] == 0]
    assert len(offered_none) > 0 and offered_none["psych_attended"].isna().all()
    assert offered_none["psych_supportive"].isna().all()
    _, n = value(findings, "psych_effect", "all", "pooled_ancova_slope")
    with_sessions = people[people["psych_offered"] > 0].dropna(subset=["pre_conf_senior", "post_conf_senior"])
    assert n <= len(with_sessions)


def test_mixed_model_needs_five_cohorts(national, tmp_path):
    people, findings = national
    mixed = pooling.mixed_model(people, "mentoring_sessions", "all")
    assert mixed["cohorts"] == 5 and not math.isnan(mixed["slope"])
    assert value(findings, "attendance_effect", "all", "mixed_slope")[0] == pytest.approx(mixed["slope"])
    # statsmodels' own fit of the same model, independent of the package's data handling
    import statsmodels.formula.api as smf

    data = people.dropna(subset=["pre_conf_senior", "post_conf_senior", "mentoring_sessions"])
    fit = smf.mixedlm("post_conf_senior ~ pre_conf_senior + mentoring_sessions", data,
                      groups=data["cohort_label"]).fit(reml=True)
    assert mixed["slope"] == pytest.approx(fit.fe_params["mentoring_sessions"], rel=1e-6)
    four = people[people["cohort_label"] != "South, cohort 2"]
    assert math.isnan(pooling.mixed_model(four, "mentoring_sessions", "all")["slope"])
    assert "at least 5 cohorts" in pooling.mixed_model(four, "mentoring_sessions", "all")["note"]
    assert set(pooling.dose_models(pooling.dose_fits(four))["model"]) == {"ancova"}


def test_yes_no_by_region_has_wilson_intervals(national):
    from statsmodels.stats.proportion import proportion_confint

    people, _ = national
    table = pooling.yes_no_by(people, "region")
    row = table[(table["question"] == "length_appropriate") & (table["region"] == "south")].iloc[0]
    answers = people.loc[people["region"] == "south", "length_appropriate"].dropna()
    assert (row["yes"], row["answered"]) == (answers.sum(), len(answers))
    low, high = proportion_confint(answers.sum(), len(answers), method="wilson")
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    psych = table[table["question"] == "psych_supportive"]
    north = people[(people["region"] == "north") & (people["psych_offered"] > 0)]["psych_supportive"].dropna()
    assert psych.set_index("region").at["north", "answered"] == len(north)


def test_psych_attendance_by_region_counts_each_number_of_sessions(collaborative, national):
    people, _ = national
    table = pooling.psych_attendance_by(people, "region").set_index("region")
    log = raw(collaborative, "south", 1, "psych_sessions")
    attended = (log["attended"] == "yes").groupby(log["participant_id"]).sum()
    log2 = raw(collaborative, "south", 2, "psych_sessions")
    attended = pd.concat([attended, (log2["attended"] == "yes").groupby(log2["participant_id"]).sum()])
    assert table.at["south", "people"] == len(attended)
    assert table.at["south", "mean"] == pytest.approx(attended.mean())
    assert table.at["south", "attended_0"] == (attended == 0).sum()
    assert table.at["south", "offered"] == 4


def test_attenders_are_unknown_when_a_cohort_offering_sessions_kept_no_log(tmp_path):
    root = make_collaborative(tmp_path, {("east", 1): (31, 4, 1.0, 3), ("east", 2): (32, 4, 1.0, 0)})
    people = pooling.person_table(load_level(root, "east"))
    assert value(pooling.people_findings(people, "east"), "flow", "all", "attended_psych")[0] == float(
        people["psych_attended"].gt(0).sum())  # the programme offering none adds 0
    (root / "data" / "raw" / "east" / "cohort-1" / "psych_sessions.csv").unlink()
    people = pooling.person_table(load_level(root, "east"))
    flow = pooling.cohort_flow(people).set_index("cohort")
    assert math.isnan(flow.at[1, "attended_psych"]) and flow.at[2, "attended_psych"] == 0
    assert math.isnan(value(pooling.people_findings(people, "east"), "flow", "all", "attended_psych")[0])


def test_region_flow_sums_its_cohorts(national):
    people, _ = national
    by_region = pooling.region_flow(people).set_index("region")
    cohorts = pooling.cohort_flow(people)
    for region in ("north", "south"):
        mine = cohorts[cohorts["region"] == region]
        assert by_region.at[region, "enrolled"] == mine["enrolled"].sum() == (people["region"] == region).sum()
        assert by_region.at[region, "attended_psych"] == mine["attended_psych"].sum()


def test_forest_plot_rows_are_the_cohorts_and_the_pool_and_no_prediction_interval_below_five_cohorts():
    import matplotlib.pyplot as plt

    from rm_research.report import figures

    three = meta.meta_analysis({"a": [1, 2, 3], "b": [0, 1, 1, 2], "c": [2, 4, 3], "d": [5]})
    assert not math.isnan(three.pi_low)  # computed for k >= 3 (findings.csv holds it) but not drawn
    fig = figures.forest_plot(three, "title").figure
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["a (n=3)", "b (n=4)", "c (n=3)", "Pooled, 3 cohorts (n=10)"]
    right = [t.get_text() for t in fig.axes[0].child_axes[0].get_yticklabels()]
    assert right[0] == "2.00 (-0.48 to 4.48)"  # mean 2, sd 1, t(0.975, 2) = 4.303 / sqrt(3)
    plt.close(fig)


def test_forest_plot_draws_the_prediction_interval_from_five_cohorts():
    import matplotlib.pyplot as plt

    from rm_research.report import figures

    five = meta.meta_analysis({"a": [1, 2, 3], "b": [0, 1, 1, 2], "c": [2, 4, 3], "d": [1, 1, 2], "e": [3, 2, 4]})
    fig = figures.forest_plot(five, "title").figure
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()][-1] == "95% prediction interval"
    plt.close(fig)


def test_forest_plot_axis_never_runs_past_the_largest_possible_change():
    import matplotlib.pyplot as plt

    from rm_research.report import figures

    # two people changing by -9 and +9 give a cohort t interval of 0 +- 12.7 x 9 (= +-114)
    wide = meta.meta_analysis({"a": [-9, 9], "b": [0, 1, 1, 2], "c": [2, 4, 3]})
    fig = figures.forest_plot(wide, "title").figure
    low, high = fig.axes[0].get_xlim()
    assert low >= -9 and high <= 9  # a 1-10 rating changes by 9 at most, either way
    plt.close(fig)


def test_pooled_table_reads_the_level_findings(national):
    from rm_research.report import tables

    _, findings = national
    table = tables.pooled_table(findings)
    assert list(table["Role"]) == ["mentor", "mentee", "all", "mentee", "all", "mentor", "all"]
    first = table.iloc[0]
    k, n = value(findings, "conf_senior", "mentor", "k")
    change = value(findings, "conf_senior", "mentor", "pooled_change")[0]
    assert (first["Cohorts pooled"], first["People paired"]) == (k, n)
    assert first["Pooled mean change (95% HKSJ CI)"].startswith(f"{change:.2f} (")


def test_pooled_ancova_interval_is_hc3_with_t_on_the_residual_df(national):
    """HC3 from its definition (MacKinnon and White 1985): (X'X)^-1 X' diag(e^2 / (1 - h)^2) X (X'X)^-1."""
    from scipy import stats

    people, findings = national
    data = people[["cohort_label", "pre_conf_senior", "post_conf_senior", "mentoring_sessions"]].dropna()
    data = data[data["cohort_label"].map(data["cohort_label"].value_counts()) >= 2]
    labels = sorted(set(data["cohort_label"]))
    x = np.column_stack([data["pre_conf_senior"], data["mentoring_sessions"],
                         *[(data["cohort_label"] == label).to_numpy(float) for label in labels]])
    y = data["post_conf_senior"].to_numpy(float)
    inverse = np.linalg.inv(x.T @ x)
    beta = inverse @ x.T @ y
    residuals = y - x @ beta
    leverage = np.einsum("ij,jk,ik->i", x, inverse, x)
    cov = inverse @ (x.T * (residuals / (1 - leverage)) ** 2) @ x @ inverse
    se = math.sqrt(cov[1, 1])
    half = stats.t.ppf(0.975, len(y) - x.shape[1]) * se
    assert value(findings, "attendance_effect", "all", "pooled_ancova_ci_low")[0] == pytest.approx(beta[1] - half)
    assert value(findings, "attendance_effect", "all", "pooled_ancova_ci_high")[0] == pytest.approx(beta[1] + half)
    p = 2 * stats.t.sf(abs(beta[1] / se), len(y) - x.shape[1])
    assert value(findings, "attendance_effect", "all", "pooled_ancova_p")[0] == pytest.approx(p)


def test_mentoring_sessions_by_region(collaborative, national):
    people, _ = national
    table = pooling.mentoring_sessions_by(people, "region").set_index("region")
    reported = []
    for (region, number) in COHORTS:  # no session logs in these cohorts: the sessions reported
        if region == "south":
            reported += list(raw(collaborative, region, number, "end_survey")["sessions_reported"].astype(float))
    assert table.at["south", "people"] == len(reported)
    assert table.at["south", "mean"] == pytest.approx(np.mean(reported))
    assert table.at["south", "max"] == max(reported)


def test_hidden_cohorts_pooled_hide_the_pooled_figures_however_many(collaborative):
    # south pools 2 cohorts of fewer than 8 people: the pooled change, its interval, tau² and I² are
    # four equations in their 2 hidden means and 2 variances, so they are hidden; k stays. North pools
    # 3 such cohorts: 6 unknowns, but each rests on a few whole-number changes, which an exhaustive search
    # solves (issue 19's attack did so for three hidden cohorts), so its pooled figures are hidden too.
    from rm_research.disclosure.control import public_level_findings

    def published(level):
        loaded = load_level(collaborative, level)
        safe = public_level_findings(pooling.level_results(pooling.person_table(loaded), level))
        rows = safe[(safe["measure"] == "conf_senior") & (safe["role"] == "mentor")]
        return dict(zip(rows["statistic"], rows["value"], strict=True))

    south, north = published("south"), published("north")
    assert south["k"] == "2.0" and all(south[s] == "*" for s in ("pooled_change", "pooled_ci_low", "tau2", "i2"))
    assert north["k"] == "3.0" and all(north[s] == "*" for s in ("pooled_change", "pooled_ci_low", "tau2", "i2"))


def test_hide_invertible_pooling_by_its_definition():
    from rm_research.disclosure.control import INVERTIBLE_POOLED, hide_invertible_pooling

    rows = [("r", "all", "conf_senior", role, statistic, "1.0", "20") for role in ("mentor", "mentee")
            for statistic in ("k", *INVERTIBLE_POOLED)]
    safe = pd.DataFrame(rows, columns=["region", "cohort", "measure", "role", "statistic", "value", "n"])
    for hidden, shown in ((0, True), (1, False), (2, False), (3, False), (12, False)):
        out = hide_invertible_pooling(safe, {("conf_senior", "mentor"): hidden})
        mentor = out[out["role"] == "mentor"].set_index("statistic")["value"]
        assert (mentor[list(INVERTIBLE_POOLED)] == "1.0").all() == shown and mentor["k"] == "1.0"
        assert (out[out["role"] == "mentee"]["value"] == "1.0").all()


@pytest.mark.parametrize("role", ["mentor", "mentee", "all"])
def test_cohort_findings_add_up_to_the_level_where_no_psych_sessions_were_offered(collaborative, role):
    # north cohort 3 offered none: its own findings say 0 attended and count no psych_supportive
    # answers, as the region does, so the region's figures are the sums of its cohorts'
    loaded = load_level(collaborative, "north")
    level = pooling.people_findings(pooling.person_table(loaded), "north")
    cohorts = pd.concat([cohort_findings(c) for c in loaded])
    offered_none = cohort_findings(next(c for c in loaded if not c.programme.offers_psych_sessions))
    assert value(offered_none, "flow", role, "attended_psych")[0] == 0
    assert offered_none[offered_none["measure"] == "psych_supportive"].empty
    for measure, statistic in (("flow", "attended_psych"), ("psych_supportive", "yes_count")):
        rows = cohorts[(cohorts["measure"] == measure) & (cohorts["role"] == role) & (cohorts["statistic"] == statistic)]
        assert value(level, measure, role, statistic)[0] == rows["value"].sum()
