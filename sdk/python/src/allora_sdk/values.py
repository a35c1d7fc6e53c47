"""Numbers as the chain reads them, and the one loss every part of the kit uses."""

from __future__ import annotations

import math
from decimal import Decimal

FIXED_DECIMALS = 18
"""The chain's fixed point keeps 18 decimals; more would be rounded away anyway."""
_QUANTUM = Decimal(1).scaleb(-FIXED_DECIMALS)
LOSS_FLOOR = 1e-18
"""The chain's reputers count any loss below 1e-18 (the fixed point's resolution) as 1e-18,
so a perfect prediction scores log10 = -18 there and here alike."""


def format_decimal(value: float | int | Decimal) -> str:
    """A plain decimal (never ``1e-05``), at most 18 decimals, as the node's parser expects."""
    d = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    if not d.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if d.as_tuple().exponent < -FIXED_DECIMALS:
        d = d.quantize(_QUANTUM)
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def log10_loss(squared_error: float) -> float:
    """A squared error (or a mean of them) in the log10 space the reputers report."""
    return math.log10(max(squared_error, LOSS_FLOOR))


def log10_squared_error(prediction: float | Decimal, truth: float | Decimal) -> float:
    """The reputers' loss of topic loss method ``mse``, in log10 space."""
    error = float(prediction) - float(truth)
    return log10_loss(error * error)
