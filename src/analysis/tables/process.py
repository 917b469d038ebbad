"""``python -m analysis process``: raw files → tidy, validated tables in ``data/processed/``.

Each table is declared once in :data:`TABLES` (name, builder, sources read, pandera schema, metadata after OWID:
description, unit, processing note). ``process`` builds every table in memory and validates it **before**
writing anything, so that a bad input leaves ``data/processed/`` exactly as it was; then each CSV and its
``.meta.json`` sidecar are written atomically. Same inputs → same bytes (rows sorted by their key).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.core import config
from analysis.core.cache import table_key
from analysis.core.storage import atomic_write_bytes, csv_bytes, json_text, remove_stale_temporaries, sha256_bytes
from analysis.readers import eurostat
from analysis.readers.annexes import ACTIONS_SCHEMA, DIALOGUES_SCHEMA, load_actions, load_dialogues
from analysis.readers.ilo import ILO_SCHEMA, read_ilo_scores
from analysis.readers.sources import load_registry, raw_path, read_provenance, verified_raw


@dataclass(frozen=True)
class Table:
    """A processed table: how it is built and what it means."""

    name: str
    build: Callable[[], pd.DataFrame]
    sources: tuple[str, ...]
    schema: pa.DataFrameSchema
    key: tuple[str, ...]
    description: str
    unit: str
    processing: str
    columns: dict[str, str] = field(default_factory=dict)
    #: How to read the CSV back with its intended dtypes (default: :func:`read_processed_csv`).
    read: Callable[[Path], pd.DataFrame] | None = None


def raw_file(source_id: str, file: int | str = 0) -> tuple[Path, str]:
    """The path and declared format of one fetched file of source ``source_id`` (``sources.yml``).

    ``file`` is the file's position in the source's ``files`` list (default: the first) or its declared name
    (e.g. ``"occ_level.csv"``). Every table builder reads its raw inputs through this function: the file returned
    is the one ``python -m analysis fetch`` verified (raises :class:`~analysis.readers.sources.FetchError` naming
    the fix if it was never fetched or was changed since); a name the source does not declare raises
    ``FileNotFoundError`` listing the declared names."""
    files = load_registry().get(source_id).files
    if isinstance(file, str):
        names = [f.name for f in files]
        if file not in names:
            raise FileNotFoundError(f"{source_id}: no file {file!r} declared in sources.yml (declared: {names})")
        file = names.index(file)
    f = files[file]
    return verified_raw(source_id, f.name), f.format


# ---------------------------------------------------------------- ai_adoption
AI_COLUMNS = ["dataset", "indicator", "unit", "size_class", "nace", "geo", "year", "value", "flag"]


def _from_eurostat_dims(frame: pd.DataFrame, dataset: str) -> pd.DataFrame:
    out = frame.rename(columns={"indic_is": "indicator", "size_emp": "size_class", "nace_r2": "nace"})
    out["dataset"] = dataset
    return out[AI_COLUMNS]


def read_isoc_eb_ai() -> pd.DataFrame:
    """isoc_eb_ai (bulk TSV, plain or gzip) in the ``ai_adoption`` columns. Values: % of enterprises."""
    path, _ = raw_file("eurostat-isoc_eb_ai")
    return _from_eurostat_dims(eurostat.read_bulk_tsv(path), "isoc_eb_ai")


def read_isoc_eb_ain2() -> pd.DataFrame:
    """isoc_eb_ain2 in the ``ai_adoption`` columns, from the mirror's tidy transcription or Eurostat's TSV."""
    path, fmt = raw_file("eurostat-isoc_eb_ain2")
    head = path.read_bytes()[:200]
    if fmt == "tidy-csv" and not head.startswith(b"\x1f\x8b") and b"\\TIME_PERIOD" not in head:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame = raw[["nace_r2", "size_emp", "indic_is", "unit", "geo", "year"]].copy()
        frame["value"] = pd.to_numeric(raw["value"].str.strip().replace("", None), errors="raise")
        frame["flag"] = raw["flag"].str.strip()
        frame = eurostat.typed_columns(frame, ["nace_r2", "size_emp", "indic_is", "unit", "geo"])
    else:  # the official bulk TSV downloaded from Eurostat
        frame = eurostat.read_bulk_tsv(path)
    return _from_eurostat_dims(frame, "isoc_eb_ain2")


def build_ai_adoption() -> pd.DataFrame:
    return pd.concat([read_isoc_eb_ai(), read_isoc_eb_ain2()], ignore_index=True)


_flag = pa.Column(str, pa.Check.str_matches(r"^[a-zA-Z@|]*$"))
AI_SCHEMA = pa.DataFrameSchema(
    {
        "dataset": pa.Column(str, pa.Check.isin(["isoc_eb_ai", "isoc_eb_ain2"])),
        "indicator": pa.Column(str, pa.Check.str_matches(r"^E_AI_\w+$")),
        "unit": pa.Column(str, pa.Check.str_matches(r"^PC_\w+$")),
        "size_class": pa.Column(str),
        "nace": pa.Column(str),
        "geo": pa.Column(str),
        "year": pa.Column("int64", pa.Check.in_range(2015, 2100)),
        "value": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
        "flag": _flag,
    },
    unique=["dataset", "indicator", "unit", "size_class", "nace", "geo", "year"],
    strict=True,
    ordered=True,
)

# ---------------------------------------------------------------- labels
LABEL_COLUMNS = ["dimension", "code", "label", "note"]


def build_labels() -> pd.DataFrame:
    """Eurostat's English labels. The official codelist download is another layout (SDMX): then the table is
    empty and the book shows codes instead of labels (said on the Data sources page)."""
    path, _ = raw_file("eurostat-codelists")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, sep=None, engine="python")
    if not set(LABEL_COLUMNS) <= set(raw.columns):
        return pd.DataFrame({c: pd.Series(dtype=str) for c in LABEL_COLUMNS})
    return raw[LABEL_COLUMNS]


LABELS_SCHEMA = pa.DataFrameSchema(
    {"dimension": pa.Column(str), "code": pa.Column(str), "label": pa.Column(str), "note": pa.Column(str)},
    unique=["dimension", "code"], strict=True, ordered=True,
)

# ---------------------------------------------------------------- employment
EMP_COLUMNS = ["isco08", "geo", "year", "value_thousands", "flag"]


def build_employment_by_occupation() -> pd.DataFrame:
    """lfsa_egai2d: employed persons 15-74, thousands, by ISCO-08 (OC0…OC9, OC01…OC96, NRP, TOTAL)."""
    path, _ = raw_file("eurostat-lfsa_egai2d")
    frame = eurostat.read_sdmx_csv(path)
    for col, expected in (("age", "Y15-74"), ("sex", "T"), ("unit", "THS_PER")):
        found = set(frame[col].unique())
        if found != {expected}:
            raise ValueError(f"lfsa_egai2d: expected {col} == {expected!r} only, found {sorted(found)}")
    return frame.rename(columns={"value": "value_thousands"})[EMP_COLUMNS]


EMP_SCHEMA = pa.DataFrameSchema(
    {
        "isco08": pa.Column(str, pa.Check.str_matches(r"^(OC\d{1,2}|NRP|TOTAL)$")),
        "geo": pa.Column(str),
        "year": pa.Column("int64", pa.Check.in_range(2000, 2100)),
        "value_thousands": pa.Column(float, pa.Check.ge(0), nullable=True),
        "flag": _flag,
    },
    unique=["isco08", "geo", "year"], strict=True, ordered=True,
)

EMP_SECTOR_COLUMNS = ["isco08", "nace", "geo", "year", "value_thousands", "flag"]


def build_employment_by_occupation_sector() -> pd.DataFrame:
    """lfsa_eisn2 extract: employed persons 15+, thousands, by ISCO-08 major group × NACE section."""
    path, _ = raw_file("eurostat-lfsa_eisn2")
    if path.read_bytes()[:2] == b"PK":  # the Data Browser extract (xlsx) held by the mirror
        frame = eurostat.read_custom_extract_xlsx(path)
    else:  # the official SDMX-CSV of the whole dataset: keep the extract's selection
        frame = eurostat.read_sdmx_csv(path)
        keep = (frame["sex"] == "T") & (frame["age"] == "Y_GE15") & (frame["unit"] == "THS_PER")
        frame = frame.loc[keep & frame["isco08"].str.fullmatch(r"OC\d") & frame["nace_r2"].str.fullmatch(r"[A-U]")]
    frame = frame.rename(columns={"nace_r2": "nace", "value": "value_thousands"})
    return frame[EMP_SECTOR_COLUMNS]


EMP_SECTOR_SCHEMA = pa.DataFrameSchema(
    {
        "isco08": pa.Column(str, pa.Check.str_matches(r"^(OC\d{1,2}|NRP|TOTAL)$")),
        "nace": pa.Column(str),
        "geo": pa.Column(str),
        "year": pa.Column("int64", pa.Check.in_range(2000, 2100)),
        "value_thousands": pa.Column(float, pa.Check.ge(0), nullable=True),
        "flag": _flag,
    },
    unique=["isco08", "nace", "geo", "year"], strict=True, ordered=True,
)


# ---------------------------------------------------------------- exposure (ILO)
def build_exposure_ilo() -> pd.DataFrame:
    path, _ = raw_file("ilo-genai-isco08")
    return read_ilo_scores(path)


# ---------------------------------------------------------------- annexes
def build_dialogues() -> pd.DataFrame:
    return load_dialogues()


def build_actions() -> pd.DataFrame:
    return load_actions()


TABLES: list[Table] = [
    Table("ai_adoption", build_ai_adoption, ("eurostat-isoc_eb_ai", "eurostat-isoc_eb_ain2"), AI_SCHEMA,
          ("dataset", "indicator", "unit", "size_class", "nace", "geo", "year"),
          "Enterprises using artificial intelligence, by indicator (AI technology or barrier), unit, size class, "
          "NACE activity, country and year.",
          "% (of the enterprises named by `unit`: PC_ENT = all enterprises of the survey's scope)",
          "Eurostat bulk TSV / tidy transcription read cell by cell: ':' → missing (empty), 'v f' → value and flag; "
          "dimensions renamed (indic_is → indicator, size_emp → size_class, nace_r2 → nace); freq dropped. "
          "Values as published, not rounded.",
          {"dataset": "Eurostat dataset code", "indicator": "indic_is code (see labels.csv)",
           "unit": "unit code (PC_ENT: % of enterprises)", "size_class": "size_emp code (10-249 = SMEs)",
           "nace": "NACE Rev.2 aggregate (C10-S951_X_K = all activities in scope)", "geo": "Eurostat geo code",
           "year": "survey year", "value": "percentage; empty = not available", "flag": "Eurostat flag"}),
    Table("labels", build_labels, ("eurostat-codelists",), LABELS_SCHEMA, ("dimension", "code"),
          "Eurostat's English labels of the isoc_eb_ai codes.", "text",
          "Copied as published.", {}),
    Table("employment_by_occupation", build_employment_by_occupation, ("eurostat-lfsa_egai2d",), EMP_SCHEMA,
          ("isco08", "geo", "year"),
          "Employed persons aged 15-74 by ISCO-08 occupation (1- and 2-digit), country and year.",
          "thousand persons",
          "SDMX-CSV read row by row; age Y15-74, sex T and unit THS_PER asserted and dropped; empty OBS_VALUE → "
          "missing, OBS_FLAG kept.",
          {"isco08": "OC1…OC9/OC0 (major groups), OC11…OC96 (sub-major groups), NRP (no response), TOTAL",
           "value_thousands": "thousand persons; empty = not available"}),
    Table("employment_by_occupation_sector", build_employment_by_occupation_sector, ("eurostat-lfsa_eisn2",),
          EMP_SECTOR_SCHEMA, ("isco08", "nace", "geo", "year"),
          "Employed persons aged 15+ by ISCO-08 major group × NACE Rev.2 section, country and year (no EU27 "
          "aggregate in the source extract).",
          "thousand persons",
          "Eurostat custom-extract xlsx, one sheet per NACE section × ISCO major group, read sheet by sheet; "
          "country labels mapped to geo codes; ':' → missing, flags kept.",
          {"isco08": "OC1…OC9, OC0", "nace": "NACE Rev.2 section letter (or TOTAL)"}),
    Table("exposure_ilo", build_exposure_ilo, ("ilo-genai-isco08",), ILO_SCHEMA,
          ("isco08", "index_version"),
          "ILO generative-AI exposure score of each ISCO-08 unit group (4-digit), 2023 and 2025 indices.",
          "score 0-1 (mean of task scores)",
          "Task rows aggregated per occupation: the file's own mean and SD columns (asserted constant within "
          "an occupation), the 2025 gradient label, and the number of task rows.",
          {"mean": "mean task score, 0-1", "sd": "standard deviation of task scores",
           "gradient": "ILO 2025 exposure gradient (2025 rows only)", "n_tasks": "task rows"}),
    Table("dialogues", build_dialogues, (), DIALOGUES_SCHEMA, ("dialogue_id",),
          "The structured dialogues of Annex 1 of COM(2025) 723 (hand transcription, committed).",
          "participants: persons (approximate, as stated)",
          "Transcribed from the French annex with the seed line of each row; translations are ours.", {},
          read=load_dialogues),
    Table("actions", build_actions, (), ACTIONS_SCHEMA, ("action_id",),
          "The Commission's AI actions with target dates, Annex 3 of COM(2025) 723 (hand transcription).",
          "deadline: quarter or year",
          "Transcribed from the French annex; deadlines parsed into year, quarter and open-ended flag.", {},
          read=load_actions),
]


#: Tables declared by the chapter modules (their ``PROCESSED_TABLES = process.declare([...])``), in import order.
_DECLARED: dict[str, Table] = {}


def declare(tables: list[Table]) -> list[Table]:
    """Register the processed tables a chapter module declares; returns them (``PROCESSED_TABLES``).

    A chapter's tables are known once its module is imported: the ``process`` command imports every chapter
    module first (``analysis.chapters.registry.load_all``)."""
    for table in tables:
        _DECLARED[table.name] = table
    return list(tables)


def all_tables() -> list[Table]:
    """The foundation's tables, then those declared by the chapter modules imported so far."""
    return [*TABLES, *(t for name, t in _DECLARED.items() if name not in {f.name for f in TABLES})]


def table_names() -> list[str]:
    return [t.name for t in all_tables()]


def get_table(name: str) -> Table:
    for t in all_tables():
        if t.name == name:
            return t
    raise KeyError(f"unknown processed table {name!r}; known: {', '.join(table_names())} (a chapter's tables are "
                   "known once its module is imported: analysis.chapters.registry.load_all())")


def _sort(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.DataFrame:
    return frame.sort_values(list(key), kind="mergesort").reset_index(drop=True)


def sources_meta(table: Table) -> list[dict]:
    """The sources of a table as its ``.meta.json`` lists them: producer, title, attribution, licence, address and,
    per fetched file, its sha256, pin and vintage (the committed annex transcriptions for a table without sources)."""
    registry = load_registry()
    out = []
    for sid in table.sources:
        src = registry.get(sid)
        files = []
        for f in src.files:
            prov = read_provenance(sid, f.name)
            files.append({"file": f.name, "sha256": prov["sha256"], "pinned": prov["pinned"],
                          "vintage": prov["vintage"]})
        out.append({"id": sid, "producer": src.producer, "title": src.title, "attribution": src.attribution,
                    "licence": src.licence, "url": src.url, "files": files})
    if not table.sources:
        out.append({"id": "strategy-annexes", "producer": "European Commission",
                    "title": "Annexes to COM(2025) 723 final, Apply AI Strategy (8 October 2025)",
                    "attribution": "Source: European Commission, COM(2025) 723, Annexes 1 and 3",
                    "licence": "© European Union, reuse authorised (Commission Decision 2011/833/EU)",
                    "files": [{"file": f"data/raw/strategy/{table.name}.csv"}]})
    return out


def table_inputs(table: Table) -> list[Path]:
    """The raw files a table is built from (fetched files of its sources; the annex transcriptions otherwise)."""
    if not table.sources:
        return sorted(config.strategy_dir().glob("*.csv"))
    registry = load_registry()
    return [raw_path(sid, f.name) for sid in table.sources for f in registry.get(sid).files]


def is_current(table: Table, key: str) -> bool:
    """True when the table's CSV and sidecar exist, the CSV is intact and was built with ``key``."""
    import json

    path = config.processed_dir() / f"{table.name}.csv"
    meta_path = path.with_suffix(".meta.json")
    if not (path.exists() and meta_path.exists()):
        return False
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    return meta.get("build_key") == key and meta.get("sha256") == sha256_bytes(path.read_bytes())


def build_table(table: Table, key: str = "") -> tuple[bytes, bytes]:
    """Build, validate and serialise one table: returns (csv bytes, meta json bytes). Writes nothing."""
    frame = table.build()
    frame = table.schema.validate(frame)
    frame = _sort(frame, table.key)
    data = csv_bytes(frame)
    meta = {
        "table": table.name,
        "file": f"{table.name}.csv",
        "description": table.description,
        "unit": table.unit,
        "processing": table.processing,
        "columns": {c: table.columns.get(c, "") for c in frame.columns},
        "rows": len(frame),
        "missing_values": {c: int(frame[c].isna().sum()) for c in frame.columns if frame[c].isna().any()},
        "sha256": sha256_bytes(data),
        "sources": sources_meta(table),
        "built_by": f"analysis.tables.process ({table.build.__module__}.{table.build.__name__})",
        "build_key": key,
    }
    return data, json_text(meta).encode("utf-8")


def process(names: list[str] | None = None, log=print, force: bool = False) -> dict[str, Path]:
    """Build every (or the named) processed table; validate all, then write all atomically.

    A table whose raw inputs and code are unchanged since it was written is skipped (``force`` rebuilds)."""
    for stale in remove_stale_temporaries(config.processed_dir()):
        log(f"removed {stale.name}, left by an interrupted build")
    chosen = [get_table(n) for n in names] if names else all_tables()
    registry = load_registry()
    for sid in sorted({sid for t in chosen for sid in t.sources}):  # what is read is what was verified
        for f in registry.get(sid).files:
            verified_raw(sid, f.name)
    keys = {t.name: table_key(table_inputs(t), [t.build.__module__]) for t in chosen}
    todo = [t for t in chosen if force or not is_current(t, keys[t.name])]
    for t in chosen:
        if t not in todo:
            log(f"up to date {t.name}.csv")
    built = {t.name: build_table(t, keys[t.name]) for t in todo}  # any error here leaves data/processed untouched
    out: dict[str, Path] = {}
    for name, (data, meta) in built.items():
        path = config.processed_dir() / f"{name}.csv"
        atomic_write_bytes(path, data)
        atomic_write_bytes(path.with_suffix(".meta.json"), meta)
        rows = data.count(b"\n") - 1
        log(f"processed {name}.csv  ({rows} rows)")
        out[name] = path
    return out


def load(name: str) -> pd.DataFrame:
    """Read a processed table with its intended dtypes (text stays text: '0110', 'NA' for Namibia)."""
    table = get_table(name)
    path = config.processed_dir() / f"{table.name}.csv"
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `python -m analysis process` (or `make book`)")
    return table.read(path) if table.read else read_processed_csv(path, _schema_dtypes(table))


def _schema_dtypes(table: Table) -> dict[str, str]:
    """Column dtypes declared by a table's pandera schema (``int64``, ``float64``, ``bool``…)."""
    columns = getattr(table.schema, "columns", {}) or {}
    return {name: str(col.dtype) for name, col in columns.items() if col.dtype is not None}


def read_processed_csv(path: Path, dtypes: dict[str, str] | None = None) -> pd.DataFrame:
    """Read a processed CSV: text stays text; columns the schema declares numeric or boolean get that type
    (empty = NaN); otherwise the usual numeric column names are typed."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    dtypes = dtypes or {}
    for col in frame.columns:
        declared = dtypes.get(col, "")
        if declared.startswith(("int", "float")):
            numbers = pd.to_numeric(frame[col].replace("", None))
            frame[col] = numbers.astype("float64" if numbers.isna().any() or declared.startswith("float")
                                        else declared)
        elif declared == "bool":
            frame[col] = frame[col].map({"True": True, "False": False, "true": True, "false": False})
        elif col in ("year", "n_tasks", "index_version", "participants", "deadline_year"):
            frame[col] = pd.to_numeric(frame[col]).astype("int64")
        elif col in ("value", "value_thousands", "mean", "sd"):
            frame[col] = pd.to_numeric(frame[col].replace("", None)).astype("float64")
    return frame
