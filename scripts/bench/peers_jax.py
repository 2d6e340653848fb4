#!/usr/bin/env python3
"""Times JAX (CPU, float64) on the blog's workloads, on the data cmd/bench wrote (-data DIR), as
peers.py times PyTorch:

  W1  scipy.optimize.minimize(method="L-BFGS-B") on a jitted jax.value_and_grad, then standard
      errors from a jitted jax.hessian (the inverse's diagonal, inside the same jit)
  W2  the blog's SGD loop (lr 1e-5), iterations per second, two ways: one jitted step per call,
      reading the objective each iteration as the blog does (w2_sgd, the like-for-like peer of
      gomle's and PyTorch's loops), and 100 steps per call in one jit (lax.scan, w2_sgd_scan100),
      which returns all 100 objective values
  W3  jax.jit(jax.hessian(negll)) alone, at the start values (forward-over-reverse)
  plus value_grad, the jitted jax.value_and_grad alone.

  PYTHONPATH=SITE python3 scripts/bench/peers_jax.py DIR --reps 5 --json peers-jax.json [--only w3]

Run it in its own process and site directory (run.sh: /tmp/gomle-jax-site): JAX 0.10 needs
numpy >= 2 and scipy >= 1.14, under which Debian's statsmodels fails to import and PyTorch
1.13's numpy bridge fails to initialise. The data enter every jitted function as arguments, not
as closure constants, so XLA compiles each program once and does not fold 40 MB of data into it,
as gomle feeds its data to Exec.

W1's tolerances follow pytorch-minimize's l-bfgs with tol=1e-5 (the blog's call) as far as
L-BFGS-B allows: gtol 1e-5 on the largest gradient component (the same test), 100 stored
correction pairs (history_size), at most 200·p iterations. pytorch-minimize also stops when
|Δf| ≤ 1e-8 or the step's largest component is ≤ 1e-8, both absolute; L-BFGS-B has no step test,
and its ftol is relative: it stops when (fₖ − fₖ₊₁)/max(|fₖ|, |fₖ₊₁|, 1) ≤ ftol. We set
ftol = 1e-8/max(|f(start)|, 1); f only falls from the start, so L-BFGS-B's Δf test is at least as
strict as pytorch-minimize's (at the blog's size, 1e-8 · 70711/5.3e6 ≈ 1.3e-10 absolute near the
optimum). The line searches differ too (pytorch-minimize's strong Wolfe against L-BFGS-B's
dcsrch), so iteration counts differ: each JSON file has its tool's iterations, evaluations, stop
message and largest final gradient component, and the fit's distance from numpy OLS (estimates
and standard errors).

Timing as in peers.py: each workload runs once untimed (tracing and compilation), then --reps
times, each call ending in block_until_ready (or a host read of the result).
"""
import argparse, json, sys

import numpy as np

from peers import load, ols, ols_se, repeat, summarize

ALL = ("w1", "w2", "w3", "value_grad")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--sgd-iters", type=int, default=200, help="a multiple of 100")
    ap.add_argument("--only", default="", help="comma-separated workloads, of " + ", ".join(ALL))
    ap.add_argument("--json")
    a = ap.parse_args()
    want = set(a.only.split(",")) if a.only else set(ALL)
    if want - set(ALL):
        ap.error(f"--only: unknown {sorted(want - set(ALL))}")
    if a.sgd_iters % 100:
        ap.error("--sgd-iters must be a multiple of 100")

    import jax
    import jax.numpy as jnp
    import jaxlib
    import scipy
    import scipy.optimize

    jax.config.update("jax_enable_x64", True)
    n, k, x, y, start = load(a.data)
    dev = jax.devices("cpu")[0]
    X, Y = jax.device_put(x, dev), jax.device_put(y, dev)
    omega0 = jax.device_put(start, dev)
    if X.dtype != jnp.float64:  # without jax_enable_x64, JAX would have made the data float32
        raise SystemExit(f"peers_jax: data are {X.dtype}, not float64")
    out = {"tool": "jax", "device": "cpu", "n": n, "k": k, "jax": jax.__version__, "jaxlib": jaxlib.__version__,
           "numpy": np.__version__, "scipy": scipy.__version__, "seconds": {}, "first_run_seconds": {}}

    def negll(omega, X, Y):  # the blog's ols_loglike_, negated; σ itself is the parameter
        beta, sigma = omega[:-1], omega[-1]
        mu = X @ beta
        ll = -(Y.shape[0] / 2.0) * jnp.log(2.0 * jnp.pi * sigma**2) - (1.0 / (2.0 * sigma**2.0)) * jnp.sum((Y - mu) ** 2.0)
        return -ll

    value_grad = jax.jit(jax.value_and_grad(negll))
    hessian = jax.jit(jax.hessian(negll))

    @jax.jit
    def std_errors(omega, X, Y):
        return jnp.sqrt(jnp.diag(jnp.linalg.inv(jax.hessian(negll)(omega, X, Y))))

    if "w1" in want:
        def fun(w):
            v, g = value_grad(w, X, Y)
            return float(v), np.asarray(g)
        f0 = float(value_grad(omega0, X, Y)[0])
        options = {"gtol": 1e-5, "ftol": 1e-8 / max(abs(f0), 1.0), "maxcor": 100, "maxiter": 200 * (k + 1)}
        out["w1_scipy_options"] = options
        res = {}

        def w1():
            r = scipy.optimize.minimize(fun, start, jac=True, method="L-BFGS-B", options=options)
            se = std_errors(r.x, X, Y).block_until_ready()
            res["r"], res["se"] = r, se
        out["seconds"]["w1_lbfgs_and_se"], out["first_run_seconds"]["w1_lbfgs_and_se"] = repeat(a.reps, w1)
        r = res["r"]
        out["w1_iterations"], out["w1_evaluations"], out["w1_message"] = int(r.nit), int(r.nfev), str(r.message)
        out["w1_max_abs_grad"] = float(np.max(np.abs(r.jac)))
        out["w1_max_abs_diff_vs_ols_beta"] = float(np.max(np.abs(r.x[:-1] - ols(x, y)[0])))
        out["w1_max_rel_diff_vs_ols_se"] = float(np.max(np.abs(np.asarray(res["se"])[:-1] / ols_se(x, y) - 1)))

    if "w2" in want:
        lr = 1e-5

        @jax.jit
        def sgd_step(w, X, Y):
            f, g = jax.value_and_grad(negll)(w, X, Y)
            return w - lr * g, f

        @jax.jit
        def sgd_100(w, X, Y):
            def body(w, _):
                f, g = jax.value_and_grad(negll)(w, X, Y)
                return w - lr * g, f
            return jax.lax.scan(body, w, None, length=100)

        def w2():
            w = omega0
            for _ in range(a.sgd_iters):
                w, f = sgd_step(w, X, Y)
                float(f)  # the blog reads the objective every iteration
        out["seconds"]["w2_sgd"], out["first_run_seconds"]["w2_sgd"] = repeat(a.reps, w2)
        out["sgd_iterations_per_second"] = summarize([a.sgd_iters / s for s in out["seconds"]["w2_sgd"]["all"]])

        def w2_scan():
            w = omega0
            for _ in range(a.sgd_iters // 100):
                w, fs = sgd_100(w, X, Y)
                np.asarray(fs)  # the 100 objective values, read once per call
        out["seconds"]["w2_sgd_scan100"], out["first_run_seconds"]["w2_sgd_scan100"] = repeat(a.reps, w2_scan)
        out["sgd_scan100_iterations_per_second"] = summarize([a.sgd_iters / s for s in out["seconds"]["w2_sgd_scan100"]["all"]])

    if "w3" in want:
        def w3():
            hessian(omega0, X, Y).block_until_ready()
        out["seconds"]["w3_hessian"], out["first_run_seconds"]["w3_hessian"] = repeat(a.reps, w3)

    if "value_grad" in want:
        def vg():
            jax.block_until_ready(value_grad(omega0, X, Y))
        out["seconds"]["value_grad"], out["first_run_seconds"]["value_grad"] = repeat(max(a.reps, 20), vg)

    text = json.dumps(out, indent=2)
    print(text)
    if a.json:
        open(a.json, "w").write(text)


if __name__ == "__main__":
    sys.exit(main())
