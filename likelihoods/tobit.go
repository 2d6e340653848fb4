package likelihoods

import (
	"fmt"
	"math"
	"strings"

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
		Indices:     []mlx.Index{{Block: "beta", Design: "x"}},
		Predictions: tobitPredictions(lower, upper),
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			y := d.Get("y")
			mu := p.Index("beta")
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

// tobitPredictions are, as Stata's predict after tobit: the latent mean xβ (xb, the default),
// the mean of the censored outcome y = min(max(y*, L), U) (ystar(L,U)),
//
//	E[y] = L·Φ(a) + U·Φ(−b) + xβ·(Φ(b) − Φ(a)) + σ·(φ(a) − φ(b)),  a = (L − xβ)/σ, b = (U − xβ)/σ
//
// (terms of an infinite limit drop out), and the probability of an uncensored observation,
// Pr(L < y* < U) = Φ(b) − Φ(a) (pr(L,U)).
func tobitPredictions(lower, upper float64) []mlx.Prediction {
	// parts returns a, b as nodes (nil for an infinite limit) and σ.
	parts := func(p mlx.Params) (mu, a, b, sigma *graph.Node) {
		mu, sigma = p.Index("beta"), p.Scalar("sigma")
		g, dtype := mu.Graph(), mu.DType()
		if !math.IsInf(lower, -1) {
			a = graph.Div(graph.Sub(graph.Scalar(g, dtype, lower), mu), sigma)
		}
		if !math.IsInf(upper, 1) {
			b = graph.Div(graph.Sub(graph.Scalar(g, dtype, upper), mu), sigma)
		}
		return mu, a, b, sigma
	}
	// inside returns Φ(b) − Φ(a).
	inside := func(mu, a, b *graph.Node) *graph.Node {
		pr := graph.OnesLike(mu)
		if b != nil {
			pr = NormalCDF(b)
		}
		if a != nil {
			pr = graph.Sub(pr, NormalCDF(a))
		}
		return pr
	}
	return []mlx.Prediction{
		{Name: "E[y*] = xb", Func: func(p mlx.Params, _ mlx.Data) *graph.Node { return p.Index("beta") }},
		{Name: "E[y] censored", Func: func(p mlx.Params, _ mlx.Data) *graph.Node {
			mu, a, b, sigma := parts(p)
			mean := graph.Mul(mu, inside(mu, a, b))
			if a != nil {
				mean = graph.Add(mean, graph.Add(graph.MulScalar(NormalCDF(a), lower), graph.Mul(sigma, NormalPDF(a))))
			}
			if b != nil {
				mean = graph.Add(mean, graph.Sub(graph.MulScalar(NormalCDF(graph.Neg(b)), upper), graph.Mul(sigma, NormalPDF(b))))
			}
			return mean
		}},
		{Name: "Pr(uncensored)", Func: func(p mlx.Params, _ mlx.Data) *graph.Node {
			mu, a, b, _ := parts(p)
			return inside(mu, a, b)
		}},
	}
}

var tobitFamily = &Family{Name: "tobit", Doc: "censored normal regression with limits", Takes: TakesLimits, Build: buildTobit}

// buildTobit needs at least one limit, starts at least squares and notes how many
// observations each limit censors.
func buildTobit(d *Data, o Options) (*Problem, error) {
	lower, upper := math.Inf(-1), math.Inf(1)
	if o.Lower != nil {
		lower = *o.Lower
	}
	if o.Upper != nil {
		upper = *o.Upper
	}
	if o.Lower == nil && o.Upper == nil {
		return nil, fmt.Errorf("likelihoods: tobit needs a lower or an upper censoring limit (without limits it is ols)")
	}
	if !(lower < upper) {
		return nil, fmt.Errorf("likelihoods: tobit's lower limit %g must be below its upper limit %g", lower, upper)
	}
	var left, right int
	for _, y := range d.Y {
		if y <= lower {
			left++
		}
		if y >= upper {
			right++
		}
	}
	if left+right == len(d.Y) {
		// Only the censoring probabilities enter ℓ, which rises without bound as σ → 0 or the
		// index runs to ±∞: no estimate.
		return nil, fmt.Errorf("likelihoods: tobit: every observation is censored (%d at the lower limit, %d at the upper); the maximum likelihood estimate does not exist", left, right)
	}
	_, k := d.X.Dims()
	p := matrixProblem(Tobit(k, lower, upper), mlx.Vector("y", d.Y), d, olsStart(d.X, d.Y))
	var parts []string
	if o.Lower != nil {
		parts = append(parts, fmt.Sprintf("%d left-censored at y <= %g", left, lower))
	}
	if o.Upper != nil {
		parts = append(parts, fmt.Sprintf("%d right-censored at y >= %g", right, upper))
	}
	p.Notes = append(p.Notes, fmt.Sprintf("Observations: %s, %d uncensored.", strings.Join(parts, ", "), len(d.Y)-left-right))
	return p, nil
}
