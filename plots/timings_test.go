package plots_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/plots"
	"gonum.org/v1/plot/cmpimg"
)

func TestTimings(t *testing.T) {
	cmpimg.CheckPlot(ExampleTimings, t, "timings.png")
}

func TestTimingsErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		bars []plots.Bar
		o    *plots.TimingOptions
		want string // a fragment of the error message
	}{
		{name: "none", want: "at least one bar"},
		{name: "no label", bars: []plots.Bar{{Label: "a", Seconds: 1}, {Seconds: 2}}, want: "bar 1 has no label"},
		{name: "negative", bars: []plots.Bar{{Label: "a", Seconds: -1}}, want: `bar "a" has -1 seconds`},
		{name: "NaN", bars: []plots.Bar{{Label: "a", Seconds: math.NaN()}}, want: `bar "a" has NaN seconds`},
		{name: "infinite", bars: []plots.Bar{{Label: "a", Seconds: math.Inf(1)}}, want: `bar "a" has +Inf seconds`},
		{name: "zero on log", bars: []plots.Bar{{Label: "a", Seconds: 0}, {Label: "b", Seconds: 1}}, o: &plots.TimingOptions{Scale: plots.Log}, want: `bar "a" has 0 seconds, which a log axis cannot show`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plots.Timings(tc.bars, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestTimingsLinear draws bars on a linear axis, the Auto choice for times within a factor
// of 20, including a zero time and ungrouped bars (no legend).
func TestTimingsLinear(t *testing.T) {
	for _, bars := range [][]plots.Bar{
		{{Label: "a", Seconds: 0}, {Label: "b", Seconds: 1.5}, {Label: "c", Seconds: 3}},
		{{Label: "a", Seconds: 0}}, // all zero
		{{Label: "a", Seconds: 2, Group: "x"}, {Label: "b", Seconds: 3}},
	} {
		fig, err := plots.Timings(bars, nil)
		if err != nil {
			t.Fatal(err)
		}
		if (fig.Legend != nil) != (bars[0].Group != "") {
			t.Errorf("bars %v: legend %v", bars, fig.Legend != nil)
		}
		if _, err := fig.PNG(); err != nil {
			t.Error(err)
		}
	}
}
