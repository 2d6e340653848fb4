package expr_test

import (
	"math"
	"testing"

	"github.com/gomle/gomle/expr"
)

// TestDerivative checks the exact derivative of every function and operator against central
// differences of Eval.
func TestDerivative(t *testing.T) {
	xs := []float64{0.3, 1.7, 2.5}
	zs := []float64{1.1, -0.4, 0.9}
	cases := []string{
		"x", "3", "-x", "x + z", "x - 2*z", "x*z", "x/z", "z/x", "x^2", "x^z", "2^x", "(x - 5)^3",
		"log(x + 0.1)", "exp(x*z)", "sqrt(x)", "sin(x)", "cos(x)", "atan(x*z)", "log(popul) + x",
		// A comparison is a step: derivative 0 away from the step (none of xs is at 2), so
		// x*(x > 2) has derivative x > 2.
		"x > 2", "x*(x > 2)", "(x <= 2)*z + x", "(x > 1) & (z < 1)",
	}
	for _, src := range cases {
		e, err := expr.Parse(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		vars := map[string][]float64{"x": xs, "z": zs, "popul": {4}}
		val, der, err := e.Derivative(vars, len(xs), "x")
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		want, _ := e.Eval(vars, len(xs))
		const h = 1e-6
		for i := range xs {
			if val[i] != want[i] {
				t.Errorf("%s at row %d: value %g, Eval %g", src, i, val[i], want[i])
			}
			at := func(x float64) float64 {
				v, _ := e.Eval(map[string][]float64{"x": {x}, "z": {zs[i]}, "popul": {4}}, 1)
				return v[0]
			}
			fdiff := (at(xs[i]+h) - at(xs[i]-h)) / (2 * h)
			if math.Abs(der[i]-fdiff) > 1e-6*math.Max(1, math.Abs(fdiff)) {
				t.Errorf("d/dx %s at row %d: %.10g, finite differences %.10g", src, i, der[i], fdiff)
			}
		}
	}
	e, _ := expr.Parse("z^2")
	if _, der, _ := e.Derivative(map[string][]float64{"z": zs}, 3, "x"); der[0] != 0 || der[2] != 0 {
		t.Errorf("derivative with respect to an unused variable: %v", der)
	}
	// Where an argument does not move, an infinite outer derivative does not make NaN:
	// d/dx x·√z at z = 0 is √0 = 0, and d/dx of x^0 is 0 at x = 0.
	for src, want := range map[string]float64{"x*sqrt(z)": 0, "x*z^0.5": 0, "x^0": 0, "sqrt(z) + x": 1} {
		e, _ := expr.Parse(src)
		_, der, err := e.Derivative(map[string][]float64{"x": {0}, "z": {0}}, 1, "x")
		if err != nil || der[0] != want {
			t.Errorf("d/dx %s at x = z = 0: %v (%v), want %v", src, der, err, want)
		}
	}
}
