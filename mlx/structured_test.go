package mlx_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gomle/gomle/internal/evaltest"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"gonum.org/v1/gonum/mat"
)

// TestStructuredHessian checks the Hessian and scores assembled from index derivatives
// against the generic ones on a custom model with two indices (one with an offset, each with
// its own design), a positive scalar block that interacts with both, and data split into
// chunks of different sizes, at random points.
func TestStructuredHessian(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 257
	x1, x2 := mat.NewDense(n, 3, nil), mat.NewDense(n, 2, nil)
	y, off := make([]float64, n), make([]float64, n)
	for i := range n {
		x1.Set(i, 0, 1)
		x1.Set(i, 1, r.NormFloat64())
		x1.Set(i, 2, r.NormFloat64())
		x2.Set(i, 0, r.NormFloat64())
		x2.Set(i, 1, r.Float64())
		y[i] = float64(r.IntN(2))
		off[i] = 0.3 * r.NormFloat64()
	}
	m := &mlx.Model{
		Name:    "two indices",
		Blocks:  []mlx.Block{{Name: "a", Size: 3}, {Name: "g", Size: 1, Transform: mlx.Positive}, {Name: "b", Size: 2}},
		Indices: []mlx.Index{{Block: "a", Design: "x1"}, {Block: "b", Design: "x2", Offset: "off"}},
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			e1, e2, g := p.Index("a"), p.Index("b"), p.Scalar("g")
			// y·η₁ − softplus(η₁ + g·sin η₂) − g·η₂²/2 + η₁η₂/10: every pair of blocks interacts.
			return graph.Sub(graph.Sub(graph.Mul(d.Get("y"), e1), graph.Softplus(graph.Add(e1, graph.Mul(g, graph.Sin(e2))))),
				graph.Sub(graph.Mul(g, graph.MulScalar(graph.Square(e2), 0.5)), graph.MulScalar(graph.Mul(e1, e2), 0.1)))
		},
	}
	cols := func(lo, hi int) []mlx.Column {
		return []mlx.Column{mlx.Vector("y", y[lo:hi]), mlx.Vector("off", off[lo:hi]),
			mlx.Matrix("x1", x1.Slice(lo, hi, 0, 3)), mlx.Matrix("x2", x2.Slice(lo, hi, 0, 2))}
	}
	whole, err := mlx.NewDataset(cols(0, n)...)
	if err != nil {
		t.Fatal(err)
	}
	part1, _ := mlx.NewDataset(cols(0, 100)...)
	part2, _ := mlx.NewDataset(cols(100, n)...)
	chunked, err := mlx.Chunks(part1, part2)
	if err != nil {
		t.Fatal(err)
	}
	for _, ds := range []*mlx.Dataset{whole, chunked} {
		ev, err := mlx.NewEvaluator(testbackend.Get(t), m, ds)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			u := make([]float64, m.NumParams())
			for i := range u {
				u[i] = 0.5 * r.NormFloat64()
			}
			h, err := ev.Hessian(u)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := ev.ReferenceHessian(u)
			if err != nil {
				t.Fatal(err)
			}
			if d := evaltest.RelDiff(h, ref); d > 1e-12 {
				t.Errorf("structured Hessian differs from the generic one by %.2g relative", d)
			}
			s, err := ev.ScoreObs(u)
			if err != nil {
				t.Fatal(err)
			}
			sref, err := ev.ReferenceScoreObs(u)
			if err != nil {
				t.Fatal(err)
			}
			if d := evaltest.RelDiff(s, sref); d > 1e-12 {
				t.Errorf("structured scores differ from the generic ones by %.2g relative", d)
			}
			evaltest.CheckFusedAndLine(t, m.Name, ev, u, ref)
		}
	}

	// A model that declares an index but reaches its block directly is refused.
	bad := *m
	bad.LogLikeObs = func(p mlx.Params, d mlx.Data) *graph.Node {
		return graph.Dot(d.Get("x1"), p.Get("a"))
	}
	if _, err := mlx.NewEvaluator(testbackend.Get(t), &bad, whole); err == nil {
		t.Error("a model that reads an indexed block directly was accepted")
	}
}

// TestScoreMeat checks the meat computed by the engine, Σ sᵢsᵢᵀ and Σ_g u_g u_gᵀ with groups
// that span the chunks of a streamed dataset, against the same sums on the host from
// ScoreObs, and the errors for bad group codes.
func TestScoreMeat(t *testing.T) {
	p, whole, _ := linearProblem(t, 300, 3, 41)
	a, _ := mlx.NewDataset(mlx.Vector("y", p.Y[:120]), mlx.Matrix("x", p.X.Slice(0, 120, 0, 3)))
	b, _ := mlx.NewDataset(mlx.Vector("y", p.Y[120:]), mlx.Matrix("x", p.X.Slice(120, 300, 0, 3)))
	chunked, err := mlx.Chunks(a, b)
	if err != nil {
		t.Fatal(err)
	}
	groups := make([]int, 300)
	for i := range groups {
		groups[i] = (i * 7) % 11 // every group has rows in both chunks
	}
	u := p.Start // a point away from the maximum (unconstrained: log σ = 1)
	for _, ds := range []*mlx.Dataset{whole, chunked} {
		ev, err := mlx.NewEvaluator(testbackend.Get(t), likelihoods.NormalLinear(3), ds)
		if err != nil {
			t.Fatal(err)
		}
		s, err := ev.ScoreObs(u)
		if err != nil {
			t.Fatal(err)
		}
		opg := mat.NewSymDense(4, nil)
		opg.SymOuterK(1, s.T())
		sums := mat.NewDense(11, 4, nil)
		for i, g := range groups {
			for j := range 4 {
				sums.Set(g, j, sums.At(g, j)+s.At(i, j))
			}
		}
		cluster := mat.NewSymDense(4, nil)
		cluster.SymOuterK(1, sums.T())
		for _, c := range []struct {
			groups []int
			want   *mat.SymDense
		}{{nil, opg}, {groups, cluster}} {
			got, err := ev.ScoreMeat(u, c.groups)
			if err != nil {
				t.Fatal(err)
			}
			if d := evaltest.RelDiff(got, c.want); d > 1e-12 {
				t.Errorf("meat with groups %v: %.2g relative from the host's", c.groups != nil, d)
			}
		}
		if _, err := ev.ScoreMeat(u, groups[:10]); err == nil {
			t.Error("10 group codes for 300 observations: no error")
		}
		bad := slices.Clone(groups)
		bad[5] = -1
		if _, err := ev.ScoreMeat(u, bad); err == nil {
			t.Error("a negative group code: no error")
		}
	}
}

// TestCalls checks that an Evaluator counts one backend call per chunk of every evaluation,
// and that a fit reports the calls it made.
func TestCalls(t *testing.T) {
	p, whole, _ := linearProblem(t, 300, 3, 43)
	a, _ := mlx.NewDataset(mlx.Vector("y", p.Y[:100]), mlx.Matrix("x", p.X.Slice(0, 100, 0, 3)))
	b, _ := mlx.NewDataset(mlx.Vector("y", p.Y[100:]), mlx.Matrix("x", p.X.Slice(100, 300, 0, 3)))
	chunked, err := mlx.Chunks(a, b)
	if err != nil {
		t.Fatal(err)
	}
	for chunks, ds := range map[int]*mlx.Dataset{1: whole, 2: chunked} {
		ev, err := mlx.NewEvaluator(testbackend.Get(t), likelihoods.NormalLinear(3), ds)
		if err != nil {
			t.Fatal(err)
		}
		grad := make([]float64, 4)
		if _, err := ev.LogLikeGrad(p.Start, grad); err != nil {
			t.Fatal(err)
		}
		if _, err := ev.Hessian(p.Start); err != nil {
			t.Fatal(err)
		}
		if got := ev.Calls(); got != 2*chunks {
			t.Errorf("%d chunks: %d calls after a gradient and a Hessian, want %d", chunks, got, 2*chunks)
		}
		res, err := mlx.FitEvaluator(ev, &mlx.Settings{Start: p.Start}, &optim.Newton{})
		if err != nil {
			t.Fatal(err)
		}
		evals := max(res.FuncEvals, res.GradEvals) + res.HessEvals + res.ScoreEvals // a value+gradient counts in both
		if res.Calls != ev.Calls()-2*chunks || res.Calls < chunks*res.HessEvals || res.Calls > chunks*(evals+1) {
			t.Errorf("%d chunks: the fit reports %d calls for %d evaluations (%+v)", chunks, res.Calls, evals, res)
		}
	}
}

// TestIndicesSeparatePrograms checks that a model with a declared index does not share compiled
// programs with one that computes the same value graph without declaring it: the two build
// different Hessian programs (structured and generic).
func TestIndicesSeparatePrograms(t *testing.T) {
	p, ds, _ := linearProblem(t, 50, 2, 44)
	ll := func(eta, y *graph.Node) *graph.Node { return graph.Neg(graph.Square(graph.Sub(y, eta))) }
	plain := &mlx.Model{Name: "plain", Blocks: []mlx.Block{{Name: "beta", Size: 2}},
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			return ll(graph.Dot(d.Get("x"), p.Get("beta")), d.Get("y"))
		}}
	indexed := &mlx.Model{Name: "indexed", Blocks: []mlx.Block{{Name: "beta", Size: 2}},
		Indices:    []mlx.Index{{Block: "beta", Design: "x"}},
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node { return ll(p.Index("beta"), d.Get("y")) }}
	u := p.Start[:2]
	evPlain, err := mlx.NewEvaluator(testbackend.Get(t), plain, ds)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := evPlain.Hessian(u); err != nil {
		t.Fatal(err)
	}
	evIndexed, err := mlx.NewEvaluator(testbackend.Get(t), indexed, ds)
	if err != nil {
		t.Fatal(err)
	}
	before := evIndexed.Compilations()
	if _, err := evIndexed.Hessian(u); err != nil {
		t.Fatal(err)
	}
	if evIndexed.Compilations() == before {
		t.Error("the indexed model's Hessian reused the plain model's compiled program")
	}
	ref, err := evPlain.ReferenceHessian(u)
	if err != nil {
		t.Fatal(err)
	}
	evaltest.CheckFusedAndLine(t, plain.Name, evPlain, u, ref)
}
