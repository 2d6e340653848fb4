package frame

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/gomle/gomle/expr"
)

// maxTerms bounds the number of terms an interaction, a crossing or a power may produce: a
// crossing of 12 factors has 4095 terms, more than any model identifies, and far more would
// exhaust memory before Design could refuse the design.
const maxTerms = 4096

// maxNesting bounds the nesting of parentheses around terms, which the parser recurses into.
const maxNesting = 100

// termSet is the value of a part of the right-hand side of a formula: terms in order, what it
// says of the intercept, and offsets.
type termSet struct {
	terms []term
	// icpt is +1 when the part keeps the intercept (1, or - 0), −1 when it drops it (0, or
	// - 1), and 0 when it says nothing of it.
	icpt int
	// offsets are the offset(...) terms, numeric factors labelled "offset(log(t))".
	offsets []factor
	// pos is where the part starts in the formula, for errors.
	pos int
	// number and group say whether the part is a number (0 or 1) or a parenthesised sum.
	number, group bool
}

// keys returns the set of the keys of the terms.
func (s *termSet) keys() map[string]bool {
	keys := make(map[string]bool, len(s.terms))
	for _, t := range s.terms {
		keys[t.key()] = true
	}
	return keys
}

// add appends the terms and offsets of o that s lacks; o's word on the intercept replaces s's.
func (s *termSet) add(o termSet) {
	keys := s.keys()
	for _, t := range o.terms {
		if k := t.key(); !keys[k] {
			keys[k] = true
			s.terms = append(s.terms, t)
		}
	}
	for _, fa := range o.offsets {
		if !slices.ContainsFunc(s.offsets, func(g factor) bool { return g.label == fa.label }) {
			s.offsets = append(s.offsets, fa)
		}
	}
	if o.icpt != 0 {
		s.icpt = o.icpt
	}
}

// remove deletes the terms and offsets of o from s: - 1 drops the intercept, - 0 keeps it.
func (s *termSet) remove(o termSet) {
	keys := o.keys()
	s.terms = slices.DeleteFunc(s.terms, func(t term) bool { return keys[t.key()] })
	s.offsets = slices.DeleteFunc(s.offsets, func(fa factor) bool {
		return slices.ContainsFunc(o.offsets, func(g factor) bool { return g.label == fa.label })
	})
	if o.icpt != 0 {
		s.icpt = -o.icpt
	}
}

// product returns the term made of the factors of t and then those of u that t lacks.
func (t term) product(u term) term {
	factors := slices.Clone(t.factors)
	for _, fa := range u.factors {
		if !slices.ContainsFunc(factors, func(g factor) bool { return g.label == fa.label }) {
			factors = append(factors, fa)
		}
	}
	return term{factors: factors}
}

// operand checks that s may be an operand of the operator op (":", "*" or "^") at pos: a
// set of terms, without the intercept or an offset.
func (s termSet) operand(op string, pos int) error {
	switch {
	case s.number:
		return &FormulaError{Offset: s.pos, Msg: "a number cannot be a factor of an interaction", Hint: "use I() for arithmetic"}
	case s.icpt != 0:
		return &FormulaError{Offset: s.pos, Msg: fmt.Sprintf("the intercept (1 or 0) cannot be an operand of %q", op),
			Hint: "add or remove it outside the parentheses"}
	case len(s.offsets) > 0:
		return &FormulaError{Offset: s.pos, Msg: fmt.Sprintf("offset(...) cannot be an operand of %q", op),
			Hint: "add an offset with +, as in y ~ x + offset(log(t))"}
	}
	return nil
}

// interaction returns a:b, every term of a times every term of b (a's varying slowest).
func interaction(a, b termSet, pos int) (termSet, error) {
	if len(a.terms)*len(b.terms) > maxTerms {
		return termSet{}, tooMany(termSet{terms: make([]term, maxTerms+1)}, pos)
	}
	out := termSet{pos: a.pos}
	keys := map[string]bool{}
	for _, t := range a.terms {
		for _, u := range b.terms {
			if tu := t.product(u); !keys[tu.key()] {
				keys[tu.key()] = true
				out.terms = append(out.terms, tu)
			}
		}
	}
	return out, nil
}

// tooMany returns the error for a part of the formula at pos that expands to more than
// maxTerms terms, or nil.
func tooMany(s termSet, pos int) error {
	if len(s.terms) > maxTerms {
		return &FormulaError{Offset: pos, Msg: fmt.Sprintf("the formula expands to more than %d terms", maxTerms)}
	}
	return nil
}

// cross returns a*b = a + b + a:b, with the terms ordered by their number of factors (main
// effects first, then two-way interactions, ...), otherwise in order, as R orders them.
func cross(a, b termSet, pos int) (termSet, error) {
	ab, err := interaction(a, b, pos)
	if err != nil {
		return termSet{}, err
	}
	out := termSet{pos: a.pos}
	out.add(a)
	out.add(b)
	out.add(ab)
	if err := tooMany(out, pos); err != nil {
		return termSet{}, err
	}
	slices.SortStableFunc(out.terms, func(t, u term) int { return cmp.Compare(len(t.factors), len(u.factors)) })
	return out, nil
}

// rhs parses the terms after "~" into f: a sum, evaluated from left to right, after the
// intercept that every formula starts with.
func (p *fparser) rhs(f *Formula) error {
	p.skipBlanks()
	if p.i == len(p.s) {
		return &FormulaError{Offset: p.i, Msg: `nothing after "~"`,
			Hint: "write terms such as x1 + x2, or 1 for the intercept alone"}
	}
	s, err := p.sum(0)
	if err != nil {
		return err
	}
	if p.i < len(p.s) {
		return p.unexpected(`expected "+" or "-" between terms`)
	}
	f.terms, f.offsets, f.intercept = s.terms, s.offsets, s.icpt >= 0
	return nil
}

// sum parses: ["+" | "-"] cross (("+" | "-") cross)*, where - removes what was added before
// it. depth is the number of open parentheses.
func (p *fparser) sum(depth int) (termSet, error) {
	p.skipBlanks()
	out := termSet{pos: p.i}
	for first := true; ; first = false {
		minus := false
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			minus = p.s[p.i] == '-'
			p.i++
			p.skipBlanks()
		} else if !first {
			return out, nil
		}
		s, err := p.cross(depth)
		if err != nil {
			return termSet{}, err
		}
		if minus {
			out.remove(s)
		} else {
			out.add(s)
			if err := tooMany(out, s.pos); err != nil {
				return termSet{}, err
			}
		}
		p.skipBlanks()
	}
}

// cross parses: interaction ("*" interaction)*.
func (p *fparser) cross(depth int) (termSet, error) {
	return p.binary(depth, '*', p.interaction, cross)
}

// interaction parses: power (":" power)*.
func (p *fparser) interaction(depth int) (termSet, error) {
	return p.binary(depth, ':', p.power, interaction)
}

// binary parses operand (op operand)*, combining the operands from the left with combine.
func (p *fparser) binary(depth int, op byte, operand func(int) (termSet, error), combine func(a, b termSet, pos int) (termSet, error)) (termSet, error) {
	left, err := operand(depth)
	if err != nil {
		return termSet{}, err
	}
	for {
		p.skipBlanks()
		if p.i == len(p.s) || p.s[p.i] != op {
			return left, nil
		}
		pos := p.i
		p.i++
		p.skipBlanks()
		right, err := operand(depth)
		if err != nil {
			return termSet{}, err
		}
		for _, s := range []termSet{left, right} {
			if err := s.operand(string(op), pos); err != nil {
				return termSet{}, err
			}
		}
		if left, err = combine(left, right, pos); err != nil {
			return termSet{}, err
		}
	}
}

// power parses: atom ["^" whole number], where the atom of a power must be in parentheses:
// (a + b + c)^2 is a + b + c and their two-way interactions. x^2 would be x, as in R, which is
// never what its writer meant, so it is an error pointing to I(x^2).
func (p *fparser) power(depth int) (termSet, error) {
	base, err := p.atom(depth)
	if err != nil {
		return termSet{}, err
	}
	p.skipBlanks()
	if p.i == len(p.s) || p.s[p.i] != '^' {
		return base, nil
	}
	if !base.group {
		return termSet{}, p.unexpected("")
	}
	pos := p.i
	if err := base.operand("^", pos); err != nil {
		return termSet{}, err
	}
	p.i++
	p.skipBlanks()
	start := p.i
	for p.i < len(p.s) && '0' <= p.s[p.i] && p.s[p.i] <= '9' {
		p.i++
	}
	k, err := strconv.Atoi(p.s[start:p.i])
	if err != nil || k < 1 {
		p.i = start
		return termSet{}, &FormulaError{Offset: start, Msg: "expected a whole number after ^",
			Hint: "(a + b)^2 is a + b + a:b; use I() for arithmetic"}
	}
	// Multiply until the set stops growing: (a + b)^k for k beyond the number of factors
	// adds nothing.
	out := base
	for range k - 1 {
		next, err := cross(out, base, pos)
		if err != nil {
			return termSet{}, err
		}
		if len(next.terms) == len(out.terms) {
			break
		}
		out = next
	}
	out.group = false
	return out, nil
}

// atom parses: "(" sum ")" | 0 | 1 | offset "(" expression ")" | factor.
func (p *fparser) atom(depth int) (termSet, error) {
	start := p.i
	switch {
	case p.i < len(p.s) && p.s[p.i] == '(':
		if depth == maxNesting {
			return termSet{}, &FormulaError{Offset: p.i, Msg: fmt.Sprintf("parentheses nested too deeply (more than %d levels)", maxNesting)}
		}
		p.i++
		s, err := p.sum(depth + 1)
		if err != nil {
			return termSet{}, err
		}
		if p.i == len(p.s) {
			return termSet{}, &FormulaError{Offset: start, Msg: `missing ")" for the "("`}
		}
		if p.s[p.i] != ')' {
			return termSet{}, p.unexpected(fmt.Sprintf(`expected "+", "-" or ")" to close the "(" at column %d`, start+1))
		}
		p.i++
		s.pos, s.group, s.number = start, true, false
		return s, nil
	case p.i < len(p.s) && isDigitOrDot(p.s[p.i]):
		// 0 or 1: the intercept.
		for p.i < len(p.s) && (isDigitOrDot(p.s[p.i]) || isIdentChar(p.s[p.i])) {
			p.i++
		}
		switch num := p.s[start:p.i]; num {
		case "0":
			return termSet{icpt: -1, pos: start, number: true}, nil
		case "1":
			return termSet{icpt: 1, pos: start, number: true}, nil
		default:
			return termSet{}, &FormulaError{Offset: start, Msg: fmt.Sprintf("the number %s is not a term", num),
				Hint: "only 1 (+ 1 keeps the intercept) and 0 (+ 0 drops it) are; use I() for arithmetic"}
		}
	}
	if fa, ok, err := p.offset(); ok || err != nil {
		return termSet{offsets: []factor{fa}, pos: start}, err
	}
	fa, err := p.factor()
	if err != nil {
		return termSet{}, err
	}
	return termSet{terms: []term{{factors: []factor{fa}}}, pos: start}, nil
}

// offset parses offset(expression) at p.i; ok is false, and p.i unchanged, if the text there
// is not a call of offset.
func (p *fparser) offset() (fa factor, ok bool, err error) {
	const name = "offset"
	start := p.i
	j := start + len(name)
	if len(p.s) < j || p.s[start:j] != name || (j < len(p.s) && isIdentChar(p.s[j])) {
		return factor{}, false, nil
	}
	for j < len(p.s) && (p.s[j] == ' ' || p.s[j] == '\t') {
		j++
	}
	if j == len(p.s) || p.s[j] != '(' {
		return factor{}, false, nil // a column named offset
	}
	end, err := p.matchParen(j)
	if err != nil {
		return factor{}, true, err
	}
	e, err := expr.Parse(p.s[j+1 : end])
	if err != nil {
		return factor{}, true, shift(err, j+1)
	}
	p.i = end + 1
	return factor{label: name + "(" + e.String() + ")", e: e}, true, nil
}
