//go:build perf

package mlx_test

import (
	"slices"
	"testing"
	"time"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
)

// TestPerfStepsPerCall times the blog's SGD loop (learning rate 1e-5, from the blog's start)
// with k steps per compiled call, for each k in GOMLE_PERF_STEPS (default 1,4,8,16,32), on
// n × k data from GOMLE_PERF_N and GOMLE_PERF_K (default 50000 and 100). It first compiles
// each k's program, logging the first call of Evaluator.Steps less the second as its compile
// time, then runs GOMLE_PERF_REPS rounds (default 5) of one fit per k, each of
// GOMLE_PERF_ITERS iterations (default 128, a multiple of every k, so that every step is in a
// block), and logs the fastest and the median round per k: interleaving the k and taking the
// fastest tolerate other load on a shared machine.
//
//	GOMLX_BACKEND=xla:cpu go test -tags perf -run TestPerfStepsPerCall -v ./mlx/
func TestPerfStepsPerCall(t *testing.T) {
	b := testbackend.Get(t)
	n, k := perfCounts(t, "GOMLE_PERF_N", "50000")[0], perfCounts(t, "GOMLE_PERF_K", "100")[0]
	iters := perfCounts(t, "GOMLE_PERF_ITERS", "128")[0]
	reps := perfCounts(t, "GOMLE_PERF_REPS", "5")[0]
	perCalls := perfCounts(t, "GOMLE_PERF_STEPS", "1,4,8,16,32")
	p, ds, _ := linearProblem(t, n, k, 1)
	ev, err := mlx.NewEvaluator(b, likelihoods.NormalLinear(k), ds)
	if err != nil {
		t.Fatal(err)
	}
	if err := ev.Precompile(); err != nil { // value+gradient, used at the start of every run
		t.Fatal(err)
	}
	start := append(append([]float64(nil), p.Start[:k]...), 0)
	grad := make([]float64, len(start))
	if _, err := ev.LogLikeGrad(start, grad); err != nil {
		t.Fatal(err)
	}
	rule := optim.StepRule{LearnRate: 1e-5}
	t.Logf("n=%d k=%d, %d SGD iterations per run", n, k, iters)
	for _, perCall := range perCalls {
		var ts [2]float64
		for i := range ts {
			begin := time.Now()
			if _, err := ev.Steps(rule, perCall, optim.StepState{X: start, Grad: grad}); err != nil {
				t.Fatal(err)
			}
			ts[i] = time.Since(begin).Seconds()
		}
		t.Logf("steps per call %2d: compile %.2f s (first call %.2f s, second %.3f s)", perCall, ts[0]-ts[1], ts[0], ts[1])
	}
	s := &optim.Settings{MaxIterations: iters, FunctionTol: 1e-300, SkipHessian: true}
	times := make([][]float64, len(perCalls))
	calls := make([]int, len(perCalls))
	for range reps {
		for i, perCall := range perCalls {
			before := ev.Calls()
			begin := time.Now()
			res, err := optim.Maximize(ev, start, s, &optim.SGD{LearnRate: 1e-5, StepsPerCall: perCall})
			if err != nil {
				t.Fatal(err)
			}
			times[i] = append(times[i], time.Since(begin).Seconds())
			calls[i] = ev.Calls() - before
			if res.Iterations != iters {
				t.Fatalf("%d iterations, want %d", res.Iterations, iters)
			}
		}
	}
	for i, perCall := range perCalls {
		ts := times[i]
		slices.Sort(ts)
		t.Logf("steps per call %2d: %6.1f it/s fastest, %6.1f median (%.2f / %.2f ms per iteration), %d calls per run",
			perCall, float64(iters)/ts[0], float64(iters)/ts[len(ts)/2], 1e3*ts[0]/float64(iters), 1e3*ts[len(ts)/2]/float64(iters), calls[i])
	}
}
