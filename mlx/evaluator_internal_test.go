package mlx

import (
	"errors"
	"strings"
	"testing"
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
