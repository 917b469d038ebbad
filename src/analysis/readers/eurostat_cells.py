"""One Eurostat cell: ``"12.3 b"`` -> (value, flag). Shared by the TSV/SDMX reader (``eurostat``) and the xlsx
extract reader (``eurostat_xlsx``), which ``eurostat`` wraps: imports go eurostat -> eurostat_xlsx -> here."""

from __future__ import annotations

import math
import re

_CELL = re.compile(r"^\s*(?P<num>[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|:)?\s*(?P<flag>[A-Za-z@|]*)\s*$")


class EurostatFormatError(ValueError):
    """A file does not have the layout its reader expects."""


def split_value_flag(cell: object) -> tuple[float, str]:
    """Split one Eurostat cell into (value, flag).

    ``"12.3 b"`` → (12.3, "b"); ``": "`` → (nan, ""); ``": u"`` → (nan, "u"); ``"7"`` → (7.0, "");
    empty or None → (nan, ""). Raises :class:`EurostatFormatError` on anything else.
    """
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return math.nan, ""
    if isinstance(cell, int | float):
        return float(cell), ""
    text = str(cell).strip()
    if text == "":
        return math.nan, ""
    m = _CELL.match(text)
    if not m or (m.group("num") is None and not m.group("flag")):
        raise EurostatFormatError(f"cannot read Eurostat cell {cell!r}: expected 'number [flag]' or ':'")
    num = m.group("num")
    value = math.nan if num in (None, ":") else float(num)
    return value, m.group("flag") or ""
