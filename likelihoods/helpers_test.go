package likelihoods_test

import (
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// valueAndDerivative evaluates an elementwise graph function f and its derivative at xs, on the
// test backend.
func valueAndDerivative(t *testing.T, f func(*graph.Node) *graph.Node, xs []float64) (vals, grads []float64) {
	t.Helper()
	exec, err := graph.NewExec(testbackend.Get(t), func(x *graph.Node) (*graph.Node, *graph.Node) {
		v := f(x)
		return v, graph.Gradient(graph.ReduceAllSum(v), x)[0]
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(tensors.FromValue(xs))
	if err != nil {
		t.Fatal(err)
	}
	return tensors.MustCopyFlatData[float64](out[0]), tensors.MustCopyFlatData[float64](out[1])
}
