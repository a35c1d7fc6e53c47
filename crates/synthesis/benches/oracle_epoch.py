#!/usr/bin/env python3
"""Times the float64 reference model (shared/reference/allora_ref.py) on one full epoch, for
the fixed-point/float ratio of benches/epoch.rs.

    python3 crates/synthesis/benches/oracle_epoch.py [--size N,M,R] [--seed S] [--repeat K]

Generates the epoch `random_epoch(seed, n, m, r)` of tests/common/mod.rs (the same PRNG and
the same draws in the same order; values are not rounded to 18 decimals as the Rust side
does, which changes nothing in the work done), runs it through tests/oracle_driver.py's
`run_epoch` K times and prints the seconds per epoch. Defaults: size 32,6,6, seed 42,
repeat 5 (the benchmark's `epoch/32x6x6`).
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

import oracle_driver  # noqa: E402

MASK = (1 << 64) - 1
UNIT = 10 ** 18
HISTORY_CAP = 10


class Rng:
    """tests/common/mod.rs `Rng`: xorshift64* seeded through a splitmix64 scramble."""

    def __init__(self, seed):
        z = (seed + 0x9E3779B97F4A7C15) & MASK
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        self.state = z if z != 0 else 1

    def next_u64(self):
        x = self.state
        x ^= x >> 12
        x = (x ^ (x << 25)) & MASK
        x ^= x >> 27
        self.state = x
        return (x * 0x2545F4914F6CDD1D) & MASK

    def unit(self):
        return (self.next_u64() >> 11) / float(1 << 53)

    def uniform(self, lo, hi):
        return lo + (hi - lo) * self.unit()

    def chance(self, p):
        return self.unit() < p

    def below(self, n):
        return 0 if n == 0 else self.next_u64() % n


def choose(rng, n, k):
    if k >= n:
        return [True] * n
    named = [False] * n
    order = list(range(n))
    for i in range(k):
        j = i + rng.below(n - i)
        order[i], order[j] = order[j], order[i]
        named[order[i]] = True
    return named


def noisy(rng, truth, missing):
    out = []
    for t in truth:
        noise = rng.uniform(-0.1, 0.1)
        dropped = rng.chance(missing)
        out.append(None if dropped else t + noise)
    return out


def draws(rng, count, lo, hi):
    return [rng.uniform(lo, hi) for _ in range(count)]


def previous_fractions(rng, count):
    out = []
    for _ in range(count):
        v = rng.uniform(0.05, 1.0)
        dropped = rng.chance(0.1)
        out.append(None if dropped else v / count)
    return out


def history(rng, size, blocks):
    if size == 0:
        return []
    return [draws(rng, size, -0.05, 0.05) for _ in range(blocks)]


def amount(rng, lo, span):
    whole = lo + rng.below(span)
    frac = rng.below(UNIT)
    return float(whole * UNIT + frac) / 1e18


def random_epoch(seed, n, m, r, all_new=False, max_elements=None, missing=0.0):
    """The epoch of tests/common/mod.rs `random_epoch`, as the JSON dict of
    tests/differential.rs `epoch_json` (amounts in whole tokens)."""
    if max_elements is None:
        max_elements = n
    rng = Rng(seed)
    target = rng.uniform(-1.0, 1.0)
    inferences = [target + d for d in draws(rng, n, -0.5, 0.5)]
    forecasts = []
    for _ in range(m):
        named = choose(rng, n, max_elements)
        forecast = []
        for is_named in named:
            v = rng.uniform(-5.0, -1.0)
            dropped = rng.chance(missing)
            forecast.append(v if (is_named and not dropped) else None)
        forecasts.append(forecast)
    prev_loss = rng.uniform(-4.5, -2.5)
    r0 = rng.uniform(-1.0, -0.1)
    initial = 0.0 if all_new else r0
    regret_missing = 2.0 if all_new else 0.1

    def draw():
        v = rng.uniform(-2.5, 0.5)
        dropped = rng.chance(regret_missing)
        return None if dropped else v

    regrets = {"initial": initial}
    regrets["inferer"] = [draw() for _ in range(n)]
    regrets["forecaster"] = [draw() for _ in range(m)]
    regrets["naive"] = [draw() for _ in range(n)]
    for name, rows, cols in [("oo_ii", n, n), ("oo_if", n, m), ("oo_fi", m, n), ("oo_ff", m, m), ("oi_inferer", m, n)]:
        regrets[name] = [[draw() for _ in range(cols)] for _ in range(rows)]
    regrets["oi_self"] = [draw() for _ in range(m)]

    truth_combined = rng.uniform(-4.5, -2.5)
    truth_naive = rng.uniform(-4.5, -2.5)
    truth_inferer = draws(rng, n, -4.5, -2.5)
    truth_forecaster = draws(rng, m, -4.5, -2.5)
    truth_one_out_inferer = draws(rng, n, -4.5, -2.5)
    truth_one_out_forecaster = draws(rng, m, -4.5, -2.5)
    truth_one_in = draws(rng, m, -4.5, -2.5)
    truth_groups = [draws(rng, n, -4.5, -2.5) for _ in range(m)]
    bundles = []
    for _ in range(r):
        b = {"combined": truth_combined + rng.uniform(-0.1, 0.1)}
        b["naive"] = truth_naive + rng.uniform(-0.1, 0.1)
        b["inferer"] = noisy(rng, truth_inferer, missing)
        b["forecaster"] = noisy(rng, truth_forecaster, missing)
        b["one_out_inferer"] = noisy(rng, truth_one_out_inferer, missing)
        b["one_out_forecaster"] = noisy(rng, truth_one_out_forecaster, missing)
        b["one_in"] = noisy(rng, truth_one_in, missing)
        groups = []
        for k in range(m):
            group = noisy(rng, truth_groups[k], missing)
            groups.append([None if forecasts[k][j] is None else group[j] for j in range(n)])
        b["one_out_inferer_forecaster"] = groups
        bundles.append(b)

    stakes = [amount(rng, 1000, 1000000) for _ in range(r)]
    coefficients = []
    for _ in range(r):
        one = rng.chance(0.3)
        v = rng.uniform(0.5, 1.0)
        coefficients.append(1.0 if one else v)
    smooth = {"inferer": previous_fractions(rng, n)}
    smooth["forecaster"] = previous_fractions(rng, m)
    smooth["reputer"] = previous_fractions(rng, r)
    prev_ratio = rng.uniform(-0.5, 1.2)
    hist = {"inferer": history(rng, min(n, HISTORY_CAP), 2)}
    hist["forecaster"] = history(rng, min(m, HISTORY_CAP), 2)
    topic_reward = amount(rng, 1, 1000000)
    return {
        "n": n, "m": m, "r": r, "all_new": all_new,
        "inferences": inferences, "forecasts": forecasts, "prev_loss": prev_loss,
        "regrets": regrets, "bundles": bundles, "stakes": stakes, "coefficients": coefficients,
        "smooth": smooth, "prev_ratio": prev_ratio, "history": hist, "cap": HISTORY_CAP,
        "topic_reward": topic_reward,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="32,6,6", help="inferers,forecasters,reputers")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n, m, r = (int(x) for x in args.size.split(","))
    ar, np = oracle_driver.load_reference(oracle_driver.DEFAULT_REFERENCE)
    epoch = random_epoch(args.seed, n, m, r, missing=0.04 if r > 1 else 0.0, max_elements=min(n, 12))
    oracle_driver.run_epoch(ar, np, epoch)  # warm-up
    started = time.perf_counter()
    for _ in range(args.repeat):
        oracle_driver.run_epoch(ar, np, epoch)
    per_epoch = (time.perf_counter() - started) / args.repeat
    print("oracle epoch %dx%dx%d: %.6f s per epoch (%d runs)" % (n, m, r, per_epoch, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
