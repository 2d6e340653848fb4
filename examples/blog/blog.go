// Package blog reproduces the blog post "Using PyTorch for Maximum Likelihood Estimation" with
// gomle: the blog's simulated regression, closed-form OLS, its gradient-descent loop, L-BFGS,
// Newton with the exact Hessian, standard errors, and its three tables. It is the library
// behind cmd/blog-ols and notebooks/blog-ols.ipynb, so both show the same numbers.
//
// # Error handling
//
// Run returns errors for bad configuration and for failures of the engine; a method that does
// not converge is reported in its row (Status, Reason), not as an error.
//
// # Backends
//
// Run uses backend.New: GOMLX_BACKEND, else XLA CPU when its plugin is installed, else pure Go.
package blog

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/gomle/gomle/backend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
)

// PublishedSeconds are the blog's published timings (AMD Radeon RX 7900 XTX through ROCm),
// keyed by our method that plays the same part: torch.optim.SGD for SGD, pytorch-minimize's
// L-BFGS for L-BFGS, and scipy's BFGS with finite-difference gradients for BFGS.
var PublishedSeconds = map[string]Published{
	"SGD":    {"PyTorch SGD", 13.901280},
	"L-BFGS": {"PyTorch + pytorch-minimize", 0.123910},
	"BFGS":   {"Scipy (no GPU/autograd)", 5.470564},
}

// Published is one of the blog's timings.
type Published struct {
	Label   string
	Seconds float64
}

// Config says what to run. DefaultConfig gives the blog's.
type Config struct {
	// N, K and Seed shape and seed the simulated data (Generate).
	N, K int
	Seed uint64
	// Methods lists what to run, among "ols", "sgd", "adam", "lbfgs", "bfgs" and "newton".
	// OLS is always computed, as the reference; listing it only shows its time.
	Methods []string
	// SGDRate is SGD's learning rate; SGDTol the function-change rule of SGD and Adam;
	// SGDMaxTime their time limit (0: none).
	SGDRate, SGDTol float64
	SGDMaxTime      time.Duration
	// Progress, if not nil, returns the per-iteration recorder of each method, for live views,
	// and a function called when the method's fit returns.
	Progress func(method string) (record func(optim.Iteration), done func())
	// Log, if not nil, receives a line as each step starts.
	Log io.Writer
}

// DefaultConfig returns the blog's setting: N = 50000, K = 100, SGD with learning rate 1e-5
// stopping when the log-likelihood changes by less than 1e-5, L-BFGS and Newton. SGD gets 75 s
// on the clock so the whole run stays within about two minutes on the pure-Go backend.
func DefaultConfig() Config {
	return Config{N: 50000, K: 100, Seed: 1, Methods: []string{"ols", "sgd", "lbfgs", "newton"},
		SGDRate: 1e-5, SGDTol: 1e-5, SGDMaxTime: 75 * time.Second}
}

// MethodResult is one method's row in every table; the JSON names are part of
// cmd/blog-ols's interface.
type MethodResult struct {
	Name        string    `json:"name"`
	Estimates   []float64 `json:"estimates"`
	SE          []float64 `json:"se"`
	RMSEvsOLS   float64   `json:"rmse_vs_ols"`
	MaxAbsDiff  float64   `json:"max_abs_diff_vs_ols"`
	Seconds     float64   `json:"seconds"`
	SESeconds   float64   `json:"se_seconds"`
	Iterations  int       `json:"iterations"`
	Evaluations int       `json:"evaluations"`
	Status      string    `json:"status"`
	Converged   bool      `json:"converged"`
	Reason      string    `json:"reason,omitempty"`
	LogLike     float64   `json:"loglike"`

	// History, Lower and Upper are what the figures draw: the iteration record and the 95%
	// intervals. They are plain values, like every field of a Report, so that a report can be
	// saved and read back (a notebook caches it with GoNB's cache package, encoding/gob).
	History      []optim.Iteration `json:"-"`
	Lower, Upper []float64         `json:"-"`
}

// Report is everything Run found: the numbers of the blog's tables.
type Report struct {
	Backend       string   `json:"backend"`
	BackendConfig string   `json:"backend_config"`
	N             int      `json:"n"`
	K             int      `json:"k"`
	Seed          uint64   `json:"seed"`
	Labels        []string `json:"labels"`
	// True holds the simulation's true β and σ.
	True []float64 `json:"true"`
	OLS  struct {
		Estimates []float64 `json:"estimates"`
		SE        []float64 `json:"se"`
		SigmaDF   float64   `json:"sigma_df"`
		Seconds   float64   `json:"seconds"`
	} `json:"ols"`
	ShowOLSTime bool `json:"-"`
	// CompileSeconds is the time to compile the value, gradient and Hessian programs, done
	// once before any method is timed.
	CompileSeconds float64        `json:"compile_seconds"`
	Methods        []MethodResult `json:"methods"`
}

// newMethod returns the optimizer of a method name, or nil for an unknown name.
func newMethod(name string, cfg Config) optim.Method {
	switch name {
	case "sgd":
		return &optim.SGD{LearnRate: cfg.SGDRate}
	case "adam":
		return &optim.Adam{}
	case "lbfgs":
		return &optim.LBFGS{}
	case "bfgs":
		return &optim.BFGS{}
	case "newton":
		return &optim.Newton{}
	}
	return nil
}

func (cfg Config) logf(format string, args ...any) {
	if cfg.Log != nil {
		fmt.Fprintf(cfg.Log, format+"\n", args...)
	}
}

// Run simulates the data, fits every method and returns the report.
func Run(cfg Config) (*Report, error) {
	methods := make([]optim.Method, 0, len(cfg.Methods))
	showOLS := false
	for _, name := range cfg.Methods {
		name = strings.TrimSpace(strings.ToLower(name))
		switch m := newMethod(name, cfg); {
		case name == "ols":
			showOLS = true
		case m != nil:
			methods = append(methods, m)
		default:
			return nil, fmt.Errorf("blog: unknown method %q: want ols, sgd, adam, lbfgs, bfgs or newton", name)
		}
	}
	b, bconfig, err := backend.New()
	if err != nil {
		return nil, err
	}
	cfg.logf("backend %s (%s); generating N=%d, K=%d, seed %d", b.Name(), bconfig, cfg.N, cfg.K, cfg.Seed)
	prob, err := Generate(cfg.N, cfg.K, cfg.Seed)
	if err != nil {
		return nil, err
	}
	model := likelihoods.NormalLinear(cfg.K)
	rep := &Report{Backend: b.Name(), BackendConfig: bconfig, N: cfg.N, K: cfg.K, Seed: cfg.Seed,
		Labels: model.Labels(), True: append(append([]float64(nil), prob.Beta...), prob.Sigma), ShowOLSTime: showOLS}

	t0 := time.Now()
	ols, err := FitOLS(prob.X, prob.Y)
	if err != nil {
		return nil, err
	}
	rep.OLS.Seconds = time.Since(t0).Seconds()
	rep.OLS.Estimates, rep.OLS.SE, rep.OLS.SigmaDF = ols.Estimates(), ols.SE, ols.SigmaDF

	data, err := prob.Dataset()
	if err != nil {
		return nil, err
	}
	ev, err := mlx.NewEvaluator(b, model, data)
	if err != nil {
		return nil, err
	}
	cfg.logf("compiling the value, gradient and Hessian programs...")
	t0 = time.Now()
	if err := ev.Precompile(); err != nil {
		return nil, err
	}
	rep.CompileSeconds = time.Since(t0).Seconds()

	for _, method := range methods {
		// NoFinish: each method stops on its own test, as the blog's PyTorch runs did, so that
		// the timings and distances compare like with like. gomle's default would finish
		// L-BFGS and BFGS with a Newton step on the exact Hessian (optim.Settings.NoFinish),
		// which brings them to the OLS solution within rounding, at the cost of one Hessian.
		settings := &mlx.Settings{Start: prob.Start, Settings: optim.Settings{NoFinish: true}}
		switch method.(type) {
		case *optim.SGD, *optim.Adam:
			settings.FunctionTol, settings.MaxTime = cfg.SGDTol, cfg.SGDMaxTime
		}
		done := func() {}
		if cfg.Progress != nil {
			settings.Recorder, done = cfg.Progress(method.String())
		}
		cfg.logf("fitting %s...", method)
		res, err := mlx.FitEvaluator(ev, settings, method)
		done()
		if err != nil {
			return nil, fmt.Errorf("blog: %s: %w", method, err)
		}
		t := time.Now()
		est, err := stderr.Hessian(res)
		if err != nil {
			return nil, fmt.Errorf("blog: %s: %w", method, err)
		}
		mr := MethodResult{
			Name: method.String(), Estimates: res.Estimates, SE: est.SE,
			Seconds:    res.Runtime.Seconds(),
			SESeconds:  (res.HessianTime + time.Since(t)).Seconds(),
			Iterations: res.Iterations, Evaluations: res.FuncEvals,
			Status: res.Status.String(), Converged: res.Status.Converged(), Reason: res.Reason, LogLike: res.LogLike,
			History: res.History, Lower: est.Lower, Upper: est.Upper,
		}
		for i, v := range res.Estimates {
			d := v - rep.OLS.Estimates[i]
			mr.RMSEvsOLS += d * d
			mr.MaxAbsDiff = math.Max(mr.MaxAbsDiff, math.Abs(d))
		}
		mr.RMSEvsOLS = math.Sqrt(mr.RMSEvsOLS / float64(len(res.Estimates)))
		rep.Methods = append(rep.Methods, mr)
	}
	return rep, nil
}

// WriteJSON writes every number of the tables to path.
func (r *Report) WriteJSON(path string) error {
	out, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o644)
}

// Tables returns the blog's three tables; rows is the number of coefficients in the first
// (the blog shows b0..b4), σ always added.
func (r *Report) Tables(rows int) []*stderr.Table {
	k := r.K
	show := make([]int, 0, rows+1)
	for i := range min(rows, k) {
		show = append(show, i)
	}
	show = append(show, k) // sigma

	est := &stderr.Table{
		Title:   fmt.Sprintf("Table 1. Estimates and standard errors (N=%d, K=%d, seed %d, backend %s)", r.N, r.K, r.Seed, r.Backend),
		Columns: []string{"", "OLS", "std err"},
		Notes: []string{
			"OLS: closed form (gonum Cholesky); σ and all standard errors on the maximum likelihood scale SSR/N.",
			fmt.Sprintf("The blog prints OLS σ with N−K degrees of freedom: here %.6f. Standard errors of the other methods: exact Hessian.", r.OLS.SigmaDF),
		},
	}
	for _, m := range r.Methods {
		est.Columns = append(est.Columns, m.Name, "std err")
	}
	for _, i := range show {
		row := []string{r.Labels[i], fmt.Sprintf("%.6f", r.OLS.Estimates[i]), fmt.Sprintf("%.6f", r.OLS.SE[i])}
		for _, m := range r.Methods {
			row = append(row, fmt.Sprintf("%.6f", m.Estimates[i]), fmt.Sprintf("%.6f", m.SE[i]))
		}
		est.Rows = append(est.Rows, row)
	}

	rmse := &stderr.Table{
		Title:   "Table 2. Distance of each method's estimates from closed-form OLS, over all K+1 parameters",
		Columns: []string{"", "RMSE", "max |diff|"},
		Notes: []string{"The blog reports RMSE 4.78e-07 for its PyTorch SGD and 3.51e-09 for pytorch-minimize's L-BFGS.",
			"Each method stops on its own test, as the blog's did; by default gomle finishes L-BFGS and BFGS with Newton steps on the exact Hessian (optim.Settings.NoFinish)."},
	}
	for _, m := range r.Methods {
		rmse.Rows = append(rmse.Rows, []string{m.Name, fmt.Sprintf("%.3g", m.RMSEvsOLS), fmt.Sprintf("%.3g", m.MaxAbsDiff)})
	}

	timing := &stderr.Table{
		Title:   fmt.Sprintf("Table 3. Timings on this machine, backend %s (%s)", r.Backend, r.BackendConfig),
		Columns: []string{"", "fit s", "std err s", "iterations", "evaluations", "status", "blog's s", "blog's method"},
		Notes: []string{
			fmt.Sprintf("fit s: optimizer wall time; std err s: exact Hessian + inversion. Compiling the value, gradient and Hessian programs took %.3f s, once, before these runs.", r.CompileSeconds),
			"The blog's times are its published ones, on an AMD Radeon RX 7900 XTX: not comparable hardware.",
		},
	}
	if r.ShowOLSTime {
		timing.Rows = append(timing.Rows, []string{"OLS", fmt.Sprintf("%.3f", r.OLS.Seconds), "", "", "", "closed form", "", ""})
	}
	for _, m := range r.Methods {
		blog, blogLabel := "", ""
		if b, ok := PublishedSeconds[m.Name]; ok {
			blog, blogLabel = fmt.Sprintf("%.3f", b.Seconds), b.Label
		}
		status := m.Status
		if !m.Converged && m.Reason != "" {
			status += ": " + m.Reason
		}
		timing.Rows = append(timing.Rows, []string{m.Name, fmt.Sprintf("%.3f", m.Seconds), fmt.Sprintf("%.3f", m.SESeconds),
			fmt.Sprint(m.Iterations), fmt.Sprint(m.Evaluations), status, blog, blogLabel})
	}
	return []*stderr.Table{est, rmse, timing}
}
