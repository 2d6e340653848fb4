package likelihoods_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomle/gomle/internal/reftest"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// tobitTruth is the model the Tobit tests simulate: β for (1, N(0,1), U(−1,1)) regressors and σ.
var tobitTruth = []float64{0.8, 1, -0.7, 1.2}

// tobitData simulates n observations of y* = xβ + σε censored to [lower, upper].
func tobitData(t *testing.T, seed uint64, n int, lower, upper float64) ([]float64, *mat.Dense, *mlx.Dataset) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	x := mat.NewDense(n, 3, nil)
	y := make([]float64, n)
	for i := range n {
		x.SetRow(i, []float64{1, rng.NormFloat64(), 2*rng.Float64() - 1})
		v := mat.Dot(x.RowView(i), mat.NewVecDense(3, tobitTruth[:3])) + tobitTruth[3]*rng.NormFloat64()
		y[i] = math.Min(math.Max(v, lower), upper)
	}
	ds, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Matrix("x", x))
	if err != nil {
		t.Fatal(err)
	}
	return y, x, ds
}

// tobitLogLike is the Tobit log-likelihood in plain Go, with Φ from math.Erfc and the normal
// density from gonum.
func tobitLogLike(y []float64, x *mat.Dense, beta []float64, sigma, lower, upper float64) float64 {
	ll := 0.0
	for i, v := range y {
		mu := mat.Dot(x.RowView(i), mat.NewVecDense(len(beta), beta))
		switch {
		case v <= lower:
			ll += logPhi((lower - mu) / sigma)
		case v >= upper:
			ll += logPhi((mu - upper) / sigma)
		default:
			ll += distuv.Normal{Mu: mu, Sigma: sigma}.LogProb(v)
		}
	}
	return ll
}

func TestTobit(t *testing.T) {
	inf := math.Inf(1)
	for _, tc := range []struct {
		name         string
		lower, upper float64 // censoring limits: about 30% of y* lie below 0, 15% above 2.5
	}{
		{"both", 0, 2.5},
		{"left", 0, inf},
		{"right", -inf, 2.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y, x, ds := tobitData(t, 1, 2000, tc.lower, tc.upper)
			m := likelihoods.Tobit(3, tc.lower, tc.upper)
			ev := evaluator(t, m, ds)
			rng := rand.New(rand.NewPCG(2, 2))
			for range 3 {
				// Random points near the truth (σ within a factor e^±0.3), where the censored
				// observations' arguments of log Φ stay above −6, LogNormalCDF's switch point.
				u := near(rng, append(tobitTruth[:3:3], math.Log(tobitTruth[3])), 0.3)
				checkLogLike(t, ev, u, tobitLogLike(y, x, u[:3], math.Exp(u[3]), tc.lower, tc.upper))
				reftest.CheckDerivatives(t, ev, u)
			}
			res, est := fitNewton(t, m, ds, nil)
			checkRecovers(t, est, tobitTruth)
			reftest.CheckDerivatives(t, res.Evaluator(), res.Unconstrained)
		})
	}
}

// TestTobitUncensored checks that without censored observations the Tobit MLE is OLS: β from
// the normal equations and σ̂² = SSR/n, both with limits beyond the data and with none.
func TestTobitUncensored(t *testing.T) {
	y, x, ds := tobitData(t, 3, 500, math.Inf(-1), math.Inf(1))
	var qr mat.QR
	qr.Factorize(x)
	var beta mat.VecDense
	if err := qr.SolveVecTo(&beta, false, mat.NewVecDense(len(y), y)); err != nil {
		t.Fatal(err)
	}
	var resid mat.VecDense
	resid.MulVec(x, &beta)
	resid.SubVec(mat.NewVecDense(len(y), y), &resid)
	want := append(mat.Col(nil, 0, &beta), math.Sqrt(mat.Dot(&resid, &resid)/float64(len(y))))
	wantU := append(mat.Col(nil, 0, &beta), math.Log(want[3]))
	for _, lim := range [][2]float64{{math.Inf(-1), math.Inf(1)}, {-100, 100}} {
		m := likelihoods.Tobit(3, lim[0], lim[1])
		// At OLS the exact gradient vanishes, to rounding: entries of Σᵢ xᵢrᵢ/σ² and
		// Σᵢ (rᵢ²/σ² − 1) over 500 terms of order 1.
		grad := make([]float64, 4)
		if _, err := evaluator(t, m, ds).LogLikeGrad(wantU, grad); err != nil {
			t.Fatal(err)
		}
		for i, g := range grad {
			if math.Abs(g) > 1e-10 {
				t.Errorf("limits %v: gradient[%d] at OLS = %v", lim, i, g)
			}
		}
		// The fit stops at the default gradient test, 1e-7 on ℓ/n, whose bound on the distance
		// to the maximum is about 1e-7 divided by the smallest curvature of ℓ/n (≈ 0.3 here).
		// Newton lands about 2e-9 away; tightening the test only makes its line search fail.
		res, _ := fitNewton(t, m, ds, nil)
		for i, w := range want {
			if math.Abs(res.Estimates[i]-w) > 1e-7*math.Max(1, math.Abs(w)) {
				t.Errorf("limits %v: %s = %.12g, OLS %.12g", lim, res.Labels()[i], res.Estimates[i], w)
			}
		}
	}
}

func TestTobitPanics(t *testing.T) {
	inf := math.Inf(1)
	for _, tc := range []struct {
		name         string
		k            int
		lower, upper float64
	}{
		{"k=0", 0, 0, 1},
		{"lower=upper", 2, 1, 1},
		{"lower>upper", 2, 2, 1},
		{"NaN", 2, math.NaN(), 1},
		{"lower=+Inf", 2, inf, inf},
		{"upper=-Inf", 2, -inf, -inf},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "likelihoods: Tobit") {
					t.Errorf("panic %v, want one starting \"likelihoods: Tobit\"", r)
				}
			}()
			likelihoods.Tobit(tc.k, tc.lower, tc.upper)
		})
	}
}
