package mlx_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomle/gomle/backend"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"gonum.org/v1/gonum/mat"
)

// deviceCase is a model with its data and a point away from the optimum.
type deviceCase struct {
	name  string
	model *mlx.Model
	cols  func(lo, hi int) []mlx.Column // the data of rows lo..hi
	at    []float64                     // unconstrained parameters
}

// deviceCases returns models covering the engine's program families on n simulated rows: the
// structured Hessian (logit), an index with a γ block (nbreg), a γ block of several entries
// (ordered logit), several indices (mlogit), a log-duration model (weibull), frequency and
// sampling weights, and the generic Hessian of a model without indices, each on rows that the
// devices cannot divide evenly.
func deviceCases(n int) []deviceCase {
	d := simulateWeighted(n, 9)
	r := rand.New(rand.NewPCG(9, 9))
	onehot := mat.NewDense(n, 3, nil)
	dur := make([]float64, n)
	for i := range n {
		onehot.Set(i, r.IntN(3), 1)
		dur[i] = 0.1 + r.ExpFloat64()
	}
	x := func(lo, hi int) mlx.Column { return mlx.Matrix("x", d.x.Slice(lo, hi, 0, 3)) }
	noIntercept := func(lo, hi int) mlx.Column { return mlx.Matrix("x", d.x.Slice(lo, hi, 1, 3)) }
	// A logit without declared indices takes the generic Hessian and score programs.
	generic := &mlx.Model{Name: "generic logit", Blocks: []mlx.Block{{Name: "beta", Size: 3}},
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			eta := graph.Dot(d.Get("x"), p.Get("beta"))
			return graph.Sub(graph.Mul(d.Get("y"), eta), graph.Log(graph.OnePlus(graph.Exp(eta))))
		}}
	return []deviceCase{
		{"logit", likelihoods.Logit(3), func(lo, hi int) []mlx.Column { return []mlx.Column{mlx.Vector("y", binary(d.y[lo:hi])), x(lo, hi)} }, []float64{0.1, 0.4, -0.3}},
		{"nbreg", likelihoods.NegBin2(3, false), func(lo, hi int) []mlx.Column { return []mlx.Column{mlx.Vector("y", d.y[lo:hi]), x(lo, hi)} }, []float64{0.2, 0.3, -0.2, -0.5}},
		{"ordered logit", likelihoods.OrderedLogit(2, []string{"a", "b", "c"}), func(lo, hi int) []mlx.Column {
			return []mlx.Column{mlx.Matrix("y", onehot.Slice(lo, hi, 0, 3)), noIntercept(lo, hi)}
		}, []float64{0.3, -0.2, -0.6, 0.7}},
		{"mlogit", likelihoods.MNLogit(3, []string{"a", "b", "c"}, 0), func(lo, hi int) []mlx.Column {
			return []mlx.Column{mlx.Matrix("y", onehot.Slice(lo, hi, 0, 3)), x(lo, hi)}
		}, []float64{0.1, 0.2, -0.1, -0.2, 0.3, 0.1}},
		{"weibull", likelihoods.Weibull(3), func(lo, hi int) []mlx.Column {
			return []mlx.Column{mlx.Vector("t", dur[lo:hi]), mlx.Vector("d", binary(d.y[lo:hi])), x(lo, hi)}
		}, []float64{-0.2, 0.1, 0.3, 0.2}},
		{"logit, frequency weights", likelihoods.Logit(3), func(lo, hi int) []mlx.Column {
			return []mlx.Column{mlx.Vector("y", binary(d.y[lo:hi])), x(lo, hi), mlx.Weights(mlx.Frequency, d.w[lo:hi])}
		}, []float64{0.1, 0.4, -0.3}},
		{"nbreg, sampling weights", likelihoods.NegBin2(3, false), func(lo, hi int) []mlx.Column {
			w := make([]float64, hi-lo)
			for i := range w {
				w[i] = 0.5 + d.w[lo+i]*1.7
			}
			return []mlx.Column{mlx.Vector("y", d.y[lo:hi]), x(lo, hi), mlx.Weights(mlx.Sampling, w)}
		}, []float64{0.2, 0.3, -0.2, -0.5}},
		{"generic", generic, func(lo, hi int) []mlx.Column { return []mlx.Column{mlx.Vector("y", binary(d.y[lo:hi])), x(lo, hi)} }, []float64{0.1, 0.4, -0.3}},
	}
}

// TestDevices checks that sharding the rows over 1 to 4 devices (of the default XLA CPU
// backend's 4) changes no derivative program's result beyond rounding: value, gradient,
// Hessian, the fused call, the line search, the per-row scores and both meats, on one chunk
// and on two; then that a fit and its covariances are those of one device.
func TestDevices(t *testing.T) {
	b := testbackend.Get(t)
	const n = 301 // not a multiple of 2, 3 or 4: every split pads
	cases := deviceCases(n)
	if b.NumDevices() < 4 {
		ds, err := mlx.NewDataset(cases[0].cols(0, n)...)
		if err != nil {
			t.Fatal(err)
		}
		// The pure-Go backend runs on one device; a one-GPU machine has device 0 alone.
		if _, err := mlx.NewEvaluatorOn(b, cases[0].model, ds, []int{0, 1}); err == nil || !strings.Contains(err.Error(), "device") {
			t.Errorf("two devices on the %s backend with %d: error %v, want one about its devices", b.Name(), b.NumDevices(), err)
		}
		// "All the devices" of a one-device backend is its default device: a program written
		// for several devices runs unchanged.
		if b.NumDevices() == 1 {
			ev, err := mlx.NewEvaluatorOn(b, cases[0].model, ds, []int{0})
			if err != nil {
				t.Errorf("device [0] on the %s backend: %v", b.Name(), err)
			} else if _, err := ev.LogLike(cases[0].at); err != nil {
				t.Errorf("device [0] on the %s backend: %v", b.Name(), err)
			}
		}
		t.Skipf("the %s backend has %d device(s); the test needs 4 (XLA CPU's default)", b.Name(), b.NumDevices())
	}
	groups := make([]int, n)
	for i := range groups {
		groups[i] = i % 11
	}
	const tol = 1e-12
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			one, err := mlx.NewDataset(tc.cols(0, n)...)
			if err != nil {
				t.Fatal(err)
			}
			a, err := mlx.NewDataset(tc.cols(0, 160)...)
			if err != nil {
				t.Fatal(err)
			}
			c, err := mlx.NewDataset(tc.cols(160, n)...)
			if err != nil {
				t.Fatal(err)
			}
			chunked, err := mlx.Chunks(a, c)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := mlx.NewEvaluator(b, tc.model, one)
			if err != nil {
				t.Fatal(err)
			}
			want := evaluateAll(t, ref, tc.at, groups)
			// Every model on three and four devices (uneven splits); the first ones also on one
			// device through the sharded path, on a reordered pair, and streamed in two chunks.
			type deviceRun struct {
				ds   *mlx.Dataset
				devs []int
			}
			runs := []deviceRun{{one, []int{0, 1, 2}}, {one, []int{0, 1, 2, 3}}}
			if tc.name == "logit" || tc.name == "nbreg" {
				runs = append(runs, deviceRun{one, []int{0}}, deviceRun{one, []int{3, 1}}, deviceRun{chunked, []int{0, 1, 2}})
			}
			for _, run := range runs {
				ev, err := mlx.NewEvaluatorOn(b, tc.model, run.ds, run.devs)
				if err != nil {
					t.Fatal(err)
				}
				got := evaluateAll(t, ev, tc.at, groups)
				for name, w := range want {
					if r := vecRel(got[name], w); r > tol || math.IsNaN(r) {
						t.Errorf("%d chunk(s) on devices %v: %s differs from one device's by %.2g", run.ds.NumChunks(), run.devs, name, r)
					}
				}
			}
		})
	}
	// A fit on three devices: the estimates and every covariance of one device's fit.
	tc := cases[1]
	ds, err := mlx.NewDataset(tc.cols(0, n)...)
	if err != nil {
		t.Fatal(err)
	}
	single, err := mlx.Fit(b, tc.model, ds, nil, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	three, err := mlx.Fit(b, tc.model, ds, &mlx.Settings{Devices: []int{0, 1, 2}}, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	if len(three.Devices) != 3 || single.Devices != nil {
		t.Errorf("devices recorded %v and %v", three.Devices, single.Devices)
	}
	if r := vecRel(three.Estimates, single.Estimates); r > tol {
		t.Errorf("estimates on three devices differ from one device's by %.2g", r)
	}
	for _, cov := range []stderr.Covariance{stderr.OIM{}, stderr.OPG{}, stderr.Robust{}, stderr.Cluster{Groups: groups}} {
		checkSameSE(t, cov.String()+" on three devices", three, single, cov, cov)
	}
}

// evaluateAll runs every derivative program of ev at u.
func evaluateAll(t *testing.T, ev *mlx.Evaluator, u []float64, groups []int) map[string][]float64 {
	t.Helper()
	out := map[string][]float64{}
	grad := make([]float64, len(u))
	ll, err := ev.LogLikeGrad(u, grad)
	if err != nil {
		t.Fatal(err)
	}
	out["log-likelihood"], out["gradient"] = []float64{ll}, grad
	h, err := ev.Hessian(u)
	if err != nil {
		t.Fatal(err)
	}
	out["Hessian"] = h.RawSymmetric().Data
	g2 := make([]float64, len(u))
	ll2, h2, err := ev.LogLikeGradHessian(u, g2)
	if err != nil {
		t.Fatal(err)
	}
	out["fused call"] = append(append([]float64{ll2}, g2...), h2.RawSymmetric().Data...)
	dir := make([]float64, len(u))
	for i := range dir {
		dir[i] = 0.1 * float64(i%3-1)
	}
	lls, ok, err := ev.LogLikeLine(u, dir, []float64{0, 0.5, 1})
	if err != nil {
		t.Fatal(err)
	}
	if ok {
		out["line"] = lls
	}
	s, err := ev.ScoreObs(u)
	if err != nil {
		t.Fatal(err)
	}
	out["scores"] = s.RawMatrix().Data
	m, err := ev.ScoreMeat(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	out["meat"] = m.RawSymmetric().Data
	mc, err := ev.ScoreMeat(u, groups)
	if err != nil {
		t.Fatal(err)
	}
	out["clustered meat"] = mc.RawSymmetric().Data
	return out
}

// TestEightDevices shards a logit's 301 rows over 8 virtual XLA CPU devices (37 or 38 rows
// each, the last padded) and checks every program against device 0 alone of the same backend.
func TestEightDevices(t *testing.T) {
	if d := testbackend.Get(t).DeviceDescription(0); !strings.HasPrefix(d, "cpu") {
		t.Skipf("needs XLA's CPU backend, not %q", d)
	}
	b, err := backend.NewCPU(8)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	if b.NumDevices() != 8 {
		t.Fatalf("%d devices, asked for 8", b.NumDevices())
	}
	tc := deviceCases(301)[0]
	ds, err := mlx.NewDataset(tc.cols(0, 301)...)
	if err != nil {
		t.Fatal(err)
	}
	groups := make([]int, 301)
	for i := range groups {
		groups[i] = i % 5
	}
	ref, err := mlx.NewEvaluator(b, tc.model, ds)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := mlx.NewEvaluatorOn(b, tc.model, ds, []int{0, 1, 2, 3, 4, 5, 6, 7})
	if err != nil {
		t.Fatal(err)
	}
	want, got := evaluateAll(t, ref, tc.at, groups), evaluateAll(t, ev, tc.at, groups)
	for name, w := range want {
		if r := vecRel(got[name], w); r > 1e-12 || math.IsNaN(r) {
			t.Errorf("8 devices: %s differs from one device's by %.2g", name, r)
		}
	}
}
