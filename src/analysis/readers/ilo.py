"""ILO generative-AI exposure scores by ISCO-08 unit group (Gmyrek et al. 2023 and 2025 indices).

The ILO file has one row per task (``Task_ISCO``) of each 4-digit occupation with the task's exposure score for
each index (``score_2023``, ``score_2025``; 0 = no exposure, 1 = fully exposed) and, repeated on every task row,
the occupation's mean and standard deviation of the task scores (``mean_score_*``, ``SD_*``, rounded to two
decimals) and its 2025 exposure gradient (``potential25``). Scores are shares on a 0–1 scale, not percentages.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.readers.crosswalk import normalise_isco08

#: The 2025 index's exposure categories (``potential25``), least to most exposed.
GRADIENT_ORDER: list[str] = [
    "Not Exposed",
    "Minimal Exposure",
    "Exposed: Gradient 1",
    "Exposed: Gradient 2",
    "Exposed: Gradient 3",
    "Exposed: Gradient 4",
]
INDEX_VERSIONS: tuple[int, int] = (2023, 2025)

#: Columns of the ILO file this module reads.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "ISCO_08", "Title", "taskID", "score_2023", "score_2025",
    "mean_score_2023", "mean_score_2025", "SD_2023", "SD_2025", "potential25",
)
#: Columns that must be the same on every task row of an occupation.
_PER_OCCUPATION: tuple[str, ...] = ("Title", "mean_score_2023", "mean_score_2025", "SD_2023", "SD_2025",
                                    "potential25")
#: The published means are rounded to 2 decimals: they must equal the mean of the task scores within this.
_ROUNDING_TOLERANCE = 0.0051

ILO_SCHEMA = pa.DataFrameSchema(
    {
        "isco08": pa.Column(str, pa.Check.str_matches(r"^\d{4}$")),
        "title": pa.Column(str),
        "index_version": pa.Column("int64", pa.Check.isin(INDEX_VERSIONS)),
        "mean": pa.Column("float64", pa.Check.in_range(0, 1)),
        "sd": pa.Column("float64", pa.Check.ge(0), nullable=True),
        "gradient": pa.Column(str, pa.Check.isin(["", *GRADIENT_ORDER])),
        "n_tasks": pa.Column("int64", pa.Check.gt(0)),
    },
    unique=["isco08", "index_version"],
    strict=True,
    ordered=True,
)

ILO_TASKS_SCHEMA = pa.DataFrameSchema(
    {
        "isco08": pa.Column(str, pa.Check.str_matches(r"^\d{4}$")),
        "task_id": pa.Column("int64"),
        "score_2023": pa.Column("float64", pa.Check.in_range(0, 1), nullable=True),
        "score_2025": pa.Column("float64", pa.Check.in_range(0, 1), nullable=True),
    },
    unique=["isco08", "task_id"],
    strict=True,
    ordered=True,
)


class IloFormatError(ValueError):
    """The ILO scores file does not have the layout or the regularities this module relies on."""


def is_exposed_gradient(label: str) -> bool:
    """True for ``Exposed: Gradient 1``–``4``; False for ``Not Exposed``, ``Minimal Exposure`` and ``""``."""
    if label != "" and label not in GRADIENT_ORDER:
        raise ValueError(f"unknown ILO exposure gradient {label!r}; expected one of {GRADIENT_ORDER}")
    return label.startswith("Exposed: Gradient")


def _load_tasks(path: Path) -> pd.DataFrame:
    """The file's task rows with ``isco08`` normalised, after checking columns and per-task uniqueness."""
    raw = pd.read_excel(Path(path), sheet_name=0)
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise IloFormatError(f"{path}: missing column(s) {missing}; found {list(raw.columns)}")
    empty = [c for c in REQUIRED_COLUMNS if not c.startswith("score_") and raw[c].isna().any()]
    if empty:
        raise IloFormatError(f"{path}: empty cells in column(s) {empty}")
    raw = raw.assign(isco08=normalise_isco08(raw["ISCO_08"]))
    if raw.duplicated(["isco08", "taskID"]).any():
        raise IloFormatError(f"{path}: a (ISCO_08, taskID) pair appears twice")
    return raw


def _check_occupations(tasks: pd.DataFrame) -> None:
    """Assert the per-occupation columns are constant, gradients known and means consistent with tasks."""
    groups = tasks.groupby("isco08")
    for column in _PER_OCCUPATION:
        varying = groups[column].nunique(dropna=False)
        if (varying > 1).any():
            raise IloFormatError(f"{column} differs between the task rows of occupation "
                                 f"{varying[varying > 1].index[0]}")
    unknown = set(tasks["potential25"]) - set(GRADIENT_ORDER)
    if unknown:
        raise IloFormatError(f"unknown potential25 label(s) {sorted(unknown)}; expected {GRADIENT_ORDER}")
    for version in INDEX_VERSIONS:
        gap = (groups[f"score_{version}"].mean() - groups[f"mean_score_{version}"].first()).abs()
        if (gap > _ROUNDING_TOLERANCE).any():
            raise IloFormatError(f"mean_score_{version} of occupation {gap.idxmax()} is not the mean of its "
                                 f"task scores (off by {gap.max():.3f})")


def read_ilo_scores(path: Path) -> pd.DataFrame:
    """Read the ILO scores file into one row per occupation × index version.

    Columns: ``isco08`` (4-digit text), ``title``, ``index_version`` (2023 or 2025), ``mean`` and ``sd`` (the
    occupation's mean and standard deviation of task exposure scores, 0–1 scale, as published), ``gradient``
    (the 2025 ``potential25`` category; ``""`` on 2023 rows, whose index labels tasks, not occupations) and
    ``n_tasks`` (task rows of the occupation). Sorted by isco08, index_version.
    """
    tasks = _load_tasks(path)
    _check_occupations(tasks)
    occ = tasks.groupby("isco08", sort=True).agg(
        title=("Title", "first"), n_tasks=("taskID", "size"), gradient=("potential25", "first"),
        mean_2023=("mean_score_2023", "first"), mean_2025=("mean_score_2025", "first"),
        sd_2023=("SD_2023", "first"), sd_2025=("SD_2025", "first"),
    ).reset_index()
    versions = [
        occ.assign(index_version=v, mean=occ[f"mean_{v}"], sd=occ[f"sd_{v}"],
                   gradient=occ["gradient"] if v == 2025 else "")
        for v in INDEX_VERSIONS
    ]
    out = pd.concat(versions, ignore_index=True).sort_values(["isco08", "index_version"], ignore_index=True)
    out = out[list(ILO_SCHEMA.columns)].astype(
        {"title": "str", "gradient": "str", "index_version": "int64", "mean": "float64", "sd": "float64",
         "n_tasks": "int64"})
    return ILO_SCHEMA.validate(out)


def read_ilo_tasks(path: Path) -> pd.DataFrame:
    """Read the task-level scores: ``isco08``, ``task_id``, ``score_2023``, ``score_2025`` (0–1; NaN = unscored).

    Sorted by isco08, task_id.
    """
    tasks = _load_tasks(path)
    out = pd.DataFrame({
        "isco08": tasks["isco08"],
        "task_id": tasks["taskID"].astype("int64"),
        "score_2023": tasks["score_2023"].astype("float64"),
        "score_2025": tasks["score_2025"].astype("float64"),
    }).sort_values(["isco08", "task_id"], ignore_index=True)
    return ILO_TASKS_SCHEMA.validate(out)
