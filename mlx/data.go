package mlx

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Column is one named data input: a vector with one value per observation, or a matrix with
// one row per observation. The first dimension is always the observation.
type Column struct {
	// Name is how LogLikeObs reaches the input, through Data.Get.
	Name string
	// Values holds the data in row-major order.
	Values []float64
	// Dims are the dimensions; nil means a vector, [len(Values)].
	Dims []int
	// weights is set by Weights alone: the column holds observation weights of this kind.
	weights WeightKind
	// owned is set by NewColumn alone: the tensor whose memory Values is.
	owned *ownedValues
}

// ownedValues is the tensor behind a NewColumn column, and whether a Dataset has taken it.
type ownedValues struct {
	tensor *tensors.Tensor
	taken  atomic.Bool
}

// WeightsColumn is the name under which a Dataset holds its observation weights (see Weights).
// The parentheses keep it apart from any data column a formula can name.
const WeightsColumn = "(weights)"

// WeightKind says what observation weights mean, as Stata's weight types do. Weights multiply
// each observation's log-likelihood, ℓ = Σᵢ wᵢ ℓᵢ, and so its gradient, Hessian and scores,
// whatever the kind; the kind decides how many observations the data stand for and what the
// sandwich's meat is.
type WeightKind int

const (
	// Unweighted data: every row is one observation.
	Unweighted WeightKind = iota
	// Frequency weights (Stata's fweight) count replicated observations: a row of weight wᵢ
	// stands for wᵢ identical rows, and a fit gives exactly what the expanded data give,
	// estimates, covariances, N = Σ wᵢ and BIC included. They are non-negative integers.
	Frequency
	// Sampling weights (Stata's pweight) are inverse probabilities of selection: the fit
	// maximizes the pseudo-log-likelihood Σ wᵢ ℓᵢ, the number of observations is the number
	// of rows, and the robust meat is Σ (wᵢsᵢ)(wᵢsᵢ)ᵀ. Only their ratios matter: they enter
	// every program normalized to mean 1 (so Result.LogLike, Hessian and scores are those of
	// the normalized weights), and rescaling them changes neither the estimates nor the robust
	// covariance nor when a fit stops.
	Sampling
)

// String returns "frequency", "sampling" or "none".
func (k WeightKind) String() string {
	switch k {
	case Frequency:
		return "frequency"
	case Sampling:
		return "sampling"
	}
	return "none"
}

// Weights returns the column of observation weights of the given kind, one per observation,
// to pass to NewDataset beside the data columns. Every program of a weighted Dataset sums
// wᵢ ℓᵢ (and its derivatives); the model's LogLikeObs does not see the weights.
func Weights(kind WeightKind, w []float64) Column {
	return Column{Name: WeightsColumn, Values: w, weights: kind}
}

// Vector returns a column with one value per observation.
func Vector(name string, values []float64) Column {
	return Column{Name: name, Values: values}
}

// Matrix returns a column with one row of m per observation. The values are copied.
func Matrix(name string, m mat.Matrix) Column {
	r, c := m.Dims()
	values := make([]float64, 0, r*c)
	for i := range r {
		for j := range c {
			values = append(values, m.At(i, j))
		}
	}
	return Column{Name: name, Values: values, Dims: []int{r, c}}
}

// NewColumn returns a column named name with the given dimensions (the first is the number of
// observations) whose Values, all zero, are to be filled in place and then passed to
// NewDataset, which takes them over without copying them. Built this way, the data exist once
// in memory: never also in a Go slice that is copied into the Dataset. Build each chunk of data
// larger than memory with it (see Chunks).
//
// With a backend b whose device shares host memory (XLA CPU, the pure-Go backend), the values
// are allocated in b's memory of device 0, and every evaluation on b reads them where they are,
// streamed chunks included: no chunk is copied to the backend, and no copy stays behind. Such a
// column, and a Dataset built from it, can then be evaluated on b alone (another backend gets an
// error). With a nil b, or a backend without shared memory (a GPU), the values are Go memory.
//
// Values stays valid while the column or the Dataset built from it is in use; it must not be
// changed once NewDataset has taken it, and a column can be taken by one NewDataset call only.
// NewColumn returns an error if there are no dimensions or one is not positive, or if b fails
// to allocate the memory.
func NewColumn(b backends.Backend, name string, dims ...int) (Column, error) {
	if len(dims) == 0 || slices.Min(dims) < 1 {
		return Column{}, fmt.Errorf("mlx: NewColumn %q: dimensions %v, want at least one, all positive", name, dims)
	}
	t := tensors.FromShape(shapes.Make(dtypes.Float64, dims...))
	if b != nil && b.HasSharedBuffers() {
		// The zeros are copied into memory the backend allocates, and the Go slice is dropped.
		if err := t.MaterializeOnDevice(b, true, 0); err != nil {
			return Column{}, fmt.Errorf("mlx: NewColumn %q: %w", name, err)
		}
	}
	var values []float64
	if err := t.MutableFlatData(func(flat any) { values = flat.([]float64) }); err != nil {
		return Column{}, fmt.Errorf("mlx: NewColumn %q: %w", name, err)
	}
	return Column{Name: name, Values: values, Dims: slices.Clone(dims), owned: &ownedValues{tensor: t}}, nil
}

// tensor returns the column's values as a tensor of dimensions dims: the NewColumn tensor
// itself, or else a new one holding a copy of Values. It returns an error if a NewColumn
// column's Values or Dims were replaced, or another Dataset took it.
func (c Column) tensor(dims []int) (*tensors.Tensor, error) {
	if c.owned == nil {
		return tensors.FromFlatDataAndDimensions(c.Values, dims...), nil
	}
	t := c.owned.tensor
	same := false
	if err := t.ConstFlatData(func(flat any) {
		f := flat.([]float64)
		same = len(f) == len(c.Values) && unsafe.SliceData(f) == unsafe.SliceData(c.Values)
	}); err != nil {
		return nil, fmt.Errorf("mlx: dataset column %q: %w", c.Name, err)
	}
	if !same || !slices.Equal(dims, t.Shape().Dimensions) {
		return nil, fmt.Errorf("mlx: dataset column %q from NewColumn has new Values or Dims: fill its Values in place", c.Name)
	}
	if c.owned.taken.Load() {
		return nil, fmt.Errorf("mlx: dataset column %q from NewColumn is already another Dataset's", c.Name)
	}
	return t, nil
}

// Dataset holds validated data inputs as tensors, ready to be fed to compiled programs.
//
// A Dataset is one or more chunks of rows (see Chunks). A one-chunk Dataset stays cached on the
// backend between calls, so build it once and reuse it for every evaluation on the same data.
// The chunks of a larger Dataset are streamed: each is sent to the backend, evaluated and
// dropped from the backend again, and the log-likelihood, gradient and Hessian are exact sums
// over the chunks. Memory then holds the data once, on the host, plus one chunk on the backend.
// On a backend whose device shares host memory (XLA CPU, the pure-Go backend), each chunk instead
// moves into the backend's memory on its first evaluation and stays there, and its Go slice is
// left to the collector: until that runs, the first pass can hold the data twice. Chunks built
// with NewColumn on the backend are there from the start, so the data are held once throughout.
//
// A Dataset may be evaluated from several goroutines at once (by one Evaluator or several).
// Evaluations of a streamed Dataset take turns chunk by chunk, so that each chunk is on the
// backend for one evaluation at a time.
type Dataset struct {
	names  []string // sorted, so the graph's input order does not depend on construction order
	chunks []*chunk // row blocks, in order
	rows   []int    // rows of each chunk
	n      int
	// weights is the kind of the WeightsColumn column, Unweighted when there is none,
	// sumWeights the sum of the weights and positive the number of rows of positive weight
	// (both n when unweighted).
	weights    WeightKind
	sumWeights float64
	positive   int
}

// chunk is one block of rows: a tensor per column, and a mutex that orders the moves of those
// tensors to and from the backend between evaluations running in several goroutines (GoMLX
// moves a tensor to the device on its first use, and that move is not safe against a
// concurrent use of the same tensor). Datasets built from others (Chunks) share their chunks,
// and so their mutexes.
type chunk struct {
	mu      sync.Mutex
	tensors map[string]*tensors.Tensor
	placed  bool // a single-chunk Dataset's tensors are on the backend; guarded by mu
}

// NewDataset validates the columns and returns a Dataset. It returns an error naming the
// column at fault when a name is empty or repeated, when the dimensions do not match the
// number of values, when columns disagree on the number of observations, or when a value is
// NaN or infinite; and for weights (Weights), when one is negative, a frequency weight is not
// an integer, or they are all zero.
func NewDataset(columns ...Column) (*Dataset, error) {
	if len(columns) == 0 {
		return nil, fmt.Errorf("mlx: dataset has no columns")
	}
	ts := map[string]*tensors.Tensor{}
	ds := &Dataset{n: -1}
	var first string
	for _, c := range columns {
		if c.Name == "" {
			return nil, fmt.Errorf("mlx: dataset column with no name")
		}
		if _, dup := ts[c.Name]; dup {
			return nil, fmt.Errorf("mlx: dataset column %q given twice", c.Name)
		}
		dims := c.Dims
		if dims == nil {
			dims = []int{len(c.Values)}
		}
		if dims[0] == 0 {
			return nil, fmt.Errorf("mlx: dataset column %q has no observations", c.Name)
		}
		size := 1
		for _, d := range dims {
			if d < 1 {
				return nil, fmt.Errorf("mlx: dataset column %q has dimensions %v, want all positive", c.Name, dims)
			}
			size *= d
		}
		if size != len(c.Values) {
			return nil, fmt.Errorf("mlx: dataset column %q has %d values for dimensions %v", c.Name, len(c.Values), dims)
		}
		if ds.n < 0 {
			ds.n, first = dims[0], c.Name
		} else if dims[0] != ds.n {
			return nil, fmt.Errorf("mlx: dataset column %q has %d observations but column %q has %d",
				c.Name, dims[0], first, ds.n)
		}
		for i, v := range c.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("mlx: dataset column %q has %v at observation %d", c.Name, v, i/(size/dims[0]))
			}
		}
		if c.Name == WeightsColumn || c.weights != Unweighted {
			sum, err := checkWeights(c, dims)
			if err != nil {
				return nil, err
			}
			ds.weights, ds.sumWeights = c.weights, sum
			for _, w := range c.Values {
				if w > 0 {
					ds.positive++
				}
			}
		}
		t, err := c.tensor(dims) // Values copied, or a NewColumn's tensor taken over
		if err != nil {
			return nil, err
		}
		ts[c.Name] = t
		ds.names = append(ds.names, c.Name)
	}
	for _, c := range columns {
		if c.owned != nil && !c.owned.taken.CompareAndSwap(false, true) {
			return nil, fmt.Errorf("mlx: dataset column %q from NewColumn is already another Dataset's", c.Name)
		}
	}
	if ds.weights == Unweighted {
		ds.sumWeights, ds.positive = float64(ds.n), ds.n
	}
	slices.Sort(ds.names)
	ds.chunks, ds.rows = []*chunk{{tensors: ts}}, []int{ds.n}
	return ds, nil
}

// checkWeights validates a weights column and returns the sum of its weights.
func checkWeights(c Column, dims []int) (float64, error) {
	switch {
	case c.weights == Unweighted || c.Name != WeightsColumn:
		return 0, fmt.Errorf("mlx: dataset column %q is reserved for observation weights: build it with mlx.Weights", WeightsColumn)
	case c.weights != Frequency && c.weights != Sampling:
		return 0, fmt.Errorf("mlx: unknown weight kind %d", int(c.weights))
	case len(dims) != 1:
		return 0, fmt.Errorf("mlx: weights have dimensions %v, want one per observation", dims)
	}
	sum := 0.0
	for i, w := range c.Values {
		switch {
		case w < 0:
			return 0, fmt.Errorf("mlx: weight %g of observation %d is negative", w, i)
		case c.weights == Frequency && w != math.Trunc(w):
			return 0, fmt.Errorf("mlx: frequency weight %g of observation %d is not an integer", w, i)
		}
		sum += w
	}
	if sum == 0 {
		return 0, fmt.Errorf("mlx: every weight is zero")
	}
	return sum, nil
}

// Chunks joins datasets with the same columns into one whose rows are theirs, in order, kept as
// separate chunks: evaluations stream the chunks through the backend one at a time and sum
// their log-likelihoods, gradients and Hessians exactly. Use it for data larger than the
// backend's memory (or than a GPU's), built a chunk at a time so the rows are never all in one
// Go slice. Chunks of equal shapes share one compiled program; a smaller last chunk compiles
// one more. It returns an error naming the first part whose columns or trailing dimensions
// differ from the first part's.
func Chunks(parts ...*Dataset) (*Dataset, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("mlx: Chunks of no datasets")
	}
	first := parts[0]
	ds := &Dataset{names: first.names, weights: first.weights}
	for i, p := range parts {
		if p.weights != first.weights {
			return nil, fmt.Errorf("mlx: Chunks: part %d has %s weights, part 0 %s weights", i, p.weights, first.weights)
		}
		if !slices.Equal(p.names, first.names) {
			return nil, fmt.Errorf("mlx: Chunks: part %d has columns %v, part 0 has %v", i, p.names, first.names)
		}
		for _, name := range p.names {
			got, want := p.chunks[0].tensors[name].Shape().Dimensions[1:], first.chunks[0].tensors[name].Shape().Dimensions[1:]
			if !slices.Equal(got, want) {
				return nil, fmt.Errorf("mlx: Chunks: column %q of part %d has rows of shape %v, part 0 %v", name, i, got, want)
			}
		}
		if p.DType() != first.DType() {
			return nil, fmt.Errorf("mlx: Chunks: part %d is stored in %s, part 0 in %s", i, p.DType(), first.DType())
		}
		ds.chunks = append(ds.chunks, p.chunks...)
		ds.rows = append(ds.rows, p.rows...)
		ds.n += p.n
		ds.sumWeights += p.sumWeights
		ds.positive += p.positive
	}
	return ds, nil
}

// Float32 returns a copy of the dataset stored in float32, half the memory and, on GPUs, much
// of the time of float64. The model then computes each observation's log-likelihood, and its
// derivatives, in float32 (about 7 significant digits), with parameters converted from float64
// on the way in; the sums over observations of the log-likelihood are taken in float64, but the
// sums inside its gradient and Hessian (Xᵀr, XᵀDX) are the backend's float32 reductions, so fits
// on it carry a warning in Result.Warnings. It returns an error naming the column if a value
// overflows float32.
func (ds *Dataset) Float32() (*Dataset, error) {
	out := &Dataset{names: ds.names, rows: ds.rows, n: ds.n, weights: ds.weights, sumWeights: ds.sumWeights, positive: ds.positive}
	for _, ch := range ds.chunks {
		if ch.tensors[ds.names[0]].DType() == dtypes.Float32 {
			out.chunks = append(out.chunks, ch) // already float32: share the chunk
			continue
		}
		ts := make(map[string]*tensors.Tensor, len(ch.tensors))
		for name, t := range ch.tensors {
			vals, err := tensors.CopyFlatData[float64](t)
			if err != nil {
				return nil, fmt.Errorf("mlx: Float32: column %q: %w", name, err)
			}
			f32 := make([]float32, len(vals))
			for i, v := range vals {
				f32[i] = float32(v)
				if math.IsInf(float64(f32[i]), 0) {
					return nil, fmt.Errorf("mlx: Float32: column %q has %g, beyond float32's range", name, v)
				}
			}
			ts[name] = tensors.FromFlatDataAndDimensions(f32, t.Shape().Dimensions...)
		}
		out.chunks = append(out.chunks, &chunk{tensors: ts})
	}
	return out, nil
}

// DType returns the dtype the data are stored in: Float64, or Float32 after Float32.
func (ds *Dataset) DType() dtypes.DType { return ds.chunks[0].tensors[ds.names[0]].DType() }

// NumChunks returns the number of row chunks.
func (ds *Dataset) NumChunks() int { return len(ds.chunks) }

// NumObs returns the number of observations, the first dimension shared by all columns: the
// number of rows, weighted or not.
func (ds *Dataset) NumObs() int { return ds.n }

// Weights returns the kind of the dataset's observation weights (Unweighted for none) and their
// sum (the number of rows for none).
func (ds *Dataset) Weights() (kind WeightKind, sum float64) { return ds.weights, ds.sumWeights }

// WeightValues returns a copy of the observation weights in row order, nil for unweighted data.
func (ds *Dataset) WeightValues() ([]float64, error) {
	if ds.weights == Unweighted {
		return nil, nil
	}
	out := make([]float64, 0, ds.n)
	for _, ch := range ds.chunks {
		w, err := asFloat64(ch.tensors[WeightsColumn])
		if err != nil {
			return nil, fmt.Errorf("mlx: weights: %w", err)
		}
		out = append(out, w...)
	}
	return out, nil
}

// weightScale returns the factor applied to the weights in every program: the inverse of the
// mean weight for sampling weights, 1 otherwise.
func (ds *Dataset) weightScale() float64 {
	if ds.weights == Sampling {
		return float64(ds.n) / ds.sumWeights
	}
	return 1
}

// Names returns the column names, sorted, WeightsColumn included when the data are weighted.
func (ds *Dataset) Names() []string { return slices.Clone(ds.names) }

// shape returns the shape of column name in chunk c.
func (ds *Dataset) shape(c int, name string) shapes.Shape { return ds.chunks[c].tensors[name].Shape() }

// use returns the column tensors of chunk c in name order, ready to be inputs of a program on
// backend b, and done, to call once the program has run. A one-chunk Dataset stays on the
// backend: its tensors are moved there once, under the chunk's lock, and from then on only
// read, by any number of evaluations at once. A chunk of a streamed Dataset is locked from
// its move to the backend until done has dropped it from the backend again, so concurrent
// evaluations of the same streamed Dataset take turns chunk by chunk.
func (ds *Dataset) use(c int, b backends.Backend) (inputs []any, done func(), err error) {
	ch := ds.chunks[c]
	inputs = make([]any, len(ds.names))
	for i, name := range ds.names {
		inputs[i] = ch.tensors[name]
	}
	ch.mu.Lock()
	if len(ds.chunks) > 1 {
		done = func() {
			for _, t := range ch.tensors {
				// Frees the device copy made below; a no-op for values in the backend's memory.
				_ = t.InvalidateOnDevice()
			}
			ch.mu.Unlock()
		}
		for _, name := range ds.names {
			// Shared, as graph.Exec would share it. On a backend whose device shares host memory
			// (XLA CPU), values the backend allocated (NewColumn) are read where they are, and a
			// chunk of Go memory moves into the backend's memory on its first run, for good: one
			// copy, and the Go slice is left to the collector. Unshared, every run would copy the
			// chunk again (8 times slower on XLA CPU). On other backends (GPUs) done frees the
			// chunk's device copy.
			if err := ch.tensors[name].MaterializeOnDevice(b, true, 0); err != nil {
				done()
				return nil, nil, fmt.Errorf("column %q: %w", name, err)
			}
		}
		return inputs, done, nil
	}
	defer ch.mu.Unlock()
	if !ch.placed {
		for _, name := range ds.names {
			// Shared as graph.Exec would share it: on CPU backends the tensor's memory becomes
			// the backend buffer's.
			if err := ch.tensors[name].MaterializeOnDevice(b, true, 0); err != nil {
				return nil, nil, fmt.Errorf("column %q: %w", name, err)
			}
		}
		ch.placed = true
	}
	return inputs, func() {}, nil
}

// Data gives LogLikeObs the named data inputs as graph nodes.
type Data struct {
	names []string
	nodes map[string]*graph.Node
}

// Get returns the named data input. It panics, listing the known inputs, if there is no such
// input; call it only while building a graph.
func (d Data) Get(name string) *graph.Node {
	x, ok := d.nodes[name]
	if !ok {
		panic(fmt.Errorf("mlx: dataset has no column %q (columns: %s)", name, strings.Join(d.names, ", ")))
	}
	return x
}

// With returns a copy of ds whose named columns are replaced by the given ones, of the same
// dimensions. Marginal effects use it for counterfactual data: every row with a factor set to
// one level. The other columns are copied (so that ds and the copy can be evaluated
// independently, from different goroutines too). It returns an error naming a column that ds
// lacks or whose dimensions differ.
func (ds *Dataset) With(columns ...Column) (*Dataset, error) {
	repl := map[string][]float64{}
	for _, col := range columns {
		old, ok := ds.chunks[0].tensors[col.Name]
		if !ok {
			return nil, fmt.Errorf("mlx: dataset has no column %q to replace (columns: %s)", col.Name, strings.Join(ds.names, ", "))
		}
		dims := col.Dims
		if dims == nil {
			dims = []int{len(col.Values)}
		}
		want := slices.Concat([]int{ds.n}, old.Shape().Dimensions[1:])
		if !slices.Equal(dims, want) || len(col.Values) != ds.n*old.Shape().Size()/ds.rows[0] {
			return nil, fmt.Errorf("mlx: replacement column %q has dimensions %v, want %v", col.Name, dims, want)
		}
		repl[col.Name] = col.Values
	}
	out := &Dataset{names: ds.names, rows: ds.rows, n: ds.n, weights: ds.weights, sumWeights: ds.sumWeights, positive: ds.positive}
	start := 0
	for c, rows := range ds.rows {
		ts := make(map[string]*tensors.Tensor, len(ds.names))
		for _, name := range ds.names {
			shape := ds.shape(c, name)
			var vals []float64
			if v, ok := repl[name]; ok {
				per := len(v) / ds.n // values per observation
				vals = v[start*per : (start+rows)*per]
			} else {
				var err error
				if vals, err = asFloat64(ds.chunks[c].tensors[name]); err != nil {
					return nil, fmt.Errorf("mlx: With: column %q: %w", name, err)
				}
			}
			ts[name] = newTensor(vals, shape.DType, shape.Dimensions)
		}
		out.chunks = append(out.chunks, &chunk{tensors: ts})
		start += rows
	}
	return out, nil
}

// newTensor returns a tensor of the given dtype (Float64 or Float32) and dimensions holding a
// copy of vals.
func newTensor(vals []float64, dtype dtypes.DType, dims []int) *tensors.Tensor {
	if dtype == dtypes.Float32 {
		f32 := make([]float32, len(vals))
		for i, v := range vals {
			f32[i] = float32(v)
		}
		return tensors.FromFlatDataAndDimensions(f32, dims...)
	}
	return tensors.FromFlatDataAndDimensions(slices.Clone(vals), dims...)
}

// Means returns a one-observation dataset holding the mean of every column over the
// observations (for a matrix column, the mean of each entry), in float64: the "average
// observation" at which marginal effects at the means are evaluated. The means of a weighted
// dataset are weighted means, and the result itself is unweighted.
func (ds *Dataset) Means() (*Dataset, error) {
	var weights [][]float64 // per chunk, nil when unweighted
	if ds.weights != Unweighted {
		for _, ch := range ds.chunks {
			w, err := asFloat64(ch.tensors[WeightsColumn])
			if err != nil {
				return nil, fmt.Errorf("mlx: Means: weights: %w", err)
			}
			weights = append(weights, w)
		}
	}
	cols := make([]Column, 0, len(ds.names))
	for _, name := range ds.names {
		if name == WeightsColumn {
			continue
		}
		dims := slices.Clone(ds.shape(0, name).Dimensions)
		dims[0] = 1
		var sum []float64
		for c, ch := range ds.chunks {
			vals, err := asFloat64(ch.tensors[name])
			if err != nil {
				return nil, fmt.Errorf("mlx: Means: column %q: %w", name, err)
			}
			if sum == nil {
				sum = make([]float64, len(vals)/ds.rows[c])
			}
			for i, v := range vals {
				if weights != nil {
					v *= weights[c][i/len(sum)]
				}
				sum[i%len(sum)] += v
			}
		}
		floats.Scale(1/ds.sumWeights, sum)
		cols = append(cols, Column{Name: name, Values: sum, Dims: dims})
	}
	return NewDataset(cols...)
}

// asFloat64 returns a tensor's values as float64, converting float32.
func asFloat64(t *tensors.Tensor) ([]float64, error) {
	if t.DType() == dtypes.Float32 {
		f32, err := tensors.CopyFlatData[float32](t)
		if err != nil {
			return nil, err
		}
		out := make([]float64, len(f32))
		for i, v := range f32 {
			out[i] = float64(v)
		}
		return out, nil
	}
	return tensors.CopyFlatData[float64](t)
}
