"""Text from the data is never markup and never a formula.

Every data-derived string (answers, themes, file names) is escaped before it reaches HTML, and
free-text cells of CSV files people open in a spreadsheet are neutralised (data contract, section 4).
"""

from __future__ import annotations

import html

import pandas as pd

#: Cells beginning with these run as formulas in Excel, LibreOffice and Google Sheets (the contract
#: names = + - @; tab and carriage return are the OWASP additions that some spreadsheets also honour).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_html(text: object) -> str:
    """``text`` as HTML text: ``<``, ``>``, ``&`` and both quotes escaped."""
    return html.escape(str(text), quote=True)


def neutralise_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'``; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` whose text cells cannot run as spreadsheet formulas (numbers untouched)."""
    text = [c for c in table.columns if table[c].dtype == object or isinstance(table[c].dtype, pd.StringDtype)]
    return table.assign(**{c: table[c].map(neutralise_cell) for c in text}) if text else table.copy()
