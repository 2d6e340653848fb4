package nist

import (
	"fmt"
	"strings"
)

// Table returns the outcomes as two Markdown tables: one row per problem and start (status,
// iterations, the LRE of every parameter, of the RSS and of the residual standard deviation),
// then one row per problem, start and parameter (the certified standard deviation against the
// Gauss–Newton and the rescaled observed-information standard errors). Outcomes without a
// Report (from Assess) appear in the first table only, with "-" for status and iterations.
func Table(outcomes []*Outcome) string {
	var b strings.Builder
	b.WriteString("| Problem | Difficulty | Start | Status | Iterations | LRE of b1, b2, … | min LRE | RSS LRE | Res. SD LRE |\n")
	b.WriteString("|---|---|---|---|---:|---|---:|---:|---:|\n")
	for _, o := range outcomes {
		status, iters := "-", "-"
		if o.Report != nil {
			status, iters = o.Report.Result.Status.String(), fmt.Sprint(o.Report.Result.Iterations)
		}
		lres := make([]string, len(o.LRE))
		for j, v := range o.LRE {
			lres[j] = fmt.Sprintf("%.1f", v)
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s | %.1f | %.1f | %.1f |\n", o.Problem.Name, o.Problem.Difficulty,
			o.Start, status, iters, strings.Join(lres, " "), o.MinLRE(), o.RSSLRE, o.ResidualSDLRE)
	}
	b.WriteString("\n| Problem | Start | Parameter | Certified SD | Gauss–Newton SE | LRE | OIM SE × √(n/(n−p)) | OIM / certified |\n")
	b.WriteString("|---|---|---|---:|---:|---:|---:|---:|\n")
	for _, o := range outcomes {
		if o.GaussNewton == nil {
			continue
		}
		p := o.Problem
		for j, name := range p.Params {
			fmt.Fprintf(&b, "| %s | %d | %s | %.10e | %.10e | %.1f | %.10e | %.4f |\n", p.Name, o.Start, name,
				p.CertifiedSD[j], o.GaussNewton.SE[j], o.SELRE[j], o.OIMSE[j], o.OIMSE[j]/p.CertifiedSD[j])
		}
	}
	return b.String()
}
