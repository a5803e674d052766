"""A cohort's programme settings: ``programme.toml`` in its raw folder (data contract, section 5).

What differs between programmes (its name, its focus, how many psychological sessions it offered),
so that every cohort of every region runs with one command. A missing file means the South East
template's values; an unknown key or a bad value is bad input, reported like any other problem.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Final

from rm_research.core.paths import region_title
from rm_research.core.problems import DataError, Problem
from rm_research.core.safety import INVISIBLE

FILE_NAME: Final = "programme.toml"
#: A region's own settings, beside its cohort folders: ``data/raw/<region>/region.toml``, optional, with
#: one key, ``name``, the region's name in words as its reports should print it.
REGION_FILE: Final = "region.toml"

#: The protected characteristic a programme focuses on, and the words the report uses for the
#: experiences its confidence items ask about ("BAME experiences" in the South East's forms).
FOCUS_WORDING: Final = {
    "race": "BAME experiences",
    "disability": "experiences of disabled colleagues",
    "sexual-orientation": "experiences of lesbian, gay and bisexual colleagues",
    "gender-identity": "experiences of trans and non-binary colleagues",
    "religion-or-belief": "experiences of colleagues of minority religions and beliefs",
    "sex": "experiences of colleagues of the under-represented sex",
    "age": "experiences of colleagues of under-represented ages",
    "all-protected-characteristics": "experiences of colleagues with protected characteristics",
}
#: How many of each a programme may plausibly plan; larger values are typing slips.
MOST_PSYCH_SESSIONS: Final = 20
MOST_HOURS: Final = 24
MOST_MENTORING_SESSIONS: Final = 100


@dataclass(frozen=True)
class Programme:
    """The settings of one cohort's programme (the defaults are the South East's)."""

    programme: str = "Reverse Mentoring (race) Programme"
    focus: str = "race"
    psych_sessions_offered: int = 3
    psych_session_hours: float = 2
    planned_mentoring_sessions: int | None = None

    @property
    def focus_wording(self) -> str:
        """The experiences the confidence items ask about, in this programme's words."""
        return FOCUS_WORDING[self.focus]

    @property
    def offers_psych_sessions(self) -> bool:
        """True when the programme offered any psychological sessions."""
        return self.psych_sessions_offered > 0


DEFAULT: Final = Programme()
KEYS: Final = tuple(f.name for f in fields(Programme))


def read_programme(folder: Path) -> Programme:
    """The cohort's settings from ``folder/programme.toml``, or the defaults when there is none.

    Raises ``DataError`` listing every unknown key and bad value (and a file that is not TOML).
    """
    path = folder / FILE_NAME
    if not path.exists():
        return DEFAULT
    try:
        settings = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise DataError([Problem(FILE_NAME, None, None, f"could not be read as TOML settings ({error}); see "
                                 "the data contract, section 5, for an example")]) from error
    except OSError as error:
        raise DataError([Problem(FILE_NAME, None, None, f"could not be read ({error.strerror})")]) from error
    # text settings reach titles, the Word file's properties and the SVG figures, where a control
    # character breaks the XML and a direction override spoofs what is read: dropped, as in the data
    settings = {key: INVISIBLE.sub("", value).strip() if isinstance(value, str) else value
                for key, value in settings.items()}
    problems = list(setting_problems(settings))
    if problems:
        raise DataError(problems)
    return replace(DEFAULT, **settings)


def setting_problems(settings: dict[str, object]) -> list[Problem]:
    """Every unknown key and bad value of a settings table, as problems naming the key."""
    problems = [Problem(FILE_NAME, None, key, f"is not a known setting; expected one of: {', '.join(KEYS)}")
                for key in settings if key not in KEYS]
    checks = {
        "programme": (lambda v: isinstance(v, str) and v.strip() != "", "a name in quotes"),
        "focus": (lambda v: isinstance(v, str) and v in FOCUS_WORDING, "one of: " + ", ".join(FOCUS_WORDING)),
        "psych_sessions_offered": (_whole(0, MOST_PSYCH_SESSIONS), f"a whole number from 0 to {MOST_PSYCH_SESSIONS}"),
        "psych_session_hours": (_number(0, MOST_HOURS), f"a number of hours from 0 to {MOST_HOURS}"),
        "planned_mentoring_sessions": (_whole(1, MOST_MENTORING_SESSIONS),
                                       f"a whole number from 1 to {MOST_MENTORING_SESSIONS}"),
    }
    for key, (valid, wording) in checks.items():
        if key in settings and not valid(settings[key]):
            problems.append(Problem(FILE_NAME, None, key, f"{settings[key]!r} is not valid; expected {wording}"))
    return problems


def _whole(low: int, high: int):
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


def _number(low: float, high: float):
    return lambda v: isinstance(v, int | float) and not isinstance(v, bool) and low <= v <= high


def read_region_name(region_folder: Path) -> str:
    """The region's name in words: ``name`` in ``region_folder/region.toml`` where the region gives
    one, else made from the folder's slug (``core.paths.region_title``). Raises ``DataError`` for a
    file that is not TOML, an unknown key or a name that is not text."""
    path = region_folder / REGION_FILE
    if not path.is_file():
        return region_title(region_folder.name)
    shown = f"{region_folder.name}/{REGION_FILE}"
    try:
        settings = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise DataError([Problem(shown, None, None, f"could not be read as TOML settings ({error}); it holds one "
                                 'line, e.g. name = "North East and Yorkshire"')]) from error
    problems = [Problem(shown, None, key, "is not a known setting; expected: name")
                for key in settings if key != "name"]
    name = settings.get("name", "")
    name = INVISIBLE.sub("", name).strip() if isinstance(name, str) else name
    if not isinstance(name, str) or not name or any(not c.isprintable() for c in name):
        problems.append(Problem(shown, None, "name", f"{settings.get('name')!r} is not valid; expected a name in "
                                "quotes, on one line"))
    if problems:
        raise DataError(problems)
    return str(name)
