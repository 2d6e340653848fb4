package plots

import (
	"fmt"
	"image/color"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Bar is one timing: a labelled number of seconds in a group.
type Bar struct {
	// Label names the bar on the vertical axis, for example "gomle L-BFGS".
	Label string
	// Seconds is the wall time. It must be finite and not negative, and positive on a log axis.
	Seconds float64
	// Group colours the bar and names it in the legend, for example "gomle (this machine)",
	// "blog (AMD GPU)" or "PyTorch (this machine)". Bars of the empty group are grey and have
	// no legend entry.
	Group string
}

// TimingOptions adjusts Timings. The zero value (and nil) gives the defaults.
type TimingOptions struct {
	// Title is the figure's title. Default "Wall time".
	Title string
	// Scale is the scale of the time axis. Default Auto: Log when the longest bar is at least
	// AutoLogRatio times the shortest.
	Scale Scale
}

// Timings draws horizontal bars of wall time, one per Bar, top to bottom in the order given,
// coloured by group, with each bar's time written at its end. Groups are coloured in the
// order they first appear and named in a legend column on the right. On a log axis the bars
// start at a power of ten at least ten times below the shortest. The figure is 16 cm wide,
// and 1.8 cm plus 0.7 cm per bar high, at least 6 cm.
//
// Timings returns an error, naming the bar, for no bars, a bar with no label, and a time that
// is negative, not finite, or zero on a log axis.
func Timings(bars []Bar, o *TimingOptions) (*Figure, error) {
	if o == nil {
		o = &TimingOptions{}
	}
	if len(bars) == 0 {
		return nil, fmt.Errorf("plots: Timings needs at least one bar, got none")
	}
	secs := make([]float64, len(bars))
	for i, b := range bars {
		if b.Label == "" {
			return nil, fmt.Errorf("plots: bar %d has no label", i)
		}
		if !finite(b.Seconds) || b.Seconds < 0 {
			return nil, fmt.Errorf("plots: bar %q has %v seconds; times must be finite and not negative", b.Label, b.Seconds)
		}
		secs[i] = b.Seconds
	}
	scale := o.Scale.resolve(secs)
	if scale == Log {
		for _, b := range bars {
			if b.Seconds == 0 {
				return nil, fmt.Errorf("plots: bar %q has 0 seconds, which a log axis cannot show", b.Label)
			}
		}
	}

	n := len(bars)
	fig := &Figure{
		Title:  o.Title,
		Width:  16 * vg.Centimeter,
		Height: max(6*vg.Centimeter, 1.8*vg.Centimeter+vg.Length(n)*0.7*vg.Centimeter),
	}
	if fig.Title == "" {
		fig.Title = "Wall time"
	}
	var groups []string
	for _, b := range bars {
		if !slices.Contains(groups, b.Group) {
			groups = append(groups, b.Group)
		}
	}
	colorOf := func(g string) color.Color {
		if g == "" {
			return color.Gray{Y: 0x99}
		}
		k := 0
		for _, h := range groups {
			if h == g {
				break
			}
			if h != "" {
				k++
			}
		}
		return seriesColor(k)
	}
	for _, g := range groups {
		if g != "" {
			if fig.Legend == nil {
				fig.Legend = newLegend()
			}
			fig.Legend.Add(g, thumb{box: colorOf(g)})
		}
	}

	p := newPanel()
	p.Add(&plotter.Grid{Vertical: gridStyle})
	labels := make([]string, n)
	for i, b := range bars {
		y := float64(n - 1 - i) // the first bar on top
		labels[n-1-i] = b.Label
		p.Add(&hbar{y: y, seconds: b.Seconds, color: colorOf(b.Group), log: scale == Log})
	}
	p.NominalY(labels...)
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
	p.X.Label.Text = "wall time (s)"
	// Leave room right of the longest bar for its time, and on a log axis let the shortest
	// bar be at least a decade long.
	if scale == Log {
		p.X.Min /= 10
		p.X.Max *= 3
		setLog(&p.X, true)
	} else {
		p.X.Min = 0
		p.X.Max *= 1.2
		if p.X.Max == 0 {
			p.X.Max = 1
		}
		setLinear(&p.X)
	}
	fig.Panels = [][]*plot.Plot{{p}}
	return fig, nil
}

// hbar draws one horizontal bar from the axis base to seconds, centred on y, with the time
// written right of its end.
type hbar struct {
	y, seconds float64
	color      color.Color
	log        bool
}

// barThickness is a bar's height as a fraction of the distance between bars.
const barThickness = 0.6

// Plot implements plot.Plotter.
func (b *hbar) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	x0 := c.Min.X // a log axis starts below the shortest bar
	if !b.log {
		x0 = trX(0)
	}
	x1 := trX(b.seconds)
	half := (trY(1) - trY(0)) * barThickness / 2
	y := trY(b.y)
	r := vg.Rectangle{Min: vg.Point{X: x0, Y: y - half}, Max: vg.Point{X: x1, Y: y + half}}
	c.SetColor(b.color)
	c.Fill(r.Path())
	// The time, on a white ground so that grid lines do not cross it.
	sty := textStyle(annotSize)
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	txt := formatSeconds(b.seconds)
	pt := vg.Point{X: x1 + vg.Points(3), Y: y}
	box := sty.Rectangle(txt).Add(pt)
	box.Min.X -= vg.Points(1)
	box.Max.X += vg.Points(1)
	c.SetColor(color.White)
	c.Fill(box.Path())
	c.FillText(sty, pt, txt)
}

// DataRange implements plot.DataRanger. On a linear axis bars start at 0.
func (b *hbar) DataRange() (xmin, xmax, ymin, ymax float64) {
	if b.log {
		return b.seconds, b.seconds, b.y, b.y
	}
	return 0, b.seconds, b.y, b.y
}

// formatSeconds writes a time with three significant digits ("0.124 s", "13.9 s"), whole
// seconds from 1000 s to 10⁵ s ("2345 s"), and in exponent form beyond ("2.35e+05 s",
// "1.20e-04 s").
func formatSeconds(s float64) string {
	switch {
	case s == 0:
		return "0 s"
	case s < 1e-3 || s >= 1e5:
		return strconv.FormatFloat(s, 'e', 2, 64) + " s"
	case s >= 1e3:
		return strconv.FormatFloat(s, 'f', 0, 64) + " s"
	}
	return strconv.FormatFloat(s, 'g', 3, 64) + " s"
}

// compile-time checks that our plotters implement gonum/plot's interfaces.
var (
	_ plot.Plotter     = (*hbar)(nil)
	_ plot.DataRanger  = (*hbar)(nil)
	_ plot.Plotter     = (*interval)(nil)
	_ plot.DataRanger  = (*interval)(nil)
	_ plot.Thumbnailer = interval{}
	_ plot.Thumbnailer = thumb{}
)
