package estimate_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"gonum.org/v1/gonum/stat/distuv"
)

// TestInterceptOnly fits y ~ 1 in every family that has an intercept: no LR test, pseudo-R²
// or marginal effects, each left out with a note, and where the MLE has a closed form, that
// form: logit(ȳ) for logit, Φ⁻¹(ȳ) for probit, log ȳ for poisson and nbreg (NB2's mean is
// the Poisson one), ȳ and √(Σ(y − ȳ)²/n) for ols by maximum likelihood, log(failures /
// total time) for the exponential model, and log of each outcome's share over the base's
// for mlogit. clogit, ologit and oprobit have no intercept; TestBadInputCatalogue checks
// their message for y ~ 1.
func TestInterceptOnly(t *testing.T) {
	b := testbackend.Get(t)
	ships := readFrame(t, "../data/ships.csv")
	spector := readFrame(t, "../data/spector.csv")
	mean := func(col string, f *frame.Frame) float64 {
		v, err := f.Column(col)
		if err != nil {
			t.Fatal(err)
		}
		s, n := 0.0, 0
		for _, x := range v {
			if !math.IsNaN(x) {
				s, n = s+x, n+1
			}
		}
		return s / float64(n)
	}
	grade := mean("GRADE", spector)
	zero := 0.0
	logit := math.Log(grade / (1 - grade))
	for _, tc := range []struct {
		spec  estimate.Spec
		data  string
		first float64 // the closed-form intercept; NaN: none checked
	}{
		{estimate.Spec{Model: "logit", Formula: "GRADE ~ 1"}, "spector", logit},
		{estimate.Spec{Model: "probit", Formula: "GRADE ~ 1"}, "spector", distuv.UnitNormal.Quantile(grade)},
		{estimate.Spec{Model: "poisson", Formula: "accident ~ 1"}, "ships", math.Log(mean("accident", ships))},
		{estimate.Spec{Model: "nbreg", Formula: "accident ~ 1"}, "ships", math.Log(mean("accident", ships))},
		{estimate.Spec{Model: "ols", Formula: "GPA ~ 1"}, "spector", mean("GPA", spector)},
		{estimate.Spec{Model: "ols", Formula: "GPA ~ 1", ML: true}, "spector", mean("GPA", spector)},
		{estimate.Spec{Model: "tobit", Formula: "accident ~ 1", Options: likelihoods.Options{Lower: &zero}}, "ships", math.NaN()},
		{estimate.Spec{Model: "weibull", Formula: "GPA ~ 1"}, "spector", math.NaN()},
		{estimate.Spec{Model: "exponential", Formula: "GPA ~ 1"}, "spector", math.Log(1 / mean("GPA", spector))},
		{estimate.Spec{Model: "mlogit", Formula: "PSI ~ 1"}, "spector", math.Log(mean("PSI", spector) / (1 - mean("PSI", spector)))},
	} {
		t.Run(tc.spec.Model+"/"+tc.spec.Formula, func(t *testing.T) {
			f := map[string]*frame.Frame{"ships": ships, "spector": spector}[tc.data]
			rep, err := estimate.Fit(b, f, tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			if rep.LR != nil || !math.IsNaN(rep.PseudoR2) || rep.Margins != nil {
				t.Errorf("LR %v, pseudo-R² %v, margins %v: want none", rep.LR, rep.PseudoR2, rep.Margins)
			}
			out := rep.String()
			for _, want := range []string{"no likelihood-ratio test of all slopes and no pseudo-R²: the model has no slopes", "no marginal effects"} {
				if !strings.Contains(out, want) {
					t.Errorf("summary lacks %q:\n%s", want, out)
				}
			}
			if m := tc.spec.Model; (m == "weibull" || m == "exponential") && !strings.Contains(out, "every row is taken as a failure") {
				t.Errorf("%s without Failure: no note:\n%s", m, out)
			}
			if !math.IsNaN(tc.first) && !closeTo(rep.Estimates.Params[0], tc.first, 1e-7) {
				t.Errorf("intercept %.10g, closed form %.10g", rep.Estimates.Params[0], tc.first)
			}
			if _, err := rep.JSON(); err != nil {
				t.Error(err)
			}
		})
	}
	t.Run("no intercept", func(t *testing.T) {
		rep, err := estimate.Fit(b, spector, estimate.Spec{Model: "logit", Formula: "GRADE ~ 0 + GPA"})
		if err != nil {
			t.Fatal(err)
		}
		if rep.LR != nil || !strings.Contains(rep.String(), "without an intercept the model has no intercept-only null model") || rep.Margins == nil {
			t.Errorf("LR %v, margins %v:\n%s", rep.LR, rep.Margins, rep)
		}
	})
}
