package exprgraph_test

import (
	"fmt"
	"log"

	"github.com/gomle/gomle/backend"
	"github.com/gomle/gomle/expr"
	"github.com/gomle/gomle/expr/exprgraph"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// ExampleNode builds an expression as a GoMLX graph, with a data column and a scalar parameter
// as inputs, and takes its derivative with respect to the parameter.
func ExampleNode() {
	e, err := expr.Parse("exp(-b*x)")
	if err != nil {
		log.Fatal(err)
	}
	b, _, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	exec, err := graph.NewExec(b, func(xNode, bNode *graph.Node) (*graph.Node, *graph.Node) {
		inputs := map[string]*graph.Node{"x": xNode, "b": bNode}
		y := exprgraph.Node(e, func(name string) (*graph.Node, error) {
			if n, ok := inputs[name]; ok {
				return n, nil
			}
			return nil, fmt.Errorf("no input %q", name)
		})
		return y, graph.Gradient(graph.ReduceAllSum(y), bNode)[0]
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
