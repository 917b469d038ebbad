"""The book's one rounding rule and the number formats its sentences, tables, figure labels and claims use.

Eurostat publishes percentages rounded half away from zero (19.95 → 20.0, -0.25 → -0.3). Python's ``round`` and
``f"{x:.1f}"`` round the binary float half to even (``f"{19.95:.1f}"`` gives ``19.9``), so every number a reader
sees goes through :func:`round_half_away` on the value's shortest decimal representation, here and nowhere else.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["round_half_away", "num", "pct", "pp", "ratio", "pvalue", "signed", "count"]


def round_half_away(x: float, decimals: int = 0) -> Decimal:
    """``x`` rounded half away from zero to ``decimals`` decimals (``decimals`` may be negative: -1 → tens).

    Works on the shortest decimal representation of the float (``repr``), so 13.45 → 13.5, not the binary
    float's 13.4. Raises ``ValueError`` for NaN or infinity: missing is not a number to round.
    """
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError(f"cannot round {x!r}: a missing or infinite value has no rounded form")
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def num(x: float, decimals: int = 1, *, thousands: bool = False) -> str:
    """``x`` as text at ``decimals`` decimals, half away from zero (``-0.0`` shown as ``0.0``).

    ``thousands=True`` groups digits with a comma (``3,175``).
    """
    d = round_half_away(x, decimals)
    if d == 0:
        d = abs(d)
    if thousands:
        return f"{d:,.{max(decimals, 0)}f}"
    return f"{d:.{max(decimals, 0)}f}"


def pct(x: float, decimals: int = 1) -> str:
    """A percentage (unit: percent, 0-100) as ``12.6 %``."""
    return f"{num(x, decimals)} %"


def pp(x: float, decimals: int = 1) -> str:
    """A difference of percentages (unit: percentage points) as ``28.5 pp``."""
    return f"{num(x, decimals)} pp"


def signed(x: float, decimals: int = 1, unit: str = "") -> str:
    """A change with its sign (``+0.3``, ``−1.4``, ``0.0``), a typographic minus, and an optional unit."""
    text = num(x, decimals)
    if text.startswith("-"):
        text = "\u2212" + text[1:]
    elif round_half_away(x, decimals) != 0:
        text = "+" + text
    return f"{text} {unit}".rstrip()


def ratio(x: float, decimals: int = 2) -> str:
    """A ratio (unitless) as ``3.26×``."""
    return f"{num(x, decimals)}\u00d7"


def count(n: int) -> str:
    """A count with thousands separators (``3,175``)."""
    return f"{int(n):,}"


def pvalue(p: float) -> str:
    """A p-value as readers expect it: ``< 0.001`` below one in a thousand, else three decimals (``0.042``)."""
    p = float(p)
    if math.isnan(p):
        raise ValueError("p-value is missing")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"a p-value lies in [0, 1], got {p!r}")
    if p < 0.001:
        return "< 0.001"
    return num(p, 3)
