package likelihoods_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomle/gomle/internal/reftest"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// durationData simulates n right-censored durations from the Weibull proportional-hazards
// model with x = (1, N(0,1)), coefficients beta and shape p: with S(t) = exp(−exp(xβ)·t^p),
// T = (E·exp(−xβ))^(1/p) for E ~ Exp(1). Censoring times are uniform on (0, 4), which censors
// about a third of the durations here.
func durationData(t *testing.T, seed uint64, n int, beta []float64, p float64) (times, fail []float64, x *mat.Dense, ds *mlx.Dataset) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 5))
	x = mat.NewDense(n, 2, nil)
	times, fail = make([]float64, n), make([]float64, n)
	for i := range n {
		x.SetRow(i, []float64{1, rng.NormFloat64()})
		eta := floats.Dot(x.RawRowView(i), beta)
		ti := math.Pow(rng.ExpFloat64()*math.Exp(-eta), 1/p)
		c := 4 * rng.Float64()
		times[i] = math.Min(ti, c)
		if ti <= c {
			fail[i] = 1
		}
	}
	ds, err := mlx.NewDataset(mlx.Vector("t", times), mlx.Vector("d", fail), mlx.Matrix("x", x))
	if err != nil {
		t.Fatal(err)
	}
	return times, fail, x, ds
}

// weibullLogLike is the Weibull log-likelihood in plain Go, the hazard and survival functions
// written out: ℓ = Σ dᵢ·log h(tᵢ) + log S(tᵢ).
func weibullLogLike(times, fail []float64, x *mat.Dense, beta []float64, p float64) float64 {
	ll := 0.0
	for i, ti := range times {
		scale := math.Exp(floats.Dot(x.RawRowView(i), beta))
		hazard := p * math.Pow(ti, p-1) * scale
		ll += fail[i]*math.Log(hazard) - scale*math.Pow(ti, p)
	}
	return ll
}

func TestWeibull(t *testing.T) {
	truth := []float64{-0.5, 0.7, 1.4} // β, then p
	times, fail, x, ds := durationData(t, 6, 2000, truth[:2], truth[2])
	m := likelihoods.Weibull(2)
	ev := evaluator(t, m, ds)
	rng := rand.New(rand.NewPCG(7, 7))
	for range 3 {
		u := near(rng, []float64{truth[0], truth[1], math.Log(truth[2])}, 0.3)
		checkLogLike(t, ev, u, weibullLogLike(times, fail, x, u[:2], math.Exp(u[2])))
		reftest.CheckDerivatives(t, ev, u)
	}
	// At p = 1 (log p = 0) the Weibull is the exponential model.
	u := near(rng, truth[:2], 0.3)
	exp, err := evaluator(t, likelihoods.Exponential(2), ds).LogLike(u)
	if err != nil {
		t.Fatal(err)
	}
	checkLogLike(t, ev, append(u, 0), exp)

	res, est := fitNewton(t, m, ds, nil)
	checkRecovers(t, est, truth)
	reftest.CheckDerivatives(t, res.Evaluator(), res.Unconstrained)
}

func TestExponential(t *testing.T) {
	truth := []float64{-0.5, 0.7}
	times, fail, x, ds := durationData(t, 8, 2000, truth, 1)
	m := likelihoods.Exponential(2)
	ev := evaluator(t, m, ds)
	rng := rand.New(rand.NewPCG(9, 9))
	for range 3 {
		u := near(rng, truth, 0.3)
		checkLogLike(t, ev, u, weibullLogLike(times, fail, x, u, 1))
		reftest.CheckDerivatives(t, ev, u)
	}
	res, est := fitNewton(t, m, ds, nil)
	checkRecovers(t, est, truth)
	reftest.CheckDerivatives(t, res.Evaluator(), res.Unconstrained)

	// Intercept only, the closed form: with D failures over total time T the rate is
	// λ̂ = D/T, so β̂ = log(D/T), SE = 1/√D (−∂²ℓ/∂β² = λ̂T = D) and ℓ̂ = D·log(D/T) − D.
	ones := mat.NewDense(len(times), 1, nil)
	ones.Apply(func(int, int, float64) float64 { return 1 }, ones)
	ds1, err := mlx.NewDataset(mlx.Vector("t", times), mlx.Vector("d", fail), mlx.Matrix("x", ones))
	if err != nil {
		t.Fatal(err)
	}
	d, total := floats.Sum(fail), floats.Sum(times)
	res1, est1 := fitNewton(t, likelihoods.Exponential(1), ds1, nil)
	// The fit stops at the default gradient test, 1e-7 on ℓ/n; the curvature of ℓ/n is
	// D/n ≈ 0.6, so β̂ lies within about 2e-7 of the maximum. Newton's last step, exact to
	// second order, leaves it much closer: 1e-9.
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"log hazard", res1.Estimates[0], math.Log(d / total)},
		{"SE", est1.SE[0], 1 / math.Sqrt(d)},
		{"log-likelihood", res1.LogLike, d*math.Log(d/total) - d},
	} {
		if math.Abs(c.got-c.want) > 1e-9*math.Max(1, math.Abs(c.want)) {
			t.Errorf("%s = %.12g, closed form %.12g", c.name, c.got, c.want)
		}
	}
}

func TestDurationPanics(t *testing.T) {
	for name, f := range map[string]func(int) *mlx.Model{"weibull": likelihoods.Weibull, "exponential": likelihoods.Exponential} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "likelihoods: "+name) {
					t.Errorf("panic %v, want one starting \"likelihoods: %s\"", r, name)
				}
			}()
			f(0)
		})
	}
}
