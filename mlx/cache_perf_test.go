//go:build perf

package mlx_test

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// perfNormal builds a fresh value of a hand-written normal linear model each call: a new
// *Model and a new closure, as a user's bootstrap loop that rebuilds its model every round.
func perfNormal(k int) *mlx.Model {
	return &mlx.Model{
		Name:   "my-normal",
		Blocks: []mlx.Block{{Name: "beta", Size: k}, {Name: "sigma", Size: 1, Transform: mlx.Positive}},
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			sigma := p.Scalar("sigma")
			z := graph.Div(graph.Sub(d.Get("y"), graph.Dot(d.Get("x"), p.Get("beta"))), sigma)
			// ℓᵢ = −log σ − ½log(2π) − zᵢ²/2
			return graph.Neg(graph.Add(graph.Log(sigma), graph.AddScalar(graph.MulScalar(graph.Square(z), 0.5), 0.5*math.Log(2*math.Pi))))
		},
	}
}

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

// perfCounts reads a comma-separated list of fit counts from the environment variable name.
func perfCounts(t *testing.T, name, def string) []int {
	s := os.Getenv(name)
	if s == "" {
		s = def
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, n)
	}
	return out
}

// TestPerfFreshModels times 20 Newton fits of freshly built values of one custom model (n and k
// from GOMLE_PERF_N and GOMLE_PERF_K, default 200 and 3) and logs the heap in use after GC after each count in GOMLE_PERF_FITS (default
// 100,1000,3000) fits in all.
//
//	GOMLX_BACKEND=go:dotgeneral_small go test -tags perf -run TestPerfFreshModels -v ./mlx/
func TestPerfFreshModels(t *testing.T) {
	b := testbackend.Get(t)
	n, k := perfCounts(t, "GOMLE_PERF_N", "200")[0], perfCounts(t, "GOMLE_PERF_K", "3")[0]
	t.Logf("model: hand-written normal linear, n=%d, k=%d", n, k)
	p, ds, _ := linearProblem(t, n, k, 11)
	fit := func() {
		if _, err := mlx.Fit(b, perfNormal(k), ds, &mlx.Settings{Start: p.Start}, &optim.Newton{}); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("before any fit: %s", memory())
	begin := time.Now()
	done := 0
	for ; done < 20; done++ {
		fit()
	}
	t.Logf("20 fits of fresh custom model values: %.2f s", time.Since(begin).Seconds())
	one := perfNormal(k)
	begin = time.Now()
	for range 20 {
		if _, err := mlx.Fit(b, one, ds, &mlx.Settings{Start: p.Start}, &optim.Newton{}); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("20 fits of one other model value: %.2f s", time.Since(begin).Seconds())
	for _, c := range perfCounts(t, "GOMLE_PERF_FITS", "100,1000,3000") {
		begin = time.Now()
		from := done
		for ; done < c; done++ {
			fit()
		}
		t.Logf("after %d fits: %s (%.2f ms per fit over the last %d)", done, memory(),
			1e3*time.Since(begin).Seconds()/float64(max(done-from, 1)), done-from)
	}
}
