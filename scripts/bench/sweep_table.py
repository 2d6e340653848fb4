#!/usr/bin/env python3
"""Gathers the K-sweep's JSON results (cmd/bench -only w3, peers.py and peers_jax.py --only w3,
one file per tool and K) into one JSON file and prints the markdown table: the exact Hessian's
median time per K and tool, with [min, max], and each gomle median as a ratio to PyTorch's and
to JAX's at the same K.

  sweep_table.py OUT.json RESULT.json...
"""
import json, sys

runs = [json.load(open(p)) for p in sys.argv[2:]]
for r in runs:  # the per-call times stay in the JSON; the table needs only the summary
    r.pop("first_run_seconds", None)
json.dump(sorted(runs, key=lambda r: (r["k"], r["tool"], r.get("backend_config", ""))), open(sys.argv[1], "w"), indent=2)

def column(r):
    if r["tool"] == "peers":
        return f"PyTorch {r.get('torch', '')}"
    if r["tool"] == "jax":
        return f"JAX {r['jax']}"
    config = r["backend_config"]
    if "/" in config:  # an absolute plugin path: its file name says enough
        config = "xla:" + config.rsplit("/", 1)[1]
    return f"gomle, {config}"

columns = []
for want in ("gomle, xla", "gomle, go", "PyTorch", "JAX"):
    columns += sorted({column(r) for r in runs if column(r).startswith(want)})
ks = sorted({r["k"] for r in runs})
by = {(r["k"], column(r)): r["seconds"]["w3_hessian"] for r in runs}

print()
print(f"W3, the exact Hessian alone at the start values; N = {runs[0]['n']}, p = K + 1 parameters; seconds, "
      "median [min, max]; (×) = ratio of gomle's median to PyTorch's and to JAX's at the same K.")
print()
print("| K | " + " | ".join(columns) + " |")
print("|---|" + "---|" * len(columns))
for k in ks:
    peers = [next((by[(k, c)] for c in columns if c.startswith(p) and (k, c) in by), None) for p in ("PyTorch", "JAX")]
    cells = []
    for c in columns:
        s = by.get((k, c))
        if not s:
            cells.append("–")
            continue
        text = f"{s['median']:.4g} [{s['min']:.3g}, {s['max']:.3g}]"
        if c.startswith("gomle"):
            text += " (" + ", ".join(f"{s['median'] / p['median']:.2f}×" if p else "–" for p in peers) + ")"
        cells.append(text)
    print(f"| {k} | " + " | ".join(cells) + " |")
