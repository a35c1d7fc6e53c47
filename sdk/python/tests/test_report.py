import struct
from pathlib import Path

import pytest
from fakes import FakeChain

from allora_sdk import report
from allora_sdk.follow import TopicToken
from allora_sdk.series import Replay, Schedule

EPOCH = 5
REPLAY = Replay({"AAA": [100.0 + i for i in range(300)]}, Schedule(epoch_length=EPOCH, warmup=60))
TOPIC = TopicToken(1, "AAA")


def chain_with_epochs(n: int = 30) -> FakeChain:
    chain = FakeChain()
    for k in range(n):
        nonce = EPOCH * (k + 1)
        t = REPLAY.truth("AAA", nonce)
        chain.add(1, nonce, t + 0.01, t + 0.1, {"5Good": t + 0.01, "5Bad": t + 10.0}, {"5Fore": t + 0.1})
    chain.add(2, 5, 0, 0, {"5Elsewhere": 0})  # another topic: ignored
    return chain


def png_size(path: Path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


def test_losses_are_log10_squared_errors_against_the_series():
    t = report.topic_losses(TOPIC, chain_with_epochs().bundles.values(), REPLAY)
    assert len(t.nonces) == 30 and t.nonces == sorted(t.nonces)
    assert t.mean_loss("combined") == pytest.approx(-4.0)
    assert t.mean_loss("naive") == pytest.approx(-2.0)
    assert t.mean_loss("5Bad") == pytest.approx(2.0)
    assert t.inferers() == ["5Bad", "5Good"] and t.forecasters() == ["5Fore"]
    assert t.best_inferer() == ("5Good", pytest.approx(-4.0))


def test_report_table_names_epochs_combined_naive_best_and_scores():
    chain = chain_with_epochs()
    t = report.topic_losses(TOPIC, chain.bundles.values(), REPLAY)
    scores = {(1, w): chain.actor_scores(1, w) for w in ("5Good", "5Bad", "5Fore")}
    text = report.render([t], scores)
    assert "| 1 | AAA | 30 | -4.000 | -2.000 | 5Good | -4.000 |" in text
    assert "| `5Bad` | inferer | 30 | 2.000 | 0.0400 |" in text
    assert "| `5Fore` | forecaster (implied inference) | 30 | -2.000 | – |" in text
    assert "allora_actorScores" in text


def test_report_writes_markdown_and_small_pngs(tmp_path: Path):
    pytest.importorskip("matplotlib")
    t = report.topic_losses(TOPIC, chain_with_epochs().bundles.values(), REPLAY)
    path = report.write_report(tmp_path, [t])
    text = path.read_text()
    for name in ("topic-1-loss.png", "topic-1-values.png"):
        assert f"![{name}]({name})" in text
        assert png_size(tmp_path / name) == (800, 400)
    assert "No scores" in text


def test_report_without_matplotlib_says_so(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(report, "has_matplotlib", lambda: False)
    t = report.topic_losses(TOPIC, chain_with_epochs().bundles.values(), REPLAY)
    text = report.write_report(tmp_path, [t]).read_text()
    assert "matplotlib is not installed" in text and not list(tmp_path.glob("*.png"))


def test_a_topic_without_inferences_still_reports():
    t = report.topic_losses(TopicToken(3, "AAA"), [], REPLAY)
    assert "| 3 | AAA | 0 | – | – | – | – |" in report.render([t])


def test_report_names_workers_and_sums_their_rewards(tmp_path: Path):
    accounts = tmp_path / "run.accounts.json"
    accounts.write_text('{"5Good": {"name": "Inferer1//AAA", "rewards": "1500000000000000000"}}')
    t = report.topic_losses(TOPIC, chain_with_epochs().bundles.values(), REPLAY)
    text = report.render([t], accounts=report.read_accounts(accounts))
    assert "| 1 | AAA | 30 | -4.000 | -2.000 | Inferer1//AAA |" in text
    assert "Inferer1//AAA (`" in text and "| 1.500000 |" in text
    assert "| `5Bad` | inferer |" in text and text.count("| – |") >= 1
