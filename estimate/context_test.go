package estimate_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
)

// TestFitContext cancels Spector's logit from the Recorder: at iteration 1 the Report holds the
// last iterate with Status Canceled and a warning, and no LR test; at the iteration where the
// gradient test holds the fit converges and the null model's fit is what the context stops, so
// the Report lacks only the LR test. The Recorder sees the model's fit alone, not the null
// model's. NLSContext stops Misra1a likewise.
func TestFitContext(t *testing.T) {
	b := testbackend.Get(t)
	spector := readFrame(t, "../data/spector.csv")
	spec := estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI"}
	// The gradient test's bound on Spector's 32 observations: n × GradientTol (default 1e-7).
	const converged = 32 * 1e-7
	for _, tc := range []struct {
		name   string
		cancel func(optim.Iteration) bool // whether to cancel at this record
		want   optim.Status
	}{
		{"iteration 1", func(it optim.Iteration) bool { return it.Iter == 1 }, optim.Canceled},
		{"null model", func(it optim.Iteration) bool { return it.GradNorm < converged }, optim.GradientConverged},
		{"never", func(optim.Iteration) bool { return false }, optim.GradientConverged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			records := 0
			s := spec
			s.Settings = mlx.Settings{Settings: optim.Settings{Recorder: func(it optim.Iteration) {
				records++
				if tc.cancel(it) {
					cancel()
				}
			}}}
			rep, err := estimate.FitContext(ctx, b, spector, s)
			if err != nil {
				t.Fatal(err)
			}
			res := rep.Result
			if res.Status != tc.want || records != len(res.History) {
				t.Errorf("status %v (%s), %d records for a history of %d; want %v", res.Status, res.Reason, records, len(res.History), tc.want)
			}
			if lr := !math.IsNaN(rep.LLNull); lr != (tc.name == "never") {
				t.Errorf("null log-likelihood %v", rep.LLNull)
			}
			if text := rep.String(); (tc.want == optim.Canceled) != strings.Contains(text, "canceled") {
				t.Errorf("summary:\n%s", text)
			}
		})
	}

	// Misra1a from the first NIST start: canceled at iteration 10, where −H is positive
	// definite (at some earlier iterates it is not, and the covariance would fail).
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	nls := estimate.NLSSpec{Formula: "y ~ b1*(1-exp(-b2*x))", Start: map[string]float64{"b1": 500, "b2": 1e-4},
		Settings: mlx.Settings{Settings: optim.Settings{Recorder: func(it optim.Iteration) {
			if it.Iter == 10 {
				cancel()
			}
		}}}}
	rep, err := estimate.NLSContext(ctx, b, readFrame(t, "../data/misra1a.csv"), nls)
	if err != nil {
		t.Fatal(err)
	}
	if res := rep.Result; res.Status != optim.Canceled || len(res.History) != 11 {
		t.Errorf("nls: status %v after %d records, want %v after 11", res.Status, len(res.History), optim.Canceled)
	}
}
