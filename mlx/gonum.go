package mlx

import (
	"errors"
	"math"
	"time"

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

// Newton is gonum's modified Newton method fed the exact Hessian. Where the Hessian of the
// negative log-likelihood is not positive definite, gonum adds a multiple of the identity until
// a Cholesky factorization succeeds, so every step is a descent direction.
type Newton struct{}

var (
	_ Method = (*LBFGS)(nil)
	_ Method = (*BFGS)(nil)
	_ Method = (*Newton)(nil)
)

// String returns "L-BFGS".
func (*LBFGS) String() string { return "L-BFGS" }

// String returns "BFGS".
func (*BFGS) String() string { return "BFGS" }

// String returns "Newton".
func (*Newton) String() string { return "Newton" }

func (m *LBFGS) maximize(obj *objective, u0 []float64) (outcome, error) {
	return minimizeGonum(obj, u0, &optimize.LBFGS{Store: m.Store})
}

func (*BFGS) maximize(obj *objective, u0 []float64) (outcome, error) {
	return minimizeGonum(obj, u0, &optimize.BFGS{})
}

func (*Newton) maximize(obj *objective, u0 []float64) (outcome, error) {
	return minimizeGonum(obj, u0, &optimize.Newton{})
}

// Problem returns the negative log-likelihood of ev as a gonum optimize.Problem over the
// unconstrained parameters, so gonum's own methods can be run on (and cross-check) a model.
// Evaluation errors make Func return NaN and are reported through Problem.Status.
func Problem(ev *Evaluator) optimize.Problem {
	obj := &objective{ev: ev, settings: &Settings{}, begin: time.Now()}
	var failed error
	return obj.problem(&failed)
}

// problem builds the gonum Problem; the first evaluation error is stored in *failed.
func (o *objective) problem(failed *error) optimize.Problem {
	return optimize.Problem{
		Func: func(u []float64) float64 {
			ll, _, err := o.valueGrad(u)
			if err != nil {
				*failed = err
				return math.NaN()
			}
			return -ll
		},
		Grad: func(grad, u []float64) {
			_, g, err := o.valueGrad(u)
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
			h, err := o.hessian(u)
			if err != nil {
				*failed = err
				return
			}
			hess.ScaleSym(-1, h)
		},
		Status: func() (optimize.Status, error) {
			if *failed != nil {
				return optimize.Failure, *failed
			}
			return optimize.NotTerminated, nil
		},
	}
}

// gonumRecorder feeds gonum's major iterations to the objective's history.
type gonumRecorder struct{ obj *objective }

func (gonumRecorder) Init() error { return nil }

func (r gonumRecorder) Record(loc *optimize.Location, op optimize.Operation, stats *optimize.Stats) error {
	if op == optimize.MajorIteration || op == optimize.InitIteration {
		r.obj.record(len(r.obj.history), -loc.F, loc.Gradient)
	}
	return nil
}

// minimizeGonum runs a gonum method on the negative log-likelihood under the fit's Settings.
func minimizeGonum(obj *objective, u0 []float64, method optimize.Method) (outcome, error) {
	s := obj.settings
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
	problem := obj.problem(&failed)
	settings := &optimize.Settings{
		GradientThreshold: s.gradientThreshold(obj.ev.data.n),
		Converger:         &optimize.FunctionConverge{Absolute: ftol, Iterations: fiter},
		MajorIterations:   maxIter,
		Runtime:           s.MaxTime,
		FuncEvaluations:   s.MaxEvaluations,
		Recorder:          gonumRecorder{obj},
	}
	res, err := optimize.Minimize(problem, u0, settings, method)
	if failed != nil {
		return outcome{}, failed
	}
	if res == nil {
		return outcome{}, err
	}
	out := outcome{u: res.X, iterations: res.MajorIterations}
	switch res.Status {
	case optimize.GradientThreshold:
		out.status = GradientConverged
	case optimize.FunctionConvergence, optimize.MethodConverge:
		out.status = FunctionConverged
	case optimize.IterationLimit:
		out.status = IterationLimit
	case optimize.RuntimeLimit:
		out.status = TimeLimit
	case optimize.FunctionEvaluationLimit, optimize.GradientEvaluationLimit, optimize.HessianEvaluationLimit:
		out.status = EvaluationLimit
	default:
		out.status = Failure
	}
	if err != nil {
		out.reason = err.Error()
		var errGrad optimize.ErrGrad
		if errors.As(err, &errGrad) {
			out.status = Failure
		}
	}
	if out.reason == "" && out.status != GradientConverged {
		out.reason = res.Status.String()
	}
	return out, nil
}
