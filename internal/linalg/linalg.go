// Package linalg holds the small pieces of dense linear algebra that optim, mlx, stderr and estimate share. It imports gonum only.
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

// NewtonSolver returns a function that solves a·d = g for d, a symmetric positive definite
// (the negative Hessian −H of a log-likelihood, for the Newton step d and the Newton decrement
// gᵀd), by a Cholesky factorisation of a equilibrated to unit diagonal (see Equilibrate), so
// that badly scaled parameters do not defeat it. ok is false if a is not positive definite.
func NewtonSolver(a mat.Symmetric) (solve func(g []float64) []float64, ok bool) {
	scaled, scale, ok := Equilibrate(a)
	var chol mat.Cholesky
	if !ok || !chol.Factorize(scaled) {
		return nil, false
	}
	p := len(scale)
	return func(g []float64) []float64 {
		sg := mat.NewVecDense(p, nil)
		for i := range p {
			sg.SetVec(i, scale[i]*g[i])
		}
		d := make([]float64, p)
		var y mat.VecDense
		if err := chol.SolveVecTo(&y, sg); err != nil {
			for i := range d {
				d[i] = math.NaN()
			}
			return d
		}
		for i := range p {
			d[i] = scale[i] * y.AtVec(i)
		}
		return d
	}, true
}

// Degeneracy describes the directions in which a symmetric matrix is (nearly) singular or
// negative, from its eigen-decomposition.
type Degeneracy struct {
	// Involved are the indices, ascending, with a large share (|entry| > 0.1 of a unit
	// eigenvector) in an offending direction. With a direction spread evenly over p indices
	// each entry is 1/√p, so 0.1 singles out the indices that carry it.
	Involved []int
	// Eigenvalues are the offending eigenvalues, ascending: those below max|λ|/limit.
	Eigenvalues []float64
	// Cond is max|λ|/min|λ|, +Inf when some eigenvalue is zero or the decomposition failed.
	Cond float64
	// Negative is true when some eigenvalue is negative beyond rounding (below −max|λ|/limit).
	Negative bool
}

// Degenerate returns the degeneracy of a at the condition limit: eigenvalues below
// max|λ|/limit are offending. If the decomposition fails, every index is involved.
func Degenerate(a mat.Symmetric, limit float64) Degeneracy {
	p := a.SymmetricDim()
	d := Degeneracy{Cond: math.Inf(1)}
	var eig mat.EigenSym
	if !eig.Factorize(a, true) {
		for i := range p {
			d.Involved = append(d.Involved, i)
		}
		return d
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	top, minAbs := 0.0, math.Inf(1)
	for _, v := range vals {
		top = math.Max(top, math.Abs(v))
		minAbs = math.Min(minAbs, math.Abs(v))
	}
	involved := make([]bool, p)
	for k, v := range vals {
		if v > top/limit {
			continue
		}
		d.Eigenvalues = append(d.Eigenvalues, v)
		d.Negative = d.Negative || v < -top/limit
		for i := range p {
			involved[i] = involved[i] || math.Abs(vecs.At(i, k)) > 0.1
		}
	}
	for i, in := range involved {
		if in {
			d.Involved = append(d.Involved, i)
		}
	}
	if minAbs > 0 {
		d.Cond = top / minAbs
	}
	return d
}
