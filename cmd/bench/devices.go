package main

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/gomle/gomle/backend"
	"github.com/gomle/gomle/examples/blog"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomlx/gomlx/backends"
	"gonum.org/v1/gonum/mat"
)

// -devices: the blog's problem with its rows sharded over the first d devices of one backend
// (mlx.NewEvaluatorOn), for each d of a list, against the plain evaluator on the default device.
// On XLA CPU (GOMLX_BACKEND unset or xla:cpu) the backend is backend.NewCPU with as many virtual
// devices as the largest d; they share the machine's cores. Any other GOMLX_BACKEND (xla:cuda)
// is used as it is and must have enough devices.

// devicesReport is the output of -devices.
type devicesReport struct {
	Tool          string      `json:"tool"`
	BackendConfig string      `json:"backend_config"`
	NumDevices    int         `json:"backend_devices"`
	N             int         `json:"n"`
	K             int         `json:"k"`
	Reps          int         `json:"reps"`
	Runs          []deviceRun `json:"runs"`
}

// deviceRun is one evaluator: the plain one (Devices nil) or the rows over Devices.
type deviceRun struct {
	// Devices are the devices the rows were sharded over; nil for the plain evaluator.
	Devices      []int              `json:"devices"`
	Seconds      map[string]timing  `json:"seconds"`
	FirstSeconds map[string]float64 `json:"first_run_seconds"`
	// FitIterations and FitStatus are those of the L-BFGS fit.
	FitIterations int    `json:"fit_iterations"`
	FitStatus     string `json:"fit_status"`
	// The largest differences from the plain evaluator's, relative to its largest entry
	// (maxRelDiff): of the fit's estimates, of the value+gradient (the larger of the value's and the gradient's)
	// and of the exact Hessian, both at the start.
	EstimatesRelDiff float64 `json:"estimates_max_rel_diff"`
	ValueGradRelDiff float64 `json:"value_grad_max_rel_diff"`
	HessianRelDiff   float64 `json:"hessian_max_rel_diff"`

	estimates, valueGrad []float64
	hessian              *mat.SymDense
}

// parseDevices parses -devices, a comma-separated list of device counts, each at least 1.
func parseDevices(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		d, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || d < 1 {
			return nil, fmt.Errorf("-devices: %q is not a device count (want a list such as 1,2,4,8)", f)
		}
		out = append(out, d)
	}
	return out, nil
}

// devicesBackend returns the backend of -devices and its configuration: XLA CPU with maxDevices
// virtual devices when GOMLX_BACKEND is unset or names xla:cpu, the configured backend otherwise.
func devicesBackend(maxDevices int) (backends.Backend, string, error) {
	config := os.Getenv(backends.ConfigEnvVar)
	if config == "" || config == "xla:cpu" {
		b, err := backend.NewCPU(maxDevices)
		return b, fmt.Sprintf("xla:cpu, %d virtual devices", maxDevices), err
	}
	b, config, err := backend.New()
	if err != nil {
		return nil, config, err
	}
	if b.NumDevices() < maxDevices {
		return nil, config, fmt.Errorf("-devices: backend %s has %d device(s), the list asks for %d", config, b.NumDevices(), maxDevices)
	}
	return b, config, nil
}

// runDevices times value+gradient, the exact Hessian and an L-BFGS fit (hessianReps and reps
// timed runs after one untimed) on the plain evaluator and on each count of counts, and checks
// each against the plain one.
func runDevices(n, k int, seed uint64, reps, hessianReps int, counts []int, jsonPath string) error {
	prob, err := blog.Generate(n, k, seed)
	if err != nil {
		return err
	}
	data, err := prob.Dataset()
	if err != nil {
		return err
	}
	b, config, err := devicesBackend(slices.Max(counts))
	if err != nil {
		return err
	}
	rep := &devicesReport{Tool: "gomle", BackendConfig: config, NumDevices: b.NumDevices(), N: n, K: k, Reps: reps}
	model := likelihoods.NormalLinear(k)
	u := append(append([]float64(nil), prob.Start[:k]...), 0) // log σ = 0: σ = 1
	var plain *deviceRun
	for _, d := range append([]int{0}, counts...) { // 0: the plain evaluator
		var devices []int
		for i := range d {
			devices = append(devices, i)
		}
		ev, err := mlx.NewEvaluatorOn(b, model, data, devices)
		if err != nil {
			return err
		}
		run, err := timeDevices(ev, prob, u, reps, hessianReps)
		if err != nil {
			return fmt.Errorf("devices %v: %w", devices, err)
		}
		run.Devices = devices
		if plain == nil {
			plain = run
		} else {
			run.EstimatesRelDiff = maxRelDiff(run.estimates, plain.estimates)
			run.ValueGradRelDiff = math.Max(maxRelDiff(run.valueGrad[:1], plain.valueGrad[:1]), maxRelDiff(run.valueGrad[1:], plain.valueGrad[1:]))
			run.HessianRelDiff = maxRelDiff(run.hessian.RawSymmetric().Data, plain.hessian.RawSymmetric().Data)
		}
		rep.Runs = append(rep.Runs, *run)
		runtime.GC() // let the last evaluator's shards go before the next one's
	}
	return emit(rep, jsonPath)
}

// timeDevices times one evaluator.
func timeDevices(ev *mlx.Evaluator, prob *blog.Problem, u []float64, reps, hessianReps int) (*deviceRun, error) {
	run := &deviceRun{Seconds: map[string]timing{}, FirstSeconds: map[string]float64{}}
	grad := make([]float64, len(u))
	var err error
	if run.Seconds["value_grad"], run.FirstSeconds["value_grad"], err = repeat(max(reps, 10), func() error {
		v, err := ev.LogLikeGrad(u, grad)
		run.valueGrad = append([]float64{v}, grad...)
		return err
	}); err != nil {
		return nil, fmt.Errorf("value+gradient: %w", err)
	}
	if run.Seconds["hessian"], run.FirstSeconds["hessian"], err = repeat(hessianReps, func() error {
		var err error
		run.hessian, err = ev.Hessian(u)
		return err
	}); err != nil {
		return nil, fmt.Errorf("exact Hessian: %w", err)
	}
	var res *mlx.Result
	if run.Seconds["lbfgs_fit"], run.FirstSeconds["lbfgs_fit"], err = repeat(reps, func() error {
		var err error
		res, err = mlx.FitEvaluator(ev, &mlx.Settings{Start: prob.Start, Settings: optim.Settings{SkipHessian: true}}, &optim.LBFGS{})
		return err
	}); err != nil {
		return nil, fmt.Errorf("L-BFGS: %w", err)
	}
	run.FitIterations, run.FitStatus, run.estimates = res.Iterations, res.Status.String(), res.Estimates
	return run, nil
}

// maxRelDiff returns maxᵢ |a[i] − b[i]| / maxᵢ |b[i]|, the difference relative to the scale of
// b, so that entries near zero (off-diagonal Hessian entries, small coefficients) do not turn
// rounding into large ratios.
func maxRelDiff(a, b []float64) float64 {
	var diff, scale float64
	for i := range a {
		diff, scale = math.Max(diff, math.Abs(a[i]-b[i])), math.Max(scale, math.Abs(b[i]))
	}
	if scale == 0 {
		return diff
	}
	return diff / scale
}
