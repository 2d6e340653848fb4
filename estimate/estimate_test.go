package estimate_test

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/reftest"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/stderr"
)

func readStata(t *testing.T, name string) reftest.Result {
	t.Helper()
	return reftest.Read(t, "../likelihoods/testdata/"+name)
}

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

// TestSpectorFormula fits Stata's logit and probit of the Spector data through a formula and
// compares every statistic of the summary with Stata's. The data are the CSV's float64 values,
// while Stata's regressors were float32: the reference README bounds the difference at 1.3e-7
// relative for parameters and SEs, hence 1e-6 here, and 1e-6 absolute on the log-likelihoods.
func TestSpectorFormula(t *testing.T) {
	f := readFrame(t, "../data/spector.csv")
	for _, model := range []string{"logit", "probit"} {
		t.Run(model, func(t *testing.T) {
			ref := readStata(t, "spector_"+model+".json")
			rep, err := estimate.Fit(testbackend.Get(t), f, estimate.Spec{Model: model, Formula: "GRADE ~ GPA + TUCE + PSI"})
			if err != nil {
				t.Fatal(err)
			}
			// Stata's order is GPA, TUCE, PSI, _cons; the formula's is Intercept first.
			for i, name := range []string{"GPA", "TUCE", "PSI", "Intercept"} {
				b, se := coef(t, rep, name)
				if !closeTo(b, ref.Params[i], 1e-6) || !closeTo(se, ref.BSE[i], 1e-6) {
					t.Errorf("%s = %.10g (SE %.10g), Stata %.10g (%.10g)", name, b, se, ref.Params[i], ref.BSE[i])
				}
			}
			for _, c := range []struct {
				what      string
				got, want float64
			}{
				{"llf", rep.Result.LogLike, ref.LLF}, {"llnull", rep.LLNull, ref.LLNull},
				{"AIC/2", rep.AIC / 2, ref.AIC / 2}, {"BIC/2", rep.BIC / 2, ref.BIC / 2}, // −ℓ plus a constant
			} {
				if math.Abs(c.got-c.want) > 1e-6 {
					t.Errorf("%s = %.10f, Stata %.10f", c.what, c.got, c.want)
				}
			}
			if !closeTo(rep.PseudoR2, ref.PRSquared, 1e-6) || rep.LR.DF != 3 {
				t.Errorf("pseudo-R2 %v, LR %v; Stata %v", rep.PseudoR2, rep.LR, ref.PRSquared)
			}
			if rep.Margins == nil || len(rep.Margins.Labels) != 3 {
				t.Errorf("margins %v", rep.Margins)
			}
			js, err := rep.JSON()
			if err != nil {
				t.Fatal(err)
			}
			var back struct {
				LLNull       float64
				Coefficients []estimate.Coef
			}
			if err := json.Unmarshal(js, &back); err != nil || back.LLNull != rep.LLNull || len(back.Coefficients) != 4 {
				t.Errorf("JSON does not round-trip (%v):\n%s", err, js)
			}
		})
	}
}

// TestShipsFormula reproduces Stata's poisson and nbreg of accident on yr_con and op_75_79
// with exposure(service) and vce(cluster ship), through a formula on the raw CSV: the six
// incomplete rows must be dropped listwise.
func TestShipsFormula(t *testing.T) {
	f := readFrame(t, "../data/ships.csv")
	for _, tc := range []struct{ model, ref string }{
		{"poisson", "ships_poisson_exposure.json"},
		{"nbreg", "ships_negbin2_exposure.json"},
	} {
		t.Run(tc.model, func(t *testing.T) {
			ref := readStata(t, tc.ref)
			rep, err := estimate.Fit(testbackend.Get(t), f, estimate.Spec{Model: tc.model, Formula: "accident ~ yr_con + op_75_79",
				Exposure: "service", Cov: stderr.Cluster{}, Cluster: "ship"})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Result.NumObs != 34 || rep.Design.Dropped != 6 {
				t.Errorf("%d observations, %d dropped; want 34 and 6", rep.Result.NumObs, rep.Design.Dropped)
			}
			for i, name := range []string{"yr_con", "op_75_79", "Intercept"} {
				b, se := coef(t, rep, name)
				if !closeTo(b, ref.Params[i], 1e-6) || !closeTo(se, ref.BSECluster[i], 1e-6) {
					t.Errorf("%s = %.10g (cluster SE %.10g), Stata %.10g (%.10g)", name, b, se, ref.Params[i], ref.BSECluster[i])
				}
			}
			if math.Abs(rep.Result.LogLike-ref.LLF) > 1e-6 || math.Abs(rep.LLNull-ref.LLNull) > 1e-6 {
				t.Errorf("llf %.10f, llnull %.10f; Stata %.10f, %.10f", rep.Result.LogLike, rep.LLNull, ref.LLF, ref.LLNull)
			}
			if !strings.Contains(rep.String(), "adjusted for 5 clusters in ship") {
				t.Errorf("summary lacks the cluster line:\n%s", rep)
			}
		})
	}
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

// TestLongleyFormula fits NIST's Longley regression on the raw data through a formula: X'X has
// condition number about 3e19, so this checks the least-squares start and the equilibrated
// information test together. NIST certifies the coefficients and the df-corrected standard
// errors (our MLE-scale SEs times √(n/(n−k))) to 15 digits; 1e-8 leaves room for the
// conditioning (an error of about cond(X)·ε ≈ 5e9·1e-16 relative).
func TestLongleyFormula(t *testing.T) {
	f := readFrame(t, "../data/longley.csv")
	ref := readStata(t, "longley_ols.json")
	rep, err := estimate.Fit(testbackend.Get(t), f, estimate.Spec{Model: "ols", Formula: "TOTEMP ~ GNPDEFL + GNP + UNEMP + ARMED + POP + YEAR"})
	if err != nil {
		t.Fatal(err)
	}
	dfCorrection := math.Sqrt(16.0 / (16 - 7))
	for i, name := range []string{"Intercept", "GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"} {
		b, se := coef(t, rep, name)
		if !closeTo(b, ref.Params[i], 1e-8) || !closeTo(se*dfCorrection, ref.BSE[i], 1e-8) {
			t.Errorf("%s = %.15g (SE %.15g), NIST %.15g (%.15g)", name, b, se*dfCorrection, ref.Params[i], ref.BSE[i])
		}
	}
}

// TestAnesFormula fits Stata's mlogit of PID on ln(popul + 0.1), selfLR, age, educ and income,
// base outcome 0, with the transform written in the formula. Stata stored ln(popul + 0.1) as
// float32, which moves the parameters by up to 6e-7 relative (reference README), so 2e-6.
func TestAnesFormula(t *testing.T) {
	f := readFrame(t, "../data/anes96.csv")
	ref := readStata(t, "anes96_mnlogit.json")
	rep, err := estimate.Fit(testbackend.Get(t), f, estimate.Spec{Model: "mlogit", Formula: "PID ~ log(popul + 0.1) + selfLR + age + educ + income"})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{"logpopul": "log(popul + 0.1)", "const": "Intercept"}
	for i, pn := range ref.ParamNames {
		eq, x, _ := strings.Cut(pn, ":")
		if n, ok := names[x]; ok {
			x = n
		}
		b, se := coef(t, rep, eq+": "+x)
		if !closeTo(b, ref.Params[i], 2e-6) || !closeTo(se, ref.BSE[i], 2e-6) {
			t.Errorf("%s = %.10g (SE %.10g), Stata %.10g (%.10g)", pn, b, se, ref.Params[i], ref.BSE[i])
		}
	}
	if math.Abs(rep.Result.LogLike-ref.LLF) > 1e-6 || math.Abs(rep.LLNull-ref.LLNull) > 1e-6 || rep.LR.DF != 30 {
		t.Errorf("llf %.10f, llnull %.10f, LR %v; Stata %.10f, %.10f", rep.Result.LogLike, rep.LLNull, rep.LR, ref.LLF, ref.LLNull)
	}
}

// TestMarginsFormula checks how a formula shapes the average marginal effects: a C() dummy gets
// the discrete change (Stata's margins after logit grade gpa tuce i.psi; SEs printed to 7
// digits), and a variable that enters two columns (GPA and I(GPA^2)) gets its total effect,
// checked against central differences of the average predicted probability in GPA.
func TestMarginsFormula(t *testing.T) {
	f := readFrame(t, "../data/spector.csv")
	ref := reftest.Read(t, "../stderr/testdata/spector_logit_margins.json")
	rep, err := estimate.Fit(testbackend.Get(t), f, estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + C(PSI)"})
	if err != nil {
		t.Fatal(err)
	}
	m := rep.Margins
	if strings.Join(m.Labels, ",") != "GPA,TUCE,PSI=1" {
		t.Fatalf("margins of %v", m.Labels)
	}
	for j := range ref.AMEFactor {
		if !closeTo(m.Effect[j], ref.AMEFactor[j], 1e-6) || !closeTo(m.SE[j], ref.AMEFactorSE[j], 1e-5) {
			t.Errorf("%s: %.10g (%.7g), Stata %.10g (%.7g)", m.Labels[j], m.Effect[j], m.SE[j], ref.AMEFactor[j], ref.AMEFactorSE[j])
		}
	}
	rep, err = estimate.Fit(testbackend.Get(t), f, estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + I(GPA^2) + PSI"})
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
