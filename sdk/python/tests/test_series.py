from pathlib import Path

import pytest
from conftest import smooth, write_csv

from allora_sdk.series import BOKEH, Replay, Schedule, UnknownToken, bokeh_stocks_path, load_table, resolve_csv


def test_step_advances_one_row_per_epoch_after_warmup():
    s = Schedule(epoch_length=10, warmup=60)
    assert [s.step(h, 1000) for h in (0, 9, 10, 19, 20, 125)] == [60, 60, 61, 61, 62, 72]


def test_step_wraps_back_to_the_first_row_after_warmup():
    s = Schedule(epoch_length=1, warmup=5)
    length = 8  # rows 5, 6, 7 are predictable, then it starts again at 5
    assert [s.step(h, length) for h in range(7)] == [5, 6, 7, 5, 6, 7, 5]


def test_a_series_no_longer_than_warmup_is_refused():
    with pytest.raises(ValueError, match="too short"):
        Schedule(10, 60).step(0, 60)


def test_schedule_rejects_nonsense():
    with pytest.raises(ValueError):
        Schedule(0)
    with pytest.raises(ValueError):
        Schedule(10).step(-1, 100)


def test_history_is_strictly_before_the_predicted_row():
    values = [float(i) for i in range(100)]
    r = Replay({None: values}, Schedule(epoch_length=5, warmup=10))
    for height in (0, 4, 5, 123):
        step = 10 + height // 5
        assert r.history("ANY", height) == values[:step]
        assert r.truth("ANY", height) == values[step]
        assert r.history("ANY", height)[-1] < r.truth("ANY", height)


def test_gzip_csv_loads_in_file_order_grouped_by_key(stocks_csv: Path):
    table = load_table(stocks_csv, "Adj Close", "Ticker")
    assert set(table) == {"AAA", "BBB"}
    assert table["AAA"] == smooth()
    assert table["BBB"][:3] == [1.0, 2.0, 3.0]


def test_plain_csv_without_key_serves_every_token_the_same_series(tmp_path: Path):
    path = tmp_path / "one.csv"
    path.write_text("Date,Price\n1,10.5\n2,\n3,11.25\n4,n/a\n5,12\n")
    r = Replay(load_table(path, "Price"), Schedule(1, warmup=1))
    assert r.series("X") == r.series("Y") == [10.5, 11.25, 12.0]  # blanks and junk skipped


def test_unknown_column_and_token_are_named_in_the_error(stocks_csv: Path):
    with pytest.raises(ValueError, match="no column 'Close'"):
        load_table(stocks_csv, "Close", "Ticker")
    r = Replay(load_table(stocks_csv, "Adj Close", "Ticker"), Schedule(10))
    with pytest.raises(UnknownToken, match="unknown token 'ZZZ' \\(known: AAA, BBB\\)"):
        r.history("ZZZ", 0)


def test_bokeh_stocks_file_is_found_when_installed():
    pytest.importorskip("bokeh_sampledata")
    path = bokeh_stocks_path()
    assert resolve_csv(BOKEH) == path and path.name == "stocks.csv.gz"
    table = load_table(path, "Adj Close", "Ticker")
    assert {len(table[t]) for t in ("AAPL", "MSFT", "IBM")} == {3270}


def test_missing_bokeh_package_gives_a_clear_error(monkeypatch):
    import allora_sdk.series as series

    def missing(name):
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(series.resources, "files", missing)
    with pytest.raises(FileNotFoundError, match="pip install bokeh-sampledata"):
        bokeh_stocks_path()


def test_written_csv_helper_round_trips(tmp_path: Path):
    path = write_csv(tmp_path / "x.csv", {"T": [1.5, 2.5]})
    assert load_table(path, "Adj Close", "Ticker") == {"T": [1.5, 2.5]}
