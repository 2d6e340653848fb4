package likelihoods

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"gonum.org/v1/gonum/stat/distuv"
)

// OrderedLogit returns the ordered logit model (Stata's ologit, R's MASS::polr): a latent
// y*ᵢ = xᵢβ + εᵢ with logistic εᵢ, observed as outcome j when κⱼ < y*ᵢ ≤ κⱼ₊₁, so
//
//	Pr(yᵢ = j) = F(κⱼ₊₁ − xᵢβ) − F(κⱼ − xᵢβ),  κ₀ = −∞, κ_J = +∞,  ℓᵢ = log Pr(yᵢ = the observed j)
//
// with F the logistic function (https://en.wikipedia.org/wiki/Ordered_logit). The design has
// no constant: the cutpoints take its place.
//
// Blocks, in order: "beta" (k entries, identity), "cut" (J − 1 cutpoints κ₁ … κ_{J−1},
// identity, labelled cut1, cut2, …, as Stata's /cut1; they must be increasing, which the
// start ensures and the likelihood keeps: a step that crosses them has no finite
// log-likelihood and is rejected). Data: "y", an n×J one-hot matrix of the outcomes in
// increasing order (OneHot builds it), and "x", an n×k design matrix. Prediction: the
// probability of every outcome. It panics if k < 1 or there are fewer than two outcomes.
func OrderedLogit(k int, outcomes []string) *mlx.Model {
	return ordered("ordered logit", k, outcomes, graph.Logistic)
}

// OrderedProbit is OrderedLogit with standard normal εᵢ, F = Φ (Stata's oprobit, polr's
// method "probit").
func OrderedProbit(k int, outcomes []string) *mlx.Model {
	return ordered("ordered probit", k, outcomes, NormalCDF)
}

// ordered builds an ordered model with distribution function cdf.
func ordered(name string, k int, outcomes []string, cdf func(*graph.Node) *graph.Node) *mlx.Model {
	numOut := len(outcomes)
	switch {
	case k < 1:
		panic(fmt.Sprintf("likelihoods: %s needs at least one regressor, got k=%d", name, k))
	case numOut < 2:
		panic(fmt.Sprintf("likelihoods: %s needs at least two outcomes, got %d", name, numOut))
	}
	cutLabels := make([]string, numOut-1)
	for j := range cutLabels {
		cutLabels[j] = fmt.Sprintf("cut%d", j+1)
	}
	// probabilities returns Pr(yᵢ = j), [n, J], as U − L with U[:, j] = F(κⱼ₊₁ − η) (1 for the
	// last outcome) and L[:, j] = F(κⱼ − η) (0 for the first), built from the [n, J−1] matrix
	// of F(κ − η) by products with constant 0/1 matrices: Concatenate's second derivative
	// would need Pad, which the pure-Go backend lacks.
	probabilities := func(p mlx.Params) *graph.Node {
		eta := p.Index("beta")
		g, dtype := eta.Graph(), eta.DType()
		c := cdf(graph.Sub(graph.ExpandAxes(p.Get("cut"), 0), graph.ExpandAxes(eta, -1))) // [n, J−1]
		upper := make([][]float64, numOut-1)
		lower := make([][]float64, numOut-1)
		for m := range numOut - 1 {
			upper[m], lower[m] = make([]float64, numOut), make([]float64, numOut)
			upper[m][m], lower[m][m+1] = 1, 1
		}
		last := make([]float64, numOut)
		last[numOut-1] = 1
		u := graph.Add(graph.Dot(c, graph.ConstAsDType(g, dtype, upper)), graph.ConstAsDType(g, dtype, [][]float64{last}))
		return graph.Sub(u, graph.Dot(c, graph.ConstAsDType(g, dtype, lower)))
	}
	return &mlx.Model{
		Name:    name,
		Blocks:  []mlx.Block{{Name: "beta", Size: k, Labels: coefLabels(k)}, {Name: "cut", Size: numOut - 1, Labels: cutLabels}},
		Indices: []mlx.Index{{Block: "beta", Design: "x"}},
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			y := d.Get("y")
			if y.Rank() != 2 || y.Shape().Dimensions[1] != numOut {
				panic(fmt.Errorf("likelihoods: %s with %d outcomes: column \"y\" has shape %s, want [n, %d] (one-hot)", name, numOut, y.Shape(), numOut))
			}
			// The observed outcome's probability alone: log of the others, which may be 0,
			// never enters.
			return graph.Log(graph.ReduceSum(graph.Mul(y, probabilities(p)), 1))
		},
		Predictions: []mlx.Prediction{{Name: "Pr(y=j)", Outcomes: slices.Clone(outcomes), Func: func(p mlx.Params, _ mlx.Data) *graph.Node {
			return probabilities(p)
		}}},
	}
}

var (
	ologitFamily = &Family{Name: "ologit", Doc: "ordered logit, Pr(y≤j) = Λ(κⱼ − xβ)", NoIntercept: true, EForm: "Odds ratio",
		Build: buildOrdered(OrderedLogit, func(q float64) float64 { return math.Log(q / (1 - q)) })}
	oprobitFamily = &Family{Name: "oprobit", Doc: "ordered probit, Pr(y≤j) = Φ(κⱼ − xβ)", NoIntercept: true,
		Build: buildOrdered(OrderedProbit, distuv.UnitNormal.Quantile)}
)

// buildOrdered codes the outcomes in increasing order and starts at β = 0 with the cutpoints
// κⱼ = F⁻¹(share of outcomes ≤ j), the cutpoints-only MLE; its log-likelihood,
// Σⱼ nⱼ log(nⱼ/n), is the null of the LR test.
func buildOrdered(model func(int, []string) *mlx.Model, quantile func(float64) float64) func(*Data, Options) (*Problem, error) {
	return func(d *Data, _ Options) (*Problem, error) {
		_, k := d.X.Dims()
		levels, onehot, err := OneHot(d.Y)
		if err != nil {
			return nil, fmt.Errorf("likelihoods: ordered model: %w", err)
		}
		names := make([]string, len(levels))
		for i, l := range levels {
			names[i] = fmt.Sprintf("%s=%g", d.Response, l)
		}
		m := model(k, names)
		n := float64(len(d.Y))
		counts := make([]float64, len(levels))
		for i := range levels {
			for r := range len(d.Y) {
				counts[i] += onehot.At(r, i)
			}
		}
		start := make([]float64, k, k+len(levels)-1)
		cum, null := 0.0, 0.0
		for j, c := range counts {
			null += c * math.Log(c/n)
			if j < len(counts)-1 {
				cum += c
				start = append(start, quantile(cum/n))
			}
		}
		p := matrixProblem(m, mlx.Matrix("y", onehot), d, start)
		p.Model.Predictions[0].Name = fmt.Sprintf("Pr(%s)", d.Response)
		p.Null = func(*mlx.Result) (float64, int, error) { return null, len(levels) - 1, nil }
		p.CheckFit = func(res *mlx.Result) (string, error) { return "", checkComplete(m.Name, res) }
		return p, nil
	}
}
