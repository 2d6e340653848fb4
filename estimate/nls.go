package estimate

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
	"github.com/gomlx/gomlx/backends"
)

// NLSSpec describes a nonlinear regression yᵢ = f(xᵢ, b) + εᵢ with normal errors.
type NLSSpec struct {
	// Formula is "LHS ~ RHS": LHS the response (a column, or an expression of columns), RHS
	// the mean, an expression (see package expr) whose variables are data columns, when the
	// frame has a column of that name, and parameters otherwise. NLS parses it (ParseNLS);
	// NLSFormula.Fit, which has it parsed, takes it empty.
	Formula string
	// Start gives every parameter's start value. Nonlinear models have no safe default
	// start, so each parameter must have one.
	Start map[string]float64
	// Cov and Cluster are as in Spec (nil Cov: OIM), and Cov may also be stderr.GaussNewton{},
	// the Gauss–Newton covariance s²(JᵀJ)⁻¹, s² = RSS/(n−p), that NIST certifies and R's nls
	// reports: NLS fills in its Jacobian and residual sum of squares at the estimates.
	Cov     stderr.Covariance
	Cluster string
	// Method is as in Spec, but nil means optim.TrustRegion.
	Method optim.Method
	// Level is the confidence level of the intervals, as in Spec: 0 means 0.95.
	Level float64
	// Settings go to mlx.Fit; Settings.Start is built from Start. With the default Method,
	// MaxIterations 0 means 5000 trial steps (NLSMaxIterations) instead of optim's 1000.
	Settings mlx.Settings
}

// NLSMaxIterations is the default cap on the trust region's trial steps in NLS. A far start
// can leave the iterates creeping along a curved valley for thousands of cheap steps before
// the quadratic convergence sets in: NIST's MGH10 from its first start, b = (2, 400000,
// 25000) against the certified (0.0056096, 6181.3, 345.22), first drifts to b₁ ≈ 10⁻¹⁷ and
// takes 2365 trial steps in all, where optim's default of 1000 stopped it with no correct
// digit. A fit that converges sooner is unaffected; one that cannot converge costs more.
const NLSMaxIterations = 5000

// NLS fits the nonlinear regression by maximum likelihood, on the rows of f with no missing
// value in the columns the formula uses (listwise deletion). The parameters are ordered by
// name, with numeric suffixes in numeric order (b2 before b10), and followed by σ, whose
// maximum likelihood estimate is √(SSR/n). It parses s.Formula once (ParseNLS) and fits it
// (NLSFormula.Fit); the Report keeps the parsed formula. NLS is NLSContext with a context that
// is never canceled.
func NLS(b backends.Backend, f *frame.Frame, s NLSSpec) (*Report, error) {
	return NLSContext(context.Background(), b, f, s)
}

// NLSContext is NLS under a context, as FitContext is Fit.
func NLSContext(ctx context.Context, b backends.Backend, f *frame.Frame, s NLSSpec) (*Report, error) {
	nf, err := ParseNLS(s.Formula, f)
	if err != nil {
		return nil, err
	}
	return nf.FitContext(ctx, b, f, s)
}

// Fit fits the regression to the rows of f as NLS does, with the settings of s; s.Formula may
// be empty, and otherwise must be the text nf was parsed from. The Gauss–Newton covariance
// (s.Cov stderr.GaussNewton{}) is computed at the estimates on the rows used, with J from the
// same mean graph the fit differentiates.
func (nf *NLSFormula) Fit(b backends.Backend, f *frame.Frame, s NLSSpec) (*Report, error) {
	return nf.FitContext(context.Background(), b, f, s)
}

// FitContext is Fit under a context, as FitContext is Fit.
func (nf *NLSFormula) FitContext(ctx context.Context, b backends.Backend, f *frame.Frame, s NLSSpec) (*Report, error) {
	if f == nil {
		return nil, fmt.Errorf("estimate: no data")
	}
	if s.Formula != "" && s.Formula != nf.text {
		return nil, fmt.Errorf("estimate: NLSSpec.Formula %q is not the formula being fitted, %q; leave it empty", s.Formula, nf.text)
	}
	gn, isGN := s.Cov.(stderr.GaussNewton)
	if isGN && (gn.J != nil || gn.RSS != 0) {
		return nil, fmt.Errorf("estimate: NLS computes the Gauss–Newton Jacobian and RSS at the estimates itself; give Cov stderr.GaussNewton{}")
	}
	isCluster, err := checkChoices(s.Cov, s.Cluster, s.Level)
	if err != nil {
		return nil, err
	}
	method := s.Method
	settings := s.Settings
	if method == nil {
		// Nonlinear least squares needs a scale-free stop and safeguarded steps: with them,
		// and room for NLSMaxIterations trial steps, every NIST StRD problem shipped in
		// data/nist converges from both starts (docs/NIST.md).
		method = &optim.TrustRegion{}
		if settings.MaxIterations == 0 {
			settings.MaxIterations = NLSMaxIterations
		}
	}
	params := nf.Params
	for _, p := range params {
		if _, ok := s.Start[p]; !ok {
			return nil, fmt.Errorf("estimate: parameter %s has no start value (give -start %s=VALUE); if %s is meant to be a data column, the data have none of that name (columns: %s)",
				p, p, p, strings.Join(f.Names(), ", "))
		}
	}
	var extra []string
	for name := range s.Start {
		if !slices.Contains(params, name) {
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return nil, fmt.Errorf("estimate: start values for %s, which the mean %s does not use as parameters (parameters: %s)",
			strings.Join(extra, ", "), nf.Mean, strings.Join(params, ", "))
	}

	// The rows to use: complete in the formula's columns and the cluster column.
	columns := map[string][]float64{}
	for _, name := range append(slices.Clone(nf.Vars), s.Cluster) {
		if name == "" {
			continue
		}
		col, err := f.Column(name)
		if err != nil {
			return nil, fmt.Errorf("estimate: nls: %w", err)
		}
		columns[name] = col
	}
	d, kept := completeRows(f.Len(), columns)
	if len(kept) == 0 {
		return nil, fmt.Errorf("estimate: no complete rows to fit (%d dropped for missing values)", d.Dropped)
	}
	n := len(kept)
	var sub map[string][]float64
	if d.Y, sub, err = nf.data(f, kept); err != nil {
		return nil, err
	}
	for i, y := range d.Y {
		if !isFinite(y) {
			return nil, fmt.Errorf("estimate: nls needs the response %s to be finite; data row %d has %g", nf.Response, d.Rows[i]+1, y)
		}
	}
	d.Names = params
	start, err := nlsStart(nf, s.Start, sub, d)
	if err != nil {
		return nil, err
	}

	model := likelihoods.NLS(params, nf.meanGraph)
	ds, err := nf.dataset(d.Y, sub)
	if err != nil {
		return nil, err
	}
	settings.Start = start
	res, err := mlx.FitContext(ctx, b, model, ds, &settings, method)
	if err != nil {
		return nil, err
	}
	spec := Spec{Model: "nls", Formula: nf.text, Cov: s.Cov, Cluster: s.Cluster, Method: s.Method, Level: s.Level}
	rep := &Report{Spec: spec, Formula: nf.String(), NLS: nf, Design: d, Result: res,
		LLNull: math.NaN(), PseudoR2: math.NaN(), AIC: stderr.AIC(res), BIC: stderr.BIC(res)}
	cov := s.Cov
	switch {
	case isCluster:
		rep.Clusters = groupCodes(pick(columns[s.Cluster], kept))
		cov = stderr.Cluster{Groups: rep.Clusters}
	case isGN:
		if cov, err = nf.gaussNewton(b, ds, d.Y, sub, res.Estimates[:len(params)]); err != nil {
			return nil, err
		}
	}
	if rep.Estimates, err = covariance(res, cov, s.Level); err != nil {
		var note string
		if rep.Estimates, note, err = lastIterate(res, cov, s.Level, err); err != nil {
			return nil, err
		}
		rep.Notes = append(rep.Notes, note)
	}
	ssr := float64(n) * res.Estimates[len(res.Estimates)-1] * res.Estimates[len(res.Estimates)-1]
	rep.Notes = append(rep.Notes, fmt.Sprintf("Residual sum of squares %.10g; residual standard deviation √(SSR/(n−p)) = %.6g (sigma is the MLE √(SSR/n)).",
		ssr, math.Sqrt(ssr/float64(n-len(params)))))
	return rep, nil
}

// pick returns the values of col at the given rows.
func pick(col []float64, rows []int) []float64 {
	out := make([]float64, len(rows))
	for i, r := range rows {
		out[i] = col[r]
	}
	return out
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// completeRows returns a design recording which of the n rows have no NaN in columns (in
// Rows, with Dropped counting the others), and those rows.
func completeRows(n int, columns map[string][]float64) (*frame.Design, []int) {
	d := &frame.Design{}
	var kept []int
	for i := range n {
		ok := true
		for _, col := range columns {
			if math.IsNaN(col[i]) {
				ok = false
				break
			}
		}
		if ok {
			kept = append(kept, i)
		} else {
			d.Dropped++
		}
	}
	d.Rows = kept
	return d, kept
}

// nlsStart returns the start vector: the given parameter values, then σ as the root mean
// squared residual at them. It returns an error naming the first row where the mean is not
// finite at the start.
func nlsStart(nf *NLSFormula, values map[string]float64, data map[string][]float64, d *frame.Design) ([]float64, error) {
	start := make([]float64, 0, len(nf.Params)+1)
	for _, p := range nf.Params {
		start = append(start, values[p])
	}
	mean, err := nf.meanAt(data, len(d.Y), start)
	if err != nil {
		return nil, err
	}
	ssr := 0.0
	for i, m := range mean {
		if !isFinite(m) {
			return nil, fmt.Errorf("estimate: the mean %s is %g at the start values in data row %d; choose other start values", nf.Mean, m, d.Rows[i]+1)
		}
		ssr += (d.Y[i] - m) * (d.Y[i] - m)
	}
	sigma := math.Sqrt(ssr / float64(len(d.Y)))
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		sigma = 1
	}
	return append(start, sigma), nil
}

// sortNatural sorts names with trailing numbers in numeric order: b1, b2, b10.
func sortNatural(names []string) {
	split := func(s string) (string, int) {
		i := len(s)
		for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
			i--
		}
		n, err := strconv.Atoi(s[i:])
		if err != nil {
			return s, -1
		}
		return s[:i], n
	}
	sort.Slice(names, func(i, j int) bool {
		a, an := split(names[i])
		b, bn := split(names[j])
		if a != b {
			return a < b
		}
		return an < bn
	})
}
