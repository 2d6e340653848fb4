package mlx

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gomle/gomle/internal/guard"
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"gonum.org/v1/gonum/mat"
)

// Function is a per-observation function of named parameter blocks and data,
//
//	fᵢ(θ) = f(θ; xᵢ),  i = 1, …, n,
//
// written as a GoMLX graph: the mean of a nonlinear regression, a residual, a linear index.
// A Jacobian evaluates it and its exact derivatives with respect to θ.
type Function struct {
	// Name is used in error messages.
	Name string
	// Blocks lists the parameter blocks in the order of the flat parameter vector θ. Their
	// Transforms must be Identity: the Jacobian is with respect to the values Func sees.
	Blocks []Block
	// Func builds fᵢ from the blocks (through Params.Get and Params.Scalar) and the named data
	// inputs: a node of shape [n], or a scalar, which stands for the same value in every
	// observation. It runs while a graph is being built and may panic; Jacobian.At reports the
	// panic as an error.
	Func func(p Params, d Data) *graph.Node
}

// Jacobian evaluates a Function and its Jacobian
//
//	Jᵢⱼ = ∂fᵢ/∂θⱼ   (n × p)
//
// exactly, by automatic differentiation: the gradient of Σᵢ wᵢfᵢ with respect to θ is Jᵀw, and
// differentiating its j-th entry with respect to the weights w gives column j of J (reverse
// over reverse, as Evaluator.ScoreObs), p passes in one compiled graph. The Gauss–Newton
// covariance s²(JᵀJ)⁻¹ of a nonlinear regression takes J of its mean.
//
// A Jacobian owns its compiled programs, one per set of data column names (and, inside it, one
// compiled graph per input shape), so evaluating it again on data of the same shapes compiles
// nothing; Finalize releases them. It is safe for concurrent use.
type Jacobian struct {
	backend  backends.Backend
	fn       Function
	model    *Model // the blocks, for Params
	mu       sync.Mutex
	execs    map[string]*graph.Exec // by the dataset's column names, joined
	compiles atomic.Int64           // graphs built
}

// NewJacobian checks the function and returns its Jacobian on the backend. It returns an error
// if the backend or Func is nil, or if the blocks are not valid (no blocks, an empty or repeated
// name, a size below 1, labels of the wrong length) or not all Identity.
func NewJacobian(b backends.Backend, f Function) (*Jacobian, error) {
	if b == nil {
		return nil, fmt.Errorf("mlx: nil backend")
	}
	if f.Func == nil {
		return nil, fmt.Errorf("mlx: function %q has no Func", f.Name)
	}
	m := &Model{Name: f.Name, Blocks: f.Blocks, LogLikeObs: f.Func}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	for _, blk := range f.Blocks {
		if blk.Transform != Identity {
			return nil, fmt.Errorf("mlx: function %q: block %q has transform %v; a Jacobian is with respect to the values the function sees, so give Identity blocks",
				f.Name, blk.Name, blk.Transform)
		}
	}
	return &Jacobian{backend: b, fn: f, model: m, execs: map[string]*graph.Exec{}}, nil
}

// Finalize releases the compiled programs. The Jacobian must not be used afterwards.
func (j *Jacobian) Finalize() {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, e := range j.execs {
		e.Finalize()
	}
	clear(j.execs)
}

// Compilations returns how many graphs the Jacobian has compiled, across column names and
// shapes.
func (j *Jacobian) Compilations() int { return int(j.compiles.Load()) }

// At returns the function's values fᵢ(θ) for every observation of data and its Jacobian J
// (n × p), at the flat parameter vector theta (block order). A chunked dataset (Chunks) is
// evaluated a chunk at a time and the rows come back in order. It returns an error if theta
// has the wrong length, if Func fails or returns a node of another shape, or if the backend
// fails.
func (j *Jacobian) At(data *Dataset, theta []float64) (values []float64, jac *mat.Dense, err error) {
	m := j.model
	p := m.NumParams()
	switch {
	case data == nil:
		return nil, nil, fmt.Errorf("mlx: function %q: nil dataset", m.Name)
	case len(theta) != p:
		return nil, nil, fmt.Errorf("mlx: function %q: parameter vector has %d values, want %d (blocks: %s)", m.Name, len(theta), p, m.blockNames())
	}
	values = make([]float64, data.n)
	jac = mat.NewDense(data.n, p, nil)
	err = guard.Run(func() error {
		e, err := j.exec(data.names)
		if err != nil {
			return err
		}
		params := blockTensors(m, theta)
		defer finalize(params)
		row := 0
		for c, rows := range data.rows {
			args, done, err := data.use(c, j.backend)
			if err != nil {
				return err
			}
			for _, t := range params {
				args = append(args, t)
			}
			outs, err := execFlat(e, args, done)
			if err != nil {
				return err
			}
			copy(values[row:row+rows], outs[0])
			// The program returns Jᵀ, p×rows: one row per parameter.
			jac.Slice(row, row+rows, 0, p).(*mat.Dense).Copy(mat.NewDense(p, rows, outs[1]).T())
			row += rows
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("mlx: function %q: %w", m.Name, explainMemory(err, data))
	}
	return values, jac, nil
}

// exec returns the compiled program for data with the given column names, creating it on
// first use.
func (j *Jacobian) exec(columns []string) (*graph.Exec, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	key := strings.Join(columns, "\x00")
	if e, ok := j.execs[key]; ok {
		return e, nil
	}
	e, err := graph.NewExecAny(j.backend, func(inputs []*graph.Node) []*graph.Node {
		j.compiles.Add(1) // graphs are built inside Exec, on first use of each shape
		return j.build(columns, inputs)
	})
	if err != nil {
		return nil, err
	}
	j.execs[key] = e
	return e, nil
}

// build builds the program: inputs are the data columns in name order, then the parameter
// blocks; outputs are f [n] and Jᵀ [p, n], both in float64.
func (j *Jacobian) build(columns []string, inputs []*graph.Node) []*graph.Node {
	m := j.model
	nc := len(columns)
	data := Data{names: columns, nodes: make(map[string]*graph.Node, nc)}
	for i, name := range columns {
		data.nodes[name] = inputs[i]
	}
	raw := inputs[nc:]
	first := inputs[0]
	n := first.Shape().Dimensions[0]
	natural := make([]*graph.Node, len(raw))
	for i, r := range raw {
		natural[i] = r
		if r.DType() != first.DType() { // a float32 dataset (Dataset.Float32)
			natural[i] = graph.ConvertDType(r, first.DType())
		}
	}
	f := j.fn.Func(newParams(m, natural, false, data), data)
	if f == nil || !(f.Rank() == 0 || slices.Equal(f.Shape().Dimensions, []int{n})) {
		got := "nil"
		if f != nil {
			got = f.Shape().String()
		}
		panic(fmt.Errorf("mlx: function %q returned shape %s, want one value per observation, [%d], or a scalar", m.Name, got, n))
	}
	if f.Rank() == 0 {
		f = graph.BroadcastToDims(f, n)
	}
	if f.DType() != dtypes.Float64 {
		f = graph.ConvertDType(f, dtypes.Float64)
	}
	w := graph.OnesLike(f)
	grads := graph.Gradient(graph.ReduceAllSum(graph.Mul(w, f)), raw...)
	cols := make([]*graph.Node, 0, m.NumParams())
	for _, gj := range components(grads) {
		cols = append(cols, graph.Gradient(gj, w)[0])
	}
	return []*graph.Node{f, graph.Stack(cols, 0)}
}
