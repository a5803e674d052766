"""Rounding as printed reports do it (half away from zero), not Python's banker's rounding."""

from __future__ import annotations

import math
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

RULES = ("exact", "half_up", "truncate")


def round_as_printed(value: float, digits: int = 0, rule: str = "half_up") -> float:
    """``value`` rounded to ``digits`` places by ``rule``: exact, half_up or truncate."""
    if rule not in RULES:
        raise ValueError(f"unknown rounding rule {rule!r}; expected one of {RULES}")
    if rule == "exact" or math.isnan(value):
        return value
    mode = ROUND_HALF_UP if rule == "half_up" else ROUND_DOWN
    quantum = Decimal(1).scaleb(-digits)
    # repr() gives the shortest decimal that round-trips, so 2.675 is treated as printed
    return float(Decimal(repr(value)).quantize(quantum, rounding=mode))


def decimals(value: float, places: int, sign: bool = False) -> str:
    """``value`` to ``places`` decimal places, halves away from zero as printed reports round, never
    "-0.0"; with ``sign``, a "+" before a positive value."""
    rounded = round_as_printed(float(value), places) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"+{rounded:.{places}f}" if sign and rounded > 0 else f"{rounded:.{places}f}"
