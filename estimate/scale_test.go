package estimate_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/optim"
)

// TestBadlyScaledRegressor fits models with a regressor of order 10¹² (z) with the default
// settings. The gradient entry of its coefficient cannot fall below the absolute gradient
// threshold, so Newton must stop on its scale-free test, the Newton decrement, and within a few
// iterations; and the fit must agree with the same fit on z/10¹², whose coefficient is 10¹²
// times larger and whose other estimates, SEs and log-likelihood are the same: the estimates
// do not depend on the units.
func TestBadlyScaledRegressor(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 200
	y, x, z, zs := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		x[i] = rng.NormFloat64()
		zs[i] = 1 + 0.1*rng.NormFloat64()
		z[i] = 1e12 * zs[i]
		eta := 0.5 + x[i] + 10*(zs[i]-1)
		if rng.Float64() < 1/(1+math.Exp(-eta)) {
			y[i] = 1
		}
	}
	f, err := frame.New([]string{"y", "x", "z", "zs"}, [][]float64{y, x, z, zs})
	if err != nil {
		t.Fatal(err)
	}
	for _, model := range []string{"logit", "probit", "poisson"} {
		t.Run(model, func(t *testing.T) {
			big, err := estimate.Fit(testbackend.Get(t), f, estimate.Spec{Model: model, Formula: "y ~ x + z"})
			if err != nil {
				t.Fatal(err)
			}
			unit, err := estimate.Fit(testbackend.Get(t), f, estimate.Spec{Model: model, Formula: "y ~ x + zs"})
			if err != nil {
				t.Fatal(err)
			}
			r := big.Result
			if r.Status != optim.NewtonConverged || r.Iterations > 10 {
				t.Errorf("%v after %d iterations (%s), want converged (Newton decrement) within 10", r.Status, r.Iterations, r.Reason)
			}
			if !unit.Result.Status.Converged() {
				t.Fatalf("z/1e12: %v", unit.Result.Status)
			}
			if d := math.Abs(big.Result.LogLike - unit.Result.LogLike); d > 1e-9 {
				t.Errorf("log-likelihoods differ by %.2g", d)
			}
			a, b := big.Estimates, unit.Estimates
			for i := range a.Params {
				scale := 1.0
				if a.Labels[i] == "z" {
					scale = 1e12
				}
				if d := math.Abs(a.Params[i]*scale-b.Params[i]) / b.SE[i]; d > 1e-6 {
					t.Errorf("%s: %.12g×%g against %.12g: %.2g SE apart", a.Labels[i], a.Params[i], scale, b.Params[i], d)
				}
				if d := math.Abs(a.SE[i]*scale-b.SE[i]) / b.SE[i]; d > 1e-6 {
					t.Errorf("SE of %s: %.12g×%g against %.12g: %.2g relative", a.Labels[i], a.SE[i], scale, b.SE[i], d)
				}
			}
		})
	}
}
