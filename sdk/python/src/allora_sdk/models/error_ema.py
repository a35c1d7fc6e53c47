"""Forecasters that predict each inferer's loss from its track record on chain.

For a forecast at nonce ``h`` the forecaster reads the network inferences of the earlier
nonces ``h - k * epoch_length`` (k = depth .. 1) through ``allora_networkInference``,
scores every inferer listed there against the same series' truth, and forecasts

    loss(inferer) = log10(EMA of its squared errors, oldest first)

An inferer that was good lately is forecast to stay good. Before the chain holds any past
network inference the answer is ``{}``: nothing to forecast yet, which is not an error.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..rpc import AlloraRpc, NetworkInference
from ..series import Replay
from ..server import BadRequest, Forecast
from ..values import log10_loss


def ema(values: Sequence[float], alpha: float) -> float:
    """Exponential moving average, seeded with the first value."""
    avg = values[0]
    for v in values[1:]:
        avg = alpha * v + (1.0 - alpha) * avg
    return avg


class BundleCache:
    """Past network inferences never change once stored, so each is fetched once."""

    def __init__(self, rpc: AlloraRpc, capacity: int = 1024):
        self.rpc, self.capacity = rpc, capacity
        self._store: dict[tuple[int, int], NetworkInference] = {}

    def get(self, topic: int, nonce: int) -> NetworkInference | None:
        key = (topic, nonce)
        if key not in self._store:
            bundle = self.rpc.network_inference(topic, nonce)
            if bundle is None:
                return None  # maybe not closed yet: ask again next time
            if len(self._store) >= self.capacity:
                self._store.pop(next(iter(self._store)))
            self._store[key] = bundle
        return self._store[key]


def squared_errors(
    bundles: BundleCache, replay: Replay, token: str, topic: int, height: int, depth: int
) -> dict[str, list[float]]:
    """Each inferer's squared errors at the ``depth`` nonces before ``height``, oldest first."""
    epoch = replay.schedule.epoch_length
    errors: dict[str, list[float]] = {}
    for k in range(depth, 0, -1):
        nonce = height - k * epoch
        if nonce < 0:
            continue
        bundle = bundles.get(topic, nonce)
        if bundle is None:
            continue
        truth = replay.truth(token, nonce)
        for worker, value in bundle.inferers.items():
            errors.setdefault(worker, []).append((float(value) - truth) ** 2)
    return errors


def error_ema(rpc: AlloraRpc, replay: Replay, alpha: float = 0.3, depth: int = 16) -> Forecast:
    """log10 of an EMA (weight ``alpha`` on the newest) of each inferer's squared errors."""
    if not 0.0 < alpha <= 1.0:
        raise ValueError("alpha must be in (0, 1]")
    bundles = BundleCache(rpc)

    def forecast(token: str, history: Sequence[float], height: int, topic: int | None) -> dict[str, float]:
        if topic is None:
            raise BadRequest("the forecaster reads the chain per topic: add ?topic={TopicId}")
        errors = squared_errors(bundles, replay, token, topic, height, depth)
        return {worker: log10_loss(ema(e, alpha)) for worker, e in errors.items()}

    return forecast


def last_error(rpc: AlloraRpc, replay: Replay, depth: int = 4) -> Forecast:
    """Each inferer's last squared error: a forecaster that forgets at once."""
    return error_ema(rpc, replay, alpha=1.0, depth=depth)
