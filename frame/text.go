package frame

import (
	"fmt"
	"slices"
	"strconv"
)

// resolve returns f fitted to the frame's text columns: a text column named bare, as in
// y ~ race, becomes the factor race (dummies "race[T.white]", as patsy labels a string
// column), unless half or more of its levels are numbers; a C() factor of a text column learns
// its level names, and its reference level given by name (or by a number that is a level's
// name) becomes that level's code. It returns an error for a text column used as a number, in
// the response or in a function or I() term, and for a reference level that names no level.
func (fr *Frame) resolve(f *Formula) (*Formula, error) {
	for _, v := range f.response.vars() {
		if fr.IsText(v) {
			return nil, fr.isText(v, "the response must be numeric")
		}
	}
	g := *f
	g.terms = make([]term, len(f.terms))
	for k, t := range f.terms {
		g.terms[k].factors = make([]factor, len(t.factors))
		for i, fa := range t.factors {
			if fa.e != nil && fa.label == fa.e.String() && slices.Equal(fa.e.Vars(), []string{fa.label}) && fr.IsText(fa.label) {
				if fr.mostlyNumbers(fa.label) {
					return nil, fr.isText(fa.label, "half or more of its values are numbers: correct the cell or mark it missing, "+
						"or write C("+fa.label+") for a factor")
				}
				fa = factor{label: fa.label, col: fa.label} // a bare text column
			}
			if fa.e != nil {
				for _, v := range fa.vars() {
					if fr.IsText(v) {
						return nil, fr.isText(v, "use it as a factor, C("+v+")")
					}
				}
			} else if err := fr.resolveLevels(&fa); err != nil {
				return nil, fmt.Errorf("frame: the term %s: %w", fa.label, err)
			}
			g.terms[k].factors[i] = fa
		}
	}
	return &g, nil
}

// mostlyNumbers reports whether half or more of the levels of the text column name are
// numbers: then a typo has probably made text of a numeric column, and naming it bare in a
// formula should not quietly turn it into a factor.
func (fr *Frame) mostlyNumbers(name string) bool {
	levels := fr.textOf(fr.index[name]).levels
	numbers := 0
	for _, l := range levels {
		if _, err := strconv.ParseFloat(l, 64); err == nil {
			numbers++
		}
	}
	return 2*numbers >= len(levels)
}

// resolveLevels gives a categorical factor of a text column its level names, and turns a
// reference level given by name into a code. Its error reads after "the term".
func (fr *Frame) resolveLevels(fa *factor) error {
	tc := fr.textOf(fr.index[fa.col])
	if tc == nil {
		if fa.refName == "" {
			return nil
		}
		ref, err := strconv.ParseFloat(fa.refName, 64)
		if err != nil {
			return fmt.Errorf("%s is numeric; give the reference level as a number, as in Treatment(2)", fa.col)
		}
		fa.ref, fa.hasRef = ref, true
		return nil
	}
	fa.levels = tc.levels
	name := fa.refName
	if fa.hasRef {
		name = formatLevel(fa.ref) // Treatment(3) on a text column names the level "3"
	}
	if name == "" && !fa.hasRef {
		return nil
	}
	k := slices.Index(tc.levels, name)
	if k < 0 {
		return fmt.Errorf("the reference level %q is not a value of %s (levels: %s)", name, fa.col, listLevels(codes(len(tc.levels)), fa.level))
	}
	fa.ref, fa.hasRef = float64(k), true
	return nil
}

// codes returns 0, 1, ..., n−1.
func codes(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(i)
	}
	return out
}

// level returns the name of a level of the factor: the text of a text column's level, or the
// number written as in labels ("2").
func (fa factor) level(v float64) string {
	if k := int(v); fa.levels != nil && float64(k) == v && k >= 0 && k < len(fa.levels) {
		return fa.levels[k]
	}
	return formatLevel(v)
}

// factorOf returns the first C() factor of the variable v, if any.
func (d *Design) factorOf(v string) (factor, bool) {
	for _, t := range d.formula.terms {
		for _, fa := range t.factors {
			if fa.e == nil && fa.col == v {
				return fa, true
			}
		}
	}
	return factor{}, false
}

// LevelName returns the name of a level of the factor variable v, as Levels returns it: the
// text of the level for a text column ("white"), and the number as the design's labels write
// it ("2") otherwise, or when v is not a factor.
func (d *Design) LevelName(v string, level float64) string {
	fa, _ := d.factorOf(v)
	return fa.level(level)
}
