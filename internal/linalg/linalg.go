// Package linalg holds the small pieces of dense linear algebra that mlx and stderr share.
package linalg

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Equilibrate returns D^(−1/2)·a·D^(−1/2), D = diag(a), a symmetric matrix rescaled to unit
// diagonal, and the scales D^(−1/2). For an information matrix this is the information of the
// parameters measured in units of their curvature: rescaling one parameter (b2 in units of
// 1e-4 instead of 1) changes the condition number of a but not that of the scaled matrix, so
// the scaled one is what Cholesky factorisations and condition tests should see. It returns
// ok = false if a diagonal entry is not positive and finite (a is then not positive definite).
func Equilibrate(a mat.Symmetric) (scaled *mat.SymDense, scale []float64, ok bool) {
	p := a.SymmetricDim()
	scale = make([]float64, p)
	for i := range p {
		d := a.At(i, i)
		if !(d > 0) || math.IsInf(d, 0) {
			return nil, nil, false
		}
		scale[i] = 1 / math.Sqrt(d)
	}
	scaled = mat.NewSymDense(p, nil)
	for i := range p {
		for j := i; j < p; j++ {
			scaled.SetSym(i, j, scale[i]*a.At(i, j)*scale[j])
		}
	}
	return scaled, scale, true
}
