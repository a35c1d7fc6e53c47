"""Following a topic's network inferences: what ``watch``, ``record`` and ``report`` read.

The chain keeps only the newest network inferences of a topic (its history depth, 64), so
reading history walks back from the latest nonce by the epoch length, and following polls
the latest one and fills any nonces missed between two polls.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .rpc import AlloraRpc, NetworkInference

HISTORY_DEPTH = 64
"""How many network inferences per topic the chain keeps (the synthesis pallet's HistoryDepth)."""


@dataclass(frozen=True)
class TopicToken:
    """A topic and the token (series key) it predicts, written ``1:AAPL`` on the command line."""

    topic: int
    token: str

    @classmethod
    def parse(cls, text: str) -> TopicToken:
        topic, sep, token = text.partition(":")
        if not sep or not token or not topic.isdigit():
            raise ValueError(f"expected TOPIC:TOKEN such as 1:AAPL, got {text!r}")
        return cls(int(topic), token)


def walk_back(
    rpc: AlloraRpc, topic: int, newest: int, epoch_length: int, after: int = -1, depth: int = HISTORY_DEPTH
) -> list[NetworkInference]:
    """Stored bundles at ``newest - k * epoch_length`` (k = 0 .. depth-1) above ``after``, oldest first."""
    found = []
    for k in range(depth):
        nonce = newest - k * epoch_length
        if nonce <= after or nonce < 0:
            break
        bundle = rpc.network_inference(topic, nonce)
        if bundle is not None:
            found.append(bundle)
    return found[::-1]


def stored_history(rpc: AlloraRpc, topic: int, epoch_length: int) -> list[NetworkInference]:
    """Every network inference the chain still holds for ``topic``, oldest first."""
    latest = rpc.latest_network_inference(topic)
    if latest is None:
        return []
    return walk_back(rpc, topic, latest.nonce, epoch_length)


def new_bundles(
    rpc: AlloraRpc, topic: int, epoch_length: int, after: int | None
) -> list[NetworkInference]:
    """Bundles newer than nonce ``after``, oldest first (only the latest when ``after`` is None)."""
    latest = rpc.latest_network_inference(topic)
    if latest is None or (after is not None and latest.nonce <= after):
        return []
    if after is None:
        return [latest]
    return walk_back(rpc, topic, latest.nonce, epoch_length, after=after)


def follow(
    rpc: AlloraRpc,
    topics: Iterable[TopicToken],
    epoch_length: int,
    interval: float = 2.0,
    after: dict[int, int] | None = None,
    keep_going: Callable[[], bool] = lambda: True,
) -> Iterator[tuple[TopicToken, NetworkInference]]:
    """Yields each new network inference of ``topics`` as it appears (until ``keep_going`` is false).

    ``after`` maps topic -> last nonce already seen; topics not in it start at their latest.
    """
    topics = list(topics)
    seen = dict(after or {})
    while keep_going():
        for tt in topics:
            for bundle in new_bundles(rpc, tt.topic, epoch_length, seen.get(tt.topic)):
                seen[tt.topic] = bundle.nonce
                yield tt, bundle
        time.sleep(interval)


def read_jsonl(path: Path | str) -> list[NetworkInference]:
    """Bundles recorded by ``record``, by topic and nonce (a nonce recorded twice counts once)."""
    bundles: dict[tuple[int, int], NetworkInference] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                b = NetworkInference.from_json(json.loads(line))
                bundles[(b.topic, b.nonce)] = b
    return sorted(bundles.values(), key=lambda b: (b.topic, b.nonce))


def append_jsonl(path: Path | str, bundle: NetworkInference) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(bundle.raw, separators=(",", ":")) + "\n")
        f.flush()
