package frame_test

import (
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gomle/gomle/frame"
)

// smallFrame is a hand-written frame for design tests:
//
//	row  y    x   g  h  k
//	0    1  0.5   2  1  0
//	1    2    1   1  1  1
//	2    3    2   3  0  2
//	3    4    4   1  1  0
//	4    5    8   2  0  1
//	5    6   16   3  1  2
func smallFrame(t *testing.T) *frame.Frame {
	t.Helper()
	f, err := frame.New([]string{"y", "x", "g", "h", "k"}, [][]float64{
		{1, 2, 3, 4, 5, 6},
		{0.5, 1, 2, 4, 8, 16},
		{2, 1, 3, 1, 2, 3},
		{1, 1, 0, 1, 0, 1},
		{0, 1, 2, 0, 1, 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Natural logarithms of powers of two, written out so that the expected matrices do not
// depend on the code under test: ln 2 = 0.693147180559945309...
const (
	ln2  = 0.6931471805599453
	ln4  = 1.3862943611198906
	ln8  = 2.0794415416798357
	ln16 = 2.772588722239781
)

// checkDesign fails the test unless d has the given names and rows of X, and Y.
func checkDesign(t *testing.T, d *frame.Design, names []string, x [][]float64, y []float64) {
	t.Helper()
	if !slices.Equal(d.Names, names) {
		t.Fatalf("names %q, want %q", d.Names, names)
	}
	r, c := d.X.Dims()
	if r != len(x) || c != len(names) {
		t.Fatalf("X is %d×%d, want %d×%d", r, c, len(x), len(names))
	}
	for i := range x {
		for j := range names {
			// 1e-15: the only inexact entries are logarithms, correctly rounded.
			if got := d.X.At(i, j); math.Abs(got-x[i][j]) > 1e-15*math.Max(1, math.Abs(x[i][j])) {
				t.Errorf("X[%d, %q] = %.17g, want %.17g", i, names[j], got, x[i][j])
			}
		}
	}
	if !sameColumn(d.Y, y) {
		t.Errorf("Y = %v, want %v", d.Y, y)
	}
}

func TestDesign(t *testing.T) {
	all := []int{0, 1, 2, 3, 4, 5}
	y := []float64{1, 2, 3, 4, 5, 6}
	cases := []struct {
		name    string
		formula string
		names   []string    // the expected column labels
		x       [][]float64 // the expected rows of X, worked out by hand from smallFrame
		y       []float64   // the expected response
	}{
		// R's model.matrix(y ~ x + g + x:g + g:h) has the same columns: g:h is coded with
		// a dummy for every level of g, since C(h), the margin of C(g) in it, is no term.
		{"dummies and interactions", "y ~ x + C(g) + x:C(g) + C(g):C(h)",
			[]string{"Intercept", "x", "C(g)[T.2]", "C(g)[T.3]", "x:C(g)[T.2]", "x:C(g)[T.3]",
				"C(g)[1]:C(h)[T.1]", "C(g)[2]:C(h)[T.1]", "C(g)[3]:C(h)[T.1]"},
			[][]float64{
				{1, 0.5, 1, 0, 0.5, 0, 0, 1, 0}, // g=2, h=1
				{1, 1, 0, 0, 0, 0, 1, 0, 0},     // g=1, the reference, h=1
				{1, 2, 0, 1, 0, 2, 0, 0, 0},     // g=3, h=0
				{1, 4, 0, 0, 0, 0, 1, 0, 0},     // g=1, h=1
				{1, 8, 1, 0, 8, 0, 0, 0, 0},     // g=2, h=0
				{1, 16, 0, 1, 0, 16, 0, 0, 1},   // g=3, h=1
			}, y},
		{"a slope for every level", "y ~ C(g):x",
			[]string{"Intercept", "C(g)[1]:x", "C(g)[2]:x", "C(g)[3]:x"},
			[][]float64{{1, 0, 0.5, 0}, {1, 1, 0, 0}, {1, 0, 0, 2}, {1, 4, 0, 0}, {1, 0, 8, 0}, {1, 0, 0, 16}}, y},
		{"differences of slopes", "y ~ x + C(g):x",
			[]string{"Intercept", "x", "C(g)[T.2]:x", "C(g)[T.3]:x"},
			[][]float64{{1, 0.5, 0.5, 0}, {1, 1, 0, 0}, {1, 2, 0, 2}, {1, 4, 0, 0}, {1, 8, 8, 0}, {1, 16, 0, 16}}, y},
		{"the margin may come later", "y ~ C(g):x + x",
			[]string{"Intercept", "C(g)[T.2]:x", "C(g)[T.3]:x", "x"},
			[][]float64{{1, 0.5, 0, 0.5}, {1, 0, 0, 1}, {1, 0, 2, 2}, {1, 0, 0, 4}, {1, 8, 0, 8}, {1, 0, 16, 16}}, y},
		{"no intercept, a numeric margin", "y ~ x + C(g):x - 1",
			[]string{"x", "C(g)[T.2]:x", "C(g)[T.3]:x"},
			[][]float64{{0.5, 0.5, 0}, {1, 0, 0}, {2, 0, 2}, {4, 0, 0}, {8, 8, 0}, {16, 0, 16}}, y},
		{"reference level, functions and I()", "y ~ C(g, Treatment(3)) + log(x) + I(x^2)",
			[]string{"Intercept", "C(g, Treatment(3))[T.1]", "C(g, Treatment(3))[T.2]", "log(x)", "I(x^2)"},
			[][]float64{
				{1, 0, 1, -ln2, 0.25},
				{1, 1, 0, 0, 1},
				{1, 0, 0, ln2, 4},
				{1, 1, 0, ln4, 16},
				{1, 0, 1, ln8, 64},
				{1, 0, 0, ln16, 256},
			}, y},
		{"reference by keyword", "y ~ C(g, Treatment(reference=2))",
			[]string{"Intercept", "C(g, Treatment(2))[T.1]", "C(g, Treatment(2))[T.3]"},
			[][]float64{{1, 0, 0}, {1, 1, 0}, {1, 0, 1}, {1, 1, 0}, {1, 0, 0}, {1, 0, 1}}, y},
		{"no intercept: full dummies for the first factor", "y ~ 0 + C(g) + C(h) + x",
			[]string{"C(g)[1]", "C(g)[2]", "C(g)[3]", "C(h)[T.1]", "x"},
			[][]float64{
				{0, 1, 0, 1, 0.5},
				{1, 0, 0, 1, 1},
				{0, 0, 1, 0, 2},
				{1, 0, 0, 1, 4},
				{0, 1, 0, 0, 8},
				{0, 0, 1, 1, 16},
			}, y},
		// R's model.matrix(y ~ g*k) has the same columns in the same order.
		{"two factors crossed: the first varies fastest", "y ~ C(g)*C(k)",
			[]string{"Intercept", "C(g)[T.2]", "C(g)[T.3]", "C(k)[T.1]", "C(k)[T.2]",
				"C(g)[T.2]:C(k)[T.1]", "C(g)[T.3]:C(k)[T.1]", "C(g)[T.2]:C(k)[T.2]", "C(g)[T.3]:C(k)[T.2]"},
			[][]float64{
				{1, 1, 0, 0, 0, 0, 0, 0, 0}, // g=2, k=0
				{1, 0, 0, 1, 0, 0, 0, 0, 0}, // g=1, k=1
				{1, 0, 1, 0, 1, 0, 0, 0, 1}, // g=3, k=2
				{1, 0, 0, 0, 0, 0, 0, 0, 0}, // g=1, k=0
				{1, 1, 0, 1, 0, 1, 0, 0, 0}, // g=2, k=1
				{1, 0, 1, 0, 1, 0, 0, 0, 1}, // g=3, k=2
			}, y},
		// R's model.matrix(y ~ h:k) codes both in full: neither margin is a term.
		{"two factors without margins", "y ~ C(h):C(k)",
			[]string{"Intercept", "C(h)[0]:C(k)[0]", "C(h)[1]:C(k)[0]", "C(h)[0]:C(k)[1]", "C(h)[1]:C(k)[1]",
				"C(h)[0]:C(k)[2]", "C(h)[1]:C(k)[2]"},
			[][]float64{
				{1, 0, 1, 0, 0, 0, 0}, // h=1, k=0
				{1, 0, 0, 0, 1, 0, 0}, // h=1, k=1
				{1, 0, 0, 0, 0, 1, 0}, // h=0, k=2
				{1, 0, 1, 0, 0, 0, 0}, // h=1, k=0
				{1, 0, 0, 1, 0, 0, 0}, // h=0, k=1
				{1, 0, 0, 0, 0, 0, 1}, // h=1, k=2
			}, y},
		{"numeric interaction and a function response", "log(y) ~ x:h - 1",
			[]string{"x:h"},
			[][]float64{{0.5}, {1}, {0}, {4}, {0}, {16}},
			[]float64{0, ln2, math.Log(3), ln4, math.Log(5), math.Log(6)}},
		{"intercept only", "y ~ 1", []string{"Intercept"}, [][]float64{{1}, {1}, {1}, {1}, {1}, {1}}, y},
		{"no intercept, plus zero", "y ~ 0 + x", []string{"x"}, [][]float64{{0.5}, {1}, {2}, {4}, {8}, {16}}, y},
		{"no intercept, minus one", "y ~ x - 1", []string{"x"}, [][]float64{{0.5}, {1}, {2}, {4}, {8}, {16}}, y},
		{"comparisons in I()", "y ~ I(x > 2) + I(x*(x <= 2))", []string{"Intercept", "I(x > 2)", "I(x*(x <= 2))"},
			[][]float64{{1, 0, 0.5}, {1, 0, 1}, {1, 0, 2}, {1, 1, 0}, {1, 1, 0}, {1, 1, 0}}, y},
	}
	f := smallFrame(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fo, err := frame.ParseFormula(tc.formula)
			if err != nil {
				t.Fatal(err)
			}
			d, err := f.Design(fo)
			if err != nil {
				t.Fatal(err)
			}
			checkDesign(t, d, tc.names, tc.x, tc.y)
			if !slices.Equal(d.Rows, all) || d.Dropped != 0 || d.Extra != nil || d.Offset != nil {
				t.Errorf("Rows %v, Dropped %d, Extra %v, Offset %v; want all rows, none dropped, no extra, no offset",
					d.Rows, d.Dropped, d.Extra, d.Offset)
			}
		})
	}
}

// TestDesignOffset checks that offset terms are summed into Design.Offset, over the rows
// kept, their variables included in the listwise deletion.
func TestDesignOffset(t *testing.T) {
	f, err := frame.New([]string{"y", "x", "t", "u"}, [][]float64{
		{1, 2, 3, 4},
		{1, 2, 3, 4},
		{1, nan, 4, 8}, // row 1 lacks t
		{0.5, 0.5, 0.5, 0.5},
	})
	if err != nil {
		t.Fatal(err)
	}
	fo, err := frame.ParseFormula("y ~ x + offset(log(t)) + offset(u)")
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.Design(fo)
	if err != nil {
		t.Fatal(err)
	}
	checkDesign(t, d, []string{"Intercept", "x"}, [][]float64{{1, 1}, {1, 3}, {1, 4}}, []float64{1, 3, 4})
	if want := []float64{0.5, ln4 + 0.5, ln8 + 0.5}; !sameColumn(d.Offset, want) || !slices.Equal(d.Rows, []int{0, 2, 3}) {
		t.Errorf("Offset %v on rows %v, want %v on [0 2 3]", d.Offset, d.Rows, want)
	}
	if cont, factors := d.Variables(); !slices.Equal(cont, []string{"x"}) || factors != nil {
		t.Errorf("Variables() = %v, %v; want [x], none: offsets are not regressors", cont, factors)
	}

	fo, err = frame.ParseFormula("y ~ x + offset(log(x - 1))")
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Design(fo)
	if want := "frame: the offset offset(log(x - 1)) is -Inf at data row 1 (x = 1)"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

// TestDesignListwise checks that rows with a missing value in a used column, and only those,
// are dropped, and that the levels of a factor come from the kept rows.
func TestDesignListwise(t *testing.T) {
	f, err := frame.New([]string{"y", "x", "g", "w", "z"}, [][]float64{
		{1, nan, 3, 4, 5, 6},
		{1, 2, 3, nan, 5, 6},
		{1, 2, 2, 3, 3, 3}, // level 1 only in row 0
		{9, 8, 7, 6, 5, nan},
		{nan, 0, 0, 0, 0, 0}, // unused unless asked for
	})
	if err != nil {
		t.Fatal(err)
	}
	fo, err := frame.ParseFormula("y ~ x + C(g)")
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.Design(fo)
	if err != nil {
		t.Fatal(err)
	}
	checkDesign(t, d, []string{"Intercept", "x", "C(g)[T.2]", "C(g)[T.3]"},
		[][]float64{{1, 1, 0, 0}, {1, 3, 1, 0}, {1, 5, 0, 1}, {1, 6, 0, 1}}, []float64{1, 3, 5, 6})
	if !slices.Equal(d.Rows, []int{0, 2, 4, 5}) || d.Dropped != 2 {
		t.Errorf("Rows %v, Dropped %d; want [0 2 4 5], 2", d.Rows, d.Dropped)
	}

	// The extra columns z and w drop rows 0 and 5 as well; g then has levels 2 and 3 only.
	d, err = f.Design(fo, "w", "z")
	if err != nil {
		t.Fatal(err)
	}
	checkDesign(t, d, []string{"Intercept", "x", "C(g)[T.3]"}, [][]float64{{1, 3, 0}, {1, 5, 1}}, []float64{3, 5})
	if !slices.Equal(d.Rows, []int{2, 4}) || d.Dropped != 4 {
		t.Errorf("Rows %v, Dropped %d; want [2 4], 4", d.Rows, d.Dropped)
	}
	if !sameColumn(d.Extra["w"], []float64{7, 5}) || !sameColumn(d.Extra["z"], []float64{0, 0}) || len(d.Extra) != 2 {
		t.Errorf("Extra = %v, want w: [7 5], z: [0 0]", d.Extra)
	}
}

func TestDesignErrors(t *testing.T) {
	f, err := frame.New([]string{"y", "x", "g", "big"}, [][]float64{
		{1, 2, 3, 4},
		{1, 2, 0, 4},
		{1, 1, 2, 2},
		{1e200, 1, 1, 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	allMissing, err := frame.New([]string{"y", "x"}, [][]float64{{1, nan}, {nan, 2}})
	if err != nil {
		t.Fatal(err)
	}
	empty, err := frame.New([]string{"y", "x"}, [][]float64{{}, {}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		f       *frame.Frame // the frame
		formula string
		extra   []string // extra columns
		want    string   // the error message
	}{
		{"unknown column", f, "y ~ x + xx", nil, `frame: no column "xx" (did you mean "x"? columns: y, x, g, big)`},
		{"unknown column in a function", f, "y ~ log(z)", nil, `frame: no column "z" (columns: y, x, g, big)`},
		{"unknown extra column", f, "y ~ x", []string{"offset"}, `frame: no column "offset" (columns: y, x, g, big)`},
		{"log of zero", f, "y ~ log(x)", nil, "frame: the term log(x) is -Inf at data row 3 (x = 0)"},
		{"log of a negative response", f, "log(y - 3) ~ x", nil, "frame: the response log(y - 3) is NaN at data row 1 (y = 1)"},
		{"overflowing interaction", f, "y ~ big:big2", nil, `frame: no column "big2" (did you mean "big"? columns: y, x, g, big)`},
		{"overflowing product", f, "y ~ I(big*big)", nil, "frame: the term I(big*big) is +Inf at data row 1 (big = 1e+200)"},
		{"overflowing interaction of two terms", f, "y ~ big:I(big*2)", nil,
			"frame: the term big:I(big*2) is +Inf at data row 1 (big = 1e+200)"},
		{"absent reference level", f, "y ~ C(g, Treatment(7))", nil,
			"frame: the term C(g, Treatment(7)): the reference level 7 is not a value of g in the rows used (levels: 1, 2)"},
		{"no columns", f, "y ~ 0", nil, "frame: the formula y ~ 0 has no terms and no intercept"},
		{"no complete rows", allMissing, "y ~ x", nil, "frame: no complete rows: each of the 2 rows has a missing value in x, y"},
		{"no rows", empty, "y ~ x", nil, "frame: the frame has no rows"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fo, err := frame.ParseFormula(tc.formula)
			if err != nil {
				t.Fatal(err)
			}
			_, err = tc.f.Design(fo, tc.extra...)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error:\n got %v\nwant %s", err, tc.want)
			}
		})
	}
}

// TestDesignShips checks listwise deletion on the ships data: 6 of its 40 rows lack service
// and accident, leaving the 34 rows of the Stata and statsmodels fits.
func TestDesignShips(t *testing.T) {
	f, err := frame.ReadFile(filepath.Join("..", "data", "ships.csv"), frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fo, err := frame.ParseFormula("accident ~ yr_con + op_75_79")
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.Design(fo, "service", "ship")
	if err != nil {
		t.Fatal(err)
	}
	// The incomplete rows are data lines 8, 16, 24, 32, 35 and 40 of the file, frame rows
	// 6, 14, 22, 30, 33 and 38.
	var want []int
	for i := range 40 {
		if !slices.Contains([]int{6, 14, 22, 30, 33, 38}, i) {
			want = append(want, i)
		}
	}
	if len(d.Y) != 34 || d.Dropped != 6 || !slices.Equal(d.Rows, want) {
		t.Errorf("%d rows kept (%v), %d dropped; want 34 (%v), 6", len(d.Y), d.Rows, d.Dropped, want)
	}
	if r, c := d.X.Dims(); r != 34 || c != 3 {
		t.Errorf("X is %d×%d, want 34×3", r, c)
	}
	for _, name := range []string{"service", "ship"} {
		col := d.Extra[name]
		if len(col) != 34 || slices.ContainsFunc(col, math.IsNaN) {
			t.Errorf("Extra[%q] = %v, want 34 values, none missing", name, col)
		}
	}
	// Without service in the design, the formula alone still drops the same rows, as
	// accident is missing in each of them.
	d, err = f.Design(fo)
	if err != nil || len(d.Y) != 34 {
		t.Errorf("without extra columns: %v, %v; want 34 rows", err, d)
	}
}

// TestDesignAnes96 checks the log(popul + 0.1) regressor of the statsmodels multinomial logit
// example against math.Log, row by row.
func TestDesignAnes96(t *testing.T) {
	f, err := frame.ReadFile(filepath.Join("..", "data", "anes96.csv"), frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fo, err := frame.ParseFormula("PID ~ log(popul + 0.1) + selfLR + age + educ + income")
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.Design(fo)
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"Intercept", "log(popul + 0.1)", "selfLR", "age", "educ", "income"}
	if !slices.Equal(d.Names, wantNames) || len(d.Y) != 944 || d.Dropped != 0 {
		t.Fatalf("names %q, %d rows, %d dropped; want %q, 944, 0", d.Names, len(d.Y), d.Dropped, wantNames)
	}
	popul, _ := f.Column("popul")
	pid, _ := f.Column("PID")
	for i, p := range popul {
		if got, want := d.X.At(i, 1), math.Log(p+0.1); got != want {
			t.Fatalf("row %d: log(popul + 0.1) = %.17g, want %.17g", i, got, want)
		}
		if d.X.At(i, 0) != 1 || d.Y[i] != pid[i] {
			t.Fatalf("row %d: intercept %g, response %g; want 1, %g", i, d.X.At(i, 0), d.Y[i], pid[i])
		}
	}
}

// TestDesignProvenance checks Design.Vars and Design.Factor, which say which frame columns
// each column of X comes from and which columns are the dummies of one factor.
func TestDesignProvenance(t *testing.T) {
	f, err := frame.New([]string{"y", "x", "z", "g"}, [][]float64{{1, 2, 3, 4, 5}, {1, 2, 3, 4, 6}, {0, 1, 0, 1, 1}, {1, 2, 3, 1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	fo, err := frame.ParseFormula("y ~ x + I(x^2) + C(g) + x:z")
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.Design(fo)
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"Intercept", "x", "I(x^2)", "C(g)[T.2]", "C(g)[T.3]", "x:z"}
	wantVars := [][]string{nil, {"x"}, {"x"}, {"g"}, {"g"}, {"x", "z"}}
	wantFactor := []string{"", "", "", "C(g)", "C(g)", ""}
	if !slices.Equal(d.Names, wantNames) || !slices.Equal(d.Factor, wantFactor) || len(d.Vars) != len(wantVars) {
		t.Fatalf("names %q, factors %q, %d vars", d.Names, d.Factor, len(d.Vars))
	}
	for j := range wantVars {
		if !slices.Equal(d.Vars[j], wantVars[j]) {
			t.Errorf("column %s: vars %q, want %q", d.Names[j], d.Vars[j], wantVars[j])
		}
	}
}
