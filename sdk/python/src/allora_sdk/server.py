"""The HTTP contract the node's off-chain workers call, around plain model functions.

    GET /inference/{token}?height=H&topic=T  -> "123.456"              (text/plain)
    GET /forecast/{token}?height=H&topic=T   -> {"5Grw...": "-2.31"}   (application/json)
    GET /truth/{token}?height=H&topic=T      -> "123.456"              (text/plain)
    GET /health                              -> "ok"

The height may also be a path segment (``/truth/{token}/{height}``), and ``topic`` may be
left out (the model then gets ``None``), since node operators write the endpoint templates.
A bad request (no height, unknown token) is a 400 and a model's exception a 500, each with
a one-line text message; the server itself never stops over a request.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from .series import UnknownToken
from .values import format_decimal

log = logging.getLogger("allora_sdk.server")

Number = float | int | Decimal
Infer = Callable[[str, Sequence[float], int, int | None], Number | str]
"""``infer(token, history, height, topic)``: a number, or a ``str`` sent as the body unchecked."""
Forecast = Callable[[str, Sequence[float], int, int | None], Mapping[str, Number | str]]
"""``forecast(token, history, height, topic)``: inferer address -> forecasted log10 loss."""
Truth = Callable[[str, int, int | None], Number]
"""``truth(token, height, topic)``: the ground truth of nonce ``height``."""
History = Callable[[str, int], Sequence[float]]
"""``history(token, height)``: what a model may see at ``height``; raises ``UnknownToken``."""


class BadRequest(ValueError):
    """The request breaks the contract; answered with 400 (models may raise it too)."""


@dataclass
class Handlers:
    """What a server answers: any of infer, forecast and truth (missing routes are 404)."""

    history: History | None = None
    infer: Infer | None = None
    forecast: Forecast | None = None
    truth: Truth | None = None


@dataclass
class Reply:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


def _int(name: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise BadRequest(f"{name} must be an integer, got {text!r}") from None
    if value < 0:
        raise BadRequest(f"{name} must not be negative")
    return value


def _query(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values and values[0] else None


def _number_body(value: Number | str) -> str:
    return value if isinstance(value, str) else format_decimal(value)


def answer(handlers: Handlers, target: str) -> Reply:
    """The reply to ``GET target``: routing and validation, kept apart from the socket code."""
    url = urlsplit(target)
    parts = [unquote(p) for p in url.path.strip("/").split("/")]
    if parts == ["health"]:
        return Reply(200, "ok")
    routes = {"inference": handlers.infer, "forecast": handlers.forecast, "truth": handlers.truth}
    if len(parts) not in (2, 3) or parts[0] not in routes or routes[parts[0]] is None:
        return Reply(404, f"no route {url.path}")
    route, token = parts[0], parts[1]
    try:
        if not token:
            raise BadRequest("missing token")
        query = parse_qs(url.query)
        height_text = parts[2] if len(parts) == 3 else _query(query, "height")
        if height_text is None:
            raise BadRequest("missing query parameter 'height'")
        height = _int("height", height_text)
        topic_text = _query(query, "topic")
        topic = None if topic_text is None else _int("topic", topic_text)
        if route == "truth":
            return Reply(200, _number_body(handlers.truth(token, height, topic)))
        history = handlers.history(token, height) if handlers.history else ()
        if route == "inference":
            return Reply(200, _number_body(handlers.infer(token, history, height, topic)))
        losses = handlers.forecast(token, history, height, topic)
        body = json.dumps({str(k): _number_body(v) for k, v in losses.items()})
        return Reply(200, body, "application/json")
    except (BadRequest, UnknownToken) as e:
        return Reply(400, str(e))
    except Exception as e:  # the model's fault, never the server's end
        log.exception("%s %s failed", route, token)
        return Reply(500, f"{route} failed: {type(e).__name__}: {e}")


def make_server(handlers: Handlers, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A threaded server (not yet serving); port 0 picks a free port (``server.server_port``)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            try:
                reply = answer(handlers, self.path)
            except Exception as e:  # e.g. a truth source failing: still an answer
                log.exception("GET %s failed", self.path)
                reply = Reply(500, f"internal error: {type(e).__name__}: {e}")
            body = reply.body.encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            log.info("%s %s", self.address_string(), format % args)

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128  # the default 5 drops bursts of connections

    return Server((host, port), Handler)


def serve(handlers: Handlers, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serves until Ctrl-C."""
    server = make_server(handlers, host, port)
    print(f"serving on http://{host}:{server.server_port}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
