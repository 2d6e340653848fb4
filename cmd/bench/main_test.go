package main

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomle/gomle/optim"
)

func TestSummarize(t *testing.T) {
	if s := summarize([]float64{3, 1, 2}); s.Median != 2 || s.Min != 1 || s.Max != 3 {
		t.Errorf("odd: %+v", s)
	}
	if s := summarize([]float64{4, 1, 2, 3}); s.Median != 2.5 {
		t.Errorf("even: median %v, want 2.5", s.Median)
	}
}

// TestRun runs every workload at a small size and checks the JSON and the data files that
// peers.py reads.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "gomle.json")
	// 10 SGD iterations: a block of the default 8 steps per call, then two single steps.
	all, err := workloads("")
	if err != nil {
		t.Fatal(err)
	}
	if err := run(500, 4, 1, 1, 10, 0, false, all, dir, out); err != nil {
		t.Fatal(err)
	}
	var rep report
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"w1_lbfgs_and_se", "w2_sgd", "w3_hessian", "value_grad"} {
		if s, ok := rep.Seconds[key]; !ok || !(s.Median > 0) {
			t.Errorf("%s: %+v", key, s)
		}
	}
	if rep.W1MaxDiffOLS > 1e-6 || rep.SGDItersPerS == nil || !(rep.SGDItersPerS.Median > 0) || rep.SGDPerCall != optim.DefaultStepsPerCall {
		t.Errorf("W1 %.3g from OLS, SGD %+v it/s with %d steps per call", rep.W1MaxDiffOLS, rep.SGDItersPerS, rep.SGDPerCall)
	}
	f, err := os.Open(filepath.Join(dir, "start.f64"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	start := make([]float64, 5)
	if err := binary.Read(f, binary.LittleEndian, start); err != nil || start[4] != 1 || math.IsNaN(start[0]) {
		t.Errorf("start.f64 = %v, %v; want K+1 values ending in σ = 1", start, err)
	}
}

// TestRunOnly runs W3 alone, as the K-sweep does, and checks that nothing else was timed.
func TestRunOnly(t *testing.T) {
	if _, err := workloads("w3,w4"); err == nil {
		t.Error("-only w3,w4: no error for the unknown w4")
	}
	want, err := workloads("w3")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "w3.json")
	if err := run(500, 4, 1, 1, 3, 0, false, want, "", out); err != nil {
		t.Fatal(err)
	}
	var rep report
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Seconds) != 1 || !(rep.Seconds["w3_hessian"].Median > 0) || rep.SGDItersPerS != nil {
		t.Errorf("-only w3 timed %v, SGD %+v", rep.Seconds, rep.SGDItersPerS)
	}
}
