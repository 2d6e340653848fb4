package optim

import (
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestNewtonCheck checks the rescue of a failed line search: with −H = diag(1e8, 1e-8) (two
// parameters in wildly different units) and g = (1e-3, 1e-11), the decrement is
// 1e-6²/1e8·… = (1e-3)²/1e8 + (1e-11)²/1e-8 = 1e-14 + 1e-14 = 2e-14 < 1e-12: converged. With
// g = (1, 0) it is 1e-8: still failure. An indefinite H is never converged.
func TestNewtonCheck(t *testing.T) {
	h := mat.NewSymDense(2, []float64{-1e8, 0, 0, -1e-8})
	if st, why := newtonCheck(h, []float64{1e-3, 1e-11}, "line search failed"); st != NewtonConverged || !strings.Contains(why, "2e-14") {
		t.Errorf("tiny step: %v (%s)", st, why)
	}
	if st, _ := newtonCheck(h, []float64{1, 0}, "line search failed"); st != Failure {
		t.Errorf("decrement 1e-8: %v, want failure", st)
	}
	indefinite := mat.NewSymDense(2, []float64{-1, 0, 0, 1})
	if st, _ := newtonCheck(indefinite, []float64{0, 0}, "x"); st != Failure {
		t.Errorf("indefinite Hessian: %v, want failure", st)
	}
	if !NewtonConverged.Converged() || NewtonConverged.Early() {
		t.Error("NewtonConverged must count as converged and not as a limit")
	}
}
