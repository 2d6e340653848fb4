package stderr_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/gomle/gomle/backend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/gonum/mat"
)

// ExampleHessian computes standard errors from the exact Hessian and, for comparison, the
// robust sandwich; the data are homoskedastic, so the two agree closely.
func ExampleHessian() {
	r := rand.New(rand.NewPCG(3, 4))
	n := 2000
	x := mat.NewDense(n, 2, nil)
	y := make([]float64, n)
	for i := range n {
		x.Set(i, 0, 1)
		x.Set(i, 1, r.NormFloat64())
		y[i] = 1 + 2*x.At(i, 1) + r.NormFloat64()
	}
	b, _, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	data, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Matrix("x", x))
	if err != nil {
		log.Fatal(err)
	}
	res, err := mlx.Fit(b, likelihoods.NormalLinear(2), data, nil, &optim.Newton{})
	if err != nil {
		log.Fatal(err)
	}
	oim, err := stderr.Hessian(res)
	if err != nil {
		log.Fatal(err)
	}
	robust, err := stderr.Sandwich(res)
	if err != nil {
		log.Fatal(err)
	}
	for i, label := range oim.Labels {
		fmt.Printf("%-5s %7.4f  se %.4f  robust se %.4f  95%% CI [%.3f, %.3f]\n",
			label, oim.Params[i], oim.SE[i], robust.SE[i], oim.Lower[i], oim.Upper[i])
	}
	// Output:
	// b0     0.9951  se 0.0223  robust se 0.0223  95% CI [0.951, 1.039]
	// b1     1.9960  se 0.0226  robust se 0.0226  95% CI [1.952, 2.040]
	// sigma  0.9979  se 0.0158  robust se 0.0157  95% CI [0.967, 1.029]
}
