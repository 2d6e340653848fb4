package expr_test

import (
	"fmt"
	"log"

	"github.com/gomle/gomle/expr"
)

// ExampleParse parses the mean function of NIST's Misra1a problem and evaluates it at the
// start values, over three rows of data.
func ExampleParse() {
	e, err := expr.Parse("b1*(1-exp(-b2*x))")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(e)
	fmt.Println(e.Vars())
	y, err := e.Eval(map[string][]float64{
		"b1": {500},  // a parameter: one value, used in every row
		"b2": {1e-4}, // another parameter
		"x":  {77.6, 114.9, 141.1},
	}, 3)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.4f\n", y)
	// Output:
	// b1*(1 - exp(-b2*x))
	// [b1 b2 x]
	// [3.8650 5.7121 7.0055]
}

// ExampleParse_error shows what a syntax error says.
func ExampleParse_error() {
	_, err := expr.Parse("b1*expp(x)")
	fmt.Println(err)
	_, err = expr.Parse("b1*(1-exp(-b2*x)")
	fmt.Println(err)
	// Output:
	// expr: unknown function "expp" at column 4 (known: atan, cos, exp, log, sin, sqrt)
	// expr: missing ")" opened at column 4
}

// polish writes expressions in prefix (Polish) notation, folding constants as Fold does.
type polish struct{}

func (polish) Const(c float64) string   { return fmt.Sprintf("%.4g", c) }
func (polish) Var(name string) string   { return name }
func (polish) Neg(a string) string      { return "(neg " + a + ")" }
func (polish) Call(fn, a string) string { return "(" + fn + " " + a + ")" }
func (polish) Binary(op expr.Op, a, b string) string {
	return "(" + op.String() + " " + a + " " + b + ")"
}

// ExampleFold computes an expression in another representation, here a string in prefix
// notation; package exprgraph uses Fold to build GoMLX graphs. The sub-expression without
// variables, 2*3.5^2, reaches the Folder as one constant.
func ExampleFold() {
	e, err := expr.Parse("b1*exp(-x/(2*3.5^2)) + x^2")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(expr.Fold[string](e, polish{}))
	// Output:
	// (+ (* b1 (exp (/ (neg x) 24.5))) (^ x 2))
}
