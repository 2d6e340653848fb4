package likelihoods

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"gonum.org/v1/gonum/mat"
)

// MNLogit returns the multinomial logit model (Stata's mlogit; statsmodels' MNLogit) for an
// outcome with J = len(outcomes) unordered values, P(yᵢ = j) = exp(ηᵢⱼ)/Σₘ exp(ηᵢₘ) with
// ηᵢⱼ = xᵢβⱼ, and β_base = 0 for identification:
//
//	ℓᵢ = Σⱼ yᵢⱼ ηᵢⱼ − log Σⱼ exp(ηᵢⱼ),  ηᵢ,base = 0
//
// where yᵢⱼ is 1 if observation i has outcome j and 0 otherwise. The log-sum-exp subtracts the
// row's largest η first, so no exp overflows.
//
// Blocks: one for each outcome but the base, in the order of outcomes, each named after its
// outcome (outcomes[j], as Stata names its equations after the outcome value) with k entries
// (identity) labelled "<outcome>:b0", "<outcome>:b1", …; set a block's Labels to name them.
//
// Data: "y", an n×J one-hot matrix whose column j stands for outcomes[j] (OneHot builds it
// from a vector of outcome codes), and "x", an n×k design matrix. Rows of y are not checked:
// a row that is not one-hot enters the formula as it is.
//
// It panics if k < 1, if there are fewer than two outcomes, if an outcome name is empty or
// repeated, or if base is not an index into outcomes.
func MNLogit(k int, outcomes []string, base int) *mlx.Model {
	numOut := len(outcomes)
	switch {
	case k < 1:
		panic(fmt.Sprintf("likelihoods: MNLogit needs at least one regressor, got k=%d", k))
	case numOut < 2:
		panic(fmt.Sprintf("likelihoods: MNLogit needs at least two outcomes, got %d", numOut))
	case base < 0 || base >= numOut:
		panic(fmt.Sprintf("likelihoods: MNLogit base outcome %d is not in 0..%d", base, numOut-1))
	}
	seen := map[string]bool{}
	var blocks []mlx.Block
	for i, name := range outcomes {
		if name == "" || seen[name] {
			panic(fmt.Sprintf("likelihoods: MNLogit outcome %d has an empty or repeated name %q", i, name))
		}
		seen[name] = true
		if i == base {
			continue
		}
		labels := coefLabels(k)
		for l := range labels {
			labels[l] = name + ":" + labels[l]
		}
		blocks = append(blocks, mlx.Block{Name: name, Size: k, Labels: labels})
	}
	outcomes = slices.Clone(outcomes)
	return &mlx.Model{
		Name:   "multinomial logit",
		Blocks: blocks,
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			x, y := d.Get("x"), d.Get("y")
			if y.Rank() != 2 || y.Shape().Dimensions[1] != numOut {
				panic(fmt.Errorf("likelihoods: MNLogit with %d outcomes: column \"y\" has shape %s, want [n, %d] (one-hot)", numOut, y.Shape(), numOut))
			}
			g, dtype := x.Graph(), x.DType()
			// The k×J coefficient matrix, column j = βⱼ, built as Σⱼ βⱼ e_jᵀ: a product with
			// constant unit rows rather than a Concatenate, whose gradient would need Slice.
			var coef *graph.Node
			for i, name := range outcomes {
				if i == base {
					continue
				}
				unit := make([]float64, numOut)
				unit[i] = 1
				term := graph.Mul(graph.ExpandAxes(p.Get(name), -1), graph.ConstAsDType(g, dtype, [][]float64{unit}))
				if coef == nil {
					coef = term
				} else {
					coef = graph.Add(coef, term)
				}
			}
			eta := graph.Dot(x, coef) // [n, J], the base column 0
			return graph.Sub(graph.ReduceSum(graph.Mul(y, eta), 1), logSumExp(eta, nil))
		},
	}
}

// logSumExp returns log Σⱼ exp(ηᵢⱼ) over the last axis of the [n, J] node eta, counting only
// the entries where mask (of the same shape, Bool) is true, or all entries if mask is nil. The
// row's largest counted entry m is subtracted before exponentiating and added back after; m is
// wrapped in StopGradient, which is exact because the result does not depend on m, so the
// derivatives of every order are those of the log-sum-exp itself. Masked-out entries are set to
// 0 before the exp and dropped from the sum, so whatever value they hold produces no Inf or NaN
// in the result or its gradients.
func logSumExp(eta, mask *graph.Node) *graph.Node {
	var m *graph.Node
	if mask == nil {
		m = graph.ReduceMax(eta, -1)
	} else {
		m = graph.MaskedReduceMax(eta, mask, -1)
	}
	m = graph.StopGradient(m)
	shifted := graph.Sub(eta, graph.ExpandAxes(m, -1))
	terms := graph.Exp(shifted)
	if mask != nil {
		zeros := graph.ZerosLike(eta)
		terms = graph.Where(mask, graph.Exp(graph.Where(mask, shifted, zeros)), zeros)
	}
	return graph.Add(m, graph.Log(graph.ReduceSum(terms, -1)))
}

// OneHot codes a categorical outcome for MNLogit. levels are the distinct values of y in
// ascending order, and onehot is the len(y)×len(levels) matrix whose row i has a 1 in the column
// of yᵢ's level and 0 elsewhere. It returns an error if y is empty, holds a NaN or an infinite
// value (naming the observation), or has fewer than two distinct values.
func OneHot(y []float64) (levels []float64, onehot *mat.Dense, err error) {
	if len(y) == 0 {
		return nil, nil, fmt.Errorf("likelihoods: OneHot of no observations")
	}
	column := map[float64]int{}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, fmt.Errorf("likelihoods: OneHot: outcome is %v at observation %d", v, i)
		}
		if _, ok := column[v]; !ok {
			column[v] = 0
			levels = append(levels, v)
		}
	}
	if len(levels) < 2 {
		return nil, nil, fmt.Errorf("likelihoods: OneHot: the outcome takes the single value %v, need at least two", levels[0])
	}
	slices.Sort(levels)
	for c, v := range levels {
		column[v] = c
	}
	onehot = mat.NewDense(len(y), len(levels), nil)
	for i, v := range y {
		onehot.Set(i, column[v], 1)
	}
	return levels, onehot, nil
}
