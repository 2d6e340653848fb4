package mlx

import (
	"container/list"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gomle/gomle/internal/guard"
	"github.com/gomle/gomle/optim"
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// program names one of the compiled computations of a model.
type program int

const (
	progValue program = iota
	progValueGrad
	progHessian
	progScoreObs
	progHessianGeneric   // the p-pass Hessian, also for models with indices
	progScoreObsGeneric  // the reverse-over-reverse scores, also for models with indices
	progScoreOuter       // Σᵢ sᵢsᵢᵀ
	progScoreSums        // Σ_{i∈g} sᵢ per group g; two more inputs: codes [n] and zeros [G, p]
	progSteps            // several SGD or Adam steps, unrolled (see buildSteps)
	progValueGradHess    // ℓ, its gradient and its Hessian in one program
	progLine             // ℓ(u + αⱼd) for lineSteps step sizes; two more inputs: d and α
	progBootstrap        // replicates' ℓ and gradients; more inputs: their blocks, weights
	progBootstrapHessian // the same and every replicate's Hessian
)

// programID names one compiled program of a set. The rule and the number of steps shape the
// graph of progSteps, so they are part of its name: programs that unroll different numbers of
// steps, or SGD's and Adam's steps, are compiled and kept apart.
type programID struct {
	kind  program
	adam  bool // progSteps: Adam's update, not SGD's
	steps int  // progSteps: the steps unrolled
}

// compiled is one program of a set, compiled on first use.
type compiled struct {
	once sync.Once
	exec *graph.Exec
	err  error
}

// programs holds the compiled computations of one model computation on one backend for data of
// one shape: one set per entry of the program cache (cache.go). Its graphs are built from the
// model of the Evaluator that created it; any model with the same fingerprint builds the same.
type programs struct {
	builder
	key      programsKey
	execsMu  sync.Mutex
	execs    map[programID]*compiled
	compiles atomic.Int64 // graphs built, across all programs

	// Guarded by cache.mu.
	elem    *list.Element // in cache.lru; nil once evicted
	users   int           // evaluations running these programs
	evicted bool

	graphsMu sync.Mutex
	graphs   []*graph.Graph // every graph built, so tests can check that finalize released them
}

// builder builds a model's graphs for data with the given column names, in name order.
type builder struct {
	model   *Model
	columns []string
	weights WeightKind // of the data's WeightsColumn, among columns unless Unweighted
	// weightScale multiplies the weights in every program: 1, or for sampling weights the
	// inverse of their mean, so that they enter normalized to mean 1.
	weightScale float64
	// devices, when not nil, are the devices the rows are sharded over: every program runs on
	// each (SPMD) and sums its outputs over them (see devices.go).
	devices []backends.DeviceNum
}

// exec returns the compiled program id, creating its graph.Exec on first use. Call it only
// between cache.acquire and cache.release.
func (ps *programs) exec(id programID) (*graph.Exec, error) {
	ps.execsMu.Lock()
	c := ps.execs[id]
	if c == nil {
		c = &compiled{}
		ps.execs[id] = c
	}
	ps.execsMu.Unlock()
	c.once.Do(func() {
		c.exec, c.err = graph.NewExecAny(ps.key.backend, func(inputs []*graph.Node) []*graph.Node {
			ps.compiles.Add(1)
			ps.graphsMu.Lock()
			ps.graphs = append(ps.graphs, inputs[0].Graph())
			ps.graphsMu.Unlock()
			if id.kind == progSteps {
				return ps.buildSteps(id, inputs)
			}
			outs := ps.build(id.kind, inputs)
			if ps.devices != nil && reduced(id.kind) {
				// Each device summed its own rows; the sum over devices is the total.
				outs = inputs[0].Graph().Distributed().AllReduce(outs, backends.ReduceOpSum)
			}
			return outs
		})
		if c.err == nil && ps.devices != nil {
			c.err = spmd(c.exec, ps.devices)
		}
	})
	return c.exec, c.err
}

// finalize releases the compiled graphs of an evicted set that no evaluation runs any more.
func (ps *programs) finalize() {
	ps.execsMu.Lock()
	defer ps.execsMu.Unlock()
	for _, c := range ps.execs {
		if c.exec != nil {
			c.exec.Finalize()
		}
	}
}

// split returns the data inputs by name and the parameter inputs of a program's inputs.
func (bd builder) split(inputs []*graph.Node) (Data, []*graph.Node) {
	nc := len(bd.columns)
	data := Data{names: bd.columns, nodes: make(map[string]*graph.Node, nc)}
	for i, name := range bd.columns {
		data.nodes[name] = inputs[i]
	}
	return data, inputs[nc:]
}

// build builds the graph of one program. inputs are the data columns in name order, then the
// unconstrained parameter blocks in model order.
func (bd builder) build(kind program, inputs []*graph.Node) []*graph.Node {
	m := bd.model
	switch kind {
	case progScoreOuter:
		st := bd.build(progScoreObs, inputs)[0] // p×n
		left := st
		if bd.weights == Frequency {
			// The scores are wᵢsᵢ; a row of weight wᵢ stands for wᵢ independent observations,
			// whose meat is wᵢsᵢsᵢᵀ = (wᵢsᵢ)(wᵢsᵢ)ᵀ/wᵢ (zero where wᵢ = 0).
			data, _ := bd.split(inputs)
			w := graph.ConvertDType(data.Get(WeightsColumn), dtypes.Float64)
			inv := graph.Where(graph.GreaterThan(w, graph.ZerosLike(w)), graph.Reciprocal(graph.Max(w, graph.OnesLike(w))), graph.ZerosLike(w))
			left = graph.Mul(st, graph.ExpandAxes(inv, 0))
		}
		return []*graph.Node{graph.Dot(left, graph.Transpose(st, 0, 1))}
	case progScoreSums:
		codes, zeros := inputs[len(inputs)-2], inputs[len(inputs)-1]
		st := bd.build(progScoreObs, inputs[:len(inputs)-2])[0]
		return []*graph.Node{graph.ScatterSum(zeros, graph.ExpandAxes(codes, 1), graph.Transpose(st, 0, 1), false, false)}
	case progBootstrap, progBootstrapHessian:
		nb := len(m.Blocks)
		data, _ := bd.split(inputs[:len(inputs)-nb-1])
		return bd.buildBootstrap(data, inputs[len(inputs)-nb-1:len(inputs)-1], inputs[len(inputs)-1], kind == progBootstrapHessian)
	case progLine:
		nb := len(m.Blocks)
		data, params := bd.split(inputs[:len(inputs)-nb-1])
		return bd.buildLine(data, params, inputs[len(inputs)-nb-1:len(inputs)-1], inputs[len(inputs)-1])
	}
	data, raw := bd.split(inputs)
	if m.Batched && (kind == progHessian || kind == progScoreObs) {
		return bd.buildBatched(kind, data, raw)
	}
	if m.Batched && kind == progValueGradHess {
		return append(bd.build(progValueGrad, inputs), bd.buildBatched(progHessian, data, raw)...)
	}
	if len(m.Indices) > 0 && (kind == progHessian || kind == progScoreObs || kind == progValueGradHess) {
		if out, ok := bd.buildStructured(kind, data, raw); ok {
			return out
		}
	}
	llObs, _ := bd.logLikeObs(data, raw, 0)
	switch kind {
	case progValue:
		return []*graph.Node{graph.ReduceAllSum(llObs)}
	case progValueGrad:
		ll := graph.ReduceAllSum(llObs)
		return []*graph.Node{ll, graph.Concatenate(graph.Gradient(ll, raw...), 0)}
	case progHessian, progHessianGeneric, progValueGradHess:
		ll := graph.ReduceAllSum(llObs)
		grads := graph.Gradient(ll, raw...)
		rows := make([]*graph.Node, 0, m.NumParams())
		for _, gi := range components(grads) {
			rows = append(rows, graph.Concatenate(graph.Gradient(gi, raw...), 0))
		}
		if kind == progValueGradHess {
			return []*graph.Node{ll, graph.Concatenate(grads, 0), graph.Stack(rows, 0)}
		}
		return []*graph.Node{graph.Stack(rows, 0)}
	case progScoreObs, progScoreObsGeneric:
		// The scores are the Jacobian J (n×p) of llObs. Reverse mode gives Jᵀw cheaply, as
		// the gradient of Σ wᵢ ℓᵢ; differentiating its j-th entry with respect to the weights w
		// gives column j of J (reverse over reverse). w is all ones.
		w := graph.OnesLike(llObs)
		lw := graph.ReduceAllSum(graph.Mul(w, llObs))
		grads := graph.Gradient(lw, raw...)
		cols := make([]*graph.Node, 0, m.NumParams())
		for _, gj := range components(grads) {
			cols = append(cols, graph.Gradient(gj, w)[0])
		}
		return []*graph.Node{graph.Stack(cols, 0)} // p×n, as the batched form
	}
	panic(fmt.Errorf("mlx: unknown program %d", kind))
}

// buildBatched builds the Hessian or the scores of a Batched model in one pass. Each block u is
// copied p times, U of shape [p, Size], so row b of the log-likelihood [p, n] is ℓ at the b-th
// copy. The gradient G = ∂(Σ ℓ)/∂U has rows ∇ℓ(u), and Σ_b G[b, b] picks the b-th component in
// row b: its gradient with respect to U is the Hessian, one row per copy. With weights W [p, n]
// in place of the sum, the gradient of Σ_b G[b, b] with respect to W is the transposed score
// matrix. Both are matrix-matrix work over X instead of p matrix-vector passes.
func (bd builder) buildBatched(kind program, data Data, raw []*graph.Node) []*graph.Node {
	p := bd.model.NumParams()
	llObs, copies := bd.batchedLogLikeObs(data, raw)
	eye := graph.ConvertDType(graph.Diagonal(llObs.Graph(), p), llObs.DType())
	if kind == progHessian {
		grad := graph.Concatenate(graph.Gradient(graph.ReduceAllSum(llObs), copies...), 1)
		diag := graph.ReduceAllSum(graph.Mul(grad, eye))
		return []*graph.Node{graph.Concatenate(graph.Gradient(diag, copies...), 1)}
	}
	w := graph.OnesLike(llObs)
	grad := graph.Concatenate(graph.Gradient(graph.ReduceAllSum(graph.Mul(w, llObs)), copies...), 1)
	diag := graph.ReduceAllSum(graph.Mul(grad, eye))
	return []*graph.Node{graph.Gradient(diag, w)[0]}
}

// batchedLogLikeObs returns the log-likelihood [p, n] at p copies of the parameters, and the
// copies, of shape [p, Size] each.
func (bd builder) batchedLogLikeObs(data Data, raw []*graph.Node) (llObs *graph.Node, copies []*graph.Node) {
	p := bd.model.NumParams()
	copies = make([]*graph.Node, len(raw))
	for i, r := range raw {
		copies[i] = graph.BroadcastToDims(graph.ExpandAxes(r, 0), p, r.Shape().Dimensions[0])
	}
	llObs, _ = bd.logLikeObs(data, copies, p)
	return llObs, copies
}

// logLikeObs maps the unconstrained blocks to the natural scale, calls the model's LogLikeObs
// and checks its shape: [n], or [batch, n] when batch > 0. It also returns the Params the
// model saw, which hold the index nodes it built.
func (bd builder) logLikeObs(data Data, raw []*graph.Node, batch int) (*graph.Node, Params) {
	params := newParams(bd.model, bd.natural(data, raw), batch > 0, data)
	if batch == 0 {
		for _, ix := range bd.model.Indices {
			params.Index(ix.Block) // built before LogLikeObs runs, so that it uses these nodes
		}
	}
	want := []int{bd.rows(data)}
	if batch > 0 {
		want = []int{batch, want[0]}
	}
	return bd.callModel(params, data, want), params
}

// rows returns the number of observations of the data inputs of a graph.
func (bd builder) rows(data Data) int { return data.nodes[bd.columns[0]].Shape().Dimensions[0] }

// natural maps the unconstrained blocks to the natural scale, in the data's dtype.
func (bd builder) natural(data Data, raw []*graph.Node) []*graph.Node {
	first := data.nodes[bd.columns[0]]
	natural := make([]*graph.Node, len(raw))
	for i, b := range bd.model.Blocks {
		natural[i] = raw[i]
		if b.Transform == Positive {
			natural[i] = graph.Exp(raw[i])
		}
		// Parameters arrive in float64; a float32 dataset (Dataset.Float32) gets them in its
		// own dtype, so that the model computes in float32 throughout.
		if natural[i].DType() != first.DType() {
			natural[i] = graph.ConvertDType(natural[i], first.DType())
		}
	}
	return natural
}

// callModel calls the model's LogLikeObs on params and checks what it returns: one value per
// observation, of dimensions want ([n], or [batch, n]), in the data's dtype. The result is in
// float64.
func (bd builder) callModel(params Params, data Data, want []int) *graph.Node {
	m := bd.model
	first := data.nodes[bd.columns[0]]
	llObs := m.LogLikeObs(params, data)
	if llObs == nil || !slices.Equal(llObs.Shape().Dimensions, want) {
		got := "nil"
		if llObs != nil {
			got = llObs.Shape().String()
		}
		panic(fmt.Errorf("mlx: model %q: LogLikeObs returned shape %s, want one value per observation, %v", m.Name, got, want))
	}
	if llObs.DType() != first.DType() {
		panic(fmt.Errorf("mlx: model %q: LogLikeObs returned %s, want %s", m.Name, llObs.DType(), first.DType()))
	}
	// Sums over observations (the log-likelihood, and through it every derivative program's
	// outputs) are taken in float64 whatever the data's dtype.
	if llObs.DType() != dtypes.Float64 {
		llObs = graph.ConvertDType(llObs, dtypes.Float64)
	}
	if w, ok := data.nodes[WeightsColumn]; ok {
		// Weighted data: every program sums wᵢℓᵢ, so the scores are wᵢsᵢ.
		w = graph.ConvertDType(w, dtypes.Float64)
		if bd.weightScale != 1 {
			w = graph.MulScalar(w, bd.weightScale)
		}
		if llObs.Rank() == 2 {
			w = graph.ExpandAxes(w, 0)
		}
		llObs = graph.Mul(llObs, w)
	}
	return llObs
}

// components returns every entry of the per-block gradients as a scalar node, in flat order.
// An entry is picked by contracting with a one-hot constant, not by Slice, whose gradient needs
// Pad, which the pure-Go backend lacks.
func components(grads []*graph.Node) []*graph.Node {
	var out []*graph.Node
	for _, g := range grads {
		size := g.Shape().Size()
		if size == 1 {
			out = append(out, graph.Reshape(g))
			continue
		}
		for i := range size {
			oneHot := make([]float64, size)
			oneHot[i] = 1
			out = append(out, graph.ReduceAllSum(graph.Mul(g, graph.ConvertDType(graph.Const(g.Graph(), oneHot), g.DType()))))
		}
	}
	return out
}

// Evaluator computes a model's log-likelihood and its exact derivatives on one dataset, on one
// backend. Parameters are flat vectors on the unconstrained scale (see Transform), in block order.
// An Evaluator may be used from several goroutines at once.
//
// Compiled programs are shared through a process-wide cache by every Evaluator, on the same
// backend, whose model builds the same graphs for data of the same column names and shapes:
// NewEvaluator builds the model's value graph for the data, without compiling it, and looks the
// cache up by a digest of that graph (every operation, shape and dtype, input names, and the
// value of every constant) together with the blocks and Batched. So a new Dataset of the same
// shapes, and a freshly built value of the same model (a new *Model, a new closure), are
// evaluated without compiling anything, while models that differ in anything they compute, a
// captured constant included, never share programs. The cache is bounded (see
// SetProgramCacheCapacity); an Evaluator whose programs were evicted compiles them again when
// next used.
type Evaluator struct {
	model   *Model
	data    *Dataset
	backend backends.Backend
	// progs holds one program set per distinct chunk shape (one, or two when the last chunk
	// is short), set for chunk c at progs[chunkProgs[c]]. Guarded by cache.mu: acquire
	// replaces a set that was evicted.
	progs      []*programs
	chunkProgs []int
	calls      atomic.Int64 // compiled programs run, one per chunk per evaluation
	// devices are the devices the rows are sharded over, nil for the default device alone;
	// shards holds a one-chunk Dataset's shards once placed on them (see devices.go).
	devices  []backends.DeviceNum
	shardsMu sync.Mutex
	shards   []map[string]*tensors.Tensor
}

// Calls returns how many times this Evaluator has run a compiled program (one per chunk of
// each evaluation): the round trips to the backend, whose latency bounds small fits on GPUs.
func (ev *Evaluator) Calls() int { return int(ev.calls.Load()) }

// Evaluator is the optim.Objective that Fit maximizes.
var _ optim.Objective = (*Evaluator)(nil)

// NewEvaluator checks the model and returns an Evaluator of it on the data, on the backend's
// default device. It builds the model's value graph for the data's shapes (see Evaluator), so
// it returns an error if LogLikeObs cannot build it, for example if it asks for an unknown
// column or block or returns the wrong shape.
func NewEvaluator(b backends.Backend, m *Model, data *Dataset) (*Evaluator, error) {
	return NewEvaluatorOn(b, m, data, nil)
}

// NewEvaluatorOn is NewEvaluator with the rows of every chunk sharded over the given devices of
// the backend (see Devices): each device holds its share of the rows and runs the same program
// on them, and the log-likelihood, gradient, Hessian and score sums are added up across the
// devices inside the program, so the host receives one small result per evaluation, as from
// one device. Nil or empty devices means the backend's default device, as NewEvaluator. It
// returns an error if a device is repeated or not one of the backend's.
func NewEvaluatorOn(b backends.Backend, m *Model, data *Dataset, devices []int) (*Evaluator, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if b == nil {
		return nil, fmt.Errorf("mlx: nil backend")
	}
	if data == nil {
		return nil, fmt.Errorf("mlx: model %q: nil dataset", m.Name)
	}
	devs, err := checkDevices(b, devices)
	if err != nil {
		return nil, fmt.Errorf("mlx: model %q: %w", m.Name, err)
	}
	ev := &Evaluator{model: m, data: data, backend: b, chunkProgs: make([]int, len(data.chunks)), devices: devs}
	index := map[int]int{} // rows -> position in progs; chunks differ only in their rows
	for c, rows := range data.rows {
		if i, ok := index[rows]; ok {
			ev.chunkProgs[c] = i
			continue
		}
		bd := builder{model: m, columns: data.names, weights: data.weights, weightScale: data.weightScale()}
		inputs := make([]shapes.Shape, len(data.names))
		for i, name := range data.names {
			inputs[i] = data.shape(c, name)
		}
		if devs != nil {
			bd, inputs = ev.shardLayout(c)
		}
		var key programsKey
		if err := guard.Run(func() error {
			key = fingerprint(b, bd, inputs)
			return nil
		}); err != nil {
			return nil, fmt.Errorf("mlx: model %q: %w", m.Name, err)
		}
		index[rows] = len(ev.progs)
		ev.chunkProgs[c] = len(ev.progs)
		ev.progs = append(ev.progs, cache.lookup(key, bd))
	}
	return ev, nil
}

// Model returns the evaluated model.
func (ev *Evaluator) Model() *Model { return ev.model }

// NumParams returns the number of parameters, the length of every parameter vector.
func (ev *Evaluator) NumParams() int { return ev.model.NumParams() }

// NumObs returns the number of observations.
func (ev *Evaluator) NumObs() int { return ev.data.n }

// TotalWeight returns the total weight of the log-likelihood's terms: the sum of frequency
// weights, and the number of observations for sampling weights (normalized to mean 1) and for
// unweighted data. It makes the Evaluator an optim.WeightedObjective, whose gradient test
// scales with the observations that frequency weights stand for.
func (ev *Evaluator) TotalWeight() float64 {
	if ev.data.weights == Frequency {
		return ev.data.sumWeights
	}
	return float64(ev.data.n)
}

// Data returns the dataset the evaluator works on.
func (ev *Evaluator) Data() *Dataset { return ev.data }

// Backend returns the backend the evaluator runs on.
func (ev *Evaluator) Backend() backends.Backend { return ev.backend }

// Compilations returns how many graphs have been compiled for the programs this Evaluator runs,
// across all programs (value, gradient, Hessian, scores, unrolled steps) and chunk shapes, by this Evaluator
// and by all others sharing the programs (see Evaluator). A fresh Evaluator of a model
// computation seen before reports the compilations already done, and evaluating it adds none.
// If its programs were evicted from the cache, the count restarts when they are rebuilt.
func (ev *Evaluator) Compilations() int {
	cache.mu.Lock()
	defer cache.mu.Unlock()
	n := int64(0)
	for _, ps := range ev.progs {
		n += ps.compiles.Load()
	}
	return int(n)
}

// Precompile compiles the value, value+gradient and Hessian programs for the dataset's shapes
// without running them, so that later timings measure execution alone. Fit compiles on first
// use anyway; the per-observation score program is left to its first use.
func (ev *Evaluator) Precompile() error {
	sets := cache.acquire(ev)
	defer cache.release(sets)
	return guard.Run(func() error {
		params := blockTensors(ev.model, make([]float64, ev.model.NumParams()))
		defer finalize(params)
		for _, kind := range []program{progValue, progValueGrad, progHessian} {
			done := make([]bool, len(sets))
			for c := range ev.data.chunks {
				i := ev.chunkProgs[c]
				if done[i] {
					continue // same shapes, same compiled graph
				}
				done[i] = true
				e, err := sets[i].exec(programID{kind: kind})
				if err != nil {
					return err
				}
				var args []any
				var done func()
				if ev.devices != nil {
					args, _, done, err = ev.shardArgs(c, make([]float64, ev.model.NumParams()), nil)
				} else {
					args, done, err = ev.args(c, params)
				}
				if err != nil {
					return fmt.Errorf("mlx: model %q: %w", ev.model.Name, err)
				}
				err = func() error {
					defer done()
					return e.PreCompile(args...)
				}()
				if err != nil {
					return fmt.Errorf("mlx: model %q: %w", ev.model.Name, err)
				}
			}
		}
		return nil
	})
}

// blockTensors returns one tensor per block of m, cut from the flat vector u.
func blockTensors(m *Model, u []float64) []*tensors.Tensor {
	ts := make([]*tensors.Tensor, len(m.Blocks))
	off := 0
	for i, b := range m.Blocks {
		ts[i] = tensors.FromFlatDataAndDimensions(slices.Clone(u[off:off+b.Size]), b.Size)
		off += b.Size
	}
	return ts
}

func finalize(ts []*tensors.Tensor) {
	for _, t := range ts {
		t.FinalizeAll()
	}
}

// args returns the inputs of a program on chunk c, its data columns (ready on the backend)
// then the parameter blocks, and done, to call once the program has run (see Dataset.use).
func (ev *Evaluator) args(c int, params []*tensors.Tensor) (args []any, done func(), err error) {
	args, done, err = ev.data.use(c, ev.backend)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range params {
		args = append(args, t)
	}
	return args, done, nil
}

// runChunks executes a program at the unconstrained parameters u on every chunk of the data,
// in order, and passes each chunk's outputs, as flat float64 slices, to each.
func (ev *Evaluator) runChunks(kind program, u []float64, each func(c int, outs [][]float64)) error {
	return ev.runChunksExtra(programID{kind: kind}, u, nil, each)
}

// runChunksExtra is runChunks for programs with inputs after the parameters: extra, if not
// nil, returns them for the span s of chunk c's rows that one program input holds (the whole
// chunk, or on several devices one device's shard); they are released after the run.
func (ev *Evaluator) runChunksExtra(id programID, u []float64, extra func(c int, s span) []any, each func(c int, outs [][]float64)) error {
	if len(u) != ev.model.NumParams() {
		return fmt.Errorf("mlx: model %q: parameter vector has %d values, want %d", ev.model.Name, len(u), ev.model.NumParams())
	}
	sets := cache.acquire(ev)
	defer cache.release(sets)
	err := guard.Run(func() error {
		params := blockTensors(ev.model, u)
		defer finalize(params)
		for c := range ev.data.chunks {
			e, err := sets[ev.chunkProgs[c]].exec(id)
			if err != nil {
				return err
			}
			if ev.devices != nil {
				ev.calls.Add(1)
				outs, err := ev.runSharded(e, id.kind, c, u, extra)
				if err != nil {
					return err
				}
				each(c, outs)
				continue
			}
			args, done, err := ev.args(c, params)
			if err != nil {
				return err
			}
			var more []any
			if extra != nil {
				rows := ev.data.rows[c]
				more = extra(c, span{lo: 0, hi: rows, padded: rows})
				args = append(args, more...)
			}
			ev.calls.Add(1)
			outs, err := execFlat(e, args, done)
			for _, t := range more {
				t.(*tensors.Tensor).FinalizeAll()
			}
			if err != nil {
				return err
			}
			each(c, outs)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mlx: model %q: %w", ev.model.Name, explainMemory(err, ev.data))
	}
	return nil
}

// execFlat runs e on args, calls done once it has run (also if Exec panics, so that a
// streamed chunk's lock is never kept), and returns the outputs as flat float64 slices,
// releasing the output tensors.
func execFlat(e *graph.Exec, args []any, done func()) ([][]float64, error) {
	results, err := func() ([]*tensors.Tensor, error) {
		defer done()
		return e.Exec(args...)
	}()
	if err != nil {
		return nil, err
	}
	outs := make([][]float64, len(results))
	for i, r := range results {
		outs[i], err = tensors.CopyFlatData[float64](r)
		r.FinalizeAll()
		if err != nil {
			return nil, err
		}
	}
	return outs, nil
}

// memoryMarkers are the words with which XLA's PJRT plugins and GoMLX report a failed device
// allocation (XLA's status RESOURCE_EXHAUSTED, CUDA's "out of memory").
var memoryMarkers = []string{"resource_exhausted", "resource exhausted", "out of memory", "failed to allocate"}

// explainMemory wraps an error that reports a failed device allocation with what to do about
// it: the data, one chunk at a time, must fit in the device's memory. Other errors pass through.
func explainMemory(err error, data *Dataset) error {
	msg := strings.ToLower(err.Error())
	for _, m := range memoryMarkers {
		if strings.Contains(msg, m) {
			return fmt.Errorf("the device ran out of memory for %d observations in chunks of up to %d rows; split the data into smaller row chunks with mlx.Chunks, which streams one chunk at a time and sums exactly: %w",
				data.n, slices.Max(data.rows), err)
		}
	}
	return err
}

// run executes a program on every chunk and returns its outputs summed over the chunks: the
// log-likelihood, its gradient and its Hessian are sums over observations.
func (ev *Evaluator) run(kind program, u []float64) ([][]float64, error) {
	var sums [][]float64
	err := ev.runChunks(kind, u, func(c int, outs [][]float64) {
		if sums == nil {
			sums = outs
			return
		}
		for i, o := range outs {
			floats.Add(sums[i], o)
		}
	})
	return sums, err
}

// LogLike returns the log-likelihood at the unconstrained parameters u.
func (ev *Evaluator) LogLike(u []float64) (float64, error) {
	outs, err := ev.run(progValue, u)
	if err != nil {
		return 0, err
	}
	return outs[0][0], nil
}

// LogLikeGrad returns the log-likelihood at u and stores its gradient with respect to u in grad,
// which must have the length of u.
func (ev *Evaluator) LogLikeGrad(u, grad []float64) (float64, error) {
	if len(grad) != len(u) {
		return 0, fmt.Errorf("mlx: model %q: gradient slice has length %d, want %d", ev.model.Name, len(grad), len(u))
	}
	outs, err := ev.run(progValueGrad, u)
	if err != nil {
		return 0, err
	}
	copy(grad, outs[1])
	return outs[0][0], nil
}

// Hessian returns the exact Hessian of the log-likelihood with respect to u, by automatic
// differentiation in one compiled graph: for a model with declared indices, from the
// derivatives with respect to the indices as XᵀWX (see buildStructured); otherwise one
// gradient-of-gradient pass per parameter (or one batched pass, for a Batched model).
func (ev *Evaluator) Hessian(u []float64) (*mat.SymDense, error) { return ev.hessian(progHessian, u) }

// ReferenceHessian returns the exact Hessian by one gradient-of-gradient pass per parameter,
// whatever the model declares: slower for models with indices, it is the reference their
// structured Hessian is checked against.
func (ev *Evaluator) ReferenceHessian(u []float64) (*mat.SymDense, error) {
	return ev.hessian(progHessianGeneric, u)
}

func (ev *Evaluator) hessian(kind program, u []float64) (*mat.SymDense, error) {
	outs, err := ev.run(kind, u)
	if err != nil {
		return nil, err
	}
	return symmetric(outs[0], len(u)), nil
}

// ScoreObs returns the per-observation scores: row i is the gradient of observation i's
// log-likelihood with respect to u. The rows sum to the gradient; OPG and sandwich covariances
// are built from them. For a model with declared indices, row i is built from ∂ℓᵢ/∂ηᵢ times
// the design row.
func (ev *Evaluator) ScoreObs(u []float64) (*mat.Dense, error) { return ev.scoreObs(progScoreObs, u) }

// ReferenceScoreObs returns the per-observation scores by reverse over reverse differentiation
// whatever the model declares: the reference the structured scores are checked against.
func (ev *Evaluator) ReferenceScoreObs(u []float64) (*mat.Dense, error) {
	return ev.scoreObs(progScoreObsGeneric, u)
}

// ScoreMeat returns the "meat" of the sandwich covariances from the per-observation scores
// sᵢ at u, computed where the scores are, so that only a p×p (or G×p) result leaves the
// backend: Σᵢ sᵢsᵢᵀ when groups is nil, and otherwise Σ_g u_g u_gᵀ with u_g = Σ_{i∈g} sᵢ, the
// scores summed within each group (by a scatter-add). groups gives each observation's group as
// a code in 0 … n−1 (n observations); G is the largest code plus one. It returns an error if
// groups has the wrong length or a code outside that range.
func (ev *Evaluator) ScoreMeat(u []float64, groups []int) (*mat.SymDense, error) {
	p := len(u)
	if groups == nil {
		outs, err := ev.run(progScoreOuter, u)
		if err != nil {
			return nil, err
		}
		return symmetric(outs[0], p), nil
	}
	if len(groups) != ev.data.n {
		return nil, fmt.Errorf("mlx: model %q: %d group codes for %d observations", ev.model.Name, len(groups), ev.data.n)
	}
	numGroups := 0
	for i, g := range groups {
		if g < 0 || g >= len(groups) {
			return nil, fmt.Errorf("mlx: model %q: group code %d of observation %d is outside 0…%d", ev.model.Name, g, i, len(groups)-1)
		}
		numGroups = max(numGroups, g+1)
	}
	sums := mat.NewDense(numGroups, p, nil)
	starts := make([]int, len(ev.data.rows)) // each chunk's first row
	for c := 1; c < len(starts); c++ {
		starts[c] = starts[c-1] + ev.data.rows[c-1]
	}
	err := ev.runChunksExtra(programID{kind: progScoreSums}, u, func(c int, s span) []any {
		codes := make([]int32, s.padded) // padding rows (weight zero, zero scores) go to group 0
		for i := s.lo; i < s.hi; i++ {
			codes[i-s.lo] = int32(groups[starts[c]+i])
		}
		return []any{tensors.FromFlatDataAndDimensions(codes, s.padded), tensors.FromShape(shapes.Make(dtypes.Float64, numGroups, p))}
	}, func(_ int, outs [][]float64) {
		sums.Add(sums, mat.NewDense(numGroups, p, outs[0]))
	})
	if err != nil {
		return nil, err
	}
	meat := mat.NewSymDense(p, nil)
	meat.SymOuterK(1, sums.T())
	return meat, nil
}

// symmetric returns the p×p matrix of flat values, its two triangles averaged: autodiff and
// matrix products give matrices symmetric up to rounding.
func symmetric(flat []float64, p int) *mat.SymDense {
	h := mat.NewSymDense(p, nil)
	for i := range p {
		for j := i; j < p; j++ {
			h.SetSym(i, j, 0.5*(flat[i*p+j]+flat[j*p+i]))
		}
	}
	return h
}

func (ev *Evaluator) scoreObs(kind program, u []float64) (*mat.Dense, error) {
	scores := mat.NewDense(ev.data.n, len(u), nil)
	row := 0
	err := ev.runChunks(kind, u, func(c int, outs [][]float64) {
		// The programs return the transposed scores, p×rows: one row per parameter.
		rows := ev.data.rows[c]
		scores.Slice(row, row+rows, 0, len(u)).(*mat.Dense).Copy(mat.NewDense(len(u), rows, outs[0]).T())
		row += rows
	})
	if err != nil {
		return nil, err
	}
	return scores, nil
}
