package likelihoods

import (
	"fmt"

	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// Poisson returns the Poisson regression with a log link, μᵢ = exp(xᵢβ + oᵢ):
//
//	ℓᵢ = yᵢ·ηᵢ − exp(ηᵢ) − log(yᵢ!),  ηᵢ = xᵢβ + oᵢ
//
// with log(yᵢ!) = LogGamma(yᵢ + 1), so the log-likelihood is the full one that Stata and
// statsmodels report. Blocks: "beta" (k entries, labelled b0, b1, …; identity). Data: "y",
// non-negative counts, and "x", an n×k design matrix; with offset true also "offset", the
// oᵢ, for example log exposure (Stata's exposure(t) is offset log t). It panics if k < 1.
func Poisson(k int, offset bool) *mlx.Model {
	if k < 1 {
		panic(fmt.Sprintf("likelihoods: Poisson needs at least one regressor, got k=%d", k))
	}
	return &mlx.Model{
		Name:   "poisson",
		Blocks: []mlx.Block{{Name: "beta", Size: k, Labels: coefLabels(k)}},
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			y, eta := d.Get("y"), countIndex(p, d, offset)
			return graph.Sub(graph.Sub(graph.Mul(y, eta), graph.Exp(eta)), LogGamma(graph.OnePlus(y)))
		},
	}
}

// countIndex returns the linear index of a count model, xᵢβ + oᵢ, the offset column included
// when offset is true.
func countIndex(p mlx.Params, d mlx.Data, offset bool) *graph.Node {
	eta := graph.Dot(d.Get("x"), p.Get("beta"))
	if offset {
		eta = graph.Add(eta, d.Get("offset"))
	}
	return eta
}
