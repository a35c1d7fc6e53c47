"""An in-memory chain standing in for ``AlloraRpc`` where the HTTP layer is not under test."""

from __future__ import annotations

from decimal import Decimal

from conftest import bundle_json

from allora_sdk.rpc import ActorScores, NetworkInference, Score


class FakeChain:
    def __init__(self):
        self.bundles: dict[tuple[int, int], NetworkInference] = {}
        self.calls: list[tuple] = []

    def add(self, topic: int, nonce: int, combined: float, naive: float, inferers: dict[str, float],
            implied: dict[str, float] | None = None) -> NetworkInference:
        b = NetworkInference.from_json(bundle_json(topic, nonce, combined, naive, inferers, implied))
        self.bundles[(topic, nonce)] = b
        return b

    def network_inference(self, topic: int, nonce: int, at=None):
        self.calls.append(("networkInference", topic, nonce))
        return self.bundles.get((topic, nonce))

    def latest_network_inference(self, topic: int, at=None):
        self.calls.append(("latestNetworkInference", topic))
        nonces = [n for t, n in self.bundles if t == topic]
        return self.bundles[(topic, max(nonces))] if nonces else None

    def actor_scores(self, topic: int, actor: str, at=None) -> ActorScores:
        return ActorScores(Score(Decimal("0.5"), Decimal(len(actor)) / 100, 0), None, None)
