package likelihoods_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomle/gomle/internal/reftest"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// saturation is the mean function y = b1·(1 − exp(−b2·x)), NIST's Misra1a form.
func saturation(p mlx.Params, d mlx.Data) *graph.Node {
	x := d.Get("x")
	return graph.Mul(p.Scalar("b1"), graph.OneMinus(graph.Exp(graph.Neg(graph.Mul(p.Scalar("b2"), x)))))
}

// nlsData simulates n observations of y = 3·(1 − exp(−0.4·x)) + 0.2·ε with x uniform on
// (0.5, 10).
func nlsData(t *testing.T, n int) (x, y []float64, ds *mlx.Dataset) {
	t.Helper()
	rng := rand.New(rand.NewPCG(10, 10))
	x, y = make([]float64, n), make([]float64, n)
	for i := range n {
		x[i] = 0.5 + 9.5*rng.Float64()
		y[i] = 3*(1-math.Exp(-0.4*x[i])) + 0.2*rng.NormFloat64()
	}
	ds, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Vector("x", x))
	if err != nil {
		t.Fatal(err)
	}
	return x, y, ds
}

func TestNLS(t *testing.T) {
	truth := []float64{3, 0.4, 0.2} // b1, b2, σ
	x, y, ds := nlsData(t, 400)
	m := likelihoods.NLS([]string{"b1", "b2"}, saturation)
	if l := m.Labels(); l[0] != "b1" || l[1] != "b2" || l[2] != "sigma" {
		t.Errorf("labels %v, want b1, b2, sigma", l)
	}
	ev := evaluator(t, m, ds)
	rng := rand.New(rand.NewPCG(11, 11))
	for range 3 {
		u := near(rng, []float64{truth[0], truth[1], math.Log(truth[2])}, 0.2)
		want := 0.0
		for i, xi := range x {
			want += distuv.Normal{Mu: u[0] * (1 - math.Exp(-u[1]*xi)), Sigma: math.Exp(u[2])}.LogProb(y[i])
		}
		checkLogLike(t, ev, u, want)
		reftest.CheckDerivatives(t, ev, u)
	}
	// b2 = 0 (the default start) makes the mean 0 whatever b1 is: start from a rough guess.
	start, err := m.Pack(map[string][]float64{"b1": {1}, "b2": {0.1}})
	if err != nil {
		t.Fatal(err)
	}
	res, est := fitNewton(t, m, ds, &mlx.Settings{Start: start})
	checkRecovers(t, est, truth)
	reftest.CheckDerivatives(t, res.Evaluator(), res.Unconstrained)
}

// TestNLSLinear checks that NLS with a linear mean is the normal linear regression: same
// estimates, SEs and log-likelihood as NormalLinear on the design (1, x).
func TestNLSLinear(t *testing.T) {
	x, y, _ := nlsData(t, 200)
	design := mat.NewDense(len(x), 2, nil)
	for i, xi := range x {
		design.SetRow(i, []float64{1, xi})
	}
	ds, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Vector("x1", x), mlx.Matrix("x", design))
	if err != nil {
		t.Fatal(err)
	}
	line := likelihoods.NLS([]string{"a", "b"}, func(p mlx.Params, d mlx.Data) *graph.Node {
		return graph.Add(p.Scalar("a"), graph.Mul(p.Scalar("b"), d.Get("x1")))
	})
	res, est := fitNewton(t, line, ds, nil)
	ols, estOLS := fitNewton(t, likelihoods.NormalLinear(2), ds, nil)
	// Two graphs, one maximum: Newton stops at the default gradient test on both, within
	// about 1e-7/λ of it (λ ≥ 1 the smallest curvature of ℓ/n), so allow 1e-7.
	for i := range 3 {
		if d := math.Abs(res.Estimates[i] - ols.Estimates[i]); d > 1e-7*math.Max(1, math.Abs(ols.Estimates[i])) {
			t.Errorf("%s = %.12g, NormalLinear %.12g", res.Labels()[i], res.Estimates[i], ols.Estimates[i])
		}
		if d := math.Abs(est.SE[i]-estOLS.SE[i]) / estOLS.SE[i]; d > 1e-7 {
			t.Errorf("SE %s = %.12g, NormalLinear %.12g", res.Labels()[i], est.SE[i], estOLS.SE[i])
		}
	}
	if math.Abs(res.LogLike-ols.LogLike) > 1e-10*math.Abs(ols.LogLike) {
		t.Errorf("log-likelihood %.15g, NormalLinear %.15g", res.LogLike, ols.LogLike)
	}
}

// TestNLSErrors checks the errors Fit reports for a parameter named "sigma", a repeated
// parameter name and a mean of the wrong shape.
func TestNLSErrors(t *testing.T) {
	_, _, ds := nlsData(t, 10)
	mean := func(p mlx.Params, d mlx.Data) *graph.Node { return graph.Mul(p.Scalar("sigma"), d.Get("x")) }
	for _, tc := range []struct {
		name string
		m    *mlx.Model
		want string // a substring of Fit's error
	}{
		{"sigma", likelihoods.NLS([]string{"sigma"}, mean), `block name "sigma" is used twice`},
		{"repeated", likelihoods.NLS([]string{"b1", "b1"}, saturation), `block name "b1" is used twice`},
		{"shape", likelihoods.NLS([]string{"b1"}, func(p mlx.Params, d mlx.Data) *graph.Node {
			return graph.ExpandAxes(graph.Mul(p.Scalar("b1"), d.Get("x")), -1)
		}), "NLS mean function returned shape (Float64)[10 1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mlx.Fit(testbackend.Get(t), tc.m, ds, nil, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestNLSPanics(t *testing.T) {
	for _, tc := range []struct {
		name   string
		params []string
		mean   func(mlx.Params, mlx.Data) *graph.Node
	}{
		{"no parameters", nil, saturation},
		{"no mean", []string{"b1"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "likelihoods: NLS") {
					t.Errorf("panic %v, want one starting \"likelihoods: NLS\"", r)
				}
			}()
			likelihoods.NLS(tc.params, tc.mean)
		})
	}
}
