package likelihoods

import (
	"fmt"

	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// Logit returns the binary logit model, P(yᵢ = 1) = 1/(1 + exp(−xᵢβ)):
//
//	ℓᵢ = yᵢ·ηᵢ − log(1 + exp(ηᵢ)),  ηᵢ = xᵢβ
//
// Blocks: "beta" (k entries, labelled b0, b1, …; identity; set Blocks[0].Labels to name them).
// Data: "y", 0 or 1 per observation (other values are not checked and enter the formula as
// they are), and "x", an n×k design matrix. It panics if k < 1.
func Logit(k int) *mlx.Model {
	return binary("logit", k, func(y, eta *graph.Node) *graph.Node {
		return graph.Sub(graph.Mul(y, eta), graph.Softplus(eta))
	}, graph.Logistic)
}

// Probit returns the binary probit model, P(yᵢ = 1) = Φ(xᵢβ):
//
//	ℓᵢ = yᵢ·log Φ(ηᵢ) + (1 − yᵢ)·log Φ(−ηᵢ),  ηᵢ = xᵢβ
//
// with log Φ from LogNormalCDF, safe in both tails. Blocks and data as Logit.
// It panics if k < 1.
func Probit(k int) *mlx.Model {
	return binary("probit", k, func(y, eta *graph.Node) *graph.Node {
		return graph.Add(graph.Mul(y, LogNormalCDF(eta)), graph.Mul(graph.OneMinus(y), LogNormalCDF(graph.Neg(eta))))
	}, NormalCDF)
}

// binary builds a model for a 0/1 response from its per-observation log-likelihood in y and
// the linear index η, and its response function F, Pr(y = 1) = F(η).
func binary(name string, k int, ll func(y, eta *graph.Node) *graph.Node, f func(eta *graph.Node) *graph.Node) *mlx.Model {
	if k < 1 {
		panic(fmt.Sprintf("likelihoods: %s needs at least one regressor, got k=%d", name, k))
	}
	return &mlx.Model{
		Name:    name,
		Blocks:  []mlx.Block{{Name: "beta", Size: k, Labels: coefLabels(k)}},
		Indices: []mlx.Index{{Block: "beta", Design: "x"}},
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			return ll(d.Get("y"), p.Index("beta"))
		},
		Predictions: []mlx.Prediction{{Name: "Pr(y=1)", Func: func(p mlx.Params, _ mlx.Data) *graph.Node {
			return f(p.Index("beta"))
		}}},
	}
}

var (
	logitFamily  = &Family{Name: "logit", Doc: "binary logit, Pr(y=1) = Λ(xβ)", EForm: "Odds ratio", Build: buildBinary("logit", Logit)}
	probitFamily = &Family{Name: "probit", Doc: "binary probit, Pr(y=1) = Φ(xβ)", Build: buildBinary("probit", Probit)}
)

// buildBinary checks a 0/1 response and separation by single regressors, and starts at β = 0.
func buildBinary(name string, model func(int) *mlx.Model) func(*Data, Options) (*Problem, error) {
	return func(d *Data, _ Options) (*Problem, error) {
		if err := checkValues(d, name, d.Response, d.Y, func(v float64) bool { return v == 0 || v == 1 }, "0 or 1"); err != nil {
			return nil, err
		}
		if err := checkSeparation(name, d.Response, d.Y, d.X, d.Names); err != nil {
			return nil, err
		}
		_, k := d.X.Dims()
		p := matrixProblem(model(k), mlx.Vector("y", d.Y), d, make([]float64, k))
		p.CheckFit = func(res *mlx.Result) (string, error) { return checkFitted(name, res, d.Y, d.X) }
		return p, nil
	}
}

// coefLabels returns b0, b1, …, b(k−1).
func coefLabels(k int) []string {
	labels := make([]string, k)
	for i := range labels {
		labels[i] = fmt.Sprintf("b%d", i)
	}
	return labels
}
