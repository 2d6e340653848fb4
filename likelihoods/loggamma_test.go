package likelihoods_test

import (
	"math"
	"testing"

	"github.com/gomle/gomle/likelihoods"
)

// TestLogGamma checks LogGamma and its derivative, the digamma function, against math.Lgamma
// and central differences of it.
func TestLogGamma(t *testing.T) {
	xs := []float64{1e-3, 0.1, 0.5, 1, 1.5, 2, 3, 7.5, 10, 33, 1e3, 1e6}
	vals, grads := valueAndDerivative(t, likelihoods.LogGamma, xs)
	for i, x := range xs {
		want, _ := math.Lgamma(x)
		// The log of the shift product and Stirling's sum cancel down to log Γ(x): allow 1e-13
		// absolute plus float64 rounding of the larger of the two terms.
		tol := 1e-13 + 4e-16*math.Abs((x+7.5)*math.Log(x+8))
		if math.Abs(vals[i]-want) > tol {
			t.Errorf("LogGamma(%v) = %.16g, math.Lgamma %.16g (tolerance %.2g)", x, vals[i], want, tol)
		}
		h := 1e-5 * math.Max(x, 1e-3)
		if x < 1e-2 {
			h = 1e-7
		}
		lp, _ := math.Lgamma(x + h)
		lm, _ := math.Lgamma(x - h)
		if fd := (lp - lm) / (2 * h); math.Abs(grads[i]-fd) > 1e-6*math.Max(1, math.Abs(fd)) {
			t.Errorf("d LogGamma(%v)/dx = %.12g, central differences of math.Lgamma %.12g", x, grads[i], fd)
		}
	}
}
