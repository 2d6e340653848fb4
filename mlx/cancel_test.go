package mlx_test

import (
	"context"
	"slices"
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
)

// TestFitContext cancels fits on the backend from the Recorder at iteration 2: Newton, and SGD
// and Adam taking four steps per compiled call (Evaluator.Steps), which stop inside a block.
// Each must return the estimates of iteration 2, with Status Canceled, the Hessian and the
// history; a context canceled before the start returns the start.
func TestFitContext(t *testing.T) {
	b := testbackend.Get(t)
	p, ds, _ := linearProblem(t, 200, 3, 6)
	m := likelihoods.NormalLinear(p.K)
	for _, tc := range []struct {
		name   string
		method optim.Method
	}{
		{"newton", &optim.Newton{}},
		{"sgd-steps", &optim.SGD{LearnRate: 1e-3, StepsPerCall: 4}},
		{"adam-steps", &optim.Adam{LearnRate: 1e-2, StepsPerCall: 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s := &mlx.Settings{Start: p.Start, Settings: optim.Settings{Recorder: func(it optim.Iteration) {
				if it.Iter == 2 {
					cancel()
				}
			}}}
			res, err := mlx.FitContext(ctx, b, m, ds, s, tc.method)
			if err != nil {
				t.Fatal(err)
			}
			n := len(res.History)
			if res.Status != optim.Canceled || n != 3 || res.History[n-1].LogLike != res.LogLike || res.Hessian == nil {
				t.Errorf("status %v (%s), %d records ending at %v, ℓ %v, Hessian %v; want %v at iteration 2",
					res.Status, res.Reason, n, res.History[n-1].LogLike, res.LogLike, res.Hessian != nil, optim.Canceled)
			}

			done, cancelNow := context.WithCancel(context.Background())
			cancelNow()
			res, err = mlx.FitContext(done, b, m, ds, &mlx.Settings{Start: p.Start}, tc.method)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != optim.Canceled || !slices.Equal(res.Estimates, p.Start) || res.Iterations != 0 {
				t.Errorf("canceled before the start: status %v, estimates %v after %d iterations; want the start %v", res.Status, res.Estimates, res.Iterations, p.Start)
			}
		})
	}
}
