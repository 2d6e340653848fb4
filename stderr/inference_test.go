package stderr_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// spector fits the Spector logit or probit (GRADE on GPA, TUCE, PSI and a constant, constant
// last as in Stata) and its intercept-only null model, as a small real dataset for the closed-form
// checks below. The regressors are rounded to float32, as Stata stored them.
func spector(t *testing.T, model func(k int) *mlx.Model) (full, null *mlx.Result, x *mat.Dense) {
	t.Helper()
	f, err := frame.ReadFile("../data/spector.csv", frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	y, err := f.Column("GRADE")
	if err != nil {
		t.Fatal(err)
	}
	n := len(y)
	x = mat.NewDense(n, 4, nil)
	for j, name := range []string{"GPA", "TUCE", "PSI"} {
		col, err := f.Column(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range col {
			x.Set(i, j, float64(float32(v)))
		}
	}
	ones := make([]float64, n)
	for i := range n {
		x.Set(i, 3, 1)
		ones[i] = 1
	}
	fit := func(m *mlx.Model, x mat.Matrix) *mlx.Result {
		ds, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Matrix("x", x))
		if err != nil {
			t.Fatal(err)
		}
		res, err := mlx.Fit(testbackend.Get(t), m, ds, nil, &optim.Newton{})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Status.Converged() {
			t.Fatalf("%s: %v %s", m.Name, res.Status, res.Reason)
		}
		return res
	}
	m := model(4)
	m.Blocks[0].Labels = []string{"GPA", "TUCE", "PSI", "const"}
	return fit(m, x), fit(model(1), mat.NewDense(n, 1, ones)), x
}

// near reports whether got is within rel relative tolerance of want.
func near(got, want, rel float64) bool { return math.Abs(got-want) <= rel*math.Abs(want) }

// TestFitStatistics checks the likelihood-ratio test, pseudo-R², AIC and BIC of the Spector logit
// and probit against their definitions (Stata's numbers are compared in package estimate's
// TestReferences): LR = 2(ℓ − ℓ₀) on 3 degrees of freedom with the χ² upper tail as its
// p-value, McFadden's 1 − ℓ/ℓ₀, AIC = −2ℓ + 2k and BIC = −2ℓ + k·ln n with k = 4 and n = 32.
func TestFitStatistics(t *testing.T) {
	for _, model := range []func(int) *mlx.Model{likelihoods.Logit, likelihoods.Probit} {
		full, null, _ := spector(t, model)
		t.Run(full.Model.Name, func(t *testing.T) {
			lr, err := stderr.LikelihoodRatio(null, full)
			if err != nil {
				t.Fatal(err)
			}
			r2, err := stderr.PseudoR2(full, null)
			if err != nil {
				t.Fatal(err)
			}
			stat := 2 * (full.LogLike - null.LogLike)
			for _, c := range []struct {
				what      string
				got, want float64
			}{
				{"LR chi2", lr.Stat, stat},
				{"LR p-value", lr.P, distuv.ChiSquared{K: 3}.Survival(stat)},
				{"pseudo-R2", r2, 1 - full.LogLike/null.LogLike},
				{"AIC", stderr.AIC(full), -2*full.LogLike + 2*4},
				{"BIC", stderr.BIC(full), -2*full.LogLike + 4*math.Log(32)},
			} {
				// The same arithmetic in another order: rounding only.
				if !near(c.got, c.want, 1e-12) {
					t.Errorf("%s = %.15g, definition %.15g", c.what, c.got, c.want)
				}
			}
			if lr.DF != 3 {
				t.Errorf("LR degrees of freedom %d, want 3", lr.DF)
			}
			// The Wald test of the same hypothesis is asymptotically equivalent; with n = 32
			// it is smaller, but the same order of magnitude (a sanity check, not a reference).
			est, err := stderr.Hessian(full)
			if err != nil {
				t.Fatal(err)
			}
			w, err := est.TestZero("GPA", "TUCE", "PSI")
			if err != nil {
				t.Fatal(err)
			}
			if w.DF != 3 || w.Stat < lr.Stat/3 || w.Stat > 3*lr.Stat {
				t.Errorf("Wald %v against LR %v", w, lr)
			}
		})
	}
}

// TestWald checks the Wald statistic against its closed forms: for one parameter it is z², and
// for a pair it is θ̂ᵀ V⁻¹ θ̂ with V the pair's 2×2 covariance, inverted by hand here.
func TestWald(t *testing.T) {
	full, _, _ := spector(t, likelihoods.Logit)
	est, err := stderr.Hessian(full)
	if err != nil {
		t.Fatal(err)
	}
	one, err := est.TestZero("PSI")
	if err != nil {
		t.Fatal(err)
	}
	if !near(one.Stat, est.Z[2]*est.Z[2], 1e-12) || !near(one.P, est.P[2], 1e-9) {
		t.Errorf("single Wald %v, z² = %v, p = %v", one, est.Z[2]*est.Z[2], est.P[2])
	}
	a, b := est.Params[0], est.Params[2]
	vaa, vbb, vab := est.Cov.At(0, 0), est.Cov.At(2, 2), est.Cov.At(0, 2)
	det := vaa*vbb - vab*vab
	want := (a*a*vbb - 2*a*b*vab + b*b*vaa) / det
	two, err := est.TestZero("GPA", "PSI")
	if err != nil {
		t.Fatal(err)
	}
	if !near(two.Stat, want, 1e-10) || two.DF != 2 {
		t.Errorf("joint Wald %v, closed form %v", two, want)
	}
	// GPA − PSI = 0 as a general restriction: (a − b)² / Var(a − b).
	r := mat.NewDense(1, 4, []float64{1, 0, -1, 0})
	diff, err := est.Wald(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if w := (a - b) * (a - b) / (vaa + vbb - 2*vab); !near(diff.Stat, w, 1e-10) {
		t.Errorf("Wald of GPA = PSI: %v, closed form %v", diff.Stat, w)
	}
	for _, c := range []struct {
		name string
		run  func() (*stderr.ChiSquare, error)
		want string
	}{
		{"unknown label", func() (*stderr.ChiSquare, error) { return est.TestZero("gpa") }, `no parameter "gpa"`},
		{"repeated label", func() (*stderr.ChiSquare, error) { return est.TestZero("PSI", "PSI") }, "named twice"},
		{"dependent rows", func() (*stderr.ChiSquare, error) {
			return est.Wald(mat.NewDense(2, 4, []float64{1, 0, 0, 0, 2, 0, 0, 0}), nil)
		}, "linearly dependent"},
		{"wrong width", func() (*stderr.ChiSquare, error) { return est.Wald(mat.NewDense(1, 3, nil), nil) }, "3 columns"},
		{"wrong q", func() (*stderr.ChiSquare, error) { return est.Wald(r, []float64{0, 0}) }, "q has 2 entries"},
	} {
		if _, err := c.run(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	if _, err := stderr.LikelihoodRatio(full, full); err == nil || !strings.Contains(err.Error(), "must have more") {
		t.Errorf("LR of a fit against itself: %v", err)
	}
}

// effects returns the marginal effects of columns cols of the design x (fitted as the data
// column "x" of ds): the derivative for each, or the discrete change from 0 to 1 for those
// marked factor.
func effects(t *testing.T, ds *mlx.Dataset, x *mat.Dense, labels []string, cols []int, factor map[int]bool) []stderr.Effect {
	t.Helper()
	n, k := x.Dims()
	var out []stderr.Effect
	for _, j := range cols {
		if !factor[j] {
			dir := make([]float64, n*k)
			for i := range n {
				dir[i*k+j] = 1
			}
			out = append(out, stderr.Effect{Label: labels[j], Direction: dir})
			continue
		}
		at := func(v float64) *mlx.Dataset {
			xv := mat.DenseCopyOf(x)
			for i := range n {
				xv.Set(i, j, v)
			}
			d, err := ds.With(mlx.Matrix("x", xv))
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		out = append(out, stderr.Effect{Label: labels[j], From: at(0), To: at(1)})
	}
	return out
}

// TestMarginalEffects checks average marginal effects on the Spector logit and probit against
// closed forms (Stata's numbers are compared in package estimate's TestReferences): the
// derivative effect of regressor j is βⱼ·(1/n)Σf(xᵢβ), with f the logistic or normal density,
// and PSI's discrete change is (1/n)Σ[F(xᵢβ with PSI = 1) − F(xᵢβ with PSI = 0)]. The
// delta-method SEs are checked against a Jacobian by central differences in β. It also checks
// the errors of a malformed request.
func TestMarginalEffects(t *testing.T) {
	labels := []string{"GPA", "TUCE", "PSI", "const"}
	logistic := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	for _, tc := range []struct {
		model   func(int) *mlx.Model
		cdf     func(float64) float64 // F, the probability of y = 1 given xβ
		density func(float64) float64 // f = F′
	}{
		{likelihoods.Logit, logistic, func(z float64) float64 { p := logistic(z); return p * (1 - p) }},
		{likelihoods.Probit, distuv.UnitNormal.CDF, distuv.UnitNormal.Prob},
	} {
		full, _, x := spector(t, tc.model)
		t.Run(full.Model.Name, func(t *testing.T) {
			est, err := stderr.Hessian(full)
			if err != nil {
				t.Fatal(err)
			}
			ds := full.Evaluator().Data()
			n, k := x.Dims()
			// avg returns (1/n)Σ g(xᵢβ), with column j of x set to at when j ≥ 0.
			avg := func(b []float64, g func(float64) float64, j int, at float64) float64 {
				s := 0.0
				for i := range n {
					eta := 0.0
					for c := range k {
						v := x.At(i, c)
						if c == j {
							v = at
						}
						eta += v * b[c]
					}
					s += g(eta)
				}
				return s / float64(n)
			}
			for _, factor := range []bool{false, true} {
				me, err := stderr.MarginalEffects(est, stderr.MarginsSpec{Data: ds, Design: "x", Effects: effects(t, ds, x, labels, []int{0, 1, 2}, map[int]bool{2: factor})})
				if err != nil {
					t.Fatal(err)
				}
				for r, j := range []int{0, 1, 2} {
					closed := func(b []float64) float64 { return b[j] * avg(b, tc.density, -1, 0) }
					if factor && j == 2 {
						closed = func(b []float64) float64 { return avg(b, tc.cdf, j, 1) - avg(b, tc.cdf, j, 0) }
					}
					// The graph and the closed form sum the same terms in another order.
					if want := closed(full.Estimates); !near(me.Effect[r], want, 1e-10) {
						t.Errorf("factor %v: AME of %s = %.12g, closed form %.12g", factor, me.Labels[r], me.Effect[r], want)
					}
					// Central differences with h = 1e-6: truncation O(h²) ≈ 1e-12, rounding
					// about 1e-16/h ≈ 1e-10, relative to effects of order 0.01–1.
					const h = 1e-6
					jac := make([]float64, k)
					for c := range k {
						bu, bd := slices.Clone(full.Estimates), slices.Clone(full.Estimates)
						bu[c] += h
						bd[c] -= h
						jac[c] = (closed(bu) - closed(bd)) / (2 * h)
					}
					jv := mat.NewVecDense(k, jac)
					if se := math.Sqrt(mat.Inner(jv, est.Cov, jv)); !near(me.SE[r], se, 1e-6) {
						t.Errorf("factor %v: AME SE of %s = %.10g, delta method with a finite-difference Jacobian %.10g", factor, me.Labels[r], me.SE[r], se)
					}
				}
				if !strings.Contains(me.String(), "dy/dx") || !strings.Contains(me.String(), "Pr(y=1)") {
					t.Errorf("table:\n%s", me)
				}
			}
			if _, err := stderr.MarginalEffects(est, stderr.MarginsSpec{Data: ds, Design: "x", Effects: []stderr.Effect{{Label: "GPA", Direction: []float64{1}}}}); err == nil || !strings.Contains(err.Error(), "values, want") {
				t.Errorf("short direction: error %v", err)
			}
			if _, err := stderr.MarginalEffects(est, stderr.MarginsSpec{Data: ds, Design: "x", Prediction: 3, Effects: effects(t, ds, x, labels, []int{0}, nil)}); err == nil || !strings.Contains(err.Error(), "no number 3") {
				t.Errorf("unknown prediction: error %v", err)
			}
		})
	}
}
