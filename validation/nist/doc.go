// Package nist checks gomle's nonlinear regression against NIST's Statistical Reference
// Datasets for nonlinear least squares (StRD, https://www.itl.nist.gov/div898/strd/nls/nls_main.shtml).
//
// Each NIST problem is a model, data, two start vectors ("Start 1" far from the solution,
// "Start 2" closer) and certified results to 11 significant digits: the estimates, their
// standard deviations, the residual sum of squares and the residual standard deviation. Load
// reads one .dat file as NIST publishes it (the files live in data/nist at the root of the
// module) and translates the model into the syntax of package expr:
//
//	y = b1*(1-exp[-b2*x])  +  e                     → y ~ b1*(1-exp(-b2*x))
//	y = b1 - b2*x - arctan[b3/(x-b4)]/pi  +  e      → y ~ b1 - b2*x - atan(b3/(x-b4))/3.141592653589793
//	log[y] = b1 - b2*x1 * exp[-b3*x2]  +  e         → log(y) ~ b1 - b2*x1 * exp(-b3*x2)
//
// Load parses the translated model once into an estimate.NLSFormula (Problem.NLS), which the
// fits, the residuals and the Gauss–Newton covariance share. Fit fits a problem from one of its
// starts as estimate.NLS does and scores the result with LRE, the log relative error (the
// number of correct significant digits), for every estimate, the residual sum of squares and
// the residual standard deviation. It also computes the standard errors NIST certifies, the
// Gauss–Newton covariance s²(JᵀJ)⁻¹ (stderr.GaussNewton, with J from mlx.Jacobian; estimate.NLS
// offers it as Cov stderr.GaussNewton{}, the command line as -cov gn), next to the
// observed-information ones estimate.NLS reports by default. Table writes the scores as
// Markdown; cmd/nist writes docs/NIST.md with it.
//
// # Error handling
//
// Load and Parse return an error that names the file and line of a malformed part. Fit and
// Problem.GaussNewton return the errors of estimate.NLS and of the backend; a fit that does not
// converge is not an error, and its Outcome says so. Problem.Start panics on a start other
// than 1 or 2, a programmer error.
//
// # Backends
//
// Fit and Problem.GaussNewton run on the backend given; everything else (parsing, residuals, LRE) is
// host arithmetic in float64.
package nist
