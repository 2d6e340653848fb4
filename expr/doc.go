// Package expr parses and evaluates small arithmetic expressions over named variables, such as
// the mean function of a nonlinear regression,
//
//	b1*(1 - exp(-b2*x))
//
// or a transformed formula term, such as log(popul + 0.1).
//
// An expression is made of numbers (12, 0.5, .5, 1e-4, 2.5E+3), identifiers
// ([A-Za-z_][A-Za-z0-9_.]*), the binary operators + - * / and ^ (** is accepted for ^), the
// comparisons < <= > >= == !=, the logical operators & and |, unary minus and plus,
// parentheses, and calls of the one-argument functions atan, cos, exp, log (natural), sin and
// sqrt. Precedence, from the tightest, as in R:
//
//	^  **                  right-associative: a^b^c = a^(b^c)
//	unary - +              binds looser than ^: -x^2 = -(x^2), but 2^-x = 2^(-x)
//	*  /                   left-associative
//	+  -                   left-associative
//	<  <=  >  >=  ==  !=   do not chain: a < b < c is an error, write (a < b) & (b < c)
//	&                      left-associative
//	|                      left-associative
//
// A comparison is 1 where it holds and 0 elsewhere, so x*(x > 3) is x above 3 and 0 below;
// & and | take any number but 0 as true and also give 1 or 0. All three give NaN where an
// operand is NaN, as R gives NA. Their derivative is 0 (Derivative treats them as constant
// steps, the jump itself has no derivative).
//
// Parse builds an Expr. Eval evaluates it element by element on the host, over float64 columns.
// Fold computes it in another representation: package exprgraph uses it to build the same
// computation as a GoMLX graph, so that gradients and Hessians with respect to parameters come
// from automatic differentiation. Package expr itself imports no GoMLX package, so parsing a
// formula (package frame) does not link the graph engine.
//
// # Error handling
//
// Parse never panics. It returns a *SyntaxError that gives the byte offset of the problem, the
// 1-based column in its message, and what was expected, for example
//
//	expr: unknown function "expp" at column 5 (known: atan, cos, exp, log, sin, sqrt)
//
// Expressions may nest at most MaxDepth levels (parentheses, unary signs, powers and calls);
// deeper input is an error, not a stack overflow.
//
// Eval returns an error naming an unknown variable (and listing the known ones) or a variable of
// the wrong length. It does not treat NaN or ±Inf results as errors: log(0) is -Inf and
// sqrt(-1) is NaN, as in package math, and the caller decides what to do with them.
//
// Fold panics only if its Folder does.
//
// # Backends
//
// The package works on the host only and builds no GoMLX graphs; package exprgraph does, on
// any backend.
package expr
