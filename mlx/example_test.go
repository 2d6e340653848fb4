package mlx_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/gomle/gomle/backend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// ExampleModel fits a model the library does not ship: the exponential distribution,
// ℓᵢ = log λ − λyᵢ, whose MLE has the closed form λ̂ = 1/ȳ to compare with.
func ExampleModel() {
	r := rand.New(rand.NewPCG(1, 1))
	y := make([]float64, 1000)
	for i := range y {
		y[i] = r.ExpFloat64() / 2.5 // rate 2.5
	}
	m := &mlx.Model{
		Name:   "exponential",
		Blocks: []mlx.Block{{Name: "rate", Size: 1, Transform: mlx.Positive}},
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			rate := p.Scalar("rate")
			return graph.Sub(graph.Log(rate), graph.Mul(rate, d.Get("y")))
		},
	}
	b, _, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	data, err := mlx.NewDataset(mlx.Vector("y", y))
	if err != nil {
		log.Fatal(err)
	}
	res, err := mlx.Fit(b, m, data, nil, &optim.Newton{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("λ̂ = %.4g (%v), closed form 1/ȳ = %.4g\n", res.Estimates[0], res.Status, 1/stat.Mean(y, nil))
	// Output:
	// λ̂ = 2.471 (converged (gradient)), closed form 1/ȳ = 2.471
}

// ExampleFit fits the normal linear model by L-BFGS and reads the estimates by block.
func ExampleFit() {
	r := rand.New(rand.NewPCG(1, 2))
	n := 500
	x := mat.NewDense(n, 2, nil)
	y := make([]float64, n)
	for i := range n {
		x.Set(i, 0, 1)
		x.Set(i, 1, r.NormFloat64())
		y[i] = 1 + 2*x.At(i, 1) + 0.5*r.NormFloat64()
	}
	b, _, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	data, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Matrix("x", x))
	if err != nil {
		log.Fatal(err)
	}
	res, err := mlx.Fit(b, likelihoods.NormalLinear(2), data, nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	beta, _ := res.Block("beta")
	sigma, _ := res.Block("sigma")
	fmt.Printf("beta = [%.3f %.3f], sigma = %.3f, %v\n", beta[0], beta[1], sigma[0], res.Status.Converged())
	// Output:
	// beta = [1.002 2.000], sigma = 0.491, true
}
