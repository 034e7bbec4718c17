"""Per-cell columns from files, joined onto any benchmark table.

Published NAS data often comes as per-architecture columns of an existing space: a one-shot method's
supernet estimates, hardware latency or energy, recorded zero-cost scores. ``--benchmark
"nb201-cifar10:columns=gdas.csv"`` joins such a file (CSV, gzipped CSV, or Parquet when pandas can
read it) onto the table, and several files join at once (``columns=a.csv+b.csv``):

* the **key** column is found by name or content, or given with ``key=``: the table's cell ids
  (the NB201 cell string, the NB101 module hash, ...) or the table's row ``index``;
* every other **numeric column** becomes a per-cell cost under its own name (what predictors ask
  for as ``cost:<name>``), and can be chosen as the **target** with ``target=<column>`` (a job never
  hands its target to a predictor as a cost); ``<cost>=<column>`` gives a column the name a predictor
  needs, e.g. ``supernet=gdas_acc`` for ``gcn-fit`` and ``supernet``;
* columns without a single number (names, notes) are ignored.

A bad file stops with one line naming the file, the column and the first offending row: unknown or
duplicated keys, non-numeric or missing values in a numeric column, an unknown column name, and cells
of the table that the file does not cover (``missing=drop`` restricts the table to the covered
cells; the default is an error).
"""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from nasbench_suite.contracts.benchmark import BenchmarkTable
from nasbench_suite.errors import ConfigError, DataFileError

#: Benchmark-spec options the harness reads itself for joining columns.
COLUMN_OPTIONS = ("columns", "key", "missing")
MISSING = ("error", "drop")
#: Names a key column of row indices may have.
INDEX_NAMES = ("index", "idx", "arch_index", "cell_index", "row")
FILE_SEPARATOR = "+"


@dataclass(frozen=True)
class ColumnFiles:
    """What a benchmark spec asks to join: files, their key column, and renamed costs."""

    files: tuple[str, ...]
    key: str | None = None
    missing: str = "error"
    renames: dict[str, str] = field(default_factory=dict)  # cost name -> file column

    def __post_init__(self) -> None:
        if self.missing not in MISSING:
            raise ConfigError(f"missing: expected one of {', '.join(MISSING)} (got {self.missing!r})")
        if not self.files:
            raise ConfigError("columns: expected a file, or files joined by '+'")


def split_files(value: object) -> tuple[str, ...]:
    """``"a.csv+b.csv"`` -> ``("a.csv", "b.csv")``."""
    return tuple(part.strip() for part in str(value).split(FILE_SEPARATOR) if part.strip())


def read_frame(path: str) -> pd.DataFrame:
    """The file as a data frame of strings (a one-line error naming it otherwise)."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise DataFileError(path, "not found; expected a CSV, gzipped CSV or Parquet file of per-cell columns")
    try:
        if file.suffix.lower() in (".parquet", ".pq"):
            frame = pd.read_parquet(file).astype(str)
        else:
            frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    except ImportError as exc:
        raise DataFileError(path, f"reading Parquet needs pyarrow or fastparquet ({exc})") from None
    except (OSError, ValueError, UnicodeDecodeError, zipfile.BadZipFile, EOFError, pd.errors.ParserError) as exc:
        raise DataFileError(path, f"not a readable CSV or Parquet file ({' '.join(str(exc).split())})") from None
    if frame.empty or not len(frame.columns):
        raise DataFileError(path, "has no rows; expected a header and one row per cell")
    frame.columns = [str(column).strip() for column in frame.columns]
    return frame


def file_row(position: int) -> str:
    """How errors name the row of a file at a 0-based position (1-based, after the header line)."""
    return f"row {position + 2}"


def _key_column(frame: pd.DataFrame, path: str, key: str | None, where: dict[str, int], ids: np.ndarray) -> str:
    """The given key column, else the first holding cell ids of the table, else an index column."""
    if key is not None:
        if key not in frame.columns:
            raise DataFileError(path, f"no key column {key!r}; the columns are {', '.join(frame.columns)}")
        return key
    for column in frame.columns:
        if frame[column].str.strip().isin(where.keys()).any():
            return column
    for column in frame.columns:
        if column.lower() in INDEX_NAMES:
            return column
    raise DataFileError(
        path,
        f"no key column: expected a column of the table's cell ids (e.g. {str(ids[0])!r}) or of row indices "
        f"({', '.join(INDEX_NAMES)}); name it with key=",
    )


def _key_positions(frame: pd.DataFrame, path: str, key: str | None, ids: np.ndarray) -> tuple[str, np.ndarray]:
    """The key column and, per file row, the table row it names (by cell id, or by row index)."""
    where = {str(cell): row for row, cell in enumerate(ids)}
    column = _key_column(frame, path, key, where, ids)
    values = frame[column].str.strip()
    by_index = not values.isin(where.keys()).any() and pd.to_numeric(values, errors="coerce").notna().all()
    if by_index:
        numbers = pd.to_numeric(values)
        bad = ~((numbers == numbers.round()) & (numbers >= 0) & (numbers < len(ids)))
        expected = f"a row index 0..{len(ids) - 1}"
    else:
        bad = ~values.isin(where.keys())
        expected = "a cell of the table"
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise DataFileError(path, f"column {column}, {file_row(first)}: {values.iloc[first]!r} is not {expected}")
    rows = numbers.to_numpy(dtype=np.int64) if by_index else values.map(where).to_numpy(dtype=np.int64)
    return column, rows


def numeric_columns(frame: pd.DataFrame, path: str, skip: Sequence[str] = ()) -> dict[str, np.ndarray]:
    """Every column of ``frame`` (read from ``path``) with numbers, as float arrays, except ``skip``; a
    column mixing numbers with anything else, or with empty or NaN cells, is an error naming the first
    such row, and a column without a single number (names, notes) is left out."""
    columns = {}
    for column in frame.columns:
        if column in skip:
            continue
        text = frame[column].str.strip()
        numbers = pd.to_numeric(text, errors="coerce")
        if numbers.isna().all() and not text.str.lower().isin(("nan", "")).all():
            continue  # a column of names or notes
        bad = numbers.isna() | ~np.isfinite(numbers.fillna(0))
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise DataFileError(
                path, f"column {column}, {file_row(first)}: {text.iloc[first]!r} is not a finite number"
            )
        columns[column] = numbers.to_numpy(dtype=np.float64)
    return columns


def join_columns(table: BenchmarkTable, spec: ColumnFiles) -> BenchmarkTable:
    """``table`` with every numeric column of the files as a cost and as a target (a ranking or search
    job hides its target from the costs a predictor sees), renamed costs added, restricted to the
    cells the files cover when ``spec.missing == "drop"``."""
    ids = table.archs.ids
    joined: dict[str, np.ndarray] = {}
    origin: dict[str, str] = {}
    covered = np.ones(len(table), dtype=bool)
    for path in spec.files:
        frame = read_frame(path)
        key, rows = _key_positions(frame, path, spec.key, ids)
        order = np.argsort(rows, kind="stable")
        repeated = order[1:][rows[order][1:] == rows[order][:-1]]
        if len(repeated):
            second = int(repeated.min())
            cell = frame[key].iloc[second].strip()
            raise DataFileError(path, f"column {key}, {file_row(second)}: cell {cell!r} appears twice")
        for column, values in numeric_columns(frame, path, (key,)).items():
            if column in joined:
                raise DataFileError(path, f"column {column} is also in {origin[column]}; give each column once")
            joined[column] = np.full(len(table), np.nan)
            joined[column][rows] = values
            origin[column] = path
        present = np.zeros(len(table), dtype=bool)
        present[rows] = True
        if spec.missing == "error" and not present.all():
            absent = np.flatnonzero(~present)
            raise DataFileError(
                path,
                f"covers {int(present.sum())} of the table's {len(table)} cells; {len(absent)} are missing "
                f"(e.g. {str(ids[absent[0]])!r}); add them, or pass missing=drop to keep only the covered cells",
            )
        covered &= present
    for name, column in spec.renames.items():
        if column not in joined:
            numeric = ", ".join(joined) or "(none)"
            files = " + ".join(spec.files)
            raise DataFileError(files, f"no column {column!r} for {name}=; the numeric columns are {numeric}")
    costs = {**table.archs.costs, **joined, **{name: joined[column] for name, column in spec.renames.items()}}
    archs = dataclasses.replace(table.archs, costs=costs)
    joined_table = BenchmarkTable(archs, {**table.targets, **joined}, table.mutation_encoding)
    return joined_table if covered.all() else restrict(joined_table, np.flatnonzero(covered))


def restrict(table: BenchmarkTable, rows: np.ndarray) -> BenchmarkTable:
    """The table of ``rows`` only."""
    encoding = None if table.mutation_encoding is None else np.asarray(table.mutation_encoding)[rows]
    return BenchmarkTable(table.archs[rows], {name: values[rows] for name, values in table.targets.items()}, encoding)


def column_files(options: dict[str, object], cost_names: Sequence[str]) -> tuple[ColumnFiles | None, dict[str, object]]:
    """Split the harness's column options off a benchmark spec's options: ``(what to join, the
    benchmark's own options)``. ``cost_names`` are the costs a ``<cost>=<column>`` rename may give."""
    if "columns" not in options:
        stray = [name for name in ("key", "missing") if name in options]
        if stray:
            raise ConfigError(f"{stray[0]}= is an option of columns=; give the file with columns=FILE")
        renamed = [name for name in cost_names if name in options]
        if renamed:
            raise ConfigError(f"{renamed[0]}= names a column of a joined file; give the file with columns=FILE")
        return None, dict(options)
    own = {k: v for k, v in options.items() if k not in COLUMN_OPTIONS and k not in cost_names}
    renames = {k: str(v) for k, v in options.items() if k in cost_names}
    key = options.get("key")
    missing = str(options.get("missing", "error"))
    spec = ColumnFiles(split_files(options["columns"]), None if key is None else str(key), missing, renames)
    return spec, own
