package mlx

import (
	"fmt"
	"strings"

	"github.com/gomle/gomle/optim"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Evaluator takes several SGD or Adam steps per compiled call.
var _ optim.MultiStepper = (*Evaluator)(nil)

// StepsPerCall returns the steps per call that SGD and Adam take by default: 1 on the CPU
// backends (pure Go, XLA CPU), where a call costs microseconds next to a step of milliseconds
// and compiling an unrolled program (0.5 s more for 8 steps on the blog's problem on XLA CPU)
// is not won back by runs of hundreds of steps; optim.DefaultStepsPerCall on accelerators,
// where each call pays a latency of about 0.4 ms.
func (ev *Evaluator) StepsPerCall() int {
	if ev.backend.String() == "go" || strings.HasPrefix(ev.backend.Description(), "xla:cpu") {
		return 1
	}
	return optim.DefaultStepsPerCall
}

// Steps takes k steps of the rule from the state from, in one compiled program, and returns
// each iterate with its log-likelihood and gradient, and Adam's moments after the last step
// (see optim.MultiStepper). GoMLX has no loop op, so the program unrolls the k steps: it is
// compiled once per rule and k (the learning rate and Adam's constants are inputs, so changing
// them compiles nothing), and its compile time grows with k.
//
// On data in several chunks it returns optim.ErrStepsUnsupported: each step needs the
// gradient summed over every chunk, which takes one call per chunk.
func (ev *Evaluator) Steps(rule optim.StepRule, k int, from optim.StepState) (*optim.Steps, error) {
	if len(ev.data.chunks) > 1 {
		return nil, fmt.Errorf("mlx: model %q: data in %d chunks: %w", ev.model.Name, len(ev.data.chunks), optim.ErrStepsUnsupported)
	}
	p := ev.model.NumParams()
	if k < 1 || len(from.Grad) != p || rule.Adam && (len(from.M) != p || len(from.V) != p) {
		return nil, fmt.Errorf("mlx: model %q: Steps asked for %d steps from a state with %d, %d, %d values for %d parameters",
			ev.model.Name, k, len(from.Grad), len(from.M), len(from.V), p)
	}
	// Inputs after the parameter blocks, in buildSteps' order.
	extra := func(int, span) []any {
		var args []any
		add := func(ts ...*tensors.Tensor) {
			for _, t := range ts {
				args = append(args, t)
			}
		}
		add(blockTensors(ev.model, from.Grad)...)
		if rule.Adam {
			add(blockTensors(ev.model, from.M)...)
			add(blockTensors(ev.model, from.V)...)
		}
		add(tensors.FromScalar(rule.LearnRate))
		if rule.Adam {
			c1, c2 := make([]float64, k), make([]float64, k)
			for j := range k {
				c1[j], c2[j] = rule.Corrections(from.T + j + 1)
			}
			add(tensors.FromScalar(rule.Beta1), tensors.FromScalar(rule.Beta2), tensors.FromScalar(rule.Epsilon),
				tensors.FromFlatDataAndDimensions(c1, k), tensors.FromFlatDataAndDimensions(c2, k))
		}
		return args
	}
	out := &optim.Steps{}
	err := ev.runChunksExtra(programID{kind: progSteps, adam: rule.Adam, steps: k}, from.X, extra, func(_ int, outs [][]float64) {
		out.LogLike = outs[0]
		for j := range k {
			out.X = append(out.X, outs[1][j*p:(j+1)*p])
			out.Grad = append(out.Grad, outs[2][j*p:(j+1)*p])
		}
		if rule.Adam {
			out.M, out.V = outs[3], outs[4]
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// buildSteps builds the program of k = id.steps SGD or Adam steps (optim.StepRule.Apply),
// each followed by the log-likelihood and its gradient at the new iterate, as progValueGrad
// computes them. Its inputs are the data columns, the parameter blocks u, the gradient g at u
// by block, for Adam the moments m and v by block, then the learning rate and, for Adam, β₁,
// β₂, ε and the bias corrections c₁, c₂ of the k steps (vectors of length k, computed on the
// host by StepRule.Corrections so that they round as in optim's own loop). Its outputs are ℓ
// after each step [k], the iterates [k, p] and gradients [k, p], and for Adam m and v after
// the last step [p].
//
// The update is elementwise, so it is applied block by block: the flat vector is never sliced
// (Slice's gradient needs Pad, which the pure-Go backend lacks). Each step's gradient is taken
// with respect to that step's iterate, and reverse mode visits only the nodes that depend on
// it, so it does not differentiate through the earlier steps.
func (bd builder) buildSteps(id programID, inputs []*graph.Node) []*graph.Node {
	nb := len(bd.model.Blocks)
	data, rest := bd.split(inputs)
	take := func(n int) []*graph.Node {
		out := rest[:n]
		rest = rest[n:]
		return out
	}
	u, g := take(nb), take(nb)
	var m, v []*graph.Node
	if id.adam {
		m, v = take(nb), take(nb)
	}
	lr := take(1)[0]
	var b1, b2, eps, c1, c2 *graph.Node
	if id.adam {
		b1, b2, eps, c1, c2 = rest[0], rest[1], rest[2], rest[3], rest[4]
	}
	lls := make([]*graph.Node, id.steps)
	us := make([]*graph.Node, id.steps)
	gs := make([]*graph.Node, id.steps)
	for j := range id.steps {
		next := make([]*graph.Node, nb)
		for b := range nb {
			if !id.adam {
				next[b] = graph.Add(u[b], graph.Mul(lr, g[b]))
				continue
			}
			// pick returns entry j of a vector of length k as a scalar (forward Slice only).
			pick := func(x *graph.Node) *graph.Node { return graph.Reshape(graph.Slice(x, graph.AxisElem(j))) }
			m[b] = graph.Add(graph.Mul(b1, m[b]), graph.Mul(graph.OneMinus(b1), g[b]))
			v[b] = graph.Add(graph.Mul(b2, v[b]), graph.Mul(graph.OneMinus(b2), graph.Mul(g[b], g[b])))
			step := graph.Div(graph.Mul(lr, graph.Div(m[b], pick(c1))), graph.Add(graph.Sqrt(graph.Div(v[b], pick(c2))), eps))
			next[b] = graph.Add(u[b], step)
		}
		u = next
		llObs, _ := bd.logLikeObs(data, u, 0)
		lls[j] = graph.ReduceAllSum(llObs)
		g = graph.Gradient(lls[j], u...)
		us[j], gs[j] = graph.Concatenate(u, 0), graph.Concatenate(g, 0)
	}
	out := []*graph.Node{graph.Stack(lls, 0), graph.Stack(us, 0), graph.Stack(gs, 0)}
	if id.adam {
		out = append(out, graph.Concatenate(m, 0), graph.Concatenate(v, 0))
	}
	return out
}
