"""Parameter sweeps (analysis.book.sweep), their results table (analysis.book.results) and the params/sweep commands.

Unit tests use stand-in tasks (no kernels): a task returns a hand-made executed notebook whose glue outputs are
written the way myst-nb 1.4's ``glue`` writes them. Integration tests (processed tables) run real notebooks on the
local process pool and on a dask LocalCluster of 2 worker processes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis.book import build, results, sweep
from analysis.chapters.params import ParameterError, model_for
from analysis.core import config

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------------------------------------ helpers
def glue_output(name: str, value) -> dict:
    """The output ``myst_nb.glue(name, value, display=False)`` leaves in a notebook (myst-nb 1.4)."""
    import IPython
    from myst_nb.ext.glue import GLUE_PREFIX

    bundle, metadata = IPython.core.formatters.format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    return nbformat.v4.new_output("display_data", data={GLUE_PREFIX + k: v for k, v in bundle.items()},
                                  metadata=metadata)


def fake_notebook(values: dict) -> str:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("glue(...)")
    cell.outputs = [glue_output(k, v) for k, v in values.items()]
    nb.cells = [cell, nbformat.v4.new_markdown_cell("text {glue:text}`a`")]
    return nbformat.writes(nb)


def fake_values(run: build.Run) -> dict:
    """What the stand-in notebook glues for a run: hand-chosen, different per parameter."""
    table = run.parameters.get("table", "x")
    return {"rows": len(table), "share": "12.5 %", "label": f"table {table}", "gap": "−1.5 pp"}


def fake_task(run: build.Run, commit: str) -> dict:
    return {"record": {"id": run.id, "seconds": 0.5, "parameters": dict(run.parameters)},
            "notebook": fake_notebook(fake_values(run)), "key": build.run_key(run)}


def failing_task(run: build.Run, commit: str) -> dict:
    if run.parameters.get("table") == "employment_by_occupation":
        raise RuntimeError("cell 7 raised ValueError: no rows")
    return fake_task(run, commit)


def dying_task(run: build.Run, commit: str) -> dict:
    """Kills its own process (a worker dying mid-run): always for ``employment_by_occupation``; only on the first
    attempt for ``ai_adoption`` (a marker file remembers it)."""
    marker = Path(os.environ["SWEEP_TEST_MARKERS"]) / run.id
    table = run.parameters.get("table")
    if table == "employment_by_occupation" or (table == "ai_adoption" and not marker.exists()):
        marker.touch()
        os._exit(1)
    return fake_task(run, commit)


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    """A throw-away project root (ANALYSIS_ROOT): the sweep writes only there."""
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    for nb in ("data_coverage", "country_profile"):
        (project / "notebooks" / f"{nb}.ipynb").write_bytes((ROOT / "notebooks" / f"{nb}.ipynb").read_bytes())
    monkeypatch.setenv("ANALYSIS_ROOT", str(project))
    monkeypatch.setenv("SWEEP_TEST_MARKERS", str(tmp_path))
    return project


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=ROOT,
                          env=full, timeout=600)


# ------------------------------------------------------------------------------------------------ choices
def test_choices_of_literal_bool_and_data_checked_parameters():
    assert model_for("data_coverage").choices("table") == [
        "ai_adoption", "employment_by_occupation", "employment_by_occupation_sector"]
    assert model_for("sector_dialogues").choices("include_high_level") == [False, True]
    assert model_for("sector_dialogues").choices("approx_band") is None  # a float in a range: no finite list
    geos = model_for("country_profile").choices("geo")
    assert len(geos) == 28 and geos[0] == "EU27_2020" and "EL" in geos and "NO" not in geos
    with pytest.raises(ParameterError, match="unknown parameter nope"):
        model_for("country_profile").choices("nope")


# ------------------------------------------------------------------------------------------------ the grid
def test_grid_expands_all_and_lists():
    grid = sweep.parse_grid("data_coverage", [("table", "all")])
    runs = sweep.plan("data_coverage", grid)
    assert [r.parameters for r in runs] == [{"table": t} for t in model_for("data_coverage").choices("table")]
    grid = sweep.parse_grid("country_profile", [("geo", "BE, DE ,BE")])
    assert grid == {"geo": ["BE", "DE"]}  # duplicates dropped, spaces ignored
    assert [r.id for r in sweep.plan("country_profile", grid)] == ["country_profile__geo-BE",
                                                                  "country_profile__geo-DE"]


def test_unknown_notebook_is_an_error():
    with pytest.raises(sweep.SweepError, match="unknown notebook 'nope'; known: .*country_profile"):
        sweep.parse_grid("nope", [("geo", "BE")])


def test_unknown_parameter_lists_valid_ones():
    with pytest.raises(sweep.SweepError, match="unknown parameter country; valid parameters: geo"):
        sweep.parse_grid("country_profile", [("country", "BE")])


def test_empty_grid_is_an_error():
    with pytest.raises(sweep.SweepError, match="empty grid"):
        sweep.parse_grid("country_profile", [])
    with pytest.raises(sweep.SweepError, match="empty grid: parameter geo has no values"):
        sweep.parse_grid("country_profile", [("geo", " , ")])


def test_one_bad_value_fails_the_whole_grid_before_any_run(root):
    grid = sweep.parse_grid("country_profile", [("geo", "BE,XX,DE")])
    with pytest.raises(sweep.SweepError) as err:
        sweep.plan("country_profile", grid)
    assert "geo='XX' is not valid; choose one of: EU27_2020, BE" in str(err.value)
    assert "nothing was run" in str(err.value)
    assert not (root / "_build").exists()


def test_more_than_10000_runs_need_yes():
    grid = {"seed": list(range(10_001))}
    with pytest.raises(sweep.SweepError, match="10001 or more runs .* pass --yes"):
        sweep.plan("sector_dialogues", grid)
    assert len(sweep.plan("sector_dialogues", {"seed": list(range(5))}, max_runs=10)) == 5


def test_cli_rejects_bad_input_before_any_work(tmp_path):
    env = {"ANALYSIS_ROOT": str(tmp_path)}
    proc = _cli("sweep", "country_profile", "-p", "geo", "BE,XX", env=env)
    assert proc.returncode == 1 and "geo='XX' is not valid" in proc.stderr
    proc = _cli("sweep", "nope", "-p", "geo", "BE", env=env)
    assert proc.returncode == 1 and "unknown notebook 'nope'" in proc.stderr
    proc = _cli("sweep", "sector_dialogues", "-p", "seed", ",".join(map(str, range(10_001))), env=env)
    assert proc.returncode == 1 and "pass --yes" in proc.stderr
    assert not (tmp_path / "_build").exists()


# ------------------------------------------------------------------------------------------------ the table
def test_glued_values_read_back_what_myst_nb_glue_wrote():
    from myst_nb.ext.glue import extract_glue_data_cell

    text = fake_notebook({"a": "12.3", "n": 15143, "s": "Between 2021 and 2025 it rose.", "a2": "x"})
    nb = nbformat.reads(text, as_version=4)
    values = results.glued_values(nb)
    assert values == {"a": "12.3", "n": "15143", "s": "Between 2021 and 2025 it rose.", "a2": "x"}
    # myst-nb's own reader finds the same names with the same text/plain bundles
    theirs = dict(extract_glue_data_cell(nbformat.reads(text, as_version=4).cells[0]))
    assert set(theirs) == set(values)
    assert theirs["a"]["data"]["text/plain"] == "'12.3'" and theirs["n"]["data"]["text/plain"] == "15143"


def test_glued_images_and_tables_are_not_values():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    frame_output = glue_output("tab", pd.DataFrame({"x": [1]}))
    cell.outputs = [frame_output, glue_output("v", "1.0")]
    nb.cells = [cell]
    assert results.glued_values(nb) == {"v": "1.0"}


@pytest.mark.parametrize(("text", "expected"), [
    ("12.3", (12.3, "")), ("−3.2", (-3.2, "")), ("-1.3 pp", (-1.3, "pp")), ("12.3 %", (12.3, "%")),
    ("2.35×", (2.35, "×")), ("+0.5", (0.5, "")), ("2021–2025", (None, "")), ("n/a", (None, "")),
    ("not available", (None, "")), ("Malta", (None, "")),
])
def test_parse_number(text, expected):
    assert results.parse_number(text) == expected


def test_results_table_equals_the_glued_values(root):
    runs = sweep.plan("data_coverage", {"table": ["ai_adoption", "employment_by_occupation"]})
    res = sweep.run_sweep("data_coverage", runs, name="t", task=fake_task, progress=False, pages=False,
                          executor="pool", workers=1)
    table = results.load("t")
    assert len(table) == 8
    row = table[(table["run_id"] == "data_coverage__table-ai_adoption") & (table["name"] == "share")].iloc[0]
    assert (row["table"], row["text"], row["value"], row["unit"], row["flags"]) == (
        "ai_adoption", "12.5 %", 12.5, "%", "")
    gap = table[table["name"] == "gap"]
    assert gap["value"].tolist() == [-1.5, -1.5] and gap["unit"].tolist() == ["pp", "pp"]
    rows = table[table["name"] == "rows"].set_index("table")["value"].to_dict()
    assert rows == {"ai_adoption": 11.0, "employment_by_occupation": 24.0}  # len() of the table names
    label = table[table["name"] == "label"]
    assert label["value"].isna().all() and label["text"].tolist() == ["table ai_adoption",
                                                                     "table employment_by_occupation"]
    csv = pd.read_csv(res.files["csv"], keep_default_na=False, na_values=[""])
    assert csv["text"].tolist() == table["text"].tolist()
    assert "2 runs over table: 2 run now" in res.files["summary"].read_text()


def test_load_unknown_sweep_names_the_known_ones(root):
    with pytest.raises(FileNotFoundError, match="no results table"):
        results.load("never")


# ------------------------------------------------------------------------------------------------ the driver
def test_failed_run_is_recorded_and_the_sweep_goes_on(root, capsys):
    runs = sweep.plan("data_coverage", {"table": "all"})
    res = sweep.run_sweep("data_coverage", runs, name="f", task=failing_task, progress=False, pages=False,
                          workers=2)
    assert [o.status for o in res.outcomes] == ["done", "failed", "done"]
    assert res.failed[0].error == "RuntimeError: cell 7 raised ValueError: no rows"
    assert "3 runs: 2 done, 0 skipped (already done), 1 failed" in res.summary()
    assert "FAILED data_coverage__table-employment_by_occupation: RuntimeError" in res.summary()
    rec = json.loads((res.folder / "runs" / "data_coverage__table-employment_by_occupation.json").read_text())
    assert rec["status"] == "failed" and rec["attempts"] == 1
    assert set(results.load("f")["table"]) == {"ai_adoption", "employment_by_occupation_sector"}


def test_done_runs_are_skipped_and_a_killed_sweep_resumes(root):
    runs = sweep.plan("data_coverage", {"table": "all"})
    first = sweep.run_sweep("data_coverage", runs[:1], name="r", task=fake_task, progress=False, pages=False,
                            workers=1)
    assert [o.status for o in first.outcomes] == ["done"]
    # a sweep killed after its first run left that run's record; started again it runs the other two only
    again = sweep.run_sweep("data_coverage", runs, name="r", task=fake_task, progress=False, pages=False,
                            workers=1)
    assert [o.status for o in again.outcomes] == ["skipped", "done", "done"]
    third = sweep.run_sweep("data_coverage", runs, name="r", task=fake_task, progress=False, pages=False,
                            workers=1)
    assert [o.status for o in third.outcomes] == ["skipped"] * 3
    assert len(results.load("r")) == 12  # the skipped runs' values are in the table too
    # a changed notebook changes the key: its runs run again
    nb = root / "notebooks" / "data_coverage.ipynb"
    nb.write_text(nb.read_text() + "\n")
    fourth = sweep.run_sweep("data_coverage", runs, name="r", task=fake_task, progress=False, pages=False,
                             workers=1)
    assert [o.status for o in fourth.outcomes] == ["done"] * 3


def test_failed_runs_run_again_on_the_next_sweep(root):
    runs = sweep.plan("data_coverage", {"table": "all"})
    sweep.run_sweep("data_coverage", runs, name="g", task=failing_task, progress=False, pages=False, workers=1)
    res = sweep.run_sweep("data_coverage", runs, name="g", task=fake_task, progress=False, pages=False, workers=1)
    assert [o.status for o in res.outcomes] == ["skipped", "done", "skipped"]


def test_a_worker_that_dies_is_retried_once_then_recorded_failed(root):
    """ai_adoption's worker dies once (retried: done); employment_by_occupation's dies every time (failed after
    its retry); employment_by_occupation_sector never dies (done, even when it shared the broken pool)."""
    runs = sweep.plan("data_coverage", {"table": "all"})
    res = sweep.run_sweep("data_coverage", runs, name="d", task=dying_task, progress=False, pages=False,
                          workers=2)
    assert {o.run_id.split("-", 1)[1]: o.status for o in res.outcomes} == {
        "ai_adoption": "done", "employment_by_occupation": "failed", "employment_by_occupation_sector": "done"}
    assert "worker died twice" in res.failed[0].error
    rec = json.loads((res.folder / "runs" / "data_coverage__table-employment_by_occupation.json").read_text())
    assert rec["attempts"] == 2


def test_key_mismatch_with_a_worker_is_a_failed_run(root):
    runs = sweep.plan("data_coverage", {"table": ["ai_adoption"]})
    res = sweep.run_sweep("data_coverage", runs, name="k", task=_other_key_task, progress=False, pages=False,
                          workers=1)
    assert "differ from those this sweep started with" in res.failed[0].error


def _other_key_task(run, commit):
    return {**fake_task(run, commit), "key": "0" * 64}


def test_unreachable_scheduler_is_a_clear_error_and_nothing_is_written(root):
    pytest.importorskip("distributed")
    runs = sweep.plan("data_coverage", {"table": ["ai_adoption"]})
    with pytest.raises(sweep.SweepError, match="cannot reach the dask scheduler at tcp://127.0.0.1:9 within 5 s"):
        sweep.run_sweep("data_coverage", runs, name="u", scheduler="tcp://127.0.0.1:9", task=fake_task,
                        progress=False, pages=False)
    assert not (config.build_dir() / "sweeps" / "u").exists()


def test_params_command_lists_types_defaults_and_valid_values():
    proc = _cli("params", "country_profile")
    assert proc.returncode == 0, proc.stderr
    assert "geo: str, default 'EU27_2020'" in proc.stdout
    assert "BE (Belgium)" in proc.stdout and "EL (Greece)" in proc.stdout
    proc = _cli("run", "--help")
    text = " ".join(proc.stdout.split())
    assert "notebooks: claims_check, country_profile, data_coverage" in text and "sme_adoption_gap" in text
    assert "python -m analysis params [NOTEBOOK]" in text


@pytest.mark.integration
def test_params_command_lists_years_present_in_the_data(processed):
    from analysis.tables import process

    years = sorted(int(y) for y in process.load("employment_by_occupation")["year"].unique())
    proc = _cli("params", "labour_exposure")
    line = next(ln for ln in proc.stdout.splitlines() if ln.strip().startswith("valid values") and "2025" in ln
                and "EU27" not in ln)
    assert line.strip() == f"valid values ({len(years)}): " + ", ".join(map(str, years))


# ------------------------------------------------------------------------------------------------ dask
def test_a_dask_worker_that_dies_is_retried_once_then_recorded_failed(root):
    pytest.importorskip("distributed")
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    runs = sweep.plan("data_coverage", {"table": "all"})
    res = sweep.run_sweep("data_coverage", runs, name="dd", executor="dask", task=dying_task, progress=False,
                          pages=False, workers=2)
    assert {o.run_id.split("-", 1)[1]: o.status for o in res.outcomes} == {
        "ai_adoption": "done", "employment_by_occupation": "failed", "employment_by_occupation_sector": "done"}
    assert "KilledWorker" in res.failed[0].error


@pytest.mark.integration
def test_dask_cluster_gives_the_same_table_as_the_local_pool(processed, tmp_path, monkeypatch):
    """Six country profiles on a LocalCluster of 2 worker processes (127.0.0.1) and on the local pool of 2: the
    same results table, and values equal to what the executed notebooks glued."""
    pytest.importorskip("distributed")
    from myst_nb.ext.glue import extract_glue_data_cell

    monkeypatch.setattr(config, "build_dir", lambda: tmp_path / "_build")
    runs = sweep.plan("country_profile", {"geo": ["BE", "DE", "EL", "MT", "SE", "EU27_2020"]})
    site = config.site_extra_dir() / "downloads"
    for r in runs:  # leftovers of an older tree (sweep ids are never book run ids)
        shutil.rmtree(site / r.id, ignore_errors=True)
    pool = sweep.run_sweep("country_profile", runs, name="pool", executor="pool", workers=2, progress=False,
                           pages=True)
    dask = sweep.run_sweep("country_profile", runs, name="dask", executor="dask", workers=2, progress=False,
                           pages=False)
    assert pool.count("done") == dask.count("done") == 6
    # sweep runs' figures never reach the published site
    assert not [r.id for r in runs if (site / r.id).exists() or (site / f"adhoc-{r.id}").exists()]
    a, b = results.load("pool"), results.load("dask")
    assert len(a) > 6 * 5
    pd.testing.assert_frame_equal(a.drop(columns="sweep"), b.drop(columns="sweep"))
    # the table holds what each notebook glued (read with myst-nb's own reader)
    for r in runs:
        nb = nbformat.read(tmp_path / "_build" / "sweeps" / "dask" / "runs" / f"{r.id}.ipynb", as_version=4)
        glued = {k: v["data"]["text/plain"] for c in nb.cells if c.cell_type == "code"
                 for k, v in extract_glue_data_cell(c) if set(v["data"]) == {"text/plain"}}
        mine = b[b["run_id"] == r.id].set_index("name")["text"].to_dict()
        assert mine == {k: results._unrepr(v) for k, v in glued.items()}
    # the readable page: glued values filled in
    from analysis.book.runpages import EXECUTED

    pages = tmp_path / "_build" / "sweeps" / "pool" / "html" / "_build" / "html"
    page = pages / EXECUTED / "country_profile__geo-MT.html"
    html = page.read_text()
    assert "{glue" not in html and "Malta" in html


@pytest.mark.integration
def test_run_prints_a_readable_page_with_the_glued_values(processed):
    proc = _cli("run", "data_coverage", "-p", "table", "employment_by_occupation_sector")
    assert proc.returncode == 0, proc.stderr
    page = Path(next(ln for ln in proc.stdout.splitlines() if ln.startswith("page: "))[len("page: "):])
    executed = ROOT / "_build" / "runs" / "data_coverage__table-employment_by_occupation_sector.ipynb"
    values = results.glued_values(nbformat.read(executed, as_version=4))
    html = page.read_text(encoding="utf-8")
    assert values and "{glue" not in html
    assert all(text in html for text in values.values())
    assert "<img" in html and "Source:</strong>" in html


@pytest.mark.integration
def test_a_killed_sweep_resumes_where_it_stopped(processed, tmp_path):
    """SIGKILL the whole sweep (CLI, pool, kernels) once its first run is recorded; started again it skips the
    recorded runs and runs only the others."""
    import signal
    import time

    folder = ROOT / "_build" / "sweeps" / "test-killed"
    shutil.rmtree(folder, ignore_errors=True)
    args = [sys.executable, "-m", "analysis", "sweep", "data_coverage", "-p", "table", "all", "--name",
            "test-killed", "--workers", "1", "--no-pages"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        while not list((folder / "runs").glob("*.json")) and proc.poll() is None:
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    recorded = sorted(p.stem for p in (folder / "runs").glob("*.json"))
    assert 1 <= len(recorded) < 3
    again = _cli("sweep", "data_coverage", "-p", "table", "all", "--name", "test-killed", "--workers", "1",
                 "--no-pages")
    assert again.returncode == 0, again.stderr
    assert f"3 runs: {3 - len(recorded)} done, {len(recorded)} skipped (already done), 0 failed" in again.stdout
    assert len(results.load("test-killed")["run_id"].unique()) == 3
    shutil.rmtree(folder)


def test_units_and_flags_declared_with_results_glue_reach_the_table():
    from myst_nb.ext.glue import extract_glue_data_cell

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.from_dict(results.glue_output("share", "12.3", unit="% of enterprises", flags="b")),
                    glue_output("plain", "4.0 pp")]
    nb.cells = [cell]
    assert dict(extract_glue_data_cell(nbformat.from_dict(nb).cells[0]))["share"]["data"] == {"text/plain": "'12.3'"}
    values, meta = results.glued_values(nb), results.glued_meta(nb)
    frame = results.table("s", [("nb__geo-BE", {"geo": "BE"}, values, meta)])
    assert frame[["name", "value", "unit", "flags"]].values.tolist() == [
        ["plain", 4.0, "pp", ""], ["share", 12.3, "% of enterprises", "b"]]


@pytest.mark.integration
def test_all_expands_given_the_other_parameters(processed):
    """``year all`` is the years with data for each listed ``geo``, whatever the order of the -p options."""
    model = model_for("sme_adoption_gap")
    grid = sweep.parse_grid("sme_adoption_gap", [("year", "all"), ("geo", "MT,SE")])
    runs = sweep.plan("sme_adoption_gap", grid)
    expected = [("MT", y) for y in model.choices("year", geo="MT")] + [("SE", y) for y in
                                                                        model.choices("year", geo="SE")]
    assert sorted((r.parameters["geo"], r.parameters["year"]) for r in runs) == sorted(expected)
    assert all(list(r.parameters) == ["year", "geo"] for r in runs)


def test_results_load_has_its_documented_name():
    """The README's `analysis.results.load(sweep)` is the sweep table reader."""
    import analysis.results

    assert analysis.results.load is results.load


def _flags_from_csv(processed: Path, geo: str) -> dict[str, str]:
    """The flags behind a profile's at-a-glance values, read straight from the processed CSVs with plain pandas:
    the geo's E_AI_TANY values (percent of enterprises) in the latest survey year; the gap's = both classes'; the
    exposed share's = the geo's 2-digit employment values with a value in the latest LFS year."""
    raw = pd.read_csv(processed / "ai_adoption.csv", dtype=str, keep_default_na=False)
    sel = raw[(raw["dataset"] == "isoc_eb_ai") & (raw["nace"] == "C10-S951_X_K") & (raw["indicator"] == "E_AI_TANY")
              & (raw["unit"] == "PC_ENT")]
    year = sel.loc[sel["value"] != "", "year"].astype(int).max()
    sel = sel[(sel["year"].astype(int) == year) & (sel["geo"] == geo)].set_index("size_class")["flag"]
    emp = pd.read_csv(processed / "employment_by_occupation.csv", dtype={"isco08": str}, keep_default_na=False)
    emp = emp[(emp["geo"] == geo) & (emp["year"] == emp["year"].max()) & emp["isco08"].str.fullmatch(r"OC\d\d")
              & (emp["value_thousands"] != "")]
    return {"all": sel["GE10"], "sme": sel["10-249"], "large": sel["GE250"],
            "gap": " ".join(sorted({sel["10-249"], sel["GE250"]} - {""})),
            "exposed": " ".join(sorted(set(emp["flag"]) - {""}))}


@pytest.mark.integration
def test_eurostat_flags_of_the_glance_values_reach_the_results_table(processed, tmp_path, monkeypatch):
    """Two country profiles swept: the Netherlands, whose SME and all-enterprise values of the latest survey year
    carry Eurostat's b (break in series) in ai_adoption.csv, and Denmark, whose carry none. The flags column of
    the glance_* rows holds the geo's own flags (the gap: both classes'), "" where there is none."""
    monkeypatch.setattr(config, "build_dir", lambda: tmp_path / "_build")
    want = {geo: _flags_from_csv(processed, geo) for geo in ("NL", "DK")}
    # the premises: a flagged and an unflagged headline value in the data
    assert want["NL"]["sme"] != "" and want["NL"]["large"] == ""
    assert want["DK"]["all"] == want["DK"]["sme"] == want["DK"]["large"] == want["DK"]["gap"] == ""
    runs = sweep.plan("country_profile", {"geo": ["NL", "DK"]})
    res = sweep.run_sweep("country_profile", runs, name="flags", executor="pool", workers=1, progress=False,
                          pages=False)
    assert res.count("done") == 2
    table = results.load("flags")
    glance = table[table["name"].str.startswith("glance_")]
    got = {geo: {n[len("glance_"):]: f for n, f in zip(part["name"], part["flags"], strict=True)}
           for geo, part in glance.groupby("geo")}
    assert got == want
    units = glance.set_index(["geo", "name"])["unit"]
    assert units[("NL", "glance_gap")] == "pp" and units[("DK", "glance_sme")] == "%"
    # values glued with myst_nb.glue still carry no flags
    assert (table.loc[~table["name"].str.startswith("glance_"), "flags"] == "").all()
