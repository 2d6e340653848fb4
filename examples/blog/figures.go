package blog

import (
	"fmt"

	"github.com/gomle/gomle/plots"
	"github.com/gomle/gomle/stderr"
)

// NamedFigure is a figure with the file name (without extension) it is saved under.
type NamedFigure struct {
	Name   string
	Figure *plots.Figure
}

// Figures returns the report's plots: convergence of every method (log-likelihood gap and
// gradient norm against iteration and wall time), the estimates of b0..b4 and σ with 95%
// intervals beside the true values, and the timings beside the blog's published ones.
func (r *Report) Figures() ([]NamedFigure, error) {
	var runs []plots.Run
	var sets []plots.NamedEstimates
	var bars []plots.Bar
	for _, m := range r.Methods {
		runs = append(runs, plots.Run{Name: m.Name, History: m.History})
		sets = append(sets, plots.NamedEstimates{Name: m.Name, Estimates: &stderr.Estimates{Labels: r.Labels, Params: m.Estimates, Lower: m.Lower, Upper: m.Upper}})
		bars = append(bars, plots.Bar{Label: m.Name + " (fit + std err)", Seconds: m.Seconds + m.SESeconds, Group: "gomle, this machine (" + r.Backend + ")"})
		if b, ok := PublishedSeconds[m.Name]; ok {
			bars = append(bars, plots.Bar{Label: b.Label, Seconds: b.Seconds, Group: "the blog (AMD GPU)"})
		}
	}
	conv, err := plots.Convergence(runs, nil)
	if err != nil {
		return nil, fmt.Errorf("blog: convergence plot: %w", err)
	}
	show := []string{"b0", "b1", "b2", "b3", "b4", "sigma"}
	if r.K < 5 {
		show = append(append([]string(nil), r.Labels[:r.K]...), "sigma")
	}
	est, err := plots.Intervals(sets, r.True, &plots.IntervalOptions{Labels: show})
	if err != nil {
		return nil, fmt.Errorf("blog: estimates plot: %w", err)
	}
	tim, err := plots.Timings(bars, &plots.TimingOptions{Title: fmt.Sprintf("Wall time, N=%d, K=%d", r.N, r.K)})
	if err != nil {
		return nil, fmt.Errorf("blog: timing plot: %w", err)
	}
	return []NamedFigure{{"convergence", conv}, {"estimates", est}, {"timings", tim}}, nil
}
