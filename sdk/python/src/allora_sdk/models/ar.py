"""AR(p) on first differences, fitted by least squares on recent rows (pure Python).

    d[t] = x[t] - x[t-1]
    d[t] = c + a1 d[t-1] + ... + ap d[t-p]          fitted over the last ``fit_window`` d's
    prediction = x[-1] + c + a1 d[-1] + ... + ap d[-p]

Differences, not levels, because prices wander (a fit on levels mostly learns the mean of
the window); differences rather than returns so zero or negative series work too. A small
ridge term keeps the normal equations solvable on flat stretches; with too little history
the model answers the last value.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..server import Infer


def solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Solves ``a x = b`` by Gaussian elimination with partial pivoting."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-300:
            raise ZeroDivisionError("singular system")
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def fit(d: Sequence[float], order: int, ridge: float = 1e-6) -> list[float]:
    """Coefficients ``[c, a1, .., ap]`` minimising squared one-step error (plus ridge)."""
    k = order + 1
    xtx = [[0.0] * k for _ in range(k)]
    xty = [0.0] * k
    scale = 0.0
    for t in range(order, len(d)):
        row = [1.0] + [d[t - i] for i in range(1, order + 1)]
        for i in range(k):
            xty[i] += row[i] * d[t]
            for j in range(k):
                xtx[i][j] += row[i] * row[j]
        scale += d[t] * d[t]
    for i in range(1, k):  # not the intercept
        xtx[i][i] += ridge * (scale + 1.0)
    return solve(xtx, xty)


def ar(order: int = 3, fit_window: int = 250) -> Infer:
    """AR(``order``) on differences of the last ``fit_window`` rows."""
    if order < 1:
        raise ValueError("order must be at least 1")

    def infer(token: str, history: Sequence[float], height: int, topic: int) -> float:
        if not history:
            raise ValueError("needs at least 1 row of history")
        x = history[-(fit_window + 1):]
        d = [x[i] - x[i - 1] for i in range(1, len(x))]
        if len(d) < 2 * (order + 1):
            return x[-1]
        try:
            coef = fit(d, order)
        except ZeroDivisionError:
            return x[-1]
        return x[-1] + coef[0] + sum(coef[i] * d[-i] for i in range(1, order + 1))

    return infer
