package likelihoods

import (
	"fmt"

	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// NegBin2 returns the negative binomial NB2 regression (Stata's nbreg, the default
// dispersion(mean)): a log link μᵢ = exp(xᵢβ + oᵢ) and variance μᵢ + αμᵢ². With r = 1/α,
//
//	ℓᵢ = log Γ(yᵢ + r) − log Γ(r) − log Γ(yᵢ + 1) + r·log(r/(r + μᵢ)) + yᵢ·log(μᵢ/(r + μᵢ))
//
// Blocks: "beta" (k entries, labelled b0, b1, …; identity), "alpha" (1 entry, Positive:
// estimated as log α, Stata's lnalpha). Data: "y", non-negative counts, "x", an n×k design
// matrix, and with offset true "offset", the oᵢ (log exposure). It panics if k < 1.
func NegBin2(k int, offset bool) *mlx.Model {
	if k < 1 {
		panic(fmt.Sprintf("likelihoods: NegBin2 needs at least one regressor, got k=%d", k))
	}
	return &mlx.Model{
		Name:        "negative binomial (NB2)",
		Blocks:      []mlx.Block{{Name: "beta", Size: k, Labels: coefLabels(k)}, {Name: "alpha", Size: 1, Transform: mlx.Positive}},
		Indices:     countIndex(offset),
		Predictions: countMean,
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			y, eta := d.Get("y"), p.Index("beta")
			r := graph.Inverse(p.Scalar("alpha"))
			// log(r + μ) = log r + log(1 + αμ), computed as logaddexp(log r, η) to stay finite.
			logR := graph.Log(r)
			logRMu := graph.LogAddExp(graph.BroadcastToShape(logR, eta.Shape()), eta)
			yr := graph.Add(y, r)
			return graph.Add(
				graph.Sub(graph.Sub(LogGamma(yr), LogGamma(r)), LogGamma(graph.OnePlus(y))),
				graph.Add(graph.Mul(r, graph.Sub(logR, logRMu)), graph.Mul(y, graph.Sub(eta, logRMu))))
		},
	}
}
