package exprgraph

import (
	"math"

	"github.com/gomlx/gomlx/pkg/core/graph"
)

// functions are the graph versions of the functions expressions may call (expr.Functions), by
// name.
var functions = map[string]func(x *graph.Node) *graph.Node{
	"atan": atanNode,
	"cos":  graph.Cos,
	"exp":  graph.Exp,
	"log":  graph.Log,
	"sin":  graph.Sin,
	"sqrt": graph.Sqrt,
}

// atanNewtonSteps is the number of Newton steps atanValue takes. Its starting point is within
// 0.0038 of atan(t) on [-1, 1], and each step maps an error e to e - tan(e) ≈ -e³/3, so the
// errors after one, two and three steps are below 2e-8, 3e-24 and far below the float64
// rounding of the result: two steps suffice, the third is a margin.
const atanNewtonSteps = 3

// atanNode returns atan(x) elementwise. GoMLX v0.26.0 has no arctangent op, so the value comes
// from atanValue (Newton's method on sin and cos) with the gradient stopped, and the gradient
// comes from an identity with the custom gradient v/(1+x²). That gradient is itself a graph
// of x, so second derivatives (Hessians) are exact too.
func atanNode(x *graph.Node) *graph.Node {
	value := graph.StopGradient(atanValue(x))
	// At x = ±Inf (and NaN) the result is value alone, and the derivative path below works on
	// xs = 0 instead of x, so that no Inf/Inf enters the first or second derivatives.
	finite := graph.IsFinite(x)
	xs := graph.Where(finite, x, graph.ScalarZero(x.Graph(), x.DType()))
	// grad is numerically xs, with derivative 1/(1+xs²). The custom gradient uses xs, not its
	// node argument, so that differentiating the gradient again goes through ordinary ops.
	grad := graph.IdentityWithCustomGradient(xs, func(_, v *graph.Node) *graph.Node {
		return graph.Div(v, graph.OnePlus(graph.Square(xs)))
	})
	withGrad := graph.Add(value, graph.Sub(grad, graph.StopGradient(xs)))
	return graph.Where(finite, withGrad, value)
}

// atanValue computes atan(x) elementwise without an arctangent op. It reduces x to
// t = x or 1/x with |t| ≤ 1, starts from
//
//	y₀ = t·(π/4 + 0.273·(1 - |t|))
//
// (a classic approximation, within 0.0038 of atan t), and takes Newton steps on
// sin y - t·cos y = 0:
//
//	y ← y - (sin y - t·cos y)/(cos y + t·sin y) = y - tan(y - atan t)
//
// For |x| > 1 it returns sign(x)·π/2 - atan(1/x).
func atanValue(x *graph.Node) *graph.Node {
	g, dtype := x.Graph(), x.DType()
	big := graph.GreaterThan(graph.Abs(x), graph.ScalarOne(g, dtype))
	t := graph.Where(big, graph.Reciprocal(x), x)
	slope := graph.AddScalar(graph.MulScalar(graph.OneMinus(graph.Abs(t)), 0.273), math.Pi/4)
	y := graph.Mul(t, slope)
	for range atanNewtonSteps {
		s, c := graph.Sin(y), graph.Cos(y)
		y = graph.Sub(y, graph.Div(graph.Sub(s, graph.Mul(t, c)), graph.Add(c, graph.Mul(t, s))))
	}
	halfPi := graph.MulScalar(graph.Sign(x), math.Pi/2)
	return graph.Where(big, graph.Sub(halfPi, y), y)
}
