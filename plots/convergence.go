package plots

import (
	"fmt"
	"math"

	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Run is one optimizer's convergence history, drawn as one line per panel.
type Run struct {
	// Name labels the run in the legend, for example the method's name.
	Name string
	// History has one record per iteration, as mlx.Result.History.
	History []optim.Iteration
}

// RunsFrom returns one Run per result, named by the result's method. When two results share
// a method the later ones get " (2)", " (3)", ... appended. It returns an error for a nil
// result.
func RunsFrom(results ...*mlx.Result) ([]Run, error) {
	runs := make([]Run, len(results))
	seen := make(map[string]int)
	for i, res := range results {
		if res == nil {
			return nil, fmt.Errorf("plots: result %d is nil", i)
		}
		name := res.Method
		if seen[name]++; seen[name] > 1 {
			name = fmt.Sprintf("%s (%d)", name, seen[name])
		}
		runs[i] = Run{Name: name, History: res.History}
	}
	return runs, nil
}

// ConvergenceOptions adjusts Convergence. The zero value (and nil) gives the defaults.
type ConvergenceOptions struct {
	// Title is the figure's title. Default "Convergence".
	Title string
	// Iterations is the scale of the iteration axis. Default Auto: Log when the longest run
	// has at least AutoLogRatio times the iterations of the shortest. On a log axis the start
	// (iteration 0) cannot be drawn and is left out.
	Iterations Scale
	// Time is the scale of the wall-time axis. Default Auto: Log when the slowest run took at
	// least AutoLogRatio times as long as the fastest. Records with no elapsed time are left
	// out on a log axis.
	Time Scale
	// LogLike draws the log-likelihood ℓ itself on a linear axis in the top row, instead of
	// the gap ℓ* − ℓ on a log axis.
	LogLike bool
	// Best is ℓ*, the log-likelihood the gap is measured from. Default (nil): the largest
	// finite log-likelihood in any run.
	Best *float64
}

// Convergence draws the runs' convergence: the gap to the best log-likelihood (top row) and
// the largest absolute gradient entry (bottom row), against the iteration (left column) and
// the wall time in seconds (right column), one line per run, with the legend in a column on
// the right. Runs of at most 40 records also get a marker at each record. The figure is
// 16 cm × 12 cm.
//
// Both rows use log scales. The gap ℓ* − ℓ is floored at ε·max(1, |ℓ*|), ε the float64
// machine epsilon: below that, differences of log-likelihoods are rounding noise, and the
// best run's last gap (0) could not be drawn on a log axis otherwise. A gradient entry of
// exactly 0 cannot be drawn and is left out. Non-finite values are left out everywhere.
//
// Convergence returns an error, naming the run, for no runs, a run with no name or no
// history, or runs with no finite log-likelihood at all.
func Convergence(runs []Run, o *ConvergenceOptions) (*Figure, error) {
	if o == nil {
		o = &ConvergenceOptions{}
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("plots: Convergence needs at least one run, got none")
	}
	best := math.Inf(-1)
	var lastIters, lastTimes []float64
	for i, r := range runs {
		if r.Name == "" {
			return nil, fmt.Errorf("plots: run %d has no name", i)
		}
		if len(r.History) == 0 {
			return nil, fmt.Errorf("plots: run %q has no history", r.Name)
		}
		for _, it := range r.History {
			if !math.IsInf(it.LogLike, 0) && !math.IsNaN(it.LogLike) {
				best = max(best, it.LogLike)
			}
		}
		last := r.History[len(r.History)-1]
		lastIters = append(lastIters, float64(last.Iter))
		lastTimes = append(lastTimes, last.Elapsed.Seconds())
	}
	if o.Best != nil {
		best = *o.Best
	}
	if math.IsInf(best, 0) || math.IsNaN(best) {
		return nil, fmt.Errorf("plots: no run has a finite log-likelihood")
	}
	floor := epsilon * max(1, math.Abs(best))
	xIter := o.Iterations.resolve(lastIters)
	xTime := o.Time.resolve(lastTimes)

	type axis struct {
		label string
		scale Scale
		value func(optim.Iteration) float64
	}
	xs := []axis{
		{"iteration", xIter, func(it optim.Iteration) float64 { return float64(it.Iter) }},
		{"wall time (s)", xTime, func(it optim.Iteration) float64 { return it.Elapsed.Seconds() }},
	}
	ys := []axis{
		{"gap ℓ* − ℓ", Log, func(it optim.Iteration) float64 {
			if !finite(it.LogLike) {
				return math.NaN()
			}
			return max(best-it.LogLike, floor)
		}},
		{"max |gradient|", Log, func(it optim.Iteration) float64 { return it.GradNorm }},
	}
	if o.LogLike {
		ys[0] = axis{"log-likelihood ℓ", Linear, func(it optim.Iteration) float64 { return it.LogLike }}
	}

	fig := &Figure{
		Title:  o.Title,
		Width:  16 * vg.Centimeter,
		Height: 12 * vg.Centimeter,
		Legend: newLegend(),
	}
	if fig.Title == "" {
		fig.Title = "Convergence"
	}
	styles := make([]runStyle, len(runs))
	for k, r := range runs {
		styles[k] = newRunStyle(k, len(r.History))
		fig.Legend.Add(r.Name, styles[k].thumb())
	}
	for i, y := range ys {
		var row []*plot.Plot
		for j, x := range xs {
			p := newPanel()
			p.Add(&plotter.Grid{Vertical: gridStyle, Horizontal: gridStyle})
			if j == 0 {
				p.Y.Label.Text = y.label
			}
			if i == len(ys)-1 {
				p.X.Label.Text = x.label
			}
			for k, r := range runs {
				pts := points(r.History, x.value, y.value, x.scale == Log, y.scale == Log)
				if len(pts) == 0 {
					continue
				}
				if err := styles[k].add(p, pts); err != nil {
					return nil, fmt.Errorf("plots: run %q: %w", r.Name, err)
				}
			}
			// Log-likelihood gaps and gradients span decades: whole decades label both ends.
			// The horizontal axes keep the data's range, not to waste up to a decade of width.
			if x.scale == Log {
				setLog(&p.X, false)
			} else {
				p.X.Min = min(p.X.Min, 0) // iterations and seconds count from 0
				setLinear(&p.X)
			}
			if y.scale == Log {
				setLog(&p.Y, true)
			} else {
				setLinear(&p.Y)
			}
			row = append(row, p)
		}
		fig.Panels = append(fig.Panels, row)
	}
	return fig, nil
}

// epsilon is the float64 machine epsilon, 2⁻⁵².
const epsilon = 0x1p-52

// points returns the history's (x, y) points, leaving out non-finite values and, on log axes,
// values that are not positive.
func points(h []optim.Iteration, x, y func(optim.Iteration) float64, logX, logY bool) plotter.XYs {
	var pts plotter.XYs
	for _, it := range h {
		xv, yv := x(it), y(it)
		if !finite(xv) || !finite(yv) || (logX && xv <= 0) || (logY && yv <= 0) {
			continue
		}
		pts = append(pts, plotter.XY{X: xv, Y: yv})
	}
	return pts
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// maxMarkedRecords is the longest history drawn with a marker at every record: beyond it
// the markers would merge into a thick line.
const maxMarkedRecords = 40

// runStyle is how one run is drawn in every panel.
type runStyle struct {
	line  draw.LineStyle
	glyph *draw.GlyphStyle
}

// newRunStyle returns the style of the k-th run, which has n records.
func newRunStyle(k, n int) runStyle {
	s := runStyle{line: draw.LineStyle{Color: seriesColor(k), Width: vg.Points(lineWidth), Dashes: seriesDashes(k)}}
	if n <= maxMarkedRecords {
		s.glyph = &draw.GlyphStyle{Color: seriesColor(k), Radius: vg.Points(glyphSize), Shape: seriesShape(k)}
	}
	return s
}

// thumb returns the run's legend thumbnail.
func (s runStyle) thumb() thumb {
	line := s.line
	return thumb{line: &line, glyph: s.glyph}
}

// add draws the points on p in the run's style.
func (s runStyle) add(p *plot.Plot, pts plotter.XYs) error {
	l, err := plotter.NewLine(pts)
	if err != nil {
		return err
	}
	l.LineStyle = s.line
	p.Add(l)
	if s.glyph != nil {
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		sc.GlyphStyle = *s.glyph
		p.Add(sc)
	}
	return nil
}
