package main

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomle/gomle/optim"
	"github.com/gomlx/go-xla/pkg/pjrt"
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

// TestRunDevices shards a small problem over 1 and 3 virtual XLA CPU devices (3 does not divide
// the 301 rows, so the shards are padded) and checks that each run matches the plain
// evaluator's.
func TestRunDevices(t *testing.T) {
	if _, ok := pjrt.AvailablePlugins()["cpu"]; !ok {
		t.Skip("needs the PJRT CPU plugin (scripts/install-pjrt-cpu.sh)")
	}
	if b := os.Getenv("GOMLX_BACKEND"); b != "" && b != "xla:cpu" {
		t.Skipf("-devices runs on GOMLX_BACKEND=%s's own devices", b)
	}
	if _, err := parseDevices("1,0"); err == nil {
		t.Error("-devices 1,0: no error for 0 devices")
	}
	counts, err := parseDevices("1, 3")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "devices.json")
	if err := runDevices(301, 4, 1, 1, 1, counts, out); err != nil {
		t.Fatal(err)
	}
	var rep devicesReport
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Runs) != 3 || rep.Runs[0].Devices != nil || len(rep.Runs[2].Devices) != 3 || rep.NumDevices != 3 {
		t.Fatalf("runs over %d backend devices: %+v", rep.NumDevices, rep.Runs)
	}
	for _, run := range rep.Runs {
		for _, key := range []string{"value_grad", "hessian", "lbfgs_fit"} {
			if !(run.Seconds[key].Median > 0) {
				t.Errorf("devices %v, %s: %+v", run.Devices, key, run.Seconds[key])
			}
		}
		// Only the order of the sums differs from the plain evaluator's: rounding, far below
		// 1e-12 of the largest entry.
		if run.EstimatesRelDiff > 1e-12 || run.ValueGradRelDiff > 1e-12 || run.HessianRelDiff > 1e-12 || run.FitStatus == "" {
			t.Errorf("devices %v: differences %.3g, %.3g, %.3g; status %q", run.Devices,
				run.EstimatesRelDiff, run.ValueGradRelDiff, run.HessianRelDiff, run.FitStatus)
		}
	}
}
