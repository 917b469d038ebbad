"""Eloundou et al. (2024), "GPTs are GPTs": the occupation-level file ``occ_level.csv``.

One row per O*NET-SOC 2019 occupation (``"11-1011.03"``; the first seven characters are the SOC 2018 code) with its
title and the exposure measures of the paper; this module reads the β measures rated by GPT-4 (``dv_rating_beta``)
and by humans (``human_rating_beta``), shares of an occupation's tasks on a 0–1 scale.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: The columns this module reads.
CODE = "O*NET-SOC Code"
REQUIRED_COLUMNS: tuple[str, ...] = (CODE, "Title", "dv_rating_beta", "human_rating_beta")


class EloundouFormatError(ValueError):
    """``occ_level.csv`` does not have the columns this module reads."""


def read_eloundou_occupations(path: Path) -> pd.DataFrame:
    """Read ``occ_level.csv`` as published: the O*NET-SOC code and the title as text, the scores as numbers (one
    row per O*NET-SOC occupation, file order, every column of the file kept)."""
    frame = pd.read_csv(Path(path), dtype={CODE: str, "Title": str})
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise EloundouFormatError(f"{path}: missing column(s) {missing}; found {list(frame.columns)}")
    return frame
