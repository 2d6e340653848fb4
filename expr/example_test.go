package expr_test

import (
	"fmt"
	"log"

	"github.com/gomle/gomle/expr"
	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
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

// ExampleExpr_Node builds an expression as a GoMLX graph, with a data column and a scalar
// parameter as inputs, and takes its derivative with respect to the parameter.
func ExampleExpr_Node() {
	e, err := expr.Parse("exp(-b*x)")
	if err != nil {
		log.Fatal(err)
	}
	backend, _, err := mlx.NewBackend()
	if err != nil {
		log.Fatal(err)
	}
	exec, err := graph.NewExec(backend, func(x, b *graph.Node) (*graph.Node, *graph.Node) {
		inputs := map[string]*graph.Node{"x": x, "b": b}
		y := e.Node(func(name string) (*graph.Node, error) {
			if n, ok := inputs[name]; ok {
				return n, nil
			}
			return nil, fmt.Errorf("no input %q", name)
		})
		return y, graph.Gradient(graph.ReduceAllSum(y), b)[0]
	})
	if err != nil {
		log.Fatal(err)
	}
	out, err := exec.Exec([]float64{0, 1, 2}, 0.5)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("values %.4f\n", tensors.MustCopyFlatData[float64](out[0]))
	// d/db Σ exp(-b·x) = -Σ x·exp(-b·x)
	fmt.Printf("derivative %.4f\n", tensors.MustCopyFlatData[float64](out[1])[0])
	// Output:
	// values [1.0000 0.6065 0.3679]
	// derivative -1.3423
}
