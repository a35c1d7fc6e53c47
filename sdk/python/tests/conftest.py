"""Shared test helpers: synthetic series, servers on loopback, a fake node."""

from __future__ import annotations

import gzip
import json
import math
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from allora_sdk.server import Handlers, make_server


def smooth(n: int = 600) -> list[float]:
    """A slow sine on a trend: easy for sensible models, no zero steps."""
    return [100.0 + 10.0 * math.sin(2 * math.pi * t / 200) + 0.05 * t for t in range(n)]


def write_csv(path: Path, rows: dict[str, list[float]]) -> Path:
    """A stocks-like CSV (Ticker, Date, Adj Close), gzip-compressed if the name ends in .gz."""
    lines = ["Ticker,Date,Adj Close"]
    for ticker, values in rows.items():
        lines += [f"{ticker},day-{i:04d},{v!r}" for i, v in enumerate(values)]
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


@pytest.fixture
def stocks_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "stocks.csv.gz", {"AAA": smooth(), "BBB": [float(i) for i in range(1, 301)]})


@contextmanager
def running(server: ThreadingHTTPServer) -> Iterator[str]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextmanager
def serving(handlers: Handlers) -> Iterator[str]:
    """The kit's server on a free loopback port; yields its base URL."""
    with running(make_server(handlers, "127.0.0.1", 0)) as url:
        yield url


def get(url: str) -> tuple[int, str, str]:
    """Status, body and content type of ``GET url`` (errors included)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), e.headers.get("Content-Type", "")


class FakeNode:
    """A JSON-RPC HTTP server answering from ``methods`` and remembering every call."""

    def __init__(self, methods: dict[str, Callable[[list], object]]):
        self.methods, self.calls = methods, []
        node = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                node.calls.append((req["method"], req["params"]))
                reply = {"jsonrpc": "2.0", "id": req["id"]}
                if req["method"] in node.methods:
                    result = node.methods[req["method"]](req["params"])
                    if isinstance(result, Exception):
                        reply["error"] = {"code": 1, "message": "runtime call failed", "data": str(result)}
                    else:
                        reply["result"] = result
                else:
                    reply["error"] = {"code": -32601, "message": "Method not found"}
                body = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @contextmanager
    def running(self) -> Iterator[str]:
        with running(self.server) as url:
            yield url


def bundle_json(topic: int, nonce: int, combined: float, naive: float, inferers: dict[str, float],
                implied: dict[str, float] | None = None) -> dict:
    """A network inference as the node's RPC prints it."""
    pairs = lambda d: [{"worker": w, "value": repr(v)} for w, v in d.items()]  # noqa: E731
    return {
        "topic": topic, "nonce": nonce, "combined": repr(combined), "naive": repr(naive),
        "inferers": pairs(inferers), "forecastImplied": pairs(implied or {}),
        "oneOutInferers": [], "oneOutForecasters": [], "oneInForecasters": [],
        "confidenceInterval": ["1.5", "2.5"],
    }
