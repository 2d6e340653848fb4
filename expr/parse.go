package expr

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SyntaxError reports why Parse rejected its input and where.
type SyntaxError struct {
	// Offset is the byte offset of the problem in the input, counted from 0. The message gives
	// it as a 1-based column, Offset+1.
	Offset int
	// Msg says what is wrong, without the position, for example `unexpected ")"`.
	Msg string
	// Hint says what was expected or what is known; it may be empty.
	Hint string
	// opened means that Offset is where an unclosed parenthesis was opened.
	opened bool
}

// Error returns the message, for example
// `expr: unknown function "expp" at column 5 (known: atan, cos, exp, log, sin, sqrt)`.
func (e *SyntaxError) Error() string {
	var b strings.Builder
	b.WriteString("expr: ")
	b.WriteString(e.Msg)
	if e.opened {
		b.WriteString(" opened")
	}
	fmt.Fprintf(&b, " at column %d", e.Offset+1)
	if e.Hint != "" {
		fmt.Fprintf(&b, " (%s)", e.Hint)
	}
	return b.String()
}

// tokKind is the type of a lexical token.
type tokKind uint8

const (
	tokEOF   tokKind = iota
	tokNum           // a number
	tokIdent         // an identifier
	tokOp            // one of + - * / ^ ( ) , < <= > >= == != & |, where ** is read as ^
)

// token is one lexical token.
type token struct {
	kind tokKind
	text string  // the source text
	num  float64 // the value of a tokNum
	pos  int     // byte offset of the first character
}

// describe names the token for error messages.
func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of input"
	case tokNum:
		return fmt.Sprintf("number %s", t.text)
	case tokIdent:
		return fmt.Sprintf("identifier %q", t.text)
	}
	return strconv.Quote(t.text)
}

// isIdentStart reports whether c may begin an identifier.
func isIdentStart(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// isIdentPart reports whether c may continue an identifier.
func isIdentPart(c byte) bool {
	return isIdentStart(c) || isDigit(c) || c == '.'
}

// isDigit reports whether c is an ASCII digit.
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// lex splits s into tokens, ending with a tokEOF.
func lex(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case isDigit(c) || (c == '.' && i+1 < len(s) && isDigit(s[i+1])):
			t, err := lexNumber(s, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i += len(t.text)
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && isIdentPart(s[j]) {
				j++
			}
			toks = append(toks, token{kind: tokIdent, text: s[i:j], pos: i})
			i = j
		case c == '*' && i+1 < len(s) && s[i+1] == '*':
			toks = append(toks, token{kind: tokOp, text: "^", pos: i})
			i += 2
		case i+1 < len(s) && slices.Contains([]string{"<=", ">=", "==", "!="}, s[i:i+2]):
			toks = append(toks, token{kind: tokOp, text: s[i : i+2], pos: i})
			i += 2
		case (c == '&' || c == '|') && i+1 < len(s) && s[i+1] == c:
			return nil, &SyntaxError{Offset: i, Msg: fmt.Sprintf("unexpected %q", s[i:i+2]),
				Hint: fmt.Sprintf("use %c, which works row by row", c)}
		case c == '=':
			return nil, &SyntaxError{Offset: i, Msg: `unexpected "="`, Hint: "compare with =="}
		case c == '!':
			return nil, &SyntaxError{Offset: i, Msg: `unexpected "!"`, Hint: "negation is not supported; write x == 0 for not x"}
		case strings.IndexByte("+-*/^(),<>&|", c) >= 0:
			toks = append(toks, token{kind: tokOp, text: s[i : i+1], pos: i})
			i++
		default:
			r, _ := utf8.DecodeRuneInString(s[i:])
			return nil, &SyntaxError{Offset: i, Msg: fmt.Sprintf("unexpected character %q", r)}
		}
	}
	return append(toks, token{kind: tokEOF, pos: len(s)}), nil
}

// lexNumber reads the number that starts at s[i]: digits, an optional fraction and an optional
// exponent, with at least one digit before the exponent.
func lexNumber(s string, i int) (token, error) {
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j < len(s) && s[j] == '.' {
		j++
		for j < len(s) && isDigit(s[j]) {
			j++
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k >= len(s) || !isDigit(s[k]) {
			// Take the malformed exponent into the message, up to the next non-identifier byte.
			for k < len(s) && isIdentPart(s[k]) {
				k++
			}
			return token{}, &SyntaxError{Offset: i, Msg: fmt.Sprintf("malformed number %q", s[i:k]),
				Hint: "an exponent needs digits, as in 1e-4"}
		}
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		j = k
	}
	text := s[i:j]
	v, err := strconv.ParseFloat(text, 64)
	// The lexer lets through only well-formed numbers, so err can only be a range error.
	// Literals that underflow read as 0 or a subnormal, which is fine; beyond ±1.8e308 they
	// would read as ±Inf, which is not a number anyone meant to write.
	if err != nil && math.IsInf(v, 0) {
		return token{}, &SyntaxError{Offset: i, Msg: fmt.Sprintf("number %s is out of range", text),
			Hint: "float64 numbers are at most about 1.8e308"}
	}
	return token{kind: tokNum, text: text, num: v, pos: i}, nil
}

// parser is a recursive-descent parser over a token list.
type parser struct {
	toks  []token
	i     int // the next token
	depth int // the current nesting depth, bounded by MaxDepth
}

// Parse parses an expression (see the package documentation for the grammar). It never
// panics; any error is a *SyntaxError.
func Parse(s string) (*Expr, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	if toks[0].kind == tokEOF {
		return nil, &SyntaxError{Offset: 0, Msg: "empty expression",
			Hint: "expected a number, a variable or a function call"}
	}
	p := &parser{toks: toks}
	root, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		hint := "expected an operator or the end of the expression"
		if t.text == ")" {
			hint = "no \"(\" is open here"
		}
		return nil, &SyntaxError{Offset: t.pos, Msg: "unexpected " + t.describe(), Hint: hint}
	}
	return &Expr{root: root}, nil
}

// peek returns the next token without consuming it.
func (p *parser) peek() token { return p.toks[p.i] }

// next consumes and returns the next token.
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

// isOp reports whether the next token is the operator op.
func (p *parser) isOp(op string) bool {
	t := p.peek()
	return t.kind == tokOp && t.text == op
}

// enter increases the nesting depth, failing beyond MaxDepth; leave undoes it. Every way of
// nesting (a parenthesis, a call's argument, a sign, an exponent) goes through unary, so
// unary alone counts the depth.
func (p *parser) enter(pos int) error {
	p.depth++
	if p.depth > MaxDepth+1 { // the top level is depth 1 and does not count as nesting
		return &SyntaxError{Offset: pos, Msg: fmt.Sprintf("expression nested too deeply (more than %d levels)", MaxDepth)}
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// or parses: and ("|" and)*.
func (p *parser) or() (*node, error) {
	left, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.isOp("|") {
		op := p.next()
		right, err := p.and()
		if err != nil {
			return nil, err
		}
		left = &node{kind: kindOr, args: []*node{left, right}, pos: op.pos}
	}
	return left, nil
}

// and parses: comparison ("&" comparison)*.
func (p *parser) and() (*node, error) {
	left, err := p.comparison()
	if err != nil {
		return nil, err
	}
	for p.isOp("&") {
		op := p.next()
		right, err := p.comparison()
		if err != nil {
			return nil, err
		}
		left = &node{kind: kindAnd, args: []*node{left, right}, pos: op.pos}
	}
	return left, nil
}

// comparisons maps the comparison operators to their kinds.
var comparisons = map[string]kind{"<": kindLt, "<=": kindLe, ">": kindGt, ">=": kindGe, "==": kindEq, "!=": kindNe}

// comparison parses: sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?. Comparisons do
// not chain, as in R: a < b < c is an error.
func (p *parser) comparison() (*node, error) {
	left, err := p.sum()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind != tokOp || !isComparisonOp(t.text) {
		return left, nil
	}
	p.next()
	right, err := p.sum()
	if err != nil {
		return nil, err
	}
	if u := p.peek(); u.kind == tokOp && isComparisonOp(u.text) {
		return nil, &SyntaxError{Offset: u.pos, Msg: "unexpected " + u.describe(),
			Hint: "comparisons do not chain: write (a < b) & (b < c)"}
	}
	return &node{kind: comparisons[t.text], args: []*node{left, right}, pos: t.pos}, nil
}

// isComparisonOp reports whether op is the text of a comparison operator.
func isComparisonOp(op string) bool {
	_, ok := comparisons[op]
	return ok
}

// sum parses: product (("+" | "-") product)*.
func (p *parser) sum() (*node, error) {
	left, err := p.product()
	if err != nil {
		return nil, err
	}
	for p.isOp("+") || p.isOp("-") {
		op := p.next()
		right, err := p.product()
		if err != nil {
			return nil, err
		}
		k := kindAdd
		if op.text == "-" {
			k = kindSub
		}
		left = &node{kind: k, args: []*node{left, right}, pos: op.pos}
	}
	return left, nil
}

// product parses: unary (("*" | "/") unary)*.
func (p *parser) product() (*node, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.isOp("*") || p.isOp("/") {
		op := p.next()
		right, err := p.unary()
		if err != nil {
			return nil, err
		}
		k := kindMul
		if op.text == "/" {
			k = kindDiv
		}
		left = &node{kind: k, args: []*node{left, right}, pos: op.pos}
	}
	return left, nil
}

// unary parses: ("-" | "+") unary | power. A unary plus leaves no node.
func (p *parser) unary() (*node, error) {
	t := p.peek()
	if err := p.enter(t.pos); err != nil {
		return nil, err
	}
	defer p.leave()
	if p.isOp("-") || p.isOp("+") {
		p.next()
		x, err := p.unary()
		if err != nil || t.text == "+" {
			return x, err
		}
		return &node{kind: kindNeg, args: []*node{x}, pos: t.pos}, nil
	}
	return p.power()
}

// power parses: primary ("^" unary)?, which makes ^ right-associative and lets the exponent
// carry a sign, as in 2^-x.
func (p *parser) power() (*node, error) {
	base, err := p.primary()
	if err != nil {
		return nil, err
	}
	if !p.isOp("^") {
		return base, nil
	}
	op := p.next()
	exp, err := p.unary()
	if err != nil {
		return nil, err
	}
	return &node{kind: kindPow, args: []*node{base, exp}, pos: op.pos}, nil
}

// operandHint says what may start an operand.
const operandHint = `expected a number, a variable, a function call or "("`

// primary parses: number | identifier | identifier "(" arguments ")" | "(" sum ")".
func (p *parser) primary() (*node, error) {
	t := p.next()
	switch {
	case t.kind == tokNum:
		return &node{kind: kindNum, num: t.num, pos: t.pos}, nil
	case t.kind == tokIdent && p.isOp("("):
		return p.call(t)
	case t.kind == tokIdent:
		return &node{kind: kindVar, name: t.text, pos: t.pos}, nil
	case t.kind == tokOp && t.text == "(":
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if err := p.closeParen(t); err != nil {
			return nil, err
		}
		return x, nil
	}
	return nil, &SyntaxError{Offset: t.pos, Msg: "unexpected " + t.describe(), Hint: operandHint}
}

// closeParen consumes the ")" that closes the "(" token open, or reports it missing.
func (p *parser) closeParen(open token) error {
	if p.isOp(")") {
		p.next()
		return nil
	}
	t := p.peek()
	if t.kind == tokEOF {
		return &SyntaxError{Offset: open.pos, Msg: `missing ")"`, opened: true}
	}
	return &SyntaxError{Offset: t.pos, Msg: "unexpected " + t.describe(),
		Hint: fmt.Sprintf(`expected an operator or ")" to close the "(" at column %d`, open.pos+1)}
}

// call parses the argument list of the function named by the identifier token name; the
// next token is its "(".
func (p *parser) call(name token) (*node, error) {
	f, ok := functions[name.text]
	if !ok {
		return nil, &SyntaxError{Offset: name.pos, Msg: fmt.Sprintf("unknown function %q", name.text),
			Hint: "known: " + strings.Join(functionNames(), ", ")}
	}
	open := p.next()
	var args []*node
	if !p.isOp(")") {
		for {
			a, err := p.or()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if !p.isOp(",") {
				break
			}
			p.next()
		}
	}
	if err := p.closeParen(open); err != nil {
		return nil, err
	}
	if len(args) != f.arity {
		return nil, &SyntaxError{Offset: name.pos,
			Msg: fmt.Sprintf("%s takes %d argument, got %d", name.text, f.arity, len(args))}
	}
	return &node{kind: kindCall, name: name.text, args: args, pos: name.pos}, nil
}
