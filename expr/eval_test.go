package expr

import (
	"math"
	"testing"
)

// sameFloats reports whether got and want have the same length and agree elementwise within a
// relative tolerance tol (absolute below 1), with NaN matching NaN and infinities exactly.
func sameFloats(got, want []float64, tol float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, w := got[i], want[i]
		switch {
		case math.IsNaN(w):
			if !math.IsNaN(g) {
				return false
			}
		case math.IsInf(w, 0):
			if g != w {
				return false
			}
		case math.Abs(g-w) > tol*math.Max(1, math.Abs(w)):
			return false
		}
	}
	return true
}

func TestEval(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	cases := []struct {
		name string
		in   string               // the expression
		vars map[string][]float64 // its variables
		n    int                  // the number of rows
		want []float64            // worked out by hand
	}{
		{"constant broadcast", "2*3 + 1", nil, 3, []float64{7, 7, 7}},
		{"column", "x", map[string][]float64{"x": {1, 2, 3}}, 3, []float64{1, 2, 3}},
		{"scalar times column", "b*x + 1", map[string][]float64{"b": {2}, "x": {1, 2, 3}}, 3, []float64{3, 5, 7}},
		{"column minus scalar", "x - b", map[string][]float64{"b": {0.5}, "x": {1, 2}}, 2, []float64{0.5, 1.5}},
		{"scalar only, broadcast", "b^2", map[string][]float64{"b": {3}}, 2, []float64{9, 9}},
		{"two columns", "x/y", map[string][]float64{"x": {1, 2}, "y": {4, 8}}, 2, []float64{0.25, 0.25}},
		{"precedence", "1 + 2*3^2", nil, 1, []float64{19}},
		{"minus binds looser than power", "-2^2", nil, 1, []float64{-4}},
		{"negated base", "(-2)^2", nil, 1, []float64{4}},
		{"right associative power", "2^3^2", nil, 1, []float64{512}},
		{"signed exponent", "2^-1", nil, 1, []float64{0.5}},
		{"left associative minus and division", "8 - 4 - 2 + 16/4/2", nil, 1, []float64{4}},
		{"functions", "exp(0) + log(1) + sqrt(4) + sin(0) + cos(0) + atan(1)*4", nil, 1,
			[]float64{1 + 0 + 2 + 0 + 1 + math.Pi}},
		{"misra1a", "b1*(1 - exp(-b2*x))", map[string][]float64{"b1": {500}, "b2": {1e-4}, "x": {0, 10000}}, 2,
			[]float64{0, 500 * (1 - math.Exp(-1))}},
		{"anes96 term", "log(popul + 0.1)", map[string][]float64{"popul": {0, 190}}, 2,
			[]float64{math.Log(0.1), math.Log(190.1)}},
		{"log of zero is -Inf", "log(x)", map[string][]float64{"x": {0}}, 1, []float64{-inf}},
		{"square root of a negative is NaN", "sqrt(x)", map[string][]float64{"x": {-1}}, 1, []float64{nan}},
		{"greater than", "x > 3", map[string][]float64{"x": {2, 3, 4}}, 3, []float64{0, 0, 1}},
		{"greater or equal", "x >= 3", map[string][]float64{"x": {2, 3, 4}}, 3, []float64{0, 1, 1}},
		{"less than", "x < 3", map[string][]float64{"x": {2, 3, 4}}, 3, []float64{1, 0, 0}},
		{"less or equal", "x <= 3", map[string][]float64{"x": {2, 3, 4}}, 3, []float64{1, 1, 0}},
		{"equal", "x == 3", map[string][]float64{"x": {2, 3, 4}}, 3, []float64{0, 1, 0}},
		{"not equal", "x != 3", map[string][]float64{"x": {2, 3, 4}}, 3, []float64{1, 0, 1}},
		{"comparison after arithmetic", "x + 1 > 2*2", map[string][]float64{"x": {2, 3, 4}}, 3, []float64{0, 0, 1}},
		{"hinge", "x*(x > 3)", map[string][]float64{"x": {2, 3, 4}}, 3, []float64{0, 0, 4}},
		{"and, or", "(x > 2) & (x < 4) | x == 0", map[string][]float64{"x": {0, 2, 3, 4}}, 4, []float64{1, 0, 1, 0}},
		{"and, or take nonzero as true", "x & 0.5 | 0", map[string][]float64{"x": {0, -2}}, 2, []float64{0, 1}},
		{"comparisons with infinities", "x > 0", map[string][]float64{"x": {-inf, inf}}, 2, []float64{0, 1}},
		{"NaN compares as NaN", "(x > 0) + (x == x) + (x & 0)", map[string][]float64{"x": {nan}}, 1, []float64{nan}},
		{"division by zero is +Inf", "1/x", map[string][]float64{"x": {0}}, 1, []float64{inf}},
		{"fractional power of a negative is NaN", "x^(1/3)", map[string][]float64{"x": {-8}}, 1, []float64{nan}},
		{"NaN propagates", "x + 1", map[string][]float64{"x": {nan, 1}}, 2, []float64{nan, 2}},
		{"no rows", "x + 1", map[string][]float64{"x": {}}, 0, []float64{}},
		{"no rows with a scalar", "b + 1", map[string][]float64{"b": {1}}, 0, []float64{}},
		{"unused variables are fine", "x", map[string][]float64{"x": {1}, "z": {1, 2, 3}}, 1, []float64{1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.Eval(tc.vars, tc.n)
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			// 1e-15: each case is a few correctly rounded operations.
			if !sameFloats(got, tc.want, 1e-15) {
				t.Errorf("%s = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

// TestEvalDoesNotAlias checks that the result is a new slice, even for a bare variable.
func TestEvalDoesNotAlias(t *testing.T) {
	x := []float64{1, 2}
	e, _ := Parse("x")
	got, err := e.Eval(map[string][]float64{"x": x}, 2)
	if err != nil {
		t.Fatal(err)
	}
	got[0] = 99
	if x[0] != 1 {
		t.Errorf("changing Eval's result changed the input column")
	}
}

func TestEvalErrors(t *testing.T) {
	cases := []struct {
		name string
		in   string               // the expression
		vars map[string][]float64 // its variables
		n    int                  // the number of rows
		want string               // the error message
	}{
		{"unknown variable", "b1*x + b3", map[string][]float64{"b1": {1}, "x": {1, 2}}, 2,
			`expr: unknown variable "b3" in b1*x + b3 (known: b1, x)`},
		{"no variables given", "x", nil, 1, `expr: unknown variable "x" in x (known: none)`},
		{"wrong length", "x + y", map[string][]float64{"x": {1, 2, 3}, "y": {1, 2}}, 3,
			`expr: variable "y" has 2 values, want 1 (a scalar) or 3 (one per row)`},
		{"negative rows", "x", map[string][]float64{"x": {1}}, -1, `expr: cannot evaluate x over -1 rows`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.Eval(tc.vars, tc.n)
			if err == nil || err.Error() != tc.want {
				t.Errorf("Eval error:\n got %v\nwant %s", err, tc.want)
			}
		})
	}
}
