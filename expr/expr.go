package expr

import (
	"slices"
	"strconv"
	"strings"
)

// MaxDepth is the deepest nesting of parentheses, unary signs, powers and function calls that
// Parse accepts. It keeps recursion bounded on hostile input; real expressions nest a few
// levels.
const MaxDepth = 1000

// kind is the type of a node of the expression tree.
type kind uint8

const (
	kindNum  kind = iota // a number literal
	kindVar              // a variable
	kindNeg              // unary minus
	kindAdd              // a + b
	kindSub              // a - b
	kindMul              // a * b
	kindDiv              // a / b
	kindPow              // a ^ b
	kindCall             // f(a)
	kindLt               // a < b
	kindLe               // a <= b
	kindGt               // a > b
	kindGe               // a >= b
	kindEq               // a == b
	kindNe               // a != b
	kindAnd              // a & b
	kindOr               // a | b
)

// isComparison reports whether k is one of < <= > >= == !=.
func isComparison(k kind) bool { return kindLt <= k && k <= kindNe }

// Precedence levels, used by String to decide where parentheses are needed.
const (
	precOr    = 1 // |
	precAnd   = 2 // &
	precCmp   = 3 // < <= > >= == !=
	precAdd   = 4 // + -
	precMul   = 5 // * /
	precUnary = 6 // unary -
	precPow   = 7 // ^
	precAtom  = 8 // numbers, variables, calls
)

// node is one node of an expression tree.
type node struct {
	kind kind
	num  float64 // the value of a kindNum
	name string  // the variable of a kindVar, the function of a kindCall
	args []*node // one operand for kindNeg and kindCall, two for binary operators
	pos  int     // byte offset in the source where the node starts (its operator for binary nodes)
}

// Expr is a parsed expression. Its zero value is not usable: get one from Parse. An Expr is
// immutable and safe for concurrent use.
type Expr struct {
	root *node
}

// Vars returns the variables the expression uses, sorted and without repeats.
func (e *Expr) Vars() []string {
	var names []string
	var walk func(n *node)
	walk = func(n *node) {
		if n.kind == kindVar {
			names = append(names, n.name)
		}
		for _, a := range n.args {
			walk(a)
		}
	}
	walk(e.root)
	slices.Sort(names)
	return slices.Compact(names)
}

// String returns the expression in canonical form: numbers in shortest round-trip notation,
// spaces around binary + and -, none around * / ^, and only the parentheses needed to keep
// the tree. Parse(e.String()) gives back the same tree, so the same String.
func (e *Expr) String() string {
	var b strings.Builder
	write(&b, e.root)
	return b.String()
}

// prec returns the precedence level of n's operator.
func prec(n *node) int {
	switch {
	case n.kind == kindOr:
		return precOr
	case n.kind == kindAnd:
		return precAnd
	case isComparison(n.kind):
		return precCmp
	}
	switch n.kind {
	case kindAdd, kindSub:
		return precAdd
	case kindMul, kindDiv:
		return precMul
	case kindNeg:
		return precUnary
	case kindPow:
		return precPow
	}
	return precAtom
}

// write appends the canonical form of n to b.
func write(b *strings.Builder, n *node) {
	switch n.kind {
	case kindNum:
		b.WriteString(strconv.FormatFloat(n.num, 'g', -1, 64))
	case kindVar:
		b.WriteString(n.name)
	case kindCall:
		b.WriteString(n.name)
		b.WriteByte('(')
		write(b, n.args[0])
		b.WriteByte(')')
	case kindNeg:
		b.WriteByte('-')
		// The operand of a unary minus is parsed at unary level, so a sum or product needs
		// parentheses; a nested minus gets them too, because "--x" reads badly.
		c := n.args[0]
		writeParen(b, c, prec(c) < precUnary || c.kind == kindNeg)
	case kindPow:
		l, r := n.args[0], n.args[1]
		// ^ is right-associative: (a^b)^c and (-a)^b need parentheses on the left; the
		// exponent is parsed at unary level, so only sums and products need them on the right.
		writeParen(b, l, prec(l) <= precPow)
		b.WriteByte('^')
		writeParen(b, r, prec(r) < precUnary)
	default:
		l, r := n.args[0], n.args[1]
		p := prec(n)
		// Comparisons do not chain, so a comparison operand of a comparison keeps its
		// parentheses on either side.
		writeParen(b, l, prec(l) < p || (p == precCmp && prec(l) == p))
		switch n.kind {
		case kindMul:
			b.WriteByte('*')
		case kindDiv:
			b.WriteByte('/')
		default:
			b.WriteString(" " + symbols[n.kind] + " ")
		}
		// Left-associative: a right operand of the same level keeps its parentheses.
		writeParen(b, r, prec(r) <= p)
	}
}

// symbols are the binary operators' symbols.
var symbols = map[kind]string{
	kindAdd: "+", kindSub: "-", kindMul: "*", kindDiv: "/", kindPow: "^",
	kindLt: "<", kindLe: "<=", kindGt: ">", kindGe: ">=", kindEq: "==", kindNe: "!=",
	kindAnd: "&", kindOr: "|",
}

// writeParen writes n, in parentheses when paren is true.
func writeParen(b *strings.Builder, n *node, paren bool) {
	if paren {
		b.WriteByte('(')
	}
	write(b, n)
	if paren {
		b.WriteByte(')')
	}
}
