package blog

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestFitOLS checks the Cholesky normal-equations fit against gonum's QR least squares, a
// different algorithm, and the generator against the blog's design.
func TestFitOLS(t *testing.T) {
	p, err := Generate(2000, 6, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.N {
		if p.X.At(i, 0) != 1 {
			t.Fatalf("row %d: intercept column is %v", i, p.X.At(i, 0))
		}
	}
	if len(p.Start) != p.K+1 || p.Start[p.K] != 1 {
		t.Errorf("start %v: want K+1 values ending with σ = 1", p.Start)
	}
	ols, err := FitOLS(p.X, p.Y)
	if err != nil {
		t.Fatal(err)
	}
	var qr mat.QR
	qr.Factorize(p.X)
	var beta mat.Dense
	if err := qr.SolveTo(&beta, false, mat.NewDense(p.N, 1, p.Y)); err != nil {
		t.Fatal(err)
	}
	for j := range p.K {
		// Both are backward stable on this well-conditioned design (cond(X) ≈ 1): 1e-12.
		if d := math.Abs(ols.Beta[j] - beta.At(j, 0)); d > 1e-12 {
			t.Errorf("β[%d]: Cholesky %v, QR %v", j, ols.Beta[j], beta.At(j, 0))
		}
		// The truth is within a few standard errors.
		if d := math.Abs(ols.Beta[j] - p.Beta[j]); d > 5*ols.SE[j] {
			t.Errorf("β[%d] = %v is %.1f SEs from the truth %v", j, ols.Beta[j], d/ols.SE[j], p.Beta[j])
		}
	}
	if math.Abs(ols.SigmaDF/ols.Sigma-math.Sqrt(float64(p.N)/float64(p.N-p.K))) > 1e-12 {
		t.Errorf("σ with and without degrees of freedom: %v, %v", ols.SigmaDF, ols.Sigma)
	}
	if _, err := Generate(5, 5, 1); err == nil {
		t.Error("Generate(5, 5) should fail: n must exceed k")
	}
}

func TestGenerateChunked(t *testing.T) {
	p, ds, err := GenerateChunked(1000, 3, 2, 300)
	if err != nil {
		t.Fatal(err)
	}
	whole, _ := Generate(1000, 3, 2)
	if ds.NumObs() != 1000 || ds.NumChunks() != 4 || p.X != nil {
		t.Errorf("%d observations in %d chunks, X kept: %v", ds.NumObs(), ds.NumChunks(), p.X != nil)
	}
	for j := range p.Beta {
		if p.Beta[j] != whole.Beta[j] {
			t.Errorf("β[%d] differs from Generate's: %v %v", j, p.Beta[j], whole.Beta[j])
		}
	}
	if _, _, err := GenerateChunked(1000, 3, 2, 0); err == nil {
		t.Error("chunks of 0 rows: no error")
	}
}
