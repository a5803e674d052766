"""The report's tables, shaped from the findings table for reading (rounded only here, for display).

No table here carries a participant or pair identifier.
"""

from __future__ import annotations

import pandas as pd

from . import config
from .clean import Cohort
from .findings import FLOW_STAGES
from .rounding import round_as_printed

ROLE_ORDER = [*config.ROLES, config.ALL_ROLES]
FLOW_LABELS = {
    "enrolled": "Enrolled",
    "matched": "Matched with a partner",
    "attended_psych": "Attended a psychological session",
    "completed_end_survey": "Completed the end survey",
    "withdrawn": "Withdrew",
}
ITEM_LABELS = {
    "conf_senior": "Confidence talking about BAME experiences with senior leaders",
    "conf_junior": "Confidence talking about BAME experiences with junior staff",
    "comfort_needs": "Comfort discussing own needs (race) with line manager, HR and others",
    "length_appropriate": "Found the length of the sessions appropriate",
    "missed_any": "Missed a mentoring session",
    "psych_supportive": "Found the psychological sessions supportive",
}


def _select(findings: pd.DataFrame, measure: str | list[str]) -> pd.DataFrame:
    measures = [measure] if isinstance(measure, str) else measure
    return findings[findings["measure"].isin(measures)]


def _order(values: tuple[str, ...]) -> dict[str, int]:
    return {value: position for position, value in enumerate(values)}


def _roles_present(frame: pd.DataFrame) -> list[str]:
    return [r for r in ROLE_ORDER if r in set(frame["role"])]


def flow_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Participant flow: stages as rows, roles as columns (counts)."""
    flow = _select(findings, "flow").pivot(index="statistic", columns="role", values="value")
    flow = flow.reindex(index=list(FLOW_STAGES), columns=_roles_present(_select(findings, "flow")))
    flow.index = [FLOW_LABELS[s] for s in flow.index]
    return flow.astype("Int64").rename_axis(index="Stage", columns=None)


def enrolment_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Mean rating at enrolment for each item and role, with how many answered."""
    pre = _select(findings, list(config.RATING_ITEMS))
    pre = pre[(pre["statistic"] == "pre_mean") & (pre["n"] > 0) & (pre["role"] != config.ALL_ROLES)]
    return pd.DataFrame({
        "Question (1-10)": pre["measure"].map(ITEM_LABELS),
        "Role": pre["role"],
        "Mean": pre["value"],
        "Answered": pre["n"],
    }).reset_index(drop=True)


PREPOST_STATISTICS = ["pre_mean", "post_mean", "change_mean", "wilcoxon_p", "wilcoxon_min_p", "rank_biserial"]


def prepost_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Pre/post summary per item and role: means, paired change, Wilcoxon p, rank-biserial r."""
    ratings = _select(findings, list(config.RATING_ITEMS))
    wide = ratings.pivot(index=["measure", "role"], columns="statistic", values="value")
    wide = wide.reindex(columns=PREPOST_STATISTICS)
    paired_n = ratings[ratings["statistic"] == "change_mean"].set_index(["measure", "role"])["n"]
    wide = wide.join(paired_n.rename("paired_n")).reset_index()
    wide = wide[wide["role"] != config.ALL_ROLES].sort_values(
        ["role", "measure"], key=lambda col: col.map({**_order(config.ROLES), **_order(config.RATING_ITEMS)}))
    return pd.DataFrame({
        "Question": wide["measure"].map(ITEM_LABELS),
        "Role": wide["role"],
        "Mean before": wide["pre_mean"],
        "Mean after": wide["post_mean"],
        "Answered both": wide["paired_n"].astype("Int64"),
        "Mean change": wide["change_mean"],
        "Wilcoxon p": wide["wilcoxon_p"],
        "Smallest p possible": wide["wilcoxon_min_p"],
        "Rank-biserial r": wide["rank_biserial"],
    }).reset_index(drop=True)


def yes_no_table(findings: pd.DataFrame) -> pd.DataFrame:
    """"Yes" answers out of those who answered, for each yes/no question and role."""
    rows = _select(findings, list(config.YES_NO_ITEMS))
    rows = rows[rows["role"] != config.ALL_ROLES]
    return pd.DataFrame({
        "Question": rows["measure"].map(ITEM_LABELS),
        "Role": rows["role"],
        "Yes": rows["value"].astype("Int64"),
        "Answered": rows["n"],
    }).reset_index(drop=True)


def sessions_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Self-reported mentoring sessions by role: mean, fewest, most and how many answered."""
    rows = _select(findings, "sessions_reported")
    rows = rows[rows["role"] != config.ALL_ROLES]
    wide = rows.pivot(index="role", columns="statistic", values="value")
    wide = wide.reindex(index=_roles_present(rows), columns=["mean", "min", "max"])
    answered = rows.groupby("role")["n"].first()
    return pd.DataFrame({
        "Mean": wide["mean"],
        "Fewest": wide["min"].astype("Int64"),
        "Most": wide["max"].astype("Int64"),
        "Answered": answered.reindex(wide.index),
    }).rename_axis("Role")


def areas_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Percentage of each role ticking each area of work (the table in seeds/002)."""
    rows = _select(findings, "areas_of_work")
    rows = rows[rows["role"] != config.ALL_ROLES]
    wide = rows.pivot(index="statistic", columns="role", values="value")
    wide = wide.reindex(index=list(config.AREAS_OF_WORK), columns=_roles_present(rows))
    answered = rows.groupby("role")["n"].first()
    wide.columns = [f"{role}s (% of {answered[role]})" for role in wide.columns]
    return wide.map(round_as_printed).astype("Int64").rename_axis("Area of work")


def paired_ratings(cohort: Cohort, item: str) -> pd.DataFrame:
    """Long table of before/after ratings for people who answered both, IDs replaced by numbers."""
    roles = cohort.participants.set_index("participant_id")["role"]
    pre = cohort.enrolment.set_index("participant_id")[item]
    post = cohort.end_survey.set_index("participant_id")[item]
    both = pd.concat({"Before": pre, "After": post}, axis=1).dropna()
    both["role"] = roles.reindex(both.index).to_numpy()
    both = both.sort_values(["role", "Before", "After"])
    both["person"] = both.groupby("role").cumcount() + 1
    long = both.melt(id_vars=["role", "person"], value_vars=["Before", "After"],
                     var_name="phase", value_name="rating")
    return long.astype({"rating": float}).reset_index(drop=True)


def sessions_distribution(cohort: Cohort) -> pd.DataFrame:
    """How many people reported each number of mentoring sessions, by role."""
    roles = cohort.participants.set_index("participant_id")["role"]
    answers = cohort.end_survey.set_index("participant_id")["sessions_reported"].dropna()
    frame = pd.DataFrame({"role": roles.reindex(answers.index).to_numpy(), "sessions": answers.astype(int)})
    return frame.groupby(["role", "sessions"]).size().rename("people").reset_index()


def rating_items_with_pairs(cohort: Cohort) -> list[str]:
    """The rating items that someone answered both before and after."""
    pre = cohort.enrolment.set_index("participant_id")
    post = cohort.end_survey.set_index("participant_id")
    return [item for item in config.RATING_ITEMS
            if not pd.concat([pre[item], post[item]], axis=1, join="inner").dropna().empty]


def comparison_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """``verify.compare`` output labelled for readers."""
    return pd.DataFrame({
        "Figure": comparison["figure"],
        "Role": comparison["role"],
        "Source": "seeds/" + comparison["source"].astype(str),
        "Published": comparison["published"],
        "Reproduced": comparison["reproduced"],
        "Rounded as published": comparison["as_printed"],
        "Match": comparison["match"].map({True: "yes", False: "NO"}),
    })


def styled(table: pd.DataFrame, index: bool = False) -> object:
    """A table for the report: blanks shown as a dash, whole numbers without decimals."""
    styler = table.style.format(_cell, na_rep="–")
    return styler if index else styler.hide(axis="index")


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"
    return str(value)
