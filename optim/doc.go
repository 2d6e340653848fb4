// Package optim maximizes log-likelihoods on the host: the optimizers of gomle, their stopping
// rules and limits, and the record of a run. It links no GoMLX and no other gomle package, only
// gonum and the standard library, so an optimizer can be written, tested and timed on a
// log-likelihood written in plain Go.
//
// An Objective is a log-likelihood ℓ(x) = Σᵢ ℓᵢ(x) of n observations over p unconstrained
// parameters, with its gradient, exact Hessian and per-observation scores ∇ℓᵢ(x). Package
// mlx's Evaluator is one, computed by compiled GoMLX graphs. Maximize runs a Method on an
// Objective under Settings and returns a Result: the maximizer, ℓ, the gradient and the exact
// Hessian there, a Status and the history of the iterations.
//
//	res, err := optim.Maximize(obj, x0, &optim.Settings{GradientTol: 1e-9}, &optim.Newton{})
//
// # Methods
//
// L-BFGS, BFGS and Newton are gonum's (gonum.org/v1/gonum/optimize), fed the exact gradient
// and Hessian. TrustRegion is Newton's method with an exactly solved trust-region subproblem.
// SGD and Adam are full-batch first-order loops; on an Objective that is also a MultiStepper
// (mlx.Evaluator) they ask for several steps per call, to save a call's latency per step, and
// walk through them on the host with the same stopping tests, so that the run is the same.
// BHHH takes Newton-like steps with the outer product of the scores in place of the negative
// Hessian.
//
// Method is an open interface: a method written in another package receives a *Problem, which
// evaluates the objective with the shared bookkeeping (evaluation counts, the treatment of
// non-finite values, the history, the limits of Settings), and returns an Outcome. BHHH is
// written that way, with optim's exported API alone (bhhh.go; a test checks it).
//
// # Convergence
//
// Every method applies the gradient test of Settings.GradientTol to ℓ/n, and its own tests
// besides (see each method). Where a method stops with Failure, typically a line search that
// finds no better point, Maximize computes the exact Hessian H and reports NewtonConverged if
// the Newton decrement gᵀ(−H)⁻¹g is below NewtonDecrementTol: the maximum is then reached
// within rounding. A non-converged Result.Reason ends with the gradient against its threshold.
//
// # Cancellation
//
// MaximizeContext runs under a context.Context: once it is canceled or past its deadline, the
// method stops within one iteration and the Result holds the last iterate with Status
// Canceled, its Hessian, history and counts, and no error, as at Settings.MaxTime. Every
// method checks the context through Problem.Limit once per iteration, with the limits of
// Settings; gonum's L-BFGS and BFGS are stopped through their Problem.Status, called after
// every evaluation, and their Recorder. An evaluation under way runs to its end.
//
//	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
//	defer cancel()
//	res, err := optim.MaximizeContext(ctx, obj, x0, nil, &optim.Newton{})
//
// The context is an argument, not a field of Settings, as in the standard library
// (database/sql's QueryContext, net's DialContext): Settings are a reusable value, a context
// belongs to one call.
//
// # Backends
//
// None: everything here runs in float64 on the host. The objective decides where ℓ and its
// derivatives are computed (mlx: on a GoMLX backend); the optimizers' p×p linear algebra is
// gonum's.
//
// # Error handling
//
// Failing to converge is not an error: it is Result.Status, with Result.Reason. Maximize
// returns an error when the objective returns one, and a *StartError when ℓ or its gradient is
// not finite at the start. A log-likelihood or gradient that is NaN or ±Inf at a later trial
// point is reported to the method as −Inf, the worst value, so every method rejects that
// point; Result.Reason counts them. Maximize panics if the start does not have
// Objective.NumParams entries.
package optim
