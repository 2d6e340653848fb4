package mlx_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"gonum.org/v1/gonum/mat"
)

// misraMean is NIST Misra1a's mean, b1(1 − exp(−b2·x)), as a graph.
func misraMean(p mlx.Params, d mlx.Data) *graph.Node {
	x := d.Get("x")
	return graph.Mul(p.Scalar("b1"), graph.OneMinus(graph.Exp(graph.Neg(graph.Mul(p.Scalar("b2"), x)))))
}

// TestJacobian checks mlx.Jacobian against closed forms: Misra1a's mean, whose derivatives are
//
//	∂f/∂b1 = 1 − exp(−b2·x),  ∂f/∂b2 = b1·x·exp(−b2·x),
//
// with scalar blocks, a linear index X·β with a vector block (J = X), and a constant (J = 1),
// on one chunk and on three; the function's values too. The exact derivatives agree with the
// closed forms to rounding: 1e-12 relative.
func TestJacobian(t *testing.T) {
	b := testbackend.Get(t)
	xs := []float64{77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8}
	y := []float64{10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02}
	n := len(xs)
	one, err := mlx.NewDataset(mlx.Vector("x", xs), mlx.Vector("y", y))
	if err != nil {
		t.Fatal(err)
	}
	var parts []*mlx.Dataset
	for _, r := range [][2]int{{0, 3}, {3, 6}, {6, 7}} {
		ds, err := mlx.NewDataset(mlx.Vector("x", xs[r[0]:r[1]]), mlx.Vector("y", y[r[0]:r[1]]))
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, ds)
	}
	chunked, err := mlx.Chunks(parts...)
	if err != nil {
		t.Fatal(err)
	}
	design := mat.NewDense(n, 2, nil)
	for i, x := range xs {
		design.Set(i, 0, 1)
		design.Set(i, 1, x)
	}
	withX, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Matrix("X", design))
	if err != nil {
		t.Fatal(err)
	}

	b1, b2 := 238.94, 5.5e-4
	misra := make([]float64, n)
	misraJ := mat.NewDense(n, 2, nil)
	for i, x := range xs {
		misra[i] = b1 * (1 - math.Exp(-b2*x))
		misraJ.Set(i, 0, 1-math.Exp(-b2*x))
		misraJ.Set(i, 1, b1*x*math.Exp(-b2*x))
	}
	beta := []float64{0.5, 0.12}
	index := make([]float64, n)
	for i, x := range xs {
		index[i] = beta[0] + beta[1]*x
	}
	ones := mat.NewDense(n, 1, nil)
	constant := make([]float64, n)
	for i := range n {
		ones.Set(i, 0, 1)
		constant[i] = 3
	}

	for _, tc := range []struct {
		name   string
		fn     mlx.Function
		data   *mlx.Dataset
		theta  []float64
		values []float64  // fᵢ(θ), closed form
		jac    *mat.Dense // J, closed form
	}{
		{"misra", mlx.Function{Name: "misra", Blocks: []mlx.Block{{Name: "b1", Size: 1}, {Name: "b2", Size: 1}}, Func: misraMean},
			one, []float64{b1, b2}, misra, misraJ},
		{"misra/chunks", mlx.Function{Name: "misra", Blocks: []mlx.Block{{Name: "b1", Size: 1}, {Name: "b2", Size: 1}}, Func: misraMean},
			chunked, []float64{b1, b2}, misra, misraJ},
		{"index", mlx.Function{Name: "index", Blocks: []mlx.Block{{Name: "beta", Size: 2}},
			Func: func(p mlx.Params, d mlx.Data) *graph.Node { return graph.Dot(d.Get("X"), p.Get("beta")) }},
			withX, beta, index, design},
		{"constant", mlx.Function{Name: "constant", Blocks: []mlx.Block{{Name: "c", Size: 1}},
			Func: func(p mlx.Params, d mlx.Data) *graph.Node { return p.Scalar("c") }},
			one, []float64{3}, constant, ones},
	} {
		t.Run(tc.name, func(t *testing.T) {
			jac, err := mlx.NewJacobian(b, tc.fn)
			if err != nil {
				t.Fatal(err)
			}
			defer jac.Finalize()
			for range 2 { // the second evaluation reuses the compiled graphs
				values, got, err := jac.At(tc.data, tc.theta)
				if err != nil {
					t.Fatal(err)
				}
				for i := range n {
					if !near(values[i], tc.values[i], 1e-12) {
						t.Errorf("f[%d] = %.15g, want %.15g", i, values[i], tc.values[i])
					}
					for j := range len(tc.theta) {
						if g, w := got.At(i, j), tc.jac.At(i, j); !near(g, w, 1e-12) {
							t.Errorf("J[%d, %d] = %.15g, want %.15g", i, j, g, w)
						}
					}
				}
			}
			// One graph per chunk shape: 1, or 2 for chunks of 3, 3 and 1 rows.
			want := 1
			if tc.data.NumChunks() > 1 {
				want = 2
			}
			if c := jac.Compilations(); c != want {
				t.Errorf("%d compilations, want %d", c, want)
			}
		})
	}

	t.Run("errors", func(t *testing.T) {
		scalar := []mlx.Block{{Name: "b1", Size: 1}, {Name: "b2", Size: 1}}
		if _, err := mlx.NewJacobian(b, mlx.Function{Name: "sigma", Blocks: []mlx.Block{{Name: "s", Size: 1, Transform: mlx.Positive}},
			Func: misraMean}); err == nil || !strings.Contains(err.Error(), "Identity") {
			t.Errorf("Positive block: error %v", err)
		}
		if _, err := mlx.NewJacobian(b, mlx.Function{Name: "none", Blocks: scalar}); err == nil || !strings.Contains(err.Error(), "no Func") {
			t.Errorf("no Func: error %v", err)
		}
		jac, err := mlx.NewJacobian(b, mlx.Function{Name: "misra", Blocks: scalar, Func: misraMean})
		if err != nil {
			t.Fatal(err)
		}
		defer jac.Finalize()
		if _, _, err := jac.At(one, []float64{1}); err == nil || !strings.Contains(err.Error(), "has 1 values, want 2") {
			t.Errorf("short theta: error %v", err)
		}
		bad, err := mlx.NewJacobian(b, mlx.Function{Name: "matrix", Blocks: scalar,
			Func: func(p mlx.Params, d mlx.Data) *graph.Node { return graph.Mul(d.Get("X"), p.Scalar("b1")) }})
		if err != nil {
			t.Fatal(err)
		}
		defer bad.Finalize()
		if _, _, err := bad.At(withX, []float64{1, 2}); err == nil || !strings.Contains(err.Error(), "want one value per observation") {
			t.Errorf("matrix-valued function: error %v", err)
		}
		if _, _, err := jac.At(withX, []float64{1, 2}); err == nil || !strings.Contains(err.Error(), `no column "x"`) {
			t.Errorf("missing column: error %v", err)
		}
	})
}

// near reports whether got is within rel of want, relative to |want| (absolute below 1).
func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Max(1, math.Abs(want))
}
