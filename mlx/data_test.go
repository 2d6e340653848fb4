package mlx_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/backends"
)

// TestNewColumn checks that columns filled in place (NewColumn), in Go memory and in the
// backend's, give the log-likelihood, gradient and Hessian of the same data passed as copied
// columns, in one chunk and streamed in four, evaluation after evaluation; and that NewColumn
// and NewDataset refuse what would break the column's ownership.
func TestNewColumn(t *testing.T) {
	b := testbackend.Get(t)
	p, whole, _ := linearProblem(t, 1000, 3, 18)
	m := likelihoods.NormalLinear(p.K)
	u := append(append([]float64(nil), p.Start[:p.K]...), math.Log(1.2))
	ev, err := mlx.NewEvaluator(b, m, whole)
	if err != nil {
		t.Fatal(err)
	}
	g0 := make([]float64, len(u))
	ll0, err := ev.LogLikeGrad(u, g0)
	if err != nil {
		t.Fatal(err)
	}
	h0, err := ev.Hessian(u)
	if err != nil {
		t.Fatal(err)
	}
	x := p.X.RawMatrix().Data
	for _, tc := range []struct {
		name string
		b    backends.Backend // where NewColumn allocates: nil for Go memory
		rows int              // rows per chunk: 1000 is one chunk, 300 four (the last of 100)
	}{
		{"go/one", nil, 1000},
		{"go/streamed", nil, 300},
		{"backend/one", b, 1000},
		{"backend/streamed", b, 300},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var parts []*mlx.Dataset
			for lo := 0; lo < p.N; lo += tc.rows {
				hi := min(lo+tc.rows, p.N)
				yc, err1 := mlx.NewColumn(tc.b, "y", hi-lo)
				xc, err2 := mlx.NewColumn(tc.b, "x", hi-lo, p.K)
				if err := errors.Join(err1, err2); err != nil {
					t.Fatal(err)
				}
				copy(yc.Values, p.Y[lo:hi])
				copy(xc.Values, x[lo*p.K:hi*p.K])
				part, err := mlx.NewDataset(xc, yc)
				if err != nil {
					t.Fatal(err)
				}
				parts = append(parts, part)
			}
			ds, err := mlx.Chunks(parts...)
			if err != nil {
				t.Fatal(err)
			}
			ev, err := mlx.NewEvaluator(b, m, ds)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 { // a second pass reads the data the first one left
				g := make([]float64, len(u))
				ll, err := ev.LogLikeGrad(u, g)
				if err != nil {
					t.Fatal(err)
				}
				// The same terms, summed in chunks or not: rounding only, 1e-12 relative.
				if d := maxRelDiff(append(g, ll), append(g0, ll0), 1); d > 1e-12 {
					t.Errorf("log-likelihood and gradient differ by %.3g relative", d)
				}
			}
			h, err := ev.Hessian(u)
			if err != nil {
				t.Fatal(err)
			}
			if d := maxRelDiff(h.RawSymmetric().Data, h0.RawSymmetric().Data, 1); d > 1e-12 {
				t.Errorf("Hessian differs by %.3g relative", d)
			}
		})
	}

	if _, err := mlx.NewColumn(nil, "x", 3, 0); err == nil || !strings.Contains(err.Error(), "all positive") {
		t.Errorf("a zero dimension: error %v", err)
	}
	if _, err := mlx.NewColumn(nil, "x"); err == nil {
		t.Error("no dimensions: no error")
	}
	c, err := mlx.NewColumn(b, "y", 3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mlx.NewDataset(c); err != nil {
		t.Fatal(err)
	}
	if _, err := mlx.NewDataset(c); err == nil || !strings.Contains(err.Error(), "already another Dataset's") {
		t.Errorf("a column taken twice: error %v", err)
	}
	c, _ = mlx.NewColumn(b, "y", 3)
	c.Values = []float64{1, 2, 3}
	if _, err := mlx.NewDataset(c); err == nil || !strings.Contains(err.Error(), "new Values or Dims") {
		t.Errorf("replaced Values: error %v", err)
	}
	c, _ = mlx.NewColumn(b, "y", 3)
	c.Values[1] = math.NaN()
	if _, err := mlx.NewDataset(c); err == nil || !strings.Contains(err.Error(), "NaN at observation 1") {
		t.Errorf("NaN: error %v", err)
	}
	c.Values[1] = 0 // fixed, the column can still be taken
	if _, err := mlx.NewDataset(c); err != nil {
		t.Errorf("after a refused NaN: %v", err)
	}
}
