package blog

import (
	"fmt"
	"math/rand/v2"

	"github.com/gomle/gomle/internal/simdata"
	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/backends"
	"gonum.org/v1/gonum/mat"
)

// Problem is one simulated dataset with its start values (internal/simdata's simulation: N, K,
// X with the intercept first, Y, the true Beta and Sigma, and Start).
type Problem struct{ *simdata.Linear }

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
	return &Problem{simdata.NormalLinear(n, k, seed)}, nil
}

// GenerateChunked draws a blog-shaped problem of n rows straight into a chunked Dataset (see
// mlx.Chunks) of chunks of at most rows rows, so that the data exist once, in the dataset: for
// n = 10⁷ and k = 100 that is 8 GB, where Generate plus a Dataset would hold two copies. Each
// chunk's rows are drawn into its columns' memory (mlx.NewColumn), allocated on b when b shares
// host memory (XLA CPU, the pure-Go backend), so that evaluations on b read them in place; the
// Dataset can then be evaluated on b alone. A nil b allocates Go memory.
// β and σ are Generate's for the same seed; the start values and the rows (one generator per
// chunk) differ from Generate's. The returned Problem has no X and Y.
func GenerateChunked(b backends.Backend, n, k int, seed uint64, rows int) (*Problem, *mlx.Dataset, error) {
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
		m := min(rows, n-lo)
		y, err := mlx.NewColumn(b, "y", m)
		if err != nil {
			return nil, nil, err
		}
		x, err := mlx.NewColumn(b, "x", m, k)
		if err != nil {
			return nil, nil, err
		}
		p.Fill(rand.New(rand.NewPCG(seed, c+1)), x.Values, y.Values)
		part, err := mlx.NewDataset(y, x)
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
// likelihood method is compared with, with the error variance on the maximum likelihood scale
// SSR/N so that it matches the MLE exactly, and SigmaDF = √(SSR/(N−K)), the scale the blog
// prints.
type OLS = simdata.OLS

// FitOLS solves the normal equations of y on x by Cholesky (simdata.FitOLS).
func FitOLS(x *mat.Dense, y []float64) (*OLS, error) { return simdata.FitOLS(x, y) }
