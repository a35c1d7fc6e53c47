import json
import math

import pytest
from conftest import FakeNode, bundle_json, get, serving
from fakes import FakeChain

from allora_sdk import models
from allora_sdk.models.error_ema import ema
from allora_sdk.rpc import AlloraRpc
from allora_sdk.series import Replay, Schedule
from allora_sdk.server import Handlers

EPOCH = 10
REPLAY = Replay({"AAA": [float(i) for i in range(200)]}, Schedule(epoch_length=EPOCH, warmup=60))


def truth(nonce: int) -> float:
    return REPLAY.truth("AAA", nonce)


def test_no_history_on_chain_means_an_empty_forecast():
    forecast = models.error_ema(FakeChain(), REPLAY)
    assert forecast("AAA", REPLAY.history("AAA", 50), 50, 1) == {}


def test_each_inferer_is_forecast_log10_of_the_ema_of_its_squared_errors():
    chain = FakeChain()
    for nonce, (e_good, e_bad) in zip((20, 30, 40), ((0.1, 3.0), (0.2, 2.0), (0.1, 4.0))):
        chain.add(1, nonce, truth(nonce), truth(nonce), {"5Good": truth(nonce) + e_good, "5Bad": truth(nonce) - e_bad})
    losses = models.error_ema(chain, REPLAY, alpha=0.5)("AAA", REPLAY.history("AAA", 50), 50, 1)
    assert losses["5Good"] == pytest.approx(math.log10(ema([0.01, 0.04, 0.01], 0.5)))
    assert losses["5Bad"] == pytest.approx(math.log10(ema([9.0, 4.0, 16.0], 0.5)))
    assert losses["5Good"] < losses["5Bad"]


def test_only_earlier_nonces_of_the_same_topic_are_read():
    chain = FakeChain()
    chain.add(1, 50, 0.0, 0.0, {"5Future": 1.0})  # the nonce being forecast: not yet scored
    chain.add(2, 40, 0.0, 0.0, {"5Other": 1.0})
    forecast = models.error_ema(chain, REPLAY, depth=3)
    assert forecast("AAA", [], 50, 1) == {}
    assert sorted(n for _, t, n in chain.calls) == [20, 30, 40]


def test_ema_weights_the_newest_error_by_alpha():
    assert ema([4.0], 0.3) == 4.0
    assert ema([4.0, 2.0], 0.25) == pytest.approx(3.5)
    with pytest.raises(ValueError):
        models.error_ema(FakeChain(), REPLAY, alpha=0.0)


def test_last_error_forgets_all_but_the_newest():
    chain = FakeChain()
    chain.add(1, 30, 0, 0, {"5W": truth(30) + 100.0})
    chain.add(1, 40, 0, 0, {"5W": truth(40) + 0.5})
    assert models.forecaster("last_error", chain, REPLAY)("AAA", [], 50, 1) == {"5W": pytest.approx(math.log10(0.25))}


def test_perfect_inferer_gets_the_floor_not_minus_infinity():
    chain = FakeChain()
    chain.add(1, 40, 0, 0, {"5Exact": truth(40)})
    assert models.error_ema(chain, REPLAY)("AAA", [], 50, 1) == {"5Exact": -18.0}


def test_forecaster_server_reads_a_node_over_json_rpc():
    node = FakeNode({
        "allora_networkInference": lambda p: bundle_json(p[0], p[1], 0, 0, {"5W": truth(p[1]) + 10.0}) if p[1] == 40 else None,
    })
    with node.running() as rpc_url:
        forecast = models.forecaster("error_ema", AlloraRpc(rpc_url), REPLAY)
        with serving(Handlers(history=REPLAY.history, forecast=forecast)) as url:
            status, body, _ = get(f"{url}/forecast/AAA?height=50&topic=1")
            assert (status, json.loads(body)) == (200, {"5W": "2"})
            assert get(f"{url}/forecast/AAA?height=5&topic=1")[:2] == (200, "{}")
            status, body, _ = get(f"{url}/forecast/AAA?height=50")
            assert status == 400 and "topic" in body
    assert ("allora_networkInference", [1, 40]) in node.calls


def test_a_node_that_cannot_be_reached_is_a_500_not_an_empty_forecast():
    with FakeNode({}).running() as rpc_url:
        pass
    forecast = models.error_ema(AlloraRpc(rpc_url, timeout=2), REPLAY)
    with serving(Handlers(history=REPLAY.history, forecast=forecast)) as url:
        status, body, _ = get(f"{url}/forecast/AAA?height=50&topic=1")
    assert status == 500 and "cannot reach" in body
