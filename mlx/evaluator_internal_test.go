package mlx

import (
	"errors"
	"strings"
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// TestExplainMemory checks the advice added to an allocation failure. A real device running out
// of memory cannot be provoked on the CPU machines CI runs on, so the errors are the texts XLA's
// plugins give (status RESOURCE_EXHAUSTED; CUDA's "out of memory").
func TestExplainMemory(t *testing.T) {
	ds, err := NewDataset(Vector("y", []float64{1, 2, 3}))
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range []string{"RESOURCE_EXHAUSTED: Out of memory while trying to allocate 8.00GiB", "CUDA_ERROR_OUT_OF_MEMORY: out of memory"} {
		err := explainMemory(errors.New(msg), ds)
		if !strings.Contains(err.Error(), "mlx.Chunks") || !strings.Contains(err.Error(), "3 observations") || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q became %q", msg, err)
		}
	}
	other := errors.New("shape mismatch")
	if got := explainMemory(other, ds); got != other {
		t.Errorf("an unrelated error was rewritten: %v", got)
	}
}

// TestStreamedChunksLeaveNoCopy checks where a streamed chunk's data are after an evaluation,
// on a backend whose device shares host memory: in the backend's memory alone, with no Go copy
// kept beside it, whether the chunk was built in Go memory (moved on its first run) or with
// NewColumn on the backend (there from the start); on other backends, in Go memory alone, the
// device copy of each chunk freed after its run.
func TestStreamedChunksLeaveNoCopy(t *testing.T) {
	b := testbackend.Get(t)
	model := &Model{Name: "sum", Blocks: []Block{{Name: "a", Size: 1}},
		LogLikeObs: func(p Params, d Data) *graph.Node { return graph.Mul(d.Get("y"), p.Get("a")) }}
	for _, owned := range []bool{false, true} {
		var parts []*Dataset
		for range 3 {
			col := Vector("y", []float64{1, 2})
			if owned {
				var err error
				if col, err = NewColumn(b, "y", 2); err != nil {
					t.Fatal(err)
				}
				copy(col.Values, []float64{1, 2})
			}
			part, err := NewDataset(col)
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, part)
		}
		ds, err := Chunks(parts...)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := NewEvaluator(b, model, ds)
		if err != nil {
			t.Fatal(err)
		}
		if ll, err := ev.LogLike([]float64{2}); err != nil || ll != 18 { // 2·(1+2), three times
			t.Fatalf("owned %v: log-likelihood %v, error %v", owned, ll, err)
		}
		for c, ch := range ds.chunks {
			y := ch.tensors["y"]
			// A shared tensor holds its values in the backend's buffer alone (IsLocal is true of it).
			if shared := b.HasSharedBuffers(); y.IsShared() != shared || y.IsOnAnyDevice() != shared || !y.IsLocal() {
				t.Errorf("owned %v: chunk %d: shared %v, local %v, on a device %v", owned, c, y.IsShared(), y.IsLocal(), y.IsOnAnyDevice())
			}
		}
	}
}
