package optim

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestTrustSubproblem checks the exact trust-region step on small problems solved by hand.
// h is the Hessian of ℓ and g its gradient; d = (1, 1), so the ball is Euclidean.
func TestTrustSubproblem(t *testing.T) {
	one := []float64{1, 1}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

	// −H = diag(2, 8), g = (2, 8): the Newton step is (1, 1), the decrement gᵀ(−H)⁻¹g = 2 + 8
	// = 10, the predicted rise gᵀs − ½sᵀ(−H)s = 10 − 5 = 5, the standard errors 1/√2, 1/√8.
	h := mat.NewSymDense(2, []float64{-2, 0, 0, -8})
	sp, ok := newTrustSubproblem(h, []float64{2, 8}, one)
	if !ok || !sp.posDef {
		t.Fatalf("ok %v, positive definite %v", ok, sp != nil && sp.posDef)
	}
	step, dec, rel := sp.newton([]float64{4, 4})
	if !near(step[0], 1) || !near(step[1], 1) || !near(dec, 10) || !near(rel, 0.25) {
		t.Errorf("Newton step %v, decrement %v, relative step %v; want (1, 1), 10, 1/4", step, dec, rel)
	}
	if _, _, rel := sp.newton([]float64{0, 0}); !near(rel, math.Sqrt(8)) {
		t.Errorf("relative step at u = 0: %v, want 1/SE₂ = √8", rel)
	}
	step, pred, boundary := sp.solve(10)
	if !near(step[0], 1) || !near(step[1], 1) || !near(pred, 5) || boundary {
		t.Errorf("interior step %v, predicted %v, boundary %v; want (1, 1), 5, false", step, pred, boundary)
	}
	// Δ = 0.5: the step (2/(2+μ), 8/(8+μ)) on the boundary, for some μ > 0.
	step, _, boundary = sp.solve(0.5)
	mu := 2/step[0] - 2
	if n := math.Hypot(step[0], step[1]); math.Abs(n-0.5) > 1e-6 || !boundary || !(mu > 0) || !near(step[1], 8/(8+mu)) {
		t.Errorf("boundary step %v (norm %v, μ %v), want norm 0.5 and (2/(2+μ), 8/(8+μ))", step, n, mu)
	}

	// −H = diag(−1, 1) is indefinite: every step lies on the boundary, with μ > 1.
	h = mat.NewSymDense(2, []float64{1, 0, 0, -1})
	sp, _ = newTrustSubproblem(h, []float64{1, 1}, one)
	step, pred, boundary = sp.solve(2)
	if n := math.Hypot(step[0], step[1]); sp.posDef || math.Abs(n-2) > 1e-6 || !boundary || !(pred > 0) {
		t.Errorf("indefinite: step %v (norm %v), predicted %v, boundary %v", step, n, pred, boundary)
	}

	// The hard case: g = (0, 1) has no weight on the direction of negative curvature. The
	// step along the other direction is 1/(1 + μ) = 1/2 at μ = −λ₁ = 1, inside Δ = 2, so the
	// step is completed to the boundary along the first axis: (±√(4 − ¼), ½).
	sp, _ = newTrustSubproblem(h, []float64{0, 1}, one)
	step, pred, boundary = sp.solve(2)
	if !near(math.Abs(step[0]), math.Sqrt(3.75)) || !near(step[1], 0.5) || !boundary {
		t.Errorf("hard case: step %v, want (±%v, 0.5)", step, math.Sqrt(3.75))
	}
	// Predicted rise: gᵀs + ½sᵀHs = 0.5 + ½(3.75 − 0.25) = 2.25.
	if !near(pred, 2.25) {
		t.Errorf("hard case: predicted rise %v, want 2.25", pred)
	}

	// Not finite: refused.
	if _, ok := newTrustSubproblem(mat.NewSymDense(1, []float64{math.NaN()}), []float64{1}, []float64{1}); ok {
		t.Error("NaN Hessian accepted")
	}
}

// TestDrifting checks the mark of a creeping valley: steps of about the same length and
// direction, in the scaled norm.
func TestDrifting(t *testing.T) {
	d := []float64{1, 100}
	for _, tc := range []struct {
		prev, step []float64
		want       bool
	}{
		{[]float64{1, 0.01}, []float64{1.1, 0.011}, true},  // same direction, 10% longer
		{[]float64{1, 0.01}, []float64{0.1, 0.001}, false}, // ten times shorter: converging
		{[]float64{1, 0.01}, []float64{1, -0.01}, false},   // 90° apart in the scaled norm
		{[]float64{0, 0}, []float64{1, 0}, false},          // no previous step
	} {
		if got := drifting(d, tc.prev, tc.step); got != tc.want {
			t.Errorf("drifting(%v, %v) = %v, want %v", tc.prev, tc.step, got, tc.want)
		}
	}
}

// TestGradNorm checks the norm that judges steps where ℓ's change is rounding. With −H =
// [[1, 0.999], [0.999, 1]] (correlation 0.999) and d = (1, 1), the gradient g = (1, 1) lies
// along the stiff direction and h = (0.01, −0.01) along the soft one: ‖h‖ < ‖g‖, but in the
// Newton norm h is the longer, hᵀ(−H)⁻¹h = 0.0002/0.001 = 0.2 against gᵀ(−H)⁻¹g = 2/1.999.
// Where −H is indefinite the norm is ‖D⁻¹v‖.
func TestGradNorm(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
	h := mat.NewSymDense(2, []float64{-1, -0.999, -0.999, -1})
	sp, _ := newTrustSubproblem(h, []float64{1, 1}, []float64{1, 1})
	if ng, nh := sp.gradNorm([]float64{1, 1}), sp.gradNorm([]float64{0.01, -0.01}); !near(ng*ng, 2/1.999) || !near(nh*nh, 0.2) {
		t.Errorf("Newton norms² %v and %v, want %v and 0.2", ng*ng, nh*nh, 2/1.999)
	}
	if _, dec, _ := sp.newton([]float64{1, 1}); !near(sp.gradNorm([]float64{1, 1}), math.Sqrt(dec)) {
		t.Errorf("Newton norm of g %v, want √decrement %v", sp.gradNorm([]float64{1, 1}), math.Sqrt(dec))
	}
	h = mat.NewSymDense(2, []float64{1, 0, 0, -4})
	sp, _ = newTrustSubproblem(h, []float64{1, 1}, []float64{1, 2})
	if n := sp.gradNorm([]float64{3, 8}); !near(n, 5) {
		t.Errorf("indefinite: norm %v, want ‖D⁻¹v‖ = ‖(3, 4)‖ = 5", n)
	}
}
