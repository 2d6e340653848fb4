package optim

import (
	"fmt"
	"math"
	"slices"
)

// SGD is full-batch gradient ascent on the log-likelihood with a fixed learning rate:
//
//	u ← u + LearnRate · ∇ℓ(u)
//
// It stops on the first of: |ℓₜ − ℓₜ₋₁| < Settings.FunctionTol, the gradient test, the
// iteration, evaluation and time limits. Result.Status says which.
type SGD struct {
	// LearnRate is the step size. Default 1e-5. ℓ is a sum over the n observations, so the
	// step on the average log-likelihood is LearnRate·n (0.5 at n = 50000): scale LearnRate
	// as 1/n.
	LearnRate float64
}

// Adam is full-batch gradient ascent with Adam's moment estimates (Kingma and Ba, 2015,
// https://arxiv.org/abs/1412.6980), with the same stopping rules as SGD:
//
//	mₜ = β₁mₜ₋₁ + (1−β₁)gₜ,  vₜ = β₂vₜ₋₁ + (1−β₂)gₜ²
//	u ← u + LearnRate · m̂ₜ / (√v̂ₜ + ε),  m̂ₜ = mₜ/(1−β₁ᵗ), v̂ₜ = vₜ/(1−β₂ᵗ)
type Adam struct {
	// LearnRate is the step size. Default 1e-3.
	LearnRate float64
	// Beta1 and Beta2 are the moment decay rates. Defaults 0.9 and 0.999.
	Beta1, Beta2 float64
	// Epsilon guards the division. Default 1e-8.
	Epsilon float64
}

var (
	_ Method = (*SGD)(nil)
	_ Method = (*Adam)(nil)
)

// String returns "SGD".
func (*SGD) String() string { return "SGD" }

// String returns "Adam".
func (*Adam) String() string { return "Adam" }

// Maximize runs the gradient-ascent loop.
func (m *SGD) Maximize(p *Problem, x0 []float64) (Outcome, error) {
	lr := orDefault(m.LearnRate, 1e-5)
	return firstOrder(p, x0, func(u, g []float64, _ int) {
		for i := range u {
			u[i] += lr * g[i]
		}
	})
}

// Maximize runs the Adam loop.
func (m *Adam) Maximize(p *Problem, x0 []float64) (Outcome, error) {
	lr := orDefault(m.LearnRate, 1e-3)
	b1, b2 := orDefault(m.Beta1, 0.9), orDefault(m.Beta2, 0.999)
	eps := orDefault(m.Epsilon, 1e-8)
	mom := make([]float64, len(x0))
	vel := make([]float64, len(x0))
	return firstOrder(p, x0, func(u, g []float64, t int) {
		c1 := 1 - math.Pow(b1, float64(t))
		c2 := 1 - math.Pow(b2, float64(t))
		for i := range u {
			mom[i] = b1*mom[i] + (1-b1)*g[i]
			vel[i] = b2*vel[i] + (1-b2)*g[i]*g[i]
			u[i] += lr * (mom[i] / c1) / (math.Sqrt(vel[i]/c2) + eps)
		}
	})
}

func orDefault(v, def float64) float64 {
	if v > 0 {
		return v
	}
	return def
}

// firstOrder runs a gradient-ascent loop; step updates u in place from the gradient g at the
// t-th step (t from 1).
func firstOrder(p *Problem, u0 []float64, step func(u, g []float64, t int)) (Outcome, error) {
	ftol := orDefault(p.settings.FunctionTol, 1e-5)
	gtol := p.GradientThreshold()
	u := append([]float64(nil), u0...)
	last := slices.Clone(u) // the last iterate with a finite log-likelihood and gradient
	prev := math.NaN()
	for iter := 0; ; iter++ {
		ll, g, err := p.ValueGrad(u)
		if err != nil {
			return Outcome{}, err
		}
		if math.IsInf(ll, -1) { // ValueGrad reports every non-finite point as −Inf
			return Outcome{X: last, Iterations: iter, Status: Failure, Reason: fmt.Sprintf(
				"log-likelihood became %v at iteration %d; returned the last finite iterate; lower the learning rate", p.rawLL, iter)}, nil
		}
		copy(last, u)
		p.Record(ll, g)
		out := Outcome{X: u, Iterations: iter}
		switch gnorm := p.history[len(p.history)-1].GradNorm; {
		case gnorm < gtol:
			out.Status, out.Reason = GradientConverged, fmt.Sprintf("max |gradient| %.3g < %.3g (n × GradientTol)", gnorm, gtol)
		case iter > 0 && math.Abs(ll-prev) < ftol:
			out.Status, out.Reason = FunctionConverged, fmt.Sprintf("|change in log-likelihood| %.3g < %.3g", math.Abs(ll-prev), ftol)
		default:
			out.Status, out.Reason = p.Limit(iter, 100000)
		}
		if out.Status != NotTerminated {
			return out, nil
		}
		prev = ll
		step(u, g, iter+1)
	}
}
