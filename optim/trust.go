package optim

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// TrustRegion is Newton's method with a trust region, fed the exact gradient and Hessian. Each
// iteration maximizes the quadratic model of ℓ around the iterate u within a ball,
//
//	max  gᵀs + ½ sᵀHs   subject to  ‖Ds‖ ≤ Δ,
//
// g and H the gradient and Hessian of ℓ at u, and D = diag(d) a scaling with dⱼ the largest
// √|Hⱼⱼ| seen so far (MINPACK's choice, with the exact Hessian in place of JᵀJ), so that the
// ball is measured in units of each parameter's curvature and does not depend on the units a
// parameter is measured in. The subproblem is solved exactly, hard case included, from the
// eigendecomposition of D⁻¹HD⁻¹ (Moré and Sorensen, "Computing a trust region step", SIAM J.
// Sci. Stat. Comput. 4(3), 1983). Where −H is positive definite and the Newton step fits in
// the ball, the step is the Newton step; elsewhere directions of negative curvature are
// followed, so saddle points are left rather than converged to.
//
// # Steps
//
// The first radius is Radius·‖Du₀‖. A step is accepted when ℓ rises by more than 10⁻⁴ of the
// rise the model predicts, ρ = (ℓ(u+s) − ℓ(u)) / predicted > 10⁻⁴. The radius shrinks to ¼‖Ds‖
// when ρ < ¼ and doubles when ρ > ¾ on a step that reached the boundary. A step to a point
// where ℓ or its gradient is NaN or ±Inf is rejected as ρ = −∞, so the region shrinks until
// the steps stay where the model is defined. Where both rises are below ℓ's rounding error
// (taken as 1000 ε|ℓ|), ρ is noise, and a step is accepted only if it shortens the gradient
// in the Newton norm of the current Hessian, √(gᵀ(−H)⁻¹g), where −H is positive definite, and
// in the scaled norm ‖D⁻¹g‖ elsewhere. (The Newton norm is free of the parameters'
// correlation as well as of their units: on Bennett5, whose ℓ ≈ 751 is resolved to about
// 5·10⁻¹¹, a Newton step that cut the decrement from 2.5·10⁻¹⁰ to rounding raised ‖D⁻¹g‖
// tenfold, and rejecting it stopped the fit with 6 digits of b₁ instead of 11.)
//
// When two accepted Newton steps in a row have about the same length and direction, the
// iterates are creeping along a curved valley whose floor each quadratic model follows for one
// step only (where only a combination such as b₂·(b₅ − b₄) is well determined, the valley
// follows that combination, and plain trust-region Newton steps may not leave it in 1000
// steps). TrustRegion then follows the
// valley by prediction and correction: it jumps 2, 4, 8, … steps ahead along the last step,
// returns towards the floor with up to three trust-region steps from there, and keeps each jump
// that raises ℓ.
//
// # Convergence
//
// TrustRegion stops, converged, where −H is positive definite and either the Newton decrement
// gᵀ(−H)⁻¹g is below DecrementTol or the Newton step changes no parameter by more than StepTol
// relative to max(|uⱼ|, SEⱼ), SEⱼ = √((−H)⁻¹)ⱼⱼ. It takes that last Newton step unless ℓ falls
// by more than its rounding error or the gradient's Newton norm rises, then reports
// GradientConverged if the gradient test of Settings.GradientTol also holds there and
// NewtonConverged otherwise. Both tests are free of the parameters' units. The gradient test
// alone does not stop TrustRegion (on a badly scaled problem it can hold while the fifth digit
// of the estimates is still wrong), and Settings.FunctionTol is not used.
//
// It also stops, converged, where no step at all raises ℓ beyond its rounding error: the
// region shrinks below the rounding error of u, or 200 steps in a row are rejected, at a point
// where −H is positive definite. That is the maximum as far as float64 resolves it; the
// gradient and the decrement there are rounding noise. (A regression whose residuals are near
// 10⁻¹³ can end so: its ℓ is resolved only to about 0.02, its estimates to about 10 digits.)
// At such a point where −H is not negative definite the status is Failure.
//
// It stops without converging after Settings.MaxIterations trial steps (default 1000), at
// MaxEvaluations or MaxTime, and with Failure where the gradient or Hessian is not finite.
// Result.Iterations counts trial steps, accepted or not. Each costs one value and gradient,
// each accepted one a Hessian, and each valley jump a value, gradient and Hessian per
// correction.
type TrustRegion struct {
	// Radius sets the first trust radius, Radius·‖Du₀‖ (Radius itself when Du₀ = 0).
	// Default 0.1: a first step of a tenth of the start's scaled size, cautious enough not to
	// throw a poor start into another basin of a multimodal ℓ (a mean with an arctan term that
	// jumps where a parameter crosses a data point was thrown so with 1.0), yet the radius
	// doubles with each good step.
	Radius float64
	// DecrementTol bounds the Newton decrement gᵀ(−H)⁻¹g at convergence. The decrement is the
	// squared length of the remaining Newton step in standard errors, so 1e-12, the default,
	// leaves the estimates within 1e-6 standard errors of the maximum before the last step.
	DecrementTol float64
	// StepTol bounds the relative size of the remaining Newton step at convergence,
	// max |sⱼ| / max(|uⱼ|, SEⱼ). Default 1e-10: about ten significant digits settled.
	StepTol float64
}

var _ Method = (*TrustRegion)(nil)

// String returns "trust-region Newton".
func (*TrustRegion) String() string { return "trust-region Newton" }

// noiseFactor times ε|ℓ| is the change in ℓ below which TrustRegion treats a rise of ℓ, actual
// or predicted, as rounding: a sum of n terms carries a rounding error of a few ε per term
// relative to the largest, and 1000 leaves room for the cancellation between terms.
const noiseFactor = 1e3

// maxRejections caps consecutive rejected steps. Each shrinks Δ fourfold at least, so 200 take
// Δ down by 10¹²⁰ and the region has collapsed long before; the cap guards against a loop.
const maxRejections = 200

// maxJumps caps the jumps of one valley-following sequence, the last 2¹⁰ steps ahead.
const maxJumps = 10

// correctorSteps caps the trust-region steps that bring a valley jump back towards the floor.
const correctorSteps = 3

// Maximize runs the trust-region iteration.
func (m *TrustRegion) Maximize(p *Problem, u0 []float64) (Outcome, error) {
	u := slices.Clone(u0)
	ll, g, h, err := p.ValueGradHessian(u)
	if err != nil {
		return Outcome{}, err
	}
	p.Record(ll, g)
	return m.from(p, u, ll, g, h)
}

// from runs the iteration from u, whose log-likelihood, gradient and Hessian are given and
// whose record is already in the history (the start, or where Newton handed over).
func (m *TrustRegion) from(p *Problem, u []float64, ll float64, g []float64, h *mat.SymDense) (Outcome, error) {
	radius := orDefault(m.Radius, 0.1)
	decTol := orDefault(m.DecrementTol, 1e-12)
	stepTol := orDefault(m.StepTol, 1e-10)
	gtol := p.GradientThreshold()
	d := make([]float64, len(u))
	updateScale(d, h)
	delta := radius * scaledNorm(d, u, false)
	if !(delta > 0) || math.IsInf(delta, 0) {
		delta = radius
	}
	gradTest := func(g []float64) bool { return maxAbs(g) < gtol }
	done := func(out Outcome, status Status, reason string) (Outcome, error) {
		out.X, out.Status, out.Reason = u, status, reason
		return out, nil
	}
	var out Outcome
	var prevStep []float64
	rejections := 0
	accepted := true // whether the last trial step was taken
	for {
		sub, ok := newTrustSubproblem(h, g, d)
		if !ok {
			return done(out, Failure, fmt.Sprintf("gradient or Hessian not finite at iteration %d", out.Iterations))
		}
		if sub.posDef {
			sN, dec, rel := sub.newton(u)
			if dec < decTol || rel < stepTol {
				why := fmt.Sprintf("Newton decrement %.3g (tolerance %.0e), relative Newton step %.3g (tolerance %.0e)", dec, decTol, rel, stepTol)
				// Take the last Newton step unless rounding says it is no better.
				uN := addScaled(u, 1, sN)
				llN, gN, err := p.ValueGrad(uN)
				if err != nil {
					return Outcome{}, err
				}
				noise := noiseFactor * machineEpsilon * math.Max(math.Abs(ll), 1)
				if finite(llN) && llN >= ll-noise && sub.gradNorm(gN) <= sub.gradNorm(g) {
					u, ll, g = uN, llN, gN
					p.Record(ll, g)
				}
				if gradTest(g) {
					return done(out, GradientConverged, why)
				}
				return done(out, NewtonConverged, why+fmt.Sprintf("; max |gradient| %.3g is above the gradient test's %.3g", maxAbs(g), gtol))
			}
		}
		if status, why := p.Limit(out.Iterations, 1000); status != NotTerminated {
			return done(out, status, why)
		}
		if rejections >= maxRejections || delta <= machineEpsilon*scaledNorm(d, u, false) {
			// No step, however short, raises ℓ beyond its rounding error. Where −H is
			// positive definite this is a maximum resolved as far as float64 allows: the
			// gradient, and with it the Newton decrement, are then rounding noise (with residuals
			// near 10⁻¹³, ℓ may be resolved only to about 0.02).
			why := fmt.Sprintf("the trust region shrank to rounding (Δ = %.3g): no step raises the log-likelihood beyond its rounding error", delta)
			if !sub.posDef {
				return done(out, Failure, why+"; the Hessian is not negative definite here")
			}
			_, dec, rel := sub.newton(u)
			why += fmt.Sprintf("; Newton decrement %.3g, relative Newton step %.3g", dec, rel)
			if gradTest(g) {
				return done(out, GradientConverged, why)
			}
			return done(out, NewtonConverged, why)
		}

		step, pred, atBoundary := sub.solve(delta)
		out.Iterations++
		uT := addScaled(u, 1, step)
		var llT float64
		var gT []float64
		var err error
		if accepted && p.fused() {
			// The last step was taken, so this one likely will be: ask for its Hessian in
			// the same call (the later p.Hessian(u) then finds it cached).
			llT, gT, _, err = p.ValueGradHessian(uT)
		} else {
			llT, gT, err = p.ValueGrad(uT)
		}
		if err != nil {
			return Outcome{}, err
		}
		rho := math.Inf(-1)
		if finite(llT) && everyFinite(gT) {
			noise := noiseFactor * machineEpsilon * math.Max(math.Abs(ll), 1)
			rise := llT - ll
			switch {
			case math.Abs(rise) <= noise && pred <= noise:
				// Both changes are rounding: judge the step by the gradient instead.
				rho = 0
				if sub.gradNorm(gT) < sub.gradNorm(g) {
					rho = 1
				}
			case pred > 0:
				rho = rise / pred
			}
		}
		stepNorm := scaledNorm(d, step, false)
		switch {
		case rho < 0.25:
			delta = 0.25 * stepNorm
		case rho > 0.75 && atBoundary:
			delta *= 2
		}
		accepted = rho > 1e-4
		if !accepted {
			rejections++
			continue
		}
		rejections = 0
		if !atBoundary && rho > 0.75 && prevStep != nil && drifting(d, prevStep, step) {
			// The iterates drift along a curved valley: jump ahead and correct (see the
			// type's documentation).
			best, bestLL, bestG := uT, llT, gT
			for k := 1; k <= maxJumps; k++ {
				uP := addScaled(best, float64(int(1)<<k), step)
				uC, llC, gC, ok, err := corrected(p, uP, d, float64(int(1)<<k)*scaledNorm(d, step, false))
				if err != nil {
					return Outcome{}, err
				}
				if !ok || llC <= bestLL {
					break
				}
				best, bestLL, bestG = uC, llC, gC
			}
			uT, llT, gT = best, bestLL, bestG
		}
		prevStep = subtract(uT, u)
		u, ll, g = uT, llT, gT
		if h, err = p.Hessian(u); err != nil {
			return Outcome{}, err
		}
		updateScale(d, h)
		p.Record(ll, g)
	}
}

// corrected returns the point reached from uP by up to correctorSteps trust-region steps of
// the given radius, each kept only if it raises ℓ, with its log-likelihood and gradient. ok is
// false where ℓ, its gradient or its Hessian is not finite at a point tried.
func corrected(p *Problem, uP, d []float64, radius float64) (u []float64, ll float64, g []float64, ok bool, err error) {
	llP, gP, err := p.ValueGrad(uP)
	if err != nil || !finite(llP) || !everyFinite(gP) {
		return nil, 0, nil, false, err
	}
	hP, err := p.Hessian(uP)
	if err != nil {
		return nil, 0, nil, false, err
	}
	u, ll, g = uP, llP, gP
	for range correctorSteps {
		sub, ok := newTrustSubproblem(hP, g, d)
		if !ok {
			return nil, 0, nil, false, nil
		}
		c, _, _ := sub.solve(radius)
		uN := addScaled(u, 1, c)
		llN, gN, err := p.ValueGrad(uN)
		if err != nil || !finite(llN) || !everyFinite(gN) {
			return nil, 0, nil, false, err
		}
		if llN <= ll {
			break
		}
		u, ll, g = uN, llN, gN
		if hP, err = p.Hessian(u); err != nil {
			return nil, 0, nil, false, err
		}
	}
	return u, ll, g, true, nil
}

// drifting reports whether step follows prev in about the same direction (cosine above 0.9
// in the scaled norm) and with about the same length (within a factor of 2): the mark of
// iterates creeping along a valley, rather than converging, where steps shrink quadratically.
func drifting(d, prev, step []float64) bool {
	a, b := scaledNorm(d, prev, false), scaledNorm(d, step, false)
	if !(a > 0 && b > 0) || b < a/2 || b > 2*a {
		return false
	}
	c := 0.0
	for i := range step {
		c += d[i] * prev[i] * d[i] * step[i]
	}
	return c/(a*b) > 0.9
}

func subtract(a, b []float64) []float64 { return addScaled(a, -1, b) }

// machineEpsilon is the float64 machine epsilon, 2⁻⁵².
const machineEpsilon = 0x1p-52

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// addScaled returns u + a·v as a new slice.
func addScaled(u []float64, a float64, v []float64) []float64 {
	w := slices.Clone(u)
	for i := range w {
		w[i] += a * v[i]
	}
	return w
}

// scaledNorm returns ‖Dv‖₂, or ‖D⁻¹v‖₂ when inverse is set (the norm of a gradient).
func scaledNorm(d, v []float64, inverse bool) float64 {
	ss := 0.0
	for i, x := range v {
		if inverse {
			x /= d[i]
		} else {
			x *= d[i]
		}
		ss += x * x
	}
	return math.Sqrt(ss)
}

// updateScale raises each dⱼ to √|Hⱼⱼ| where that is larger. An entry that is still zero (no
// curvature seen yet) becomes 1.
func updateScale(d []float64, h *mat.SymDense) {
	for j := range d {
		if v := math.Sqrt(math.Abs(h.At(j, j))); finite(v) && v > d[j] {
			d[j] = v
		}
		if d[j] == 0 {
			d[j] = 1
		}
	}
}

// trustSubproblem is the trust-region subproblem of minimizing F = −ℓ in scaled coordinates
// ŝ = Ds: the model F + bᵀŝ + ½ŝᵀAŝ with A = D⁻¹(−H)D⁻¹ = QΛQᵀ (eigenvalues ascending) and
// b = −D⁻¹g, held as the coordinates a = Qᵀb.
type trustSubproblem struct {
	d      []float64
	lambda []float64
	q      *mat.Dense
	a      []float64
	posDef bool
}

// posDefTol is the smallest eigenvalue of the scaled −H, relative to the largest, that counts
// as positive: below it the Newton step is dominated by rounding in the Hessian.
const posDefTol = 1e-14

// newTrustSubproblem factorizes the scaled problem; ok is false if g or H is not finite or
// the eigendecomposition fails.
func newTrustSubproblem(h *mat.SymDense, g, d []float64) (*trustSubproblem, bool) {
	p := len(g)
	if !everyFinite(g) {
		return nil, false
	}
	a := mat.NewSymDense(p, nil)
	for i := range p {
		for j := i; j < p; j++ {
			v := -h.At(i, j) / (d[i] * d[j])
			if !finite(v) {
				return nil, false
			}
			a.SetSym(i, j, v)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(a, true) {
		return nil, false
	}
	sp := &trustSubproblem{d: d, lambda: eig.Values(nil), q: &mat.Dense{}}
	eig.VectorsTo(sp.q)
	b := mat.NewVecDense(p, nil)
	for i := range p {
		b.SetVec(i, -g[i]/d[i])
	}
	var qb mat.VecDense
	qb.MulVec(sp.q.T(), b)
	sp.a = qb.RawVector().Data
	top := math.Max(math.Abs(sp.lambda[0]), math.Abs(sp.lambda[p-1]))
	sp.posDef = sp.lambda[0] > posDefTol*top
	return sp, true
}

// step returns the unscaled step D⁻¹Qc for the eigen-coordinates c.
func (sp *trustSubproblem) step(c []float64) []float64 {
	var s mat.VecDense
	s.MulVec(sp.q, mat.NewVecDense(len(c), c))
	out := s.RawVector().Data
	for i := range out {
		out[i] /= sp.d[i]
	}
	return out
}

// predicted returns the rise of ℓ the model predicts for the eigen-coordinates c:
// −(aᵀc + ½ Σ λᵢcᵢ²).
func (sp *trustSubproblem) predicted(c []float64) float64 {
	v := 0.0
	for i, ci := range c {
		v += sp.a[i]*ci + 0.5*sp.lambda[i]*ci*ci
	}
	return -v
}

// gradNorm returns the length of a gradient v in the norm that judges steps where ℓ's change is
// rounding: where −H is positive definite, the Newton norm √(vᵀ(−H)⁻¹v), whose square at the
// current gradient is the Newton decrement; elsewhere the scaled norm ‖D⁻¹v‖. The Newton norm
// does not depend on the parameters' units or on their correlation; ‖D⁻¹v‖ only on the units,
// and where −H is badly conditioned it can rise after a Newton step that cuts the Newton
// norm by orders of magnitude (Bennett5 from NIST's first start stopped six digits short so).
func (sp *trustSubproblem) gradNorm(v []float64) float64 {
	if !sp.posDef {
		return scaledNorm(sp.d, v, true)
	}
	b := mat.NewVecDense(len(v), nil)
	for i := range v {
		b.SetVec(i, v[i]/sp.d[i])
	}
	var qb mat.VecDense
	qb.MulVec(sp.q.T(), b)
	ss := 0.0
	for i, l := range sp.lambda {
		ss += qb.AtVec(i) * qb.AtVec(i) / l
	}
	return math.Sqrt(ss)
}

// newton returns the Newton step (for a positive definite problem), the Newton decrement
// gᵀ(−H)⁻¹g and the relative step max |sⱼ| / max(|uⱼ|, SEⱼ).
func (sp *trustSubproblem) newton(u []float64) (step []float64, dec, rel float64) {
	c := make([]float64, len(sp.a))
	for i, ai := range sp.a {
		c[i] = -ai / sp.lambda[i]
		dec += ai * ai / sp.lambda[i]
	}
	step = sp.step(c)
	for j := range step {
		// SEⱼ² = ((−H)⁻¹)ⱼⱼ = Σₖ Qⱼₖ²/λₖ / dⱼ².
		v := 0.0
		for k, l := range sp.lambda {
			v += sp.q.At(j, k) * sp.q.At(j, k) / l
		}
		se := math.Sqrt(v) / sp.d[j]
		rel = math.Max(rel, math.Abs(step[j])/math.Max(math.Abs(u[j]), se))
	}
	return step, dec, rel
}

// solve returns the step that minimizes the model within ‖Ds‖ ≤ delta, the rise of ℓ the
// model predicts for it, and whether it lies on the boundary. The step is
// ŝ(μ) = −Σ aᵢ/(λᵢ+μ) qᵢ with μ = 0 when that is an interior Newton step, and otherwise the
// μ > max(0, −λ₁) at which ‖ŝ(μ)‖ = delta, found by safeguarded Newton iteration on
// 1/‖ŝ(μ)‖ − 1/delta. In the hard case (a has no weight on the eigenvectors of λ₁ < 0 and
// ‖ŝ(−λ₁)‖ < delta) the step ŝ(−λ₁) is completed to the boundary along q₁.
func (sp *trustSubproblem) solve(delta float64) (step []float64, pred float64, atBoundary bool) {
	n := len(sp.a)
	c := make([]float64, n)
	coords := func(mu float64) float64 {
		ss := 0.0
		for i, ai := range sp.a {
			c[i] = -ai / (sp.lambda[i] + mu)
			ss += c[i] * c[i]
		}
		return math.Sqrt(ss)
	}
	if sp.posDef && coords(0) <= delta {
		return sp.step(c), sp.predicted(c), false
	}
	l1 := sp.lambda[0]
	lo := math.Max(0, -l1)
	normA := 0.0
	for _, ai := range sp.a {
		normA += ai * ai
	}
	normA = math.Sqrt(normA)

	// The hard case: no weight on the eigenspace of λ₁ and a short step at μ = −λ₁.
	if l1 <= 0 {
		top := math.Max(math.Abs(l1), math.Abs(sp.lambda[n-1]))
		gap := posDefTol * math.Max(top, 1e-300)
		ss, weight := 0.0, 0.0
		for i, ai := range sp.a {
			if sp.lambda[i]-l1 <= gap {
				weight += ai * ai
				c[i] = 0
				continue
			}
			c[i] = -ai / (sp.lambda[i] - l1)
			ss += c[i] * c[i]
		}
		if weight <= (1e-12*normA)*(1e-12*normA) && ss < delta*delta {
			c[0] = math.Sqrt(delta*delta - ss)
			return sp.step(c), sp.predicted(c), true
		}
	}

	hi := lo + normA/delta
	mu := hi
	for range 100 {
		norm := coords(mu)
		if math.Abs(norm-delta) <= 1e-6*delta {
			break
		}
		if norm > delta {
			lo = mu
		} else {
			hi = mu
		}
		// φ(μ) = 1/‖ŝ‖ − 1/Δ is nearly linear in μ; φ'(μ) = Σ cᵢ²/(λᵢ+μ) / ‖ŝ‖³.
		dphi := 0.0
		for i, ci := range c {
			dphi += ci * ci / (sp.lambda[i] + mu)
		}
		dphi /= norm * norm * norm
		next := mu - (1/norm-1/delta)/dphi
		if !(next > lo && next < hi) {
			next = 0.5 * (lo + hi)
		}
		if next == mu {
			break
		}
		mu = next
	}
	coords(mu)
	return sp.step(c), sp.predicted(c), true
}
