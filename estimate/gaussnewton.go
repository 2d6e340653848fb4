package estimate

import (
	"fmt"
	"math"
	"strings"

	"github.com/gomle/gomle/expr"
	"github.com/gomle/gomle/expr/exprgraph"
	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/stderr"
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"gonum.org/v1/gonum/mat"
)

// GaussNewton is the Gauss–Newton covariance of the mean parameters of a nonlinear regression,
//
//	V = s² (JᵀJ)⁻¹,  s² = RSS/(n − p),  Jᵢⱼ = ∂f(xᵢ, b)/∂bⱼ at b̂,
//
// the covariance NIST certifies and R's nls reports. It leaves out the curvature term
// Σ rᵢ∇²f(xᵢ, b) that the observed information (stderr.Hessian) includes.
type GaussNewton struct {
	// Labels names the parameters, Params holds the values V is computed at.
	Labels []string
	Params []float64
	// Cov is V and SE = √diag(V).
	Cov *mat.SymDense
	SE  []float64
	// J is the n×p Jacobian of the mean at Params, on the rows used.
	J *mat.Dense
	// RSS is the residual sum of squares at Params, computed on the host; DF = n − p and
	// S2 = RSS/DF.
	RSS float64
	DF  int
	S2  float64
}

// GaussNewtonAt returns the Gauss–Newton covariance of the parameters of the nonlinear
// regression formula ("y ~ mean", as for NLS) at the values est (in the order of params), on
// the given rows of f (all rows when rows is nil). J is exact: the mean is built as a GoMLX graph
// and differentiated by automatic differentiation (the per-observation gradient,
// mlx.Evaluator.ScoreObs, of a model whose "log-likelihood" is the mean itself). The inverse comes
// from a QR factorization of J with unit-norm columns, so JᵀJ, whose condition number is the
// square of J's, is never formed. NLS with Cov "gn" uses it at the estimates.
//
// It returns an error if the formula does not parse or uses a column f lacks, if there are no
// degrees of freedom left, if the backend fails, or, wrapping mat.Condition, if J is rank
// deficient.
func GaussNewtonAt(b backends.Backend, f *frame.Frame, formula string, params []string, est []float64, rows []int) (*GaussNewton, error) {
	return gaussNewton(b, f, formula, params, est, rows)
}

// gaussNewton computes the covariance of the formula's parameters at est on the given rows of
// f (all rows when rows is nil).
func gaussNewton(b backends.Backend, f *frame.Frame, formula string, params []string, est []float64, rows []int) (*GaussNewton, error) {
	lhsText, rhsText, ok := strings.Cut(formula, "~")
	if !ok {
		return nil, fmt.Errorf("estimate: formula %q has no \"~\"", formula)
	}
	lhs, err := expr.Parse(lhsText)
	if err != nil {
		return nil, fmt.Errorf("estimate: %w", err)
	}
	rhs, err := expr.Parse(rhsText)
	if err != nil {
		return nil, fmt.Errorf("estimate: %w", err)
	}
	if rows == nil {
		rows = make([]int, f.Len())
		for i := range rows {
			rows[i] = i
		}
	}
	p, n := len(params), len(rows)
	if n <= p {
		return nil, fmt.Errorf("estimate: %d observations leave no degrees of freedom for %d parameters", n, p)
	}
	isParam := make(map[string]bool, p)
	for _, name := range params {
		isParam[name] = true
	}
	cols := make(map[string][]float64)
	for _, name := range append(lhs.Vars(), rhs.Vars()...) {
		if isParam[name] {
			continue
		}
		all, err := f.Column(name)
		if err != nil {
			return nil, fmt.Errorf("estimate: %w", err)
		}
		v := make([]float64, n)
		for i, r := range rows {
			v[i] = all[r]
		}
		cols[name] = v
	}

	// The residual sum of squares, on the host.
	vars := make(map[string][]float64, len(cols)+p)
	for name, v := range cols {
		vars[name] = v
	}
	for j, name := range params {
		vars[name] = []float64{est[j]}
	}
	y, err := lhs.Eval(vars, n)
	if err != nil {
		return nil, fmt.Errorf("estimate: %w", err)
	}
	mean, err := rhs.Eval(vars, n)
	if err != nil {
		return nil, fmt.Errorf("estimate: %w", err)
	}
	rss := 0.0
	for i := range y {
		rss += (y[i] - mean[i]) * (y[i] - mean[i])
	}

	rhsCols := make(map[string][]float64)
	for _, name := range rhs.Vars() {
		if v, ok := cols[name]; ok {
			rhsCols[name] = v
		}
	}
	jac, err := jacobian(b, rhs, params, rhsCols, n, est)
	if err != nil {
		return nil, err
	}
	cov, err := stderr.GaussNewton{J: jac, RSS: rss}.Cov()
	if err != nil {
		return nil, fmt.Errorf("estimate: Gauss–Newton covariance of %s: %w", strings.Join(params, ", "), err)
	}
	df := n - p
	s2 := rss / float64(df)
	se := make([]float64, p)
	for j := range se {
		se[j] = math.Sqrt(cov.At(j, j))
	}
	return &GaussNewton{Labels: append([]string(nil), params...), Params: append([]float64(nil), est...),
		Cov: cov, SE: se, J: jac, RSS: rss, DF: df, S2: s2}, nil
}

// rowsColumn names the placeholder column that gives a mean with no data columns its length.
const rowsColumn = "estimate:rows"

// jacobian returns J (n×p), Jᵢⱼ = ∂mean(xᵢ, b)/∂bⱼ at b = at, by automatic differentiation
// (mlx.Jacobian).
func jacobian(b backends.Backend, mean *expr.Expr, params []string, cols map[string][]float64, n int, at []float64) (*mat.Dense, error) {
	blocks := make([]mlx.Block, len(params))
	for j, name := range params {
		blocks[j] = mlx.Block{Name: name, Size: 1}
	}
	var columns []mlx.Column
	for name, v := range cols {
		columns = append(columns, mlx.Vector(name, v))
	}
	if len(columns) == 0 {
		columns = append(columns, mlx.Vector(rowsColumn, make([]float64, n)))
	}
	ds, err := mlx.NewDataset(columns...)
	if err != nil {
		return nil, fmt.Errorf("estimate: %w", err)
	}
	jac, err := mlx.NewJacobian(b, mlx.Function{Name: "mean " + mean.String(), Blocks: blocks,
		Func: func(p mlx.Params, d mlx.Data) *graph.Node {
			return exprgraph.Node(mean, func(name string) (*graph.Node, error) {
				if _, ok := cols[name]; ok {
					return d.Get(name), nil
				}
				return p.Scalar(name), nil
			})
		}})
	if err != nil {
		return nil, fmt.Errorf("estimate: %w", err)
	}
	defer jac.Finalize()
	_, j, err := jac.At(ds, at)
	if err != nil {
		return nil, fmt.Errorf("estimate: Jacobian of %s: %w", mean, err)
	}
	return j, nil
}

// gaussNewtonCov returns the Gauss–Newton covariance of an NLS fit's mean parameters at its
// estimates.
func gaussNewtonCov(b backends.Backend, f *frame.Frame, formula string, params []string, res *mlx.Result, rows []int) (stderr.GaussNewton, error) {
	gn, err := gaussNewton(b, f, formula, params, res.Estimates[:len(params)], rows)
	if err != nil {
		return stderr.GaussNewton{}, err
	}
	return stderr.GaussNewton{J: gn.J, RSS: gn.RSS}, nil
}
