#!/usr/bin/env python3
"""Times the peers on the blog's workloads, on the data cmd/bench wrote (-data DIR):

  W1  pytorch-minimize L-BFGS (tol 1e-5, the blog's call) + torch.autograd.functional.hessian SEs
  W2  the blog's torch.optim.SGD loop (lr 1e-5), iterations per second
  W3  torch.autograd.functional.hessian alone, at the start values
  plus numpy closed-form OLS (the floor) and, with --statsmodels, GenericLikelihoodModel.

  python3 scripts/bench/peers.py DIR --device cpu|cuda --reps 5 --json peers.json [--only w3]

--only runs some of w1, w2, w3, value_grad (and numpy_ols); the K-sweep (sweep.sh) runs w3 alone.
JAX is timed by peers_jax.py, in a process of its own, which imports load, ols and repeat from here.

Same data and start values as gomle (β from the file, σ = 1); the model is the blog's
ols_loglike, with σ itself as the parameter, as in the blog. Each workload runs once untimed,
then --reps times; medians and ranges are reported.
"""
import argparse, json, os, statistics, sys, time

import numpy as np


def summarize(xs):
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "all": xs}


def repeat(reps, fn, sync=lambda: None):
    t0 = time.perf_counter(); fn(); sync(); first = time.perf_counter() - t0
    xs = []
    for _ in range(reps):
        t = time.perf_counter(); fn(); sync(); xs.append(time.perf_counter() - t)
    return summarize(xs), first


def load(data):
    """Returns n, k, X, y and the start values (β, then σ = 1) that cmd/bench -data wrote."""
    meta = json.load(open(os.path.join(data, "meta.json")))
    n, k = meta["n"], meta["k"]
    x = np.fromfile(os.path.join(data, "x.f64"), dtype="<f8").reshape(n, k)
    y = np.fromfile(os.path.join(data, "y.f64"), dtype="<f8")
    start = np.fromfile(os.path.join(data, "start.f64"), dtype="<f8")
    return n, k, x, y, start


def ols(x, y):
    """Closed-form OLS: the estimates and the residuals."""
    b = np.linalg.solve(x.T @ x, x.T @ y)
    return b, y - x @ b


def ols_se(x, y):
    """The maximum-likelihood standard errors of β, √diag(σ̂²(XᵀX)⁻¹) with σ̂² = eᵀe/N: what the
    inverse Hessian gives at the optimum, where its β–σ block is zero."""
    _, e = ols(x, y)
    return np.sqrt(np.diag(np.linalg.inv(x.T @ x)) * (e @ e) / len(y))


ALL = ("numpy_ols", "w1", "w2", "w3", "value_grad")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--sgd-iters", type=int, default=200)
    ap.add_argument("--statsmodels", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated workloads, of " + ", ".join(ALL))
    ap.add_argument("--json")
    a = ap.parse_args()
    want = set(a.only.split(",")) if a.only else set(ALL)
    if want - set(ALL):
        ap.error(f"--only: unknown {sorted(want - set(ALL))}")
    n, k, x, y, start = load(a.data)
    out = {"tool": "peers", "device": a.device, "n": n, "k": k, "seconds": {}, "first_run_seconds": {}}

    if "numpy_ols" in want:
        out["seconds"]["numpy_ols"], out["first_run_seconds"]["numpy_ols"] = repeat(a.reps, lambda: ols(x, y))

    import torch
    from torchmin import minimize
    dev = torch.device(a.device)
    sync = (lambda: torch.cuda.synchronize()) if dev.type == "cuda" else (lambda: None)
    X = torch.tensor(x, dtype=torch.float64, device=dev)
    Y = torch.tensor(y, dtype=torch.float64, device=dev)
    out["torch"] = torch.__version__
    out["threads"] = torch.get_num_threads()

    def negll(omega):  # the blog's ols_loglike_
        beta, sigma = omega[:-1], omega[-1]
        mu = torch.mv(X, beta)
        ll = -(Y.shape[0] / 2.0) * torch.log(2.0 * torch.pi * sigma**2) - (1.0 / (2.0 * sigma**2.0)) * torch.sum((Y - mu) ** 2.0)
        return -ll

    omega0 = torch.tensor(start, dtype=torch.float64, device=dev)
    res = {}

    def w1():
        r = minimize(negll, omega0.clone(), method="l-bfgs", tol=1e-5)
        h = torch.autograd.functional.hessian(negll, r.x)
        se = torch.sqrt(torch.diagonal(torch.linalg.inv(h)))
        res["r"], res["se"] = r, se
    if "w1" in want:
        out["seconds"]["w1_lbfgs_and_se"], out["first_run_seconds"]["w1_lbfgs_and_se"] = repeat(a.reps, w1, sync)
        r = res["r"]
        out["w1_iterations"], out["w1_evaluations"], out["w1_message"] = int(r.nit), int(r.nfev), str(r.message)
        out["w1_max_abs_grad"] = float(r.grad.abs().max())
        est = r.x.detach().cpu().numpy()
        out["w1_max_abs_diff_vs_ols_beta"] = float(np.max(np.abs(est[:-1] - ols(x, y)[0])))
        se = res["se"].detach().cpu().numpy()[:-1]
        out["w1_max_rel_diff_vs_ols_se"] = float(np.max(np.abs(se / ols_se(x, y) - 1)))

    def w2():
        omega = omega0.clone().requires_grad_(True)
        opt = torch.optim.SGD([omega], lr=1e-5)
        for _ in range(a.sgd_iters):
            opt.zero_grad()
            f = negll(omega)
            f.backward()
            opt.step()
            f.item()  # the blog reads the objective every iteration
    if "w2" in want:
        out["seconds"]["w2_sgd"], out["first_run_seconds"]["w2_sgd"] = repeat(a.reps, w2, sync)
        out["sgd_iterations_per_second"] = summarize([a.sgd_iters / s for s in out["seconds"]["w2_sgd"]["all"]])

    def w3():
        torch.autograd.functional.hessian(negll, omega0)
    if "w3" in want:
        out["seconds"]["w3_hessian"], out["first_run_seconds"]["w3_hessian"] = repeat(a.reps, w3, sync)

    def vg():
        omega = omega0.clone().requires_grad_(True)
        negll(omega).backward()
    if "value_grad" in want:
        out["seconds"]["value_grad"], out["first_run_seconds"]["value_grad"] = repeat(max(a.reps, 20), vg, sync)

    if a.statsmodels:
        from statsmodels.base.model import GenericLikelihoodModel
        from scipy import stats

        class Normal(GenericLikelihoodModel):
            def loglike(self, params):
                return stats.norm.logpdf(self.endog, self.exog @ params[:-1], params[-1]).sum()
        def sm():
            m = Normal(y, x)
            m.exog_names.append("sigma") if hasattr(m, "exog_names") else None
            m.fit(start_params=start, method="bfgs", disp=0)
        out["seconds"]["statsmodels_generic"], out["first_run_seconds"]["statsmodels_generic"] = repeat(1, sm)

    text = json.dumps(out, indent=2)
    print(text)
    if a.json:
        open(a.json, "w").write(text)


if __name__ == "__main__":
    sys.exit(main())
