package optim

import (
	"errors"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// LBFGS is gonum's limited-memory BFGS with its default line search.
type LBFGS struct {
	// Store is the number of past updates kept. Default 15 (gonum's).
	Store int
}

// BFGS is gonum's BFGS quasi-Newton method with its default line search.
type BFGS struct{}

var (
	_ Method = (*LBFGS)(nil)
	_ Method = (*BFGS)(nil)
)

// String returns "L-BFGS".
func (*LBFGS) String() string { return "L-BFGS" }

// String returns "BFGS".
func (*BFGS) String() string { return "BFGS" }

// Maximize runs gonum's L-BFGS on the negative log-likelihood.
func (m *LBFGS) Maximize(p *Problem, x0 []float64) (Outcome, error) {
	return minimizeGonum(p, x0, &optimize.LBFGS{Store: m.Store})
}

// Maximize runs gonum's BFGS on the negative log-likelihood.
func (*BFGS) Maximize(p *Problem, x0 []float64) (Outcome, error) {
	return minimizeGonum(p, x0, &optimize.BFGS{})
}

// GonumProblem returns the negative log-likelihood of obj as a gonum optimize.Problem, so
// gonum's own methods can be run on (and cross-check) a model. Evaluation errors make Func
// return NaN and are reported through optimize.Problem.Status.
func GonumProblem(obj Objective) optimize.Problem {
	var failed error
	return newProblem(obj, nil).gonum(&failed)
}

// gonum builds the gonum Problem; the first evaluation error is stored in *failed.
func (p *Problem) gonum(failed *error) optimize.Problem {
	return optimize.Problem{
		Func: func(u []float64) float64 {
			ll, _, err := p.ValueGrad(u)
			if err != nil {
				*failed = err
				return math.NaN()
			}
			return -ll
		},
		Grad: func(grad, u []float64) {
			_, g, err := p.ValueGrad(u)
			if err != nil {
				*failed = err
				for i := range grad {
					grad[i] = math.NaN()
				}
				return
			}
			for i, v := range g {
				grad[i] = -v
			}
		},
		Hess: func(hess *mat.SymDense, u []float64) {
			h, err := p.Hessian(u)
			if err != nil {
				*failed = err
				return
			}
			hess.ScaleSym(-1, h)
		},
		// gonum calls Status after every evaluation, so a canceled context stops a run in
		// the middle of a line search; gonum then returns its last major iteration.
		Status: func() (optimize.Status, error) {
			if *failed != nil {
				return optimize.Failure, *failed
			}
			if p.ctx.Err() != nil {
				return optimize.Failure, errCanceled
			}
			return optimize.NotTerminated, nil
		},
	}
}

// errCanceled is how Problem.Status and gonumRecorder stop gonum's Minimize when the run's
// context is done; minimizeGonum turns it into the status Canceled.
var errCanceled = errors.New("optim: context done")

// gonumRecorder feeds gonum's major iterations to the run's history, and stops the run when
// its context is done, after recording the iteration.
type gonumRecorder struct {
	p    *Problem
	last *[]float64 // the last iterate recorded
}

func (gonumRecorder) Init() error { return nil }

// Record records major iterations, the start (gonum's first major iteration) included.
// gonum's InitIteration carries a placeholder location (F = +Inf), not the start, and is
// skipped.
func (r gonumRecorder) Record(loc *optimize.Location, op optimize.Operation, stats *optimize.Stats) error {
	if op == optimize.MajorIteration {
		r.p.Record(-loc.F, loc.Gradient)
		*r.last = slices.Clone(loc.X)
	}
	if r.p.ctx.Err() != nil {
		return errCanceled
	}
	return nil
}

// minimizeGonum runs a gonum method on the negative log-likelihood under the run's Settings.
func minimizeGonum(p *Problem, u0 []float64, method optimize.Method) (Outcome, error) {
	s := &p.settings
	ftol, fiter, maxIter := s.FunctionTol, s.FunctionIterations, s.MaxIterations
	if ftol <= 0 {
		ftol = 1e-10
	}
	if fiter <= 0 {
		fiter = 20
	}
	if maxIter <= 0 {
		maxIter = 1000
	}
	var failed error
	var last []float64
	problem := p.gonum(&failed)
	settings := &optimize.Settings{
		GradientThreshold: p.GradientThreshold(),
		Converger:         &optimize.FunctionConverge{Absolute: ftol, Iterations: fiter},
		MajorIterations:   maxIter,
		Runtime:           s.MaxTime,
		FuncEvaluations:   s.MaxEvaluations,
		Recorder:          gonumRecorder{p, &last},
	}
	res, err := optimize.Minimize(problem, u0, settings, method)
	if failed != nil {
		return Outcome{}, failed
	}
	canceled := errors.Is(err, errCanceled)
	if canceled && (res == nil || last == nil) {
		// Done before gonum's first major iteration, the start: return the start.
		ll, g, err := p.ValueGrad(u0)
		if err != nil {
			return Outcome{}, err
		}
		p.Record(ll, g)
		status, why := p.canceled()
		return Outcome{X: slices.Clone(u0), Status: status, Reason: why}, nil
	}
	if res == nil {
		return Outcome{}, err
	}
	if last != nil && !slices.Equal(last, res.X) {
		// gonum does not pass to its Recorder the major iteration that ends the run.
		p.Record(-res.F, res.Gradient)
	}
	out := Outcome{X: res.X, Iterations: res.MajorIterations}
	if canceled {
		out.Status, out.Reason = p.canceled()
		return out, nil
	}
	switch res.Status {
	case optimize.GradientThreshold:
		out.Status = GradientConverged
	case optimize.FunctionConvergence, optimize.MethodConverge:
		out.Status = FunctionConverged
	case optimize.IterationLimit:
		out.Status = IterationLimit
	case optimize.RuntimeLimit:
		out.Status = TimeLimit
	case optimize.FunctionEvaluationLimit, optimize.GradientEvaluationLimit, optimize.HessianEvaluationLimit:
		out.Status = EvaluationLimit
	default:
		out.Status = Failure
	}
	if err != nil {
		out.Reason = err.Error()
		var errGrad optimize.ErrGrad
		if errors.As(err, &errGrad) {
			out.Status = Failure
		}
	}
	if out.Reason == "" && out.Status != GradientConverged {
		out.Reason = res.Status.String()
	}
	return out, nil
}
