package estimate_test

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/internal/reftest"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/stderr"
)

// readLinearEForm reads testdata/linear_eform.json, written by testdata/linear_eform.R: R's
// lm on Longley and R's glm odds and incidence-rate ratios on Spector and ships, each a vector.
func readLinearEForm(t *testing.T) map[string][]float64 {
	t.Helper()
	b, err := os.ReadFile("testdata/linear_eform.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	out := map[string][]float64{}
	for k, v := range raw {
		var x []float64
		if json.Unmarshal(v, &x) == nil {
			out[k] = x
		}
	}
	return out
}

// checkVec compares got with want entry by entry, to rel relative.
func checkVec(t *testing.T, what string, got, want []float64, rel float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if !closeTo(got[i], want[i], rel) {
			t.Errorf("%s[%d] = %.12g, want %.12g (relative %.2g)", what, i, got[i], want[i], math.Abs(got[i]-want[i])/math.Abs(want[i]))
		}
	}
}

// TestLeastSquares checks ols's default table, least squares as R's lm and Stata's regress
// print it, on NIST's Longley problem: coefficients, SEs s²(XᵀX)⁻¹, t, p, t intervals, R²,
// adjusted R², F and s against R 4.2's lm (testdata/linear_eform.R) and NIST's certified
// values (internal/reftest/testdata/longley_ols.json), and -cov robust against HC1 written
// out in R. The tolerance is the 1e-6 relative; Longley's conditioning (cond(X) ≈ 5e9
// unscaled) leaves our least squares, a Newton step from a QR start, about 1e-9 from NIST.
func TestLeastSquares(t *testing.T) {
	const rel = 1e-6
	r := readLinearEForm(t)
	nist := reftest.Read(t, "longley_ols.json")
	f := readFrame(t, "../data/longley.csv")
	spec := estimate.Spec{Model: "ols", Formula: "TOTEMP ~ GNPDEFL + GNP + UNEMP + ARMED + POP + YEAR"}
	rep, err := estimate.Fit(testbackend.Get(t), f, spec)
	if err != nil {
		t.Fatal(err)
	}
	e, o := rep.Shown, rep.OLS
	if o == nil || e.DF != 9 || len(e.Params) != 7 || e.Kind.String() != "OLS" {
		t.Fatalf("OLS %+v, %d df, %d rows, covariance %v; want statistics, 9 df, 7 coefficients (no sigma), OLS", o, e.DF, len(e.Params), e.Kind)
	}
	if math.Abs(e.SE[0]-890420.383607) > 0.5e-6 {
		t.Errorf("intercept SE %.6f, want 890420.383607 (R's lm)", e.SE[0])
	}
	checkVec(t, "coef vs R", e.Params, r["lm_coef"], rel)
	checkVec(t, "coef vs NIST", e.Params, nist.Params, rel)
	checkVec(t, "SE vs R", e.SE, r["lm_se"], rel)
	checkVec(t, "SE vs NIST", e.SE, nist.BSE, rel)
	checkVec(t, "t", e.Z, r["lm_t"], rel)
	checkVec(t, "p", e.P, r["lm_p"], rel)
	checkVec(t, "lower", e.Lower, r["lm_lower"], rel)
	checkVec(t, "upper", e.Upper, r["lm_upper"], rel)
	checkVec(t, "s, R², adj R², RSS", []float64{o.RootMSE, o.R2, o.AdjR2, o.RSS}, []float64{r["lm_sigma"][0], r["lm_r2"][0], r["lm_adj_r2"][0], r["lm_rss"][0]}, rel)
	checkVec(t, "s, R², RSS vs NIST", []float64{o.RootMSE, o.R2, o.RSS}, []float64{nist.ResidualSD, 0.995479004577296, 836424.055505915}, rel)
	// NIST certifies the F statistic 330.285339234588; the p-value is R's pf.
	checkVec(t, "F, p", []float64{o.F.Stat, o.F.P}, []float64{r["lm_f"][0], r["lm_f_p"][0]}, rel)
	checkVec(t, "F vs NIST", []float64{o.F.Stat}, []float64{330.285339234588}, rel)
	if o.F.DF1 != 6 || o.F.DF2 != 9 || o.DFResid != 9 {
		t.Errorf("F(%d, %d), residual df %d; want F(6, 9), 9", o.F.DF1, o.F.DF2, o.DFResid)
	}
	out := rep.String()
	for _, want := range []string{"least squares", "R2 = 0.9955", "Adj R2 = 0.9925", "Root MSE = 304.854", "F(6, 9) = 330.2853", "P>|t|", "890420.383607"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\nsigma") {
		t.Errorf("the least-squares table shows sigma:\n%s", out)
	}
	js, err := rep.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var j struct {
		DF  int
		OLS struct {
			R2, AdjR2, RootMSE float64
			F                  struct{ Stat float64 }
		}
		Coefficients []struct{ Name string }
	}
	if err := json.Unmarshal(js, &j); err != nil {
		t.Fatal(err)
	}
	if j.DF != 9 || j.OLS.R2 != o.R2 || j.OLS.F.Stat != o.F.Stat || len(j.Coefficients) != 7 {
		t.Errorf("JSON: %s", js)
	}

	t.Run("robust", func(t *testing.T) {
		s := spec
		s.Cov = stderr.Robust{}
		rep, err := estimate.Fit(testbackend.Get(t), f, s)
		if err != nil {
			t.Fatal(err)
		}
		checkVec(t, "HC1 SE", rep.Shown.SE, r["lm_hc1_se"], rel)
		checkVec(t, "HC1 p", rep.Shown.P, r["lm_hc1_p"], rel)
		// statsmodels' HC1 SEs in NIST's file are printed to 4 to 7 significant digits
		// (0.03277): half a unit in the fourth is 1.5e-4 relative.
		checkVec(t, "HC1 SE vs statsmodels", rep.Shown.SE, nist.BSEHC1, 1.6e-4)
	})
	t.Run("ML", func(t *testing.T) {
		s := spec
		s.ML = true
		rep, err := estimate.Fit(testbackend.Get(t), f, s)
		if err != nil {
			t.Fatal(err)
		}
		if rep.OLS != nil || rep.Estimates.DF != 0 || !slices.Contains(rep.Shown.Labels, "sigma") {
			t.Errorf("ML: OLS %v, DF %d, labels %v; want the maximum-likelihood table", rep.OLS, rep.Estimates.DF, rep.Shown.Labels)
		}
		// The MLE's SEs are the least-squares ones times √((n−k)/n).
		checkVec(t, "ML SE", rep.Estimates.SE[:7], scaled(r["lm_se"], math.Sqrt(9.0/16)), rel)
	})
	t.Run("no intercept", func(t *testing.T) {
		rep, err := estimate.Fit(testbackend.Get(t), f, estimate.Spec{Model: "ols", Formula: "TOTEMP ~ 0 + GNP + POP"})
		if err != nil {
			t.Fatal(err)
		}
		// R: summary(lm(TOTEMP ~ 0 + GNP + POP, longley)) uses the uncentred TSS, Σy², and
		// tests both coefficients.
		y, err := f.Column("TOTEMP")
		if err != nil {
			t.Fatal(err)
		}
		tss := 0.0
		for _, v := range y {
			tss += v * v
		}
		if !closeTo(rep.OLS.TSS, tss, 1e-12) || rep.OLS.F.DF1 != 2 || rep.OLS.F.DF2 != 14 {
			t.Errorf("TSS %g (want Σy² = %g), F(%d, %d) (want F(2, 14))", rep.OLS.TSS, tss, rep.OLS.F.DF1, rep.OLS.F.DF2)
		}
	})
	t.Run("OPG refused", func(t *testing.T) {
		s := spec
		s.Cov = stderr.OPG{}
		_, err := estimate.Fit(testbackend.Get(t), f, s)
		var oe *estimate.OptionError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), "ML") {
			t.Errorf("error %v, want an OptionError pointing to ML", err)
		}
	})
}

// scaled returns v times c.
func scaled(v []float64, c float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x * c
	}
	return out
}
