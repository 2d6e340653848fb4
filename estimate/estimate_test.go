package estimate_test

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/stderr"
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

// TestLevel fits Spector's logit with Level 0.9: every interval of the coefficients and of the
// marginal effects is value ± 1.6448536269514722·SE (the standard normal's 0.95 quantile), the
// table heads say [0.05 and 0.95], and the JSON report carries the level.
func TestLevel(t *testing.T) {
	const z95 = 1.6448536269514722
	rep, err := estimate.Fit(testbackend.Get(t), readFrame(t, "../data/spector.csv"),
		estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI", Level: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	e, m := rep.Estimates, rep.Margins
	if e.Level != 0.9 || m.Estimates.Level != 0.9 {
		t.Errorf("levels %v and %v, want 0.9", e.Level, m.Estimates.Level)
	}
	for i := range e.Params {
		if lo := e.Params[i] - z95*e.SE[i]; !closeTo(e.Lower[i], lo, 1e-14) {
			t.Errorf("%s: lower bound %v, want %v", e.Labels[i], e.Lower[i], lo)
		}
	}
	for i := range m.Effect {
		if hi := m.Effect[i] + z95*m.SE[i]; !closeTo(m.Upper[i], hi, 1e-14) {
			t.Errorf("effect of %s: upper bound %v, want %v", m.Labels[i], m.Upper[i], hi)
		}
	}
	if text := rep.String(); strings.Count(text, "[0.05") != 2 || strings.Count(text, "0.95]") != 2 {
		t.Errorf("the coefficient and margins tables do not both head their intervals [0.05, 0.95]:\n%s", text)
	}
	js, err := rep.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Level float64 }
	if err := json.Unmarshal(js, &got); err != nil || got.Level != 0.9 {
		t.Errorf("JSON level %v (%v)", got.Level, err)
	}
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
	// Cov stderr.GaussNewton{} gives the Gauss–Newton standard errors NIST certifies.
	gn, err := estimate.NLS(testbackend.Get(t), f, estimate.NLSSpec{Formula: "y ~ b1*(1-exp(-b2*x))",
		Start: map[string]float64{"b1": 500, "b2": 1e-4}, Cov: stderr.GaussNewton{}})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []float64{2.7070075241e+00, 7.2668688436e-06} {
		if se := gn.Estimates.SE[i]; gn.Estimates.Kind.String() != "Gauss-Newton" || !closeTo(se, c, 1e-6) {
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
		{"Gauss-Newton outside nls", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con", Cov: stderr.GaussNewton{}}, "not poisson"},
		{"cluster without column", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con", Cov: stderr.Cluster{}}, "names no column"},
		{"cluster column without cluster", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con", Cov: stderr.Robust{}, Cluster: "ship"}, `Cluster names column "ship", but the covariance is Robust`},
		{"cluster groups given", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con", Cov: stderr.Cluster{Groups: []int{1, 2}}, Cluster: "ship"}, "name the cluster column in Cluster instead"},
		{"unknown cluster column", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con", Cov: stderr.Cluster{}, Cluster: "shipp"}, "shipp"},
		{"level above 1", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con", Level: 90}, "confidence level 90"},
		{"offset and exposure", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con", Offset: "service", Exposure: "service"}, "not both"},
		{"offset term for logit", estimate.Spec{Model: "logit", Formula: "op_75_79 ~ yr_con + offset(log(service))"},
			"estimate: logit takes no offset, but the formula has offset(log(service)) (models with an offset: nbreg, poisson)"},
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
		{"Gauss-Newton with J", estimate.NLSSpec{Formula: "y ~ b1*x", Start: map[string]float64{"b1": 1}, Cov: stderr.GaussNewton{RSS: 1}}, "give Cov stderr.GaussNewton{}"},
		{"level 0.9 percent", estimate.NLSSpec{Formula: "y ~ b1*x", Start: map[string]float64{"b1": 1}, Level: -0.9}, "confidence level -0.9"},
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
