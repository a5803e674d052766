"""The report's figures, drawn with seaborn; each function returns a matplotlib Figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from . import config

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


def show(fig: Figure) -> None:
    """Display a figure in the notebook once and free it (pyplot would otherwise show it twice)."""
    from IPython.display import display

    display(fig)
    plt.close(fig)
