package mlx_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// TestPredictJacobian checks the per-observation Jacobian of predictions against central
// finite differences of Predict, for a one-outcome prediction (logit's Pr(y=1)) and one with
// three outcomes and two blocks (ordered logit's probabilities: β and the cutpoints).
func TestPredictJacobian(t *testing.T) {
	b := testbackend.Get(t)
	r := rand.New(rand.NewPCG(4, 4))
	n := 25
	x := mat.NewDense(n, 2, nil)
	y, onehot := make([]float64, n), mat.NewDense(n, 3, nil)
	for i := range n {
		x.SetRow(i, []float64{r.NormFloat64(), r.NormFloat64()})
		y[i] = float64(r.IntN(2))
		onehot.Set(i, r.IntN(3), 1)
	}
	for _, tc := range []struct {
		name  string
		model *mlx.Model
		y     mlx.Column
		theta []float64
	}{
		{"logit", likelihoods.Logit(2), mlx.Vector("y", y), []float64{0.4, -0.7}},
		{"ordered logit", likelihoods.OrderedLogit(2, []string{"1", "2", "3"}), mlx.Matrix("y", onehot), []float64{0.4, -0.7, -0.5, 0.8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := mlx.NewDataset(tc.y, mlx.Matrix("x", x))
			if err != nil {
				t.Fatal(err)
			}
			pr, err := mlx.NewPredictor(b, tc.model)
			if err != nil {
				t.Fatal(err)
			}
			defer pr.Finalize()
			values, jac, err := pr.PredictJacobian(ds, tc.theta, 0)
			if err != nil {
				t.Fatal(err)
			}
			direct, err := pr.Predict(ds, tc.theta, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !mat.EqualApprox(values, direct, 1e-15) {
				t.Error("PredictJacobian's values differ from Predict's")
			}
			_, outcomes := values.Dims()
			if len(jac) != outcomes {
				t.Fatalf("%d Jacobians for %d outcomes", len(jac), outcomes)
			}
			p := len(tc.theta)
			for i := range n {
				for o := range outcomes {
					want := make([]float64, p)
					fd.Gradient(want, func(th []float64) float64 {
						v, err := pr.Predict(ds, th, 0)
						if err != nil {
							t.Fatal(err)
						}
						return v.At(i, o)
					}, tc.theta, &fd.Settings{Formula: fd.Central, Step: 1e-6})
					for k := range p {
						if got := jac[o].At(i, k); math.Abs(got-want[k]) > 1e-8 {
							t.Fatalf("∂P[%d,%d]/∂θ%d = %v, finite differences %v", i, o, k, got, want[k])
						}
					}
				}
			}
		})
	}
}
