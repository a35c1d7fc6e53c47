import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FakeNode, get, smooth
from fakes import FakeChain

import allora_sdk.follow
from allora_sdk.cli import main, parser
from allora_sdk.follow import read_jsonl
from allora_sdk.series import Replay, Schedule, load_table

SERIES = ["--csv", None, "--column", "Adj Close", "--key-column", "Ticker", "--epoch-length", "10", "--warmup", "60"]


def series_args(csv: Path) -> list[str]:
    return [str(csv) if a is None else a for a in SERIES]


def node_of(chain: FakeChain) -> FakeNode:
    def latest(p):
        b = chain.latest_network_inference(p[0])
        return b.raw if b else None

    def at(p):
        b = chain.bundles.get((p[0], p[1]))
        return b.raw if b else None

    return FakeNode({
        "allora_latestNetworkInference": latest,
        "allora_networkInference": at,
        "allora_actorScores": lambda p: {"inferer": {"instant": "1", "ema": "0.75", "nonce": 30}, "forecaster": None, "reputer": None},
    })


def epochs(csv: Path, nonces) -> FakeChain:
    replay = Replay(load_table(csv, "Adj Close", "Ticker"), Schedule(10))
    chain = FakeChain()
    for n in nonces:
        t = replay.truth("AAA", n)
        chain.add(1, n, t + 0.5, t + 1.0, {"5Good": t + 0.5, "5Bad": t - 3.0})
    return chain


def stop_after_first_poll(monkeypatch):
    def interrupt(_):
        raise KeyboardInterrupt

    monkeypatch.setattr(allora_sdk.follow.time, "sleep", interrupt)


def test_every_command_parses_as_documented():
    p = parser()
    a = p.parse_args(["serve-model", "--model", "ar", "--port", "9000", "--csv", "bokeh", "--epoch-length", "10"])
    assert (a.model, a.port, a.host, a.warmup, a.seed) == ("ar", 9000, "127.0.0.1", 60, 0)
    a = p.parse_args(["watch", "--topic", "1:AAPL", "--topic", "2:MSFT", "--epoch-length", "5"])
    assert [t.token for t in a.topics] == ["AAPL", "MSFT"] and a.rpc == "http://127.0.0.1:9944"
    with pytest.raises(SystemExit):
        p.parse_args(["serve-model", "--model", "oracle", "--epoch-length", "10"])


def test_report_from_a_recording_needs_no_node(stocks_csv: Path, tmp_path: Path, monkeypatch, capsys):
    chain = epochs(stocks_csv, [10, 20, 30])
    with node_of(chain).running() as url:
        stop_after_first_poll(monkeypatch)
        main(["record", "--rpc", url, "--topic", "1:AAA", "--epoch-length", "10", "--out", str(tmp_path / "r.jsonl")])
    assert [b.nonce for b in read_jsonl(tmp_path / "r.jsonl")] == [10, 20, 30]
    main(["report", "--from", str(tmp_path / "r.jsonl"), "--topic", "1:AAA", *series_args(stocks_csv),
          "--out", str(tmp_path / "out"), "--no-plots"])
    text = (tmp_path / "out" / "report.md").read_text()
    assert "| 1 | AAA | 3 | -0.602 | 0.000 | 5Good | -0.602 |" in text


def test_record_resumes_after_the_last_recorded_nonce(stocks_csv: Path, tmp_path: Path, monkeypatch):
    out = tmp_path / "r.jsonl"
    chain = epochs(stocks_csv, [10, 20])
    stop_after_first_poll(monkeypatch)
    with node_of(chain).running() as url:
        main(["record", "--rpc", url, "--topic", "1:AAA", "--epoch-length", "10", "--out", str(out)])
        chain.add(1, 30, 0, 0, {})
        main(["record", "--rpc", url, "--topic", "1:AAA", "--epoch-length", "10", "--out", str(out)])
    assert len(out.read_text().splitlines()) == 3


def test_report_reads_the_chain_and_its_scores(stocks_csv: Path, tmp_path: Path):
    with node_of(epochs(stocks_csv, [10, 20, 30])).running() as url:
        main(["report", "--rpc", url, "--topic", "1:AAA", *series_args(stocks_csv), "--out", str(tmp_path), "--no-plots"])
    text = (tmp_path / "report.md").read_text()
    assert "| 1 | AAA | 3 |" in text and "| `5Good` | inferer | 3 | -0.602 | 0.7500 |" in text


def test_watch_prints_a_line_per_new_network_inference(stocks_csv: Path, monkeypatch, capsys):
    with node_of(epochs(stocks_csv, [10, 20])).running() as url:
        stop_after_first_poll(monkeypatch)
        main(["watch", "--rpc", url, "--topic", "1:AAA", *series_args(stocks_csv)])
    truth = smooth()[62]
    assert capsys.readouterr().out.splitlines() == [
        f"topic 1 AAA nonce 20  combined {truth + 0.5:.6g}  naive {truth + 1:.6g}  truth {truth:.6g}  error +0.5"
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_truth_runs_as_a_command(stocks_csv: Path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "allora_sdk", "serve-truth", "--port", str(port), *series_args(stocks_csv)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if get(f"{url}/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        assert get(f"{url}/truth/AAA?height=25&topic=1")[:2] == (200, repr(smooth()[62]))
        assert get(f"{url}/inference/AAA?height=25&topic=1")[0] == 404
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_missing_csv_is_a_clean_error(tmp_path: Path):
    with pytest.raises(SystemExit, match="error: "):
        main(["serve-truth", "--csv", str(tmp_path / "none.csv"), "--column", "x", "--epoch-length", "10"])


def test_a_topic_with_an_unknown_token_is_refused_before_polling(stocks_csv: Path):
    with pytest.raises(SystemExit, match="unknown token 'ZZZ'"):
        main(["watch", "--rpc", "http://127.0.0.1:9", "--topic", "1:ZZZ", *series_args(stocks_csv)])
