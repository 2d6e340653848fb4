package optim

// This file uses only the exported API of package optim, as a method written in another
// package would (bhhh_api_test.go checks it): it is the proof that Method is open.

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// BHHH is the method of Berndt, Hall, Hall and Hausman: Newton-like steps with the outer
// product of the per-observation scores in place of the negative Hessian,
//
//	B = Σᵢ sᵢsᵢᵀ = SᵀS,  d = B⁻¹g,  x ← x + t·d,
//
// sᵢ = ∇ℓᵢ(x) the rows of the scores S and g = Σᵢ sᵢ the gradient. Near the maximum of a
// correctly specified model B estimates the information −E[∇²ℓ] (the information matrix
// equality), so the steps approach Newton's without second derivatives; and B is positive
// semi-definite everywhere, so d is an ascent direction wherever B is not singular. The step
// length t starts at 1 and halves until ℓ rises by at least 10⁻⁴·t·gᵀd (Armijo's condition).
// This is Stata's ml technique(bhhh) and R maxLik's maxBHHH. References: E. K. Berndt,
// B. H. Hall, R. E. Hall and J. A. Hausman, "Estimation and inference in nonlinear structural
// models", Annals of Economic and Social Measurement 3(4), 653–665, 1974;
// https://en.wikipedia.org/wiki/Berndt–Hall–Hall–Hausman_algorithm.
//
// BHHH converges linearly, not quadratically as Newton does: B differs from −∇²ℓ by a term
// that vanishes only as n grows, and the rate is the size of that difference. Each iteration
// evaluates the scores once and the log-likelihood with its gradient once per trial step.
//
// It stops, converged, on the gradient test of Settings.GradientTol. It stops with Failure
// where B is not positive definite (fewer observations than parameters, or collinear scores)
// or where no step length down to 2⁻⁵¹ raises ℓ enough; Maximize then tests the Newton
// decrement with the exact Hessian (NewtonConverged). It stops without converging at the
// limits of Settings (MaxIterations, default 1000). Settings.FunctionTol is not used: at a
// linear rate ℓ creeps up by less than gonum's 1e-10 over 20 iterations while the estimates
// still move in their seventh digit (on a logit of 32 observations that rule stopped 5e-7
// short of Newton's estimates, relative, where the gradient test comes within 4e-8).
type BHHH struct{}

var _ Method = (*BHHH)(nil)

// String returns "BHHH".
func (*BHHH) String() string { return "BHHH" }

// bhhhArmijo is the share of the rise gᵀd·t, predicted by the gradient, that a step must
// achieve: 10⁻⁴, the customary constant of Armijo's condition (Nocedal and Wright, §3.1).
const bhhhArmijo = 1e-4

// bhhhSteps caps the step lengths tried in one line search, t = 1, ½, …, 2⁻⁵¹: the last moves
// x by about the float64 rounding of the full step.
const bhhhSteps = 52

// Maximize runs the BHHH iteration.
func (*BHHH) Maximize(p *Problem, x0 []float64) (Outcome, error) {
	gtol := p.GradientThreshold()

	x := x0
	ll, g, err := p.ValueGrad(x)
	if err != nil {
		return Outcome{}, err
	}
	p.Record(ll, g)
	out := Outcome{}
	stop := func(status Status, reason string) (Outcome, error) {
		out.X, out.Status, out.Reason = x, status, reason
		return out, nil
	}
	for {
		if gmax := bhhhMaxAbs(g); gmax < gtol {
			return stop(GradientConverged, fmt.Sprintf("max |gradient| %.3g < %.3g (n × GradientTol)", gmax, gtol))
		}
		if status, why := p.Limit(out.Iterations, 1000); status != NotTerminated {
			return stop(status, why)
		}

		scores, err := p.ScoreObs(x)
		if err != nil {
			return Outcome{}, err
		}
		var opg mat.SymDense
		opg.SymOuterK(1, scores.T())
		var chol mat.Cholesky
		if !chol.Factorize(&opg) {
			return stop(Failure, fmt.Sprintf("the outer product of the scores is not positive definite at iteration %d (fewer observations than parameters, or collinear scores)", out.Iterations))
		}
		var dir mat.VecDense
		// A mat.Condition error only warns of ill-conditioning: the direction is still
		// computed, and the line search judges it.
		_ = chol.SolveVecTo(&dir, mat.NewVecDense(len(g), g))
		d := dir.RawVector().Data
		slope := mat.Dot(mat.NewVecDense(len(g), g), &dir)
		if !(slope > 0) || math.IsInf(slope, 0) {
			return stop(Failure, fmt.Sprintf("the BHHH direction is not an ascent direction at iteration %d (gᵀd = %.3g)", out.Iterations, slope))
		}

		step := 1.0
		accepted := false
		for range bhhhSteps {
			xt := make([]float64, len(x))
			for i := range x {
				xt[i] = x[i] + step*d[i]
			}
			llt, gt, err := p.ValueGrad(xt)
			if err != nil {
				return Outcome{}, err
			}
			// Armijo's condition, and a strict rise: where the predicted rise is below the
			// rounding of ℓ, ll + 10⁻⁴·t·gᵀd rounds to ll, and steps that change nothing would
			// be accepted for ever. (Both are false for −Inf, a rejected point.)
			if llt > ll && llt >= ll+bhhhArmijo*step*slope {
				x, ll, g, accepted = xt, llt, gt, true
				break
			}
			step /= 2
		}
		if !accepted {
			return stop(Failure, fmt.Sprintf("line search failed at iteration %d: no step length down to 2⁻⁵¹ raises the log-likelihood", out.Iterations))
		}
		out.Iterations++
		p.Record(ll, g)
	}
}

// bhhhMaxAbs returns the largest absolute entry of v.
func bhhhMaxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}
