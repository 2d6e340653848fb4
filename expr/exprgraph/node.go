package exprgraph

import (
	"fmt"
	"math"

	"github.com/gomle/gomle/expr"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// maxIntPow is the largest |c| for which x^c, with c a constant integer, is built from
// multiplications instead of graph.Pow. Repeated squaring needs at most 2·log₂(c)
// multiplications, and unlike Pow it is defined, with the right derivative, for x ≤ 0.
const maxIntPow = 64

// Node builds the expression e as a GoMLX graph and returns its node.
//
// lookup returns the node of each variable, and is called once per distinct variable, in sorted
// order. Data columns are typically [n] vectors and parameters scalars; GoMLX broadcasts a
// scalar against a vector, so the result has the shape of the vectors, or is a scalar if all
// variables are. All variables must share one dtype; number literals take that dtype (Float64
// for gomle's models), and sub-expressions made of literals only are computed on the host,
// with the arithmetic of expr's Eval.
//
// A power x^c with a constant integer c, |c| ≤ 64, is built from multiplications (x^2 is
// graph.Square(x), x^-1 is 1/x), so it is defined for negative x; other powers use graph.Pow,
// which is NaN for a negative base. A comparison (x > 3), & or | is GoMLX's comparison or
// logical op converted to the dtype, 1 or 0, NaN where an operand is NaN, with its gradient
// stopped (it is 0). Gradients come from GoMLX's automatic differentiation; for atan, which
// GoMLX lacks, see the package documentation.
//
// Node panics if the expression has no variables (there is then no graph to build in), or
// with the error of lookup, wrapped with the variable's name. It panics on error; call it only
// while building a graph.
func Node(e *expr.Expr, lookup func(name string) (*graph.Node, error)) *graph.Node {
	nodes := make(map[string]*graph.Node)
	for _, name := range e.Vars() {
		x, err := lookup(name)
		if err != nil {
			panic(fmt.Errorf("exprgraph: variable %q of %s: %w", name, e, err))
		}
		if x == nil {
			panic(fmt.Errorf("exprgraph: variable %q of %s: lookup returned a nil node", name, e))
		}
		nodes[name] = x
	}
	v := expr.Fold[value](e, builder(nodes))
	if v.x == nil {
		panic(fmt.Errorf("exprgraph: %s has no variables, so there is no graph or dtype to build it in", e))
	}
	return v.x
}

// value is a sub-expression while building a graph: a node, or a constant when x is nil.
type value struct {
	x *graph.Node
	c float64
}

// builder is the expr.Folder that builds a graph, with the variables' nodes.
type builder map[string]*graph.Node

var _ expr.Folder[value] = builder(nil)

// Const returns the constant c. It takes a node, with the dtype of the other operand, only in
// Binary.
func (builder) Const(c float64) value { return value{c: c} }

// Var returns the node of the variable name.
func (b builder) Var(name string) value { return value{x: b[name]} }

// Neg returns -a.
func (builder) Neg(a value) value { return value{x: graph.Neg(a.x)} }

// Call returns the graph version of the function fn applied to a. It panics if package expr
// knows fn and this package does not, which TestFunctions rules out.
func (builder) Call(fn string, a value) value {
	f, ok := functions[fn]
	if !ok {
		panic(fmt.Errorf("exprgraph: function %q has no graph version", fn))
	}
	return value{x: f(a.x)}
}

// Binary returns a op b, building x^c for a constant integer c from multiplications.
func (builder) Binary(op expr.Op, a, b value) value {
	if op == expr.Pow && b.x == nil && b.c == math.Trunc(b.c) && math.Abs(b.c) <= maxIntPow {
		return value{x: intPow(a.x, int(b.c))}
	}
	// Give a constant operand the dtype of the other one.
	var x, y *graph.Node
	switch {
	case a.x == nil:
		x, y = graph.Scalar(b.x.Graph(), b.x.DType(), a.c), b.x
	case b.x == nil:
		x, y = a.x, graph.Scalar(a.x.Graph(), a.x.DType(), b.c)
	default:
		x, y = a.x, b.x
	}
	switch op {
	case expr.Add:
		return value{x: graph.Add(x, y)}
	case expr.Sub:
		return value{x: graph.Sub(x, y)}
	case expr.Mul:
		return value{x: graph.Mul(x, y)}
	case expr.Div:
		return value{x: graph.Div(x, y)}
	case expr.Pow:
		return value{x: graph.Pow(x, y)}
	}
	if op.Logical() {
		return value{x: logical(op, x, y)}
	}
	panic(fmt.Errorf("exprgraph: unknown operator %s", op))
}

// logical returns the comparison, & or | of x and y as 1 (true) or 0 (false) in their dtype,
// and NaN where x or y is NaN, as expr's Eval does. Its gradient is stopped: a step function
// has derivative 0 wherever it has one.
func logical(op expr.Op, x, y *graph.Node) *graph.Node {
	var test *graph.Node
	switch op {
	case expr.Lt:
		test = graph.LessThan(x, y)
	case expr.Le:
		test = graph.LessOrEqual(x, y)
	case expr.Gt:
		test = graph.GreaterThan(x, y)
	case expr.Ge:
		test = graph.GreaterOrEqual(x, y)
	case expr.Eq:
		test = graph.Equal(x, y)
	case expr.Ne:
		test = graph.NotEqual(x, y)
	case expr.And, expr.Or:
		zero := graph.ScalarZero(x.Graph(), x.DType())
		a, b := graph.NotEqual(x, zero), graph.NotEqual(y, zero)
		if op == expr.And {
			test = graph.LogicalAnd(a, b)
		} else {
			test = graph.LogicalOr(a, b)
		}
	default:
		panic(fmt.Errorf("exprgraph: unknown operator %s", op))
	}
	v := graph.ConvertDType(test, x.DType())
	// Where x or y is NaN, so is x + y.
	nan := graph.LogicalOr(graph.IsNaN(x), graph.IsNaN(y))
	v = graph.Where(nan, graph.Add(x, y), v)
	return graph.StopGradient(v)
}

// intPow returns x^k for an integer k, by repeated squaring: x^0 = 1 (also for NaN x, as
// math.Pow), and x^-k = 1/x^k.
func intPow(x *graph.Node, k int) *graph.Node {
	switch {
	case k == 0:
		return graph.OnesLike(x)
	case k < 0:
		return graph.Reciprocal(intPow(x, -k))
	case k == 1:
		return x
	case k == 2:
		return graph.Square(x)
	}
	half := intPow(x, k/2)
	sq := graph.Mul(half, half)
	if k%2 == 1 {
		return graph.Mul(sq, x)
	}
	return sq
}
