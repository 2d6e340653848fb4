package mlx_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"gonum.org/v1/gonum/mat"
)

// TestBootstrapMatchesSeparateFits checks the batched bootstrap of a logit, a normal linear
// model (σ) and an NB2 model (α) against each replicate fitted on its own: the observations
// repeated as often as the replicate drew them (ResampleCounts), fitted by Newton. Every
// replicate's estimates agree to 1e-8, on a small sample (where the replicates finish on their
// own Hessians) and on a large one (where the full sample's Hessian takes them all the way).
func TestBootstrapMatchesSeparateFits(t *testing.T) {
	b := testbackend.Get(t)
	k, reps := 3, 6
	// gen draws n observations: a design (constant, normal, uniform) and logit, normal and
	// NB2 outcomes on the index 0.3 + 0.8x₁ − 0.5x₂.
	gen := func(n int) (x *mat.Dense, binary, normal, counts []float64) {
		r := rand.New(rand.NewPCG(21, uint64(n)))
		x = mat.NewDense(n, k, nil)
		binary, normal, counts = make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range n {
			x.Set(i, 0, 1)
			x.Set(i, 1, r.NormFloat64())
			x.Set(i, 2, r.Float64())
			eta := 0.3 + 0.8*x.At(i, 1) - 0.5*x.At(i, 2)
			if r.Float64() < 1/(1+math.Exp(-eta)) {
				binary[i] = 1
			}
			normal[i] = eta + 0.7*r.NormFloat64()
			// A negative binomial draw as a gamma–Poisson mixture, α = 0.5 (gamma shape 2 as
			// a sum of exponentials).
			mu := math.Exp(eta) * (r.ExpFloat64() + r.ExpFloat64()) / 2
			for s := r.ExpFloat64(); s < mu; s += r.ExpFloat64() {
				counts[i]++
			}
		}
		return x, binary, normal, counts
	}
	yes, no := true, false
	x, binary, normal, counts := gen(300)
	xBig, _, normalBig, _ := gen(20000)
	for _, tc := range []struct {
		model *mlx.Model
		x     *mat.Dense
		y     []float64
		// own says whether the replicates need their own Hessians: on 300 observations the
		// logit's is too far off for a few iterations; on 20000 the normal's is not. (The
		// others may go either way.)
		own *bool
	}{
		{likelihoods.Logit(k), x, binary, &yes},
		{likelihoods.NormalLinear(k), x, normal, nil},
		{likelihoods.NegBin2(k, false), x, counts, nil},
		{likelihoods.NormalLinear(k), xBig, normalBig, &no},
	} {
		x, n := tc.x, tc.x.RawMatrix().Rows
		t.Run(fmt.Sprintf("%s/n=%d", tc.model.Name, n), func(t *testing.T) {
			ds, err := mlx.NewDataset(mlx.Vector("y", tc.y), mlx.Matrix("x", x))
			if err != nil {
				t.Fatal(err)
			}
			res, err := mlx.Fit(b, tc.model, ds, nil, &optim.Newton{})
			if err != nil || !res.Status.Converged() {
				t.Fatalf("fit: %v %v", err, res)
			}
			boot, err := res.Bootstrap(reps, 5)
			if err != nil {
				t.Fatal(err)
			}
			if len(boot.Failed) != 0 || boot.Estimates == nil || boot.Estimates.RawMatrix().Rows != reps {
				t.Fatalf("failed replicates %v", boot.Failed)
			}
			if tc.own != nil && boot.OwnHessians != *tc.own {
				t.Errorf("own Hessians %v, want %v (%d iterations)", boot.OwnHessians, *tc.own, boot.Iterations)
			}
			// One call per iteration and one at the start; two per iteration with the
			// replicates' own Hessians.
			if calls := boot.Iterations + 1; boot.Calls != calls && (!boot.OwnHessians || boot.Calls > 2*calls) {
				t.Errorf("%d calls for %d iterations (own Hessians %v)", boot.Calls, boot.Iterations, boot.OwnHessians)
			}
			draws := mlx.ResampleCounts(n, reps, 5)
			for rep := range reps {
				var y []float64
				var rows []float64
				for i, c := range draws.RawRowView(rep) {
					for range int(c) {
						y = append(y, tc.y[i])
						rows = append(rows, x.RawRowView(i)...)
					}
				}
				dsB, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Matrix("x", mat.NewDense(n, k, rows)))
				if err != nil {
					t.Fatal(err)
				}
				one, err := mlx.Fit(b, tc.model, dsB, &mlx.Settings{Start: res.Estimates}, &optim.Newton{})
				if err != nil || !one.Status.Converged() {
					t.Fatalf("replicate %d alone: %v %v", rep, err, one)
				}
				got := boot.Estimates.RawRowView(rep)
				for j, want := range one.Unconstrained {
					if math.Abs(got[j]-want) > 1e-8*math.Max(1, math.Abs(want)) {
						t.Errorf("replicate %d: batched %v, alone %v", rep, got, one.Unconstrained)
						break
					}
				}
			}
		})
	}
}

// TestBootstrapRefuses checks the errors: too few replicates, and a model whose blocks without
// an index are not scalars.
func TestBootstrapRefuses(t *testing.T) {
	p, ds, _ := linearProblem(t, 50, 2, 9)
	res, err := mlx.Fit(testbackend.Get(t), likelihoods.NormalLinear(2), ds, &mlx.Settings{Start: p.Start}, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := res.Bootstrap(1, 1); err == nil {
		t.Error("one replicate accepted")
	}
	y := []float64{0, 1, 2, 1, 0, 2, 1, 1, 2, 0}
	x := mat.NewDense(10, 1, []float64{0.1, 0.5, 0.9, 0.4, -0.2, 1.1, 0.3, 0.6, 0.8, -0.5})
	_, onehot, err := likelihoods.OneHot(y)
	if err != nil {
		t.Fatal(err)
	}
	ods, err := mlx.NewDataset(mlx.Matrix("y", onehot), mlx.Matrix("x", x))
	if err != nil {
		t.Fatal(err)
	}
	om := likelihoods.OrderedLogit(1, []string{"0", "1", "2"})
	ores, err := mlx.Fit(testbackend.Get(t), om, ods, &mlx.Settings{Start: []float64{0, -1, 1}}, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ores.Bootstrap(10, 1); err == nil {
		t.Error("an ordered logit (cutpoints in one block) was bootstrapped in one program")
	}
}
