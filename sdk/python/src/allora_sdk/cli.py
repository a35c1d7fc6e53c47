"""``python -m allora_sdk <command>``: one command per role a model provider plays."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from . import models
from .follow import TopicToken, append_jsonl, follow, read_jsonl, stored_history, walk_back
from .report import read_accounts, topic_losses, write_report
from .rpc import DEFAULT_URL, AlloraRpc, RpcError
from .series import BOKEH, BOKEH_COLUMN, BOKEH_KEY_COLUMN, DEFAULT_WARMUP, Replay, Schedule, UnknownToken
from .server import Handlers, serve


def _series_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("series (must match the topic and the other servers)")
    g.add_argument("--csv", default=BOKEH, help="CSV or .csv.gz path; 'bokeh' = bokeh-sampledata stocks (default)")
    g.add_argument("--column", help=f"value column (default for bokeh: {BOKEH_COLUMN!r})")
    g.add_argument("--key-column", help=f"column whose value is the Token (default for bokeh: {BOKEH_KEY_COLUMN!r})")
    g.add_argument("--epoch-length", type=int, required=True, help="the topic's epoch length in blocks")
    g.add_argument("--warmup", type=int, default=DEFAULT_WARMUP, help="rows of history before the first step")


def _server_args(p: argparse.ArgumentParser, default_port: int) -> None:
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=default_port)


def _topics_arg(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument("--topic", dest="topics", action="append", type=TopicToken.parse, required=required,
                   metavar="ID:TOKEN", help="a topic and its token, e.g. 1:AAPL (repeatable)")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m allora_sdk", description="Allora model-provider kit: one command per role.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", help="log every request")
    sub = root.add_subparsers(dest="command", required=True)

    def command(name: str, help: str) -> argparse.ArgumentParser:  # noqa: A002
        return sub.add_parser(name, help=help, description=help, parents=[common])

    p = command("serve-model", help="serve a reference inferer under GET /inference/{token}")
    p.add_argument("--model", required=True, choices=models.INFERERS)
    p.add_argument("--seed", type=int, default=0, help="noise seed of the noisy model")
    _server_args(p, 8000)
    _series_args(p)

    p = command("serve-forecaster", help="serve a reference forecaster under GET /forecast/{token}")
    p.add_argument("--model", default="error_ema", choices=models.FORECASTERS)
    p.add_argument("--rpc", default=DEFAULT_URL, help=f"node JSON-RPC URL (default {DEFAULT_URL})")
    _server_args(p, 8100)
    _series_args(p)

    p = command("serve-truth", help="serve the ground truth under GET /truth/{token}")
    _server_args(p, 8200)
    _series_args(p)

    p = command("watch", help="print each new network inference against the truth")
    p.add_argument("--rpc", default=DEFAULT_URL)
    p.add_argument("--interval", type=float, default=2.0, help="seconds between polls")
    _topics_arg(p)
    _series_args(p)

    p = command("record", help="append each new network inference bundle to a JSONL file")
    p.add_argument("--rpc", default=DEFAULT_URL)
    p.add_argument("--interval", type=float, default=2.0, help="seconds between polls")
    p.add_argument("--epoch-length", type=int, required=True, help="the topics' epoch length in blocks")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.jsonl")
    _topics_arg(p)

    p = command("report", help="write DIR/report.md with loss tables and plots")
    p.add_argument("--rpc", help=f"node JSON-RPC URL (default {DEFAULT_URL} unless --from is given)")
    p.add_argument("--from", dest="from_file", type=Path, metavar="FILE.jsonl",
                   help="read inferences recorded by 'record' instead of the chain's history")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    p.add_argument("--accounts", type=Path, metavar="FILE.json",
                   help="names and reward totals by address (default: FILE.accounts.json beside --from)")
    p.add_argument("--no-plots", action="store_true")
    _topics_arg(p)
    _series_args(p)
    return root


def _replay(a: argparse.Namespace) -> Replay:
    column, key = a.column, a.key_column
    if a.csv == BOKEH:
        column, key = column or BOKEH_COLUMN, key or BOKEH_KEY_COLUMN
    if column is None:
        raise SystemExit("--column is required with a CSV file")
    replay = Replay.from_csv(a.csv, column, key, Schedule(a.epoch_length, a.warmup))
    for tt in getattr(a, "topics", None) or []:
        replay.series(tt.token)  # an unknown token fails here, not at the first epoch
    return replay


def _num(x: float) -> str:
    return f"{x:.6g}"


def watch(a: argparse.Namespace) -> None:
    replay = _replay(a)
    for tt, b in follow(AlloraRpc(a.rpc), a.topics, a.epoch_length, a.interval):
        truth = replay.truth(tt.token, b.nonce)
        combined = float(b.combined)
        print(f"topic {tt.topic} {tt.token} nonce {b.nonce}  combined {_num(combined)}  "
              f"naive {_num(float(b.naive))}  truth {_num(truth)}  error {combined - truth:+.4g}", flush=True)


def record(a: argparse.Namespace) -> None:
    """Backfills what the chain still holds after the file's last nonce, then follows."""
    rpc = AlloraRpc(a.rpc)
    last: dict[int, int] = {}
    if a.out.exists():
        for b in read_jsonl(a.out):
            last[b.topic] = max(b.nonce, last.get(b.topic, -1))
    for tt in a.topics:
        latest = rpc.latest_network_inference(tt.topic)
        if latest is None:
            continue
        for b in walk_back(rpc, tt.topic, latest.nonce, a.epoch_length, after=last.get(tt.topic, -1)):
            append_jsonl(a.out, b)
            last[tt.topic] = b.nonce
    print(f"recording to {a.out}", file=sys.stderr)
    for tt, b in follow(rpc, a.topics, a.epoch_length, a.interval, after=last):
        append_jsonl(a.out, b)
        print(f"topic {tt.topic} nonce {b.nonce}", file=sys.stderr, flush=True)


def report(a: argparse.Namespace) -> None:
    replay = _replay(a)
    rpc = AlloraRpc(a.rpc or DEFAULT_URL) if (a.rpc or not a.from_file) else None
    recorded = read_jsonl(a.from_file) if a.from_file else None
    topics, scores = [], {}
    for tt in a.topics:
        bundles = recorded if recorded is not None else stored_history(rpc, tt.topic, a.epoch_length)
        t = topic_losses(tt, bundles, replay)
        topics.append(t)
        if rpc is not None:
            for worker in {*t.inferers(), *t.forecasters()}:
                scores[(tt.topic, worker)] = rpc.actor_scores(tt.topic, worker)
    accounts_file = a.accounts or (a.from_file and a.from_file.with_suffix(".accounts.json"))
    accounts = read_accounts(accounts_file) if accounts_file and accounts_file.exists() else None
    print(write_report(a.out, topics, scores, with_plots=not a.no_plots, accounts=accounts))


def main(argv: Sequence[str] | None = None) -> None:
    a = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if a.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        if a.command == "serve-model":
            replay = _replay(a)
            serve(Handlers(history=replay.history, infer=models.inferer(a.model, a.seed)), a.host, a.port)
        elif a.command == "serve-forecaster":
            replay = _replay(a)
            forecast = models.forecaster(a.model, AlloraRpc(a.rpc), replay)
            serve(Handlers(history=replay.history, forecast=forecast), a.host, a.port)
        elif a.command == "serve-truth":
            replay = _replay(a)
            serve(Handlers(truth=lambda token, height, topic: replay.truth(token, height)), a.host, a.port)
        else:
            {"watch": watch, "record": record, "report": report}[a.command](a)
    except KeyboardInterrupt:
        pass
    except (FileNotFoundError, ValueError, RpcError, UnknownToken) as e:
        raise SystemExit(f"error: {e}") from None


def _role(command: str) -> None:
    main([command, *sys.argv[1:]])


def model_main() -> None:
    _role("serve-model")


def forecaster_main() -> None:
    _role("serve-forecaster")


def truth_main() -> None:
    _role("serve-truth")
