// Package mlx is gomle's maximum likelihood engine: models written as GoMLX graphs, compiled
// value, gradient, exact Hessian and per-observation score programs, and fits. The optimizers
// live in package optim, which links no GoMLX; mlx's Evaluator is the optim.Objective they
// maximize (and an optim.MultiStepper, which runs several SGD or Adam steps in one compiled
// program), and Fit maps start values and estimates between the natural and unconstrained
// scales around optim.Maximize.
//
// A Model is a set of named parameter Blocks plus LogLikeObs, a function that builds the
// log-likelihood of each observation from the blocks (on their natural scale) and named data
// inputs. Fit maximizes the sum; Evaluator gives the exact derivatives at any point.
//
//	m := &mlx.Model{Name: "normal",
//		Blocks: []mlx.Block{{Name: "beta", Size: k}, {Name: "sigma", Size: 1, Transform: mlx.Positive}},
//		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node { ... }}
//	b, _, err := backend.New() // package backend: GOMLX_BACKEND, else XLA CPU, else pure Go
//	res, err := mlx.Fit(b, m, data, nil, nil) // nil Settings and Method: defaults, L-BFGS
//	res, err = mlx.Fit(b, m, data, &mlx.Settings{Start: start}, &optim.Newton{})
//
// FitContext runs a fit under a context.Context: canceled, or past its deadline, the fit stops
// within one iteration and returns the last iterate with Status optim.Canceled, not an error.
//
// Package stderr turns a Result into standard errors, tests and tables.
//
// Beyond log-likelihoods, Jacobian evaluates any per-observation Function of named blocks and
// data, fᵢ(θ), with its exact Jacobian ∂fᵢ/∂θ (n×p), compiled and chunk by chunk: the mean of a
// nonlinear regression, whose Jacobian gives the Gauss–Newton covariance (stderr.GaussNewton).
//
// # Parameters and transforms
//
// Optimizers work on a flat vector of unconstrained values u, in block order. A Positive block
// enters LogLikeObs as exp(u), so a scale parameter such as σ is estimated on the log scale and
// never leaves its domain. Start values (Settings.Start) and Result.Estimates are on the natural
// scale; Result.Gradient and Result.Hessian are with respect to u.
//
// # Compilation
//
// Each parameter block is its own graph input, as is each data column: data are never baked
// into a graph as constants. The exact Hessian is p gradient-of-gradient passes, built into one
// graph; per-observation scores use reverse-over-reverse differentiation.
//
// Compiled programs live in one process-wide cache, keyed by what a model computes rather than
// by which Go value describes it. NewEvaluator builds the model's value graph for the data's
// column names and shapes, without compiling it, and hashes it: every operation with its
// inputs, static arguments, shapes and dtypes, and the full value of every constant the model
// captured, together with the blocks (names, sizes, transforms) and Batched. Evaluators whose
// digests agree share compiled programs, so refitting new data of the same shape, or a freshly
// built value of the same model (a bootstrap loop that rebuilds its model every round), compiles
// nothing (Evaluator.Compilations counts), and models that differ in any constant (Tobit's limits,
// say) never share. The one thing a graph cannot show is the Go function behind a custom
// gradient (graph.IdentityWithCustomGradient): a model with one shares programs only with itself.
//
// The cache holds at most DefaultProgramCacheCapacity sets of programs (one set per model
// computation and data shape; SetProgramCacheCapacity changes it) and forgets the least recently
// used beyond that. A forgotten set's compiled graphs are released (graph.Exec.Finalize) as soon
// as no evaluation is running them, whichever goroutine runs it; an Evaluator whose programs were
// forgotten compiles them again on its next evaluation. Memory therefore stays bounded however
// many model values, Evaluators and Results a program creates.
//
// # Backends
//
// The engine takes any backends.Backend and links no backend implementation (no go-xla).
// Package backend creates one: backend.New follows GOMLX_BACKEND ("go", "xla:cpu", "xla:cuda",
// or an absolute plugin path); unset, it picks XLA CPU when a PJRT CPU plugin is installed and
// the pure-Go backend otherwise, and it never lets go-xla download anything. Every Result
// records its backend.
//
// # Error handling
//
// Functions that build graphs (LogLikeObs, Params.Get, Data.Get) panic, as GoMLX ops do;
// everything that compiles or runs a graph (Fit, Evaluator methods) turns those panics into
// errors. Bad input gets an error that names what is wrong: columns of different lengths, NaN
// or Inf in data, a start vector of the wrong length, an unknown block, a non-positive start
// for a Positive block. Failing to converge is not an error: it is Result.Status, an
// optim.Status.
package mlx
