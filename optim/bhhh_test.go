package optim_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/optim"
	"gonum.org/v1/gonum/mat"
)

// TestBHHH fits a logit (Spector and Mazzeo's 32 students) and a Poisson regression (500
// simulated counts) by BHHH and by Newton, from zero, and requires the same maximum: estimates
// within 1e-6 relative (of max(|β|, 1)), log-likelihoods within 1e-9 relative. Both runs stop
// on the gradient test of ℓ/n at 1e-7. Along the logit's flattest direction (the smallest
// eigenvalue of −H/n is 0.0012, TUCE being near 20) that allows differences up to about
// 1e-7/0.0012 ≈ 1e-4 in principle; seen here are 4e-8 (logit, 162 BHHH iterations) and 9e-8
// (Poisson, 10), and log-likelihoods equal to 1e-15.
func TestBHHH(t *testing.T) {
	sx, sy := spector(t)
	cx, cy := simulatedCounts(500)
	for _, tc := range []struct {
		name string
		obj  optim.Objective
	}{
		{"logit", logit(sx, sy)},
		{"poisson", poisson(cx, cy)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := make([]float64, tc.obj.NumParams())
			newton, err := optim.Maximize(tc.obj, start, nil, &optim.Newton{})
			if err != nil {
				t.Fatal(err)
			}
			bhhh, err := optim.Maximize(tc.obj, start, nil, &optim.BHHH{})
			if err != nil {
				t.Fatal(err)
			}
			if !newton.Status.Converged() || !bhhh.Status.Converged() {
				t.Fatalf("Newton %v (%s), BHHH %v (%s)", newton.Status, newton.Reason, bhhh.Status, bhhh.Reason)
			}
			d := maxRelDiff(bhhh.X, newton.X, 1)
			if d > 1e-6 {
				t.Errorf("BHHH %v, Newton %v: relative difference %.2g", bhhh.X, newton.X, d)
			}
			dll := math.Abs(bhhh.LogLike-newton.LogLike) / math.Abs(newton.LogLike)
			if dll > 1e-9 {
				t.Errorf("log-likelihoods: BHHH %.12g, Newton %.12g", bhhh.LogLike, newton.LogLike)
			}
			if bhhh.ScoreEvals != bhhh.Iterations || bhhh.Method != "BHHH" {
				t.Errorf("%s: %d score evaluations in %d iterations", bhhh.Method, bhhh.ScoreEvals, bhhh.Iterations)
			}
			t.Logf("BHHH %v in %d iterations (%d evaluations), Newton %v in %d; estimates differ by %.2g relative, log-likelihoods (%.10g) by %.2g",
				bhhh.Status, bhhh.Iterations, bhhh.FuncEvals, newton.Status, newton.Iterations, d, newton.LogLike, dll)

			// Two iterations are not enough: the status must say so, and the reason give
			// the limit and the gradient against its threshold.
			short, err := optim.Maximize(tc.obj, start, &optim.Settings{MaxIterations: 2}, &optim.BHHH{})
			if err != nil {
				t.Fatal(err)
			}
			if short.Status != optim.IterationLimit || short.Status.Converged() || short.Iterations != 2 ||
				!strings.Contains(short.Reason, "2 iterations") || !strings.Contains(short.Reason, "max |gradient of ℓ|") {
				t.Errorf("MaxIterations 2: %v after %d iterations (%s)", short.Status, short.Iterations, short.Reason)
			}
			if err := short.Status.Err(); err == nil {
				t.Error("Status.Err is nil for the iteration limit")
			}
			t.Logf("MaxIterations 2: %v: %s", short.Status, short.Reason)
		})
	}
}

// TestBHHHSingular checks the failure where the outer product of the scores is singular: one
// observation and two parameters give a rank-one SᵀS.
func TestBHHHSingular(t *testing.T) {
	obj := &function{p: 2,
		f:    func(x []float64) float64 { return -x[0]*x[0] - x[1]*x[1] + x[0] },
		grad: func(g, x []float64) { g[0], g[1] = 1-2*x[0], -2*x[1] },
		hess: func(h *mat.SymDense, x []float64) { h.SetSym(0, 0, -2); h.SetSym(1, 1, -2) },
	}
	res, err := optim.Maximize(obj, []float64{0, 1}, nil, &optim.BHHH{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != optim.Failure || !strings.Contains(res.Reason, "not positive definite") {
		t.Errorf("%v (%s), want a failure for the singular outer product", res.Status, res.Reason)
	}
}

// TestBHHHRoundingStop checks the end of a run whose gradient test cannot be met
// (GradientTol 1e-300): BHHH steps until no step length raises ℓ beyond its rounding, stops
// with Failure, and Maximize's Newton-decrement test, applied to every method alike, reports
// NewtonConverged at the maximum.
func TestBHHHRoundingStop(t *testing.T) {
	x, y := spector(t)
	obj := logit(x, y)
	newton, err := optim.Maximize(obj, make([]float64, 4), nil, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := optim.Maximize(obj, newton.X, &optim.Settings{GradientTol: 1e-300}, &optim.BHHH{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != optim.NewtonConverged || !strings.Contains(res.Reason, "line search failed") || !strings.Contains(res.Reason, "Newton decrement") {
		t.Errorf("%v after %d iterations (%s)", res.Status, res.Iterations, res.Reason)
	}
	if d := maxRelDiff(res.X, newton.X, 1); d > 1e-6 {
		t.Errorf("moved from Newton's maximum by %.2g relative", d)
	}
	t.Logf("%v after %d iterations: %s", res.Status, res.Iterations, res.Reason)
}
