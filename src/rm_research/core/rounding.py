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
