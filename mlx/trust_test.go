package mlx_test

import (
	"math"
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"gonum.org/v1/gonum/floats"
)

// TestTrustRegionMatchesOLS fits the normal linear model and compares with closed-form OLS,
// as TestFitMatchesOLS does for the other methods (optim's TestTrustRegion tests the method
// itself on functions built for it), and checks that a second fit from the same
// start gives the same answer and that MaxIterations stops the method.
func TestTrustRegionMatchesOLS(t *testing.T) {
	b := testbackend.Get(t)
	p, ds, ols := linearProblem(t, 3000, 12, 5)
	fit := func(s *mlx.Settings) *mlx.Result {
		t.Helper()
		res, err := mlx.Fit(b, likelihoods.NormalLinear(p.K), ds, s, &optim.TrustRegion{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := fit(&mlx.Settings{Start: p.Start})
	if res.Status != optim.GradientConverged {
		t.Errorf("status %v (%s), want %v", res.Status, res.Reason, optim.GradientConverged)
	}
	// Tighter than the 1e-6: the method stops at a Newton decrement of 1e-12 and then
	// takes the last Newton step, exact for this quadratic-in-β log-likelihood.
	want := ols.Estimates()
	for i, v := range res.Estimates {
		if math.Abs(v-want[i]) > 1e-9*math.Max(1, math.Abs(want[i])) {
			t.Errorf("%s = %.12g, OLS gives %.12g", res.Labels()[i], v, want[i])
		}
	}
	if res.Method != "trust-region Newton" || res.Hessian == nil {
		t.Errorf("method %q, Hessian %v", res.Method, res.Hessian != nil)
	}
	if again := fit(&mlx.Settings{Start: p.Start}); !floats.Equal(again.Estimates, res.Estimates) {
		t.Errorf("second fit differs: %v vs %v", again.Estimates, res.Estimates)
	}
	if short := fit(&mlx.Settings{Start: p.Start, Settings: optim.Settings{MaxIterations: 1}}); short.Status != optim.IterationLimit || short.Iterations != 1 {
		t.Errorf("MaxIterations 1: %v after %d iterations", short.Status, short.Iterations)
	}
}
