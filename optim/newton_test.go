package optim_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/optim"
	"gonum.org/v1/gonum/mat"
)

// fusedGLM offers a glm's value, gradient and Hessian in one call and ℓ along a line for several
// step sizes in one call, as mlx.Evaluator does for models with indices, and counts the calls.
type fusedGLM struct {
	*glm
	fused, lines, hessians int
}

var (
	_ optim.HessianObjective = (*fusedGLM)(nil)
	_ optim.LineObjective    = (*fusedGLM)(nil)
)

func (m *fusedGLM) LogLikeGradHessian(x, grad []float64) (float64, *mat.SymDense, error) {
	m.fused++
	ll, err := m.glm.LogLikeGrad(x, grad)
	if err != nil {
		return 0, nil, err
	}
	h, err := m.glm.Hessian(x)
	return ll, h, err
}

func (m *fusedGLM) Hessian(x []float64) (*mat.SymDense, error) {
	m.hessians++
	return m.glm.Hessian(x)
}

func (m *fusedGLM) LogLikeLine(x, d, alphas []float64) ([]float64, bool, error) {
	m.lines++
	lls := make([]float64, len(alphas))
	for j, a := range alphas {
		at := make([]float64, len(x))
		for i := range x {
			at[i] = x[i] + a*d[i]
		}
		lls[j], _ = m.glm.LogLike(at)
	}
	return lls, true, nil
}

// TestNewtonFusedCalls fits the Spector logit with Newton from a start far enough away that
// full steps are rejected (β = 0 but the intercept at −30, where every fitted probability is
// about 0 and ℓ is nearly flat in the wrong direction), through a plain Objective and through
// one with the fused and line programs. Both reach the same estimates; the fused run asks for
// a separate Hessian at the start alone, for the value, gradient and Hessian once per point
// tried with a full step, and for the line only when a full step fails.
func TestNewtonFusedCalls(t *testing.T) {
	x, y := spector(t)
	for _, start := range [][]float64{{0, 0, 0, 0}, {0, 0, 0, -30}} {
		plain, err := optim.Maximize(logit(x, y), start, nil, &optim.Newton{})
		if err != nil {
			t.Fatal(err)
		}
		obj := &fusedGLM{glm: logit(x, y)}
		res, err := optim.Maximize(obj, start, nil, &optim.Newton{})
		if err != nil {
			t.Fatal(err)
		}
		if !plain.Status.Converged() || !res.Status.Converged() {
			t.Fatalf("start %v: plain %v (%s), fused %v (%s)", start, plain.Status, plain.Reason, res.Status, res.Reason)
		}
		if d := maxRelDiff(res.X, plain.X, 1); d > 1e-12 {
			t.Errorf("start %v: fused estimates %v, plain %v", start, res.X, plain.X)
		}
		// Spector's logit (Greene, Table 21.1 via statsmodels): GPA 2.826113, intercept −13.021347.
		if math.Abs(res.X[0]-2.826113) > 1e-6 || math.Abs(res.X[3]+13.021347) > 1e-6 {
			t.Errorf("start %v: estimates %v", start, res.X)
		}
		// The start's Hessian comes alone: Maximize has checked the start's value and gradient.
		if obj.hessians != 1 || obj.fused+obj.hessians != res.HessEvals || obj.fused > res.Iterations+1 {
			t.Errorf("start %v: %d fused calls, %d separate Hessians, for %d iterations (%d Hessian evaluations)",
				start, obj.fused, obj.hessians, res.Iterations, res.HessEvals)
		}
		if far := start[3] != 0; far != (obj.lines > 0) {
			t.Errorf("start %v: %d line calls", start, obj.lines)
		}
	}
}

// TestNewtonFinishes checks the digits after the gradient test: on a quadratic with curvatures
// 1e-4 and 1e4 (units far apart) Newton lands on the maximum in one step and reports a Newton
// decrement at rounding level; with a loose gradient test on a non-quadratic function it takes
// the extra steps and ends far closer than the test asks.
func TestNewtonFinishes(t *testing.T) {
	// ℓ(x) = −Σ cᵢ(xᵢ − 1)²/2 − (x₀ − 1)⁴: the quartic term makes Newton converge in steps.
	c := []float64{1e-4, 1e4}
	f := &function{p: 2,
		f: func(x []float64) float64 {
			return -0.5*(c[0]*(x[0]-1)*(x[0]-1)+c[1]*(x[1]-1)*(x[1]-1)) - math.Pow(x[0]-1, 4)
		},
		grad: func(g, x []float64) {
			g[0] = -c[0]*(x[0]-1) - 4*math.Pow(x[0]-1, 3)
			g[1] = -c[1] * (x[1] - 1)
		},
		hess: func(h *mat.SymDense, x []float64) {
			h.SetSym(0, 0, -c[0]-12*(x[0]-1)*(x[0]-1))
			h.SetSym(0, 1, 0)
			h.SetSym(1, 1, -c[1])
		},
	}
	res, err := optim.Maximize(f, []float64{1.5, 3}, &optim.Settings{GradientTol: 1e-3}, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != optim.GradientConverged || !strings.Contains(res.Reason, "Newton decrement") {
		t.Fatalf("%v (%s)", res.Status, res.Reason)
	}
	// The gradient test (|g| < 1e-3) alone allows |x₀ − 1| up to 10; the finishing steps take it
	// to rounding.
	if math.Abs(res.X[0]-1) > 1e-8 || math.Abs(res.X[1]-1) > 1e-12 {
		t.Errorf("estimates %v, want (1, 1)", res.X)
	}
}

// TestNewtonHandsOver gives Newton a Hessian that understates the curvature by a factor 1e20,
// so that its steps overshoot by that much and no step size down to 2⁻⁴⁸ raises ℓ: Newton must
// hand over to the trust region and say so; if that converges, it is at the maximum.
func TestNewtonHandsOver(t *testing.T) {
	f := &function{p: 2,
		f:    func(x []float64) float64 { return -0.5 * (x[0]*x[0] + x[1]*x[1]) },
		grad: func(g, x []float64) { g[0], g[1] = -x[0], -x[1] },
		hess: func(h *mat.SymDense, x []float64) {
			h.SetSym(0, 0, -1e-20)
			h.SetSym(0, 1, 0)
			h.SetSym(1, 1, -1e-20)
		},
	}
	res, err := optim.Maximize(f, []float64{1, 2}, &optim.Settings{MaxIterations: 50, SkipHessian: true}, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Reason, "continued with the trust region") {
		t.Errorf("no hand-over: %v (%s)", res.Status, res.Reason)
	}
	if res.Status.Converged() && math.Hypot(res.X[0], res.X[1]) > 1e-6 {
		t.Errorf("converged away from the maximum at 0: %v (%s) at %v", res.Status, res.Reason, res.X)
	}
}
