package estimate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomle/gomle/expr"
	"github.com/gomle/gomle/expr/exprgraph"
	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/stderr"
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// NLSFormula is a nonlinear regression formula, "response ~ mean", parsed once: its two sides
// and the split of the mean's names into parameters and data columns. Fit fits it (NLS parses
// the text and calls Fit); GaussNewton and Residuals evaluate it at any parameter values; the
// NLS Report keeps it, and package nist holds one per problem.
type NLSFormula struct {
	// Response is the left side, an expression of data columns: "y", or "log(y)".
	Response *expr.Expr
	// Mean is the right side, f(x, b): an expression (see package expr) whose names are data
	// columns, where the data have a column of that name, and parameters otherwise.
	Mean *expr.Expr
	// Params names the parameters in the order of every parameter vector: by name, with numeric
	// suffixes in numeric order (b2 before b10).
	Params []string
	// Vars names the data columns the formula uses, on either side, sorted.
	Vars []string

	text string // as given to ParseNLS
}

// ParseNLS parses the formula "response ~ mean" against the columns of f: the mean's names
// that are columns of f are data, the others parameters. It returns an error naming the
// problem if there is no "~", if either side does not parse, if the response uses a name that
// is not a column, or if the mean has no parameters.
func ParseNLS(formula string, f *frame.Frame) (*NLSFormula, error) {
	if f == nil {
		return nil, fmt.Errorf("estimate: no data")
	}
	lhsText, rhsText, ok := strings.Cut(formula, "~")
	if !ok {
		return nil, fmt.Errorf("estimate: nls formula %q has no \"~\"; write \"y ~ mean expression\"", formula)
	}
	lhs, err := expr.Parse(lhsText)
	if err != nil {
		return nil, fmt.Errorf("estimate: the left side of %q: %w", formula, err)
	}
	rhs, err := expr.Parse(rhsText)
	if err != nil {
		return nil, fmt.Errorf("estimate: the right side of %q: %w", formula, err)
	}
	nf := &NLSFormula{Response: lhs, Mean: rhs, text: formula}
	for _, name := range rhs.Vars() {
		if slices.Contains(f.Names(), name) { // a text column too, which data rejects
			nf.Vars = append(nf.Vars, name)
		} else {
			nf.Params = append(nf.Params, name)
		}
	}
	for _, name := range lhs.Vars() {
		if _, err := f.Column(name); err != nil {
			return nil, fmt.Errorf("estimate: nls: %w", err)
		}
		if !slices.Contains(nf.Vars, name) {
			nf.Vars = append(nf.Vars, name)
		}
	}
	if len(nf.Params) == 0 {
		return nil, fmt.Errorf("estimate: the mean %s has no parameters: every name in it is a data column", rhs)
	}
	sortNatural(nf.Params)
	slices.Sort(nf.Vars)
	return nf, nil
}

// String returns the formula in canonical form, "response ~ mean".
func (nf *NLSFormula) String() string { return nf.Response.String() + " ~ " + nf.Mean.String() }

// isVar reports whether name is one of the formula's data columns.
func (nf *NLSFormula) isVar(name string) bool {
	_, found := slices.BinarySearch(nf.Vars, name)
	return found
}

// data returns the formula's columns on the given rows of f (all rows when rows is nil) and
// the response evaluated on them.
func (nf *NLSFormula) data(f *frame.Frame, rows []int) (y []float64, cols map[string][]float64, err error) {
	if rows == nil {
		rows = make([]int, f.Len())
		for i := range rows {
			rows[i] = i
		}
	}
	cols = make(map[string][]float64, len(nf.Vars))
	for _, name := range nf.Vars {
		all, err := f.Column(name)
		if err != nil {
			return nil, nil, fmt.Errorf("estimate: nls: %w", err)
		}
		v := make([]float64, len(rows))
		for i, r := range rows {
			v[i] = all[r]
		}
		cols[name] = v
	}
	if y, err = nf.Response.Eval(cols, len(rows)); err != nil {
		return nil, nil, fmt.Errorf("estimate: %w", err)
	}
	return y, cols, nil
}

// meanAt evaluates the mean on the host, in float64, at the parameters b (in the order of
// Params), for the n rows of cols.
func (nf *NLSFormula) meanAt(cols map[string][]float64, n int, b []float64) ([]float64, error) {
	vars := make(map[string][]float64, len(cols)+len(b))
	for k, v := range cols {
		vars[k] = v
	}
	for j, name := range nf.Params {
		vars[name] = []float64{b[j]}
	}
	mean, err := nf.Mean.Eval(vars, n)
	if err != nil {
		return nil, fmt.Errorf("estimate: %w", err)
	}
	return mean, nil
}

// checkParams returns an error unless b has one value per parameter.
func (nf *NLSFormula) checkParams(b []float64) error {
	if len(b) != len(nf.Params) {
		return fmt.Errorf("estimate: %s has %d parameters (%s), got %d values", nf, len(nf.Params), strings.Join(nf.Params, ", "), len(b))
	}
	return nil
}

// Residuals returns yᵢ − f(xᵢ, b), the response minus the mean, at the parameters b (in the
// order of Params), on the given rows of f (all rows when rows is nil), computed on the host in
// float64. It returns an error if b has the wrong length, if f lacks a column, or if an
// expression cannot be evaluated.
func (nf *NLSFormula) Residuals(f *frame.Frame, b []float64, rows []int) ([]float64, error) {
	if err := nf.checkParams(b); err != nil {
		return nil, err
	}
	y, cols, err := nf.data(f, rows)
	if err != nil {
		return nil, err
	}
	mean, err := nf.meanAt(cols, len(y), b)
	if err != nil {
		return nil, err
	}
	for i := range y {
		y[i] -= mean[i]
	}
	return y, nil
}

// GaussNewton returns the Gauss–Newton covariance (stderr.GaussNewton) of the parameters at b
// (in the order of Params), on the given rows of f (all rows when rows is nil): J exactly, by
// mlx.Jacobian of the mean's graph on the backend, and the residual sum of squares on the host.
// Its Cov is s²(JᵀJ)⁻¹, whose standard errors NIST certifies at the certified estimates. It
// returns an error if b has the wrong length, if f lacks a column, or if the backend fails.
func (nf *NLSFormula) GaussNewton(b backends.Backend, f *frame.Frame, at []float64, rows []int) (stderr.GaussNewton, error) {
	if err := nf.checkParams(at); err != nil {
		return stderr.GaussNewton{}, err
	}
	y, cols, err := nf.data(f, rows)
	if err != nil {
		return stderr.GaussNewton{}, err
	}
	ds, err := nf.dataset(y, cols)
	if err != nil {
		return stderr.GaussNewton{}, err
	}
	return nf.gaussNewton(b, ds, y, cols, at)
}

// gaussNewton returns the Gauss–Newton covariance at b on the data of the dataset ds (built by
// dataset from y and cols).
func (nf *NLSFormula) gaussNewton(b backends.Backend, ds *mlx.Dataset, y []float64, cols map[string][]float64, at []float64) (stderr.GaussNewton, error) {
	mean, err := nf.meanAt(cols, len(y), at)
	if err != nil {
		return stderr.GaussNewton{}, err
	}
	rss := 0.0
	for i := range y {
		rss += (y[i] - mean[i]) * (y[i] - mean[i])
	}
	blocks := make([]mlx.Block, len(nf.Params))
	for j, name := range nf.Params {
		blocks[j] = mlx.Block{Name: name, Size: 1}
	}
	jac, err := mlx.NewJacobian(b, mlx.Function{Name: "mean " + nf.Mean.String(), Blocks: blocks, Func: nf.meanGraph})
	if err != nil {
		return stderr.GaussNewton{}, fmt.Errorf("estimate: %w", err)
	}
	defer jac.Finalize()
	_, j, err := jac.At(ds, at)
	if err != nil {
		return stderr.GaussNewton{}, fmt.Errorf("estimate: Jacobian of %s: %w", nf.Mean, err)
	}
	return stderr.GaussNewton{J: j, RSS: rss}, nil
}

// dataPrefix keeps the mlx names of data columns apart from the response "y".
const dataPrefix = "data:"

// dataset returns the mlx dataset of the regression: the response as "y" and each data column
// of the mean under dataPrefix.
func (nf *NLSFormula) dataset(y []float64, cols map[string][]float64) (*mlx.Dataset, error) {
	columns := []mlx.Column{mlx.Vector("y", y)}
	for _, name := range nf.Mean.Vars() {
		if nf.isVar(name) {
			columns = append(columns, mlx.Vector(dataPrefix+name, cols[name]))
		}
	}
	ds, err := mlx.NewDataset(columns...)
	if err != nil {
		return nil, fmt.Errorf("estimate: %w", err)
	}
	return ds, nil
}

// meanGraph builds the mean as a graph over the dataset's columns and the parameter blocks, one
// scalar block per parameter. It panics on error; call it only while building a graph.
func (nf *NLSFormula) meanGraph(p mlx.Params, d mlx.Data) *graph.Node {
	return exprgraph.Node(nf.Mean, func(name string) (*graph.Node, error) {
		if nf.isVar(name) {
			return d.Get(dataPrefix + name), nil
		}
		return p.Scalar(name), nil
	})
}
