"""The strategy's annex tables as data: Annex 1 (structured dialogues) and Annex 3 (Commission actions).

Source: the French original of the annexes to COM(2025) 723 (8 October 2025), seed file
``001_a8731323e5abd126.txt``. The committed tables ``data/raw/strategy/dialogues.csv`` and ``actions.csv``
hold the seed's rows verbatim plus our (unofficial) English translations and parsed codes.

* :func:`parse_annex1` / :func:`parse_annex3` read the seed's text into the verbatim columns (the tests use
  them to prove the committed tables hold exactly the seed's rows);
* :func:`parse_deadline`, :func:`deadline_start`, :func:`deadline_label` turn "T4 2025", "2026",
  "A partir du T4 2025" into a :class:`Deadline`, a date and an English label;
* :func:`load_dialogues` / :func:`load_actions` read the committed tables with their dtypes and validate them
  with :data:`DIALOGUES_SCHEMA` / :data:`ACTIONS_SCHEMA`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.core import config

#: File name of the seed holding the French original of the annexes (in ``config.seeds_dir()``).
SEED_FILE = "001_a8731323e5abd126.txt"
DIALOGUES_FILE = "dialogues.csv"
ACTIONS_FILE = "actions.csv"

#: Annex 1 section headings → ``level`` code.
LEVELS_FR: dict[str, str] = {
    "Dialogues structurés sectoriels": "sectoral",
    "Dialogues politiques à haut niveau": "high-level",
}
#: Annex 1 "Type de partie prenante" → ``format`` code.
FORMATS_FR: dict[str, str] = {
    "Ouvert à tous": "open",
    "Experts uniquement": "experts",
    "Directeurs généraux et ouvert au public": "high-level-open",
    "Directeurs généraux et représentants des consommateurs et du personnel": "high-level-representatives",
}
#: Annex 3 sub-headings → ``kind`` code.
KINDS_FR: dict[str, str] = {
    "Initiative(s) phare(s)": "flagship",
    "Autre(s) action(s) pertinente(s)": "other",
}
#: The eleven sectors of the communication's section 2 ("Mettre en place des initiatives phares
#: sectorielles", §2.1–2.11), as Annex 3 spells their headings. Annex 3 opens the group "Secteurs industriels
#: stratégiques" but never closes it; the group covers these areas only (the later areas are the
#: cross-cutting challenges of §3 and the governance of §4, which the annex gives no group heading).
SECTORAL_AREAS_FR: tuple[str, ...] = (
    "Soins de santé, y compris les produits pharmaceutiques",
    "Robotique",
    "Fabrication, ingénierie et construction",
    "Défense, sécurité et espace",
    "Mobilité, transport et automobile",
    "Communications électroniques",
    "Énergie",
    "Climat et environnement",
    "Agroalimentaire",
    "Secteurs de la culture et de la création (y compris les médias)",
    "Secteur public",
)

DIALOGUE_COLUMNS: tuple[str, ...] = (
    "dialogue_id", "level", "sectors_fr", "sectors_en", "date", "format_fr", "format_en", "format",
    "participants_text", "participants", "participants_approx", "seed_line",
)  # fmt: skip
ACTION_COLUMNS: tuple[str, ...] = (
    "action_id", "group_fr", "area_fr", "area_en", "kind", "action_fr", "action_en", "deadline_text",
    "deadline_year", "deadline_quarter", "open_ended", "seed_line",
)  # fmt: skip

_ANNEX_HEADING = re.compile(r"^[#*\s]*Annexe\s+(\d)\s*:")
_TAG = re.compile(r"</?(?:p|b)(?:\s[^>]*)?>")
_DATE_FR = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
_PARTICIPANTS = re.compile(r"^(?P<approx>Environ\s+)?(?P<n>\d+)$")
_DEADLINE = re.compile(r"^(?:(?P<from>[AÀ] partir d(?:u|e))\s+)?(?:T(?P<quarter>[1-4])\s+)?(?P<year>(?:19|20)\d{2})$")


# --------------------------------------------------------------------------------------------- deadlines
@dataclass(frozen=True)
class Deadline:
    """A target date of Annex 3: a year, optionally a quarter, optionally "from … onwards"."""

    year: int
    quarter: int | None
    open_ended: bool


def parse_deadline(text: str) -> Deadline:
    """Parse an Annex 3 "Date cible".

    Forms: ``"T4 2025"`` (quarter 4 of 2025), ``"2026"`` (year only), ``"A partir du T4 2025"`` and
    ``"À partir du T2 2026"`` (from that quarter onwards: ``open_ended``); ``"À partir de 2026"`` is accepted
    too. Surrounding whitespace is ignored. Raises ValueError on anything else.
    """
    cleaned = " ".join(str(text).split())
    m = _DEADLINE.match(cleaned)
    if not m:
        raise ValueError(
            f"cannot parse deadline {text!r}: expected 'T<1-4> <year>', '<year>' or "
            "'A partir du T<1-4> <year>' / 'À partir du T<1-4> <year>'"
        )
    prefix, quarter = m.group("from"), m.group("quarter")
    if prefix is not None and prefix.endswith("du") != (quarter is not None):
        raise ValueError(f"cannot parse deadline {text!r}: 'à partir du' goes with a quarter, 'de' with a year")
    return Deadline(year=int(m.group("year")), quarter=int(quarter) if quarter else None, open_ended=prefix is not None)


def deadline_start(d: Deadline) -> pd.Timestamp:
    """The first day of the deadline's quarter (or of its year when no quarter is given)."""
    month = 1 if d.quarter is None else 3 * (d.quarter - 1) + 1
    return pd.Timestamp(year=d.year, month=month, day=1)


def deadline_label(d: Deadline) -> str:
    """An English label: ``"Q4 2025"``, ``"2026"``, ``"from Q4 2025"``, ``"from 2026"``."""
    base = str(d.year) if d.quarter is None else f"Q{d.quarter} {d.year}"
    return f"from {base}" if d.open_ended else base


# --------------------------------------------------------------------------------------------- seed text
def _cells(line: str) -> list[str]:
    """The tab-separated cells of a seed line, without the ``<p>``/``<b>`` markup and outer whitespace."""
    return [_TAG.sub("", cell).strip() for cell in line.split("\t")]


def _annex_lines(seed_text: str, number: int) -> list[tuple[int, str]]:
    """(1-based line number, line) of the body of Annex ``number`` (after its title, up to the next annex)."""
    lines = seed_text.splitlines()
    starts = {}
    for i, line in enumerate(lines):
        m = _ANNEX_HEADING.match(line)
        if m:
            starts.setdefault(int(m.group(1)), i)
    if number not in starts:
        raise ValueError(f"Annex {number} heading ('Annexe {number}:') not found in the seed text")
    begin = starts[number] + 1
    end = min((i for i in starts.values() if i > starts[number]), default=len(lines))
    return [(i + 1, lines[i]) for i in range(begin, end)]


def parse_annex1(seed_text: str) -> pd.DataFrame:
    """Annex 1 (structured dialogues) as a table, one row per dialogue, in the seed's order.

    Columns: ``level`` (``sectoral``/``high-level`` from the section headings), ``sectors_fr`` (the sector
    cell; a row with an empty cell continues the sector above and repeats it), ``date`` (datetime, from
    ``dd.mm.yyyy``), ``format_fr``, ``participants_text`` (verbatim) and ``seed_line`` (1-based line number).
    Raises ValueError on a line it does not recognise.
    """
    rows: list[dict[str, object]] = []
    level: str | None = None
    sectors: str | None = None
    for number, line in _annex_lines(seed_text, 1):
        cells = _cells(line)
        if not any(cells):
            continue
        if cells[0] in LEVELS_FR and not any(cells[1:]):
            level, sectors = LEVELS_FR[cells[0]], None
            continue
        if cells[0] == "Secteur(s)":  # the table's header row
            continue
        if len(cells) != 4 or not _DATE_FR.match(cells[1]) or level is None:
            raise ValueError(f"Annex 1, line {number}: not a dialogue row: {line!r}")
        if cells[0]:
            sectors = cells[0]
        elif sectors is None:
            raise ValueError(f"Annex 1, line {number}: empty sector cell with no sector above it")
        day, month, year = _DATE_FR.match(cells[1]).groups()  # type: ignore[union-attr]
        rows.append(
            {
                "level": level,
                "sectors_fr": sectors,
                "date": pd.Timestamp(f"{year}-{month}-{day}"),
                "format_fr": cells[2],
                "participants_text": cells[3],
                "seed_line": number,
            }
        )
    frame = pd.DataFrame(rows)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def parse_annex3(seed_text: str) -> pd.DataFrame:
    """Annex 3 (Commission actions) as a table, one row per action, in the seed's order.

    Bold lines are headings: "Initiative(s) phare(s)" / "Autre(s) action(s) pertinente(s)" set ``kind``
    (``flagship`` / ``other``); a heading directly followed by another area heading is a group heading
    (``group_fr``, kept for the areas of :data:`SECTORAL_AREAS_FR`); any other heading is an area
    (``area_fr``). A plain line with a target date is an action; a plain line without one continues the
    action above (the seed breaks two actions over several lines): its text is appended after one space.
    ``action_fr`` and ``deadline_text`` are the cells without the ``<p>``/``<b>`` markup, stripped;
    ``seed_line`` is the line where the action starts. Raises ValueError on a line it does not recognise.
    """
    body = [(n, line, _cells(line)) for n, line in _annex_lines(seed_text, 3)]
    body = [(n, line, cells) for n, line, cells in body if any(cells)]
    rows: list[dict[str, object]] = []
    group = area = kind = None
    last_was_action = False
    for k, (number, line, cells) in enumerate(body):
        if len(cells) != 2:
            raise ValueError(f"Annex 3, line {number}: expected 'text<TAB>date', got {line!r}")
        text, date = cells
        if text == "Actions de la Commission" and date == "Date cible":  # the table's header row
            continue
        if "<b>" in line.split("\t")[0]:
            last_was_action = False
            if date:
                raise ValueError(f"Annex 3, line {number}: heading with a date: {line!r}")
            if text in KINDS_FR:
                if area is None:
                    raise ValueError(f"Annex 3, line {number}: {text!r} before any area heading")
                kind = KINDS_FR[text]
                continue
            following = body[k + 1] if k + 1 < len(body) else None
            if following and "<b>" in following[1].split("\t")[0] and following[2][0] not in KINDS_FR:
                group, area, kind = text, None, None
                continue
            if group is not None and text not in SECTORAL_AREAS_FR:
                group = None  # the sectoral group ends with its last sector
            elif group is None and text in SECTORAL_AREAS_FR and rows:
                raise ValueError(f"Annex 3, line {number}: sector {text!r} outside the sectoral group")
            area, kind = text, None
            continue
        if date:
            if area is None or kind is None:
                raise ValueError(f"Annex 3, line {number}: action before its area and kind headings")
            rows.append(
                {
                    "group_fr": group or "",
                    "area_fr": area,
                    "kind": kind,
                    "action_fr": text,
                    "deadline_text": date,
                    "seed_line": number,
                }
            )
            last_was_action = True
        elif last_was_action:
            rows[-1]["action_fr"] = f"{rows[-1]['action_fr']} {text}"
        else:
            raise ValueError(f"Annex 3, line {number}: text without a target date or an action above it")
    return pd.DataFrame(rows)


def read_seed(path: Path | None = None) -> str:
    """The seed's text (default ``config.seeds_dir() / SEED_FILE``)."""
    return Path(path or config.seeds_dir() / SEED_FILE).read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------- schemas
def _ids_in_order(prefix: str, width: int) -> pa.Check:
    def check(ids: pd.Series) -> bool:
        expected = [f"{prefix}{i:0{width}d}" for i in range(1, len(ids) + 1)]
        return ids.tolist() == expected

    return pa.Check(check, error=f"ids must run {prefix}{1:0{width}d}, {prefix}{2:0{width}d}, … in order")


def _deadlines_consistent(df: pd.DataFrame) -> pd.Series:
    """Row-wise: deadline_year / deadline_quarter / open_ended equal parse_deadline(deadline_text)."""

    def ok(row: pd.Series) -> bool:
        try:
            d = parse_deadline(row["deadline_text"])
        except ValueError:
            return False
        quarter = None if pd.isna(row["deadline_quarter"]) else int(row["deadline_quarter"])
        return (d.year, d.quarter, d.open_ended) == (row["deadline_year"], quarter, row["open_ended"])

    return df.apply(ok, axis=1).astype(bool)


def _participants_consistent(df: pd.DataFrame) -> pd.Series:
    """Row-wise: participants / participants_approx equal what participants_text says."""
    parsed = df["participants_text"].str.extract(_PARTICIPANTS)
    return (pd.to_numeric(parsed["n"]) == df["participants"]) & (parsed["approx"].notna() == df["participants_approx"])


def _formats_consistent(df: pd.DataFrame) -> pd.Series:
    return df["format_fr"].map(FORMATS_FR) == df["format"]


DIALOGUES_SCHEMA = pa.DataFrameSchema(
    {
        "dialogue_id": pa.Column(str, [pa.Check.str_matches(r"^D\d{2}$"), _ids_in_order("D", 2)], unique=True),
        "level": pa.Column(str, pa.Check.isin(sorted(set(LEVELS_FR.values())))),
        "sectors_fr": pa.Column(str, pa.Check.str_length(min_value=1)),
        "sectors_en": pa.Column(str, pa.Check.str_length(min_value=1)),
        "date": pa.Column(pa.DateTime),
        "format_fr": pa.Column(str, pa.Check.isin(list(FORMATS_FR))),
        "format_en": pa.Column(str, pa.Check.str_length(min_value=1)),
        "format": pa.Column(str, pa.Check.isin(list(FORMATS_FR.values()))),
        "participants_text": pa.Column(str, pa.Check.str_matches(_PARTICIPANTS.pattern)),
        "participants": pa.Column(int, pa.Check.gt(0)),
        "participants_approx": pa.Column(bool),
        "seed_line": pa.Column(int, pa.Check.gt(0), unique=True),
    },
    checks=[
        pa.Check(_participants_consistent, error="participants / participants_approx ≠ participants_text"),
        pa.Check(_formats_consistent, error="format code does not match format_fr"),
    ],
    strict=True,
    ordered=True,
    name="dialogues",
)

ACTIONS_SCHEMA = pa.DataFrameSchema(
    {
        "action_id": pa.Column(str, [pa.Check.str_matches(r"^A\d{3}$"), _ids_in_order("A", 3)], unique=True),
        "group_fr": pa.Column(str),
        "area_fr": pa.Column(str, pa.Check.str_length(min_value=1)),
        "area_en": pa.Column(str, pa.Check.str_length(min_value=1)),
        "kind": pa.Column(str, pa.Check.isin(sorted(set(KINDS_FR.values())))),
        "action_fr": pa.Column(str, pa.Check.str_length(min_value=1)),
        "action_en": pa.Column(str, pa.Check.str_length(min_value=1)),
        "deadline_text": pa.Column(str, pa.Check.str_length(min_value=1)),
        "deadline_year": pa.Column(int, pa.Check.in_range(2024, 2035)),
        "deadline_quarter": pa.Column("Int64", pa.Check.isin([1, 2, 3, 4]), nullable=True),
        "open_ended": pa.Column(bool),
        "seed_line": pa.Column(int, pa.Check.gt(0), unique=True),
    },
    checks=[pa.Check(_deadlines_consistent, error="deadline columns ≠ parse_deadline(deadline_text)")],
    strict=True,
    ordered=True,
    name="actions",
)


# --------------------------------------------------------------------------------------------- loaders
def _read_text_csv(path: Path) -> pd.DataFrame:
    """Every cell as text, empty cells as ``""`` (no NA guessing)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _to_bool(col: pd.Series) -> pd.Series:
    mapping = {"true": True, "false": False}
    out = col.str.lower().map(mapping)
    if out.isna().any():
        bad = col[out.isna()].unique().tolist()
        raise ValueError(f"column {col.name!r}: expected true/false, got {bad}")
    return out.astype(bool)


def load_dialogues(path: Path | str | None = None) -> pd.DataFrame:
    """Annex 1's dialogues (``data/raw/strategy/dialogues.csv`` by default), typed and validated.

    ``date`` is datetime, ``participants`` and ``seed_line`` int, ``participants_approx`` bool, the rest text.
    Raises ``pandera.errors.SchemaError`` when the table breaks :data:`DIALOGUES_SCHEMA`.
    """
    df = _read_text_csv(Path(path) if path else config.strategy_dir() / DIALOGUES_FILE)
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    for col in ("participants", "seed_line"):
        df[col] = pd.to_numeric(df[col]).astype("int64")
    df["participants_approx"] = _to_bool(df["participants_approx"])
    return DIALOGUES_SCHEMA.validate(df)


def load_actions(path: Path | str | None = None) -> pd.DataFrame:
    """Annex 3's actions (``data/raw/strategy/actions.csv`` by default), typed and validated.

    ``deadline_year`` and ``seed_line`` are int, ``deadline_quarter`` nullable ``Int64`` (missing when the
    target is a year), ``open_ended`` bool, the rest text (``group_fr`` is ``""`` outside a group).
    Raises ``pandera.errors.SchemaError`` when the table breaks :data:`ACTIONS_SCHEMA`.
    """
    df = _read_text_csv(Path(path) if path else config.strategy_dir() / ACTIONS_FILE)
    for col in ("deadline_year", "seed_line"):
        df[col] = pd.to_numeric(df[col]).astype("int64")
    df["deadline_quarter"] = pd.to_numeric(df["deadline_quarter"].replace("", None)).astype("Int64")
    df["open_ended"] = _to_bool(df["open_ended"])
    return ACTIONS_SCHEMA.validate(df)
