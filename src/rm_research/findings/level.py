"""Region and national findings: the cohorts of a level pooled (data contract, section 6).

Everything starts from one *person table* (``person_table``): one row per person of every cohort
of the level, with the region, the cohort, the role, each rating item before and after, the doses
(mentoring sessions held, psychological sessions attended), the yes/no answers and the section 8
columns (``findings.instruments.person_columns``). It carries no participant, pair or rater
identifier: rows are people, numbered by position only.

From it, for each role (``mentor``, ``mentee``, ``all``):

- **flow**: the section 4 counts summed over the cohorts (n = everyone enrolled). A programme
  that offered no psychological sessions (``psych_sessions_offered = 0``) contributes 0 to
  ``attended_psych``; a cohort that offered sessions but kept no attendance log makes the sum
  unknown (blank), since its attenders are not known;
- **yes/no answers**: "yes" counts and those who answered, summed, with the proportion and its
  Wilson interval. Answers about the psychological sessions from a programme that offered none
  are left out;
- **each rating item**: the random-effects meta-analysis of the cohorts' mean change
  (``meta.meta_analysis``, exactly section 6), with the cohorts left out and why;
- **dose effects** on confidence with senior leaders (``conf_senior``): ANCOVA post ~ pre + dose
  with cohort fixed effects and HC3 standard errors (as ``models.ancova_dose``), and, where at
  least ``MIN_MIXED_COHORTS`` cohorts are pooled, a linear mixed model with a random intercept for
  cohort as a sensitivity analysis (``MIXED_CAVEAT`` says why it is only that);
- **the four further instruments** (contract section 8): their rows over all the level's people
  together, exactly as a cohort's (``findings.instruments``): benefit ranks and their agreement over
  everyone who ranked, session topics summed over the cohorts' sessions, the team's view over all
  mentees rated, follow-up over everyone followed up.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.regression.mixed_linear_model import MixedLM
from statsmodels.tools.tools import add_constant

from rm_research.core import config
from rm_research.core.config import DISCLOSURE, SETTINGS, AnalysisSettings, DisclosureRule
from rm_research.core.paths import NATIONAL, region_title
from rm_research.findings import evidence as evidence_of
from rm_research.findings import instruments, registry
from rm_research.findings.table import FINDINGS_COLUMNS, FLOW_STAGES, PSYCH_ANSWERS, RoleRow
from rm_research.findings.views import floats, in_role, role_view, roles_present
from rm_research.ingest.load import LoadedCohort
from rm_research.stats import effects, meta
from rm_research.stats.models import fixed_effects_slope

#: A findings row: measure, role, statistic, value, n.
Row = RoleRow
ROLES_AND_ALL = (*config.ROLES, config.ALL_ROLES)
#: The doses of the dose-effect analyses: findings measure -> person-table column.
DOSES = {"attendance_effect": "mentoring_sessions", "psych_effect": "psych_attended"}
DOSE_ITEM = "conf_senior"
#: The mixed model is fitted only with at least this many cohorts (issue 9).
MIN_MIXED_COHORTS = 5
#: A between-cohort variance below this (in squared rating points) is reported as on the boundary.
BOUNDARY_VARIANCE = 1e-6

MIXED_CAVEAT = (
    "The mixed model (a random intercept for each cohort) is a sensitivity analysis only. With few "
    "cohorts the between-cohort variance is estimated from few values and can be estimated as zero "
    "even when cohorts differ; statsmodels' MixedLM then reduces to an ordinary regression, and its "
    "intervals and p-values use the normal distribution with no small-sample correction of the "
    "degrees of freedom (statsmodels issues 2620 and 10239), so they are too narrow with few cohorts. "
    "The fixed-effects ANCOVA, whose robust (HC3) t-based interval does not lean on the number of "
    "cohorts, is the primary analysis."
)
FIXED_EFFECTS_NOTE = (
    "Each cohort has its own intercept (cohort fixed effects), so the slope compares people within "
    "the same cohort: differences between programmes cannot masquerade as a dose effect."
)


def cohort_label(region: str, cohort: int) -> str:
    """How a cohort is named in a region's or the national report: ``South East, cohort 1`` (the region's
    slug in words, ``core.paths.region_title``)."""
    return f"{region_title(region)}, cohort {cohort}"


def cohort_people(loaded: LoadedCohort) -> pd.DataFrame:
    """One cohort's rows of the person table (see ``person_table``)."""
    view = role_view(loaded.cohort, config.ALL_ROLES)
    people = view.people
    frame = instruments.person_frame(loaded.cohort, view)
    post = view.end_survey.reindex(people.index)
    offered = int(loaded.programme.psych_sessions_offered)
    logged = offered > 0 and view.psych_attended is not None
    psych = floats(view.psych_attended.reindex(people.index)) if logged else np.full(len(people), np.nan)
    columns: dict[str, object] = {
        "region": loaded.paths.region,
        "cohort": int(loaded.paths.cohort),
        "cohort_label": cohort_label(loaded.paths.region, loaded.paths.cohort),
        "start": loaded.cohort.start if loaded.cohort.start is not None else pd.NaT,
        "role": frame["role"].to_numpy(),
        "matched": people["pair_id"].notna().to_numpy(),
        "completed_end_survey": people.index.isin(view.end_survey.index),
        "withdrawn": (people["status"] == "withdrawn").to_numpy(),
    }
    for item in config.RATING_ITEMS:
        columns[f"pre_{item}"] = frame[f"pre_{item}"].to_numpy()
        columns[f"post_{item}"] = frame[f"post_{item}"].to_numpy()
    columns["mentoring_sessions"] = floats(view.sessions.reindex(people.index))
    columns["psych_offered"] = offered
    columns["psych_logged"] = logged
    columns["psych_attended"] = psych
    for item in config.YES_NO_ITEMS:
        answers = floats(post[item])
        columns[item] = np.full(len(people), np.nan) if item in PSYCH_ANSWERS and offered == 0 else answers
    columns.update({column: frame[column].to_numpy() for column in frame.columns if column not in columns})
    return pd.DataFrame(columns, index=pd.RangeIndex(len(people)))


def person_table(cohorts: Iterable[LoadedCohort]) -> pd.DataFrame:
    """One row per person of every cohort given, in the order given (no identifiers).

    Columns: ``region``, ``cohort`` (number), ``cohort_label``, ``start`` (the cohort's earliest
    enrolment date, NaT where none is recorded), ``role``; ``matched``,
    ``completed_end_survey``, ``withdrawn`` (True/False); ``pre_<item>`` and ``post_<item>`` for
    each rating item (NaN where not answered); ``mentoring_sessions`` (the pair's logged sessions
    held, else the sessions reported); ``psych_offered`` (the programme's setting), ``psych_logged``
    (the cohort offered sessions and kept an attendance log) and ``psych_attended`` (sessions
    attended; NaN where not logged); each yes/no answer as 1/0/NaN (``psych_supportive`` NaN in a
    programme that offered no psychological sessions); and the section 8 columns
    (``findings.instruments.person_columns``).
    """
    frames = [cohort_people(loaded) for loaded in cohorts]
    if not frames:
        raise ValueError("no cohorts to pool")
    return pd.concat(frames, ignore_index=True)


# flow -----------------------------------------------------------------------------------------------
def cohort_flow(people: pd.DataFrame, role: str = config.ALL_ROLES) -> pd.DataFrame:
    """The participant flow of each cohort for ``role``: region, cohort, cohort_label and one column
    per stage (``findings.table.FLOW_STAGES``); ``attended_psych`` is 0 where the programme offered no
    psychological sessions and NaN where it offered some but kept no log."""
    rows = []
    for (region, cohort, label), group in in_role(people, role).groupby(["region", "cohort", "cohort_label"],
                                                                         sort=False):
        offered, logged = int(group["psych_offered"].iloc[0]), bool(group["psych_logged"].iloc[0])
        attended = float((group["psych_attended"] > 0).sum()) if logged else (0.0 if offered == 0 else math.nan)
        rows.append({"region": region, "cohort": cohort, "cohort_label": label, "enrolled": float(len(group)),
                     "matched": float(group["matched"].sum()), "attended_psych": attended,
                     "completed_end_survey": float(group["completed_end_survey"].sum()),
                     "withdrawn": float(group["withdrawn"].sum())})
    return pd.DataFrame(rows, columns=["region", "cohort", "cohort_label", *FLOW_STAGES])


def region_flow(people: pd.DataFrame, role: str = config.ALL_ROLES) -> pd.DataFrame:
    """The participant flow of each region for ``role`` (its cohorts' flow summed; blank where a
    cohort's count is unknown): region and one column per stage."""
    flow = cohort_flow(people, role)
    summed = flow.groupby("region", sort=False)[list(FLOW_STAGES)].agg(lambda counts: counts.sum(skipna=False))
    return summed.reset_index()


def flow_rows(people: pd.DataFrame, role: str) -> Iterator[Row]:
    """The flow counts summed over the cohorts (blank when a cohort's count is unknown); n = enrolled."""
    flow = cohort_flow(people, role)
    enrolled = int(flow["enrolled"].sum())
    for stage in FLOW_STAGES:
        yield "flow", role, stage, float(flow[stage].sum(skipna=False)), enrolled


# yes/no answers -----------------------------------------------------------------------------------
def yes_no_rows(people: pd.DataFrame, role: str, settings: AnalysisSettings = SETTINGS) -> Iterator[Row]:
    """Each yes/no question: "yes" answers summed, n = those who answered, with the proportion and
    its Wilson interval (as for one cohort)."""
    group = in_role(people, role)
    for item in config.YES_NO_ITEMS:
        answers = group[item].dropna()
        if answers.empty:
            continue
        yes, n = int(answers.sum()), len(answers)
        low, high = effects.wilson_interval(yes, n, settings.confidence)
        yield item, role, "yes_count", float(yes), n
        yield item, role, "yes_proportion", yes / n, n
        yield item, role, "wilson_ci_low", low, n
        yield item, role, "wilson_ci_high", high, n


def yes_no_by(people: pd.DataFrame, by: str = "region", role: str = config.ALL_ROLES,
              settings: AnalysisSettings = SETTINGS) -> pd.DataFrame:
    """The yes/no answers by ``by`` (``region`` or ``cohort_label``): question, group, yes, answered,
    proportion and its Wilson interval; groups where nobody answered the question are left out."""
    rows = []
    for item in config.YES_NO_ITEMS:
        for group_name, group in in_role(people, role).groupby(by, sort=False):
            answers = group[item].dropna()
            if answers.empty:
                continue
            yes, n = int(answers.sum()), len(answers)
            low, high = effects.wilson_interval(yes, n, settings.confidence)
            rows.append({"question": item, by: group_name, "yes": yes, "answered": n, "proportion": yes / n,
                         "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows, columns=["question", by, "yes", "answered", "proportion", "ci_low", "ci_high"])


def psych_attendance_by(people: pd.DataFrame, by: str = "region", role: str = config.ALL_ROLES) -> pd.DataFrame:
    """Psychological sessions attended by ``by``, over the cohorts that offered sessions and logged
    attendance: sessions offered (the largest programme setting in the group), people logged, the mean
    number attended, and how many attended 0, 1, 2, ... sessions (columns ``attended_<k>``)."""
    logged = in_role(people, role)
    logged = logged[logged["psych_logged"] & logged["psych_attended"].notna()]
    most = int(logged["psych_attended"].max()) if not logged.empty else 0
    rows = []
    for group_name, group in logged.groupby(by, sort=False):
        counts = group["psych_attended"].astype(int).value_counts()
        rows.append({by: group_name, "offered": int(group["psych_offered"].max()), "people": len(group),
                     "mean": float(group["psych_attended"].mean()),
                     **{f"attended_{k}": int(counts.get(k, 0)) for k in range(most + 1)}})
    return pd.DataFrame(rows, columns=[by, "offered", "people", "mean", *(f"attended_{k}" for k in range(most + 1))])


def mentoring_sessions_by(people: pd.DataFrame, by: str = "region", role: str = config.ALL_ROLES) -> pd.DataFrame:
    """Mentoring sessions per person (the pair's logged sessions held, else the sessions reported) by
    ``by``: people with a count, mean, median, fewest and most."""
    known = in_role(people, role).dropna(subset=["mentoring_sessions"])
    summary = known.groupby(by, sort=False)["mentoring_sessions"].agg(["size", "mean", "median", "min", "max"])
    return summary.rename(columns={"size": "people"}).reset_index()


# the rating items: meta-analysis ------------------------------------------------------------------
def paired_changes(people: pd.DataFrame, item: str, role: str) -> pd.DataFrame:
    """Each person of ``role``'s change on ``item`` (post - pre; NaN when not answered both), with the
    cohort's label, every cohort of the role listed (cohort order kept)."""
    group = in_role(people, role)
    return pd.DataFrame({"cohort": group["cohort_label"].to_numpy(),
                         "change": (group[f"post_{item}"] - group[f"pre_{item}"]).to_numpy()})


def pooled_change(people: pd.DataFrame, item: str, role: str,
                  settings: AnalysisSettings = SETTINGS) -> meta.MetaAnalysis:
    """The random-effects meta-analysis of the cohorts' mean change of ``item`` for ``role``."""
    return meta.meta_analysis(paired_changes(people, item, role), confidence=settings.confidence)


#: Above this many cohorts the national report draws each region (its pooled change, its cohorts behind it)
#: rather than every cohort, and lists every cohort in an appendix table (issue 18: 126 cohorts in one plot).
GROUP_BY_REGION_ABOVE: Final = 15


def region_analyses(people: pd.DataFrame, settings: AnalysisSettings = SETTINGS
                    ) -> dict[tuple[str, str], dict[str, meta.MetaAnalysis]]:
    """Each region's meta-analysis of each item and role, keyed (item, role) then region: the same
    ``pooled_change`` over the same cohorts as the region's own report, so the national report's region
    rows are the region reports' figures."""
    regions = sorted(people["region"].unique())
    return {(item, role): {region: pooled_change(people[people["region"] == region], item, role, settings)
                           for region in regions}
            for item in config.RATING_ITEMS for role in roles_present(people) if answered_item(people, item, role)}


def region_estimate(result: meta.MetaAnalysis) -> tuple[float, float, float]:
    """A region's change with its interval: the pooled one where it pooled 2 or more cohorts, its one
    cohort's own where it has one (a region of one cohort is that cohort), NaN where it has none."""
    if result.k >= 2:
        return result.pooled_change, result.pooled_ci_low, result.pooled_ci_high
    if result.k == 1:
        only = result.cohorts[0]
        return only.y, only.ci_low, only.ci_high
    return math.nan, math.nan, math.nan


def answered_item(people: pd.DataFrame, item: str, role: str) -> bool:
    """Whether anyone of ``role`` answered ``item`` at enrolment or at the end."""
    group = in_role(people, role)
    return bool(group[f"pre_{item}"].notna().any() or group[f"post_{item}"].notna().any())


POOLED_STATISTICS = ("k", "pooled_change", "pooled_ci_low", "pooled_ci_high", "pooled_p", "tau2", "i2", "q_p",
                     "pooled_pi_low", "pooled_pi_high")


def rating_rows(result: meta.MetaAnalysis, item: str, role: str) -> Iterator[Row]:
    """Section 6's rows for one item and role from its meta-analysis (``meta_analyses``): k, the pooled
    change with its HKSJ interval and p, tau2, I2, Cochran's Q p, and the 95% prediction interval
    (k >= 3); n = people paired in the pooled cohorts."""
    values = {**result.statistics(), "pooled_pi_low": result.pi_low, "pooled_pi_high": result.pi_high}
    for statistic in POOLED_STATISTICS:
        yield item, role, statistic, float(values[statistic]), result.n


def meta_analyses(people: pd.DataFrame, settings: AnalysisSettings = SETTINGS) -> dict[tuple[str, str],
                                                                                        meta.MetaAnalysis]:
    """Every item's meta-analysis for every role present, keyed (item, role), where anyone answered."""
    return {(item, role): pooled_change(people, item, role, settings)
            for item in config.RATING_ITEMS for role in roles_present(people) if answered_item(people, item, role)}


def hidden_pooled_cohorts(analyses: dict[tuple[str, str], meta.MetaAnalysis], rule: DisclosureRule = DISCLOSURE,
                          hidden: Collection[tuple[str, str, str]] = ()) -> dict[tuple[str, str], int]:
    """For each (item, role), how many of the pooled cohorts have their own change hidden in their
    public findings (``disclosure.control.hide_invertible_pooling``): those resting on fewer than
    ``rule.smallest_shown`` people, and those ``hidden`` names as ``(cohort label, item, role)``, hidden
    for any other reason (secondary suppression, the cross-level audit)."""
    small = {(cohort.cohort, item, role) for (item, role), result in analyses.items() for cohort in result.cohorts
             if cohort.n < rule.smallest_shown}
    return count_hidden(pooled_labels(analyses), small | set(hidden))


def pooled_labels(analyses: dict[tuple[str, str], meta.MetaAnalysis]) -> dict[tuple[str, str], tuple[str, ...]]:
    """The cohorts (by label) each item and role's meta-analysis pooled."""
    return {key: tuple(cohort.cohort for cohort in result.cohorts) for key, result in analyses.items()}


def count_hidden(pooled: Mapping[tuple[str, str], Sequence[str]],
                 hidden: Collection[tuple[str, str, str]]) -> dict[tuple[str, str], int]:
    """For each (item, role), how many of the cohorts it pooled (``pooled_labels``) are ``hidden``, named
    as ``(cohort label, item, role)``."""
    return {(item, role): sum(1 for label in labels if (label, item, role) in hidden)
            for (item, role), labels in pooled.items()}


def only_role(analyses: dict[tuple[str, str], meta.MetaAnalysis], item: str) -> str | None:
    """The one role whose people answered ``item`` (say, mentees for a question only mentees were asked),
    where everyone's meta-analysis is that role's over again; None where both roles answered it."""
    roles = [role for role in config.ROLES if (item, role) in analyses]
    everyone = analyses.get((item, config.ALL_ROLES))
    if len(roles) != 1 or everyone is None or not everyone.cohorts:
        return None
    same = everyone.cohort_table().equals(analyses[(item, roles[0])].cohort_table())
    return roles[0] if same else None


def excluded_cohorts(analyses: dict[tuple[str, str], meta.MetaAnalysis]) -> pd.DataFrame:
    """The cohorts left out of each pooling, and why: item, role, cohort, n (people paired), reason."""
    rows = [{"item": item, "role": role, "cohort": left.cohort, "n": left.n, "reason": left.reason}
            for (item, role), result in analyses.items() for left in result.excluded]
    return pd.DataFrame(rows, columns=["item", "role", "cohort", "n", "reason"])


# dose effects ---------------------------------------------------------------------------------------
def _dose_data(people: pd.DataFrame, dose: str, role: str, item: str) -> pd.DataFrame:
    group = in_role(people, role)
    data = pd.DataFrame({"cohort": group["cohort_label"].to_numpy(), "pre": group[f"pre_{item}"].to_numpy(),
                         "post": group[f"post_{item}"].to_numpy(), "dose": group[dose].to_numpy()})
    return data.dropna().reset_index(drop=True)


def _blank(n: int, cohorts: int, note: str = "") -> dict[str, float | int | str]:
    return {"slope": math.nan, "ci_low": math.nan, "ci_high": math.nan, "p": math.nan, "n": n, "cohorts": cohorts,
            "note": note}


def pooled_ancova(people: pd.DataFrame, dose: str, role: str, item: str = DOSE_ITEM,
                  settings: AnalysisSettings = SETTINGS) -> dict[str, float | int | str]:
    """Slope of ``dose`` in post ~ pre + dose + C(cohort), HC3 robust t interval and p.

    Over people of ``role`` with a baseline, a final rating and a dose, in cohorts with at least 2
    such people (a cohort of one is fitted exactly by its own intercept and says nothing about the
    slope; leaving it out changes no estimate and keeps HC3 defined). ``n`` people, ``cohorts``
    cohorts; blank with ``note`` saying why when there are too few people for 2 residual degrees of
    freedom, the outcome does not vary, the dose or baseline cannot be separated from the cohorts,
    or (interval and p only) one person alone determines a coefficient.
    """
    data = _dose_data(people, dose, role, item)
    sizes = data.groupby("cohort", sort=False).size()
    data = data[data["cohort"].isin(sizes[sizes >= 2].index)].reset_index(drop=True)
    n, cohorts = len(data), int(data["cohort"].nunique())
    if n == 0:
        return _blank(0, 0, "nobody with a baseline, a final rating and a dose in a cohort of at least 2 such people")
    regressors = data[["pre", "dose"]].astype(float)
    if n - (regressors.shape[1] + cohorts) < 2 or n < settings.min_n_ancova:
        return _blank(n, cohorts, f"too few people ({n}) for a slope with {cohorts} cohort intercepts")
    if data["post"].nunique() < 2:
        return _blank(n, cohorts, "every final rating is the same: the outcome does not vary")
    # the cohort intercepts are independent of each other; the design lacks full rank exactly when the
    # within-cohort deviations of the dose and the baseline do
    within = regressors - regressors.groupby(data["cohort"], sort=False).transform("mean")
    if np.linalg.matrix_rank(within.to_numpy()) < regressors.shape[1]:
        return _blank(n, cohorts, "within the cohorts, the dose or the baseline rating does not vary (or one is "
                                  "determined by the other)")
    out = _blank(n, cohorts)
    out.update(fixed_effects_slope(data["post"], regressors, data["cohort"], "dose", settings))
    return out


def mixed_model(people: pd.DataFrame, dose: str, role: str, item: str = DOSE_ITEM,
                settings: AnalysisSettings = SETTINGS) -> dict[str, float | int | str]:
    """Slope of ``dose`` in post ~ pre + dose with a random intercept for cohort (statsmodels MixedLM,
    REML), its Wald (normal) interval and p, and ``cohort_variance`` (the random intercept's
    variance). Fitted only with at least ``MIN_MIXED_COHORTS`` cohorts; ``note`` says why not, or
    that the fit did not converge or put the between-cohort variance on its boundary (zero)."""
    data = _dose_data(people, dose, role, item)
    n, cohorts = len(data), int(data["cohort"].nunique())
    out = {**_blank(n, cohorts), "cohort_variance": math.nan}
    if cohorts < MIN_MIXED_COHORTS:
        out["note"] = f"fitted only with at least {MIN_MIXED_COHORTS} cohorts ({cohorts} here)"
        return out
    exog = add_constant(data[["pre", "dose"]].astype(float), has_constant="add")
    if data["post"].nunique() < 2 or np.linalg.matrix_rank(exog.to_numpy()) < exog.shape[1] or n - 3 < 2:
        out["note"] = "the outcome, the dose or the baseline does not vary enough for the model"
        return out
    model = MixedLM(data["post"].astype(float), exog, groups=data["cohort"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = model.fit(reml=True)
            # statsmodels computes these lazily, and warns (an invalid square root) where the fit's
            # covariance is not positive definite: inside the catch, so the warning becomes the note
            slope, se = float(fit.fe_params["dose"]), float(fit.bse_fe["dose"])
            p = float(fit.pvalues["dose"])
        except (np.linalg.LinAlgError, ValueError) as error:
            out["note"] = f"the model could not be fitted ({error})"
            return out
    z = float(sps.norm.ppf(0.5 + settings.confidence / 2))
    variance = float(np.asarray(fit.cov_re)[0, 0])
    notes = []
    if not math.isfinite(se):
        out["note"] = "the model's standard errors could not be computed (its covariance is not positive definite)"
        return out
    out.update(slope=slope, ci_low=slope - z * se, ci_high=slope + z * se, p=p, cohort_variance=variance)
    if not fit.converged or any("converge" in str(w.message).lower() for w in caught):
        notes.append("the fit did not fully converge")
    if variance < BOUNDARY_VARIANCE:
        notes.append("the between-cohort variance was estimated as zero (on its boundary): the model is then an "
                     "ordinary regression ignoring cohorts")
    out["note"] = "; ".join(notes)
    return out


DOSE_FIELDS = ("slope", "ci_low", "ci_high", "p")
#: The two models of each dose and role: (the fixed-effects ANCOVA, the mixed model).
Fits = dict[tuple[str, str], tuple[dict[str, float | int | str], dict[str, float | int | str]]]


def dose_fits(people: pd.DataFrame, settings: AnalysisSettings = SETTINGS) -> Fits:
    """Both dose models (``pooled_ancova``, ``mixed_model``) for every dose and role present, keyed
    (dose measure, role), where anyone of the role has a baseline, a final rating and the dose."""
    return {(measure, role): (pooled_ancova(people, dose, role, DOSE_ITEM, settings),
                              mixed_model(people, dose, role, DOSE_ITEM, settings))
            for measure, dose in DOSES.items() for role in roles_present(people)
            if not _dose_data(people, dose, role, DOSE_ITEM).empty}


def dose_rows(fits: Fits, role: str) -> Iterator[Row]:
    """The pooled ANCOVA (``pooled_ancova_*``) and mixed model (``mixed_*``) rows of each dose for ``role``."""
    for (measure, fitted_role), (fixed, mixed) in fits.items():
        if fitted_role != role:
            continue
        for key in DOSE_FIELDS:
            yield measure, role, f"pooled_ancova_{key}", float(fixed[key]), int(fixed["n"])
        for key in DOSE_FIELDS:
            yield measure, role, f"mixed_{key}", float(mixed[key]), int(mixed["n"])


def dose_models(fits: Fits) -> pd.DataFrame:
    """The dose models as a table: dose, role, model, slope, ci_low, ci_high, p, n, cohorts, note (the
    mixed model only where at least ``MIN_MIXED_COHORTS`` cohorts are pooled)."""
    rows = []
    for (measure, role), (fixed, mixed) in fits.items():
        rows.append({"dose": measure, "role": role, "model": "ancova", **fixed})
        if mixed["cohorts"] >= MIN_MIXED_COHORTS:
            rows.append({"dose": measure, "role": role, "model": "mixed",
                         **{k: v for k, v in mixed.items() if k != "cohort_variance"}})
    return pd.DataFrame(rows, columns=["dose", "role", "model", "slope", "ci_low", "ci_high", "p", "n", "cohorts",
                                       "note"])


# the findings table, and everything a level's report shows, computed once -------------------------------
@dataclass(frozen=True)
class Breakdowns:
    """A level's tables by region (the nation) or by cohort (a region), everyone: the participant flow
    by cohort (and by region, for the nation), the yes/no answers, the mentoring sessions held and the
    psychological sessions attended."""

    by: str
    cohort_flow: pd.DataFrame
    region_flow: pd.DataFrame | None
    yes_no: pd.DataFrame
    mentoring_sessions: pd.DataFrame
    psych_attendance: pd.DataFrame


def breakdowns(people: pd.DataFrame, level: str, settings: AnalysisSettings = SETTINGS) -> Breakdowns:
    """The level's ``Breakdowns``: by region for the nation, by cohort for a region."""
    by = "region" if level == NATIONAL else "cohort_label"
    return Breakdowns(by, cohort_flow(people), region_flow(people) if level == NATIONAL else None,
                      yes_no_by(people, by, settings=settings), mentoring_sessions_by(people, by),
                      psych_attendance_by(people, by))


@dataclass(frozen=True)
class LevelResults:
    """A region's or the nation's results, computed once (``level_results``) and read by every page:
    the person table, each item and role's meta-analysis (the forest plots and the cohorts left out,
    with why), the dose models, the findings table made from them, and the tables by cohort or region."""

    level: str
    people: pd.DataFrame
    analyses: dict[tuple[str, str], meta.MetaAnalysis]
    fits: Fits
    findings: pd.DataFrame
    by_unit: Breakdowns
    #: the national level's: each region's meta-analyses (``region_analyses``); empty for a region
    regions: dict[tuple[str, str], dict[str, meta.MetaAnalysis]] = field(default_factory=dict)
    #: each item and role's evidence for the next decision (``findings.evidence``), keyed as ``analyses``
    evidence: dict[tuple[str, str], evidence_of.Evidence] = field(default_factory=dict)

    def reasons(self) -> dict[tuple[str, str], str]:
        """Why an item and role has no pooled figure, where it has none (``meta.MetaAnalysis.reason``)."""
        return {key: result.reason for key, result in self.analyses.items() if result.reason}


def level_rows(people: pd.DataFrame, analyses: dict[tuple[str, str], meta.MetaAnalysis], fits: Fits,
               found: Mapping[tuple[str, str], evidence_of.Evidence], national: bool,
               settings: AnalysisSettings = SETTINGS) -> Iterator[Row]:
    """Every findings row of a level, role by role: flow, the pooled rating items with their evidence
    (section 9; ``found``, ``national`` with the comparison of regions), yes/no, dose effects; then the
    section 8 rows over all the level's people (``findings.instruments``)."""
    for role in roles_present(people):
        yield from flow_rows(people, role)
        for item in config.RATING_ITEMS:
            if (item, role) in analyses:
                yield from rating_rows(analyses[(item, role)], item, role)
                yield from found[(item, role)].rows(national)
        yield from yes_no_rows(people, role, settings)
        yield from dose_rows(fits, role)
    yield from instruments.instrument_rows(people, settings)


def level_results(people: pd.DataFrame, level: str, settings: AnalysisSettings = SETTINGS) -> LevelResults:
    """Everything a region's or the nation's report shows (section 6), computed once from its person
    table: ``region`` the region's slug or ``national``, ``cohort`` ``all``; values unrounded, blank
    where they cannot be computed."""
    analyses, fits = meta_analyses(people, settings), dose_fits(people, settings)
    national = level == NATIONAL
    found = evidence_of.level_evidence(analyses, people, national, settings)
    records = [(level, "all", measure, role, statistic, value, n)
               for measure, role, statistic, value, n in level_rows(people, analyses, fits, found, national, settings)]
    findings = registry.registered(pd.DataFrame.from_records(records, columns=FINDINGS_COLUMNS))
    regional = region_analyses(people, settings) if national else {}
    return LevelResults(level, people, analyses, fits, findings, breakdowns(people, level, settings), regional,
                        found)


def people_findings(people: pd.DataFrame, level: str, settings: AnalysisSettings = SETTINGS) -> pd.DataFrame:
    """The findings table of a region or the nation (section 6) from its person table (``level_results``)."""
    return level_results(people, level, settings).findings


def level_findings(loaded: list[LoadedCohort], level: str) -> pd.DataFrame:
    """The level's findings table (section 6) from its loaded cohorts."""
    return people_findings(person_table(loaded), level)
