package mlx_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/internal/simdata"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
)

// TestFloat32 fits a simulated regression of N = 50000, K = 100 from its start values with L-BFGS on
// the data in float64 and in float32, and compares the estimates. Rounding X and y to float32
// moves the MLE itself by about 6e-8 relative (float32's half-ulp) times the conditioning, and
// the float32 gradient is noisier near the optimum, so the two fits agree to about 1e-5
// relative, not to float64's 1e-9: the bound below is 1e-4 of each coefficient's scale
// (max(|β|, 1)). The float32 fit must carry its precision warning.
func TestFloat32(t *testing.T) {
	prob := simdata.NormalLinear(50000, 100, 1)
	ds64, err := mlx.NewDataset(mlx.Vector("y", prob.Y), mlx.Matrix("x", prob.X))
	if err != nil {
		t.Fatal(err)
	}
	ds32, err := ds64.Float32()
	if err != nil {
		t.Fatal(err)
	}
	if ds32.DType() != dtypes.Float32 || ds64.DType() != dtypes.Float64 {
		t.Fatalf("dtypes %v and %v", ds32.DType(), ds64.DType())
	}
	fit := func(ds *mlx.Dataset) *mlx.Result {
		res, err := mlx.Fit(testbackend.Get(t), likelihoods.NormalLinear(prob.K), ds, &mlx.Settings{Start: prob.Start, Settings: optim.Settings{SkipHessian: true}}, &optim.LBFGS{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	r64, r32 := fit(ds64), fit(ds32)
	if !r64.Status.Converged() || len(r64.Warnings) != 0 {
		t.Fatalf("float64 fit: %v (%s), warnings %v", r64.Status, r64.Reason, r64.Warnings)
	}
	if len(r32.Warnings) != 1 || !strings.Contains(r32.Warnings[0], "float32") {
		t.Errorf("float32 fit warnings %q", r32.Warnings)
	}
	worst, at := 0.0, 0
	for i := range r64.Estimates {
		d := math.Abs(r32.Estimates[i]-r64.Estimates[i]) / math.Max(1, math.Abs(r64.Estimates[i]))
		if d > worst {
			worst, at = d, i
		}
	}
	t.Logf("float32: %v (%s) after %d iterations; largest difference from float64 %.2g (parameter %d); log-likelihoods %.10g and %.10g",
		r32.Status, r32.Reason, r32.Iterations, worst, at, r32.LogLike, r64.LogLike)
	if worst > 1e-4 {
		t.Errorf("float32 estimates differ from float64 by %.3g (parameter %d)", worst, at)
	}
	if d := math.Abs(r32.LogLike-r64.LogLike) / math.Abs(r64.LogLike); d > 1e-5 {
		t.Errorf("log-likelihoods %v (float32 data) and %v differ by %.2g relative", r32.LogLike, r64.LogLike, d)
	}
}
