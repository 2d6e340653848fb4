// Package stderr turns a maximum likelihood fit (*mlx.Result) into standard errors, z tests,
// p-values, confidence intervals and summary tables.
//
// New takes the fit and a covariance estimator, a typed value:
//
//	OIM{}            the inverse observed information (the exact Hessian), Stata's vce(oim)
//	OPG{}            the outer product of the per-observation scores, vce(opg)
//	Sandwich{}       the Huber–White sandwich (HC0)
//	Robust{}         the sandwich times n/(n−1), Stata's vce(robust)
//	Cluster{Groups}  scores summed within clusters, times G/(G−1), vce(cluster)
//	GaussNewton{J, RSS}  s²(JᵀJ)⁻¹ of a nonlinear regression, what NIST certifies and R's nls reports
//
// est, err := stderr.New(res, stderr.Robust{}, nil); stderr.Hessian(res) is New(res, OIM{}, nil).
// Covariance is an interface, so a caller may bring an estimator of its own. Each estimator's
// String names it in tables and JSON reports, and Estimates.Kind records which one was used.
// Covariances are computed on the optimizer's unconstrained scale and mapped to the natural scale
// by the delta method, so σ fitted as log σ is reported as σ with its standard error
// σ̂·se(log σ̂).
//
// Settings.Level sets the confidence level (default 95%) of the intervals of the estimates, of
// the marginal effects built on them (MarginalEffects) and of their tables.
//
// # Error handling
//
// A singular or indefinite information matrix is an error, a *SingularError naming the
// parameters involved, never a table of NaNs. It unwraps to mat.Condition, as does
// GaussNewton's error for a rank-deficient Jacobian.
//
// # Backends
//
// stderr runs no graphs of its own except the per-observation scores, which mlx computes on
// the fit's backend; the linear algebra is gonum's, on the host.
package stderr
