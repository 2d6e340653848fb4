package plots

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// NamedEstimates are one method's estimates, named for the legend.
type NamedEstimates struct {
	// Name labels the method in the legend, for example "L-BFGS, OIM".
	Name string
	// Estimates are the method's estimates with their confidence intervals.
	Estimates *stderr.Estimates
}

// IntervalOptions adjusts Intervals. The zero value (and nil) gives the defaults.
type IntervalOptions struct {
	// Title is the figure's title. Default "Estimates with 95% confidence intervals", with the
	// estimates' level.
	Title string
	// Labels selects the parameters to show by their labels (Estimates.Labels), in this
	// order. Default: the first First parameters.
	Labels []string
	// First is how many parameters to show, from the first, when Labels is empty. Default 6.
	First int
	// Columns is the number of panels in a row. Default: as even a grid as possible with at
	// most 4 columns (5 or 6 parameters make 2 rows of 3).
	Columns int
}

// defaultFirst is how many parameters Intervals shows by default: a regression may
// have a hundred, and six panels still fit a 16 cm figure with readable tick labels.
const defaultFirst = 6

// Intervals draws each method's estimates with their confidence intervals, one panel per
// parameter (each with its own vertical scale, since parameters differ in scale far more than
// intervals differ in width), the methods side by side in each panel in the order given, and
// the true values, if truth is not nil, as a dashed horizontal line. The legend in a column
// on the right names the methods. The figure is 16 cm wide and 4.5 cm high per row of panels
// plus 1.2 cm for the title.
//
// Truth, if not nil, holds one value per parameter of the first estimates, in their flat
// order (the order of Estimates.Labels), as mlx.Model.Pack builds it.
//
// Intervals returns an error, naming the method or parameter, for no estimates, a nil or
// unnamed one, estimates whose slices differ in length, different confidence levels, a truth
// vector of the wrong length, an unknown label, parameters that are labelled differently by
// two methods at the same position (select them by Labels then), and non-finite values among
// those to draw.
func Intervals(sets []NamedEstimates, truth []float64, o *IntervalOptions) (*Figure, error) {
	if o == nil {
		o = &IntervalOptions{}
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("plots: Intervals needs at least one set of estimates, got none")
	}
	for i, s := range sets {
		if err := checkEstimates(i, s); err != nil {
			return nil, err
		}
		if lv, lv0 := s.Estimates.Level, sets[0].Estimates.Level; lv != lv0 {
			return nil, fmt.Errorf("plots: estimates %q are at level %g but %q at %g", s.Name, lv, sets[0].Name, lv0)
		}
	}
	first := sets[0].Estimates
	if truth != nil && len(truth) != len(first.Params) {
		return nil, fmt.Errorf("plots: truth has %d values but estimates %q have %d parameters", len(truth), sets[0].Name, len(first.Params))
	}
	// idx[j][m] is the index of the j-th parameter shown in the m-th set; labels[j] its label.
	var labels []string
	var idx [][]int
	if len(o.Labels) > 0 {
		for _, label := range o.Labels {
			row := make([]int, len(sets))
			for m, s := range sets {
				if row[m] = slices.Index(s.Estimates.Labels, label); row[m] < 0 {
					return nil, fmt.Errorf("plots: estimates %q have no parameter %q (labels: %s)", s.Name, label, listLabels(s.Estimates.Labels))
				}
			}
			labels = append(labels, label)
			idx = append(idx, row)
		}
	} else {
		k := o.First
		if k <= 0 {
			k = defaultFirst
		}
		for _, s := range sets {
			k = min(k, len(s.Estimates.Params))
		}
		for j := range k {
			for m, s := range sets {
				if s.Estimates.Labels[j] != first.Labels[j] {
					return nil, fmt.Errorf("plots: parameter %d is %q in estimates %q but %q in %q; select parameters by IntervalOptions.Labels",
						j, first.Labels[j], sets[0].Name, s.Estimates.Labels[j], sets[m].Name)
				}
			}
			labels = append(labels, first.Labels[j])
			idx = append(idx, slices.Repeat([]int{j}, len(sets)))
		}
	}
	for j, label := range labels {
		for m, s := range sets {
			e, i := s.Estimates, idx[j][m]
			if !finite(e.Params[i]) || !finite(e.Lower[i]) || !finite(e.Upper[i]) {
				return nil, fmt.Errorf("plots: estimates %q: parameter %q has estimate %v and interval [%v, %v]; all must be finite",
					s.Name, label, e.Params[i], e.Lower[i], e.Upper[i])
			}
		}
		if truth != nil && !finite(truth[idx[j][0]]) {
			return nil, fmt.Errorf("plots: true value of parameter %q is %v", label, truth[idx[j][0]])
		}
	}

	cols := o.Columns
	if cols <= 0 {
		rows := (len(labels) + 3) / 4
		cols = (len(labels) + rows - 1) / rows
	}
	cols = min(cols, len(labels))
	rows := (len(labels) + cols - 1) / cols
	fig := &Figure{
		Title:  o.Title,
		Width:  16 * vg.Centimeter,
		Height: vg.Length(rows)*4.5*vg.Centimeter + 1.2*vg.Centimeter,
		Legend: newLegend(),
	}
	if fig.Title == "" {
		fig.Title = fmt.Sprintf("Estimates with %.4g%% confidence intervals", 100*first.Level)
	}
	ivs := make([]interval, len(sets))
	for m, s := range sets {
		ivs[m] = interval{x: float64(m + 1), color: seriesColor(m), shape: seriesShape(m)}
		fig.Legend.Add(s.Name, ivs[m])
	}
	truthLine := draw.LineStyle{Color: color.Black, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(2)}}
	if truth != nil {
		fig.Legend.Add("true value", thumb{line: &truthLine})
	}
	fig.Panels = make([][]*plot.Plot, rows)
	for r := range fig.Panels {
		fig.Panels[r] = make([]*plot.Plot, cols)
	}
	for j, label := range labels {
		p := newPanel()
		p.Add(&plotter.Grid{Horizontal: gridStyle})
		if j%cols == 0 {
			p.Y.Label.Text = "estimate"
		}
		xmax := float64(len(sets)) + 0.5
		if truth != nil {
			t := truth[idx[j][0]]
			l, err := plotter.NewLine(plotter.XYs{{X: 0.5, Y: t}, {X: xmax, Y: t}})
			if err != nil {
				return nil, fmt.Errorf("plots: true value of %q: %w", label, err)
			}
			l.LineStyle = truthLine
			p.Add(l)
		}
		for m, s := range sets {
			iv := ivs[m]
			i := idx[j][m]
			iv.mid, iv.lo, iv.hi = s.Estimates.Params[i], s.Estimates.Lower[i], s.Estimates.Upper[i]
			p.Add(&iv)
		}
		p.HideX()
		p.X.Label.Text = label // below the panel, centred on its data (a title would not be)
		p.X.Min, p.X.Max = 0.5, xmax
		padRange(&p.Y, 0.08)
		p.Y.Tick.Marker = niceTicks{}
		fig.Panels[j/cols][j%cols] = p
	}
	return fig, nil
}

// checkEstimates reports what is wrong with the i-th named estimates, if anything.
func checkEstimates(i int, s NamedEstimates) error {
	if s.Name == "" {
		return fmt.Errorf("plots: estimates %d have no name", i)
	}
	e := s.Estimates
	if e == nil {
		return fmt.Errorf("plots: estimates %q are nil", s.Name)
	}
	p := len(e.Params)
	if p == 0 {
		return fmt.Errorf("plots: estimates %q have no parameters", s.Name)
	}
	for _, f := range []struct {
		name string
		n    int
	}{{"labels", len(e.Labels)}, {"lower bounds", len(e.Lower)}, {"upper bounds", len(e.Upper)}} {
		if f.n != p {
			return fmt.Errorf("plots: estimates %q have %d parameters but %d %s", s.Name, p, f.n, f.name)
		}
	}
	return nil
}

// listLabels lists labels for an error message, eliding the middle of long lists.
func listLabels(labels []string) string {
	if len(labels) > 8 {
		return strings.Join(labels[:4], ", ") + ", …, " + strings.Join(labels[len(labels)-2:], ", ")
	}
	return strings.Join(labels, ", ")
}

// padRange widens a linear axis range by frac of its span on each side, so that markers and
// interval caps do not touch the frame. A range of zero span is widened around its value.
func padRange(a *plot.Axis, frac float64) {
	span := a.Max - a.Min
	if span <= 0 {
		span = max(math.Abs(a.Max)*0.02, 1e-9)
	}
	a.Min -= frac * span
	a.Max += frac * span
}

// interval draws one estimate with its confidence interval: a vertical bar with end caps
// from lo to hi and a marker at mid, at horizontal position x.
type interval struct {
	x, mid, lo, hi float64
	color          color.Color
	shape          draw.GlyphDrawer
}

// capWidth is the half-width of an interval's end caps.
const capWidth = 4 // points

// Plot implements plot.Plotter.
func (iv *interval) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	iv.draw(&c, trX(iv.x), trY(iv.lo), trY(iv.mid), trY(iv.hi))
}

// draw draws the interval at canvas position x, between canvas heights lo and hi.
func (iv *interval) draw(c *draw.Canvas, x, lo, mid, hi vg.Length) {
	line := draw.LineStyle{Color: iv.color, Width: vg.Points(lineWidth)}
	cw := vg.Points(capWidth)
	c.StrokeLine2(line, x, lo, x, hi)
	c.StrokeLine2(line, x-cw, lo, x+cw, lo)
	c.StrokeLine2(line, x-cw, hi, x+cw, hi)
	c.DrawGlyphNoClip(draw.GlyphStyle{Color: iv.color, Radius: vg.Points(glyphSize + 0.5), Shape: iv.shape}, vg.Point{X: x, Y: mid})
}

// DataRange implements plot.DataRanger.
func (iv *interval) DataRange() (xmin, xmax, ymin, ymax float64) {
	return iv.x, iv.x, min(iv.lo, iv.mid), max(iv.hi, iv.mid)
}

// Thumbnail implements plot.Thumbnailer: a short interval standing in the thumbnail.
func (iv interval) Thumbnail(c *draw.Canvas) {
	ctr := c.Center()
	h := c.Max.Y - c.Min.Y
	iv.draw(c, ctr.X, c.Min.Y+0.05*h, ctr.Y, c.Max.Y-0.05*h)
}
