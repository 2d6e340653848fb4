package mlx

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gomle/gomle/optim"
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"gonum.org/v1/gonum/mat"
)

// Settings controls a fit. The zero value works: every field's comment gives its default.
// Fit reads Settings and never changes them.
//
// Start is mlx's own: it is on the natural scale of the model's blocks. The optimizer's
// tolerances, limits, SkipHessian and Recorder are those of optim.Settings, embedded, so that
// they are documented and applied in one place: read and set them as s.MaxIterations, and name
// them in a literal through the embedded field,
//
//	&mlx.Settings{Start: start, Settings: optim.Settings{MaxIterations: 50}}
type Settings struct {
	// Start is the starting point, a flat vector on the natural scale in block order (Model.Pack
	// builds one from values by block name). Entries of Positive blocks must be > 0.
	// Default: 0 for every entry, 1 for entries of Positive blocks.
	Start []float64

	// Devices are the backend's devices to shard the rows over (NewEvaluatorOn): nil, the
	// default, runs on the backend's default device. The estimates are those of one device,
	// up to the order of floating-point sums.
	Devices []int

	optim.Settings
}

// Result is what a fit found.
type Result struct {
	// Model is the fitted model.
	Model *Model
	// Method names the optimizer.
	Method string
	// Backend names the GoMLX backend the fit ran on.
	Backend string
	// Devices are the devices the rows were sharded over, nil for the backend's default device.
	Devices []int
	// NumObs is the number of observations: of data rows, weighted or not. Observations gives
	// the number the rows stand for.
	NumObs int
	// Weights is the kind of the data's observation weights (Unweighted for none), and
	// SumWeights their sum (NumObs for none).
	Weights    WeightKind
	SumWeights float64
	// positive is the number of rows of positive weight.
	positive int

	// Estimates holds the estimates on the natural scale, flat in block order.
	Estimates []float64
	// Unconstrained holds the estimates on the optimizer's unconstrained scale.
	Unconstrained []float64
	// LogLike is the log-likelihood at the estimates.
	LogLike float64
	// Gradient is the gradient of the log-likelihood at the estimates, with respect to the
	// unconstrained parameters.
	Gradient []float64
	// Hessian is the exact Hessian of the log-likelihood at the estimates, with respect to
	// the unconstrained parameters; nil if Settings.SkipHessian was set.
	Hessian *mat.SymDense

	// Status says why the optimizer stopped, and Reason adds detail where there is any.
	Status optim.Status
	Reason string

	// Iterations, FuncEvals, GradEvals, HessEvals and ScoreEvals count the optimizer's
	// iterations and evaluations of the log-likelihood, its gradient, its Hessian and the
	// per-observation scores (see optim.Result). A value+gradient evaluation counts once in
	// FuncEvals and once in GradEvals.
	Iterations, FuncEvals, GradEvals, HessEvals, ScoreEvals int
	// Finishing counts the Newton steps that finished the optimizer's run (optim.Result).
	Finishing int
	// Calls counts the compiled programs run on the backend for the fit, the final Hessian
	// included: one per chunk of every evaluation.
	Calls int
	// Runtime is the optimizer's wall time; HessianTime is the time spent on the final exact
	// Hessian, which Runtime excludes, so that optimizers are timed without it.
	Runtime, HessianTime time.Duration
	// History has one record per iteration.
	History []optim.Iteration
	// Warnings are caveats about the numbers, such as reduced precision on float32 data.
	Warnings []string

	evaluator *Evaluator
}

// Labels returns the table labels of the parameters, in flat order.
func (r *Result) Labels() []string { return r.Model.Labels() }

// Block returns the natural-scale estimates of the named block.
func (r *Result) Block(name string) ([]float64, error) {
	i, off, ok := r.Model.blockIndex(name)
	if !ok {
		return nil, fmt.Errorf("mlx: model %q has no block %q (blocks: %s)", r.Model.Name, name, r.Model.blockNames())
	}
	return slices.Clone(r.Estimates[off : off+r.Model.Blocks[i].Size]), nil
}

// Evaluator returns the evaluator the fit used, for further exact derivatives at any point.
func (r *Result) Evaluator() *Evaluator { return r.evaluator }

// ScoreObs returns the per-observation scores at the estimates (n×p, unconstrained scale).
func (r *Result) ScoreObs() (*mat.Dense, error) { return r.evaluator.ScoreObs(r.Unconstrained) }

// Fit maximizes the model's log-likelihood on the data and returns the estimates, the exact
// Hessian at them and the optimizer's record. Nil settings mean the zero Settings; a nil method
// means L-BFGS. The methods are those of package optim (optim.Newton, optim.TrustRegion,
// optim.BHHH, ...), or any other optim.Method.
//
// Fit returns an error for bad input (an invalid model, a start vector of the wrong length or
// outside a block's domain, a log-likelihood that cannot be built or is not finite at the
// start) and for a failure to compute the final Hessian. Failing to converge is not an error:
// it is Result.Status. Fit is FitContext with a context that is never canceled.
func Fit(b backends.Backend, m *Model, data *Dataset, s *Settings, method optim.Method) (*Result, error) {
	return FitContext(context.Background(), b, m, data, s, method)
}

// FitContext is Fit under a context: once ctx is canceled or past its deadline, the optimizer
// stops within one iteration and FitContext returns the last iterate, with Status
// optim.Canceled, its exact Hessian, history and counts, and no error (see
// optim.MaximizeContext). A compiled program under way on the backend runs to its end.
// FitContext panics if ctx is nil.
func FitContext(ctx context.Context, b backends.Backend, m *Model, data *Dataset, s *Settings, method optim.Method) (*Result, error) {
	var devices []int
	if s != nil {
		devices = s.Devices
	}
	ev, err := NewEvaluatorOn(b, m, data, devices)
	if err != nil {
		return nil, err
	}
	return FitEvaluatorContext(ctx, ev, s, method)
}

// FitEvaluator is Fit on an existing Evaluator. It maps the start to the unconstrained scale,
// runs optim.Maximize on the Evaluator and maps the estimates back to the natural scale.
func FitEvaluator(ev *Evaluator, s *Settings, method optim.Method) (*Result, error) {
	return FitEvaluatorContext(context.Background(), ev, s, method)
}

// FitEvaluatorContext is FitEvaluator under a context, as FitContext is Fit.
func FitEvaluatorContext(ctx context.Context, ev *Evaluator, s *Settings, method optim.Method) (*Result, error) {
	if s == nil {
		s = &Settings{}
	}
	m := ev.model
	start := s.Start
	if start == nil {
		start, _ = m.Pack(nil)
	}
	u0, err := m.toUnconstrained(start)
	if err != nil {
		return nil, err
	}
	calls := ev.Calls()
	run, err := optim.MaximizeContext(ctx, ev, u0, &s.Settings, method)
	if err != nil {
		var start *optim.StartError
		if errors.As(err, &start) {
			return nil, fmt.Errorf("mlx: model %q: %w", m.Name, err)
		}
		return nil, err
	}
	res := &Result{
		Model:         m,
		Method:        run.Method,
		Backend:       ev.backend.Name(),
		NumObs:        ev.data.n,
		Devices:       ev.Devices(),
		Weights:       ev.data.weights,
		SumWeights:    ev.data.sumWeights,
		positive:      ev.data.positive,
		Estimates:     m.Natural(run.X),
		Unconstrained: slices.Clone(run.X),
		LogLike:       run.LogLike,
		Gradient:      run.Gradient,
		Hessian:       run.Hessian,
		Status:        run.Status,
		Reason:        run.Reason,
		Iterations:    run.Iterations,
		Finishing:     run.Finishing,
		FuncEvals:     run.FuncEvals,
		GradEvals:     run.GradEvals,
		HessEvals:     run.HessEvals,
		ScoreEvals:    run.ScoreEvals,
		Calls:         ev.Calls() - calls,
		Runtime:       run.Runtime,
		HessianTime:   run.HessianTime,
		History:       run.History,
		evaluator:     ev,
	}
	if dt := ev.data.DType(); dt != dtypes.Float64 {
		name := strings.ToLower(dt.String())
		res.Warnings = append(res.Warnings, fmt.Sprintf("data in %s: each observation's log-likelihood and derivatives are computed in %s (about 7 significant digits) and the gradient and Hessian sums are %s reductions; only the log-likelihood is summed in float64. Expect estimates to differ from a float64 fit in the 5th to 7th digit, and the gradient test to be out of reach (a line-search failure near the optimum).", name, name, name))
	}
	return res, nil
}

// Observations returns the number of observations the data stand for, Stata's N: the sum of
// the weights under frequency weights (each row counts wᵢ times), the number of rows of
// positive weight under sampling weights (rows of weight zero are out of the sample, as in
// Stata), the number of rows otherwise. BIC and the robust covariance's n/(n−1) use it.
func (r *Result) Observations() int {
	switch r.Weights {
	case Frequency:
		return int(r.SumWeights)
	case Sampling:
		return r.positive
	}
	return r.NumObs
}
