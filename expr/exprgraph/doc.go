// Package exprgraph builds the expressions of package expr as GoMLX graphs, so that the
// gradients and Hessians of a nonlinear mean such as
//
//	b1*(1 - exp(-b2*x))
//
// with respect to its parameters come from automatic differentiation.
//
// It is apart from expr so that parsing and host evaluation (formulas, package frame) link no
// GoMLX package; expr.Fold is the seam between the two.
//
// # Error handling
//
// Node builds a graph, so it follows the GoMLX convention: it panics on error, with an error
// value whose message starts with "exprgraph:"; call it only while building a graph.
//
// # Backends
//
// Node uses only operations that every GoMLX backend supports, the pure-Go one included. GoMLX
// v0.26.0 has no arctangent op; Node computes atan by Newton steps on sin and cos, and gives
// it the exact derivative 1/(1+x²), so gradients and Hessians through atan are exact.
package exprgraph
