#!/usr/bin/env python3
"""Oracle driver for tests/differential.rs.

Reads a JSON list of epochs on stdin (the format written by `epoch_json` in
tests/differential.rs), runs each through the float64 reference model
shared/reference/allora_ref.py, and prints a JSON list of results on stdout.

    python3 oracle_driver.py [REFERENCE_DIR] < epochs.json

REFERENCE_DIR defaults to ../../../../shared/reference relative to this file. Exit code 3 when
numpy or allora_ref cannot be imported (the Rust test then fails with this message).

Participants get zero-padded ids (i0000, f0000, r0000) so that sorting them, as the reference
does, keeps the index order of the Rust side.
"""
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_REFERENCE = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "reference"))


def num(x):
    """A JSON number, or None for a missing or non-finite value."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def arr(d, keys):
    return [num(d.get(k)) for k in keys]


def grid(d, rows, cols):
    return [[num(d.get((a, b))) for b in cols] for a in rows]


def run_epoch(ar, np, e):
    """One epoch through the reference model; returns the result dict."""
    n, m, r = e["n"], e["m"], e["r"]
    cap = int(e.get("cap", 10))
    I = ["i%04d" % j for j in range(n)]
    F = ["f%04d" % k for k in range(m)]
    R = ["r%04d" % i for i in range(r)]
    r0 = e["regrets"]["initial"]
    sp = ar.SynthesisParams(initial_regret=r0)
    rp = ar.RewardParams()

    inferences = {I[j]: e["inferences"][j] for j in range(n)}
    forecasts = {F[k]: {I[j]: v for j, v in enumerate(e["forecasts"][k]) if v is not None} for k in range(m)}

    g = e["regrets"]
    st = ar.RegretState(initial_regret=r0)

    def fill(family, keys, values):
        d = getattr(st, family)
        for key, v in zip(keys, values):
            if v is not None:
                d[key] = v

    fill("inferer", I, g["inferer"])
    fill("forecaster", F, g["forecaster"])
    fill("naive", I, g["naive"])
    fill("oo_ii", [(a, b) for a in I for b in I], [v for row in g["oo_ii"] for v in row])
    fill("oo_if", [(a, b) for a in I for b in F], [v for row in g["oo_if"] for v in row])
    fill("oo_fi", [(a, b) for a in F for b in I], [v for row in g["oo_fi"] for v in row])
    fill("oo_ff", [(a, b) for a in F for b in F], [v for row in g["oo_ff"] for v in row])
    fill("oi", [(a, b) for a in F for b in I], [v for row in g["oi_inferer"] for v in row])
    fill("oi", [(k, k) for k in F], g["oi_self"])

    out = {}

    # ---- inference synthesis (spec 3.3 - 3.7, 3.10); one inference is the network inference (3.9)
    if n == 1:
        only = e["inferences"][0]
        out.update(
            forecast_implied=[None] * m,
            forecast_implied_one_out=[[None] * n for _ in range(m)],
            forecasted_regrets=[[None] * n for _ in range(m)],
            combined=num(only),
            naive=num(only),
            one_out_inferer=[None] * n,
            one_out_forecaster=[None] * m,
            one_in=[None] * m,
            confidence_interval=None,
        )
    else:
        res = ar.synthesize(inferences, forecasts, e["prev_loss"], st, sp)
        ci = ar.confidence_interval(inferences, res)
        out.update(
            forecast_implied=arr(res.forecast_implied, F),
            forecast_implied_one_out=grid(res.forecast_implied_one_out, F, I),
            forecasted_regrets=[
                [num(res.forecasted_regrets.get(k, {}).get(j)) for j in I] for k in F
            ],
            combined=num(res.combined),
            naive=num(res.naive),
            one_out_inferer=arr(res.one_out_inferer, I),
            one_out_forecaster=arr(res.one_out_forecaster, F),
            one_in=arr(res.one_in_forecaster, F),
            confidence_interval=[num(x) for x in ci] if ci else None,
        )

    # ---- network losses (4.4)
    def bundle(b):
        return ar.ValueBundle(
            combined=b["combined"],
            naive=b["naive"],
            inferer={I[j]: v for j, v in enumerate(b["inferer"]) if v is not None},
            forecaster={F[k]: v for k, v in enumerate(b["forecaster"]) if v is not None},
            one_out_inferer={I[j]: v for j, v in enumerate(b["one_out_inferer"]) if v is not None},
            one_out_forecaster={F[k]: v for k, v in enumerate(b["one_out_forecaster"]) if v is not None},
            one_in={F[k]: v for k, v in enumerate(b["one_in"]) if v is not None},
            one_out_inferer_forecaster={
                (F[k], I[j]): v
                for k, row in enumerate(b["one_out_inferer_forecaster"])
                for j, v in enumerate(row)
                if v is not None
            },
        )

    bundles = {R[i]: bundle(b) for i, b in enumerate(e["bundles"])}
    stake_list = [float(s) for s in e["stakes"]]
    stakes = {R[i]: stake_list[i] for i in range(r)}
    nl = ar.network_losses(bundles, stakes)
    out["network_losses"] = dict(
        combined=num(nl.combined),
        naive=num(nl.naive),
        inferer=arr(nl.inferer, I),
        forecaster=arr(nl.forecaster, F),
        one_out_inferer=arr(nl.one_out_inferer, I),
        one_out_forecaster=arr(nl.one_out_forecaster, F),
        one_in=arr(nl.one_in, F),
        one_out_inferer_forecaster=grid(nl.one_out_inferer_forecaster, F, I),
    )

    # ---- regret updates (3.8)
    new = ar.update_regrets(st, nl, sp.alpha_regret)
    out["regrets"] = dict(
        inferer=arr(new.inferer, I),
        forecaster=arr(new.forecaster, F),
        naive=arr(new.naive, I),
        oo_ii=grid(new.oo_ii, I, I),
        oo_if=grid(new.oo_if, I, F),
        oo_fi=grid(new.oo_fi, F, I),
        oo_ff=grid(new.oo_ff, F, F),
        oi_inferer=grid(new.oi, F, I),
        oi_self=[num(new.oi.get((k, k))) for k in F],
    )

    # ---- instant scores (5.1); forecasters need both a one-in and a one-out loss
    isc = ar.inferer_scores(nl)
    order = [k for k in F if k in nl.one_in and k in nl.one_out_forecaster]
    fsc = ar.forecaster_scores(nl, order)
    out["inferer_scores"] = arr(isc, I)
    out["forecaster_scores"] = arr(fsc, F)

    # ---- reputer consensus (4.1 - 4.3) and reputer fractions (5.3)
    losses = np.array([bundles[x].flat(I, F) for x in R], dtype=float)
    rscores, coeffs, adjusted = ar.reputers_output(losses, stake_list, e["coefficients"], rp)
    out["reputer_scores"] = [num(x) for x in rscores]
    out["listening_coefficients"] = [num(x) for x in coeffs]
    out["adjusted_stakes"] = [num(x) for x in adjusted]
    rfr = ar.reputer_reward_fractions(stake_list, rscores, rp.p_reward_reputer)

    # ---- worker fractions (5.3): sigma over this block (newest cap) then the stored blocks
    def fractions(scores_by_id, ids, history, p, c):
        present = [(i, scores_by_id[a]) for i, a in enumerate(ids) if a in scores_by_id]
        current = [v for _, v in present]
        samples = current[max(0, len(current) - cap):] + [x for block in history for x in block]
        samples = samples[:cap]
        fr = ar.score_fractions(current, samples, p, c, rp.epsilon_topic)
        res = [None] * len(ids)
        for (i, _), f in zip(present, fr):
            res[i] = f
        return res

    inf_fr = fractions(isc, I, e["history"]["inferer"], rp.p_reward_inference, rp.c_reward_inference)
    fc_fr = fractions(fsc, F, e["history"]["forecaster"], rp.p_reward_forecast, rp.c_reward_forecast)
    rep_fr = list(rfr)
    out["reputer_fractions"] = [num(x) for x in rep_fr]
    out["inferer_fractions"] = [num(x) for x in inf_fr]
    out["forecaster_fractions"] = [num(x) for x in fc_fr]

    # ---- smoothed fractions and entropies (5.4)
    def smooth(inst, prev):
        idx = [i for i, v in enumerate(inst) if v is not None]
        ema_values, normalised = ar.smooth_fractions([inst[i] for i in idx], [prev[i] for i in idx], rp.task_reward_alpha)
        res = [None] * len(inst)
        for i, v in zip(idx, normalised):
            res[i] = v
        return ema_values, res

    ema_i, sm_i = smooth(inf_fr, e["smooth"]["inferer"])
    ema_f, sm_f = smooth(fc_fr, e["smooth"]["forecaster"])
    ema_r, sm_r = smooth(rep_fr, e["smooth"]["reputer"])
    out["smooth_inferer"] = [num(x) for x in sm_i]
    out["smooth_forecaster"] = [num(x) for x in sm_f]
    out["smooth_reputer"] = [num(x) for x in sm_r]

    def entropy(ema_values):
        return 0.0 if len(ema_values) == 0 else ar.modified_entropy(ema_values, rp.beta_entropy)

    F_ent = entropy(ema_i)
    G_ent = 0.0 if (len(ema_f) == 0 or n <= 1) else entropy(ema_f)
    H_ent = entropy(ema_r)
    out["entropies"] = [num(F_ent), num(G_ent), num(H_ent)]

    # ---- chi, gamma and the task split (5.5), per-actor rewards (5.6)
    chi, gamma, ratio, task = ar.chi_gamma(
        nl.naive, nl.combined, list(isc.values()), e["prev_ratio"], rp.task_reward_alpha, F_ent, G_ent
    )
    out["chi"] = num(chi)
    out["ratio"] = num(ratio)
    out["task_score"] = num(task)
    E = float(e["topic_reward"])
    U, V, W = ar.task_rewards(E, F_ent, G_ent, H_ent, chi, gamma)
    out["task_fractions"] = [num(U / E), num(V / E), num(W / E)]
    out["rewards_inferer"] = [None if f is None else num(U * f) for f in inf_fr]
    out["rewards_forecaster"] = [None if f is None else num(V * f) for f in fc_fr]
    out["rewards_reputer"] = [None if f is None else num(W * f) for f in rep_fr]
    return out


def load_reference(reference_dir):
    """(allora_ref, numpy), or exit 3 with a clear message."""
    try:
        import numpy as np  # noqa: F401
    except ImportError as err:
        print("oracle_driver: numpy is not installed (%s); install it, e.g. `pip install numpy` "
              "or `apt-get install python3-numpy`" % err, file=sys.stderr)
        sys.exit(3)
    sys.path.insert(0, reference_dir)
    try:
        import allora_ref as ar
    except ImportError as err:
        print("oracle_driver: cannot import allora_ref from %s: %s" % (reference_dir, err), file=sys.stderr)
        sys.exit(3)
    return ar, np


def main():
    reference_dir = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_REFERENCE
    ar, np = load_reference(reference_dir)
    epochs = json.load(sys.stdin)
    results = [run_epoch(ar, np, e) for e in epochs]
    json.dump(results, sys.stdout, allow_nan=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
