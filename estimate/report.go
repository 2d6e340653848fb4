package estimate

import (
	"encoding/json"
	"fmt"
	"html"
	"math"
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
	// Result is the fit; Estimates the covariance of the kind Spec.Cov asked for.
	Result    *mlx.Result
	Estimates *stderr.Estimates
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

// String returns the summary as text: the header, the coefficient table, the notes and the
// average marginal effects.
func (r *Report) String() string {
	var b strings.Builder
	for _, l := range r.header() {
		b.WriteString(l + "\n")
	}
	t := r.Estimates.Table()
	t.Notes = append(t.Notes, r.Notes...)
	b.WriteString("\n" + t.String())
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
	t := r.Estimates.Table()
	t.Notes = append(t.Notes, r.Notes...)
	b.WriteString(t.HTML())
	if r.Margins != nil {
		b.WriteString(r.Margins.Table().HTML())
	}
	return b.String()
}

// Coef is one row of a coefficient or marginal-effects table in the JSON report.
type Coef struct {
	Name                       string
	Value, SE, Z, P, Low, High float64
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
	Coefficients                                                []Coef
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
	res, e := r.Result, r.Estimates
	j := jsonReport{
		Model: r.Spec.Model, Formula: r.Formula, Covariance: e.Kind.String(), Method: res.Method, Status: res.Status.String(),
		Reason: res.Reason, Backend: res.Backend, Observations: res.Observations(), Rows: res.NumObs, Dropped: r.Design.Dropped,
		Parameters: len(res.Estimates), Iterations: res.Iterations, Calls: res.Calls, Converged: res.Status.Converged(),
		LogLike: res.LogLike, AIC: r.AIC, BIC: r.BIC, Seconds: res.Runtime.Seconds(), Level: e.Level, Notes: r.Notes,
		Bootstrap: e.Bootstrap,
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
		j.Coefficients = append(j.Coefficients, Coef{l, e.Params[i], e.SE[i], e.Z[i], e.P[i], e.Lower[i], e.Upper[i]})
	}
	if m := r.Margins; m != nil {
		j.MarginsOf, j.MarginsAt = m.Response, m.At
		for i, l := range m.Labels {
			if m.Outcomes[i] != "" {
				l = m.Outcomes[i] + ": " + l
			}
			j.MarginalEffects = append(j.MarginalEffects, Coef{l, m.Effect[i], m.SE[i], m.Z[i], m.P[i], m.Lower[i], m.Upper[i]})
		}
	}
	return json.MarshalIndent(j, "", "  ")
}
