package mlx

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/gomle/gomle/internal/linalg"
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Settings controls a fit. The zero value works: every field's comment gives its default.
// Fit reads Settings and never changes them.
type Settings struct {
	// Start is the starting point, a flat vector on the natural scale in block order (Model.Pack
	// builds one from values by block name). Entries of Positive blocks must be > 0.
	// Default: 0 for every entry, 1 for entries of Positive blocks.
	Start []float64

	// GradientTol stops a method once the largest absolute entry of the gradient of the
	// average log-likelihood ℓ/n (with respect to the unconstrained parameters) is below it.
	// Default 1e-7.
	//
	// The test is on ℓ/n, not ℓ, because a line search can only resolve the maximum to about
	// √(2ε|ℓ|/λ) in the parameters (ε the float64 epsilon, λ the curvature of ℓ): below that,
	// changes in ℓ drown in rounding. For the blog's n = 50000 that floor is a gradient of ℓ
	// near 1e-3, so an absolute tolerance of 1e-5 could never be met, while 1e-7 on ℓ/n (5e-3
	// on ℓ) can, and leaves estimates within about 1e-7/λₙ of the maximum, λₙ the curvature of ℓ/n.
	GradientTol float64

	// FunctionTol is the function-change test. SGD and Adam stop when the log-likelihood
	// changes by less than FunctionTol between two iterations (the blog's rule), default 1e-5.
	// L-BFGS, BFGS and Newton stop when it has not improved by more than FunctionTol over
	// FunctionIterations iterations (gonum's FunctionConverge), default 1e-10.
	FunctionTol float64

	// FunctionIterations is the window of the function-change test of L-BFGS, BFGS and Newton.
	// Default 20.
	FunctionIterations int

	// MaxIterations caps the iterations. Default 1000 for L-BFGS, BFGS and Newton and 100000
	// for SGD and Adam (the blog's loop bound).
	MaxIterations int

	// MaxEvaluations caps the evaluations of the log-likelihood. Default 0, no cap.
	MaxEvaluations int

	// MaxTime caps the optimizer's wall time, checked once per iteration. Default 0, no cap.
	MaxTime time.Duration

	// SkipHessian leaves Result.Hessian nil instead of computing the exact Hessian at the
	// estimates. Standard errors need it; skip it only to time the optimizer alone.
	SkipHessian bool

	// Recorder, if not nil, is called once per iteration with the iteration's record, for
	// progress displays. It runs on the fitting goroutine: keep it fast.
	Recorder func(Iteration)
}

// gradientThreshold returns the absolute bound on the largest gradient entry of ℓ for n
// observations.
func (s *Settings) gradientThreshold(n int) float64 {
	tol := s.GradientTol
	if tol <= 0 {
		tol = 1e-7
	}
	return tol * float64(max(n, 1))
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

// Result is what a fit found.
type Result struct {
	// Model is the fitted model.
	Model *Model
	// Method names the optimizer.
	Method string
	// Backend names the GoMLX backend the fit ran on.
	Backend string
	// NumObs is the number of observations.
	NumObs int

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
	Status Status
	Reason string

	// Iterations, FuncEvals, GradEvals and HessEvals count the optimizer's iterations and
	// evaluations of the log-likelihood, its gradient and its Hessian. A value+gradient
	// evaluation counts once in FuncEvals and once in GradEvals.
	Iterations, FuncEvals, GradEvals, HessEvals int
	// Runtime is the optimizer's wall time; HessianTime is the time spent on the final exact
	// Hessian, reported apart so optimizers can be compared with the blog's timings.
	Runtime, HessianTime time.Duration
	// History has one record per iteration.
	History []Iteration
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

// Method is an optimizer. L-BFGS, BFGS and Newton come from gonum/optimize; SGD and Adam are
// first-order loops with the blog's stopping rule.
type Method interface {
	// String names the method in results and tables.
	String() string
	// maximize runs the method from u0 on the objective.
	maximize(obj *objective, u0 []float64) (outcome, error)
}

// outcome is what a method hands back to Fit.
type outcome struct {
	u          []float64
	status     Status
	reason     string
	iterations int
}

// Fit maximizes the model's log-likelihood on the data and returns the estimates, the exact
// Hessian at them and the optimizer's record. Nil settings mean the zero Settings; a nil method
// means L-BFGS.
//
// Fit returns an error for bad input (an invalid model, a start vector of the wrong length or
// outside a block's domain, a log-likelihood that cannot be built or is not finite at the
// start) and for a failure to compute the final Hessian. Failing to converge is not an error:
// it is Result.Status.
func Fit(b backends.Backend, m *Model, data *Dataset, s *Settings, method Method) (*Result, error) {
	ev, err := NewEvaluator(b, m, data)
	if err != nil {
		return nil, err
	}
	return FitEvaluator(ev, s, method)
}

// FitEvaluator is Fit on an existing Evaluator.
func FitEvaluator(ev *Evaluator, s *Settings, method Method) (*Result, error) {
	if s == nil {
		s = &Settings{}
	}
	if method == nil {
		method = &LBFGS{}
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
	obj := &objective{ev: ev, settings: s, begin: time.Now()}
	if _, grad0, err := obj.valueGrad(u0); err != nil {
		return nil, err
	} else if obj.nonFinite > 0 {
		what := fmt.Sprintf("log-likelihood is %v", obj.rawLL)
		if finite(obj.rawLL) {
			what = fmt.Sprintf("gradient is not finite (%v)", grad0)
		}
		return nil, fmt.Errorf("mlx: model %q: %s at the start; choose a start where the model is defined", m.Name, what)
	}
	out, err := method.maximize(obj, u0)
	if err != nil {
		return nil, err
	}
	if obj.nonFinite > 0 {
		out.reason = strings.TrimPrefix(fmt.Sprintf("%s; the log-likelihood or its gradient was not finite at %d trial point(s), which were rejected", out.reason, obj.nonFinite), "; ")
	}
	runtime := time.Since(obj.begin)
	ll, grad, err := obj.valueGrad(out.u)
	if err != nil {
		return nil, err
	}
	res := &Result{
		Model:         m,
		Method:        method.String(),
		Backend:       ev.backend.Name(),
		NumObs:        ev.data.n,
		Estimates:     m.toNatural(out.u),
		Unconstrained: slices.Clone(out.u),
		LogLike:       ll,
		Gradient:      slices.Clone(grad),
		Status:        out.status,
		Reason:        out.reason,
		Iterations:    out.iterations,
		FuncEvals:     obj.funcEvals,
		GradEvals:     obj.gradEvals,
		HessEvals:     obj.hessEvals,
		Runtime:       runtime,
		History:       obj.history,
		evaluator:     ev,
	}
	if dt := ev.data.DType(); dt != dtypes.Float64 {
		name := strings.ToLower(dt.String())
		res.Warnings = append(res.Warnings, fmt.Sprintf("data in %s: each observation's log-likelihood and derivatives are computed in %s (about 7 significant digits) and the gradient and Hessian sums are %s reductions; only the log-likelihood is summed in float64. Expect estimates to differ from a float64 fit in the 5th to 7th digit, and the gradient test to be out of reach (a line-search failure near the optimum).", name, name, name))
	}
	if !out.status.Converged() {
		res.Reason = strings.TrimPrefix(fmt.Sprintf("%s; at the last iterate max |gradient of ℓ| = %.3g (convergence needs < %.3g)",
			res.Reason, floats.Norm(grad, math.Inf(1)), s.gradientThreshold(ev.data.n)), "; ")
	}
	if !s.SkipHessian {
		t := time.Now()
		if res.Hessian, err = obj.hessian(out.u); err != nil {
			return nil, err
		}
		res.HessianTime = time.Since(t)
		if res.Status == Failure {
			res.Status, res.Reason = newtonCheck(res.Hessian, grad, res.Reason)
		}
	}
	return res, nil
}

// NewtonDecrementTol is the bound on the Newton decrement gᵀ(−H)⁻¹g below which a fit whose
// line search failed is reported as converged (NewtonConverged). The decrement is twice the
// gain a Newton step would still bring, and the squared length of that step measured in
// standard errors (δᵀ(−H)δ), so 1e-12 means the estimates are within 1e-6 standard errors of
// the maximum: far below what any inference can see. It is scale free, unlike a test on the
// gradient, which is why it can rescue small samples whose gradient test sits below what
// float64 resolves. (Stata's nrtolerance is the same quantity with the looser bound 1e-5.)
const NewtonDecrementTol = 1e-12

// newtonCheck returns NewtonConverged when the Newton decrement at a point where the line
// search failed is below NewtonDecrementTol, and Failure with the reason otherwise (including
// when −H is not positive definite, so the point is no maximum).
func newtonCheck(h *mat.SymDense, grad []float64, reason string) (Status, string) {
	p := h.SymmetricDim()
	neg := mat.NewSymDense(p, nil)
	neg.ScaleSym(-1, h)
	// Equilibrate −H to unit diagonal first, so that badly scaled parameters do not defeat
	// the Cholesky factorisation: gᵀ(−H)⁻¹g = (Sg)ᵀ(S(−H)S)⁻¹(Sg), S = diag(−H)^(−1/2).
	info, scale, ok := linalg.Equilibrate(neg)
	if !ok {
		return Failure, reason
	}
	var chol mat.Cholesky
	if !chol.Factorize(info) {
		return Failure, reason
	}
	g := mat.NewVecDense(p, nil)
	for i := range p {
		g.SetVec(i, grad[i]*scale[i])
	}
	var sol mat.VecDense
	if err := chol.SolveVecTo(&sol, g); err != nil {
		return Failure, reason
	}
	if dec := mat.Dot(g, &sol); dec < NewtonDecrementTol {
		return NewtonConverged, fmt.Sprintf("%s; Newton decrement gᵀ(−H)⁻¹g = %.3g < %.0e", reason, dec, NewtonDecrementTol)
	}
	return Failure, reason
}

// objective wraps an Evaluator with the bookkeeping every method shares: evaluation counts,
// a one-point cache, the iteration history and the limits of Settings.
type objective struct {
	ev       *Evaluator
	settings *Settings
	begin    time.Time

	funcEvals, gradEvals, hessEvals int
	history                         []Iteration

	lastU, lastGrad []float64
	lastLL          float64
	nonFinite       int     // evaluations whose log-likelihood or gradient was not finite
	rawLL           float64 // the last log-likelihood as computed, before valueGrad's NaN
	lastHessU       []float64
	lastHess        *mat.SymDense
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

// valueGrad returns the log-likelihood and its gradient at u, reusing the last evaluation when
// u has not changed (gonum asks for the value and then the gradient at the same point).
func (o *objective) valueGrad(u []float64) (float64, []float64, error) {
	if o.lastU != nil && slices.Equal(u, o.lastU) {
		return o.lastLL, o.lastGrad, nil
	}
	grad := make([]float64, len(u))
	ll, err := o.ev.LogLikeGrad(u, grad)
	if err != nil {
		return 0, nil, err
	}
	o.funcEvals++
	o.gradEvals++
	// A log-likelihood of NaN or ±Inf (a density cannot be infinite at a proper maximum) or a
	// non-finite gradient marks a point outside where the model is defined. Report it as −Inf,
	// the worst value, which every method rejects: gonum's line searches shrink the step (they
	// give up on NaN, but back off from +Inf in the minimised −ℓ), and the first-order loops
	// stop and return the last finite iterate.
	o.rawLL = ll
	if !finite(ll) || !everyFinite(grad) {
		o.nonFinite++
		ll = math.Inf(-1)
	}
	o.lastU, o.lastLL, o.lastGrad = slices.Clone(u), ll, grad
	return ll, grad, nil
}

// hessian returns the exact Hessian at u, reusing the last one when u has not changed
// (Newton's last iteration has usually computed it already).
func (o *objective) hessian(u []float64) (*mat.SymDense, error) {
	if o.lastHessU != nil && slices.Equal(u, o.lastHessU) {
		return o.lastHess, nil
	}
	h, err := o.ev.Hessian(u)
	if err != nil {
		return nil, err
	}
	o.hessEvals++
	o.lastHessU, o.lastHess = slices.Clone(u), h
	return h, nil
}

// record appends an iteration to the history and passes it to the Recorder.
func (o *objective) record(iter int, ll float64, grad []float64) {
	it := Iteration{
		Iter:        iter,
		LogLike:     ll,
		GradNorm:    floats.Norm(grad, math.Inf(1)),
		Evaluations: o.funcEvals,
		Elapsed:     time.Since(o.begin),
	}
	o.history = append(o.history, it)
	if o.settings.Recorder != nil {
		o.settings.Recorder(it)
	}
}
