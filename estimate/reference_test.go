package estimate_test

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/reftest"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/stderr"
	"github.com/gomle/gomle/validation/nist"
	"gonum.org/v1/gonum/mat"
)

// tolerance bounds the differences from a reference. A zero field takes the default given.
type tolerance struct {
	params float64 // parameters, relative; 1e-6, the bar
	se     float64 // standard errors of every kind, and SE(ln α), relative; 1e-6
	ll     float64 // log-likelihoods (llf, llnull), absolute; 1e-6
	ic     float64 // AIC and BIC, absolute; 2e-6, as they are −2ℓ plus a constant
	stat   float64 // LR χ², its p-value and pseudo-R², relative; 1e-6
	me     float64 // marginal effects, relative; 1e-6
	meSE   float64 // their standard errors, relative; 1e-6
}

func (t tolerance) withDefaults() tolerance {
	for _, f := range []*float64{&t.params, &t.se, &t.ll, &t.stat, &t.me, &t.meSE} {
		if *f == 0 {
			*f = 1e-6
		}
	}
	if t.ic == 0 {
		t.ic = 2e-6
	}
	return t
}

// TestReferences fits every shipped reference result (internal/reftest/testdata) through
// estimate.Fit, the way a user fits a formula to a CSV file, and compares the report with every
// number the reference files give of the fields below, each with its own tolerance:
//
//	params, bse (OIM), bse_robust, bse_cluster, lnalpha_se  estimates and standard errors
//	llf, llnull, llr, llr_pvalue, df_model, prsquared        fit statistics and the LR test
//	aic, bic                                               information criteria
//	ame, ame_se, ame_factor, ame_factor_se, mem, mem_se    marginal effects (Stata's margins)
//
// A field that a case cannot compare is listed in its skip map with the reason; what is
// particular to one reference is in its extra function. At each fit it also checks the exact
// gradient and Hessian against finite differences (reftest.CheckDerivatives).
//
// Stata stored the regressors of the Spector, RandHIE Poisson and ANES multinomial runs as
// float32 (each file's "notes"); prep rounds them the same way, which reproduces Stata's
// numbers where the float64 data would be 1e-7 relative away.
func TestReferences(t *testing.T) {
	unfitted := reftest.Names()
	defer func() {
		if len(unfitted) > 0 {
			t.Errorf("no case fits the references %v", unfitted)
		}
	}()
	for _, tc := range []struct {
		name string   // subtest name
		refs []string // reference files compared with this one fit, under internal/reftest/testdata
		data string   // the dataset, under data/
		// prep, if not nil, turns the dataset into the data as the reference's program held them.
		prep func(t *testing.T, f *frame.Frame) *frame.Frame
		spec estimate.Spec // the fit; Cov is the kind the report shows, the other kinds come from stderr
		// names maps the reference's parameter and effect names to our labels where they
		// differ; "PID=1:x" is read as equation PID=1, name x.
		names map[string]string
		tol   tolerance         // zero fields take the defaults
		skip  map[string]string // field (or field:label) → why it is not compared
		// loose maps a field whose reference carries fewer correct digits than it prints to
		// the evidence: its values need only the tolerance, not every printed digit.
		loose map[string]string
		// effectsOnSE compares an effect near zero on the scale of its standard error: the
		// tolerance is tol.me·max(|effect|, SE). R's ordered-model effects cross zero.
		effectsOnSE bool
		// extra checks what is particular to this reference; it runs once per file of refs.
		extra func(t *testing.T, rep *estimate.Report, ref reftest.Result)
	}{
		{
			name: "spector_logit", refs: []string{"spector_logit.json", "spector_logit_margins.json"},
			data: "spector.csv", prep: round32("GPA", "TUCE", "PSI"),
			spec:  estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI"},
			names: map[string]string{"const": "Intercept"},
			// The margins' SEs are printed to 7 significant digits.
			tol:   tolerance{meSE: 1e-5},
			loose: map[string]string{"bse_robust": "Stata's glm, vce(robust), 1e-7 from R's sandwich at the Newton-polished estimates (TestPrecision, spector_logit_robust_float32), which ours match to 11 digits"},
			// The factor effects need C(PSI): the next case.
			skip: map[string]string{"ame_factor": "PSI is numeric here", "ame_factor_se": "PSI is numeric here"},
		},
		{
			name: "spector_logit/factor", refs: []string{"spector_logit_margins.json"},
			data: "spector.csv", prep: round32("GPA", "TUCE", "PSI"),
			spec:  estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + C(PSI)"},
			names: map[string]string{"PSI": "PSI=1"},
			tol:   tolerance{meSE: 1e-5},
			skip:  map[string]string{"ame": "PSI is a factor here", "ame_se": "PSI is a factor here"},
		},
		{
			name: "spector_probit", refs: []string{"spector_probit.json"},
			data: "spector.csv", prep: round32("GPA", "TUCE", "PSI"),
			spec:  estimate.Spec{Model: "probit", Formula: "GRADE ~ GPA + TUCE + PSI"},
			names: map[string]string{"const": "Intercept"},
		},
		{
			name: "ships_poisson_exposure", refs: []string{"ships_poisson_exposure.json"}, data: "ships.csv",
			spec:  estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con + op_75_79", Exposure: "service", Cov: stderr.Cluster{}, Cluster: "ship"},
			names: map[string]string{"const": "Intercept"}, extra: shipsRows,
		},
		{
			name: "ships_negbin2_exposure", refs: []string{"ships_negbin2_exposure.json"}, data: "ships.csv",
			spec:  estimate.Spec{Model: "nbreg", Formula: "accident ~ yr_con + op_75_79", Exposure: "service", Cov: stderr.Cluster{}, Cluster: "ship"},
			names: map[string]string{"const": "Intercept"}, extra: shipsRows,
		},
		{
			// The exposure as an offset term of the formula, as R writes it.
			name: "ships_poisson_exposure/formula", refs: []string{"ships_poisson_exposure.json"}, data: "ships.csv",
			spec:  estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con + op_75_79 + offset(log(service))", Cov: stderr.Cluster{}, Cluster: "ship"},
			names: map[string]string{"const": "Intercept"}, extra: shipsRows,
		},
		{
			name: "ships_negbin2_exposure/formula", refs: []string{"ships_negbin2_exposure.json"}, data: "ships.csv",
			spec:  estimate.Spec{Model: "nbreg", Formula: "accident ~ yr_con + op_75_79 + offset(log(service))", Cov: stderr.Cluster{}, Cluster: "ship"},
			names: map[string]string{"const": "Intercept"}, extra: shipsRows,
		},
		{
			name: "ships_poisson", refs: []string{"ships_poisson.json"}, data: "ships.csv",
			spec:  estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con + op_75_79", Cov: stderr.Cluster{}, Cluster: "ship"},
			names: map[string]string{"const": "Intercept"}, extra: shipsRows,
		},
		{
			name: "ships_negbin2", refs: []string{"ships_negbin2.json"}, data: "ships.csv",
			spec:  estimate.Spec{Model: "nbreg", Formula: "accident ~ yr_con + op_75_79", Cov: stderr.Cluster{}, Cluster: "ship"},
			names: map[string]string{"const": "Intercept"}, extra: shipsRows,
			loose: map[string]string{
				"params":      "Stata stopped with a score of 8e-7 (the file's notes); R's Newton-polished fit (TestPrecision, ships_negbin2) matches ours to 11 digits",
				"bse_robust":  "computed at Stata's estimates, 6e-7 from the maximum",
				"bse_cluster": "computed at Stata's estimates, 6e-7 from the maximum",
			},
		},
		{
			// logpopul = ln(popul + 0.1), stored by Stata as float32.
			name: "anes96_mnlogit", refs: []string{"anes96_mnlogit.json"}, data: "anes96.csv",
			prep:  anesLogPopul,
			spec:  estimate.Spec{Model: "mlogit", Formula: "PID ~ logpopul + selfLR + age + educ + income"},
			names: map[string]string{"const": "Intercept"},
		},
		{
			name: "randhie_poisson", refs: []string{"randhie_poisson.json", "randhie_poisson_margins.json"},
			data: "randhie.csv", prep: round32(randHIEVars...),
			spec:  estimate.Spec{Model: "poisson", Formula: "mdvis ~ " + strings.Join(randHIEVars, " + ")},
			names: map[string]string{"const": "Intercept"},
			skip:  map[string]string{"ame_factor": "numeric regressors here", "ame_factor_se": "numeric regressors here"},
		},
		{
			// idp, hlthg, hlthf and hlthp as factor variables (Stata's i.idp i.hlthg i.hlthf
			// i.hlthp), each its own factor: discrete changes for them, derivatives for the others.
			name: "randhie_poisson/factor", refs: []string{"randhie_poisson_margins.json"},
			data: "randhie.csv", prep: round32(randHIEVars...),
			spec:  estimate.Spec{Model: "poisson", Formula: "mdvis ~ lncoins + C(idp) + lpi + fmde + physlm + disea + C(hlthg) + C(hlthf) + C(hlthp)"},
			names: map[string]string{"idp": "idp=1", "hlthg": "hlthg=1", "hlthf": "hlthf=1", "hlthp": "hlthp=1"},
			skip:  map[string]string{"ame": "factors here", "ame_se": "factors here"},
		},
		{
			// The NB2 run used double-precision data. From estimate's start (the constant-only
			// fit) gonum's Newton, the previous default, stopped on a failed line search with a
			// gradient of 7e-3 against the 2e-3 its test needs (n = 20190) on the pure-Go
			// backend; the default Newton converges, as does the trust region.
			name: "randhie_negbin2", refs: []string{"randhie_negbin2.json"}, data: "randhie.csv",
			spec:  estimate.Spec{Model: "nbreg", Formula: "mdvis ~ " + strings.Join(randHIEVars, " + ")},
			names: map[string]string{"const": "Intercept"},
			// SE(ln α) is printed to six significant digits: half a unit in the sixth digit of
			// 0.0143932 is 5e-8, 3.47e-6 relative.
			tol:   tolerance{se: 3.47e-6},
			skip:  map[string]string{"bse": "R's glm.nb SEs, α fixed and expected information: negBin2RandHIE"},
			loose: map[string]string{"params": "R 2.15's glm.nb stops at its default tolerance; the Newton-polished fit (TestPrecision, randhie_negbin2) matches ours to 11 digits"},
			extra: negBin2RandHIE,
		},
		{
			// Longley's X'X has condition number about 3e19: this checks the least-squares start
			// and the equilibrated information test together. 1e-8 leaves room for the
			// conditioning (an error of about cond(X)·ε ≈ 5e9·1e-16 relative); likelihoods'
			// TestLongley reaches 1e-10 by fitting in standardized units.
			// ML: the maximum-likelihood table; TestLeastSquares checks the least-squares one,
			// the default, against NIST's SEs and R's lm directly.
			name: "longley_ols", refs: []string{"longley_ols.json"}, data: "longley.csv",
			spec:  estimate.Spec{Model: "ols", Formula: "TOTEMP ~ GNPDEFL + GNP + UNEMP + ARMED + POP + YEAR", ML: true},
			names: map[string]string{"const": "Intercept"},
			// The log-likelihood is printed to 4 decimals: half a unit in the last place.
			tol: tolerance{params: 1e-8, ll: 5e-5},
			skip: map[string]string{
				"bse": "NIST's SEs use s² = SSR/(n−k): longleySE",
				"aic": "statsmodels counts the 7 coefficients, gomle every estimated parameter (σ too)",
				"bic": "statsmodels counts the 7 coefficients, gomle every estimated parameter (σ too)",
			},
			extra: longleySE,
		},
		{
			name: "ordered/anes96_ologit", refs: []string{"ordered/anes96_ologit.json"}, data: "anes96.csv",
			spec: estimate.Spec{Model: "ologit", Formula: "PID ~ log(popul + 0.1) + selfLR + age + educ + income"},
			// R's log-likelihoods come from the Newton-polished optimum (max |gradient| 1e-12):
			// 1e-10 relative of the smallest of them (|ℓ| ≥ 1494) is 1.4e-7. The effects' SEs
			// are compared to 1e-5.
			tol:         tolerance{ll: 1.4e-7, meSE: 1e-5},
			effectsOnSE: true, extra: orderedLR,
			names: orderedCuts,
		},
		{
			name: "ordered/anes96_ologit/atmeans", refs: []string{"ordered/anes96_ologit.json"}, data: "anes96.csv",
			spec:        estimate.Spec{Model: "ologit", Formula: "PID ~ log(popul + 0.1) + selfLR + age + educ + income", Margins: estimate.MarginsChoice{AtMeans: true}},
			tol:         tolerance{ll: 1.4e-7, meSE: 1e-5},
			effectsOnSE: true, names: orderedCuts,
			skip: map[string]string{"mem:popul": "R's effect at the means of popul is for the column log(popul + 0.1)"},
		},
		{
			name: "ordered/anes96_oprobit", refs: []string{"ordered/anes96_oprobit.json"}, data: "anes96.csv",
			spec:        estimate.Spec{Model: "oprobit", Formula: "PID ~ log(popul + 0.1) + selfLR + age + educ + income"},
			tol:         tolerance{ll: 1.4e-7, meSE: 1e-5},
			effectsOnSE: true, extra: orderedLR, names: orderedCuts,
		},
		{
			name: "ordered/anes96_oprobit/atmeans", refs: []string{"ordered/anes96_oprobit.json"}, data: "anes96.csv",
			spec:        estimate.Spec{Model: "oprobit", Formula: "PID ~ log(popul + 0.1) + selfLR + age + educ + income", Margins: estimate.MarginsChoice{AtMeans: true}},
			tol:         tolerance{ll: 1.4e-7, meSE: 1e-5},
			effectsOnSE: true, names: orderedCuts,
			skip: map[string]string{"mem:popul": "R's effect at the means of popul is for the column log(popul + 0.1)"},
		},
	} {
		for _, file := range tc.refs {
			unfitted = slices.DeleteFunc(unfitted, func(name string) bool { return name == file })
		}
		t.Run(tc.name, func(t *testing.T) {
			f := readFrame(t, "../data/"+tc.data)
			if tc.prep != nil {
				f = tc.prep(t, f)
			}
			rep, err := estimate.Fit(testbackend.Get(t), f, tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Result.Status.Converged() {
				t.Fatalf("%v: %s", rep.Result.Status, rep.Result.Reason)
			}
			c := &refCheck{t: t, rep: rep, names: tc.names, tol: tc.tol.withDefaults(), skip: tc.skip, loose: tc.loose, onSE: tc.effectsOnSE}
			for _, file := range tc.refs {
				ref := reftest.Read(t, file)
				c.compare(ref)
				if tc.extra != nil {
					tc.extra(t, rep, ref)
				}
			}
			for key := range tc.skip {
				if !c.skipped[key] {
					t.Errorf("skip %q names no field of %v", key, tc.refs)
				}
			}
			reftest.CheckDerivatives(t, rep.Result.Evaluator(), rep.Result.Unconstrained)
		})
	}
}

// refCheck compares one report with reference files.
type refCheck struct {
	t       *testing.T
	rep     *estimate.Report
	names   map[string]string
	tol     tolerance
	skip    map[string]string
	skipped map[string]bool
	loose   map[string]string
	onSE    bool
}

// label returns our label for the reference's name: an equation prefix "PID=1:x" becomes
// "PID=1: x", and names maps the rest.
func (c *refCheck) label(name string) string {
	if eq, x, ok := strings.Cut(name, ":"); ok {
		return eq + ": " + c.label(x)
	}
	if l, ok := c.names[name]; ok {
		return l
	}
	return name
}

// wants reports whether the reference sets field and the case compares it.
func (c *refCheck) wants(ref reftest.Result, field string) bool {
	if !ref.Has(field) {
		return false
	}
	if _, ok := c.skip[field]; ok {
		c.mark(field)
		return false
	}
	return true
}

func (c *refCheck) mark(key string) {
	if c.skipped == nil {
		c.skipped = map[string]bool{}
	}
	c.skipped[key] = true
}

// params returns our values in the reference's parameter order.
func (c *refCheck) params(ref reftest.Result, values []float64) []float64 {
	c.t.Helper()
	out := make([]float64, len(ref.ParamNames))
	for i, name := range ref.ParamNames {
		j := slices.Index(c.rep.Estimates.Labels, c.label(name))
		if j < 0 {
			c.t.Fatalf("no parameter %q (reference %q) among %v", c.label(name), name, c.rep.Estimates.Labels)
		}
		out[i] = values[j]
	}
	return out
}

// standardErrors returns the SEs of the covariance kind ("OIM", "Robust" or "Cluster"): the
// report's own when its Cov asks for that kind, else computed by stderr from the same fit.
func (c *refCheck) standardErrors(kind string) []float64 {
	c.t.Helper()
	if c.rep.Estimates.Kind.String() == kind {
		return c.rep.Estimates.SE
	}
	var est *stderr.Estimates
	var err error
	switch kind {
	case "OIM":
		est, err = stderr.Hessian(c.rep.Result)
	case "Robust":
		est, err = stderr.New(c.rep.Result, stderr.Robust{}, nil)
	default:
		c.t.Fatalf("the reference has %s SEs: fit with that Cov", kind)
	}
	if err != nil {
		c.t.Fatal(err)
	}
	return est.SE
}

func (c *refCheck) compare(ref reftest.Result) {
	t := c.t
	t.Helper()
	if c.wants(ref, "params") {
		c.vector("params", c.params(ref, c.rep.Estimates.Params), ref.Params, c.tol.params)
	}
	for _, se := range []struct {
		field, kind string
		want        []float64
	}{{"bse", "OIM", ref.BSE}, {"bse_robust", "Robust", ref.BSERobust}, {"bse_cluster", "Cluster", ref.BSECluster}} {
		if c.wants(ref, se.field) {
			c.vector(se.field, c.params(ref, c.standardErrors(se.kind)), se.want, c.tol.se)
		}
	}
	if c.wants(ref, "lnalpha_se") { // SE(ln α) = SE(α)/α by the delta method
		i := slices.Index(ref.ParamNames, "alpha")
		p, s := c.params(ref, c.rep.Estimates.Params), c.params(ref, c.standardErrors("OIM"))
		c.scalar("lnalpha_se", s[i]/p[i], ref.LnAlphaSE, c.tol.se*ref.LnAlphaSE)
	}
	lr := stderr.ChiSquare{Stat: math.NaN(), P: math.NaN(), DF: -1} // no LR test: every comparison fails
	if c.rep.LR != nil {
		lr = *c.rep.LR
	}
	for _, s := range []struct {
		field     string
		got, want float64
		tol       float64
	}{
		{"llf", c.rep.Result.LogLike, ref.LLF, c.tol.ll},
		{"llnull", c.rep.LLNull, ref.LLNull, c.tol.ll},
		{"llr", lr.Stat, ref.LLR, c.tol.stat * math.Abs(ref.LLR)},
		{"llr_pvalue", lr.P, ref.LLRPValue, c.tol.stat * math.Abs(ref.LLRPValue)},
		{"df_model", float64(lr.DF), ref.DFModel, 0},
		{"prsquared", c.rep.PseudoR2, ref.PRSquared, c.tol.stat * math.Abs(ref.PRSquared)},
		{"aic", c.rep.AIC, ref.AIC, c.tol.ic},
		{"bic", c.rep.BIC, ref.BIC, c.tol.ic},
	} {
		if c.wants(ref, s.field) {
			c.scalar(s.field, s.got, s.want, s.tol)
		}
	}
	m := c.rep.Margins
	atMeans := c.rep.Spec.Margins.AtMeans
	for _, e := range []struct {
		effect, se string
		want, sd   [][]float64
		labels     []string
		use        bool
	}{
		{"ame", "ame_se", [][]float64{ref.AME}, [][]float64{ref.AMESE}, ref.Labels, ref.AME != nil && !atMeans},
		{"ame", "ame_se", ref.AMEByOutcome, ref.AMEByOutcomeSE, ref.AMEVars, ref.AMEByOutcome != nil && !atMeans},
		{"ame_factor", "ame_factor_se", [][]float64{ref.AMEFactor}, [][]float64{ref.AMEFactorSE}, ref.Labels, ref.AMEFactor != nil},
		{"mem", "mem_se", ref.MEM, ref.MEMSE, ref.AMEVars, ref.MEM != nil && atMeans},
	} {
		if !e.use {
			continue
		}
		if we, ws := c.wants(ref, e.effect), c.wants(ref, e.se); !we || !ws {
			continue
		}
		if m == nil {
			t.Fatalf("%s: the report has no marginal effects", e.effect)
		}
		nv := len(e.labels)
		if len(m.Effect) != len(e.want)*nv {
			t.Fatalf("%s: %d effects (%v), want %d outcomes × %d variables", e.effect, len(m.Effect), m.Labels, len(e.want), nv)
		}
		// Rows are outcome-major, the variables in formula order.
		for r := range m.Effect {
			j := r / nv
			v := slices.IndexFunc(e.labels, func(name string) bool { return c.label(name) == m.Labels[r] })
			if v < 0 {
				t.Fatalf("%s: effect %q is not one of the reference's %v", e.effect, m.Labels[r], e.labels)
			}
			if _, ok := c.skip[e.effect+":"+e.labels[v]]; ok {
				c.mark(e.effect + ":" + e.labels[v])
				continue
			}
			want, sd := e.want[j][v], e.sd[j][v]
			scale := math.Abs(want)
			if c.onSE {
				scale = math.Max(scale, sd)
			}
			where := fmt.Sprintf("%s[%s%s]", e.effect, m.Outcomes[r], m.Labels[r])
			c.scalar(where, m.Effect[r], want, c.tol.me*scale)
			c.scalar(where+" SE", m.SE[r], sd, c.tol.meSE*sd)
		}
	}
}

// vector compares got with want entry by entry to rel relative and logs the largest difference.
func (c *refCheck) vector(field string, got, want []float64, rel float64) {
	c.t.Helper()
	worst := 0.0
	for i, w := range want {
		d := math.Abs(got[i]-w) / math.Abs(w)
		worst = math.Max(worst, d)
		if d > rel {
			c.t.Errorf("%s[%d] = %.10g, reference %.10g (relative %.2g)", field, i, got[i], w, d)
		}
	}
	c.t.Logf("%s: largest relative difference %.2g", field, worst)
	if field == "params" || strings.HasPrefix(field, "bse") {
		c.digits(field, got, want)
	}
}

// digits records, for the table of TestReferences, the fewest significant digits any value of
// field shares with the reference (its LRE, capped at 11) and the fewest the reference prints
// (printedLRE), and reports a value that shares fewer than min(8, printed) unless the field is
// loose; a loose field that shares them all is reported too, as no longer loose.
func (c *refCheck) digits(field string, got, want []float64) {
	c.t.Helper()
	achieved, printed, short := 11.0, 11.0, false
	why, loose := c.loose[field]
	for i, w := range want {
		l, p := nist.LRE(got[i], w), printedLRE(w)
		achieved, printed = math.Min(achieved, l), math.Min(printed, p)
		if l < math.Min(precisionTarget, p) {
			short = true
			if !loose {
				c.t.Errorf("%s[%d] = %.12g shares %.1f digits with the reference %.12g, which prints %.1f", field, i, got[i], l, w, p)
			}
		}
	}
	if loose && !short {
		c.t.Errorf("%s: every printed digit matches; it is listed as loose (%s)", field, why)
	}
	if loose {
		why = " (" + why + ")"
	}
	c.t.Logf("digits: | %s | %s | %.1f | %.1f%s |", strings.TrimPrefix(c.t.Name(), "TestReferences/"), field, printed, achieved, why)
}

// printedLRE is the LRE that a value printed as w can show: that of a number rounded to w's
// significant digits (those of its shortest float64 form, so trailing zeros do not count),
// half a unit in the last place away, capped at 11.
func printedLRE(w float64) float64 {
	mant, _, _ := strings.Cut(strconv.FormatFloat(math.Abs(w), 'e', -1, 64), "e")
	m, _ := strconv.ParseFloat(mant, 64)
	d := len(strings.Replace(mant, ".", "", 1))
	return math.Min(11, -math.Log10(0.5*math.Pow(10, float64(1-d))/m))
}

// scalar compares got with want to tol absolute.
func (c *refCheck) scalar(field string, got, want, tol float64) {
	c.t.Helper()
	if !(math.Abs(got-want) <= tol) {
		c.t.Errorf("%s = %.12g, reference %.12g (difference %.2g, tolerance %.2g)", field, got, want, got-want, tol)
	}
}

// round32 returns a prep that rounds the named columns to float32, as Stata stored them.
func round32(cols ...string) func(*testing.T, *frame.Frame) *frame.Frame {
	return func(t *testing.T, f *frame.Frame) *frame.Frame {
		t.Helper()
		return with(t, f, func(name string, v float64) float64 {
			if slices.Contains(cols, name) {
				return float64(float32(v))
			}
			return v
		}, "", nil)
	}
}

// anesLogPopul adds the column logpopul = ln(popul + 0.1), rounded to float32 as Stata stored it.
func anesLogPopul(t *testing.T, f *frame.Frame) *frame.Frame {
	t.Helper()
	popul, err := f.Column("popul")
	if err != nil {
		t.Fatal(err)
	}
	lp := make([]float64, len(popul))
	for i, p := range popul {
		lp[i] = float64(float32(math.Log(p + 0.1)))
	}
	return with(t, f, nil, "logpopul", lp)
}

// with returns a copy of f with each value mapped by fn (nil keeps them) and, if name is not
// empty, the column name added.
func with(t *testing.T, f *frame.Frame, fn func(col string, v float64) float64, name string, add []float64) *frame.Frame {
	t.Helper()
	names := f.Names()
	cols := make([][]float64, len(names))
	for j, n := range names {
		col, err := f.Column(n)
		if err != nil {
			t.Fatal(err)
		}
		cols[j] = slices.Clone(col)
		if fn != nil {
			for i, v := range cols[j] {
				cols[j][i] = fn(n, v)
			}
		}
	}
	if name != "" {
		names, cols = append(names, name), append(cols, add)
	}
	out, err := frame.New(names, cols)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// randHIEVars are the RandHIE regressors, in Stata's order.
var randHIEVars = []string{"lncoins", "idp", "lpi", "fmde", "physlm", "disea", "hlthg", "hlthf", "hlthp"}

// orderedCuts names R's cutpoints "0|1" … "5|6" as gomle labels them.
var orderedCuts = map[string]string{"0|1": "cut1", "1|2": "cut2", "2|3": "cut3", "3|4": "cut4", "4|5": "cut5", "5|6": "cut6"}

// shipsRows checks the listwise deletion of the ships data: six of the 40 rows miss a value,
// and the summary names the five clusters.
func shipsRows(t *testing.T, rep *estimate.Report, _ reftest.Result) {
	t.Helper()
	if rep.Result.NumObs != 34 || rep.Design.Dropped != 6 {
		t.Errorf("%d observations, %d dropped; want 34 and 6", rep.Result.NumObs, rep.Design.Dropped)
	}
	if !strings.Contains(rep.String(), "adjusted for 5 clusters in ship") {
		t.Errorf("summary lacks the cluster line:\n%s", rep)
	}
}

// orderedLR checks the degrees of freedom of the LR test against the null model with
// cutpoints only: the five slopes (R's file gives no df_model).
func orderedLR(t *testing.T, rep *estimate.Report, _ reftest.Result) {
	t.Helper()
	if rep.LR == nil || rep.LR.DF != 5 {
		t.Errorf("LR test %v, want 5 degrees of freedom", rep.LR)
	}
}

// longleySE compares the SEs and the residual SD with NIST's, which use s² = SSR/(n−k) where
// the MLE uses SSR/n: ours times √(n/(n−k)).
func longleySE(t *testing.T, rep *estimate.Report, ref reftest.Result) {
	t.Helper()
	const n, k = 16, 7
	df := math.Sqrt(float64(n) / float64(n-k))
	for i, name := range ref.ParamNames {
		if name == "const" {
			name = "Intercept"
		}
		j := slices.Index(rep.Estimates.Labels, name)
		if se := rep.Estimates.SE[j] * df; math.Abs(se-ref.BSE[i]) > 1e-8*ref.BSE[i] {
			t.Errorf("SE of %s × √(n/(n−k)) = %.15g, NIST %.15g", name, se, ref.BSE[i])
		}
	}
	sigma := rep.Result.Estimates[len(rep.Result.Estimates)-1]
	if sd := sigma * df; math.Abs(sd-ref.ResidualSD) > 1e-8*ref.ResidualSD {
		t.Errorf("residual SD %.15g, NIST %.15g", sd, ref.ResidualSD)
	}
}

// negBin2RandHIE checks what is particular to the RandHIE NB2 reference, whose SEs come from two
// programs (see randhie_negbin2.json's "notes").
func negBin2RandHIE(t *testing.T, rep *estimate.Report, ref reftest.Result) {
	t.Helper()
	c := &refCheck{t: t, rep: rep, names: map[string]string{"const": "Intercept"}}
	se := c.params(ref, rep.Estimates.SE)
	// Stata's joint OIM SEs of β are printed only through its 95% intervals, β ± z·SE with
	// z = 1.959963984540054, to 7 significant digits: SE = (hi − lo)/(2z). Ours differ from
	// those by up to 9.4e-6 relative, five times what the rounding of the endpoints explains
	// (the reference's notes measured the same 9e-6 with statsmodels); allow 2e-5.
	const z = 1.959963984540054
	worstCI := 0.0
	for i, ci := range ref.ConfInt[:10] {
		want := (ci[1] - ci[0]) / (2 * z)
		d := math.Abs(se[i]-want) / want
		worstCI = math.Max(worstCI, d)
		if d > 2e-5 {
			t.Errorf("OIM SE of %s = %.8g, Stata's interval gives %.8g (relative %.2g)", ref.ParamNames[i], se[i], want, d)
		}
	}
	t.Logf("joint OIM SEs against Stata's intervals: largest relative difference %.2g", worstCI)
	// The β SEs are R's glm.nb: α held fixed at its MLE, and the information of R's IRLS, the
	// expected one, Xᵀ diag(wᵢ) X with wᵢ = μᵢ/(1 + αμᵢ) for the log link. The observed
	// information of β with α fixed, the β–β block of −H (weights μᵢ(1 + αyᵢ)/(1 + αμᵢ)²),
	// is not it: the log link is not NB2's canonical link, and its SEs differ from R's by up to
	// 2.7e-2, as do the joint OIM SEs. We compute the expected information from our estimates,
	// so this checks the estimates and the reading of R's numbers, not our Hessian.
	x := rep.Design.X
	n, k := x.Dims()
	beta := rep.Result.Estimates[:k]
	alpha := rep.Result.Estimates[k]
	var eta mat.VecDense
	eta.MulVec(x, mat.NewVecDense(k, beta))
	var wx mat.Dense
	wx.Apply(func(i, j int, v float64) float64 {
		mu := math.Exp(eta.AtVec(i))
		return v * math.Sqrt(mu/(1+alpha*mu))
	}, x)
	info := mat.NewSymDense(k, nil)
	info.SymOuterK(1, wx.T())
	var chol mat.Cholesky
	if !chol.Factorize(info) {
		t.Fatalf("expected information of β (n = %d) is not positive definite", n)
	}
	var cov mat.SymDense
	if err := chol.InverseTo(&cov); err != nil {
		t.Fatal(err)
	}
	expected := make([]float64, k+1)
	for j := range k {
		expected[j] = math.Sqrt(cov.At(j, j))
	}
	rse := c.params(ref, expected) // R's order; α's entry is unused
	// R's β agree with the MLE only to about 2e-7 relative (glm.nb's convergence
	// tolerance), which moves the SEs by about as much: allow 1e-6.
	worst := 0.0
	for i, want := range ref.BSE[:10] {
		d := math.Abs(rse[i]-want) / want
		worst = math.Max(worst, d)
		if d > 1e-6 {
			t.Errorf("expected-information SE of %s = %.10g, R %.10g (relative %.2g)", ref.ParamNames[i], rse[i], want, d)
		}
	}
	t.Logf("R's β SEs: largest relative difference %.2g", worst)
}
