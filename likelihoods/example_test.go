package likelihoods_test

import (
	"fmt"
	"log"
	"math"

	"github.com/gomle/gomle/backend"
	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"gonum.org/v1/gonum/mat"
)

// withIntercept returns the n×(1+len(cols)) design matrix of a column of ones and cols.
func withIntercept(cols ...[]float64) *mat.Dense {
	n := len(cols[0])
	x := mat.NewDense(n, 1+len(cols), nil)
	for i := range n {
		x.Set(i, 0, 1)
		for j, c := range cols {
			x.Set(i, j+1, c[i])
		}
	}
	return x
}

// ExampleNormalLinear fits a straight line by maximum likelihood. The estimates are least
// squares, β̂ = (XᵀX)⁻¹Xᵀy = (1.05, 0.9917), and σ̂ = √(SSR/n) = 0.1753, not OLS's
// √(SSR/(n−k)) (as R's lm gives them: coef and sqrt(sum(resid^2)/8)).
func ExampleNormalLinear() {
	x := withIntercept([]float64{1, 2, 3, 4, 5, 6, 7, 8})
	y := []float64{2.1, 2.9, 4.2, 4.8, 6.1, 7.2, 7.7, 9.1}
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
	for i, label := range res.Labels() {
		fmt.Printf("%-5s %.4g\n", label, res.Estimates[i])
	}
	// Output:
	// b0    1.05
	// b1    0.9917
	// sigma 0.1753
}

// ExampleLogit fits Spector and Mazzeo's data (did a new teaching method, PSI, raise grades?)
// by logit and by probit, naming the coefficients. To the digits shown the estimates are
// Stata's, logit GRADE GPA TUCE PSI and probit GRADE GPA TUCE PSI (the reference files
// spector_logit.json and spector_probit.json in internal/reftest/testdata).
func ExampleLogit() {
	f, err := frame.ReadFile("../data/spector.csv", frame.Options{})
	if err != nil {
		log.Fatal(err)
	}
	cols := map[string][]float64{}
	for _, name := range []string{"GRADE", "GPA", "TUCE", "PSI"} {
		if cols[name], err = f.Column(name); err != nil {
			log.Fatal(err)
		}
	}
	data, err := mlx.NewDataset(mlx.Vector("y", cols["GRADE"]), mlx.Matrix("x", withIntercept(cols["GPA"], cols["TUCE"], cols["PSI"])))
	if err != nil {
		log.Fatal(err)
	}
	b, _, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	labels := []string{"const", "GPA", "TUCE", "PSI"}
	var fits []*mlx.Result
	for _, m := range []*mlx.Model{likelihoods.Logit(4), likelihoods.Probit(4)} {
		m.Blocks[0].Labels = labels
		res, err := mlx.Fit(b, m, data, nil, &optim.Newton{})
		if err != nil {
			log.Fatal(err)
		}
		fits = append(fits, res)
	}
	fmt.Printf("%-5s %8s %8s\n", "", "logit", "probit")
	for i, label := range labels {
		fmt.Printf("%-5s %8.4g %8.4g\n", label, fits[0].Estimates[i], fits[1].Estimates[i])
	}
	// Output:
	//          logit   probit
	// const   -13.02   -7.452
	// GPA      2.826    1.626
	// TUCE   0.09516  0.05173
	// PSI      2.379    1.426
}

// ExamplePoisson fits counts in two groups by Poisson and by negative binomial (NB2)
// regression. With a constant and a group dummy both fit each group's mean exactly, so
// β̂ = (log ȳ₀, log(ȳ₁/ȳ₀)) = (log 2.333, log(5.429/2.333)) in both; NB2 adds the
// overdispersion α̂ = 0.7761 (R's MASS::glm.nb gives the same β̂ and 1/θ̂ = 0.7761).
func ExamplePoisson() {
	group := []float64{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1}
	y := []float64{0, 1, 4, 2, 0, 7, 3, 9, 1, 12, 5, 0, 8}
	b, _, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	data, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Matrix("x", withIntercept(group)))
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range []*mlx.Model{likelihoods.Poisson(2, false), likelihoods.NegBin2(2, false)} {
		res, err := mlx.Fit(b, m, data, nil, &optim.Newton{})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s:", m.Name)
		for i, label := range res.Labels() {
			fmt.Printf(" %s %.4g", label, res.Estimates[i])
		}
		fmt.Println()
	}
	// Output:
	// poisson: b0 0.8473 b1 0.8444
	// negative binomial (NB2): b0 0.8473 b1 0.8444 alpha 0.7761
}

// ExampleTobit fits a regression whose response is censored at zero: the three zeros stand
// for latent values at or below zero. R's survival::survreg(Surv(y, y > 0, type = "left") ~ x,
// dist = "gaussian") gives the same β̂ and σ̂.
func ExampleTobit() {
	x := []float64{-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5}
	y := []float64{0, 0, 0.3, 0, 0.9, 0.6, 1.8, 1.4, 2.9, 2.6}
	b, _, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	data, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Matrix("x", withIntercept(x)))
	if err != nil {
		log.Fatal(err)
	}
	res, err := mlx.Fit(b, likelihoods.Tobit(2, 0, math.Inf(1)), data, nil, &optim.Newton{})
	if err != nil {
		log.Fatal(err)
	}
	for i, label := range res.Labels() {
		fmt.Printf("%-5s %.4g\n", label, res.Estimates[i])
	}
	// Output:
	// b0    0.6374
	// b1    0.8419
	// sigma 0.4307
}

// ExampleMNLogit fits an outcome with three unordered values on a constant and a group dummy,
// with A as the base outcome. The model is saturated, so the estimates are log odds of the
// cell counts (A, B, C: 3, 2, 4 in group 0 and 2, 4, 5 in group 1): B's constant is
// log(2/3) = −0.4055 and its dummy log(4/2) − log(2/3) = 1.099; C's are log(4/3) = 0.2877
// and log(5/2) − log(4/3) = 0.6286.
func ExampleMNLogit() {
	group := []float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
	outcome := []float64{0, 0, 0, 1, 1, 2, 2, 2, 2, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2} // 0 = A, 1 = B, 2 = C
	_, y, err := likelihoods.OneHot(outcome)
	if err != nil {
		log.Fatal(err)
	}
	b, _, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	data, err := mlx.NewDataset(mlx.Matrix("y", y), mlx.Matrix("x", withIntercept(group)))
	if err != nil {
		log.Fatal(err)
	}
	res, err := mlx.Fit(b, likelihoods.MNLogit(2, []string{"A", "B", "C"}, 0), data, nil, &optim.Newton{})
	if err != nil {
		log.Fatal(err)
	}
	for i, label := range res.Labels() {
		fmt.Printf("%s %.4g\n", label, res.Estimates[i])
	}
	// Output:
	// B:b0 -0.4055
	// B:b1 1.099
	// C:b0 0.2877
	// C:b1 0.6286
}

// ExampleCLogit fits six travellers' choices among car, bus and train by conditional logit on
// each alternative's cost and time, from long-format rows (one per traveller and alternative)
// that ChoiceColumns arranges for the model. R's survival::clogit(choice ~ cost + time +
// strata(traveller)) gives the same estimates.
func ExampleCLogit() {
	traveller := []float64{1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6}
	choice := []float64{1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 0}
	cost := []float64{4, 2, 3, 5, 1, 3, 3, 2, 4, 6, 2, 2, 4, 3, 1, 5, 2, 4}
	time := []float64{1, 3, 2, 1, 4, 2, 2, 3, 1, 1, 5, 3, 2, 2, 3, 1, 3, 2}
	x := mat.NewDense(len(cost), 2, nil)
	x.SetCol(0, cost)
	x.SetCol(1, time)
	cols, err := likelihoods.ChoiceColumns(traveller, choice, x)
	if err != nil {
		log.Fatal(err)
	}
	b, _, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	data, err := mlx.NewDataset(cols...)
	if err != nil {
		log.Fatal(err)
	}
	m := likelihoods.CLogit(2)
	m.Blocks[0].Labels = []string{"cost", "time"}
	res, err := mlx.Fit(b, m, data, nil, &optim.Newton{})
	if err != nil {
		log.Fatal(err)
	}
	for i, label := range res.Labels() {
		fmt.Printf("%s %.4g\n", label, res.Estimates[i])
	}
	// Output:
	// cost -0.9247
	// time -1.287
}

// ExampleWeibull fits right-censored durations in two groups by the exponential and the
// Weibull proportional-hazards models. The exponential hazard of a group is its failures over
// its total time, so β̂ = (log(5/42), log(5/84) − log(5/42)) = (−2.128, −0.6931). R's
// survival::survreg(Surv(t, d) ~ group, dist = "weibull") gives the Weibull fit in its
// accelerated-failure-time metric, scale σ̂ and coefficients γ̂, which are p̂ = 1/σ̂ and
// β̂ = −γ̂/σ̂ here.
func ExampleWeibull() {
	t := []float64{2, 5, 7, 3, 9, 12, 4, 6, 10, 15, 8, 20, 11, 14}
	failed := []float64{1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1} // 0: censored at t
	group := []float64{0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1}
	b, _, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	data, err := mlx.NewDataset(mlx.Vector("t", t), mlx.Vector("d", failed), mlx.Matrix("x", withIntercept(group)))
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range []*mlx.Model{likelihoods.Exponential(2), likelihoods.Weibull(2)} {
		res, err := mlx.Fit(b, m, data, nil, &optim.Newton{})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s:", m.Name)
		for i, label := range res.Labels() {
			fmt.Printf(" %s %.4g", label, res.Estimates[i])
		}
		fmt.Println()
	}
	// Output:
	// exponential: b0 -2.128 b1 -0.6931
	// weibull: b0 -3.924 b1 -1.185 p 1.879
}

// ExampleOrderedLogit fits an outcome with three ordered values on one regressor by ordered
// logit and ordered probit, from β = 0 and increasing cutpoints (at equal cutpoints the middle
// outcome has probability zero). R's MASS::polr(factor(y) ~ x), with method "logistic" and
// "probit", gives the same slopes and cutpoints (its zeta).
func ExampleOrderedLogit() {
	x := []float64{-1.5, -1.2, -0.9, -0.7, -0.4, -0.2, 0, 0.1, 0.3, 0.5, 0.8, 1, 1.2, 1.5, 1.8}
	outcome := []float64{1, 1, 2, 1, 1, 2, 3, 2, 2, 3, 2, 3, 3, 3, 3}
	_, y, err := likelihoods.OneHot(outcome)
	if err != nil {
		log.Fatal(err)
	}
	b, _, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	data, err := mlx.NewDataset(mlx.Matrix("y", y), mlx.Matrix("x", mat.NewDense(len(x), 1, x)))
	if err != nil {
		log.Fatal(err)
	}
	outcomes := []string{"1", "2", "3"}
	start := &mlx.Settings{Start: []float64{0, -1, 1}} // β, then the cutpoints
	for _, m := range []*mlx.Model{likelihoods.OrderedLogit(1, outcomes), likelihoods.OrderedProbit(1, outcomes)} {
		res, err := mlx.Fit(b, m, data, start, &optim.Newton{})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s:", m.Name)
		for i, label := range res.Labels() {
			fmt.Printf(" %s %.4g", label, res.Estimates[i])
		}
		fmt.Println()
	}
	// Output:
	// ordered logit: b0 3.251 cut1 -1.949 cut2 1.55
	// ordered probit: b0 1.942 cut1 -1.17 cut2 0.897
}

// ExampleNLS fits NIST's Misra1a problem, y = b1·(1 − exp(−b2·x)), from NIST's first start by
// the trust-region method. NIST certifies b1 = 238.94212918, b2 = 5.5015643181e-4 and a
// residual sum of squares of 0.12455138894, so σ̂ = √(RSS/14) = 0.0943214.
func ExampleNLS() {
	x := []float64{77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8, 378.4, 434.8, 477.3, 536.8, 593.1, 689.1, 760.0}
	y := []float64{10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02, 44.82, 50.76, 55.05, 61.01, 66.40, 75.47, 81.78}
	m := likelihoods.NLS([]string{"b1", "b2"}, func(p mlx.Params, d mlx.Data) *graph.Node {
		// b1·(1 − exp(−b2·x))
		return graph.Mul(p.Scalar("b1"), graph.OneMinus(graph.Exp(graph.Neg(graph.Mul(p.Scalar("b2"), d.Get("x"))))))
	})
	b, _, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	data, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Vector("x", x))
	if err != nil {
		log.Fatal(err)
	}
	start := []float64{500, 1e-4, 1} // b1, b2 and σ
	res, err := mlx.Fit(b, m, data, &mlx.Settings{Start: start}, &optim.TrustRegion{})
	if err != nil {
		log.Fatal(err)
	}
	for i, label := range res.Labels() {
		fmt.Printf("%-5s %.6g\n", label, res.Estimates[i])
	}
	// Output:
	// b1    238.942
	// b2    0.000550156
	// sigma 0.0943214
}
