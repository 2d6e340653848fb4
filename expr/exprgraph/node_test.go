package exprgraph_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomle/gomle/expr"
	"github.com/gomle/gomle/expr/exprgraph"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// graphResult is what runGraph computes: the values of an expression, and the gradient and
// Hessian of their sum with respect to the scalar parameters, in sorted name order.
type graphResult struct {
	values []float64
	grad   []float64
	hess   *mat.SymDense
}

// runGraph builds e with Node on the test backend, with the columns in data as [n] vectors
// and params as scalars, and returns its values with the derivatives of their sum.
func runGraph(t *testing.T, e *expr.Expr, data map[string][]float64, params map[string]float64) graphResult {
	t.Helper()
	names := e.Vars()
	var pnames []string
	inputs := make([]any, len(names))
	for i, name := range names {
		if v, ok := params[name]; ok {
			pnames = append(pnames, name)
			inputs[i] = v
		} else {
			inputs[i] = data[name]
		}
	}
	p := len(pnames)
	exec, err := graph.NewExec(testbackend.Get(t), func(in []*graph.Node) []*graph.Node {
		lookup := func(name string) (*graph.Node, error) {
			i, ok := slices.BinarySearch(names, name)
			if !ok {
				return nil, fmt.Errorf("no input %q", name)
			}
			return in[i], nil
		}
		v := exprgraph.Node(e, lookup)
		outs := []*graph.Node{v}
		if p == 0 {
			return outs
		}
		pnodes := make([]*graph.Node, p)
		for j, name := range pnames {
			pnodes[j], _ = lookup(name)
		}
		grads := graph.Gradient(graph.ReduceAllSum(v), pnodes...)
		outs = append(outs, grads...)
		for _, gj := range grads {
			outs = append(outs, graph.Gradient(gj, pnodes...)...)
		}
		return outs
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(inputs...)
	if err != nil {
		t.Fatal(err)
	}
	r := graphResult{values: tensors.MustCopyFlatData[float64](out[0])}
	if p == 0 {
		return r
	}
	r.grad = make([]float64, p)
	r.hess = mat.NewSymDense(p, nil)
	for j := range p {
		r.grad[j] = tensors.MustCopyFlatData[float64](out[1+j])[0]
		for k := range p {
			h := tensors.MustCopyFlatData[float64](out[1+p+j*p+k])[0]
			if k >= j {
				r.hess.SetSym(j, k, h)
			} else if d := math.Abs(h - r.hess.At(j, k)); d > 1e-12*math.Max(1, math.Abs(h)) {
				// Both orders of differentiation are computed; they must agree.
				t.Errorf("Hessian not symmetric: [%d,%d] = %g, [%d,%d] = %g", j, k, h, k, j, r.hess.At(j, k))
			}
		}
	}
	return r
}

// close reports whether a and b agree within tol, relative to max(1, |b|).
func close(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// TestNodeAgainstEval checks Node against Eval on random data, and the gradient and Hessian of
// the graph with respect to the parameters against finite differences of Eval.
func TestNodeAgainstEval(t *testing.T) {
	cases := []struct {
		name   string
		in     string             // the expression; x is the data column
		lo, hi float64            // x is drawn uniformly from [lo, hi]
		params map[string]float64 // scalar parameters, all of order 1 for the finite differences
	}{
		{"misra1a", "b1*(1 - exp(-b2*x))", 0, 5, map[string]float64{"b1": 2, "b2": 0.5}},
		{"polynomial", "b1*x^2 + b2*x - 3/b1", -2, 2, map[string]float64{"b1": 1.5, "b2": -0.7}},
		{"atan and sqrt", "atan(b1*x) + sqrt(b2 + x^2)", -3, 3, map[string]float64{"b1": 1.3, "b2": 0.8}},
		{"atan beyond 1", "atan(b1*x^3)", -4, 4, map[string]float64{"b1": 2}},
		{"log sin cos", "log(b1 + x)*sin(b2*x)/cos(x/b1)", 0.1, 2, map[string]float64{"b1": 3, "b2": 0.9}},
		{"variable exponent", "x^b1", 0.5, 3, map[string]float64{"b1": 1.7}},
		{"negative base, integer exponents", "(-x)^3*b1 + b2^-2 + x^0*b1", 0.2, 2, map[string]float64{"b1": 0.6, "b2": 1.1}},
		{"constant base", "2^(b1*x)", -1, 1, map[string]float64{"b1": 0.4}},
		{"gaussian bump", "-b1^2*x + exp(-(x - b2)^2/2)", -2, 2, map[string]float64{"b1": 0.5, "b2": 0.3}},
		{"logistic", "b1/(1 + exp(-(x - b2)/b1))", -3, 3, map[string]float64{"b1": 1.2, "b2": 0.1}},
		{"half power", "(b1 + b2*x + 3*x^2)^0.5", 0, 2, map[string]float64{"b1": 1, "b2": 0.5}},
		{"folded constants", "b1*exp(-1.5)*x + sqrt(4)*b2 - atan(2)^2", -1, 1, map[string]float64{"b1": 0.3, "b2": 0.2}},
		{"high integer power", "(b1*x)^9 - x^-3", 0.5, 1.5, map[string]float64{"b1": 1.1}},
		{"data only", "log(x + 0.1)", 0, 10, nil},
		// The steps depend on the data only, so finite differences never cross one.
		{"comparisons", "b1*x*(x > 0.3) + b2*((x < -1) | (x >= 1.5)) + (x <= 0)*b1^2 - (x != 1)*b2 + (x == 0.5) - (x > 0 & x < 1)",
			-2, 2, map[string]float64{"b1": 0.7, "b2": -1.2}},
		{"comparison data only", "x > 1", 0, 2, nil},
	}
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 20
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := expr.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			x := make([]float64, n)
			for i := range x {
				x[i] = tc.lo + (tc.hi-tc.lo)*rng.Float64()
			}
			data := map[string][]float64{"x": x}
			var pnames []string
			for name := range tc.params {
				pnames = append(pnames, name)
			}
			slices.Sort(pnames)
			// evalSum is Σᵢ f(xᵢ; p) on the host, for finite differences.
			evalSum := func(p []float64) float64 {
				vars := map[string][]float64{"x": x}
				for j, name := range pnames {
					vars[name] = []float64{p[j]}
				}
				v, err := e.Eval(vars, n)
				if err != nil {
					t.Fatal(err)
				}
				s := 0.0
				for _, vi := range v {
					s += vi
				}
				return s
			}
			p0 := make([]float64, len(pnames))
			vars := map[string][]float64{"x": x}
			for j, name := range pnames {
				p0[j] = tc.params[name]
				vars[name] = []float64{p0[j]}
			}
			want, err := e.Eval(vars, n)
			if err != nil {
				t.Fatal(err)
			}
			got := runGraph(t, e, data, tc.params)
			for i := range want {
				// 1e-12: the backends' exp, log, sin and cos may differ from package math by a
				// few ulps, and atan goes through Newton steps.
				if !close(got.values[i], want[i], 1e-12) {
					t.Errorf("row %d (x = %g): Node gives %.17g, Eval %.17g", i, x[i], got.values[i], want[i])
				}
			}
			if len(pnames) == 0 {
				return
			}
			central := &fd.Settings{Formula: fd.Central}
			grad := fd.Gradient(nil, evalSum, p0, central)
			for j, name := range pnames {
				// 1e-7: central differences with step 6e-6 are accurate to about 1e-10
				// relative here; the margin covers sums of 20 rows.
				if !close(got.grad[j], grad[j], 1e-7) {
					t.Errorf("d/d%s: graph %.12g, finite differences %.12g", name, got.grad[j], grad[j])
				}
			}
			var hess mat.SymDense
			fd.Hessian(&hess, evalSum, p0, central)
			for j := range pnames {
				for k := range pnames {
					// 1e-4: second differences with step √6e-6 ≈ 2.4e-3 have an O(h²) error.
					if !close(got.hess.At(j, k), hess.At(j, k), 1e-4) {
						t.Errorf("d²/d%s d%s: graph %.10g, finite differences %.10g",
							pnames[j], pnames[k], got.hess.At(j, k), hess.At(j, k))
					}
				}
			}
		})
	}
}

// TestAtan checks the graph's atan, which GoMLX lacks, against math.Atan and its exact first
// and second derivatives, 1/(1+x²) and -2x/(1+x²)², over a wide range of inputs.
func TestAtan(t *testing.T) {
	xs := []float64{0, 1e-300, -1e-8, 0.1, 0.5, -0.99, 1, -1, 1 + 1e-15, 1.5, -2, 10, 1e8, -1e150, 1e300,
		math.Inf(1), math.Inf(-1), math.NaN()}
	e, err := expr.Parse("atan(x)")
	if err != nil {
		t.Fatal(err)
	}
	// x enters as one scalar input per value, so the derivatives are per value.
	for _, x := range xs {
		got := runGraph(t, e, nil, map[string]float64{"x": x})
		want := math.Atan(x)
		if math.IsNaN(x) {
			if !math.IsNaN(got.values[0]) {
				t.Errorf("atan(NaN) = %g, want NaN", got.values[0])
			}
			continue
		}
		// 4e-16: within two ulps of math.Atan.
		if math.Abs(got.values[0]-want) > 4e-16*math.Max(math.Abs(want), 1e-300) {
			t.Errorf("atan(%g) = %.17g, want %.17g", x, got.values[0], want)
		}
		d1 := 1 / (1 + x*x)
		d2 := -2 * x / ((1 + x*x) * (1 + x*x))
		if math.IsInf(x, 0) {
			d1, d2 = 0, 0
		}
		if !close(got.grad[0], d1, 1e-15) || !close(got.hess.At(0, 0), d2, 1e-15) {
			t.Errorf("atan'(%g) = %g, atan''(%g) = %g; want %g and %g", x, got.grad[0], x, got.hess.At(0, 0), d1, d2)
		}
	}
}

// TestNodeLogicalNaN checks that a comparison or logical operator is NaN where an operand is,
// as in Eval, and that it passes no NaN into the gradient.
func TestNodeLogicalNaN(t *testing.T) {
	nan := math.NaN()
	for _, src := range []string{"b1*(x > 0)", "b1*(x == x)", "b1*(x | 1)", "b1*(0 & x)", "b1*(sqrt(x - 1) < 2)"} {
		e, err := expr.Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		x := []float64{nan, 3, 0}
		want, err := e.Eval(map[string][]float64{"x": x, "b1": {2}}, 3)
		if err != nil {
			t.Fatal(err)
		}
		got := runGraph(t, e, map[string][]float64{"x": x}, map[string]float64{"b1": 2})
		if !slices.EqualFunc(got.values, want, func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }) {
			t.Errorf("%s: Node gives %v, Eval %v", src, got.values, want)
		}
	}
	e, _ := expr.Parse("b1*x + (b1 > 1)")
	if got := runGraph(t, e, map[string][]float64{"x": {1, 2}}, map[string]float64{"b1": 2}); got.grad[0] != 3 || got.hess.At(0, 0) != 0 {
		t.Errorf("d/db1 of b1*x + (b1 > 1) summed over x = 1, 2: %g and second derivative %g, want 3 and 0", got.grad[0], got.hess.At(0, 0))
	}
}

// TestNodeDType checks that number literals take the dtype of the variables.
func TestNodeDType(t *testing.T) {
	e, err := expr.Parse("2.5*x^2 + 1 - exp(-x)")
	if err != nil {
		t.Fatal(err)
	}
	exec, err := graph.NewExec(testbackend.Get(t), func(x *graph.Node) *graph.Node {
		return exprgraph.Node(e, func(string) (*graph.Node, error) { return x, nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec([]float32{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if dt := out[0].DType(); dt != dtypes.Float32 {
		t.Fatalf("dtype %s, want Float32", dt)
	}
	got := tensors.MustCopyFlatData[float32](out[0])
	want := []float32{2.5 + 1 - float32(math.Exp(-1)), 10 + 1 - float32(math.Exp(-2))}
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-5 {
			t.Errorf("row %d: %g, want %g", i, got[i], want[i])
		}
	}
}

// TestNodePanics checks the panics of Node: they carry an error that names the problem.
func TestNodePanics(t *testing.T) {
	cases := []struct {
		name   string
		in     string // the expression
		lookup func(string) (*graph.Node, error)
		want   string // a part of the panic message
	}{
		{"no variables", "2*3", nil, "exprgraph: 2*3 has no variables"},
		{"lookup error", "b1*x", func(name string) (*graph.Node, error) {
			return nil, fmt.Errorf("no parameter named %s", name)
		}, `exprgraph: variable "b1" of b1*x: no parameter named b1`},
		{"nil node", "x", func(string) (*graph.Node, error) { return nil, nil }, "lookup returned a nil node"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := expr.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			msg := func() (msg string) {
				defer func() {
					if r := recover(); r != nil {
						msg = fmt.Sprint(r)
					}
				}()
				exprgraph.Node(e, tc.lookup)
				return ""
			}()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("panic %q, want it to contain %q", msg, tc.want)
			}
		})
	}
}
