package mlx

import (
	"fmt"
	"slices"

	"github.com/gomle/gomle/optim"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// lineSteps is how many step sizes one call of the line program evaluates. A Newton line
// search that rejects the full step usually accepts one of the next few halvings, and the
// program's cost beyond the first point is elementwise work over the observations, so eight
// cover a backtracking of 2⁻⁸ in one call at little more than the cost of one evaluation.
const lineSteps = 8

// The Evaluator computes ℓ, its gradient and its Hessian in one call, and ℓ along a line at
// several step sizes in one call for models with declared indices.
var (
	_ optim.HessianObjective = (*Evaluator)(nil)
	_ optim.LineObjective    = (*Evaluator)(nil)
)

// LogLikeGradHessian returns ℓ(u), stores its gradient in grad and returns its exact Hessian,
// from one compiled program (one call per chunk): what a Newton iteration needs, without the
// two round trips to the backend of LogLikeGrad and Hessian. For a model with declared indices
// it costs about as much as Hessian alone, whose passes give ℓ and the gradient on the way.
func (ev *Evaluator) LogLikeGradHessian(u, grad []float64) (float64, *mat.SymDense, error) {
	if len(grad) != len(u) {
		return 0, nil, fmt.Errorf("mlx: model %q: gradient slice has length %d, want %d", ev.model.Name, len(grad), len(u))
	}
	outs, err := ev.run(progValueGradHess, u)
	if err != nil {
		return 0, nil, err
	}
	copy(grad, outs[1])
	return outs[0][0], symmetric(outs[2], len(u)), nil
}

// LogLikeLine returns ℓ(u + αⱼd) for each step size αⱼ. For a model with declared indices
// (whose index blocks have no transform) one compiled program evaluates up to eight step sizes
// per call: it forms the indices η = Xβ and the direction Xd once and evaluates the model at
// η + αⱼXd, so the extra step sizes cost elementwise work only. For other models it returns
// ok = false, and the caller evaluates one point at a time (stopping at the first it accepts,
// which is cheaper when each point is a full pass over the data).
func (ev *Evaluator) LogLikeLine(u, d, alphas []float64) (lls []float64, ok bool, err error) {
	if len(ev.model.Indices) == 0 {
		return nil, false, nil
	}
	if len(d) != len(u) {
		return nil, false, fmt.Errorf("mlx: model %q: direction has %d values, want %d", ev.model.Name, len(d), len(u))
	}
	for start := 0; start < len(alphas); start += lineSteps {
		chunk := alphas[start:min(start+lineSteps, len(alphas))]
		padded := make([]float64, lineSteps) // unused step sizes are 0: ℓ(u), always defined
		copy(padded, chunk)
		sums := make([]float64, lineSteps)
		err := ev.runChunksExtra(programID{kind: progLine}, u, func(int, span) []any {
			var args []any
			for _, t := range blockTensors(ev.model, d) {
				args = append(args, t)
			}
			return append(args, tensors.FromFlatDataAndDimensions(slices.Clone(padded), lineSteps))
		}, func(_ int, outs [][]float64) {
			floats.Add(sums, outs[0])
		})
		if err != nil {
			return nil, false, err
		}
		lls = append(lls, sums[:len(chunk)]...)
	}
	return lls, true, nil
}

// buildLine builds the line program: ℓ at u + αⱼd for the lineSteps step sizes α, for a model
// with declared indices. raw and dir are the blocks of u and d (unconstrained), alphas has
// shape [lineSteps]. Each index is formed once at u, as η, and once along d, as Xd (without
// the offset); the model is then called once per step size with its indices set to η + αⱼXd
// and its other blocks at u + αⱼd, all in one graph.
func (bd builder) buildLine(data Data, raw, dir []*graph.Node, alphas *graph.Node) []*graph.Node {
	m := bd.model
	base := newParams(m, bd.natural(data, raw), false, data) // holds η at u
	dirNat := bd.natural(data, dir)                          // index blocks have no transform: d on the natural scale
	deltas := map[string]*graph.Node{}
	for _, ix := range m.Indices {
		i, _, _ := m.blockIndex(ix.Block)
		delta, _ := indexProduct(data.Get(ix.Design), dirNat[i], false)
		deltas[ix.Block] = delta
	}
	lls := make([]*graph.Node, lineSteps)
	for j := range lineSteps {
		alpha := graph.Reshape(graph.Slice(alphas, graph.AxisElem(j)))
		moved := make([]*graph.Node, len(raw))
		for i := range raw {
			moved[i] = graph.Add(raw[i], graph.Mul(alpha, dir[i]))
		}
		params := newParams(m, bd.natural(data, moved), false, data)
		for block, delta := range deltas {
			eta := base.Index(block)
			params.etas[block] = graph.Add(eta, graph.Mul(graph.ConvertDType(alpha, eta.DType()), delta))
		}
		lls[j] = graph.ReduceAllSum(bd.callModel(params, data, []int{bd.rows(data)}))
	}
	return []*graph.Node{graph.Stack(lls, 0)}
}
