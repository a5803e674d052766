"""Small hand-made cohorts for tests, written as CSV so tests go through the real readers."""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd

FIXTURE = {
    "participants": """participant_id,role,pair_id,ethnic_group,areas_of_work,status,consent_quotes
A1,mentor,P1,Black,People management;Communications,,yes
A2,mentor,P2,Asian,People management,,
A3,mentor,,Mixed,,enrolled,no
B1,mentee,P1,White,Budget management,,
B2,mentee,P2,White,,withdrawn,
""",
    "enrolment": """participant_id,date,conf_senior,conf_junior,comfort_needs
A1,2020-10-05,5,,6
A2,2020-10-06,7,,4
A3,2020-10-07,9,,
B1,2020-10-05,3,2,
B2,2020-10-06,4,,
""",
    "end_survey": """participant_id,date,conf_senior,conf_junior,comfort_needs,sessions_reported,length_appropriate,missed_any,psych_supportive
A1,2021-05-01,8,,6,5,yes,no,yes
A2,2021-05-02,6,,7,3,N,,TRUE
B1,2021-05-03,6,2,,4,y,1,
""",
    "mentoring_sessions": """pair_id,session_no,date,duration_min,held,missed_reason
P1,1,2020-11-01,60,yes,
P1,2,2020-12-01,60,yes,
P1,3,2021-01-01,60,yes,
P1,4,2021-02-01,60,yes,
P1,5,2021-03-01,60,no,Work pressures
""",
    "psych_sessions": """participant_id,psych_session_no,attended
A1,1,yes
A1,2,no
A2,1,no
A2,2,no
B1,1,yes
B1,2,yes
B2,1,no
""",
    "training": """participant_id,rating,resources_needed,comments
A1,4,Dates well in advance;Help arranging meetings,
B1,5,,Clear and useful
""",
    "themes": """participant_id,question,theme,coder
A1,self_awareness,Step back,coder_a
A1,self_awareness,Step back,coder_b
""",
}


def write_cohort(folder: Path, files: dict[str, str] | None = None, **overrides: str | None) -> Path:
    """Write the fixture (or ``files``) to ``folder``; an override of None leaves that file out."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**(files or FIXTURE), **overrides}.items():
        if text is not None:
            (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def exact_signed_rank_p(differences: list[float], zero_method: str = "wilcox") -> float:
    """Two-sided signed-rank p-value by enumerating every sign pattern.

    An independent computation for tests: the null distribution from its definition, with
    average ranks for ties, rather than the package's or scipy's implementation. ``wilcox`` drops
    zeros before ranking; ``pratt`` ranks them, then leaves their ranks out.
    """
    values = [d for d in differences if d != 0] if zero_method == "wilcox" else list(differences)
    magnitudes = sorted(abs(v) for v in values)

    def rank(m: float) -> float:
        positions = [i + 1 for i, x in enumerate(magnitudes) if x == m]
        return sum(positions) / len(positions)

    signed = [(rank(abs(v)), v) for v in values if v != 0]
    observed = sum(r for r, v in signed if v > 0)
    null = [sum(r for (r, _), s in zip(signed, signs, strict=True) if s)
            for signs in itertools.product([False, True], repeat=len(signed))]
    upper = np.mean([t >= observed - 1e-9 for t in null])
    lower = np.mean([t <= observed + 1e-9 for t in null])
    return float(min(1.0, 2 * min(upper, lower)))


def brute_mann_whitney(x: list[float], y: list[float]) -> tuple[float, float]:
    """Two-sided Mann-Whitney p and rank-biserial r from their definitions, by brute force.

    U counts the pairs in which the first group is higher (ties count a half); the null
    distribution is U over every way of splitting the pooled values into groups of these sizes.
    r = (pairs first higher - pairs first lower) / all pairs (Cliff's delta).
    """
    def u(first: list[float], second: list[float]) -> float:
        return sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in first for b in second)

    pooled = list(x) + list(y)
    observed = u(x, y)
    null = []
    for chosen in itertools.combinations(range(len(pooled)), len(x)):
        first = [pooled[i] for i in chosen]
        second = [pooled[i] for i in range(len(pooled)) if i not in chosen]
        null.append(u(first, second))
    upper = np.mean([t >= observed - 1e-9 for t in null])
    lower = np.mean([t <= observed + 1e-9 for t in null])
    higher = sum(a > b for a in x for b in y)
    lower_pairs = sum(a < b for a in x for b in y)
    return float(min(1.0, 2 * min(upper, lower))), (higher - lower_pairs) / (len(x) * len(y))


def visible_text(page: str) -> str:
    """What a reader of an HTML page sees: styles and tags removed, entities decoded, spaces folded."""
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", page, flags=re.S))
    return html.unescape(re.sub(r"\s+", " ", text))


def table_cells(page: str) -> list[str]:
    """The text of every table cell of an HTML page."""
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)]


R_FIXTURES = Path(__file__).parent / "fixtures" / "r"


def r_reference(name: str):
    """A table of reference values computed once by R (``tests/fixtures/r/reference.R``); no R needed."""
    import pandas as pd

    return pd.read_csv(R_FIXTURES / f"{name}.csv")


def numbers(joined: str) -> np.ndarray:
    """The ``;``-joined numbers of an R fixture cell."""
    return np.array(str(joined).split(";"), dtype=float)


def walsh_averages(differences: list[float]) -> list[float]:
    """Every Walsh average (d_i + d_j)/2, i <= j, sorted: the definition, listed one by one."""
    return sorted((a + b) / 2 for i, a in enumerate(differences) for b in differences[i:])


def lookup(findings: pd.DataFrame, measure: str, role: str, statistic: str) -> pd.Series:
    """The one findings row for ``measure``/``role``/``statistic`` (KeyError if absent or repeated)."""
    match = findings[(findings["measure"] == measure) & (findings["role"] == role)
                     & (findings["statistic"] == statistic)]
    if len(match) != 1:
        raise KeyError(f"no single findings row for {measure}/{role}/{statistic}")
    return match.iloc[0]
