package optim

import "time"

// Settings holds the stopping rules and limits of a run. The zero value works: every field's
// comment gives its default. Maximize reads Settings and never changes them. mlx.Settings
// embeds Settings and adds the start values.
type Settings struct {
	// GradientTol stops a method once the largest absolute entry of the gradient of the
	// average log-likelihood ℓ/n (with respect to the unconstrained parameters) is below it.
	// Default 1e-7.
	//
	// The test is on ℓ/n, not ℓ, because a line search can only resolve the maximum to about
	// √(2ε|ℓ|/λ) in the parameters (ε the float64 epsilon, λ the curvature of ℓ): below that,
	// changes in ℓ drown in rounding. For a normal linear model on n = 50000 observations that
	// floor is a gradient of ℓ near 1e-3, so an absolute tolerance of 1e-5 could never be met, while 1e-7 on ℓ/n (5e-3
	// on ℓ) can, and leaves estimates within about 1e-7/λₙ of the maximum, λₙ the curvature of ℓ/n.
	GradientTol float64

	// FunctionTol is the function-change test. SGD and Adam stop when the log-likelihood
	// changes by less than FunctionTol between two iterations, default 1e-5.
	// L-BFGS, BFGS and Newton stop when it has not improved by more than FunctionTol over
	// FunctionIterations iterations (gonum's FunctionConverge), default 1e-10. TrustRegion
	// and BHHH do not use it.
	FunctionTol float64

	// FunctionIterations is the window of the function-change test of L-BFGS, BFGS and Newton.
	// Default 20.
	FunctionIterations int

	// MaxIterations caps the iterations. Default 1000 for L-BFGS, BFGS, Newton, TrustRegion
	// and BHHH, and 100000 for SGD and Adam, whose iterations are cheap and many.
	MaxIterations int

	// MaxEvaluations caps the evaluations of the log-likelihood. Default 0, no cap.
	MaxEvaluations int

	// MaxTime caps the optimizer's wall time, checked once per iteration. Default 0, no cap.
	// A context deadline (MaximizeContext) stops a run in the same way, with Status Canceled
	// instead of TimeLimit.
	MaxTime time.Duration

	// SkipHessian leaves Result.Hessian nil instead of computing the exact Hessian at the
	// estimates. Standard errors need it; skip it only to time the optimizer alone. Without
	// the Hessian, a run that ends in Failure is not tested for NewtonConverged.
	SkipHessian bool

	// NoFinish leaves the estimates where the method stopped. By default a run that converged,
	// or failed on a line search, within a tenth of a standard error of a maximum (a Newton
	// decrement gᵀ(−H)⁻¹g below 10⁻²) is finished with full Newton steps on the exact Hessian
	// while they help, at most 10 (Result.Finishing counts them, History records them, and
	// Result.Reason says how the decrement fell): a quasi-Newton method's gradient test leaves
	// typically 4 to 8 correct digits, the finishing steps 11 (docs/ROBUSTNESS.md), at the cost
	// of one Hessian per step. Newton and TrustRegion finish by themselves; SGD and Adam, whose
	// loose tests are a choice of their user, are not finished. SkipHessian implies NoFinish.
	NoFinish bool

	// Recorder, if not nil, is called once per iteration with the iteration's record, for
	// progress displays. It runs on the fitting goroutine: keep it fast.
	Recorder func(Iteration)
}

// gradientThreshold returns the absolute bound on the largest gradient entry of ℓ for n
// observations (or a total weight n).
func (s *Settings) gradientThreshold(n float64) float64 {
	tol := s.GradientTol
	if tol <= 0 {
		tol = 1e-7
	}
	if !(n > 0) {
		n = 1
	}
	return tol * n
}

// Iteration is the record of one optimizer iteration.
type Iteration struct {
	// Iter counts iterations from 0, the start.
	Iter int
	// LogLike is the log-likelihood at the iterate.
	LogLike float64
	// GradNorm is the largest absolute entry of the gradient at the iterate.
	GradNorm float64
	// Evaluations counts log-likelihood evaluations so far.
	Evaluations int
	// Elapsed is the wall time since the fit started.
	Elapsed time.Duration
}
