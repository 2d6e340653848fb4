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
	var indices []mlx.Index
	for _, b := range blocks {
		indices = append(indices, mlx.Index{Block: b.Name, Design: "x"})
	}
	// eta returns the [n, J] indices, the base column 0, built as Σⱼ ηⱼ e_jᵀ: a product with
	// constant unit rows rather than a Concatenate, whose gradient would need Slice.
	eta := func(p mlx.Params) *graph.Node {
		var eta *graph.Node
		for i, name := range outcomes {
			if i == base {
				continue
			}
			ej := p.Index(name)
			unit := make([]float64, numOut)
			unit[i] = 1
			term := graph.Mul(graph.ExpandAxes(ej, -1), graph.ConstAsDType(ej.Graph(), ej.DType(), [][]float64{unit}))
			if eta == nil {
				eta = term
			} else {
				eta = graph.Add(eta, term)
			}
		}
		return eta
	}
	return &mlx.Model{
		Name:    "multinomial logit",
		Blocks:  blocks,
		Indices: indices,
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			y := d.Get("y")
			if y.Rank() != 2 || y.Shape().Dimensions[1] != numOut {
				panic(fmt.Errorf("likelihoods: MNLogit with %d outcomes: column \"y\" has shape %s, want [n, %d] (one-hot)", numOut, y.Shape(), numOut))
			}
			e := eta(p)
			return graph.Sub(graph.ReduceSum(graph.Mul(y, e), 1), logSumExp(e, nil))
		},
		Predictions: []mlx.Prediction{{Name: "Pr(y=j)", Outcomes: slices.Clone(outcomes), Func: func(p mlx.Params, _ mlx.Data) *graph.Node {
			e := eta(p)
			return graph.Exp(graph.Sub(e, graph.ExpandAxes(logSumExp(e, nil), -1)))
		}}},
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

var mlogitFamily = &Family{Name: "mlogit", Doc: "multinomial logit with a base outcome", Takes: TakesBase, EForm: "RRR", Build: buildMNLogit}

// buildMNLogit codes the outcomes, labels the equations "y=level: regressor" as Stata names
// them, and starts at β = 0.
func buildMNLogit(d *Data, o Options) (*Problem, error) {
	levels, onehot, err := OneHot(d.Y)
	if err != nil {
		return nil, fmt.Errorf("likelihoods: mlogit: %w", err)
	}
	base := 0
	if o.Base != nil {
		if base = slices.Index(levels, *o.Base); base < 0 {
			return nil, fmt.Errorf("likelihoods: mlogit: the base outcome %g is not a value of %s (values: %v)", *o.Base, d.Response, levels)
		}
	}
	names := make([]string, len(levels))
	for i, l := range levels {
		names[i] = fmt.Sprintf("%g", l)
	}
	_, k := d.X.Dims()
	p := matrixProblem(MNLogit(k, names, base), mlx.Matrix("y", onehot), d, make([]float64, k*(len(levels)-1)))
	eq := 0
	for j, l := range names {
		if j == base {
			continue
		}
		labels := make([]string, len(d.Names))
		for i, n := range d.Names {
			labels[i] = fmt.Sprintf("%s=%s: %s", d.Response, l, n)
		}
		p.Model.Blocks[eq].Labels = labels
		eq++
	}
	for j := range p.Model.Predictions[0].Outcomes {
		p.Model.Predictions[0].Outcomes[j] = fmt.Sprintf("%s=%s", d.Response, names[j])
	}
	p.Model.Predictions[0].Name = fmt.Sprintf("Pr(%s)", d.Response)
	p.Notes = append(p.Notes, fmt.Sprintf("Base outcome %s=%s (its coefficients are 0).", d.Response, names[base]))
	return p, nil
}
