"""The seeded generator of the SYNTHETIC South East Cohort 1 example (``data/raw/south-east/cohort-1``).

No real person's data is here. The cohort is built so that every figure the two South East
reports publish (``published/south-east-cohort-1.csv``) is reproduced exactly; everything they
do not publish (post-programme ratings, the session log, free text, training feedback, coding)
is simulated. Each choice the seeds leave open is recorded in ``CHOICES`` with the sentence it
rests on, and copied into the folder's README.

``scaled_cohort`` writes SYNTHETIC cohorts of any size (a million people in seconds) for the
scale benchmark, ``scripts/benchmark.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from rm_research.core import config
from rm_research.core.rounding import round_as_printed

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


MARKER_TEXT = ("The files in this folder are SYNTHETIC: made by rm_research.examples.synthetic, not collected "
               "from anyone.\nReports made from them say so.\n")


def readme(seed: int = config.SYNTHETIC_SEED) -> str:
    """The example folder's README: what is published, what is simulated, and each choice made."""
    choices = "\n".join(f"| {choice} | {basis} |" for choice, basis in CHOICES)
    return f"""# SYNTHETIC example: South East, Cohort 1

**Every file here is synthetic.** No row describes a real person. The files were written by
`rm-research make-example` (`src/rm_research/examples/synthetic.py`, seed {seed}); run it again and
they come out byte for byte the same (a test checks this).

## What is reproduced, and what is simulated

The cohort is built so that every figure the South East region published for Cohort 1 is
reproduced exactly: the enrolment means, the areas-of-work table (`../../../../shared/seeds/002_*`),
and the end-of-programme counts (`../../../../shared/seeds/000_*`). The list, with sources and
rounding, is `src/rm_research/findings/published/south-east-cohort-1.csv`; `make verify COHORT=1`
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


# --- SYNTHETIC cohorts of any size, for the scale benchmark (issue 8) --------------------------

#: Shares a scaled cohort is drawn with: about 80% of people in pairs, about 85% answering the end survey.
SCALED_PAIRED_SHARE = 0.8
SCALED_WITHDRAWN_SHARE = 0.03
SCALED_END_SURVEY_SHARE = 0.88  # of those not withdrawn: about 85% of everyone
SCALED_THEMED_SHARE = 0.25  # of end-survey respondents, coded by two coders
SCALED_MAX_SESSIONS = 6


def scaled_cohort(folder: Path, people: int, seed: int = config.SYNTHETIC_SEED) -> Path:
    """Write a SYNTHETIC contract cohort of ``people`` participants (all seven files) into ``folder``.

    Every table is drawn with whole-array numpy operations (no per-person Python loop), so a
    million people take seconds. About 80% of people are in mentor/mentee pairs, about 85% answer
    the end survey, everyone has one row per psychological session offered, each pair logs up to
    six mentoring sessions, and a quarter of respondents' free text is coded by two coders (an
    optional file left with no rows, as in a cohort of a few people, is not written). The folder
    is labelled synthetic (a ``SYNTHETIC`` marker and a README), as the example is.
    """
    if people < 1:
        raise ValueError(f"a cohort needs at least one person, not {people}")
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)

    def write(name: str, table: pd.DataFrame) -> None:
        if len(table):  # a tiny cohort may have no session log or coding: a header-only file is bad input
            _write_csv(table, folder / f"{name}.csv")

    roster = _scaled_participants(rng, people)  # each table is written as soon as nothing else needs it
    write("participants", roster.drop(columns="_pair_no"))
    enrolment = _scaled_enrolment(rng, roster)
    logged = _scaled_mentoring_sessions(rng, roster)
    end = _scaled_end_survey(rng, roster, enrolment, logged)
    write("enrolment", enrolment)
    write("mentoring_sessions", logged)
    write("end_survey", end)
    respondents = end["participant_id"].to_numpy()
    del enrolment, logged, end
    write("psych_sessions", _scaled_psych_sessions(rng, roster))
    write("training", _scaled_training(rng, roster))
    write("themes", _scaled_themes(rng, respondents))
    (folder / "README.md").write_text(scaled_readme(people, seed), encoding="utf-8")
    (folder / "SYNTHETIC").write_text(MARKER_TEXT, encoding="utf-8")
    return folder


def scaled_readme(people: int, seed: int) -> str:
    """The README of a scaled cohort: synthetic, how it was made, what it is for."""
    return (f"# SYNTHETIC cohort of {people:,} people\n\n"
            f"**Every file here is synthetic.** No row describes a real person. Written by "
            f"`rm_research.examples.synthetic.scaled_cohort` (seed {seed}) to measure how the package scales; "
            f"its figures mean nothing.\n")


CSV_SPECIAL = re.compile(r'[,"\r\n]')


def _csv_cell(value: object) -> str:
    """One CSV cell as RFC 4180 writes it: quoted (quotes doubled) only when it must be."""
    text = str(value)
    return '"' + text.replace('"', '""') + '"' if CSV_SPECIAL.search(text) else text


def _csv_column(values: pd.Series) -> list[str]:
    """A column's cells as CSV text, formatting each distinct value once (a missing value is blank)."""
    codes, distinct = pd.factorize(values)
    cells = [*map(_csv_cell, distinct.to_numpy(dtype=object).tolist()), ""]
    return np.asarray(cells, dtype=object)[codes].tolist()


def _write_csv(table: pd.DataFrame, path: Path, chunk: int = 100_000) -> None:
    """Write ``table`` as UTF-8 CSV with ``\\n`` line ends, as ``to_csv`` would, several times faster
    (``chunk`` rows at a time, so the text of the whole table is never held at once)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(map(_csv_cell, table.columns)) + "\n")
        for start in range(0, len(table), chunk):
            part = table.iloc[start:start + chunk]
            columns = [_csv_column(part[name]) for name in part.columns]
            out.write("\n".join(map(",".join, zip(*columns, strict=True))) + "\n")


def _codes(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Codes such as ``S0000042`` for whole ``numbers``, zero-padded to ``width`` digits."""
    return np.char.add(prefix, np.char.zfill(numbers.astype(str), width))


def _pick(rng: np.random.Generator, options: tuple[str, ...], size: int,
          p: list[float] | None = None) -> np.ndarray:
    """``size`` draws from ``options`` (an object array, so pandas writes it as text)."""
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=size, p=p)]


def _subsets(options: tuple[str, ...], most: int) -> np.ndarray:
    """Every ``;``-joined non-empty subset of ``options`` with at most ``most`` items, in bit order."""
    masks = [m for m in range(1, 2 ** len(options)) if bin(m).count("1") <= most]
    return np.asarray([";".join(o for b, o in enumerate(options) if m >> b & 1) for m in masks], dtype=object)


def _iso_dates(start: str, days: np.ndarray) -> np.ndarray:
    """ISO dates ``days`` after ``start``."""
    return np.datetime_as_string(np.datetime64(start, "D") + days.astype("timedelta64[D]"), unit="D").astype(object)


def _blank_where(values: np.ndarray, blank: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole numbers with the ``blank`` cells missing (written as empty cells)."""
    return pd.arrays.IntegerArray(values.astype("int64"), blank.astype(bool))


def _scaled_participants(rng: np.random.Generator, people: int) -> pd.DataFrame:
    """Pairs first (mentor, mentee), then the unmatched, shuffled; ``_pair_no`` is -1 when unmatched."""
    pairs = round(people * SCALED_PAIRED_SHARE / 2)
    unmatched = people - 2 * pairs
    pair_no = np.concatenate([np.repeat(np.arange(pairs), 2), np.full(unmatched, -1)])
    is_mentor = np.concatenate([np.tile([True, False], pairs), rng.random(unmatched) < 0.6])
    order = rng.permutation(people)
    pair_no, is_mentor = pair_no[order], is_mentor[order]
    width = len(str(people))
    groups = _pick(rng, ("Asian", "Black", "Mixed", "Other", "Prefer not to say", ""), people,
                   [0.42, 0.33, 0.14, 0.05, 0.03, 0.03])
    mentee_groups = _pick(rng, ("White", "Prefer not to say", ""), people, [0.94, 0.03, 0.03])
    details = {"Asian": "Asian Indian", "Black": "Black African", "Mixed": "Mixed White and Asian",
               "Other": "Arab", "White": "White British"}
    group = np.where(is_mentor, groups, mentee_groups)
    areas = _subsets(config.AREAS_OF_WORK, 4)
    return pd.DataFrame({
        "participant_id": _codes("S", np.arange(1, people + 1), width),
        "role": np.where(is_mentor, "mentor", "mentee").astype(object),
        "pair_id": np.where(pair_no >= 0, _codes("PR", pair_no + 1, width), "").astype(object),
        "ethnic_group": group,
        "ethnicity_detail": pd.Series(group).map(details).fillna("").to_numpy(),
        "band": np.where(is_mentor, _pick(rng, ("Band 5", "Band 6", "Band 7"), people),
                         _pick(rng, ("Band 8c", "Band 8d", "Band 9", "VSM"), people)).astype(object),
        "heard_via": _pick(rng, (*HEARD_VIA, ""), people),
        "areas_of_work": areas[rng.integers(0, len(areas), size=people)],
        "status": np.where(rng.random(people) < SCALED_WITHDRAWN_SHARE, "withdrawn",
                           _pick(rng, ("", "enrolled"), people)).astype(object),
        "consent_quotes": _pick(rng, ("yes", "no", ""), people, [0.55, 0.35, 0.1]),
        "_pair_no": pair_no,
    })


def _scaled_enrolment(rng: np.random.Generator, roster: pd.DataFrame) -> pd.DataFrame:
    """Everyone's enrolment survey: the role's two rating items (3% left blank), dates, hopes."""
    n = len(roster)
    mentor = (roster["role"] == "mentor").to_numpy()
    asked = {"conf_senior": np.ones(n, bool), "conf_junior": ~mentor, "comfort_needs": mentor}
    ratings = {item: _blank_where(np.clip(np.rint(rng.normal(6, 1.8, n)), 1, 10),
                                  ~asked[item] | (rng.random(n) < 0.03))
               for item in config.RATING_ITEMS}
    return pd.DataFrame({
        "participant_id": roster["participant_id"],
        "date": _iso_dates("2024-01-08", rng.integers(0, 28, n)),
        **ratings,
        "hopes_contribute": np.where(mentor, _pick(rng, CONTRIBUTE["mentor"], n), _pick(rng, CONTRIBUTE["mentee"], n)),
        "hopes_gain": np.where(mentor, _pick(rng, GAIN["mentor"], n), _pick(rng, GAIN["mentee"], n)),
    })


def _scaled_mentoring_sessions(rng: np.random.Generator, roster: pd.DataFrame) -> pd.DataFrame:
    """Up to six logged sessions per pair (some pairs log none), about one in ten missed."""
    pair_ids = roster.loc[roster["_pair_no"] >= 0].sort_values("_pair_no")["pair_id"].to_numpy()[::2]
    logged = rng.integers(0, SCALED_MAX_SESSIONS + 1, size=len(pair_ids))
    rows = int(logged.sum())
    first_row = np.repeat(np.cumsum(logged) - logged, logged)
    session_no = np.arange(rows) - first_row + 1
    start = np.repeat(rng.integers(0, 21, size=len(pair_ids)), logged)
    held = rng.random(rows) < 0.9
    return pd.DataFrame({
        "pair_id": np.repeat(pair_ids, logged),
        "session_no": session_no,
        "date": _iso_dates("2024-02-05", start + 28 * (session_no - 1)),
        "duration_min": rng.choice([30, 45, 60, 90], size=rows, p=[0.1, 0.2, 0.6, 0.1]),
        "held": np.where(held, "yes", "no").astype(object),
        "missed_reason": np.where(held, "", "Work pressures").astype(object),
    })


def _scaled_end_survey(rng: np.random.Generator, roster: pd.DataFrame, enrolment: pd.DataFrame,
                       logged: pd.DataFrame) -> pd.DataFrame:
    """About 85% answer: ratings rise a little with sessions; free text from the example's phrases."""
    answered = (roster["status"] != "withdrawn").to_numpy() & (rng.random(len(roster)) < SCALED_END_SURVEY_SHARE)
    people, pre = roster[answered], enrolment[answered]
    n = len(people)
    held = logged.loc[logged["held"] == "yes"].groupby("pair_id").size()
    sessions = people["pair_id"].map(held).fillna(0).to_numpy(dtype=int)
    reported = np.clip(sessions + rng.integers(-1, 2, n), 0, None) * (people["_pair_no"].to_numpy() >= 0)
    ratings = {}
    for item in config.RATING_ITEMS:
        before = pre[item].to_numpy(dtype=float, na_value=np.nan)
        after = np.clip(np.rint(np.nan_to_num(before, nan=6.0) + 0.2 * reported + rng.normal(0, 1.2, n)), 1, 10)
        ratings[item] = _blank_where(after, np.isnan(before) | (rng.random(n) < 0.03))
    missed = rng.random(n) < 0.25
    return pd.DataFrame({
        "participant_id": people["participant_id"].to_numpy(),
        "date": _iso_dates("2024-09-02", rng.integers(0, 28, n)),
        **ratings,
        "sessions_reported": _blank_where(reported, rng.random(n) < 0.02),
        "length_appropriate": _pick(rng, ("yes", "no", ""), n, [0.8, 0.15, 0.05]),
        "missed_any": np.where(missed, "yes", "no").astype(object),
        "missed_reason": np.where(missed, "Work pressures", "").astype(object),
        "psych_supportive": _pick(rng, ("yes", "no", ""), n, [0.85, 0.1, 0.05]),
        **{q: _pick(rng, FREE_TEXT[q], n) for q in config.FREE_TEXT_QUESTIONS},
    })


def _scaled_psych_sessions(rng: np.random.Generator, roster: pd.DataFrame) -> pd.DataFrame:
    """One row per person per session offered; the paired attend most, the unmatched few (1% blank)."""
    offered = config.PSYCH_SESSIONS_OFFERED
    paired = np.repeat((roster["_pair_no"] >= 0).to_numpy(), offered)
    draw = rng.random(len(paired))
    attended = np.where(draw < np.where(paired, 0.7, 0.1), "yes", "no").astype(object)
    attended[rng.random(len(paired)) < 0.01] = ""
    return pd.DataFrame({
        "participant_id": np.repeat(roster["participant_id"].to_numpy(), offered),
        "psych_session_no": np.tile(np.arange(1, offered + 1), len(roster)),
        "attended": attended,
    })


def _scaled_training(rng: np.random.Generator, roster: pd.DataFrame) -> pd.DataFrame:
    """Nine in ten rate the induction training (1-5) and name one or two resources."""
    people = roster[rng.random(len(roster)) < 0.9]
    n = len(people)
    mentor = (people["role"] == "mentor").to_numpy()
    needs = {role: _subsets(options, 2) for role, options in RESOURCES.items()}
    return pd.DataFrame({
        "participant_id": people["participant_id"].to_numpy(),
        "rating": rng.choice([2, 3, 4, 5], size=n, p=[0.05, 0.15, 0.45, 0.35]),
        "resources_needed": np.where(mentor, needs["mentor"][rng.integers(0, len(needs["mentor"]), n)],
                                     needs["mentee"][rng.integers(0, len(needs["mentee"]), n)]),
        "comments": "",
    })


def _scaled_themes(rng: np.random.Generator, respondents: np.ndarray) -> pd.DataFrame:
    """A quarter of respondents coded on every question by two coders, who agree about four times in five."""
    coded = respondents[rng.random(len(respondents)) < SCALED_THEMED_SHARE]
    frames = []
    for question, options in THEMES.items():
        first = rng.integers(0, len(options), size=len(coded))
        second = np.where(rng.random(len(coded)) < 0.8, first, rng.integers(0, len(options), size=len(coded)))
        names = np.asarray(options, dtype=object)
        frames += [pd.DataFrame({"participant_id": coded, "question": question, "theme": names[pick], "coder": coder})
                   for pick, coder in ((first, "coder_a"), (second, "coder_b"))]
    return pd.concat(frames, ignore_index=True)
