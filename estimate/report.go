package estimate

import (
	"encoding/json"
	"fmt"
	"html"
	"math"
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

// header returns the summary lines above the coefficient table.
func (r *Report) header() []string {
	res := r.Result
	lines := []string{
		fmt.Sprintf("Model: %s    Formula: %s", r.Spec.Model, r.Formula),
		fmt.Sprintf("Observations: %d (dropped for missing values: %d)    Parameters: %d", res.Observations(), r.Design.Dropped, len(res.Estimates)),
		fmt.Sprintf("Log-likelihood: %.6f    AIC: %.4f    BIC: %.4f", res.LogLike, r.AIC, r.BIC),
	}
	if o := r.OLS; o != nil {
		l := fmt.Sprintf("Least squares: R2 = %.4f    Adj R2 = %.4f    Root MSE = %.6g (residual df %d)", o.R2, o.AdjR2, o.RootMSE, o.DFResid)
		if o.F != nil {
			l += fmt.Sprintf("    F(%d, %d) = %.4f, Prob > F = %.4g", o.F.DF1, o.F.DF2, o.F.Stat, o.F.P)
		}
		lines = append(lines, l)
	}
	if !math.IsNaN(r.LLNull) {
		l := fmt.Sprintf("Null log-likelihood: %.6f    LR chi2(%d) = %.4f, Prob > chi2 = %.4g", r.LLNull, r.LR.DF, r.LR.Stat, r.LR.P)
		if r.Spec.Weights.Kind == SamplingWeights {
			// A ratio of pseudo-likelihoods is no likelihood-ratio test (Stata prints none).
			l = fmt.Sprintf("Null log pseudo-likelihood: %.6f", r.LLNull)
		}
		if !math.IsNaN(r.PseudoR2) {
			l += fmt.Sprintf("    Pseudo R2 = %.4f", r.PseudoR2)
		}
		lines = append(lines, l)
	}
	if r.Clusters != nil {
		g := map[int]bool{}
		for _, c := range r.Clusters {
			g[c] = true
		}
		lines = append(lines, fmt.Sprintf("Standard errors adjusted for %d clusters in %s.", len(g), r.Spec.Cluster))
	}
	lines = append(lines, fmt.Sprintf("Optimizer: %s, %s after %d iterations (%.3g s, %d backend calls); backend %s.",
		res.Method, res.Status, res.Iterations, res.Runtime.Seconds(), res.Calls, res.Backend))
	if !res.Status.Converged() {
		lines = append(lines, "WARNING: the optimizer did not converge ("+res.Reason+"); the estimates are the last iterate.")
	}
	return lines
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

// table returns the coefficient table as printed: Shown's, with the omitted regressors'
// rows and the report's notes.
func (r *Report) table() *stderr.Table {
	e := r.Shown
	if e == nil {
		e = r.Estimates
	}
	t := e.Table()
	if r.OLS != nil {
		t.Title = fmt.Sprintf("%s: least squares, t statistics on %d degrees of freedom (backend %s), N = %d", r.Spec.Model, e.DF, r.Result.Backend, r.Result.NumObs)
	}
	t.Rows = omittedRows(t.Rows, len(t.Columns), r.Design.Names, r.Omitted)
	t.Notes = append(t.Notes, r.Notes...)
	return t
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
// average marginal effects.
func (r *Report) String() string {
	var b strings.Builder
	for _, l := range r.header() {
		b.WriteString(l + "\n")
	}
	b.WriteString("\n" + r.table().String())
	if r.Margins != nil {
		b.WriteString("\n" + r.Margins.Table().String())
	}
	return b.String()
}

// HTML returns the summary as HTML, for notebooks.
func (r *Report) HTML() string {
	var b strings.Builder
	b.WriteString("<p>")
	for _, l := range r.header() {
		b.WriteString(html.EscapeString(l) + "<br>")
	}
	b.WriteString("</p>")
	b.WriteString(r.table().HTML())
	if r.Margins != nil {
		b.WriteString(r.Margins.Table().HTML())
	}
	return b.String()
}

// Coef is one row of a coefficient or marginal-effects table in the JSON report.
type Coef struct {
	Name                       string
	Value, SE, Z, P, Low, High float64
	// EForm marks a coefficient reported as exp(b) (Spec.EForm); Z and P are then b's.
	EForm bool `json:",omitempty"`
}

// jsonReport is the JSON form of a Report: every number the text summary prints, at full
// precision. Numbers that do not exist (no null model) are null.
type jsonReport struct {
	Model, Formula, Covariance, Method, Status, Reason, Backend string
	Observations, Dropped, Parameters, Iterations, Calls        int
	Converged                                                   bool
	LogLike                                                     float64
	LLNull, LRChi2, LRPValue, PseudoR2                          *float64
	LRDF                                                        *int
	AIC, BIC, Seconds                                           float64
	Level                                                       float64 // of the intervals Low, High
	// DF is the residual degrees of freedom when Z are t statistics (least squares); absent
	// for z statistics.
	DF int `json:",omitempty"`
	// EForm names the exponentiated coefficients ("Odds ratio"), when Spec.EForm.
	EForm        string `json:",omitempty"`
	Coefficients []Coef
	// Omitted are the regressors dropped because of collinearity; they have no coefficient.
	Omitted []string `json:",omitempty"`
	// OLS has least squares' statistics (ols without Spec.ML).
	OLS *OLSStats `json:",omitempty"`
	// MarginalEffects are labelled "outcome: variable" for a prediction with several
	// outcomes; MarginsOf names the prediction and MarginsAt the point ("" for averages).
	MarginalEffects      []Coef `json:",omitempty"`
	MarginsOf, MarginsAt string `json:",omitempty"`
	Notes                []string
	// Bootstrap has the bootstrap's replicate count and percentile intervals (Low and High
	// above are then normal-based), when the covariance is Bootstrap.
	Bootstrap *stderr.BootstrapSummary `json:",omitempty"`
	// Weights is KIND:COLUMN (fw:count) for a weighted fit, SumWeights their sum; Observations
	// counts what the rows stand for (Σ w under frequency weights) and Rows the rows used.
	Weights    string  `json:",omitempty"`
	SumWeights float64 `json:",omitempty"`
	Rows       int
}

// JSON returns the report as indented JSON.
func (r *Report) JSON() ([]byte, error) {
	res, e := r.Result, r.Shown
	if e == nil {
		e = r.Estimates
	}
	j := jsonReport{
		Model: r.Spec.Model, Formula: r.Formula, Covariance: e.Kind.String(), Method: res.Method, Status: res.Status.String(),
		Reason: res.Reason, Backend: res.Backend, Observations: res.Observations(), Rows: res.NumObs, Dropped: r.Design.Dropped,
		Parameters: len(res.Estimates), Iterations: res.Iterations, Calls: res.Calls, Converged: res.Status.Converged(),
		LogLike: res.LogLike, AIC: r.AIC, BIC: r.BIC, Seconds: res.Runtime.Seconds(), Level: e.Level, Notes: r.Notes,
		Bootstrap: e.Bootstrap, DF: e.DF, EForm: e.EForm, Omitted: r.Omitted, OLS: r.OLS,
	}
	if w := r.Spec.Weights; w.Column != "" {
		j.Weights, j.SumWeights = w.Kind.String()+":"+w.Column, res.SumWeights
	}
	if !math.IsNaN(r.LLNull) {
		j.LLNull = &r.LLNull
		if r.Spec.Weights.Kind != SamplingWeights {
			j.LRChi2, j.LRPValue, j.LRDF = &r.LR.Stat, &r.LR.P, &r.LR.DF
		}
	}
	if !math.IsNaN(r.PseudoR2) {
		j.PseudoR2 = &r.PseudoR2
	}
	for i, l := range e.Labels {
		j.Coefficients = append(j.Coefficients, Coef{l, e.Params[i], e.SE[i], e.Z[i], e.P[i], e.Lower[i], e.Upper[i], e.Exponentiated != nil && e.Exponentiated[i]})
	}
	if m := r.Margins; m != nil {
		j.MarginsOf, j.MarginsAt = m.Response, m.At
		for i, l := range m.Labels {
			if m.Outcomes[i] != "" {
				l = m.Outcomes[i] + ": " + l
			}
			j.MarginalEffects = append(j.MarginalEffects, Coef{Name: l, Value: m.Effect[i], SE: m.SE[i], Z: m.Z[i], P: m.P[i], Low: m.Lower[i], High: m.Upper[i]})
		}
	}
	return json.MarshalIndent(j, "", "  ")
}
