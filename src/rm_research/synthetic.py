"""The seeded generator of the SYNTHETIC South East Cohort 1 example (``data/raw/south-east/cohort-1``).

No real person's data is here. The cohort is built so that every figure the two South East
reports publish (``published/south-east-cohort-1.csv``) is reproduced exactly; everything they
do not publish (post-programme ratings, the session log, free text, training feedback, coding)
is simulated. Each choice the seeds leave open is recorded in ``CHOICES`` with the sentence it
rests on, and copied into the folder's README.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .rounding import round_as_printed

N_MENTORS, N_MENTEES = 11, 7
#: Sessions each pair held, as its mentor reported them: most 6 (one), fewest 2 (one), mean 4.
MENTOR_SESSIONS = (6, 5, 5, 4, 3, 3, 2)
#: Pairs (0-based) whose mentee answered the end survey, with the sessions they reported: 4, 3, 3.
MENTEE_RESPONDENT_PAIRS = (3, 4, 5)
#: Pairs whose mentee attended no psychological session (7 mentees, 5 attended).
MENTEE_NO_PSYCH_PAIRS = (0, 6)
WITHDRAWN_MENTEE_PAIR = 6
#: Pairs whose mentor missed a session ("any missed sessions were due to work related pressures").
MENTOR_MISSED_PAIRS = (1, 2)
#: Pair whose first sessions were 30 minutes before they agreed on an hour (quote in seeds/000).
SHORT_START_PAIR = 0

#: Areas-of-work counts read off the percentages in seeds/002 (elevenths and sevenths).
AREA_COUNTS = {
    "mentor": (6, 9, 8, 4, 6, 3, 6, 2, 0),
    "mentee": (6, 6, 3, 3, 1, 0, 0, 0, 1),
}
#: Enrolment means as seeds/002 prints them (whole numbers).
ENROLMENT_TARGETS = {
    "mentor": {"conf_senior": 8, "comfort_needs": 7},
    "mentee": {"conf_senior": 6, "conf_junior": 5},
}

CHOICES = (
    ("11 mentors and 7 mentees enrolled",
     "seeds/002 areas-of-work table: every mentor percentage is a multiple of 1/11 and every "
     "mentee percentage a multiple of 1/7; seeds/000: 'Initially, there were 7 mentees'."),
    ("7 of the 11 mentors were matched, one to each mentee; the other 4 were never matched and "
     "took no further part",
     "seeds/000: 'all mentors who attended the psychological sessions and completed the "
     "evaluation', while only 7 mentors answered it: 'all' is read as all matched mentors."),
    ("1 mentee withdrew (after 2 sessions); 1 other stayed but attended no psychological "
     "session and did not answer the end survey",
     "seeds/000: 'Initially, there were 7 mentees ... however 5 attended the psychological "
     "sessions and 3 participated on the evaluation'. How many withdrew is not published."),
    ("Mentors' reported sessions are 6, 5, 5, 4, 3, 3, 2; the three responding mentees are in "
     "the pairs of 4, 3 and 3 sessions and report the same numbers",
     "seeds/000: 'greatest number of sessions attended was 6 (1), ... lowest ... 2 (1). "
     "Overall, the mean ... was 4'; mentees: 'highest ... 4 (1), followed by 3 sessions (2)'."),
    ("2 of the 7 matched mentors missed a session, for work pressures",
     "seeds/000: 'almost all the mentors attended their scheduled sessions. Any missed "
     "sessions were due to work related pressures.'"),
    ("Every participant has three rows in psych_sessions.csv; matched mentors attended 1-3 "
     "sessions, unmatched mentors none",
     "seeds/000: 'Three scheduled 2-hour psychological sessions were offered to both mentors "
     "and mentees'."),
)


def generate(seed: int = config.SYNTHETIC_SEED) -> dict[str, pd.DataFrame]:
    """Every contract file of the synthetic cohort, as the text an evaluator would export."""
    rng = np.random.default_rng(seed)
    people = _participants(rng)
    enrolment = _enrolment(rng, people)
    end = _with_post_ratings(rng, _end_survey(rng, people), enrolment)
    return {
        "participants": people,
        "enrolment": enrolment,
        "end_survey": end,
        "mentoring_sessions": _mentoring_sessions(rng),
        "psych_sessions": _psych_sessions(rng, people),
        "training": _training(rng, people),
        "themes": _themes(rng, end),
    }


def write_example(folder: Path, seed: int = config.SYNTHETIC_SEED) -> list[Path]:
    """Write the synthetic cohort's CSV files, its README and the SYNTHETIC marker into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in generate(seed).items():
        path = folder / f"{name}.csv"
        table.to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    for name, text in (("README.md", readme(seed)), ("SYNTHETIC", MARKER_TEXT)):
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


MARKER_TEXT = ("The files in this folder are SYNTHETIC: made by rm_research.synthetic, not collected "
               "from anyone.\nReports made from them say so.\n")


def readme(seed: int = config.SYNTHETIC_SEED) -> str:
    """The example folder's README: what is published, what is simulated, and each choice made."""
    choices = "\n".join(f"| {choice} | {basis} |" for choice, basis in CHOICES)
    return f"""# SYNTHETIC example: South East, Cohort 1

**Every file here is synthetic.** No row describes a real person. The files were written by
`rm-research make-example` (`src/rm_research/synthetic.py`, seed {seed}); run it again and
they come out byte for byte the same (a test checks this).

## What is reproduced, and what is simulated

The cohort is built so that every figure the South East region published for Cohort 1 is
reproduced exactly: the enrolment means, the areas-of-work table (`../../../../shared/seeds/002_*`),
and the end-of-programme counts (`../../../../shared/seeds/000_*`). The list, with sources and
rounding, is `src/rm_research/published/south-east-cohort-1.csv`; `make verify COHORT=1`
checks it.

What the reports do not publish is **simulated**, plausibly but without any claim to truth:
post-programme confidence ratings, which person gave which answer, the session log's dates and
durations, psychological-session attendance beyond the published counts, free-text answers,
training feedback, ethnicity details, bands, how people heard of the programme, consent to quote,
and the researchers' theme coding.

## Choices the sources leave open

| choice | the sentence it rests on |
|---|---|
{choices}
"""


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i:02d}" for i in range(1, n + 1)]


MENTORS, MENTEES, PAIRS = _ids("MR", N_MENTORS), _ids("ME", N_MENTEES), _ids("P", N_MENTEES)


def _matched_mentors(rng: np.random.Generator) -> list[str]:
    """Which 7 of the 11 mentors were matched, in pair order."""
    return [MENTORS[i] for i in sorted(rng.choice(N_MENTORS, size=N_MENTEES, replace=False))]


def _member(people: pd.DataFrame, pair: int, role: str) -> str:
    match = people[(people["pair_id"] == PAIRS[pair]) & (people["role"] == role)]
    return str(match["participant_id"].iloc[0])


def _areas(rng: np.random.Generator, role: str, n: int) -> list[str]:
    """Each area ticked by exactly its published count; everyone ticks at least one."""
    while True:
        ticks = np.zeros((n, len(config.AREAS_OF_WORK)), dtype=bool)
        for column, count in enumerate(AREA_COUNTS[role]):
            ticks[rng.choice(n, size=count, replace=False), column] = True
        if ticks.any(axis=1).all():
            return [";".join(a for a, t in zip(config.AREAS_OF_WORK, row, strict=True) if t) for row in ticks]


ETHNICITY = {
    "Asian": ("Asian Indian", "Asian Pakistani", "Asian Bangladeshi", "Any other Asian background"),
    "Black": ("Black African", "Black Caribbean"),
    "Mixed": ("Mixed White and Black Caribbean", "Mixed White and Asian"),
    "Other": ("Arab",),
}
HEARD_VIA = ("Regional staff bulletin", "Line manager", "EDI network", "Colleague", "Launch event")


def _participants(rng: np.random.Generator) -> pd.DataFrame:
    matched = _matched_mentors(rng)
    groups = rng.choice(list(ETHNICITY), size=N_MENTORS, p=[0.45, 0.35, 0.15, 0.05])
    mentors = pd.DataFrame({
        "participant_id": MENTORS,
        "role": "mentor",
        "pair_id": [PAIRS[matched.index(m)] if m in matched else "" for m in MENTORS],
        "ethnic_group": groups,
        "ethnicity_detail": [rng.choice(ETHNICITY[g]) for g in groups],
        "band": rng.choice(["Band 5", "Band 6", "Band 7"], size=N_MENTORS),
        "areas_of_work": _areas(rng, "mentor", N_MENTORS),
    })
    mentees = pd.DataFrame({
        "participant_id": MENTEES,
        "role": "mentee",
        "pair_id": PAIRS,
        "ethnic_group": "White",
        "ethnicity_detail": rng.choice(["White British", "White Irish", "Any other White background"],
                                       size=N_MENTEES, p=[0.7, 0.15, 0.15]),
        "band": rng.choice(["Band 8c", "Band 8d", "Band 9", "VSM"], size=N_MENTEES),
        "areas_of_work": _areas(rng, "mentee", N_MENTEES),
    })
    people = pd.concat([mentors, mentees], ignore_index=True)
    people["heard_via"] = rng.choice(HEARD_VIA, size=len(people))
    people["status"] = np.where(people["participant_id"] == MENTEES[WITHDRAWN_MENTEE_PAIR], "withdrawn", "")
    people["consent_quotes"] = rng.choice(["yes", "no"], size=len(people), p=[0.6, 0.4])
    order = ["participant_id", "role", "pair_id", "ethnic_group", "ethnicity_detail", "band",
             "heard_via", "areas_of_work", "status", "consent_quotes"]
    return people[order]


def _ratings_with_mean(rng: np.random.Generator, n: int, centre: int, target: int) -> np.ndarray:
    """n ratings (1-10) scattered round ``centre`` whose mean prints as ``target``."""
    while True:
        ratings = np.clip(centre + rng.integers(-2, 3, size=n), 1, 10)
        if round_as_printed(float(ratings.mean())) == target:
            return ratings


def _enrolment(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    frames = []
    for role, targets in ENROLMENT_TARGETS.items():
        ids = people.loc[people["role"] == role, "participant_id"].tolist()
        frame = pd.DataFrame({"participant_id": ids})
        for item in config.RATING_ITEMS:
            frame[item] = (_ratings_with_mean(rng, len(ids), targets[item], targets[item])
                           if item in targets else pd.NA)
        frames.append(frame)
    enrolment = pd.concat(frames, ignore_index=True).astype({i: "Int64" for i in config.RATING_ITEMS})
    days = rng.integers(5, 17, size=len(enrolment))
    enrolment.insert(1, "date", [f"2020-10-{d:02d}" for d in days])
    enrolment["hopes_contribute"] = [_hope(rng, CONTRIBUTE, r) for r in _roles(people, enrolment)]
    enrolment["hopes_gain"] = [_hope(rng, GAIN, r) for r in _roles(people, enrolment)]
    return enrolment


def _roles(people: pd.DataFrame, table: pd.DataFrame) -> list[str]:
    return table["participant_id"].map(people.set_index("participant_id")["role"]).tolist()


#: Phrases from the hopes tables in seeds/002, assigned at random (synthetic answers).
CONTRIBUTE = {
    "mentor": ("Genuine interest in sharing my experience of being a BAME employee in the NHS.",
               "Gain and maintain trust of senior leader.", "Time commitment.",
               "Wider discussion about BAME experience."),
    "mentee": ("Genuine interest in learning about BAME lived experience.",
               "Gain and maintain trust of BAME colleague.", "Empathy and listening skill.",
               "Willingness to learn about strengths and weaknesses."),
}
GAIN = {
    "mentor": ("Confidence in speaking to senior leaders.",
               "Personal development - learning about what reverse mentoring is.",
               "Building resilience through explaining about the BAME lived experience in the NHS."),
    "mentee": ("Learn about different perspectives.", "Have a deeper understanding about those I lead.",
               "Connect theory with hearing about lived experience."),
}


def _hope(rng: np.random.Generator, phrases: dict[str, tuple[str, ...]], role: str) -> str:
    return str(rng.choice(phrases[role]))


def _end_survey(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    rows = [_end_row(rng, _member(people, p, "mentor"), MENTOR_SESSIONS[p], p in MENTOR_MISSED_PAIRS)
            for p in range(N_MENTEES)]
    rows += [_end_row(rng, _member(people, p, "mentee"), MENTOR_SESSIONS[p], False)
             for p in MENTEE_RESPONDENT_PAIRS]
    end = pd.DataFrame(rows)
    mentors = end.index[:N_MENTEES]
    not_long_enough, not_supportive = rng.choice(mentors, size=2, replace=False)
    end.loc[not_long_enough, "length_appropriate"] = "no"
    end.loc[not_supportive, "psych_supportive"] = "no"
    return end


FREE_TEXT = {
    "self_awareness": ("It helped me step back and see the relationship from a different perspective.",
                       "I explored how my words and actions land with others.",
                       "The sessions were informative about racial identity models."),
    "self_learning": ("I found I could speak up more confidently.", "I learned I was not alone.",
                      "I picked up practical tools for difficult conversations."),
    "boundaries": ("We agreed what stays confidential at the first session.",
                   "Being open within limits, and respecting each other's role."),
    "relationship_impact": ("It helped us talk about past experiences that were getting in the way.",
                            "Naming strong emotions made our conversations easier."),
}


def _end_row(rng: np.random.Generator, pid: str, sessions: int, missed: bool) -> dict[str, object]:
    return {
        "participant_id": pid,
        "date": f"2021-05-{int(rng.integers(10, 29)):02d}",
        "sessions_reported": sessions,
        "length_appropriate": "yes",
        "missed_any": "yes" if missed else "no",
        "missed_reason": "Work pressures" if missed else "",
        "psych_supportive": "yes",
        **{q: str(rng.choice(FREE_TEXT[q])) for q in config.FREE_TEXT_QUESTIONS},
    }


def _with_post_ratings(rng: np.random.Generator, end: pd.DataFrame, enrolment: pd.DataFrame) -> pd.DataFrame:
    """Post-programme ratings: the enrolment rating plus a small, session-linked rise (simulated)."""
    pre = enrolment.set_index("participant_id")
    ratings = {}
    for item in config.RATING_ITEMS:
        base = end["participant_id"].map(pre[item]).astype("Float64")
        rise = np.round(0.2 * end["sessions_reported"].astype(float) + rng.normal(0, 0.8, len(end)))
        ratings[item] = (base + rise).clip(1, 10).round().astype("Int64")
    columns = ["participant_id", "date", *config.RATING_ITEMS, "sessions_reported", "length_appropriate",
               "missed_any", "missed_reason", "psych_supportive", *config.FREE_TEXT_QUESTIONS]
    return end.assign(**ratings)[columns]


def _mentoring_sessions(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for pair, held in enumerate(MENTOR_SESSIONS):
        start = pd.Timestamp("2020-11-02") + pd.Timedelta(days=int(rng.integers(0, 14)))
        outcomes = [True] * held
        if pair in MENTOR_MISSED_PAIRS:  # a miss is never the first meeting
            outcomes.insert(int(rng.integers(1, held + 1)), False)
        for number, was_held in enumerate(outcomes, start=1):
            rows.append({
                "pair_id": PAIRS[pair], "session_no": number,
                "date": (start + pd.Timedelta(weeks=4 * (number - 1))).date().isoformat(),
                "duration_min": 30 if pair == SHORT_START_PAIR and number <= 2 else 60,
                "held": "yes" if was_held else "no",
                "missed_reason": "" if was_held else "Work pressures",
            })
    return pd.DataFrame(rows)


def _psych_sessions(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    rows = []
    no_psych = {_member(people, p, "mentee") for p in MENTEE_NO_PSYCH_PAIRS}
    for person, pair in zip(people["participant_id"], people["pair_id"], strict=True):
        attends = pair != "" and person not in no_psych
        count = int(rng.integers(1, config.PSYCH_SESSIONS_OFFERED + 1)) if attends else 0
        chosen = set(rng.choice(config.PSYCH_SESSIONS_OFFERED, size=count, replace=False) + 1)
        rows += [{"participant_id": person, "psych_session_no": s, "attended": "yes" if s in chosen else "no"}
                 for s in range(1, config.PSYCH_SESSIONS_OFFERED + 1)]
    return pd.DataFrame(rows)


#: Resources asked for after training, after Figures 4 and 6 of seeds/002 (counts simulated).
RESOURCES = {
    "mentor": ("Guidance on structuring sessions", "Help arranging meetings", "Support with an action plan",
               "Dates well in advance", "Speaking to people with situational power",
               "Summary of other equality areas and terminology"),
    "mentee": ("Guidance on conversational boundaries", "Resources on race and belonging",
               "Support with an action plan", "Summary of other equality areas and terminology"),
}


def _training(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    def needs(role: str) -> str:
        options = RESOURCES[role]
        return ";".join(rng.choice(options, size=int(rng.integers(1, 3)), replace=False))
    return pd.DataFrame({
        "participant_id": people["participant_id"],
        "rating": rng.choice([3, 4, 5], size=len(people), p=[0.15, 0.45, 0.4]),
        "resources_needed": [needs(r) for r in people["role"]],
        "comments": "",
    })


#: Themes per free-text question, from seeds/000 ("Themes derived from the Evaluation").
THEMES = {
    "self_awareness": ("Gaining different perspectives", "Exploration", "Step back", "Informative"),
    "self_learning": ("Speaking up / Confidence building", "Not alone", "Skills enhancement"),
    "boundaries": ("Professionalism", "Respect", "Being open", "Confidentiality"),
    "relationship_impact": ("Past experiences", "Baggage", "Emotional responses"),
}


def _themes(rng: np.random.Generator, end: pd.DataFrame) -> pd.DataFrame:
    """Two coders' themes for every free-text answer; the second agrees about four times in five."""
    rows = []
    for pid in end["participant_id"]:
        for question, options in THEMES.items():
            first = str(rng.choice(options))
            second = first if rng.random() < 0.8 else str(rng.choice(options))
            rows += [{"participant_id": pid, "question": question, "theme": first, "coder": "coder_a"},
                     {"participant_id": pid, "question": question, "theme": second, "coder": "coder_b"}]
    return pd.DataFrame(rows)

