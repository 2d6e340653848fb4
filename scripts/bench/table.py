#!/usr/bin/env python3
"""Prints a markdown table of cmd/bench and peers.py JSON results: medians with [min, max],
and each gomle time as a ratio to PyTorch's from the same run (the last file must be peers')."""
import json, sys

runs = [json.load(open(p)) for p in sys.argv[1:]]
peer = runs[-1]

def name(r):
    if r["tool"] == "peers":
        return f"PyTorch {r.get('torch', '')} ({r['device']})"
    config = r["backend_config"]
    if "/" in config:  # an absolute plugin path: its file name says enough
        config = "xla:" + config.rsplit("/", 1)[1]
    return f"gomle, {config}" + (", batched Hessian" if r.get("batched_hessian") else "")

def cell(r, key):
    s = r["seconds"].get(key)
    if not s:
        return "–"
    return f"{s['median']:.4g} [{s['min']:.3g}, {s['max']:.3g}]"

def ratio(r, key, inverse=False):
    if r is peer or key not in r["seconds"] or key not in peer["seconds"]:
        return ""
    return f" ({r['seconds'][key]['median'] / peer['seconds'][key]['median']:.2f}×)"

print()
print(f"N = {peer['n']}, K = {peer['k']}; seconds, median [min, max]; (×) = ratio to PyTorch in the same run.")
print()
print("| | W1 L-BFGS + exact-Hessian SEs (s) | W2 SGD (iterations/s) | W3 exact Hessian (s) | value+gradient (s) |")
print("|---|---|---|---|---|")
for r in runs:
    ips = r["sgd_iterations_per_second"]
    w2 = f"{ips['median']:.4g} [{ips['min']:.3g}, {ips['max']:.3g}]"
    if r is not peer:
        w2 += f" ({ips['median'] / peer['sgd_iterations_per_second']['median']:.2f}×)"
    print(f"| {name(r)} | {cell(r, 'w1_lbfgs_and_se')}{ratio(r, 'w1_lbfgs_and_se')} | {w2} | "
          f"{cell(r, 'w3_hessian')}{ratio(r, 'w3_hessian')} | {cell(r, 'value_grad')}{ratio(r, 'value_grad')} |")
for key, label in (("numpy_ols", "numpy closed-form OLS (the floor)"), ("statsmodels_generic", "statsmodels GenericLikelihoodModel, BFGS")):
    if key in peer["seconds"]:
        print(f"| {label} | {cell(peer, key)} | | | |")
