"""Published figures checked against the figures this package reproduces.

The published values live in ``published/<region>-cohort-<N>.csv``, one row per printed figure,
with the rounding the source used; ``compare`` rounds the reproduced value the same way.
A statistic ending in ``:n`` checks the findings row's ``n`` rather than its value. Each row's
``source`` is a short code; ``published/sources.csv`` names the document in words, for readers.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from rm_research.core.rounding import round_as_printed
from rm_research.findings.table import Lookup

SOURCES_FILE = "sources.csv"


def source_names() -> dict[str, str]:
    """Each source code of the published figures (``002``) and the document it stands for, in words."""
    with resources.files("rm_research.findings").joinpath("published", SOURCES_FILE).open(encoding="utf-8") as handle:
        sources = pd.read_csv(handle, dtype=str, keep_default_na=False)
    return dict(zip(sources["source"], sources["name"], strict=True))


def source_name(code: str, names: dict[str, str] | None = None) -> str:
    """The document a source code stands for, in words; an unrecorded code is named as such rather
    than dropped, so the figure still says where it came from."""
    names = source_names() if names is None else names
    return names.get(str(code), f"source {code} (not named in {SOURCES_FILE})")


def published_figures(region: str, cohort: int) -> pd.DataFrame:
    """The published figures for a region's cohort (``FileNotFoundError`` when there are none)."""
    name = f"{region}-cohort-{cohort}.csv"
    source = resources.files("rm_research.findings").joinpath("published", name)
    if not source.is_file():
        raise FileNotFoundError(f"no published figures are recorded for {region} cohort {cohort} ({name})")
    with source.open(encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype={"published": str, "source": str})


def reproduced_value(findings: Lookup, measure: str, role: str, statistic: str) -> float:
    """The reproduced value (or ``n``, for a ``:n`` statistic) for one published figure; NaN where the
    findings have no such row."""
    base, _, part = statistic.partition(":")
    return findings.n(measure, role, base) if part == "n" else findings.value(measure, role, base)


def compare(findings: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Published next to reproduced for every figure, with ``match`` True where they agree."""
    out = published[["figure", "role", "source", "published", "rounding"]].copy()
    held = Lookup(findings)
    out["reproduced"] = [reproduced_value(held, r.measure, r.role, r.statistic)
                         for r in published.itertuples(index=False)]
    out["as_printed"] = [round_as_printed(value, int(r.digits), r.rounding)
                         for value, r in zip(out["reproduced"], published.itertuples(index=False), strict=True)]
    out["match"] = out["as_printed"] == published["value"].astype(float)
    return out


def format_comparison(comparison: pd.DataFrame) -> str:
    """A plain-text table for the terminal, with a closing count."""
    shown = comparison.assign(
        reproduced=comparison["reproduced"].map(lambda v: f"{v:.4g}"),
        as_printed=comparison["as_printed"].map(lambda v: f"{v:g}"),
        match=comparison["match"].map({True: "ok", False: "MISMATCH"}),
    )
    table = shown[["figure", "role", "source", "published", "reproduced", "as_printed", "rounding", "match"]]
    matched = int(comparison["match"].sum())
    return f"{table.to_string(index=False)}\n\n{matched} of {len(comparison)} published figures reproduced"
