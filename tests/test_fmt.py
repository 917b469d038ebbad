"""The one rounding rule: half away from zero, to the precision shown (as Eurostat publishes)."""

from __future__ import annotations

import math

import pytest

from analysis.core import fmt


@pytest.mark.parametrize(("x", "decimals", "expected"), [
    (19.95, 1, "20.0"),     # Python's f"{19.95:.1f}" gives 19.9
    (13.45, 1, "13.5"),
    (12.64, 1, "12.6"),
    (-0.25, 1, "-0.3"),     # away from zero, not up
    (0.05, 1, "0.1"),
    (2.5, 0, "3"),
    (-2.5, 0, "-3"),
    (3175, -1, "3.18E+3"),  # tens (Decimal keeps its exponent; num() below prints it)
])
def test_round_half_away(x, decimals, expected):
    assert str(fmt.round_half_away(x, decimals)) == expected


def test_round_rejects_missing():
    with pytest.raises(ValueError, match="missing"):
        fmt.round_half_away(math.nan, 1)


def test_formats():
    assert fmt.num(19.95) == "20.0"
    assert f"{19.95:.1f}" == "19.9"  # the bug this module exists for
    assert fmt.num(-0.04) == "0.0"   # no negative zero
    assert fmt.pct(12.64) == "12.6 %"
    assert fmt.pp(28.525, 2) == "28.53 pp"
    assert fmt.ratio(3.255) == "3.26×"
    assert fmt.signed(0.325, 2, "pp") == "+0.33 pp"
    assert fmt.signed(-1.35) == "\u22121.4"
    assert fmt.signed(0.04) == "0.0"
    assert fmt.count(3175) == "3,175"
    assert fmt.num(3175.5, 0, thousands=True) == "3,176"


@pytest.mark.parametrize(("p", "text"), [(0.0, "< 0.001"), (0.00082, "< 0.001"), (0.001, "0.001"),
                                          (0.0425, "0.043"), (1.0, "1.000")])
def test_pvalue(p, text):
    assert fmt.pvalue(p) == text


def test_pvalue_rejects_out_of_range():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        fmt.pvalue(1.2)
