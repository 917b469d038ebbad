"""The committed annex tables (data/raw/strategy) against the seed, the deadline parser and the schemas."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pandera.errors
import pytest

from analysis.core import config
from analysis.readers import annexes
from analysis.readers.annexes import Deadline, deadline_label, deadline_start, parse_deadline

SEED = config.seeds_dir() / annexes.SEED_FILE


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"seed file {SEED} is absent (the shared seeds directory is not mounted)")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_lines(seed_text: str) -> list[str]:
    return seed_text.splitlines()


@pytest.fixture(scope="module")
def dialogues() -> pd.DataFrame:
    return annexes.load_dialogues()


@pytest.fixture(scope="module")
def actions() -> pd.DataFrame:
    return annexes.load_actions()


# ------------------------------------------------------------------------------------------ seed ↔ tables
def test_dialogues_hold_exactly_the_seed_rows(seed_text: str, dialogues: pd.DataFrame) -> None:
    parsed = annexes.parse_annex1(seed_text)
    cols = ["level", "sectors_fr", "date", "format_fr", "participants_text", "seed_line"]
    pd.testing.assert_frame_equal(
        dialogues[cols].reset_index(drop=True), parsed[cols].reset_index(drop=True), check_dtype=False
    )


def test_actions_hold_exactly_the_seed_rows(seed_text: str, actions: pd.DataFrame) -> None:
    parsed = annexes.parse_annex3(seed_text)
    cols = ["group_fr", "area_fr", "kind", "action_fr", "deadline_text", "seed_line"]
    pd.testing.assert_frame_equal(
        actions[cols].reset_index(drop=True), parsed[cols].reset_index(drop=True), check_dtype=False
    )


def test_dialogue_rows_are_verbatim_on_their_seed_line(seed_lines: list[str], dialogues: pd.DataFrame) -> None:
    for row in dialogues.itertuples():
        line = seed_lines[row.seed_line - 1]
        assert f"<b>{row.format_fr}</b>" in line, row.dialogue_id
        assert f"<b>{row.participants_text}</b>" in line, row.dialogue_id
        assert f"<b>{row.date:%d.%m.%Y}</b>" in line, row.dialogue_id
        first_cell = line.split("\t")[0]
        assert first_cell in ("", f"<b>{row.sectors_fr}</b>"), row.dialogue_id


def test_action_rows_are_verbatim_on_their_seed_lines(seed_lines: list[str], actions: pd.DataFrame) -> None:
    """Independent of the parser: each action starts its seed line (and any continuation follows it)."""
    for row in actions.itertuples():
        text_cell, date_cell = (re.sub(r"</?p[^>]*>", "", c).strip() for c in seed_lines[row.seed_line - 1].split("\t"))
        assert date_cell == row.deadline_text, row.action_id
        assert row.action_fr == text_cell or row.action_fr.startswith(text_cell + " "), row.action_id
        if row.action_fr != text_cell:  # continued on the next non-empty line(s)
            rest = row.action_fr[len(text_cell) + 1 :]
            following = " ".join(
                re.sub(r"</?p[^>]*>", "", ln.split("\t")[0]).strip()
                for ln in seed_lines[row.seed_line : row.seed_line + 3]
                if ln.strip()
            )
            assert following.startswith(rest), row.action_id


def test_every_dated_line_of_annex3_is_an_action(seed_lines: list[str], actions: pd.DataFrame) -> None:
    """Count the dated rows of Annex 3 straight from the seed (no parser): one action each."""
    start = next(i for i, ln in enumerate(seed_lines) if re.match(r"^[#*\s]*Annexe 3\s*:", ln))
    dated = [
        i + 1
        for i, ln in enumerate(seed_lines[start:], start=start)
        if ln.count("\t") == 1 and ln.split("\t")[1].strip() and "Date cible" not in ln
    ]
    assert actions["seed_line"].tolist() == dated


def test_counts_from_the_data(seed_text: str, dialogues: pd.DataFrame, actions: pd.DataFrame) -> None:
    levels = dialogues["level"].value_counts()
    assert (levels["sectoral"], levels["high-level"], len(dialogues)) == (17, 2, 19)
    parsed = annexes.parse_annex3(seed_text)
    assert actions["kind"].value_counts().to_dict() == parsed["kind"].value_counts().to_dict()
    kinds_in_seed = {
        kind: len(re.findall(rf"<b>{re.escape(heading)}</b>", seed_text)) for heading, kind in annexes.KINDS_FR.items()
    }
    # every area has one flagship sub-heading; the "other" sub-headings are fewer (governance has none)
    assert kinds_in_seed["flagship"] == actions["area_fr"].nunique()
    assert set(actions.loc[actions["kind"] == "other", "area_fr"]) < set(actions["area_fr"])
    assert kinds_in_seed["other"] == actions.loc[actions["kind"] == "other", "area_fr"].nunique()


def test_translations_and_codes_are_complete(dialogues: pd.DataFrame, actions: pd.DataFrame) -> None:
    assert (dialogues["sectors_en"].str.len() > 0).all() and (dialogues["format_en"].str.len() > 0).all()
    assert (actions["action_en"].str.len() > 0).all() and (actions["area_en"].str.len() > 0).all()
    # one English area per French area, and continuation rows repeat the sector above
    assert actions.groupby("area_fr")["area_en"].nunique().eq(1).all()
    assert dialogues.groupby("sectors_fr")["sectors_en"].nunique().eq(1).all()
    assert set(actions["group_fr"]) == {"Secteurs industriels stratégiques", ""}
    assert set(actions.loc[actions["group_fr"] != "", "area_fr"]) == set(annexes.SECTORAL_AREAS_FR)


# ------------------------------------------------------------------------------------------ deadlines
@pytest.mark.parametrize(
    ("text", "expected", "start", "label"),
    [
        ("T4 2025", Deadline(2025, 4, False), "2025-10-01", "Q4 2025"),
        ("T1 2026", Deadline(2026, 1, False), "2026-01-01", "Q1 2026"),
        ("2026", Deadline(2026, None, False), "2026-01-01", "2026"),
        ("A partir du T4 2025", Deadline(2025, 4, True), "2025-10-01", "from Q4 2025"),
        ("À partir du T2 2026", Deadline(2026, 2, True), "2026-04-01", "from Q2 2026"),
        ("À partir de 2026", Deadline(2026, None, True), "2026-01-01", "from 2026"),
        ("  T3 2027 ", Deadline(2027, 3, False), "2027-07-01", "Q3 2027"),
    ],
)
def test_parse_deadline_forms(text: str, expected: Deadline, start: str, label: str) -> None:
    d = parse_deadline(text)
    assert d == expected
    assert deadline_start(d) == pd.Timestamp(start)
    assert deadline_label(d) == label


@pytest.mark.parametrize("bad", ["", "Q4 2025", "T5 2025", "fin 2026", "T4", "2026 T4", "À partir du 2026"])
def test_parse_deadline_rejects_other_text(bad: str) -> None:
    with pytest.raises(ValueError, match=r"cannot parse deadline") as info:
        parse_deadline(bad)
    assert repr(bad) in str(info.value)


def test_every_committed_deadline_parses(actions: pd.DataFrame) -> None:
    forms = {re.sub(r"\d", "9", t) for t in actions["deadline_text"]}
    assert forms <= {"T9 9999", "9999", "A partir du T9 9999", "À partir du T9 9999"}
    starts = actions["deadline_text"].map(lambda t: deadline_start(parse_deadline(t)))
    assert starts.min() >= pd.Timestamp("2025-01-01") and starts.max() <= pd.Timestamp("2027-12-31")


# ------------------------------------------------------------------------------------------ schemas
def _tampered(tmp_path: Path, name: str, edit: Callable[[pd.DataFrame], None]) -> Path:
    src = config.strategy_dir() / name
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    edit(df)
    out = tmp_path / name
    df.to_csv(out, index=False)
    return out


def test_untouched_copy_validates(tmp_path: Path) -> None:
    for name in (annexes.DIALOGUES_FILE, annexes.ACTIONS_FILE):
        shutil.copy(config.strategy_dir() / name, tmp_path / name)
    assert len(annexes.load_dialogues(tmp_path / annexes.DIALOGUES_FILE)) == 19
    assert len(annexes.load_actions(tmp_path / annexes.ACTIONS_FILE)) > 0


def _set(col: str, row: int, value: str) -> Callable[[pd.DataFrame], None]:
    def edit(df: pd.DataFrame) -> None:
        df.loc[row, col] = value

    return edit


@pytest.mark.parametrize(
    "edit",
    [
        _set("action_id", 1, "A001"),  # duplicate id
        _set("deadline_quarter", 0, "5"),  # quarter out of range
        _set("deadline_year", 0, "2030"),  # year ≠ deadline_text
        _set("open_ended", 0, "true"),  # open_ended ≠ deadline_text
        _set("kind", 0, "headline"),  # unknown kind
        _set("deadline_text", 0, "fin 2026"),  # unparseable deadline
    ],
)
def test_tampered_actions_fail(tmp_path: Path, edit) -> None:
    path = _tampered(tmp_path, annexes.ACTIONS_FILE, edit)
    with pytest.raises((pandera.errors.SchemaError, ValueError)):
        annexes.load_actions(path)


@pytest.mark.parametrize(
    "edit",
    [
        _set("dialogue_id", 1, "D01"),  # duplicate id
        _set("participants", 0, "0"),  # participants must be > 0
        _set("participants", 0, "401"),  # ≠ participants_text
        _set("format", 0, "closed"),  # unknown code
        _set("level", 0, "national"),  # unknown level
        _set("participants_approx", 0, "false"),  # text says "Environ"
    ],
)
def test_tampered_dialogues_fail(tmp_path: Path, edit) -> None:
    path = _tampered(tmp_path, annexes.DIALOGUES_FILE, edit)
    with pytest.raises((pandera.errors.SchemaError, ValueError)):
        annexes.load_dialogues(path)


def test_parsers_reject_unknown_lines() -> None:
    text = "Annexe 3: actions\n<b>Robotique</b>\t\n<b>Initiative(s) phare(s)</b>\t\nFaire X.\tbientôt\tplus\n"
    with pytest.raises(ValueError, match="line 4"):
        annexes.parse_annex3(text)
    with pytest.raises(ValueError, match="Annex 1 heading"):
        annexes.parse_annex1(text)
