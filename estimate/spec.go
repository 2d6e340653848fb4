package estimate

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
	"github.com/gomlx/gomlx/backends"
)

// Spec says which model to fit to which variables, and how.
type Spec struct {
	// Model names the model, one of Models() (likelihoods.Families): "ols", "logit", ….
	Model string
	// Formula is an R-style formula, "y ~ x1 + x2" (see frame.ParseFormula). The intercept is
	// included unless the formula drops it; clogit drops it always, since the choice
	// probabilities do not depend on it.
	Formula string
	// Offset names a column that enters the linear index with coefficient 1 (poisson, nbreg).
	// The formula may hold offsets too, as offset(log(t)) terms: they add to this one, as in
	// R's glm.
	Offset string
	// Exposure names a column of positive exposures whose log is the offset (poisson, nbreg),
	// Stata's exposure(). At most one of Offset and Exposure may be set; the formula's
	// offset terms add to either.
	Exposure string
	// Group names clogit's choice-set column: the rows of one choice set share its value.
	Group string
	// Failure names the event indicator of weibull and exponential: 1 for an observed
	// failure, 0 for a right-censored duration. Empty means that every duration ends in failure.
	Failure string
	// Options are the model's own settings (mlogit's base outcome, tobit's limits); a model
	// refuses an option it does not take.
	Options likelihoods.Options
	// Cov chooses the covariance of the estimates: nil (the default) or stderr.OIM{}, the
	// inverse observed information; stderr.OPG{}; stderr.Robust{}, Stata's vce(robust);
	// stderr.Sandwich{}; or stderr.Cluster{} with the column named in Cluster, Stata's
	// vce(cluster COLUMN). Fit fills in the cluster's groups from that column, on the rows it
	// keeps. Any other stderr.Covariance is used as it is; stderr.GaussNewton{} is for NLS.
	Cov stderr.Covariance
	// Weights names a column of observation weights and their kind (frequency, sampling or
	// analytic, Stata's fw, pw and aw); the zero value fits unweighted. Sampling weights make
	// the default covariance Robust. A row with no weight is dropped, as for the model's own
	// variables.
	Weights Weights
	// Cluster names the column whose values identify the clusters of Cov stderr.Cluster{}; a
	// row with no value in it is dropped, as for the model's own variables. Empty for the
	// other covariances.
	Cluster string
	// Method is the optimizer: nil for the default, optim.Newton (Newton's method with the
	// exact Hessian, what Stata's ml does; NLSSpec's default is optim.TrustRegion), or any
	// optim.Method: optim.TrustRegion, optim.BFGS, optim.LBFGS, optim.BHHH (Stata's
	// technique(bhhh)), or one of the caller's own.
	Method optim.Method
	// Level is the confidence level of the intervals, of the estimates and of the marginal
	// effects, strictly between 0 and 1 (stderr.Settings.Level): 0 means 0.95.
	Level float64
	// Margins chooses the marginal effects reported for models that declare predictions.
	Margins MarginsChoice
	// EForm reports the coefficients of the linear index exponentiated, as Stata's eform
	// options do: odds ratios (logit, clogit, ologit), relative-risk ratios (mlogit),
	// incidence-rate ratios (poisson, nbreg) and hazard ratios (weibull, exponential). The
	// table shows exp(b), the SE exp(b)·se(b) (delta method), b's z and p, and the exponentiated
	// interval of b; the intercept is exponentiated too (the baseline odds, rate or hazard,
	// as Stata 13 and later print _cons), ancillary parameters (nbreg's alpha, weibull's p,
	// the cut points) are not. Report.Estimates stays on the linear scale and Report.Shown
	// holds the table. A model without such ratios (Family.EForm empty: ols, probit, tobit,
	// oprobit) returns an *OptionError.
	EForm bool
	// ML asks ols for its maximum-likelihood table: σ̂ = √(RSS/n), SEs from the inverse
	// observed information, z statistics and normal intervals. By default ols reports least
	// squares as R's lm and Stata's regress do (see OLSStats). Other models return an
	// *OptionError.
	ML bool
	// Settings go to mlx.Fit. When Settings.Start is nil, Fit starts where Stata would, near
	// the constant-only fit.
	Settings mlx.Settings
}

// MarginsChoice chooses the marginal effects of a Report.
type MarginsChoice struct {
	// Predict names the prediction differentiated, one of the model's (the default is its
	// first: Pr(y=1) for logit, E[y] for poisson, the latent mean for tobit, the median time
	// for weibull). PredictionNames lists them.
	Predict string
	// AtMeans asks for effects at the means of the design's columns instead of average
	// effects (Stata's atmeans).
	AtMeans bool
	// Off skips marginal effects.
	Off bool
}

// OptionError reports an option of a Spec that does not apply to its model, or options that
// contradict each other: a usage error, on which the command line exits with status 2.
type OptionError struct {
	// Model is the model's name, Option the option as the Spec field and flag name it.
	Model, Option string
	// Reason says why, and what applies instead.
	Reason string
}

// Error names the model, the option and the reason.
func (e *OptionError) Error() string {
	return fmt.Sprintf("estimate: %s does not take %s: %s", e.Model, e.Option, e.Reason)
}

// checkOptions returns an *OptionError for an option of s that its family does not take.
func checkOptions(fam *likelihoods.Family, s Spec) error {
	if s.EForm && fam.EForm == "" {
		var takes []string
		for _, f := range likelihoods.Families() {
			if f.EForm != "" {
				takes = append(takes, f.Name)
			}
		}
		return &OptionError{Model: fam.Name, Option: "EForm (-eform)",
			Reason: "exp of its coefficients is no odds, rate or hazard ratio; eform applies to " + strings.Join(takes, ", ")}
	}
	if s.ML && fam.Name != "ols" {
		return &OptionError{Model: fam.Name, Option: "ML (-ml)", Reason: "its table is the maximum-likelihood one already; ML chooses between least squares and maximum likelihood for ols"}
	}
	if s.Margins.Off && (s.Margins.Predict != "" || s.Margins.AtMeans) {
		return &OptionError{Model: fam.Name, Option: "Margins.Predict or AtMeans (-predict, -atmeans) with Margins.Off (-nomargins)", Reason: "they choose marginal effects that Off skips"}
	}
	return nil
}

// Models returns the model names Fit accepts, each with a one-line description, sorted.
func Models() [][2]string {
	var out [][2]string
	for _, f := range likelihoods.Families() {
		out = append(out, [2]string{f.Name, f.Doc})
	}
	return out
}

// Fit fits the spec's model to the rows of f that have no missing value in the variables it
// uses (listwise deletion, reported in the Report), and computes the covariance, tests and
// statistics the Report holds. Fit is FitContext with a context that is never canceled.
func Fit(b backends.Backend, f *frame.Frame, s Spec) (*Report, error) {
	return FitContext(context.Background(), b, f, s)
}

// FitContext is Fit under a context: once ctx is canceled or past its deadline, the fit stops
// within one iteration, and FitContext reports its last iterate, with Result.Status
// optim.Canceled, and no error (mlx.FitContext), as Fit reports a fit that did not converge.
// When ctx is done after the fit has converged, while the null model behind the LR test is
// fitted, the Report lacks the LR test. The Settings.Recorder sees the fit of the model only,
// not that of the null model.
func FitContext(ctx context.Context, b backends.Backend, f *frame.Frame, s Spec) (*Report, error) {
	fam, err := likelihoods.Lookup(s.Model)
	if err != nil {
		return nil, err
	}
	if err := checkOptions(fam, s); err != nil {
		return nil, err
	}
	if f == nil {
		return nil, fmt.Errorf("estimate: no data")
	}
	if _, ok := s.Cov.(stderr.GaussNewton); ok {
		return nil, fmt.Errorf("estimate: the Gauss–Newton covariance is for nonlinear regression (NLS), not %s", s.Model)
	}
	cluster, err := checkChoices(s.Cov, s.Cluster, s.Level)
	if err != nil {
		return nil, err
	}
	cov, err := s.Weights.check(s.Cov)
	if err != nil {
		return nil, err
	}
	method := s.Method
	if method == nil {
		method = &optim.Newton{}
	}
	if s.Offset != "" && s.Exposure != "" {
		return nil, fmt.Errorf("estimate: set Offset or Exposure, not both")
	}
	formula, err := frame.ParseFormula(s.Formula)
	if err != nil {
		return nil, err
	}
	for _, c := range []string{s.Offset, s.Exposure, s.Failure, s.Weights.Column} {
		if c != "" && f.IsText(c) {
			_, err := f.Column(c) // the error quoting a text cell; Group and Cluster may be text
			return nil, err
		}
	}
	if err := checkOffsets(fam, formula); err != nil {
		return nil, err
	}
	var extra []string
	for _, c := range []string{s.Offset, s.Exposure, s.Group, s.Failure, s.Cluster, s.Weights.Column} {
		if c != "" && !slices.Contains(extra, c) {
			extra = append(extra, c)
		}
	}
	d, err := f.Design(formula, extra...)
	if err != nil {
		return nil, err
	}
	if len(d.Y) == 0 {
		return nil, fmt.Errorf("estimate: no complete rows to fit (%d dropped for missing values)", d.Dropped)
	}
	in, err := modelData(fam, &s, d)
	if err != nil {
		return nil, err
	}
	omitted, err := in.omitCollinear(s.Model)
	if err != nil {
		return nil, err
	}
	if err := fam.Check(in.data, s.Options); err != nil {
		return nil, err
	}
	if s.Weights.Column != "" {
		// Checked before Build, whose checks of existence (count models) sum with them.
		if in.weights, err = s.Weights.column(d.Extra[s.Weights.Column], in.data.Rows); err != nil {
			return nil, err
		}
		in.data.Weights = d.Extra[s.Weights.Column]
	}
	prob, err := fam.Build(in.data, s.Options)
	if err != nil {
		return nil, err
	}
	if s.Weights.Column != "" {
		if rows := len(prob.Columns[0].Values); prob.Columns[0].Dims != nil {
			rows = prob.Columns[0].Dims[0]
		} else if rows != len(d.Y) {
			return nil, fmt.Errorf("estimate: %s does not take weights: its observations are not the data's rows", s.Model)
		}
		prob.Columns = append(prob.Columns, *in.weights)
	}
	ds, err := mlx.NewDataset(prob.Columns...)
	if err != nil {
		return nil, fmt.Errorf("estimate: %w", err)
	}
	if err := checkDesign(s.Model, ds.NumObs(), prob.Model.NumParams(), in.data.X, in.data.Names); err != nil {
		return nil, err
	}
	settings := s.Settings
	if settings.Start == nil {
		settings.Start = prob.Start
	}
	res, err := mlx.FitContext(ctx, b, prob.Model, ds, &settings, method)
	if err != nil {
		return nil, err
	}
	var notes []string
	for _, name := range omitted {
		notes = append(notes, fmt.Sprintf("Note: %s omitted because of collinearity.", name))
	}
	notes = append(notes, prob.Notes...)
	if prob.CheckFit != nil {
		note, err := prob.CheckFit(res)
		if err != nil {
			return nil, err
		}
		if note != "" {
			notes = append(notes, note)
		}
	}
	rep := &Report{Spec: s, Formula: formula.String(), Design: d, Result: res, LLNull: math.NaN(), PseudoR2: math.NaN(),
		AIC: stderr.AIC(res), BIC: stderr.BIC(res), Notes: notes, Omitted: omitted, in: in, prob: prob}
	if cluster {
		rep.Clusters = groupCodes(d.Extra[s.Cluster])
		cov = stderr.Cluster{Groups: rep.Clusters}
	}
	if s.Model == "ols" && !s.ML {
		rep.Estimates, rep.OLS, err = leastSquares(res, in.data.X, in.data.Y, in.data.Names, cov, s.Level)
	} else {
		rep.Estimates, err = covariance(res, cov, s.Level)
	}
	noSE := err != nil
	if noSE {
		var note string
		if rep.Estimates, note, err = lastIterate(res, cov, s.Level, err); err != nil {
			return nil, err
		}
		rep.OLS, rep.Notes = nil, append(rep.Notes, note)
	}
	if rep.Shown, err = shown(rep.Estimates, fam, s, rep.OLS != nil); err != nil {
		return nil, err
	}
	if s.EForm {
		rep.Notes = append(rep.Notes, eformNote(fam.EForm, in.data.Names, len(rep.Shown.Params) > countTrue(rep.Shown.Exponentiated)))
	}
	if res.Status.Converged() {
		ll, params, ok, err := nullModel(ctx, b, fam, prob, in, s, res)
		switch {
		case err != nil:
			// An auxiliary fit never takes a converged fit down with it (issue 14).
			rep.Notes = append(rep.Notes, fmt.Sprintf("Note: no likelihood-ratio test of all slopes and no pseudo-R²: the intercept-only fit failed (%v).", err))
		case !ok && ctx.Err() != nil:
			rep.Notes = append(rep.Notes, "Note: no likelihood-ratio test of all slopes and no pseudo-R²: the fit was stopped during the intercept-only fit.")
		case !ok:
			rep.Notes = append(rep.Notes, "Note: no likelihood-ratio test of all slopes and no pseudo-R²: without an intercept the model has no intercept-only null model to compare with.")
		case len(res.Estimates) <= params:
			rep.Notes = append(rep.Notes, "Note: no likelihood-ratio test of all slopes and no pseudo-R²: the model has no slopes.")
		default:
			rep.LLNull = ll
			if rep.LR, err = stderr.LikelihoodRatioStat(ll, res.LogLike, len(res.Estimates)-params); err != nil {
				return nil, err
			}
			if s.Model != "ols" {
				rep.PseudoR2 = 1 - res.LogLike/ll
			}
		}
	}
	if !s.Margins.Off && !noSE && len(prob.Model.Predictions) > 0 && prob.Design != "" {
		if rep.Margins, err = margins(rep.Estimates, d, in, prob, ds, s.Margins); err != nil {
			return nil, err
		}
		if rep.Margins == nil {
			rep.Notes = append(rep.Notes, "Note: no marginal effects: the model has no regressors besides the intercept.")
		}
	}
	return rep, nil
}
