package optim

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Newton is Newton's method on the exact Hessian with a backtracking line search.
//
// Each iteration solves (−H + τI)d = g, the Newton system of ℓ's gradient g and Hessian H at
// the iterate u, equilibrated to unit diagonal so that a parameter's units do not matter. Where
// −H is positive definite τ = 0 and d is the Newton step; elsewhere τ grows from 10⁻³ until a
// Cholesky factorization succeeds (a modified Newton step, as gonum's), so d always raises ℓ
// for a short enough step.
//
// # Steps
//
// The full step is tried first, with ℓ, its gradient and its Hessian from one call where the
// objective offers it (a HessianObjective): near a maximum it is taken, and the next iteration
// then needs nothing more. When it is not, or was not at the previous iteration, the step sizes
// 2⁻¹ … 2⁻⁸ (then 2⁻⁹ … 2⁻¹⁶, and so on down to 2⁻⁴⁸) are tried in batches, one call per batch
// for a LineObjective (a model with linear indices), and the first that passes Armijo's test
// ℓ(u+αd) ≥ ℓ(u) + 10⁻⁴αgᵀd is taken. Where the predicted rise gᵀd is below ℓ's rounding error
// (1000ε|ℓ|) the test asks only that ℓ not fall beyond it: the steps that finish at full
// precision (below).
//
// # Convergence
//
// Newton stops, converged, when the gradient test of Settings.GradientTol holds, after full
// Newton steps that finish the digits: while the Newton decrement gᵀ(−H)⁻¹g, the squared
// length of the remaining step in standard errors, is above 10⁻²⁰, it takes the step if the
// gradient test still holds there, ℓ does not fall beyond its rounding error and the decrement
// at least halves (up to ten steps). Each such step about doubles the correct digits, so the
// estimates are settled to about 10 standard-error digits, not merely below the gradient
// threshold, for one or two more calls. It stops, converged (NewtonConverged), when the Newton
// decrement is below NewtonDecrementTol although the gradient test does not hold, after the
// same finishing steps: the gradient test is in the parameters' units, and a regressor of
// order 10¹² keeps its gradient entry above any absolute threshold. It also stops,
// converged, when ℓ has not risen by more than Settings.FunctionTol (default 1e-10) over
// Settings.FunctionIterations iterations (default 20).
//
// When no step size down to 2⁻⁴⁸ passes the test, Newton's quadratic model is wrong far from
// the iterate (a badly scaled or nearly flat problem). Where the Newton decrement is already
// below NewtonDecrementTol this is rounding, and Newton stops with Failure, which Maximize
// reports as NewtonConverged; otherwise it hands over to TrustRegion from that point, which
// does not depend on a line search, and the Reason says so.
type Newton struct{}

var _ Method = (*Newton)(nil)

// String returns "Newton".
func (*Newton) String() string { return "Newton" }

// armijo is the sufficient rise of Armijo's test, as a fraction of the predicted rise αgᵀd.
const armijo = 1e-4

// Maximize runs Newton's method.
func (m *Newton) Maximize(p *Problem, u0 []float64) (Outcome, error) {
	ftol := orDefault(p.settings.FunctionTol, 1e-10)
	fiter := p.settings.FunctionIterations
	if fiter <= 0 {
		fiter = 20
	}
	gtol := p.GradientThreshold()
	u := slices.Clone(u0)
	ll, g, h, err := p.ValueGradHessian(u)
	if err != nil {
		return Outcome{}, err
	}
	p.Record(ll, g)
	var out Outcome
	done := func(status Status, reason string) (Outcome, error) {
		out.X, out.Status, out.Reason = u, status, reason
		return out, nil
	}
	best, stalled := ll, 0 // for the function test
	fullStep := true       // whether to try the full step with its Hessian first
	for {
		d, dec, posDef := newtonDirection(h, g)
		if d == nil {
			return done(Failure, fmt.Sprintf("gradient or Hessian not finite at iteration %d", out.Iterations))
		}
		noise := noiseFactor * machineEpsilon * math.Max(math.Abs(ll), 1)
		if gnorm := maxAbs(g); gnorm < gtol {
			why := fmt.Sprintf("max |gradient| %.3g < %.3g (n × GradientTol)", gnorm, gtol)
			// The finishing steps stop at a canceled context too: the gradient test holds already.
			f, err := finishNewton(p, u, ll, g, h, math.Inf(1), func(g []float64) bool { return maxAbs(g) < gtol })
			if err != nil {
				return Outcome{}, err
			}
			u, out.Iterations = f.u, out.Iterations+f.steps
			if f.posDef {
				why += fmt.Sprintf("; Newton decrement %.3g", f.dec)
			}
			return done(GradientConverged, why)
		}
		if posDef && dec < NewtonDecrementTol {
			// The scale-free test: a parameter whose regressor is of order 1e12 has a gradient
			// entry that no step can bring below the absolute threshold, while the decrement
			// measures the remaining step in standard errors whatever the units.
			f, err := finishNewton(p, u, ll, g, h, math.Inf(1), nil)
			if err != nil {
				return Outcome{}, err
			}
			u, out.Iterations = f.u, out.Iterations+f.steps
			return done(NewtonConverged, fmt.Sprintf("Newton decrement %.3g < %.0e; max |gradient| %.3g (the gradient test asks < %.3g: badly scaled parameters)",
				f.dec, NewtonDecrementTol, maxAbs(f.g), gtol))
		}
		if status, why := p.Limit(out.Iterations, 1000); status != NotTerminated {
			return done(status, why)
		}
		slope := floats.Dot(g, d) // the rise the Newton model predicts for the full step, > 0
		accept := func(alpha, llT float64) bool {
			if alpha*slope <= noise {
				return llT >= ll-noise
			}
			return llT >= ll+armijo*alpha*slope
		}
		out.Iterations++
		if fullStep {
			uT := addScaled(u, 1, d)
			llT, gT, hT, err := p.ValueGradHessian(uT)
			if err != nil {
				return Outcome{}, err
			}
			if accept(1, llT) {
				u, ll, g, h = uT, llT, gT, hT
				p.Record(ll, g)
				if best, stalled = improved(best, stalled, ll, ftol); stalled >= fiter {
					return done(FunctionConverged, fmt.Sprintf("log-likelihood rose by less than %.3g over %d iterations", ftol, fiter))
				}
				continue
			}
		}
		alpha, found, err := backtrack(p, u, d, fullStep, accept)
		if err != nil {
			return Outcome{}, err
		}
		if !found {
			why := fmt.Sprintf("line search found no step raising the log-likelihood at iteration %d", out.Iterations)
			if posDef && dec < NewtonDecrementTol {
				return done(Failure, why) // rounding: Maximize reports NewtonConverged
			}
			tr, err := (&TrustRegion{}).from(p, u, ll, g, h)
			if err != nil {
				return Outcome{}, err
			}
			tr.Iterations += out.Iterations
			tr.Reason = why + "; continued with the trust region: " + tr.Reason
			return tr, nil
		}
		fullStep = alpha == 1
		u = addScaled(u, alpha, d)
		if ll, g, h, err = p.ValueGradHessian(u); err != nil {
			return Outcome{}, err
		}
		p.Record(ll, g)
		if best, stalled = improved(best, stalled, ll, ftol); stalled >= fiter {
			return done(FunctionConverged, fmt.Sprintf("log-likelihood rose by less than %.3g over %d iterations", ftol, fiter))
		}
	}
}

// improved updates the function test's record: best is the log-likelihood at the last rise of
// more than ftol, stalled the iterations since.
func improved(best float64, stalled int, ll, ftol float64) (float64, int) {
	if ll > best+ftol {
		return ll, 0
	}
	return best, stalled + 1
}

// backtrack returns the first step size of 2⁻¹, 2⁻², … 2⁻⁴⁸ (from 1 if the full step has not
// been tried) that accept takes, asking for eight at a time.
func backtrack(p *Problem, u, d []float64, triedFull bool, accept func(alpha, ll float64) bool) (float64, bool, error) {
	alpha := 1.0
	if triedFull {
		alpha = 0.5
	}
	for alpha >= 0x1p-48 {
		batch := make([]float64, 8)
		for j := range batch {
			batch[j] = alpha
			alpha /= 2
		}
		a, _, ok, err := p.LineSearch(u, d, batch, accept)
		if err != nil || ok {
			return a, ok, err
		}
	}
	return 0, false, nil
}

// newtonDirection returns the modified Newton direction d solving (−H + τI)d = g in the
// equilibrated scale (see Newton), with the Newton decrement gᵀd and whether −H is positive
// definite (τ = 0). It returns d = nil if H or g is not finite.
func newtonDirection(h *mat.SymDense, g []float64) (d []float64, decrement float64, posDef bool) {
	n := len(g)
	if !everyFinite(g) {
		return nil, 0, false
	}
	// Scale by the curvature of each parameter, |Hⱼⱼ|^(−1/2) (1 where it is zero).
	scale := make([]float64, n)
	for i := range n {
		c := math.Abs(h.At(i, i))
		if !finite(c) {
			return nil, 0, false
		}
		scale[i] = 1
		if c > 0 {
			scale[i] = 1 / math.Sqrt(c)
		}
	}
	a := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			a.SetSym(i, j, -scale[i]*h.At(i, j)*scale[j])
		}
	}
	sg := mat.NewVecDense(n, nil)
	for i := range n {
		sg.SetVec(i, scale[i]*g[i])
	}
	shifted := mat.NewSymDense(n, nil)
	var chol mat.Cholesky
	for tau := 0.0; tau < 1e12; tau = math.Max(1e-3, 4*tau) {
		shifted.CopySym(a)
		for i := range n {
			shifted.SetSym(i, i, a.At(i, i)+tau)
		}
		if !chol.Factorize(shifted) {
			continue
		}
		var y mat.VecDense
		if err := chol.SolveVecTo(&y, sg); err != nil {
			continue
		}
		d = make([]float64, n)
		for i := range n {
			d[i] = scale[i] * y.AtVec(i)
		}
		return d, mat.Dot(sg, &y), tau == 0
	}
	return nil, 0, false
}
