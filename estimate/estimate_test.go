package estimate_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
)

func readFrame(t *testing.T, path string) *frame.Frame {
	t.Helper()
	f, err := frame.ReadFile(path, frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// closeTo reports whether got is within rel of want, relative to |want|.
func closeTo(got, want, rel float64) bool { return math.Abs(got-want) <= rel*math.Abs(want) }

// coef returns the estimate and SE of the row labelled name.
func coef(t *testing.T, rep *estimate.Report, name string) (float64, float64) {
	t.Helper()
	i := slices.Index(rep.Estimates.Labels, name)
	if i < 0 {
		t.Fatalf("no coefficient %q in %v", name, rep.Estimates.Labels)
	}
	return rep.Estimates.Params[i], rep.Estimates.SE[i]
}

// TestNLSMisra1a fits NIST StRD's Misra1a, y = b1(1 − exp(−b2·x)), from NIST's first start and
// compares with the certified values by the log relative error, LRE = −log10(|b − c|/|c|),
// which must be at least 6 (NIST certifies 11 digits).
func TestNLSMisra1a(t *testing.T) {
	f := readFrame(t, "../data/misra1a.csv")
	rep, err := estimate.NLS(testbackend.Get(t), f, estimate.NLSSpec{Formula: "y ~ b1*(1-exp(-b2*x))",
		Start: map[string]float64{"b1": 500, "b2": 1e-4}})
	if err != nil {
		t.Fatal(err)
	}
	// Certified values from Misra1a.dat (NIST StRD).
	for i, c := range []float64{2.3894212918e+02, 5.5015643181e-04} {
		if lre := -math.Log10(math.Abs(rep.Result.Estimates[i]-c) / c); lre < 6 {
			t.Errorf("%s = %.12g, certified %.12g (LRE %.1f)", rep.Estimates.Labels[i], rep.Result.Estimates[i], c, lre)
		}
	}
	sigma := rep.Result.Estimates[2]
	if rss := 14 * sigma * sigma; !closeTo(rss, 1.2455138894e-01, 1e-6) {
		t.Errorf("RSS %.12g, certified 1.2455138894E-01", rss)
	}
	// Cov "gn" gives the Gauss–Newton standard errors NIST certifies.
	gn, err := estimate.NLS(testbackend.Get(t), f, estimate.NLSSpec{Formula: "y ~ b1*(1-exp(-b2*x))",
		Start: map[string]float64{"b1": 500, "b2": 1e-4}, Cov: "gn"})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []float64{2.7070075241e+00, 7.2668688436e-06} {
		if se := gn.Estimates.SE[i]; gn.Estimates.Kind != "Gauss-Newton" || !closeTo(se, c, 1e-6) {
			t.Errorf("%s SE of %s = %.10g, certified %.10g", gn.Estimates.Kind, gn.Estimates.Labels[i], se, c)
		}
	}
}

// TestErrors checks that bad specifications are errors that name the problem.
func TestErrors(t *testing.T) {
	f := readFrame(t, "../data/ships.csv")
	misra := readFrame(t, "../data/misra1a.csv")
	b := testbackend.Get(t)
	ten := 10.0
	for _, tc := range []struct {
		name string
		spec estimate.Spec
		want string
	}{
		{"unknown model", estimate.Spec{Model: "lgoit", Formula: "accident ~ yr_con"}, `unknown model "lgoit"`},
		{"unknown column", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_cn"}, "yr_cn"},
		{"non-binary logit", estimate.Spec{Model: "logit", Formula: "accident ~ yr_con"}, "logit needs accident to be 0 or 1"},
		{"bad covariance", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con", Cov: "hc3"}, `unknown covariance "hc3"`},
		{"Gauss-Newton outside nls", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con", Cov: "gn"}, "not poisson"},
		{"cluster without column", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con", Cov: "cluster:"}, "names no column"},
		{"bad method", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con", Method: "simplex"}, `unknown method "simplex"`},
		{"offset and exposure", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con", Offset: "service", Exposure: "service"}, "not both"},
		{"tobit without limits", estimate.Spec{Model: "tobit", Formula: "accident ~ yr_con"}, "lower or an upper censoring limit"},
		{"tobit limits reversed", estimate.Spec{Model: "tobit", Formula: "accident ~ yr_con", Options: likelihoods.Options{Lower: &ten, Upper: new(float64)}}, "must be below"},
		{"clogit without group", estimate.Spec{Model: "clogit", Formula: "accident ~ yr_con"}, "choice-set column"},
		{"mlogit unknown base", estimate.Spec{Model: "mlogit", Formula: "op_75_79 ~ yr_con", Options: likelihoods.Options{Base: &ten}}, "base outcome 10"},
		{"malformed formula", estimate.Spec{Model: "poisson", Formula: "accident ~ + "}, "formula"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := estimate.Fit(b, f, tc.spec); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name string
		spec estimate.NLSSpec
		want string
	}{
		{"no tilde", estimate.NLSSpec{Formula: "b1*x"}, `no "~"`},
		{"unknown function", estimate.NLSSpec{Formula: "y ~ b1*expp(x)", Start: map[string]float64{"b1": 1}}, `unknown function "expp"`},
		{"missing start", estimate.NLSSpec{Formula: "y ~ b1*(1-exp(-b2*x))", Start: map[string]float64{"b1": 1}}, "b2 has no start value"},
		{"unused start", estimate.NLSSpec{Formula: "y ~ b1*x", Start: map[string]float64{"b1": 1, "b3": 2}}, "start values for b3"},
		{"no parameters", estimate.NLSSpec{Formula: "y ~ x"}, "has no parameters"},
		{"non-finite start", estimate.NLSSpec{Formula: "y ~ b1*log(x - 1000)", Start: map[string]float64{"b1": 1}}, "at the start values in data row 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := estimate.NLS(b, misra, tc.spec); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestMarginsFormula checks that a variable that enters two columns (GPA and I(GPA^2)) gets its
// total effect, against central differences of the average predicted probability in GPA. (The
// discrete change of a C() dummy is checked against Stata in TestReferences.)
func TestMarginsFormula(t *testing.T) {
	f := readFrame(t, "../data/spector.csv")
	rep, err := estimate.Fit(testbackend.Get(t), f, estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + I(GPA^2) + PSI"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rep.Margins.Labels, ",") != "GPA,PSI" {
		t.Fatalf("margins of %v", rep.Margins.Labels)
	}
	b := rep.Result.Estimates // Intercept, GPA, I(GPA^2), PSI
	gpa, psi := rep.Design.X.ColView(1), rep.Design.X.ColView(3)
	avg := func(shift float64) float64 {
		s := 0.0
		for i := range gpa.Len() {
			g := gpa.AtVec(i) + shift
			s += 1 / (1 + math.Exp(-(b[0] + b[1]*g + b[2]*g*g + b[3]*psi.AtVec(i))))
		}
		return s / float64(gpa.Len())
	}
	const h = 1e-6
	if fd := (avg(h) - avg(-h)) / (2 * h); !closeTo(rep.Margins.Effect[0], fd, 1e-6) {
		t.Errorf("AME of GPA through GPA and GPA²: %.10g, finite differences %.10g", rep.Margins.Effect[0], fd)
	}
}
