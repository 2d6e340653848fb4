#!/usr/bin/env python3
"""Prints a markdown table of cmd/bench, peers.py and peers_jax.py JSON results: medians with
[min, max], and each gomle median as a ratio to PyTorch's and to JAX's from the same run.

  table.py gomle-*.json peers-cpu.json [peers-jax-cpu.json]

The peers are found by their "tool" field ("peers" for PyTorch, "jax"); the JAX file is optional.
W2 is compared with JAX's one jitted step per call (each iteration's objective read, as gomle
and PyTorch do); JAX's 100 steps per call (lax.scan) gets a row of its own, without ratios."""
import json, sys

runs = [json.load(open(p)) for p in sys.argv[1:]]
torch = next(r for r in runs if r["tool"] == "peers")
jax = next((r for r in runs if r["tool"] == "jax"), None)
peers = [p for p in (torch, jax) if p]
gomle = [r for r in runs if r["tool"] == "gomle"]

def name(r):
    if r["tool"] == "peers":
        return f"PyTorch {r.get('torch', '')} ({r['device']}), pytorch-minimize"
    if r["tool"] == "jax":
        return f"JAX {r['jax']} ({r['device']}), SciPy {r['scipy']} L-BFGS-B"
    config = r["backend_config"]
    if "/" in config:  # an absolute plugin path: its file name says enough
        config = "xla:" + config.rsplit("/", 1)[1]
    return f"gomle, {config}" + (", batched Hessian" if r.get("batched_hessian") else "")

def fmt(s):
    return f"{s['median']:.4g} [{s['min']:.3g}, {s['max']:.3g}]"

def median(r, key):
    """The median of a timed workload, or of iterations per second for w2_sgd; None if not run."""
    if key == "w2_sgd":
        s = r.get("sgd_iterations_per_second")
    else:
        s = r["seconds"].get(key)
    return s["median"] if s else None

def cell(r, key):
    s = r.get("sgd_iterations_per_second") if key == "w2_sgd" else r["seconds"].get(key)
    if not s:
        return "–"
    text = fmt(s)
    if r["tool"] == "gomle":
        ratios = []
        for p in peers:
            a, b = median(r, key), median(p, key)
            ratios.append(f"{a / b:.2f}×" if a and b else "–")
        text += f" ({', '.join(ratios)})"
    return text

keys = ("w1_lbfgs_and_se", "w2_sgd", "w3_hessian", "value_grad")
vs = " and to JAX's" if jax else ""
print()
print(f"N = {torch['n']}, K = {torch['k']}; seconds, median [min, max]; (×) = ratio of gomle's median to "
      f"PyTorch's{vs} in the same run (for W2, iterations/s: above 1 is faster; elsewhere below 1 is faster).")
print()
print("| | W1 L-BFGS + exact-Hessian SEs (s) | W2 SGD (iterations/s) | W3 exact Hessian (s) | value+gradient (s) |")
print("|---|---|---|---|---|")
for r in gomle + peers:
    print(f"| {name(r)} | " + " | ".join(cell(r, key) for key in keys) + " |")
if jax and jax.get("sgd_scan100_iterations_per_second"):
    print(f"| JAX, 100 SGD steps per call (lax.scan in one jit) | | {fmt(jax['sgd_scan100_iterations_per_second'])} | | |")
for key, label in (("numpy_ols", "numpy closed-form OLS (the floor)"), ("statsmodels_generic", "statsmodels GenericLikelihoodModel, BFGS")):
    if key in torch["seconds"]:
        print(f"| {label} | {fmt(torch['seconds'][key])} | | | |")

fits = []
for r in gomle + peers:
    if "w1_iterations" in r:
        diff = r.get("w1_max_abs_diff_vs_ols", r.get("w1_max_abs_diff_vs_ols_beta"))
        fits.append(f"{name(r).split(',')[0] if r['tool'] != 'gomle' else name(r)} {r['w1_iterations']}"
                    + (f" ({diff:.1g})" if diff is not None else ""))
if fits:
    print()
    print("W1 L-BFGS iterations (largest difference from closed-form OLS; over β and σ for gomle, β for the peers): "
          + "; ".join(fits) + ".")
