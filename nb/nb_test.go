package nb_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/nb"
)

// TestFitAndLookup reads a shipped dataset from a notebook's folder (GONB_DIR), fits it, and
// looks parameters up by label. Stata's logit of the Spector data (internal/reftest) gives
// GPA's coefficient 2.826113 and SE 1.262941 to 7 digits.
func TestFitAndLookup(t *testing.T) {
	t.Setenv("GONB_DIR", "../notebooks")
	rep := nb.Fit(nb.Data("spector.csv"), estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI"})
	b, se := nb.Param(rep.Estimates, "GPA")
	if math.Abs(b-2.826113) > 1e-6 || math.Abs(se-1.262941) > 1e-6 {
		t.Errorf("GPA: %.7g (SE %.7g), want Stata's 2.826113 (1.262941)", b, se)
	}
	if _, _, ok := rep.Estimates.Lookup("gpa"); ok {
		t.Error(`Lookup("gpa") found a parameter: labels are case-sensitive`)
	}
}

func TestDataDir(t *testing.T) {
	t.Setenv("GONB_DIR", "")
	if got := nb.DataDir(); got != "data" {
		t.Errorf("DataDir() = %q outside a notebook, want data", got)
	}
	t.Setenv("GONB_DIR", "/x/notebooks")
	if got := nb.DataDir(); got != "/x/data" {
		t.Errorf("DataDir() = %q, want /x/data", got)
	}
}

func TestComparison(t *testing.T) {
	tab := nb.Comparison("Spector logit", "Stata", nb.Ref{"log-likelihood", -12.88963, -12.8896334}, nb.Ref{"GPA", 2.826113, 2.826113})
	s := tab.String()
	for _, want := range []string{"Spector logit", "Stata", "relative difference", "-12.88963", "-12.8896334", "2.6e-07", "GPA"} {
		if !strings.Contains(s, want) {
			t.Errorf("table lacks %q:\n%s", want, s)
		}
	}
	if len(tab.Rows) != 2 || tab.Rows[1][3] != "0" {
		t.Errorf("rows %q, want two, the second with difference 0", tab.Rows)
	}
}
