"""Allora model-provider kit: serve models under the node's HTTP contract, read its RPC.

Write ``infer(token, history, height, topic) -> float`` and serve it with
``serve(Handlers(history=replay.history, infer=infer))``; see the README.
"""

from .rpc import AlloraRpc, NetworkInference, RpcError
from .series import Replay, Schedule, UnknownToken, bokeh_stocks_path, load_table
from .server import BadRequest, Handlers, make_server, serve

__version__ = "0.1.0"

__all__ = [
    "AlloraRpc", "BadRequest", "Handlers", "NetworkInference", "Replay", "RpcError", "Schedule",
    "UnknownToken", "bokeh_stocks_path", "load_table", "make_server", "serve",
]
