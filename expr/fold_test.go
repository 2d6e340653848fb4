package expr_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/expr"
)

// checked is a Folder that writes the expression in prefix notation, constants as #c, and
// reports through t any call that Fold's contract rules out: a constant operand of Neg or
// Call, or two constant operands of Binary.
type checked struct{ t *testing.T }

func (checked) Const(c float64) string { return fmt.Sprintf("#%g", c) }
func (checked) Var(name string) string { return name }
func (f checked) Neg(a string) string {
	if strings.HasPrefix(a, "#") {
		f.t.Errorf("Neg of the constant %s", a)
	}
	return "(neg " + a + ")"
}
func (f checked) Call(fn, a string) string {
	if strings.HasPrefix(a, "#") {
		f.t.Errorf("%s of the constant %s", fn, a)
	}
	return "(" + fn + " " + a + ")"
}
func (f checked) Binary(op expr.Op, a, b string) string {
	if strings.HasPrefix(a, "#") && strings.HasPrefix(b, "#") {
		f.t.Errorf("%s of the constants %s and %s", op, a, b)
	}
	return "(" + op.String() + " " + a + " " + b + ")"
}

// scalars is a Folder that evaluates the expression with package math, for scalar variables.
type scalars map[string]float64

func (scalars) Const(c float64) float64   { return c }
func (s scalars) Var(name string) float64 { return s[name] }
func (scalars) Neg(a float64) float64     { return -a }
func (scalars) Call(fn string, a float64) float64 {
	return map[string]func(float64) float64{"atan": math.Atan, "cos": math.Cos, "exp": math.Exp,
		"log": math.Log, "sin": math.Sin, "sqrt": math.Sqrt}[fn](a)
}
func (scalars) Binary(op expr.Op, a, b float64) float64 {
	switch op {
	case expr.Add:
		return a + b
	case expr.Sub:
		return a - b
	case expr.Mul:
		return a * b
	case expr.Div:
		return a / b
	case expr.Gt:
		if math.IsNaN(a) || math.IsNaN(b) {
			return math.NaN()
		}
		if a > b {
			return 1
		}
		return 0
	}
	return math.Pow(a, b)
}

func TestFold(t *testing.T) {
	cases := []struct {
		in   string // the expression
		want string // what checked makes of it
	}{
		{"2*3 + 1", "#7"},
		{"x", "x"},
		{"-x", "(neg x)"},
		{"-2", "#-2"},
		{"x*sqrt(4)", "(* x #2)"},
		{"exp(-x) - 2^-1", "(- (exp (neg x)) #0.5)"},
		{"b1*(1 - exp(-b2*x))", "(* b1 (- #1 (exp (* (neg b2) x))))"},
		{"x/(2*3.5^2)", "(/ x #24.5)"},
		{"x^2^3", "(^ x #8)"},
		{"(x + 1) - -(2 - 3)", "(- (+ x #1) #1)"},
		{"x + x*x", "(+ x (* x x))"},
		{"log(0)*x", "(* #-Inf x)"},
		{"x > 2 - 1", "(> x #1)"},
		{"x*(3 > 2)", "(* x #1)"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			e, err := expr.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := expr.Fold[string](e, checked{t}); got != tc.want {
				t.Errorf("Fold gives %s, want %s", got, tc.want)
			}
			// Fold with scalar arithmetic agrees with Eval exactly: the same operations in
			// the same order.
			vars := scalars{"x": 0.7, "b1": 1.3, "b2": -0.4}
			cols := make(map[string][]float64)
			for name, v := range vars {
				cols[name] = []float64{v}
			}
			want, err := e.Eval(cols, 1)
			if err != nil {
				t.Fatal(err)
			}
			if got := expr.Fold[float64](e, vars); got != want[0] && !(math.IsNaN(got) && math.IsNaN(want[0])) {
				t.Errorf("Fold evaluates to %.17g, Eval to %.17g", got, want[0])
			}
		})
	}
}

func TestOpString(t *testing.T) {
	var b strings.Builder
	for _, op := range []expr.Op{expr.Add, expr.Sub, expr.Mul, expr.Div, expr.Pow, expr.Lt, expr.Le, expr.Gt,
		expr.Ge, expr.Eq, expr.Ne, expr.And, expr.Or, 0} {
		b.WriteString(op.String() + " ")
	}
	if got, want := b.String(), "+ - * / ^ < <= > >= == != & | Op(?) "; got != want {
		t.Errorf("operators print as %q, want %q", got, want)
	}
	if expr.Pow.Logical() || !expr.Lt.Logical() || !expr.Or.Logical() {
		t.Errorf("Logical: Pow %v, Lt %v, Or %v; want false, true, true", expr.Pow.Logical(), expr.Lt.Logical(), expr.Or.Logical())
	}
}
