package stderr

import (
	"fmt"
	"math"
	"strings"

	"github.com/gomle/gomle/mlx"
	"gonum.org/v1/gonum/mat"
)

// GaussNewton is the Gauss–Newton covariance of the mean parameters b of a nonlinear
// regression yᵢ = f(xᵢ, b) + εᵢ,
//
//	V = s² (JᵀJ)⁻¹,  s² = RSS/(n − k),  Jᵢⱼ = ∂f(xᵢ, b)/∂bⱼ at b̂,
//
// with k mean parameters: the covariance NIST certifies and R's nls reports. It leaves out the
// curvature term Σ rᵢ∇²f(xᵢ, b) that the observed information (OIM) includes; the two agree
// when f is linear in b, and V is then the textbook s²(XᵀX)⁻¹ of least squares.
//
// mlx.Jacobian computes J exactly from the mean's graph; package estimate fills in J and RSS
// for its nonlinear regressions (estimate.NLS with Cov GaussNewton{}).
type GaussNewton struct {
	// J is the n×k Jacobian of the mean at the estimates, one row per observation.
	J *mat.Dense
	// RSS is the residual sum of squares Σ (yᵢ − f(xᵢ, b̂))² at the estimates.
	RSS float64
}

// String returns "Gauss-Newton".
func (GaussNewton) String() string { return "Gauss-Newton" }

// DF returns the residual degrees of freedom n − k (0 without J).
func (g GaussNewton) DF() int {
	if g.J == nil {
		return 0
	}
	n, k := g.J.Dims()
	return n - k
}

// Cov returns V = s²(JᵀJ)⁻¹, k×k. The inverse comes from a QR factorization of J with its
// columns scaled to unit norm, so JᵀJ, whose condition number is the square of J's, is never
// formed. It returns an error if J is nil, if n ≤ k, if RSS is negative or not finite, or,
// wrapping mat.Condition, if J is rank deficient: the condition number of the column-scaled JᵀJ
// above 1e13, the limit OIM puts on an information matrix scaled to unit diagonal.
func (g GaussNewton) Cov() (*mat.SymDense, error) {
	if g.J == nil {
		return nil, fmt.Errorf("stderr: GaussNewton: no Jacobian J")
	}
	n, k := g.J.Dims()
	if n <= k {
		return nil, fmt.Errorf("stderr: GaussNewton: %d observations leave no degrees of freedom for %d parameters", n, k)
	}
	if !(g.RSS >= 0) || math.IsInf(g.RSS, 0) {
		return nil, fmt.Errorf("stderr: GaussNewton: residual sum of squares %v", g.RSS)
	}
	inv, err := inverseGram(g.J)
	if err != nil {
		return nil, err
	}
	cov := mat.NewSymDense(k, nil)
	cov.ScaleSym(g.RSS/float64(n-k), inv)
	return cov, nil
}

// Unconstrained returns the covariance of a fit of likelihoods.NLS, whose parameters are the k
// mean parameters (the columns of J, in order, Identity) and then σ, fitted as log σ: V in the
// mean parameters' block, and for log σ̂ the variance 1/(2n) of its maximum likelihood
// estimate, which is uncorrelated with b̂ at the maximum (the cross derivative,
// −2Σrᵢ∂fᵢ/∂b/σ³, is zero there).
//
// It returns an error if J does not have one row per observation of res, if res does not have
// k + 1 parameters ending in a Positive block of size 1, or if Cov fails, naming the
// parameters.
func (g GaussNewton) Unconstrained(res *mlx.Result) (*mat.SymDense, error) {
	if err := checkResult(res); err != nil {
		return nil, err
	}
	if g.J == nil {
		return nil, fmt.Errorf("stderr: GaussNewton: no Jacobian J")
	}
	n, k := g.J.Dims()
	blocks := res.Model.Blocks
	last := blocks[len(blocks)-1]
	switch {
	case n != res.NumObs:
		return nil, fmt.Errorf("stderr: GaussNewton: J has %d rows for %d observations", n, res.NumObs)
	case len(res.Estimates) != k+1 || last.Size != 1 || last.Transform != mlx.Positive:
		return nil, fmt.Errorf("stderr: GaussNewton: model %q has %d parameters; for a J of %d columns want %d mean parameters and then σ, a Positive block of size 1, as likelihoods.NLS has",
			res.Model.Name, len(res.Estimates), k, k)
	}
	v, err := g.Cov()
	if err != nil {
		labels := res.Labels()
		return nil, fmt.Errorf("stderr: model %q: Gauss–Newton covariance of %s: %w", res.Model.Name, strings.Join(labels[:k], ", "), err)
	}
	covU := mat.NewSymDense(k+1, nil)
	for i := range k {
		for j := i; j < k; j++ {
			covU.SetSym(i, j, v.At(i, j))
		}
	}
	covU.SetSym(k, k, 1/(2*float64(res.Observations())))
	return covU, nil
}

// inverseGram returns (JᵀJ)⁻¹ = S (RᵀR)⁻¹ S, where JS = QR and S scales J's columns to unit
// norm. It returns an error wrapping mat.Condition if the scaled JᵀJ = RᵀR has a condition
// number above conditionLimit. (The NIST problems shipped in data/nist stay below 1.3e8, the
// Lanczos problems' value.)
func inverseGram(jac *mat.Dense) (*mat.SymDense, error) {
	n, p := jac.Dims()
	scale := make([]float64, p)
	js := mat.NewDense(n, p, nil)
	for j := range p {
		norm := mat.Norm(jac.ColView(j), 2)
		if !(norm > 0) || math.IsInf(norm, 0) {
			return nil, fmt.Errorf("column %d of J has norm %v: %w", j+1, norm, mat.Condition(math.Inf(1)))
		}
		scale[j] = 1 / norm
		for i := range n {
			js.Set(i, j, jac.At(i, j)*scale[j])
		}
	}
	var qr mat.QR
	qr.Factorize(js)
	var r mat.Dense
	qr.RTo(&r)
	tri := mat.NewTriDense(p, mat.Upper, nil)
	for i := range p {
		for j := i; j < p; j++ {
			tri.SetTri(i, j, r.At(i, j))
		}
	}
	var svd mat.SVD
	if !svd.Factorize(tri, mat.SVDNone) {
		return nil, mat.Condition(math.Inf(1))
	}
	if cond := svd.Cond() * svd.Cond(); !(cond <= conditionLimit) {
		return nil, fmt.Errorf("JᵀJ (columns scaled to unit norm) has condition number %.3g > %.0e: %w", cond, conditionLimit, mat.Condition(cond))
	}
	var rinv mat.TriDense
	if err := rinv.InverseTri(tri); err != nil {
		return nil, err
	}
	// (RᵀR)⁻¹ = R⁻¹R⁻ᵀ, then undo the column scaling.
	var g mat.Dense
	g.Mul(&rinv, rinv.T())
	inv := mat.NewSymDense(p, nil)
	for i := range p {
		for j := i; j < p; j++ {
			inv.SetSym(i, j, 0.5*(g.At(i, j)+g.At(j, i))*scale[i]*scale[j])
		}
	}
	return inv, nil
}
