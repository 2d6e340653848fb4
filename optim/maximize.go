package optim

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/gomle/gomle/internal/linalg"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Method is an optimizer. It is an open interface: a method of another package implements it
// with the exported API of Problem alone.
type Method interface {
	// String names the method in results and tables.
	String() string
	// Maximize runs the method on p from x0 (which it may change) and returns where and why
	// it stopped. It evaluates the objective only through p, calls p.Record at the start and
	// after every iteration, and stops on p.Limit. It returns an error only when the objective
	// does; failing to converge is Outcome.Status.
	Maximize(p *Problem, x0 []float64) (Outcome, error)
}

// Outcome is what a Method hands back to Maximize.
type Outcome struct {
	// X is the last iterate, the estimate.
	X []float64
	// Status says why the method stopped; it must not be NotTerminated.
	Status Status
	// Reason adds detail, for Result.Reason; it may be empty.
	Reason string
	// Iterations counts the method's iterations.
	Iterations int
}

// Result is what a run found.
type Result struct {
	// Method names the method.
	Method string
	// X holds the estimates, the last iterate.
	X []float64
	// LogLike is the log-likelihood at X.
	LogLike float64
	// Gradient is the gradient of the log-likelihood at X.
	Gradient []float64
	// Hessian is the exact Hessian of the log-likelihood at X; nil if Settings.SkipHessian
	// was set.
	Hessian *mat.SymDense

	// Status says why the method stopped, and Reason adds detail where there is any.
	Status Status
	Reason string

	// Iterations, FuncEvals, GradEvals, HessEvals and ScoreEvals count the method's
	// iterations and evaluations of the log-likelihood, its gradient, its Hessian and the
	// per-observation scores, the start included and the final Hessian (HessianTime) not. A
	// value+gradient evaluation counts once in FuncEvals and once in GradEvals.
	Iterations, FuncEvals, GradEvals, HessEvals, ScoreEvals int
	// Finishing counts the Newton steps that finished a run of a method other than Newton and
	// TrustRegion (Settings.NoFinish); Iterations does not include them, History does.
	Finishing int
	// Runtime is the method's wall time, finishing steps included; HessianTime is the time spent on the final exact
	// Hessian, which Runtime excludes, so that methods are timed without it.
	Runtime, HessianTime time.Duration
	// History has one record per iteration.
	History []Iteration
}

// StartError reports a start at which the log-likelihood or its gradient is not finite. No
// method can start there: choose a start where the model is defined.
type StartError struct {
	// LogLike is the log-likelihood at the start, as the objective computed it.
	LogLike float64
	// Gradient is the gradient at the start.
	Gradient []float64
}

// Error describes what is not finite.
func (e *StartError) Error() string {
	what := fmt.Sprintf("log-likelihood is %v", e.LogLike)
	if finite(e.LogLike) {
		what = fmt.Sprintf("gradient is not finite (%v)", e.Gradient)
	}
	return what + " at the start; choose a start where the model is defined"
}

// Maximize maximizes the objective from x0 with the method under the settings, and returns
// the estimates, the exact Hessian there and the method's record. Nil settings mean the zero
// Settings; a nil method means L-BFGS. It is MaximizeContext with a context that is never
// canceled.
//
// Maximize returns an error when the objective returns one, and a *StartError when the
// log-likelihood or its gradient is not finite at x0. Failing to converge is not an error:
// it is Result.Status. Maximize panics if len(x0) is not obj.NumParams().
func Maximize(obj Objective, x0 []float64, s *Settings, method Method) (*Result, error) {
	return MaximizeContext(context.Background(), obj, x0, s, method)
}

// MaximizeContext is Maximize under a context: once ctx is canceled or past its deadline, the
// method stops within one iteration (each method checks it through Problem.Limit, once per
// iteration; gonum's L-BFGS and BFGS also after every evaluation) and MaximizeContext returns
// the last iterate with Status Canceled and context.Cause(ctx) in Result.Reason, with no
// error: the estimates, the exact Hessian there (unless Settings.SkipHessian), the history and
// the counts are those of the run so far. A canceled context is a status, as Settings.MaxTime's
// TimeLimit is, and not an error, so that a caller who stops a long fit keeps what it found.
// An evaluation under way is not interrupted: the objective decides how long one takes.
//
// When ctx is done before the start, MaximizeContext evaluates ℓ and its gradient at x0 once
// (the start check that every run makes), records the start as iteration 0, does not run the
// method and returns x0 with Status Canceled. MaximizeContext panics if ctx is nil.
func MaximizeContext(ctx context.Context, obj Objective, x0 []float64, s *Settings, method Method) (*Result, error) {
	if ctx == nil {
		panic("optim: nil context; use context.Background()")
	}
	if len(x0) != obj.NumParams() {
		panic(fmt.Sprintf("optim: start has %d values, the objective %d parameters", len(x0), obj.NumParams()))
	}
	if method == nil {
		method = &LBFGS{}
	}
	p := newProblem(obj, s)
	p.ctx = ctx
	ll0, grad0, err := p.ValueGrad(x0)
	if err != nil {
		return nil, err
	} else if p.nonFinite > 0 {
		return nil, &StartError{LogLike: p.rawLL, Gradient: slices.Clone(grad0)}
	}
	var out Outcome
	if status, why := p.canceled(); status != NotTerminated {
		p.Record(ll0, grad0)
		out = Outcome{X: slices.Clone(x0), Status: status, Reason: why}
	} else if out, err = method.Maximize(p, slices.Clone(x0)); err != nil {
		return nil, err
	}
	if len(out.X) != len(x0) || out.Status == NotTerminated {
		return nil, fmt.Errorf("optim: method %s returned %d values with status %v, want %d values and a final status", method, len(out.X), out.Status, len(x0))
	}
	finishSteps := 0
	if !p.settings.SkipHessian && !p.settings.NoFinish && finishes(method) && (out.Status.Converged() || out.Status == Failure) {
		if out, finishSteps, err = finishRun(p, out); err != nil {
			return nil, err
		}
	}
	if p.nonFinite > 0 {
		out.Reason = strings.TrimPrefix(fmt.Sprintf("%s; the log-likelihood or its gradient was not finite at %d trial point(s), which were rejected", out.Reason, p.nonFinite), "; ")
	}
	runtime := time.Since(p.begin)
	ll, grad, err := p.ValueGrad(out.X)
	if err != nil {
		return nil, err
	}
	res := &Result{
		Method:     method.String(),
		X:          slices.Clone(out.X),
		LogLike:    ll,
		Gradient:   slices.Clone(grad),
		Status:     out.Status,
		Reason:     out.Reason,
		Iterations: out.Iterations,
		Finishing:  finishSteps,
		FuncEvals:  p.funcEvals,
		GradEvals:  p.gradEvals,
		HessEvals:  p.hessEvals,
		ScoreEvals: p.scoreEvals,
		Runtime:    runtime,
		History:    p.history,
	}
	if !out.Status.Converged() {
		res.Reason = strings.TrimPrefix(fmt.Sprintf("%s; at the last iterate max |gradient of ℓ| = %.3g (convergence needs < %.3g)",
			res.Reason, floats.Norm(grad, math.Inf(1)), p.GradientThreshold()), "; ")
	}
	if !p.settings.SkipHessian {
		t := time.Now()
		if res.Hessian, err = p.Hessian(out.X); err != nil {
			return nil, err
		}
		res.HessianTime = time.Since(t)
		if res.Status == Failure {
			res.Status, res.Reason = newtonCheck(res.Hessian, grad, res.Reason)
		}
	}
	return res, nil
}

// NewtonDecrementTol is the bound on the Newton decrement gᵀ(−H)⁻¹g below which a run whose
// method stopped with Failure (typically a failed line search) is reported as converged
// (NewtonConverged). The decrement is twice the gain a Newton step would still bring, and the
// squared length of that step measured in standard errors (δᵀ(−H)δ), so 1e-12 means the
// estimates are within 1e-6 standard errors of the maximum: far below what any inference can
// see. It is scale free, unlike a test on the gradient, which is why it can rescue small
// samples whose gradient test sits below what float64 resolves. (Stata's nrtolerance is the
// same quantity with the looser bound 1e-5.)
const NewtonDecrementTol = 1e-12

// newtonCheck returns NewtonConverged when the Newton decrement at a point where the method
// failed is below NewtonDecrementTol, and Failure with the reason otherwise (including when
// −H is not positive definite, so the point is no maximum).
func newtonCheck(h *mat.SymDense, grad []float64, reason string) (Status, string) {
	neg := mat.NewSymDense(h.SymmetricDim(), nil)
	neg.ScaleSym(-1, h)
	// Equilibrated, so that badly scaled parameters do not defeat the Cholesky factorisation.
	solve, ok := linalg.NewtonSolver(neg)
	if !ok {
		return Failure, reason
	}
	if dec := floats.Dot(grad, solve(grad)); dec < NewtonDecrementTol {
		return NewtonConverged, fmt.Sprintf("%s; Newton decrement gᵀ(−H)⁻¹g = %.3g < %.0e", reason, dec, NewtonDecrementTol)
	}
	return Failure, reason
}
