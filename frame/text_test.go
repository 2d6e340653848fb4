package frame_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gomle/gomle/frame"
)

// raceFrame reads a small file with a text column race (levels black, other, white), a
// boolean union, a text column name that no formula uses, a missing race on line 7, and a
// numeric column typo with a letter O for a zero on line 3:
//
//	row  y  x  race   union
//	0    1  1  white  1
//	1    2  2  black  0
//	2    3  4  other  1
//	3    4  8  white  0
//	4    5  3  black  1
//	5    6  5  (NA)   0
func raceFrame(t *testing.T) *frame.Frame {
	t.Helper()
	in := `y,x,race,union,name,typo
1,1,white,TRUE,"Ann",1.5
2,2,black,FALSE,"Bo",1.O
3,4,other,T,"Cy",2.5
4,8,white,F,"Di",3
5,3,black,true,"Ed",3.5
6,5,NA,false,"Flo",4
`
	f, err := frame.ReadCSV(strings.NewReader(in), frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestDesignText(t *testing.T) {
	y := []float64{1, 2, 3, 4, 5}
	cases := []struct {
		name    string
		formula string
		names   []string    // the expected column labels
		x       [][]float64 // the expected rows of X, the sixth row (race missing) dropped
	}{
		{"a bare text column is a factor", "y ~ x + race",
			[]string{"Intercept", "x", "race[T.other]", "race[T.white]"},
			[][]float64{{1, 1, 0, 1}, {1, 2, 0, 0}, {1, 4, 1, 0}, {1, 8, 0, 1}, {1, 3, 0, 0}}},
		{"C() of a text column", "y ~ C(race)",
			[]string{"Intercept", "C(race)[T.other]", "C(race)[T.white]"},
			[][]float64{{1, 0, 1}, {1, 0, 0}, {1, 1, 0}, {1, 0, 1}, {1, 0, 0}}},
		{"reference by name", `y ~ x + C(race, Treatment("white"))`,
			[]string{"Intercept", "x", `C(race, Treatment("white"))[T.black]`, `C(race, Treatment("white"))[T.other]`},
			[][]float64{{1, 1, 0, 0}, {1, 2, 1, 0}, {1, 4, 0, 1}, {1, 8, 0, 0}, {1, 3, 1, 0}}},
		{"reference by keyword and single quotes", `y ~ C(race, Treatment(reference='other'))`,
			[]string{"Intercept", `C(race, Treatment("other"))[T.black]`, `C(race, Treatment("other"))[T.white]`},
			[][]float64{{1, 0, 1}, {1, 1, 0}, {1, 0, 0}, {1, 0, 1}, {1, 1, 0}}},
		{"interaction with a number, no main effect: a slope per level, as in R", "y ~ x:C(race)",
			[]string{"Intercept", "x:C(race)[black]", "x:C(race)[other]", "x:C(race)[white]"},
			[][]float64{{1, 0, 0, 1}, {1, 2, 0, 0}, {1, 0, 4, 0}, {1, 0, 0, 8}, {1, 3, 0, 0}}},
		{"interaction with a number and its main effect", "y ~ x + x:C(race)",
			[]string{"Intercept", "x", "x:C(race)[T.other]", "x:C(race)[T.white]"},
			[][]float64{{1, 1, 0, 1}, {1, 2, 0, 0}, {1, 4, 4, 0}, {1, 8, 0, 8}, {1, 3, 0, 0}}},
		{"no intercept: every level", "y ~ 0 + race + union",
			[]string{"race[black]", "race[other]", "race[white]", "union"},
			[][]float64{{0, 0, 1, 1}, {1, 0, 0, 0}, {0, 1, 0, 1}, {0, 0, 1, 0}, {1, 0, 0, 1}}},
	}
	f := raceFrame(t)
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
			checkDesign(t, d, tc.names, tc.x, y)
			if !slices.Equal(d.Rows, []int{0, 1, 2, 3, 4}) || d.Dropped != 1 {
				t.Errorf("Rows %v, Dropped %d; want the first five rows", d.Rows, d.Dropped)
			}
		})
	}

	// A text column the formula does not use changes nothing, and keeps its missing cells.
	fo, err := frame.ParseFormula("y ~ x + union")
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.Design(fo, "name")
	if err != nil {
		t.Fatal(err)
	}
	if d.Dropped != 0 || !slices.Equal(d.Names, []string{"Intercept", "x", "union"}) {
		t.Errorf("y ~ x + union: names %q, %d dropped; want no row dropped", d.Names, d.Dropped)
	}
	// An extra text column (cluster identifiers) comes back as its codes.
	if got := d.Extra["name"]; !slices.Equal(got, []float64{0, 1, 2, 3, 4, 5}) {
		t.Errorf("Extra[name] = %v, want the codes 0 to 5", got)
	}
}

// TestDesignTextLevels checks Levels, LevelName and At on a text factor.
func TestDesignTextLevels(t *testing.T) {
	f := raceFrame(t)
	fo, err := frame.ParseFormula(`y ~ x + C(race, Treatment("white"))`)
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.Design(fo)
	if err != nil {
		t.Fatal(err)
	}
	levels, ref, err := d.Levels("race")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range levels {
		names = append(names, d.LevelName("race", l))
	}
	if !slices.Equal(names, []string{"black", "other", "white"}) || d.LevelName("race", ref) != "white" {
		t.Errorf("levels %q, reference %q; want black, other, white and white", names, d.LevelName("race", ref))
	}
	if got := d.LevelName("x", 2); got != "2" {
		t.Errorf(`LevelName("x", 2) = %q, want "2"`, got)
	}
	x, err := d.At("race", levels[0]) // everyone black
	if err != nil {
		t.Fatal(err)
	}
	for i := range len(d.Rows) {
		if x.At(i, 2) != 1 || x.At(i, 3) != 0 {
			t.Errorf("At(race = black) row %d: %v, want dummies 1, 0", i, []float64{x.At(i, 2), x.At(i, 3)})
		}
	}
	_, err = d.At("race", 7)
	want := "frame: 7 is not a level of the factor race (levels: black, other, white)"
	if err == nil || err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
}

func TestDesignTextErrors(t *testing.T) {
	f := raceFrame(t)
	cases := []struct {
		name    string
		formula string
		want    string // the error message
	}{
		{"a function of text", "y ~ log(race)",
			`frame: column "race" is text ("white" on line 2); use it as a factor, C(race)`},
		{"arithmetic on text", "y ~ I(race^2)",
			`frame: column "race" is text ("white" on line 2); use it as a factor, C(race)`},
		{"text in an interaction's function", "y ~ x:exp(name)",
			`frame: column "name" is text ("Ann" on line 2); use it as a factor, C(name)`},
		{"text response", "race ~ x",
			`frame: column "race" is text ("white" on line 2); the response must be numeric`},
		{"unknown reference name", `y ~ C(race, Treatment("purple"))`,
			`frame: the term C(race, Treatment("purple")): the reference level "purple" is not a value of race (levels: black, other, white)`},
		{"numeric reference on a text column", `y ~ C(race, Treatment(3))`,
			`frame: the term C(race, Treatment(3)): the reference level "3" is not a value of race (levels: black, other, white)`},
		{"bare text column of numbers with a typo", "y ~ x + typo",
			`frame: column "typo" is text ("1.O" on line 3); half or more of its values are numbers: correct the cell or mark it missing, or write C(typo) for a factor`},
		{"named reference on a numeric column", `y ~ C(x, Treatment("one"))`,
			`frame: the term C(x, Treatment("one")): x is numeric; give the reference level as a number, as in Treatment(2)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fo, err := frame.ParseFormula(tc.formula)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.Design(fo)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error:\n got %v\nwant %s", err, tc.want)
			}
		})
	}
}

// TestTreatmentByName checks the canonical form of a reference given by name, which quotes it
// as Go does, and that a numeric column takes a quoted number.
func TestTreatmentByName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`y ~ C(g, Treatment("white"))`, `y ~ C(g, Treatment("white"))`},
		{`y ~ C(g, Treatment( reference = 'a "b"' ))`, `y ~ C(g, Treatment("a \"b\""))`},
		{`y ~ C(g, Treatment("tab\there"))`, `y ~ C(g, Treatment("tab\there"))`},
	} {
		fo, err := frame.ParseFormula(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if fo.String() != tc.want {
			t.Errorf("%s: canonical %s, want %s", tc.in, fo, tc.want)
		}
	}
	f, err := frame.New([]string{"y", "g"}, [][]float64{{1, 2, 3}, {1, 2, 2}})
	if err != nil {
		t.Fatal(err)
	}
	fo, err := frame.ParseFormula(`y ~ C(g, Treatment("2"))`)
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.Design(fo)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Intercept", `C(g, Treatment("2"))[T.1]`}; !slices.Equal(d.Names, want) {
		t.Errorf("names %q, want %q", d.Names, want)
	}
}
