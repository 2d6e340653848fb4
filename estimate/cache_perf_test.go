//go:build perf

package estimate_test

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/stderr"
)

// memory returns the Go heap in use after a garbage collection and the process's resident
// set (which includes memory held outside the Go heap, by XLA's compiled programs), in MiB.
func memory() string {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss := "?"
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if f := strings.Fields(line); len(f) == 3 && f[0] == "VmRSS:" {
				if kb, err := strconv.Atoi(f[1]); err == nil {
					rss = fmt.Sprintf("%.1f MiB", float64(kb)/1024)
				}
			}
		}
	}
	return fmt.Sprintf("heap in use %.1f MiB, RSS %s", float64(ms.HeapInuse)/(1<<20), rss)
}

// TestPerfNLSGaussNewton repeats the fit of
//
//	gomle nls "y ~ b1*(1-exp(-b2*x))" -data data/misra1a.csv -start b1=500,b2=1e-4 -cov gn
//
// through estimate.NLS, and logs the heap in use after GC after each count in
// GOMLE_PERF_FITS (default 100,1000,3000) fits in all.
//
//	GOMLX_BACKEND=go:dotgeneral_small go test -tags perf -run TestPerfNLSGaussNewton -v ./estimate/
func TestPerfNLSGaussNewton(t *testing.T) {
	b := testbackend.Get(t)
	f := readFrame(t, "../data/misra1a.csv")
	spec := estimate.NLSSpec{Formula: "y ~ b1*(1-exp(-b2*x))", Start: map[string]float64{"b1": 500, "b2": 1e-4}, Cov: stderr.GaussNewton{}}
	s := os.Getenv("GOMLE_PERF_FITS")
	if s == "" {
		s = "100,1000,3000"
	}
	t.Logf("before any fit: %s", memory())
	done := 0
	for _, field := range strings.Split(s, ",") {
		c, err := strconv.Atoi(field)
		if err != nil {
			t.Fatal(err)
		}
		begin, from := time.Now(), done
		for ; done < c; done++ {
			if _, err := estimate.NLS(b, f, spec); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("after %d fits: %s (%.2f ms per fit over the last %d)", done, memory(),
			1e3*time.Since(begin).Seconds()/float64(max(done-from, 1)), done-from)
	}
}
