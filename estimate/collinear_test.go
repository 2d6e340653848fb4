package estimate_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/internal/testbackend"
)

// TestOmitCollinear checks that regressors that are linear combinations of earlier ones are
// dropped with Stata's note, listed as omitted in the table and the JSON, and that the rest
// of the fit is the fit without them.
func TestOmitCollinear(t *testing.T) {
	b := testbackend.Get(t)
	y := []float64{1, 0, 2, 3, 1, 4, 2, 5}
	a := []float64{1, 2, 3, 4, 5, 7, 6, 8}
	z := []float64{0, 1, 0, 1, 1, 0, 1, 0}
	twice := make([]float64, len(a)) // 2a: dependent on a
	seven := make([]float64, len(a)) // a constant: dependent on the intercept
	zero := make([]float64, len(a))  // a column of zeros
	for i, v := range a {
		twice[i], seven[i] = 2*v, 7
	}
	f := newFrame(t, []string{"y", "a", "b", "c", "z", "o"}, y, a, twice, seven, z, zero)
	for _, tc := range []struct {
		model, formula string
		omitted        []string // in formula order
		reduced        string   // the same model without them
	}{
		{"poisson", "y ~ a + b + z", []string{"b"}, "y ~ a + z"},
		{"poisson", "y ~ c + a + z + o", []string{"c", "o"}, "y ~ a + z"},
		{"ols", "y ~ a + z + b", []string{"b"}, "y ~ a + z"},
		{"mlogit", "z ~ a + b", []string{"b"}, "z ~ a"},
	} {
		t.Run(tc.model+"/"+tc.formula, func(t *testing.T) {
			rep, err := estimate.Fit(b, f, estimate.Spec{Model: tc.model, Formula: tc.formula})
			if err != nil {
				t.Fatal(err)
			}
			want, err := estimate.Fit(b, f, estimate.Spec{Model: tc.model, Formula: tc.reduced})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rep.Omitted, tc.omitted) {
				t.Errorf("omitted %v, want %v", rep.Omitted, tc.omitted)
			}
			if !slices.Equal(rep.Estimates.Labels, want.Estimates.Labels) {
				t.Fatalf("labels %v, want %v", rep.Estimates.Labels, want.Estimates.Labels)
			}
			// The same design, columns and all: the same numbers, to the optimizers' tolerance.
			checkVec(t, "estimates", rep.Estimates.Params, want.Estimates.Params, 1e-8)
			checkVec(t, "SE", rep.Estimates.SE, want.Estimates.SE, 1e-6)
			out := rep.String()
			for _, o := range tc.omitted {
				if !strings.Contains(out, "Note: "+o+" omitted because of collinearity.") {
					t.Errorf("no note for %s:\n%s", o, out)
				}
				if !strings.Contains(out, o+"  ") || !strings.Contains(out, "(omitted)") {
					t.Errorf("no (omitted) row for %s:\n%s", o, out)
				}
			}
			js, err := rep.JSON()
			if err != nil {
				t.Fatal(err)
			}
			var j struct{ Omitted []string }
			if err := json.Unmarshal(js, &j); err != nil || !slices.Equal(j.Omitted, tc.omitted) {
				t.Errorf("JSON Omitted %v (%v), want %v", j.Omitted, err, tc.omitted)
			}
		})
	}
	t.Run("row order", func(t *testing.T) {
		rep, err := estimate.Fit(b, f, estimate.Spec{Model: "poisson", Formula: "y ~ a + b + z"})
		if err != nil {
			t.Fatal(err)
		}
		// The omitted row stands where the regressor is in the formula, as in Stata.
		out := rep.String()
		ia, ib, iz := strings.Index(out, "\na "), strings.Index(out, "\nb "), strings.Index(out, "\nz ")
		if !(ia >= 0 && ia < ib && ib < iz) {
			t.Errorf("rows out of order (a %d, b %d, z %d):\n%s", ia, ib, iz, out)
		}
	})
}
