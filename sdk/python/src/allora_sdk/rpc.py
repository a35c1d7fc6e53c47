"""A small JSON-RPC client for the node's ``allora_*`` methods (HTTP POST, standard library).

Fixed-point values arrive as decimal strings and become ``Decimal``; balances arrive as
base-unit strings and become ``int``; accounts stay SS58 strings. The node serves HTTP and
WebSocket on one port, so a ``ws://`` URL is read as ``http://``.
"""

from __future__ import annotations

import itertools
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

DEFAULT_URL = "http://127.0.0.1:9944"


class RpcError(Exception):
    """The node answered with a JSON-RPC error object, or could not be reached."""

    def __init__(self, message: str, code: int | None = None, data: Any = None):
        super().__init__(message if data is None else f"{message}: {data}")
        self.code, self.data = code, data


def _workers(values: list[dict]) -> dict[str, Decimal]:
    return {v["worker"]: Decimal(v["value"]) for v in values}


@dataclass(frozen=True)
class NetworkInference:
    """A topic's network inferences at one worker nonce (``allora_networkInference``)."""

    topic: int
    nonce: int
    combined: Decimal
    naive: Decimal
    inferers: dict[str, Decimal]
    forecast_implied: dict[str, Decimal]
    one_out_inferers: dict[str, Decimal]
    one_out_forecasters: dict[str, Decimal]
    one_in_forecasters: dict[str, Decimal]
    confidence_interval: list[Decimal]
    raw: dict = field(repr=False, compare=False, default_factory=dict)
    """The JSON as the node sent it (what ``record`` stores)."""

    @classmethod
    def from_json(cls, obj: dict) -> NetworkInference:
        return cls(
            topic=int(obj["topic"]),
            nonce=int(obj["nonce"]),
            combined=Decimal(obj["combined"]),
            naive=Decimal(obj["naive"]),
            inferers=_workers(obj.get("inferers", [])),
            forecast_implied=_workers(obj.get("forecastImplied", [])),
            one_out_inferers=_workers(obj.get("oneOutInferers", [])),
            one_out_forecasters=_workers(obj.get("oneOutForecasters", [])),
            one_in_forecasters=_workers(obj.get("oneInForecasters", [])),
            confidence_interval=[Decimal(v) for v in obj.get("confidenceInterval", [])],
            raw=obj,
        )


@dataclass(frozen=True)
class Score:
    instant: Decimal
    ema: Decimal
    nonce: int


@dataclass(frozen=True)
class ActorScores:
    """An actor's scores per role in a topic; ``None`` where it never had one."""

    inferer: Score | None
    forecaster: Score | None
    reputer: Score | None

    @classmethod
    def from_json(cls, obj: dict) -> ActorScores:
        def score(s: dict | None) -> Score | None:
            return None if s is None else Score(Decimal(s["instant"]), Decimal(s["ema"]), int(s["nonce"]))

        return cls(score(obj.get("inferer")), score(obj.get("forecaster")), score(obj.get("reputer")))


@dataclass(frozen=True)
class ActorRegrets:
    inferer: Decimal | None
    naive_inferer: Decimal | None
    forecaster: Decimal | None
    one_in_forecaster: Decimal | None


@dataclass(frozen=True)
class ActiveSets:
    inferers: list[str]
    forecasters: list[str]
    reputers: list[str]


@dataclass(frozen=True)
class EmissionInfo:
    emission_per_unit_staked: Decimal | None
    block_emission: int
    reward_per_block: int
    released_from_reserve: int
    rewards_available: int


@dataclass(frozen=True)
class TokenInfo:
    symbol: str
    decimals: int
    total_issuance: int
    existential_deposit: int
    spec_version: int


def _opt_decimal(v: str | None) -> Decimal | None:
    return None if v is None else Decimal(v)


class AlloraRpc:
    """The node's JSON-RPC over HTTP; every method takes an optional block hash ``at``."""

    def __init__(self, url: str = DEFAULT_URL, timeout: float = 10.0):
        if url.startswith(("ws://", "wss://")):
            url = "http" + url[2:]
        self.url, self.timeout = url, timeout
        self._ids = itertools.count(1)

    def call(self, method: str, *params: Any) -> Any:
        """One JSON-RPC call; trailing ``None`` params are dropped (they are optional)."""
        params_list = list(params)
        while params_list and params_list[-1] is None:
            params_list.pop()
        payload = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params_list}
        request = urllib.request.Request(
            self.url, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                reply = json.loads(response.read())
        except urllib.error.HTTPError as e:
            raise RpcError(f"{method}: HTTP {e.code}", e.code, e.read().decode(errors="replace")) from None
        except (urllib.error.URLError, OSError, ValueError) as e:
            raise RpcError(f"{method}: cannot reach {self.url}: {e}") from None
        if reply.get("error") is not None:
            err = reply["error"]
            raise RpcError(f"{method}: {err.get('message')}", err.get("code"), err.get("data"))
        return reply.get("result")

    # Substrate basics.
    def best_height(self) -> int:
        """The best block's number (``chain_getHeader``)."""
        return int(self.call("chain_getHeader")["number"], 16)

    def health(self) -> dict:
        return self.call("system_health")

    # allora_*
    def token_info(self, at: str | None = None) -> TokenInfo:
        r = self.call("allora_tokenInfo", at)
        return TokenInfo(
            r["symbol"], int(r["decimals"]), int(r["totalIssuance"]),
            int(r["existentialDeposit"]), int(r["specVersion"]),
        )

    def latest_network_inference(self, topic: int, at: str | None = None) -> NetworkInference | None:
        r = self.call("allora_latestNetworkInference", topic, at)
        return None if r is None else NetworkInference.from_json(r)

    def network_inference(self, topic: int, nonce: int, at: str | None = None) -> NetworkInference | None:
        """The bundle of one worker nonce, or ``None`` if absent or pruned (history depth)."""
        r = self.call("allora_networkInference", topic, nonce, at)
        return None if r is None else NetworkInference.from_json(r)

    def actor_scores(self, topic: int, actor: str, at: str | None = None) -> ActorScores:
        return ActorScores.from_json(self.call("allora_actorScores", topic, actor, at))

    def actor_regrets(self, topic: int, actor: str, at: str | None = None) -> ActorRegrets:
        r = self.call("allora_actorRegrets", topic, actor, at)
        return ActorRegrets(
            _opt_decimal(r.get("inferer")), _opt_decimal(r.get("naiveInferer")),
            _opt_decimal(r.get("forecaster")), _opt_decimal(r.get("oneInForecaster")),
        )

    def active_sets(self, topic: int, at: str | None = None) -> ActiveSets:
        r = self.call("allora_activeSets", topic, at)
        return ActiveSets(list(r["inferers"]), list(r["forecasters"]), list(r["reputers"]))

    def emission_info(self, at: str | None = None) -> EmissionInfo:
        r = self.call("allora_emissionInfo", at)
        return EmissionInfo(
            _opt_decimal(r.get("emissionPerUnitStaked")), int(r["blockEmission"]),
            int(r["rewardPerBlock"]), int(r["releasedFromReserve"]), int(r["rewardsAvailable"]),
        )
