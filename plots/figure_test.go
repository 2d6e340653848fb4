package plots_test

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomle/gomle/plots"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

func TestFigureRender(t *testing.T) {
	fig, err := plots.Timings([]plots.Bar{{Label: "a", Seconds: 1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := fig.PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// 16 cm at 144 dots per inch is 907 pixels; 6 cm is 340.
	if got := img.Bounds().Size(); got.X != 907 || got.Y != 340 {
		t.Errorf("PNG is %v pixels, want 907×340", got)
	}
	fig.DPI = 96
	if b, err = fig.PNG(); err != nil {
		t.Fatal(err)
	}
	if img, err = png.Decode(bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got.X != 605 {
		t.Errorf("PNG at 96 dpi is %d pixels wide, want 605", got.X)
	}
	svg, err := fig.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("Wall time")) {
		t.Errorf("SVG lacks <svg or the title: %.200s", svg)
	}
	if _, err := fig.WriterTo("pdf"); err != nil {
		t.Errorf("pdf: %v", err)
	}
	if _, err := fig.WriterTo("gif"); err == nil {
		t.Error("gif: no error")
	}

	prefix := filepath.Join(t.TempDir(), "fig")
	if err := fig.Save(prefix); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".png", ".svg"} {
		if st, err := os.Stat(prefix + ext); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", ext, err)
		}
	}
	if err := fig.Save(filepath.Join(t.TempDir(), "missing", "fig")); err == nil {
		t.Error("Save into a missing folder: no error")
	}
}

func TestFigureErrors(t *testing.T) {
	p := plot.New()
	for _, tc := range []struct {
		name string
		fig  *plots.Figure
		want string // a fragment of the error message
	}{
		{name: "nil", fig: nil, want: "nil figure"},
		{name: "no panels", fig: &plots.Figure{Width: vg.Inch, Height: vg.Inch}, want: "no panels"},
		{name: "zero size", fig: plots.NewFigure(p, 0, vg.Inch), want: "must be positive"},
		{name: "ragged", fig: &plots.Figure{Panels: [][]*plot.Plot{{p, p}, {p}}, Width: vg.Inch, Height: vg.Inch}, want: "row 1 has 1 panels, row 0 has 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.fig.PNG()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestFigurePanic checks that a panic inside gonum/plot becomes an error: a log axis with a
// negative range panics in gonum's LogScale.
func TestFigurePanic(t *testing.T) {
	p := plot.New()
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{}
	p.X.Min, p.X.Max = -1, 1
	if _, err := plots.NewFigure(p, 5*vg.Centimeter, 5*vg.Centimeter).PNG(); err == nil {
		t.Error("no error")
	}
}

// TestFigureEmptyCell draws a grid with an empty cell.
func TestFigureEmptyCell(t *testing.T) {
	p := plot.New()
	p.Title.Text = "only"
	fig := &plots.Figure{Title: "one of two", Panels: [][]*plot.Plot{{p, nil}}, Width: 10 * vg.Centimeter, Height: 5 * vg.Centimeter}
	if _, err := fig.PNG(); err != nil {
		t.Error(err)
	}
}
