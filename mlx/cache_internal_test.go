package mlx

import (
	"math"
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// offsetModel returns ℓᵢ = −(yᵢ − c − μ)²/2 with one block, "mu": models with different c
// differ only in a captured constant.
func offsetModel(c float64) *Model {
	return &Model{
		Name:   "offset",
		Blocks: []Block{{Name: "mu", Size: 1}},
		LogLikeObs: func(p Params, d Data) *graph.Node {
			y := d.Get("y")
			r := graph.Sub(graph.Sub(y, graph.Scalar(y.Graph(), y.DType(), c)), p.Scalar("mu"))
			return graph.MulScalar(graph.Square(r), -0.5)
		},
	}
}

// offsetLogLike is offsetModel's log-likelihood on the host.
func offsetLogLike(y []float64, c, mu float64) float64 {
	ll := 0.0
	for _, v := range y {
		ll -= (v - c - mu) * (v - c - mu) / 2
	}
	return ll
}

// cacheSize returns the number of entries in the program cache's map and in its LRU list.
func cacheSize() (entries, listed int) {
	cache.mu.Lock()
	defer cache.mu.Unlock()
	return len(cache.entries), cache.lru.Len()
}

// programState returns whether the set was evicted and its graphs: all valid, all finalized,
// or mixed (which is always wrong).
func programState(ps *programs) (evicted bool, graphs int, valid int) {
	cache.mu.Lock()
	evicted = ps.evicted
	cache.mu.Unlock()
	ps.graphsMu.Lock()
	defer ps.graphsMu.Unlock()
	for _, g := range ps.graphs {
		if g.IsValid() {
			valid++
		}
	}
	return evicted, len(ps.graphs), valid
}

// TestCacheBoundedAndReleases evaluates twelve distinct models with room for three program sets:
// the cache never holds more than three, every evicted set has its compiled graphs finalized,
// the three kept have theirs intact, and an Evaluator whose programs were evicted still gives
// the right answer, by building them again.
func TestCacheBoundedAndReleases(t *testing.T) {
	b := testbackend.Get(t)
	const capacity, models = 3, 12
	defer SetProgramCacheCapacity(SetProgramCacheCapacity(capacity))
	y := []float64{0.5, 1, 2, -1, 0.25}
	ds, err := NewDataset(Vector("y", y))
	if err != nil {
		t.Fatal(err)
	}
	u := []float64{0.1}
	evs := make([]*Evaluator, models)
	sets := make([]*programs, models)
	for i := range models {
		ev, err := NewEvaluator(b, offsetModel(float64(i)), ds)
		if err != nil {
			t.Fatal(err)
		}
		if ll, err := ev.LogLike(u); err != nil || math.Abs(ll-offsetLogLike(y, float64(i), u[0])) > 1e-12 {
			t.Fatalf("model %d: log-likelihood %v (%v), host %v", i, ll, err, offsetLogLike(y, float64(i), u[0]))
		}
		evs[i], sets[i] = ev, ev.progs[0]
		if n, l := cacheSize(); n > capacity || l != n {
			t.Errorf("after model %d: %d entries, %d listed, capacity %d", i, n, l, capacity)
		}
	}
	evicted := 0
	for i, ps := range sets {
		gone, graphs, valid := programState(ps)
		switch {
		case graphs == 0:
			t.Errorf("model %d: no graph was compiled", i)
		case gone && valid != 0:
			t.Errorf("model %d: evicted, yet %d of its %d graphs are not finalized", i, valid, graphs)
		case !gone && valid != graphs:
			t.Errorf("model %d: cached, yet %d of its %d graphs are finalized", i, graphs-valid, graphs)
		}
		if gone {
			evicted++
		}
	}
	if evicted != models-capacity {
		t.Errorf("%d sets evicted, want %d", evicted, models-capacity)
	}
	ll, err := evs[0].LogLike(u)
	if err != nil || math.Abs(ll-offsetLogLike(y, 0, u[0])) > 1e-12 {
		t.Errorf("evicted evaluator: log-likelihood %v (%v), host %v", ll, err, offsetLogLike(y, 0, u[0]))
	}
	if evs[0].progs[0] == sets[0] || evs[0].Compilations() == 0 {
		t.Errorf("evicted evaluator did not rebuild its programs")
	}
	if n, _ := cacheSize(); n > capacity {
		t.Errorf("%d entries after the rebuild, capacity %d", n, capacity)
	}
}

// TestCacheKeepsProgramsInUse evicts a program set while an evaluation holds it: the set must
// stay compiled and runnable until the evaluation releases it, and be finalized then.
func TestCacheKeepsProgramsInUse(t *testing.T) {
	b := testbackend.Get(t)
	defer SetProgramCacheCapacity(SetProgramCacheCapacity(2))
	y := []float64{1, 2, 3}
	ds, err := NewDataset(Vector("y", y))
	if err != nil {
		t.Fatal(err)
	}
	u := []float64{0.5}
	ev, err := NewEvaluator(b, offsetModel(100), ds)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ev.LogLike(u); err != nil {
		t.Fatal(err)
	}
	held := cache.acquire(ev) // as an evaluation in progress does
	for i := range 4 {
		other, err := NewEvaluator(b, offsetModel(200+float64(i)), ds)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.LogLike(u); err != nil {
			t.Fatal(err)
		}
	}
	ps := held[0]
	if gone, graphs, valid := programState(ps); !gone || graphs == 0 || valid != graphs {
		t.Fatalf("held set: evicted %v, %d of %d graphs valid; want evicted with all valid", gone, valid, graphs)
	}
	e, err := ps.exec(programID{kind: progValue})
	if err != nil {
		t.Fatal(err)
	}
	params := blockTensors(ev.model, u)
	defer finalize(params)
	args, done, err := ev.args(0, params)
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.Exec(args...)
	done()
	if err != nil {
		t.Fatal(err)
	}
	if got := out[0].Value().(float64); math.Abs(got-offsetLogLike(y, 100, u[0])) > 1e-12 {
		t.Errorf("held set computed %v, host %v", got, offsetLogLike(y, 100, u[0]))
	}
	cache.release(held)
	if _, graphs, valid := programState(ps); valid != 0 {
		t.Errorf("released set: %d of %d graphs still valid", valid, graphs)
	}
}

// TestSetProgramCacheCapacity checks the setter's contract.
func TestSetProgramCacheCapacity(t *testing.T) {
	previous := SetProgramCacheCapacity(5)
	if got := SetProgramCacheCapacity(previous); got != 5 {
		t.Errorf("SetProgramCacheCapacity returned %d, want 5", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("SetProgramCacheCapacity(0) did not panic")
		}
	}()
	SetProgramCacheCapacity(0)
}
