package frame

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// maxDesignCells bounds the number of entries of a design matrix (rows × columns), about
// 4 GiB of float64: beyond that, a C() of a column with many distinct values was almost
// certainly a mistake, and allocating it would exhaust memory.
const maxDesignCells = 1 << 29

// Design is a formula evaluated on a Frame: the response, the design matrix and what was
// dropped.
type Design struct {
	// Y is the response, one value per kept row.
	Y []float64
	// X is the design matrix, one row per kept row and one column per entry of Names.
	X *mat.Dense
	// Names labels the columns of X: "Intercept" first when the formula has one, then the
	// columns of the terms in formula order, as in statsmodels.
	Names []string
	// Rows holds the frame row (0-based) of each kept row.
	Rows []int
	// Dropped counts the frame rows dropped for a missing value.
	Dropped int
	// Extra holds the extra columns asked of Design, restricted to the kept rows.
	Extra map[string][]float64
	// Vars gives, for each column of X, the frame columns it is computed from, sorted (none for
	// the intercept). A frame column that feeds several columns (x and I(x^2), or x:z) has no
	// single column whose derivative is its effect.
	Vars [][]string
	// Factor gives, for each column of X, the C() term whose dummy it is ("C(g)"), or "" for
	// every other column, interactions with a factor included.
	Factor []string
	// Offset is the sum of the formula's offset(...) terms, one value per kept row, which
	// enters a model's linear index with coefficient 1; nil when the formula has none.
	Offset []float64

	// What Derivative and At need to evaluate the formula again on the kept rows.
	formula *Formula
	vars    map[string][]float64 // the formula's variables on the kept rows
	levels  map[string][]float64 // each C() factor's levels (by label), as found on the kept rows
	full    [][]bool             // for each term and each of its factors, whether a C() factor is coded in full
}

// Design evaluates the formula on the frame, after dropping every row that has a missing
// (NaN) value in a column the formula uses or in one of the extra columns (offsets, exposures
// or cluster identifiers, say), which are returned in Design.Extra.
//
// The levels of a C() factor are the distinct values of its column in the kept rows, in
// increasing order; the reference level is the smallest, or the one given with Treatment,
// which must be one of them. In an interaction a:b, the columns of a vary fastest.
//
// A C() factor of a term is coded as R codes it: by treatment contrasts, one dummy column per
// level other than the reference ("C(g)[T.2]"), when the term without that factor (its
// margin) is also a term of the formula, and by one dummy per level ("C(g)[1]", "C(g)[2]",
// ...) when it is not, so that the columns of the term span what the margin leaves out. The
// margin of a main effect is the intercept: in a formula without one, the first C() main
// effect is coded in full, so that the model still contains the constant, and later ones by
// contrasts. So y ~ C(g):x has one slope per level of g, "C(g)[1]:x", "C(g)[2]:x", ..., and
// y ~ x + C(g):x has x and a difference of slopes per non-reference level, "C(g)[T.2]:x", ....
// (R's own test looks for an earlier term that contains the margin; both agree whenever the
// margins come first, as R orders them.)
//
// The offset terms are evaluated like numeric terms and summed into Design.Offset; their
// columns take part in the listwise deletion.
//
// A text column (see Frame.IsText) is a factor whose levels are its texts in byte order,
// labelled by name: "C(race)[T.white]", or "race[T.white]" when the formula names the column
// bare, y ~ race, which is a factor as in R (unless half or more of its levels are numbers,
// which suggests a typo, and is an error: write C(x) for a factor). C(race,
// Treatment("white")) picks the reference by name. A text column in the response or in a function or I() term is an error that quotes a
// text cell and its line. An extra column may be text; Extra then holds its codes.
//
// Design returns an error if the formula or the extra names refer to a column the frame lacks,
// if no row is complete, if the design has no columns, if a Treatment reference is not a level
// of its column, or if the response or a term is not finite (±Inf or NaN from a function such
// as log, or from an infinite cell) in a kept row; that error names the term and the first
// such frame row.
func (fr *Frame) Design(f *Formula, extra ...string) (*Design, error) {
	used := f.Vars()
	for _, name := range slices.Concat(used, extra) {
		if _, ok := fr.index[name]; !ok {
			return nil, fr.unknown(name)
		}
	}
	if fr.n == 0 {
		return nil, fmt.Errorf("frame: the frame has no rows")
	}
	f, err := fr.resolve(f)
	if err != nil {
		return nil, err
	}
	check := slices.Concat(used, extra)
	slices.Sort(check)
	check = slices.Compact(check)
	var rows []int
	for i := range fr.n {
		complete := true
		for _, name := range check {
			if math.IsNaN(fr.col(name)[i]) {
				complete = false
				break
			}
		}
		if complete {
			rows = append(rows, i)
		}
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("frame: no complete rows: each of the %d rows has a missing value in %s",
			fr.n, strings.Join(check, ", "))
	}
	n := len(rows)
	subset := func(name string) []float64 {
		c := fr.col(name)
		out := make([]float64, n)
		for k, i := range rows {
			out[k] = c[i]
		}
		return out
	}
	vars := make(map[string][]float64, len(used))
	for _, name := range used {
		vars[name] = subset(name)
	}
	d := &Design{Rows: rows, Dropped: fr.n - n, formula: f, vars: vars, levels: map[string][]float64{}}

	y, err := numeric(f.response, vars, rows, n)
	if err != nil {
		return nil, fmt.Errorf("frame: the response %s", err)
	}
	d.Y = y

	for _, fa := range f.offsets {
		v, err := numeric(fa, vars, rows, n)
		if err != nil {
			return nil, fmt.Errorf("frame: the offset %s", err)
		}
		if d.Offset == nil {
			d.Offset = make([]float64, n)
		}
		for i, x := range v {
			d.Offset[i] += x
		}
	}

	if f.intercept {
		d.Names = append(d.Names, "Intercept")
		d.Vars = append(d.Vars, nil)
		d.Factor = append(d.Factor, "")
	}
	d.full = f.fullCoding()
	cols, _, err := d.columns(vars, "", true)
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("frame: the formula %s has no terms and no intercept", f)
	}
	d.X = columnsMatrix(cols)
	if len(extra) > 0 {
		d.Extra = make(map[string][]float64, len(extra))
		for _, name := range extra {
			d.Extra[name] = subset(name)
		}
	}
	return d, nil
}

// columns evaluates the design's columns on vars (the kept rows, or changed copies of them)
// and, when wrt is not empty, their derivatives with respect to the variable wrt. With record
// set (the first evaluation) it also records the labels, variables and factor of each column
// and the levels of each C() factor; later evaluations reuse those levels, so that a
// counterfactual column holding one value still codes the same dummies.
func (d *Design) columns(vars map[string][]float64, wrt string, record bool) (cols, derivs [][]float64, err error) {
	f, n := d.formula, len(d.Rows)
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	if f.intercept {
		cols = append(cols, ones)
		if wrt != "" {
			derivs = append(derivs, make([]float64, n))
		}
	}
	for k, t := range f.terms {
		names, tcols, tderivs, err := t.columns(vars, d.Rows, n, d.full[k], d.levels, wrt)
		if err != nil {
			return nil, nil, err
		}
		cols, derivs = append(cols, tcols...), append(derivs, tderivs...)
		if record {
			d.Names = append(d.Names, names...)
			factor := ""
			if len(t.factors) == 1 && t.factors[0].e == nil {
				factor = t.factors[0].label
			}
			for range names {
				d.Vars = append(d.Vars, t.vars())
				d.Factor = append(d.Factor, factor)
			}
		}
		if len(cols) > maxDesignCells/n {
			return nil, nil, fmt.Errorf("frame: the term %w", tooBig(t.label(), n, len(cols)))
		}
	}
	return cols, derivs, nil
}

// numeric evaluates a numeric factor over the kept rows, checking that it is finite. Its
// error reads after "the response" or "the term".
func numeric(fa factor, vars map[string][]float64, rows []int, n int) ([]float64, error) {
	v, err := fa.e.Eval(vars, n)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fa.label, err)
	}
	if err := finite(fa.label, fa.vars(), v, vars, rows); err != nil {
		return nil, err
	}
	return v, nil
}

// finite returns an error naming the first row where v is not finite, with the values of the
// variables there.
func finite(label string, names []string, v []float64, vars map[string][]float64, rows []int) error {
	for k, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			continue
		}
		var at []string
		for _, name := range names {
			at = append(at, fmt.Sprintf("%s = %g", name, vars[name][k]))
		}
		return fmt.Errorf("%s is %g at data row %d (%s)", label, x, rows[k]+1, strings.Join(at, ", "))
	}
	return nil
}

// fullCoding returns, for each term and each of its factors, whether the factor is a C()
// factor coded in full, one dummy per level, rather than by treatment contrasts: when the term
// without it (its margin) is not a term of the formula, the margin of a main effect being the
// intercept, or an earlier C() main effect coded in full (see Frame.Design).
func (f *Formula) fullCoding() [][]bool {
	keys := map[string]bool{}
	for _, t := range f.terms {
		keys[t.key()] = true
	}
	constant := f.intercept
	full := make([][]bool, len(f.terms))
	for k, t := range f.terms {
		full[k] = make([]bool, len(t.factors))
		for j, fa := range t.factors {
			switch {
			case fa.e != nil:
			case len(t.factors) == 1:
				full[k][j] = !constant
				constant = true
			default:
				margin := term{factors: slices.Delete(slices.Clone(t.factors), j, j+1)}
				full[k][j] = !keys[margin.key()]
			}
		}
	}
	return full
}

// columns evaluates a term over the kept rows: its column labels, values and, if wrt is not
// empty, derivatives with respect to the variable wrt (by the product rule over the term's
// factors). full says which of its categorical factors are coded in full (fullCoding) and
// levels holds the levels of categorical factors, filled in on first sight (see
// factor.columns).
func (t term) columns(vars map[string][]float64, rows []int, n int, full []bool, levels map[string][]float64, wrt string) ([]string, [][]float64, [][]float64, error) {
	// Start from the empty product, one column of ones with an empty label, and multiply in
	// each factor's columns, the earlier factors varying fastest.
	labels := []string{""}
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	cols := [][]float64{ones}
	var derivs [][]float64 // nil unless wrt names a variable
	if wrt != "" {
		derivs = [][]float64{make([]float64, n)}
	}
	for j, fa := range t.factors {
		flabels, fcols, fderivs, err := fa.columns(vars, rows, n, full[j], levels, wrt)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("frame: the term %w", err)
		}
		if len(fcols) > 0 && len(cols) > maxDesignCells/n/len(fcols) {
			return nil, nil, nil, fmt.Errorf("frame: the term %w", tooBig(t.label(), n, len(cols)*len(fcols)))
		}
		var nextLabels []string
		var nextCols, nextDerivs [][]float64
		for b, fc := range fcols {
			for a, c := range cols {
				prod := make([]float64, n)
				for i := range prod {
					prod[i] = c[i] * fc[i]
				}
				if derivs != nil { // the product rule
					dprod := make([]float64, n)
					for i := range dprod {
						dprod[i] = derivs[a][i]*fc[i] + c[i]*fderivs[b][i]
					}
					nextDerivs = append(nextDerivs, dprod)
				}
				label := flabels[b]
				if labels[a] != "" {
					label = labels[a] + ":" + label
				}
				nextLabels = append(nextLabels, label)
				nextCols = append(nextCols, prod)
			}
		}
		labels, cols, derivs = nextLabels, nextCols, nextDerivs
	}
	if len(t.factors) > 1 {
		for j, c := range cols {
			if err := finite(labels[j], t.vars(), c, vars, rows); err != nil {
				return nil, nil, nil, fmt.Errorf("frame: the term %w", err)
			}
		}
	}
	return labels, cols, derivs, nil
}

// vars returns the columns the term uses, sorted and without repeats.
func (t term) vars() []string {
	var vars []string
	for _, fa := range t.factors {
		vars = append(vars, fa.vars()...)
	}
	slices.Sort(vars)
	return slices.Compact(vars)
}

// columns evaluates a factor over the kept rows: one column for a numeric factor, one dummy
// per non-reference level for a categorical one, labelled "C(g)[T.2]", or, if full is true,
// one dummy per level, labelled "C(g)[2]"; with their derivatives with respect to wrt (zero
// for dummies). A categorical factor's levels come from levels[label] when present (a
// counterfactual evaluation), else from the data, and are recorded there.
func (fa factor) columns(vars map[string][]float64, rows []int, n int, full bool, levels map[string][]float64, wrt string) ([]string, [][]float64, [][]float64, error) {
	if fa.e != nil {
		v, err := numeric(fa, vars, rows, n)
		if err != nil {
			return nil, nil, nil, err
		}
		if wrt == "" {
			return []string{fa.label}, [][]float64{v}, nil, nil
		}
		dv := make([]float64, n)
		if slices.Contains(fa.vars(), wrt) {
			if _, dv, err = fa.e.Derivative(vars, n, wrt); err != nil {
				return nil, nil, nil, fmt.Errorf("%s: %w", fa.label, err)
			}
		}
		return []string{fa.label}, [][]float64{v}, [][]float64{dv}, nil
	}
	x := vars[fa.col]
	if err := finite(fa.label, []string{fa.col}, x, vars, rows); err != nil {
		return nil, nil, nil, err
	}
	lv, ok := levels[fa.label]
	if !ok {
		lv = slices.Clone(x)
		slices.Sort(lv)
		lv = slices.Compact(lv)
		levels[fa.label] = lv
	}
	ref := lv[0]
	if fa.hasRef {
		if !slices.Contains(lv, fa.ref) {
			return nil, nil, nil, fmt.Errorf("%s: the reference level %s is not a value of %s in the rows used (levels: %s)",
				fa.label, fa.level(fa.ref), fa.col, listLevels(lv, fa.level))
		}
		ref = fa.ref
	}
	if len(lv)-1 > maxDesignCells/n {
		return nil, nil, nil, tooBig(fa.label, n, len(lv)-1)
	}
	prefix := "[T."
	if full {
		prefix = "["
	}
	var labels []string
	var cols, derivs [][]float64
	for _, l := range lv {
		if l == ref && !full {
			continue
		}
		c := make([]float64, n)
		for i, v := range x {
			if v == l {
				c[i] = 1
			}
		}
		labels = append(labels, fa.label+prefix+fa.level(l)+"]")
		cols = append(cols, c)
		if wrt != "" {
			derivs = append(derivs, make([]float64, n))
		}
	}
	return labels, cols, derivs, nil
}

// listLevels lists levels for an error message, abbreviating a long list; name writes a level.
func listLevels(levels []float64, name func(float64) string) string {
	const most = 20
	var parts []string
	for i, l := range levels {
		if i == most {
			parts = append(parts, fmt.Sprintf("... and %d more", len(levels)-most))
			break
		}
		parts = append(parts, name(l))
	}
	return strings.Join(parts, ", ")
}

// tooBig returns the error for a design larger than maxDesignCells; it reads after "the term".
func tooBig(label string, rows, cols int) error {
	return fmt.Errorf("%s would make the design %d rows by at least %d columns, more than %d entries; "+
		"is C() applied to a continuous column?", label, rows, cols, maxDesignCells)
}

// Variables returns the variables the formula's terms use (not the response or the offsets), in the order
// they first appear: those entered through C() as factors, the others as continuous. A
// variable used both ways is a factor.
func (d *Design) Variables() (continuous, factors []string) {
	isFactor := map[string]bool{}
	var all []string
	for _, t := range d.formula.terms {
		for _, fa := range t.factors {
			for _, v := range fa.vars() {
				if !slices.Contains(all, v) {
					all = append(all, v)
				}
			}
			if fa.e == nil {
				isFactor[fa.col] = true
			}
		}
	}
	for _, v := range all {
		if isFactor[v] {
			factors = append(factors, v)
		} else {
			continuous = append(continuous, v)
		}
	}
	return continuous, factors
}

// Derivative returns ∂X/∂v: the derivative of every column of X with respect to the
// continuous variable v, row by row (1 in v's own column, 2v in the column of I(v^2), z in
// that of v:z, 0 in columns without v), exact. It returns an error if the terms do not use v
// or use it as a factor.
func (d *Design) Derivative(v string) (*mat.Dense, error) {
	continuous, factors := d.Variables()
	switch {
	case slices.Contains(factors, v):
		return nil, fmt.Errorf("frame: %s enters the formula as a factor; it has discrete changes, not a derivative", v)
	case !slices.Contains(continuous, v):
		return nil, fmt.Errorf("frame: the formula's terms do not use %s (variables: %s)", v, strings.Join(slices.Concat(continuous, factors), ", "))
	}
	_, derivs, err := d.columns(d.vars, v, false)
	if err != nil {
		return nil, err
	}
	return columnsMatrix(derivs), nil
}

// Levels returns the levels of the factor variable v in the rows used and its reference level
// (the first C() term of v decides it), or an error if v is not a factor of the formula. The
// levels of a text column are its codes, indices into Frame.Levels; LevelName names them.
func (d *Design) Levels(v string) (levels []float64, ref float64, err error) {
	for _, t := range d.formula.terms {
		for _, fa := range t.factors {
			if fa.e == nil && fa.col == v {
				lv := d.levels[fa.label]
				ref = lv[0]
				if fa.hasRef {
					ref = fa.ref
				}
				return slices.Clone(lv), ref, nil
			}
		}
	}
	return nil, 0, fmt.Errorf("frame: %s is not a factor (C()) of the formula", v)
}

// At returns the design matrix with the variable v set to value in every row, everything else
// as in the data: the counterfactual data of a discrete change (a factor at one level) or of
// a prediction at a chosen value. A factor keeps the dummies of its levels in the data; value
// must be one of them.
func (d *Design) At(v string, value float64) (*mat.Dense, error) {
	if _, ok := d.vars[v]; !ok {
		return nil, fmt.Errorf("frame: the formula does not use %s", v)
	}
	_, factors := d.Variables()
	if slices.Contains(factors, v) {
		levels, _, err := d.Levels(v)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(levels, value) {
			fa, _ := d.factorOf(v)
			return nil, fmt.Errorf("frame: %s is not a level of the factor %s (levels: %s)", fa.level(value), v, listLevels(levels, fa.level))
		}
	}
	vars := maps.Clone(d.vars)
	set := make([]float64, len(d.Rows))
	for i := range set {
		set[i] = value
	}
	vars[v] = set
	cols, _, err := d.columns(vars, "", false)
	if err != nil {
		return nil, err
	}
	return columnsMatrix(cols), nil
}

// columnsMatrix returns the matrix whose columns are cols.
func columnsMatrix(cols [][]float64) *mat.Dense {
	x := mat.NewDense(len(cols[0]), len(cols), nil)
	for j, c := range cols {
		x.SetCol(j, c)
	}
	return x
}
