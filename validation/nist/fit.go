package nist

import (
	"fmt"
	"math"
	"strings"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/stderr"
	"github.com/gomlx/gomlx/backends"
)

// Outcome is one fit of a Problem from one of its starts, scored against the certified values.
type Outcome struct {
	// Problem is the problem fitted and Start the start vector used, 1 or 2.
	Problem *Problem
	Start   int
	// Report is the estimate.NLS report; nil when the estimates came from elsewhere (Assess).
	Report *estimate.Report
	// Estimates holds the estimated mean parameters, in the order of Problem.Params.
	Estimates []float64
	// LRE holds the log relative error of each estimate against the certified value.
	LRE []float64
	// RSS and ResidualSD = √(RSS/DF) are computed on the host at the estimates; RSSLRE and
	// ResidualSDLRE score them against the certified values.
	RSS, ResidualSD       float64
	RSSLRE, ResidualSDLRE float64
	// GaussNewton holds the fit's estimates with the Gauss–Newton covariance s²(JᵀJ)⁻¹
	// (stderr.GaussNewton), whose standard errors, the first len(Problem.Params) entries of SE,
	// NIST certifies; SELRE scores them against Problem.CertifiedSD. Both are nil when the
	// estimates came from elsewhere.
	GaussNewton *stderr.Estimates
	SELRE       []float64
	// OIMSE holds the observed-information standard errors of the fit (stderr.Hessian: the
	// inverse of the exact Hessian of the log-likelihood), times √(n/(n−p)) to turn σ̂² = RSS/n into
	// s² = RSS/(n−p). They differ from the certified ones by the curvature term Σ rᵢ∇²fᵢ.
	OIMSE []float64
}

// GaussNewton returns the Gauss–Newton covariance of p's parameters at est (in the order of
// Params), on all its observations (estimate.NLSFormula.GaussNewton): its J, RSS and Cov. At
// the certified values its standard errors are NIST's certified standard deviations.
func (p *Problem) GaussNewton(b backends.Backend, est []float64) (stderr.GaussNewton, error) {
	if len(est) != len(p.Params) {
		return stderr.GaussNewton{}, fmt.Errorf("nist: %s has %d parameters, got %d values", p.Name, len(p.Params), len(est))
	}
	gn, err := p.NLS.GaussNewton(b, p.Data, est, nil)
	if err != nil {
		return stderr.GaussNewton{}, fmt.Errorf("nist: %s: %w", p.Name, err)
	}
	return gn, nil
}

// MinLRE returns the smallest LRE over the parameters.
func (o *Outcome) MinLRE() float64 {
	m := math.Inf(1)
	for _, v := range o.LRE {
		m = math.Min(m, v)
	}
	return m
}

// Fit fits p from start 1 or 2 with its parsed formula (Problem.NLS, as estimate.NLS would)
// and scores the result. spec supplies everything but the formula and the start, which Fit
// fills in; its zero value means estimate.NLS's defaults. It also computes the Gauss–Newton
// and rescaled observed-information standard errors.
//
// Fit returns an error when the fit or the Gauss–Newton covariance does. A fit that does not
// converge is not an error: the Outcome carries the report and its scores.
func Fit(b backends.Backend, p *Problem, start int, spec estimate.NLSSpec) (*Outcome, error) {
	spec.Formula, spec.Start = "", p.Start(start)
	rep, err := p.NLS.Fit(b, p.Data, spec)
	if err != nil {
		return nil, fmt.Errorf("nist: %s start %d: %w", p.Name, start, err)
	}
	k := len(p.Params)
	o, err := Assess(p, start, rep.Result.Estimates[:k])
	if err != nil {
		return nil, err
	}
	o.Report = rep
	gn, err := rep.NLS.GaussNewton(b, p.Data, rep.Result.Estimates[:k], rep.Design.Rows)
	if err == nil {
		o.GaussNewton, err = stderr.New(rep.Result, gn, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("nist: %s start %d: %w", p.Name, start, err)
	}
	oim, err := stderr.Hessian(rep.Result)
	if err != nil {
		return nil, fmt.Errorf("nist: %s start %d: %w", p.Name, start, err)
	}
	o.SELRE = make([]float64, k)
	o.OIMSE = make([]float64, k)
	n := float64(p.NumObs())
	for j := range k {
		o.SELRE[j] = LRE(o.GaussNewton.SE[j], p.CertifiedSD[j])
		o.OIMSE[j] = oim.SE[j] * math.Sqrt(n/(n-float64(k)))
	}
	return o, nil
}

// Assess scores estimates of p's parameters (in the order of Params) from start 1 or 2,
// obtained by any means (for example the gomle command line), against the certified values.
func Assess(p *Problem, start int, estimates []float64) (*Outcome, error) {
	if len(estimates) != len(p.Params) {
		return nil, fmt.Errorf("nist: %s has %d parameters, got %d estimates", p.Name, len(p.Params), len(estimates))
	}
	rss, err := p.ResidualSS(estimates)
	if err != nil {
		return nil, err
	}
	o := &Outcome{Problem: p, Start: start, Estimates: append([]float64(nil), estimates...),
		RSS: rss, ResidualSD: math.Sqrt(rss / float64(p.DF))}
	o.LRE = make([]float64, len(estimates))
	for j, v := range estimates {
		o.LRE[j] = LRE(v, p.Certified[j])
	}
	o.RSSLRE = LRE(o.RSS, p.RSS)
	o.ResidualSDLRE = LRE(o.ResidualSD, p.ResidualSD)
	return o, nil
}

// Pass reports whether the fit converged (when there is a Report) and reached MinLRE digits in
// every estimate and RequiredLRE digits in the residual sum of squares, the residual standard
// deviation and the Gauss–Newton standard errors (when computed). why lists what fell short.
func (o *Outcome) Pass() (ok bool, why string) {
	p := o.Problem
	var fails []string
	if o.Report != nil && !o.Report.Result.Status.Converged() {
		fails = append(fails, o.Report.Result.Status.String())
	}
	for j, name := range p.Params {
		if o.LRE[j] < MinLRE {
			fails = append(fails, fmt.Sprintf("LRE of %s %.1f", name, o.LRE[j]))
		}
		if o.SELRE != nil && o.SELRE[j] < p.RequiredLRE() {
			fails = append(fails, fmt.Sprintf("LRE of SE(%s) %.1f", name, o.SELRE[j]))
		}
	}
	if o.RSSLRE < p.RequiredLRE() {
		fails = append(fails, fmt.Sprintf("RSS LRE %.1f", o.RSSLRE))
	}
	if o.ResidualSDLRE < p.RequiredLRE() {
		fails = append(fails, fmt.Sprintf("residual SD LRE %.1f", o.ResidualSDLRE))
	}
	return len(fails) == 0, strings.Join(fails, ", ")
}
