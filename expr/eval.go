package expr

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Eval evaluates the expression element by element over n rows, on the host.
//
// vars holds the value of each variable: a slice of length n (a data column), or of length 1
// (a scalar, such as a parameter, used in every row). Eval returns a new slice of length n;
// with n = 0 it returns an empty slice. It does not modify vars.
//
// Eval returns an error if n is negative, if the expression uses a variable that vars lacks
// (the message lists the known ones), or if a variable has a length other than 1 or n.
// Arithmetic follows IEEE 754 and package math, so results may be NaN or ±Inf (log(0) = -Inf,
// sqrt(-1) = NaN, 1/0 = +Inf, (-8)^(1/3) = NaN); Eval does not report them, and the caller
// should check.
func (e *Expr) Eval(vars map[string][]float64, n int) ([]float64, error) {
	if n < 0 {
		return nil, fmt.Errorf("expr: cannot evaluate %s over %d rows", e, n)
	}
	for _, name := range e.Vars() {
		v, ok := vars[name]
		if !ok {
			return nil, fmt.Errorf("expr: unknown variable %q in %s (known: %s)", name, e, knownVars(vars))
		}
		if len(v) != 1 && len(v) != n {
			return nil, fmt.Errorf("expr: variable %q has %d values, want 1 (a scalar) or %d (one per row)",
				name, len(v), n)
		}
	}
	out := make([]float64, n)
	if n == 0 {
		return out, nil
	}
	v := eval(e.root, vars)
	if len(v) == 1 {
		for i := range out {
			out[i] = v[0]
		}
		return out, nil
	}
	copy(out, v)
	return out, nil
}

// knownVars lists the names in vars, sorted, for error messages.
func knownVars(vars map[string][]float64) string {
	if len(vars) == 0 {
		return "none"
	}
	names := make([]string, 0, len(vars))
	for name := range vars {
		names = append(names, name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// eval returns the value of n: a slice of length 1 when n depends on scalars only, else one
// value per row. The result may alias a slice of vars; callers must not modify it.
func eval(n *node, vars map[string][]float64) []float64 {
	switch n.kind {
	case kindNum:
		return []float64{n.num}
	case kindVar:
		return vars[n.name]
	case kindNeg, kindCall:
		return apply1(eval(n.args[0], vars), unaryFunc(n))
	}
	return apply2(eval(n.args[0], vars), eval(n.args[1], vars), binaryFunc(n.kind))
}

// unaryFunc returns the host function of a kindNeg or kindCall node.
func unaryFunc(n *node) func(float64) float64 {
	if n.kind == kindNeg {
		return func(a float64) float64 { return -a }
	}
	return functions[n.name].eval
}

// binaryFunc returns the host function of a binary operator.
func binaryFunc(k kind) func(x, y float64) float64 {
	switch k {
	case kindAdd:
		return func(x, y float64) float64 { return x + y }
	case kindSub:
		return func(x, y float64) float64 { return x - y }
	case kindMul:
		return func(x, y float64) float64 { return x * y }
	case kindDiv:
		return func(x, y float64) float64 { return x / y }
	case kindPow:
		return math.Pow
	}
	return logical(k)
}

// logical returns the host function of a comparison, & or |: 1 for true and 0 for false, and
// NaN when an operand is NaN (R's NA). & and | take every number but 0 as true.
func logical(k kind) func(x, y float64) float64 {
	var test func(x, y float64) bool
	switch k {
	case kindLt:
		test = func(x, y float64) bool { return x < y }
	case kindLe:
		test = func(x, y float64) bool { return x <= y }
	case kindGt:
		test = func(x, y float64) bool { return x > y }
	case kindGe:
		test = func(x, y float64) bool { return x >= y }
	case kindEq:
		test = func(x, y float64) bool { return x == y }
	case kindNe:
		test = func(x, y float64) bool { return x != y }
	case kindAnd:
		test = func(x, y float64) bool { return x != 0 && y != 0 }
	case kindOr:
		test = func(x, y float64) bool { return x != 0 || y != 0 }
	default:
		panic(fmt.Sprintf("expr: no host function for the node kind %d", k))
	}
	return func(x, y float64) float64 {
		switch {
		case math.IsNaN(x) || math.IsNaN(y):
			return math.NaN()
		case test(x, y):
			return 1
		}
		return 0
	}
}

// apply1 returns f applied to each element of a, in a new slice.
func apply1(a []float64, f func(float64) float64) []float64 {
	out := make([]float64, len(a))
	for i, x := range a {
		out[i] = f(x)
	}
	return out
}

// apply2 returns f applied elementwise to a and b, each of length 1 or a common length,
// broadcasting a length-1 operand.
func apply2(a, b []float64, f func(float64, float64) float64) []float64 {
	out := make([]float64, max(len(a), len(b)))
	switch {
	case len(a) == len(b):
		for i := range out {
			out[i] = f(a[i], b[i])
		}
	case len(a) == 1:
		for i := range out {
			out[i] = f(a[0], b[i])
		}
	default:
		for i := range out {
			out[i] = f(a[i], b[0])
		}
	}
	return out
}
