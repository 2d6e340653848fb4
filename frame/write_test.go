package frame_test

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomle/gomle/frame"
)

// TestWriteCSVRoundTrip writes files exported by R (text with commas and quotes, booleans,
// missing values, row names) and reads them back: the same names, types, levels and values,
// and the extra columns appended, NaN as the empty cell.
func TestWriteCSVRoundTrip(t *testing.T) {
	for _, file := range []string{"testdata/r_writecsv.csv", "testdata/r_norownames.csv", "testdata/r_mtcars.csv"} {
		t.Run(file, func(t *testing.T) {
			f, err := frame.ReadFile(file, frame.Options{})
			if err != nil {
				t.Fatal(err)
			}
			extra := make([]float64, f.Len())
			for i := range extra {
				extra[i] = 1 / float64(i+3) // not short in decimal: the shortest exact form must read back
			}
			extra[0] = math.NaN()
			var buf bytes.Buffer
			if err := f.WriteCSV(&buf, []string{"se(Pr(y=1))"}, [][]float64{extra}); err != nil {
				t.Fatal(err)
			}
			g, err := frame.ReadCSV(strings.NewReader(buf.String()), frame.Options{})
			if err != nil {
				t.Fatalf("%v\n%s", err, buf.String())
			}
			if want := append(f.Names(), "se(Pr(y=1))"); !slices.Equal(g.Names(), want) {
				t.Fatalf("names %q, want %q", g.Names(), want)
			}
			same := func(a, b []float64) bool {
				return slices.EqualFunc(a, b, func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) })
			}
			for _, name := range f.Names() {
				if f.IsText(name) != g.IsText(name) {
					t.Fatalf("column %q: text %t, read back %t", name, f.IsText(name), g.IsText(name))
				}
				if f.IsText(name) {
					lf, _ := f.Levels(name)
					lg, _ := g.Levels(name)
					cf, _ := f.Codes(name)
					cg, _ := g.Codes(name)
					if !slices.Equal(lf, lg) || !same(cf, cg) {
						t.Errorf("text column %q: levels %q codes %v, read back %q %v", name, lf, cf, lg, cg)
					}
					continue
				}
				vf, _ := f.Column(name)
				vg, _ := g.Column(name)
				if !same(vf, vg) {
					t.Errorf("column %q: %v, read back %v", name, vf, vg)
				}
			}
			if got, _ := g.Column("se(Pr(y=1))"); !same(got, extra) {
				t.Errorf("extra column %v, want %v", got, extra)
			}
		})
	}
	f, _ := frame.ReadFile("testdata/r_writecsv.csv", frame.Options{})
	if err := f.WriteCSV(&bytes.Buffer{}, []string{"a"}, [][]float64{{1}}); err == nil {
		t.Error("an extra column of the wrong length: no error")
	}
}
