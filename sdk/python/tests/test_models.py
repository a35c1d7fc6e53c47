import random

import pytest
from conftest import smooth

from allora_sdk import models
from allora_sdk.models.ar import ar, fit, solve
from allora_sdk.models.baselines import moving_average, noisy
from allora_sdk.series import Replay, Schedule
from allora_sdk.values import log10_squared_error


def mean_loss(infer, series, epochs=300):
    r = Replay({None: series}, Schedule(epoch_length=1, warmup=60))
    losses = [log10_squared_error(infer("T", r.history("T", h), h, 1), r.truth("T", h)) for h in range(epochs)]
    return sum(losses) / len(losses)


def test_sensible_models_beat_the_noisy_one_on_a_smooth_series():
    series = smooth()
    loss = {name: mean_loss(models.inferer(name, seed=7), series) for name in ("ar", "last", "moving_average", "noisy")}
    assert loss["ar"] < loss["last"] < loss["noisy"]
    assert loss["moving_average"] < loss["noisy"]


def test_ar_recovers_a_known_autoregressive_process():
    rng = random.Random(1)
    d = [0.0, 0.0]
    for _ in range(2000):
        d.append(0.5 + 0.6 * d[-1] - 0.3 * d[-2] + rng.gauss(0, 0.1))
    c, a1, a2 = fit(d[50:], order=2)  # past the start-up transient
    assert c == pytest.approx(0.5, abs=0.05)
    assert a1 == pytest.approx(0.6, abs=0.08) and a2 == pytest.approx(-0.3, abs=0.08)


def test_ar_continues_a_straight_line_exactly():
    line = [3.0 + 2.0 * t for t in range(50)]
    assert ar(order=2)("T", line, 0, 1) == pytest.approx(103.0, abs=1e-6)


def test_ar_answers_the_last_value_with_little_or_flat_history():
    assert ar(order=3)("T", [5.0, 6.0], 0, 1) == 6.0
    assert ar(order=2)("T", [4.0] * 30, 0, 1) == pytest.approx(4.0)


def test_solve_refuses_a_singular_system():
    assert solve([[2.0, 1.0], [1.0, 3.0]], [3.0, 5.0]) == pytest.approx([0.8, 1.4])
    with pytest.raises(ZeroDivisionError):
        solve([[1.0, 2.0], [2.0, 4.0]], [1.0, 2.0])


def test_moving_average_and_last_are_what_they_say():
    history = [1.0, 2.0, 3.0, 4.0, 10.0]
    assert models.inferer("last")("T", history, 0, 1) == 10.0
    assert moving_average(window=2)("T", history, 0, 1) == 7.0
    assert moving_average(window=50)("T", history, 0, 1) == 4.0


def test_noisy_is_reproducible_per_request_and_differs_across_seeds():
    history = [100.0] * 10
    a, b = noisy(seed=1), noisy(seed=2)
    assert a("T", history, 10, 1) == a("T", history, 10, 1)
    assert a("T", history, 10, 1) != a("T", history, 11, 1)
    assert a("T", history, 10, 1) != b("T", history, 10, 1)


def test_garbage_is_no_number():
    body = models.inferer("garbage")("T", [1.0], 0, 1)
    assert isinstance(body, str)
    with pytest.raises(ValueError):
        float(body)


def test_models_refuse_empty_history_and_unknown_names():
    for name in ("last", "moving_average", "ar", "noisy"):
        with pytest.raises(ValueError):
            models.inferer(name)("T", [], 0, 1)
    with pytest.raises(ValueError, match="unknown inferer"):
        models.inferer("oracle")
