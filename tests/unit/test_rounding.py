import math

import pytest

from rm_research.core.rounding import round_as_printed


@pytest.mark.parametrize(("value", "digits", "rule", "printed"), [
    (2.5, 0, "half_up", 3.0),          # banker's rounding would give 2
    (0.5, 0, "half_up", 1.0),
    (54.545454, 0, "half_up", 55.0),   # 6 of 11, printed 55% in seeds/002
    (2.675, 2, "half_up", 2.68),       # binary float is 2.67499..., as printed it is 2.675
    (72.727272, 0, "truncate", 72.0),
    (10 / 3, 0, "exact", 10 / 3),
])
def test_round_as_printed(value, digits, rule, printed):
    assert round_as_printed(value, digits, rule) == printed


def test_nan_and_unknown_rule():
    assert math.isnan(round_as_printed(float("nan")))
    with pytest.raises(ValueError, match="unknown rounding rule"):
        round_as_printed(1.0, 0, "bankers")
