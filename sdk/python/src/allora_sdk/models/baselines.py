"""Simple inferers of known skill: yardsticks for the network, and one deliberate fault."""

from __future__ import annotations

import random
from collections.abc import Sequence

from ..server import Infer


def _require(history: Sequence[float], rows: int = 1) -> None:
    if len(history) < rows:
        raise ValueError(f"needs at least {rows} rows of history, has {len(history)}")


def last() -> Infer:
    """Tomorrow equals today: the random-walk forecast, hard to beat on prices."""

    def infer(token: str, history: Sequence[float], height: int, topic: int) -> float:
        _require(history)
        return history[-1]

    return infer


def moving_average(window: int = 10) -> Infer:
    """Mean of the last ``window`` rows: smooth, but lags a trend."""
    if window < 1:
        raise ValueError("window must be at least 1")

    def infer(token: str, history: Sequence[float], height: int, topic: int) -> float:
        _require(history)
        recent = history[-window:]
        return sum(recent) / len(recent)

    return infer


def noisy(seed: int = 0, scale: float = 0.05) -> Infer:
    """Last value times (1 + N(0, scale)): deliberately bad, and reproducible per request.

    The noise is drawn from (seed, token, height), so asking twice gives one answer.
    """

    def infer(token: str, history: Sequence[float], height: int, topic: int) -> float:
        _require(history)
        rng = random.Random(f"{seed}:{token}:{height}")
        return history[-1] * (1.0 + rng.gauss(0.0, scale))

    return infer


def garbage() -> Infer:
    """Answers a body that is no number: the chain side must skip it, not fail."""

    def infer(token: str, history: Sequence[float], height: int, topic: int) -> str:
        return "not-a-number"

    return infer
