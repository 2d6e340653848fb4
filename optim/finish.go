package optim

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// finishDecrement is the Newton decrement above which a converged run takes another full
// Newton step: 10⁻²⁰ is a remaining step of 10⁻¹⁰ standard errors.
const finishDecrement = 1e-20

// finishSteps caps the finishing steps. Where Newton converges quadratically one or two
// suffice; near a nearly singular maximum, where it converges linearly at first, a few more.
const finishSteps = 10

// finished is where finishNewton stopped.
type finished struct {
	u      []float64
	ll     float64
	g      []float64
	d      []float64 // the Newton direction at u
	dec    float64   // the Newton decrement at u
	posDef bool      // whether −H is positive definite at u
	dec0   float64   // the Newton decrement at the first point
	steps  int
}

// finishNewton takes full Newton steps on the exact Hessian from u (where ℓ, its gradient g and
// its Hessian h are known) while they help: a step is taken only if −H is positive definite at
// both ends, ℓ does not fall by more than its rounding error (noiseFactor·ε|ℓ|), the Newton
// decrement gᵀ(−H)⁻¹g at least halves, and keep, if not nil, accepts the new gradient. It stops
// once the decrement is below finishDecrement, after finishSteps steps, or when ctx is done.
// Each step about doubles the correct digits near a maximum, so a point where a quasi-Newton
// method's test stopped it (typically 5 to 8 digits) is settled to the rounding level of ℓ's
// gradient in one to three steps; a point that is no maximum, or whose decrement is not below
// near, takes no step. It records every step taken.
func finishNewton(p *Problem, u []float64, ll float64, g []float64, h *mat.SymDense, near float64, keep func(g []float64) bool) (finished, error) {
	f := finished{u: u, ll: ll, g: g}
	f.d, f.dec, f.posDef = newtonDirection(h, g)
	f.dec0 = f.dec
	for f.steps < finishSteps {
		if f.d == nil || !f.posDef || !(f.dec0 < near) || f.dec <= finishDecrement || p.ctx.Err() != nil {
			return f, nil
		}
		uT := addScaled(f.u, 1, f.d)
		llT, gT, hT, err := p.ValueGradHessian(uT)
		if err != nil {
			return f, err
		}
		dT, decT, posDefT := newtonDirection(hT, gT)
		noise := noiseFactor * machineEpsilon * math.Max(math.Abs(f.ll), 1)
		if !(llT >= f.ll-noise) || !posDefT || !(decT < f.dec/2) || (keep != nil && !keep(gT)) {
			return f, nil
		}
		f.u, f.ll, f.g, f.d, f.dec, f.posDef = uT, llT, gT, dT, decT, posDefT
		f.steps++
		p.Record(f.ll, f.g)
	}
	return f, nil
}

// finishes reports whether Maximize finishes a run of the method with Newton steps (see
// Settings.NoFinish): every method but SGD and Adam, whose loose function-change test is a
// choice of their user, typically on data too large for many exact Hessians.
func finishes(method Method) bool {
	switch method.(type) {
	case *SGD, *Adam:
		return false
	}
	return true
}

// finishNear is the Newton decrement below which Maximize finishes a run: 10⁻² is a remaining
// step of a tenth of a standard error, well inside the region where Newton's method converges
// quadratically on a smooth log-likelihood. A run that stopped further away (a method that
// failed early, say) is reported as it stopped, not rescued by another method.
const finishNear = 1e-2

// finishRun applies finishNewton to a method's outcome, a converged run or one that failed (a
// line search that found no better point), when its Newton decrement is below finishNear. A
// failed run whose gradient test holds after finishing is reported as GradientConverged. It
// returns the number of steps taken.
func finishRun(p *Problem, out Outcome) (Outcome, int, error) {
	ll, g, h, err := p.ValueGradHessian(out.X)
	if err != nil {
		return out, 0, err
	}
	f, err := finishNewton(p, out.X, ll, g, h, finishNear, nil)
	if err != nil || f.steps == 0 {
		return out, 0, err
	}
	out.X = f.u
	out.Reason = strings.TrimPrefix(fmt.Sprintf("%s; finished with %d Newton step(s), Newton decrement %.3g → %.3g", out.Reason, f.steps, f.dec0, f.dec), "; ")
	if gnorm := maxAbs(f.g); out.Status == Failure && gnorm < p.GradientThreshold() {
		out.Status = GradientConverged
		out.Reason += fmt.Sprintf(", max |gradient| %.3g < %.3g", gnorm, p.GradientThreshold())
	}
	return out, f.steps, nil
}
