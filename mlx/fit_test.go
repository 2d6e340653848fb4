package mlx_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gomle/gomle/internal/evaltest"
	"github.com/gomle/gomle/internal/simdata"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// linearProblem returns a simulated normal linear regression of n×k (internal/simdata), its
// dataset and its closed-form OLS fit.
func linearProblem(t testing.TB, n, k int, seed uint64) (*simdata.Linear, *mlx.Dataset, *simdata.OLS) {
	t.Helper()
	p := simdata.NormalLinear(n, k, seed)
	ds, err := mlx.NewDataset(mlx.Vector("y", p.Y), mlx.Matrix("x", p.X))
	if err != nil {
		t.Fatal(err)
	}
	ols, err := simdata.FitOLS(p.X, p.Y)
	if err != nil {
		t.Fatal(err)
	}
	return p, ds, ols
}

// analyticHessian is the Hessian of the normal linear log-likelihood with respect to (β, u = log σ):
//
//	∂²ℓ/∂β∂βᵀ = −XᵀX/σ²,  ∂²ℓ/∂β∂u = −2Xᵀr/σ²,  ∂²ℓ/∂u² = −2·SSR/σ²,  r = y − Xβ.
func analyticHessian(p *simdata.Linear, beta []float64, u float64) *mat.SymDense {
	k := p.K
	s2 := math.Exp(2 * u)
	var r mat.VecDense
	r.MulVec(p.X, mat.NewVecDense(k, beta))
	r.SubVec(mat.NewVecDense(p.N, p.Y), &r)
	var xtr mat.VecDense
	xtr.MulVec(p.X.T(), &r)
	var xtx mat.SymDense
	xtx.SymOuterK(1, p.X.T())
	h := mat.NewSymDense(k+1, nil)
	for i := range k {
		for j := i; j < k; j++ {
			h.SetSym(i, j, -xtx.At(i, j)/s2)
		}
		h.SetSym(i, k, -2*xtr.AtVec(i)/s2)
	}
	h.SetSym(k, k, -2*mat.Dot(&r, &r)/s2)
	return h
}

// maxRelDiff returns max |a−b| / max(|b|, floor) over the entries.
func maxRelDiff(a, b []float64, floor float64) float64 {
	worst := 0.0
	for i := range a {
		worst = math.Max(worst, math.Abs(a[i]-b[i])/math.Max(math.Abs(b[i]), floor))
	}
	return worst
}

func TestDerivatives(t *testing.T) {
	b := testbackend.Get(t)
	p, ds, _ := linearProblem(t, 400, 5, 1)
	ev, err := mlx.NewEvaluator(b, likelihoods.NormalLinear(p.K), ds)
	if err != nil {
		t.Fatal(err)
	}
	// A point away from the optimum, so every second derivative, the cross terms included, is
	// non-trivial: the simulated start for β and σ = 1.3 (u = log 1.3).
	u := append(append([]float64(nil), p.Start[:p.K]...), math.Log(1.3))
	ll := func(x []float64) float64 {
		v, err := ev.LogLike(x)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	grad := make([]float64, len(u))
	ll0, err := ev.LogLikeGrad(u, grad)
	if err != nil {
		t.Fatal(err)
	}
	if got := ll(u); got != ll0 {
		t.Errorf("LogLike %v and LogLikeGrad %v differ at the same point", got, ll0)
	}

	// Central differences have error O(h²·f‴) ≈ 1e-8 relative for this smooth quadratic-in-β
	// function with gonum's default step; 1e-6 leaves room for rounding in a sum of 400 terms.
	fdGrad := fd.Gradient(nil, ll, u, &fd.Settings{Formula: fd.Central})
	if d := maxRelDiff(grad, fdGrad, 1); d > 1e-6 {
		t.Errorf("gradient vs central differences: max relative difference %.3g > 1e-6\n got %v\nwant %v", d, grad, fdGrad)
	}

	h, err := ev.Hessian(u)
	if err != nil {
		t.Fatal(err)
	}
	// The exact Hessian must match the closed form to rounding: 1e-10 relative.
	want := analyticHessian(p, u[:p.K], u[p.K])
	if d := maxRelDiff(h.RawSymmetric().Data, want.RawSymmetric().Data, 1); d > 1e-10 {
		t.Errorf("Hessian vs analytic: max relative difference %.3g > 1e-10\n got %v\nwant %v", d, mat.Formatted(h), mat.Formatted(want))
	}

	// And the Jacobian of the exact gradient by central differences (1e-6, as for the gradient).
	jac := mat.NewDense(len(u), len(u), nil)
	fd.Jacobian(jac, func(dst, x []float64) {
		if _, err := ev.LogLikeGrad(x, dst); err != nil {
			t.Fatal(err)
		}
	}, u, &fd.JacobianSettings{Formula: fd.Central})
	for i := range u {
		for j := range u {
			if d := math.Abs(h.At(i, j)-jac.At(i, j)) / math.Max(math.Abs(jac.At(i, j)), 1); d > 1e-6 {
				t.Errorf("Hessian[%d,%d] = %v, finite differences of the gradient give %v", i, j, h.At(i, j), jac.At(i, j))
			}
		}
	}

	// Per-observation scores: closed form xᵢrᵢ/σ² and −1 + rᵢ²/σ², and they sum to the gradient.
	scores, err := ev.ScoreObs(u)
	if err != nil {
		t.Fatal(err)
	}
	s2 := 1.3 * 1.3
	sum := make([]float64, len(u))
	for i := range p.N {
		r := p.Y[i] - mat.Dot(p.X.RowView(i), mat.NewVecDense(p.K, u[:p.K]))
		for j := range p.K {
			if w := p.X.At(i, j) * r / s2; math.Abs(scores.At(i, j)-w) > 1e-10*math.Max(1, math.Abs(w)) {
				t.Fatalf("score[%d,%d] = %v, want %v", i, j, scores.At(i, j), w)
			}
		}
		if w := -1 + r*r/s2; math.Abs(scores.At(i, p.K)-w) > 1e-10*math.Max(1, math.Abs(w)) {
			t.Fatalf("score[%d,sigma] = %v, want %v", i, scores.At(i, p.K), w)
		}
		floats.Add(sum, scores.RawRowView(i))
	}
	if d := maxRelDiff(sum, grad, 1); d > 1e-10 {
		t.Errorf("scores sum to %v, gradient is %v", sum, grad)
	}
}

func TestFitMatchesOLS(t *testing.T) {
	b := testbackend.Get(t)
	for _, tc := range []struct {
		name       string
		n, k       int    // blog shape, smaller so the suite stays fast
		seed       uint64 // data seed
		method     optim.Method
		wantStatus []optim.Status
	}{
		{"lbfgs", 3000, 12, 1, &optim.LBFGS{}, []optim.Status{optim.GradientConverged}},
		{"bfgs", 3000, 12, 2, &optim.BFGS{}, []optim.Status{optim.GradientConverged}},
		{"newton", 3000, 12, 3, &optim.Newton{}, []optim.Status{optim.GradientConverged}},
		{"lbfgs/k=1", 500, 1, 4, &optim.LBFGS{}, []optim.Status{optim.GradientConverged}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ds, ols := linearProblem(t, tc.n, tc.k, tc.seed)
			res, err := mlx.Fit(b, likelihoods.NormalLinear(p.K), ds, &mlx.Settings{Start: p.Start}, tc.method)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.wantStatus[0] {
				t.Errorf("status %v (%s), want %v", res.Status, res.Reason, tc.wantStatus[0])
			}
			// The bar: estimates within 1e-6 of closed-form OLS (σ on the MLE scale).
			want := ols.Estimates()
			for i, v := range res.Estimates {
				if math.Abs(v-want[i]) > 1e-6 {
					t.Errorf("%s = %.10g, OLS gives %.10g", res.Labels()[i], v, want[i])
				}
			}
			if res.Hessian == nil || res.Backend == "" || res.Method != tc.method.String() {
				t.Errorf("result lacks Hessian, backend or method: %+v", res)
			}
			if len(res.History) == 0 || res.History[len(res.History)-1].LogLike > res.LogLike+1e-9 {
				t.Errorf("history has %d records, or ends above the final log-likelihood", len(res.History))
			}
			// Fitting twice from one start gives the same answer on one backend.
			again, err := mlx.Fit(b, likelihoods.NormalLinear(p.K), ds, &mlx.Settings{Start: p.Start}, tc.method)
			if err != nil {
				t.Fatal(err)
			}
			if !floats.Equal(again.Estimates, res.Estimates) {
				t.Errorf("second fit differs: %v vs %v", again.Estimates, res.Estimates)
			}
		})
	}
}

// TestGonumProblem runs gonum's Newton directly on the Problem adapter, through its value,
// gradient and Hessian callbacks, and checks it lands on OLS too.
func TestGonumProblem(t *testing.T) {
	p, ds, ols := linearProblem(t, 1000, 4, 5)
	m := likelihoods.NormalLinear(p.K)
	ev, err := mlx.NewEvaluator(testbackend.Get(t), m, ds)
	if err != nil {
		t.Fatal(err)
	}
	start := append(append([]float64(nil), p.Start[:p.K]...), 0) // log σ = 0
	res, err := optimize.Minimize(optim.GonumProblem(ev), start, &optimize.Settings{GradientThreshold: 1e-4, MajorIterations: 1000, FuncEvaluations: 5000}, &optimize.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	for j := range p.K {
		if math.Abs(res.X[j]-ols.Beta[j]) > 1e-6 {
			t.Errorf("Newton β[%d] = %v, OLS %v", j, res.X[j], ols.Beta[j])
		}
	}
}

func TestFirstOrder(t *testing.T) {
	b := testbackend.Get(t)
	p, ds, ols := linearProblem(t, 200, 3, 6)
	m := likelihoods.NormalLinear(p.K)
	for _, tc := range []struct {
		name     string
		method   optim.Method
		settings mlx.Settings
		want     optim.Status
		tol      float64 // distance to OLS the stopping rule allows
	}{
		// The Hessian's largest eigenvalue is about n/σ² = 200 (more on log σ), so steps of 1e-3
		// are stable; |Δℓ| < 1e-10 then leaves the estimates within about 1e-5 of OLS.
		{"sgd", &optim.SGD{LearnRate: 1e-3}, mlx.Settings{Settings: optim.Settings{FunctionTol: 1e-10}}, optim.FunctionConverged, 1e-4},
		// The blog's tolerance, 1e-5, stops earlier and further away.
		{"sgd/blog-rule", &optim.SGD{LearnRate: 1e-3}, mlx.Settings{}, optim.FunctionConverged, 1e-2},
		{"adam", &optim.Adam{LearnRate: 1e-2}, mlx.Settings{Settings: optim.Settings{FunctionTol: 1e-12, MaxIterations: 20000}}, optim.FunctionConverged, 1e-4},
		{"sgd/gradient", &optim.SGD{LearnRate: 1e-3}, mlx.Settings{Settings: optim.Settings{GradientTol: 1e-6, FunctionTol: 1e-300}}, optim.GradientConverged, 1e-4},
		{"sgd/iterations", &optim.SGD{LearnRate: 1e-3}, mlx.Settings{Settings: optim.Settings{MaxIterations: 5}}, optim.IterationLimit, math.Inf(1)},
		{"sgd/evaluations", &optim.SGD{LearnRate: 1e-3}, mlx.Settings{Settings: optim.Settings{MaxEvaluations: 7}}, optim.EvaluationLimit, math.Inf(1)},
		{"adam/time", &optim.Adam{LearnRate: 1e-6}, mlx.Settings{Settings: optim.Settings{MaxTime: time.Millisecond, FunctionTol: 1e-300}}, optim.TimeLimit, math.Inf(1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.settings
			s.Start = p.Start
			res, err := mlx.Fit(b, m, ds, &s, tc.method)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.want || res.Reason == "" {
				t.Fatalf("status %v (%q), want %v with a reason", res.Status, res.Reason, tc.want)
			}
			if d := floats.Distance(res.Estimates, ols.Estimates(), math.Inf(1)); d > tc.tol {
				t.Errorf("max distance to OLS %.3g > %.3g", d, tc.tol)
			}
			if tc.want == optim.IterationLimit && res.Iterations != 5 {
				t.Errorf("stopped after %d iterations, want 5", res.Iterations)
			}
			if tc.want == optim.EvaluationLimit && res.FuncEvals < 7 {
				t.Errorf("stopped after %d evaluations, want 7", res.FuncEvals)
			}
		})
	}
}

func TestRefitCompilesNothing(t *testing.T) {
	b := testbackend.Get(t)
	m := likelihoods.NormalLinear(3)
	p1, ds1, _ := linearProblem(t, 300, 3, 7)
	_, ds2, ols2 := linearProblem(t, 300, 3, 8)
	res, err := mlx.Fit(b, m, ds1, &mlx.Settings{Start: p1.Start}, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	before := res.Evaluator().Compilations()
	if before == 0 {
		t.Fatal("no compilation counted")
	}
	res2, err := mlx.Fit(b, m, ds2, &mlx.Settings{Start: p1.Start}, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	if after := res2.Evaluator().Compilations(); after != before {
		t.Errorf("refit on new data of the same shape compiled %d new graphs", after-before)
	}
	if math.Abs(res2.Estimates[0]-ols2.Beta[0]) > 1e-6 {
		t.Errorf("refit used stale data: β0 %v, OLS on the new data %v", res2.Estimates[0], ols2.Beta[0])
	}
	// A new shape does compile, into programs of its own (n = 317 is used by no other test):
	// the counter is live, and the first shape's programs are untouched.
	_, ds3, _ := linearProblem(t, 317, 3, 9)
	res3, err := mlx.Fit(b, m, ds3, &mlx.Settings{Start: p1.Start}, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	if res3.Evaluator().Compilations() == 0 {
		t.Error("new data shape did not compile")
	}
	if after := res.Evaluator().Compilations(); after != before {
		t.Errorf("a fit on another shape compiled %d graphs into the first shape's programs", after-before)
	}
}

func TestBadInput(t *testing.T) {
	b := testbackend.Get(t)
	m := likelihoods.NormalLinear(2)
	good := func() []mlx.Column {
		return []mlx.Column{mlx.Vector("y", []float64{1, 2, 3, 4}),
			{Name: "x", Values: []float64{1, 0.5, 1, -1, 1, 2, 1, 0.1}, Dims: []int{4, 2}}}
	}
	for _, tc := range []struct {
		name    string
		columns func() []mlx.Column
		model   *mlx.Model
		start   []float64
		want    string // substring of the error
	}{
		{"lengths", func() []mlx.Column { c := good(); c[0].Values = c[0].Values[:3]; return c }, m, nil,
			`column "x" has 4 observations but column "y" has 3`},
		{"nan", func() []mlx.Column { c := good(); c[0].Values[2] = math.NaN(); return c }, m, nil,
			`column "y" has NaN at observation 2`},
		{"inf", func() []mlx.Column { c := good(); c[1].Values[3] = math.Inf(-1); return c }, m, nil,
			`column "x" has -Inf at observation 1`},
		{"dims", func() []mlx.Column { c := good(); c[1].Dims = []int{4, 3}; return c }, m, nil,
			`column "x" has 8 values for dimensions [4 3]`},
		{"duplicate", func() []mlx.Column { return append(good(), mlx.Vector("y", []float64{1, 2, 3, 4})) }, m, nil,
			`column "y" given twice`},
		{"start-length", good, m, []float64{0, 0}, "start vector has 2 values, want 3"},
		{"start-positive", good, m, []float64{0, 0, -1}, `start value of sigma is -1, but block "sigma" is positive`},
		{"start-nan", good, m, []float64{math.NaN(), 0, 1}, "start value of b0 is NaN"},
		{"unknown-block", good, &mlx.Model{Name: "typo", Blocks: m.Blocks,
			LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node { return graph.Mul(d.Get("y"), p.Scalar("sigmaa")) }},
			nil, `model "typo" has no block "sigmaa" (blocks: "beta", "sigma")`},
		{"unknown-column", good, &mlx.Model{Name: "typo", Blocks: m.Blocks,
			LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node { return graph.Mul(d.Get("z"), p.Scalar("sigma")) }},
			nil, `dataset has no column "z" (columns: x, y)`},
		{"shape", good, &mlx.Model{Name: "sum", Blocks: m.Blocks,
			LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node { return graph.ReduceAllSum(d.Get("y")) }},
			nil, "LogLikeObs returned shape (Float64), want one value per observation, [4]"},
		{"no-blocks", good, &mlx.Model{Name: "empty", LogLikeObs: m.LogLikeObs}, nil, `model "empty" has no parameter blocks`},
		{"nil-function", good, &mlx.Model{Name: "nofn", Blocks: m.Blocks}, nil, `model "nofn" has no LogLikeObs function`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := mlx.NewDataset(tc.columns()...)
			if err == nil {
				_, err = mlx.Fit(b, tc.model, ds, &mlx.Settings{Start: tc.start}, nil)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}

	if _, err := m.Pack(map[string][]float64{"betta": {1, 2}}); err == nil || !strings.Contains(err.Error(), `no block "betta"`) {
		t.Errorf("Pack with an unknown block: error %v", err)
	}
	if _, err := m.Pack(map[string][]float64{"beta": {1}}); err == nil || !strings.Contains(err.Error(), `block "beta" has 1 values, want 2`) {
		t.Errorf("Pack with a short block: error %v", err)
	}
	start, err := m.Pack(map[string][]float64{"beta": {1, 2}})
	if err != nil || !floats.Equal(start, []float64{1, 2, 1}) {
		t.Errorf("Pack(beta) = %v, %v; want [1 2 1] (σ defaults to 1)", start, err)
	}
}

// TestBatchedMatchesPasses checks the one-pass Hessian and scores of a Batched model against
// the p-pass forms of the same model with Batched off.
func TestBatchedMatchesPasses(t *testing.T) {
	b := testbackend.Get(t)
	p, ds, _ := linearProblem(t, 300, 4, 15)
	passes := likelihoods.NormalLinear(p.K)
	batched := *passes
	batched.Batched = true
	u := append(append([]float64(nil), p.Start[:p.K]...), math.Log(0.7))
	var hs [2]*mat.SymDense
	var ss [2]*mat.Dense
	for i, m := range []*mlx.Model{&batched, passes} {
		ev, err := mlx.NewEvaluator(b, m, ds)
		if err != nil {
			t.Fatal(err)
		}
		if hs[i], err = ev.Hessian(u); err != nil {
			t.Fatal(err)
		}
		if ss[i], err = ev.ScoreObs(u); err != nil {
			t.Fatal(err)
		}
	}
	// Same sums in a different order: rounding only, 1e-12 relative.
	if d := maxRelDiff(hs[0].RawSymmetric().Data, hs[1].RawSymmetric().Data, 1); d > 1e-12 {
		t.Errorf("batched Hessian differs from p passes by %.3g relative", d)
	}
	if d := maxRelDiff(ss[0].RawMatrix().Data, ss[1].RawMatrix().Data, 1); d > 1e-12 {
		t.Errorf("batched scores differ from p passes by %.3g relative", d)
	}
	ev, err := mlx.NewEvaluator(b, &batched, ds)
	if err != nil {
		t.Fatal(err)
	}
	evaltest.CheckFusedAndLine(t, "batched", ev, u, hs[1])
}

// TestChunks checks that a dataset streamed in chunks gives the same log-likelihood, gradient,
// Hessian, scores and fit as the whole dataset, and that equal chunks share compiled graphs.
func TestChunks(t *testing.T) {
	b := testbackend.Get(t)
	p, whole, ols := linearProblem(t, 1000, 3, 16)
	var parts []*mlx.Dataset
	for lo := 0; lo < p.N; lo += 300 { // 300, 300, 300 and a last chunk of 100 rows
		hi := min(lo+300, p.N)
		part, err := mlx.NewDataset(mlx.Vector("y", p.Y[lo:hi]), mlx.Matrix("x", p.X.Slice(lo, hi, 0, p.K)))
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, part)
	}
	chunked, err := mlx.Chunks(parts...)
	if err != nil {
		t.Fatal(err)
	}
	if chunked.NumObs() != p.N || chunked.NumChunks() != 4 {
		t.Fatalf("chunked: %d observations in %d chunks", chunked.NumObs(), chunked.NumChunks())
	}
	m := likelihoods.NormalLinear(p.K)
	u := append(append([]float64(nil), p.Start[:p.K]...), math.Log(1.2))
	evs := make([]*mlx.Evaluator, 2)
	for i, ds := range []*mlx.Dataset{whole, chunked} {
		if evs[i], err = mlx.NewEvaluator(b, m, ds); err != nil {
			t.Fatal(err)
		}
	}
	g0, g1 := make([]float64, len(u)), make([]float64, len(u))
	ll0, err0 := evs[0].LogLikeGrad(u, g0)
	ll1, err1 := evs[1].LogLikeGrad(u, g1)
	h0, _ := evs[0].Hessian(u)
	h1, err2 := evs[1].Hessian(u)
	s0, _ := evs[0].ScoreObs(u)
	s1, err3 := evs[1].ScoreObs(u)
	if err := errors.Join(err0, err1, err2, err3); err != nil {
		t.Fatal(err)
	}
	// The same terms summed in another order: rounding only, 1e-12 relative.
	if d := maxRelDiff([]float64{ll1}, []float64{ll0}, 1); d > 1e-12 {
		t.Errorf("log-likelihood: chunked %v, whole %v", ll1, ll0)
	}
	if d := maxRelDiff(g1, g0, 1); d > 1e-12 {
		t.Errorf("gradient: chunked %v, whole %v", g1, g0)
	}
	if d := maxRelDiff(h1.RawSymmetric().Data, h0.RawSymmetric().Data, 1); d > 1e-12 {
		t.Errorf("Hessian differs by %.3g relative", d)
	}
	if !mat.EqualApprox(s0, s1, 1e-12) {
		t.Error("scores differ")
	}
	res, err := mlx.FitEvaluator(evs[1], &mlx.Settings{Start: p.Start}, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range res.Estimates {
		if math.Abs(v-ols.Estimates()[i]) > 1e-6 {
			t.Errorf("chunked fit: %s = %v, OLS %v", res.Labels()[i], v, ols.Estimates()[i])
		}
	}

	_, other, _ := linearProblem(t, 10, 2, 17)
	if _, err := mlx.Chunks(whole, other); err == nil || !strings.Contains(err.Error(), `column "x" of part 1 has rows of shape [2], part 0 [3]`) {
		t.Errorf("mismatched chunks: error %v", err)
	}
}
