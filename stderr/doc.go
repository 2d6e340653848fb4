// Package stderr turns a maximum likelihood fit (*mlx.Result) into standard errors, z tests,
// p-values, confidence intervals and summary tables.
//
// Hessian uses the inverse observed information (the exact Hessian mlx computed by automatic
// differentiation), OPG the outer product of the per-observation scores, Sandwich the robust
// combination of the two (HC0), Robust Stata's vce(robust) (HC0 · n/(n−1)) and Cluster Stata's
// vce(cluster) (cluster sums of scores, · G/(G−1)). Covariances are computed on the optimizer's unconstrained
// scale and mapped to the natural scale by the delta method, so σ fitted as log σ is reported
// as σ with its standard error σ̂·se(log σ̂).
//
// # Error handling
//
// A singular or indefinite information matrix is an error, a *SingularError naming the
// parameters involved, never a table of NaNs. It unwraps to mat.Condition.
//
// # Backends
//
// stderr runs no graphs of its own except the per-observation scores, which mlx computes on
// the fit's backend; the linear algebra is gonum's, on the host.
package stderr
