package likelihoods

import (
	"fmt"
	"math"

	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// Tobit returns the censored normal regression (Tobin 1958; Stata's tobit with ll(lower) and
// ul(upper)): a latent y*ᵢ = xᵢβ + εᵢ, εᵢ ~ N(0, σ²), observed as yᵢ = min(max(y*ᵢ, L), U),
// L = lower and U = upper. With zᵢ = (yᵢ − xᵢβ)/σ,
//
//	ℓᵢ = log Φ((L − xᵢβ)/σ)                     yᵢ ≤ L   (left-censored)
//	ℓᵢ = log Φ((xᵢβ − U)/σ)                     yᵢ ≥ U   (right-censored)
//	ℓᵢ = −½ log(2π) − log σ − zᵢ²/2             otherwise
//
// with log Φ from LogNormalCDF, safe far into both tails
// (https://en.wikipedia.org/wiki/Tobit_model).
//
// Blocks, in order: "beta" (k entries, labelled b0, b1, …; identity), "sigma" (1 entry,
// Positive: estimated as log σ).
//
// Data: "y", a vector of n responses, and "x", an n×k design matrix. The model finds the
// censored observations itself, by comparing y with the limits inside the graph: an
// observation at or below lower is left-censored and one at or above upper right-censored,
// whatever its exact value (as Stata's tobit, which treats y ≤ ll as censored). Pass
// math.Inf(−1) for no lower limit and math.Inf(1) for no upper limit; with neither, the model is
// the normal linear regression (NormalLinear).
//
// It panics if k < 1, if a limit is NaN, if lower is +Inf or upper −Inf, or if lower ≥ upper.
func Tobit(k int, lower, upper float64) *mlx.Model {
	switch {
	case k < 1:
		panic(fmt.Sprintf("likelihoods: Tobit needs at least one regressor, got k=%d", k))
	case math.IsNaN(lower) || math.IsNaN(upper) || math.IsInf(lower, 1) || math.IsInf(upper, -1) || lower >= upper:
		panic(fmt.Sprintf("likelihoods: Tobit needs lower < upper, lower < +Inf and upper > −Inf, got lower=%v, upper=%v", lower, upper))
	}
	return &mlx.Model{
		Name: "tobit",
		Blocks: []mlx.Block{
			{Name: "beta", Size: k, Labels: coefLabels(k)},
			{Name: "sigma", Size: 1, Transform: mlx.Positive},
		},
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			y := d.Get("y")
			mu := graph.Dot(d.Get("x"), p.Get("beta"))
			sigma := p.Scalar("sigma")
			g, dtype := y.Graph(), y.DType()
			// −½log(2π) − log σ − z²/2. Every branch stays finite for every observation (log Φ
			// is finite for any finite argument), so Where passes no Inf or NaN to the gradients.
			z := graph.Div(graph.Sub(y, mu), sigma)
			ll := graph.Sub(
				graph.Neg(graph.AddScalar(graph.Log(sigma), 0.5*math.Log(2*math.Pi))),
				graph.MulScalar(graph.Square(z), 0.5))
			if !math.IsInf(lower, -1) {
				l := graph.Scalar(g, dtype, lower)
				left := LogNormalCDF(graph.Div(graph.Sub(l, mu), sigma))
				ll = graph.Where(graph.LessOrEqual(y, l), left, ll)
			}
			if !math.IsInf(upper, 1) {
				u := graph.Scalar(g, dtype, upper)
				right := LogNormalCDF(graph.Div(graph.Sub(mu, u), sigma))
				ll = graph.Where(graph.GreaterOrEqual(y, u), right, ll)
			}
			return ll
		},
	}
}
