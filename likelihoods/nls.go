package likelihoods

import (
	"fmt"
	"math"

	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// NLS returns nonlinear regression with normal errors, least squares as maximum likelihood:
//
//	yᵢ = f(xᵢ, b) + εᵢ,  εᵢ ~ N(0, σ²)
//	ℓᵢ = −½ log(2π) − log σ − (yᵢ − f(xᵢ, b))²/(2σ²)
//
// so b̂ is the nonlinear least-squares estimate and σ̂² = SSR/n, the MLE (nonlinear
// least-squares programs such as NIST's StRD and R's nls report SSR/(n−p) instead). mean
// computes f: it receives the parameters and the data, reads each parameter with
// p.Scalar(name) and any data columns it needs with d.Get, and returns a node of shape [n] (or
// a scalar). Like LogLikeObs it runs while a graph is being built and may panic.
//
// Blocks, in order: one per entry of params, named after it, of size 1 (identity), then
// "sigma" (1 entry, Positive: estimated as log σ). A parameter may not be named "sigma", and
// names may not repeat: Fit (through mlx.Model.Validate) reports either as an error naming the
// block used twice.
//
// Data: "y", a vector of n responses, plus whatever columns mean reads.
//
// Standard errors come from the exact Hessian of ℓ, so they include the curvature term
// Σ rᵢ∇²fᵢ that the Gauss–Newton approximation JᵀJ (NIST's certified values, R's nls) leaves out;
// the two agree when f is linear in b.
//
// It panics if params is empty or mean is nil.
func NLS(params []string, mean func(p mlx.Params, d mlx.Data) *graph.Node) *mlx.Model {
	switch {
	case len(params) == 0:
		panic("likelihoods: NLS needs at least one parameter")
	case mean == nil:
		panic("likelihoods: NLS needs a mean function")
	}
	blocks := make([]mlx.Block, 0, len(params)+1)
	for _, name := range params {
		blocks = append(blocks, mlx.Block{Name: name, Size: 1})
	}
	blocks = append(blocks, mlx.Block{Name: "sigma", Size: 1, Transform: mlx.Positive})
	return &mlx.Model{
		Name:   "nonlinear regression",
		Blocks: blocks,
		Predictions: []mlx.Prediction{{Name: "E[y]", Func: func(p mlx.Params, d mlx.Data) *graph.Node {
			return graph.BroadcastToShape(mean(p, d), d.Get("y").Shape())
		}}},
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			y := d.Get("y")
			sigma := p.Scalar("sigma")
			f := mean(p, d)
			if f == nil || !(f.Rank() == 0 || f.Shape().Equal(y.Shape())) {
				got := "nil"
				if f != nil {
					got = f.Shape().String()
				}
				panic(fmt.Errorf("likelihoods: NLS mean function returned shape %s, want %s like \"y\"", got, y.Shape()))
			}
			resid := graph.Sub(y, f)
			return graph.Sub(
				graph.Neg(graph.AddScalar(graph.Log(sigma), 0.5*math.Log(2*math.Pi))),
				graph.Div(graph.Square(resid), graph.MulScalar(graph.Square(sigma), 2)))
		},
	}
}
