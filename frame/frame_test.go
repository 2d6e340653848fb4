package frame_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gomle/gomle/frame"
)

func TestNew(t *testing.T) {
	x := []float64{1, 2, 3}
	f, err := frame.New([]string{"x", "y"}, [][]float64{x, {4, 5, 6}})
	if err != nil {
		t.Fatal(err)
	}
	checkFrame(t, f, []string{"x", "y"}, [][]float64{{1, 2, 3}, {4, 5, 6}})
	// New copies its input, and Column and Names return copies.
	x[0] = 99
	c, _ := f.Column("x")
	c[1] = 99
	f.Names()[0] = "changed"
	checkFrame(t, f, []string{"x", "y"}, [][]float64{{1, 2, 3}, {4, 5, 6}})

	empty, err := frame.New([]string{"x"}, [][]float64{nil})
	if err != nil || empty.Len() != 0 {
		t.Errorf("New with an empty column: %v rows, error %v; want 0 rows", empty.Len(), err)
	}
}

func TestNewErrors(t *testing.T) {
	cases := []struct {
		name  string
		names []string    // the column names
		cols  [][]float64 // the columns
		want  string      // the error message
	}{
		{"no columns", nil, nil, "frame: New needs at least one column"},
		{"names and columns differ", []string{"a", "b"}, [][]float64{{1}}, "frame: New got 2 names and 1 columns"},
		{"ragged", []string{"a", "b"}, [][]float64{{1, 2}, {1}}, `frame: New: column "b" has 1 values, column "a" has 2`},
		{"duplicate", []string{"a", "b", "a"}, [][]float64{{1}, {2}, {3}}, `frame: New: columns 1 and 3 are both named "a"`},
		{"empty name", []string{"a", ""}, [][]float64{{1}, {2}}, "frame: New: column 2 has an empty name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := frame.New(tc.names, tc.cols)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error:\n got %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestColumnUnknown(t *testing.T) {
	f, err := frame.New([]string{"OBS", "GPA", "TUCE", "PSI", "GRADE"}, make([][]float64, 5))
	if err != nil {
		t.Fatal(err)
	}
	many := make([]string, 40)
	for i := range many {
		many[i] = fmt.Sprintf("v%d", i)
	}
	wide, err := frame.New(many, make([][]float64, 40))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		f    *frame.Frame // the frame
		col  string       // the unknown column
		want string       // the error message
	}{
		{"a typo", f, "GAP", `frame: no column "GAP" (did you mean "GPA"? columns: OBS, GPA, TUCE, PSI, GRADE)`},
		{"wrong case", f, "gpa", `frame: no column "gpa" (did you mean "GPA"? columns: OBS, GPA, TUCE, PSI, GRADE)`},
		{"nothing close", f, "income", `frame: no column "income" (columns: OBS, GPA, TUCE, PSI, GRADE)`},
		{"many columns abbreviated", wide, "zz", `frame: no column "zz" (columns: v0, v1, v2, v3, v4, v5, v6, v7, v8, ` +
			`v9, v10, v11, v12, v13, v14, v15, v16, v17, v18, v19, v20, v21, v22, v23, v24, v25, v26, v27, v28, v29, ... and 10 more)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.f.Column(tc.col)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error:\n got %v\nwant %s", err, tc.want)
			}
		})
	}
	// Suggestions are at most three.
	_, err = wide.Column("vv1")
	if err == nil || strings.Count(err.Error(), " or ") != 2 {
		t.Errorf("got %v, want three suggestions", err)
	}
}
