"""Felten, Raj & Seamans AI occupational exposure: the xlsx data appendices of AIOE (2021) and of the
language-modelling AIOE (2023).

Each appendix has one row per US occupation (SOC-2010 code ``"NN-NNNN"``) with its title and its score. The scores
are standardised across SOC occupations (mean 0, SD 1, no upper bound): they have no absolute meaning.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: The sheet and score column of each appendix (``aioe``: AIOE_DataAppendix.xlsx; ``lm_aioe``: Language Modeling
#: AIOE and AIIE.xlsx).
SHEETS: dict[str, tuple[str, str]] = {
    "aioe": ("Appendix A", "AIOE"),
    "lm_aioe": ("LM AIOE", "Language Modeling AIOE"),
}


class FeltenFormatError(ValueError):
    """A Felten appendix does not have the sheet columns this module reads."""


def read_felten_scores(path: Path, index: str) -> pd.DataFrame:
    """Read one Felten appendix (``index``: a key of :data:`SHEETS`): columns ``soc`` (SOC-2010 code as text,
    stripped), ``title`` (the occupation title) and ``score`` (float64, standardised), one row per occupation in
    file order."""
    sheet, column = SHEETS[index]
    frame = pd.read_excel(Path(path), sheet_name=sheet)
    for need in ("SOC Code", "Occupation Title", column):
        if need not in frame.columns:
            raise FeltenFormatError(f"Felten {index}: column {need!r} missing; found {list(frame.columns)}")
    return pd.DataFrame({"soc": frame["SOC Code"].astype(str).str.strip(),
                         "title": frame["Occupation Title"].astype(str),
                         "score": frame[column].astype("float64")})
