package estimate_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gomle/gomle/backend"
	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"gonum.org/v1/gonum/mat"
)

// This file is the bad-input catalogue: every way of feeding gomle something wrong that we
// know of, each answered by an error (or, for a fit that cannot finish, a reported status) that
// names the problem. Nothing may panic through the API, hang, or return a number silently wrong.
// The command line's own cases (exit codes, usage errors) are in cmd/gomle's TestBadInput.

// newFrame builds a frame from columns given in order.
func newFrame(t *testing.T, names []string, cols ...[]float64) *frame.Frame {
	t.Helper()
	f, err := frame.New(names, cols)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// wantErr fails unless err is not nil and contains every fragment.
func wantErr(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one containing %q", fragments)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q lacks %q", err, f)
		}
	}
}

// scalarModel is a one-parameter model whose per-observation log-likelihood ll(θ, x) the case
// supplies.
func scalarModel(ll func(theta, x *graph.Node) *graph.Node) *mlx.Model {
	return &mlx.Model{Name: "scalar", Blocks: []mlx.Block{{Name: "theta", Size: 1}},
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node { return ll(p.Scalar("theta"), d.Get("x")) }}
}

func TestBadInputCatalogue(t *testing.T) {
	b := testbackend.Get(t)
	three, err := mlx.NewDataset(mlx.Vector("x", []float64{8, 9, 7}))
	if err != nil {
		t.Fatal(err)
	}
	quadratic := func(theta, x *graph.Node) *graph.Node { return graph.Neg(graph.Square(graph.Sub(x, theta))) }
	ships := readFrame(t, "../data/ships.csv")

	t.Run("NaN in data", func(t *testing.T) {
		_, err := mlx.NewDataset(mlx.Vector("y", []float64{1, math.NaN(), 3}))
		wantErr(t, err, `"y"`, "NaN")
	})
	t.Run("Inf in a CSV column", func(t *testing.T) {
		f := newFrame(t, []string{"y", "x"}, []float64{1, 0, 1, 0}, []float64{2, math.Inf(1), 3, 1})
		_, err := estimate.Fit(b, f, estimate.Spec{Model: "logit", Formula: "y ~ x"})
		wantErr(t, err, "x is +Inf at data row 2")
	})
	t.Run("columns of different lengths", func(t *testing.T) {
		_, err := mlx.NewDataset(mlx.Vector("y", []float64{1, 2, 3}), mlx.Vector("x", []float64{1, 2}))
		wantErr(t, err, `"x"`, "2", "3")
		_, err = frame.New([]string{"y", "x"}, [][]float64{{1, 2, 3}, {1, 2}})
		wantErr(t, err, "x")
	})
	t.Run("empty data", func(t *testing.T) {
		_, err := mlx.NewDataset(mlx.Vector("y", nil))
		wantErr(t, err, "no observations")
		f := newFrame(t, []string{"y", "x"}, []float64{math.NaN(), 1}, []float64{1, math.NaN()})
		_, err = estimate.Fit(b, f, estimate.Spec{Model: "ols", Formula: "y ~ x"})
		wantErr(t, err, "no complete rows")
	})
	t.Run("a single observation", func(t *testing.T) {
		f := newFrame(t, []string{"y", "x"}, []float64{1}, []float64{2})
		_, err := estimate.Fit(b, f, estimate.Spec{Model: "poisson", Formula: "y ~ x"})
		wantErr(t, err, "1 observation(s) cannot identify 2 parameters")
	})
	// Collinear regressors are omitted with a note (TestOmitCollinear), not refused.
	t.Run("nearly collinear regressors", func(t *testing.T) {
		// b = 2a + 1e-5 in one row: independent of (1, a) by a few 1e-7 of b's norm, above
		// lm's 1e-7, so kept, yet the scaled X'X has a condition number of 3.3e13, past
		// 1e13: refused, naming them. (With 2e-6 instead of 1e-5, b is omitted.)
		a := []float64{1, 2, 3, 4, 5, 7}
		bb := []float64{2, 4 + 1e-5, 6, 8, 10, 14}
		f := newFrame(t, []string{"y", "a", "b"}, []float64{1, 0, 2, 3, 1, 4}, a, bb)
		_, err := estimate.Fit(b, f, estimate.Spec{Model: "poisson", Formula: "y ~ a + b"})
		wantErr(t, err, "collinear", "a, b")
	})
	t.Run("separation by one regressor", func(t *testing.T) {
		f := newFrame(t, []string{"y", "x"}, []float64{0, 0, 0, 1, 1, 1}, []float64{1, 2, 3, 4, 5, 6})
		for _, model := range []string{"logit", "probit"} {
			_, err := estimate.Fit(b, f, estimate.Spec{Model: model, Formula: "y ~ x"})
			wantErr(t, err, "x separates the outcome", "does not exist")
		}
	})
	t.Run("quasi-complete separation by a dummy", func(t *testing.T) {
		// Issue 12's repro: every row with g = 5 has y = 1; the rows with the dummy 0 have
		// both outcomes. The message must speak of the dummy's values, not of d ≥ 0 and d ≤ 0.
		y := []float64{1, 1, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0}
		g := []float64{5, 5, 5, 3, 3, 3, 4, 4, 4, 4, 4, 4}
		x := []float64{0.3, 1.2, 0.8, 0.5, 1.1, 0.2, 0.9, 0.4, 0.1, 1.3, 0.7, 0.6}
		f := newFrame(t, []string{"y", "g", "x"}, y, g, x)
		_, err := estimate.Fit(b, f, estimate.Spec{Model: "logit", Formula: "y ~ x + C(g)"})
		wantErr(t, err, "C(g)[T.5] separates the outcome: y = 1 in every row with C(g)[T.5] = 1, so")
		// The other way round: every row with the dummy 0 has y = 0.
		f = newFrame(t, []string{"y", "d"}, []float64{0, 0, 1, 0, 1, 1}, []float64{0, 0, 1, 1, 1, 1})
		_, err = estimate.Fit(b, f, estimate.Spec{Model: "probit", Formula: "y ~ d"})
		wantErr(t, err, "d separates the outcome: y = 0 in every row with d = 0, so", "+∞")
		// Complete separation by a dummy names both values.
		f = newFrame(t, []string{"y", "d"}, []float64{0, 0, 1, 1}, []float64{0, 0, 1, 1})
		_, err = estimate.Fit(b, f, estimate.Spec{Model: "logit", Formula: "y ~ d"})
		wantErr(t, err, "y = 1 in every row with d = 1 and 0 in every row with d = 0")
		// A continuous regressor with a tie at the boundary: strict inequalities.
		f = newFrame(t, []string{"y", "x"}, []float64{0, 0, 1, 0, 1, 1}, []float64{1, 2, 3, 3, 4, 5})
		_, err = estimate.Fit(b, f, estimate.Spec{Model: "logit", Formula: "y ~ x"})
		wantErr(t, err, "y = 1 in every row with x > 3 and 0 in every row with x < 3 (rows with x = 3 have both outcomes)")
	})
	t.Run("complete separation by a combination", func(t *testing.T) {
		// y = 1 exactly when a + b > 0, while neither a nor b alone separates.
		a := []float64{-2, -1, 1, 2, 3, -3, 0.5, -0.5}
		bb := []float64{1, -1, 1, -1, -4, 4, 1, -1}
		y := make([]float64, len(a))
		for i := range a {
			if a[i]+bb[i] > 0 {
				y[i] = 1
			}
		}
		f := newFrame(t, []string{"y", "a", "b"}, y, a, bb)
		_, err := estimate.Fit(b, f, estimate.Spec{Model: "logit", Formula: "y ~ a + b"})
		wantErr(t, err, "separation")
	})
	t.Run("intercept alone where the model cannot identify one", func(t *testing.T) {
		f := newFrame(t, []string{"y", "g"}, []float64{0, 1, 2, 1, 0, 1}, []float64{1, 1, 2, 2, 3, 3})
		for _, model := range []string{"ologit", "clogit"} {
			spec := estimate.Spec{Model: model, Formula: "y ~ 1"}
			if model == "clogit" {
				spec.Group = "g"
			}
			_, err := estimate.Fit(b, f, spec)
			wantErr(t, err, model+" needs regressors", "only the intercept")
		}
	})
	t.Run("ordered outcome separated by a regressor", func(t *testing.T) {
		f := newFrame(t, []string{"y", "x"}, []float64{0, 0, 1, 1, 2, 2, 0, 1, 2}, []float64{1, 2, 3, 4, 5, 6, 1.5, 3.5, 5.5})
		for _, model := range []string{"ologit", "oprobit"} {
			_, err := estimate.Fit(b, f, estimate.Spec{Model: model, Formula: "y ~ x"})
			wantErr(t, err, "complete separation", "does not exist")
		}
	})
	t.Run("start outside a block's domain", func(t *testing.T) {
		ds, err := mlx.NewDataset(mlx.Vector("y", []float64{1, 2, 3}), mlx.Matrix("x", mat.NewDense(3, 1, []float64{1, 1, 1})))
		if err != nil {
			t.Fatal(err)
		}
		_, err = mlx.Fit(b, likelihoods.NormalLinear(1), ds, &mlx.Settings{Start: []float64{0, -1}}, nil)
		wantErr(t, err, "sigma", "-1")
	})
	t.Run("start of the wrong size", func(t *testing.T) {
		_, err := mlx.Fit(b, scalarModel(quadratic), three, &mlx.Settings{Start: []float64{1, 2}}, nil)
		wantErr(t, err, "2", "1")
	})
	t.Run("unknown parameter block", func(t *testing.T) {
		m := &mlx.Model{Name: "typo", Blocks: []mlx.Block{{Name: "theta", Size: 1}},
			LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node { return graph.Sub(d.Get("x"), p.Scalar("gamma")) }}
		_, err := mlx.Fit(b, m, three, nil, nil)
		wantErr(t, err, `"gamma"`, "theta")
	})
	t.Run("unknown data column", func(t *testing.T) {
		m := scalarModel(func(theta, _ *graph.Node) *graph.Node { return theta })
		m.LogLikeObs = func(p mlx.Params, d mlx.Data) *graph.Node { return graph.Sub(d.Get("z"), p.Scalar("theta")) }
		_, err := mlx.Fit(b, m, three, nil, nil)
		wantErr(t, err, `"z"`, "x")
	})
	t.Run("NaN log-likelihood at the start", func(t *testing.T) {
		m := scalarModel(func(theta, x *graph.Node) *graph.Node { return graph.Log(graph.Sub(theta, x)) }) // log of a negative
		_, err := mlx.Fit(b, m, three, nil, nil)
		wantErr(t, err, "NaN at the start")
	})
	t.Run("NaN log-likelihood mid-fit", func(t *testing.T) {
		// −Σ(x − θ)² is maximal at θ = 8, but the model is undefined (NaN) beyond θ = 5: the
		// fit must stay where it is defined, and say that it rejected points.
		m := scalarModel(func(theta, x *graph.Node) *graph.Node {
			five := graph.Scalar(theta.Graph(), theta.DType(), 5.0)
			return graph.Add(quadratic(theta, x), graph.MulScalar(graph.Sqrt(graph.Sub(five, theta)), 1e-3))
		})
		for _, method := range []optim.Method{&optim.LBFGS{}, &optim.Newton{}, &optim.SGD{LearnRate: 0.2}} {
			res, err := mlx.Fit(b, m, three, nil, method)
			if err != nil {
				t.Fatal(err)
			}
			if math.IsNaN(res.LogLike) || res.Estimates[0] > 5 {
				t.Errorf("%s: θ = %v, ℓ = %v: accepted a point where the model is undefined", method, res.Estimates[0], res.LogLike)
			}
			if !strings.Contains(res.Reason, "not finite") {
				t.Errorf("%s: reason %q does not report the rejected points", method, res.Reason)
			}
		}
	})
	t.Run("+Inf log-likelihood mid-fit", func(t *testing.T) {
		// A broken density that is +Inf beyond θ = 3 must not be taken for a maximum.
		m := scalarModel(func(theta, x *graph.Node) *graph.Node {
			g := theta.Graph()
			ll := quadratic(theta, x)
			inf := graph.BroadcastToShape(graph.Scalar(g, theta.DType(), math.Inf(1)), ll.Shape())
			return graph.Where(graph.GreaterThan(graph.BroadcastToShape(theta, ll.Shape()), graph.Scalar(g, theta.DType(), 3.0)), inf, ll)
		})
		res, err := mlx.Fit(b, m, three, nil, &optim.LBFGS{})
		if err != nil {
			t.Fatal(err)
		}
		if math.IsInf(res.LogLike, 0) || res.Estimates[0] > 3 {
			t.Errorf("θ = %v, ℓ = %v: accepted +Inf", res.Estimates[0], res.LogLike)
		}
	})
	t.Run("iteration limit", func(t *testing.T) {
		res, err := mlx.Fit(b, scalarModel(quadratic), three, &mlx.Settings{Settings: optim.Settings{MaxIterations: 1}}, &optim.SGD{LearnRate: 1e-3})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != optim.IterationLimit || res.Status.Converged() || !strings.Contains(res.Reason, "max |gradient of ℓ|") {
			t.Errorf("status %v, reason %q; want the iteration limit with the gradient norm", res.Status, res.Reason)
		}
		if res.Estimates[0] == 0 || math.IsNaN(res.LogLike) {
			t.Errorf("the last iterate was not returned: θ = %v, ℓ = %v", res.Estimates[0], res.LogLike)
		}
	})
	t.Run("time limit", func(t *testing.T) {
		res, err := mlx.Fit(b, scalarModel(quadratic), three, &mlx.Settings{Settings: optim.Settings{MaxTime: time.Nanosecond, GradientTol: 1e-300}}, &optim.SGD{LearnRate: 1e-6})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != optim.TimeLimit {
			t.Errorf("status %v (%s), want the time limit", res.Status, res.Reason)
		}
	})
	t.Run("non-numeric CSV cell", func(t *testing.T) {
		// Reading succeeds, x being a text column; using it as a number names the cell and line.
		f, err := frame.ReadCSV(strings.NewReader("y,x\n1,2\n0,abc\n"), frame.Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = estimate.Fit(b, f, estimate.Spec{Model: "ols", Formula: "y ~ x"})
		wantErr(t, err, "line 3", `"x"`, `"abc"`)
	})
	t.Run("ragged CSV row", func(t *testing.T) {
		_, err := frame.ReadCSV(strings.NewReader("y,x\n1,2\n0\n"), frame.Options{})
		wantErr(t, err, "line 3", "1 field", "2")
	})
	t.Run("formula naming a missing column", func(t *testing.T) {
		_, err := estimate.Fit(b, ships, estimate.Spec{Model: "poisson", Formula: "accident ~ yr_cn"})
		wantErr(t, err, "yr_cn", "yr_con")
	})
	t.Run("malformed formula", func(t *testing.T) {
		_, err := estimate.Fit(b, ships, estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con +"})
		wantErr(t, err, "column")
	})
	t.Run("nls: unknown function", func(t *testing.T) {
		_, err := estimate.NLS(b, readFrame(t, "../data/misra1a.csv"), estimate.NLSSpec{Formula: "y ~ b1*expp(x)", Start: map[string]float64{"b1": 1}})
		wantErr(t, err, `unknown function "expp"`)
	})
	t.Run("nls: parameter without a start", func(t *testing.T) {
		_, err := estimate.NLS(b, readFrame(t, "../data/misra1a.csv"), estimate.NLSSpec{Formula: "y ~ b1*(1-exp(-b2*x))", Start: map[string]float64{"b1": 1}})
		wantErr(t, err, "b2 has no start value")
	})
	t.Run("backend plugin not installed", func(t *testing.T) {
		t.Setenv("GOMLX_BACKEND", "xla:/nonexistent/pjrt_c_api_nosuch_plugin.so")
		_, config, err := backend.New()
		wantErr(t, err, "nosuch")
		if !strings.Contains(config, "nosuch") {
			t.Errorf("config %q does not name the plugin", config)
		}
	})
	t.Run("negative count", func(t *testing.T) {
		f := newFrame(t, []string{"y", "x"}, []float64{1, -2, 3}, []float64{1, 2, 4})
		_, err := estimate.Fit(b, f, estimate.Spec{Model: "poisson", Formula: "y ~ x"})
		wantErr(t, err, "non-negative count", "data row 2", "-2")
	})
	t.Run("counts that are all zero", func(t *testing.T) {
		f := newFrame(t, []string{"y", "x"}, []float64{0, 0, 0, 0, 0}, []float64{1, 2, 3, 4, 5})
		for _, model := range []string{"poisson", "nbreg"} {
			_, err := estimate.Fit(b, f, estimate.Spec{Model: model, Formula: "y ~ x"})
			wantErr(t, err, model, "0 in every row", "does not exist")
		}
	})
	t.Run("constant binary outcome", func(t *testing.T) {
		f := newFrame(t, []string{"y", "x"}, []float64{1, 1, 1, 1}, []float64{1, 2, 3, 4})
		for _, model := range []string{"logit", "probit"} {
			_, err := estimate.Fit(b, f, estimate.Spec{Model: model, Formula: "y ~ x"})
			wantErr(t, err, model, "y is 1 in every row used")
		}
	})
	t.Run("counts separated by a dummy", func(t *testing.T) {
		// y = 0 in every row with d = 1: d's coefficient runs to −∞ (Stata's poisson reports
		// it near −18, "converged").
		f := newFrame(t, []string{"y", "x", "d"}, []float64{0, 0, 2, 1, 3, 0, 4, 0},
			[]float64{0.3, 1.2, 0.5, 0.8, 1.5, 0.9, 1.1, 0.4}, []float64{1, 1, 0, 0, 0, 0, 0, 1})
		for _, model := range []string{"poisson", "nbreg"} {
			_, err := estimate.Fit(b, f, estimate.Spec{Model: model, Formula: "y ~ x + d"})
			wantErr(t, err, model+": d = 0 in every row with y > 0 and d = 1 in data rows 1, 2, 8 (where y = 0)", "does not exist")
		}
	})
	t.Run("counts separated by a combination", func(t *testing.T) {
		// Correia, Guimarães and Zylkin's example: no regressor alone separates, x2 − x1 does
		// (0 where y > 0, positive in rows 1 and 5).
		y := []float64{0, 0, 0, 0, 0, 2, 3, 5, 7, 10}
		x1 := []float64{0, 0, 0, 0, 1, 21, 0, 0, 0, -18}
		x2 := []float64{1, 0, 0, 0, 9, 21, 0, 0, 0, -18}
		x3 := []float64{0, 0, 0, 0, 0, 21, 0, 0, 0, 0}
		f := newFrame(t, []string{"y", "x1", "x2", "x3"}, y, x1, x2, x3)
		_, err := estimate.Fit(b, f, estimate.Spec{Model: "poisson", Formula: "y ~ x1 + x2 + x3"})
		wantErr(t, err, "the combination x2 − x1 of the regressors is 0 in every row with y > 0 and positive in data rows 1, 5", "does not exist")
	})
	t.Run("nbreg without overdispersion", func(t *testing.T) {
		// Counts of variance below their mean: the NB2 estimate of alpha is 0, the boundary.
		y := []float64{2, 2, 3, 2, 3, 2, 3, 3, 2, 3}
		x := []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1}
		f := newFrame(t, []string{"y", "x", "w"}, y, x, []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
		_, err := estimate.Fit(b, f, estimate.Spec{Model: "nbreg", Formula: "y ~ x"})
		wantErr(t, err, "nbreg: y is not overdispersed", "estimate of alpha is 0", "Fit poisson instead")
		// The Poisson fit of the same data is fine.
		if _, err := estimate.Fit(b, f, estimate.Spec{Model: "poisson", Formula: "y ~ x"}); err != nil {
			t.Errorf("poisson: %v", err)
		}
	})
	t.Run("tobit with every observation censored", func(t *testing.T) {
		f := newFrame(t, []string{"y", "x"}, []float64{0, 0, 0, 0, 0}, []float64{1, 2, 3, 4, 5})
		zero := 0.0
		_, err := estimate.Fit(b, f, estimate.Spec{Model: "tobit", Formula: "y ~ x", Options: likelihoods.Options{Lower: &zero}})
		wantErr(t, err, "every observation is censored", "5 at the lower limit", "does not exist")
	})
	t.Run("non-positive exposure", func(t *testing.T) {
		f := newFrame(t, []string{"y", "x", "e"}, []float64{1, 2, 3}, []float64{1, 2, 4}, []float64{1, 0, 2})
		_, err := estimate.Fit(b, f, estimate.Spec{Model: "poisson", Formula: "y ~ x", Exposure: "e"})
		wantErr(t, err, "exposure e", "positive", "data row 2")
	})
	t.Run("one cluster", func(t *testing.T) {
		f := newFrame(t, []string{"y", "x", "g"}, []float64{1, 0, 3, 2}, []float64{1, 2, 4, 3}, []float64{5, 5, 5, 5})
		_, err := estimate.Fit(b, f, estimate.Spec{Model: "poisson", Formula: "y ~ x", Cov: stderr.Cluster{}, Cluster: "g"})
		wantErr(t, err, "1 cluster(s)", "at least 2")
	})
	t.Run("singular information names the parameters", func(t *testing.T) {
		// A model whose likelihood does not depend on one block: its information is zero.
		m := &mlx.Model{Name: "unused", Blocks: []mlx.Block{{Name: "theta", Size: 1}, {Name: "ghost", Size: 1}},
			LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node { return quadratic(p.Scalar("theta"), d.Get("x")) }}
		res, err := mlx.Fit(b, m, three, nil, &optim.Newton{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = stderr.Hessian(res)
		var se *stderr.SingularError
		if !errors.As(err, &se) || strings.Join(se.Params, ",") != "ghost" {
			t.Errorf("error %v, want a SingularError naming ghost", err)
		}
	})
}
