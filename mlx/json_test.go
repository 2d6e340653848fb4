package mlx_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
)

// TestResultJSON marshals a fit: the model's graph functions and the evaluator are left out,
// the Hessian is a matrix of numbers, the status a name, and a NaN becomes null.
func TestResultJSON(t *testing.T) {
	p, ds, _ := linearProblem(t, 50, 3, 1)
	res, err := mlx.Fit(testbackend.Get(t), likelihoods.NormalLinear(p.K), ds, &mlx.Settings{Start: p.Start}, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	res.Gradient[0] = math.NaN() // a number that does not exist must not break the JSON
	js, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Model struct {
			Name   string
			Blocks []struct{ Name string }
		}
		Status    string
		Converged bool
		Estimates []float64
		Gradient  []*float64
		Hessian   [][]float64
		NumObs    int
	}
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatal(err)
	}
	if got.Model.Name != res.Model.Name || len(got.Model.Blocks) != 2 || got.Status != res.Status.String() || !got.Converged || got.NumObs != 50 {
		t.Errorf("JSON: %s", js)
	}
	if got.Gradient[0] != nil || len(got.Hessian) != 4 || got.Hessian[1][2] != res.Hessian.At(1, 2) || got.Estimates[2] != res.Estimates[2] {
		t.Errorf("numbers: gradient %v, Hessian %v", got.Gradient, got.Hessian)
	}
}
