package likelihoods

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gomle/gomle/mlx"
	"gonum.org/v1/gonum/mat"
)

// Family is a ready-made model as the formula layer and the command line see it: a name, the
// data roles and options it takes, and how to build the model, its data and its start from
// data given by role. Each family is defined in the file of its model and listed once in
// Families.
type Family struct {
	// Name is the model's name on the command line and in estimate.Spec: "logit".
	Name string
	// Doc is a one-line description.
	Doc string
	// Takes lists the data roles and options the family uses beyond Y and X; any other is
	// refused (Check).
	Takes Role
	// NoIntercept marks models whose likelihood cannot identify a constant (clogit): the
	// formula layer drops the intercept column.
	NoIntercept bool
	// EForm heads the column of exponentiated coefficients of the linear index, exp(β), for
	// families in which exp(β) is a ratio users read ("Odds ratio", "IRR", "RRR", "Haz.
	// ratio", Stata's eform labels); empty for the others (ols, probit, tobit, oprobit), which
	// then refuse an eform table.
	EForm string
	// Build checks the data and returns the problem to fit. X may be the intercept alone: the
	// null model of the likelihood-ratio test of all slopes is built so.
	Build func(d *Data, o Options) (*Problem, error)
}

// Role is a set of data roles and options of a Family.
type Role uint

const (
	// TakesOffset: Data.Offset enters the linear index with coefficient 1.
	TakesOffset Role = 1 << iota
	// TakesGroup: Data.Group identifies choice sets.
	TakesGroup
	// TakesFailure: Data.Failure marks failures and right-censored durations.
	TakesFailure
	// TakesBase: Options.Base chooses the base outcome.
	TakesBase
	// TakesLimits: Options.Lower and Options.Upper are censoring limits.
	TakesLimits
)

// roleNames name the roles in messages, as the command line's flags do.
var roleNames = []struct {
	role Role
	name string
}{
	{TakesOffset, "an offset or exposure"},
	{TakesGroup, "a choice-set group"},
	{TakesFailure, "a failure indicator"},
	{TakesBase, "a base outcome"},
	{TakesLimits, "censoring limits"},
}

// String lists the roles in words.
func (r Role) String() string {
	var parts []string
	for _, rn := range roleNames {
		if r&rn.role != 0 {
			parts = append(parts, rn.name)
		}
	}
	if len(parts) == 0 {
		return "nothing beyond y and x"
	}
	return strings.Join(parts, ", ")
}

// Data is what a ready-made model is fitted to, by role.
type Data struct {
	// Response names the outcome in messages: "GRADE".
	Response string
	// Y is the outcome: a 0/1 response, a count, an outcome code, a duration, or for choice
	// data 1 on the chosen alternative's row and 0 on the others.
	Y []float64
	// X is the design matrix, one row per entry of Y, and Names labels its columns.
	X     *mat.Dense
	Names []string
	// Offset enters the linear index with coefficient 1 (TakesOffset); nil for none.
	Offset []float64
	// Group identifies the choice set of each row (TakesGroup).
	Group []float64
	// Failure is 1 for a failure and 0 for a right-censored duration (TakesFailure); nil
	// means that every duration ends in a failure.
	Failure []float64
	// Weights are the observation weights, nil for none. The fit takes them from its own
	// column; Build uses them only in checks that sum over rows (a row of weight 0 is left
	// out of them).
	Weights []float64
	// Rows gives the data row number (1-based, as the user counts) of each entry, for
	// messages; nil numbers them 1, 2, ….
	Rows []int
}

// Options are the per-model settings a Family may take.
type Options struct {
	// Base is the base outcome of mlogit, a value of the response; nil means the smallest.
	Base *float64
	// Lower and Upper are tobit's censoring limits; nil means none.
	Lower, Upper *float64
}

// given returns the roles that d and o set.
func given(d *Data, o Options) Role {
	var r Role
	if d.Offset != nil {
		r |= TakesOffset
	}
	if d.Group != nil {
		r |= TakesGroup
	}
	if d.Failure != nil {
		r |= TakesFailure
	}
	if o.Base != nil {
		r |= TakesBase
	}
	if o.Lower != nil || o.Upper != nil {
		r |= TakesLimits
	}
	return r
}

// Check returns an error naming any role or option set in d or o that the family does not
// take, and any data role of the wrong length.
func (f *Family) Check(d *Data, o Options) error {
	if extra := given(d, o) &^ f.Takes; extra != 0 {
		return fmt.Errorf("likelihoods: %s takes %s, not %s", f.Name, f.Takes, extra)
	}
	if d.X == nil || d.Y == nil {
		return fmt.Errorf("likelihoods: %s: no data", f.Name)
	}
	n, k := d.X.Dims()
	if len(d.Y) != n || len(d.Names) != k {
		return fmt.Errorf("likelihoods: %s: %d responses and %d column names for a %d×%d design", f.Name, len(d.Y), len(d.Names), n, k)
	}
	for _, c := range []struct {
		name string
		v    []float64
	}{{"offset", d.Offset}, {"group", d.Group}, {"failure", d.Failure}} {
		if c.v != nil && len(c.v) != n {
			return fmt.Errorf("likelihoods: %s: the %s has %d values for %d rows", f.Name, c.name, len(c.v), n)
		}
	}
	return nil
}

// Problem is a model ready to fit: the model, its data columns and its start.
type Problem struct {
	Model   *mlx.Model
	Columns []mlx.Column
	// Start is the start on the natural scale, near the constant-only fit where the family
	// has a rule for it (as Stata starts).
	Start []float64
	// Null, if not nil, gives the log-likelihood under the null hypothesis of the
	// likelihood-ratio test of all slopes and the number of parameters under it, for models
	// whose null is not the intercept-only fit of the same family: clogit's β = 0 (equal
	// choice probabilities), the ordered models' cutpoints alone (a closed form).
	Null func(res *mlx.Result) (ll float64, params int, err error)
	// Design names the data column that carries Data.X, the one marginal effects
	// differentiate; DesignColumn lays a matrix shaped like Data.X (a counterfactual X, or
	// the derivative of X with respect to a variable) out as that column.
	Design       string
	DesignColumn func(x *mat.Dense) mlx.Column
	// CheckFit, if not nil, inspects a converged fit: a note for the report, or an error when
	// the estimate does not exist (complete separation).
	CheckFit func(res *mlx.Result) (note string, err error)
	// Notes are remarks for the report.
	Notes []string
}

// Families returns the ready-made models, sorted by name.
func Families() []*Family {
	out := slices.Clone(families)
	slices.SortFunc(out, func(a, b *Family) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Lookup returns the family of the given name, or an error listing the known ones.
func Lookup(name string) (*Family, error) {
	for _, f := range families {
		if f.Name == name {
			return f, nil
		}
	}
	var names []string
	for _, f := range Families() {
		names = append(names, f.Name)
	}
	return nil, fmt.Errorf("likelihoods: unknown model %q (models: %s)", name, strings.Join(names, ", "))
}

// matrixProblem returns the problem of a model on "y" (a vector or, for onehot, a matrix)
// and the design "x", with the design laid out as a plain matrix.
func matrixProblem(m *mlx.Model, y mlx.Column, d *Data, start []float64, extra ...mlx.Column) *Problem {
	m.Blocks[0].Labels = slices.Clone(d.Names)
	cols := append([]mlx.Column{y, mlx.Matrix("x", d.X)}, extra...)
	return &Problem{Model: m, Columns: cols, Start: start, Design: "x",
		DesignColumn: func(x *mat.Dense) mlx.Column { return mlx.Matrix("x", x) }}
}

// checkValues returns an error naming the first row of vals that fails ok.
func checkValues(d *Data, model, column string, vals []float64, ok func(float64) bool, want string) error {
	for i, v := range vals {
		if !ok(v) {
			return fmt.Errorf("likelihoods: %s needs %s to be %s; data row %d has %g", model, column, want, d.row(i), v)
		}
	}
	return nil
}

// row returns the user's row number of entry i.
func (d *Data) row(i int) int {
	if d.Rows == nil {
		return i + 1
	}
	return d.Rows[i]
}

// interceptIndex returns the column of x that is all ones, or −1.
func interceptIndex(x *mat.Dense) int {
	n, k := x.Dims()
	for j := range k {
		ones := true
		for i := 0; i < n && ones; i++ {
			ones = x.At(i, j) == 1
		}
		if ones {
			return j
		}
	}
	return -1
}

// olsStart returns least-squares β and the root mean squared residual, the start of the
// normal models (for tobit, a start on the right scale). If x is rank deficient it returns
// β = 0 and the standard deviation of y; the fit then reports the singular information.
func olsStart(x *mat.Dense, y []float64) []float64 {
	n, k := x.Dims()
	var beta mat.VecDense
	yv := mat.NewVecDense(n, slices.Clone(y))
	if err := beta.SolveVec(x, yv); err != nil {
		beta = *mat.NewVecDense(k, nil)
	}
	var fit mat.VecDense
	fit.MulVec(x, &beta)
	ssr := 0.0
	for i := range n {
		r := y[i] - fit.AtVec(i)
		ssr += r * r
	}
	sigma := math.Sqrt(ssr / float64(n))
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		sigma = 1
	}
	return append(slices.Clone(beta.RawVector().Data), sigma)
}
