// Package evaltest holds checks of an mlx.Evaluator's programs shared by the tests of several
// packages.
package evaltest

import (
	"math"
	"slices"
	"testing"

	"github.com/gomle/gomle/mlx"
	"gonum.org/v1/gonum/mat"
)

// CheckFusedAndLine checks the one-call value, gradient and Hessian of ev at u against the
// separate programs (the Hessian against ref), and, for a model with declared indices, ℓ along
// a line, several step sizes per call (more than one call's worth), against ℓ at each point.
// A model without indices must decline the line.
func CheckFusedAndLine(t testing.TB, name string, ev *mlx.Evaluator, u []float64, ref *mat.SymDense) {
	t.Helper()
	grad, fusedGrad := make([]float64, len(u)), make([]float64, len(u))
	ll, err := ev.LogLikeGrad(u, grad)
	if err != nil {
		t.Fatal(err)
	}
	fusedLL, h, err := ev.LogLikeGradHessian(u, fusedGrad)
	if err != nil {
		t.Fatal(err)
	}
	if d := RelDiff(h, ref); d > 1e-10 || math.Abs(fusedLL-ll) > 1e-12*math.Abs(ll) ||
		gradDiff(fusedGrad, grad) > 1e-10 {
		t.Errorf("%s: the fused program gives ℓ %v, gradient %v and a Hessian %.2g from the generic one; separately ℓ %v, gradient %v",
			name, fusedLL, fusedGrad, d, ll, grad)
	}
	dir := make([]float64, len(u))
	for i := range dir {
		dir[i] = 0.1 * float64(i%4-1)
	}
	alphas := []float64{1, 0.5, 0.25, 0.125, 1.0 / 16, 1.0 / 32, 1.0 / 64, 1.0 / 128, 1.0 / 256, 1.0 / 512}
	lls, ok, err := ev.LogLikeLine(u, dir, alphas)
	if err != nil {
		t.Fatalf("%s: line: %v", name, err)
	}
	if indexed := len(ev.Model().Indices) > 0; ok != indexed {
		t.Fatalf("%s: line in one call: ok %v for a model with %d indices", name, ok, len(ev.Model().Indices))
	}
	if !ok {
		return // one point at a time, by the caller
	}
	for j, a := range alphas {
		at := slices.Clone(u)
		for i := range at {
			at[i] += a * dir[i]
		}
		want, err := ev.LogLike(at)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(lls[j]-want) > 1e-12*math.Abs(want) {
			t.Errorf("%s: ℓ at step %v along the line: %v in one call, %v alone", name, a, lls[j], want)
		}
	}
}

// RelDiff returns ‖a−b‖∞/‖b‖∞.
func RelDiff(a, b mat.Matrix) float64 {
	var d mat.Dense
	d.Sub(a, b)
	return mat.Norm(&d, math.Inf(1)) / mat.Norm(b, math.Inf(1))
}

// gradDiff returns ‖a−b‖∞/max(‖b‖∞, 1): relative for a gradient away from a maximum, and
// absolute near one, where the entries are rounding noise of sums of order one per observation.
func gradDiff(a, b []float64) float64 {
	d, norm := 0.0, 1.0
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
		norm = math.Max(norm, math.Abs(b[i]))
	}
	return d / norm
}
