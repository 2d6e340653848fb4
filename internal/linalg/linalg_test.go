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

// TestNewtonSolver solves a·d = g for a badly scaled positive definite a (entries from 1e-8 to
// 1e8, an unscaled Cholesky's trouble) and checks a·d against g, and refuses an indefinite a.
func TestNewtonSolver(t *testing.T) {
	a := mat.NewSymDense(3, []float64{
		1e8, 1e3, 0,
		1e3, 1, 1e-5,
		0, 1e-5, 1e-8,
	})
	solve, ok := NewtonSolver(a)
	if !ok {
		t.Fatal("positive definite matrix refused")
	}
	g := []float64{2, -1, 3e-8}
	var ad mat.VecDense
	ad.MulVec(a, mat.NewVecDense(3, solve(g)))
	for i, want := range g {
		if math.Abs(ad.AtVec(i)-want) > 1e-9*math.Abs(want) {
			t.Errorf("(a·d)[%d] = %v, want %v", i, ad.AtVec(i), want)
		}
	}
	if _, ok := NewtonSolver(mat.NewSymDense(2, []float64{1, 2, 2, 1})); ok {
		t.Error("indefinite matrix accepted")
	}
}
