package plots_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/plots"
	"gonum.org/v1/plot/cmpimg"
)

// The golden-image tests compare testdata/<name>.png, which the examples write, with
// testdata/<name>_golden.png, pixel for pixel. After an intended change of the figures,
// regenerate the golden images with cmpimg's flag and look at them before committing:
//
//	go test ./plots -run 'TestConvergence$|TestIntervals$|TestTimings$' -regen
func TestConvergence(t *testing.T) {
	cmpimg.CheckPlot(ExampleConvergence, t, "convergence.png")
}

// history returns n+1 records whose gap to -100 halves each iteration, 10 ms apart.
func history(n int) []optim.Iteration {
	h := make([]optim.Iteration, n+1)
	for k := range h {
		gap := math.Pow(0.5, float64(k))
		h[k] = optim.Iteration{Iter: k, LogLike: -100 - gap, GradNorm: gap, Evaluations: k + 1,
			Elapsed: time.Duration(k) * 10 * time.Millisecond}
	}
	return h
}

func TestConvergenceErrors(t *testing.T) {
	nan := history(3)
	for i := range nan {
		nan[i].LogLike = math.NaN()
	}
	for _, tc := range []struct {
		name string
		runs []plots.Run
		want string // a fragment of the error message
	}{
		{name: "no runs", runs: nil, want: "at least one run"},
		{name: "unnamed", runs: []plots.Run{{History: history(3)}}, want: "run 0 has no name"},
		{name: "empty history", runs: []plots.Run{{Name: "a", History: history(3)}, {Name: "b"}}, want: `run "b" has no history`},
		{name: "no finite log-likelihood", runs: []plots.Run{{Name: "a", History: nan}}, want: "no run has a finite log-likelihood"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plots.Convergence(tc.runs, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestConvergenceAwkwardValues draws what a log axis cannot show (a zero gap, zero gradients,
// iteration 0, zero elapsed time, NaN and infinite values, a run with one record) on every
// combination of scales, and checks that each renders.
func TestConvergenceAwkwardValues(t *testing.T) {
	h := history(5)
	h[2].GradNorm = 0
	h[3].LogLike = math.NaN()
	h[4].GradNorm = math.Inf(1)
	one := []optim.Iteration{{Iter: 0, LogLike: -50, GradNorm: 0, Elapsed: 0}} // the best, gap 0
	runs := []plots.Run{{Name: "awkward", History: h}, {Name: "one record", History: one}}
	best := -40.0
	for _, o := range []plots.ConvergenceOptions{
		{},
		{Iterations: plots.Log, Time: plots.Log},
		{Iterations: plots.Linear, Time: plots.Linear, LogLike: true},
		{Best: &best}, // every gap negative: all drawn at the floor
	} {
		fig, err := plots.Convergence(runs, &o)
		if err != nil {
			t.Fatalf("options %+v: %v", o, err)
		}
		for _, render := range []func() ([]byte, error){fig.PNG, fig.SVG} {
			if b, err := render(); err != nil || len(b) == 0 {
				t.Errorf("options %+v: %d bytes, error %v", o, len(b), err)
			}
		}
	}
}

func TestRunsFrom(t *testing.T) {
	a := &mlx.Result{Method: "L-BFGS", History: history(2)}
	b := &mlx.Result{Method: "Newton", History: history(1)}
	runs, err := plots.RunsFrom(a, b, a, a)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range runs {
		names = append(names, r.Name)
	}
	if got, want := strings.Join(names, "|"), "L-BFGS|Newton|L-BFGS (2)|L-BFGS (3)"; got != want {
		t.Errorf("names %q, want %q", got, want)
	}
	if len(runs[1].History) != 2 {
		t.Errorf("run Newton has %d records, want 2", len(runs[1].History))
	}
	if _, err := plots.RunsFrom(a, nil); err == nil || !strings.Contains(err.Error(), "result 1 is nil") {
		t.Errorf("nil result: error %v", err)
	}
}
