"""The report's figures, drawn with seaborn; each function returns a matplotlib Figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from . import config
from .meta import MetaAnalysis

PALETTE = {"mentor": "#005EB8", "mentee": "#ED8B00", "all": "#425563"}  # NHS blue, orange, grey
sns.set_theme(style="whitegrid", context="notebook")


def _figure(width: float = 7.0, height: float = 3.6) -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return fig, ax


def _nothing_to_show(ax: plt.Axes, title: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, "No answers to show", ha="center", va="center", transform=ax.transAxes, color="grey")
    ax.set_title(title)


def flow_chart(flow: pd.DataFrame) -> Figure:
    """Grouped bars of the participant flow (``tables.flow_table``) by role."""
    roles = [r for r in config.ROLES if r in flow.columns]
    long = flow[roles].reset_index(names="stage").melt(id_vars="stage", var_name="role", value_name="people")
    fig, ax = _figure()
    sns.barplot(long.dropna(), y="stage", x="people", hue="role", palette=PALETTE, ax=ax, orient="h")
    ax.set(xlabel="People", ylabel="", title="Participant flow")
    return fig


def paired_plot(long: pd.DataFrame, title: str) -> Figure:
    """Each person's rating before and after, joined by a line, one panel per role."""
    roles = [r for r in config.ROLES if r in set(long["role"])]
    fig, axes = plt.subplots(1, max(len(roles), 1), figsize=(3.6 * max(len(roles), 1), 3.4),
                             sharey=True, layout="constrained", squeeze=False)
    for ax, role in zip(axes[0], roles, strict=False):
        data = long[long["role"] == role]
        # people with the same ratings would draw one line; a small fixed offset shows each of them
        spread = (data["person"] - (data["person"].max() + 1) / 2) * min(0.08, 0.5 / data["person"].max())
        data = data.assign(rating=data["rating"] + spread)
        sns.lineplot(data, x="phase", y="rating", units="person", estimator=None, color=PALETTE[role],
                     alpha=0.6, marker="o", ax=ax)
        ax.set(title=f"{role}s (n={data['person'].nunique()})", xlabel="", ylabel="Rating (1-10, lines offset)",
               ylim=(0.5, 10.5))
    fig.suptitle(title)
    return fig


def sessions_chart(distribution: pd.DataFrame) -> Figure:
    """How many sessions did you have with your mentor/mentee? Bars by role."""
    fig, ax = _figure()
    title = "How many sessions did you have with your mentor/mentee?"
    if distribution.empty:
        _nothing_to_show(ax, title)
        return fig
    sns.barplot(distribution, x="sessions", y="people", hue="role", palette=PALETTE, ax=ax)
    ax.set(xlabel="Sessions reported", ylabel="People", title=title)
    ax.yaxis.get_major_locator().set_params(integer=True)
    return fig


def yes_no_chart(table: pd.DataFrame) -> Figure:
    """Share answering yes to each yes/no question, by role."""
    data = table.assign(share=100 * table["Yes"].astype(float) / table["Answered"])
    fig, ax = _figure(height=3.0)
    if data.empty:
        _nothing_to_show(ax, "Yes/no questions")
        return fig
    sns.barplot(data, y="Question", x="share", hue="Role", palette=PALETTE, ax=ax, orient="h")
    ax.set(xlabel="% answering yes", ylabel="", xlim=(0, 100))
    return fig


def forest_plot(result: MetaAnalysis, title: str, unit: str = "points") -> Figure:
    """A forest plot of a ``meta.MetaAnalysis``: one row per pooled cohort (its mean change and 95% t
    interval, the square sized by its random-effects weight, n and the numbers written beside it),
    the pooled change as a diamond with its HKSJ interval, and the 95% prediction interval as a line
    under it where at least 3 cohorts are pooled. Cohorts left out are not drawn (the report lists them)."""
    rows = result.cohort_table()
    pooled = result.k >= 2
    height = 1.2 + 0.42 * (len(rows) + (2 if pooled else 0))
    fig, ax = plt.subplots(figsize=(8.0, height), layout="constrained")
    if rows.empty:
        _nothing_to_show(ax, title)
        return fig
    positions = list(range(len(rows), 0, -1))
    weights = rows["weight"].fillna(100.0 / len(rows))
    ax.hlines(positions, rows["ci_low"], rows["ci_high"], color=PALETTE["all"], linewidth=1.4)
    ax.scatter(rows["y"], positions, marker="s", s=30 + 3 * weights, color=PALETTE["mentor"], zorder=3)
    labels = [f"{label} (n={n})" for label, n in zip(rows["cohort"], rows["n"], strict=True)]
    texts = [f"{y:.2f} ({lo:.2f} to {hi:.2f})" for y, lo, hi in zip(rows["y"], rows["ci_low"], rows["ci_high"],
                                                                     strict=True)]
    if pooled:
        centre, low, high = result.pooled_change, result.pooled_ci_low, result.pooled_ci_high
        ax.fill([low, centre, high, centre], [0.0, 0.25, 0.0, -0.25], color=PALETTE["mentee"], zorder=3)
        labels.append(f"Pooled, {result.k} cohorts (n={result.n})")
        texts.append(f"{centre:.2f} ({low:.2f} to {high:.2f})")
        positions.append(0)
        if result.k >= 3:
            ax.hlines(-1, result.pi_low, result.pi_high, color=PALETTE["mentee"], linewidth=2.5)
            labels.append("95% prediction interval")
            texts.append(f"{result.pi_low:.2f} to {result.pi_high:.2f}")
            positions.append(-1)
    ax.axvline(0, color="grey", linestyle="--", linewidth=1)
    ax.set_yticks(positions, labels)
    ax.set_ylim(min(positions) - 0.7, max(positions) + 0.7)
    ax.grid(axis="y", visible=False)
    right = ax.secondary_yaxis("right")
    right.set_yticks(positions, texts)
    right.tick_params(length=0)
    ax.set(xlabel=f"Mean change ({unit}; end - enrolment) with 95% interval")
    ax.set_title(title, fontsize="medium")
    return fig


FLOW_STAGE_LABELS = {"enrolled": "Enrolled", "matched": "Matched", "attended_psych": "Attended psych. session",
                     "completed_end_survey": "Completed end survey", "withdrawn": "Withdrew"}


def flow_by_cohort_chart(flow: pd.DataFrame) -> Figure:
    """The participant flow of each cohort (``pooling.cohort_flow``): bars per stage, one row per cohort."""
    stages = [s for s in FLOW_STAGE_LABELS if s in flow.columns]
    long = flow.melt(id_vars="cohort_label", value_vars=stages, var_name="stage", value_name="people").dropna()
    long["stage"] = long["stage"].map(FLOW_STAGE_LABELS)
    fig, ax = _figure(width=8.0, height=1.2 + 0.55 * max(len(flow), 1))
    if long.empty:
        _nothing_to_show(ax, "Participant flow by cohort")
        return fig
    sns.barplot(long, y="cohort_label", x="people", hue="stage", ax=ax, orient="h",
                palette=sns.color_palette("Blues_r", len(stages)))
    ax.set(xlabel="People", ylabel="", title="Participant flow by cohort")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    return fig


def show(fig: Figure) -> None:
    """Display a figure in the notebook once and free it (pyplot would otherwise show it twice)."""
    from IPython.display import display

    display(fig)
    plt.close(fig)
