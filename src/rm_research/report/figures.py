"""The report's figures, accessible by construction (issue 10).

Each figure function returns a ``Chart``: the matplotlib figure, a headline ``title`` (the caller
passes one that states the finding, as the GOV.UK Analysis Function's chart guidance asks; a plain
description otherwise), alternative text generated from the plotted data, and a caption note.
``show`` puts it in the report as an SVG image (crisp in print, text drawn as paths so it looks the
same on every machine) inside ``<figure>``, with the alternative text and a numbered caption
(``Numbering``), all escaped because they hold category names from the data.

Every colour of a mark has at least 3:1 contrast on white (``accessibility``; the mentee orange is
darker than NHS Orange, which has 2.5:1), and no mark relies on colour alone: roles differ in colour,
hatching and marker, and bars are labelled directly (value, and the role on the first group) rather
than through a colour legend. The titles are not drawn into the image: they are HTML text, so that
they can be read, searched and enlarged. Grid lines, spines and backgrounds are marked decorative
(``accessibility.DECORATIVE_GID``): they carry no data, so the contrast rule does not apply to them.

Bars are drawn with matplotlib directly rather than seaborn's barplot because each role needs its
own hatch and labels, which seaborn's hue does not set.
"""

from __future__ import annotations

import base64
import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from rm_research.core import config
from rm_research.core.config import DISCLOSURE, DisclosureRule
from rm_research.core.paths import region_title
from rm_research.core.safety import escape_html
from rm_research.findings.level import region_estimate
from rm_research.report.accessibility import DECORATIVE_GID
from rm_research.report.narrative import unavailable
from rm_research.report.summary import LARGEST_CHANGE, MIN_COHORTS_FOR_PREDICTION
from rm_research.report.tables import ForestPooled, styled
from rm_research.stats.meta import MetaAnalysis
from rm_research.stats.metareg import Step

#: Role colours: NHS Blue (6.4:1 on white), a dark orange (4.8:1; NHS Orange #ED8B00 has 2.5:1) that
#: stays distinct from the blue in simulated protanopia, deuteranopia and tritanopia, NHS Dark Grey (7.8:1).
PALETTE = {"mentor": "#005EB8", "mentee": "#B35900", "all": "#425563"}
HATCHES = {"mentor": "", "mentee": "///", "all": "\\\\"}
MARKERS = {"mentor": "o", "mentee": "s", "all": "D"}
ROLE_NAMES = {"mentor": "mentors", "mentee": "mentees", "all": "everyone"}
#: Text (the NHS text colour, 14:1), interval lines (NHS Dark Grey), the line of no change (NHS Mid
#: Grey, 3.8:1) and muted text (NHS secondary text colour, 6.4:1).
TEXT = "#212B32"
NEUTRAL = "#425563"
REFERENCE = "#768692"
MUTED_TEXT = "#4C6272"
#: The ReMEDI observation kinds (data contract, observations.csv).
KIND_COLOURS = {"good practice": "#005EB8", "needs attention": "#B35900"}
KIND_HATCHES = {"good practice": "", "needs attention": "///"}
LEVELS = ("individual", "departmental", "organisational", "symbolic")
#: The flow stages of a cohort, each in its own colour (all >= 3:1 on white) and hatch.
FLOW_STAGE_LABELS = {"enrolled": "Enrolled", "matched": "Matched", "attended_psych": "Attended psych. session",
                     "completed_end_survey": "Completed end survey", "withdrawn": "Withdrew"}
STAGE_COLOURS = {"enrolled": "#003087", "matched": "#005EB8", "attended_psych": "#006747",
                 "completed_end_survey": "#7C2855", "withdrawn": "#425563"}
STAGE_HATCHES = {"enrolled": "", "matched": "///", "attended_psych": "\\\\", "completed_end_survey": "xx",
                 "withdrawn": "--"}
#: Category labels are wrapped at this many characters, so that long questions leave room for the bars.
LABEL_WIDTH = 28
#: (Dotted hatches are left out: each dot is an SVG element, which makes a bar chart ten times larger.)
#: Alternative text longer than this is cut at a whole item: the table beside the figure has it all.
MAX_ALT = 600

# SVG with text as paths: an <img> cannot use the page's fonts, and paths look the same everywhere.
# A fixed hash salt and no date keep the SVG, and so the report, byte-identical between runs.
sns.set_theme(style="whitegrid", context="notebook",
              rc={"svg.fonttype": "path", "svg.hashsalt": "rm-research", "savefig.dpi": 200,
                  "text.parse_math": False,  # a "$" in an answer is a dollar sign, not mathematics
                  "hatch.linewidth": 1.5, "text.color": TEXT, "axes.labelcolor": TEXT, "xtick.color": TEXT,
                  "ytick.color": TEXT})


@dataclass(frozen=True)
class Chart:
    """A figure with what a reader who cannot see it needs: ``title`` (a headline), ``alt`` (what
    the figure shows, from its data) and ``caption`` (a note shown under it, may be empty)."""

    figure: Figure
    title: str
    alt: str
    caption: str = ""


class Numbering:
    """Figure and table numbers in the order a report shows them: ``numbering.figure("Most mentors
    were matched")`` is ``"Figure 1. Most mentors were matched"``, the next one ``"Figure 2. ..."``."""

    def __init__(self) -> None:
        self.figures = 0
        self.tables = 0

    def figure(self, title: str) -> str:
        """``title`` with the next figure number."""
        self.figures += 1
        return f"Figure {self.figures}. {title}"

    def table(self, title: str) -> str:
        """``title`` with the next table number."""
        self.tables += 1
        return f"Table {self.tables}. {title}"


# ---------------------------------------------------------------------------------------------- helpers
def _figure(width: float = 7.0, height: float = 3.6) -> tuple[Figure, Axes]:
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return fig, ax


def _decorative(fig: Figure) -> Figure:
    """Mark what carries no data (backgrounds, grid lines, spines, legend frames) for the contrast check."""
    fig.patch.set_gid(f"{DECORATIVE_GID}-figure")
    for ax in [*fig.axes, *(child for parent in fig.axes for child in parent.child_axes)]:
        ax.patch.set_gid(f"{DECORATIVE_GID}-background")
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_tick_params(which="both", grid_gid=f"{DECORATIVE_GID}-grid")
        for spine in ax.spines.values():
            spine.set_gid(f"{DECORATIVE_GID}-spine")
        if (legend := ax.get_legend()) is not None:
            legend.get_frame().set_gid(f"{DECORATIVE_GID}-legend")
    return fig


def _nothing_to_show(ax: Axes, what: str) -> str:
    ax.set_axis_off()
    ax.text(0.5, 0.5, "No answers to show", ha="center", va="center", transform=ax.transAxes, color=MUTED_TEXT)
    return f"{what}: there are no answers to show."


def _number(value: float, digits: int = 1, missing: str = "not known") -> str:
    """A value for reading: whole numbers without decimals, others to ``digits`` places; ``missing``
    where there is none."""
    if pd.isna(value):
        return missing
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.{digits}f}"


def plural(count: int, word: str, many: str | None = None) -> str:
    """"1 mentee", "3 mentees": a count with its noun, plural where it is not one (``many`` where not -s)."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def capped(opening: str, items: Sequence[str], limit: int = MAX_ALT) -> str:
    """``opening`` then as many whole ``items`` (joined by "; ") as fit in ``limit`` characters, and
    how many were left out (the table beside the figure has them all). The first item is always kept."""
    for shown in range(len(items), 0, -1):
        rest = len(items) - shown
        text = f"{opening} {'; '.join(items[:shown])}" + (f"; and {rest} more, in the table." if rest else ".")
        if len(text) <= limit or shown == 1:
            return text
    return opening


def _roles(values: Sequence[str]) -> list[str]:
    present = set(values)
    return [role for role in (*config.ROLES, config.ALL_ROLES) if role in present]


def _grouped_bars(ax: Axes, categories: Sequence[str], series: dict[str, Sequence[float]],
                  labels: dict[str, Sequence[str]], styles: dict[str, tuple[str, str]], names: dict[str, str],
                  counts: bool = True) -> None:
    """Horizontal bars per category (top to bottom in category order), one per series, each series
    in its (colour, hatch); every bar labelled at its end with its label, and the first category's
    bars with the series name too (a direct label in place of a colour legend). ``counts``: the
    axis shows whole numbers only."""
    count = len(series)
    width = 0.8 / max(count, 1)
    places = np.arange(len(categories), dtype=float)
    for index, (key, values) in enumerate(series.items()):
        offset = (index - (count - 1) / 2) * width
        heights = [0.0 if pd.isna(v) else float(v) for v in values]
        colour, hatch = styles[key]
        bars = ax.barh(places + offset, heights, width * 0.92, color=colour, hatch=hatch, edgecolor="white",
                    linewidth=0.6, label=names[key])
        texts = [f"{names[key]}: {text}" if position == 0 else text for position, text in enumerate(labels[key])]
        ax.bar_label(bars, texts, padding=3, fontsize="small", color=TEXT)
    ax.set_yticks(places, [textwrap.fill(str(category), LABEL_WIDTH) for category in categories])
    if counts:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.3)


def _people_bars(ax: Axes, wide: pd.DataFrame, roles: Sequence[str], ylabel: str, missing: str = "not known") -> None:
    """Bars of people per row of ``wide`` (categories as rows, one column per role), labelled with the
    counts (``missing`` where there is none)."""
    series = {role: list(wide[role]) for role in roles}
    labels = {role: [_number(v, 1, missing) for v in wide[role]] for role in roles}
    _grouped_bars(ax, [str(s) for s in wide.index], series, labels, _role_styles(), ROLE_NAMES)
    ax.set(xlabel="People", ylabel=ylabel)


def _bars_height(bars: int) -> float:
    """A figure height (inches) that gives each of ``bars`` horizontal bars room for its label."""
    return min(1.2 + 0.24 * max(bars, 1), 24.0)  # tall rather than overlapping labels (a national flow: 65 bars)


def _role_styles() -> dict[str, tuple[str, str]]:
    return {role: (PALETTE[role], HATCHES[role]) for role in PALETTE}


def _chart(fig: Figure, title: str, alt: str, caption: str = "") -> Chart:
    return Chart(_decorative(fig), title, alt, caption)


# ---------------------------------------------------------------------------------------------- charts
def flow_alt(flow: pd.DataFrame, missing: str = "not known") -> str:
    """Alternative text of ``flow_chart``: each role's count at each stage (``missing`` where there is none)."""
    roles = [role for role in config.ROLES if role in flow.columns]
    items = [f"{ROLE_NAMES[role]}: " + ", ".join(f"{str(stage).lower()} {_number(flow.loc[stage, role], 1, missing)}"
                                                   for stage in flow.index) for role in roles]
    return capped("Bar chart of the participant flow by role.", items)


def flow_chart(flow: pd.DataFrame, title: str = "Participant flow by role", missing: str = "not known",
               caption: str = "Bars are labelled with the number of people.") -> Chart:
    """Grouped bars of the participant flow (``tables.flow_table``: stages as rows, roles as columns),
    mentors and mentees (everyone is their sum, in the table); a stage with no count has no bar and is
    labelled ``missing`` (a public chart: the mark of a withheld count)."""
    roles = [role for role in config.ROLES if role in flow.columns]
    fig, ax = _figure(height=_bars_height(len(flow) * len(roles)))
    if not roles or flow.empty:
        return _chart(fig, title, _nothing_to_show(ax, "Participant flow"))
    _people_bars(ax, flow, roles, "", missing)
    return _chart(fig, title, flow_alt(flow, missing), caption)


def public_flow_chart(numbers: pd.DataFrame, rule: DisclosureRule = DISCLOSURE) -> Chart:
    """``flow_chart`` of a public flow (``tables.public_flow_numbers``): the published counts, rounded; a
    withheld count has no bar and is labelled with the rule's mark."""
    return flow_chart(numbers, "Participant flow by role (public figures)", missing=rule.mark,
                      caption=f"Counts rounded to the nearest {rule.rounding_base}; {rule.mark}: withheld to protect "
                              f"a group of fewer than {rule.smallest_shown} people, or a figure that would give "
                              "one away.")


def _phases(long: pd.DataFrame) -> list[str]:
    """The phases of a long table of ratings, in the order they were asked (the table's order)."""
    return list(dict.fromkeys(long["phase"]))


def _paired_summary(data: pd.DataFrame) -> str:
    wide = data.pivot(index="person", columns="phase", values="rating")
    phases = _phases(data)
    first, last = wide[phases[0]], wide[phases[-1]]
    change = last - first
    if phases == ["Before", "After"]:
        means = f"mean {_number(first.mean())} before and {_number(last.mean())} after"
    else:
        means = "mean " + ", ".join(f"{_number(wide[phase].mean())} at {phase.lower()}" for phase in phases)
        means += f"; from {phases[0].lower()} to {phases[-1].lower()}"
    return (f"{means}; {int((change > 0).sum())} rose, {int((change == 0).sum())} did not change, "
            f"{int((change < 0).sum())} fell")


def paired_alt(long: pd.DataFrame, item: str) -> str:
    """Alternative text of ``paired_plot``: per role, how many people, the mean at each phase and how many
    rose, did not change and fell from the first phase to the last (from the unoffset ratings)."""
    items = [f"{ROLE_NAMES[role]} ({plural(long.loc[long['role'] == role, 'person'].nunique(), 'person', 'people')}): "
             + _paired_summary(long[long["role"] == role]) for role in _roles(long["role"])]
    phases = _phases(long) if len(long) else ["Before", "After"]
    when = "before and after" if phases == ["Before", "After"] else ", ".join(p.lower() for p in phases)
    return capped(f"Paired line chart of each person's rating (1-10) {when}: {item}.", items)


def _person_lines(ax: Axes, data: pd.DataFrame, phases: Sequence[str], role: str) -> None:
    """Each person's ratings in ``data`` (long: person, phase, rating) joined by a line across ``phases``
    (at 0, 1, ...; a missing rating is skipped, the line joining the ones given), with the role's marker
    at every rating. All the lines are one collection and all the markers one line of points: a level's
    plot holds thousands of people, and one artist each (as seaborn's ``lineplot(units=...)`` draws
    them) made the paired plots most of a national report's time at 1,000 cohorts."""
    wide = data.pivot(index="person", columns="phase", values="rating").reindex(columns=list(phases))
    steps = np.arange(len(phases), dtype=float)
    lines = [np.column_stack([steps[given], ratings[given]])
             for ratings in wide.to_numpy(dtype=float) if (given := ~np.isnan(ratings)).sum() > 1]
    style = {"color": PALETTE[role], "alpha": 0.85, "linewidth": plt.rcParams["lines.linewidth"]}
    ax.add_collection(LineCollection(lines, **style))
    points = wide.stack().reset_index(name="rating")  # stack drops the missing ratings
    ax.plot(points["phase"].map({phase: step for step, phase in enumerate(phases)}).to_numpy(dtype=float),
            points["rating"].to_numpy(dtype=float), linestyle="none", marker=MARKERS[role],
            markeredgecolor="white", **style)
    ax.set_xticks(steps, list(phases))


def paired_plot(long: pd.DataFrame, item: str, title: str | None = None, unit: str = "person") -> Chart:
    """Each person's ratings at each phase (``findings.descriptive.long_ratings``: before and after, or
    enrolment, end and follow-up), joined by a line, one panel per role (its name and n as the panel
    title, its colour and marker). ``unit``: what a line is, for the caption (a mentee's team's mean)."""
    roles = _roles(long["role"])
    panels = max(len(roles), 1)
    phases = _phases(long) if len(long) else ["Before", "After"]
    fig, axes = plt.subplots(1, panels, figsize=((1.6 + 1.0 * len(phases)) * panels, 3.4), sharey=True,
                             layout="constrained", squeeze=False)
    title = title or f"{item}: " + ("before and after" if len(phases) == 2 else ", ".join(phases).lower())
    if not roles:
        return _chart(fig, title, _nothing_to_show(axes[0][0], item))
    for ax, role in zip(axes[0], roles, strict=False):
        data = long[long["role"] == role]
        # people with the same ratings would draw one line; a small fixed offset shows each of them
        spread = (data["person"] - (data["person"].max() + 1) / 2) * min(0.08, 0.5 / data["person"].max())
        data = data.assign(rating=data["rating"] + spread)
        _person_lines(ax, data, phases, role)
        ax.set(title=f"{ROLE_NAMES[role].capitalize()} (n={data['person'].nunique()})", xlabel="",
               ylabel="Rating (1-10, lines offset)", ylim=(0.5, 10.5), xlim=(-0.2, len(phases) - 0.8))
    return _chart(fig, title, paired_alt(long, item),
                  f"Each line is one {unit}; lines are offset slightly so that "
                  f"{'people' if unit == 'person' else 'those'} with the same ratings can be told apart.")


def benefit_alt(ranks: pd.DataFrame) -> str:
    """Alternative text of ``benefit_chart``: each benefit, most important first, with each role's mean rank."""
    items = [f"{benefit}: " + ", ".join(f"{ROLE_NAMES[role]} {_number(ranks.at[benefit, role], 1, 'not shown')}"
                                        for role in _roles(list(ranks.columns)))
             for benefit in ranks.index]
    return capped("Dot chart of the mean rank of each organisational benefit (1 = most important), by role, the "
                  "most important first.", items)


def benefit_chart(ranks: pd.DataFrame, title: str = "The organisational benefits, ranked") -> Chart:
    """Each benefit's mean rank (rows, most important first) for each role (columns): one marker per role,
    in its colour and shape, labelled with its value; the axis runs from 1 (most important) on the left."""
    roles = _roles(list(ranks.columns))
    fig, ax = _figure(7.5, 1.4 + 0.5 * len(ranks))
    if ranks.empty or not roles:
        return _chart(fig, title, _nothing_to_show(ax, "ranks"))
    places = np.arange(len(ranks), dtype=float)
    for index, role in enumerate(roles):
        offset = (index - (len(roles) - 1) / 2) * 0.22
        values = ranks[role].astype(float).to_numpy()
        ax.scatter(values, places + offset, color=PALETTE[role], marker=MARKERS[role], s=46, zorder=3,
                   label=ROLE_NAMES[role], edgecolor="white", linewidth=0.6)
        for place, value in zip(places + offset, values, strict=True):
            if not math.isnan(value):
                ax.annotate(f"{value:.1f}", (value, place), xytext=(6, 0), textcoords="offset points",
                            va="center", fontsize="small", color=TEXT)
    ax.set_yticks(places, [textwrap.fill(str(benefit), LABEL_WIDTH + 8) for benefit in ranks.index])
    ax.set(xlim=(0.5, len(config.BENEFITS) + 0.5), xlabel="Mean rank (1 = most important)")
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(roles), fontsize="small", frameon=False)
    return _chart(fig, title, benefit_alt(ranks), "Roles differ in colour and marker; a missing marker is a "
                  "rank not shown.")


def sessions_alt(distribution: pd.DataFrame) -> str:
    """Alternative text of ``sessions_chart``: per role, how many people reported each number of sessions."""
    items = []
    for role in _roles(distribution["role"]):
        rows = distribution[distribution["role"] == role].sort_values("sessions")
        counts = ", ".join(f"{plural(int(s), 'session')}: {int(p)}" for s, p in zip(rows["sessions"], rows["people"],
                                                                         strict=True))
        items.append(f"{ROLE_NAMES[role]} ({int(rows['people'].sum())} answered): {counts}")
    return capped("Bar chart of the number of mentoring sessions people reported, by role.", items)


def sessions_chart(distribution: pd.DataFrame,
                   title: str = "How many sessions did you have with your mentor/mentee?") -> Chart:
    """People reporting each number of sessions (``tables.sessions_distribution``), bars by role."""
    if distribution.empty:
        fig, ax = _figure()
        return _chart(fig, title, _nothing_to_show(ax, "Mentoring sessions reported"))
    roles = _roles(distribution["role"])
    wide = distribution.pivot(index="sessions", columns="role", values="people").reindex(columns=roles)
    wide = wide.reindex(range(int(wide.index.min()), int(wide.index.max()) + 1)).fillna(0)
    fig, ax = _figure(height=_bars_height(len(wide) * len(roles)))
    _people_bars(ax, wide, roles, "Sessions reported")
    return _chart(fig, title, sessions_alt(distribution), "Bars are labelled with the number of people.")


def yes_no_alt(table: pd.DataFrame) -> str:
    """Alternative text of ``yes_no_chart``: per question and role, yes answers of those who answered."""
    items = [f"{question}: " + ", ".join(
        f"{ROLE_NAMES.get(role, role)} {_number(yes)} of {_number(n)} ({_percent(yes, n)})"
        for role, yes, n in zip(rows["Role"], rows["Yes"], rows["Answered"], strict=True))
        for question, rows in table.groupby("Question", sort=False)]
    return capped("Bar chart of the percentage answering yes, by question and role.", items)


def _share(part: float, whole: float) -> float:
    return math.nan if pd.isna(part) or pd.isna(whole) or not whole else 100 * float(part) / float(whole)


def _percent(part: float, whole: float) -> str:
    share = _share(part, whole)
    return "no answers" if math.isnan(share) else f"{share:.0f}%"


def yes_no_chart(table: pd.DataFrame, title: str = "Answers to the yes/no questions") -> Chart:
    """Percentage answering yes to each yes/no question (``tables.yes_no_table``), by role."""
    fig, ax = _figure(height=_bars_height(len(table)))
    if table.empty:
        return _chart(fig, title, _nothing_to_show(ax, "Yes/no questions"))
    questions = list(dict.fromkeys(table["Question"]))
    roles = _roles(table["Role"])
    answers = {(q, r): (yes, n) for q, r, yes, n in zip(table["Question"], table["Role"], table["Yes"],
                                                        table["Answered"], strict=True)}
    series, labels = {}, {}
    for role in roles:
        pairs = [answers.get((question, role), (math.nan, math.nan)) for question in questions]
        series[role] = [_share(yes, n) for yes, n in pairs]
        labels[role] = [f"{_percent(yes, n)} ({_number(yes)}/{_number(n)})" if not pd.isna(n) else ""
                        for yes, n in pairs]
    _grouped_bars(ax, questions, series, labels, _role_styles(), ROLE_NAMES, counts=False)
    ax.set(xlabel="% answering yes", ylabel="", xlim=(0, 130))
    ax.set_xticks([0, 25, 50, 75, 100])
    return _chart(fig, title, yes_no_alt(table), "Bars are labelled with the percentage and yes answers / answered.")


def _forest_items(rows: pd.DataFrame, pooled: ForestPooled | None, withheld: str) -> list[str]:
    items = [f"{cohort} (n={n}) " + (f"{y:.2f} ({lo:.2f} to {hi:.2f})" if not math.isnan(y) else withheld)
             for cohort, n, y, lo, hi in zip(rows["cohort"], rows["n"], rows["y"], rows["ci_low"], rows["ci_high"],
                                             strict=True)]
    if pooled is not None and pooled.k >= 2:
        text = (f"{pooled.centre:.2f} ({pooled.low:.2f} to {pooled.high:.2f})" if pooled.shown else withheld)
        line = f"pooled over {pooled.k} cohorts (n={pooled.n}) {text}"
        if pooled.shown and pooled.k >= MIN_COHORTS_FOR_PREDICTION and not math.isnan(pooled.pi_low):
            line += f", 95% prediction interval {pooled.pi_low:.2f} to {pooled.pi_high:.2f}"
        items = [line, *items]
    return items


def _forest_title(label: str, unit: str) -> str:
    return f"Forest plot of the mean change ({unit}, end minus enrolment, with 95% intervals) in {label}:"


def forest_alt(result: MetaAnalysis, label: str, unit: str = "points") -> str:
    """Alternative text of ``forest_plot``: each cohort's mean change with its interval, then the pooled one."""
    rows, pooled = _meta_rows(result)
    return capped(_forest_title(label, unit), _forest_items(rows, pooled, "not known"))


def _meta_rows(result: MetaAnalysis) -> tuple[pd.DataFrame, ForestPooled | None]:
    rows = result.cohort_table()
    rows["n"] = rows["n"].astype(str)
    pooled = ForestPooled(result.k, str(result.n), result.pooled_change, result.pooled_ci_low, result.pooled_ci_high,
                          result.pi_low, result.pi_high) if result.k >= 2 else None
    return rows, pooled


def forest_plot(result: MetaAnalysis, label: str, unit: str = "points", title: str | None = None) -> Chart:
    """A forest plot of a ``meta.MetaAnalysis`` (``label``: what was pooled): one row per pooled cohort
    (its mean change and 95% t interval, the square sized by its random-effects weight, n and the
    numbers written beside it), the pooled change as a diamond with its HKSJ interval, and the 95%
    prediction interval as a line under it where at least ``summary.MIN_COHORTS_FOR_PREDICTION`` cohorts
    are pooled (with fewer it spans most of the scale whatever the data). The axis never runs past the
    largest possible change (``summary.LARGEST_CHANGE`` either way): an interval beyond it is drawn to
    the edge, and its numbers are written beside it. Cohorts left out are not drawn (the report lists them)."""
    rows, pooled = _meta_rows(result)
    return _forest(rows, pooled, label, unit, title, withheld="not known",
                   caption="Squares: each cohort's mean change, sized by its weight; diamond: the pooled change; "
                           "the dashed line is no change.")


def region_forest_plot(regional: Mapping[str, MetaAnalysis], national: MetaAnalysis, label: str,
                       unit: str = "points", title: str | None = None) -> Chart:
    """The national forest plot once there are too many cohorts to draw (``findings.level.GROUP_BY_REGION_ABOVE``):
    one row per region, its pooled change with its interval (a region of one cohort: that cohort's own,
    ``findings.level.region_estimate``), labelled with its cohorts and people; the diamond is the national
    pooled change over every cohort (not over the regions). Squares are one size: a region's weight is
    not a weight in the national pooling."""
    rows = []
    for region, result in sorted(regional.items()):
        if result.k == 0:
            continue
        y, low, high = region_estimate(result)
        rows.append({"cohort": f"{region_title(region)} ({plural(result.k, 'cohort')})", "n": str(result.n),
                     "y": y, "ci_low": low, "ci_high": high, "weight": math.nan})
    table = pd.DataFrame(rows, columns=["cohort", "n", "y", "ci_low", "ci_high", "weight"])
    pooled = ForestPooled(national.k, str(national.n), national.pooled_change, national.pooled_ci_low,
                          national.pooled_ci_high, national.pi_low, national.pi_high) if national.k >= 2 else None
    return _forest(table, pooled, label, unit, title, withheld="not known",
                   caption="Squares: each region's pooled change (a region of one cohort: that cohort's); diamond: the "
                           "national pooled change over every cohort. Every cohort's change is in the appendix. The "
                           "dashed line is no change.")


#: What a public forest plot's rows are: each cohort's change, or (a nation drawn by region) each region's.
PUBLIC_FOREST_CAPTION: Final = ("Squares: each cohort's published mean change; diamond: the pooled change; a withheld "
                                "cohort is named without a square. The dashed line is no change.")
PUBLIC_REGION_FOREST_CAPTION: Final = ("Squares: each region's published pooled change; diamond: the national pooled "
                                       "change over every cohort; a withheld region is named without a square. The "
                                       "dashed line is no change.")


def public_forest_plot(rows: pd.DataFrame, pooled: ForestPooled | None, label: str, unit: str = "points",
                       title: str | None = None, rule: DisclosureRule = DISCLOSURE,
                       caption: str = PUBLIC_FOREST_CAPTION) -> Chart:
    """The forest plot of a public report, drawn from published figures only: ``rows`` (cohort, n as
    published, y, ci_low, ci_high; NaN where the cohort's public findings withhold its change:
    ``tables.public_forest_rows``) and ``pooled`` (from the level's public findings). A withheld cohort
    keeps its row, which says so and has no square; squares are all one size, since the weights would
    give the withheld cohorts' variances away."""
    rows = rows.assign(weight=math.nan)
    withheld = f"withheld ({rule.mark})"
    return _forest(rows, pooled, label, unit, title, withheld=withheld, caption=caption)


def _forest(rows: pd.DataFrame, pooled: ForestPooled | None, label: str, unit: str, title: str | None,
            withheld: str, caption: str) -> Chart:
    shown_pooled = pooled is not None and pooled.k >= 2
    height = 1.2 + 0.42 * (len(rows) + (2 if shown_pooled else 0))
    fig, ax = plt.subplots(figsize=(8.0, height), layout="constrained")
    title = title or label
    if rows.empty:
        return _chart(fig, title, _nothing_to_show(ax, label))
    positions = list(range(len(rows), 0, -1))
    drawn_rows = rows[rows["y"].notna()]
    drawn_at = [p for p, y in zip(positions, rows["y"], strict=True) if not math.isnan(y)]
    weights = drawn_rows["weight"].fillna(100.0 / len(rows))
    ax.hlines(drawn_at, drawn_rows["ci_low"], drawn_rows["ci_high"], color=NEUTRAL, linewidth=1.4)
    ax.scatter(drawn_rows["y"], drawn_at, marker="s", s=30 + 3 * weights, color=PALETTE["mentor"], zorder=3)
    labels = [f"{name} (n={n})" for name, n in zip(rows["cohort"], rows["n"], strict=True)]
    texts = [f"{y:.2f} ({lo:.2f} to {hi:.2f})" if not math.isnan(y) else withheld
             for y, lo, hi in zip(rows["y"], rows["ci_low"], rows["ci_high"], strict=True)]
    drawn = [*drawn_rows["ci_low"], *drawn_rows["ci_high"], *drawn_rows["y"]]
    if shown_pooled:
        assert pooled is not None
        labels.append(f"Pooled, {pooled.k} cohorts (n={pooled.n})")
        positions.append(0)
        if pooled.shown:
            centre, low, high = pooled.centre, pooled.low, pooled.high
            ax.fill([low, centre, high, centre], [0.0, 0.25, 0.0, -0.25], color=PALETTE["mentee"], zorder=3)
            texts.append(f"{centre:.2f} ({low:.2f} to {high:.2f})")
            drawn += [low, high]
        else:
            texts.append(withheld)
        if pooled.shown and pooled.k >= MIN_COHORTS_FOR_PREDICTION and not math.isnan(pooled.pi_low):
            ax.hlines(-1, pooled.pi_low, pooled.pi_high, color=PALETTE["mentee"], linewidth=2.5)
            labels.append("95% prediction interval")
            texts.append(f"{pooled.pi_low:.2f} to {pooled.pi_high:.2f}")
            positions.append(-1)
            drawn += [pooled.pi_low, pooled.pi_high]
    ax.axvline(0, color=REFERENCE, linestyle="--", linewidth=1)
    drawn = [float(x) for x in drawn if not math.isnan(float(x))] or [-1.0, 1.0]
    low, high = min(drawn), max(drawn)
    margin = 0.05 * max(high - low, 1.0)
    ax.set_xlim(max(low - margin, -LARGEST_CHANGE), min(high + margin, LARGEST_CHANGE))
    ax.set_yticks(positions, labels)
    ax.set_ylim(min(positions) - 0.7, max(positions) + 0.7)
    ax.grid(axis="y", visible=False)
    right = ax.secondary_yaxis("right")
    right.set_yticks(positions, texts)
    right.tick_params(length=0)
    ax.set(xlabel=f"Mean change ({unit}; end - enrolment) with 95% interval")
    return _chart(fig, title, capped(_forest_title(label, unit), _forest_items(rows, pooled, withheld)), caption)


def cumulative_plot(steps: Sequence[Step], people: Sequence[int], label: str, order_by: str, unit: str = "points",
                    title: str | None = None, periods: Mapping[str, str] | None = None) -> Chart:
    """The cumulative forest plot (``findings.evidence``): row i is the random-effects pool of the first i
    cohorts in order of their start (``order_by``: "start date" or "cohort number"), labelled with the
    cohort it adds and the people pooled so far (``people``: after 1, 2, ... cohorts); the first row is
    the first cohort's own change and t interval. With ``periods`` (each cohort's period, such as its start
    year; the steps then one per period), each row is the pool of every cohort started by the period's
    end. Squares are one size: each row is a pool, not a cohort."""
    rows = []
    for step in steps:
        if periods is not None:
            name = f"to {periods[step.added]} ({plural(step.k, 'cohort')})"
        else:
            name = f"+ {step.added}" if step.k > 1 else step.added
        rows.append({"cohort": name, "n": str(people[step.k - 1]), "y": step.estimate, "ci_low": step.ci_low,
                     "ci_high": step.ci_high, "weight": math.nan})
    table = pd.DataFrame(rows, columns=["cohort", "n", "y", "ci_low", "ci_high", "weight"])
    each = "row pools every cohort started by the end of its period" if periods is not None else \
        "row pools every cohort above it"
    return _forest(table, None, label, unit, title, withheld="not known",
                   caption=f"Each {each}, in order of {order_by}: the last row is the pooled change over them all "
                           "(n = people pooled so far). A pool narrows as cohorts are added whether or not later "
                           "cohorts differ; whether they do is the trend in the table. The dashed line is no change.")


def moderator_alt(points: pd.DataFrame, xlabel: str, label: str, slope: str) -> str:
    """Alternative text of ``moderator_plot``: the fitted slope in words, then each cohort's point."""
    items = [f"{cohort}: {_number(x, 0)}, {_number(y, 2)}" if not math.isnan(y) else f"{cohort}: {_number(x, 0)}, "
             "withheld" for cohort, x, y in zip(points["cohort"], points["x"], points["y"], strict=True)]
    return capped(f"Bubble plot of each cohort's mean change in {label} (points) against {xlabel}. {slope} Cohorts "
                  f"({xlabel}, mean change):", items)


def moderator_plot(points: pd.DataFrame, line: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None,
                   xlabel: str, label: str, slope: str, title: str | None = None, caption: str = "") -> Chart:
    """A meta-regression's bubble plot: each cohort (``points``: cohort, x, y, weight; NaN y where withheld,
    not drawn) a circle whose area follows its weight (one size where ``weight`` is NaN), and, where given,
    the fitted line with its 95% band (``line``: x, fit, low, high). ``slope`` says the fit in words."""
    fig, ax = _figure(7.0, 4.0)
    title = title or label
    drawn = points[points["y"].notna()]
    if drawn.empty:
        return _chart(fig, title, _nothing_to_show(ax, label))
    weights = drawn["weight"].to_numpy(dtype=float)
    # area from 30 to 330 square points, in proportion to the largest weight; one size where none is given
    share = weights / np.nanmax(weights) if not np.isnan(weights).all() else np.full(len(drawn), 0.5)
    if line is not None:
        xs, fit, low, high = line
        # the band's pale fill only shades what its edges (drawn in full colour) bound: decorative
        band = ax.fill_between(xs, low, high, color=PALETTE["mentee"], alpha=0.18, linewidth=0)
        band.set_gid(f"{DECORATIVE_GID}-band")
        ax.plot(xs, low, xs, high, color=PALETTE["mentee"], linewidth=1, linestyle=":")
        ax.plot(xs, fit, color=PALETTE["mentee"], linewidth=2)
    ax.scatter(drawn["x"], drawn["y"], s=30 + 300 * share, facecolor="none", edgecolor=PALETTE["mentor"],
               linewidth=1.6, zorder=3)
    ax.axhline(0, color=REFERENCE, linestyle="--", linewidth=1)
    low, high = math.floor(float(drawn["x"].min())), math.ceil(float(drawn["x"].max()))
    ax.set_xticks(range(low, high + 1))  # whole sessions, one tick each, even where every cohort offered the same
    ax.set_xlim(low - 0.5, high + 0.5)
    ax.set(xlabel=xlabel, ylabel=f"Mean change ({label})" if len(label) < 28 else "Mean change (points)")
    return _chart(fig, title, moderator_alt(points, xlabel, label, slope), caption)


def change_alt(rows: pd.DataFrame, withheld: str = "withheld") -> str:
    """Alternative text of ``change_chart``: each question and role's change, its interval and people."""
    items = [f"{ROLE_NAMES[r['role']]}, {r['label']}: " + (withheld if r["withheld"] else
             f"{_number(r['estimate'], 1)} ({_number(r['low'], 1)} to {_number(r['high'], 1)}), "
             f"{plural(int(r['n']), 'person', 'people') if not math.isnan(r['n']) else 'people not known'}")
             for r in rows.to_dict("records")]
    return capped("Dot chart of the change in confidence on each question (points on the 1-10 scale, end - "
                  "enrolment), with its 95% interval, by role.", items)


def change_chart(rows: pd.DataFrame, title: str, withheld: str = "withheld") -> Chart:
    """Every confidence question's change by role with its 95% interval (``report.board.change_rows``),
    one row per question, mentors and mentees side by side in their colours and markers, the dashed
    line at no change; a withheld change is named, with no dot. The one-page summary's chart."""
    questions = list(dict.fromkeys(rows["label"]))
    fig, ax = _figure(width=8.0, height=1.4 + 0.5 * max(len(questions), 1))
    if rows.empty:
        return _chart(fig, title, _nothing_to_show(ax, "Change in confidence"))
    roles = _roles(rows["role"])
    offsets = {role: (index - (len(roles) - 1) / 2) * 0.28 for index, role in enumerate(roles)}
    positions = {label: len(questions) - i for i, label in enumerate(questions)}
    drawn = []
    for role in roles:
        mine = rows[(rows["role"] == role) & ~rows["withheld"] & rows["estimate"].notna()]
        at = [positions[label] + offsets[role] for label in mine["label"]]
        ax.hlines(at, mine["low"], mine["high"], color=PALETTE[role], linewidth=1.6)
        ax.scatter(mine["estimate"], at, marker=MARKERS[role], s=42, color=PALETTE[role], zorder=3,
                   label=ROLE_NAMES[role].capitalize(), edgecolor="white")
        drawn += [*mine["low"].dropna(), *mine["high"].dropna(), *mine["estimate"]]
        for label in rows.loc[(rows["role"] == role) & rows["withheld"], "label"]:
            ax.annotate(f"{ROLE_NAMES[role]}: {withheld}", (0, positions[label] + offsets[role]), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize="small", color=TEXT)
    ax.axvline(0, color=REFERENCE, linestyle="--", linewidth=1)
    low, high = min([*drawn, -1.0]), max([*drawn, 1.0])
    margin = 0.08 * (high - low)
    ax.set_xlim(max(low - margin, -LARGEST_CHANGE), min(high + margin, LARGEST_CHANGE))
    ax.set_yticks(list(positions.values()), [textwrap.fill(label, LABEL_WIDTH + 12) for label in questions])
    ax.set_ylim(0.4, len(questions) + 0.6)
    ax.grid(axis="y", visible=False)
    ax.set(xlabel="Change in points (1-10 scale), 95% interval")
    if drawn:  # above the plot, where it can cover no dot
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(roles), frameon=False, fontsize="small")
    return _chart(fig, title, change_alt(rows, withheld),
                  "A dot right of the dashed line is a rise; where its line crosses the dashed line, the change "
                  "could be none at all.")


def flow_by_cohort_alt(flow: pd.DataFrame) -> str:
    """Alternative text of ``flow_by_cohort_chart``: each cohort's count at each stage."""
    stages = [s for s in FLOW_STAGE_LABELS if s in flow.columns]
    items = [f"{label}: " + ", ".join(f"{FLOW_STAGE_LABELS[s].lower()} {_number(row[s])}" for s in stages)
             for label, (_, row) in zip(flow["cohort_label"], flow.iterrows(), strict=True)]
    return capped("Bar chart of the participant flow of each cohort.", items)


def flow_by_cohort_chart(flow: pd.DataFrame, title: str = "Participant flow by cohort") -> Chart:
    """The participant flow of each cohort (``findings.level.cohort_flow``): a group of bars per cohort, one
    bar per stage in its own colour and hatch, labelled with the count (and the stage, on the first cohort)."""
    stages = [s for s in FLOW_STAGE_LABELS if s in flow.columns]
    fig, ax = _figure(width=8.0, height=_bars_height(len(stages) * len(flow)))
    if flow.empty or not stages:
        return _chart(fig, title, _nothing_to_show(ax, "Participant flow by cohort"))
    series = {stage: list(flow[stage]) for stage in stages}
    labels = {stage: [_number(v) for v in flow[stage]] for stage in stages}
    styles = {stage: (STAGE_COLOURS[stage], STAGE_HATCHES[stage]) for stage in stages}
    names = {stage: FLOW_STAGE_LABELS[stage].lower() for stage in stages}
    _grouped_bars(ax, [str(c) for c in flow["cohort_label"]], series, labels, styles, names)
    ax.set(xlabel="People", ylabel="")
    return _chart(fig, title, flow_by_cohort_alt(flow), "Bars are labelled with the number of people.")


def category_alt(data: pd.DataFrame, what: str, percent: bool = True, top: int = 5) -> str:
    """Alternative text of ``category_chart``: per role, its ``top`` categories with counts (and
    percentages of the role's answerers)."""
    items = []
    for role in _roles(data["role"]):
        rows = data[data["role"] == role].sort_values(["count", "category"], ascending=[False, True])
        n = int(rows["n"].iloc[0])
        shown = [f"{category} {int(count)}" + (f" ({_percent(count, n)})" if percent else "")
                 for category, count in zip(rows["category"].head(top), rows["count"].head(top), strict=True)]
        more = f" and {len(rows) - top} more" if len(rows) > top else ""
        items.append(f"{ROLE_NAMES[role]} ({n} answered): " + ", ".join(shown) + more)
    return capped(f"Bar chart of {what} by role.", items)


def natural_order(category: object) -> tuple[object, ...]:
    """The sort key of an ordered scale written as text: numbers as numbers, so "Band 8c" comes after
    "Band 7" and before "Band 9", and "Band 10" after "Band 9" (not by frequency, not as text)."""
    import re

    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower())
                 for part in re.findall(r"\d+|\D+", str(category)))


def category_chart(data: pd.DataFrame, what: str, title: str | None = None, percent: bool = True,
                   ordered: bool = False) -> Chart:
    """Horizontal bars of a category-by-role table with columns exactly ``category, role, count, n``
    (``n`` the role's answerers, the same on each of its rows): the percentage of ``n`` (or the count)
    per category, roles by colour, hatch and direct labels. The most frequent category first, or, for
    an ordered scale (``ordered``: pay bands), in the scale's order (``natural_order``). A percentage
    axis runs to 100% and no further."""
    if list(data.columns) != ["category", "role", "count", "n"]:
        raise ValueError(f"category_chart needs columns category, role, count, n, not {list(data.columns)}")
    title = title or what[:1].upper() + what[1:]
    fig, ax = _figure(height=_bars_height(data["category"].nunique() * data["role"].nunique()))
    if data.empty:
        return _chart(fig, title, _nothing_to_show(ax, what))
    roles = _roles(data["role"])
    order = data.groupby("category")["count"].sum().sort_values(ascending=False, kind="stable")
    categories = sorted(order.index, key=natural_order) if ordered else sorted(order.index,
                                                                                key=lambda c: (-order[c], str(c)))
    counts = data.pivot(index="category", columns="role", values="count").reindex(index=categories, columns=roles)
    answered = data.groupby("role")["n"].first()
    series, labels = {}, {}
    for role in roles:
        n = float(answered[role])
        series[role] = [100 * c / n if percent and n else c for c in counts[role].fillna(0)]
        labels[role] = [f"{_percent(c, n)} ({int(c)})" if percent else f"{int(c)}" for c in counts[role].fillna(0)]
    names = {role: f"{ROLE_NAMES[role]} (n={int(answered[role])})" for role in roles}
    _grouped_bars(ax, [str(c) for c in categories], series, labels, _role_styles(), names, counts=not percent)
    ax.set(xlabel="% of those who answered" if percent else "People", ylabel="")
    if percent:  # room for the labels beyond the bars, but no tick past 100%
        ax.set_xlim(0, 130)
        ax.set_xticks(range(0, 101, 20))
    return _chart(fig, title, category_alt(data, what, percent),
                  "Bars are labelled with the percentage of the role's answerers and the count." if percent
                  else "Bars are labelled with the number of people.")


def observations_alt(data: pd.DataFrame) -> str:
    """Alternative text of ``observations_chart``: each level's count of each kind."""
    kinds = [k for k in KIND_COLOURS if k in set(data["kind"])]
    totals = data.groupby(["level", "kind"])["count"].sum()
    items = [f"{level}: " + ", ".join(f"{int(totals.get((level, kind), 0))} {kind}" for kind in kinds)
             for level in _levels(data)]
    return capped("Bar charts of the mentors' observations by level, one panel per kind.", items)


def _levels(data: pd.DataFrame) -> list[str]:
    present = set(data["level"])
    return [level for level in LEVELS if level in present] + sorted(present - set(LEVELS))


def observations_chart(data: pd.DataFrame, title: str = "Mentors' observations by level and kind") -> Chart:
    """Small multiples of a level-by-kind table with columns ``level, kind, count`` (ReMEDI
    observations, data contract): one panel per kind (good practice, needs attention), a bar per
    level in the contract's order, each labelled with its count."""
    kinds = [k for k in KIND_COLOURS if k in set(data["kind"])] + sorted(set(data["kind"]) - set(KIND_COLOURS))
    panels = max(len(kinds), 1)
    levels = _levels(data)
    fig, axes = plt.subplots(1, panels, figsize=(3.6 * panels, 1.2 + 0.45 * max(len(levels), 1)), sharex=True,
                             sharey=True, layout="constrained", squeeze=False)
    if data.empty:
        return _chart(fig, title, _nothing_to_show(axes[0][0], "Observations"))
    totals = data.groupby(["level", "kind"])["count"].sum()
    for ax, kind in zip(axes[0], kinds, strict=True):
        values = [float(totals.get((level, kind), 0)) for level in levels]
        bars = ax.barh(levels, values, color=KIND_COLOURS.get(kind, NEUTRAL), hatch=KIND_HATCHES.get(kind, "xx"),
                       edgecolor="white", linewidth=0.6)
        ax.bar_label(bars, [_number(v) for v in values], padding=3, fontsize="small", color=TEXT)
        ax.set(title=kind.capitalize(), xlabel="Observations", ylabel="")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", visible=False)
        ax.margins(x=0.2)
    axes[0][0].invert_yaxis()
    return _chart(fig, title, observations_alt(data), "Bars are labelled with the number of observations.")


# ---------------------------------------------------------------------------------------------- output
def svg_text(fig: Figure) -> str:
    """The figure as SVG text (no creation date, so that the same data give the same bytes).

    Drawn once, by the SVG canvas itself: ``savefig`` draws a figure with a layout engine twice (once,
    not rendered, to lay it out; once to render it), while a canvas's own print lays it out in its one
    draw. The bytes are the same (checked on every figure of a report) in about four fifths of the
    time, and a report draws a dozen figures."""
    buffer = io.StringIO()
    FigureCanvasSVG(fig).print_svg(buffer, metadata={"Date": None})
    return buffer.getvalue()


def figure_html(chart: Chart, heading: str | None = None) -> str:
    """``chart`` as an HTML ``<figure>``: ``heading`` (default: its title) as the caption, the SVG as
    an embedded image with the alternative text, the caption note under it; all text escaped.

    An SVG shown through ``<img>`` cannot run script or load anything, whatever it holds."""
    image = base64.b64encode(svg_text(chart.figure).encode("utf-8")).decode("ascii")
    # the size in CSS pixels (96 to the inch) lets the page lay out before the image is decoded
    width, height = (round(inches * 96) for inches in chart.figure.get_size_inches())
    note = f'\n<p class="rm-figure-note">{escape_html(chart.caption)}</p>' if chart.caption else ""
    return (f'<figure class="rm-figure">\n<figcaption>{escape_html(heading or chart.title)}</figcaption>\n'
            f'<img src="data:image/svg+xml;base64,{image}" alt="{escape_html(chart.alt)}" width="{width}" '
            f'height="{height}">{note}\n</figure>')


def png_bytes(fig: Figure) -> bytes:
    """The figure as a PNG at the style's resolution (200 dots per inch), with no metadata that
    changes from run to run: the copy a Word document shows (``render.word``)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def show(chart: Chart, numbering: Numbering | None = None, png: bool = False) -> None:
    """Display ``chart`` in the notebook (``figure_html``), numbered by ``numbering`` if given, and
    free its figure (pyplot would otherwise show it a second time). ``png``: with a PNG copy in the
    same output, which the HTML page ignores (it shows the HTML) and the Word copy uses."""
    from IPython.display import display

    heading = numbering.figure(chart.title) if numbering is not None else chart.title
    bundle = {"text/html": figure_html(chart, heading), "text/plain": f"{heading}\n{chart.alt}"}
    if png:
        bundle["image/png"] = base64.b64encode(png_bytes(chart.figure)).decode("ascii")
    display(bundle, raw=True)
    plt.close(chart.figure)


def show_table(table: pd.DataFrame, title: str, numbering: Numbering | None = None, index: bool = False) -> None:
    """Display ``table`` (``tables.styled``: every cell escaped) under its numbered caption ``title``;
    a table with no rows is not shown as an empty grid, but said in one line (``show_missing``)."""
    from IPython.display import display


    if table.empty:
        show_missing(f"{title}: there are no answers to show")
        return
    display(captioned(styled(table, index=index), numbering.table(title) if numbering is not None else title))


def show_missing(reason: str) -> None:
    """Display, in one line, why a section cannot be shown (``narrative.unavailable``)."""
    from IPython.display import Markdown, display


    display(Markdown(unavailable(reason)))


def captioned(styler: object, caption: str) -> object:
    """A pandas ``Styler`` (``tables.styled``) with ``caption`` as its table caption, escaped (the
    Styler writes captions into the page as markup): ``captioned(tables.styled(t), numbering.table("..."))``."""
    return styler.set_caption(escape_html(caption))  # type: ignore[attr-defined]
