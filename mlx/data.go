package mlx

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
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

// Dataset holds validated data inputs as tensors, ready to be fed to compiled programs.
// Its tensors stay cached on the backend between calls, so a Dataset should be built once and
// reused for every evaluation on the same data.
type Dataset struct {
	names   []string // sorted, so the graph's input order does not depend on construction order
	tensors map[string]*tensors.Tensor
	n       int
}

// NewDataset validates the columns and returns a Dataset. It returns an error naming the
// column at fault when a name is empty or repeated, when the dimensions do not match the
// number of values, when columns disagree on the number of observations, or when a value is
// NaN or infinite.
func NewDataset(columns ...Column) (*Dataset, error) {
	if len(columns) == 0 {
		return nil, fmt.Errorf("mlx: dataset has no columns")
	}
	ds := &Dataset{tensors: map[string]*tensors.Tensor{}, n: -1}
	var first string
	for _, c := range columns {
		if c.Name == "" {
			return nil, fmt.Errorf("mlx: dataset column with no name")
		}
		if _, dup := ds.tensors[c.Name]; dup {
			return nil, fmt.Errorf("mlx: dataset column %q given twice", c.Name)
		}
		dims := c.Dims
		if dims == nil {
			dims = []int{len(c.Values)}
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
		ds.tensors[c.Name] = tensors.FromFlatDataAndDimensions(slices.Clone(c.Values), dims...)
		ds.names = append(ds.names, c.Name)
	}
	slices.Sort(ds.names)
	return ds, nil
}

// NumObs returns the number of observations, the first dimension shared by all columns.
func (ds *Dataset) NumObs() int { return ds.n }

// Names returns the column names, sorted.
func (ds *Dataset) Names() []string { return slices.Clone(ds.names) }

// shapes returns the column shapes in name order: the key of a compiled program.
func (ds *Dataset) shapes() []shapes.Shape {
	s := make([]shapes.Shape, len(ds.names))
	for i, name := range ds.names {
		s[i] = ds.tensors[name].Shape()
	}
	return s
}

// inputs returns the column tensors in name order.
func (ds *Dataset) inputs() []any {
	in := make([]any, len(ds.names))
	for i, name := range ds.names {
		in[i] = ds.tensors[name]
	}
	return in
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
