package frame_test

import (
	"fmt"
	"log"
	"math"
	"strings"

	"github.com/gomle/gomle/frame"
	"gonum.org/v1/gonum/mat"
)

// ExampleReadCSV reads the first rows of statsmodels' spector.csv, a space-separated file
// with names quoted by ', a file with a missing cell, and a file written by R's write.csv.
func ExampleReadCSV() {
	spector := `'OBS' 'GPA' 'TUCE' 'PSI' 'GRADE'
1 2.66 20 0 0
2 2.89 22 0 0
3 3.28 24 0 0
`
	f, err := frame.ReadCSV(strings.NewReader(spector), frame.Options{})
	if err != nil {
		log.Fatal(err)
	}
	gpa, err := f.Column("GPA")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f.Len(), f.Names(), gpa)

	ships := "service,accident\n127,0\n,\n"
	f, err = frame.ReadCSV(strings.NewReader(ships), frame.Options{})
	if err != nil {
		log.Fatal(err)
	}
	service, _ := f.Column("service")
	fmt.Println(service)

	// R's write.csv: an unnamed row-names column, text in quotes, logical columns.
	r := `"","y","race","union"
"1",1.5,"white",TRUE
"2",2.5,"black",FALSE
"3",NA,NA,NA
`
	f, err = frame.ReadCSV(strings.NewReader(r), frame.Options{})
	if err != nil {
		log.Fatal(err)
	}
	union, _ := f.Column("union")
	levels, _ := f.Levels("race")
	fmt.Println(f.Names(), union, f.IsText("race"), levels)
	_, err = f.Column("race")
	fmt.Println(err)
	// Output:
	// 3 [OBS GPA TUCE PSI GRADE] [2.66 2.89 3.28]
	// [127 NaN]
	// [rownames y race union] [1 0 NaN] true [black white]
	// frame: column "race" is text ("white" on line 2); use it as a factor, C(race)
}

// ExampleParseFormula shows the canonical form of a formula and a syntax error.
func ExampleParseFormula() {
	f, err := frame.ParseFormula("y ~ 0 + log(popul+0.1) + C(g, Treatment(reference=2)) + x:C(g) + x:C(g)")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f)
	fmt.Println(f.Terms(), f.Intercept(), f.Vars())

	_, err = frame.ParseFormula("y ~ x + expp(z)")
	fmt.Println(err)
	// Output:
	// y ~ log(popul + 0.1) + C(g, Treatment(2)) + x:C(g) - 1
	// [log(popul + 0.1) C(g, Treatment(2)) x:C(g)] false [g popul x y]
	// frame: formula: unknown function "expp" at column 9 (known: C, I, atan, cos, exp, log, sin, sqrt)
}

// ExampleParseFormula_crossing expands crossings, powers and removals as R does, and keeps
// offsets apart from the terms.
func ExampleParseFormula_crossing() {
	f, err := frame.ParseFormula("y ~ a*C(g) + (u + v + w)^2 - v:w + offset(log(t))")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f)
	fmt.Println(f.Offsets())
	// Output:
	// y ~ a + C(g) + a:C(g) + u + v + w + u:v + u:w + offset(log(t))
	// [offset(log(t))]
}

// ExampleFrame_Design builds a design matrix with dummies, an interaction and a log term;
// the row with a missing x is dropped. Without x as a term of its own, x:C(g) has a slope of
// x for every level of g, as in R.
func ExampleFrame_Design() {
	f, err := frame.New([]string{"y", "x", "g"}, [][]float64{
		{1, 2, 3, 4, 5},
		{1, 2, math.NaN(), 4, 8}, // a missing value
		{1, 2, 3, 2, 3},
	})
	if err != nil {
		log.Fatal(err)
	}
	fo, err := frame.ParseFormula("y ~ C(g) + x:C(g) + log(x)")
	if err != nil {
		log.Fatal(err)
	}
	d, err := f.Design(fo)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Names)
	fmt.Printf("%.4g\n", mat.Formatted(d.X))
	fmt.Println("rows", d.Rows, "dropped", d.Dropped)
	// Output:
	// [Intercept C(g)[T.2] C(g)[T.3] x:C(g)[1] x:C(g)[2] x:C(g)[3] log(x)]
	// ⎡     1       0       0       1       0       0       0⎤
	// ⎢     1       1       0       0       2       0  0.6931⎥
	// ⎢     1       1       0       0       4       0   1.386⎥
	// ⎣     1       0       1       0       0       8   2.079⎦
	// rows [0 1 3 4] dropped 1
}
