"""US Bureau of Labor Statistics, Occupational Employment and Wage Statistics (OEWS): the national file
(``national_May2021_dl.csv``), one row per SOC 2018 occupation or group with its employment (``TOT_EMP``,
persons)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def parse_bls_employment(raw: pd.DataFrame) -> pd.Series:
    """BLS OEWS national file (read as text) → US employment (persons) by SOC code, detailed occupations only.

    ``TOT_EMP`` is printed with thousands separators; ``**`` (estimate not released) and ``#`` become NaN.
    Returns a float Series named ``us_employment`` indexed by ``OCC_CODE`` (``"NN-NNNN"``).
    """
    detailed = raw[raw["O_GROUP"].str.strip() == "detailed"]
    text = detailed["TOT_EMP"].astype(str).str.strip().str.replace(",", "", regex=False)
    values = pd.to_numeric(text.where(text.str.fullmatch(r"\d+(\.\d+)?"), None), errors="raise").astype("float64")
    out = pd.Series(values.to_numpy(), index=detailed["OCC_CODE"].str.strip().to_numpy(), name="us_employment")
    if out.index.duplicated().any():
        raise ValueError(f"BLS OEWS: SOC code {out.index[out.index.duplicated()][0]!r} appears twice")
    return out.sort_index()


def read_bls_employment(path: Path) -> pd.Series:
    """Read the OEWS national CSV (every cell as text, nothing taken for missing) and return
    :func:`parse_bls_employment` of it: persons by SOC 2018 code."""
    return parse_bls_employment(pd.read_csv(Path(path), dtype=str, keep_default_na=False))
