package mlx_test

import (
	"math"
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"gonum.org/v1/gonum/floats"
)

// scalarModel returns a one-observation model whose log-likelihood is f of the named scalar
// blocks, with its dataset (one column of ones, which f multiplies into its result so that
// LogLikeObs has one value per observation).
func scalarModel(t *testing.T, name string, params []string, f func(x []*graph.Node) *graph.Node) (*mlx.Model, *mlx.Dataset) {
	t.Helper()
	blocks := make([]mlx.Block, len(params))
	for i, p := range params {
		blocks[i] = mlx.Block{Name: p, Size: 1}
	}
	m := &mlx.Model{Name: name, Blocks: blocks, LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
		x := make([]*graph.Node, len(params))
		for i, name := range params {
			x[i] = p.Scalar(name)
		}
		return graph.Mul(d.Get("one"), f(x))
	}}
	ds, err := mlx.NewDataset(mlx.Vector("one", []float64{1}))
	if err != nil {
		t.Fatal(err)
	}
	return m, ds
}

// TestTrustRegion fits models with known maxima, each built to exercise one part of the
// method, and requires the maximum to 1e-9.
func TestTrustRegion(t *testing.T) {
	b := testbackend.Get(t)
	for _, tc := range []struct {
		name   string
		params []string
		f      func(x []*graph.Node) *graph.Node
		start  []float64
		want   [][]float64 // acceptable maxima
	}{
		// Rosenbrock's banana, −(1−a)² − 100(b−a²)², from its classic start (−1.2, 1): a
		// curved valley and an indefinite Hessian on the way.
		{"rosenbrock", []string{"a", "b"}, func(x []*graph.Node) *graph.Node {
			one := graph.OnesLike(x[0])
			return graph.Neg(graph.Add(graph.Square(graph.Sub(one, x[0])),
				graph.MulScalar(graph.Square(graph.Sub(x[1], graph.Square(x[0]))), 100)))
		}, []float64{-1.2, 1}, [][]float64{{1, 1}}},
		// log θ − 10θ, maximum at θ = 0.1. From θ = 1 the Newton step, −9, lands where log θ
		// is NaN; the step must be rejected and the region shrunk.
		{"nan-region", []string{"theta"}, func(x []*graph.Node) *graph.Node {
			return graph.Sub(graph.Log(x[0]), graph.MulScalar(x[0], 10))
		}, []float64{1}, [][]float64{{0.1}}},
		// −x⁴/4 + x²/2 − y²/2 has a saddle at the origin and maxima at (±1, 0). From (0, 0.5)
		// the gradient has no x component, so plain Newton slides into the saddle; the trust
		// region must follow the negative curvature along x (the hard case).
		{"saddle", []string{"x", "y"}, func(x []*graph.Node) *graph.Node {
			x2 := graph.Square(x[0])
			return graph.Sub(graph.Sub(graph.MulScalar(x2, 0.5), graph.MulScalar(graph.Square(x2), 0.25)),
				graph.MulScalar(graph.Square(x[1]), 0.5))
		}, []float64{0, 0.5}, [][]float64{{1, 0}, {-1, 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, ds := scalarModel(t, tc.name, tc.params, tc.f)
			res, err := mlx.Fit(b, m, ds, &mlx.Settings{Start: tc.start}, &mlx.TrustRegion{})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Status.Converged() {
				t.Fatalf("%v after %d iterations: %s", res.Status, res.Iterations, res.Reason)
			}
			for _, want := range tc.want {
				if floats.EqualApprox(res.Estimates, want, 1e-9) {
					return
				}
			}
			t.Errorf("estimates %v, want one of %v", res.Estimates, tc.want)
		})
	}
}

// TestTrustRegionMatchesOLS fits the normal linear model and compares with closed-form OLS,
// as TestFitMatchesOLS does for the other methods, and checks that a second fit from the same
// start gives the same answer and that MaxIterations stops the method.
func TestTrustRegionMatchesOLS(t *testing.T) {
	b := testbackend.Get(t)
	p, ds, ols := blogProblem(t, 3000, 12, 5)
	fit := func(s *mlx.Settings) *mlx.Result {
		t.Helper()
		res, err := mlx.Fit(b, likelihoods.NormalLinear(p.K), ds, s, &mlx.TrustRegion{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := fit(&mlx.Settings{Start: p.Start})
	if res.Status != mlx.GradientConverged {
		t.Errorf("status %v (%s), want %v", res.Status, res.Reason, mlx.GradientConverged)
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
	if short := fit(&mlx.Settings{Start: p.Start, MaxIterations: 1}); short.Status != mlx.IterationLimit || short.Iterations != 1 {
		t.Errorf("MaxIterations 1: %v after %d iterations", short.Status, short.Iterations)
	}
}
