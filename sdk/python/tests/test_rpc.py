from decimal import Decimal

import pytest
from conftest import FakeNode, bundle_json

from allora_sdk.rpc import AlloraRpc, RpcError

ALICE = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"


def node() -> FakeNode:
    return FakeNode({
        "chain_getHeader": lambda p: {"number": "0x1a", "parentHash": "0x00"},
        "system_health": lambda p: {"peers": 0, "isSyncing": False, "shouldHavePeers": False},
        "allora_tokenInfo": lambda p: {"symbol": "ALLO", "decimals": 18, "totalIssuance": "1006000000000000000000000000",
                                       "existentialDeposit": "1000000000000000", "specVersion": 1},
        "allora_latestNetworkInference": lambda p: bundle_json(p[0], 40, 2541.25, 2540.5, {ALICE: 2541.0}) if p[0] == 1 else None,
        "allora_networkInference": lambda p: bundle_json(p[0], p[1], 1.5, 1.25, {ALICE: 1.0}, {ALICE: 1.75}),
        "allora_actorScores": lambda p: {"inferer": {"instant": "0.25", "ema": "-0.125", "nonce": 40},
                                         "forecaster": None, "reputer": None},
        "allora_actorRegrets": lambda p: {"inferer": "0.5", "naiveInferer": None, "forecaster": None, "oneInForecaster": "-1"},
        "allora_activeSets": lambda p: {"inferers": [ALICE], "forecasters": [], "reputers": [ALICE]},
        "allora_emissionInfo": lambda p: {"emissionPerUnitStaked": None, "blockEmission": "100", "rewardPerBlock": "75",
                                          "releasedFromReserve": "100", "rewardsAvailable": "1000"},
    })


def test_every_allora_method_is_called_by_name_and_parsed():
    fake = node()
    with fake.running() as url:
        rpc = AlloraRpc(url)
        assert rpc.best_height() == 26
        assert rpc.health()["isSyncing"] is False
        token = rpc.token_info()
        assert (token.symbol, token.decimals, token.existential_deposit) == ("ALLO", 18, 10**15)
        latest = rpc.latest_network_inference(1)
        assert latest.nonce == 40 and latest.combined == Decimal("2541.25") and latest.inferers == {ALICE: Decimal("2541.0")}
        assert rpc.latest_network_inference(2) is None
        ni = rpc.network_inference(1, 30)
        assert ni.forecast_implied == {ALICE: Decimal("1.75")} and ni.confidence_interval == [Decimal("1.5"), Decimal("2.5")]
        scores = rpc.actor_scores(1, ALICE)
        assert scores.inferer.ema == Decimal("-0.125") and scores.forecaster is None
        regrets = rpc.actor_regrets(1, ALICE)
        assert regrets.inferer == Decimal("0.5") and regrets.one_in_forecaster == Decimal(-1)
        assert rpc.active_sets(1).reputers == [ALICE]
        assert rpc.emission_info().reward_per_block == 75
    assert fake.calls == [
        ("chain_getHeader", []), ("system_health", []), ("allora_tokenInfo", []),
        ("allora_latestNetworkInference", [1]), ("allora_latestNetworkInference", [2]),
        ("allora_networkInference", [1, 30]), ("allora_actorScores", [1, ALICE]),
        ("allora_actorRegrets", [1, ALICE]), ("allora_activeSets", [1]), ("allora_emissionInfo", []),
    ]


def test_block_hash_is_passed_when_given():
    fake = node()
    with fake.running() as url:
        AlloraRpc(url).network_inference(1, 30, at="0xabc")
    assert fake.calls == [("allora_networkInference", [1, 30, "0xabc"])]


def test_error_objects_become_rpc_errors():
    fake = FakeNode({"allora_activeSets": lambda p: RuntimeError("no such topic")})
    with fake.running() as url:
        rpc = AlloraRpc(url)
        with pytest.raises(RpcError, match="runtime call failed: no such topic") as e:
            rpc.active_sets(9)
        assert e.value.code == 1
        with pytest.raises(RpcError, match="Method not found"):
            rpc.token_info()


def test_unreachable_node_is_an_rpc_error():
    with FakeNode({}).running() as url:
        pass  # closed again: nothing listens on that port now
    with pytest.raises(RpcError, match="cannot reach"):
        AlloraRpc(url, timeout=2).best_height()


def test_websocket_url_is_read_as_http():
    assert AlloraRpc("ws://127.0.0.1:9944").url == "http://127.0.0.1:9944"
    assert AlloraRpc("wss://node.example:443").url == "https://node.example:443"
