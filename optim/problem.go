package optim

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Problem is one run of a Method: an Objective under Settings, with the bookkeeping every
// method shares. It counts evaluations, caches the last value and gradient and the last
// Hessian, reports non-finite values as −Inf, keeps the iteration history and checks the
// limits of Settings. Maximize creates it and hands it to Method.Maximize; a method evaluates
// the objective through it alone, so that Result's counts and history are complete.
type Problem struct {
	obj      Objective
	settings Settings
	ctx      context.Context
	begin    time.Time

	funcEvals, gradEvals, hessEvals, scoreEvals int
	history                                     []Iteration

	lastX, lastGrad []float64
	lastLL          float64
	nonFinite       int     // evaluations whose log-likelihood or gradient was not finite
	rawLL           float64 // the last log-likelihood as computed, before ValueGrad's −Inf
	lastHessX       []float64
	lastHess        *mat.SymDense
}

// newProblem starts the clock of a run of obj under s (nil for the zero Settings), with a
// context that is never canceled.
func newProblem(obj Objective, s *Settings) *Problem {
	p := &Problem{obj: obj, ctx: context.Background(), begin: time.Now()}
	if s != nil {
		p.settings = *s
	}
	return p
}

// NumParams returns the number of parameters p.
func (p *Problem) NumParams() int { return p.obj.NumParams() }

// NumObs returns the number of observations n.
func (p *Problem) NumObs() int { return p.obj.NumObs() }

// Settings returns the run's settings, for a method's own defaults (Settings.FunctionTol and
// the like).
func (p *Problem) Settings() Settings { return p.settings }

// Context returns the run's context, that of MaximizeContext (context.Background() under
// Maximize). Limit reports its cancellation, so a method that calls Limit once per iteration
// needs nothing more; one that may spend long within an iteration can also check Err.
func (p *Problem) Context() context.Context { return p.ctx }

// canceled returns Canceled with context.Cause as the reason once the run's context is
// canceled or past its deadline, and NotTerminated before.
func (p *Problem) canceled() (Status, string) {
	if p.ctx.Err() == nil {
		return NotTerminated, ""
	}
	return Canceled, context.Cause(p.ctx).Error()
}

// GradientThreshold returns the gradient test's bound on the largest absolute entry of the
// gradient of ℓ: n × Settings.GradientTol (default 1e-7), with n the total weight Σᵢ wᵢ of a
// WeightedObjective.
func (p *Problem) GradientThreshold() float64 {
	n := float64(p.obj.NumObs())
	if w, ok := p.obj.(WeightedObjective); ok {
		n = w.TotalWeight()
	}
	return p.settings.gradientThreshold(n)
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// everyFinite reports whether every entry of v is finite.
func everyFinite(v []float64) bool {
	for _, x := range v {
		if !finite(x) {
			return false
		}
	}
	return true
}

// Value returns the log-likelihood at x, counted as one function evaluation, for line searches
// that need no gradient at their trial points. A log-likelihood of NaN or ±Inf is returned as
// −Inf, as by ValueGrad.
func (p *Problem) Value(x []float64) (float64, error) {
	if p.lastX != nil && slices.Equal(x, p.lastX) {
		return p.lastLL, nil
	}
	ll, err := p.obj.LogLike(x)
	if err != nil {
		return 0, err
	}
	p.funcEvals++
	p.rawLL = ll
	if !finite(ll) {
		p.nonFinite++
		ll = math.Inf(-1)
	}
	return ll, nil
}

// ValueGrad returns the log-likelihood and its gradient at x, counted as one function and one
// gradient evaluation, and reuses the last evaluation when x has not changed (gonum asks for
// the value and then the gradient at the same point). The gradient is shared with that cache:
// read it, do not change it.
//
// A log-likelihood of NaN or ±Inf (a density cannot be infinite at a proper maximum) or a
// non-finite gradient marks a point outside where the model is defined. ValueGrad reports it
// as −Inf, the worst value, which every method should reject: gonum's line searches shrink the
// step (they give up on NaN, but back off from +Inf in the minimised −ℓ), and the first-order
// loops stop and return the last finite iterate. Result.Reason counts such points.
func (p *Problem) ValueGrad(x []float64) (float64, []float64, error) {
	if p.lastX != nil && slices.Equal(x, p.lastX) {
		return p.lastLL, p.lastGrad, nil
	}
	grad := make([]float64, len(x))
	ll, err := p.obj.LogLikeGrad(x, grad)
	if err != nil {
		return 0, nil, err
	}
	return p.counted(x, ll, grad), grad, nil
}

// counted books a value+gradient evaluation at x, however it was computed (by LogLikeGrad, or
// as one of a MultiStepper's steps): it counts it, applies ValueGrad's rule that a non-finite
// ℓ or gradient is −Inf, and makes it the one-point cache. It returns ℓ as ValueGrad would.
func (p *Problem) counted(x []float64, ll float64, grad []float64) float64 {
	p.funcEvals++
	p.gradEvals++
	p.rawLL = ll
	if !finite(ll) || !everyFinite(grad) {
		p.nonFinite++
		ll = math.Inf(-1)
	}
	p.lastX, p.lastLL, p.lastGrad = slices.Clone(x), ll, grad
	return ll
}

// Hessian returns the exact Hessian at x, counted as one Hessian evaluation, and reuses the
// last one when x has not changed (Newton's last iteration has usually computed the one
// Maximize reports). The matrix is shared with that cache: read it, do not change it.
func (p *Problem) Hessian(x []float64) (*mat.SymDense, error) {
	if p.lastHessX != nil && slices.Equal(x, p.lastHessX) {
		return p.lastHess, nil
	}
	h, err := p.obj.Hessian(x)
	if err != nil {
		return nil, err
	}
	p.hessEvals++
	p.lastHessX, p.lastHess = slices.Clone(x), h
	return h, nil
}

// ScoreObs returns the per-observation scores at x (n×p), counted as one score evaluation.
func (p *Problem) ScoreObs(x []float64) (*mat.Dense, error) {
	s, err := p.obj.ScoreObs(x)
	if err != nil {
		return nil, err
	}
	p.scoreEvals++
	return s, nil
}

// Record appends an iterate, with its log-likelihood and gradient, to the history and passes
// its record to Settings.Recorder. Call it at the start and once per iteration: the records
// are numbered from 0 in the order of the calls.
func (p *Problem) Record(ll float64, grad []float64) {
	it := Iteration{
		Iter:        len(p.history),
		LogLike:     ll,
		GradNorm:    floats.Norm(grad, math.Inf(1)),
		Evaluations: p.funcEvals,
		Elapsed:     time.Since(p.begin),
	}
	p.history = append(p.history, it)
	if p.settings.Recorder != nil {
		p.settings.Recorder(it)
	}
}

// Limit returns the limit that the run has reached after the given number of iterations, with
// the reason for Result.Reason, or NotTerminated. It checks, in this order, the run's context
// (MaximizeContext), Canceled with context.Cause as the reason once it is canceled or past its
// deadline; iterations ≥ Settings.MaxIterations (defaultMax, the method's own default, when
// that is 0), IterationLimit; log-likelihood evaluations ≥ Settings.MaxEvaluations,
// EvaluationLimit; and wall time ≥ Settings.MaxTime, TimeLimit. A method calls it once per
// iteration, before its step, and returns the iterate it holds when the status is not
// NotTerminated: that is how every method honours the context, the limits and MaxTime alike.
func (p *Problem) Limit(iterations, defaultMax int) (Status, string) {
	if status, why := p.canceled(); status != NotTerminated {
		return status, why
	}
	s := &p.settings
	maxIter := s.MaxIterations
	if maxIter <= 0 {
		maxIter = defaultMax
	}
	switch {
	case iterations >= maxIter:
		return IterationLimit, fmt.Sprintf("%d iterations", maxIter)
	case s.MaxEvaluations > 0 && p.funcEvals >= s.MaxEvaluations:
		return EvaluationLimit, fmt.Sprintf("%d evaluations", s.MaxEvaluations)
	case s.MaxTime > 0 && time.Since(p.begin) >= s.MaxTime:
		return TimeLimit, fmt.Sprintf("%v", s.MaxTime)
	}
	return NotTerminated, ""
}

// ValueGradHessian returns the log-likelihood, its gradient and its exact Hessian at x, from
// one call when the objective is a HessianObjective and from ValueGrad and Hessian otherwise,
// counted as one function, one gradient and one Hessian evaluation and cached as those are:
// read the results, do not change them. A non-finite ℓ or gradient is reported as ValueGrad
// reports it.
func (p *Problem) ValueGradHessian(x []float64) (float64, []float64, *mat.SymDense, error) {
	fused, ok := p.obj.(HessianObjective)
	cached := p.lastX != nil && slices.Equal(x, p.lastX)
	if !ok || cached {
		ll, g, err := p.ValueGrad(x)
		if err != nil {
			return 0, nil, nil, err
		}
		h, err := p.Hessian(x)
		return ll, g, h, err
	}
	grad := make([]float64, len(x))
	ll, h, err := fused.LogLikeGradHessian(x, grad)
	if err != nil {
		return 0, nil, nil, err
	}
	p.hessEvals++
	ll = p.counted(x, ll, grad)
	p.lastHessX, p.lastHess = p.lastX, h
	return ll, grad, h, nil
}

// fused reports whether the objective computes ℓ, its gradient and its Hessian in one call.
func (p *Problem) fused() bool {
	_, ok := p.obj.(HessianObjective)
	return ok
}

// LineSearch returns the first of the step sizes alphas (in order) whose point x + αd the
// accept function takes, given ℓ there (−Inf where ℓ is not finite), with that ℓ; ok is false
// if it takes none. A LineObjective evaluates the step sizes in batches, one call each; other
// objectives one at a time, stopping at the first accepted. Each point computed counts as a
// function evaluation.
func (p *Problem) LineSearch(x, d, alphas []float64, accept func(alpha, ll float64) bool) (alpha, ll float64, ok bool, err error) {
	lineObj, batched := p.obj.(LineObjective)
	var lls []float64
	if batched {
		if lls, batched, err = lineObj.LogLikeLine(x, d, alphas); err != nil {
			return 0, 0, false, err
		}
		if batched {
			p.funcEvals += len(alphas)
		}
	}
	for j, a := range alphas {
		if batched {
			ll = lls[j]
			if !finite(ll) {
				p.nonFinite++
				ll = math.Inf(-1)
			}
		} else if ll, err = p.Value(addScaled(x, a, d)); err != nil {
			return 0, 0, false, err
		}
		if accept(a, ll) {
			return a, ll, true, nil
		}
	}
	return 0, 0, false, nil
}
