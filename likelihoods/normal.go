package likelihoods

import (
	"fmt"
	"math"

	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// NormalLinear returns the normal linear regression model, least squares by maximum likelihood:
//
//	yᵢ = xᵢβ + εᵢ,  εᵢ ~ N(0, σ²)
//	ℓᵢ = −½ log(2π) − log σ − (yᵢ − xᵢβ)² / (2σ²)
//
// Blocks, in order: "beta" (k entries, labelled b0, b1, …; identity), "sigma" (1 entry, Positive:
// estimated as log σ). Data columns: "y", a vector of n responses, and "x", an n×k matrix whose
// first column is usually the intercept's ones. The MLE of σ² is SSR/n, not OLS's SSR/(n−k).
//
// Its LogLikeObs accepts batched parameters, but the returned model has Batched off: on both
// CPU backends the one-pass, matrix-matrix Hessian was slower than p passes at N=50000, K=100
// (XLA CPU 2.25 s against 0.70 s, pure Go 15.5 s against 7.1 s; mlx's
// BenchmarkHessian). Set Batched on the returned model to use it, for example on a GPU.
//
// It panics if k < 1.
func NormalLinear(k int) *mlx.Model {
	if k < 1 {
		panic(fmt.Sprintf("likelihoods: NormalLinear needs at least one regressor, got k=%d", k))
	}
	return &mlx.Model{
		Name: "normal linear",
		Blocks: []mlx.Block{
			{Name: "beta", Size: k, Labels: coefLabels(k)},
			{Name: "sigma", Size: 1, Transform: mlx.Positive},
		},
		Predictions: linearMean,
		Indices:     []mlx.Index{{Block: "beta", Design: "x"}},
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			y, mu := d.Get("y"), p.Index("beta") // mu is [B, n] when batched: X times B vectors at once
			sigma := p.Scalar("sigma")           // a scalar, or [B, 1] when batched
			if p.Batched() {
				y = graph.BroadcastToShape(graph.ExpandAxes(y, 0), mu.Shape())
				sigma = graph.BroadcastToShape(sigma, mu.Shape())
			}
			resid := graph.Sub(y, mu)
			// −½log(2π) − log σ − r²/(2σ²)
			return graph.Sub(
				graph.Neg(graph.AddScalar(graph.Log(sigma), 0.5*math.Log(2*math.Pi))),
				graph.Div(graph.Square(resid), graph.MulScalar(graph.Square(sigma), 2)))
		},
	}
}

// linearMean is the prediction of the normal linear model, E[y|x] = xβ.
var linearMean = []mlx.Prediction{{Name: "E[y]", Func: func(p mlx.Params, _ mlx.Data) *graph.Node {
	return p.Index("beta")
}}}

var olsFamily = &Family{Name: "ols", Doc: "normal linear regression (least squares by maximum likelihood)",
	Build: func(d *Data, _ Options) (*Problem, error) {
		_, k := d.X.Dims()
		return matrixProblem(NormalLinear(k), mlx.Vector("y", d.Y), d, olsStart(d.X, d.Y)), nil
	}}
