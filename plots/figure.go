package plots

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"os"

	"github.com/gomle/gomle/internal/guard"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// DefaultDPI is the resolution of PNG output when Figure.DPI is zero: 144 dots per inch,
// 1.5 times the CSS pixel, so that 8 to 10 point text stays crisp (16 cm is 907 pixels).
// Display tells the notebook to show the PNG at the CSS size of the figure (16 cm as 605
// pixels), the size of its SVG.
const DefaultDPI = 144

// Figure is a grid of gonum plots drawn on one canvas: an optional title on top, the panels,
// and an optional legend in a column right of the panels, outside them, so that it never
// covers data. The figure functions (Convergence, Intervals, Timings) return Figures; their
// fields may be changed before rendering, and each panel is an ordinary *plot.Plot.
type Figure struct {
	// Title is drawn centred above the panels; empty for none.
	Title string
	// Panels holds the plots row by row. Every row has the same length; a nil entry leaves
	// its cell empty. Panels in one column share the position of their data area, as
	// plot.Align arranges them.
	Panels [][]*plot.Plot
	// Legend, if not nil, is drawn in a column right of the panels, level with their top.
	Legend *plot.Legend
	// Width and Height are the size of the canvas. Each figure function documents the size
	// it sets.
	Width, Height vg.Length
	// DPI is the resolution of PNG output in dots per inch. Default (0) DefaultDPI.
	DPI int
}

// NewFigure returns a one-panel figure of p, of width w and height h.
func NewFigure(p *plot.Plot, w, h vg.Length) *Figure {
	return &Figure{Panels: [][]*plot.Plot{{p}}, Width: w, Height: h}
}

// Figure layout constants.
const (
	margin    = 0.25 * vg.Centimeter // around the whole figure
	titleGap  = 0.35 * vg.Centimeter // between the title and the panels
	legendGap = 0.4 * vg.Centimeter  // between the panels and the legend column
	panelPadX = 0.5 * vg.Centimeter  // between columns of panels
	panelPadY = 0.3 * vg.Centimeter  // between rows of panels
)

// check reports what is wrong with the figure's shape, if anything.
func (f *Figure) check() error {
	if f == nil {
		return fmt.Errorf("plots: nil figure")
	}
	if f.Width <= 0 || f.Height <= 0 {
		return fmt.Errorf("plots: figure size %v × %v: width and height must be positive", f.Width, f.Height)
	}
	if len(f.Panels) == 0 || len(f.Panels[0]) == 0 {
		return fmt.Errorf("plots: figure has no panels")
	}
	for i, row := range f.Panels {
		if len(row) != len(f.Panels[0]) {
			return fmt.Errorf("plots: figure panel row %d has %d panels, row 0 has %d", i, len(row), len(f.Panels[0]))
		}
	}
	return nil
}

// Draw draws the figure on c. It panics if the figure's shape is invalid (rows of different
// lengths, no panels); the rendering methods check the shape and return errors instead.
func (f *Figure) Draw(c draw.Canvas) {
	if err := f.check(); err != nil {
		panic(err)
	}
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())
	area := draw.Crop(c, margin, -margin, margin, -margin)
	if f.Title != "" {
		sty := textStyle(titleSize)
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		area.FillText(sty, vg.Point{X: (area.Min.X + area.Max.X) / 2, Y: area.Max.Y}, f.Title)
		area.Max.Y -= sty.Height(f.Title) + titleGap
	}
	var legendWidth vg.Length
	if f.Legend != nil {
		r := f.Legend.Rectangle(area)
		legendWidth = r.Max.X - r.Min.X
		area.Max.X -= legendWidth + legendGap
	}
	rows, cols := len(f.Panels), len(f.Panels[0])
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: panelPadX, PadY: panelPadY}
	canvases := plot.Align(f.Panels, tiles, area)
	for i, row := range f.Panels {
		for j, p := range row {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
	if f.Legend != nil {
		lc := area
		lc.Min.X = area.Max.X + legendGap
		lc.Max.X = lc.Min.X + legendWidth
		// Level with the top of the first row's data areas.
		for j, p := range f.Panels[0] {
			if p != nil {
				lc.Max.Y = p.DataCanvas(canvases[0][j]).Max.Y
				break
			}
		}
		f.Legend.Draw(lc)
	}
}

// WriterTo renders the figure in the given format ("png", "svg", or any other format that
// gonum/plot's draw.NewFormattedCanvas knows: "pdf", "eps", "jpg", "tiff", "tex") and returns
// it as an io.WriterTo, as plot.Plot.WriterTo does. PNG uses the figure's DPI; SVG names its
// fonts (Liberation Sans) without embedding them.
func (f *Figure) WriterTo(format string) (io.WriterTo, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	var w io.WriterTo
	err := guard.Run(func() error {
		var c vg.CanvasWriterTo
		switch format {
		case "png":
			dpi := f.DPI
			if dpi <= 0 {
				dpi = DefaultDPI
			}
			c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(dpi))}
		case "svg":
			c = vgsvg.New(f.Width, f.Height)
		default:
			var err error
			if c, err = draw.NewFormattedCanvas(f.Width, f.Height, format); err != nil {
				return fmt.Errorf("plots: %w", err)
			}
		}
		f.Draw(draw.New(c))
		w = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("plots: drawing %q: %w", f.Title, err)
	}
	return w, nil
}

// render returns the figure's bytes in the given format.
func (f *Figure) render(format string) ([]byte, error) {
	w, err := f.WriterTo(format)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("plots: encoding %s: %w", format, err)
	}
	return buf.Bytes(), nil
}

// PNG returns the figure as a PNG image, at the figure's DPI.
func (f *Figure) PNG() ([]byte, error) { return f.render("png") }

// SVG returns the figure as an SVG document.
func (f *Figure) SVG() ([]byte, error) { return f.render("svg") }

// Save writes the figure to prefix+".png" and prefix+".svg". The folder must exist.
func (f *Figure) Save(prefix string) error {
	for _, format := range []string{"png", "svg"} {
		b, err := f.render(format)
		if err != nil {
			return err
		}
		if err := os.WriteFile(prefix+"."+format, b, 0o644); err != nil {
			return fmt.Errorf("plots: %w", err)
		}
	}
	return nil
}

// Text sizes, in points, chosen for figures about 16 cm wide (as matplotlib's defaults are
// for its 16 cm figure).
const (
	titleSize  = 12 // figure title
	labelSize  = 10 // panel titles, axis labels, legend entries
	tickSize   = 9  // tick labels
	annotSize  = 9  // values written beside bars
	glyphSize  = 2  // radius of point markers
	lineWidth  = 1.25
	thumbWidth = 22 // legend thumbnail width
)

// sans is the typeface of every text in our figures: gonum/plot's default is Liberation Serif.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// textStyle returns a black sans-serif text style of the given size in points.
func textStyle(size float64) text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.From(sans, font.Points(size)),
		Handler: plot.DefaultTextHandler,
	}
}

// newPanel returns a plot styled for our figures: sans-serif text, a light grid added by the
// caller where it helps.
func newPanel() *plot.Plot {
	p := plot.New()
	p.Title.TextStyle.Font = font.From(sans, labelSize)
	p.Title.Padding = 0.1 * vg.Centimeter
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, labelSize)
		a.Tick.Label.Font = font.From(sans, tickSize)
		a.Padding = 0.1 * vg.Centimeter
	}
	return p
}

// newLegend returns an empty legend styled for the legend column of a figure.
func newLegend() *plot.Legend {
	l := plot.NewLegend()
	l.TextStyle = textStyle(labelSize)
	l.Top, l.Left = true, true
	l.ThumbnailWidth = thumbWidth
	l.Padding = 0.12 * vg.Centimeter
	return &l
}

// palette holds the Okabe–Ito colours, distinguishable with the common colour-vision
// deficiencies (https://jfly.uni-koeln.de/color/), in a good order for a white background;
// yellow is left out, too faint on white.
var palette = []color.Color{
	color.RGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0xFF}, // blue
	color.RGBA{R: 0xD5, G: 0x5E, B: 0x00, A: 0xFF}, // vermillion
	color.RGBA{R: 0x00, G: 0x9E, B: 0x73, A: 0xFF}, // bluish green
	color.RGBA{R: 0xCC, G: 0x79, B: 0xA7, A: 0xFF}, // reddish purple
	color.RGBA{R: 0xE6, G: 0x9F, B: 0x00, A: 0xFF}, // orange
	color.RGBA{R: 0x56, G: 0xB4, B: 0xE9, A: 0xFF}, // sky blue
	color.RGBA{A: 0xFF},                            // black
}

// seriesColor returns the colour of the i-th series, cycling through the palette.
func seriesColor(i int) color.Color { return palette[i%len(palette)] }

// seriesDashes returns the dash pattern of the i-th line: solid for the first pass through
// the palette, then dashed and dotted, so that more series than colours stay apart.
func seriesDashes(i int) []vg.Length {
	switch (i / len(palette)) % 3 {
	case 1:
		return []vg.Length{vg.Points(6), vg.Points(2)}
	case 2:
		return []vg.Length{vg.Points(2), vg.Points(2)}
	}
	return nil
}

// seriesShape returns the marker of the i-th series.
func seriesShape(i int) draw.GlyphDrawer {
	shapes := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.RingGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{}}
	return shapes[i%len(shapes)]
}

// gridStyle is the style of grid lines: thin and light, behind the data.
var gridStyle = draw.LineStyle{Color: color.Gray{Y: 0xDD}, Width: vg.Points(0.5)}

// thumb draws a legend thumbnail: a line, a marker, or both.
type thumb struct {
	line  *draw.LineStyle
	glyph *draw.GlyphStyle
	box   color.Color // a filled box, for bars
}

// Thumbnail implements plot.Thumbnailer.
func (t thumb) Thumbnail(c *draw.Canvas) {
	if t.box != nil {
		r := c.Rectangle
		h := r.Max.Y - r.Min.Y
		r.Min.Y += h * 0.1
		r.Max.Y -= h * 0.1
		c.SetColor(t.box)
		c.Fill(r.Path())
	}
	y := c.Center().Y
	if t.line != nil {
		c.StrokeLine2(*t.line, c.Min.X, y, c.Max.X, y)
	}
	if t.glyph != nil {
		c.DrawGlyphNoClip(*t.glyph, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: y})
	}
}
