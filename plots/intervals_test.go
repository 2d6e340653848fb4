package plots_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/plots"
	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/plot/cmpimg"
)

func TestIntervals(t *testing.T) {
	cmpimg.CheckPlot(ExampleIntervals, t, "intervals.png")
}

// estimates returns estimates with the given labels, each 0.1 above its index with standard
// error 0.05.
func estimates(labels ...string) *stderr.Estimates {
	e := &stderr.Estimates{Labels: labels, Level: stderr.Level95}
	for i := range labels {
		v := float64(i) + 0.1
		e.Params = append(e.Params, v)
		e.SE = append(e.SE, 0.05)
		e.Lower = append(e.Lower, v-0.098)
		e.Upper = append(e.Upper, v+0.098)
	}
	return e
}

func TestIntervalsErrors(t *testing.T) {
	short := estimates("a", "b", "c")
	short.Upper = short.Upper[:2]
	other := estimates("a", "b", "c")
	other.Level = 0.9
	nan := estimates("a", "b", "c")
	nan.Params[1] = math.NaN()
	for _, tc := range []struct {
		name  string
		sets  []plots.NamedEstimates
		truth []float64
		o     *plots.IntervalOptions
		want  string // a fragment of the error message
	}{
		{name: "none", want: "at least one set"},
		{name: "unnamed", sets: []plots.NamedEstimates{{Estimates: estimates("a")}}, want: "estimates 0 have no name"},
		{name: "nil", sets: []plots.NamedEstimates{{Name: "m"}}, want: `estimates "m" are nil`},
		{name: "no parameters", sets: []plots.NamedEstimates{{Name: "m", Estimates: &stderr.Estimates{}}}, want: "no parameters"},
		{name: "short upper", sets: []plots.NamedEstimates{{Name: "m", Estimates: short}}, want: `estimates "m" have 3 parameters but 2 upper bounds`},
		{name: "levels", sets: []plots.NamedEstimates{{Name: "m", Estimates: estimates("a", "b", "c")}, {Name: "n", Estimates: other}}, want: `"n" are at level 0.9 but "m" at 0.95`},
		{name: "truth length", sets: []plots.NamedEstimates{{Name: "m", Estimates: estimates("a", "b", "c")}}, truth: []float64{1, 2}, want: "truth has 2 values but estimates \"m\" have 3 parameters"},
		{name: "unknown label", sets: []plots.NamedEstimates{{Name: "m", Estimates: estimates("a", "b", "c")}}, o: &plots.IntervalOptions{Labels: []string{"b", "z"}}, want: `estimates "m" have no parameter "z" (labels: a, b, c)`},
		{name: "labels differ", sets: []plots.NamedEstimates{{Name: "m", Estimates: estimates("a", "b")}, {Name: "n", Estimates: estimates("a", "c")}}, want: `parameter 1 is "b" in estimates "m" but "c" in "n"`},
		{name: "NaN", sets: []plots.NamedEstimates{{Name: "m", Estimates: nan}}, want: `estimates "m": parameter "b" has estimate NaN`},
		{name: "NaN truth", sets: []plots.NamedEstimates{{Name: "m", Estimates: estimates("a", "b")}}, truth: []float64{0, math.Inf(1)}, want: `true value of parameter "b" is +Inf`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plots.Intervals(tc.sets, tc.truth, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestIntervalsSelection(t *testing.T) {
	many := make([]string, 101)
	for i := range many {
		many[i] = "b" + string(rune('0'+i%10)) + string(rune('a'+i/10))
	}
	for _, tc := range []struct {
		name       string
		sets       []plots.NamedEstimates
		o          *plots.IntervalOptions
		rows, cols int // the panel grid
	}{
		// Six by default, in 2 rows of 3.
		{name: "default", sets: []plots.NamedEstimates{{Name: "m", Estimates: estimates(many...)}}, rows: 2, cols: 3},
		// Fewer parameters than First: all of them.
		{name: "few", sets: []plots.NamedEstimates{{Name: "m", Estimates: estimates("a", "b")}}, rows: 1, cols: 2},
		// The smallest set bounds First.
		{name: "smallest", sets: []plots.NamedEstimates{{Name: "m", Estimates: estimates(many...)}, {Name: "n", Estimates: estimates(many[:3]...)}}, rows: 1, cols: 3},
		{name: "first 8", sets: []plots.NamedEstimates{{Name: "m", Estimates: estimates(many...)}}, o: &plots.IntervalOptions{First: 8}, rows: 2, cols: 4},
		{name: "first 9", sets: []plots.NamedEstimates{{Name: "m", Estimates: estimates(many...)}}, o: &plots.IntervalOptions{First: 9}, rows: 3, cols: 3},
		{name: "columns", sets: []plots.NamedEstimates{{Name: "m", Estimates: estimates(many...)}}, o: &plots.IntervalOptions{First: 5, Columns: 2}, rows: 3, cols: 2},
		// By label, in any order, from sets with different parameters.
		{name: "labels", sets: []plots.NamedEstimates{{Name: "m", Estimates: estimates("a", "b", "sigma")}, {Name: "n", Estimates: estimates("sigma", "a")}},
			o: &plots.IntervalOptions{Labels: []string{"sigma", "a"}}, rows: 1, cols: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fig, err := plots.Intervals(tc.sets, nil, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if len(fig.Panels) != tc.rows || len(fig.Panels[0]) != tc.cols {
				t.Errorf("grid %d×%d, want %d×%d", len(fig.Panels), len(fig.Panels[0]), tc.rows, tc.cols)
			}
			if _, err := fig.PNG(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestIntervalsZeroWidth draws intervals of zero width that coincide with the truth, a range
// of zero span.
func TestIntervalsZeroWidth(t *testing.T) {
	e := &stderr.Estimates{Labels: []string{"a"}, Params: []float64{2}, Lower: []float64{2}, Upper: []float64{2}, Level: stderr.Level95}
	fig, err := plots.Intervals([]plots.NamedEstimates{{Name: "m", Estimates: e}}, []float64{2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fig.PNG(); err != nil {
		t.Error(err)
	}
}
