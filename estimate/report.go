package estimate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/stderr"
)

// Report is a fitted model with its inference, the content of a Stata or statsmodels summary.
type Report struct {
	// Spec is what was asked for; Formula the formula as parsed.
	Spec    Spec
	Formula string
	// NLS is the parsed formula of a nonlinear regression (NLS); nil for Fit.
	NLS *NLSFormula
	// Design holds the rows used: Y, X, the labels, and how many rows were dropped.
	Design *frame.Design
	// Result is the fit; Estimates the covariance of the kind Spec.Cov asked for, on the
	// linear scale, every parameter (for ols without Spec.ML: least squares, with t
	// statistics on Estimates.DF degrees of freedom).
	Result    *mlx.Result
	Estimates *stderr.Estimates
	// Shown are the estimates as the table prints them: Estimates without ols's σ (least
	// squares reports s = OLS.RootMSE instead), exponentiated for Spec.EForm (stderr's Exp).
	// Nil means Estimates.
	Shown *stderr.Estimates
	// OLS holds R², adjusted R², the F test and s for ols without Spec.ML; nil otherwise.
	OLS *OLSStats
	// Omitted names the regressors dropped because of collinearity, in formula order: they
	// have no row in Estimates, a row marked "(omitted)" in the printed tables and are listed
	// in the JSON's Omitted.
	Omitted []string
	// Clusters gives each row's cluster for cluster-robust errors; nil otherwise.
	Clusters []int
	// LLNull is the null log-likelihood (NaN when there is none: no intercept, or no
	// convergence), LR the likelihood-ratio test of all slopes against it, PseudoR2
	// McFadden's 1 − ℓ/ℓ₀ (NaN for ols, whose summary is R², and when there is no null).
	LLNull   float64
	LR       *stderr.ChiSquare
	PseudoR2 float64
	// AIC and BIC count every estimated parameter.
	AIC, BIC float64
	// Margins are the average marginal effects, for logit, probit, poisson and nbreg.
	Margins *stderr.Margins
	// Notes are model-specific remarks printed under the table.
	Notes []string

	// in and prob are the model's data and problem, for predictions; nil for NLS.
	in   *input
	prob *likelihoods.Problem
}

// checkChoices checks the covariance, cluster column and confidence level of a spec before
// any fit, and reports whether the covariance is a Cluster, whose groups come from the column.
func checkChoices(cov stderr.Covariance, column string, level float64) (cluster bool, err error) {
	if level != 0 && !(level > 0 && level < 1) {
		return false, fmt.Errorf("estimate: confidence level %v: want a value strictly between 0 and 1, such as 0.95 (0 means 0.95)", level)
	}
	c, cluster := cov.(stderr.Cluster)
	switch {
	case cluster && c.Groups != nil:
		return false, fmt.Errorf("estimate: stderr.Cluster with Groups: name the cluster column in Cluster instead, and the fit numbers the groups of the rows it keeps")
	case cluster && column == "":
		return false, fmt.Errorf("estimate: the cluster covariance names no column; set Cluster to the column that identifies the clusters")
	case !cluster && column != "":
		return false, fmt.Errorf("estimate: Cluster names column %q, but the covariance is %v; set Cov to stderr.Cluster{} for cluster-robust errors", column, covName(cov))
	}
	return cluster, nil
}

// covName names a covariance choice, nil being the default, OIM.
func covName(cov stderr.Covariance) string {
	if cov == nil {
		return stderr.OIM{}.String()
	}
	return cov.String()
}

// covariance returns the estimates with the covariance cov (nil: OIM) at the confidence level.
func covariance(res *mlx.Result, cov stderr.Covariance, level float64) (*stderr.Estimates, error) {
	if cov == nil {
		cov = stderr.OIM{}
	}
	return stderr.New(res, cov, &stderr.Settings{Level: level})
}

// groupCodes numbers the distinct values of a cluster column.
func groupCodes(vals []float64) []int {
	codes := make([]int, len(vals))
	index := map[float64]int{}
	for i, v := range vals {
		c, ok := index[v]
		if !ok {
			c = len(index)
			index[v] = c
		}
		codes[i] = c
	}
	return codes
}

// shown returns the estimates est as the table shows them for the spec: for least squares
// without σ, and for EForm with the parameters of the model's linear indices exponentiated.
func shown(est *stderr.Estimates, fam *likelihoods.Family, s Spec, leastSquares bool) (*stderr.Estimates, error) {
	m := est.Result.Model
	var rows []bool
	var coefs []int
	k := 0
	for _, b := range m.Blocks {
		index := slices.ContainsFunc(m.Indices, func(ix mlx.Index) bool { return ix.Block == b.Name })
		for range b.Size {
			rows = append(rows, index)
			if index {
				coefs = append(coefs, k)
			}
			k++
		}
	}
	out := est
	var err error
	if leastSquares {
		if out, err = out.Select(coefs...); err != nil {
			return nil, err
		}
		rows = rows[:len(coefs)] // the coefficients come first
	}
	if s.EForm {
		if out, err = out.Exp(fam.EForm, rows); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// baselines says what an exponentiated intercept estimates, by Family.EForm, as Stata 13's
// notes under an eform table do.
var baselines = map[string]string{"Odds ratio": "baseline odds", "RRR": "baseline relative risk", "IRR": "baseline incidence rate", "Haz. ratio": "baseline hazard"}

// eformNote explains an eform table: what each column holds, what the intercept estimates
// (when names has one) and that ancillary parameters stay as they are (when there are any).
func eformNote(name string, names []string, ancillary bool) string {
	note := fmt.Sprintf("%s = exp(coef), with SE exp(coef)·SE(coef) (delta method), the z and p of coef, and exp of coef's interval.", name)
	if slices.Contains(names, interceptName) {
		note += fmt.Sprintf(" %s estimates the %s.", interceptName, baselines[name])
	}
	if ancillary {
		note += " Ancillary parameters and cut points are not exponentiated."
	}
	return note
}

// countTrue counts the true entries of v.
func countTrue(v []bool) int {
	n := 0
	for _, b := range v {
		if b {
			n++
		}
	}
	return n
}

// omittedRows inserts a row "(omitted)" for each omitted regressor after the row of the
// nearest regressor before it in the design (in every equation, for a model with several),
// or at the top when no earlier regressor has a row.
func omittedRows(rows [][]string, width int, design, omitted []string) [][]string {
	if len(omitted) == 0 {
		return rows
	}
	// matches reports whether a row label is regressor name, alone or in an equation "eq: name".
	matches := func(label, name string) (prefix string, ok bool) {
		if label == name {
			return "", true
		}
		if strings.HasSuffix(label, ": "+name) {
			return strings.TrimSuffix(label, name), true
		}
		return "", false
	}
	row := func(label string) []string {
		cells := make([]string, width)
		cells[0], cells[1] = label, "(omitted)"
		return cells
	}
	after := map[string][]string{} // kept regressor → the omitted ones that follow it
	var top []string
	for _, o := range omitted {
		p := slices.Index(design, o)
		placed := false
		for q := p - 1; q >= 0 && !placed; q-- {
			if slices.Contains(omitted, design[q]) {
				continue
			}
			if slices.ContainsFunc(rows, func(r []string) bool { _, ok := matches(r[0], design[q]); return ok }) {
				after[design[q]] = append(after[design[q]], o)
				placed = true
			}
		}
		if !placed {
			top = append(top, o)
		}
	}
	var out [][]string
	for _, o := range top {
		out = append(out, row(o))
	}
	for _, r := range rows {
		out = append(out, r)
		for name, os := range after {
			if prefix, ok := matches(r[0], name); ok {
				for _, o := range os {
					out = append(out, row(prefix+o))
				}
			}
		}
	}
	return out
}

// String returns the summary as text: the header, the coefficient table, the notes and the
// marginal effects (Summary.String).
func (r *Report) String() string { return r.Summary().String() }

// HTML returns the summary as HTML, for notebooks (Summary.HTML).
func (r *Report) HTML() string { return r.Summary().HTML() }

// Markdown returns the summary as Markdown (Summary.Markdown).
func (r *Report) Markdown() string { return r.Summary().Markdown() }

// LaTeX returns the summary as LaTeX (Summary.LaTeX).
func (r *Report) LaTeX() string { return r.Summary().LaTeX() }
