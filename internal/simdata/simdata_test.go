package simdata

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestFitOLS checks the Cholesky normal-equations fit against gonum's QR least squares, a
// different algorithm, and the design against its description.
func TestFitOLS(t *testing.T) {
	l := NormalLinear(2000, 6, 1)
	for i := range l.N {
		if l.X.At(i, 0) != 1 {
			t.Fatalf("row %d: intercept column is %v", i, l.X.At(i, 0))
		}
	}
	if len(l.Start) != l.K+1 || l.Start[l.K] != 1 {
		t.Errorf("start %v: want K+1 values ending with σ = 1", l.Start)
	}
	ols, err := FitOLS(l.X, l.Y)
	if err != nil {
		t.Fatal(err)
	}
	var qr mat.QR
	qr.Factorize(l.X)
	var beta mat.Dense
	if err := qr.SolveTo(&beta, false, mat.NewDense(l.N, 1, l.Y)); err != nil {
		t.Fatal(err)
	}
	for j := range l.K {
		// Both are backward stable on this well-conditioned design (cond(X) ≈ 1): 1e-12.
		if d := math.Abs(ols.Beta[j] - beta.At(j, 0)); d > 1e-12 {
			t.Errorf("β[%d]: Cholesky %v, QR %v", j, ols.Beta[j], beta.At(j, 0))
		}
		// The truth is within a few standard errors.
		if d := math.Abs(ols.Beta[j] - l.Beta[j]); d > 5*ols.SE[j] {
			t.Errorf("β[%d] = %v is %.1f SEs from the truth %v", j, ols.Beta[j], d/ols.SE[j], l.Beta[j])
		}
	}
	// σ̂ = √(SSR/N), and σ's SE is σ̂/√(2N).
	var r mat.VecDense
	r.MulVec(l.X, mat.NewVecDense(l.K, ols.Beta))
	r.SubVec(mat.NewVecDense(l.N, l.Y), &r)
	if s := math.Sqrt(mat.Dot(&r, &r) / float64(l.N)); math.Abs(s-ols.Sigma) > 1e-12 || ols.SE[l.K] != ols.Sigma/math.Sqrt(2*float64(l.N)) {
		t.Errorf("σ̂ %v (SE %v), residuals give %v", ols.Sigma, ols.SE[l.K], s)
	}
	if math.Abs(ols.SigmaDF/ols.Sigma-math.Sqrt(float64(l.N)/float64(l.N-l.K))) > 1e-12 {
		t.Errorf("σ with and without degrees of freedom: %v, %v", ols.SigmaDF, ols.Sigma)
	}
	collinear := mat.NewDense(3, 2, []float64{1, 2, 1, 2, 1, 2})
	if _, err := FitOLS(collinear, []float64{1, 2, 3}); err == nil {
		t.Error("FitOLS of collinear columns should fail")
	}
}

func TestNormalLinearPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("NormalLinear(5, 5, 1) did not panic: n must exceed k")
		}
	}()
	NormalLinear(5, 5, 1)
}
