"""Every rule of the data contract, applied to a cohort's files at once.

``validate_cohort`` either returns the raw (text) tables or raises ``DataError`` listing every
problem of every file, each naming the file, the spreadsheet row(s) and the column.

A rule broken on many rows is one problem listing its rows and a few of the offending values
(data contract, section 3), built from whole columns at once: the schemas' checks and the
cross-file rules are evaluated with pandas on whole columns, never walked row by row, so
validation is linear in the number of rows and a file with millions of bad rows costs little
more than a valid one.

A valid cohort can still leave part of the report empty (a column absent, nobody answered, a
``columns.toml`` header not found): those are ``RawCohort.warnings``, printed by ``validate`` with
how each header was read (``summary_lines``), never errors (data contract, sections 3 and 7).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pandera.pandas as pa

from rm_research.contract.columns import (
    BOOKKEEPING_COLUMN,
    MAPPING,
    NO_MAPPING,
    UNRECOGNISED,
    WORDING,
    ColumnMapping,
    HeaderMatch,
    closest_header,
    near_misses,
    read_mapping,
    unfound,
)
from rm_research.contract.programme import DEFAULT as DEFAULT_PROGRAMME
from rm_research.contract.programme import Programme, read_programme
from rm_research.contract.schemas import schema_for
from rm_research.contract.spec import FILES, SPEC, ColumnSpec
from rm_research.core.problems import MAX_FUZZY_CHOICES, MAX_LINES_PER_FILE, DataError, Problem, closest, quoted
from rm_research.ingest.read import hidden_first_sheet, read_matched, scan_folder, shown

#: The columns the report's sections are computed from (``ColumnSpec.feeds``), and the section each
#: feeds: a column absent, or one nobody answered, leaves that part of the report empty (data
#: contract, section 3).
REPORT_COLUMNS: Final[dict[str, dict[str, ColumnSpec]]] = {
    file.name: {column.name: column for column in file.columns if column.feeds} for file in FILES
    if any(column.feeds for column in file.columns)}
#: At most this many headers are listed in each group of ``summary_lines``; the rest are counted.
MAX_HEADERS_LISTED: Final = 12
#: Headers longer than this are cut short when listed.
MAX_HEADER_SHOWN: Final = 90


@dataclass(frozen=True)
class RawCohort:
    """The cohort's tables as validated text, the files they came from, every other name in the
    cohort's folder (never read), how each file's headers were read (``columns``), the column
    mapping files read, and ``warnings``: what the report will lack, and mapped headers not found."""

    tables: dict[str, pd.DataFrame]
    files: dict[str, Path]
    ignored: tuple[str, ...] = ()
    programme: Programme = DEFAULT_PROGRAMME
    columns: dict[str, HeaderMatch] = field(default_factory=dict)
    mapping_files: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = ()


def validate_cohort(folder: Path, psych_offered: int | None = None) -> RawCohort:
    """Read and check every contract file in ``folder``, its ``programme.toml`` and the cohort's and
    region's ``columns.toml``; raise ``DataError`` listing all problems. ``psych_offered`` overrides
    the programme's ``psych_sessions_offered`` for this run."""
    contents = scan_folder(folder)
    tables, files, problems = {}, {}, list(contents.problems)
    mapping = read_mapping(folder) if folder.is_dir() else NO_MAPPING
    problems += mapping.problems
    matches: dict[str, HeaderMatch] = {}
    try:
        programme = read_programme(folder) if folder.is_dir() else DEFAULT_PROGRAMME
    except DataError as error:
        programme, problems = DEFAULT_PROGRAMME, problems + error.problems
    if psych_offered is not None:
        programme = replace(programme, psych_sessions_offered=psych_offered)
    psych_offered = programme.psych_sessions_offered
    if psych_offered == 0 and "psych_sessions" in contents.files:
        problems.append(Problem(contents.files.pop("psych_sessions").name, None, None,
                                "the programme offered no psychological sessions (psych_sessions_offered = 0 in "
                                "programme.toml), so there can be no attendance log; remove the file or correct "
                                "the setting"))
    for name, path in contents.files.items():
        try:
            table, matches[name] = read_matched(path, mapping)
        except DataError as error:
            problems += error.problems
            continue
        found = schema_problems(table, schema_for(name, psych_offered), shown(path.name))
        problems += with_near_misses(found, matches[name])
        files[name] = path
        if not any(p.row is None or p.row == 1 for p in found):  # usable for cross-file checks
            tables[name] = table
    problems += cross_file_problems(tables, files)
    if problems:
        raise DataError(problems)
    warnings = (sheet_warnings(files) + mapping_warnings(matches, mapping, files)
                + section_warnings(tables, files, matches, programme))
    return RawCohort(tables, files, contents.ignored, programme, matches, mapping.files, tuple(warnings))


def with_near_misses(problems: list[Problem], match: HeaderMatch) -> list[Problem]:
    """``problems`` with a "did you mean" on each missing required column that an unrecognised
    header is close to ('particpant_id' for participant_id)."""
    near = {column: text for text, column in near_misses(match).items()}
    return [replace(p, message=f"{p.message}; did you mean the column headed '{shown(near[p.column])}'? (rename it "
                    f"{p.column}, or name it in columns.toml)")
            if p.row == 1 and p.column in near and p.message.startswith("this required column is missing") else p
            for p in problems]


def sheet_warnings(files: dict[str, Path]) -> list[Problem]:
    """A warning for each workbook whose first sheet, the one read, is hidden (``ingest.read.hidden_first_sheet``)."""
    return [Problem(shown(path.name), None, None, f"its first sheet, '{shown(sheet)}', is hidden, and is the sheet "
                    "read (an .xlsx is read from its first sheet); if the data are on another sheet, move that "
                    "sheet to the front, or delete the hidden one")
            for path in files.values() if (sheet := hidden_first_sheet(path)) is not None]


def mapping_warnings(matches: dict[str, HeaderMatch], mapping: ColumnMapping, files: dict[str, Path]) -> list[Problem]:
    """A warning for each column a ``columns.toml`` maps that no header of its file is read as: a
    header mistyped in the mapping (with the header of the file it is close to) or a question the
    file does not have."""
    warnings = []
    for name, match in matches.items():
        for entry in unfound(match, mapping):
            near = closest_header(match, entry.headers)
            hint = f"; did you mean '{shown(near)}'?" if near else ""
            warnings.append(Problem(shown(files[name].name), None, entry.column,
                                    f"{entry.source} reads {quoted(entry.headers, len(entry.headers), 'headers')} "
                                    f"as this column, but the file has no such header{hint}"))
    return warnings


def section_warnings(tables: dict[str, pd.DataFrame], files: dict[str, Path], matches: dict[str, HeaderMatch],
                     programme: Programme = DEFAULT_PROGRAMME) -> list[Problem]:
    """A warning for each column a report section is computed from (``REPORT_COLUMNS``) that a
    supplied file lacks, or that nobody answered: the cohort is valid, but that part of the report
    will be empty (data contract, section 3). The questions about psychological sessions are not
    expected of a programme that offered none."""
    warnings = []
    for name, columns in REPORT_COLUMNS.items():
        if name not in tables:
            continue
        near = {column: text for text, column in near_misses(matches[name]).items()} if name in matches else {}
        for column, spec in columns.items():
            if spec.about_psych_sessions and not programme.offers_psych_sessions:
                continue
            wording, section = spec.wording, spec.feeds
            if column not in tables[name]:
                asked = f" (\"{wording}\")" if wording else ""
                hint = f"; did you mean the column headed '{shown(near[column])}'?" if column in near else ""
                message = f"there is no such column{asked}, so the report will have no figures for it ({section}){hint}"
            elif tables[name][column].isna().all():
                message = f"nobody answered it, so the report will have no figures for it ({section})"
            else:
                continue
            warnings.append(Problem(shown(files[name].name), None, column, message))
    return warnings


def summary_lines(raw: RawCohort) -> list[str]:
    """What ``validate`` prints about a valid cohort's headers, file by file: those matched by question
    wording or by ``columns.toml``, the survey-tool bookkeeping columns dropped, the headers not
    recognised (with the contract column each is close to); then the warnings. Files whose every
    header is a contract column's name add nothing."""
    lines = [f"column mapping read from {', '.join(raw.mapping_files)}"] if raw.mapping_files else []
    for name, match in raw.columns.items():
        near = near_misses(match)
        matched = (*match.by(WORDING), *match.by(MAPPING))
        width = max((len(h.column or "") for h in matched), default=0)
        dropped = match.by(BOOKKEEPING_COLUMN)
        groups = [
            ("matched by question wording", [f"{h.column:<{width}} <- {_header(h.text)}" for h in match.by(WORDING)]),
            ("matched by columns.toml",
             [f"{h.column:<{width}} <- {_header(h.text)} ({h.source})" for h in match.by(MAPPING)]),
            ("dropped, never read", [", ".join(shown(h.text) for h in dropped if h.source == tool)
                                     + f" ({tool} bookkeeping)" for tool in dict.fromkeys(h.source for h in dropped)]),
            ("not recognised, kept but not used",
             [_header(h.text) + (f" (did you mean {near[h.text]}?)" if h.text in near else "")
              for h in match.by(UNRECOGNISED)]),
        ]
        counts = {"dropped, never read": len(dropped)}
        listed = [(title, items) for title, items in groups if items]
        if not listed:
            continue
        lines.append(f"{shown(raw.files[name].name)}:")
        for title, items in listed:
            lines.append(f"  {title} ({counts.get(title, len(items))}):")
            lines += [f"    {item}" for item in items[:MAX_HEADERS_LISTED]]
            if len(items) > MAX_HEADERS_LISTED:
                lines.append(f"    ... and {len(items) - MAX_HEADERS_LISTED} more")
    if raw.warnings:
        lines.append(f"{len(raw.warnings)} warning(s): the report can be made, but:")
        for file in dict.fromkeys(warning.file for warning in raw.warnings):
            found = [warning for warning in raw.warnings if warning.file == file]
            lines += [f"  - {warning}" for warning in found[:MAX_LINES_PER_FILE]]
            if len(found) > MAX_LINES_PER_FILE:
                lines.append(f"  - {file}: {len(found) - MAX_LINES_PER_FILE} more warning(s) not shown")
    return lines


def _header(text: str) -> str:
    """A header as listed: quoted, control characters escaped, a long question cut short."""
    text = shown(text)
    return f"'{text if len(text) <= MAX_HEADER_SHOWN else text[:MAX_HEADER_SHOWN - 1] + chr(0x2026)}'"


def schema_problems(table: pd.DataFrame, schema: pa.DataFrameSchema, file: str) -> list[Problem]:
    """``table`` checked against the pandera ``schema``, one ``Problem`` per column and rule.

    The schema declares the rules (required, filled in, unique, and each check with its wording);
    they are evaluated here column by column, keeping one boolean mask at a time. pandera's own
    ``validate(lazy=True)`` materialises every failure case first: for two million bad rows that
    took 33 s and 1.3 GB before a single message could be written.
    """
    problems = []
    for name, column in schema.columns.items():
        if name not in table:
            if column.required:
                problems.append(Problem(file, 1, name, "this required column is missing from the header row"))
            continue
        values = table[name]
        filled = values.notna()
        if not column.nullable and not filled.all():
            problems.append(Problem.on_rows(file, _rows(values.index[~filled]), name,
                                            "is blank, but this column must be filled in on every row"))
        if column.unique:
            repeated = values[filled & values.duplicated(keep=False)]
            if not repeated.empty:
                problems.append(_grouped(file, repeated, name, "{} appears on more than one row; it must be unique",
                                         "{} each appear on more than one row; each must be unique"))
        present = values[filled]
        for check in column.checks:
            bad = present[~check(present).check_output.to_numpy(dtype=bool)]
            if not bad.empty:
                problems.append(_grouped(file, bad, name, f"{{}} is not valid; expected {check.name}",
                                         f"{{}} are not valid; expected {check.name}"))
    return problems


def _grouped(file: str, cells: pd.Series, column: str, one: str, several: str, noun: str = "values") -> Problem:
    """One problem for every row of ``cells``, quoting a few of the distinct offending values."""
    values = pd.unique(cells.astype(str))
    text = quoted(values, len(values), noun)
    return Problem.on_rows(file, _rows(cells.index), column, (one if len(values) == 1 else several).format(text))


def cross_file_problems(tables: dict[str, pd.DataFrame], files: dict[str, Path]) -> list[Problem]:
    """The rules that span files: known participants and pairs (mentees, for the team's feedback), pair
    make-up, unique sessions and the other rows a file may hold once (``FileSpec.once_per``), and each
    person's benefit ranks running 1, 2, ... (``_rank_gaps``)."""
    if "participants" not in tables:
        return []
    people = tables["participants"]
    problems = list(_pair_make_up(people, files["participants"].name))
    known_ids = people["participant_id"].dropna().unique()
    known_pairs = people["pair_id"].dropna().unique() if "pair_id" in people else np.array([], dtype=object)
    mentees = people.loc[people["role"].astype(str).str.casefold().eq("mentee"), "participant_id"].dropna().unique()
    known = {"pair_id": (known_pairs, "as a pair_id in participants"), "participant_id": (known_ids, "in participants"),
             "mentee_id": (mentees, "as a mentee in participants")}
    for name, table in tables.items():
        spec = SPEC[name]
        if name == "participants" or (not spec.by_pair and spec.keyed_by is None):
            continue
        codes, where = known[spec.key]
        problems += _unknown(table, spec.key, codes, files[name].name, where)
    for file in FILES:
        if file.numbered is not None:
            number, what = file.numbered
            problems += _repeated(tables.get(file.name), [file.key, number], files.get(file.name), what)
        if file.once_per is not None:
            problems += _repeated(tables.get(file.name), list(file.once_per[0]), files.get(file.name),
                                  file.once_per[1])
    if "benefit_ranking" in tables:
        problems += _rank_gaps(tables["benefit_ranking"], files["benefit_ranking"].name)
    return problems


def _rank_gaps(ranking: pd.DataFrame, file: str) -> Iterator[Problem]:
    """A person whose benefit ranks are not 1, 2, ..., m for the m benefits they ranked (a rank repeated
    or skipped: data contract, section 8), one problem naming their rows and the ranks given."""
    ranks = pd.to_numeric(ranking["rank"], errors="coerce")
    for person, group in ranks.groupby(ranking["participant_id"], sort=False):
        given = sorted(int(r) for r in group.dropna())
        if group.isna().any() or given == list(range(1, len(given) + 1)):
            continue  # a blank or a non-number is the schema's problem, named there
        shown = ", ".join(str(r) for r in given)
        yield Problem.on_rows(file, _rows(group.index), "rank",
                              f"participant {quoted([person], 1)} gave the ranks {shown}: the {len(given)} benefits a "
                              f"person ranked take the ranks 1 to {len(given)}, each once (none repeated or skipped)")


def _rows(index: pd.Index) -> np.ndarray:
    return index.to_numpy(dtype=np.int64) + 2  # spreadsheet rows: header is row 1 (problems.spreadsheet_row)


def _unknown(table: pd.DataFrame, key: str, known: np.ndarray, file: str, where: str) -> Iterator[Problem]:
    codes = table[key]
    unknown = codes[codes.notna() & ~codes.isin(known)]
    if not unknown.empty:
        hint = _codes_meant(pd.unique(unknown.astype(str))[:3], known).replace("{", "{{").replace("}", "}}")
        yield _grouped(file, unknown, key, f"{{}} is not listed {where}{hint}; correct the code or enrol them first",
                       f"{{}} are not listed {where}{hint}; correct the codes or enrol them first", "codes")


def _codes_meant(shown_codes: np.ndarray, known: np.ndarray) -> str:
    """A hint, " (did you mean 'MR01'?)", for the quoted unknown codes that are close to a known one ('MR1',
    'mr01'); the codes are the cohort's pseudonyms, printed only to the evaluator's own terminal.
    Past ``MAX_FUZZY_CHOICES`` known codes nothing is suggested, to keep a huge file's check fast."""
    if len(known) > MAX_FUZZY_CHOICES:
        return ""
    choices = [str(code) for code in known]
    meant = [(code, closest(code, choices)) for code in shown_codes]
    meant = [(code, near) for code, near in meant if near is not None and near != code]
    if not meant:
        return ""
    if len(shown_codes) == 1:
        return f" (did you mean {quoted([meant[0][1]], 1)}?)"
    return " (did you mean " + ", ".join(f"{quoted([near], 1)} for {quoted([code], 1)}" for code, near in meant) + "?)"


def _repeated(table: pd.DataFrame | None, keys: list[str], path: Path | None, what: str) -> Iterator[Problem]:
    """Rows whose values in ``keys`` repeat another row's (numbers, ``*_no``, compared as numbers), named
    on the last key; with more than two keys, the repeated combination is quoted."""
    if table is None or path is None or not set(keys) <= set(table.columns):
        return
    values = pd.concat([pd.to_numeric(table[key], errors="coerce") if key.endswith("_no") else table[key]
                        for key in keys], axis=1).dropna()
    duplicated = values.duplicated(keep=False)
    rows = duplicated[duplicated].index
    if rows.empty:
        return
    shown = table.loc[rows, keys[-1]] if len(keys) <= 2 else \
        table.loc[rows, keys].astype(str).agg(" / ".join, axis=1)
    yield _grouped(path.name, shown, keys[-1], f"{{}} is repeated: each {what} may appear only once",
                   f"{{}} are repeated: each {what} may appear only once")


def _pair_make_up(people: pd.DataFrame, file: str) -> Iterator[Problem]:
    """Pairs without exactly one mentor and one mentee, one problem per make-up found."""
    if "pair_id" not in people:
        return
    paired = people.dropna(subset=["pair_id"])
    roles = paired["role"].str.casefold()
    counts = pd.DataFrame({"mentors": roles.eq("mentor"), "mentees": roles.eq("mentee"),
                           "pair": paired["pair_id"]}).groupby("pair", sort=False).sum()
    wrong = counts[(counts["mentors"] != 1) | (counts["mentees"] != 1)]
    if wrong.empty:
        return
    pair_of_row = paired["pair_id"]
    for (mentors, mentees), group in wrong.groupby(["mentors", "mentees"], sort=True):
        pairs = group.index.to_numpy()
        make_up = f"{mentors} mentor(s) and {mentees} mentee(s)"
        message = (f"pair {quoted(pairs, 1)} has {make_up}" if len(pairs) == 1 else
                   f"pairs {quoted(pairs, len(pairs), 'pairs')} each have {make_up}")
        rows = _rows(pair_of_row.index[pair_of_row.isin(pairs)])
        yield Problem.on_rows(file, rows, "pair_id", f"{message}; each pair needs exactly one mentor and one mentee")
