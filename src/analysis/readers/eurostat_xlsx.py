"""Reader for Eurostat Data Browser *custom extracts* in xlsx (one sheet per combination of fixed dimensions).

Layout of each data sheet (every sheet except ``Summary`` and ``Structure``)::

    Data extracted on …                     (free text lines)
    Dataset:  | <title> [<code>]
    Last updated:  | …
    <Dimension label> |      | <position label>     one line per fixed dimension, e.g. "Sex | | Total"
    …
    TIME              | 2023 |      | 2024 |         each period column is followed by its flag column
    GEO (Labels)      |      |      |      |
    Belgium           | 2.7  | u    | 2.9  | u       ":" = not available
    …
    Special value     |                             footnotes (legend of ":" and of the flags)

The layout carries labels only (the ``Structure`` sheet lists labels too, not codes), so the labels are mapped
back to Eurostat codes with the tables below. Values are in the unit the sheet names (for ``lfsa_eisn2``:
thousands of persons).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.core import codelists
from analysis.readers.eurostat_cells import EurostatFormatError, split_value_flag

#: Sheets of a custom extract that hold no data.
META_SHEETS: frozenset[str] = frozenset({"Summary", "Structure"})

#: Dimension label in a sheet's header block → tidy column name (Eurostat's dimension code, lowercase).
DIMENSION_COLUMNS: dict[str, str] = {
    "Time frequency": "freq",
    "Age class": "age",
    "Sex": "sex",
    "Statistical classification of economic activities in the European Community (NACE Rev. 2)": "nace_r2",
    "International Standard Classification of Occupations 2008 (ISCO-08)": "isco08",
    "Unit of measure": "unit",
}

NACE_R2_SECTIONS: dict[str, str] = codelists.NACE_CODES_BY_LABEL  # codelists/nace_sections.csv

ISCO08_MAJOR_GROUPS: dict[str, str] = codelists.ISCO_CODES_BY_LABEL  # codelists/isco08.csv

#: Eurostat's English geo labels (and older spellings) → geo codes. Greece is EL, the United Kingdom UK.
GEO_CODES: dict[str, str] = codelists.GEO_CODES  # codelists/geo_labels.csv

#: Position labels → codes, per tidy column. Dimensions missing here keep their labels.
POSITION_CODES: dict[str, dict[str, str]] = {
    "freq": {"Annual": "A", "Quarterly": "Q", "Monthly": "M"},
    "sex": {"Total": "T", "Males": "M", "Females": "F"},
    "unit": {"Thousand persons": "THS_PER"},
    "nace_r2": NACE_R2_SECTIONS,
    "isco08": ISCO08_MAJOR_GROUPS,
}

_AGE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^From (\d+) to (\d+) years$"), "Y{0}-{1}"),
    (re.compile(r"^(\d+) years or over$"), "Y_GE{0}"),
    (re.compile(r"^Less than (\d+) years$"), "Y_LT{0}"),
)

#: Generic schema of a custom extract's tidy table (the dimension columns vary by extract).
EXTRACT_SCHEMA = pa.DataFrameSchema(
    {
        "geo": pa.Column(str, pa.Check.str_matches(r"^[A-Z0-9_]+$")),
        "year": pa.Column("int64"),
        "value": pa.Column("float64", pa.Check.ge(0), nullable=True),
        "flag": pa.Column(str, pa.Check.str_matches(r"^[A-Za-z@|]*$")),
    },
    strict=False,
)

_Row = Sequence[object]


def read_extract(path: Path) -> pd.DataFrame:
    """Read a Data Browser custom extract (xlsx) into one tidy table.

    Columns: one per fixed dimension of the sheets (``freq``, ``age``, ``sex``, ``nace_r2``, ``isco08``,
    ``unit``, …, as codes where :data:`POSITION_CODES` knows the labels), ``geo`` (code), ``year`` (int),
    ``value`` (float, in the sheet's unit — thousands of persons for ``lfsa_eisn2``; NaN for ``:``) and
    ``flag`` (text, ``""`` when none). Rows in sheet order, then geo order as printed.
    Raises :class:`~analysis.readers.eurostat.EurostatFormatError` (naming the sheet) on an unexpected layout or label.
    """
    import openpyxl  # only when an extract is read (the build imports this module to know the tables)

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Workbook contains no default style")
        workbook = openpyxl.load_workbook(Path(path), data_only=True)
    try:
        frames = [_read_sheet(ws.title, list(ws.iter_rows(values_only=True)))
                  for ws in workbook.worksheets if ws.title not in META_SHEETS]
    finally:
        workbook.close()
    if not frames:
        raise EurostatFormatError(f"{path}: no data sheets besides {sorted(META_SHEETS)}")
    columns = [list(f.columns) for f in frames]
    if any(c != columns[0] for c in columns):
        raise EurostatFormatError(f"{path}: the sheets do not all have the same dimensions")
    table = pd.concat(frames, ignore_index=True)
    keys = [c for c in table.columns if c not in ("value", "flag")]
    if table.duplicated(keys).any():
        first = table.loc[table.duplicated(keys), keys].iloc[0].to_dict()
        raise EurostatFormatError(f"{path}: the same observation appears twice, e.g. {first}")
    return EXTRACT_SCHEMA.validate(table)


def _read_sheet(sheet: str, rows: list[_Row]) -> pd.DataFrame:
    """Parse one data sheet into a tidy frame (fixed dimensions, geo, year, value, flag)."""
    time_at = _find_row(sheet, rows, "TIME")
    fixed = _header_block(sheet, rows[:time_at])
    periods = _periods(sheet, rows[time_at])
    if time_at + 1 >= len(rows) or not str(rows[time_at + 1][0] or "").startswith("GEO ("):
        raise EurostatFormatError(f"sheet {sheet!r}: expected a 'GEO (Labels)' line under the TIME line")
    geo_as_codes = str(rows[time_at + 1][0]).strip() == "GEO (Codes)"
    records = []
    for row in _data_rows(rows[time_at + 2:]):
        geo = str(row[0]).strip() if geo_as_codes else geo_code(str(row[0]), sheet)
        for col, year in periods:
            value, flag = _observation(sheet, row, col)
            records.append((*fixed.values(), geo, year, value, flag))
    if not records:
        raise EurostatFormatError(f"sheet {sheet!r}: no data rows under the GEO line")
    frame = pd.DataFrame.from_records(records, columns=[*fixed, "geo", "year", "value", "flag"])
    return frame.astype({**dict.fromkeys([*fixed, "geo", "flag"], "str"), "year": "int64", "value": "float64"})


def _find_row(sheet: str, rows: list[_Row], first_cell: str) -> int:
    for i, row in enumerate(rows):
        if row and isinstance(row[0], str) and row[0].strip() == first_cell:
            return i
    raise EurostatFormatError(f"sheet {sheet!r}: no line starting with {first_cell!r}")


def _header_block(sheet: str, rows: list[_Row]) -> dict[str, str]:
    """The ``Dimension | | Position`` lines above TIME → {column name: code (or label)}."""
    fixed: dict[str, str] = {}
    for row in rows:
        cells = [*row, None, None, None][:3]
        label, gap, position = cells
        if isinstance(label, str) and gap in (None, "") and position not in (None, ""):
            column = dimension_column(label)
            if column in fixed:
                raise EurostatFormatError(f"sheet {sheet!r}: dimension {label!r} given twice")
            fixed[column] = position_code(column, str(position), sheet)
    if not fixed:
        raise EurostatFormatError(f"sheet {sheet!r}: no 'Dimension | | Position' lines above TIME")
    return fixed


def _periods(sheet: str, row: _Row) -> list[tuple[int, int]]:
    """(column index, year) of each period on the TIME line; each must be followed by an empty flag column."""
    filled = [(i, str(c).strip()) for i, c in enumerate(row) if i > 0 and c not in (None, "")]
    if not filled or [i for i, _ in filled] != list(range(1, 2 * len(filled), 2)):
        raise EurostatFormatError(f"sheet {sheet!r}: TIME line {list(row)} is not 'TIME | period | | period | …'")
    try:
        return [(i, int(p)) for i, p in filled]
    except ValueError:
        raise EurostatFormatError(f"sheet {sheet!r}: only annual periods are supported, "
                                  f"got {[p for _, p in filled]}") from None


def _data_rows(rows: list[_Row]) -> Iterator[_Row]:
    """Rows of the table: from under the GEO line to the first empty line or the footnotes."""
    for row in rows:
        first = row[0] if row else None
        if first in (None, "") or str(first).strip() in ("Special value", "Observation flags:"):
            return
        yield row


def _observation(sheet: str, row: _Row, col: int) -> tuple[float, str]:
    cells = [*row, None, None][col:col + 2]
    try:
        value, inline_flag = split_value_flag(cells[0])
    except EurostatFormatError as exc:
        raise EurostatFormatError(f"sheet {sheet!r}, geo {row[0]!r}: {exc}") from None
    flag = "" if cells[1] is None else str(cells[1]).strip()
    if inline_flag and flag and inline_flag != flag:
        raise EurostatFormatError(f"sheet {sheet!r}, geo {row[0]!r}: two flags {inline_flag!r} and {flag!r}")
    return value, flag or inline_flag


def _normal(label: str) -> str:
    return " ".join(label.replace("\u2013", "-").replace("\u2014", "-").split())


_GEO_BY_NORMAL_LABEL = {_normal(k): v for k, v in GEO_CODES.items()}


def geo_code(label: str, sheet: str = "?") -> str:
    """Eurostat geo code of a Data Browser geo label (``"Greece"`` → ``"EL"``); raises on unknown labels."""
    try:
        return _GEO_BY_NORMAL_LABEL[_normal(label)]
    except KeyError:
        raise EurostatFormatError(f"sheet {sheet!r}: unknown geo label {label!r}; add it to "
                                  "analysis.readers.eurostat_xlsx.GEO_CODES") from None


def dimension_column(label: str) -> str:
    """Tidy column name of a header-block dimension label (unknown labels are turned into snake_case)."""
    known = DIMENSION_COLUMNS.get(_normal(label))
    return known or re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def position_code(column: str, label: str, sheet: str = "?") -> str:
    """Code of a position label in a dimension whose codes are known; other dimensions keep the label."""
    label = _normal(label)
    if column == "age":
        for pattern, template in _AGE_PATTERNS:
            if m := pattern.match(label):
                return template.format(*m.groups())
        if label == "Total":
            return "TOTAL"
    elif column not in POSITION_CODES:
        return label
    elif label in POSITION_CODES[column]:
        return POSITION_CODES[column][label]
    raise EurostatFormatError(f"sheet {sheet!r}: unknown {column} label {label!r}")
