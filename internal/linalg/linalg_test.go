package linalg

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestEquilibrate checks the scaling on a matrix with entries of very different sizes: the
// result has unit diagonal and the off-diagonal correlation 0.5·√(1e8·1e-8)/… worked out by
// hand, and a non-positive diagonal is refused.
func TestEquilibrate(t *testing.T) {
	a := mat.NewSymDense(2, []float64{1e8, 0.5, 0.5, 1e-8})
	s, scale, ok := Equilibrate(a)
	if !ok {
		t.Fatal("refused a positive diagonal")
	}
	// 0.5 / √(1e8·1e-8) = 0.5.
	if s.At(0, 0) != 1 || s.At(1, 1) != 1 || math.Abs(s.At(0, 1)-0.5) > 1e-15 {
		t.Errorf("scaled %v", mat.Formatted(s))
	}
	if math.Abs(scale[0]-1e-4) > 1e-19 || math.Abs(scale[1]-1e4) > 1e-11 {
		t.Errorf("scales %v, want 1e-4, 1e4", scale)
	}
	for _, d := range []float64{0, -1, math.Inf(1), math.NaN()} {
		if _, _, ok := Equilibrate(mat.NewSymDense(2, []float64{1, 0, 0, d})); ok {
			t.Errorf("diagonal %v accepted", d)
		}
	}
}
