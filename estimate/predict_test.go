package estimate_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/testbackend"
)

// TestPredictAgainstR compares every row's predictions, their delta-method standard errors and
// the residuals with R's predict(se.fit = TRUE) and residuals() (testdata/predict/predict.R).
func TestPredictAgainstR(t *testing.T) {
	b := testbackend.Get(t)
	ref := rReference(t, "testdata/predict/predict.out")
	for _, tc := range []struct {
		name string
		spec estimate.Spec
		data string
		// columns maps our column names to R's, and seColumns our SE columns to R's.
		columns, seColumns map[string]string
	}{
		{"logit", estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI"}, "../data/spector.csv",
			map[string]string{"xb": "logit_xb", "Pr(y=1)": "logit_pr", "resid": "logit_resid", "pearson": "logit_pearson", "deviance": "logit_deviance"},
			map[string]string{"xb": "logit_xb_se", "Pr(y=1)": "logit_pr_se"}},
		{"poisson", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con + op_75_79", Exposure: "service"}, "../data/ships.csv",
			map[string]string{"xb": "poisson_xb", "E[y]": "poisson_mu", "resid": "poisson_resid", "pearson": "poisson_pearson", "deviance": "poisson_deviance"},
			map[string]string{"xb": "poisson_xb_se", "E[y]": "poisson_mu_se"}},
		{"nbreg", estimate.Spec{Model: "nbreg", Formula: "accident ~ yr_con + op_75_79", Exposure: "service"}, "../data/ships.csv",
			map[string]string{"E[y]": "nbreg_mu", "pearson": "nbreg_pearson", "deviance": "nbreg_deviance"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := estimate.Fit(b, readFrame(t, tc.data), tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			p, err := rep.Predict()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.Rows, rep.Design.Rows) {
				t.Errorf("rows %v, want the fit's %v", p.Rows, rep.Design.Rows)
			}
			check := func(name string, got, want []float64) {
				t.Helper()
				if len(got) != len(want) {
					t.Fatalf("%s: %d values, R has %d", name, len(got), len(want))
				}
				for i := range want {
					if math.Abs(got[i]-want[i]) > 1e-6*math.Max(math.Abs(want[i]), 1e-3) {
						t.Errorf("%s row %d: %v, R %v", name, i, got[i], want[i])
						return
					}
				}
			}
			for _, c := range p.Columns {
				if r, ok := tc.columns[c.Name]; ok {
					check(c.Name, c.Values, ref[r])
					delete(tc.columns, c.Name)
				}
				if r, ok := tc.seColumns[c.Name]; ok {
					check("SE of "+c.Name, c.SE, ref[r])
					delete(tc.seColumns, c.Name)
				}
			}
			if len(tc.columns)+len(tc.seColumns) > 0 {
				t.Errorf("no column for %v %v", tc.columns, tc.seColumns)
			}
		})
	}
}

// TestPredictOutcomesAndErrors checks the per-outcome columns of a multi-outcome model (the
// probabilities of each row sum to one), the robust covariance reaching the prediction SEs,
// and the refusal of choice data.
func TestPredictOutcomesAndErrors(t *testing.T) {
	b := testbackend.Get(t)
	rep, err := estimate.Fit(b, readFrame(t, "../data/anes96.csv"), estimate.Spec{Model: "ologit", Formula: "PID ~ selfLR + age + educ"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := rep.Predict()
	if err != nil {
		t.Fatal(err)
	}
	var probs [][]float64
	for _, c := range p.Columns {
		if strings.HasPrefix(c.Name, "Pr(PID=") {
			probs = append(probs, c.Values)
		}
	}
	if len(probs) != 7 {
		var names []string
		for _, c := range p.Columns {
			names = append(names, c.Name)
		}
		t.Fatalf("%d outcome columns, want PID's 7: %q", len(probs), names)
	}
	for i := range probs[0] {
		sum := 0.0
		for _, pr := range probs {
			sum += pr[i]
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Fatalf("row %d: probabilities sum to %v", i, sum)
		}
	}
	cl, err := estimate.Fit(b, readFrame(t, "../data/modechoice.csv"), estimate.Spec{Model: "clogit", Formula: "choice ~ ttme", Group: "individual"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Predict(); err == nil || !strings.Contains(err.Error(), "choice data") {
		t.Errorf("clogit predictions: error %v, want one about choice data", err)
	}
}

// TestPredictDuration checks a Weibull fit's survival, hazard and median predictions against
// their closed forms in the linear index xb and the shape p: S(t) = exp(−e^xb t^p),
// h(t) = p t^(p−1) e^xb, and S(median) = ½.
func TestPredictDuration(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	n := 300
	x, dur, fail := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		x[i] = r.NormFloat64()
		// Weibull(p = 1.5) with hazard multiplier exp(0.2 + 0.6x): t = (E / e^η)^(1/p).
		dur[i] = math.Pow(r.ExpFloat64()/math.Exp(0.2+0.6*x[i]), 1/1.5)
		fail[i] = 1
		if c := 2 * r.Float64(); c < dur[i] {
			dur[i], fail[i] = c, 0
		}
	}
	f, err := frame.New([]string{"t", "x", "died"}, [][]float64{dur, x, fail})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := estimate.Fit(testbackend.Get(t), f, estimate.Spec{Model: "weibull", Formula: "t ~ x", Failure: "died"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := rep.Predict()
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string][]float64{}
	for _, c := range p.Columns {
		cols[c.Name] = c.Values
	}
	shape := rep.Result.Estimates[2]
	for i := range n {
		xb := cols["xb"][i]
		if s := math.Exp(-math.Exp(xb) * math.Pow(dur[i], shape)); math.Abs(cols["survival"][i]-s) > 1e-13 {
			t.Fatalf("row %d: survival %v, closed form %v", i, cols["survival"][i], s)
		}
		if h := shape * math.Pow(dur[i], shape-1) * math.Exp(xb); math.Abs(cols["hazard"][i]-h) > 1e-12*h {
			t.Fatalf("row %d: hazard %v, closed form %v", i, cols["hazard"][i], h)
		}
		if s := math.Exp(-math.Exp(xb) * math.Pow(cols["median time"][i], shape)); math.Abs(s-0.5) > 1e-13 {
			t.Fatalf("row %d: S(median) = %v", i, s)
		}
	}
}

// TestLastIterateWithoutSE stops Misra1a's nonlinear regression after one iteration, where −H
// is not negative definite: the report holds the last iterate with NaN standard errors and a
// warning, not an error, as a fit stopped by its limit should.
func TestLastIterateWithoutSE(t *testing.T) {
	spec := estimate.NLSSpec{Formula: "y ~ b1*(1-exp(-b2*x))", Start: map[string]float64{"b1": 500, "b2": 1e-4}}
	spec.Settings.MaxIterations = 1
	rep, err := estimate.NLS(testbackend.Get(t), readFrame(t, "../data/misra1a.csv"), spec)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Result.Status.Converged() {
		t.Fatal("converged in one iteration")
	}
	for i, se := range rep.Estimates.SE {
		if !math.IsNaN(se) || math.IsNaN(rep.Estimates.Params[i]) {
			t.Errorf("%s: %v (SE %v), want the iterate with a NaN SE", rep.Estimates.Labels[i], rep.Estimates.Params[i], se)
		}
	}
	if !strings.Contains(rep.String(), "no standard errors at the last iterate") {
		t.Errorf("no warning in the report:\n%s", rep)
	}
}

// TestJSONNonFinite saves a fit whose log-likelihood is −Inf (a constant outcome: σ runs to
// zero and the fit fails there): JSON has no such numbers, so they are written as null and read
// back as NaN.
func TestJSONNonFinite(t *testing.T) {
	f, err := frame.New([]string{"y", "x"}, [][]float64{{1, 1, 1, 1}, {1, 2, 3, 5}})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := estimate.Fit(testbackend.Get(t), f, estimate.Spec{Model: "ols", Formula: "y ~ x"})
	if err != nil {
		t.Fatal(err)
	}
	js, err := rep.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"LogLike": null`) {
		t.Errorf("the log-likelihood %v is not null in the JSON", rep.Result.LogLike)
	}
	s, err := estimate.Load(strings.NewReader(string(js)))
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(s.LogLike) {
		t.Errorf("log-likelihood read back as %v, want NaN", s.LogLike)
	}
}
