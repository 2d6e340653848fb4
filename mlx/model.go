package mlx

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/graph"
)

// Transform maps a block's unconstrained internal value u, which the optimizers move freely,
// to the natural value θ that the log-likelihood sees and that tables report.
type Transform int

const (
	// Identity leaves the block as it is: θ = u.
	Identity Transform = iota
	// Positive keeps the block positive: θ = exp(u). Standard errors of such a block are
	// reported on the natural scale by the delta method, dθ/du = exp(u).
	Positive
)

// String returns the transform's name.
func (t Transform) String() string {
	switch t {
	case Identity:
		return "identity"
	case Positive:
		return "positive (exp)"
	}
	return fmt.Sprintf("Transform(%d)", int(t))
}

// Natural maps an unconstrained value u to the natural scale θ: θ = u, or eᵘ for Positive.
func (t Transform) Natural(u float64) float64 {
	if t == Positive {
		return math.Exp(u)
	}
	return u
}

// Derivative returns dθ/du at the unconstrained value u, the factor the delta method needs.
func (t Transform) Derivative(u float64) float64 {
	if t == Positive {
		return math.Exp(u)
	}
	return 1
}

// Block is a named group of parameters: a vector of Size entries that enters the log-likelihood
// as one graph input.
type Block struct {
	// Name identifies the block in Params.Get, in start values and in Result.Block.
	Name string
	// Size is the number of entries, at least 1.
	Size int
	// Transform maps the optimizer's unconstrained value to the natural scale.
	// The zero value is Identity.
	Transform Transform
	// Labels names each entry in tables. If nil, entries are labelled Name[i], or Name alone
	// when Size is 1.
	Labels []string
}

// label returns the table label of entry i.
func (b Block) label(i int) string {
	if b.Labels != nil {
		return b.Labels[i]
	}
	if b.Size == 1 {
		return b.Name
	}
	return fmt.Sprintf("%s[%d]", b.Name, i)
}

// Model is a log-likelihood with named parameter blocks, written as a GoMLX graph.
//
// LogLikeObs receives the parameter blocks on their natural scale and the named data inputs,
// and returns the log-likelihood of each observation, a node of shape [n] where n is the
// number of observations in the Dataset. mlx sums it, differentiates it and compiles it.
// LogLikeObs runs while a graph is being built: it may panic, and Fit reports the panic as an
// error.
//
// A Model is identified by what it computes, not by its pointer: values built separately (the
// same constructor called twice, a model rebuilt in every round of a bootstrap) share compiled
// programs when LogLikeObs builds the same graph, and values that differ in anything the graph
// holds, a captured constant included, do not (see Evaluator). Name and Labels play no part.
type Model struct {
	// Name is used in tables and error messages.
	Name string
	// Blocks lists the parameter blocks in the order of the flat parameter vector.
	Blocks []Block
	// LogLikeObs builds the per-observation log-likelihood.
	LogLikeObs func(p Params, d Data) *graph.Node `json:"-"`
	// Batched declares that LogLikeObs also accepts a batch of parameter vectors: when
	// Params.Batched is true every block arrives with a leading batch axis (Get returns
	// [B, Size], Scalar [B, 1]) and LogLikeObs must return [B, n], row b the log-likelihood at
	// the b-th vector. mlx then computes the exact Hessian and the per-observation scores in one
	// pass over p copies of the parameters, matrix-matrix work, instead of p passes.
	Batched bool
	// Indices declares, optionally, the linear indices ηᵢ = xᵢβ + oᵢ through which coefficient
	// blocks enter the log-likelihood; LogLikeObs then gets each as Params.Index(block). A block
	// with an index must reach the log-likelihood only through it, so that the engine may
	// treat ℓ as a function of the indices (per-observation scores ∂ℓᵢ/∂ηᵢ, the Hessian as
	// XᵀWX). Models without declared indices work as before.
	Indices []Index
	// Predictions declares, optionally, what the model predicts for an observation, each as a
	// graph: the mean E[y|x], a probability per outcome, a median survival time. The first is
	// the default. They give predictions and, by differentiating with respect to the data,
	// marginal effects (see Predictor).
	Predictions []Prediction
}

// Validate checks the model's declaration: at least one block, unique non-empty names,
// positive sizes, known transforms, labels of the right length and a LogLikeObs function.
func (m *Model) Validate() error {
	if m == nil {
		return fmt.Errorf("mlx: nil model")
	}
	if m.LogLikeObs == nil {
		return fmt.Errorf("mlx: model %q has no LogLikeObs function", m.Name)
	}
	if len(m.Blocks) == 0 {
		return fmt.Errorf("mlx: model %q has no parameter blocks", m.Name)
	}
	seen := map[string]bool{}
	for i, b := range m.Blocks {
		switch {
		case b.Name == "":
			return fmt.Errorf("mlx: model %q: block %d has no name", m.Name, i)
		case seen[b.Name]:
			return fmt.Errorf("mlx: model %q: block name %q is used twice", m.Name, b.Name)
		case b.Size < 1:
			return fmt.Errorf("mlx: model %q: block %q has size %d, want at least 1", m.Name, b.Name, b.Size)
		case b.Transform != Identity && b.Transform != Positive:
			return fmt.Errorf("mlx: model %q: block %q has unknown transform %d", m.Name, b.Name, int(b.Transform))
		case b.Labels != nil && len(b.Labels) != b.Size:
			return fmt.Errorf("mlx: model %q: block %q has %d labels for %d entries", m.Name, b.Name, len(b.Labels), b.Size)
		}
		seen[b.Name] = true
	}
	indexed := map[string]bool{}
	for i, ix := range m.Indices {
		j, _, ok := m.blockIndex(ix.Block)
		switch {
		case !ok:
			return fmt.Errorf("mlx: model %q: index %d is of block %q, which the model lacks (blocks: %s)", m.Name, i, ix.Block, m.blockNames())
		case indexed[ix.Block]:
			return fmt.Errorf("mlx: model %q: block %q has two indices", m.Name, ix.Block)
		case m.Blocks[j].Transform != Identity:
			return fmt.Errorf("mlx: model %q: block %q has an index but transform %v; coefficients of an index are unconstrained", m.Name, ix.Block, m.Blocks[j].Transform)
		case ix.Design == "":
			return fmt.Errorf("mlx: model %q: the index of block %q names no design column", m.Name, ix.Block)
		}
		indexed[ix.Block] = true
	}
	for i, pr := range m.Predictions {
		switch {
		case pr.Name == "":
			return fmt.Errorf("mlx: model %q: prediction %d has no name", m.Name, i)
		case pr.Func == nil:
			return fmt.Errorf("mlx: model %q: prediction %q has no function", m.Name, pr.Name)
		}
	}
	return nil
}

// NumParams returns the length of the flat parameter vector, the sum of the block sizes.
func (m *Model) NumParams() int {
	n := 0
	for _, b := range m.Blocks {
		n += b.Size
	}
	return n
}

// Labels returns the table label of every entry of the flat parameter vector.
func (m *Model) Labels() []string {
	labels := make([]string, 0, m.NumParams())
	for _, b := range m.Blocks {
		for i := range b.Size {
			labels = append(labels, b.label(i))
		}
	}
	return labels
}

// blockNames returns the block names in order, for error messages.
func (m *Model) blockNames() string {
	names := make([]string, len(m.Blocks))
	for i, b := range m.Blocks {
		names[i] = fmt.Sprintf("%q", b.Name)
	}
	return strings.Join(names, ", ")
}

// blockIndex returns the position of the named block and its offset in the flat vector.
func (m *Model) blockIndex(name string) (index, offset int, ok bool) {
	for i, b := range m.Blocks {
		if b.Name == name {
			return i, offset, true
		}
		offset += b.Size
	}
	return -1, -1, false
}

// Pack turns start values given by block name, on the natural scale, into the flat vector
// that Settings.Start takes. Blocks left out of values get their default start (0, or 1 for
// Positive blocks). It returns an error naming an unknown block or a value of the wrong length.
func (m *Model) Pack(values map[string][]float64) ([]float64, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		i, _, ok := m.blockIndex(name)
		if !ok {
			return nil, fmt.Errorf("mlx: model %q has no block %q (blocks: %s)", m.Name, name, m.blockNames())
		}
		if len(values[name]) != m.Blocks[i].Size {
			return nil, fmt.Errorf("mlx: model %q: start for block %q has %d values, want %d",
				m.Name, name, len(values[name]), m.Blocks[i].Size)
		}
	}
	flat := make([]float64, 0, m.NumParams())
	for _, b := range m.Blocks {
		if v, ok := values[b.Name]; ok {
			flat = append(flat, v...)
			continue
		}
		for range b.Size {
			flat = append(flat, b.Transform.Natural(0))
		}
	}
	return flat, nil
}

// toUnconstrained checks a flat natural-scale start vector and maps it to the optimizer's
// unconstrained scale.
func (m *Model) toUnconstrained(natural []float64) ([]float64, error) {
	if len(natural) != m.NumParams() {
		return nil, fmt.Errorf("mlx: model %q: start vector has %d values, want %d (blocks: %s)",
			m.Name, len(natural), m.NumParams(), m.blockNames())
	}
	u := make([]float64, len(natural))
	labels := m.Labels()
	k := 0
	for _, b := range m.Blocks {
		for range b.Size {
			v := natural[k]
			switch {
			case math.IsNaN(v) || math.IsInf(v, 0):
				return nil, fmt.Errorf("mlx: model %q: start value of %s is %v", m.Name, labels[k], v)
			case b.Transform == Positive && v <= 0:
				return nil, fmt.Errorf("mlx: model %q: start value of %s is %v, but block %q is positive",
					m.Name, labels[k], v, b.Name)
			case b.Transform == Positive:
				u[k] = math.Log(v)
			default:
				u[k] = v
			}
			k++
		}
	}
	return u, nil
}

// Natural maps a flat unconstrained vector to the natural scale.
func (m *Model) Natural(u []float64) []float64 {
	natural := make([]float64, len(u))
	k := 0
	for _, b := range m.Blocks {
		for range b.Size {
			natural[k] = b.Transform.Natural(u[k])
			k++
		}
	}
	return natural
}

// Index is a linear index ηᵢ = xᵢ·β + oᵢ: the way most regression models reach their
// coefficients. Declaring it (Model.Indices) lets the engine see the model's structure.
type Index struct {
	// Block names the coefficient block β.
	Block string
	// Design names the data column of the regressors xᵢ: n×Size, or n×J×Size when each
	// observation has J alternatives (choice data), which gives an index of shape [n, J].
	Design string
	// Offset names a data column of n values added to the index (a log exposure, say); empty
	// for none.
	Offset string
}

// Prediction is a quantity a model predicts for each observation, as a graph of the parameters
// and the data: E[y|x], Pr(y = j|x) for every outcome j, a median survival time.
type Prediction struct {
	// Name names the quantity in tables: "Pr(y=1)", "E[y]", "median time".
	Name string
	// Outcomes labels the columns when Func returns one value per observation and outcome,
	// shape [n, len(Outcomes)]; nil when it returns one value per observation, shape [n].
	Outcomes []string
	// Func builds the prediction from the parameters on their natural scale and the data. It
	// runs while a graph is being built and may panic; callers report the panic as an error.
	Func func(p Params, d Data) *graph.Node `json:"-"`
}

// Params gives LogLikeObs the parameter blocks as graph nodes on their natural scale.
type Params struct {
	model   *Model
	nodes   []*graph.Node
	batched bool
	// perRow: each block of size 1 arrives as one value per observation ([B·n]) and the
	// indices are set by the caller, for the bootstrap's replicates stacked along the
	// observations (see buildBootstrap).
	perRow bool
	data   Data                   // for Index
	etas   map[string]*graph.Node // each index built once, by block, so derivatives can be taken with respect to it
}

// newParams returns the Params of model m for one graph.
func newParams(m *Model, nodes []*graph.Node, batched bool, data Data) Params {
	return Params{model: m, nodes: nodes, batched: batched, data: data, etas: map[string]*graph.Node{}}
}

// Index returns the linear index of the named block (Model.Indices): xβ of shape [n] (or
// [n, J] for a design of shape [n, J, k]; [B, n] when Batched) plus the offset column if the
// index has one. Every call in one graph returns the same node. It panics if the block has no
// declared index; call it only while building a graph.
func (p Params) Index(block string) *graph.Node {
	if eta, ok := p.etas[block]; ok {
		return eta
	}
	for _, ix := range p.model.Indices {
		if ix.Block != block {
			continue
		}
		i, _, _ := p.model.blockIndex(block)
		x, beta := p.data.Get(ix.Design), p.nodes[i]
		dims := x.Shape().Dimensions
		if dims[len(dims)-1] != beta.Shape().Dimensions[beta.Rank()-1] {
			panic(fmt.Errorf("mlx: model %q: design column %q has shape %s, but block %q has %d coefficients",
				p.model.Name, ix.Design, x.Shape(), block, beta.Shape().Dimensions[beta.Rank()-1]))
		}
		eta, ok := indexProduct(x, beta, p.batched)
		if !ok {
			panic(fmt.Errorf("mlx: model %q: design column %q has shape %s; an index needs [n, k], or [n, J, k] without batching",
				p.model.Name, ix.Design, x.Shape()))
		}
		if ix.Offset != "" {
			off := p.data.Get(ix.Offset)
			if p.batched {
				off = graph.ExpandAxes(off, 0)
			} else if len(dims) == 3 {
				off = graph.ExpandAxes(off, 1)
			}
			eta = graph.Add(eta, off)
		}
		p.etas[block] = eta
		return eta
	}
	panic(fmt.Errorf("mlx: model %q declares no index of block %q", p.model.Name, block))
}

// indexProduct returns xβ for a design x of shape [n, k] ([B, n] for coefficients beta of shape
// [B, k] when batched) or [n, J, k] (unbatched only, giving [n, J]); ok is false for other
// layouts.
func indexProduct(x, beta *graph.Node, batched bool) (eta *graph.Node, ok bool) {
	dims := x.Shape().Dimensions
	switch {
	case len(dims) == 2 && batched:
		return graph.Einsum("bk,nk->bn", beta, x), true
	case len(dims) == 2:
		return graph.Dot(x, beta), true
	case len(dims) == 3 && !batched:
		return graph.Reshape(graph.Dot(graph.Reshape(x, dims[0]*dims[1], dims[2]), beta), dims[0], dims[1]), true
	}
	return nil, false
}

// Batched reports whether the blocks carry a leading batch axis (see Model.Batched).
func (p Params) Batched() bool { return p.batched }

// Get returns the named block as a node of shape [Size] (or [B, Size] when Batched), on the
// natural scale.
// It panics, listing the known blocks, if there is no such block; call it only while
// building a graph.
func (p Params) Get(name string) *graph.Node {
	i, _, ok := p.model.blockIndex(name)
	if !ok {
		panic(fmt.Errorf("mlx: model %q has no block %q (blocks: %s)", p.model.Name, name, p.model.blockNames()))
	}
	if slices.ContainsFunc(p.model.Indices, func(ix Index) bool { return ix.Block == name }) {
		// The declaration is a promise the structured derivatives rely on: hold it.
		panic(fmt.Errorf("mlx: model %q: block %q has a declared index; reach it through Params.Index(%q)", p.model.Name, name, name))
	}
	return p.nodes[i]
}

// Scalar returns a block of size 1 as a scalar node on the natural scale (as a [B, 1] node
// when Batched, ready to broadcast against [B, n]).
// It panics if there is no such block or its size is not 1; call it only while building a graph.
func (p Params) Scalar(name string) *graph.Node {
	x := p.Get(name)
	if !p.perRow && x.Shape().Dimensions[x.Rank()-1] != 1 {
		panic(fmt.Errorf("mlx: model %q: Scalar(%q) on a block of size %d", p.model.Name, name, x.Shape().Dimensions[x.Rank()-1]))
	}
	if p.batched || p.perRow {
		return x
	}
	return graph.Reshape(x)
}
