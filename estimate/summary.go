package estimate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/gomle/gomle/internal/jsonnum"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/gonum/mat"
)

// SchemaVersion names the JSON schema of a Summary, the value of its Schema field. Within one
// version fields may be added, never removed or given another meaning; a reader should check
// Schema and may ignore fields it does not know. Load refuses any other version.
const SchemaVersion = "gomle.report/1"

// Summary is a fitted report as plain data: every number and label its printed forms show,
// with the covariance matrices, and nothing that needs the data or a backend. It is the JSON
// schema of a saved report (SchemaVersion, "gomle.report/1", documented field by field in
// docs/JSON.md), and the one source of the printed forms: a live Report prints itself through
// its Summary, so a Summary read back with Load prints byte for byte what the Report printed
// (String, HTML, Markdown, LaTeX). A Summary cannot refit, predict or recompute a covariance.
//
// In JSON, a number that does not exist (no null model, a NaN statistic) is null; it reads
// back as NaN, or as a nil pointer for the fields that are pointers. Field names are the Go
// names. Numbers are at full precision: Go writes the shortest decimal that reads back to the
// same float64.
type Summary struct {
	// Schema is SchemaVersion; readers should check it first.
	Schema string
	// Created is when the summary was made (the fit saved), RFC 3339 in UTC; Gomle the
	// version of the gomle module that made it, from the binary's build information ("(devel)"
	// for a build from a checkout; empty where the build has none).
	Created string `json:",omitempty"`
	Gomle   string `json:",omitempty"`

	// Model is the model's name as the command line and Spec.Model give it ("logit", "nls");
	// ModelName the likelihood's own name, which the table titles print ("negative binomial
	// (NB2)"); Formula the formula as parsed.
	Model, ModelName, Formula string
	// Covariance names the covariance estimator of Cov and of every standard error shown:
	// "OIM", "OPG", "Robust", "Sandwich", "Cluster", "Bootstrap", "Gauss-Newton", and for
	// least squares "OLS" (s²(XᵀX)⁻¹), "Robust (HC1)" or "Cluster".
	Covariance string
	// Method is the optimizer ("Newton"), Status why it stopped ("converged (gradient)"),
	// Converged whether that is convergence, Reason any detail, Backend the GoMLX backend.
	Method, Status, Reason, Backend string
	// Devices are the backend's devices the rows were sharded over; absent for one device.
	Devices   []int `json:",omitempty"`
	Converged bool
	// Observations is N, what the rows stand for (Σw under frequency weights); Rows the data
	// rows used; Dropped the rows left out for missing values; Parameters the number of
	// estimated parameters (σ and cut points included); Iterations and Calls the optimizer's
	// iterations and backend program runs; Seconds its wall time in seconds.
	Observations, Rows, Dropped, Parameters, Iterations, Calls int
	Seconds                                                    float64
	// Finishing counts the Newton steps that finished a quasi-Newton or BHHH run
	// (optim.Settings.NoFinish); absent for none.
	Finishing int `json:",omitempty"`
	// LogLike is the log-likelihood at the estimates (natural log; the pseudo-log-likelihood
	// under sampling weights). AIC = −2ℓ + 2p and BIC = −2ℓ + p·ln N.
	LogLike, AIC, BIC float64
	// LLNull is the intercept-only log-likelihood, null when there is none; LRChi2, LRDF and
	// LRPValue the likelihood-ratio test of all slopes against it (null under sampling weights,
	// where it is no likelihood ratio); PseudoR2 McFadden's 1 − ℓ/ℓ₀ (null for ols).
	LLNull, LRChi2, LRPValue, PseudoR2 *float64
	LRDF                               *int
	// Level is the confidence level of every interval, a fraction (0.95).
	Level float64
	// DF is the residual degrees of freedom when Coefficients' Z are t statistics (least
	// squares); absent for z statistics.
	DF int `json:",omitempty"`
	// EForm names the exponentiated coefficients ("Odds ratio", "IRR"), when the table shows
	// exp(b); each exponentiated row has EForm true.
	EForm string `json:",omitempty"`
	// Coefficients are the rows of the coefficient table, as shown: for least squares without
	// σ, for EForm exponentiated.
	Coefficients []Coef
	// Cov is the covariance of the Coefficients' values, in their order, on the scale shown
	// (for EForm, the delta method's D V D, D = diag(exp b) on the exponentiated rows): the
	// matrix the standard errors come from, SEᵢ = √Covᵢᵢ.
	Cov Matrix
	// Params and ParamsCov are every estimated parameter on the model's own scale with its
	// covariance (natural scale: σ, not log σ), present when the table shows something else:
	// under EForm (Params holds b, not exp b) and for least squares (Params adds σ).
	Params    []Coef `json:",omitempty"`
	ParamsCov Matrix `json:",omitempty"`
	// Regressors are the design's columns in formula order, those Omitted included; Omitted
	// are the regressors dropped because of collinearity, which have no coefficient.
	Regressors []string `json:",omitempty"`
	Omitted    []string `json:",omitempty"`
	// OLS has least squares' statistics (ols without the ML option).
	OLS *OLSStats `json:",omitempty"`
	// MarginalEffects are labelled "outcome: variable" for a prediction with several
	// outcomes; MarginsOf names the prediction and MarginsAt the point ("" for averages);
	// MarginsCov is their delta-method covariance, in their order.
	MarginalEffects      []Coef `json:",omitempty"`
	MarginsOf, MarginsAt string `json:",omitempty"`
	MarginsCov           Matrix `json:",omitempty"`
	// Notes are the remarks printed under the coefficient table; Warnings the fit's caveats
	// (reduced precision data).
	Notes    []string
	Warnings []string `json:",omitempty"`
	// Bootstrap has the bootstrap's replicate count and percentile intervals (on the scale
	// shown; the Coefficients' Low and High are then normal-based), when Covariance is
	// "Bootstrap".
	Bootstrap *stderr.BootstrapSummary `json:",omitempty"`
	// Weights is KIND:COLUMN (fw:count, pw:wt, aw:pop) for a weighted fit, SumWeights the sum
	// of the weights over the rows used.
	Weights    string  `json:",omitempty"`
	SumWeights float64 `json:",omitempty"`
	// Clusters is the number of clusters of a cluster-robust covariance, in the column
	// Options.Cluster.
	Clusters int `json:",omitempty"`
	// Options are the spec's options that shaped the fit besides those above.
	Options SummaryOptions
}

// SummaryOptions are the options of the Spec a Summary was fitted with, as the command line
// names them; empty ones are left out of the JSON. The covariance, level, weights and method
// are Summary's own fields.
type SummaryOptions struct {
	// Offset, Exposure, Group, Failure and Cluster name the columns of Spec's fields.
	Offset, Exposure, Group, Failure, Cluster string `json:",omitempty"`
	// Base is mlogit's base outcome, Lower and Upper tobit's censoring limits.
	Base, Lower, Upper *float64 `json:",omitempty"`
	// EForm and ML are Spec's flags; Predict, AtMeans and NoMargins Spec.Margins'.
	EForm, ML          bool   `json:",omitempty"`
	Predict            string `json:",omitempty"`
	AtMeans, NoMargins bool   `json:",omitempty"`
}

// Coef is one row of a coefficient or marginal-effects table: the value, its standard error,
// its z (or t) statistic and two-sided p-value, and the confidence interval [Low, High] at
// the summary's Level. In JSON a number that does not exist is null, and reads back as NaN.
type Coef struct {
	Name                       string
	Value, SE, Z, P, Low, High float64
	// EForm marks a coefficient reported as exp(b) (Spec.EForm); Z and P are then b's.
	EForm bool `json:",omitempty"`
}

// coefJSON is Coef in JSON, with null for NaN and infinite numbers.
type coefJSON struct {
	Name                       string
	Value, SE, Z, P, Low, High *float64
	EForm                      bool `json:",omitempty"`
}

// MarshalJSON writes the row with null for a NaN or infinite number.
func (c Coef) MarshalJSON() ([]byte, error) {
	n := jsonnum.Num
	return json.Marshal(coefJSON{c.Name, n(c.Value), n(c.SE), n(c.Z), n(c.P), n(c.Low), n(c.High), c.EForm})
}

// UnmarshalJSON reads the row, with NaN for null.
func (c *Coef) UnmarshalJSON(b []byte) error {
	var j coefJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	v := jsonnum.Value
	*c = Coef{j.Name, v(j.Value), v(j.SE), v(j.Z), v(j.P), v(j.Low), v(j.High), j.EForm}
	return nil
}

// Matrix is a matrix as rows, a covariance in a Summary. In JSON it is an array of rows, with
// null for a NaN or infinite entry, which reads back as NaN.
type Matrix [][]float64

// MarshalJSON writes the rows with null for NaN and infinite entries.
func (m Matrix) MarshalJSON() ([]byte, error) {
	if m == nil {
		return []byte("null"), nil
	}
	rows := make([][]*float64, len(m))
	for i, r := range m {
		rows[i] = jsonnum.Vec(r)
	}
	return json.Marshal(rows)
}

// UnmarshalJSON reads the rows, with NaN for null.
func (m *Matrix) UnmarshalJSON(b []byte) error {
	var rows [][]*float64
	if err := json.Unmarshal(b, &rows); err != nil {
		return err
	}
	if rows == nil {
		*m = nil
		return nil
	}
	*m = make(Matrix, len(rows))
	for i, r := range rows {
		(*m)[i] = jsonnum.Values(r)
	}
	return nil
}

// Sym returns the matrix as a gonum symmetric matrix (its upper triangle), or nil when it is
// empty or not square.
func (m Matrix) Sym() *mat.SymDense {
	n := len(m)
	if n == 0 {
		return nil
	}
	out := mat.NewSymDense(n, nil)
	for i, r := range m {
		if len(r) != n {
			return nil
		}
		for j := i; j < n; j++ {
			out.SetSym(i, j, r[j])
		}
	}
	return out
}

// matrixOf copies a gonum matrix into rows.
func matrixOf(a mat.Matrix) Matrix {
	r, c := a.Dims()
	out := make(Matrix, r)
	for i := range r {
		out[i] = make([]float64, c)
		for j := range c {
			out[i][j] = a.At(i, j)
		}
	}
	return out
}

// coefs returns the rows of e's table.
func coefs(e *stderr.Estimates) []Coef {
	out := make([]Coef, len(e.Labels))
	for i, l := range e.Labels {
		out[i] = Coef{l, e.Params[i], e.SE[i], e.Z[i], e.P[i], e.Lower[i], e.Upper[i], e.Exponentiated != nil && e.Exponentiated[i]}
	}
	return out
}

// Summary returns the report as plain data, the content of its JSON (see Summary). Each
// call builds a new one, stamped with the time of the call.
func (r *Report) Summary() *Summary {
	res, e := r.Result, r.Shown
	if e == nil {
		e = r.Estimates
	}
	s := &Summary{
		Schema: SchemaVersion, Created: time.Now().UTC().Format(time.RFC3339), Gomle: moduleVersion(),
		Model: r.Spec.Model, ModelName: res.Model.Name, Formula: r.Formula, Covariance: e.Kind.String(),
		Method: res.Method, Status: res.Status.String(), Converged: res.Status.Converged(), Reason: res.Reason, Backend: res.Backend, Devices: res.Devices,
		Observations: res.Observations(), Rows: res.NumObs, Dropped: r.Design.Dropped, Parameters: len(res.Estimates),
		Iterations: res.Iterations, Finishing: res.Finishing, Calls: res.Calls, Seconds: res.Runtime.Seconds(),
		LogLike: res.LogLike, AIC: r.AIC, BIC: r.BIC, Level: e.Level, DF: e.DF, EForm: e.EForm,
		Coefficients: coefs(e), Cov: matrixOf(e.Cov), Regressors: r.Design.Names, Omitted: r.Omitted, OLS: r.OLS,
		Notes: r.Notes, Warnings: res.Warnings, Bootstrap: e.Bootstrap,
	}
	if e != r.Estimates {
		s.Params, s.ParamsCov = coefs(r.Estimates), matrixOf(r.Estimates.Cov)
	}
	if w := r.Spec.Weights; w.Column != "" {
		s.Weights, s.SumWeights = w.Kind.String()+":"+w.Column, res.SumWeights
	}
	if !math.IsNaN(r.LLNull) {
		s.LLNull = jsonnum.Num(r.LLNull)
		if r.Spec.Weights.Kind != SamplingWeights {
			df := r.LR.DF
			s.LRChi2, s.LRPValue, s.LRDF = jsonnum.Num(r.LR.Stat), jsonnum.Num(r.LR.P), &df
		}
	}
	s.PseudoR2 = jsonnum.Num(r.PseudoR2)
	if m := r.Margins; m != nil {
		s.MarginsOf, s.MarginsAt, s.MarginsCov = m.Response, m.At, matrixOf(m.Cov)
		for i, l := range m.Labels {
			if m.Outcomes[i] != "" {
				l = m.Outcomes[i] + ": " + l
			}
			s.MarginalEffects = append(s.MarginalEffects, Coef{Name: l, Value: m.Effect[i], SE: m.SE[i], Z: m.Z[i], P: m.P[i], Low: m.Lower[i], High: m.Upper[i]})
		}
	}
	if r.Clusters != nil {
		g := map[int]bool{}
		for _, c := range r.Clusters {
			g[c] = true
		}
		s.Clusters = len(g)
	}
	sp := r.Spec
	s.Options = SummaryOptions{Offset: sp.Offset, Exposure: sp.Exposure, Group: sp.Group, Failure: sp.Failure, Cluster: sp.Cluster,
		Base: sp.Options.Base, Lower: sp.Options.Lower, Upper: sp.Options.Upper, EForm: sp.EForm, ML: sp.ML,
		Predict: sp.Margins.Predict, AtMeans: sp.Margins.AtMeans, NoMargins: sp.Margins.Off}
	return s
}

// Summary returns s itself, so that a loaded summary goes wherever a Report's does (Compare).
func (s *Summary) Summary() *Summary { return s }

// Summarizer is what Compare takes: a live *Report or a *Summary read back with Load.
type Summarizer interface {
	Summary() *Summary
}

var (
	_ Summarizer = (*Report)(nil)
	_ Summarizer = (*Summary)(nil)
)

// JSON returns the report's Summary as indented JSON (schema SchemaVersion, docs/JSON.md).
func (r *Report) JSON() ([]byte, error) { return r.Summary().JSON() }

// MarshalJSON writes the report's Summary, so that json.Marshal of a *Report gives the
// schema of docs/JSON.md.
func (r *Report) MarshalJSON() ([]byte, error) { return json.Marshal(r.Summary()) }

// JSON returns the summary as indented JSON, with <, > and & written as they are.
func (s *Summary) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Load reads a report saved as JSON (Report.JSON, the command line's -json) and returns its
// Summary, which prints as the report did. It returns an error for input that is not JSON, has
// no Schema field, or has a schema other than SchemaVersion.
func Load(r io.Reader) (*Summary, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("estimate: Load: %w", err)
	}
	var head struct{ Schema *string }
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, fmt.Errorf("estimate: Load: not a JSON report: %w", err)
	}
	switch {
	case head.Schema == nil:
		return nil, fmt.Errorf("estimate: Load: no Schema field: not a gomle report, or one saved before reports had a schema version (want %q)", SchemaVersion)
	case *head.Schema != SchemaVersion:
		return nil, fmt.Errorf("estimate: Load: schema %q, this gomle reads %q", *head.Schema, SchemaVersion)
	}
	s := &Summary{}
	if err := json.Unmarshal(raw, s); err != nil {
		return nil, fmt.Errorf("estimate: Load: %w", err)
	}
	if len(s.Cov) != len(s.Coefficients) {
		return nil, fmt.Errorf("estimate: Load: the covariance has %d rows for %d coefficients", len(s.Cov), len(s.Coefficients))
	}
	return s, nil
}

// LoadFile reads a report saved as JSON from the named file, as Load does.
func LoadFile(name string) (*Summary, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("estimate: %w", err)
	}
	defer f.Close()
	s, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, name)
	}
	return s, nil
}

// moduleVersion returns the version of the gomle module in the running binary's build
// information, or "" when there is none.
var moduleVersion = sync.OnceValue(func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	const path = "github.com/gomle/gomle"
	if info.Main.Path == path {
		return info.Main.Version
	}
	for _, d := range info.Deps {
		if d.Path == path {
			return d.Version
		}
	}
	return ""
})

// header returns the summary lines above the coefficient table.
func (s *Summary) header() []string {
	lines := []string{
		fmt.Sprintf("Model: %s    Formula: %s", s.Model, s.Formula),
		fmt.Sprintf("Observations: %d (dropped for missing values: %d)    Parameters: %d", s.Observations, s.Dropped, s.Parameters),
		fmt.Sprintf("Log-likelihood: %.6f    AIC: %.4f    BIC: %.4f", s.LogLike, s.AIC, s.BIC),
	}
	if o := s.OLS; o != nil {
		l := fmt.Sprintf("Least squares: R2 = %.4f    Adj R2 = %.4f    Root MSE = %.6g (residual df %d)", o.R2, o.AdjR2, o.RootMSE, o.DFResid)
		if o.F != nil {
			l += fmt.Sprintf("    F(%d, %d) = %.4f, Prob > F = %.4g", o.F.DF1, o.F.DF2, o.F.Stat, o.F.P)
		}
		lines = append(lines, l)
	}
	if s.LLNull != nil {
		var l string
		if s.LRChi2 != nil && s.LRDF != nil {
			l = fmt.Sprintf("Null log-likelihood: %.6f    LR chi2(%d) = %.4f, Prob > chi2 = %.4g", *s.LLNull, *s.LRDF, *s.LRChi2, jsonnum.Value(s.LRPValue))
		} else {
			// A ratio of pseudo-likelihoods is no likelihood-ratio test (Stata prints none).
			l = fmt.Sprintf("Null log pseudo-likelihood: %.6f", *s.LLNull)
		}
		if s.PseudoR2 != nil {
			l += fmt.Sprintf("    Pseudo R2 = %.4f", *s.PseudoR2)
		}
		lines = append(lines, l)
	}
	if s.Clusters > 0 {
		lines = append(lines, fmt.Sprintf("Standard errors adjusted for %d clusters in %s.", s.Clusters, s.Options.Cluster))
	}
	backend := s.Backend
	if len(s.Devices) > 1 {
		backend += fmt.Sprintf(", rows sharded over devices %v", s.Devices)
	}
	finishing := ""
	if s.Finishing > 0 {
		finishing = fmt.Sprintf(" and %d finishing Newton step(s)", s.Finishing)
	}
	lines = append(lines, fmt.Sprintf("Optimizer: %s, %s after %d iterations%s (%.3g s, %d backend calls); backend %s.",
		s.Method, s.Status, s.Iterations, finishing, s.Seconds, s.Calls, backend))
	if !s.Converged {
		lines = append(lines, "WARNING: the optimizer did not converge ("+s.Reason+"); the estimates are the last iterate.")
	}
	return lines
}

// table returns the coefficient table as printed: the rows shown, the omitted regressors'
// rows, and the notes of stderr's tables followed by the report's.
func (s *Summary) table() *stderr.Table {
	labels, value, se, z, p, lo, hi := columnsOf(s.Coefficients)
	head := "coef"
	if s.EForm != "" {
		head = s.EForm
	}
	t := stderr.InferenceTable(head, s.Level, s.DF, labels, value, se, z, p, lo, hi)
	if s.OLS != nil {
		t.Title = fmt.Sprintf("%s: least squares, t statistics on %d degrees of freedom (backend %s), N = %d", s.Model, s.DF, s.Backend, s.Rows)
	} else {
		t.Title = fmt.Sprintf("%s: maximum likelihood, %s (backend %s), N = %d", s.ModelName, s.Method, s.Backend, s.Observations)
	}
	t.Notes = stderr.FitNotes(stderr.FitFacts{LogLike: s.LogLike, Status: s.Status, Converged: s.Converged, Reason: s.Reason,
		Iterations: s.Iterations, Covariance: s.Covariance, Weights: s.weightKind(), Rows: s.Rows, Observations: s.Observations,
		SumWeights: s.SumWeights, Warnings: s.Warnings, Bootstrap: s.Bootstrap, Labels: labels, Values: value, Level: s.Level})
	t.Rows = omittedRows(t.Rows, len(t.Columns), s.Regressors, s.Omitted)
	t.Notes = append(t.Notes, s.Notes...)
	return t
}

// weightKind returns the engine's kind of the summary's weights: frequency weights count
// cases, sampling and analytic weights are both normalized weights.
func (s *Summary) weightKind() mlx.WeightKind {
	switch {
	case s.Weights == "":
		return mlx.Unweighted
	case strings.HasPrefix(s.Weights, FrequencyWeights.String()+":"):
		return mlx.Frequency
	}
	return mlx.Sampling
}

// marginsTable returns the marginal effects' table, or nil when there are none.
func (s *Summary) marginsTable() *stderr.Table {
	if len(s.MarginalEffects) == 0 {
		return nil
	}
	labels, value, se, z, p, lo, hi := columnsOf(s.MarginalEffects)
	t := stderr.InferenceTable("dy/dx", s.Level, s.DF, labels, value, se, z, p, lo, hi)
	kind := "Average marginal effects"
	if s.MarginsAt != "" {
		kind = "Marginal effects at " + s.MarginsAt
	}
	t.Title = fmt.Sprintf("%s on %s (%s, covariance %s), N = %d", kind, s.MarginsOf, s.ModelName, s.Covariance, s.Rows)
	t.Notes = []string{"Delta-method standard errors. Factor levels: discrete change from the reference level; other variables: derivative, through every column the variable enters."}
	return t
}

// columnsOf splits rows into the columns of stderr.InferenceTable.
func columnsOf(rows []Coef) (labels []string, value, se, z, p, lo, hi []float64) {
	for _, c := range rows {
		labels = append(labels, c.Name)
		value, se, z, p = append(value, c.Value), append(se, c.SE), append(z, c.Z), append(p, c.P)
		lo, hi = append(lo, c.Low), append(hi, c.High)
	}
	return labels, value, se, z, p, lo, hi
}

// tables returns the coefficient table and, when there are marginal effects, theirs.
func (s *Summary) tables() []*stderr.Table {
	out := []*stderr.Table{s.table()}
	if m := s.marginsTable(); m != nil {
		out = append(out, m)
	}
	return out
}

// String returns the summary as text: the header, the coefficient table, the notes and the
// marginal effects.
func (s *Summary) String() string {
	var b strings.Builder
	for _, l := range s.header() {
		b.WriteString(l + "\n")
	}
	for _, t := range s.tables() {
		b.WriteString("\n" + t.String())
	}
	return b.String()
}

// HTML returns the summary as HTML, for notebooks.
func (s *Summary) HTML() string {
	var b strings.Builder
	b.WriteString("<p>")
	for _, l := range s.header() {
		b.WriteString(html.EscapeString(l) + "<br>")
	}
	b.WriteString("</p>")
	for _, t := range s.tables() {
		b.WriteString(t.HTML())
	}
	return b.String()
}

// Markdown returns the summary as Markdown: the header lines (with hard line breaks), then
// each table as stderr.Table.Markdown writes it.
func (s *Summary) Markdown() string {
	var b strings.Builder
	for _, l := range s.header() {
		b.WriteString(stderr.MarkdownEscape(l) + "  \n")
	}
	for _, t := range s.tables() {
		b.WriteString("\n" + t.Markdown())
	}
	return b.String()
}

// LaTeX returns the summary as LaTeX: the header lines as a paragraph, then each table as
// stderr.Table.LaTeX writes it (booktabs rules; see there for the packages needed).
func (s *Summary) LaTeX() string {
	var b strings.Builder
	b.WriteString("\\noindent\n")
	for _, l := range s.header() {
		b.WriteString(stderr.LaTeXEscape(l) + "\\\\\n")
	}
	for _, t := range s.tables() {
		b.WriteString("\n" + t.LaTeX())
	}
	return b.String()
}
