package stderr_test

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"

	"github.com/gomle/gomle/backend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
	"github.com/gomlx/gomlx/pkg/core/graph"
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
	robust, err := stderr.New(res, stderr.Sandwich{}, nil)
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

// ships are the 34 complete rows of data/ships.csv (McCullagh and Nelder's ship damage data,
// as in Stata's and statsmodels' examples): ship, year of construction (1–4), operated in
// 1975–79 (0/1), months of service and number of accidents.
var ships = [][5]float64{
	{1, 1, 0, 127, 0}, {1, 1, 1, 63, 0}, {1, 2, 0, 1095, 3}, {1, 2, 1, 1095, 4}, {1, 3, 0, 1512, 6}, {1, 3, 1, 3353, 18},
	{1, 4, 1, 2244, 11}, {2, 1, 0, 44882, 39}, {2, 1, 1, 17176, 29}, {2, 2, 0, 28609, 58}, {2, 2, 1, 20370, 53}, {2, 3, 0, 7064, 12},
	{2, 3, 1, 13099, 44}, {2, 4, 1, 7117, 18}, {3, 1, 0, 1179, 1}, {3, 1, 1, 552, 1}, {3, 2, 0, 781, 0}, {3, 2, 1, 676, 1},
	{3, 3, 0, 783, 6}, {3, 3, 1, 1948, 2}, {3, 4, 1, 274, 1}, {4, 1, 0, 251, 0}, {4, 1, 1, 105, 0}, {4, 2, 0, 288, 0},
	{4, 2, 1, 192, 0}, {4, 3, 0, 349, 2}, {4, 3, 1, 1208, 11}, {4, 4, 1, 2051, 4}, {5, 1, 0, 45, 0}, {5, 2, 0, 789, 7},
	{5, 2, 1, 437, 7}, {5, 3, 0, 1157, 5}, {5, 3, 1, 2161, 12}, {5, 4, 1, 542, 1},
}

// fitShips fits Stata's "poisson accident yr_con op_75_79, exposure(service)" to the ships
// data and returns the fit and each row's ship, for clustering.
func fitShips() (*mlx.Result, []int) {
	n := len(ships)
	y, offset, groups := make([]float64, n), make([]float64, n), make([]int, n)
	x := mat.NewDense(n, 3, nil)
	for i, r := range ships {
		groups[i] = int(r[0])
		x.SetRow(i, []float64{r[1], r[2], 1}) // the constant last, as in Stata
		offset[i] = math.Log(r[3])
		y[i] = r[4]
	}
	b, _, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	data, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Matrix("x", x), mlx.Vector("offset", offset))
	if err != nil {
		log.Fatal(err)
	}
	m := likelihoods.Poisson(3, true)
	m.Blocks[0].Labels = []string{"yr_con", "op_75_79", "_cons"}
	res, err := mlx.Fit(b, m, data, nil, &optim.Newton{})
	if err != nil {
		log.Fatal(err)
	}
	return res, groups
}

// printSE prints each parameter with its standard error under the estimator's name.
func printSE(est *stderr.Estimates) {
	fmt.Println(est.Kind)
	for i, label := range est.Labels {
		fmt.Printf("%-8s %9.6f  se %.6f\n", label, est.Params[i], est.SE[i])
	}
}

// ExampleOIM computes the standard errors of a Poisson regression with exposure from the
// inverse observed information. They are Stata's (poisson ..., exposure(service), the ships
// reference in likelihoods/testdata): 0.05790831, 0.12151759, 0.13252425.
func ExampleOIM() {
	res, _ := fitShips()
	est, err := stderr.New(res, stderr.OIM{}, nil)
	if err != nil {
		log.Fatal(err)
	}
	printSE(est)
	// Output:
	// OIM
	// yr_con    0.306338  se 0.057908
	// op_75_79  0.355922  se 0.121518
	// _cons    -6.974713  se 0.132524
}

// ExampleOPG computes the BHHH standard errors (Σ sᵢsᵢᵀ)⁻¹ of the same regression. For a
// Poisson model the scores are sᵢ = (yᵢ − μᵢ)xᵢ; that closed form, evaluated independently at
// Stata's estimates, gives 0.04746831, 0.11567325, 0.08184815.
func ExampleOPG() {
	res, _ := fitShips()
	est, err := stderr.New(res, stderr.OPG{}, nil)
	if err != nil {
		log.Fatal(err)
	}
	printSE(est)
	// Output:
	// OPG
	// yr_con    0.306338  se 0.047468
	// op_75_79  0.355922  se 0.115673
	// _cons    -6.974713  se 0.081848
}

// ExampleRobust computes Stata's vce(robust) standard errors of the same regression: Stata
// reports 0.09144458, 0.16103531, 0.25586754.
func ExampleRobust() {
	res, _ := fitShips()
	est, err := stderr.New(res, stderr.Robust{}, nil)
	if err != nil {
		log.Fatal(err)
	}
	printSE(est)
	// Output:
	// Robust
	// yr_con    0.306338  se 0.091445
	// op_75_79  0.355922  se 0.161035
	// _cons    -6.974713  se 0.255868
}

// ExampleCluster computes Stata's vce(cluster ship) standard errors of the same regression,
// the scores summed within each of the 5 ships: Stata reports 0.03817694, 0.09213164,
// 0.09686566.
func ExampleCluster() {
	res, ship := fitShips()
	cl := stderr.Cluster{Groups: ship}
	est, err := stderr.New(res, cl, nil)
	if err != nil {
		log.Fatal(err)
	}
	printSE(est)
	fmt.Println("clusters:", cl.NumClusters())
	// Output:
	// Cluster
	// yr_con    0.306338  se 0.038177
	// op_75_79  0.355922  se 0.092132
	// _cons    -6.974713  se 0.096866
	// clusters: 5
}

// ExampleSettings asks for 90% confidence intervals: θ̂ ± 1.6449·SE, the standard normal's 0.95
// quantile, where 95% intervals use 1.9600. For yr_con: 0.306338 ± 1.6449·0.057908.
func ExampleSettings() {
	res, _ := fitShips()
	est, err := stderr.New(res, stderr.OIM{}, &stderr.Settings{Level: 0.90})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.0f%% CI of %s: [%.4f, %.4f]\n", 100*est.Level, est.Labels[0], est.Lower[0], est.Upper[0])
	// Output:
	// 90% CI of yr_con: [0.2111, 0.4016]
}

// misra1a are NIST StRD's Misra1a data (x, y): y = b1(1 − exp(−b2·x)) + ε.
var misra1a = [][2]float64{
	{77.6, 10.07}, {114.9, 14.73}, {141.1, 17.94}, {190.8, 23.93}, {239.9, 29.61}, {289.0, 35.18}, {332.8, 40.02},
	{378.4, 44.82}, {434.8, 50.76}, {477.3, 55.05}, {536.8, 61.01}, {593.1, 66.40}, {689.1, 75.47}, {760.0, 81.78},
}

// ExampleGaussNewton fits NIST's Misra1a by nonlinear least squares (likelihoods.NLS) and
// computes the Gauss–Newton standard errors s²(JᵀJ)⁻¹, J the Jacobian of the mean from
// mlx.Jacobian. NIST certifies them, 2.7070075241 for b1 and 7.2668688436e-06 for b2, with
// the estimates 238.94212918 and 5.5015643181e-04 and the RSS 0.12455138894 on 14 − 2 degrees
// of freedom. The observed-information (OIM) ones differ by the curvature term and by σ̂² = RSS/n
// against s² = RSS/(n−p): times √(14/12) they are docs/NIST.md's 2.7108647 and 7.2772487e-06.
func ExampleGaussNewton() {
	n := len(misra1a)
	x, y := make([]float64, n), make([]float64, n)
	for i, r := range misra1a {
		x[i], y[i] = r[0], r[1]
	}
	mean := func(p mlx.Params, d mlx.Data) *graph.Node { // b1(1 − exp(−b2·x))
		return graph.Mul(p.Scalar("b1"), graph.OneMinus(graph.Exp(graph.Neg(graph.Mul(p.Scalar("b2"), d.Get("x"))))))
	}
	b, _, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	data, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Vector("x", x))
	if err != nil {
		log.Fatal(err)
	}
	// NIST's second start for b1 and b2; σ starts at 1.
	res, err := mlx.Fit(b, likelihoods.NLS([]string{"b1", "b2"}, mean), data, &mlx.Settings{Start: []float64{250, 5e-4, 1}}, &optim.TrustRegion{})
	if err != nil {
		log.Fatal(err)
	}
	jac, err := mlx.NewJacobian(b, mlx.Function{Name: "Misra1a mean", Blocks: []mlx.Block{{Name: "b1", Size: 1}, {Name: "b2", Size: 1}}, Func: mean})
	if err != nil {
		log.Fatal(err)
	}
	defer jac.Finalize()
	fitted, j, err := jac.At(data, res.Estimates[:2])
	if err != nil {
		log.Fatal(err)
	}
	rss := 0.0
	for i := range n {
		rss += (y[i] - fitted[i]) * (y[i] - fitted[i])
	}
	gn, err := stderr.New(res, stderr.GaussNewton{J: j, RSS: rss}, nil)
	if err != nil {
		log.Fatal(err)
	}
	oim, err := stderr.Hessian(res)
	if err != nil {
		log.Fatal(err)
	}
	for i := range 2 {
		fmt.Printf("%s = %.6e  %s se %.6e  OIM se %.6e\n", gn.Labels[i], gn.Params[i], gn.Kind, gn.SE[i], oim.SE[i])
	}
	fmt.Printf("RSS %.6e on %d degrees of freedom\n", rss, gn.Kind.(stderr.GaussNewton).DF())
	// Output:
	// b1 = 2.389421e+02  Gauss-Newton se 2.707008e+00  OIM se 2.509773e+00
	// b2 = 5.501564e-04  Gauss-Newton se 7.266869e-06  OIM se 6.737423e-06
	// RSS 1.245514e-01 on 12 degrees of freedom
}
