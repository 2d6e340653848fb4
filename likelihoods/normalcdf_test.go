package likelihoods_test

import (
	"math"
	"testing"

	"github.com/gomle/gomle/likelihoods"
	"gonum.org/v1/gonum/stat/distuv"
)

// TestLogNormalCDF checks value and derivative against Φ(z) = ½erfc(−z/√2) from Go's math
// package (accurate in the tail, unlike 1 + erf) and gonum's normal density, across the switch
// point and into the tail, down to z = −30 where Φ ≈ 5e-198 (erfc underflows near −37).
func TestLogNormalCDF(t *testing.T) {
	zs := []float64{3, 1, 0, -1, -3, -5.9, -6, -6.1, -8, -20, -30}
	vals, grads := valueAndDerivative(t, likelihoods.LogNormalCDF, zs)
	for i, z := range zs {
		want := math.Log(0.5 * math.Erfc(-z/math.Sqrt2))
		// d log Φ/dz = φ(z)/Φ(z), computed in logs to stay finite in the tail.
		wantGrad := math.Exp(distuv.UnitNormal.LogProb(z) - want)
		// 1e-6 relative: the switch point's accuracy (see logCDFSwitch), far tighter elsewhere.
		if math.Abs(vals[i]-want) > 1e-6*math.Max(1, math.Abs(want)) {
			t.Errorf("log Φ(%v) = %.12g, gonum %.12g", z, vals[i], want)
		}
		if math.Abs(grads[i]-wantGrad) > 1e-6*math.Max(1, math.Abs(wantGrad)) {
			t.Errorf("d log Φ(%v)/dz = %.12g, want %.12g", z, grads[i], wantGrad)
		}
	}
}
