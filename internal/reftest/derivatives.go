package reftest

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// Objective is a log-likelihood with its exact gradient and Hessian, on the unconstrained
// scale: what mlx.Evaluator and optim.Objective provide.
type Objective interface {
	LogLike(u []float64) (float64, error)
	LogLikeGrad(u, grad []float64) (float64, error)
	Hessian(u []float64) (*mat.SymDense, error)
}

// CheckDerivatives compares the exact gradient and Hessian of ev at u with gonum diff/fd central
// differences: the gradient with those of the log-likelihood, the Hessian with those of the
// exact gradient. Both are compared in standard-error units, with each parameter uᵢ measured in
// steps of dᵢ = 1/√|Hᵢᵢ| (about its standard error): the scaled gradient dᵢgᵢ and the scaled
// Hessian dᵢHᵢⱼdⱼ, whose entries are at most about 1 near the maximum, must agree with the
// differences to 1e-6 (relative where they exceed 1). Unscaled differences are not accurate
// enough: on regressors of size 50 (age) or over 20000 observations their truncation error, h²/6
// times a third derivative, swamps entries near zero.
//
// The steps balance that truncation against rounding. The gradient's step, 1e-3 standard
// errors, keeps truncation near 1e-7 but divides ℓ's evaluation noise by 2h: that noise reaches
// 2e-14·|ℓ| on 20000 observations (RandHIE: differences up to 5e-7), so the gradient is allowed
// 1e-10·|ℓ| more. The Hessian's step, 3e-4 standard errors, differences the exact gradient,
// whose noise is smaller; the largest differences seen are 2.1e-7 (RandHIE NB2, noise) and 5e-8
// (random points far from the maximum, truncation).
func CheckDerivatives(t testing.TB, ev Objective, u []float64) {
	t.Helper()
	p := len(u)
	hess, err := ev.Hessian(u)
	if err != nil {
		t.Fatal(err)
	}
	scale := make([]float64, p)
	for i := range p {
		scale[i] = 1
		if h := math.Abs(hess.At(i, i)); h > 0 {
			scale[i] = 1 / math.Sqrt(h)
		}
	}
	at := func(s []float64) []float64 {
		v := make([]float64, p)
		for i := range p {
			v[i] = u[i] + scale[i]*s[i]
		}
		return v
	}
	settings := &fd.Settings{Formula: fd.Central, Step: 1e-3}
	grad := make([]float64, p)
	ll, err := ev.LogLikeGrad(u, grad)
	if err != nil {
		t.Fatal(err)
	}
	num := fd.Gradient(nil, func(s []float64) float64 {
		l, err := ev.LogLike(at(s))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}, make([]float64, p), settings)
	worstG, worstH := 0.0, 0.0
	for i := range p {
		g := scale[i] * grad[i]
		d := math.Abs(g-num[i]) / (math.Max(1, math.Abs(num[i])) + 1e-4*math.Abs(ll)) // 1e-6 of it is 1e-10·|ℓ|
		worstG = math.Max(worstG, d)
		if d > 1e-6 {
			t.Errorf("scaled gradient[%d] = %v, finite differences of the log-likelihood %v", i, g, num[i])
		}
	}
	jac := mat.NewDense(p, p, nil)
	fd.Jacobian(jac, func(dst, s []float64) {
		if _, err := ev.LogLikeGrad(at(s), dst); err != nil {
			t.Fatal(err)
		}
		for i := range dst {
			dst[i] *= scale[i]
		}
	}, make([]float64, p), &fd.JacobianSettings{Formula: fd.Central, Step: 3e-4})
	for i := range p {
		for j := range p {
			h := scale[i] * hess.At(i, j) * scale[j]
			d := math.Abs(h-jac.At(i, j)) / math.Max(1, math.Abs(jac.At(i, j)))
			worstH = math.Max(worstH, d)
			if d > 1e-6 {
				t.Errorf("scaled Hessian[%d,%d] = %v, finite differences of the gradient %v", i, j, h, jac.At(i, j))
			}
		}
	}
	t.Logf("derivatives against finite differences: largest scaled difference %.2g (gradient), %.2g (Hessian)", worstG, worstH)
}
