"""Did the network beat its models? Losses per epoch, a Markdown table and small plots.

Inferences come from the chain (through the RPC, or a JSONL file ``record`` wrote); the
truth comes from the series, under the same nonce -> row mapping the servers use. Every loss
is ``log10`` of the squared error, as the reputers report it (lower is better).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .follow import TopicToken
from .rpc import ActorScores, NetworkInference
from .series import Replay
from .values import log10_squared_error


@dataclass
class TopicLosses:
    """Per-nonce truth, predictions and losses of one topic's combined, naive and workers."""

    topic: TopicToken
    nonces: list[int] = field(default_factory=list)
    truth: dict[int, float] = field(default_factory=dict)
    predictions: dict[str, dict[int, float]] = field(default_factory=dict)
    """Label (``combined``, ``naive``, an inferer, ``implied:<forecaster>``) -> nonce -> value."""

    def losses(self, label: str) -> dict[int, float]:
        return {n: log10_squared_error(v, self.truth[n]) for n, v in self.predictions.get(label, {}).items()}

    def mean_loss(self, label: str) -> float:
        values = list(self.losses(label).values())
        return sum(values) / len(values) if values else math.nan

    def inferers(self) -> list[str]:
        return sorted(k for k in self.predictions if k not in ("combined", "naive") and not k.startswith("implied:"))

    def forecasters(self) -> list[str]:
        return sorted(k.removeprefix("implied:") for k in self.predictions if k.startswith("implied:"))

    def best_inferer(self) -> tuple[str, float] | None:
        ranked = sorted((self.mean_loss(w), w) for w in self.inferers())
        return (ranked[0][1], ranked[0][0]) if ranked else None


def topic_losses(topic: TopicToken, bundles: Iterable[NetworkInference], replay: Replay) -> TopicLosses:
    """Scores every bundle of ``topic`` against the series' truth at its nonce."""
    result = TopicLosses(topic)
    for b in sorted((b for b in bundles if b.topic == topic.topic), key=lambda b: b.nonce):
        n = b.nonce
        result.nonces.append(n)
        result.truth[n] = replay.truth(topic.token, n)
        values = {"combined": b.combined, "naive": b.naive, **b.inferers}
        values.update({f"implied:{f}": v for f, v in b.forecast_implied.items()})
        for label, value in values.items():
            result.predictions.setdefault(label, {})[n] = float(value)
    return result


def _fmt(x: float | None, digits: int = 3) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _short(address: str) -> str:
    return address if len(address) <= 12 else f"{address[:6]}…{address[-4:]}"


def has_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def plot(t: TopicLosses, out_dir: Path) -> list[str]:
    """Two small PNGs, 800x400: loss per epoch, and values against the truth."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = []
    for kind in ("loss", "values"):
        fig, ax = plt.subplots(figsize=(10, 5), dpi=80)
        if kind == "loss":
            for w in t.inferers():
                ls = t.losses(w)
                ax.plot(list(ls), list(ls.values()), lw=0.8, alpha=0.6, label=f"inferer {_short(w)}")
            for label, style in (("naive", "--"), ("combined", "-")):
                ls = t.losses(label)
                ax.plot(list(ls), list(ls.values()), style, lw=2, label=label)
            ax.set_ylabel("log10 squared error")
        else:
            ax.plot(t.nonces, [t.truth[n] for n in t.nonces], "k-", lw=2, label="truth")
            for label in ("naive", "combined"):
                p = t.predictions.get(label, {})
                ax.plot(list(p), list(p.values()), lw=1.2, label=label)
            ax.set_ylabel(t.topic.token)
        ax.set_xlabel("nonce (block height)")
        ax.set_title(f"topic {t.topic.topic} ({t.topic.token}): {kind}")
        ax.legend(fontsize=7, loc="best")
        fig.tight_layout()
        name = f"topic-{t.topic.topic}-{kind}.png"
        fig.savefig(out_dir / name, dpi=80)
        plt.close(fig)
        names.append(name)
    return names


def _score(s: ActorScores | None, role: str) -> str:
    score = getattr(s, role, None) if s is not None else None
    return _fmt(float(score.ema), 4) if score is not None else "–"


def read_accounts(path: Path | str) -> dict[str, dict]:
    """``{address: {"name": ..., "rewards": "<base units>"}}`` as ``scripts/network --record``
    writes it beside the recording: who an address is, and every reward the chain paid it
    (``emissions.RewardPaid`` events)."""
    import json

    return json.loads(Path(path).read_text(encoding="utf-8"))


def _who(accounts: Mapping[str, dict], address: str) -> str:
    name = accounts.get(address, {}).get("name")
    return f"{name} (`{_short(address)}`)" if name else f"`{address}`"


def _reward(accounts: Mapping[str, dict], address: str) -> str:
    rewards = accounts.get(address, {}).get("rewards")
    return f"{int(rewards) / 10**18:.6f}" if rewards is not None else "–"


def render(
    topics: list[TopicLosses],
    scores: Mapping[tuple[int, str], ActorScores] | None = None,
    plots: Mapping[int, list[str]] | None = None,
    notes: Iterable[str] = (),
    accounts: Mapping[str, dict] | None = None,
) -> str:
    """The Markdown report: a summary table, then per topic the workers and the plots."""
    lines = [
        "# Network inference report",
        "",
        "Loss = log10 of the squared error against the series' truth (lower is better), "
        "averaged over the scored epochs; an inferer's mean is over the epochs it submitted.",
        "",
        "| topic | token | scored epochs | combined | naive | best inferer | best inferer loss |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in topics:
        best = t.best_inferer()
        accounts = accounts or {}
        best_name = (accounts.get(best[0], {}).get("name") or _short(best[0])) if best else "–"
        lines.append(
            f"| {t.topic.topic} | {t.topic.token} | {len(t.nonces)} | {_fmt(t.mean_loss('combined'))} "
            f"| {_fmt(t.mean_loss('naive'))} | {best_name} "
            f"| {_fmt(best[1] if best else None)} |"
        )
    accounts = accounts or {}
    lines += [
        "",
        "Rewards are the ALLO the chain paid each worker during the recording (its "
        "`emissions.RewardPaid` events, summed by `scripts/network --record`); the EMA score is "
        "`allora_actorScores` at the end, from which the chain derives each epoch's reward "
        "fractions." if accounts else
        "No reward totals (the RPC keeps none; `scripts/network --record` sums them from the "
        "chain's events). Where the node was reachable, the score column shows each worker's EMA "
        "score from `allora_actorScores`, from which the chain derives its reward fractions.",
        *(f"\n{n}" for n in notes),
    ]
    for t in topics:
        lines += [
            "",
            f"## Topic {t.topic.topic} ({t.topic.token})",
            "",
            f"Nonces {t.nonces[0]}–{t.nonces[-1]}." if t.nonces else "No network inference yet.",
            "",
            "| worker | role | epochs | mean loss | EMA score | rewards (ALLO) |",
            "|---|---|---|---|---|---|",
        ]
        for w in t.inferers():
            s = (scores or {}).get((t.topic.topic, w))
            lines.append(
                f"| {_who(accounts, w)} | inferer | {len(t.losses(w))} | {_fmt(t.mean_loss(w))} "
                f"| {_score(s, 'inferer')} | {_reward(accounts, w)} |"
            )
        for f in t.forecasters():
            s = (scores or {}).get((t.topic.topic, f))
            label = f"implied:{f}"
            lines.append(
                f"| {_who(accounts, f)} | forecaster (implied inference) | {len(t.losses(label))} "
                f"| {_fmt(t.mean_loss(label))} | {_score(s, 'forecaster')} | {_reward(accounts, f)} |"
            )
        for name in (plots or {}).get(t.topic.topic, []):
            lines += ["", f"![{name}]({name})"]
    return "\n".join(lines) + "\n"


def write_report(
    out_dir: Path | str,
    topics: list[TopicLosses],
    scores: Mapping[tuple[int, str], ActorScores] | None = None,
    with_plots: bool = True,
    accounts: Mapping[str, dict] | None = None,
) -> Path:
    """Writes ``out_dir/report.md`` and its PNGs; returns the report's path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    notes, plots = [], {}
    if with_plots and not has_matplotlib():
        notes.append("No plots: matplotlib is not installed (pip install 'allora-sdk[report]').")
    elif with_plots:
        plots = {t.topic.topic: plot(t, out) for t in topics if t.nonces}
    if not scores:
        notes.append("No scores: the report was made without a reachable node.")
    path = out / "report.md"
    path.write_text(render(topics, scores, plots, notes, accounts), encoding="utf-8")
    return path
