"""Occupation code crosswalks: SOC-2010 (US) → ISCO-08 (IBS file built on the BLS crosswalk).

Codes are text: SOC-2010 as ``"NN-NNNN"`` (e.g. ``"11-1011"``), ISCO-08 unit groups as four digits, zero-padded
(``"0110"`` commissioned armed forces officers). The crosswalk is many-to-many: one row per (soc10, isco08) pair.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

CROSSWALK_SCHEMA = pa.DataFrameSchema(
    {
        "soc10": pa.Column(str, pa.Check.str_matches(r"^\d{2}-\d{4}$")),
        "isco08": pa.Column(str, pa.Check.str_matches(r"^\d{4}$")),
    },
    unique=["soc10", "isco08"],
    strict=True,
    ordered=True,
)


class CrosswalkFormatError(ValueError):
    """A crosswalk file does not have the columns or codes its reader expects."""


def _as_text(values: pd.Series) -> pd.Series:
    """Codes stored as int, float (``1112.0``) or text → stripped text without a ``.0`` suffix."""
    if values.isna().any():
        raise CrosswalkFormatError(f"{values.name}: {int(values.isna().sum())} missing codes")
    return values.astype(str).str.strip().str.replace(r"\.0$", "", regex=True)


def normalise_isco08(values: pd.Series) -> pd.Series:
    """ISCO-08 unit-group codes (int ``110``, text ``"0110"``, float ``110.0``) → 4-digit text ``"0110"``."""
    text = _as_text(values)
    bad = text[~text.str.fullmatch(r"\d{1,4}")]
    if len(bad):
        raise CrosswalkFormatError(f"{values.name}: not an ISCO-08 4-digit code: {bad.iloc[0]!r}")
    return text.str.zfill(4)


def normalise_soc10(values: pd.Series) -> pd.Series:
    """SOC-2010 codes (int ``111011``, text ``"111011"`` or ``"11-1011"``) → ``"11-1011"``."""
    text = _as_text(values)
    digits = text.str.replace("-", "", n=1, regex=False)
    bad = text[~(text.str.fullmatch(r"\d{6}") | text.str.fullmatch(r"\d{2}-\d{4}"))]
    if len(bad):
        raise CrosswalkFormatError(f"{values.name}: not a SOC-2010 code: {bad.iloc[0]!r}")
    return digits.str[:2] + "-" + digits.str[2:]


def read_soc_isco_crosswalk(path: Path) -> pd.DataFrame:
    """Read the IBS SOC-2010 → ISCO-08 crosswalk (Stata ``soc10_isco08.dta``).

    Returns columns ``soc10`` (``"NN-NNNN"``) and ``isco08`` (4-digit text), one row per distinct pair,
    sorted. The file stores both codes as integers (so armed-forces ISCO codes such as 110 lose their leading
    zero, restored here).
    """
    raw = pd.read_stata(Path(path), convert_categoricals=False)
    missing = sorted({"soc10", "isco08"} - set(raw.columns))
    if missing:
        raise CrosswalkFormatError(f"{path}: missing column(s) {missing}; found {list(raw.columns)}")
    pairs = pd.DataFrame({"soc10": normalise_soc10(raw["soc10"]), "isco08": normalise_isco08(raw["isco08"])})
    pairs = pairs.drop_duplicates().sort_values(["soc10", "isco08"], ignore_index=True)
    return CROSSWALK_SCHEMA.validate(pairs)
