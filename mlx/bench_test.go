package mlx_test

import (
	"fmt"
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
)

// benchSizes are the blog's size and a tenth of it. Run them with scripts/bench.sh, which
// records the backend and device for benchstat.
var benchSizes = []struct{ n, k int }{{5000, 100}, {50000, 100}}

// benchEvaluator returns an evaluator of the normal linear model, Batched or not, on the data
// in float64 or (float32 true) float32, and the blog's start.
func benchEvaluator(b *testing.B, n, k int, batched, float32 bool) (*mlx.Evaluator, []float64) {
	b.Helper()
	p, ds, _ := linearProblem(b, n, k, 1)
	if float32 {
		var err error
		if ds, err = ds.Float32(); err != nil {
			b.Fatal(err)
		}
	}
	m := likelihoods.NormalLinear(k)
	m.Batched = batched
	ev, err := mlx.NewEvaluator(testbackend.Get(b), m, ds)
	if err != nil {
		b.Fatal(err)
	}
	u := append(append([]float64(nil), p.Start[:k]...), 0)
	return ev, u
}

// BenchmarkValueGrad times the log-likelihood with its gradient, on float64 data and on the
// same data in float32 (Dataset.Float32).
func BenchmarkValueGrad(b *testing.B) {
	for _, sz := range benchSizes {
		for _, f32 := range []bool{false, true} {
			dtype := map[bool]string{false: "float64", true: "float32"}[f32]
			b.Run(fmt.Sprintf("model=normal/dtype=%s/n=%d/k=%d", dtype, sz.n, sz.k), func(b *testing.B) {
				ev, u := benchEvaluator(b, sz.n, sz.k, true, f32)
				grad := make([]float64, len(u))
				if _, err := ev.LogLikeGrad(u, grad); err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if _, err := ev.LogLikeGrad(u, grad); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkHessian times the exact Hessian of the normal linear model in its three forms:
// assembled from the index derivatives as XᵀWX (mode=structured, the default for models with
// indices), p gradient-of-gradient passes (mode=passes, ReferenceHessian) and one pass over p
// parameter copies (mode=batched, the default for Batched models).
func BenchmarkHessian(b *testing.B) {
	for _, sz := range benchSizes {
		for _, mode := range []string{"structured", "passes", "batched"} {
			b.Run(fmt.Sprintf("model=normal/mode=%s/n=%d/k=%d", mode, sz.n, sz.k), func(b *testing.B) {
				ev, u := benchEvaluator(b, sz.n, sz.k, mode == "batched", false)
				hessian := ev.Hessian
				if mode == "passes" {
					hessian = ev.ReferenceHessian
				}
				if _, err := hessian(u); err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if _, err := hessian(u); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkFitLBFGS times the blog's main workload: L-BFGS from the blog's start, then
// standard errors from the exact Hessian.
func BenchmarkFitLBFGS(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(fmt.Sprintf("model=normal/n=%d/k=%d", sz.n, sz.k), func(b *testing.B) {
			p, ds, _ := linearProblem(b, sz.n, sz.k, 1)
			m := likelihoods.NormalLinear(sz.k)
			fit := func() {
				res, err := mlx.Fit(testbackend.Get(b), m, ds, &mlx.Settings{Start: p.Start}, &optim.LBFGS{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := stderr.Hessian(res); err != nil {
					b.Fatal(err)
				}
			}
			fit() // compile
			for b.Loop() {
				fit()
			}
		})
	}
}

// BenchmarkNewEvaluator times what a fresh model value costs once its programs are cached:
// building its value graph without compiling it, hashing it, and looking the programs up.
func BenchmarkNewEvaluator(b *testing.B) {
	for _, sz := range append([]struct{ n, k int }{{200, 3}}, benchSizes...) {
		b.Run(fmt.Sprintf("model=normal/n=%d/k=%d", sz.n, sz.k), func(b *testing.B) {
			_, ds, _ := linearProblem(b, sz.n, sz.k, 1)
			for b.Loop() {
				if _, err := mlx.NewEvaluator(testbackend.Get(b), likelihoods.NormalLinear(sz.k), ds); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHessianSweep times the structured Hessian of the normal linear model at N = 50000
// as K grows: matrix-matrix work that grows as N·K², the table issue 11 asks for.
func BenchmarkHessianSweep(b *testing.B) {
	for _, k := range []int{25, 50, 100, 200, 400} {
		b.Run(fmt.Sprintf("model=normal/n=50000/k=%d", k), func(b *testing.B) {
			ev, u := benchEvaluator(b, 50000, k, false, false)
			if _, err := ev.Hessian(u); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := ev.Hessian(u); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBootstrap times the blog's normal linear model at its size fitted once by Newton and
// by L-BFGS (each with its exact Hessian) from the blog's start and bootstrapped with 50 and 200 replicates in one batched
// program (reps=…), so that the ratio to one fit reads off one run.
func BenchmarkBootstrap(b *testing.B) {
	n, k := 50000, 100
	for _, method := range []optim.Method{&optim.Newton{}, &optim.LBFGS{}} {
		b.Run("fit="+method.String(), func(b *testing.B) {
			ev, u := benchEvaluator(b, n, k, false, false)
			u[k] = 1 // σ on the natural scale
			for b.Loop() {
				if _, err := mlx.FitEvaluator(ev, &mlx.Settings{Start: u}, method); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, reps := range []int{50, 200} {
		b.Run(fmt.Sprintf("reps=%d", reps), func(b *testing.B) {
			ev, u := benchEvaluator(b, n, k, false, false)
			u[k] = 1
			u[k] = 1 // σ on the natural scale
			res, err := mlx.FitEvaluator(ev, &mlx.Settings{Start: u}, &optim.Newton{})
			if err != nil {
				b.Fatal(err)
			}
			var boot *mlx.Bootstrap
			for b.Loop() {
				if boot, err = res.Bootstrap(reps, 1); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(boot.Iterations), "iterations")
			b.ReportMetric(float64(len(boot.Failed)), "failed")
		})
	}
}
