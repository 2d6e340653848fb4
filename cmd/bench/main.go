// Command bench times the blog's workloads on gomle's current backend (GOMLX_BACKEND, or the
// default choice), for side-by-side ratios with the peers that scripts/bench/peers.py times on
// the same data:
//
//	W1  L-BFGS from the blog's start, then standard errors from the exact Hessian
//	W2  the blog's SGD loop (learning rate 1e-5), in iterations per second, with
//	    optim.DefaultStepsPerCall steps per compiled call (-sgd-steps-per-call)
//	W3  the exact Hessian alone, at the start values
//
//	go run ./cmd/bench -reps 5 -json gomle.json -data /tmp/blogdata
//	go run ./cmd/bench -k 400 -only w3 -json w3.json   (one workload: the K-sweep's scripts/bench/sweep.sh)
//	go run ./cmd/bench -n 100000 -devices 1,2,4,8      (rows sharded over devices: scripts/bench/devices.sh)
//
// -data DIR also writes the data (x.f64, y.f64, start.f64: little-endian float64, row-major)
// and meta.json for peers.py, so both sides fit the same numbers from the same start. Each
// workload runs once untimed (compilation), then -reps times; the JSON has medians and ranges.
package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gomle/gomle/backend"
	"github.com/gomle/gomle/examples/blog"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
)

// timing summarises repeated measurements in seconds.
type timing struct {
	Median float64   `json:"median"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
	All    []float64 `json:"all"`
}

func summarize(xs []float64) timing {
	s := slices.Clone(xs)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return timing{Median: med, Min: s[0], Max: s[len(s)-1], All: xs}
}

// repeat runs fn once untimed, then reps times, and returns the timings and the first run's.
func repeat(reps int, fn func() error) (timing, float64, error) {
	t0 := time.Now()
	if err := fn(); err != nil {
		return timing{}, 0, err
	}
	first := time.Since(t0).Seconds()
	var xs []float64
	for range reps {
		t := time.Now()
		if err := fn(); err != nil {
			return timing{}, 0, err
		}
		xs = append(xs, time.Since(t).Seconds())
	}
	return summarize(xs), first, nil
}

type report struct {
	Tool          string             `json:"tool"`
	Backend       string             `json:"backend"`
	BackendConfig string             `json:"backend_config"`
	N             int                `json:"n"`
	K             int                `json:"k"`
	Batched       bool               `json:"batched_hessian"`
	Seconds       map[string]timing  `json:"seconds"`
	FirstSeconds  map[string]float64 `json:"first_run_seconds"`
	SGDItersPerS  *timing            `json:"sgd_iterations_per_second,omitempty"`
	SGDPerCall    int                `json:"sgd_steps_per_call,omitempty"`
	W1Iterations  int                `json:"w1_iterations,omitempty"`
	W1MaxDiffOLS  float64            `json:"w1_max_abs_diff_vs_ols,omitempty"`
}

func main() {
	n := flag.Int("n", 50000, "observations")
	k := flag.Int("k", 100, "regressors, the intercept included")
	seed := flag.Uint64("seed", 1, "seed of the data and start values")
	reps := flag.Int("reps", 5, "timed repetitions of each workload")
	sgdIters := flag.Int("sgd-iters", 200, "SGD iterations per W2 repetition")
	sgdPerCall := flag.Int("sgd-steps-per-call", 0, "SGD steps per compiled call in W2 (optim.SGD.StepsPerCall); 0 for the default, 1 for one step per call")
	batched := flag.Bool("batched", false, "exact Hessian in one pass over p parameter copies")
	dataDir := flag.String("data", "", "also write the data for peers.py into this folder")
	jsonPath := flag.String("json", "", "write the results as JSON to this file")
	chunkRows := flag.Int("chunk-rows", 0, "instead of W1-W3: stream the data in chunks of this many rows and time value+gradient, an L-BFGS fit and (with -hessian) the exact Hessian, with the peak memory")
	hessian := flag.Bool("hessian", false, "with -chunk-rows, also time the exact Hessian")
	only := flag.String("only", "", "comma-separated workloads to run, of w1, w2, w3 and value_grad (default all)")
	devices := flag.String("devices", "", "instead of W1-W3: a list of device counts (1,2,4,8); time value+gradient, the exact Hessian and an L-BFGS fit with the rows sharded over the first d devices, for each d, against the default device (XLA CPU: that many virtual devices)")
	hessianReps := flag.Int("hessian-reps", 0, "with -devices, timed repetitions of the exact Hessian (default -reps)")
	flag.Parse()
	want, err := workloads(*only)
	if err != nil {
		log.Fatal(err)
	}
	if *hessianReps <= 0 {
		*hessianReps = *reps
	}
	switch {
	case *devices != "":
		var counts []int
		if counts, err = parseDevices(*devices); err == nil {
			err = runDevices(*n, *k, *seed, *reps, *hessianReps, counts, *jsonPath)
		}
	case *chunkRows > 0:
		err = runChunked(*n, *k, *seed, *reps, *chunkRows, *hessian, *jsonPath)
	default:
		err = run(*n, *k, *seed, *reps, *sgdIters, *sgdPerCall, *batched, want, *dataDir, *jsonPath)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// workloads parses -only into the set of workloads to run; empty means all of them.
func workloads(only string) (map[string]bool, error) {
	all := []string{"w1", "w2", "w3", "value_grad"}
	want := map[string]bool{}
	if only == "" {
		for _, w := range all {
			want[w] = true
		}
		return want, nil
	}
	for _, w := range strings.Split(only, ",") {
		if !slices.Contains(all, w) {
			return nil, fmt.Errorf("-only: unknown workload %q (want some of %s)", w, strings.Join(all, ", "))
		}
		want[w] = true
	}
	return want, nil
}

// chunkedReport is the output of -chunk-rows.
type chunkedReport struct {
	Tool          string             `json:"tool"`
	BackendConfig string             `json:"backend_config"`
	N             int                `json:"n"`
	K             int                `json:"k"`
	ChunkRows     int                `json:"chunk_rows"`
	Chunks        int                `json:"chunks"`
	Seconds       map[string]timing  `json:"seconds"`
	FirstSeconds  map[string]float64 `json:"first_run_seconds"`
	FitIterations int                `json:"fit_iterations"`
	FitStatus     string             `json:"fit_status"`
	FitMaxAbsErr  float64            `json:"fit_max_abs_diff_vs_true_beta"`
	PeakRSSGiB    float64            `json:"peak_rss_gib"`
	DataGiB       float64            `json:"data_gib"`
}

// runChunked times evaluations over data streamed in chunks, for data larger than memory.
func runChunked(n, k int, seed uint64, reps, rows int, hessian bool, jsonPath string) error {
	b, config, err := backend.New()
	if err != nil {
		return err
	}
	prob, data, err := blog.GenerateChunked(b, n, k, seed, rows) // in b's memory where it can be
	if err != nil {
		return err
	}
	ev, err := mlx.NewEvaluator(b, likelihoods.NormalLinear(k), data)
	if err != nil {
		return err
	}
	rep := &chunkedReport{Tool: "gomle", BackendConfig: config, N: n, K: k, ChunkRows: rows, Chunks: data.NumChunks(),
		Seconds: map[string]timing{}, FirstSeconds: map[string]float64{}, DataGiB: float64(n*(k+1)*8) / (1 << 30)}
	u := append(append([]float64(nil), prob.Start[:k]...), 0)
	grad := make([]float64, len(u))
	if rep.Seconds["value_grad"], rep.FirstSeconds["value_grad"], err = repeat(reps, func() error {
		_, err := ev.LogLikeGrad(u, grad)
		return err
	}); err != nil {
		return err
	}
	if hessian {
		if rep.Seconds["hessian"], rep.FirstSeconds["hessian"], err = repeat(reps, func() error {
			_, err := ev.Hessian(u)
			return err
		}); err != nil {
			return err
		}
	}
	t := time.Now()
	res, err := mlx.FitEvaluator(ev, &mlx.Settings{Start: prob.Start, Settings: optim.Settings{SkipHessian: true}}, &optim.LBFGS{})
	if err != nil {
		return err
	}
	rep.Seconds["lbfgs_fit"] = summarize([]float64{time.Since(t).Seconds()})
	rep.FitIterations, rep.FitStatus = res.Iterations, res.Status.String()
	for j := range k {
		rep.FitMaxAbsErr = math.Max(rep.FitMaxAbsErr, math.Abs(res.Estimates[j]-prob.Beta[j]))
	}
	rep.PeakRSSGiB = peakRSS()
	return emit(rep, jsonPath)
}

// peakRSS returns the process's peak resident memory (VmHWM) in GiB, or NaN if unknown.
func peakRSS() float64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return math.NaN()
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%f kB", &kb); err == nil {
				return kb / (1 << 20)
			}
		}
	}
	return math.NaN()
}

// run times the workloads in want (keys w1, w2, w3, value_grad) and writes the report.
func run(n, k int, seed uint64, reps, sgdIters, sgdPerCall int, batched bool, want map[string]bool, dataDir, jsonPath string) error {
	prob, err := blog.Generate(n, k, seed)
	if err != nil {
		return err
	}
	if dataDir != "" {
		if err := writeData(dataDir, prob); err != nil {
			return err
		}
	}
	b, config, err := backend.New()
	if err != nil {
		return err
	}
	data, err := prob.Dataset()
	if err != nil {
		return err
	}
	model := likelihoods.NormalLinear(k)
	model.Batched = batched
	ev, err := mlx.NewEvaluator(b, model, data)
	if err != nil {
		return err
	}
	rep := &report{Tool: "gomle", Backend: b.Name(), BackendConfig: config, N: n, K: k, Batched: batched,
		Seconds: map[string]timing{}, FirstSeconds: map[string]float64{}}
	if want["w1"] {
		if err := w1(rep, ev, prob, reps); err != nil {
			return err
		}
	}
	if want["w2"] {
		if err := w2(rep, ev, prob, reps, sgdIters, sgdPerCall); err != nil {
			return err
		}
	}
	u := append(append([]float64(nil), prob.Start[:k]...), 0) // log σ = 0: σ = 1
	if want["w3"] {
		rep.Seconds["w3_hessian"], rep.FirstSeconds["w3_hessian"], err = repeat(reps, func() error {
			_, err := ev.Hessian(u)
			return err
		})
		if err != nil {
			return fmt.Errorf("W3: %w", err)
		}
	}
	if want["value_grad"] {
		grad := make([]float64, len(u))
		rep.Seconds["value_grad"], rep.FirstSeconds["value_grad"], err = repeat(max(reps, 20), func() error {
			_, err := ev.LogLikeGrad(u, grad)
			return err
		})
		if err != nil {
			return fmt.Errorf("value+gradient: %w", err)
		}
	}
	return emit(rep, jsonPath)
}

// w1 times an L-BFGS fit from the blog's start followed by standard errors from the exact
// Hessian, and checks the estimates against closed-form OLS.
func w1(rep *report, ev *mlx.Evaluator, prob *blog.Problem, reps int) error {
	ols, err := blog.FitOLS(prob.X, prob.Y)
	if err != nil {
		return err
	}
	var res *mlx.Result
	rep.Seconds["w1_lbfgs_and_se"], rep.FirstSeconds["w1_lbfgs_and_se"], err = repeat(reps, func() error {
		var err error
		if res, err = mlx.FitEvaluator(ev, &mlx.Settings{Start: prob.Start}, &optim.LBFGS{}); err != nil {
			return err
		}
		_, err = stderr.Hessian(res)
		return err
	})
	if err != nil {
		return fmt.Errorf("W1: %w", err)
	}
	rep.W1Iterations = res.Iterations
	for i, v := range res.Estimates {
		rep.W1MaxDiffOLS = math.Max(rep.W1MaxDiffOLS, math.Abs(v-ols.Estimates()[i]))
	}
	return nil
}

// w2 times the blog's SGD loop, sgdIters iterations per repetition, in iterations per second.
func w2(rep *report, ev *mlx.Evaluator, prob *blog.Problem, reps, sgdIters, sgdPerCall int) error {
	var err error
	sgd := &mlx.Settings{Start: prob.Start, Settings: optim.Settings{MaxIterations: sgdIters, FunctionTol: 1e-300, SkipHessian: true}}
	rep.SGDPerCall = sgdPerCall
	if rep.SGDPerCall <= 0 {
		rep.SGDPerCall = optim.DefaultStepsPerCall
	}
	// The first, untimed run compiles the program of SGDPerCall steps.
	rep.Seconds["w2_sgd"], rep.FirstSeconds["w2_sgd"], err = repeat(reps, func() error {
		_, err := mlx.FitEvaluator(ev, sgd, &optim.SGD{LearnRate: 1e-5, StepsPerCall: rep.SGDPerCall})
		return err
	})
	if err != nil {
		return fmt.Errorf("W2: %w", err)
	}
	ips := make([]float64, len(rep.Seconds["w2_sgd"].All))
	for i, s := range rep.Seconds["w2_sgd"].All {
		ips[i] = float64(sgdIters) / s
	}
	s := summarize(ips)
	rep.SGDItersPerS = &s
	return nil
}

// emit prints the report as JSON and writes it to jsonPath, if not empty.
func emit(rep any, jsonPath string) error {
	out, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	if jsonPath != "" {
		return os.WriteFile(jsonPath, out, 0o644)
	}
	return nil
}

// writeData writes the problem as raw little-endian float64 files plus meta.json.
func writeData(dir string, p *blog.Problem) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, v []float64) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := binary.Write(f, binary.LittleEndian, v); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	if err := write("x.f64", p.X.RawMatrix().Data); err != nil {
		return err
	}
	if err := write("y.f64", p.Y); err != nil {
		return err
	}
	if err := write("start.f64", p.Start); err != nil {
		return err
	}
	meta, _ := json.Marshal(map[string]int{"n": p.N, "k": p.K})
	return os.WriteFile(filepath.Join(dir, "meta.json"), meta, 0o644)
}
