package frame

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gomle/gomle/expr"
)

// FormulaError reports a syntax error in a formula and where it is.
type FormulaError struct {
	// Offset is the byte offset of the problem in the formula, counted from 0; the message
	// gives it as a 1-based column, Offset+1.
	Offset int
	// Msg says what is wrong, without the position.
	Msg string
	// Hint says what was expected; it may be empty.
	Hint string
}

// Error returns the message, for example `frame: formula: unexpected ")" at column 7`.
func (e *FormulaError) Error() string {
	s := fmt.Sprintf("frame: formula: %s at column %d", e.Msg, e.Offset+1)
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

// Formula is a parsed formula, "response ~ terms". Get one from ParseFormula; it is immutable.
type Formula struct {
	response  factor
	terms     []term
	offsets   []factor // the offset(...) terms, numeric
	intercept bool
}

// factor is one factor of a term: a numeric expression, or the dummies of a column (C()).
type factor struct {
	label  string     // the canonical text: "x", "log(x + 1)", "I(x^2)", "C(g)", "C(g, Treatment(3))"
	e      *expr.Expr // the expression of a numeric factor; nil for a categorical one
	col    string     // the column of a categorical factor
	ref    float64    // the reference level of a categorical factor, when hasRef
	hasRef bool
	// refName is the reference level given by name, Treatment("white"), for a text column;
	// Frame.Design turns it into ref. levels holds a text column's level names (see Frame.Levels),
	// set by Frame.Design.
	refName string
	levels  []string
}

// term is a product of factors (a single factor for a main effect).
type term struct {
	factors []factor
}

// label returns the term's name, its factors' labels joined by ":".
func (t term) label() string {
	labels := make([]string, len(t.factors))
	for i, f := range t.factors {
		labels[i] = f.label
	}
	return strings.Join(labels, ":")
}

// key identifies the term regardless of the order of its factors.
func (t term) key() string {
	labels := make([]string, len(t.factors))
	for i, f := range t.factors {
		labels[i] = f.label
	}
	slices.Sort(labels)
	return strings.Join(labels, ":")
}

// vars returns the columns the factor uses.
func (f factor) vars() []string {
	if f.e == nil {
		return []string{f.col}
	}
	return f.e.Vars()
}

// String returns the formula in canonical form, for example "y ~ x + C(g) - 1". ParseFormula
// reads it back to the same Formula.
func (f *Formula) String() string {
	var b strings.Builder
	b.WriteString(f.response.label)
	b.WriteString(" ~ ")
	switch {
	case len(f.terms) == 0 && len(f.offsets) == 0 && f.intercept:
		b.WriteString("1")
	case len(f.terms) == 0 && len(f.offsets) == 0:
		b.WriteString("0")
	default:
		b.WriteString(strings.Join(slices.Concat(f.Terms(), f.Offsets()), " + "))
		if !f.intercept {
			b.WriteString(" - 1")
		}
	}
	return b.String()
}

// Response returns the canonical text of the left-hand side.
func (f *Formula) Response() string { return f.response.label }

// Terms returns the canonical labels of the terms, in formula order, without the intercept.
func (f *Formula) Terms() []string {
	out := make([]string, len(f.terms))
	for i, t := range f.terms {
		out[i] = t.label()
	}
	return out
}

// Offsets returns the canonical labels of the offset terms, such as "offset(log(t))", in
// formula order.
func (f *Formula) Offsets() []string {
	out := make([]string, len(f.offsets))
	for i, fa := range f.offsets {
		out[i] = fa.label
	}
	return out
}

// Intercept reports whether the formula has an intercept.
func (f *Formula) Intercept() bool { return f.intercept }

// Vars returns the columns the formula uses, response and offsets included, sorted and without
// repeats.
func (f *Formula) Vars() []string {
	vars := f.response.vars()
	for _, t := range f.terms {
		for _, fa := range t.factors {
			vars = append(vars, fa.vars()...)
		}
	}
	for _, fa := range f.offsets {
		vars = append(vars, fa.vars()...)
	}
	slices.Sort(vars)
	return slices.Compact(vars)
}

// ParseFormula parses a formula "response ~ terms" (see the package documentation). Syntax
// errors are *FormulaError values. Whether the columns exist is checked by Frame.Design.
func ParseFormula(s string) (*Formula, error) {
	p := &fparser{s: s}
	p.skipBlanks()
	if p.i == len(s) {
		return nil, &FormulaError{Offset: 0, Msg: "empty formula", Hint: "write it as y ~ x1 + x2"}
	}
	if p.s[p.i] == '~' {
		return nil, &FormulaError{Offset: p.i, Msg: `no response before "~"`,
			Hint: "one-sided formulas are not supported; write y ~ x1 + x2"}
	}
	respPos := p.i
	if isDigitOrDot(s[p.i]) {
		return nil, &FormulaError{Offset: p.i, Msg: "the response cannot be a number",
			Hint: "it must be a column, a function of columns or an I() term"}
	}
	resp, err := p.factor()
	if err != nil {
		return nil, err
	}
	if resp.e == nil {
		return nil, &FormulaError{Offset: respPos, Msg: "the response cannot be C(...)",
			Hint: "it must be a column, a function of columns or an I() term"}
	}
	p.skipBlanks()
	if p.i == len(s) {
		return nil, &FormulaError{Offset: p.i, Msg: `missing "~"`, Hint: "write the formula as y ~ x1 + x2"}
	}
	if s[p.i] != '~' {
		return nil, p.unexpected(`expected "~" after the response`)
	}
	p.i++
	f := &Formula{response: resp, intercept: true}
	if err := p.rhs(f); err != nil {
		return nil, err
	}
	return f, nil
}

// fparser scans a formula.
type fparser struct {
	s string
	i int // the next byte
}

// skipBlanks skips spaces, tabs and line breaks.
func (p *fparser) skipBlanks() {
	for p.i < len(p.s) && strings.IndexByte(" \t\n\r", p.s[p.i]) >= 0 {
		p.i++
	}
}

// unexpected returns the error for the byte at p.i, or for the end of the formula.
func (p *fparser) unexpected(hint string) error {
	if p.i >= len(p.s) {
		return &FormulaError{Offset: p.i, Msg: "unexpected end of formula", Hint: hint}
	}
	switch c := p.s[p.i]; c {
	case '/', '^':
		hint = fmt.Sprintf("arithmetic needs I(), as in I(a%cb)", c)
	case '~':
		hint = `a formula has one "~"`
	}
	r, _ := utf8.DecodeRuneInString(p.s[p.i:])
	return &FormulaError{Offset: p.i, Msg: fmt.Sprintf("unexpected %q", r), Hint: hint}
}

// isIdentStart reports whether c may begin a column name.
func isIdentStart(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// isIdentChar reports whether c may continue a column name.
func isIdentChar(c byte) bool { return isIdentStart(c) || ('0' <= c && c <= '9') || c == '.' }

// isDigitOrDot reports whether c may begin a number.
func isDigitOrDot(c byte) bool { return ('0' <= c && c <= '9') || c == '.' }

// factor parses a column name, a function call, I(...) or C(...), at p.i.
func (p *fparser) factor() (factor, error) {
	start := p.i
	if p.i >= len(p.s) {
		return factor{}, p.unexpected("expected a term")
	}
	c := p.s[p.i]
	switch {
	case c == '(':
		return factor{}, &FormulaError{Offset: p.i, Msg: `unexpected "("`,
			Hint: "parentheses cannot group terms; use I(...) for arithmetic"}
	case isDigitOrDot(c):
		return factor{}, &FormulaError{Offset: p.i, Msg: "a number cannot be a factor of an interaction",
			Hint: "use I() for arithmetic"}
	case !isIdentStart(c):
		return factor{}, p.unexpected("expected a column name, a function call, I(...) or C(...)")
	}
	for p.i < len(p.s) && isIdentChar(p.s[p.i]) {
		p.i++
	}
	name := p.s[start:p.i]
	j := p.i
	for j < len(p.s) && (p.s[j] == ' ' || p.s[j] == '\t') {
		j++
	}
	if j == len(p.s) || p.s[j] != '(' {
		// A column.
		e, err := expr.Parse(name)
		if err != nil {
			return factor{}, shift(err, start)
		}
		return factor{label: name, e: e}, nil
	}
	open := j
	end, err := p.matchParen(open)
	if err != nil {
		return factor{}, err
	}
	p.i = end + 1
	switch {
	case name == "C":
		return p.categorical(open+1, end)
	case name == "offset":
		return factor{}, &FormulaError{Offset: start, Msg: "offset(...) is not allowed here",
			Hint: "an offset is a term of its own after ~, as in y ~ x + offset(log(t))"}
	case name == "I":
		e, err := expr.Parse(p.s[open+1 : end])
		if err != nil {
			return factor{}, shift(err, open+1)
		}
		return factor{label: "I(" + e.String() + ")", e: e}, nil
	case slices.Contains(expr.Functions(), name):
		e, err := expr.Parse(p.s[start : end+1])
		if err != nil {
			return factor{}, shift(err, start)
		}
		return factor{label: e.String(), e: e}, nil
	}
	return factor{}, &FormulaError{Offset: start, Msg: fmt.Sprintf("unknown function %q", name),
		Hint: "known: C, I, " + strings.Join(expr.Functions(), ", ")}
}

// matchParen returns the index of the ")" that closes the "(" at open.
func (p *fparser) matchParen(open int) (int, error) {
	depth := 0
	for k := open; k < len(p.s); k++ {
		switch p.s[k] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return k, nil
			}
		}
	}
	return 0, &FormulaError{Offset: open, Msg: `missing ")" for the "("`}
}

// shift turns an error of package expr, for text that starts at byte start of the formula,
// into a *FormulaError with the position in the formula.
func shift(err error, start int) error {
	var se *expr.SyntaxError
	if errors.As(err, &se) {
		return &FormulaError{Offset: start + se.Offset, Msg: se.Msg, Hint: se.Hint}
	}
	return fmt.Errorf("frame: formula: %w", err)
}

// categorical parses the arguments of C(...), which lie in p.s[from:to]:
//
//	column [, Treatment [( [reference =] number | "name" | 'name' )]]
func (p *fparser) categorical(from, to int) (factor, error) {
	a := &fparser{s: p.s[:to], i: from}
	errAt := func(msg, hint string) error {
		if a.i >= to {
			msg = "unexpected end of C(...)"
		}
		return &FormulaError{Offset: a.i, Msg: msg, Hint: hint}
	}
	a.skipBlanks()
	colStart := a.i
	for a.i < to && isIdentChar(a.s[a.i]) {
		a.i++
	}
	col := a.s[colStart:a.i]
	if col == "" || !isIdentStart(col[0]) {
		a.i = colStart
		return factor{}, errAt("C(...) takes a column name", "as in C(group) or C(group, Treatment(2))")
	}
	fa := factor{label: "C(" + col + ")", col: col}
	a.skipBlanks()
	if a.i == to {
		return fa, nil
	}
	if a.s[a.i] != ',' {
		return factor{}, errAt(fmt.Sprintf("unexpected %q in C(...)", a.s[a.i]), `expected "," or ")"`)
	}
	a.i++
	a.skipBlanks()
	kwStart := a.i
	for a.i < to && isIdentChar(a.s[a.i]) {
		a.i++
	}
	if kw := a.s[kwStart:a.i]; kw != "Treatment" {
		a.i = kwStart
		return factor{}, errAt(fmt.Sprintf("unknown contrast %q", kw), "only Treatment is supported")
	}
	a.skipBlanks()
	if a.i == to {
		return fa, nil // C(g, Treatment): the default reference
	}
	if a.s[a.i] != '(' {
		return factor{}, errAt(fmt.Sprintf("unexpected %q after Treatment", a.s[a.i]), `expected "(" or ")"`)
	}
	open := a.i
	a.i++
	a.skipBlanks()
	if strings.HasPrefix(a.s[a.i:], "reference") {
		a.i += len("reference")
		a.skipBlanks()
		if a.i >= to || a.s[a.i] != '=' {
			return factor{}, errAt(`expected "=" after reference`, "as in Treatment(reference=2)")
		}
		a.i++
		a.skipBlanks()
	}
	numStart := a.i
	var ref float64
	if a.i < to && isQuote(a.s[a.i]) {
		name, err := a.levelName(to)
		if err != nil {
			return factor{}, err
		}
		fa.refName = name
	} else {
		for a.i < to && strings.IndexByte("+-.0123456789eE", a.s[a.i]) >= 0 {
			a.i++
		}
		var err error
		ref, err = strconv.ParseFloat(a.s[numStart:a.i], 64)
		if err != nil || math.IsInf(ref, 0) || math.IsNaN(ref) {
			a.i = numStart
			return factor{}, errAt("Treatment(...) takes the reference level, a number or a quoted name",
				`as in Treatment(2) or Treatment("white")`)
		}
	}
	a.skipBlanks()
	if a.i >= to || a.s[a.i] != ')' {
		return factor{}, errAt(fmt.Sprintf(`missing ")" for the "(" at column %d`, open+1), "")
	}
	a.i++
	a.skipBlanks()
	if a.i != to {
		return factor{}, errAt(fmt.Sprintf("unexpected %q in C(...)", a.s[a.i]), `expected ")"`)
	}
	if fa.refName != "" {
		fa.label = fmt.Sprintf("C(%s, Treatment(%s))", col, strconv.Quote(fa.refName))
		return fa, nil
	}
	fa.ref, fa.hasRef = ref, true
	fa.label = fmt.Sprintf("C(%s, Treatment(%s))", col, formatLevel(ref))
	return fa, nil
}

// levelName parses a level name quoted with " (with Go's escapes, as strconv.Quote writes
// it) or ' (without escapes) at a.i, before to.
func (a *fparser) levelName(to int) (string, error) {
	start, q := a.i, a.s[a.i]
	a.i++
	for a.i < to && a.s[a.i] != q {
		if q == '"' && a.s[a.i] == '\\' {
			a.i++
		}
		a.i++
	}
	if a.i >= to {
		return "", &FormulaError{Offset: start, Msg: fmt.Sprintf("the quote %c is not closed", q)}
	}
	a.i++
	name := a.s[start+1 : a.i-1]
	if q == '"' {
		var err error
		if name, err = strconv.Unquote(a.s[start:a.i]); err != nil {
			return "", &FormulaError{Offset: start, Msg: "invalid quoted level name", Hint: `write it as in Treatment("white")`}
		}
	}
	if name == "" {
		return "", &FormulaError{Offset: start, Msg: "empty level name", Hint: "missing text cells are not a level"}
	}
	return name, nil
}

// formatLevel writes a level in the shortest form that reads back to it: 2, not 2.0.
func formatLevel(v float64) string {
	return strconv.FormatFloat(v+0, 'g', -1, 64) // +0 turns -0 into 0
}
