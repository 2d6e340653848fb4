// Package estimate fits the ready-made models of package likelihoods to a data frame described
// by a formula, and reports what Stata's and statsmodels' summaries report: coefficients with
// standard errors of the chosen kind (OIM, OPG, robust, cluster-robust), z tests and
// confidence intervals, the log-likelihood, the intercept-only (null) log-likelihood with the
// likelihood-ratio test of all slopes and McFadden's pseudo-R², AIC, BIC, average marginal
// effects where the model has them, the number of rows used and dropped, the optimizer's
// status and the backend.
//
// It is the layer under the gomle command line and the model notebooks:
//
//	f, _ := frame.ReadFile("spector.csv", frame.Options{})
//	rep, err := estimate.Fit(b, f, estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI"})
//	fmt.Println(rep)
//
// The choices are typed values, not strings: Spec.Cov is a stderr.Covariance (nil for OIM;
// stderr.Cluster{} with the cluster column in Spec.Cluster, which Fit turns into groups),
// Spec.Method an optim.Method (nil for Newton), Spec.Level the confidence level (0 for 95%):
//
//	estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con + op_75_79", Exposure: "service",
//		Cov: stderr.Cluster{}, Cluster: "ship", Method: &optim.BHHH{}, Level: 0.9}
//
// Only the command line reads them from text (-cov cluster:ship -method bhhh -level 90).
//
// The formula may carry the offset itself, as R writes it: "accident ~ yr_con + op_75_79 +
// offset(log(service))" is the fit above with Exposure "service". Offset terms add to
// Spec.Offset or to the log of Spec.Exposure (as R adds glm's offset argument); a model that
// takes no offset (every one but poisson and nbreg) refuses them. Marginal effects hold the
// offset at its values in the data, even where its expression uses a regressor.
//
// NLS fits a nonlinear regression whose mean is an expression over data columns and named
// parameters, such as "y ~ b1*(1 - exp(-b2*x))"; its Cov may also be stderr.GaussNewton{}.
//
// FitContext and NLSContext take a context.Context: canceled, or past its deadline, the fit
// stops within one iteration and the Report holds its last iterate, with Status
// optim.Canceled, as it holds a fit that did not converge.
//
// # Saving, loading and comparing fits
//
// Report.Summary returns the report as plain data, a Summary, which is also its JSON schema
// (SchemaVersion, "gomle.report/1", documented in docs/JSON.md): Report.JSON and json.Marshal
// write it, with the covariance matrices, and Load (or LoadFile) reads it back. A loaded
// Summary prints byte for byte what the live report printed, as text (String), HTML, Markdown
// and LaTeX, but cannot refit or predict. Compare sets live reports and loaded summaries side by
// side, one column per model, the table of Stata's esttab and R's modelsummary:
//
//	logit, _ := estimate.Fit(b, f, estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI"})
//	saved, _ := estimate.LoadFile("probit.json")
//	fmt.Println(estimate.Compare(logit, saved)) // .HTML() in a notebook, .Markdown(), .LaTeX()
//
// # Error handling
//
// Every function returns an error that names what is wrong: an unknown model or column, a
// covariance that does not fit the model (Gauss–Newton outside NLS, a cluster covariance without
// its column), a confidence level outside (0, 1), a malformed formula, an offset term for a
// model without an offset, data a model cannot take (a non-binary response for
// logit, negative counts, non-positive durations or exposures), a singular information matrix
// (with the parameters involved). A fit that does not converge is not an error: the report
// carries the optimizer's status and says so.
//
// # Backends
//
// Fits run on the backend given, as mlx.Fit does; everything else is host-side arithmetic.
package estimate
