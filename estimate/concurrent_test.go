package estimate_test

import (
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/stderr"
	"github.com/gomlx/gomlx/backends/simplego"
)

// concurrentFits is the number of fits TestConcurrentFits runs at once (issue 14, item 6).
const concurrentFits = 64

// concurrentCapacity is the program cache's capacity while TestConcurrentFits's goroutines run
// on the pure-Go backend: fewer sets than the fits use (each specification needs two or more:
// the model, its null model, its marginal effects for some), so that sets are evicted all the
// time while other goroutines run them. On XLA, where compiling a set takes about a second
// here, that would recompile sets all the time (5.5 minutes for the test, measured), so there
// the cache keeps its capacity and evictionPulses empty it twice while the fits run instead.
const concurrentCapacity = 4

// evictionPulses are the times, from the start of the concurrent fits, at which
// TestConcurrentFits sets the cache's capacity to 1 and back: every set is evicted, those that
// evaluations are running included, and every Evaluator must find its sets again.
var evictionPulses = []time.Duration{200 * time.Millisecond, 1500 * time.Millisecond}

// TestConcurrentFits runs 64 formula fits from 64 goroutines on one backend and requires each
// to equal the same fit run alone: estimates, SEs, log-likelihood, null log-likelihood and
// iterations, bit for bit. The fits cycle through nine specifications over four datasets and
// seven families, so that several goroutines share the compiled programs of one model while
// others compile their own. During the concurrent phase the program cache holds only
// concurrentCapacity sets on the pure-Go backend, and on every backend evictionPulses empty it
// while the fits run: sets are evicted while other goroutines run them, the path most likely to
// go wrong (a program finalized while an evaluation runs it, an evaluator left pointing at a
// forgotten set).
//
// Bit-for-bit equality is the right test on both CPU backends: a compiled program computes the
// same floating-point operations in the same order on every run, whichever goroutine runs it
// and whether it was compiled before or after an eviction (checked here: the pure-Go backend
// and XLA CPU both pass with exact comparison). A GPU backend may not be deterministic
// (atomics in reductions); this test is for CPU backends.
//
// Under -short it runs 16 fits, a quarter of the count.
func TestConcurrentFits(t *testing.T) {
	b := testbackend.Get(t)
	frames := map[string]*frame.Frame{}
	for _, name := range []string{"spector", "ships", "anes96", "longley"} {
		frames[name] = readFrame(t, "../data/"+name+".csv")
	}
	base := 0.0
	specs := []struct {
		data string        // the dataset, data/<data>.csv
		spec estimate.Spec // what is fitted
	}{
		{"spector", estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI"}},
		{"spector", estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + PSI"}},
		{"spector", estimate.Spec{Model: "probit", Formula: "GRADE ~ GPA + TUCE + PSI"}},
		{"spector", estimate.Spec{Model: "ols", Formula: "GPA ~ TUCE + PSI", ML: true, Cov: stderr.Robust{}}},
		{"ships", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con + op_75_79", Exposure: "service"}},
		{"ships", estimate.Spec{Model: "weibull", Formula: "service ~ yr_con"}},
		{"anes96", estimate.Spec{Model: "ologit", Formula: "PID ~ selfLR + age + educ"}},
		{"anes96", estimate.Spec{Model: "mlogit", Formula: "PID ~ selfLR + age", Options: likelihoods.Options{Base: &base}}},
		{"longley", estimate.Spec{Model: "ols", Formula: "TOTEMP ~ GNP + UNEMP", ML: true}},
	}
	n := concurrentFits
	if testing.Short() {
		n /= 4
	}

	// The reference: each specification fitted alone, with the default cache capacity.
	start := time.Now()
	want := make([]*estimate.Report, len(specs))
	for i, s := range specs {
		rep, err := estimate.Fit(b, frames[s.data], s.spec)
		if err != nil {
			t.Fatalf("%s %s: %v", s.spec.Model, s.spec.Formula, err)
		}
		if !rep.Result.Status.Converged() {
			t.Fatalf("%s %s: %v", s.spec.Model, s.spec.Formula, rep.Result.Status)
		}
		want[i] = rep
	}
	t.Logf("%d specifications fitted one after the other in %v", len(specs), time.Since(start))

	// The concurrent phase, with evictions alongside evaluations.
	capacity := mlx.DefaultProgramCacheCapacity
	if _, pureGo := b.(*simplego.Backend); pureGo {
		capacity = concurrentCapacity
	}
	previous := mlx.SetProgramCacheCapacity(capacity)
	defer mlx.SetProgramCacheCapacity(previous)
	start = time.Now()
	got := make([]*estimate.Report, n)
	errs := make([]error, n)
	var ready, wg sync.WaitGroup
	ready.Add(1)
	finished := make(chan struct{})
	pulses := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		ready.Wait()
		for _, at := range evictionPulses {
			select {
			case <-finished:
				return
			case <-time.After(at - time.Since(start)):
			}
			mlx.SetProgramCacheCapacity(1)
			mlx.SetProgramCacheCapacity(capacity)
			pulses++
		}
	}()
	var fits sync.WaitGroup
	for g := range n {
		fits.Add(1)
		go func() {
			defer fits.Done()
			ready.Wait() // start together, so that the fits overlap as much as possible
			s := specs[g%len(specs)]
			got[g], errs[g] = estimate.Fit(b, frames[s.data], s.spec)
		}()
	}
	ready.Done()
	fits.Wait()
	close(finished)
	wg.Wait()
	t.Logf("%d fits from %d goroutines in %v, cache capacity %d, emptied %d times", n, n, time.Since(start), capacity, pulses)

	for g := range n {
		s := specs[g%len(specs)]
		name := fmt.Sprintf("fit %d (%s %s)", g, s.spec.Model, s.spec.Formula)
		if errs[g] != nil {
			t.Errorf("%s: %v", name, errs[g])
			continue
		}
		sameReport(t, name, got[g], want[g%len(specs)])
	}
}

// sameReport reports an error for every number of got that is not bitwise equal to want's:
// the estimates and their SEs, the log-likelihood and the null log-likelihood, and the number
// of iterations.
func sameReport(t *testing.T, name string, got, want *estimate.Report) {
	t.Helper()
	same := func(what string, g, w []float64) {
		t.Helper()
		if len(g) != len(w) {
			t.Errorf("%s: %d %s, want %d", name, len(g), what, len(w))
			return
		}
		for i := range w {
			if math.Float64bits(g[i]) != math.Float64bits(w[i]) {
				t.Errorf("%s: %s[%d] = %.17g, alone %.17g", name, what, i, g[i], w[i])
			}
		}
	}
	same("estimate", got.Estimates.Params, want.Estimates.Params)
	same("SE", got.Estimates.SE, want.Estimates.SE)
	same("log-likelihood", []float64{got.Result.LogLike, got.LLNull}, []float64{want.Result.LogLike, want.LLNull})
	if got.Result.Iterations != want.Result.Iterations {
		t.Errorf("%s: %d iterations, alone %d", name, got.Result.Iterations, want.Result.Iterations)
	}
}
