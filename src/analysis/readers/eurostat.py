"""Readers for Eurostat's file formats, each returning one tidy long table.

Every reader returns the dimensions as text columns, then ``year`` (int), ``value`` (float, NaN where Eurostat
prints ``:`` or nothing) and ``flag`` (text, ``""`` when there is none). Flags are data, never dropped:
``b`` break in series, ``u`` low reliability, ``c``/``@C``/``|C`` confidential, ``e`` estimated,
``p`` provisional, ``d`` definition differs.
"""

from __future__ import annotations

import gzip
import io
import math
from pathlib import Path

import pandas as pd

from analysis.readers.eurostat_cells import EurostatFormatError, split_value_flag
from analysis.readers.eurostat_xlsx import read_extract

#: Eurostat's flag letters and what they mean (for captions and notes).
FLAG_MEANINGS: dict[str, str] = {
    "b": "break in time series",
    "c": "confidential",
    "@C": "confidential",
    "|C": "confidential",
    "d": "definition differs",
    "e": "estimated",
    "p": "provisional",
    "u": "low reliability",
    "z": "not applicable",
}

def _open_text(path: Path) -> str:
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8-sig")


def read_bulk_tsv(path: Path) -> pd.DataFrame:
    """Read a Eurostat bulk TSV (plain or gzip) into a tidy table.

    The first header cell is ``dim1,dim2,…,geo\\TIME_PERIOD``; the other header cells are periods (annual).
    Returns the dimension columns, ``year`` (int), ``value`` (float; NaN for ``:``) and ``flag`` (str).
    """
    text = _open_text(path)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise EurostatFormatError(f"{path}: empty file")
    header = lines[0].split("\t")
    if "\\" not in header[0]:
        raise EurostatFormatError(
            f"{path}: not a Eurostat bulk TSV (first header cell {header[0]!r} lacks 'dims\\TIME_PERIOD')"
        )
    dims = header[0].split("\\")[0].split(",")
    periods = [h.strip() for h in header[1:]]
    try:
        years = [int(p) for p in periods]
    except ValueError as exc:
        raise EurostatFormatError(f"{path}: only annual periods are supported, got {periods}") from exc
    records: list[tuple] = []
    for lineno, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        keys = cells[0].split(",")
        if len(keys) != len(dims) or len(cells) != len(periods) + 1:
            raise EurostatFormatError(f"{path}, line {lineno}: expected {len(dims)} keys and "
                                      f"{len(periods)} values, got {len(keys)} and {len(cells) - 1}")
        for year, cell in zip(years, cells[1:], strict=True):
            try:
                value, flag = split_value_flag(cell)
            except EurostatFormatError as exc:
                raise EurostatFormatError(f"{path}, line {lineno}: {exc}") from None
            records.append((*keys, year, value, flag))
    frame = pd.DataFrame.from_records(records, columns=[*dims, "year", "value", "flag"])
    return typed_columns(frame, dims)


def read_sdmx_csv(path: Path) -> pd.DataFrame:
    """Read a Eurostat SDMX-CSV file into a tidy table.

    Keeps the dimension columns between ``LAST UPDATE`` (or ``DATAFLOW``) and ``TIME_PERIOD``; ``OBS_VALUE``
    becomes ``value`` (float), ``OBS_FLAG`` (and a ``CONF_STATUS`` such as ``C``) becomes ``flag``.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    required = {"TIME_PERIOD", "OBS_VALUE"}
    if not required <= set(frame.columns):
        raise EurostatFormatError(f"{path}: not an SDMX-CSV file (missing {sorted(required - set(frame.columns))})")
    meta = {"DATAFLOW", "LAST UPDATE", "freq", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG", "CONF_STATUS"}
    dims = [c for c in frame.columns if c not in meta]
    values = frame["OBS_VALUE"].str.strip()
    bad = values[(values != "") & (values != ":") & pd.to_numeric(values, errors="coerce").isna()]
    if len(bad):
        raise EurostatFormatError(f"{path}: non-numeric OBS_VALUE {bad.iloc[0]!r}")
    flag = frame.get("OBS_FLAG", pd.Series("", index=frame.index)).str.strip()
    if "CONF_STATUS" in frame.columns:
        conf = frame["CONF_STATUS"].str.strip()
        flag = flag.where(conf == "", flag + conf.map(lambda c: f"@{c}" if c else ""))
    out = frame[dims].copy()
    out["year"] = frame["TIME_PERIOD"].str.strip()
    out["value"] = pd.to_numeric(values.replace(":", ""), errors="coerce")
    out["flag"] = flag
    return typed_columns(out, dims)


def read_custom_extract_xlsx(path: Path) -> pd.DataFrame:
    """Read a Eurostat Data Browser custom extract (xlsx, one sheet per combination of dimensions).

    Each data sheet has a block of ``Label: code``-style header lines naming the fixed dimensions, then a table
    of ``TIME`` × ``GEO`` where each period column is followed by a flag column. Returns the fixed dimensions
    of each sheet (by their codes where known), ``geo`` (labels mapped to Eurostat geo codes), ``year``,
    ``value`` and ``flag``.
    """
    return read_extract(Path(path))


def typed_columns(frame: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """A tidy Eurostat frame with its types set, in place: the ``dims`` columns stripped text, ``year`` int64,
    ``value`` float64 (NaN = not available), ``flag`` text. Returns the frame with a fresh index."""
    for col in dims:
        frame[col] = frame[col].astype(str).str.strip()
    frame["year"] = pd.to_numeric(frame["year"], errors="raise").astype("int64")
    frame["value"] = frame["value"].astype("float64")
    frame["flag"] = frame["flag"].astype(str)
    return frame.reset_index(drop=True)


def to_tsv_bytes(frame: pd.DataFrame) -> bytes:
    """Serialise a tidy table back into Eurostat's bulk TSV layout (used for tiny test fixtures)."""
    dims = [c for c in frame.columns if c not in ("year", "value", "flag")]
    wide = frame.assign(cell=[(":" if math.isnan(v) else f"{v:g}") + (f" {f}" if f else " ")
                              for v, f in zip(frame["value"], frame["flag"], strict=True)])
    table = wide.pivot_table(index=dims, columns="year", values="cell", aggfunc="first")
    buf = io.StringIO()
    buf.write(",".join(dims) + "\\TIME_PERIOD\t" + "\t".join(f"{y} " for y in table.columns) + "\n")
    for key, row in table.iterrows():
        key = key if isinstance(key, tuple) else (key,)
        buf.write(",".join(key) + "\t" + "\t".join(row.fillna(": ")) + "\n")
    return buf.getvalue().encode()
