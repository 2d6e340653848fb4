package likelihoods_test

import (
	"math"
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"gonum.org/v1/gonum/stat/distuv"
)

// TestLogNormalCDF checks value and derivative against Φ(z) = ½erfc(−z/√2) from Go's math
// package (accurate in the tail, unlike 1 + erf) and gonum's normal density, across the switch
// point and into the tail, down to z = −30 where Φ ≈ 5e-198 (erfc underflows near −37).
func TestLogNormalCDF(t *testing.T) {
	zs := []float64{3, 1, 0, -1, -3, -5.9, -6, -6.1, -8, -20, -30}
	exec, err := graph.NewExec(testbackend.Get(t), func(z *graph.Node) (*graph.Node, *graph.Node) {
		v := likelihoods.LogNormalCDF(z)
		return v, graph.Gradient(graph.ReduceAllSum(v), z)[0]
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(tensors.FromValue(zs))
	if err != nil {
		t.Fatal(err)
	}
	vals, grads := tensors.MustCopyFlatData[float64](out[0]), tensors.MustCopyFlatData[float64](out[1])
	for i, z := range zs {
		want := math.Log(0.5 * math.Erfc(-z/math.Sqrt2))
		// d log Φ/dz = φ(z)/Φ(z), computed in logs to stay finite in the tail.
		wantGrad := math.Exp(distuv.UnitNormal.LogProb(z) - want)
		// 1e-6 relative: the switch point's accuracy (see logCDFSwitch), far tighter elsewhere.
		if math.Abs(vals[i]-want) > 1e-6*math.Max(1, math.Abs(want)) {
			t.Errorf("log Φ(%v) = %.12g, gonum %.12g", z, vals[i], want)
		}
		if math.Abs(grads[i]-wantGrad) > 1e-6*math.Max(1, math.Abs(wantGrad)) {
			t.Errorf("d log Φ(%v)/dz = %.12g, want %.12g", z, grads[i], wantGrad)
		}
	}
}
