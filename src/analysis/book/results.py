"""The results table of a sweep: every run's glued scalar values, one row per run × value, for analysts.

A notebook glues its headline values with ``myst_nb.glue(name, value, display=False)``; myst-nb 1.4 stores each
as a ``display_data`` output whose metadata is ``{"scrapbook": {"name": …, "mime_prefix":
"application/papermill.record/"}}`` and whose data is the value's display bundle under that prefix (a ``str``
value: its repr as ``text/plain``). :func:`glued_values` reads them back exactly as the book's pages show them;
:func:`parse_number` turns a number as the book prints it (``"12.3"``, ``"−3.2"``, ``"12.3 %"``, ``"-1.3 pp"``,
``"2.35×"``) into a float and its unit. Text values (sentences, names) keep ``value`` missing.

Columns of the table (:data:`SCHEMA`): ``sweep``, ``run_id``, one column per notebook parameter (its value in
that run), ``name`` (the glue name), ``text`` (what the page shows), ``value`` (float, missing when the text is
not a number), ``unit`` (declared with :func:`glue`, else ``%``, ``pp``, ``×`` as printed, else empty),
``flags`` (Eurostat flags declared with :func:`glue`; empty otherwise: values glued with ``myst_nb.glue`` carry
none).
"""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from analysis.core import config
from analysis.core.storage import atomic_write_bytes, atomic_write_text, csv_bytes

GLUE_PREFIX = "application/papermill.record/"
FIXED_COLUMNS = ("sweep", "run_id", "name", "text", "value", "unit", "flags")
_NUMBER = re.compile(r"^([+\-−]?)(\d+(?:\.\d+)?)\s*(%|pp|×)?$")

SCHEMA = pa.DataFrameSchema(
    {
        "sweep": pa.Column(str),
        "run_id": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]+(__[A-Za-z0-9_-]+)?$")),
        "name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "text": pa.Column(str),
        "value": pa.Column(float, nullable=True),
        "unit": pa.Column(str),
        "flags": pa.Column(str),
    },
    unique=["run_id", "name"],
    strict=False,  # plus one column per parameter of the swept notebook
    coerce=False,
)


def sweeps_dir() -> Path:
    """``_build/sweeps``: one folder per sweep."""
    return config.build_dir() / "sweeps"


def glue_output(name: str, text: str, *, unit: str = "", flags: str = "") -> dict[str, Any]:
    """The notebook output of :func:`glue`: exactly what ``myst_nb.glue(name, text, display=False)`` writes, plus
    ``metadata["analysis"] = {"unit": …, "flags": …}`` (ignored by myst-nb, read by :func:`glued_meta`)."""
    import IPython

    bundle, metadata = IPython.core.formatters.format_display_data(text)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    metadata["analysis"] = {"unit": unit, "flags": flags}
    return {"output_type": "display_data", "data": {GLUE_PREFIX + k: v for k, v in bundle.items()},
            "metadata": metadata}


def glue(name: str, text: str, *, unit: str = "", flags: str = "") -> None:
    """In a notebook: glue a formatted value (``{glue:text}`name``` on the page, as ``myst_nb.glue``) with its
    unit and Eurostat flags for the results table of a sweep."""
    from IPython.display import display

    out = glue_output(name, text, unit=unit, flags=flags)
    display(out["data"], raw=True, metadata=out["metadata"])


def glued_meta(nb: dict[str, Any]) -> dict[str, dict[str, str]]:
    """``{name: {"unit": …, "flags": …}}`` for the values glued with :func:`glue` (others: absent)."""
    out: dict[str, dict[str, str]] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            meta = output.get("metadata", {})
            if "name" in meta.get("scrapbook", {}) and isinstance(meta.get("analysis"), dict):
                out[meta["scrapbook"]["name"]] = {k: str(meta["analysis"].get(k, "")) for k in ("unit", "flags")}
    return out


def glued_values(nb: dict[str, Any]) -> dict[str, str]:
    """The scalar values a notebook glued: ``{name: text}`` in the order glued, the text as the page shows it
    (a glued ``str`` without its quotes). Glued objects that are not text (figures, tables: any mime type other
    than ``text/plain``) are left out. A name glued twice keeps its last value, as myst-nb does."""
    out: dict[str, str] = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if not meta or "name" not in meta:
                continue
            prefix = meta.get("mime_prefix", "")
            data = {k[len(prefix):] if k.startswith(prefix) else k: v for k, v in output.get("data", {}).items()}
            if set(data) != {"text/plain"}:
                continue
            text = data["text/plain"]
            text = "".join(text) if isinstance(text, list) else text
            out.pop(meta["name"], None)
            out[meta["name"]] = _unrepr(text)
    return out


def _unrepr(text: str) -> str:
    """``"'12.3'"`` (the repr IPython stores for a str) → ``"12.3"``; anything else unchanged."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text
        if isinstance(value, str):
            return value
    return text


def parse_number(text: str) -> tuple[float | None, str]:
    """A number as the book prints it → (value, unit). ``"−3.2"`` (typographic minus) → (-3.2, "");
    ``"12.3 %"`` → (12.3, "%"); ``"2.35×"`` → (2.35, "×"); ``"n/a"`` or a sentence → (None, "")."""
    m = _NUMBER.match(text.strip())
    if not m:
        return None, ""
    sign, digits, unit = m.groups()
    value = float(digits)
    return (-value if sign in ("-", "−") else value), unit or ""


def rows_for_run(sweep: str, run_id: str, parameters: dict[str, Any], values: dict[str, str],
                 meta: dict[str, dict[str, str]] | None = None) -> list[dict]:
    """The table rows of one run (one per glued value); ``meta``: units and flags declared with :func:`glue`
    (a declared unit wins over the one printed in the text)."""
    clash = sorted(set(parameters) & set(FIXED_COLUMNS))
    if clash:
        raise ValueError(f"parameter name(s) {clash} clash with the results table's columns")
    rows = []
    for name, text in values.items():
        value, unit = parse_number(text)
        declared = (meta or {}).get(name, {})
        rows.append({"sweep": sweep, "run_id": run_id, **parameters, "name": name, "text": text,
                     "value": value, "unit": declared.get("unit") or unit, "flags": declared.get("flags", "")})
    return rows


def table(sweep: str, runs: list[tuple]) -> pd.DataFrame:
    """The tidy table of a sweep from ``(run id, parameters, glued values[, units and flags])`` of each run,
    sorted by run id and glue name, validated by :data:`SCHEMA`."""
    rows = [row for run in runs for row in rows_for_run(sweep, *run)]
    params = list(dict.fromkeys(k for run in runs for k in run[1]))
    columns = ["sweep", "run_id", *params, "name", "text", "value", "unit", "flags"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["value"] = frame["value"].astype("float64")
    for col in ("sweep", "run_id", "name", "text", "unit", "flags"):
        frame[col] = frame[col].astype(str)
    frame = frame.sort_values(["run_id", "name"], kind="stable").reset_index(drop=True)
    return SCHEMA.validate(frame)


def write(sweep: str, frame: pd.DataFrame, summary_md: str) -> dict[str, Path]:
    """Write ``results.csv``, ``results.parquet`` and ``summary.md`` under ``_build/sweeps/<sweep>/``, each
    atomically. Returns their paths."""
    out = sweeps_dir() / sweep
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    paths = {"csv": out / "results.csv", "parquet": out / "results.parquet", "summary": out / "summary.md"}
    atomic_write_bytes(paths["csv"], csv_bytes(frame))
    atomic_write_bytes(paths["parquet"], buf.getvalue())
    atomic_write_text(paths["summary"], summary_md)
    return paths


def load(sweep: str | Path) -> pd.DataFrame:
    """The results table of a sweep (its name, or its folder) as a DataFrame, validated by :data:`SCHEMA`."""
    folder = Path(sweep) if isinstance(sweep, Path) or "/" in str(sweep) else sweeps_dir() / str(sweep)
    path = folder / "results.parquet"
    if not path.exists():
        known = sorted(p.name for p in sweeps_dir().glob("*") if (p / "results.parquet").exists()) \
            if sweeps_dir().exists() else []
        raise FileNotFoundError(f"no results table at {path}; sweeps with results: {', '.join(known) or 'none'}")
    return SCHEMA.validate(pd.read_parquet(path))
