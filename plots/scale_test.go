package plots

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/plot"
)

// labels returns the labels of the labelled ticks inside [lo, hi].
func labels(ticks []plot.Tick, lo, hi float64) []string {
	var out []string
	for _, t := range ticks {
		if t.Label != "" && t.Value >= lo*(1-1e-12) && t.Value <= hi*(1+1e-12) {
			out = append(out, t.Label)
		}
	}
	return out
}

func TestDecadeTicks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lo, hi float64
		want   []string // labels inside the range
	}{
		{name: "plain", lo: 1e-3, hi: 1e3, want: []string{"0.001", "0.01", "0.1", "1", "10", "100", "1000"}},
		// 18 decades: every third labelled, exponents on multiples of 3.
		{name: "eighteen", lo: 1e-11, hi: 1e7, want: []string{"1e-9", "1e-6", "1e-3", "1e0", "1e3", "1e6"}},
		{name: "exponent", lo: 1e-6, hi: 1e-4, want: []string{"1e-6", "1e-5", "1e-4"}},
		// Within one decade: 2 and 5 times the powers are labelled too.
		{name: "narrow", lo: 0.15, hi: 0.9, want: []string{"0.2", "0.5"}},
		{name: "narrow exponent", lo: 1.5e-7, hi: 9e-7, want: []string{"2e-7", "5e-7"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := labels(decadeTicks{}.Ticks(tc.lo, tc.hi), tc.lo, tc.hi)
			if !slices.Equal(got, tc.want) {
				t.Errorf("labels %q, want %q", got, tc.want)
			}
		})
	}
	if ticks := (decadeTicks{}).Ticks(0, 1); ticks != nil {
		t.Errorf("ticks for a range from 0: %v", ticks)
	}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lo, hi float64
		want   []string
	}{
		// gonum's DefaultTicks labels this range 3.5, 3.5, 3.5.
		{name: "narrow", lo: 3.4445, hi: 3.4705, want: []string{"3.45", "3.46", "3.47"}},
		{name: "narrower", lo: 3.4445, hi: 3.4655, want: []string{"3.445", "3.450", "3.455", "3.460", "3.465"}},
		{name: "negative", lo: -2.021, hi: -1.994, want: []string{"-2.02", "-2.01", "-2.00"}},
		{name: "hundredths", lo: 0, hi: 0.1, want: []string{"0.00", "0.05", "0.10"}},
		{name: "fiftieths", lo: 0, hi: 0.08, want: []string{"0.00", "0.02", "0.04", "0.06", "0.08"}},
		{name: "iterations", lo: 0, hi: 33, want: []string{"0", "10", "20", "30"}},
		{name: "zero crossing", lo: -1, hi: 1, want: []string{"-1", "0", "1"}},
		{name: "big", lo: -1e9, hi: -7e4, want: []string{"-1e+09", "-8e+08", "-6e+08", "-4e+08", "-2e+08"}},
		{name: "log-likelihood", lo: -71080, hi: -71060, want: []string{"-71080", "-71070", "-71060"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, tk := range (niceTicks{}).Ticks(tc.lo, tc.hi) {
				got = append(got, tk.Label)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("labels %q, want %q", got, tc.want)
			}
		})
	}
}

func TestScaleResolve(t *testing.T) {
	for _, tc := range []struct {
		s      Scale
		values []float64
		want   Scale
	}{
		{Auto, []float64{1, 19.9}, Linear},
		{Auto, []float64{1, 20}, Log},
		{Auto, []float64{0, 1, 2}, Linear}, // zero is ignored
		{Auto, []float64{math.NaN(), 0.1, math.Inf(1), 3}, Log},
		{Auto, nil, Linear},
		{Linear, []float64{1, 1e6}, Linear},
		{Log, []float64{1, 2}, Log},
	} {
		if got := tc.s.resolve(tc.values); got != tc.want {
			t.Errorf("%v.resolve(%v) = %v, want %v", tc.s, tc.values, got, tc.want)
		}
	}
	if got := Scale(7).String(); got != "Scale(7)" {
		t.Errorf("String of an unknown scale: %q", got)
	}
}

func TestFormatSeconds(t *testing.T) {
	for _, tc := range []struct {
		s    float64
		want string
	}{
		{0, "0 s"}, {0.12391, "0.124 s"}, {13.90128, "13.9 s"}, {5.470564, "5.47 s"}, {2345.6, "2346 s"},
		{2.5e5, "2.50e+05 s"}, {1.2e-4, "1.20e-04 s"}, {0.011, "0.011 s"},
	} {
		if got := formatSeconds(tc.s); got != tc.want {
			t.Errorf("formatSeconds(%v) = %q, want %q", tc.s, got, tc.want)
		}
	}
}
