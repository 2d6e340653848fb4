package optim

import (
	"errors"
	"fmt"
)

// Status says why an optimizer stopped. Failing to converge is a Status, not an error from
// Maximize (or from mlx.Fit).
type Status int

const (
	// NotTerminated means the optimizer has not stopped.
	NotTerminated Status = iota
	// GradientConverged: the largest absolute gradient entry fell below Settings.GradientTol.
	GradientConverged
	// FunctionConverged: the log-likelihood stopped changing by more than Settings.FunctionTol
	// (first-order methods: between two iterations; quasi-Newton and Newton:
	// over Settings.FunctionIterations iterations, gonum's FunctionConverge).
	FunctionConverged
	// NewtonConverged: the Newton decrement gᵀ(−H)⁻¹g at the last iterate, computed with the
	// exact Hessian, is below NewtonDecrementTol: the remaining Newton step is below 1e-6
	// standard errors in every direction, whatever the parameters' units. Newton stops on this
	// test when the gradient test cannot hold (badly scaled parameters), and Maximize reports
	// it for a method that could not improve the log-likelihood (a failed line search) there.
	NewtonConverged
	// IterationLimit: Settings.MaxIterations was reached.
	IterationLimit
	// TimeLimit: Settings.MaxTime was reached.
	TimeLimit
	// EvaluationLimit: Settings.MaxEvaluations was reached.
	EvaluationLimit
	// Failure: the method could not go on (for example a line search that found no better
	// point, or a log-likelihood that became NaN). Result.Reason says more.
	Failure
	// Canceled: the context of MaximizeContext (mlx.FitContext, estimate.FitContext) was
	// canceled or passed its deadline; Result.Reason gives context.Cause. The estimates are
	// the last iterate, as at a limit.
	Canceled
)

var statusNames = map[Status]string{
	NotTerminated:     "not terminated",
	GradientConverged: "converged (gradient)",
	FunctionConverged: "converged (function change)",
	NewtonConverged:   "converged (Newton decrement)",
	IterationLimit:    "iteration limit",
	TimeLimit:         "time limit",
	EvaluationLimit:   "evaluation limit",
	Failure:           "failure",
	Canceled:          "canceled",
}

// String returns a short description.
func (s Status) String() string {
	if name, ok := statusNames[s]; ok {
		return name
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Converged reports whether the optimizer stopped on a convergence test.
func (s Status) Converged() bool {
	return s == GradientConverged || s == FunctionConverged || s == NewtonConverged
}

// Early reports whether the optimizer stopped on a limit before converging, a canceled
// context included.
func (s Status) Early() bool {
	return s == IterationLimit || s == TimeLimit || s == EvaluationLimit || s == Canceled
}

// ErrNotConverged is wrapped by Status.Err for every status that is not a convergence.
var ErrNotConverged = errors.New("optim: optimizer did not converge")

// Err returns nil for a converged status and an error wrapping ErrNotConverged otherwise, for
// callers that want to treat non-convergence as an error.
func (s Status) Err() error {
	if s.Converged() {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrNotConverged, s)
}
