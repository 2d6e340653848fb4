package expr

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/pkg/core/graph"
)

// maxIntPow is the largest |c| for which x^c, with c a constant integer, is built from
// multiplications instead of graph.Pow. Repeated squaring needs at most 2·log₂(c)
// multiplications, and unlike Pow it is defined, with the right derivative, for x ≤ 0.
const maxIntPow = 64

// Node builds the expression as a GoMLX graph and returns its node.
//
// lookup returns the node of each variable, and is called once per distinct variable, in sorted
// order. Data columns are typically [n] vectors and parameters scalars; GoMLX broadcasts a
// scalar against a vector, so the result has the shape of the vectors, or is a scalar if all
// variables are. All variables must share one dtype; number literals take that dtype (Float64
// for gomle's models), and sub-expressions made of literals only are computed on the host.
//
// A power x^c with a constant integer c, |c| ≤ 64, is built from multiplications (x^2 is
// graph.Square(x), x^-1 is 1/x), so it is defined for negative x; other powers use graph.Pow,
// which is NaN for a negative base. Gradients come from GoMLX's automatic differentiation;
// for atan, which GoMLX lacks, see the package documentation.
//
// Node panics if the expression has no variables (there is then no graph to build in), or
// with the error of lookup, wrapped with the variable's name. It panics on error; call it only
// while building a graph.
func (e *Expr) Node(lookup func(name string) (*graph.Node, error)) *graph.Node {
	nodes := make(map[string]*graph.Node)
	for _, name := range e.Vars() {
		x, err := lookup(name)
		if err != nil {
			panic(fmt.Errorf("expr: variable %q of %s: %w", name, e, err))
		}
		if x == nil {
			panic(fmt.Errorf("expr: variable %q of %s: lookup returned a nil node", name, e))
		}
		nodes[name] = x
	}
	v := build(e.root, nodes)
	if v.x == nil {
		panic(fmt.Errorf("expr: %s has no variables, so there is no graph or dtype to build it in", e))
	}
	return v.x
}

// value is a sub-expression while building a graph: a node, or a constant when x is nil.
type value struct {
	x *graph.Node
	c float64
}

// build returns the value of n, with variables taken from nodes. Constant sub-expressions are
// folded on the host with the same functions Eval uses.
func build(n *node, nodes map[string]*graph.Node) value {
	switch n.kind {
	case kindNum:
		return value{c: n.num}
	case kindVar:
		return value{x: nodes[n.name]}
	case kindNeg:
		a := build(n.args[0], nodes)
		if a.x == nil {
			return value{c: -a.c}
		}
		return value{x: graph.Neg(a.x)}
	case kindCall:
		a := build(n.args[0], nodes)
		f := functions[n.name]
		if a.x == nil {
			return value{c: f.eval(a.c)}
		}
		return value{x: f.graph(a.x)}
	}
	a, b := build(n.args[0], nodes), build(n.args[1], nodes)
	if a.x == nil && b.x == nil {
		c := eval(n, nil)
		return value{c: c[0]}
	}
	if n.kind == kindPow && b.x == nil && b.c == math.Trunc(b.c) && math.Abs(b.c) <= maxIntPow {
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
	switch n.kind {
	case kindAdd:
		return value{x: graph.Add(x, y)}
	case kindSub:
		return value{x: graph.Sub(x, y)}
	case kindMul:
		return value{x: graph.Mul(x, y)}
	case kindDiv:
		return value{x: graph.Div(x, y)}
	}
	return value{x: graph.Pow(x, y)}
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
