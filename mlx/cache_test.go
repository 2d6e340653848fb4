package mlx_test

import (
	"math"
	"sync"
	"testing"
	"time"

	"github.com/gomle/gomle/internal/simdata"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// shiftedNormal returns a fresh value (a new *Model and a new closure) of a hand-written normal
// linear model of y − shift with observation weights w (nil for none), both captured by the
// closure and entering the graph as constants:
//
//	ℓᵢ = wᵢ(−log σ − ½log(2π) − zᵢ²/2),  zᵢ = (yᵢ − shift − xᵢβ)/σ.
func shiftedNormal(k int, shift float64, w []float64) *mlx.Model {
	return &mlx.Model{
		Name:   "shifted-normal",
		Blocks: []mlx.Block{{Name: "beta", Size: k}, {Name: "sigma", Size: 1, Transform: mlx.Positive}},
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			y := d.Get("y")
			g, dtype := y.Graph(), y.DType()
			sigma := p.Scalar("sigma")
			z := graph.Div(graph.Sub(graph.Sub(y, graph.Scalar(g, dtype, shift)), graph.Dot(d.Get("x"), p.Get("beta"))), sigma)
			ll := graph.Neg(graph.Add(graph.Log(sigma), graph.AddScalar(graph.MulScalar(graph.Square(z), 0.5), 0.5*math.Log(2*math.Pi))))
			if w != nil {
				ll = graph.Mul(ll, graph.ConvertDType(graph.Const(g, w), dtype))
			}
			return ll
		},
	}
}

// shiftedNormalLogLike is shiftedNormal's log-likelihood computed on the host, at the
// unconstrained u = (β, log σ).
func shiftedNormalLogLike(p *simdata.Linear, shift float64, w []float64, u []float64) float64 {
	k := p.K
	sigma := math.Exp(u[k])
	ll := 0.0
	for i, y := range p.Y {
		mu := 0.0
		for j := range k {
			mu += p.X.At(i, j) * u[j]
		}
		z := (y - shift - mu) / sigma
		li := -math.Log(sigma) - 0.5*math.Log(2*math.Pi) - z*z/2
		if w != nil {
			li *= w[i]
		}
		ll += li
	}
	return ll
}

// closeTo reports whether got agrees with want to 1e-10 relative: the graph and the host sum
// the same n terms in different orders.
func closeTo(got, want float64) bool {
	return math.Abs(got-want) <= 1e-10*math.Max(1, math.Abs(want))
}

// TestFreshModelValuesSharePrograms checks that 2000 Evaluators of freshly built values of one
// custom model, and 100 fits of such values, compile nothing after the first, whatever their
// pointers and closures; and that a ready-made model's values share programs while keeping
// their own labels.
func TestFreshModelValuesSharePrograms(t *testing.T) {
	b := testbackend.Get(t)
	p, ds, _ := linearProblem(t, 60, 3, 21)
	u := []float64{1, 0.5, -0.5, 0.2}
	first, err := mlx.NewEvaluator(b, shiftedNormal(3, 0.25, nil), ds)
	if err != nil {
		t.Fatal(err)
	}
	grad := make([]float64, len(u))
	ll0, err := first.LogLikeGrad(u, grad)
	if err != nil {
		t.Fatal(err)
	}
	if want := shiftedNormalLogLike(p, 0.25, nil, u); !closeTo(ll0, want) {
		t.Fatalf("log-likelihood %v, host %v", ll0, want)
	}
	compiled := first.Compilations()
	if compiled == 0 {
		t.Fatal("no compilation counted")
	}
	begin := time.Now()
	const evaluators = 2000
	for i := range evaluators {
		ev, err := mlx.NewEvaluator(b, shiftedNormal(3, 0.25, nil), ds)
		if err != nil {
			t.Fatal(err)
		}
		ll, err := ev.LogLikeGrad(u, grad)
		if err != nil {
			t.Fatal(err)
		}
		if ll != ll0 || ev.Compilations() != compiled {
			t.Fatalf("fresh model value %d: log-likelihood %v (first %v), %d compilations (first %d)",
				i, ll, ll0, ev.Compilations(), compiled)
		}
	}
	t.Logf("%d evaluators of fresh model values, each evaluated once: %v", evaluators, time.Since(begin))

	begin = time.Now()
	res0, err := mlx.Fit(b, shiftedNormal(3, 0.25, nil), ds, &mlx.Settings{Start: p.Start}, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	compiled = res0.Evaluator().Compilations()
	const fits = 100
	for i := range fits {
		res, err := mlx.Fit(b, shiftedNormal(3, 0.25, nil), ds, &mlx.Settings{Start: p.Start}, &optim.Newton{})
		if err != nil {
			t.Fatal(err)
		}
		if n := res.Evaluator().Compilations(); n != compiled || res.Estimates[0] != res0.Estimates[0] {
			t.Fatalf("fit %d of a fresh model value: %d compilations (first fit %d), β0 %v (first %v)",
				i, n, compiled, res.Estimates[0], res0.Estimates[0])
		}
	}
	t.Logf("%d fits of fresh model values: %v", fits+1, time.Since(begin))

	// Labels are not part of what a model computes: values that differ only there share
	// programs and keep their own labels.
	fit := func(m *mlx.Model) *mlx.Result {
		res, err := mlx.Fit(b, m, ds, &mlx.Settings{Start: p.Start}, &optim.Newton{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	one := fit(likelihoods.NormalLinear(3))
	before := one.Evaluator().Compilations()
	other := likelihoods.NormalLinear(3)
	other.Blocks[0].Labels = []string{"const", "x1", "x2"}
	two := fit(other)
	if after := two.Evaluator().Compilations(); after != before {
		t.Errorf("a second NormalLinear(3) compiled %d new graphs", after-before)
	}
	if one.Labels()[1] != "b1" || two.Labels()[1] != "x1" || one.Estimates[1] != two.Estimates[1] {
		t.Errorf("labels %v and %v, estimates %v and %v", one.Labels(), two.Labels(), one.Estimates, two.Estimates)
	}
}

// TestCapturedConstantsSeparateModels checks that models differing only in a constant their
// closure captures never share programs: each evaluates its own log-likelihood. The weights
// have 60 entries, more than the 32 below which GoMLX keeps a constant's values in the graph's
// description, so they are told apart by the hash of their values.
func TestCapturedConstantsSeparateModels(t *testing.T) {
	b := testbackend.Get(t)
	p, ds, _ := linearProblem(t, 60, 3, 22)
	u := []float64{1, 0.5, -0.5, 0.2}
	w := make([]float64, p.N)
	for i := range w {
		w[i] = 1 + float64(i%3)
	}
	w2 := append([]float64(nil), w...)
	w2[p.N-1] += 1e-9 // one weight changed in its ninth digit
	for _, tc := range []struct {
		name  string
		shift float64   // captured scalar
		w     []float64 // captured vector
	}{
		{"shift=0", 0, nil},
		{"shift=0.5", 0.5, nil},
		{"shift=-0", math.Copysign(0, -1), nil}, // another constant (its sign bit) with the same answer
		{"weights", 0, w},
		{"weights-changed", 0, w2},
		{"weights+shift", 0.5, w},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := mlx.NewEvaluator(b, shiftedNormal(3, tc.shift, tc.w), ds)
			if err != nil {
				t.Fatal(err)
			}
			ll, err := ev.LogLike(u)
			if err != nil {
				t.Fatal(err)
			}
			if want := shiftedNormalLogLike(p, tc.shift, tc.w, u); !closeTo(ll, want) {
				t.Errorf("log-likelihood %.17g, host %.17g", ll, want)
			}
		})
	}
	// The weights differ in the ninth digit, which closeTo cannot see: compare exactly.
	ev1, _ := mlx.NewEvaluator(b, shiftedNormal(3, 0, w), ds)
	ev2, _ := mlx.NewEvaluator(b, shiftedNormal(3, 0, w2), ds)
	ll1, err1 := ev1.LogLike(u)
	ll2, err2 := ev2.LogLike(u)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if ll1 == ll2 {
		t.Errorf("models with different weights gave the same log-likelihood %v: they shared programs", ll1)
	}
	// Ready-made models capture their options the same way: Tobit's censoring limit.
	t1, _ := mlx.NewEvaluator(b, likelihoods.Tobit(3, 3, math.Inf(1)), ds)
	t2, _ := mlx.NewEvaluator(b, likelihoods.Tobit(3, 3.5, math.Inf(1)), ds)
	l1, err1 := t1.LogLike(u)
	l2, err2 := t2.LogLike(u)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if l1 == l2 {
		t.Errorf("Tobit with lower limits 3 and 3.5 gave the same log-likelihood %v", l1)
	}
}

// TestCustomGradientModelsShareOnlyWithThemselves checks the one case a graph cannot identify:
// a custom gradient is a Go function. Such a model shares programs with itself only.
func TestCustomGradientModelsShareOnlyWithThemselves(t *testing.T) {
	b := testbackend.Get(t)
	_, ds, _ := linearProblem(t, 40, 2, 23)
	// The gradient function scales the true gradient by scale: a value of the model with
	// another scale computes the same log-likelihood and a different gradient.
	model := func(scale float64) *mlx.Model {
		m := shiftedNormal(2, 0, nil)
		ll := m.LogLikeObs
		m.LogLikeObs = func(p mlx.Params, d mlx.Data) *graph.Node {
			return graph.IdentityWithCustomGradient(ll(p, d), func(x, v *graph.Node) *graph.Node {
				return graph.MulScalar(v, scale)
			})
		}
		return m
	}
	u := []float64{0.5, -0.5, 0}
	grad := func(m *mlx.Model) ([]float64, *mlx.Evaluator) {
		ev, err := mlx.NewEvaluator(b, m, ds)
		if err != nil {
			t.Fatal(err)
		}
		g := make([]float64, len(u))
		if _, err := ev.LogLikeGrad(u, g); err != nil {
			t.Fatal(err)
		}
		return g, ev
	}
	m1 := model(1)
	g1, ev1 := grad(m1)
	if _, again := grad(m1); again.Compilations() != ev1.Compilations() {
		t.Errorf("the same model value compiled %d more graphs", again.Compilations()-ev1.Compilations())
	}
	g2, _ := grad(model(2))
	for j := range u {
		if !closeTo(g2[j], 2*g1[j]) {
			t.Errorf("gradient %d: %v with scale 2, %v with scale 1: the models shared programs", j, g2[j], g1[j])
		}
	}
}

// TestConcurrentEvaluations runs fits and evaluations from several goroutines at once, of fresh
// values of three models, with room in the cache for two program sets, so that programs are
// evicted while other goroutines run them, and of two Evaluators every goroutine shares (one
// on a streamed Dataset). Every answer must match the host's. Run it under the race detector,
// with the pure-Go backend's ops run sequentially (its parallel scheduler races on its own,
// DESIGN.md): GOMLX_BACKEND=go:dotgeneral_small,ops_sequential go test -race ./mlx/.
func TestConcurrentEvaluations(t *testing.T) {
	b := testbackend.Get(t)
	defer mlx.SetProgramCacheCapacity(mlx.SetProgramCacheCapacity(2))
	p, ds, _ := linearProblem(t, 40, 2, 24)
	u := []float64{0.5, -0.5, 0.1}
	shifts := []float64{0, 0.5, 1}
	shared, err := mlx.NewEvaluator(b, shiftedNormal(2, 0, nil), ds)
	if err != nil {
		t.Fatal(err)
	}
	// The same rows as a streamed Dataset of two chunks, whose chunks go to the backend and
	// back on every evaluation.
	var parts []*mlx.Dataset
	for _, r := range [][2]int{{0, 25}, {25, 40}} {
		part, err := mlx.NewDataset(mlx.Vector("y", p.Y[r[0]:r[1]]), mlx.Matrix("x", p.X.Slice(r[0], r[1], 0, 2)))
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, part)
	}
	chunked, err := mlx.Chunks(parts...)
	if err != nil {
		t.Fatal(err)
	}
	streamed, err := mlx.NewEvaluator(b, shiftedNormal(2, 0, nil), chunked)
	if err != nil {
		t.Fatal(err)
	}
	const goroutines, rounds = 6, 12
	var wg sync.WaitGroup
	for gr := range goroutines {
		wg.Go(func() {
			for r := range rounds {
				shift := shifts[(gr+r)%len(shifts)]
				ev, err := mlx.NewEvaluator(b, shiftedNormal(2, shift, nil), ds)
				if err != nil {
					t.Error(err)
					return
				}
				ll, err := ev.LogLike(u)
				if err != nil {
					t.Error(err)
					return
				}
				if want := shiftedNormalLogLike(p, shift, nil, u); !closeTo(ll, want) {
					t.Errorf("goroutine %d round %d, shift %v: log-likelihood %v, host %v", gr, r, shift, ll, want)
				}
				// Evaluators shared by all goroutines, on one Dataset and on a streamed one.
				for _, ev := range []*mlx.Evaluator{shared, streamed} {
					if ll, err = ev.LogLike(u); err != nil || !closeTo(ll, shiftedNormalLogLike(p, 0, nil, u)) {
						t.Errorf("shared evaluator on %d chunks: log-likelihood %v, error %v", ev.Data().NumChunks(), ll, err)
					}
				}
				if r%4 == 0 {
					res, err := mlx.Fit(b, shiftedNormal(2, shift, nil), ds, &mlx.Settings{Start: p.Start}, &optim.Newton{})
					if err != nil {
						t.Error(err)
					} else if !res.Status.Converged() {
						t.Errorf("goroutine %d round %d, shift %v: fit %v", gr, r, shift, res.Status)
					}
				}
			}
		})
	}
	wg.Wait()
}
