package likelihoods_test

import (
	"math"
	"testing"

	"github.com/gomle/gomle/internal/reftest"
	"github.com/gomle/gomle/internal/simdata"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// TestNormalLinearLogLike checks the graph against gonum's normal log-density, term by term.
func TestNormalLinearLogLike(t *testing.T) {
	p := simdata.NormalLinear(50, 3, 21)
	ds, err := mlx.NewDataset(mlx.Vector("y", p.Y), mlx.Matrix("x", p.X))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := mlx.NewEvaluator(testbackend.Get(t), likelihoods.NormalLinear(3), ds)
	if err != nil {
		t.Fatal(err)
	}
	beta, sigma := []float64{0.5, -1, 2}, 1.7
	got, err := ev.LogLike(append(append([]float64(nil), beta...), math.Log(sigma)))
	if err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for i := range p.N {
		mu := mat.Dot(p.X.RowView(i), mat.NewVecDense(3, beta))
		want += distuv.Normal{Mu: mu, Sigma: sigma}.LogProb(p.Y[i])
	}
	// A sum of 50 terms of size ~1: rounding stays far below 1e-12 relative.
	if math.Abs(got-want) > 1e-12*math.Abs(want) {
		t.Errorf("log-likelihood %.15g, gonum's normal density gives %.15g", got, want)
	}
	if labels := likelihoods.NormalLinear(3).Labels(); labels[0] != "b0" || labels[3] != "sigma" {
		t.Errorf("labels %v, want b0, b1, b2, sigma", labels)
	}
}

func TestNormalLinearPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("NormalLinear(0) did not panic")
		}
	}()
	likelihoods.NormalLinear(0)
}

// TestLongley fits NIST's Longley regression (TOTEMP on a constant and six regressors, n = 16,
// constant first) by maximum likelihood and compares it with the certified values.
//
// On the raw data no optimizer converges: XᵀX has condition number 2.9e19, beyond float64,
// and with TOTEMP in persons (σ̂ = 229) the Hessian's entries are near 1e-4, so gonum's Newton,
// which adds at least 0.001·I whenever a Hessian is not negative definite, crawls (1000
// iterations, iteration limit; BFGS and L-BFGS stop on failed line searches). So we fit in
// standardized units, as one would by hand: y and the six regressors centred and divided by
// their standard deviations (condition number 2.0e4), and map the estimates back. The MLE is
// equivariant under this linear change of variables: with y' = (y − ȳ)/c and
// x'ⱼ = (xⱼ − mⱼ)/sⱼ, the slopes are βⱼ = c·γⱼ/sⱼ, the intercept β₀ = ȳ + c·γ₀ − Σⱼ βⱼmⱼ,
// σ = c·σ', the covariance of β is A·Cov(γ)·Aᵀ for that linear map A, and the log-likelihood
// drops by n·log c.
func TestLongley(t *testing.T) {
	cols := readTable(t, "longley.csv")
	n, k := len(cols["TOTEMP"]), 7
	x := design(cols, []string{"const", "GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"}, n, false)
	ybar, c := stat.MeanStdDev(cols["TOTEMP"], nil)
	y := make([]float64, n)
	for i, v := range cols["TOTEMP"] {
		y[i] = (v - ybar) / c
	}
	mean, sd := make([]float64, k), make([]float64, k)
	sd[0] = 1 // the constant stays a column of ones
	for j := 1; j < k; j++ {
		mean[j], sd[j] = stat.MeanStdDev(mat.Col(nil, j, x), nil)
	}
	var xs mat.Dense
	xs.Apply(func(i, j int, v float64) float64 { return (v - mean[j]) / sd[j] }, x)
	ds, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Matrix("x", &xs))
	if err != nil {
		t.Fatal(err)
	}
	// The default gradient test, 1e-7 on ℓ/n, leaves the estimates up to 1e-7/λ from the
	// maximum, and the smallest curvature of ℓ/n is λ = 0.083 here (collinear regressors):
	// about 2e-7 relative on β. Newton's finishing steps (full steps while the Newton
	// decrement is above 1e-20) go on to rounding with the default settings: 2e-14 relative
	// here. (gonum's Newton, the default before issue 11, needed the trust region and a
	// gradient test of 1e-11 for this.)
	want := reftest.Read(t, "longley_ols.json")
	res, err := mlx.Fit(testbackend.Get(t), likelihoods.NormalLinear(k), ds, nil, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	requireConverged(t, res)
	est, err := stderr.Hessian(res)
	if err != nil {
		t.Fatal(err)
	}
	a := mat.NewDense(k, k, nil) // β − (ȳ, 0, …, 0) = A·γ
	a.Set(0, 0, c)
	for j := 1; j < k; j++ {
		a.Set(j, j, c/sd[j])
		a.Set(0, j, -c*mean[j]/sd[j])
	}
	var beta mat.VecDense
	beta.MulVec(a, mat.NewVecDense(k, res.Estimates[:k]))
	beta.SetVec(0, beta.AtVec(0)+ybar)
	var cov, tmp mat.Dense
	tmp.Mul(a, est.Cov.SliceSym(0, k))
	cov.Mul(&tmp, a.T())
	// NIST certifies SEs with s² = SSR/(n−k); ours use the MLE σ̂² = SSR/n.
	df := math.Sqrt(float64(n) / float64(n-k))
	worstB, worstSE := 0.0, 0.0
	for j := range k {
		worstB = math.Max(worstB, math.Abs(beta.AtVec(j)-want.Params[j])/math.Abs(want.Params[j]))
		se := math.Sqrt(cov.At(j, j)) * df
		worstSE = math.Max(worstSE, math.Abs(se-want.BSE[j])/want.BSE[j])
	}
	t.Logf("largest relative differences: parameters %.2g, SEs %.2g", worstB, worstSE)
	// NIST's values have 15 significant digits; the fit reaches 2e-14 on parameters and 6e-14
	// on SEs. Allow 1e-10.
	if worstB > 1e-10 {
		t.Errorf("parameters differ from NIST's by up to %.2g relative", worstB)
	}
	if worstSE > 1e-10 {
		t.Errorf("SEs differ from NIST's by up to %.2g relative", worstSE)
	}
	if sdResid := c * res.Estimates[k] * df; math.Abs(sdResid-want.ResidualSD) > 1e-10*want.ResidualSD {
		t.Errorf("residual SD %.15g, NIST %.15g", sdResid, want.ResidualSD)
	}
	// The log-likelihood is printed to 4 decimals: half a unit in the last place.
	if ll := res.LogLike - float64(n)*math.Log(c); math.Abs(ll-want.LLF) > 5e-5 {
		t.Errorf("log-likelihood %.6f, reference %.4f", ll, want.LLF)
	}
}
