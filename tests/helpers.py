"""Small hand-made cohorts for tests, written as CSV so tests go through the real readers."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

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


def exact_signed_rank_p(differences: list[float]) -> float:
    """Two-sided signed-rank p-value by enumerating every sign pattern (zeros dropped).

    An independent computation for tests: the null distribution from its definition, with
    average ranks for ties, rather than scipy's implementation.
    """
    values = [d for d in differences if d != 0]
    magnitudes = sorted(abs(v) for v in values)
    def rank(m: float) -> float:
        positions = [i + 1 for i, x in enumerate(magnitudes) if x == m]
        return sum(positions) / len(positions)
    ranks = [rank(abs(v)) for v in values]
    observed = sum(r for r, v in zip(ranks, values, strict=True) if v > 0)
    null = [sum(r for r, s in zip(ranks, signs, strict=True) if s)
            for signs in itertools.product([False, True], repeat=len(ranks))]
    upper = np.mean([t >= observed - 1e-9 for t in null])
    lower = np.mean([t <= observed + 1e-9 for t in null])
    return float(min(1.0, 2 * min(upper, lower)))
