package stderr

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Exp returns a copy of the estimates with the parameters marked in rows reported in
// exponentiated form, as Stata's eform options print odds ratios (logit, or), incidence-rate
// ratios (poisson, irr) and hazard ratios (streg): for a marked parameter b with standard
// error se,
//
//	value exp(b),  SE exp(b)·se (delta method),  interval [exp(lower), exp(upper)]
//
// with z (or t) and p unchanged, since they test b = 0, that is exp(b) = 1. The covariance
// becomes the delta method's D V D, D = diag(exp(b)) on the marked rows and 1 elsewhere. name
// heads the value column of the table ("Odds ratio"). Rows not marked (ancillary parameters,
// cut points) are copied as they are.
//
// It returns an error if rows does not have one entry per parameter, if name is empty, or if
// the estimates are already exponentiated.
func (e *Estimates) Exp(name string, rows []bool) (*Estimates, error) {
	p := len(e.Params)
	switch {
	case len(rows) != p:
		return nil, fmt.Errorf("stderr: Exp: %d rows marked for %d parameters", len(rows), p)
	case name == "":
		return nil, fmt.Errorf("stderr: Exp: no name for the exponentiated column")
	case e.EForm != "":
		return nil, fmt.Errorf("stderr: Exp: the estimates are already exponentiated (%s)", e.EForm)
	}
	out := *e
	out.EForm, out.Exponentiated = name, slices.Clone(rows)
	out.Params, out.SE = slices.Clone(e.Params), slices.Clone(e.SE)
	out.Lower, out.Upper = slices.Clone(e.Lower), slices.Clone(e.Upper)
	d := make([]float64, p)
	for i := range p {
		d[i] = 1
		if rows[i] {
			d[i] = math.Exp(e.Params[i])
			out.Params[i] = d[i]
			out.SE[i] = d[i] * e.SE[i]
			out.Lower[i], out.Upper[i] = math.Exp(e.Lower[i]), math.Exp(e.Upper[i])
		}
	}
	out.Cov = mat.NewSymDense(p, nil)
	for i := range p {
		for j := i; j < p; j++ {
			out.Cov.SetSym(i, j, d[i]*e.Cov.At(i, j)*d[j])
		}
	}
	if b := e.Bootstrap; b != nil {
		bb := *b
		bb.Lower, bb.Upper = slices.Clone(b.Lower), slices.Clone(b.Upper)
		for i := range p {
			if rows[i] {
				bb.Lower[i], bb.Upper[i] = math.Exp(b.Lower[i]), math.Exp(b.Upper[i])
			}
		}
		out.Bootstrap = &bb
	}
	return &out, nil
}

// Select returns a copy of the estimates with only the parameters at the given indices (flat
// order), in that order, with their block of the covariance: the table of a model without
// its ancillary parameters, such as least squares without σ. Result still refers to the
// whole fit. It returns an error naming an index out of range.
func (e *Estimates) Select(rows ...int) (*Estimates, error) {
	p := len(e.Params)
	for _, i := range rows {
		if i < 0 || i >= p {
			return nil, fmt.Errorf("stderr: Select: parameter %d of %d", i, p)
		}
	}
	pick := func(v []float64) []float64 {
		if v == nil {
			return nil
		}
		out := make([]float64, len(rows))
		for k, i := range rows {
			out[k] = v[i]
		}
		return out
	}
	out := *e
	out.Params, out.SE, out.Z, out.P, out.Lower, out.Upper = pick(e.Params), pick(e.SE), pick(e.Z), pick(e.P), pick(e.Lower), pick(e.Upper)
	out.Labels = make([]string, len(rows))
	for k, i := range rows {
		out.Labels[k] = e.Labels[i]
	}
	if e.Exponentiated != nil {
		out.Exponentiated = make([]bool, len(rows))
		for k, i := range rows {
			out.Exponentiated[k] = e.Exponentiated[i]
		}
	}
	out.Cov = mat.NewSymDense(len(rows), nil)
	for a, i := range rows {
		for b, j := range rows[a:] {
			out.Cov.SetSym(a, a+b, e.Cov.At(i, j))
		}
	}
	if b := e.Bootstrap; b != nil {
		bb := *b
		bb.Lower, bb.Upper = pick(b.Lower), pick(b.Upper)
		out.Bootstrap = &bb
	}
	return &out, nil
}

// Lookup returns the estimate and standard error of the parameter labelled label ("GPA",
// "PID=2: age", "alpha"), and false if no parameter has that label.
func (e *Estimates) Lookup(label string) (value, se float64, ok bool) {
	i := slices.Index(e.Labels, label)
	if i < 0 {
		return 0, 0, false
	}
	return e.Params[i], e.SE[i], true
}
