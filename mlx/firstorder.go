package mlx

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// SGD is full-batch gradient ascent on the log-likelihood with a fixed learning rate, the
// blog's torch.optim.SGD loop:
//
//	u ← u + LearnRate · ∇ℓ(u)
//
// It stops on the first of: |ℓₜ − ℓₜ₋₁| < Settings.FunctionTol (the blog's rule), the
// gradient test, the iteration, evaluation and time limits. Result.Status says which.
type SGD struct {
	// LearnRate is the step size. Default 1e-5, the blog's.
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

func (m *SGD) maximize(obj *objective, u0 []float64) (outcome, error) {
	lr := orDefault(m.LearnRate, 1e-5)
	return firstOrder(obj, u0, func(u, g []float64, _ int) {
		for i := range u {
			u[i] += lr * g[i]
		}
	})
}

func (m *Adam) maximize(obj *objective, u0 []float64) (outcome, error) {
	lr := orDefault(m.LearnRate, 1e-3)
	b1, b2 := orDefault(m.Beta1, 0.9), orDefault(m.Beta2, 0.999)
	eps := orDefault(m.Epsilon, 1e-8)
	mom := make([]float64, len(u0))
	vel := make([]float64, len(u0))
	return firstOrder(obj, u0, func(u, g []float64, t int) {
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
func firstOrder(obj *objective, u0 []float64, step func(u, g []float64, t int)) (outcome, error) {
	s := obj.settings
	ftol := orDefault(s.FunctionTol, 1e-5)
	gtol := s.gradientThreshold(obj.ev.data.n)
	maxIter := s.MaxIterations
	if maxIter <= 0 {
		maxIter = 100000
	}
	u := append([]float64(nil), u0...)
	last := slices.Clone(u) // the last iterate with a finite log-likelihood and gradient
	prev := math.NaN()
	for iter := 0; ; iter++ {
		ll, g, err := obj.valueGrad(u)
		if err != nil {
			return outcome{}, err
		}
		if math.IsInf(ll, -1) { // valueGrad reports every non-finite point as −Inf
			return outcome{u: last, iterations: iter, status: Failure, reason: fmt.Sprintf(
				"log-likelihood became %v at iteration %d; returned the last finite iterate; lower the learning rate", obj.rawLL, iter)}, nil
		}
		copy(last, u)
		obj.record(iter, ll, g)
		out := outcome{u: u, iterations: iter}
		switch gnorm := obj.history[len(obj.history)-1].GradNorm; {
		case gnorm < gtol:
			out.status, out.reason = GradientConverged, fmt.Sprintf("max |gradient| %.3g < %.3g (n × GradientTol)", gnorm, gtol)
		case iter > 0 && math.Abs(ll-prev) < ftol:
			out.status, out.reason = FunctionConverged, fmt.Sprintf("|change in log-likelihood| %.3g < %.3g", math.Abs(ll-prev), ftol)
		case iter >= maxIter:
			out.status, out.reason = IterationLimit, fmt.Sprintf("%d iterations", maxIter)
		case s.MaxEvaluations > 0 && obj.funcEvals >= s.MaxEvaluations:
			out.status, out.reason = EvaluationLimit, fmt.Sprintf("%d evaluations", s.MaxEvaluations)
		case s.MaxTime > 0 && time.Since(obj.begin) >= s.MaxTime:
			out.status, out.reason = TimeLimit, fmt.Sprintf("%v", s.MaxTime)
		}
		if out.status != NotTerminated {
			return out, nil
		}
		prev = ll
		step(u, g, iter+1)
	}
}
