package optim_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/gomle/gomle/optim"
)

// hostSteps makes an Objective a MultiStepper by taking the steps on the host, each a
// rule.Apply and a LogLikeGrad: the block path then computes what the one-step loop computes,
// in the same order, and the two runs must agree bit for bit.
type hostSteps struct {
	optim.Objective
	unsupported  bool // Steps returns a wrapped ErrStepsUnsupported
	calls, steps int  // Steps calls, steps computed
}

var _ optim.MultiStepper = (*hostSteps)(nil)

func (h *hostSteps) StepsPerCall() int { return optim.DefaultStepsPerCall }

func (h *hostSteps) Steps(rule optim.StepRule, k int, from optim.StepState) (*optim.Steps, error) {
	if h.unsupported {
		return nil, fmt.Errorf("test: %w", optim.ErrStepsUnsupported)
	}
	h.calls++
	h.steps += k
	st := optim.StepState{X: slices.Clone(from.X), Grad: from.Grad, M: slices.Clone(from.M), V: slices.Clone(from.V), T: from.T}
	out := &optim.Steps{}
	for range k {
		st.X = slices.Clone(st.X)
		rule.Apply(&st)
		st.Grad = make([]float64, len(st.X))
		ll, err := h.LogLikeGrad(st.X, st.Grad)
		if err != nil {
			return nil, err
		}
		out.X, out.Grad, out.LogLike = append(out.X, st.X), append(out.Grad, st.Grad), append(out.LogLike, ll)
	}
	out.M, out.V = st.M, st.V
	return out, nil
}

// TestStepsPerCall checks that SGD and Adam on a MultiStepper give the run of one step per
// call exactly: estimates, status, reason, counts and history, with stops inside a block,
// at limits that are not a multiple of the steps per call, and at a blow-up.
func TestStepsPerCall(t *testing.T) {
	ols, olsStart, _ := olsProblem(t, 200, 3, 6)
	// −x⁴/4, maximum at 0. SGD's step x ← x − LearnRate·x³ overshoots when LearnRate·x² > 2;
	// from x = 1.42 at LearnRate 1 it does, by a growing factor (x: −1.44, 1.56, −2.25, 9.1,
	// −745, …), and at step 8 x⁴ overflows: the run must end at the last finite iterate,
	// inside the first block of 16.
	quartic := &function{p: 1,
		f:    func(x []float64) float64 { return -math.Pow(x[0], 4) / 4 },
		grad: func(g, x []float64) { g[0] = -x[0] * x[0] * x[0] },
	}
	for _, tc := range []struct {
		name     string
		method   optim.Method
		settings optim.Settings
		perCall  int          // steps per call the method asks for
		want     optim.Status // why the run stops
		quartic  bool         // run on quartic from 1.42, not on the normal linear model
	}{
		{"sgd/function", &optim.SGD{LearnRate: 1e-3, StepsPerCall: 16}, optim.Settings{FunctionTol: 1e-8}, 16, optim.FunctionConverged, false},
		{"sgd/gradient", &optim.SGD{LearnRate: 1e-3, StepsPerCall: 8}, optim.Settings{GradientTol: 1e-6, FunctionTol: 1e-300}, 8, optim.GradientConverged, false},
		{"sgd/iterations", &optim.SGD{LearnRate: 1e-3, StepsPerCall: 8}, optim.Settings{MaxIterations: 37}, 8, optim.IterationLimit, false},
		{"sgd/evaluations", &optim.SGD{LearnRate: 1e-3, StepsPerCall: 8}, optim.Settings{MaxEvaluations: 30}, 8, optim.EvaluationLimit, false},
		{"sgd/default", &optim.SGD{LearnRate: 1e-3}, optim.Settings{}, optim.DefaultStepsPerCall, optim.FunctionConverged, false},
		{"sgd/blow-up", &optim.SGD{LearnRate: 1, StepsPerCall: 16}, optim.Settings{SkipHessian: true}, 16, optim.Failure, true},
		{"adam/function", &optim.Adam{LearnRate: 1e-2, StepsPerCall: 16}, optim.Settings{FunctionTol: 1e-12, GradientTol: 1e-12}, 16, optim.FunctionConverged, false},
		{"adam/iterations", &optim.Adam{LearnRate: 1e-2, StepsPerCall: 4}, optim.Settings{MaxIterations: 50}, 4, optim.IterationLimit, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var obj optim.Objective = ols
			start := olsStart
			if tc.quartic {
				obj, start = quartic, []float64{1.42}
			}
			var plainLog, multiLog []optim.Iteration
			s := tc.settings
			s.Recorder = func(it optim.Iteration) { plainLog = append(plainLog, it) }
			plain, err := optim.Maximize(obj, start, &s, tc.method)
			if err != nil {
				t.Fatal(err)
			}
			multi := &hostSteps{Objective: obj}
			s.Recorder = func(it optim.Iteration) { multiLog = append(multiLog, it) }
			res, err := optim.Maximize(multi, start, &s, tc.method)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%v after %d iterations, %d calls of %d steps", res.Status, res.Iterations, multi.calls, tc.perCall)
			if res.Status != tc.want {
				t.Errorf("status %v (%s), want %v", res.Status, res.Reason, tc.want)
			}
			sameRun(t, res, plain)
			if len(multiLog) != len(plainLog) {
				t.Errorf("Recorder called %d times, %d with one step per call", len(multiLog), len(plainLog))
			}
			// Blocks cover the iterations but the last few; a block is never asked for past
			// the iteration or evaluation limit.
			if multi.calls == 0 || multi.calls > res.Iterations/tc.perCall+1 || multi.steps > res.Iterations+tc.perCall {
				t.Errorf("%d calls computing %d steps for %d iterations in blocks of %d", multi.calls, multi.steps, res.Iterations, tc.perCall)
			}
			if s.MaxIterations > 0 && multi.steps > s.MaxIterations {
				t.Errorf("%d steps computed for %d iterations at most", multi.steps, s.MaxIterations)
			}
		})
	}
	t.Run("unsupported", func(t *testing.T) {
		method := &optim.SGD{LearnRate: 1e-3}
		plain, err := optim.Maximize(ols, olsStart, nil, method)
		if err != nil {
			t.Fatal(err)
		}
		res, err := optim.Maximize(&hostSteps{Objective: ols, unsupported: true}, olsStart, nil, method)
		if err != nil {
			t.Fatal(err)
		}
		sameRun(t, res, plain)
	})
}

// sameRun requires two runs to agree exactly in everything but their timings.
func sameRun(t *testing.T, got, want *optim.Result) {
	t.Helper()
	if !slices.Equal(got.X, want.X) || got.LogLike != want.LogLike || !slices.Equal(got.Gradient, want.Gradient) {
		t.Errorf("estimates %v (ℓ %v), one step per call %v (ℓ %v)", got.X, got.LogLike, want.X, want.LogLike)
	}
	if got.Status != want.Status || got.Reason != want.Reason || got.Iterations != want.Iterations {
		t.Errorf("%v after %d iterations (%s), one step per call %v after %d (%s)", got.Status, got.Iterations, got.Reason, want.Status, want.Iterations, want.Reason)
	}
	if got.FuncEvals != want.FuncEvals || got.GradEvals != want.GradEvals || got.HessEvals != want.HessEvals {
		t.Errorf("evaluations %d/%d/%d, one step per call %d/%d/%d", got.FuncEvals, got.GradEvals, got.HessEvals, want.FuncEvals, want.GradEvals, want.HessEvals)
	}
	if len(got.History) != len(want.History) {
		t.Fatalf("%d records, one step per call %d", len(got.History), len(want.History))
	}
	for i, it := range got.History {
		w := want.History[i]
		if it.Iter != w.Iter || it.LogLike != w.LogLike && !(math.IsNaN(it.LogLike) && math.IsNaN(w.LogLike)) || it.GradNorm != w.GradNorm || it.Evaluations != w.Evaluations {
			t.Fatalf("record %d: %+v, one step per call %+v", i, it, w)
		}
	}
}
