package estimate_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/internal/testbackend"
)

// TestCompare sets a logit, a probit and a least-squares fit of Spector's GRADE side by side,
// with different regressors, one of them read back from JSON: every coefficient must stand on
// its label's row, in its model's column, with the number its own report shows, and the
// statistics under them must be each model's.
func TestCompare(t *testing.T) {
	b, f := testbackend.Get(t), readFrame(t, "../data/spector.csv")
	var reps []*estimate.Report
	for _, s := range []estimate.Spec{
		{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI"},
		{Model: "probit", Formula: "GRADE ~ GPA + PSI"},
		{Model: "ols", Formula: "GRADE ~ PSI + GPA"},
	} {
		rep, err := estimate.Fit(b, f, s)
		if err != nil {
			t.Fatal(err)
		}
		reps = append(reps, rep)
	}
	js, err := reps[1].JSON()
	if err != nil {
		t.Fatal(err)
	}
	probit, err := estimate.Load(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	c := estimate.Compare(reps[0], probit, reps[2])
	tab := c.Table()
	if !slices.Equal(tab.Columns, []string{"", "(1) logit", "(2) probit", "(3) ols"}) {
		t.Errorf("columns %q", tab.Columns)
	}
	// Rows in first-appearance order: the logit's four, two rows each.
	for i, l := range []string{"Intercept", "GPA", "TUCE", "PSI"} {
		if tab.Rows[2*i][0] != l || tab.Rows[2*i+1][0] != "" {
			t.Errorf("row %d is %q, want %q then its standard errors", 2*i, tab.Rows[2*i][0], l)
		}
		for m, rep := range reps {
			s := rep.Summary()
			k := slices.IndexFunc(s.Coefficients, func(c estimate.Coef) bool { return c.Name == l })
			value, se := "", ""
			if k >= 0 {
				value, se = fmt.Sprintf("%.4f", s.Coefficients[k].Value), fmt.Sprintf("(%.4f)", s.Coefficients[k].SE)
			}
			if tab.Rows[2*i][m+1] != value || tab.Rows[2*i+1][m+1] != se {
				t.Errorf("%s in model %d: %q %q, want %q %q", l, m+1, tab.Rows[2*i][m+1], tab.Rows[2*i+1][m+1], value, se)
			}
		}
	}
	stats := map[string][]string{}
	for _, r := range tab.Rows[8:] {
		stats[r[0]] = r[1:]
	}
	want := map[string][]string{
		"N":              {"32", "32", "32"},
		"Log-likelihood": {fmt.Sprintf("%.3f", reps[0].Result.LogLike), fmt.Sprintf("%.3f", reps[1].Result.LogLike), fmt.Sprintf("%.3f", reps[2].Result.LogLike)},
		"AIC":            {fmt.Sprintf("%.3f", reps[0].AIC), fmt.Sprintf("%.3f", reps[1].AIC), fmt.Sprintf("%.3f", reps[2].AIC)},
		"Pseudo R²":      {fmt.Sprintf("%.4f", reps[0].PseudoR2), fmt.Sprintf("%.4f", reps[1].PseudoR2), ""},
		"R²":             {"", "", fmt.Sprintf("%.4f", reps[2].OLS.R2)},
		"Covariance":     {"OIM", "OIM", "OLS"},
	}
	for k, v := range want {
		if !slices.Equal(stats[k], v) {
			t.Errorf("%s: %q, want %q", k, stats[k], v)
		}
	}
	if !slices.Equal(tab.Rules, []int{8}) || !strings.Contains(c.String(), "Standard errors in parentheses.") {
		t.Errorf("rules %v or note missing:\n%s", tab.Rules, c)
	}

	c.Stars, c.Stat, c.Names = true, true, []string{"Logit"}
	tab = c.Table()
	gpa := reps[0].Summary().Coefficients[1]
	if tab.Columns[1] != "Logit" || tab.Rows[2][1] != fmt.Sprintf("%.4f*", gpa.Value) || tab.Rows[3][1] != fmt.Sprintf("(%.4f)", gpa.Z) {
		t.Errorf("stars and z: %q %q", tab.Rows[2], tab.Rows[3])
	}
	for _, out := range []string{c.HTML(), c.Markdown(), c.LaTeX()} {
		if !strings.Contains(out, "Pseudo R²") || !strings.Contains(out, "0.001 (two-sided)") {
			t.Errorf("a printed form lacks a row or the stars' note:\n%s", out)
		}
	}
}
