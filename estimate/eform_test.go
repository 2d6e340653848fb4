package estimate_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
)

// TestEForm checks eform tables against R (testdata/linear_eform.R): the Spector logit's odds
// ratios and the ships Poisson's incidence-rate ratios (exposure service), exp(coef) with
// the delta-method SE exp(coef)·se and exp(confint.default), to 1e-6 relative; that z and p
// are the linear scale's; that ancillary parameters stay as they are; and that a model
// without ratios refuses the option.
func TestEForm(t *testing.T) {
	const rel = 1e-6
	r := readLinearEForm(t)
	b := testbackend.Get(t)
	for _, tc := range []struct {
		name, data, prefix string
		spec               estimate.Spec
		head, baseline     string
	}{
		{"logit", "spector.csv", "logit", estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI"}, "Odds ratio", "baseline odds"},
		{"poisson", "ships.csv", "poisson", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con + op_75_79", Exposure: "service"}, "IRR", "baseline incidence rate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.spec
			spec.EForm = true
			rep, err := estimate.Fit(b, readFrame(t, "../data/"+tc.data), spec)
			if err != nil {
				t.Fatal(err)
			}
			e := rep.Shown
			checkVec(t, "exp(b)", e.Params, r[tc.prefix+"_exp"], rel)
			checkVec(t, "exp(b)·se", e.SE, r[tc.prefix+"_exp_se"], rel)
			checkVec(t, "z", e.Z, r[tc.prefix+"_z"], rel)
			checkVec(t, "lower", e.Lower, r[tc.prefix+"_lower"], rel)
			checkVec(t, "upper", e.Upper, r[tc.prefix+"_upper"], rel)
			for i := range e.Params {
				if e.Z[i] != rep.Estimates.Z[i] || e.P[i] != rep.Estimates.P[i] || !closeTo(math.Exp(rep.Estimates.Params[i]), e.Params[i], 1e-15) {
					t.Errorf("%s: not the exponentiated linear row", e.Labels[i])
				}
			}
			out := rep.String()
			for _, want := range []string{tc.head, "Intercept estimates the " + tc.baseline} {
				if !strings.Contains(out, want) {
					t.Errorf("summary lacks %q:\n%s", want, out)
				}
			}
			js, err := rep.JSON()
			if err != nil {
				t.Fatal(err)
			}
			var j struct {
				EForm        string
				Coefficients []struct {
					Value float64
					EForm bool
				}
			}
			if err := json.Unmarshal(js, &j); err != nil {
				t.Fatal(err)
			}
			if j.EForm != tc.head || !j.Coefficients[1].EForm || j.Coefficients[1].Value != e.Params[1] {
				t.Errorf("JSON: %s", js)
			}
		})
	}
	t.Run("ancillary", func(t *testing.T) {
		// nbreg's alpha and weibull's p are shown as without eform, as Stata shows /lnalpha,
		// alpha and /ln_p, p.
		for _, spec := range []estimate.Spec{
			{Model: "nbreg", Formula: "accident ~ yr_con + op_75_79", Exposure: "service", EForm: true},
			{Model: "weibull", Formula: "service ~ yr_con + op_75_79", EForm: true},
		} {
			rep, err := estimate.Fit(b, readFrame(t, "../data/ships.csv"), spec)
			if err != nil {
				t.Fatal(err)
			}
			last := len(rep.Shown.Params) - 1
			if rep.Shown.Exponentiated[last] || rep.Shown.Params[last] != rep.Estimates.Params[last] || !rep.Shown.Exponentiated[0] {
				t.Errorf("%s: exponentiated %v", spec.Model, rep.Shown.Exponentiated)
			}
			if !strings.Contains(rep.String(), "Ancillary parameters and cut points are not exponentiated") {
				t.Errorf("%s: no note on the ancillary parameter:\n%s", spec.Model, rep)
			}
		}
	})
	t.Run("refused", func(t *testing.T) {
		zero := 0.0
		for _, spec := range []estimate.Spec{
			{Model: "ols", Formula: "accident ~ yr_con", EForm: true},
			{Model: "probit", Formula: "op_75_79 ~ yr_con", EForm: true},
			{Model: "tobit", Formula: "accident ~ yr_con", EForm: true, Options: likelihoods.Options{Lower: &zero}},
		} {
			_, err := estimate.Fit(b, readFrame(t, "../data/ships.csv"), spec)
			var oe *estimate.OptionError
			if !errors.As(err, &oe) || oe.Model != spec.Model || !strings.Contains(err.Error(), spec.Model+" does not take EForm") {
				t.Errorf("%s with EForm: error %v, want an OptionError naming the model", spec.Model, err)
			}
		}
	})
}
