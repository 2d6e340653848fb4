package mlx

import (
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// buildStructured builds the exact Hessian (with ℓ and its gradient, for the fused program) or
// the per-observation scores of a model with
// declared indices (Model.Indices) from derivatives with respect to the indices, the way Stata's
// ml lf2 evaluators and GLM software assemble them. With ηⱼ = Xⱼβⱼ for the indexed blocks and
// γ the other blocks (σ, α, cutpoints; on the unconstrained scale),
//
//	∂ℓ/∂βⱼ = Xⱼᵀsⱼ,             sⱼ = ∂ℓ/∂ηⱼ                   (one reverse pass)
//	∂²ℓ/∂βⱼ∂βₖᵀ = Xⱼᵀ diag(Wⱼₖ) Xₖ, Wⱼₖ = ∂²ℓᵢ/∂ηᵢⱼ∂ηᵢₖ       (a pass per pair, elementwise)
//	∂²ℓ/∂βⱼ∂γ꜀ = Xⱼᵀ ∂²ℓ/∂ηⱼ∂γ꜀                                (a pass per entry of γ)
//
// and the γγ block by gradient of gradient. Wⱼₖ is the gradient of Σᵢ sᵢⱼ with respect to ηₖ,
// exact because observation i's score depends on row i alone. Every pass is elementwise over
// the observations; X enters only in the final products, so the Hessian costs matrix-matrix
// work instead of one pass over X per parameter. For choice data (an index of shape [n, J]),
// W is J×J per observation. It returns ok = false for layouts it does not handle (an index
// with a design of a rank other than 2 or 3 beside another), which then take the generic
// programs.
func (bd builder) buildStructured(kind program, data Data, raw []*graph.Node) ([]*graph.Node, bool) {
	m := bd.model
	llObs, params := bd.logLikeObs(data, raw, 0)
	// Per block: its index node and design (nil for γ blocks).
	etas := make([]*graph.Node, len(m.Blocks))
	xs := make([]*graph.Node, len(m.Blocks))
	rank := 0
	for _, ix := range m.Indices {
		i, _, _ := m.blockIndex(ix.Block)
		etas[i], xs[i] = params.Index(ix.Block), data.Get(ix.Design)
		switch r := xs[i].Rank(); {
		case r != 2 && r != 3, rank != 0 && r != rank:
			return nil, false
		default:
			rank = r
		}
	}
	var gammas []int // blocks without an index
	for i := range m.Blocks {
		if etas[i] == nil {
			gammas = append(gammas, i)
		}
	}
	ll := graph.ReduceAllSum(llObs)
	wrt := make([]*graph.Node, len(m.Blocks)) // the index of each indexed block, the raw γ otherwise
	for i := range m.Blocks {
		wrt[i] = etas[i]
		if wrt[i] == nil {
			wrt[i] = raw[i]
		}
	}
	first := graph.Gradient(ll, wrt...) // sⱼ for indexed blocks, ∂ℓ/∂γ for the others
	f64 := func(x *graph.Node) *graph.Node {
		if x.DType() != dtypes.Float64 {
			return graph.ConvertDType(x, dtypes.Float64)
		}
		return x
	}
	// xt returns Xᵀv for a block's design and a per-observation vector v ([n], or [n, J] for
	// choice data): the gradient of the block's index map, applied to v.
	xt := func(i int, v *graph.Node) *graph.Node {
		v = graph.ConvertDType(v, xs[i].DType())
		if rank == 3 {
			return f64(graph.Einsum("nak,na->k", xs[i], v))
		}
		return f64(graph.DotGeneral(xs[i], []int{0}, nil, v, []int{0}, nil))
	}

	if kind == progScoreObs {
		// Rows of the transposed score matrix, p×n: Xⱼ row i times sᵢⱼ for indexed blocks, and
		// for γ the columns of the Jacobian of ℓᵢ by reverse over reverse on weights w.
		rows := make([]*graph.Node, len(m.Blocks))
		var gammaGrads []*graph.Node
		var w *graph.Node
		if len(gammas) > 0 {
			w = graph.OnesLike(llObs)
			g := make([]*graph.Node, len(gammas))
			for c, i := range gammas {
				g[c] = raw[i]
			}
			gammaGrads = graph.Gradient(graph.ReduceAllSum(graph.Mul(w, llObs)), g...)
		}
		for i := range m.Blocks {
			if etas[i] == nil {
				continue
			}
			s := graph.ConvertDType(first[i], xs[i].DType())
			if rank == 3 {
				rows[i] = f64(graph.Einsum("nak,na->kn", xs[i], s))
			} else {
				rows[i] = f64(graph.Transpose(graph.Mul(xs[i], graph.ExpandAxes(s, 1)), 0, 1))
			}
		}
		for c, i := range gammas {
			var cols []*graph.Node
			for _, gc := range components(gammaGrads[c : c+1]) {
				cols = append(cols, f64(graph.Gradient(gc, w)[0]))
			}
			rows[i] = graph.Stack(cols, 0)
		}
		return []*graph.Node{graph.Concatenate(rows, 0)}, true
	}

	// The Hessian, block by block: blocks[r][c] of shape [size_r, size_c].
	blocks := make([][]*graph.Node, len(m.Blocks))
	for r := range blocks {
		blocks[r] = make([]*graph.Node, len(m.Blocks))
	}
	for r := range m.Blocks {
		if etas[r] == nil {
			continue
		}
		for c := r; c < len(m.Blocks); c++ {
			if etas[c] == nil {
				continue
			}
			// W = ∂sᵣ/∂η꜀ per observation, then XᵣᵀWX꜀.
			var h *graph.Node
			if rank == 3 {
				j := etas[r].Shape().Dimensions[1]
				var ws []*graph.Node // row a of each observation's J×J matrix
				for a := range j {
					ws = append(ws, graph.Gradient(columnSum(first[r], a, j), etas[c])[0])
				}
				wm := graph.ConvertDType(graph.Stack(ws, 1), xs[r].DType()) // [n, J, J]
				h = graph.Einsum("nak,nal->kl", xs[r], graph.Einsum("nab,nbl->nal", wm, xs[c]))
			} else {
				wv := graph.ConvertDType(graph.Gradient(graph.ReduceAllSum(first[r]), etas[c])[0], xs[r].DType())
				h = graph.DotGeneral(graph.Mul(xs[r], graph.ExpandAxes(wv, 1)), []int{0}, nil, xs[c], []int{0}, nil)
			}
			blocks[r][c] = f64(h)
			if c != r {
				blocks[c][r] = graph.Transpose(blocks[r][c], 0, 1)
			}
		}
	}
	for _, g := range gammas {
		// Each entry of ∂ℓ/∂γ_g, differentiated with respect to every index and every γ block.
		comps := components(first[g : g+1])
		perBlock := make([][]*graph.Node, len(m.Blocks)) // [block] -> one node per entry of γ_g
		for _, gc := range comps {
			second := graph.Gradient(gc, wrt...)
			for c := range m.Blocks {
				d := second[c]
				if etas[c] != nil {
					d = xt(c, d) // Xᵀ ∂²ℓ/∂η∂γ
				}
				perBlock[c] = append(perBlock[c], f64(d))
			}
		}
		for c := range m.Blocks {
			row := graph.Stack(perBlock[c], 0) // [size_g, size_c]
			blocks[g][c] = row
			if etas[c] != nil {
				blocks[c][g] = graph.Transpose(row, 0, 1)
			}
		}
	}
	rows := make([]*graph.Node, len(m.Blocks))
	for r := range m.Blocks {
		rows[r] = graph.Concatenate(blocks[r], 1)
	}
	hess := graph.Concatenate(rows, 0)
	if kind != progValueGradHess {
		return []*graph.Node{hess}, true
	}
	// The fused program also returns ℓ and its gradient, which the passes above hold already.
	grad := make([]*graph.Node, len(m.Blocks))
	for i := range m.Blocks {
		grad[i] = first[i]
		if etas[i] != nil {
			grad[i] = xt(i, first[i])
		}
	}
	return []*graph.Node{ll, graph.Concatenate(grad, 0), hess}, true
}
