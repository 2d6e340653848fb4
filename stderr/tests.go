package stderr

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gomle/gomle/internal/linalg"
	"github.com/gomle/gomle/mlx"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// ChiSquare is the outcome of a test whose statistic is asymptotically χ² under the null
// hypothesis: a Wald test of restrictions or a likelihood-ratio test between nested fits.
type ChiSquare struct {
	// Name says which test and which hypothesis.
	Name string
	// Stat is the test statistic, DF its degrees of freedom and P the upper-tail probability
	// P(χ²(DF) ≥ Stat).
	Stat float64
	DF   int
	P    float64
}

// String returns the test as one line, "name: chi2(df) = stat, Prob > chi2 = p", Stata's wording.
func (c *ChiSquare) String() string {
	return fmt.Sprintf("%s: chi2(%d) = %.4f, Prob > chi2 = %.4g", c.Name, c.DF, c.Stat, c.P)
}

// newChiSquare fills in the p-value.
func newChiSquare(name string, stat float64, df int) *ChiSquare {
	return &ChiSquare{Name: name, Stat: stat, DF: df, P: distuv.ChiSquared{K: float64(df)}.Survival(stat)}
}

// Wald tests the joint linear hypothesis Rθ = q on the natural-scale parameters θ with the
// estimates' covariance V:
//
//	W = (Rθ̂ − q)ᵀ (R V Rᵀ)⁻¹ (Rθ̂ − q) ~ χ²(rows of R)
//
// R has one row per restriction and one column per parameter; q has one entry per row (nil
// means zeros). It returns an error if the dimensions do not match or if the restrictions are
// linearly dependent (R V Rᵀ is singular), naming the rows.
func (e *Estimates) Wald(r mat.Matrix, q []float64) (*ChiSquare, error) {
	rows, cols := r.Dims()
	p := len(e.Params)
	switch {
	case cols != p:
		return nil, fmt.Errorf("stderr: Wald: R has %d columns, the model has %d parameters", cols, p)
	case rows == 0:
		return nil, fmt.Errorf("stderr: Wald: R has no rows (no restrictions to test)")
	case q != nil && len(q) != rows:
		return nil, fmt.Errorf("stderr: Wald: q has %d entries, R has %d rows", len(q), rows)
	}
	diff := mat.NewVecDense(rows, nil)
	diff.MulVec(r, mat.NewVecDense(p, slices.Clone(e.Params)))
	if q != nil {
		diff.SubVec(diff, mat.NewVecDense(rows, slices.Clone(q)))
	}
	var rv mat.Dense
	rv.Mul(r, e.Cov)
	mid := mat.NewDense(rows, rows, nil)
	mid.Mul(&rv, r.T())
	sym := mat.NewSymDense(rows, nil)
	for i := range rows {
		for j := i; j < rows; j++ {
			sym.SetSym(i, j, 0.5*(mid.At(i, j)+mid.At(j, i)))
		}
	}
	// Solve with the equilibrated matrix, so that restrictions in different units do not
	// look dependent: (R V Rᵀ)⁻¹ = S (S R V Rᵀ S)⁻¹ S.
	scaled, scale, ok := linalg.Equilibrate(sym)
	var chol mat.Cholesky
	if !ok || !chol.Factorize(scaled) || chol.Cond() > conditionLimit {
		return nil, fmt.Errorf("stderr: Wald: the %d restrictions are linearly dependent or untestable (R V Rᵀ is singular); drop redundant rows", rows)
	}
	for i := range rows {
		diff.SetVec(i, diff.AtVec(i)*scale[i])
	}
	sol := mat.NewVecDense(rows, nil)
	if err := chol.SolveVecTo(sol, diff); err != nil {
		return nil, fmt.Errorf("stderr: Wald: %w", err)
	}
	return newChiSquare("Wald test", mat.Dot(diff, sol), rows), nil
}

// TestZero is the joint Wald test that the named parameters (labels as in the table) are all
// zero, Stata's "test x1 x2". It returns an error naming an unknown or repeated label.
func (e *Estimates) TestZero(labels ...string) (*ChiSquare, error) {
	if len(labels) == 0 {
		return nil, fmt.Errorf("stderr: TestZero: no parameters named")
	}
	r := mat.NewDense(len(labels), len(e.Params), nil)
	seen := map[int]bool{}
	for row, l := range labels {
		j := slices.Index(e.Labels, l)
		if j < 0 {
			return nil, fmt.Errorf("stderr: TestZero: no parameter %q (parameters: %s)", l, strings.Join(e.Labels, ", "))
		}
		if seen[j] {
			return nil, fmt.Errorf("stderr: TestZero: parameter %q named twice", l)
		}
		seen[j] = true
		r.Set(row, j, 1)
	}
	c, err := e.Wald(r, nil)
	if err != nil {
		return nil, err
	}
	c.Name = "Wald test of " + strings.Join(labels, " = ") + " = 0"
	return c, nil
}

// LikelihoodRatio tests a restricted fit against the full fit it is nested in:
//
//	LR = 2(ℓ_full − ℓ_restricted) ~ χ²(p_full − p_restricted)
//
// Both fits must be on the same observations and have converged. It returns an error if they
// differ in the number of observations, if the full model does not have more parameters, if
// either fit did not converge, or if the restricted fit has the clearly higher log-likelihood
// (the models are then not nested, or a fit stopped short). Differences within rounding are
// reported as LR = 0.
func LikelihoodRatio(restricted, full *mlx.Result) (*ChiSquare, error) {
	if restricted == nil || full == nil {
		return nil, fmt.Errorf("stderr: LikelihoodRatio: nil result")
	}
	if restricted.NumObs != full.NumObs {
		return nil, fmt.Errorf("stderr: LikelihoodRatio: the fits have %d and %d observations; a likelihood-ratio test needs the same data", restricted.NumObs, full.NumObs)
	}
	df := len(full.Estimates) - len(restricted.Estimates)
	if df <= 0 {
		return nil, fmt.Errorf("stderr: LikelihoodRatio: the full model has %d parameters and the restricted one %d; the full model must have more", len(full.Estimates), len(restricted.Estimates))
	}
	for _, r := range []*mlx.Result{restricted, full} {
		if !r.Status.Converged() {
			return nil, fmt.Errorf("stderr: LikelihoodRatio: the fit of %q did not converge (%v); the test would be meaningless", r.Model.Name, r.Status)
		}
	}
	return LikelihoodRatioStat(restricted.LogLike, full.LogLike, df)
}

// LikelihoodRatioStat is the likelihood-ratio test from the two log-likelihoods and the number
// of restrictions df, for a restricted log-likelihood that is not a fit of its own (such as
// clogit's, at β = 0). It returns an error if df < 1 or if the restricted log-likelihood is
// clearly the higher; differences within rounding are reported as LR = 0.
func LikelihoodRatioStat(restricted, full float64, df int) (*ChiSquare, error) {
	if df < 1 {
		return nil, fmt.Errorf("stderr: likelihood-ratio test with %d degrees of freedom", df)
	}
	stat := 2 * (full - restricted)
	// Both optimizers stop within about 1e-9 relative of their maxima; a larger negative gap
	// means the restricted model is not nested in the full one.
	if tol := 1e-8 * math.Max(1, math.Abs(full)); stat < -tol {
		return nil, fmt.Errorf("stderr: likelihood-ratio test: the restricted log-likelihood is the higher (%.6f > %.6f); are the models nested?", restricted, full)
	}
	return newChiSquare("Likelihood-ratio test", math.Max(stat, 0), df), nil
}

// AIC returns Akaike's information criterion, −2ℓ + 2p, p counting every estimated parameter
// (for NB2 the dispersion too, as Stata and statsmodels count it).
func AIC(res *mlx.Result) float64 {
	return -2*res.LogLike + 2*float64(len(res.Estimates))
}

// BIC returns Schwarz's Bayesian information criterion, −2ℓ + p·log n, n the number of
// observations (Result.Observations: Σᵢ wᵢ under frequency weights).
func BIC(res *mlx.Result) float64 {
	return -2*res.LogLike + float64(len(res.Estimates))*math.Log(float64(res.Observations()))
}

// PseudoR2 returns McFadden's pseudo-R², 1 − ℓ/ℓ₀, where ℓ₀ is the log-likelihood of null, the
// intercept-only fit of the same family on the same observations. It returns an error if the
// fits have different numbers of observations or if ℓ₀ is zero.
func PseudoR2(res, null *mlx.Result) (float64, error) {
	if res == nil || null == nil {
		return 0, fmt.Errorf("stderr: PseudoR2: nil result")
	}
	if res.NumObs != null.NumObs {
		return 0, fmt.Errorf("stderr: PseudoR2: the fits have %d and %d observations", res.NumObs, null.NumObs)
	}
	if null.LogLike == 0 {
		return 0, fmt.Errorf("stderr: PseudoR2: the null log-likelihood is 0; McFadden's R² is undefined")
	}
	return 1 - res.LogLike/null.LogLike, nil
}

// FTest is the outcome of a test whose statistic is F-distributed under the null
// hypothesis: a Wald test of q restrictions divided by q, referred to F(q, DF2), as Stata's
// test and regress report it after a model with residual degrees of freedom.
type FTest struct {
	// Name says which test and which hypothesis.
	Name string
	// Stat is the test statistic, DF1 and DF2 its numerator and denominator degrees of
	// freedom and P the upper-tail probability P(F(DF1, DF2) ≥ Stat).
	Stat     float64
	DF1, DF2 int
	P        float64
}

// String returns the test as one line, "name: F(df1, df2) = stat, Prob > F = p", Stata's wording.
func (f *FTest) String() string {
	return fmt.Sprintf("%s: F(%d, %d) = %.4f, Prob > F = %.4g", f.Name, f.DF1, f.DF2, f.Stat, f.P)
}

// F returns the Wald test c as an F test with df2 denominator degrees of freedom,
//
//	F = W/q ~ F(q, df2),  q = c.DF,
//
// which for least squares with the classical covariance s²(XᵀX)⁻¹ is the textbook F test of
// the restrictions. It panics if df2 < 1.
func (c *ChiSquare) F(df2 int) *FTest {
	if df2 < 1 {
		panic(fmt.Sprintf("stderr: F test with %d denominator degrees of freedom", df2))
	}
	stat := c.Stat / float64(c.DF)
	return &FTest{Name: c.Name, Stat: stat, DF1: c.DF, DF2: df2,
		P: distuv.F{D1: float64(c.DF), D2: float64(df2)}.Survival(stat)}
}
