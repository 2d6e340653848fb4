package optim

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// DefaultStepsPerCall is how many steps per call mlx.Evaluator asks SGD and Adam to take on
// an accelerator, unless their StepsPerCall says otherwise. 8 removes 7/8 of the per-call latency (about 0.4 ms per call
// on a GPU), and more saves little more while the unrolled program's compile time keeps
// growing: on the blog's problem (normal linear, N = 50000, K = 100) on XLA CPU with 2 shared
// cores it took 0.66, 0.87, 1.00 and 1.50 s for 4, 8, 16 and 32 steps (0.34 s for one),
// against 6–7 ms per step, where the call overhead is within the noise (mlx's
// TestPerfStepsPerCall). On the pure-Go backend compiling is nearly free and a step takes
// about 50 ms, so the number of steps per call makes no measurable difference there.
const DefaultStepsPerCall = 8

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
	// StepsPerCall is how many steps to ask of an objective that implements MultiStepper
	// (mlx.Evaluator does) per call; 1 takes one step per call. Default: the objective's own
	// choice, MultiStepper.StepsPerCall (mlx.Evaluator: 1 on CPU backends, DefaultStepsPerCall
	// on accelerators). The result is the same whatever it is, to rounding (see
	// MultiStepper): it trades the latency of a call to the backend, which each step pays
	// when steps are taken one at a time, against the compile time of a program that unrolls
	// StepsPerCall steps (once per value, model and data shape) and the steps computed past a
	// stop and discarded.
	StepsPerCall int
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
	// StepsPerCall is as SGD's: default the objective's choice, 1 for one step per call.
	StepsPerCall int
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
	return firstOrder(p, x0, StepRule{LearnRate: orDefault(m.LearnRate, 1e-5)}, m.StepsPerCall)
}

// Maximize runs the Adam loop.
func (m *Adam) Maximize(p *Problem, x0 []float64) (Outcome, error) {
	rule := StepRule{Adam: true, LearnRate: orDefault(m.LearnRate, 1e-3),
		Beta1: orDefault(m.Beta1, 0.9), Beta2: orDefault(m.Beta2, 0.999), Epsilon: orDefault(m.Epsilon, 1e-8)}
	return firstOrder(p, x0, rule, m.StepsPerCall)
}

func orDefault(v, def float64) float64 {
	if v > 0 {
		return v
	}
	return def
}

// StepRule is the update of SGD or Adam with every hyperparameter given (no defaults), as
// SGD and Adam hand it to a MultiStepper.
type StepRule struct {
	// Adam selects Adam's update; false is SGD's.
	Adam bool
	// LearnRate is the step size of both.
	LearnRate float64
	// Beta1, Beta2 and Epsilon are Adam's; SGD ignores them.
	Beta1, Beta2, Epsilon float64
}

// StepState is where a first-order loop stands: an iterate, the gradient there, and Adam's
// moments after the steps taken so far.
type StepState struct {
	// X is the iterate and Grad ∇ℓ(X).
	X, Grad []float64
	// M and V are Adam's first and second moment estimates; nil for SGD.
	M, V []float64
	// T counts the steps taken: the next step is step T+1.
	T int
}

// Corrections returns Adam's bias corrections for step t, 1 − β₁ᵗ and 1 − β₂ᵗ. A MultiStepper
// should use them rather than compute the powers itself, so that its steps round as SGD's and
// Adam's own loops do.
func (r StepRule) Corrections(t int) (c1, c2 float64) {
	return 1 - math.Pow(r.Beta1, float64(t)), 1 - math.Pow(r.Beta2, float64(t))
}

// Apply takes one step from s: it updates s.X (and Adam's s.M and s.V) from s.Grad, in place,
// and counts it in s.T. s.Grad is left as it was, the gradient at the previous iterate. This
// is the update a MultiStepper repeats:
//
//	SGD:  X ← X + LearnRate·Grad
//	Adam: M ← β₁M + (1−β₁)Grad,  V ← β₂V + (1−β₂)Grad²,
//	      X ← X + LearnRate·(M/c₁)/(√(V/c₂) + ε),  (c₁, c₂) = Corrections(T)
func (r StepRule) Apply(s *StepState) {
	s.T++
	if !r.Adam {
		for i, g := range s.Grad {
			s.X[i] += r.LearnRate * g
		}
		return
	}
	c1, c2 := r.Corrections(s.T)
	b1, b2 := r.Beta1, r.Beta2
	for i, g := range s.Grad {
		s.M[i] = b1*s.M[i] + (1-b1)*g
		s.V[i] = b2*s.V[i] + (1-b2)*g*g
		s.X[i] += r.LearnRate * (s.M[i] / c1) / (math.Sqrt(s.V[i]/c2) + r.Epsilon)
	}
}

// MultiStepper is an Objective that can take several steps of SGD or Adam in one call, to
// save the latency and host overhead of one call per step (mlx.Evaluator runs them as one
// compiled program). SGD and Adam use it when the objective implements it; their iterates,
// history, counts and stops are those of one step per call, to rounding, because they walk
// through the steps on the host with the same tests and discard those past a stop.
type MultiStepper interface {
	Objective
	// Steps takes k steps of rule from the state from (which it must not change), each as
	// rule.Apply does, and evaluates ℓ and its gradient after each. It returns
	// ErrStepsUnsupported (possibly wrapped) when it cannot take several steps at once on
	// this objective, and the caller then takes one step per call; other errors are the
	// objective's.
	Steps(rule StepRule, k int, from StepState) (*Steps, error)
	// StepsPerCall returns the number of steps per call that pays off on this objective, used
	// when the method's StepsPerCall is 0: 1 where a call costs little next to a step and
	// the unrolled program's compile time would not be won back.
	StepsPerCall() int
}

// Steps is what MultiStepper.Steps returns: for each step j = 0 … k−1, the iterate after
// step from.T+j+1, with ℓ and its gradient there, and Adam's moments after the last step.
type Steps struct {
	X, Grad [][]float64
	LogLike []float64
	M, V    []float64
}

// ErrStepsUnsupported is returned by MultiStepper.Steps when an objective cannot take several
// steps per call, for example mlx.Evaluator on data in several chunks, whose gradient is
// summed across calls.
var ErrStepsUnsupported = errors.New("optim: this objective takes one step per call")

// stepper hands firstOrder its iterates, one step per call or several when the objective is a
// MultiStepper, and counts each step as one value+gradient evaluation when it is used.
type stepper struct {
	p       *Problem
	rule    StepRule
	state   StepState
	multi   MultiStepper // nil: one step per call
	perCall int
	block   *Steps // steps computed ahead
	next    int    // the next unused step of block
}

// step returns the next iterate with its log-likelihood (−Inf if not finite, as ValueGrad
// reports it) and gradient.
func (s *stepper) step() ([]float64, float64, []float64, error) {
	if s.block != nil && s.next < len(s.block.X) {
		j := s.next
		s.next++
		s.state.X, s.state.Grad = s.block.X[j], s.block.Grad[j]
		s.state.T++
		if s.next == len(s.block.X) {
			s.state.M, s.state.V = s.block.M, s.block.V
		}
		return s.state.X, s.p.counted(s.state.X, s.block.LogLike[j], s.state.Grad), s.state.Grad, nil
	}
	if s.multi != nil && s.wanted() >= s.perCall {
		block, err := s.multi.Steps(s.rule, s.perCall, s.state)
		switch {
		case errors.Is(err, ErrStepsUnsupported):
			s.multi = nil
		case err != nil:
			return nil, 0, nil, err
		default:
			if err := s.check(block); err != nil {
				return nil, 0, nil, err
			}
			s.block, s.next = block, 0
			return s.step()
		}
	}
	s.state.X = slices.Clone(s.state.X) // a block's iterate, or one the caller holds
	s.rule.Apply(&s.state)
	ll, grad, err := s.p.ValueGrad(s.state.X)
	s.state.Grad = grad
	return s.state.X, ll, grad, err
}

// check returns an error if a MultiStepper's block does not hold perCall steps of p values
// (and Adam's moments).
func (s *stepper) check(b *Steps) error {
	p, k := len(s.state.X), s.perCall
	ok := len(b.X) == k && len(b.Grad) == k && len(b.LogLike) == k
	for j := 0; ok && j < k; j++ {
		ok = len(b.X[j]) == p && len(b.Grad[j]) == p
	}
	if s.rule.Adam {
		ok = ok && len(b.M) == p && len(b.V) == p
	}
	if !ok {
		return fmt.Errorf("optim: the objective's Steps returned a malformed block for %d steps of %d parameters", k, p)
	}
	return nil
}

// wanted returns how many more steps the run may use before its iteration or evaluation
// limit, so that no block is computed past a limit known in advance (a MaxIterations of 1
// should not compile a program of 16 steps), and 0 once the run's context is done.
func (s *stepper) wanted() int {
	if s.p.ctx.Err() != nil {
		return 0 // the run stops at the next step: compute it alone
	}
	maxIter := s.p.settings.MaxIterations
	if maxIter <= 0 {
		maxIter = firstOrderMaxIter
	}
	left := maxIter - s.state.T // iterates T+1 … maxIter may still be recorded
	if me := s.p.settings.MaxEvaluations; me > 0 {
		left = min(left, me-s.p.funcEvals)
	}
	return left
}

// firstOrderMaxIter is the default MaxIterations of SGD and Adam.
const firstOrderMaxIter = 100000

// firstOrder runs a gradient-ascent loop with the update rule, asking a MultiStepper for
// perCall steps at a time (the objective's MultiStepper.StepsPerCall when perCall ≤ 0).
func firstOrder(p *Problem, u0 []float64, rule StepRule, perCall int) (Outcome, error) {
	ftol := orDefault(p.settings.FunctionTol, 1e-5)
	gtol := p.GradientThreshold()
	u := slices.Clone(u0)
	ll, g, err := p.ValueGrad(u)
	if err != nil {
		return Outcome{}, err
	}
	s := &stepper{p: p, rule: rule, state: StepState{X: u, Grad: g}, perCall: perCall}
	if rule.Adam {
		s.state.M, s.state.V = make([]float64, len(u)), make([]float64, len(u))
	}
	if ms, ok := p.obj.(MultiStepper); ok {
		if s.perCall <= 0 {
			s.perCall = ms.StepsPerCall()
		}
		if s.perCall > 1 {
			s.multi = ms
		}
	}
	last := u // the last iterate with a finite log-likelihood and gradient
	prev := math.NaN()
	for iter := 0; ; iter++ {
		if iter > 0 {
			if u, ll, g, err = s.step(); err != nil {
				return Outcome{}, err
			}
		}
		if math.IsInf(ll, -1) { // every non-finite point is reported as −Inf
			return Outcome{X: slices.Clone(last), Iterations: iter, Status: Failure, Reason: fmt.Sprintf(
				"log-likelihood became %v at iteration %d; returned the last finite iterate; lower the learning rate", p.rawLL, iter)}, nil
		}
		last = u
		p.Record(ll, g)
		out := Outcome{X: slices.Clone(u), Iterations: iter}
		switch gnorm := p.history[len(p.history)-1].GradNorm; {
		case gnorm < gtol:
			out.Status, out.Reason = GradientConverged, fmt.Sprintf("max |gradient| %.3g < %.3g (n × GradientTol)", gnorm, gtol)
		case iter > 0 && math.Abs(ll-prev) < ftol:
			out.Status, out.Reason = FunctionConverged, fmt.Sprintf("|change in log-likelihood| %.3g < %.3g", math.Abs(ll-prev), ftol)
		default:
			out.Status, out.Reason = p.Limit(iter, firstOrderMaxIter)
		}
		if out.Status != NotTerminated {
			return out, nil
		}
		prev = ll
	}
}
