package likelihoods_test

import (
	"math"
	"testing"

	"github.com/gomle/gomle/internal/simdata"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// TestNormalLinearLogLike checks the graph against gonum's normal log-density, term by term.
func TestNormalLinearLogLike(t *testing.T) {
	p := simdata.NormalLinear(50, 3, 21)
	ds, err := mlx.NewDataset(mlx.Vector("y", p.Y), mlx.Matrix("x", p.X))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := mlx.NewEvaluator(testbackend.Get(t), likelihoods.NormalLinear(3), ds)
	if err != nil {
		t.Fatal(err)
	}
	beta, sigma := []float64{0.5, -1, 2}, 1.7
	got, err := ev.LogLike(append(append([]float64(nil), beta...), math.Log(sigma)))
	if err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for i := range p.N {
		mu := mat.Dot(p.X.RowView(i), mat.NewVecDense(3, beta))
		want += distuv.Normal{Mu: mu, Sigma: sigma}.LogProb(p.Y[i])
	}
	// A sum of 50 terms of size ~1: rounding stays far below 1e-12 relative.
	if math.Abs(got-want) > 1e-12*math.Abs(want) {
		t.Errorf("log-likelihood %.15g, gonum's normal density gives %.15g", got, want)
	}
	if labels := likelihoods.NormalLinear(3).Labels(); labels[0] != "b0" || labels[3] != "sigma" {
		t.Errorf("labels %v, want b0, b1, b2, sigma", labels)
	}
}

func TestNormalLinearPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("NormalLinear(0) did not panic")
		}
	}()
	likelihoods.NormalLinear(0)
}
