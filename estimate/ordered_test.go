package estimate_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/internal/testbackend"
)

// orderedRef is the reference written by likelihoods/testdata/ordered/ordered.R (R's
// MASS::polr, polished by Newton steps on the analytic gradient; effects analytic).
type orderedRef struct {
	ParamNames []string    `json:"param_names"`
	Params     []float64   `json:"params"`
	BSE        []float64   `json:"bse"`
	LLF        float64     `json:"llf"`
	LLNull     float64     `json:"llnull"`
	AMEVars    []string    `json:"ame_vars"`
	AME        [][]float64 `json:"ame"`
	AMESE      [][]float64 `json:"ame_se"`
	MEM        [][]float64 `json:"mem"`
	MEMSE      [][]float64 `json:"mem_se"`
}

// TestOrdered fits ordered logit and probit to ANES 1996's party identification and checks the
// coefficients, cutpoints, standard errors, log-likelihoods and the marginal effects on every
// outcome's probability (average effects, popul through log(popul + 0.1) by the chain rule;
// effects at the means for the variables entered as they are) against R.
func TestOrdered(t *testing.T) {
	f := readFrame(t, "../data/anes96.csv")
	for _, c := range []struct{ model, file string }{{"ologit", "anes96_ologit.json"}, {"oprobit", "anes96_oprobit.json"}} {
		raw, err := os.ReadFile("../likelihoods/testdata/ordered/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		var ref orderedRef
		if err := json.Unmarshal(raw, &ref); err != nil {
			t.Fatal(err)
		}
		spec := estimate.Spec{Model: c.model, Formula: "PID ~ log(popul + 0.1) + selfLR + age + educ + income"}
		rep, err := estimate.Fit(testbackend.Get(t), f, spec)
		if err != nil {
			t.Fatal(err)
		}
		est := rep.Estimates
		for i := range ref.Params {
			if !closeTo(est.Params[i], ref.Params[i], 1e-6) || !closeTo(est.SE[i], ref.BSE[i], 1e-6) {
				t.Errorf("%s %s (%s) = %.10g (SE %.10g), R %.10g (%.10g)", c.model, est.Labels[i], ref.ParamNames[i], est.Params[i], est.SE[i], ref.Params[i], ref.BSE[i])
			}
		}
		if !closeTo(rep.Result.LogLike, ref.LLF, 1e-10) || !closeTo(rep.LLNull, ref.LLNull, 1e-10) || rep.LR.DF != 5 {
			t.Errorf("%s: llf %.12g, null %.12g (LR %v); R %.12g, %.12g", c.model, rep.Result.LogLike, rep.LLNull, rep.LR, ref.LLF, ref.LLNull)
		}
		m := rep.Margins
		nv := len(ref.AMEVars)
		if len(m.Effect) != 7*nv {
			t.Fatalf("%s: %d effects, want 7 outcomes × %d variables", c.model, len(m.Effect), nv)
		}
		// Rows are outcome-major, the variables in formula order.
		for r := range m.Effect {
			j := r / nv
			v := -1
			for i, name := range ref.AMEVars {
				if name == m.Labels[r] {
					v = i
				}
			}
			if v < 0 {
				t.Fatalf("%s: effect %q is not a variable of the reference", c.model, m.Labels[r])
			}
			// An effect near 0 is compared on the scale of its standard error.
			if math.Abs(m.Effect[r]-ref.AME[j][v]) > 1e-6*math.Max(math.Abs(ref.AME[j][v]), ref.AMESE[j][v]) || !closeTo(m.SE[r], ref.AMESE[j][v], 1e-5) {
				t.Errorf("%s %s, %s: AME %.10g (SE %.8g), R %.10g (%.8g)", c.model, m.Outcomes[r], m.Labels[r], m.Effect[r], m.SE[r], ref.AME[j][v], ref.AMESE[j][v])
			}
		}
		spec.Margins.AtMeans = true
		rep, err = estimate.Fit(testbackend.Get(t), f, spec)
		if err != nil {
			t.Fatal(err)
		}
		m = rep.Margins
		for r := range m.Effect {
			j, v := r/nv, -1
			for i, name := range ref.AMEVars {
				if name == m.Labels[r] && name != "popul" { // R's mem of popul is for the column log(popul + 0.1)
					v = i
				}
			}
			if v < 0 {
				continue
			}
			if math.Abs(m.Effect[r]-ref.MEM[j][v]) > 1e-6*math.Max(math.Abs(ref.MEM[j][v]), ref.MEMSE[j][v]) || !closeTo(m.SE[r], ref.MEMSE[j][v], 1e-5) {
				t.Errorf("%s at means %s, %s: %.10g (SE %.8g), R %.10g (%.8g)", c.model, m.Outcomes[r], m.Labels[r], m.Effect[r], m.SE[r], ref.MEM[j][v], ref.MEMSE[j][v])
			}
		}
	}
}
