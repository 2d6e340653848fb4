package mlx_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
)

// oneStep hides the Evaluator's Steps: SGD and Adam then take one step per call.
type oneStep struct{ optim.Objective }

// TestSteps checks that SGD and Adam taking several steps per compiled call (Evaluator.Steps)
// run as they do with one step per call: the same iterations, status, counts and history, and
// estimates and log-likelihoods to 1e-12 relative (the unrolled program and the value+gradient
// program are compiled separately, and XLA may fuse and round them differently), with about k
// times fewer compiled calls.
func TestSteps(t *testing.T) {
	b := testbackend.Get(t)
	p, ds, _ := linearProblem(t, 200, 3, 6)
	ev, err := mlx.NewEvaluator(b, likelihoods.NormalLinear(p.K), ds)
	if err != nil {
		t.Fatal(err)
	}
	// On CPU backends (pure Go, XLA CPU) the k-step program reproduces the one-step loop bit for
	// bit, and one step per call is the default. On a GPU XLA fuses the unrolled program
	// differently, so ℓ differs in its last bits and a stopping test set near rounding
	// (adam/function's FunctionTol 1e-12) may fire one iteration apart (seen on an H200: 2169
	// against 2170): there the runs must agree to 1e-9 and stop within one iteration.
	gpu := b.Name() == "xla" && !strings.HasPrefix(b.DeviceDescription(0), "cpu")
	if got := ev.StepsPerCall(); got != 1 && !gpu {
		t.Errorf("StepsPerCall on %s = %d, want 1 on a CPU backend", b.Description(), got)
	}
	tol := 1e-12
	if gpu {
		tol = 1e-9
	}
	start := append(append([]float64(nil), p.Start[:p.K]...), 0) // log σ = 0
	for _, tc := range []struct {
		name     string
		method   optim.Method
		settings optim.Settings
		k        int          // steps per call
		want     optim.Status // why the run stops
	}{
		{"sgd/function", &optim.SGD{LearnRate: 1e-3, StepsPerCall: 16}, optim.Settings{FunctionTol: 1e-8}, 16, optim.FunctionConverged},
		{"sgd/iterations", &optim.SGD{LearnRate: 1e-3, StepsPerCall: 8}, optim.Settings{MaxIterations: 37}, 8, optim.IterationLimit},
		{"sgd/blow-up", &optim.SGD{LearnRate: 0.05, StepsPerCall: 16}, optim.Settings{}, 16, optim.Failure},
		{"adam/function", &optim.Adam{LearnRate: 1e-2, StepsPerCall: 16}, optim.Settings{FunctionTol: 1e-12, GradientTol: 1e-12}, 16, optim.FunctionConverged},
		{"adam/iterations", &optim.Adam{LearnRate: 1e-2, StepsPerCall: 4}, optim.Settings{MaxIterations: 50}, 4, optim.IterationLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.settings
			s.SkipHessian = true
			before := ev.Calls()
			plain, err := optim.Maximize(oneStep{ev}, start, &s, tc.method)
			if err != nil {
				t.Fatal(err)
			}
			plainCalls := ev.Calls() - before
			before = ev.Calls()
			res, err := optim.Maximize(ev, start, &s, tc.method)
			if err != nil {
				t.Fatal(err)
			}
			calls := ev.Calls() - before
			t.Logf("%v after %d iterations: %d calls, %d with one step per call", res.Status, res.Iterations, calls, plainCalls)
			apart := res.Iterations - plain.Iterations
			if res.Status != tc.want || res.Status != plain.Status || apart != 0 && !(gpu && apart*apart == 1) {
				t.Fatalf("%v after %d iterations, one step per call %v after %d; want %v", res.Status, res.Iterations, plain.Status, plain.Iterations, tc.want)
			}
			if apart == 0 && (res.FuncEvals != plain.FuncEvals || res.GradEvals != plain.GradEvals || len(res.History) != len(plain.History)) {
				t.Errorf("%d/%d evaluations and %d records, one step per call %d/%d and %d",
					res.FuncEvals, res.GradEvals, len(res.History), plain.FuncEvals, plain.GradEvals, len(plain.History))
			}
			if d := maxRelDiff(res.X, plain.X, 1); d > tol {
				t.Errorf("estimates %v, one step per call %v (relative difference %.3g)", res.X, plain.X, d)
			}
			for i, it := range res.History[:min(len(res.History), len(plain.History))] {
				w := plain.History[i]
				if it.Iter != w.Iter || it.Evaluations != w.Evaluations || maxRelDiff([]float64{it.LogLike, it.GradNorm}, []float64{w.LogLike, w.GradNorm}, 1) > tol {
					t.Fatalf("record %d: %+v, one step per call %+v", i, it, w)
				}
			}
			// One call per block of k and per step outside blocks, against one per step.
			if want := plainCalls/tc.k + tc.k; calls > want {
				t.Errorf("%d compiled calls, want at most %d (one step per call: %d)", calls, want, plainCalls)
			}
		})
	}
}

// TestStepsPrograms checks that each rule and number of steps has its own compiled program,
// that a new learning rate compiles nothing, and that data in chunks refuse several steps per
// call (each step needs every chunk's gradient), so that SGD runs there one step per call.
func TestStepsPrograms(t *testing.T) {
	b := testbackend.Get(t)
	p, ds, _ := linearProblem(t, 211, 3, 7) // n = 211: a shape no other test compiles
	ev, err := mlx.NewEvaluator(b, likelihoods.NormalLinear(p.K), ds)
	if err != nil {
		t.Fatal(err)
	}
	u := append(append([]float64(nil), p.Start[:p.K]...), 0)
	grad := make([]float64, len(u))
	if _, err := ev.LogLikeGrad(u, grad); err != nil {
		t.Fatal(err)
	}
	from := optim.StepState{X: u, Grad: grad, M: make([]float64, len(u)), V: make([]float64, len(u))}
	sgd := optim.StepRule{LearnRate: 1e-3}
	adam := optim.StepRule{Adam: true, LearnRate: 1e-2, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8}
	for _, tc := range []struct {
		name string
		rule optim.StepRule
		k    int
		adds int // programs compiled
	}{
		{"sgd/k=4", sgd, 4, 1},
		{"sgd/k=8", sgd, 8, 1},
		{"adam/k=4", adam, 4, 1},
		{"sgd/k=4/again", sgd, 4, 0},
		{"sgd/k=4/lr", optim.StepRule{LearnRate: 2e-3}, 4, 0},
		{"adam/k=4/betas", optim.StepRule{Adam: true, LearnRate: 1e-3, Beta1: 0.8, Beta2: 0.99, Epsilon: 1e-6}, 4, 0},
	} {
		before := ev.Compilations()
		steps, err := ev.Steps(tc.rule, tc.k, from)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := ev.Compilations() - before; got != tc.adds || len(steps.X) != tc.k {
			t.Errorf("%s: %d programs compiled, %d steps; want %d and %d", tc.name, got, len(steps.X), tc.adds, tc.k)
		}
		// The steps against the rule applied on the host with the program's own gradients.
		st := optim.StepState{X: append([]float64(nil), u...), Grad: grad, M: make([]float64, len(u)), V: make([]float64, len(u))}
		for j := range tc.k {
			tc.rule.Apply(&st)
			if d := maxRelDiff(steps.X[j], st.X, 1); d > 1e-12 {
				t.Fatalf("%s: step %d at %v, the host's rule %v", tc.name, j+1, steps.X[j], st.X)
			}
			st.X, st.Grad = append([]float64(nil), steps.X[j]...), steps.Grad[j]
		}
	}

	parts := make([]*mlx.Dataset, 2)
	for i := range parts {
		if parts[i], err = mlx.NewDataset(mlx.Vector("y", p.Y[i*100:(i+1)*100]), mlx.Matrix("x", p.X.Slice(i*100, (i+1)*100, 0, p.K))); err != nil {
			t.Fatal(err)
		}
	}
	chunked, err := mlx.Chunks(parts...)
	if err != nil {
		t.Fatal(err)
	}
	cev, err := mlx.NewEvaluator(b, likelihoods.NormalLinear(p.K), chunked)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cev.Steps(sgd, 4, from); !errors.Is(err, optim.ErrStepsUnsupported) {
		t.Errorf("Steps on 2 chunks: error %v, want ErrStepsUnsupported", err)
	}
	s := &optim.Settings{MaxIterations: 20, SkipHessian: true}
	res, err := optim.Maximize(cev, u, s, &optim.SGD{LearnRate: 1e-3, StepsPerCall: 4})
	if err != nil {
		t.Fatal(err)
	}
	if res.Iterations != 20 || cev.Calls() != 2*res.FuncEvals {
		t.Errorf("SGD on 2 chunks: %d iterations, %d calls for %d evaluations; want 20 and one call per chunk per evaluation", res.Iterations, cev.Calls(), res.FuncEvals)
	}
}
