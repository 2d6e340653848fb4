package estimate_test

import (
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/internal/testbackend"
)

// TestMethodBHHH fits Spector's logit with Method "bhhh" and requires the estimates of the
// default (Newton) to 1e-6 relative, the method's name in the report, and "bhhh" among the
// methods an unknown name's error lists.
func TestMethodBHHH(t *testing.T) {
	f := readFrame(t, "../data/spector.csv")
	fit := func(method string) *estimate.Report {
		t.Helper()
		rep, err := estimate.Fit(testbackend.Get(t), f, estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI", Method: method})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	newton, bhhh := fit(""), fit("bhhh")
	if bhhh.Result.Method != "BHHH" || !bhhh.Result.Status.Converged() {
		t.Fatalf("method %q, status %v (%s)", bhhh.Result.Method, bhhh.Result.Status, bhhh.Result.Reason)
	}
	for i, v := range bhhh.Estimates.Params {
		if w := newton.Estimates.Params[i]; !closeTo(v, w, 1e-6) {
			t.Errorf("%s = %.10g by BHHH, %.10g by Newton", bhhh.Estimates.Labels[i], v, w)
		}
	}
	_, err := estimate.Fit(testbackend.Get(t), f, estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA", Method: "simplex"})
	if err == nil || !strings.Contains(err.Error(), "bhhh") {
		t.Errorf("unknown method: error %v", err)
	}
}
