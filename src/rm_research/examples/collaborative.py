"""The seeded generator of the SYNTHETIC collaborative: cohorts of seven NHS England regions.

No real person's data is here. Beside the South East's Cohort 1 example (``synthetic.py``, left
exactly as it is), ``write_collaborative`` writes twenty more cohorts in the data contract's format
(``data/raw/<region>/cohort-<N>/``), each with its ``programme.toml`` (contract, section 5), a
``SYNTHETIC`` marker and a README, so that the region and national reports run out of the box.

The cohorts differ as real ones would, by design (``COHORTS``): sizes 8-40, psychological sessions
offered from 0 to 4, a disability-focused programme and an all-protected-characteristics one (the
Reciprocal Mentoring for Inclusion programme of ``seeds/003``), a ReMEDI-style cohort whose mentors
recorded observations of their mentees (``seeds/004``), attrition and response rates, and above
all the true mean change in confidence, so that a forest plot shows real heterogeneity between
cohorts. Within a cohort a person's change also rises with the mentoring sessions their pair held
and the share of the psychological sessions they attended (``change_model``).

Every cohort draws from its own generator, seeded by the collaborative's seed and the cohort's
place (``region/cohort-N``), so adding a cohort never changes the others' files.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from rm_research.contract.programme import FILE_NAME as PROGRAMME_FILE
from rm_research.core import config
from rm_research.core.paths import CohortPaths
from rm_research.examples.synthetic import HEARD_VIA, RESOURCES, THEMES

#: Seed of the synthetic collaborative (the South East example keeps its own, ``config.SYNTHETIC_SEED``).
COLLABORATIVE_SEED: Final = 20240401

REGION_NAMES: Final = {
    "south-east": "South East",
    "london": "London",
    "midlands": "Midlands",
    "north-west": "North West",
    "north-east-and-yorkshire": "North East and Yorkshire",
    "east-of-england": "East of England",
    "south-west": "South West",
}

RACE_PROGRAMME: Final = "Reverse Mentoring (race) Programme"


@dataclass(frozen=True)
class CohortSpec:
    """What one synthetic cohort is drawn with: its place, size, programme settings and true effects."""

    region: str
    cohort: int
    people: int
    change: float  # the cohort's true mean change in conf_senior, before the dose effects (change_model)
    psych_offered: int
    start: str  # ISO date the cohort enrolled
    programme: str = RACE_PROGRAMME
    focus: str = "race"
    psych_hours: float = 2
    planned_sessions: int = 6
    matched_share: float = 0.85  # of people, in pairs
    withdrawn_share: float = 0.05  # of matched people
    response_share: float = 0.85  # of matched people still enrolled, answering the end survey
    coders: int = 2  # researchers coding the free text; two allow an agreement statistic
    observations: bool = False  # a ReMEDI-style appraisal log (observations.csv)
    #: which of contract section 8's files the cohort kept (``psych_topics`` only where sessions were offered)
    further: tuple[str, ...] = ("benefit_ranking", "psych_topics", "team_feedback", "follow_up")

    @property
    def slug(self) -> str:
        """``region/cohort-N``, as in ``data/raw``."""
        return f"{self.region}/cohort-{self.cohort}"


#: The collaborative's cohorts (South East cohort 1 is ``synthetic.py``'s example, not here).
COHORTS: Final = (
    CohortSpec("south-east", 2, 24, 1.2, 3, "2021-10-04", withdrawn_share=0.04),
    CohortSpec("south-east", 3, 30, 0.5, 3, "2022-10-03", response_share=0.75, withdrawn_share=0.1),
    CohortSpec("london", 1, 36, 2.2, 2, "2020-01-13", programme="Reciprocal Mentoring for Inclusion",
               focus="all-protected-characteristics", psych_hours=1.5, planned_sessions=8, coders=1),
    CohortSpec("london", 2, 16, 1.6, 0, "2018-09-03",
               programme="Reverse Mentoring for Equality, Diversity and Inclusion (ReMEDI)",
               psych_hours=0, matched_share=1.0, observations=True, further=("team_feedback", "follow_up")),
    CohortSpec("midlands", 1, 20, 0.1, 1, "2021-04-12", programme="Disability Reverse Mentoring Programme",
               focus="disability", withdrawn_share=0.15, response_share=0.7, further=()),
    CohortSpec("midlands", 2, 12, 2.7, 4, "2022-04-11", psych_hours=1.5, matched_share=1.0, response_share=0.95),
    CohortSpec("north-west", 1, 40, 0.9, 2, "2021-09-06", withdrawn_share=0.2, response_share=0.65),
    CohortSpec("north-west", 2, 8, -0.4, 0, "2023-01-09", psych_hours=0, matched_share=1.0, coders=1,
               further=("benefit_ranking",)),
    CohortSpec("north-east-and-yorkshire", 1, 28, 1.9, 4, "2022-01-10", planned_sessions=8),
    CohortSpec("east-of-england", 1, 18, 0.3, 3, "2021-06-07", response_share=0.8),
    CohortSpec("east-of-england", 2, 14, 1.4, 1, "2023-06-05", psych_hours=3, coders=1,
               further=("benefit_ranking", "psych_topics")),
    CohortSpec("south-west", 1, 22, 3.0, 2, "2022-09-05", planned_sessions=10, withdrawn_share=0.0),
    # a third year of cohorts (a second and third in the regions that started later), as regions that run
    # a cohort a year have by now: what a region can publish depends on how many cohorts it pools
    CohortSpec("london", 3, 20, 1.0, 2, "2022-09-05", withdrawn_share=0.1),
    CohortSpec("midlands", 3, 18, 1.2, 3, "2023-04-10", response_share=0.8),
    CohortSpec("north-west", 3, 24, 0.7, 2, "2023-09-04", withdrawn_share=0.1, response_share=0.75),
    CohortSpec("east-of-england", 3, 16, 0.9, 2, "2024-01-08", psych_hours=2.5),
    CohortSpec("north-east-and-yorkshire", 2, 20, 1.4, 3, "2023-01-09", planned_sessions=8),
    CohortSpec("north-east-and-yorkshire", 3, 14, 1.0, 2, "2024-01-08", matched_share=1.0, coders=1),
    CohortSpec("south-west", 2, 18, 2.2, 2, "2023-09-04", planned_sessions=10),
    CohortSpec("south-west", 3, 12, 1.5, 1, "2024-09-02", withdrawn_share=0.0, response_share=0.9,
               further=("benefit_ranking", "team_feedback")),
)

#: Files every cohort has; ``psych_sessions`` only where sessions were offered, ``observations``
#: only in a ReMEDI-style cohort; then contract section 8's, each where the cohort kept it (``further``).
FURTHER: Final = ("benefit_ranking", "psych_topics", "team_feedback", "follow_up")
TABLES: Final = ("participants", "enrolment", "end_survey", "mentoring_sessions", "psych_sessions",
                 "training", "themes", "observations", *FURTHER)

# --- the change model --------------------------------------------------------------------------

#: Enrolment means of each rating item, by role (an item the role is not asked is absent).
PRE_MEANS: Final = {
    "mentor": {"conf_senior": 6.0, "comfort_needs": 5.5},
    "mentee": {"conf_senior": 5.5, "conf_junior": 5.0},
}
PRE_SD: Final = 1.6
#: Each item's true change as a share of the cohort's conf_senior change.
ITEM_SCALE: Final = {"conf_senior": 1.0, "conf_junior": 0.8, "comfort_needs": 0.6}
PER_SESSION: Final = 0.35  # change per mentoring session held above REFERENCE_SESSIONS of those planned
REFERENCE_SESSIONS: Final = 0.7
PER_PSYCH_SHARE: Final = 1.2  # change per share of psychological sessions attended above REFERENCE_PSYCH
REFERENCE_PSYCH: Final = 0.6
CHANGE_SD: Final = 1.0
BLANK_RATING: Final = 0.03  # each rating left blank with this probability


def change_model(spec: CohortSpec, item: str, held: float, psych_share: float) -> float:
    """A person's expected change in ``item``: the cohort's, plus the dose effects.

    ``held`` is the mentoring sessions their pair held; ``psych_share`` the share of the offered
    psychological sessions they attended (no effect where none were offered).
    """
    sessions = PER_SESSION * (held - REFERENCE_SESSIONS * spec.planned_sessions)
    psych = PER_PSYCH_SHARE * (psych_share - REFERENCE_PSYCH) if spec.psych_offered else 0.0
    return ITEM_SCALE[item] * spec.change + sessions + psych


# --- people and pairs --------------------------------------------------------------------------

@dataclass
class Person:
    """One simulated participant and everything drawn for them."""

    participant_id: str
    role: str
    pair: int | None  # 0-based pair number; None when never matched
    withdrawn: bool = False
    psych_attended: tuple[bool, ...] = ()
    answered_end: bool = False


@dataclass
class Pair:
    """One mentoring pair: its log of sessions (held or not) and whether it ended early."""

    pair_id: str
    engagement: float
    outcomes: list[bool]
    ended_early: bool = False

    @property
    def held(self) -> int:
        """Sessions the pair held."""
        return sum(self.outcomes)


def _roster(spec: CohortSpec, rng: np.random.Generator) -> tuple[list[Person], list[Pair]]:
    """Mentors then mentees, paired at random; the unmatched are mostly mentors, as in the South East."""
    pairs = max(2, round(spec.people * spec.matched_share / 2))
    unmatched_mentor = rng.random(spec.people - 2 * pairs) < 0.7
    n_mentors, n_mentees = pairs + int(unmatched_mentor.sum()), pairs + int((~unmatched_mentor).sum())
    people: list[Person] = []
    for role, prefix, count in (("mentor", "MR", n_mentors), ("mentee", "ME", n_mentees)):
        matched = sorted(rng.choice(count, size=pairs, replace=False).tolist())
        pair_of = dict(zip(matched, rng.permutation(pairs).tolist(), strict=True))
        people += [Person(f"{prefix}{i + 1:02d}", role, pair_of.get(i)) for i in range(count)]
    for person in people:
        person.withdrawn = person.pair is not None and bool(rng.random() < spec.withdrawn_share)
    engagement = rng.beta(4.0, 1.6, size=pairs)
    ended = {p.pair for p in people if p.withdrawn}
    return people, [_pair(spec, rng, f"P{i + 1:02d}", float(engagement[i]), i in ended) for i in range(pairs)]


def _pair(spec: CohortSpec, rng: np.random.Generator, pair_id: str, engagement: float, ended: bool) -> Pair:
    """The pair's log: a pair that ended early held its first one or two sessions and logged no more."""
    if ended:
        return Pair(pair_id, engagement, [True] * int(rng.integers(1, 3)), ended_early=True)
    held = max(1, int(rng.binomial(spec.planned_sessions, engagement)))
    later = [True] * (held - 1) + [False] * (spec.planned_sessions - held)
    rng.shuffle(later)  # a pair that met at all met the first time
    return Pair(pair_id, engagement, [True, *later])


def _psych(spec: CohortSpec, rng: np.random.Generator, people: list[Person], pairs: list[Pair]) -> None:
    """Which of the offered psychological sessions each person attended: engaged pairs attend more."""
    for person in people:
        likely = 0.15 if person.pair is None else 0.95 * pairs[person.pair].engagement
        if person.withdrawn:
            likely /= 3
        person.psych_attended = tuple(bool(x) for x in rng.random(spec.psych_offered) < likely)


def _psych_share(spec: CohortSpec, person: Person) -> float:
    """The share of the offered psychological sessions the person attended (0 where none were offered)."""
    return sum(person.psych_attended) / spec.psych_offered if spec.psych_offered else 0.0


# --- the tables --------------------------------------------------------------------------------

def _date(start: str, days: int) -> str:
    """The ISO date ``days`` after ``start``."""
    return (dt.date.fromisoformat(start) + dt.timedelta(days=days)).isoformat()


def _rating(value: float) -> int:
    """A rating as a form records it: a whole number within the contract's 1-10."""
    return int(np.clip(np.rint(value), *config.RATING_RANGE))


ETHNICITY: Final = {
    "Asian": ("Asian Indian", "Asian Pakistani", "Asian Bangladeshi", "Any other Asian background"),
    "Black": ("Black African", "Black Caribbean", "Any other Black background"),
    "Mixed": ("Mixed White and Black Caribbean", "Mixed White and Asian"),
    "White": ("White British", "White Irish", "Any other White background"),
    "Other": ("Arab", "Any other ethnic group"),
    "Prefer not to say": ("",),
}
#: Mentors' ethnic groups: a race-focused programme's mentors are BME colleagues; others' are anyone.
MENTOR_GROUPS: Final = {
    "race": (("Asian", "Black", "Mixed", "Other", "Prefer not to say"), (0.42, 0.33, 0.15, 0.06, 0.04)),
    "other": (("White", "Asian", "Black", "Mixed", "Other", "Prefer not to say"), (0.6, 0.16, 0.12, 0.06, 0.03, 0.03)),
}
MENTEE_GROUPS: Final = {
    "race": (("White",), (1.0,)),
    "other": (("White", "Asian", "Black", "Mixed"), (0.82, 0.09, 0.06, 0.03)),
}


def _participants(spec: CohortSpec, rng: np.random.Generator, people: list[Person],
                  pairs: list[Pair]) -> pd.DataFrame:
    """participants.csv; some regions write ``enrolled`` in ``status``, others leave it blank."""
    kind = "race" if spec.focus == "race" else "other"
    status_enrolled = "enrolled" if rng.random() < 0.5 else ""
    rows = []
    for person in people:
        groups, weights = (MENTOR_GROUPS if person.role == "mentor" else MENTEE_GROUPS)[kind]
        group = str(rng.choice(groups, p=weights))
        bands = ("Band 5", "Band 6", "Band 7") if person.role == "mentor" else ("Band 8c", "Band 8d", "Band 9", "VSM")
        areas = rng.choice(config.AREAS_OF_WORK, size=int(rng.integers(1, 5)), replace=False)
        rows.append({
            "participant_id": person.participant_id,
            "role": person.role,
            "pair_id": "" if person.pair is None else pairs[person.pair].pair_id,
            "ethnic_group": group,
            "ethnicity_detail": str(rng.choice(ETHNICITY[group])),
            "band": str(rng.choice(bands)),
            "heard_via": str(rng.choice([*HEARD_VIA, ""])),
            "areas_of_work": ";".join(a for a in config.AREAS_OF_WORK if a in set(areas)),
            "status": "withdrawn" if person.withdrawn else status_enrolled,
            "consent_quotes": str(rng.choice(["yes", "no", ""], p=[0.55, 0.35, 0.1])),
        })
    return pd.DataFrame(rows)


#: Each person's true enrolment ratings, by participant_id and item.
Ratings = dict[str, dict[str, int]]

#: What each focus's experiences are called in the hopes phrases.
EXPERIENCE: Final = {
    "race": "being a BAME colleague in the NHS",
    "disability": "working in the NHS with a disability",
    "all-protected-characteristics": "working in the NHS with a protected characteristic",
}
CONTRIBUTE: Final = {
    "mentor": ("My experience of {experience}.", "Honest feedback in a safe space.", "Time commitment.",
               "Examples from my own team."),
    "mentee": ("Willingness to listen and learn.", "Openness about my own practice.",
               "Access to decision-making forums.", "Empathy and listening skill."),
}
GAIN: Final = {
    "mentor": ("Confidence in speaking to senior leaders.", "Understanding of how decisions are made.",
               "Being heard about {experience}."),
    "mentee": ("A better understanding of {experience}.", "Learn about different perspectives.",
               "Have a deeper understanding about those I lead."),
}


def _enrolment(spec: CohortSpec, rng: np.random.Generator, people: list[Person]) -> tuple[pd.DataFrame, Ratings]:
    """enrolment.csv (nearly everyone answers), and each person's true enrolment ratings."""
    shift = float(rng.normal(0, 0.4))  # cohorts start from somewhat different places
    experience = EXPERIENCE[spec.focus]
    rows, truth = [], {}
    for person in people:
        means = PRE_MEANS[person.role]
        truth[person.participant_id] = {item: _rating(rng.normal(mean + shift, PRE_SD)) for item, mean in means.items()}
        if rng.random() < 0.03:
            continue  # never returned the enrolment survey
        ratings = {item: "" if item not in means or rng.random() < BLANK_RATING
                   else str(truth[person.participant_id][item]) for item in config.RATING_ITEMS}
        rows.append({
            "participant_id": person.participant_id,
            "date": _date(spec.start, int(rng.integers(0, 21))),
            **ratings,
            "hopes_contribute": str(rng.choice(CONTRIBUTE[person.role])).format(experience=experience),
            "hopes_gain": str(rng.choice(GAIN[person.role])).format(experience=experience),
        })
    return pd.DataFrame(rows), truth


FREE_TEXT: Final = {
    "self_awareness": ("It helped me step back and see our conversations from a different perspective.",
                       "I noticed how my words and actions land with others.",
                       "I became more aware of my own assumptions."),
    "self_learning": ("I found I could speak up more confidently.", "I learned I was not alone.",
                      "I picked up practical tools for difficult conversations.",
                      "I learned to ask rather than assume."),
    "boundaries": ("We agreed what stays confidential at the first session.",
                   "Being open within limits, and respecting each other's role.",
                   "Knowing when to pause a conversation."),
    "relationship_impact": ("It helped us talk about past experiences that were getting in the way.",
                            "Naming strong emotions made our conversations easier.",
                            "We trusted each other sooner."),
}
#: Free-text questions about the psychological sessions themselves: blank where none were attended.
PSYCH_QUESTIONS: Final = ("self_awareness", "relationship_impact")
MISSED_REASONS: Final = ("Work pressures", "Clinical pressures", "Annual leave", "Sickness")


def _end_survey(spec: CohortSpec, rng: np.random.Generator, people: list[Person], pairs: list[Pair],
                pre: Ratings) -> pd.DataFrame:
    """end_survey.csv: matched people still enrolled, each with probability ``response_share``."""
    end = _date(spec.start, 28 * (spec.planned_sessions + 1))
    rows = []
    for person in people:
        if person.pair is None or person.withdrawn or rng.random() >= spec.response_share:
            continue
        person.answered_end = True
        pair = pairs[person.pair]
        share = _psych_share(spec, person)
        post = {item: _rating(before + rng.normal(change_model(spec, item, pair.held, share), CHANGE_SD))
                for item, before in pre[person.participant_id].items()}
        ratings = {item: "" if item not in post or rng.random() < BLANK_RATING else str(post[item])
                   for item in config.RATING_ITEMS}
        reported = max(0, pair.held + int(rng.choice([-1, 0, 0, 0, 0, 0, 1])))
        missed = not all(pair.outcomes)
        attended_psych = any(person.psych_attended)
        supportive = "" if not attended_psych else ("yes" if rng.random() < 0.55 + 0.4 * share else "no")
        text = {q: "" if (q in PSYCH_QUESTIONS and not attended_psych) or rng.random() < 0.1
                else str(rng.choice(FREE_TEXT[q])) for q in config.FREE_TEXT_QUESTIONS}
        rows.append({
            "participant_id": person.participant_id,
            "date": _date(end, int(rng.integers(0, 21))),
            **ratings,
            "sessions_reported": "" if rng.random() < 0.03 else str(reported),
            "length_appropriate": str(rng.choice(["yes", "no", ""], p=[0.8, 0.15, 0.05])),
            "missed_any": "yes" if missed else "no",
            "missed_reason": str(rng.choice(MISSED_REASONS)) if missed else "",
            "psych_supportive": supportive,
            **text,
        })
    return pd.DataFrame(rows)


def _mentoring_sessions(spec: CohortSpec, rng: np.random.Generator, pairs: list[Pair]) -> pd.DataFrame:
    """mentoring_sessions.csv: every session each pair planned (or held, if it ended early), about monthly."""
    rows = []
    for pair in pairs:
        first = 21 + int(rng.integers(0, 14))
        for number, held in enumerate(pair.outcomes, start=1):
            rows.append({
                "pair_id": pair.pair_id,
                "session_no": str(number),
                "date": _date(spec.start, first + 28 * (number - 1)),
                "duration_min": str(rng.choice([45, 60, 60, 60, 90])) if held else "",
                "held": "yes" if held else "no",
                "missed_reason": "" if held else str(rng.choice(MISSED_REASONS)),
            })
    return pd.DataFrame(rows)


def _psych_sessions(spec: CohortSpec, rng: np.random.Generator, people: list[Person]) -> pd.DataFrame:
    """psych_sessions.csv: one row per person per session offered (a few attendance cells blank)."""
    rows = []
    for person in people:
        for number, went in enumerate(person.psych_attended, start=1):
            cell = "yes" if went else ("" if rng.random() < 0.03 else "no")
            rows.append({"participant_id": person.participant_id, "psych_session_no": str(number), "attended": cell})
    return pd.DataFrame(rows, columns=["participant_id", "psych_session_no", "attended"])


TRAINING_COMMENTS: Final = ("", "", "", "Useful introduction.", "More time for questions, please.",
                            "Good to meet the other pairs.")


def _training(rng: np.random.Generator, people: list[Person]) -> pd.DataFrame:
    """training.csv: most people rate the induction training, each cohort's trainers rated differently."""
    weights = rng.dirichlet([1, 2, 5, 6, 4])
    rows = []
    for person in people:
        if rng.random() < 0.15:
            continue
        needs = rng.choice(RESOURCES[person.role], size=int(rng.integers(1, 3)), replace=False)
        rows.append({
            "participant_id": person.participant_id,
            "rating": str(int(rng.choice(5, p=weights)) + 1),
            "resources_needed": ";".join(str(n) for n in needs),
            "comments": str(rng.choice(TRAINING_COMMENTS)),
        })
    return pd.DataFrame(rows)


def _themes(spec: CohortSpec, rng: np.random.Generator, end: pd.DataFrame) -> pd.DataFrame:
    """themes.csv: every free-text answer coded by ``spec.coders`` coders; a second agrees four times in five."""
    rows = []
    for _, answer in end.iterrows():
        for question, options in THEMES.items():
            if answer[question] == "":
                continue
            first = str(rng.choice(options))
            rows.append({"participant_id": answer["participant_id"], "question": question, "theme": first,
                         "coder": "coder_a"})
            if spec.coders == 2:
                second = first if rng.random() < 0.8 else str(rng.choice(options))
                rows.append({"participant_id": answer["participant_id"], "question": question, "theme": second,
                             "coder": "coder_b"})
    return pd.DataFrame(rows)


#: Findings of a ReMEDI-style appraisal, after seeds/004 (Tables 1-3 and the text), by level and kind.
OBSERVATION_FINDINGS: Final = {
    ("individual", "good practice"): ("Uses gender-inclusive language in meetings",
                                      "Positive body language with BME staff"),
    ("individual", "needs attention"): ("Rarely asks quieter team members for their view",),
    ("departmental", "good practice"): ("Shadowing placements offered to women in the team",
                                        "BME staff targets met"),
    ("departmental", "needs attention"): ("Few BME staff in internal promotions",),
    ("organisational", "good practice"): ("Supports BME nominations for trust awards",),
    ("organisational", "needs attention"): ("No outreach at grassroots level yet",
                                            "Recruitment panels are not diverse"),
    ("symbolic", "good practice"): ("BME staff award winners on the department noticeboard",),
    ("symbolic", "needs attention"): ("No BME staff in the department's senior posts",),
}
METHODS: Final = {
    "individual": ("one-to-one interview", "semi-structured interview"),
    "departmental": ("team-meeting observation",),
    "organisational": ("semi-structured interview", "document review"),
    "symbolic": ("visual inspection",),
}


def _observations(rng: np.random.Generator, pairs: list[Pair]) -> pd.DataFrame:
    """observations.csv: two to five findings per pair that did not end early."""
    rows = []
    levels = sorted({level for level, _ in OBSERVATION_FINDINGS})
    for pair in pairs:
        if pair.ended_early:
            continue
        for _ in range(int(rng.integers(2, 6))):
            level = str(rng.choice(levels))
            kind = "good practice" if rng.random() < 0.6 else "needs attention"
            rows.append({"pair_id": pair.pair_id, "level": level, "kind": kind,
                         "finding": str(rng.choice(OBSERVATION_FINDINGS[(level, kind)])),
                         "method": str(rng.choice(METHODS[level]))})
    return pd.DataFrame(rows)


# --- contract section 8's files ------------------------------------------------------------------------
# Drawn from a generator of their own (``further_seed``), after everything else, so that the files above
# come out exactly as they did before these were added.

#: How much each role values each organisational benefit (a person ranks by these plus their own noise,
#: ``RANK_NOISE``): mentors put recognising talent and retention first, mentees their own behaviour.
BENEFIT_VALUES: Final = {
    "mentor": {"recognising_talent": 2.0, "network_of_champions": 1.0, "inclusion_conversations": 0.8,
               "change_agents": 0.6, "safe_space_and_belonging": 1.2, "retention": 1.8, "leaders_behaviour": 1.0},
    "mentee": {"recognising_talent": 1.4, "network_of_champions": 0.6, "inclusion_conversations": 1.2,
               "change_agents": 1.6, "safe_space_and_belonging": 0.8, "retention": 1.0, "leaders_behaviour": 2.0},
}
RANK_NOISE: Final = 1.0
RANKED_ALL: Final = 0.85  # of those who rank, the share ranking all seven (the rest their top three to six)
#: Topics the South East's psychological sessions covered (``seeds/000_*``), some as a facilitator might
#: type them again (the findings group spellings ignoring case and spaces).
TOPICS: Final = ("Guilt and Shame", "Sense of responsibility/Protection", "Strong Emotions", "Self-Awareness",
                 "Racial identity", "Power Dynamics", "Maintaining Boundaries", "Emotional connectedness")
RETYPED: Final = {"Power Dynamics": "power  dynamics", "Guilt and Shame": "Guilt and shame",
                  "Strong Emotions": "strong emotions "}
#: The team's 360-degree feedback: raters per mentee, the share from ethnic minority groups, and the team's
#: view of a mentee (mean, spread between mentees, between raters) and how much of the cohort's change in
#: confidence it sees.
RATERS: Final = (3, 7)
BME_RATERS: Final = 0.3
GROUP_NOT_GIVEN: Final = 0.1
TEAM_MEAN, TEAM_MENTEE_SD, TEAM_RATER_SD = 5.5, 1.0, 1.2
TEAM_SEES: Final = 0.6
BME_SEES_LESS: Final = 0.5  # raters from ethnic minority groups see this much less of it
#: Follow-up 6-12 months on: who answers, and how much of their change since enrolment they keep.
FOLLOWED_UP: Final = 0.7
KEPT: Final = 0.75
FOLLOW_UP_SD: Final = 0.8


def further_seed(spec: CohortSpec, seed: int) -> list[int]:
    """The seed of the cohort's section 8 files: the collaborative's and a checksum of ``region/cohort-N/further``."""
    return [seed, zlib.crc32(f"{spec.slug}/further".encode())]


def _benefit_ranking(rng: np.random.Generator, people: list[Person]) -> pd.DataFrame:
    """benefit_ranking.csv: four in five people rank, most all seven, by their role's values plus noise."""
    rows = []
    for person in people:
        if rng.random() >= 0.8:
            continue
        values = BENEFIT_VALUES[person.role]
        drawn = {benefit: value + rng.normal(0, RANK_NOISE) for benefit, value in values.items()}
        order = sorted(drawn, key=lambda benefit: -drawn[benefit])
        kept = len(order) if rng.random() < RANKED_ALL else int(rng.integers(3, len(order)))
        rows += [{"participant_id": person.participant_id, "benefit": benefit, "rank": str(rank)}
                 for rank, benefit in enumerate(order[:kept], start=1)]
    return pd.DataFrame(rows)


def _psych_topics(spec: CohortSpec, rng: np.random.Generator) -> pd.DataFrame:
    """psych_topics.csv: two to four topics a session, now and then typed differently."""
    rows = []
    for session in range(1, spec.psych_offered + 1):
        for topic in rng.choice(TOPICS, size=int(rng.integers(2, 5)), replace=False):
            written = RETYPED.get(str(topic), str(topic)) if rng.random() < 0.3 else str(topic)
            rows.append({"psych_session_no": str(session), "topic": written})
    return pd.DataFrame(rows)


def _team_feedback(spec: CohortSpec, rng: np.random.Generator, people: list[Person]) -> pd.DataFrame:
    """team_feedback.csv: each matched mentee's team rates them before, most again at the end, some at follow-up."""
    rows = []
    for person in people:
        if person.role != "mentee" or person.pair is None or rng.random() >= 0.9:
            continue
        level = TEAM_MEAN + rng.normal(0, TEAM_MENTEE_SD)
        for number in range(1, int(rng.integers(*RATERS)) + 1):
            group = ("" if rng.random() < GROUP_NOT_GIVEN else "BME" if rng.random() < BME_RATERS else "other")
            sees = TEAM_SEES * spec.change * (BME_SEES_LESS if group == "BME" else 1.0)
            rater = f"R{number}"
            for phase, shift, asked in (("pre", 0.0, 1.0), ("post", sees, 0.0 if person.withdrawn else 0.85),
                                        ("follow_up", KEPT * sees, 0.5)):
                if rng.random() >= asked:
                    continue
                ratings = {item: "" if rng.random() < BLANK_RATING else
                           str(_rating(level + shift + rng.normal(0, TEAM_RATER_SD))) for item in config.TEAM_ITEMS}
                rows.append({"mentee_id": person.participant_id, "rater": rater, "rater_group": group,
                             "phase": phase, **ratings})
    return pd.DataFrame(rows)


def _follow_up(spec: CohortSpec, rng: np.random.Generator, people: list[Person], enrolment: pd.DataFrame,
               end: pd.DataFrame) -> pd.DataFrame:
    """follow_up.csv: most who answered the end survey answer again 6-12 months on, keeping most of their change."""
    pre, post = (table.set_index("participant_id") if len(table) else pd.DataFrame() for table in (enrolment, end))
    last = _date(spec.start, 28 * (spec.planned_sessions + 1))
    rows = []
    for person in people:
        if not person.answered_end or rng.random() >= FOLLOWED_UP:
            continue
        ratings = {}
        for item in config.RATING_ITEMS:
            before = pre[item].get(person.participant_id, "") if item in pre else ""
            after = post[item].get(person.participant_id, "")
            if after == "" or rng.random() < BLANK_RATING:
                ratings[item] = ""
                continue
            start = float(before) if before != "" else float(after)
            ratings[item] = str(_rating(start + KEPT * (float(after) - start) + rng.normal(0, FOLLOW_UP_SD)))
        rows.append({"participant_id": person.participant_id, "date": _date(last, int(rng.integers(180, 366))),
                     **ratings})
    return pd.DataFrame(rows)


def further_tables(spec: CohortSpec, seed: int, people: list[Person], enrolment: pd.DataFrame,
                   end: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The section 8 files the cohort kept (``spec.further``; no topics where no sessions were offered)."""
    rng = np.random.default_rng(further_seed(spec, seed))
    made = {
        "benefit_ranking": lambda: _benefit_ranking(rng, people),
        "psych_topics": lambda: _psych_topics(spec, rng),
        "team_feedback": lambda: _team_feedback(spec, rng, people),
        "follow_up": lambda: _follow_up(spec, rng, people, enrolment, end),
    }
    return {name: made[name]() for name in FURTHER if name in spec.further}


def cohort_seed(spec: CohortSpec, seed: int) -> list[int]:
    """The cohort's own seed: the collaborative's and a checksum of ``region/cohort-N``."""
    return [seed, zlib.crc32(spec.slug.encode("utf-8"))]


def generate_cohort(spec: CohortSpec, seed: int = COLLABORATIVE_SEED) -> dict[str, pd.DataFrame]:
    """Every contract table of one synthetic cohort, as text cells (blank = not answered).

    A table with no rows (no psychological sessions offered, no observations) is left out: a
    header-only file is bad input.
    """
    rng = np.random.default_rng(cohort_seed(spec, seed))
    people, pairs = _roster(spec, rng)
    _psych(spec, rng, people, pairs)
    participants = _participants(spec, rng, people, pairs)
    enrolment, pre = _enrolment(spec, rng, people)
    end = _end_survey(spec, rng, people, pairs, pre)
    tables = {
        "participants": participants,
        "enrolment": enrolment,
        "end_survey": end,
        "mentoring_sessions": _mentoring_sessions(spec, rng, pairs),
        "psych_sessions": _psych_sessions(spec, rng, people),
        "training": _training(rng, people),
        "themes": _themes(spec, rng, end),
        "observations": _observations(rng, pairs) if spec.observations else pd.DataFrame(),
        **further_tables(spec, seed, people, enrolment, end),
    }
    return {name: table for name, table in tables.items() if len(table)}


# --- the files ---------------------------------------------------------------------------------

def programme_toml(spec: CohortSpec) -> str:
    """The cohort's ``programme.toml`` (data contract, section 5)."""
    hours = f"{spec.psych_hours:g}"
    return (f"# SYNTHETIC cohort: settings of the programme it simulates (data contract, section 5)\n"
            f'programme = "{spec.programme}"\n'
            f'focus = "{spec.focus}"\n'
            f"psych_sessions_offered = {spec.psych_offered}\n"
            f"psych_session_hours = {hours}\n"
            f"planned_mentoring_sessions = {spec.planned_sessions}\n")


MARKER_TEXT: Final = ("The files in this folder are SYNTHETIC: made by rm_research.examples.collaborative, "
                      "not collected from anyone.\nReports made from them say so.\n")


def readme(spec: CohortSpec, seed: int = COLLABORATIVE_SEED) -> str:
    """The cohort folder's README: synthetic, how it was made, and the truths it was drawn with."""
    observed = ("\n`observations.csv` is a ReMEDI-style appraisal log (mentors' findings about their mentee at "
                "four levels, after the collaborative's `seeds/004_*`).\n" if spec.observations else "")
    psych = ("No psychological sessions were offered, so there is no `psych_sessions.csv` and the "
             "psychological-session answers are blank." if spec.psych_offered == 0 else
             f"{spec.psych_offered} psychological session(s) of {spec.psych_hours:g} hours were offered.")
    kept = [name for name in FURTHER if name in spec.further and (name != "psych_topics" or spec.psych_offered)]
    further = ("The cohort kept " + ", ".join(f"`{name}.csv`" for name in kept) + " (data contract, section 8), "
               "drawn from a generator of their own (so the other files are as they were before these were added): "
               f"rankings of the benefits by each role's values plus noise; two to four of the South East's "
               f"session topics a session; {RATERS[0]}-{RATERS[1] - 1} team raters a mentee "
               f"({BME_RATERS:g} of those who give a group from ethnic minority groups), who see "
               f"{TEAM_SEES:g} of the cohort's change ({BME_SEES_LESS:g} of that for ethnic minority raters); and a "
               f"follow-up of {FOLLOWED_UP:g} of those who answered the end survey, keeping {KEPT:g} of their "
               "change." if kept else "The cohort kept none of the files of the data contract's section 8.")
    return f"""# SYNTHETIC cohort: {REGION_NAMES[spec.region]}, Cohort {spec.cohort}

**Every file here is synthetic.** No row describes a real person. The files were written by
`rm-research make-example` (`write_collaborative` in `src/rm_research/examples/collaborative.py`,
seed {seed}); run it again and they come out byte for byte the same (a test checks this).

This cohort is one of the synthetic collaborative's, there so that the region and national reports
run out of the box. Its figures mean nothing about any real programme.

## How it was drawn

| setting | value |
|---|---|
| programme (`programme.toml`) | {spec.programme} |
| focus | {spec.focus} |
| people enrolled | {spec.people} |
| share of people matched in pairs | {spec.matched_share:g} |
| share of matched people who withdraw | {spec.withdrawn_share:g} |
| share of the others answering the end survey | {spec.response_share:g} |
| mentoring sessions planned | {spec.planned_sessions} |
| coders of the free text | {spec.coders} |
| true cohort change in conf_senior | {spec.change:+g} |

{psych}
{observed}
{further}

A person's change in a rating item (post - pre) is drawn as the sum of

- the cohort's true change in conf_senior above (times {ITEM_SCALE["conf_junior"]:g} for conf_junior and
  {ITEM_SCALE["comfort_needs"]:g} for comfort_needs);
- {PER_SESSION:g} for each mentoring session their pair held above {REFERENCE_SESSIONS:g} of those planned;
- where psychological sessions were offered, {PER_PSYCH_SHARE:g} times (the share of them the person
  attended - {REFERENCE_PSYCH:g});
- noise, standard deviation {CHANGE_SD:g};

and the rating is then rounded and kept within 1-10. Enrolment ratings, answers, dates, free text, training
feedback, theme coding and demographics are drawn at random.
"""


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV with ``\\n`` line ends, as ``synthetic.write_example`` writes the South East example."""
    table.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_cohort(root: Path, spec: CohortSpec, seed: int = COLLABORATIVE_SEED) -> list[Path]:
    """Write one synthetic cohort's files, ``programme.toml``, README and marker; return their paths.

    Files of this generator that the cohort does not have (no psychological sessions, say) are
    removed if an earlier run left them; nothing else in the folder is touched.
    """
    folder = CohortPaths(root, spec.region, spec.cohort).raw
    folder.mkdir(parents=True, exist_ok=True)
    tables = generate_cohort(spec, seed)
    written = []
    for name in TABLES:
        path = folder / f"{name}.csv"
        if name in tables:
            _write_csv(tables[name], path)
            written.append(path)
        elif path.exists():
            path.unlink()
    for name, text in ((PROGRAMME_FILE, programme_toml(spec)), ("README.md", readme(spec, seed)),
                       ("SYNTHETIC", MARKER_TEXT)):
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


def write_collaborative(root: Path, seed: int = COLLABORATIVE_SEED,
                        cohorts: Sequence[CohortSpec] = COHORTS) -> list[Path]:
    """Write every synthetic cohort of the collaborative under ``root/data/raw``; return the paths written.

    South East cohort 1 (``synthetic.write_example``) is not among them and is never touched.
    """
    return [path for spec in cohorts for path in write_cohort(root, spec, seed)]


#: The quarters over which ``scaled_cohorts`` spreads a region's cohort starts.
QUARTERS = 32


def scaled_cohorts(count: int, seed: int = COLLABORATIVE_SEED) -> list[CohortSpec]:
    """``count`` SYNTHETIC cohorts spread over the 7 regions (a region's cohort numbers run 1, 2, ...), for
    measuring the package at the size of the NHS (``make benchmark``): sizes 8-40, true changes -0.5 to 3,
    0-4 psychological sessions offered, a region's cohorts a quarter apart from 2018 (over ``QUARTERS``),
    drawn from ``seed``. Not the example: nothing here is committed."""
    rng = np.random.default_rng([seed, count])
    regions = list(REGION_NAMES)
    numbers = dict.fromkeys(regions, 0)
    specs = []
    for index in range(count):
        region = regions[index % len(regions)]
        numbers[region] += 1
        # a region's cohorts start a quarter apart over 8 years (2018-2025), several at once where a
        # region has more than 32 (at the size of the NHS, each system runs its own): never in the future
        start = pd.Timestamp("2018-01-01") + pd.DateOffset(months=3 * ((numbers[region] - 1) % QUARTERS))
        start += pd.Timedelta(days=int(rng.integers(0, 28)))
        change = round(float(rng.uniform(-0.5, 3)), 2)
        specs.append(CohortSpec(region, numbers[region], int(rng.integers(8, 41)), change, int(rng.integers(0, 5)),
                                f"{start:%Y-%m-%d}",
                                withdrawn_share=round(float(rng.uniform(0, 0.15)), 2),
                                response_share=round(float(rng.uniform(0.6, 0.95)), 2),
                                coders=int(rng.integers(1, 3))))
    return specs


def committed_files(seed: int = COLLABORATIVE_SEED) -> list[str]:
    """Every file ``write_collaborative`` writes, as paths relative to the project root."""
    return [f"data/raw/{spec.slug}/{name}" for spec in COHORTS for name in _file_names(spec, seed)]


def _file_names(spec: CohortSpec, seed: int) -> Iterator[str]:
    """The names of the files ``write_cohort`` writes for ``spec``, in writing order."""
    tables = generate_cohort(spec, seed)
    yield from (f"{name}.csv" for name in TABLES if name in tables)
    yield from (PROGRAMME_FILE, "README.md", "SYNTHETIC")


def gitignore_lines(seed: int = COLLABORATIVE_SEED) -> list[str]:
    """The ``.gitignore`` exceptions that let exactly these SYNTHETIC files be tracked (by name)."""
    lines: list[str] = []
    for spec in COHORTS:
        for folder in (f"data/raw/{spec.region}/", f"data/raw/{spec.slug}/"):
            if f"!{folder}" not in lines:
                lines.append(f"!{folder}")
        lines += [f"!data/raw/{spec.slug}/{name}" for name in _file_names(spec, seed)]
    return lines
