package expr

// Op is a binary operator of an expression, as Fold passes it to a Folder.
type Op uint8

const (
	Add Op = iota + 1 // a + b
	Sub               // a - b
	Mul               // a * b
	Div               // a / b
	Pow               // a ^ b
	Lt                // a < b: 1 if true, 0 if false, NaN if a or b is NaN (so for all six comparisons)
	Le                // a <= b
	Gt                // a > b
	Ge                // a >= b
	Eq                // a == b
	Ne                // a != b
	And               // a & b: 1 if neither is 0, else 0; NaN if a or b is NaN
	Or                // a | b: 1 if either is not 0, else 0; NaN if a or b is NaN
)

// String returns the operator's symbol: "+", "-", "*", "/", "^", "<", "<=", ">", ">=", "==",
// "!=", "&" or "|".
func (op Op) String() string {
	for k, o := range ops {
		if o == op {
			return symbols[k]
		}
	}
	return "Op(?)"
}

// Logical reports whether op is a comparison, & or |: its value is 1, 0 or NaN, and its
// derivative is 0.
func (op Op) Logical() bool { return Lt <= op && op <= Or }

// ops maps the kinds of binary nodes to their Op.
var ops = map[kind]Op{kindAdd: Add, kindSub: Sub, kindMul: Mul, kindDiv: Div, kindPow: Pow,
	kindLt: Lt, kindLe: Le, kindGt: Gt, kindGe: Ge, kindEq: Eq, kindNe: Ne, kindAnd: And, kindOr: Or}

// Folder computes an expression in another representation T, such as a node of a GoMLX graph
// (package exprgraph). Fold calls its methods from the leaves up.
type Folder[T any] interface {
	// Const returns a sub-expression without variables, whose value c Fold has computed on the
	// host with the arithmetic of Eval.
	Const(c float64) T
	// Var returns the variable name.
	Var(name string) T
	// Neg returns -a. Its operand is never a constant: Fold folds those.
	Neg(a T) T
	// Call returns the function fn, one of Functions(), applied to a. Its argument is never a
	// constant: Fold folds those.
	Call(fn string, a T) T
	// Binary returns a op b. At most one operand is a constant (a result of Const): Fold folds
	// the others. For the logical operators (Op.Logical) it returns 1, 0 or NaN, as Eval does.
	Binary(op Op, a, b T) T
}

// Fold computes e with f's operations, from the leaves up. Each maximal sub-expression without
// variables, e itself included when it has none, is evaluated on the host with the same
// functions as Eval and reaches f as one Const; every variable reaches f through Var, once per
// occurrence. Fold panics only if f does.
func Fold[T any](e *Expr, f Folder[T]) T {
	t, c, isConst := fold(e.root, f)
	if isConst {
		return f.Const(c)
	}
	return t
}

// fold returns the value of n in f's representation, or, when n has no variables, its value c
// with isConst true (and the zero T), so that the caller can fold it further.
func fold[T any](n *node, f Folder[T]) (t T, c float64, isConst bool) {
	switch n.kind {
	case kindNum:
		return t, n.num, true
	case kindVar:
		return f.Var(n.name), 0, false
	case kindNeg, kindCall:
		a, ac, aConst := fold(n.args[0], f)
		switch {
		case aConst:
			return t, unaryFunc(n)(ac), true
		case n.kind == kindNeg:
			return f.Neg(a), 0, false
		}
		return f.Call(n.name, a), 0, false
	}
	a, ac, aConst := fold(n.args[0], f)
	b, bc, bConst := fold(n.args[1], f)
	if aConst && bConst {
		return t, binaryFunc(n.kind)(ac, bc), true
	}
	if aConst {
		a = f.Const(ac)
	}
	if bConst {
		b = f.Const(bc)
	}
	return f.Binary(ops[n.kind], a, b), 0, false
}
