package estimate

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/stderr"
	"github.com/gomlx/gomlx/backends"
)

// Spec says which model to fit to which variables, and how.
type Spec struct {
	// Model names the model, one of Models(): "ols", "logit", "probit", "poisson", "nbreg",
	// "tobit", "mlogit", "clogit", "weibull" or "exponential".
	Model string
	// Formula is an R-style formula, "y ~ x1 + x2" (see frame.ParseFormula). The intercept is
	// included unless the formula drops it; clogit drops it always, since the choice
	// probabilities do not depend on it.
	Formula string
	// Offset names a column that enters the linear index with coefficient 1 (poisson, nbreg).
	Offset string
	// Exposure names a column of positive exposures whose log is the offset (poisson, nbreg),
	// Stata's exposure(). At most one of Offset and Exposure may be set.
	Exposure string
	// Base is the base outcome of mlogit, a value of the response; nil means the smallest.
	Base *float64
	// Lower and Upper are tobit's left and right censoring limits; nil means none. Tobit needs
	// at least one.
	Lower, Upper *float64
	// Group names clogit's choice-set column: the rows of one choice set share its value.
	Group string
	// Failure names the event indicator of weibull and exponential: 1 for an observed
	// failure, 0 for a right-censored duration. Empty means that every duration ends in failure.
	Failure string
	// Cov is the covariance of the estimates: "oim" (the default, the inverse observed
	// information), "opg", "robust" (Stata's vce(robust)) or "cluster:COLUMN" (Stata's
	// vce(cluster COLUMN)); NLSSpec also takes "gn", the Gauss–Newton covariance.
	Cov string
	// Method is the optimizer: "newton" (the default), "trust" (optim.TrustRegion), "bfgs",
	// "lbfgs" or "bhhh" (optim.BHHH, Stata's technique(bhhh)).
	Method string
	// Settings go to mlx.Fit. When Settings.Start is nil, Fit starts where Stata would, near
	// the constant-only fit (see start).
	Settings mlx.Settings
}

// family is what Fit needs to know of a model name.
type family struct {
	doc string
	// build returns the model and its data columns for a design (its Extra holds the columns
	// the spec names, aligned with the design's rows).
	build func(s *Spec, d *frame.Design) (*problem, error)
}

// problem is one model ready to fit.
type problem struct {
	model   *mlx.Model
	columns []mlx.Column
	start   []float64
	// null returns the log-likelihood of the null hypothesis of the LR test of all slopes and
	// the number of parameters under it: the intercept-only fit of the same family, or for
	// clogit the log-likelihood at β = 0. It is nil when the model has no intercept.
	null func(b backends.Backend, res *mlx.Result, s mlx.Settings) (ll float64, params int, err error)
	// index and offset give the average marginal effects (on the design's X); index is nil
	// for models without.
	index  *stderr.Index
	offset []float64
	// binary marks logit and probit, whose fits are checked for separation.
	binary bool
	// notes are printed under the table.
	notes []string
}

// families lists the models Fit knows, by name.
var families = map[string]family{
	"ols":         {"normal linear regression (least squares by maximum likelihood)", buildOLS},
	"logit":       {"binary logit, Pr(y=1) = Λ(xβ)", buildBinary(likelihoods.Logit, stderr.LogitIndex)},
	"probit":      {"binary probit, Pr(y=1) = Φ(xβ)", buildBinary(likelihoods.Probit, stderr.ProbitIndex)},
	"poisson":     {"Poisson regression, E[y] = exp(xβ + offset)", buildCount(false)},
	"nbreg":       {"negative binomial NB2, Var[y] = μ + αμ²", buildCount(true)},
	"tobit":       {"censored normal regression with limits", buildTobit},
	"mlogit":      {"multinomial logit with a base outcome", buildMNLogit},
	"clogit":      {"conditional (McFadden) logit on long-format choice data", buildCLogit},
	"weibull":     {"Weibull proportional hazards, right censoring", buildDuration(true)},
	"exponential": {"exponential proportional hazards, right censoring", buildDuration(false)},
}

// Models returns the model names Fit accepts, each with a one-line description, sorted.
func Models() [][2]string {
	var out [][2]string
	for name, f := range families {
		out = append(out, [2]string{name, f.doc})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// Fit fits the spec's model to the rows of f that have no missing value in the variables it
// uses (listwise deletion, reported in the Report), and computes the covariance, tests and
// statistics the Report holds.
func Fit(b backends.Backend, f *frame.Frame, s Spec) (*Report, error) {
	fam, ok := families[s.Model]
	if !ok {
		names := make([]string, 0, len(families))
		for n := range families {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("estimate: unknown model %q (models: %s)", s.Model, strings.Join(names, ", "))
	}
	if f == nil {
		return nil, fmt.Errorf("estimate: no data")
	}
	cov, cluster, err := parseCov(s.Cov)
	if err != nil {
		return nil, err
	}
	if cov == "gn" {
		return nil, fmt.Errorf("estimate: the Gauss–Newton covariance (gn) is for nonlinear regression (NLS), not %s", s.Model)
	}
	method, err := parseMethod(s.Method)
	if err != nil {
		return nil, err
	}
	if s.Offset != "" && s.Exposure != "" {
		return nil, fmt.Errorf("estimate: set Offset or Exposure, not both")
	}
	formula, err := frame.ParseFormula(s.Formula)
	if err != nil {
		return nil, err
	}
	var extra []string
	for _, c := range []string{s.Offset, s.Exposure, s.Group, s.Failure, cluster} {
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
	prob, err := fam.build(&s, d)
	if err != nil {
		return nil, err
	}
	ds, err := mlx.NewDataset(prob.columns...)
	if err != nil {
		return nil, fmt.Errorf("estimate: %w", err)
	}
	settings := s.Settings
	if settings.Start == nil {
		settings.Start = prob.start
	}
	res, err := mlx.Fit(b, prob.model, ds, &settings, method)
	if err != nil {
		return nil, err
	}
	if prob.binary {
		note, err := checkFitted(s.Model, res, d.Y, d.X)
		if err != nil {
			return nil, err
		}
		if note != "" {
			prob.notes = append(prob.notes, note)
		}
	}
	rep := &Report{Spec: s, Formula: formula.String(), Design: d, Result: res, LLNull: math.NaN(), PseudoR2: math.NaN(),
		AIC: stderr.AIC(res), BIC: stderr.BIC(res), Notes: prob.notes}
	if cluster != "" {
		rep.Clusters = groupCodes(d.Extra[cluster])
	}
	if rep.Estimates, err = covariance(res, cov, rep.Clusters); err != nil {
		return nil, err
	}
	if prob.null != nil && res.Status.Converged() {
		ll, params, err := prob.null(b, res, s.Settings)
		if err != nil {
			return nil, fmt.Errorf("estimate: the null model: %w", err)
		}
		rep.LLNull = ll
		if rep.LR, err = stderr.LikelihoodRatioStat(ll, res.LogLike, len(res.Estimates)-params); err != nil {
			return nil, err
		}
		if s.Model != "ols" {
			rep.PseudoR2 = 1 - res.LogLike/ll
		}
	}
	if prob.index != nil {
		opts, note := marginsOptions(d, prob.offset)
		if rep.Margins, err = stderr.AverageMarginalEffects(rep.Estimates, *prob.index, d.X, opts); err != nil {
			return nil, err
		}
		if note != "" {
			rep.Notes = append(rep.Notes, note)
		}
	}
	return rep, nil
}
