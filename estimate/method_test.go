package estimate_test

import (
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/optim"
)

// TestMethodBHHH fits Spector's logit with Method optim.BHHH and requires the estimates of the
// default (Newton) to 1e-6 relative and the method's name in the report.
func TestMethodBHHH(t *testing.T) {
	f := readFrame(t, "../data/spector.csv")
	fit := func(method optim.Method) *estimate.Report {
		t.Helper()
		rep, err := estimate.Fit(testbackend.Get(t), f, estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI", Method: method})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	newton, bhhh := fit(nil), fit(&optim.BHHH{})
	if newton.Result.Method != "Newton" {
		t.Errorf("default method %q, want Newton", newton.Result.Method)
	}
	if bhhh.Result.Method != "BHHH" || !bhhh.Result.Status.Converged() {
		t.Fatalf("method %q, status %v (%s)", bhhh.Result.Method, bhhh.Result.Status, bhhh.Result.Reason)
	}
	for i, v := range bhhh.Estimates.Params {
		if w := newton.Estimates.Params[i]; !closeTo(v, w, 1e-6) {
			t.Errorf("%s = %.10g by BHHH, %.10g by Newton", bhhh.Estimates.Labels[i], v, w)
		}
	}
}
