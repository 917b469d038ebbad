"""The registry of official sources (``sources.yml``) and ``fetch``.

``fetch`` brings each file of a source into ``data/raw/<id>/`` from the offline mirror
(``$ANALYSIS_DATA_MIRROR/<id>/<name>``) or, when the variable is unset, from the official ``download_url``
(through pooch), verifies its sha256 against the registry, and writes a provenance JSON beside it.

Rules:
- a **mirror** file must be the pinned one: any other checksum stops with :class:`ChecksumError`;
- a **download** that differs from the pin is a newer vintage (or the whole file where the mirror holds a
  subset): accepted and recorded as unpinned in its provenance, unless ``strict`` (CI) refuses it;
  ``update=True`` pins the new checksum in ``sources.yml``;
- a **download** must look like its declared format before anything is written or pinned (not an HTML error
  page served with status 200, a gzip that decompresses, an xlsx that opens, a table that parses):
  :func:`check_format`;
- nothing is written to ``data/raw`` unless the file verified; writes are atomic;
- every reader of a raw file goes through :func:`verified_raw`, which refuses a file that is not the one
  verified at fetch time (checksum against the provenance and ``sources.yml``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from analysis.core import config
from analysis.core.storage import atomic_write_bytes, atomic_write_json, atomic_write_text, sha256_file
from analysis.core.yamlio import read_yaml
from analysis.readers import eurostat

FileFormat = Literal[
    "eurostat-tsv", "eurostat-sdmx-csv", "eurostat-extract-xlsx", "tidy-csv", "labels-csv",
    "ilo-xlsx", "felten-xlsx", "csv", "stata",
]


class SourceFile(BaseModel):
    """One file of a source, pinned by its sha256."""

    model_config = ConfigDict(extra="forbid")
    name: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    download_url: str
    format: FileFormat
    layout: str


class Source(BaseModel):
    """Origin metadata of one source (after OWID's ``Origin``)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    producer: str
    title: str
    citation: str
    attribution: str
    licence: str
    url: str
    vintage: str
    date_accessed: str
    coverage: str
    gaps: str
    files: list[SourceFile] = Field(min_length=1)


class Registry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sources: list[Source]

    def get(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(f"unknown source id {source_id!r}; known: {', '.join(self.ids())}")

    def ids(self) -> list[str]:
        return [s.id for s in self.sources]


class FetchError(RuntimeError):
    """A file could not be fetched or verified; the message says what to do."""


class ChecksumError(FetchError):
    """A file's sha256 differs from the one pinned in ``sources.yml``."""


@dataclass(frozen=True)
class FetchResult:
    source_id: str
    name: str
    path: Path
    origin: Literal["mirror", "download", "cached"]
    sha256: str
    pinned: bool


def load_registry(path: Path | None = None) -> Registry:
    """Read and validate ``sources.yml``."""
    path = path or config.sources_file()
    data = read_yaml(path)
    registry = Registry.model_validate(data)
    dupes = {i for i in registry.ids() if registry.ids().count(i) > 1}
    if dupes:
        raise ValueError(f"{path}: duplicate source ids {sorted(dupes)}")
    return registry


def raw_path(source_id: str, name: str) -> Path:
    """Where a fetched file lives: ``data/raw/<id>/<name>``."""
    return config.raw_dir() / source_id / name


def provenance_path(source_id: str, name: str) -> Path:
    return raw_path(source_id, name).with_name(raw_path(source_id, name).name + ".provenance.json")


def _provenance(source: Source, f: SourceFile, origin: str, sha: str, location: str) -> dict:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    pinned = sha == f.sha256
    return {
        "source_id": source.id,
        "file": f.name,
        "producer": source.producer,
        "title": source.title,
        "citation": source.citation,
        "attribution": source.attribution,
        "licence": source.licence,
        "url": source.url,
        "download_url": f.download_url,
        "layout": f.layout,
        "obtained_from": origin,
        "location": location,
        "retrieved_at": now,
        "sha256": sha,
        "sha256_pinned": f.sha256,
        "pinned": pinned,
        "vintage": source.vintage if pinned else f"newer than pinned vintage {source.vintage} (retrieved {now[:10]})",
    }


#: Smallest plausible size of a fetched data file, bytes (an error page or an empty body is smaller).
MIN_BYTES = 32


def _fetch_hint(source_id: str) -> str:
    return f"run `python -m analysis fetch {source_id}` to fetch and verify it again"


def verified_raw(source_id: str, name: str) -> Path:
    """The path of a fetched raw file, after proving it is the file verified by ``fetch``.

    Its sha256 must equal the one recorded in its provenance at verification, and, when that provenance says
    "pinned", the one pinned in ``sources.yml``. Raises :class:`FetchError` naming the fix otherwise (a file
    truncated, edited or replaced after fetching; a pin changed since)."""
    path = raw_path(source_id, name)
    prov = read_provenance(source_id, name)
    if not path.is_file():
        raise FetchError(f"{path} is missing (its provenance is there): {_fetch_hint(source_id)}")
    found = sha256_file(path)
    if found != prov.get("sha256"):
        raise FetchError(
            f"{path} is not the file that was verified when it was fetched:\n"
            f"  verified sha256 {prov.get('sha256')}\n  found sha256    {found}\n"
            f"It was truncated, edited or replaced since. Nothing was processed: {_fetch_hint(source_id)}.")
    pinned = next((f.sha256 for f in load_registry().get(source_id).files if f.name == name), None)
    if prov.get("pinned") and found != pinned:
        raise FetchError(
            f"{path} was verified against a pin that sources.yml no longer holds (pinned now: {pinned}, "
            f"file: {found}). Nothing was processed: {_fetch_hint(source_id)}.")
    return path


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip()[:200].lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<html" in start or b"<body" in start


def check_format(path: Path, fmt: str, content_type: str = "") -> None:
    """Refuse a file that is not what its declared ``fmt`` says (raises :class:`FetchError`).

    Checks, in order: the HTTP content type (``text/html`` is an error page), a minimum size
    (:data:`MIN_BYTES`), that a gzip decompresses, that an xlsx opens, that the content is not HTML, and that
    the table parses with the reader ``process`` uses (Eurostat TSV / SDMX-CSV) or as a CSV."""
    import gzip
    import zipfile

    import pandas as pd

    path = Path(path)
    what = f"{path.name} ({fmt})"
    if content_type.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml"):
        raise FetchError(f"{what}: the server sent an HTML page (Content-Type {content_type}), not the data file; "
                         "probably an error or login page. Nothing was written or pinned.")
    size = path.stat().st_size
    if size < MIN_BYTES:
        raise FetchError(f"{what}: only {size} bytes, too small to be the data file. Nothing was written or pinned.")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise FetchError(f"{what}: a gzip file that does not decompress ({exc}); the download is damaged "
                             "or incomplete. Nothing was written or pinned.") from None
    first = raw.split(b"\n", 1)[0]
    if raw[:2] == b"PK":
        if not (fmt.endswith("xlsx")):
            raise FetchError(f"{what}: a zip/xlsx file where {fmt} was expected. Nothing was written or pinned.")
        try:
            with zipfile.ZipFile(path) as zf:
                if "[Content_Types].xml" not in zf.namelist():
                    raise zipfile.BadZipFile("no [Content_Types].xml")
        except zipfile.BadZipFile as exc:
            raise FetchError(f"{what}: not an xlsx workbook that opens ({exc}). Nothing was written or pinned.") \
                from None
        return
    if fmt in ("ilo-xlsx", "felten-xlsx"):
        raise FetchError(f"{what}: not an xlsx workbook (no zip signature"
                         + ("; it is an HTML page" if _looks_like_html(raw[:512]) else "")
                         + "). Nothing was written or pinned.")
    if _looks_like_html(raw[:512]):
        raise FetchError(f"{what}: an HTML page, not the data file (an error page served with status 200?). "
                         "Nothing was written or pinned.")
    if fmt == "stata":
        return
    # the table must parse with the reader `process` uses for this layout
    if b"\\TIME_PERIOD" in first or b"\\time" in first:
        kind = "a Eurostat TSV"
    elif first.startswith(b"DATAFLOW"):
        kind = "a Eurostat SDMX-CSV"
    else:
        kind = "a Eurostat TSV" if fmt == "eurostat-tsv" else "a CSV"
    try:
        if kind == "a Eurostat TSV":
            if b"\t" not in first or b"\\" not in first:
                raise ValueError("its first line is not a Eurostat header such as 'freq,geo\\TIME_PERIOD<TAB>2024'")
            frame = eurostat.read_bulk_tsv(path)
        elif kind == "a Eurostat SDMX-CSV":
            frame = eurostat.read_sdmx_csv(path)
        else:
            import io

            frame = pd.read_csv(io.BytesIO(raw), dtype=str, sep=None, engine="python", nrows=1000)
        if len(frame) == 0:
            raise ValueError("no rows")
    except Exception as exc:  # any parser error: the file does not parse into its table
        raise FetchError(f"{what}: not {kind} that parses into its table ({type(exc).__name__}: {exc}). "
                         "Nothing was written or pinned.") from None


def _is_current(source_id: str, f: SourceFile) -> bool:
    """True when the raw file and its provenance are in place and the file still has the pinned checksum."""
    target, prov = raw_path(source_id, f.name), provenance_path(source_id, f.name)
    return target.exists() and prov.exists() and sha256_file(target) == f.sha256


def _from_mirror(mirror: Path, source: Source, f: SourceFile) -> FetchResult:
    src = mirror / source.id / f.name
    if not src.is_file():
        raise FetchError(
            f"{src} is missing from the offline mirror {mirror}.\n"
            f"Either point {config.MIRROR_ENV} at a directory laid out as <source id>/<file name> "
            f"(on these machines: ../shared/data), or unset it to download from {f.download_url}."
        )
    with tempfile.TemporaryDirectory(dir=_tmp_parent()) as tmp:
        staged = Path(tmp) / f.name
        shutil.copyfile(src, staged)
        sha = sha256_file(staged)
        if sha != f.sha256:
            raise ChecksumError(
                f"checksum mismatch for {src}:\n  expected (sources.yml) {f.sha256}\n  found (mirror file)    {sha}\n"
                "The mirror file is corrupted, truncated or a different vintage. Nothing was written to data/raw "
                "or data/processed. Restore the file from the official source (see ../shared/data/SOURCES.md), "
                f"or, if a new vintage is intended, pin it with `python -m analysis fetch {source.id} --update`."
            )
        target = raw_path(source.id, f.name)
        atomic_write_bytes(target, staged.read_bytes())
    atomic_write_json(provenance_path(source.id, f.name), _provenance(source, f, "mirror", sha, str(src)))
    return FetchResult(source.id, f.name, target, "mirror", sha, True)


def _tmp_parent() -> Path:
    d = config.raw_dir()
    d.mkdir(parents=True, exist_ok=True)
    return d


class _Downloader:
    """pooch's HTTP downloader that also keeps the response's ``Content-Type`` (to refuse an HTML error page)."""

    def __init__(self) -> None:
        self.content_type = ""

    def __call__(self, url: str, output_file, pooch_obj, check_only: bool = False):
        import requests

        response = requests.get(url, timeout=120, stream=True)
        response.raise_for_status()
        self.content_type = response.headers.get("Content-Type", "")
        with open(output_file, "wb") if isinstance(output_file, (str, Path)) else contextlib.nullcontext(
                output_file) as out:
            for chunk in response.iter_content(chunk_size=1 << 20):
                out.write(chunk)


@contextlib.contextmanager
def _quiet_pooch():
    """pooch logs "use this value as the 'known_hash' argument…" (advice for library authors, not for readers)."""
    import pooch

    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _download(source: Source, f: SourceFile, strict: bool) -> FetchResult:
    import pooch

    with tempfile.TemporaryDirectory(dir=_tmp_parent()) as tmp:
        downloader = _Downloader()
        try:
            with _quiet_pooch():
                fetched = pooch.retrieve(f.download_url, known_hash=None, fname=f.name, path=tmp,
                                         progressbar=False, downloader=downloader)
        except Exception as exc:  # requests' ConnectionError, HTTPError, timeouts
            raise FetchError(
                f"could not download {f.download_url} ({type(exc).__name__}: {exc}).\n"
                f"No network? Set {config.MIRROR_ENV} to the offline mirror "
                f"(e.g. `export {config.MIRROR_ENV}=../shared/data`) and run again."
            ) from exc
        sha = sha256_file(Path(fetched))
        if sha != f.sha256:  # the pinned file is known good; anything else must look like its format
            try:
                check_format(Path(fetched), f.format, downloader.content_type)
            except FetchError as exc:
                raise FetchError(f"the download of {source.id}/{f.name} from {f.download_url} was refused: {exc}") \
                    from None
        if sha != f.sha256 and strict:
            raise ChecksumError(
                f"--strict: the download of {f.name} from {f.download_url} is not the pinned file:\n"
                f"  expected (sources.yml) {f.sha256}\n  found (download)       {sha}\n"
                "It is probably a newer vintage. Nothing was written. Run without --strict to use it, or with "
                f"--update to pin it in sources.yml."
            )
        target = raw_path(source.id, f.name)
        atomic_write_bytes(target, Path(fetched).read_bytes())
    atomic_write_json(provenance_path(source.id, f.name), _provenance(source, f, "download", sha, f.download_url))
    return FetchResult(source.id, f.name, target, "download", sha, sha == f.sha256)


def fetch(ids: list[str] | None = None, *, strict: bool = False, update: bool = False,
          registry_path: Path | None = None, log=print) -> list[FetchResult]:
    """Fetch, verify and record every file of the named sources (all when ``ids`` is empty).

    Files already in ``data/raw`` with the pinned checksum are kept (``origin='cached'``).
    Returns one :class:`FetchResult` per file; raises :class:`FetchError` / :class:`ChecksumError`.
    """
    registry_path = registry_path or config.sources_file()
    registry = load_registry(registry_path)
    chosen = [registry.get(i) for i in ids] if ids else registry.sources
    mirror = config.mirror_dir()
    if mirror is not None and not mirror.is_dir():
        raise FetchError(f"{config.MIRROR_ENV}={mirror} is not a directory. Point it at the offline mirror "
                         "(on these machines: ../shared/data) or unset it to download from the official URLs.")
    results: list[FetchResult] = []
    for source in chosen:
        for f in source.files:
            if _is_current(source.id, f):
                res = FetchResult(source.id, f.name, raw_path(source.id, f.name), "cached", f.sha256, True)
            elif mirror is not None:
                res = _from_mirror(mirror, source, f)
            else:
                res = _download(source, f, strict)
                if not res.pinned:
                    log(f"NOTE {source.id}/{f.name}: downloaded a different vintage than pinned "
                        f"(sha256 {res.sha256}); recorded in its provenance"
                        + ("; pinning it in sources.yml" if update else "; use --update to pin it"))
                    if update:
                        pin(registry_path, source.id, f.name, res.sha256)
            log(f"{res.origin:8s} {source.id}/{f.name}  sha256 {res.sha256[:12]}…"
                + ("" if res.pinned else "  (UNPINNED)"))
            results.append(res)
    return results


def pin(registry_path: Path, source_id: str, name: str, sha256: str) -> None:
    """Pin a new checksum (and today's date as vintage) for one file in ``sources.yml``, keeping comments."""
    text = Path(registry_path).read_text(encoding="utf-8")
    registry = load_registry(registry_path)
    old = next(f.sha256 for f in registry.get(source_id).files if f.name == name)
    today = dt.date.today().isoformat()
    text = text.replace(old, sha256, 1)
    lines = text.splitlines(keepends=True)
    in_source = False
    for i, line in enumerate(lines):
        if line.strip().startswith("- id:"):
            in_source = line.split(":", 1)[1].strip() == source_id
        elif in_source and line.strip().startswith("vintage:"):
            lines[i] = line[: line.index("vintage:")] + f'vintage: "downloaded {today}"\n'
        elif in_source and line.strip().startswith("date_accessed:"):
            lines[i] = line[: line.index("date_accessed:")] + f'date_accessed: "{today}"\n'
    atomic_write_text(registry_path, "".join(lines))
    load_registry(registry_path)


def read_provenance(source_id: str, name: str) -> dict:
    """The provenance JSON of a fetched file (raises a clear error if the file was never fetched)."""
    import json

    p = provenance_path(source_id, name)
    if not p.exists():
        raise FetchError(f"{raw_path(source_id, name)} has not been fetched: "
                         f"run `python -m analysis fetch {source_id}`")
    return json.loads(p.read_text(encoding="utf-8"))
