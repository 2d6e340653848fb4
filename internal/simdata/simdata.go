// Package simdata simulates the normal linear regression that the engine's tests fit, and
// solves it in closed form, so that mlx, stderr, likelihoods and plots test against exact
// least squares without importing the blog example.
//
// The design is an intercept and k−1 standard normal regressors; the true β is standard normal
// with 3 added to β₀; y = Xβ + ε with ε ~ N(0, 1). Start values are a fresh standard normal draw
// for β and σ = 1. The draws come from one PCG generator in a fixed order (β, the rows of X,
// the errors, the start), so a seed gives the same numbers in the tests as in examples/blog.
//
// It imports no package of this module: callers wrap X and Y in an mlx.Dataset themselves.
// examples/blog builds the blog's problem on it.
package simdata

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Linear is one simulated normal linear regression with its start values.
type Linear struct {
	N, K  int
	X     *mat.Dense // N×K, first column ones
	Y     []float64  // N responses
	Beta  []float64  // true coefficients
	Sigma float64    // true error standard deviation, 1
	Start []float64  // K+1 start values: β, then σ = 1
}

// NormalLinear draws n observations of k regressors (the intercept included) from a PCG
// generator seeded with seed. NormalLinear will panic unless n > k ≥ 1.
func NormalLinear(n, k int, seed uint64) *Linear {
	if n <= k || k < 1 {
		panic(fmt.Sprintf("simdata: need n > k ≥ 1, got n=%d, k=%d", n, k))
	}
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	l := &Linear{N: n, K: k, Beta: make([]float64, k), Sigma: 1}
	for j := range l.Beta {
		l.Beta[j] = r.NormFloat64()
	}
	l.Beta[0] += 3
	l.X, l.Y = l.Rows(r, n)
	l.Start = make([]float64, k+1)
	for j := range k {
		l.Start[j] = r.NormFloat64()
	}
	l.Start[k] = 1
	return l
}

// Rows draws n more rows of the design and the response from r: an intercept and K−1 standard
// normal regressors per row, all rows of X first, then y = Xβ + σε. Data too large to draw at
// once are drawn a chunk at a time with it, or with Fill.
func (l *Linear) Rows(r *rand.Rand, n int) (*mat.Dense, []float64) {
	x, y := mat.NewDense(n, l.K, nil), make([]float64, n)
	l.Fill(r, x.RawMatrix().Data, y)
	return x, y
}

// Fill draws len(y) rows as Rows does, the same numbers in the same order, into memory the
// caller owns: x holds the rows of the design one after another (len(y)·K values), y the
// responses. Fill will panic if len(x) ≠ len(y)·K.
func (l *Linear) Fill(r *rand.Rand, x, y []float64) {
	if len(x) != len(y)*l.K {
		panic(fmt.Sprintf("simdata: Fill: %d design values for %d rows of %d", len(x), len(y), l.K))
	}
	for i := range y {
		row := x[i*l.K : (i+1)*l.K]
		row[0] = 1
		for j := 1; j < l.K; j++ {
			row[j] = r.NormFloat64()
		}
	}
	for i := range y {
		y[i] = floats.Dot(x[i*l.K:(i+1)*l.K], l.Beta) + l.Sigma*r.NormFloat64()
	}
}

// OLS is the closed-form least-squares fit, with the error variance on the maximum likelihood
// scale SSR/N, so that it is the MLE of the normal linear model exactly.
type OLS struct {
	Beta  []float64 // (XᵀX)⁻¹Xᵀy
	Sigma float64   // √(SSR/N), the MLE of σ
	// SE holds K+1 standard errors on the MLE scale: √(SSR/N · diag((XᵀX)⁻¹)) for β, and
	// σ̂/√(2N) for σ, the inverse information of σ in the normal model.
	SE []float64
	// SigmaDF is √(SSR/(N−K)), the unbiased OLS scale.
	SigmaDF float64
}

// Estimates returns β̂ followed by σ̂, the parameter order of likelihoods.NormalLinear.
func (o *OLS) Estimates() []float64 { return append(append([]float64(nil), o.Beta...), o.Sigma) }

// FitOLS solves the normal equations of y on x by Cholesky. It fails if XᵀX is not positive
// definite.
func FitOLS(x *mat.Dense, y []float64) (*OLS, error) {
	n, k := x.Dims()
	var xtx mat.SymDense
	xtx.SymOuterK(1, x.T())
	var chol mat.Cholesky
	if !chol.Factorize(&xtx) {
		return nil, fmt.Errorf("simdata: XᵀX is not positive definite")
	}
	yv := mat.NewVecDense(n, y)
	var xty, beta mat.VecDense
	xty.MulVec(x.T(), yv)
	if err := chol.SolveVecTo(&beta, &xty); err != nil {
		return nil, err
	}
	var resid mat.VecDense
	resid.MulVec(x, &beta)
	resid.SubVec(yv, &resid)
	ssr := mat.Dot(&resid, &resid)
	var inv mat.SymDense
	if err := chol.InverseTo(&inv); err != nil {
		return nil, err
	}
	s2 := ssr / float64(n)
	o := &OLS{Beta: make([]float64, k), Sigma: math.Sqrt(s2), SE: make([]float64, k+1), SigmaDF: math.Sqrt(ssr / float64(n-k))}
	for j := range k {
		o.Beta[j] = beta.AtVec(j)
		o.SE[j] = math.Sqrt(s2 * inv.At(j, j))
	}
	o.SE[k] = o.Sigma / math.Sqrt(2*float64(n))
	return o, nil
}
