package backend_test

import (
	"fmt"
	"log"

	"github.com/gomle/gomle/backend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"gonum.org/v1/gonum/mat"
)

// ExampleNew creates the default backend and fits the mean and standard deviation of four
// numbers on it. The configuration it picked (config) depends on the machine, so it is not
// printed; the estimates are the same on every backend to the digits shown.
func ExampleNew() {
	b, config, err := backend.New()
	if err != nil {
		log.Fatalf("backend %q: %v", config, err)
	}
	// A column of ones, so that the normal linear model's one coefficient is the mean.
	data, err := mlx.NewDataset(mlx.Vector("y", []float64{1, 2, 3, 6}), mlx.Matrix("x", mat.NewDense(4, 1, []float64{1, 1, 1, 1})))
	if err != nil {
		log.Fatal(err)
	}
	res, err := mlx.Fit(b, likelihoods.NormalLinear(1), data, nil, &optim.Newton{})
	if err != nil {
		log.Fatal(err)
	}
	// The maximum likelihood σ divides by n: √((4+1+0+9)/4) = √3.5.
	mean, _ := res.Block("beta")
	sigma, _ := res.Block("sigma")
	fmt.Printf("mean %.4g, sigma %.4g\n", mean[0], sigma[0])
	// Output:
	// mean 3, sigma 1.871
}
