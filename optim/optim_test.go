package optim_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gomle/gomle/optim"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// TestObjectives checks the closed-form derivatives of the test objectives against central
// differences (gonum diff/fd), and that the scores sum to the gradient. Central differences
// with gonum's default step have truncation error near 1e-8 relative on these smooth
// functions; 1e-6 leaves room for rounding in sums of up to 200 terms.
func TestObjectives(t *testing.T) {
	x, y := spector(t)
	cx, cy := simulatedCounts(200)
	ols, _, _ := olsProblem(t, 200, 3, 1)
	for _, tc := range []struct {
		name string
		obj  optim.Objective
		at   []float64 // a point away from the maximum
	}{
		{"logit", logit(x, y), []float64{1.5, 0.05, 1.2, -10}},
		{"poisson", poisson(cx, cy), []float64{0.2, -0.1, 0.4}},
		{"normal", ols, []float64{2.5, -0.5, 0.3, math.Log(1.3)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ll := func(u []float64) float64 { v, _ := tc.obj.LogLike(u); return v }
			p := len(tc.at)
			grad := make([]float64, p)
			ll0, err := tc.obj.LogLikeGrad(tc.at, grad)
			if err != nil || ll0 != ll(tc.at) {
				t.Fatalf("LogLikeGrad %v (%v), LogLike %v", ll0, err, ll(tc.at))
			}
			fdGrad := fd.Gradient(nil, ll, tc.at, &fd.Settings{Formula: fd.Central})
			if d := maxRelDiff(grad, fdGrad, 1); d > 1e-6 {
				t.Errorf("gradient %v, central differences %v", grad, fdGrad)
			}
			h, _ := tc.obj.Hessian(tc.at)
			jac := mat.NewDense(p, p, nil)
			fd.Jacobian(jac, func(dst, u []float64) { _, _ = tc.obj.LogLikeGrad(u, dst) }, tc.at, &fd.JacobianSettings{Formula: fd.Central})
			for i := range p {
				for j := range p {
					if d := math.Abs(h.At(i, j)-jac.At(i, j)) / math.Max(math.Abs(jac.At(i, j)), 1); d > 1e-6 {
						t.Errorf("Hessian[%d,%d] = %v, differences of the gradient %v", i, j, h.At(i, j), jac.At(i, j))
					}
				}
			}
			s, _ := tc.obj.ScoreObs(tc.at)
			sum := make([]float64, p)
			for i := range tc.obj.NumObs() {
				floats.Add(sum, s.RawRowView(i))
			}
			// The same terms summed in another order: rounding only.
			if d := maxRelDiff(sum, grad, 1); d > 1e-12 {
				t.Errorf("scores sum to %v, gradient %v", sum, grad)
			}
		})
	}
}

// TestMaximizeMatchesOLS runs the second-order and quasi-Newton methods on the normal linear
// model and compares with closed-form OLS, as mlx's TestFitMatchesOLS does through a GoMLX
// graph: estimates within 1e-6 (log σ on the MLE scale), the same answer from a second run,
// and a history that ends at the final log-likelihood.
func TestMaximizeMatchesOLS(t *testing.T) {
	for _, tc := range []struct {
		name   string
		seed   uint64 // data seed
		method optim.Method
	}{
		{"lbfgs", 1, &optim.LBFGS{}},
		{"bfgs", 2, &optim.BFGS{}},
		{"newton", 3, &optim.Newton{}},
		{"trust", 4, &optim.TrustRegion{}},
		{"bhhh", 5, &optim.BHHH{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obj, start, mle := olsProblem(t, 3000, 12, tc.seed)
			res, err := optim.Maximize(obj, start, nil, tc.method)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Status.Converged() {
				t.Fatalf("%v after %d iterations: %s", res.Status, res.Iterations, res.Reason)
			}
			if d := floats.Distance(res.X, mle, math.Inf(1)); d > 1e-6 {
				t.Errorf("max distance to OLS %.3g > 1e-6 (%v)", d, res.Status)
			}
			if res.Hessian == nil || res.Method != tc.method.String() || res.FuncEvals == 0 || res.GradEvals == 0 {
				t.Errorf("result lacks Hessian, method or counts: %+v", res)
			}
			if n := len(res.History); n == 0 || res.History[n-1].LogLike > res.LogLike+1e-9 || res.History[0].Iter != 0 || res.History[n-1].Iter != n-1 {
				t.Errorf("history of %d records does not run from 0 to the final log-likelihood", n)
			}
			again, err := optim.Maximize(obj, start, nil, tc.method)
			if err != nil {
				t.Fatal(err)
			}
			if !floats.Equal(again.X, res.X) {
				t.Errorf("second run differs: %v vs %v", again.X, res.X)
			}
		})
	}
}

// TestFirstOrder checks SGD's and Adam's stopping rules on a small normal linear model, as
// mlx's TestFirstOrder does through a GoMLX graph.
func TestFirstOrder(t *testing.T) {
	obj, start, mle := olsProblem(t, 200, 3, 6)
	natural := func(x []float64) []float64 { // (β, σ)
		out := append([]float64(nil), x...)
		out[len(out)-1] = math.Exp(out[len(out)-1])
		return out
	}
	for _, tc := range []struct {
		name     string
		method   optim.Method
		settings optim.Settings
		want     optim.Status
		tol      float64 // distance to OLS (natural scale) the stopping rule allows
	}{
		// The Hessian's largest eigenvalue is about n/σ² = 200 (more on log σ), so steps of 1e-3
		// are stable; |Δℓ| < 1e-10 then leaves the estimates within about 1e-5 of OLS.
		{"sgd", &optim.SGD{LearnRate: 1e-3}, optim.Settings{FunctionTol: 1e-10}, optim.FunctionConverged, 1e-4},
		// The blog's tolerance, 1e-5, stops earlier and further away.
		{"sgd/blog-rule", &optim.SGD{LearnRate: 1e-3}, optim.Settings{}, optim.FunctionConverged, 1e-2},
		// GradientTol 1e-12 leaves the stop to the function-change rule.
		{"adam", &optim.Adam{LearnRate: 1e-2}, optim.Settings{FunctionTol: 1e-12, GradientTol: 1e-12, MaxIterations: 20000}, optim.FunctionConverged, 1e-4},
		{"sgd/gradient", &optim.SGD{LearnRate: 1e-3}, optim.Settings{GradientTol: 1e-6, FunctionTol: 1e-300}, optim.GradientConverged, 1e-4},
		{"sgd/iterations", &optim.SGD{LearnRate: 1e-3}, optim.Settings{MaxIterations: 5}, optim.IterationLimit, math.Inf(1)},
		{"sgd/evaluations", &optim.SGD{LearnRate: 1e-3}, optim.Settings{MaxEvaluations: 7}, optim.EvaluationLimit, math.Inf(1)},
		{"adam/time", &optim.Adam{LearnRate: 1e-6}, optim.Settings{MaxTime: time.Millisecond, FunctionTol: 1e-300}, optim.TimeLimit, math.Inf(1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := optim.Maximize(obj, start, &tc.settings, tc.method)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.want || res.Reason == "" {
				t.Fatalf("status %v (%q), want %v with a reason", res.Status, res.Reason, tc.want)
			}
			if d := floats.Distance(natural(res.X), natural(mle), math.Inf(1)); d > tc.tol {
				t.Errorf("max distance to OLS %.3g > %.3g", d, tc.tol)
			}
			if tc.want == optim.IterationLimit && res.Iterations != 5 {
				t.Errorf("stopped after %d iterations, want 5", res.Iterations)
			}
			if tc.want == optim.EvaluationLimit && res.FuncEvals < 7 {
				t.Errorf("stopped after %d evaluations, want 7", res.FuncEvals)
			}
			if res.Status.Early() && !strings.Contains(res.Reason, "max |gradient of ℓ|") {
				t.Errorf("a limit's reason %q lacks the gradient against its threshold", res.Reason)
			}
		})
	}
}

// TestTrustRegion fits functions with known maxima, each built to exercise one part of the
// method, and requires the maximum to 1e-9.
func TestTrustRegion(t *testing.T) {
	for _, tc := range []struct {
		name  string
		obj   *function
		start []float64
		want  [][]float64 // acceptable maxima
	}{
		// Rosenbrock's banana, −(1−a)² − 100(b−a²)², from its classic start (−1.2, 1): a
		// curved valley and an indefinite Hessian on the way.
		{"rosenbrock", &function{p: 2,
			f: func(x []float64) float64 { return -(1-x[0])*(1-x[0]) - 100*(x[1]-x[0]*x[0])*(x[1]-x[0]*x[0]) },
			grad: func(g, x []float64) {
				g[0] = 2*(1-x[0]) + 400*x[0]*(x[1]-x[0]*x[0])
				g[1] = -200 * (x[1] - x[0]*x[0])
			},
			hess: func(h *mat.SymDense, x []float64) {
				h.SetSym(0, 0, -2+400*x[1]-1200*x[0]*x[0])
				h.SetSym(0, 1, 400*x[0])
				h.SetSym(1, 1, -200)
			}}, []float64{-1.2, 1}, [][]float64{{1, 1}}},
		// log θ − 10θ, maximum at θ = 0.1. From θ = 1 the Newton step, −9, lands where log θ
		// is NaN; the step must be rejected and the region shrunk.
		{"nan-region", &function{p: 1,
			f:    func(x []float64) float64 { return math.Log(x[0]) - 10*x[0] },
			grad: func(g, x []float64) { g[0] = 1/x[0] - 10 },
			hess: func(h *mat.SymDense, x []float64) { h.SetSym(0, 0, -1/(x[0]*x[0])) },
		}, []float64{1}, [][]float64{{0.1}}},
		// −x⁴/4 + x²/2 − y²/2 has a saddle at the origin and maxima at (±1, 0). From (0, 0.5)
		// the gradient has no x component, so plain Newton slides into the saddle; the trust
		// region must follow the negative curvature along x (the hard case).
		{"saddle", &function{p: 2,
			f: func(x []float64) float64 { return 0.5*x[0]*x[0] - 0.25*math.Pow(x[0], 4) - 0.5*x[1]*x[1] },
			grad: func(g, x []float64) {
				g[0] = x[0] - x[0]*x[0]*x[0]
				g[1] = -x[1]
			},
			hess: func(h *mat.SymDense, x []float64) {
				h.SetSym(0, 0, 1-3*x[0]*x[0])
				h.SetSym(1, 1, -1)
			}}, []float64{0, 0.5}, [][]float64{{1, 0}, {-1, 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := optim.Maximize(tc.obj, tc.start, nil, &optim.TrustRegion{})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Status.Converged() {
				t.Fatalf("%v after %d iterations: %s", res.Status, res.Iterations, res.Reason)
			}
			for _, want := range tc.want {
				if floats.EqualApprox(res.X, want, 1e-9) {
					return
				}
			}
			t.Errorf("estimates %v, want one of %v", res.X, tc.want)
		})
	}
}

// TestNonFinite checks the treatment of log-likelihoods that are not finite: an error at the
// start, and rejected trial points later, which every method avoids and Result.Reason counts.
// The function is log θ − 10θ (maximum at θ = 0.1), NaN for θ < 0; from θ = 1 a full Newton
// or gradient step lands there.
func TestNonFinite(t *testing.T) {
	obj := &function{p: 1,
		f:    func(x []float64) float64 { return math.Log(x[0]) - 10*x[0] },
		grad: func(g, x []float64) { g[0] = 1/x[0] - 10 },
		hess: func(h *mat.SymDense, x []float64) { h.SetSym(0, 0, -1/(x[0]*x[0])) },
	}
	_, err := optim.Maximize(obj, []float64{-1}, nil, &optim.Newton{})
	var start *optim.StartError
	if !errors.As(err, &start) || !math.IsNaN(start.LogLike) || !strings.Contains(err.Error(), "log-likelihood is NaN at the start") {
		t.Errorf("start at θ = −1: error %v", err)
	}
	// (TrustRegion's first radius, a tenth of |θ|, keeps it inside; TestTrustRegion starts it
	// there too.)
	for _, method := range []optim.Method{&optim.Newton{}, &optim.LBFGS{}, &optim.BHHH{}} {
		res, err := optim.Maximize(obj, []float64{1}, nil, method)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Status.Converged() || math.Abs(res.X[0]-0.1) > 1e-6 || !strings.Contains(res.Reason, "not finite at") {
			t.Errorf("%s: %v at %v, reason %q; want convergence to 0.1 with rejected points reported", method, res.Status, res.X, res.Reason)
		}
	}
	// SGD stops at the last finite iterate: from θ = 1 a step of 0.2·(1 − 10) = −1.8 leaves
	// the domain.
	res, err := optim.Maximize(obj, []float64{1}, nil, &optim.SGD{LearnRate: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != optim.Failure || res.X[0] != 1 || !strings.Contains(res.Reason, "lower the learning rate") {
		t.Errorf("SGD: %v at %v (%s)", res.Status, res.X, res.Reason)
	}
}

// badMethod returns an Outcome without a status.
type badMethod struct{}

func (badMethod) String() string { return "bad" }
func (badMethod) Maximize(p *optim.Problem, x0 []float64) (optim.Outcome, error) {
	return optim.Outcome{X: x0}, nil
}

// TestMaximizeChecks checks what Maximize refuses: a method that returns no final status, and
// (by panic) a start of the wrong length.
func TestMaximizeChecks(t *testing.T) {
	obj, start, _ := olsProblem(t, 20, 2, 7)
	if _, err := optim.Maximize(obj, start, nil, badMethod{}); err == nil || !strings.Contains(err.Error(), "method bad returned") {
		t.Errorf("a method without a status: error %v", err)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "optim: start has 2 values") {
			t.Errorf("short start: recovered %v", r)
		}
	}()
	_, _ = optim.Maximize(obj, start[:2], nil, nil)
}

// TestRecorder checks that Settings.Recorder sees every record of the history, and that
// SkipHessian leaves the Hessian out.
func TestRecorder(t *testing.T) {
	obj, start, _ := olsProblem(t, 100, 2, 8)
	var seen []optim.Iteration
	s := &optim.Settings{Recorder: func(it optim.Iteration) { seen = append(seen, it) }, SkipHessian: true}
	res, err := optim.Maximize(obj, start, s, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) == 0 || len(seen) != len(res.History) || seen[len(seen)-1] != res.History[len(res.History)-1] {
		t.Errorf("recorder saw %d records, history has %d", len(seen), len(res.History))
	}
	if res.Hessian != nil || res.HessianTime != 0 {
		t.Error("SkipHessian computed the Hessian")
	}
}

// TestGonumProblem runs gonum's Newton directly on the adapter, through its value, gradient
// and Hessian callbacks, and checks it lands where optim's Newton does.
func TestGonumProblem(t *testing.T) {
	x, y := spector(t)
	obj := logit(x, y)
	want, err := optim.Maximize(obj, make([]float64, 4), nil, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := optimize.Minimize(optim.GonumProblem(obj), make([]float64, 4), &optimize.Settings{GradientThreshold: 1e-8}, &optimize.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	// The two stop at different gradient tests (gonum's at 1e-8, optim's at n × 1e-7 =
	// 3.2e-6) after the same Newton steps; they differ by 4e-8 relative here.
	if d := maxRelDiff(res.X, want.X, 1); d > 1e-6 {
		t.Errorf("gonum's Newton %v, optim's %v", res.X, want.X)
	}
}

// valueProbe evaluates ℓ alone at x0, x0 + 1 and x0 − 5, then stops.
type valueProbe struct{ got []float64 }

func (*valueProbe) String() string { return "probe" }
func (v *valueProbe) Maximize(p *optim.Problem, x0 []float64) (optim.Outcome, error) {
	for _, dx := range []float64{0, 1, -5} {
		ll, err := p.Value([]float64{x0[0] + dx})
		if err != nil {
			return optim.Outcome{}, err
		}
		v.got = append(v.got, ll)
	}
	return optim.Outcome{X: x0, Status: optim.IterationLimit}, nil
}

// TestProblemValue checks Problem.Value: the start's value comes from the cache, each other
// point costs one function evaluation and no gradient, and a NaN is returned as −Inf and
// counted among the rejected points. The function is log θ − 10θ, from θ = 1.
func TestProblemValue(t *testing.T) {
	obj := &function{p: 1,
		f:    func(x []float64) float64 { return math.Log(x[0]) - 10*x[0] },
		grad: func(g, x []float64) { g[0] = 1/x[0] - 10 },
		hess: func(h *mat.SymDense, x []float64) { h.SetSym(0, 0, -1/(x[0]*x[0])) },
	}
	probe := &valueProbe{}
	res, err := optim.Maximize(obj, []float64{1}, &optim.Settings{SkipHessian: true}, probe)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{-10, math.Log(2) - 20, math.Inf(-1)}
	if !floats.Equal(probe.got, want) {
		t.Errorf("values %v, want %v", probe.got, want)
	}
	// The start's value+gradient, two values; the final value+gradient at the start is cached.
	if res.FuncEvals != 3 || res.GradEvals != 1 || !strings.Contains(res.Reason, "not finite at 1 trial point") {
		t.Errorf("%d function and %d gradient evaluations, reason %q", res.FuncEvals, res.GradEvals, res.Reason)
	}
}

// TestGonumHistory checks that the history of gonum's methods runs from the start to the
// estimates: its first record is ℓ at the start (not gonum's placeholder of its initial
// location, F = +Inf) and its last is the final ℓ, which gonum does not pass to its Recorder.
func TestGonumHistory(t *testing.T) {
	x, y := spector(t)
	start := make([]float64, 4)
	ll0, err := logit(x, y).LogLike(start)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []optim.Method{&optim.LBFGS{}, &optim.BFGS{}} {
		res, err := optim.Maximize(logit(x, y), start, nil, m)
		if err != nil {
			t.Fatal(err)
		}
		h := res.History
		if len(h) < 2 || h[0].LogLike != ll0 || h[len(h)-1].LogLike != res.LogLike {
			t.Errorf("%s: history from %v to %v, want from ℓ(start) = %v to ℓ = %v", m, h[0].LogLike, h[len(h)-1].LogLike, ll0, res.LogLike)
		}
	}
}
