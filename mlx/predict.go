package mlx

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/gomle/gomle/internal/guard"
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"gonum.org/v1/gonum/mat"
)

// Predictor evaluates a model's predictions (Model.Predictions) at given parameters: per
// observation, averaged over the observations, and differentiated with respect to a data
// column, each average with its exact Jacobian with respect to the parameters, which the
// delta method needs. Marginal effects are built from these.
//
// A Predictor owns the programs it compiles, one per prediction, kind and set of column names
// (and one compiled graph per input shape); they are released with the Predictor. It is safe
// for concurrent use.
type Predictor struct {
	backend backends.Backend
	model   *Model
	mu      sync.Mutex
	execs   map[predictKey]*graph.Exec
}

// predictKey names one compiled prediction program.
type predictKey struct {
	pred    int
	kind    predictKind
	column  string // the differentiated data column, for predictDerivative
	columns string // the dataset's column names, joined
}

type predictKind int

const (
	predictObs        predictKind = iota // the prediction per observation
	predictAverage                       // Σᵢ Pᵢⱼ and its Jacobian
	predictDerivative                    // Σᵢ Σ_c (∂Pᵢⱼ/∂xᵢ꜀) dᵢ꜀ and its Jacobian
	predictJacobian                      // the prediction per observation and ∂Pᵢⱼ/∂θ, p×n per outcome
)

// NewPredictor returns a Predictor of the model on the backend. It returns an error if the
// model is not valid or declares no predictions.
func NewPredictor(b backends.Backend, m *Model) (*Predictor, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if b == nil {
		return nil, fmt.Errorf("mlx: nil backend")
	}
	if len(m.Predictions) == 0 {
		return nil, fmt.Errorf("mlx: model %q declares no predictions", m.Name)
	}
	return &Predictor{backend: b, model: m, execs: map[predictKey]*graph.Exec{}}, nil
}

// Average is a prediction averaged over observations, or its average derivative, one value
// per outcome, with the Jacobian with respect to the parameters on their natural scale.
type Average struct {
	// Value holds one value per outcome (one, for a prediction with no Outcomes).
	Value []float64
	// Jacobian is len(Value) × NumParams: ∂Value/∂θ, θ the flat natural-scale parameters.
	Jacobian *mat.Dense
}

// Finalize releases the compiled programs. The Predictor must not be used afterwards.
func (pr *Predictor) Finalize() {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	for _, e := range pr.execs {
		e.Finalize()
	}
	clear(pr.execs)
}

// Predict returns prediction number pred at the natural-scale parameters theta for every
// observation of data: an n × J matrix, J = len(Outcomes) or 1.
func (pr *Predictor) Predict(data *Dataset, theta []float64, pred int) (*mat.Dense, error) {
	j, err := pr.check(data, theta, pred, "", nil)
	if err != nil {
		return nil, err
	}
	out := mat.NewDense(data.n, j, nil)
	row := 0
	err = pr.run(predictKey{pred: pred, kind: predictObs}, data, theta, nil, func(c int, outs [][]float64) {
		rows := data.rows[c]
		out.Slice(row, row+rows, 0, j).(*mat.Dense).Copy(mat.NewDense(rows, j, outs[0]))
		row += rows
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PredictJacobian returns prediction number pred at the natural-scale parameters theta for
// every observation of data, n × J, with its exact Jacobian per outcome: jac[j] is n × p,
// row i holding ∂Pᵢⱼ/∂θ. Standard errors of predictions follow by the delta method,
// √(Jᵢ V Jᵢᵀ). It costs p reverse passes per outcome (reverse over reverse).
func (pr *Predictor) PredictJacobian(data *Dataset, theta []float64, pred int) (values *mat.Dense, jac []*mat.Dense, err error) {
	j, err := pr.check(data, theta, pred, "", nil)
	if err != nil {
		return nil, nil, err
	}
	p := len(theta)
	values = mat.NewDense(data.n, j, nil)
	for range j {
		jac = append(jac, mat.NewDense(data.n, p, nil))
	}
	row := 0
	err = pr.run(predictKey{pred: pred, kind: predictJacobian}, data, theta, nil, func(c int, outs [][]float64) {
		rows := data.rows[c]
		values.Slice(row, row+rows, 0, j).(*mat.Dense).Copy(mat.NewDense(rows, j, outs[0]))
		for o := range j {
			jac[o].Slice(row, row+rows, 0, p).(*mat.Dense).Copy(mat.NewDense(p, rows, outs[1+o]).T())
		}
		row += rows
	})
	if err != nil {
		return nil, nil, err
	}
	return values, jac, nil
}

// Average returns prediction number pred averaged over the observations of data,
// (1/n) Σᵢ Pᵢⱼ for each outcome j, with its Jacobian; for weighted data the weighted average
// Σᵢ wᵢPᵢⱼ / Σᵢ wᵢ.
func (pr *Predictor) Average(data *Dataset, theta []float64, pred int) (*Average, error) {
	j, err := pr.check(data, theta, pred, "", nil)
	if err != nil {
		return nil, err
	}
	return pr.average(predictKey{pred: pred, kind: predictAverage}, data, theta, nil, j)
}

// AverageDerivative returns the average directional derivative of prediction number pred with
// respect to the data column named column,
//
//	(1/n) Σᵢ Σ_c (∂Pᵢⱼ/∂xᵢ꜀) dᵢ꜀
//
// for each outcome j, with its Jacobian. dir holds dᵢ꜀ in the column's layout, row-major with
// one row per observation: for the marginal effect of a variable v on a design matrix x, dᵢ꜀
// is ∂xᵢ꜀/∂vᵢ (1 in v's own column for a regressor entered as it is; 2vᵢ in the column of v²).
// The prediction of observation i must depend on row i of the data only, as every
// prediction of a model of independent observations does.
func (pr *Predictor) AverageDerivative(data *Dataset, theta []float64, pred int, column string, dir []float64) (*Average, error) {
	j, err := pr.check(data, theta, pred, column, dir)
	if err != nil {
		return nil, err
	}
	return pr.average(predictKey{pred: pred, kind: predictDerivative, column: column}, data, theta, dir, j)
}

// check validates the arguments and returns the number of outcomes of the prediction.
func (pr *Predictor) check(data *Dataset, theta []float64, pred int, column string, dir []float64) (int, error) {
	m := pr.model
	switch {
	case data == nil:
		return 0, fmt.Errorf("mlx: model %q: nil dataset", m.Name)
	case len(theta) != m.NumParams():
		return 0, fmt.Errorf("mlx: model %q: parameter vector has %d values, want %d", m.Name, len(theta), m.NumParams())
	case pred < 0 || pred >= len(m.Predictions):
		return 0, fmt.Errorf("mlx: model %q has %d predictions, no number %d", m.Name, len(m.Predictions), pred)
	}
	if column != "" {
		if !slices.Contains(data.names, column) {
			return 0, fmt.Errorf("mlx: dataset has no column %q (columns: %s)", column, strings.Join(data.names, ", "))
		}
		if want := data.n * data.shape(0, column).Size() / data.rows[0]; len(dir) != want {
			return 0, fmt.Errorf("mlx: direction for column %q has %d values, want %d", column, len(dir), want)
		}
	}
	return max(len(m.Predictions[pred].Outcomes), 1), nil
}

// average runs an averaging program over the chunks and divides the sums by n, or by the sum
// of the weights of a weighted dataset.
func (pr *Predictor) average(key predictKey, data *Dataset, theta, dir []float64, j int) (*Average, error) {
	p := len(theta)
	value, jac := make([]float64, j), make([]float64, j*p)
	err := pr.run(key, data, theta, dir, func(_ int, outs [][]float64) {
		for i, v := range outs[0] {
			value[i] += v
		}
		for i, v := range outs[1] {
			jac[i] += v
		}
	})
	if err != nil {
		return nil, err
	}
	n := data.sumWeights
	for i := range value {
		value[i] /= n
	}
	for i := range jac {
		jac[i] /= n
	}
	return &Average{Value: value, Jacobian: mat.NewDense(j, p, jac)}, nil
}

// exec returns the compiled program of key, creating it on first use.
func (pr *Predictor) exec(key predictKey, columns []string) (*graph.Exec, error) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	key.columns = strings.Join(columns, "\x00")
	if e, ok := pr.execs[key]; ok {
		return e, nil
	}
	e, err := graph.NewExecAny(pr.backend, func(inputs []*graph.Node) []*graph.Node {
		return pr.build(key, columns, inputs)
	})
	if err != nil {
		return nil, err
	}
	pr.execs[key] = e
	return e, nil
}

// run executes the program of key on every chunk: inputs are the data columns, the direction
// (for derivatives) and the parameter blocks.
func (pr *Predictor) run(key predictKey, data *Dataset, theta, dir []float64, each func(c int, outs [][]float64)) error {
	m := pr.model
	err := guard.Run(func() error {
		e, err := pr.exec(key, data.names)
		if err != nil {
			return err
		}
		params := blockTensors(m, theta)
		defer finalize(params)
		start := 0
		for c, rows := range data.rows {
			args, done, err := data.use(c, pr.backend)
			if err != nil {
				return err
			}
			var d *tensors.Tensor
			if key.kind == predictDerivative {
				per := len(dir) / data.n
				d = tensors.FromFlatDataAndDimensions(slices.Clone(dir[start*per:(start+rows)*per]), data.shape(c, key.column).Dimensions...)
				args = append(args, d)
			}
			for _, t := range params {
				args = append(args, t)
			}
			outs, err := execFlat(e, args, done)
			if d != nil {
				d.FinalizeAll()
			}
			if err != nil {
				return err
			}
			each(c, outs)
			start += rows
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mlx: model %q: prediction %q: %w", m.Name, m.Predictions[key.pred].Name, err)
	}
	return nil
}

// build builds one prediction program.
func (pr *Predictor) build(key predictKey, columns []string, inputs []*graph.Node) []*graph.Node {
	m := pr.model
	data := Data{names: columns, nodes: make(map[string]*graph.Node, len(columns))}
	for i, name := range columns {
		data.nodes[name] = inputs[i]
	}
	rest := inputs[len(columns):]
	var dir *graph.Node
	if key.kind == predictDerivative {
		dir, rest = rest[0], rest[1:]
	}
	dtype := inputs[0].DType()
	params := make([]*graph.Node, len(rest))
	for i, t := range rest {
		params[i] = t
		if t.DType() != dtype {
			params[i] = graph.ConvertDType(t, dtype)
		}
	}
	pred := m.Predictions[key.pred]
	out := pred.Func(newParams(m, params, false, data), data)
	n := inputs[0].Shape().Dimensions[0]
	want := []int{n}
	if pred.Outcomes != nil {
		want = append(want, len(pred.Outcomes))
	}
	if out == nil || !slices.Equal(out.Shape().Dimensions, want) {
		got := "nil"
		if out != nil {
			got = out.Shape().String()
		}
		panic(fmt.Errorf("mlx: model %q: prediction %q has shape %s, want %v", m.Name, pred.Name, got, want))
	}
	if out.Rank() == 1 {
		out = graph.ExpandAxes(out, 1)
	}
	if out.DType() != dtypes.Float64 {
		out = graph.ConvertDType(out, dtypes.Float64)
	}
	if key.kind == predictObs {
		return []*graph.Node{out}
	}
	if key.kind == predictJacobian {
		// Column o of the Jacobian of outcome j's predictions: the gradient of Σᵢ wᵢPᵢⱼ is
		// Jⱼᵀw, and differentiating its entries with respect to the weights w gives Jⱼ
		// (reverse over reverse, as Jacobian.build).
		j := out.Shape().Dimensions[1]
		outs := []*graph.Node{out}
		w := graph.OnesLike(out)
		for o := range j {
			grads := graph.Gradient(columnSum(graph.Mul(w, out), o, j), params...)
			for i := range grads {
				grads[i] = graph.ConvertDType(grads[i], dtypes.Float64)
			}
			var rows []*graph.Node
			for _, g := range components(grads) {
				rows = append(rows, graph.ReduceSum(graph.Gradient(g, w)[0], 1))
			}
			outs = append(outs, graph.Stack(rows, 0))
		}
		return outs
	}
	if w, ok := data.nodes[WeightsColumn]; ok {
		// Weighted averages (Stata's margins after a weighted fit): the weights are data, so
		// the derivatives below carry them as constants.
		out = graph.Mul(out, graph.ExpandAxes(graph.ConvertDType(w, dtypes.Float64), 1))
	}
	j := out.Shape().Dimensions[1]
	values := make([]*graph.Node, j)
	for o := range j {
		col := columnSum(out, o, j)
		if key.kind == predictDerivative {
			// ∂(Σᵢ Pᵢⱼ)/∂xᵢ꜀ = ∂Pᵢⱼ/∂xᵢ꜀, since Pᵢⱼ depends on row i only.
			g := graph.Gradient(col, data.Get(key.column))[0]
			col = graph.ReduceAllSum(graph.ConvertDType(graph.Mul(g, graph.ConvertDType(dir, g.DType())), dtypes.Float64))
		}
		values[o] = col
	}
	rows := make([]*graph.Node, j)
	for o, v := range values {
		grads := graph.Gradient(v, params...)
		for i := range grads {
			grads[i] = graph.ConvertDType(grads[i], dtypes.Float64)
		}
		rows[o] = graph.Concatenate(grads, 0)
	}
	return []*graph.Node{graph.Stack(values, 0), graph.Stack(rows, 0)}
}

// columnSum returns Σᵢ out[i, o] for an [n, j] node, picking the column with a one-hot
// contraction (Slice's gradient needs Pad, which the pure-Go backend lacks).
func columnSum(out *graph.Node, o, j int) *graph.Node {
	if j == 1 {
		return graph.ReduceAllSum(out)
	}
	oneHot := make([]float64, j)
	oneHot[o] = 1
	return graph.ReduceAllSum(graph.Mul(out, graph.ExpandAxes(graph.ConstAsDType(out.Graph(), out.DType(), oneHot), 0)))
}
