from pathlib import Path

from fakes import FakeChain

from allora_sdk.follow import TopicToken, append_jsonl, follow, new_bundles, read_jsonl, stored_history

import pytest


def chain(nonces) -> FakeChain:
    c = FakeChain()
    for n in nonces:
        c.add(1, n, float(n), float(n), {"5W": float(n)})
    return c


def test_topic_token_parses_id_and_token():
    assert TopicToken.parse("1:AAPL") == TopicToken(1, "AAPL")
    assert TopicToken.parse("12:ETH/USD") == TopicToken(12, "ETH/USD")
    for bad in ("AAPL", "x:AAPL", "1:"):
        with pytest.raises(ValueError):
            TopicToken.parse(bad)


def test_stored_history_walks_back_by_epoch_oldest_first():
    c = chain([10, 20, 40, 50])  # 30 missing
    assert [b.nonce for b in stored_history(c, 1, 10)] == [10, 20, 40, 50]
    assert stored_history(c, 2, 10) == []


def test_new_bundles_fill_the_nonces_missed_between_polls():
    c = chain([10, 20, 30, 40])
    assert [b.nonce for b in new_bundles(c, 1, 10, after=None)] == [40]
    assert [b.nonce for b in new_bundles(c, 1, 10, after=10)] == [20, 30, 40]
    assert new_bundles(c, 1, 10, after=40) == []


def test_follow_yields_each_bundle_once():
    c = chain([10, 20])
    polls = iter([True, True, True, False])
    seen = []
    for tt, b in follow(c, [TopicToken(1, "AAA")], 10, interval=0, after={1: 10}, keep_going=lambda: next(polls)):
        seen.append(b.nonce)
        c.add(1, b.nonce + 10, 0, 0, {}) if b.nonce < 30 else None
    assert seen == [20, 30]


def test_jsonl_round_trips_and_counts_a_nonce_once(tmp_path: Path):
    c = chain([10, 20])
    path = tmp_path / "rec.jsonl"
    for b in (*c.bundles.values(), c.bundles[(1, 10)]):
        append_jsonl(path, b)
    back = read_jsonl(path)
    assert [b.nonce for b in back] == [10, 20]
    assert back[0] == c.bundles[(1, 10)]
