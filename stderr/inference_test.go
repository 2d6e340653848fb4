package stderr_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/reftest"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

func readJSON(t *testing.T, name string) reftest.Result {
	t.Helper()
	return reftest.Read(t, "testdata/"+name)
}

// spector fits the Spector logit or probit (GRADE on GPA, TUCE, PSI and a constant, constant
// last as in Stata) and its intercept-only null model. The regressors are rounded to float32,
// as Stata stored them (testdata/README.md).
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

// TestFitStatistics reproduces Stata's null log-likelihood, LR χ² test of all slopes, its
// p-value, McFadden's pseudo-R², AIC and BIC for the Spector logit and probit. All are printed
// by Stata to 12 or more digits; the tolerance 1e-6 covers the float32 rounding of the data.
func TestFitStatistics(t *testing.T) {
	for _, tc := range []struct {
		name  string
		model func(int) *mlx.Model
		ref   string
	}{
		{"logit", likelihoods.Logit, "spector_logit.json"},
		{"probit", likelihoods.Probit, "spector_probit.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref := readJSON(t, tc.ref)
			full, null, _ := spector(t, tc.model)
			lr, err := stderr.LikelihoodRatio(null, full)
			if err != nil {
				t.Fatal(err)
			}
			r2, err := stderr.PseudoR2(full, null)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				what      string
				got, want float64
			}{
				{"null log-likelihood", null.LogLike, ref.LLNull},
				{"LR chi2", lr.Stat, ref.LLR},
				{"LR p-value", lr.P, ref.LLRPValue},
				{"pseudo-R2", r2, ref.PRSquared},
				{"AIC", stderr.AIC(full), ref.AIC},
				{"BIC", stderr.BIC(full), ref.BIC},
			} {
				if !near(c.got, c.want, 1e-6) {
					t.Errorf("%s = %.12g, Stata %.12g", c.what, c.got, c.want)
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

// TestMarginalEffects reproduces Stata's margins, dydx(*) after the Spector logit (SEs
// printed to 7 digits, hence 1e-5), and checks the probit's effects against finite
// differences of the average predicted probability in each regressor (independent of the
// graph differentiation the package uses).
func TestMarginalEffects(t *testing.T) {
	ref := readJSON(t, "spector_logit_margins.json")
	full, _, x := spector(t, likelihoods.Logit)
	est, err := stderr.Hessian(full)
	if err != nil {
		t.Fatal(err)
	}
	ds := full.Evaluator().Data()
	labels := []string{"GPA", "TUCE", "PSI", "const"}
	me, err := stderr.MarginalEffects(est, stderr.MarginsSpec{Data: ds, Design: "x", Effects: effects(t, ds, x, labels, []int{0, 1, 2}, nil)})
	if err != nil {
		t.Fatal(err)
	}
	for j := range ref.AME {
		if !near(me.Effect[j], ref.AME[j], 1e-6) || !near(me.SE[j], ref.AMESE[j], 1e-5) {
			t.Errorf("%s: AME %.10g (SE %.7g), Stata %.10g (SE %.7g)", me.Labels[j], me.Effect[j], me.SE[j], ref.AME[j], ref.AMESE[j])
		}
	}
	if !strings.Contains(me.String(), "dy/dx") || !strings.Contains(me.String(), "Pr(y=1)") {
		t.Errorf("table:\n%s", me)
	}
	// PSI as a factor variable (Stata's i.psi): its effect is the discrete change.
	me, err = stderr.MarginalEffects(est, stderr.MarginsSpec{Data: ds, Design: "x", Effects: effects(t, ds, x, labels, []int{0, 1, 2}, map[int]bool{2: true})})
	if err != nil {
		t.Fatal(err)
	}
	for j := range ref.AMEFactor {
		if !near(me.Effect[j], ref.AMEFactor[j], 1e-6) || !near(me.SE[j], ref.AMEFactorSE[j], 1e-5) {
			t.Errorf("%s (factor): AME %.10g (SE %.7g), Stata %.10g (SE %.7g)", me.Labels[j], me.Effect[j], me.SE[j], ref.AMEFactor[j], ref.AMEFactorSE[j])
		}
	}
	if _, err := stderr.MarginalEffects(est, stderr.MarginsSpec{Data: ds, Design: "x", Effects: []stderr.Effect{{Label: "GPA", Direction: []float64{1}}}}); err == nil || !strings.Contains(err.Error(), "values, want") {
		t.Errorf("short direction: error %v", err)
	}
	if _, err := stderr.MarginalEffects(est, stderr.MarginsSpec{Data: ds, Design: "x", Prediction: 3, Effects: effects(t, ds, x, labels, []int{0}, nil)}); err == nil || !strings.Contains(err.Error(), "no number 3") {
		t.Errorf("unknown prediction: error %v", err)
	}

	probit, _, x := spector(t, likelihoods.Probit)
	est, err = stderr.Hessian(probit)
	if err != nil {
		t.Fatal(err)
	}
	ds = probit.Evaluator().Data()
	me, err = stderr.MarginalEffects(est, stderr.MarginsSpec{Data: ds, Design: "x", Effects: effects(t, ds, x, labels, []int{0, 1, 2}, nil)})
	if err != nil {
		t.Fatal(err)
	}
	beta := probit.Estimates
	avg := func(xs *mat.Dense, b []float64) float64 { // average Φ(xβ)
		n, k := xs.Dims()
		s := 0.0
		for i := range n {
			eta := 0.0
			for j := range k {
				eta += xs.At(i, j) * b[j]
			}
			s += distuv.UnitNormal.CDF(eta)
		}
		return s / float64(n)
	}
	const h = 1e-6 // central differences: error O(h²) ≈ 1e-12, rounding ≈ 1e-16/h ≈ 1e-10
	for r, j := range []int{0, 1, 2} {
		up, down := mat.DenseCopyOf(x), mat.DenseCopyOf(x)
		n, _ := x.Dims()
		for i := range n {
			up.Set(i, j, x.At(i, j)+h)
			down.Set(i, j, x.At(i, j)-h)
		}
		if fd := (avg(up, beta) - avg(down, beta)) / (2 * h); !near(me.Effect[r], fd, 1e-7) {
			t.Errorf("probit AME of %s = %.10g, finite differences %.10g", me.Labels[r], me.Effect[r], fd)
		}
		// The delta-method SE from the closed form AMEⱼ = βⱼ·(1/n)Σφ(xᵢβ), its Jacobian by
		// central differences in β.
		closed := func(b []float64) float64 {
			n, k := x.Dims()
			s := 0.0
			for i := range n {
				eta := 0.0
				for c := range k {
					eta += x.At(i, c) * b[c]
				}
				s += distuv.UnitNormal.Prob(eta)
			}
			return b[j] * s / float64(n)
		}
		jac := make([]float64, len(beta))
		for c := range beta {
			bu, bd := slices.Clone(beta), slices.Clone(beta)
			bu[c] += h
			bd[c] -= h
			jac[c] = (closed(bu) - closed(bd)) / (2 * h)
		}
		jv := mat.NewVecDense(len(jac), jac)
		if se := math.Sqrt(mat.Inner(jv, est.Cov, jv)); !near(me.SE[r], se, 1e-6) {
			t.Errorf("probit AME SE of %s = %.10g, delta method with a finite-difference Jacobian %.10g", me.Labels[r], me.SE[r], se)
		}
	}
}

// TestMarginalEffectsPoisson reproduces Stata's margins, dydx(*) after the RandHIE
// Poisson regression (n = 20190). The regressors are rounded to float32 as Stata stored them.
// Effects are printed to 14 digits, SEs to 8–10: 1e-6 covers the fit's convergence.
func TestMarginalEffectsPoisson(t *testing.T) {
	ref := readJSON(t, "randhie_poisson_margins.json")
	f, err := frame.ReadFile("../data/randhie.csv", frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	y, err := f.Column("mdvis")
	if err != nil {
		t.Fatal(err)
	}
	n, k := len(y), len(ref.Labels)+1
	x := mat.NewDense(n, k, nil)
	for j, name := range ref.Labels {
		col, err := f.Column(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range col {
			x.Set(i, j, float64(float32(v)))
		}
	}
	for i := range n {
		x.Set(i, k-1, 1)
	}
	ds, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Matrix("x", x))
	if err != nil {
		t.Fatal(err)
	}
	m := likelihoods.Poisson(k, false)
	m.Blocks[0].Labels = append(slices.Clone(ref.Labels), "const")
	res, err := mlx.Fit(testbackend.Get(t), m, ds, nil, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	est, err := stderr.Hessian(res)
	if err != nil {
		t.Fatal(err)
	}
	cols := make([]int, len(ref.Labels))
	for j := range cols {
		cols[j] = j
	}
	me, err := stderr.MarginalEffects(est, stderr.MarginsSpec{Data: ds, Design: "x", Effects: effects(t, ds, x, ref.Labels, cols, nil)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(me.Labels, ref.Labels) {
		t.Fatalf("labels %v, want %v", me.Labels, ref.Labels)
	}
	for j := range ref.AME {
		if !near(me.Effect[j], ref.AME[j], 1e-6) || !near(me.SE[j], ref.AMESE[j], 1e-6) {
			t.Errorf("%s: AME %.12g (SE %.10g), Stata %.12g (SE %.10g)", me.Labels[j], me.Effect[j], me.SE[j], ref.AME[j], ref.AMESE[j])
		}
	}
	// idp, hlthg, hlthf and hlthp as factor variables (i.idp i.hlthg i.hlthf i.hlthp), each its
	// own factor: discrete changes for them, derivatives for the others.
	factor := map[int]bool{}
	for j, name := range ref.Labels {
		factor[j] = slices.Contains([]string{"idp", "hlthg", "hlthf", "hlthp"}, name)
	}
	me, err = stderr.MarginalEffects(est, stderr.MarginsSpec{Data: ds, Design: "x", Effects: effects(t, ds, x, ref.Labels, cols, factor)})
	if err != nil {
		t.Fatal(err)
	}
	for j := range ref.AMEFactor {
		if !near(me.Effect[j], ref.AMEFactor[j], 1e-6) || !near(me.SE[j], ref.AMEFactorSE[j], 1e-6) {
			t.Errorf("%s (factor): AME %.12g (SE %.10g), Stata %.12g (SE %.10g)", me.Labels[j], me.Effect[j], me.SE[j], ref.AMEFactor[j], ref.AMEFactorSE[j])
		}
	}
}
