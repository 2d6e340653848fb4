package plots

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// Scale chooses how an axis maps values.
type Scale int

const (
	// Auto picks Log when the values to compare span a factor of AutoLogRatio or more, and
	// Linear otherwise. Each figure function says which values it compares.
	Auto Scale = iota
	// Linear is an ordinary linear axis.
	Linear
	// Log is a base-10 logarithmic axis. Values that are not positive cannot be drawn on it;
	// each figure function says what it does with them.
	Log
)

// AutoLogRatio is the ratio of largest to smallest value from which Auto picks a log scale:
// at 20 the smaller value would take up less than 5% of a linear axis.
const AutoLogRatio = 20

// String returns "auto", "linear" or "log".
func (s Scale) String() string {
	switch s {
	case Auto:
		return "auto"
	case Linear:
		return "linear"
	case Log:
		return "log"
	}
	return "Scale(" + strconv.Itoa(int(s)) + ")"
}

// resolve turns Auto into Linear or Log for the given positive values to compare (values
// that are not positive or not finite are ignored).
func (s Scale) resolve(values []float64) Scale {
	if s != Auto {
		return s
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if v > 0 && !math.IsInf(v, 1) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if hi >= AutoLogRatio*lo {
		return Log
	}
	return Linear
}

// setLog puts the axis on a log scale with decadeTicks. With snap it widens the range to
// whole decades, so that labelled ticks are at both ends. An axis with no positive range
// gets [1, 10].
func setLog(a *plot.Axis, snap bool) {
	lo, hi := a.Min, a.Max
	if !(lo > 0) || math.IsInf(hi, 0) || hi < lo {
		lo, hi = 1, 10
	}
	if snap {
		lo = math.Pow(10, math.Floor(math.Log10(lo)))
		hi = math.Pow(10, math.Ceil(math.Log10(hi)))
	}
	if hi <= lo {
		lo, hi = lo/2, hi*2
	}
	a.Min, a.Max = lo, hi
	a.Scale = plot.LogScale{}
	a.Tick.Marker = decadeTicks{}
}

// setLinear gives a linear axis niceTicks, and an axis that no data reached the range [0, 1].
func setLinear(a *plot.Axis) {
	if math.IsInf(a.Min, 0) || math.IsInf(a.Max, 0) {
		a.Min, a.Max = 0, 1
	}
	a.Tick.Marker = niceTicks{}
}

// decadeTicks marks a log axis at powers of ten. It labels at most about six of them (every
// decade, every second, ... as the range requires) and marks the others as minor ticks; on
// ranges of four decades or fewer it adds minor ticks at 2, 3, ..., 9 times each power, and
// when fewer than two powers of ten fall inside the range it labels 2 and 5 times each power.
// Labels are plain numbers when the axis lies between 0.001 and 1000 (0.001, 0.01, ..., 1000)
// and in exponent form otherwise (1e-6, 1e12).
type decadeTicks struct{}

// maxDecadeLabels is how many decades decadeTicks labels at most, roughly: tick labels
// 10⁻¹² and the like need about 0.7 cm each on a vertical axis of 4 to 5 cm.
const maxDecadeLabels = 6

// Ticks implements plot.Ticker.
func (decadeTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) || math.IsInf(hi, 0) {
		return nil
	}
	e0 := int(math.Floor(math.Log10(lo)))
	e1 := int(math.Ceil(math.Log10(hi)))
	n := e1 - e0
	step := max(1, (n+maxDecadeLabels-1)/maxDecadeLabels)
	plain := e0 >= -3 && e1 <= 3
	inside := 0
	for e := e0; e <= e1; e++ {
		if v := math.Pow(10, float64(e)); v >= lo && v <= hi {
			inside++
		}
	}
	var ticks []plot.Tick
	for e := e0; e <= e1; e++ {
		v := math.Pow(10, float64(e))
		t := plot.Tick{Value: v}
		if e%step == 0 {
			t.Label = decadeLabel(1, e, plain)
		}
		ticks = append(ticks, t)
		if n <= 4 && e < e1 {
			for m := 2; m <= 9; m++ {
				t := plot.Tick{Value: float64(m) * v}
				if inside < 2 && (m == 2 || m == 5) {
					t.Label = decadeLabel(m, e, plain)
				}
				ticks = append(ticks, t)
			}
		}
	}
	return ticks
}

// decadeLabel writes m·10^e (m a digit) as a plain number or in short exponent form, "1e-6",
// "5e12". (Superscripts would be nicer, but gonum/plot's Liberation fonts lack ⁰, ⁹ and ⁻,
// and its LaTeX handler does not typeset ^.)
func decadeLabel(m, e int, plain bool) string {
	if plain {
		return strconv.FormatFloat(float64(m)*math.Pow(10, float64(e)), 'f', -1, 64)
	}
	return strconv.Itoa(m) + "e" + strconv.Itoa(e)
}

// niceTicks marks a linear axis at three to seven round values (1, 2 or 5 times a power of
// ten apart) and writes every label with the same number of decimals, enough to tell them
// apart: gonum's DefaultTicks labels a narrow range such as [3.445, 3.465] "3.5, 3.5, 3.5".
type niceTicks struct{}

// Ticks implements plot.Ticker.
func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || !finite(lo) || !finite(hi) {
		return nil
	}
	// The largest round step that puts at least three ticks in the range (which leaves at
	// most seven).
	var step float64
	for e := math.Floor(math.Log10(hi - lo)); step == 0; e-- {
		for _, m := range []float64{5, 2, 1} {
			s := m * math.Pow(10, e)
			if math.Floor(hi/s+1e-9)-math.Ceil(lo/s-1e-9)+1 >= 3 {
				step = s
				break
			}
		}
	}
	// Significant decimals of the step: 0.02 needs 2, 20 needs 0.
	dec := -int(math.Floor(math.Log10(step) + 1e-9))
	big := max(math.Abs(lo), math.Abs(hi))
	format := func(v float64) string {
		if big >= 1e6 || big < 1e-3 {
			// Exponent form with enough significant digits to tell neighbours apart.
			digits := int(math.Floor(math.Log10(big))) + dec + 1
			return strconv.FormatFloat(v, 'g', min(max(digits, 1), 12), 64)
		}
		return strconv.FormatFloat(v, 'f', max(dec, 0), 64)
	}
	var ticks []plot.Tick
	k0 := math.Ceil(lo/step - 1e-9)
	for k := k0; k*step <= hi+step*1e-9; k++ {
		v := k * step
		if v == 0 {
			v = 0 // no "-0"
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: format(v)})
	}
	return ticks
}
