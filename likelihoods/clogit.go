package likelihoods

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"gonum.org/v1/gonum/mat"
)

// CLogit returns McFadden's conditional logit for choice data (Stata's clogit and cmclogit,
// R's survival::clogit): chooser i picks one alternative from a choice set Cᵢ with probability
// exp(xᵢⱼβ)/Σ_{m∈Cᵢ} exp(xᵢₘβ), so
//
//	ℓᵢ = Σⱼ cᵢⱼ xᵢⱼβ − log Σⱼ aᵢⱼ exp(xᵢⱼβ)
//
// where cᵢⱼ is 1 for the chosen alternative and aᵢⱼ is 1 for the alternatives in Cᵢ
// (https://en.wikipedia.org/wiki/Conditional_logistic_regression). One observation is one
// chooser, so per-observation scores (OPG, robust and cluster errors) are per chooser.
//
// Blocks: "beta" (k entries, labelled b0, b1, …; identity). Regressors that do not vary within
// a choice set (a constant, the chooser's income) are not identified; interact them with
// alternative dummies instead.
//
// Data, for n choosers whose largest choice set has J alternatives (ChoiceColumns builds them
// from long-format rows):
//   - "x", n×J×k: the regressors of each alternative, any finite values at padding;
//   - "choice", n×J: 1 at the chosen alternative, 0 elsewhere (padding included);
//   - "avail", n×J: 1 for the alternatives in the choice set, 0 for padding.
//
// Padded alternatives are masked out of the log-sum-exp before exponentiating, so their
// values never produce an Inf or NaN, in the log-likelihood or in its derivatives. Each chooser
// needs at least one available alternative, and the chosen one must be available; neither is
// checked in the graph.
//
// It panics if k < 1.
func CLogit(k int) *mlx.Model {
	if k < 1 {
		panic(fmt.Sprintf("likelihoods: CLogit needs at least one regressor, got k=%d", k))
	}
	return &mlx.Model{
		Name:    "conditional logit",
		Blocks:  []mlx.Block{{Name: "beta", Size: k, Labels: coefLabels(k)}},
		Indices: []mlx.Index{{Block: "beta", Design: "x"}},
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			x, choice, avail := d.Get("x"), d.Get("choice"), d.Get("avail")
			dims := x.Shape().Dimensions
			if len(dims) != 3 || dims[2] != k {
				panic(fmt.Errorf("likelihoods: CLogit with k=%d: column \"x\" has shape %s, want [n, J, %d]", k, x.Shape(), k))
			}
			n, j := dims[0], dims[1]
			for _, c := range []*graph.Node{choice, avail} {
				if c.Rank() != 2 || c.Shape().Dimensions[0] != n || c.Shape().Dimensions[1] != j {
					panic(fmt.Errorf("likelihoods: CLogit: columns \"choice\" and \"avail\" have shapes %s and %s, want [%d, %d] as \"x\" is %s",
						choice.Shape(), avail.Shape(), n, j, x.Shape()))
				}
			}
			eta := p.Index("beta") // [n, J]
			mask := graph.GreaterThan(avail, graph.ScalarZero(x.Graph(), x.DType()))
			return graph.Sub(graph.ReduceSum(graph.Mul(choice, eta), 1), logSumExp(eta, mask))
		},
	}
}

// ChoiceColumns turns long-format choice data, one row per (chooser, alternative) pair, into the
// "x", "choice" and "avail" columns of CLogit. group[r] identifies the chooser of row r,
// choice[r] is 1 if row r's alternative was chosen and 0 if not, and row r of x holds its
// regressors.
//
// A chooser's rows need not be consecutive: choosers are numbered in the order their group id
// first appears, and each chooser's alternatives keep the order of its rows. Choosers with fewer
// alternatives than the largest set (J) are padded with x = 0, choice = 0, avail = 0.
//
// It returns an error if x is nil or empty, if the lengths disagree, if a group id or choice is NaN or infinite, if a
// choice is neither 0 nor 1, or if a group has no chosen alternative or more than one (the error
// names the group).
func ChoiceColumns(group []float64, choice []float64, x *mat.Dense) ([]mlx.Column, error) {
	if x == nil {
		return nil, fmt.Errorf("likelihoods: ChoiceColumns: nil x")
	}
	rows, k := x.Dims()
	if len(group) != rows || len(choice) != rows {
		return nil, fmt.Errorf("likelihoods: ChoiceColumns: %d group ids and %d choices for %d rows of x", len(group), len(choice), rows)
	}
	index := map[float64]int{} // group id -> chooser
	var members [][]int        // chooser -> its rows
	chosen := []int{}          // chooser -> number of chosen rows
	var ids []float64          // chooser -> group id
	for r, g := range group {
		c := choice[r]
		switch {
		case math.IsNaN(g) || math.IsInf(g, 0):
			return nil, fmt.Errorf("likelihoods: ChoiceColumns: group id is %v at row %d", g, r)
		case c != 0 && c != 1:
			return nil, fmt.Errorf("likelihoods: ChoiceColumns: choice is %v at row %d (group %v), want 0 or 1", c, r, g)
		}
		i, ok := index[g]
		if !ok {
			i = len(members)
			index[g] = i
			members = append(members, nil)
			chosen = append(chosen, 0)
			ids = append(ids, g)
		}
		members[i] = append(members[i], r)
		if c == 1 {
			chosen[i]++
		}
	}
	n, j := len(members), 0
	for i, m := range members {
		if chosen[i] != 1 {
			return nil, fmt.Errorf("likelihoods: ChoiceColumns: group %v has %d chosen alternatives among %d, want exactly 1", ids[i], chosen[i], len(m))
		}
		j = max(j, len(m))
	}
	if n == 0 {
		return nil, fmt.Errorf("likelihoods: ChoiceColumns: no rows")
	}
	xs := make([]float64, n*j*k)
	cs := make([]float64, n*j)
	as := make([]float64, n*j)
	for i, m := range members {
		for a, r := range m {
			cs[i*j+a] = choice[r]
			as[i*j+a] = 1
			copy(xs[(i*j+a)*k:(i*j+a+1)*k], x.RawRowView(r))
		}
	}
	return []mlx.Column{
		{Name: "x", Values: xs, Dims: []int{n, j, k}},
		{Name: "choice", Values: cs, Dims: []int{n, j}},
		{Name: "avail", Values: as, Dims: []int{n, j}},
	}, nil
}

// ChoiceProbabilities is the prediction of CLogit for choice sets of up to j alternatives: the
// probability of each alternative, exp(ηᵢₐ)/Σₘ exp(ηᵢₘ), by its position in the choice set
// ("alt 1", … in the order of the chooser's rows), 0 at padding.
func ChoiceProbabilities(j int) mlx.Prediction {
	outcomes := make([]string, j)
	for a := range outcomes {
		outcomes[a] = fmt.Sprintf("alt %d", a+1)
	}
	return mlx.Prediction{Name: "Pr(alternative)", Outcomes: outcomes, Func: func(p mlx.Params, d mlx.Data) *graph.Node {
		eta, avail := p.Index("beta"), d.Get("avail")
		mask := graph.GreaterThan(avail, graph.ScalarZero(eta.Graph(), eta.DType()))
		// Padding gets exp(0)·0: its η, whatever it holds, never reaches the exp.
		logPr := graph.Where(mask, graph.Sub(eta, graph.ExpandAxes(logSumExp(eta, mask), -1)), graph.ZerosLike(eta))
		return graph.Mul(graph.Exp(logPr), avail)
	}}
}

var clogitFamily = &Family{Name: "clogit", Doc: "conditional (McFadden) logit on long-format choice data",
	Takes: TakesGroup, NoIntercept: true, EForm: "Odds ratio", Build: buildCLogit}

// buildCLogit lays the long-format rows out as choice sets; the null hypothesis of its LR
// test is β = 0, equal choice probabilities.
func buildCLogit(d *Data, _ Options) (*Problem, error) {
	if d.Group == nil {
		return nil, fmt.Errorf("likelihoods: clogit needs the choice-set column (Group, -group)")
	}
	_, k := d.X.Dims()
	if err := checkValues(d, "clogit", d.Response, d.Y, func(v float64) bool { return v == 0 || v == 1 }, "0 or 1"); err != nil {
		return nil, err
	}
	cols, err := ChoiceColumns(d.Group, d.Y, d.X)
	if err != nil {
		return nil, fmt.Errorf("likelihoods: clogit: %w", err)
	}
	m := CLogit(k)
	m.Blocks[0].Labels = slices.Clone(d.Names)
	m.Predictions = []mlx.Prediction{ChoiceProbabilities(cols[0].Dims[1])}
	return &Problem{Model: m, Columns: cols, Start: make([]float64, k), Design: "x",
		Null: func(res *mlx.Result) (float64, int, error) {
			ll, err := res.Evaluator().LogLike(make([]float64, k))
			return ll, 0, err
		},
		DesignColumn: func(x *mat.Dense) mlx.Column {
			c, _ := ChoiceColumns(d.Group, d.Y, x) // the layout was checked above
			return c[0]
		},
		Notes: []string{"Observations are choice sets; the LR test is against β = 0 (equal choice probabilities)."},
	}, nil
}
