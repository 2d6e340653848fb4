package main

import (
	"strings"
	"testing"
)

// TestMethodFlag fits the README's logit with -method bhhh: the summary must name BHHH and say
// that it converged, and -h must list the method.
func TestMethodFlag(t *testing.T) {
	code, out, errs := gomle("fit", "logit", "GRADE ~ GPA + TUCE + PSI", "-data", "../../data/spector.csv", "-method", "bhhh")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "BHHH") || !strings.Contains(out, "converged") {
		t.Errorf("summary does not report BHHH's convergence:\n%s", out)
	}
	if _, _, help := gomle("fit", "-h"); !strings.Contains(help, "bhhh") {
		t.Errorf("fit -h does not list bhhh:\n%s", help)
	}
}
