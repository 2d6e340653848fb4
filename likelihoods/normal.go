package likelihoods

import (
	"fmt"
	"math"

	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// NormalLinear returns the normal linear regression model, the blog's OLS by maximum likelihood:
//
//	yᵢ = xᵢβ + εᵢ,  εᵢ ~ N(0, σ²)
//	ℓᵢ = −½ log(2π) − log σ − (yᵢ − xᵢβ)² / (2σ²)
//
// Blocks, in order: "beta" (k entries, labelled b0, b1, …; identity), "sigma" (1 entry, Positive:
// estimated as log σ). Data columns: "y", a vector of n responses, and "x", an n×k matrix whose
// first column is usually the intercept's ones. The MLE of σ² is SSR/n, not OLS's SSR/(n−k).
//
// It panics if k < 1.
func NormalLinear(k int) *mlx.Model {
	if k < 1 {
		panic(fmt.Sprintf("likelihoods: NormalLinear needs at least one regressor, got k=%d", k))
	}
	labels := make([]string, k)
	for i := range labels {
		labels[i] = fmt.Sprintf("b%d", i)
	}
	return &mlx.Model{
		Name: "normal linear",
		Blocks: []mlx.Block{
			{Name: "beta", Size: k, Labels: labels},
			{Name: "sigma", Size: 1, Transform: mlx.Positive},
		},
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			x, y := d.Get("x"), d.Get("y")
			sigma := p.Scalar("sigma")
			resid := graph.Sub(y, graph.Dot(x, p.Get("beta")))
			// −½log(2π) − log σ − r²/(2σ²)
			return graph.Sub(
				graph.Neg(graph.AddScalar(graph.Log(sigma), 0.5*math.Log(2*math.Pi))),
				graph.Div(graph.Square(resid), graph.MulScalar(graph.Square(sigma), 2)))
		},
	}
}
