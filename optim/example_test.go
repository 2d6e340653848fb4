package optim_test

import (
	"fmt"
	"log"
	"math"

	"github.com/gomle/gomle/optim"
	"gonum.org/v1/gonum/mat"
)

// rate is the log-likelihood of n exponential durations with total T, as a function of
// u = log λ: ℓ(u) = n·u − eᵘT, maximal at λ̂ = n/T. Each observation's score is 1 − eᵘtᵢ.
type rate struct{ t []float64 }

func (r rate) NumParams() int { return 1 }
func (r rate) NumObs() int    { return len(r.t) }
func (r rate) total() float64 {
	s := 0.0
	for _, v := range r.t {
		s += v
	}
	return s
}
func (r rate) LogLike(u []float64) (float64, error) {
	return float64(len(r.t))*u[0] - math.Exp(u[0])*r.total(), nil
}
func (r rate) LogLikeGrad(u, g []float64) (float64, error) {
	g[0] = float64(len(r.t)) - math.Exp(u[0])*r.total()
	return r.LogLike(u)
}
func (r rate) Hessian(u []float64) (*mat.SymDense, error) {
	return mat.NewSymDense(1, []float64{-math.Exp(u[0]) * r.total()}), nil
}
func (r rate) ScoreObs(u []float64) (*mat.Dense, error) {
	s := mat.NewDense(len(r.t), 1, nil)
	for i, v := range r.t {
		s.Set(i, 0, 1-math.Exp(u[0])*v)
	}
	return s, nil
}

// ExampleMaximize maximizes a log-likelihood written in plain Go, the exponential rate of
// five durations, whose maximum has the closed form λ̂ = n/T.
func ExampleMaximize() {
	obj := rate{t: []float64{0.5, 1.2, 0.3, 2.0, 0.9}}
	for _, method := range []optim.Method{&optim.Newton{}, &optim.BHHH{}, &optim.TrustRegion{}} {
		res, err := optim.Maximize(obj, []float64{0}, nil, method)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-19s λ̂ = %.6f (%v)\n", method, math.Exp(res.X[0]), res.Status.Converged())
	}
	fmt.Printf("closed form         λ̂ = %.6f\n", 5/obj.total())
	// Output:
	// Newton              λ̂ = 1.020408 (true)
	// BHHH                λ̂ = 1.020408 (true)
	// trust-region Newton λ̂ = 1.020408 (true)
	// closed form         λ̂ = 1.020408
}

// newtonRaphson is a method written outside package optim, with its exported API alone: plain
// Newton–Raphson steps x ← x − H⁻¹g, with no safeguard, for a concave log-likelihood.
type newtonRaphson struct{}

func (newtonRaphson) String() string { return "Newton–Raphson" }

func (newtonRaphson) Maximize(p *optim.Problem, x []float64) (optim.Outcome, error) {
	for iter := 0; ; iter++ {
		ll, g, err := p.ValueGrad(x)
		if err != nil {
			return optim.Outcome{}, err
		}
		p.Record(ll, g)
		if math.Abs(g[0]) < p.GradientThreshold() {
			return optim.Outcome{X: x, Status: optim.GradientConverged, Iterations: iter}, nil
		}
		if status, why := p.Limit(iter, 100); status != optim.NotTerminated {
			return optim.Outcome{X: x, Status: status, Reason: why, Iterations: iter}, nil
		}
		h, err := p.Hessian(x)
		if err != nil {
			return optim.Outcome{}, err
		}
		x = []float64{x[0] - g[0]/h.At(0, 0)} // one parameter: H⁻¹g = g/H
	}
}

// ExampleMethod writes a method in another package and runs it like optim's own.
func ExampleMethod() {
	obj := rate{t: []float64{0.5, 1.2, 0.3, 2.0, 0.9}}
	res, err := optim.Maximize(obj, []float64{0}, nil, newtonRaphson{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: λ̂ = %.6f, %v after %d iterations\n", res.Method, math.Exp(res.X[0]), res.Status, res.Iterations)
	// Output:
	// Newton–Raphson: λ̂ = 1.020408, converged (gradient) after 2 iterations
}
