package optim

import "gonum.org/v1/gonum/mat"

// Objective is a log-likelihood to maximize: ℓ(x) = Σᵢ ℓᵢ(x), a sum over n observations, as a
// function of p unconstrained parameters x. mlx.Evaluator is one; so is any plain-Go function
// that provides the derivatives below.
//
// A method that does not need a derivative never asks for it, so an Objective that cannot
// compute one (the scores, say) may return an error from that method alone; Maximize also asks
// for the exact Hessian at the end, unless Settings.SkipHessian is set.
type Objective interface {
	// NumParams returns p, the length of every parameter vector.
	NumParams() int
	// NumObs returns n, the number of observations ℓ sums over. The gradient test of
	// Settings.GradientTol scales with it.
	NumObs() int
	// LogLike returns ℓ(x).
	LogLike(x []float64) (float64, error)
	// LogLikeGrad returns ℓ(x) and stores the gradient ∇ℓ(x) in grad, which has length p.
	LogLikeGrad(x, grad []float64) (float64, error)
	// Hessian returns the exact Hessian ∇²ℓ(x), p×p.
	Hessian(x []float64) (*mat.SymDense, error)
	// ScoreObs returns the per-observation scores, n×p: row i is ∇ℓᵢ(x), so the rows sum to
	// the gradient.
	ScoreObs(x []float64) (*mat.Dense, error)
}
