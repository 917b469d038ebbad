"""fetch: mirror, checksums, downloads (pooch mocked), strict/update, and nothing written on failure."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from analysis.readers import sources
from analysis.readers.sources import ChecksumError, FetchError, fetch, load_registry

CONTENT = b"freq,geo\\TIME_PERIOD\t2024 \nA,AT\t1.5 \n"
SHA = hashlib.sha256(CONTENT).hexdigest()


def _registry(root: Path, sha: str = SHA) -> Path:
    entry = {
        "id": "demo-src", "producer": "Eurostat", "title": "Demo", "citation": "Demo (2026)",
        "attribution": "Source: demo", "licence": "CC BY 4.0", "url": "https://example.org/demo",
        "vintage": "2026-06-15", "date_accessed": "2026-11-21", "coverage": "one row", "gaps": "none",
        "files": [{"name": "demo.tsv", "sha256": sha, "download_url": "https://example.org/demo.tsv",
                   "format": "eurostat-tsv", "layout": "official"}],
    }
    path = root / "sources.yml"
    path.write_text("# registry\n" + yaml.safe_dump({"sources": [entry]}, sort_keys=False))
    return path


@pytest.fixture
def demo(project_copy, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    (mirror / "demo-src").mkdir(parents=True)
    (mirror / "demo-src" / "demo.tsv").write_bytes(CONTENT)
    _registry(project_copy)
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(mirror))
    return project_copy, mirror


def _raw_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "data" / "raw").rglob("*") if p.is_file() and "strategy" not in p.parts)


def test_registry_matches_shared_sources_md():
    """One entry per source of ../shared/data/SOURCES.md, with the same files and checksums."""
    md = Path(__file__).resolve().parents[2] / "shared" / "data" / "SOURCES.md"
    if not md.exists():
        pytest.skip("../shared/data/SOURCES.md not present")
    rows = [line.split("|")[1:4] for line in md.read_text().splitlines()
            if line.startswith("| ") and len(line.split("|")) > 4 and len(line.split("|")[3].strip()) == 64]
    listed = {(i.strip(), f.strip(), s.strip()) for i, f, s in rows}
    reg = load_registry(Path(__file__).resolve().parents[1] / "sources.yml")
    ours = {(s.id, f.name, f.sha256) for s in reg.sources for f in s.files}
    assert ours == listed
    for s in reg.sources:
        assert s.citation and s.licence and s.url.startswith("https://") and s.vintage


def test_fetch_from_mirror_writes_file_and_provenance(demo):
    root, mirror = demo
    [res] = fetch(log=lambda *_: None)
    assert res.origin == "mirror" and res.pinned
    target = root / "data" / "raw" / "demo-src" / "demo.tsv"
    assert target.read_bytes() == CONTENT
    prov = json.loads((target.parent / "demo.tsv.provenance.json").read_text())
    assert prov["sha256"] == SHA and prov["pinned"] and prov["obtained_from"] == "mirror"
    assert prov["licence"] == "CC BY 4.0" and prov["citation"] == "Demo (2026)"
    # second fetch: already verified, nothing copied
    [again] = fetch(log=lambda *_: None)
    assert again.origin == "cached"


def test_corrupted_mirror_file_stops_with_both_checksums_and_writes_nothing(demo):
    root, mirror = demo
    (mirror / "demo-src" / "demo.tsv").write_bytes(CONTENT[:-5])  # truncated
    bad = hashlib.sha256(CONTENT[:-5]).hexdigest()
    with pytest.raises(ChecksumError) as err:
        fetch(log=lambda *_: None)
    msg = str(err.value)
    assert "demo.tsv" in msg and SHA in msg and bad in msg and "--update" in msg and "SOURCES.md" in msg
    assert _raw_files(root) == []


def test_corrupted_file_keeps_previous_good_copy(demo):
    root, mirror = demo
    fetch(log=lambda *_: None)
    target = root / "data" / "raw" / "demo-src" / "demo.tsv"
    target.write_bytes(b"tampered")  # the raw copy no longer verifies, and the mirror is corrupted too
    (mirror / "demo-src" / "demo.tsv").write_bytes(b"also bad")
    with pytest.raises(ChecksumError):
        fetch(log=lambda *_: None)
    assert target.read_bytes() == b"tampered"  # untouched: nothing half-written over it
    assert not list(target.parent.glob("*.tmp"))


def test_missing_mirror_file_names_variable(demo):
    root, mirror = demo
    (mirror / "demo-src" / "demo.tsv").unlink()
    with pytest.raises(FetchError, match="ANALYSIS_DATA_MIRROR") as err:
        fetch(log=lambda *_: None)
    assert "missing from the offline mirror" in str(err.value)
    assert _raw_files(root) == []


def test_mirror_variable_pointing_nowhere(demo, monkeypatch, tmp_path):
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(tmp_path / "nope"))
    with pytest.raises(FetchError, match="is not a directory"):
        fetch(log=lambda *_: None)


def _fake_retrieve(payload: bytes | Exception):
    def retrieve(url, known_hash, fname, path, progressbar, **kwargs):
        if isinstance(payload, Exception):
            raise payload
        out = Path(path) / fname
        out.write_bytes(payload)
        return str(out)

    return retrieve


def test_no_mirror_no_network_says_which_variable(demo, monkeypatch):
    import pooch

    root, _ = demo
    monkeypatch.delenv("ANALYSIS_DATA_MIRROR")
    monkeypatch.setattr(pooch, "retrieve", _fake_retrieve(ConnectionError("Network is unreachable")))
    with pytest.raises(FetchError) as err:
        fetch(log=lambda *_: None)
    assert "export ANALYSIS_DATA_MIRROR=../shared/data" in str(err.value)
    assert "https://example.org/demo.tsv" in str(err.value)
    assert _raw_files(root) == []


def test_download_of_pinned_file(demo, monkeypatch):
    import pooch

    root, _ = demo
    monkeypatch.delenv("ANALYSIS_DATA_MIRROR")
    monkeypatch.setattr(pooch, "retrieve", _fake_retrieve(CONTENT))
    [res] = fetch(strict=True, log=lambda *_: None)
    assert res.origin == "download" and res.pinned


def test_newer_vintage_is_recorded_refused_when_strict_and_pinned_on_update(demo, monkeypatch):
    import pooch

    root, _ = demo
    newer = CONTENT + b"A,BE\t2.5 \n"
    new_sha = hashlib.sha256(newer).hexdigest()
    monkeypatch.delenv("ANALYSIS_DATA_MIRROR")
    monkeypatch.setattr(pooch, "retrieve", _fake_retrieve(newer))
    with pytest.raises(ChecksumError, match="--strict") as err:
        fetch(strict=True, log=lambda *_: None)
    assert new_sha in str(err.value) and SHA in str(err.value)
    assert _raw_files(root) == []

    said: list[str] = []
    [res] = fetch(log=said.append)
    assert res.origin == "download" and not res.pinned
    assert any("different vintage" in s and new_sha in s for s in said)
    prov = json.loads((root / "data/raw/demo-src/demo.tsv.provenance.json").read_text())
    assert prov["pinned"] is False and prov["sha256"] == new_sha and prov["sha256_pinned"] == SHA
    assert "newer than pinned vintage" in prov["vintage"]

    fetch(update=True, log=lambda *_: None)
    text = (root / "sources.yml").read_text()
    assert new_sha in text and SHA not in text and text.startswith("# registry")
    assert load_registry(root / "sources.yml").get("demo-src").files[0].sha256 == new_sha


def test_unknown_source_id(demo):
    with pytest.raises(KeyError, match="unknown source id 'nope'; known: demo-src"):
        fetch(["nope"], log=lambda *_: None)


def test_registry_rejects_bad_checksum(project_copy):
    _registry(project_copy, sha="abc")
    with pytest.raises(Exception, match="sha256"):
        sources.load_registry()
