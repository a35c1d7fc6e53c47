"""Reference models, by the names the CLI's ``--model`` takes.

Inferers: ``last``, ``moving_average``, ``ar``, ``noisy`` (deliberately bad) and ``garbage``
(answers no number: for fault tests). Forecasters: ``error_ema`` and ``last_error``.
"""

from __future__ import annotations

from ..rpc import AlloraRpc
from ..series import Replay
from ..server import Forecast, Infer
from .ar import ar
from .baselines import garbage, last, moving_average, noisy
from .error_ema import error_ema, last_error

INFERERS = ("last", "moving_average", "ar", "noisy", "garbage")
FORECASTERS = ("error_ema", "last_error")


def inferer(name: str, seed: int = 0) -> Infer:
    """The reference inferer ``name`` with its default parameters."""
    makers = {"last": last, "moving_average": moving_average, "ar": ar, "garbage": garbage}
    if name == "noisy":
        return noisy(seed=seed)
    if name not in makers:
        raise ValueError(f"unknown inferer {name!r} (known: {', '.join(INFERERS)})")
    return makers[name]()


def forecaster(name: str, rpc: AlloraRpc, replay: Replay) -> Forecast:
    """The reference forecaster ``name``, reading past inferences from ``rpc``."""
    makers = {"error_ema": error_ema, "last_error": last_error}
    if name not in makers:
        raise ValueError(f"unknown forecaster {name!r} (known: {', '.join(FORECASTERS)})")
    return makers[name](rpc, replay)


__all__ = [
    "FORECASTERS", "INFERERS", "ar", "error_ema", "forecaster", "garbage", "inferer", "last",
    "last_error", "moving_average", "noisy",
]
