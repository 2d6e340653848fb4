package expr

import "math"

// Derivative evaluates the expression and its derivative with respect to the variable wrt,
// element by element over n rows, exactly (forward-mode automatic differentiation on the
// host). vars is as for Eval. A variable the expression does not use has derivative 0.
// It returns the same errors as Eval.
func (e *Expr) Derivative(vars map[string][]float64, n int, wrt string) (value, deriv []float64, err error) {
	if value, err = e.Eval(vars, n); err != nil {
		return nil, nil, err
	}
	deriv = make([]float64, n)
	if n == 0 {
		return value, deriv, nil
	}
	_, d := evalDual(e.root, vars, wrt)
	if len(d) == 1 {
		for i := range deriv {
			deriv[i] = d[0]
		}
	} else {
		copy(deriv, d)
	}
	return value, deriv, nil
}

// chain returns the inner derivative d times the outer derivative f, 0 when d is 0 whatever f
// is: where the argument does not move, an infinite outer derivative (√ at 0, x^0 at 0) must
// not turn the product into NaN.
func chain(d, f float64) float64 {
	if d == 0 {
		return 0
	}
	return d * f
}

// evalDual returns the value of n and its derivative with respect to wrt, each of length 1
// (when n depends on scalars only) or one per row.
func evalDual(n *node, vars map[string][]float64, wrt string) (v, d []float64) {
	switch n.kind {
	case kindNum:
		return []float64{n.num}, []float64{0}
	case kindVar:
		v = vars[n.name]
		d = make([]float64, len(v))
		if n.name == wrt {
			for i := range d {
				d[i] = 1
			}
		}
		return v, d
	case kindNeg:
		v, d = evalDual(n.args[0], vars, wrt)
		neg := func(a float64) float64 { return -a }
		return apply1(v, neg), apply1(d, neg)
	case kindCall:
		a, da := evalDual(n.args[0], vars, wrt)
		f := functions[n.name]
		return apply1(a, f.eval), apply2(da, apply1(a, f.deriv), chain)
	}
	if isComparison(n.kind) || n.kind == kindAnd || n.kind == kindOr {
		// A step function: its derivative is 0 wherever it is defined (everywhere but where
		// the operands are equal, for a comparison).
		v = eval(n, vars)
		return v, make([]float64, len(v))
	}
	a, da := evalDual(n.args[0], vars, wrt)
	b, db := evalDual(n.args[1], vars, wrt)
	mul := func(x, y float64) float64 { return x * y }
	add := func(x, y float64) float64 { return x + y }
	switch n.kind {
	case kindAdd:
		return apply2(a, b, add), apply2(da, db, add)
	case kindSub:
		return apply2(a, b, func(x, y float64) float64 { return x - y }), apply2(da, db, func(x, y float64) float64 { return x - y })
	case kindMul:
		return apply2(a, b, mul), apply2(apply2(da, b, mul), apply2(a, db, mul), add)
	case kindDiv:
		q := apply2(a, b, func(x, y float64) float64 { return x / y })
		// (a/b)' = (a' − q b')/b
		return q, apply2(apply2(da, apply2(q, db, mul), func(x, y float64) float64 { return x - y }), b, func(x, y float64) float64 { return x / y })
	}
	// a^b: (a^b)' = a^b (b' log a + b a'/a), with the b' term dropped where b' = 0 (so that a
	// negative base with a constant exponent, (−2)^2, has its derivative b a^(b−1) a').
	p := apply2(a, b, math.Pow)
	out := make([]float64, max(len(p), len(da), len(db)))
	at := func(s []float64, i int) float64 {
		if len(s) == 1 {
			return s[0]
		}
		return s[i]
	}
	for i := range out {
		ai, bi, dai, dbi := at(a, i), at(b, i), at(da, i), at(db, i)
		if bi != 0 { // a^0 is constant, even at a = 0 where b·a^(b−1) would be 0·∞
			out[i] = chain(dai, bi*math.Pow(ai, bi-1))
		}
		if dbi != 0 {
			out[i] += at(p, i) * math.Log(ai) * dbi
		}
	}
	return p, out
}
