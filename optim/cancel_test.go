package optim_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomle/gomle/optim"
	"gonum.org/v1/gonum/floats"
)

// blocking is an objective whose evaluation number at waits until done is closed: a
// cancellation or deadline that arrives while an evaluation is under way, without sleeps.
type blocking struct {
	optim.Objective
	at, evals int
	done      <-chan struct{}
}

func (b *blocking) wait() {
	if b.evals++; b.evals == b.at {
		<-b.done
	}
}

func (b *blocking) LogLike(x []float64) (float64, error) { b.wait(); return b.Objective.LogLike(x) }

func (b *blocking) LogLikeGrad(x, g []float64) (float64, error) {
	b.wait()
	return b.Objective.LogLikeGrad(x, g)
}

// TestCancel stops every method on Spector's logit (from zero, where each takes more than four
// iterations) by a context canceled from the Recorder at iteration 2, by one canceled before
// the start, and by a deadline that passes during an evaluation. Each run must end with
// Status Canceled and no error, at the last iterate recorded, whose log-likelihood and
// gradient the Result reports with the Hessian there, after the same iterations as an
// uncanceled run.
func TestCancel(t *testing.T) {
	x, y := spector(t)
	for _, tc := range []struct {
		name   string
		method optim.Method
		multi  bool // SGD and Adam on a MultiStepper: blocks of steps per call
	}{
		{"newton", &optim.Newton{}, false},
		{"trust", &optim.TrustRegion{}, false},
		{"bfgs", &optim.BFGS{}, false},
		{"lbfgs", &optim.LBFGS{}, false},
		{"bhhh", &optim.BHHH{}, false},
		{"sgd", &optim.SGD{}, false},
		{"adam", &optim.Adam{}, false},
		{"sgd-steps", &optim.SGD{}, true},
		{"adam-steps", &optim.Adam{}, true},
	} {
		objective := func(o optim.Objective) optim.Objective {
			if tc.multi {
				return &hostSteps{Objective: o}
			}
			return o
		}
		start := make([]float64, 4)
		// 50 iterations are enough to compare with: every canceled run stops within 4.
		ref, err := optim.Maximize(objective(logit(x, y)), start, &optim.Settings{MaxIterations: 50}, tc.method)
		if err != nil || len(ref.History) < 5 {
			t.Fatalf("%s: reference run: %v, %d records", tc.name, err, len(ref.History))
		}
		// check requires a canceled run that ends at its last record, with the history of the
		// reference run up to there.
		check := func(t *testing.T, res *optim.Result, err error, reason string) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			n := len(res.History)
			if res.Status != optim.Canceled || res.Status.Converged() || !res.Status.Early() ||
				!errors.Is(res.Status.Err(), optim.ErrNotConverged) || !strings.Contains(res.Reason, reason) {
				t.Errorf("status %v (%s), want %v with %q", res.Status, res.Reason, optim.Canceled, reason)
			}
			if n == 0 || res.LogLike != res.History[n-1].LogLike || floats.Norm(res.Gradient, math.Inf(1)) != res.History[n-1].GradNorm {
				t.Errorf("ℓ %v and max |gradient| %v are not the last record's %+v", res.LogLike, floats.Norm(res.Gradient, math.Inf(1)), res.History)
			}
			for i, it := range res.History {
				if i >= len(ref.History) || it.Iter != i || it.LogLike != ref.History[i].LogLike {
					t.Fatalf("record %+v differs from the reference run's", it)
				}
			}
			if res.Hessian == nil || res.FuncEvals == 0 {
				t.Errorf("no Hessian or counts: %+v", res)
			}
		}

		t.Run(tc.name+"/recorder", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s := &optim.Settings{Recorder: func(it optim.Iteration) {
				if it.Iter == 2 {
					cancel()
				}
			}}
			res, err := optim.MaximizeContext(ctx, objective(logit(x, y)), start, s, tc.method)
			check(t, res, err, "context canceled")
			// Every method checks the context right after the iteration it records.
			if last := res.History[len(res.History)-1].Iter; last != 2 {
				t.Errorf("stopped at iteration %d, want 2", last)
			}
		})

		t.Run(tc.name+"/before", func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(errors.New("test: not wanted"))
			res, err := optim.MaximizeContext(ctx, objective(logit(x, y)), start, nil, tc.method)
			check(t, res, err, "test: not wanted")
			if !slices.Equal(res.X, start) || len(res.History) != 1 || res.FuncEvals != 1 || res.Iterations != 0 {
				t.Errorf("X %v after %d iterations, %d records, %d evaluations; want the start alone", res.X, res.Iterations, len(res.History), res.FuncEvals)
			}
		})

		t.Run(tc.name+"/deadline", func(t *testing.T) {
			// The fourth evaluation waits for the deadline, a millisecond away, so that it
			// passes during an evaluation, in the middle of an iteration.
			ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
			defer cancel()
			after := 0 // records made once the deadline had passed
			s := &optim.Settings{Recorder: func(optim.Iteration) {
				if ctx.Err() != nil {
					after++
				}
			}}
			obj := objective(&blocking{Objective: logit(x, y), at: 4, done: ctx.Done()})
			res, err := optim.MaximizeContext(ctx, obj, start, s, tc.method)
			check(t, res, err, "deadline exceeded")
			if after > 1 {
				t.Errorf("%d iterations recorded after the deadline, want at most the one under way", after)
			}
		})
	}
}
