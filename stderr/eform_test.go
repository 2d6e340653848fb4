package stderr_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/gonum/stat/distuv"
)

// TestExpSelectDF checks the eform transformation, the selection of rows and t-based
// inference on the Spector logit, each against its definition (R's numbers are in package
// estimate's TestEForm and TestLeastSquares).
func TestExpSelectDF(t *testing.T) {
	full, _, _ := spector(t, likelihoods.Logit)
	est, err := stderr.Hessian(full)
	if err != nil {
		t.Fatal(err)
	}
	rows := []bool{true, true, false, true} // TUCE left on the linear scale
	ex, err := est.Exp("Odds ratio", rows)
	if err != nil {
		t.Fatal(err)
	}
	for i, on := range rows {
		b, se := est.Params[i], est.SE[i]
		want := [4]float64{b, se, est.Lower[i], est.Upper[i]}
		if on {
			want = [4]float64{math.Exp(b), math.Exp(b) * se, math.Exp(est.Lower[i]), math.Exp(est.Upper[i])}
		}
		got := [4]float64{ex.Params[i], ex.SE[i], ex.Lower[i], ex.Upper[i]}
		for k := range got {
			if !near(got[k], want[k], 1e-15) {
				t.Errorf("%s: value/SE/lower/upper %v, want %v", est.Labels[i], got, want)
				break
			}
		}
		if ex.Z[i] != est.Z[i] || ex.P[i] != est.P[i] {
			t.Errorf("%s: z, p changed", est.Labels[i])
		}
	}
	if !strings.Contains(ex.String(), "Odds ratio") {
		t.Errorf("table lacks its head:\n%s", ex)
	}
	if _, err := ex.Exp("Odds ratio", rows); err == nil {
		t.Error("exponentiating twice: no error")
	}

	sel, err := ex.Select(3, 0)
	if err != nil {
		t.Fatal(err)
	}
	if sel.Labels[0] != "const" || sel.Params[1] != ex.Params[0] || sel.Cov.At(0, 1) != ex.Cov.At(3, 0) || !sel.Exponentiated[0] {
		t.Errorf("Select(3, 0): labels %v, params %v", sel.Labels, sel.Params)
	}
	if _, err := est.Select(4); err == nil {
		t.Error("Select(4) of 4 parameters: no error")
	}

	// t inference with 28 df (n − k): t quantile intervals and t p-values.
	tt, err := stderr.New(full, stderr.OIM{}, &stderr.Settings{DF: 28})
	if err != nil {
		t.Fatal(err)
	}
	dist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: 28}
	crit := dist.Quantile(0.975)
	for i := range tt.Params {
		if !near(tt.P[i], 2*dist.Survival(math.Abs(tt.Z[i])), 1e-14) || !near(tt.Upper[i], tt.Params[i]+crit*tt.SE[i], 1e-14) {
			t.Errorf("%s: p %g, upper %g", tt.Labels[i], tt.P[i], tt.Upper[i])
		}
	}
	if s := tt.String(); !strings.Contains(s, "P>|t|") {
		t.Errorf("t table heads:\n%s", s)
	}
	// F = W/q on F(q, 28).
	w, err := tt.TestZero("GPA", "TUCE")
	if err != nil {
		t.Fatal(err)
	}
	f := w.F(28)
	if !near(f.Stat, w.Stat/2, 1e-15) || !near(f.P, distuv.F{D1: 2, D2: 28}.Survival(w.Stat/2), 1e-14) {
		t.Errorf("F %+v from Wald %+v", f, w)
	}
	if _, err := stderr.New(full, stderr.OIM{}, &stderr.Settings{DF: -1}); err == nil {
		t.Error("DF −1: no error")
	}
}
