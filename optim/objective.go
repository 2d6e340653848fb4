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

// WeightedObjective is an Objective whose log-likelihood is a weighted sum, ℓ = Σᵢ wᵢℓᵢ. The
// gradient test of Settings.GradientTol then scales with the total weight Σᵢ wᵢ instead of
// the number of observations: the gradient scales with the weights, so that a fit stops at the
// same point whether survey weights sum to 1 or to 1e7.
type WeightedObjective interface {
	Objective
	// TotalWeight returns Σᵢ wᵢ, which is positive.
	TotalWeight() float64
}

// HessianObjective is an Objective that also computes ℓ, its gradient and its Hessian in one
// call. Newton-type methods evaluate all three at every point they accept; on an accelerator
// one call instead of two halves the round trips, whose latency dominates small fits.
type HessianObjective interface {
	Objective
	// LogLikeGradHessian returns ℓ(x), stores ∇ℓ(x) in grad (length p) and returns ∇²ℓ(x).
	LogLikeGradHessian(x, grad []float64) (float64, *mat.SymDense, error)
}

// LineObjective is an Objective that evaluates ℓ at several points of a line in one call, as
// a model with linear indices can: η + αXd costs elementwise work per extra step size α, so a
// line search tries a whole set of step sizes for about the price of one.
type LineObjective interface {
	Objective
	// LogLikeLine returns ℓ(x + αⱼd) for each αⱼ, or ok = false when it cannot do better than
	// one point at a time (the caller then evaluates them one by one).
	LogLikeLine(x, d, alphas []float64) (lls []float64, ok bool, err error)
}
