"""Series replayed one row per epoch: the single place that maps a block height to a row.

The mapping, shared by model, forecaster and ground-truth servers (they must agree, or
workers predict one row while reputers score them against another):

    step(height) = warmup + height // epoch_length

For a series of ``n`` rows, a step past the last row wraps back to row ``warmup``
(``warmup + (height // epoch_length) % (n - warmup)``), so a replay never ends and models
always have at least ``warmup`` rows of history.

At nonce height ``h`` the value to predict, and the ground truth, is ``series[step(h)]``;
a model answering for ``h`` sees only ``series[:step(h)]`` (strictly earlier rows).
``epoch_length`` must be the topic's epoch length: consecutive nonces then map to
consecutive rows.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

DEFAULT_WARMUP = 60
BOKEH = "bokeh"
"""The ``--csv`` shorthand for the stocks file of the ``bokeh-sampledata`` package."""
BOKEH_COLUMN = "Adj Close"
BOKEH_KEY_COLUMN = "Ticker"


class UnknownToken(KeyError):
    """The token names no series of the loaded file."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "unknown token"


@dataclass(frozen=True)
class Schedule:
    """How heights map to rows: the topic's epoch length and the rows kept as history."""

    epoch_length: int
    warmup: int = DEFAULT_WARMUP

    def __post_init__(self) -> None:
        if self.epoch_length < 1:
            raise ValueError("epoch length must be at least 1")
        if self.warmup < 1:
            raise ValueError("warmup must be at least 1 row")

    def step(self, height: int, length: int) -> int:
        """The row predicted at nonce ``height`` in a series of ``length`` rows."""
        if height < 0:
            raise ValueError("height must not be negative")
        if length <= self.warmup:
            raise ValueError(f"series of {length} rows is too short for warmup {self.warmup}")
        return self.warmup + (height // self.epoch_length) % (length - self.warmup)


def bokeh_stocks_path() -> Path:
    """The ``stocks.csv.gz`` of ``bokeh-sampledata`` (AAPL, MSFT, IBM, GOOG, FB daily prices)."""
    try:
        root = resources.files("bokeh_sampledata")
    except ModuleNotFoundError:
        raise FileNotFoundError(
            "--csv bokeh needs the bokeh-sampledata package: pip install bokeh-sampledata"
        ) from None
    path = Path(str(root.joinpath("_data", "stocks.csv.gz")))
    if not path.is_file():
        raise FileNotFoundError(f"bokeh-sampledata is installed but {path} is missing")
    return path


def resolve_csv(csv_arg: str) -> Path:
    """A ``--csv`` argument as a path (``bokeh`` means the bokeh stocks file)."""
    return bokeh_stocks_path() if csv_arg == BOKEH else Path(csv_arg)


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", newline="", encoding="utf-8")
    return open(path, newline="", encoding="utf-8")


def load_table(path: Path | str, column: str, key_column: str | None = None) -> dict[str | None, list[float]]:
    """Values of ``column`` in file order, grouped by ``key_column`` (one group ``None`` without).

    Rows whose value is empty or not a number are skipped (e.g. missing prices).
    """
    path = Path(path)
    table: dict[str | None, list[float]] = {}
    with _open_text(path) as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames or []
        for name in (column, key_column):
            if name is not None and name not in fields:
                raise ValueError(f"{path}: no column {name!r} (columns: {', '.join(fields)})")
        for row in reader:
            try:
                value = float(row[column])
            except (TypeError, ValueError):
                continue
            key = row[key_column] if key_column else None
            table.setdefault(key, []).append(value)
    if not table:
        raise ValueError(f"{path}: no numeric values in column {column!r}")
    return table


class Replay:
    """A table of series replayed under a schedule: what a model may see, and the truth."""

    def __init__(self, table: dict[str | None, list[float]], schedule: Schedule):
        self.table = table
        self.schedule = schedule

    @classmethod
    def from_csv(cls, csv_arg: str, column: str, key_column: str | None, schedule: Schedule) -> Replay:
        return cls(load_table(resolve_csv(csv_arg), column, key_column), schedule)

    def series(self, token: str) -> list[float]:
        """The token's rows; without a key column every token reads the one series."""
        if None in self.table:
            return self.table[None]
        try:
            return self.table[token]
        except KeyError:
            known = ", ".join(sorted(k for k in self.table if k is not None))
            raise UnknownToken(f"unknown token {token!r} (known: {known})") from None

    def step(self, token: str, height: int) -> int:
        return self.schedule.step(height, len(self.series(token)))

    def history(self, token: str, height: int) -> list[float]:
        """Rows strictly before the one predicted at ``height``."""
        series = self.series(token)
        return series[: self.schedule.step(height, len(series))]

    def truth(self, token: str, height: int) -> float:
        """The ground truth of nonce ``height``: the row its models predicted."""
        series = self.series(token)
        return series[self.schedule.step(height, len(series))]
