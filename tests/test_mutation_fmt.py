"""analysis.core.fmt: the defaults and edge cases that the mutation run (issue 16) showed untested. Expected strings are
written by hand."""

from __future__ import annotations

import math

import pytest

from analysis.core import fmt


def test_defaults_are_the_documented_precisions() -> None:
    assert str(fmt.round_half_away(2.5)) == "3"  # default: whole numbers
    assert fmt.num(1234.56) == "1234.6"  # default: one decimal, no thousands separator
    assert fmt.pct(12.65) == "12.7 %" and fmt.pp(28.54) == "28.5 pp"
    assert fmt.signed(1.25) == "+1.3" and fmt.ratio(3.255) == "3.26×"


def test_zero_decimals_print_no_decimal_point() -> None:
    assert fmt.num(2.5, 0) == "3" and fmt.num(-2.5, 0) == "-3"
    assert fmt.pct(12.5, 0) == "13 %" and fmt.pp(-0.5, 0) == "-1 pp"
    assert fmt.num(1234.5, 0, thousands=True) == "1,235" and fmt.num(1234.25, 1, thousands=True) == "1,234.3"


def test_negative_decimals_round_to_tens_without_exponent() -> None:
    assert fmt.num(3175, -1) == "3180" and fmt.num(3175, -1, thousands=True) == "3,180"


def test_negative_zero_is_plain_zero_and_a_rounded_one_keeps_its_value() -> None:
    assert fmt.num(-0.04) == "0.0" and fmt.num(-0.0, 0) == "0"
    assert fmt.num(0.96) == "1.0" and fmt.num(-0.96) == "-1.0"  # |1| is not turned positive
    assert fmt.signed(-0.04) == "0.0" and fmt.signed(0.05) == "+0.1" and fmt.signed(-0.05) == "\u22120.1"


def test_missing_values_are_refused_with_their_reason() -> None:
    with pytest.raises(ValueError, match="cannot round inf"):
        fmt.num(math.inf)
    with pytest.raises(ValueError, match="^p-value is missing$"):
        fmt.pvalue(math.nan)
    with pytest.raises(ValueError, match=r"a p-value lies in \[0, 1\], got -0.1"):
        fmt.pvalue(-0.1)


def test_pvalue_boundary_just_below_a_thousandth() -> None:
    assert fmt.pvalue(0.000999) == "< 0.001" and fmt.pvalue(0.0015) == "0.002"
