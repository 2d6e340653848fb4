package blog

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomle/gomle/mlx"
	"gonum.org/v1/gonum/mat"
)

// Problem is one simulated dataset with its start values.
type Problem struct {
	N, K  int
	X     *mat.Dense // N×K, first column ones
	Y     []float64  // N responses
	Beta  []float64  // true coefficients
	Sigma float64    // true error standard deviation
	Start []float64  // K+1 start values: β, then σ = 1
}

// Generate draws a blog-shaped problem from a PCG generator seeded with seed.
//
// The blog draws N = 50000 observations of K = 100 regressors: an intercept and K−1 standard
// normals, true β standard normal with 3 added to β₀, and y = Xβ + ε with ε ~ N(0, 1). Its
// start values are a fresh standard-normal draw for β and σ = 1. Go's PCG generator replaces
// numpy's, so the numbers differ from the blog's while the distributions are the same.
func Generate(n, k int, seed uint64) (*Problem, error) {
	if n <= k || k < 1 {
		return nil, fmt.Errorf("blog: need n > k ≥ 1, got n=%d, k=%d", n, k)
	}
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	p := &Problem{N: n, K: k, Beta: make([]float64, k), Sigma: 1}
	for j := range p.Beta {
		p.Beta[j] = r.NormFloat64()
	}
	p.Beta[0] += 3
	p.X, p.Y = p.rows(r, n)
	p.Start = make([]float64, k+1)
	for j := range k {
		p.Start[j] = r.NormFloat64()
	}
	p.Start[k] = 1
	return p, nil
}

// rows draws n rows of the design (intercept, then standard normals) and their responses.
func (p *Problem) rows(r *rand.Rand, n int) (*mat.Dense, []float64) {
	x, y := mat.NewDense(n, p.K, nil), make([]float64, n)
	for i := range n {
		x.Set(i, 0, 1)
		for j := 1; j < p.K; j++ {
			x.Set(i, j, r.NormFloat64())
		}
	}
	for i := range n {
		y[i] = mat.Dot(x.RowView(i), mat.NewVecDense(p.K, p.Beta)) + p.Sigma*r.NormFloat64()
	}
	return x, y
}

// GenerateChunked draws a blog-shaped problem of n rows straight into a chunked Dataset (see
// mlx.Chunks) of chunks of at most rows rows, so that the data exist once, in the dataset: for
// n = 10⁷ and k = 100 that is 8 GB, where Generate plus a Dataset would hold two copies.
// β and σ are Generate's for the same seed; the start values and the rows (one generator per
// chunk) differ from Generate's. The returned Problem has no X and Y.
func GenerateChunked(n, k int, seed uint64, rows int) (*Problem, *mlx.Dataset, error) {
	if rows < 1 {
		return nil, nil, fmt.Errorf("blog: chunks of %d rows", rows)
	}
	p, err := Generate(k+1, k, seed) // β, σ and the start; its k+1 rows are dropped
	if err != nil {
		return nil, nil, err
	}
	if n <= k {
		return nil, nil, fmt.Errorf("blog: need n > k ≥ 1, got n=%d, k=%d", n, k)
	}
	p.N, p.X, p.Y = n, nil, nil
	var parts []*mlx.Dataset
	for c, lo := uint64(0), 0; lo < n; c, lo = c+1, lo+rows {
		x, y := p.rows(rand.New(rand.NewPCG(seed, c+1)), min(rows, n-lo))
		part, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Matrix("x", x))
		if err != nil {
			return nil, nil, err
		}
		parts = append(parts, part)
	}
	ds, err := mlx.Chunks(parts...)
	return p, ds, err
}

// Dataset returns the problem's data as the columns "y" and "x" of likelihoods.NormalLinear.
func (p *Problem) Dataset() (*mlx.Dataset, error) {
	return mlx.NewDataset(mlx.Vector("y", p.Y), mlx.Matrix("x", p.X))
}

// OLS is the closed-form least-squares fit, the independent reference every maximum
// likelihood method is compared with (the tests of mlx and stderr use it too), with the error
// variance on the maximum likelihood scale SSR/N so that it matches the MLE exactly.
type OLS struct {
	Beta  []float64 // (XᵀX)⁻¹Xᵀy
	Sigma float64   // √(SSR/N), the MLE of σ
	// SE holds K+1 standard errors on the MLE scale: √(SSR/N · diag((XᵀX)⁻¹)) for β, and
	// σ̂/√(2N) for σ, the inverse information of σ in the normal model.
	SE []float64
	// SigmaDF is √(SSR/(N−K)), the unbiased OLS scale the blog prints.
	SigmaDF float64
}

// Estimates returns β̂ followed by σ̂ (MLE scale), the flat order of the normal linear model.
func (o *OLS) Estimates() []float64 { return append(append([]float64(nil), o.Beta...), o.Sigma) }

// FitOLS solves the normal equations by Cholesky and returns the fit. It fails if XᵀX is not
// positive definite.
func FitOLS(x *mat.Dense, y []float64) (*OLS, error) {
	n, k := x.Dims()
	var xtx mat.SymDense
	xtx.SymOuterK(1, x.T())
	var chol mat.Cholesky
	if !chol.Factorize(&xtx) {
		return nil, fmt.Errorf("blog: XᵀX is not positive definite")
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
