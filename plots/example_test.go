package plots_test

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"time"

	"github.com/gomle/gomle/backend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/plots"
	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/vg"
)

// ExampleConvergence draws three synthetic convergence histories, shaped like Newton's
// (quadratic), L-BFGS's (fast linear) and SGD's (slow linear) convergence. Their lengths and
// times differ by more than AutoLogRatio, so both horizontal axes are logarithmic.
func ExampleConvergence() {
	const start = 5e6 // the log-likelihood gap at the start, as from the blog's start values
	history := func(n int, seconds float64, gap func(k int) float64) []optim.Iteration {
		h := make([]optim.Iteration, n+1)
		for k := range h {
			g := gap(k)
			h[k] = optim.Iteration{
				Iter:        k,
				LogLike:     -71062.8 - g,
				GradNorm:    30 * math.Sqrt(g), // near a maximum the gradient shrinks like √gap
				Evaluations: k + 1,
				Elapsed:     time.Duration(float64(k+1) * seconds * float64(time.Second)),
			}
		}
		return h
	}
	runs := []plots.Run{
		{Name: "Newton", History: history(5, 0.05, func(k int) float64 {
			// The gap squares each step, down to the rounding of ℓ.
			return max(start*math.Pow(1e-3, math.Pow(2, float64(k))-1), 1e-11)
		})},
		{Name: "L-BFGS", History: history(30, 0.004, func(k int) float64 { return start * math.Pow(0.4, float64(k)) })},
		{Name: "SGD", History: history(300, 0.01, func(k int) float64 { return start * math.Pow(0.95, float64(k)) })},
	}
	fig, err := plots.Convergence(runs, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := fig.Save("testdata/convergence"); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d×%d panels, %.0f cm × %.0f cm\n", len(fig.Panels), len(fig.Panels[0]), fig.Width/vg.Centimeter, fig.Height/vg.Centimeter)
	// Output:
	// 2×2 panels, 16 cm × 12 cm
}

// ExampleConvergence_fit fits a normal linear model by Newton, L-BFGS and SGD on a small
// simulated dataset and draws their real convergence histories. Wall times differ from run to
// run, so this image has no golden copy.
func ExampleConvergence_fit() {
	// n = 500 rows of an intercept and four standard normal regressors, y = Xβ + ε with
	// ε ~ N(0, 1), and a start far from the fit: β = 0 and σ = 1.
	const n, k = 500, 5
	r := rand.New(rand.NewPCG(1, 1))
	x, y := mat.NewDense(n, k, nil), make([]float64, n)
	beta := []float64{3, -0.5, -0.4, -2, -2.1}
	for i := range n {
		x.Set(i, 0, 1)
		y[i] = beta[0] + r.NormFloat64()
		for j := 1; j < k; j++ {
			x.Set(i, j, r.NormFloat64())
			y[i] += beta[j] * x.At(i, j)
		}
	}
	b, _, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	data, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Matrix("x", x))
	if err != nil {
		log.Fatal(err)
	}
	model := likelihoods.NormalLinear(k)
	settings := &mlx.Settings{Start: append(make([]float64, k), 1), Settings: optim.Settings{SkipHessian: true}}
	var results []*mlx.Result
	// SGD's learning rate times n is 0.5, as the blog's 1e-5 is for its n = 50000.
	for _, method := range []optim.Method{&optim.Newton{}, &optim.LBFGS{}, &optim.SGD{LearnRate: 1e-3}} {
		res, err := mlx.Fit(b, model, data, settings, method)
		if err != nil {
			log.Fatal(err)
		}
		results = append(results, res)
	}
	runs, err := plots.RunsFrom(results...)
	if err != nil {
		log.Fatal(err)
	}
	fig, err := plots.Convergence(runs, &plots.ConvergenceOptions{Title: "Normal linear model, n = 500, k = 5"})
	if err != nil {
		log.Fatal(err)
	}
	if err := fig.Save("testdata/convergence_fit"); err != nil {
		log.Fatal(err)
	}
	if err := plots.Display(fig); err != nil { // shows the figure in a GoNB notebook only
		log.Fatal(err)
	}
	for _, r := range runs {
		fmt.Println(r.Name)
	}
	// Output:
	// Newton
	// L-BFGS
	// SGD
}

// ExampleIntervals compares three methods' 95% confidence intervals for the first four
// coefficients and σ with the true values. The estimates are made up for the example, in
// the shape stderr.Hessian returns them.
func ExampleIntervals() {
	labels := []string{"b0", "b1", "b2", "b3", "b4", "sigma"}
	truth := []float64{3.45, -0.55, -0.40, -2.00, -2.10, 1}
	estimates := func(shift, se float64) *stderr.Estimates {
		e := &stderr.Estimates{Labels: labels, Level: stderr.Level95}
		for j, t := range truth {
			// 1.96 is the 97.5% normal quantile; alternate the sign of the offsets.
			est := t + shift*se*float64(1-2*(j%2))
			e.Params = append(e.Params, est)
			e.SE = append(e.SE, se)
			e.Lower = append(e.Lower, est-1.96*se)
			e.Upper = append(e.Upper, est+1.96*se)
		}
		return e
	}
	sets := []plots.NamedEstimates{
		{Name: "OLS", Estimates: estimates(0.8, 0.0045)},
		{Name: "L-BFGS, OIM", Estimates: estimates(0.8, 0.0045)},
		{Name: "SGD, OIM", Estimates: estimates(2.5, 0.0045)},
	}
	fig, err := plots.Intervals(sets, truth, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := fig.Save("testdata/intervals"); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d×%d panels: %s\n", len(fig.Panels), len(fig.Panels[0]), fig.Title)
	// Output:
	// 2×3 panels: Estimates with 95% confidence intervals
}

// ExampleTimings draws the blog's published times (its labels) beside the peers measured on
// this project's 2-core CPU machine (DESIGN.md, medians of 3 runs); the times span more than
// three decades, so the axis is logarithmic.
func ExampleTimings() {
	blog := "blog (AMD GPU)"
	here := "peers (2-core CPU)"
	bars := []plots.Bar{
		{Label: "Scipy (No GPU/Autograd)", Seconds: 5.470564, Group: blog},
		{Label: "Pytorch", Seconds: 13.901280, Group: blog},
		{Label: "Pytorch + Pytorch Minimize", Seconds: 0.123910, Group: blog},
		{Label: "NumPy closed-form OLS", Seconds: 0.011, Group: here},
		{Label: "SciPy L-BFGS-B, analytic gradient", Seconds: 0.093, Group: here},
		{Label: "torchmin L-BFGS", Seconds: 0.117, Group: here},
		{Label: "PyTorch SGD", Seconds: 23, Group: here},
		{Label: "SciPy BFGS, finite differences", Seconds: 24, Group: here},
		{Label: "statsmodels GenericLikelihoodModel", Seconds: 17.5, Group: here},
	}
	fig, err := plots.Timings(bars, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := fig.Save("testdata/timings"); err != nil {
		log.Fatal(err)
	}
	fmt.Println(fig.Title)
	// Output:
	// Wall time
}
