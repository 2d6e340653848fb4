package likelihoods_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"gonum.org/v1/gonum/mat"
)

// valueAndDerivative evaluates an elementwise graph function f and its derivative at xs, on the
// test backend.
func valueAndDerivative(t *testing.T, f func(*graph.Node) *graph.Node, xs []float64) (vals, grads []float64) {
	t.Helper()
	exec, err := graph.NewExec(testbackend.Get(t), func(x *graph.Node) (*graph.Node, *graph.Node) {
		v := f(x)
		return v, graph.Gradient(graph.ReduceAllSum(v), x)[0]
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(tensors.FromValue(xs))
	if err != nil {
		t.Fatal(err)
	}
	return tensors.MustCopyFlatData[float64](out[0]), tensors.MustCopyFlatData[float64](out[1])
}

// evaluator returns an Evaluator of m on ds, on the test backend.
func evaluator(t *testing.T, m *mlx.Model, ds *mlx.Dataset) *mlx.Evaluator {
	t.Helper()
	ev, err := mlx.NewEvaluator(testbackend.Get(t), m, ds)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// checkLogLike compares the graph's log-likelihood at the unconstrained point u with want, a
// plain-Go float64 computation of the same formula. The two sum the same terms in different
// orders and with different elementary functions: 1e-10 relative leaves room for that and
// nothing more.
func checkLogLike(t *testing.T, ev *mlx.Evaluator, u []float64, want float64) {
	t.Helper()
	got, err := ev.LogLike(u)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-want) > 1e-10*math.Abs(want) {
		t.Errorf("log-likelihood at %v = %.15g, plain Go %.15g (relative %.2g)", u, got, want, math.Abs(got-want)/math.Abs(want))
	}
}

// fitNewton fits m to ds by Newton under settings (nil for the defaults), requires convergence
// and returns the result with its OIM estimates.
func fitNewton(t *testing.T, m *mlx.Model, ds *mlx.Dataset, settings *mlx.Settings) (*mlx.Result, *stderr.Estimates) {
	t.Helper()
	res, err := mlx.Fit(testbackend.Get(t), m, ds, settings, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	requireConverged(t, res)
	est, err := stderr.Hessian(res)
	if err != nil {
		t.Fatal(err)
	}
	return res, est
}

// checkRecovers requires each estimate of a fit to simulated data to lie within 4 standard
// errors of the truth that generated the data (natural scale, flat order). A correct model
// misses that by chance with probability 6e-5 per parameter; the seeds are fixed, so a pass
// stays a pass.
func checkRecovers(t *testing.T, est *stderr.Estimates, truth []float64) {
	t.Helper()
	for i, v := range truth {
		if z := (est.Params[i] - v) / est.SE[i]; math.Abs(z) > 4 {
			t.Errorf("%s = %.4g ± %.2g, truth %.4g (%.1f SEs away)", est.Labels[i], est.Params[i], est.SE[i], v, z)
		}
	}
}

// near returns the entries of center moved by independent uniform draws in ±spread, a random
// point at which to compare log-likelihoods and derivatives.
func near(rng *rand.Rand, center []float64, spread float64) []float64 {
	out := make([]float64, len(center))
	for i, c := range center {
		out[i] = c + spread*(2*rng.Float64()-1)
	}
	return out
}

// logPhi is log Φ(z) in plain Go, through erfc, which stays accurate in the lower tail.
func logPhi(z float64) float64 { return math.Log(0.5 * math.Erfc(-z/math.Sqrt2)) }

// requireConverged fails the test unless the fit converged (mlx reports a failed line search
// at a point whose Newton decrement is negligible as NewtonConverged).
func requireConverged(t *testing.T, res *mlx.Result) {
	t.Helper()
	if !res.Status.Converged() {
		t.Fatalf("status %v: %s", res.Status, res.Reason)
	}
}

// readTable reads one of the shipped datasets (../data) into columns by header name, with
// missing cells as NaN.
func readTable(t *testing.T, name string) map[string][]float64 {
	t.Helper()
	f, err := frame.ReadFile("../data/"+name, frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string][]float64{}
	for _, n := range f.Names() {
		if cols[n], err = f.Column(n); err != nil {
			t.Fatal(err)
		}
	}
	return cols
}

// design builds the n×k matrix of the named columns, "const" being ones.
func design(cols map[string][]float64, names []string, n int, round32 bool) *mat.Dense {
	x := mat.NewDense(n, len(names), nil)
	for j, name := range names {
		for i := range n {
			v := 1.0
			if name != "const" {
				v = cols[name][i]
			}
			if round32 {
				v = float64(float32(v))
			}
			x.Set(i, j, v)
		}
	}
	return x
}

// shipsData returns the 34 complete rows of ships.csv as a dataset with y = accident,
// x = (yr_con, op_75_79, const) and offset = log(service), and the ship of each row.
func shipsData(t *testing.T) (*mlx.Dataset, []int) {
	t.Helper()
	cols := readTable(t, "ships.csv")
	keep := map[string][]float64{}
	for i, s := range cols["service"] {
		if math.IsNaN(s) || math.IsNaN(cols["accident"][i]) {
			continue // listwise deletion, as Stata and statsmodels
		}
		for name, c := range cols {
			keep[name] = append(keep[name], c[i])
		}
	}
	n := len(keep["accident"])
	if n != 34 {
		t.Fatalf("%d complete rows, want 34", n)
	}
	offset := make([]float64, n)
	for i, s := range keep["service"] {
		offset[i] = math.Log(s)
	}
	x := design(keep, []string{"yr_con", "op_75_79", "const"}, n, false)
	ds, err := mlx.NewDataset(mlx.Vector("y", keep["accident"]), mlx.Matrix("x", x), mlx.Vector("offset", offset))
	if err != nil {
		t.Fatal(err)
	}
	groups := make([]int, n)
	for i, g := range keep["ship"] {
		groups[i] = int(g)
	}
	return ds, groups
}
