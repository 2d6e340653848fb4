package likelihoods_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"gonum.org/v1/gonum/stat"
)

// TestBHHH fits Spector's logit and the ships' Poisson regression with exposure by BHHH, whose
// steps use the per-observation scores of the compiled graph, and by Newton, and requires the
// same maximum: estimates within 1e-6 relative (of max(|θ|, 1)), log-likelihoods within 1e-9
// relative. It also requires BHHH to report the iteration limit, not convergence, when two
// iterations are allowed. (optim's TestBHHH does the same on plain-Go log-likelihoods.)
func TestBHHH(t *testing.T) {
	cols := readTable(t, "spector.csv")
	n := len(cols["GRADE"])
	spector, err := mlx.NewDataset(mlx.Vector("y", cols["GRADE"]), mlx.Matrix("x", design(cols, []string{"GPA", "TUCE", "PSI", "const"}, n, true)))
	if err != nil {
		t.Fatal(err)
	}
	ships, _ := shipsData(t)
	// The Poisson fit starts where Stata's poisson does, at the constant-only fit (package
	// estimate's start). From zero, μᵢ = exp(offsetᵢ), the months of service, is in the
	// thousands against a few accidents, so the outer product of the scores, about Σμᵢ²xᵢxᵢᵀ,
	// exceeds −H = Σμᵢxᵢxᵢᵀ by a factor μᵢ and BHHH crawls (1000 iterations leave a gradient
	// of 3e5).
	var y, offset []float64
	raw := readTable(t, "ships.csv")
	for i, s := range raw["service"] {
		if !math.IsNaN(s) && !math.IsNaN(raw["accident"][i]) { // shipsData's rows
			y, offset = append(y, raw["accident"][i]), append(offset, math.Log(s))
		}
	}
	shipsStart := []float64{0, 0, math.Log(stat.Mean(y, nil)) - stat.Mean(offset, nil)}
	for _, tc := range []struct {
		name  string
		model *mlx.Model
		data  *mlx.Dataset
		start []float64 // nil for the model's default
	}{
		{"logit", likelihoods.Logit(4), spector, nil},
		{"poisson", likelihoods.Poisson(3, true), ships, shipsStart},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := testbackend.Get(t)
			s := &mlx.Settings{Start: tc.start}
			newton, err := mlx.Fit(b, tc.model, tc.data, s, &optim.Newton{})
			if err != nil {
				t.Fatal(err)
			}
			bhhh, err := mlx.Fit(b, tc.model, tc.data, s, &optim.BHHH{})
			if err != nil {
				t.Fatal(err)
			}
			requireConverged(t, newton)
			requireConverged(t, bhhh)
			worst := 0.0
			for i, v := range bhhh.Estimates {
				w := newton.Estimates[i]
				worst = math.Max(worst, math.Abs(v-w)/math.Max(math.Abs(w), 1))
			}
			if worst > 1e-6 {
				t.Errorf("BHHH %v, Newton %v: relative difference %.2g", bhhh.Estimates, newton.Estimates, worst)
			}
			dll := math.Abs(bhhh.LogLike-newton.LogLike) / math.Abs(newton.LogLike)
			if dll > 1e-9 {
				t.Errorf("log-likelihoods: BHHH %.12g, Newton %.12g", bhhh.LogLike, newton.LogLike)
			}
			t.Logf("BHHH %v in %d iterations (%d score evaluations), Newton %v in %d; estimates differ by %.2g relative, log-likelihoods (%.10g) by %.2g",
				bhhh.Status, bhhh.Iterations, bhhh.ScoreEvals, newton.Status, newton.Iterations, worst, newton.LogLike, dll)

			short, err := mlx.Fit(b, tc.model, tc.data, &mlx.Settings{Start: tc.start, Settings: optim.Settings{MaxIterations: 2}}, &optim.BHHH{})
			if err != nil {
				t.Fatal(err)
			}
			if short.Status != optim.IterationLimit || short.Iterations != 2 || !strings.Contains(short.Reason, "max |gradient of ℓ|") {
				t.Errorf("MaxIterations 2: %v after %d iterations (%s)", short.Status, short.Iterations, short.Reason)
			}
		})
	}
}
