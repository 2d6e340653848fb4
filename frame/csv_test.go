package frame_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/gomle/gomle/frame"
)

// nan stands for a missing value in expected columns.
var nan = math.NaN()

// sameColumn reports whether got and want are equal, NaN matching NaN.
func sameColumn(got, want []float64) bool {
	return slices.EqualFunc(got, want, func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) })
}

// checkFrame fails the test unless f has exactly the given names and columns.
func checkFrame(t *testing.T, f *frame.Frame, names []string, cols [][]float64) {
	t.Helper()
	if got := f.Names(); !slices.Equal(got, names) {
		t.Fatalf("names %q, want %q", got, names)
	}
	n := 0
	if len(cols) > 0 {
		n = len(cols[0])
	}
	if f.Len() != n {
		t.Errorf("Len() = %d, want %d", f.Len(), n)
	}
	for j, name := range names {
		got, err := f.Column(name)
		if err != nil {
			t.Fatal(err)
		}
		if !sameColumn(got, cols[j]) {
			t.Errorf("column %q = %v, want %v", name, got, cols[j])
		}
	}
}

func TestReadCSV(t *testing.T) {
	cases := []struct {
		name  string
		in    string        // the file
		opts  frame.Options // the options
		names []string      // the expected names
		cols  [][]float64   // the expected columns
	}{
		{"comma", "a,b\n1,2\n3,4\n", frame.Options{}, []string{"a", "b"}, [][]float64{{1, 3}, {2, 4}}},
		{"semicolon (modechoice)", "individual;mode\n1;1\n1;2\n", frame.Options{},
			[]string{"individual", "mode"}, [][]float64{{1, 1}, {1, 2}}},
		{"tab with single-quoted names (anes96)", "'popul'\t'TVnews'\n0\t7\n190\t1\n", frame.Options{},
			[]string{"popul", "TVnews"}, [][]float64{{0, 190}, {7, 1}}},
		{"runs of spaces with single-quoted names (spector)", "'OBS' 'GPA'  'TUCE'\n  1 2.66   20\n2 2.89 22  \n", frame.Options{},
			[]string{"OBS", "GPA", "TUCE"}, [][]float64{{1, 2}, {2.66, 2.89}, {20, 22}}},
		{"double-quoted names (longley)", "\"Obs\",\"TOTEMP\"\n1,60323\n", frame.Options{},
			[]string{"Obs", "TOTEMP"}, [][]float64{{1}, {60323}}},
		{"quoted name holding the separator", "\"x,1\",y\n1,2\n", frame.Options{},
			[]string{"x,1", "y"}, [][]float64{{1}, {2}}},
		{"quoted name holding spaces", "'my var' other\n1 2\n", frame.Options{},
			[]string{"my var", "other"}, [][]float64{{1}, {2}}},
		{"doubled quote inside quotes", "\"a\"\"b\",c\n1,2\n", frame.Options{},
			[]string{"a\"b", "c"}, [][]float64{{1}, {2}}},
		{"separator detected outside quotes only", "\"a;b;c\",d\n1,2\n", frame.Options{},
			[]string{"a;b;c", "d"}, [][]float64{{1}, {2}}},
		{"most frequent separator wins", "a;b;c,d\n", frame.Options{},
			[]string{"a", "b", "c,d"}, nil},
		{"CRLF line ends and a byte order mark", "\uFEFFa,b\r\n1,2\r\n", frame.Options{},
			[]string{"a", "b"}, [][]float64{{1}, {2}}},
		{"blank lines skipped", "\n\na,b\n\n1,2\n   \n3,4\n\n", frame.Options{},
			[]string{"a", "b"}, [][]float64{{1, 3}, {2, 4}}},
		{"no final line break", "a,b\n1,2", frame.Options{}, []string{"a", "b"}, [][]float64{{1}, {2}}},
		{"blanks around cells", "a , b\n 1 ,\t2 \n", frame.Options{}, []string{"a", "b"}, [][]float64{{1}, {2}}},
		{"default missing values", "a,b,c,d,e,f\n,NA,NaN,nan,.,1\n", frame.Options{},
			[]string{"a", "b", "c", "d", "e", "f"}, [][]float64{{nan}, {nan}, {nan}, {nan}, {nan}, {1}}},
		{"quoted missing value", "a,b\n\"\",'NA'\n", frame.Options{}, []string{"a", "b"}, [][]float64{{nan}, {nan}}},
		{"missing cells (ships)", "service,accident\n,\n127,0\n", frame.Options{},
			[]string{"service", "accident"}, [][]float64{{nan, 127}, {nan, 0}}},
		{"custom missing value", "a,b\n-999,1\n", frame.Options{Missing: []string{"-999"}},
			[]string{"a", "b"}, [][]float64{{nan}, {1}}},
		{"NaN is missing even when not listed", "a\nNaN\n", frame.Options{Missing: []string{}},
			[]string{"a"}, [][]float64{{nan}}},
		{"number forms", "a,b,c,d,e,f,g\n.1442925,1e-3,-2,+3,2.5E+3,\"1.5\",Inf\n", frame.Options{},
			[]string{"a", "b", "c", "d", "e", "f", "g"},
			[][]float64{{0.1442925}, {0.001}, {-2}, {3}, {2500}, {1.5}, {math.Inf(1)}}},
		{"one column", "y\n1\n2\n", frame.Options{}, []string{"y"}, [][]float64{{1, 2}}},
		{"header only gives zero rows", "a,b\n", frame.Options{}, []string{"a", "b"}, [][]float64{{}, {}}},
		{"explicit separator", "a|b\n1|2\n", frame.Options{Sep: '|'}, []string{"a", "b"}, [][]float64{{1}, {2}}},
		{"explicit blank separator", "a\tb  c\n1 2\t3\n", frame.Options{Sep: ' '},
			[]string{"a", "b", "c"}, [][]float64{{1}, {2}, {3}}},
		{"multi-byte separator", "a§b\n1§2\n", frame.Options{Sep: '§'}, []string{"a", "b"}, [][]float64{{1}, {2}}},
		{"trailing empty field is missing", "a,b\n1,\n", frame.Options{}, []string{"a", "b"}, [][]float64{{1}, {nan}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := frame.ReadCSV(strings.NewReader(tc.in), tc.opts)
			if err != nil {
				t.Fatalf("ReadCSV: %v", err)
			}
			if tc.cols == nil {
				if got := f.Names(); !slices.Equal(got, tc.names) {
					t.Fatalf("names %q, want %q", got, tc.names)
				}
				return
			}
			checkFrame(t, f, tc.names, tc.cols)
		})
	}
}

func TestReadCSVErrors(t *testing.T) {
	cases := []struct {
		name string
		in   string        // the file
		opts frame.Options // the options
		want string        // the error message
		line int           // CSVError.Line
		col  string        // CSVError.Column
	}{
		{"empty", "", frame.Options{}, "frame: the input is empty: no header line", 0, ""},
		{"blank lines only", "\n  \n\t\n", frame.Options{}, "frame: the input is empty: no header line", 0, ""},
		{"out of range", "a\n1e999\n", frame.Options{},
			`frame: line 2, column "a": the number "1e999" is out of the float64 range`, 2, "a"},
		{"the first of two out of range", "a,b\n1,2\n3,-1e400\n1e999,4\n", frame.Options{},
			`frame: line 3, column "b": the number "-1e400" is out of the float64 range`, 3, "b"},
		{"unclosed quote spanning lines", "a,b\n1,\"2\n3,4\n", frame.Options{},
			"frame: line 2: the quote \" at character 3 is not closed", 2, ""},
		{"error after a quoted line break", "a,b\n1,\"2\n3\"x\n", frame.Options{},
			"frame: line 3: unexpected 'x' after the quoted field that starts at character 3", 3, ""},
		{"empty first name with blank separation", "\"\" x\n1 2\n", frame.Options{},
			"frame: line 1 (the header): column 1 has an empty name", 1, ""},
		{"too few fields", "a,b,c\n1,2,3\n1,2\n", frame.Options{}, "frame: line 3 has 2 fields, the header has 3", 3, ""},
		{"too many fields", "a b\n1 2 3\n", frame.Options{}, "frame: line 2 has 3 fields, the header has 2", 2, ""},
		{"duplicate name", "a,b,a\n1,2,3\n", frame.Options{},
			`frame: line 1 (the header): columns 1 and 3 are both named "a"`, 1, ""},
		{"empty name", "a,,b\n1,2,3\n", frame.Options{}, "frame: line 1 (the header): column 2 has an empty name", 1, ""},
		{"empty quoted name", "'' x\n1 2\n", frame.Options{}, "frame: line 1 (the header): column 1 has an empty name", 1, ""},
		{"unclosed quote in the header", "\"a,b\n1,2\n", frame.Options{},
			"frame: line 1 (the header): the quote \" at character 1 is not closed", 1, ""},
		{"unclosed quote in a row", "a,b\n1,'2\n", frame.Options{},
			"frame: line 2: the quote ' at character 3 is not closed", 2, ""},
		{"text after a closing quote", "\"a\"x,b\n1,2\n", frame.Options{},
			"frame: line 1 (the header): unexpected 'x' after the quoted field that starts at character 1", 1, ""},
		{"no blank after a closing quote", "'a'b c\n1 2\n", frame.Options{Sep: ' '},
			"frame: line 1 (the header): unexpected 'b' after the quoted field that starts at character 1", 1, ""},
		{"quote as separator", "a\n", frame.Options{Sep: '"'}, `frame: Options.Sep '"' cannot be a quote or a line break`, 0, ""},
		{"invalid separator", "a\n", frame.Options{Sep: -1}, "frame: Options.Sep U+FFFFFFFFFFFFFFFF is not a valid character", 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := frame.ReadCSV(strings.NewReader(tc.in), tc.opts)
			if err == nil {
				t.Fatalf("ReadCSV gave %d rows of %q, want an error", f.Len(), f.Names())
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n got %s\nwant %s", err, tc.want)
			}
			var ce *frame.CSVError
			if !errors.As(err, &ce) {
				t.Fatalf("error is %T, want *frame.CSVError", err)
			}
			if ce.Line != tc.line || ce.Column != tc.col {
				t.Errorf("CSVError line %d, column %q; want %d, %q", ce.Line, ce.Column, tc.line, tc.col)
			}
		})
	}
}

// TestReadCSVReaderError checks that an error of the reader is passed on, wrapped.
func TestReadCSVReaderError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := frame.ReadCSV(iotest.ErrReader(boom), frame.Options{})
	if !errors.Is(err, boom) || err.Error() != "frame: reading line 1: disk on fire" {
		t.Errorf("got %v, want the reader's error wrapped", err)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("OBS GPA\n1 2.5\n2 abc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := frame.ReadFile(bad, frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The typo makes GPA a text column, and using it as a number names the cell, line and file.
	_, err = f.Column("GPA")
	want := `frame: column "GPA" is text ("abc" on line 3 of ` + bad + `); use it as a factor, C(GPA)`
	if err == nil || err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
	short := filepath.Join(dir, "short.csv")
	if err := os.WriteFile(short, []byte("a,b\n1,2\n3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = frame.ReadFile(short, frame.Options{})
	want = `frame: ` + short + `: line 3 has 1 fields, the header has 2`
	if err == nil || err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
	missing := filepath.Join(dir, "nothing.csv")
	_, err = frame.ReadFile(missing, frame.Options{})
	if !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "frame: open "+missing) {
		t.Errorf("got %v, want a not-exist error naming the file", err)
	}
}

// TestReadFileDatasets reads the statsmodels files in testdata, one of each dialect, and checks
// their shape and a few cells against the files.
func TestReadFileDatasets(t *testing.T) {
	cases := []struct {
		file    string   // under testdata
		rows    int      // the number of data lines
		names   []string // the header
		col     string   // a column to spot-check
		first   float64  // its first value
		last    float64  // its last value
		missing int      // its number of missing cells
	}{
		{"spector.csv", 32, []string{"OBS", "GPA", "TUCE", "PSI", "GRADE"}, "GPA", 2.66, 2.39, 0},
		{"longley.csv", 16, []string{"Obs", "TOTEMP", "GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"}, "TOTEMP", 60323, 70551, 0},
		{"anes96.csv", 944, []string{"popul", "TVnews", "selfLR", "ClinLR", "DoleLR", "PID", "age", "educ", "income", "vote"},
			"popul", 0, 18, 0},
		{"modechoice.csv", 840, []string{"individual", "mode", "choice", "ttme", "invc", "invt", "gc", "hinc", "psize"},
			"individual", 1, 210, 0},
		{"ships.csv", 40, []string{"ship", "yr_con", "yr_op", "service", "accident", "op_75_79", "co_65_69", "co_70_74", "co_75_79"},
			"service", 127, 542, 6},
		{"randhie.csv", 20190, []string{"mdvis", "lncoins", "idp", "lpi", "fmde", "physlm", "disea", "hlthg", "hlthf", "hlthp"},
			"physlm", 0, 0.1442925, 0},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			f, err := frame.ReadFile(filepath.Join("..", "data", tc.file), frame.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if f.Len() != tc.rows || !slices.Equal(f.Names(), tc.names) {
				t.Fatalf("%d rows of %q, want %d rows of %q", f.Len(), f.Names(), tc.rows, tc.names)
			}
			c, err := f.Column(tc.col)
			if err != nil {
				t.Fatal(err)
			}
			if c[0] != tc.first || c[len(c)-1] != tc.last {
				t.Errorf("%s runs from %g to %g, want %g to %g", tc.col, c[0], c[len(c)-1], tc.first, tc.last)
			}
			nmiss := 0
			for _, v := range c {
				if math.IsNaN(v) {
					nmiss++
				}
			}
			if nmiss != tc.missing {
				t.Errorf("%s has %d missing cells, want %d", tc.col, nmiss, tc.missing)
			}
		})
	}
}

// want describes an expected column: numbers, or the levels and codes of a text column.
type want struct {
	nums   []float64 // the values of a numeric column
	levels []string  // the levels of a text column
	codes  []float64 // its codes, NaN for missing
}

// num and text build the expected columns.
func num(v ...float64) want                       { return want{nums: v} }
func text(levels []string, codes ...float64) want { return want{levels: levels, codes: codes} }

// checkColumns fails the test unless f has exactly the given names, with the expected columns
// and types.
func checkColumns(t *testing.T, f *frame.Frame, names []string, cols []want) {
	t.Helper()
	if got := f.Names(); !slices.Equal(got, names) {
		t.Fatalf("names %q, want %q", got, names)
	}
	for j, name := range names {
		w := cols[j]
		if w.levels == nil {
			got, err := f.Column(name)
			if err != nil {
				t.Errorf("column %q: %v", name, err)
			} else if !sameColumn(got, w.nums) {
				t.Errorf("column %q = %v, want %v", name, got, w.nums)
			}
			continue
		}
		if !f.IsText(name) {
			t.Errorf("column %q is numeric, want text", name)
			continue
		}
		levels, _ := f.Levels(name)
		codes, _ := f.Codes(name)
		if !slices.Equal(levels, w.levels) || !sameColumn(codes, w.codes) {
			t.Errorf("column %q: levels %q, codes %v; want %q, %v", name, levels, codes, w.levels, w.codes)
		}
	}
}

// TestReadCSVTyped reads hand-written files with text, boolean and missing cells in the
// dialects of issue 12.
func TestReadCSVTyped(t *testing.T) {
	cases := []struct {
		name  string
		in    string        // the file
		opts  frame.Options // the options
		names []string      // the expected names
		cols  []want        // the expected columns
	}{
		{"semicolons and text", "id;grp\n1;a\n2;b\n3;a\n", frame.Options{},
			[]string{"id", "grp"}, []want{num(1, 2, 3), text([]string{"a", "b"}, 0, 1, 0)}},
		{"byte order mark and CRLF", "\uFEFFa,b\r\n1,x\r\n2,y\r\n", frame.Options{},
			[]string{"a", "b"}, []want{num(1, 2), text([]string{"x", "y"}, 0, 1)}},
		{"quoted line break, CRLF read as LF", "a,b\r\n1,\"x\r\ny\"\r\n2,\"z,\"\"q\"\"\"\r\n", frame.Options{},
			[]string{"a", "b"}, []want{num(1, 2), text([]string{"x\ny", "z,\"q\""}, 0, 1)}},
		{"quoted line break in a tab file", "a\tb\n\"two\nlines\"\t1\n", frame.Options{},
			[]string{"a", "b"}, []want{text([]string{"two\nlines"}, 0), num(1)}},
		{"booleans", "a,b,c\nT,TRUE,true\nF,FALSE,false\nNA,True,False\n", frame.Options{},
			[]string{"a", "b", "c"}, []want{num(1, 0, nan), num(1, 0, 1), num(1, 0, 0)}},
		{"booleans and numbers mix", "a\n1\nTRUE\n0.5\n", frame.Options{}, []string{"a"}, []want{num(1, 1, 0.5)}},
		{"T and F among letters are text", "g\nT\nF\nA\n", frame.Options{},
			[]string{"g"}, []want{text([]string{"A", "F", "T"}, 2, 1, 0)}},
		{"text found late: earlier cells read again as text", "g,h\n1,1\n2,2\nNaN,3\n.,4\nx,5\n", frame.Options{},
			[]string{"g", "h"}, []want{text([]string{".", "1", "2", "NaN", "x"}, 1, 2, 3, 0, 4), num(1, 2, 3, 4, 5)}},
		{"empty and NA are missing text", "g,h\n,1\nNA,2\n'NA',3\nb,4\n", frame.Options{},
			[]string{"g", "h"}, []want{text([]string{"b"}, nan, nan, nan, 0), num(1, 2, 3, 4)}},
		{"custom missing markers in text", "g,h\nunknown,-999\nb,2\n", frame.Options{Missing: []string{"-999", "unknown"}},
			[]string{"g", "h"}, []want{text([]string{"b"}, nan, 0), num(nan, 2)}},
		{"no missing markers: NA is text", "a\nNA\n", frame.Options{Missing: []string{}},
			[]string{"a"}, []want{text([]string{"NA"}, 0)}},
		{"out of range in a text column", "g\n1e999\nx\n", frame.Options{},
			[]string{"g"}, []want{text([]string{"1e999", "x"}, 0, 1)}},
		{"byte order of levels", "g\nb\nB\n10\n9\n\u00e9\n", frame.Options{},
			[]string{"g"}, []want{text([]string{"10", "9", "B", "b", "\u00e9"}, 3, 2, 0, 1, 4)}},
		{"unnamed first column is rownames", ",x\n1,2\n", frame.Options{},
			[]string{"rownames", "x"}, []want{num(1), num(2)}},
		{"rownames taken", "\"\",rownames\na,2\n", frame.Options{},
			[]string{"rownames_", "rownames"}, []want{text([]string{"a"}, 0), num(2)}},
		{"blank separation with text", "'name' age\n'Ann Lee' 31\nBo 7\n", frame.Options{},
			[]string{"name", "age"}, []want{text([]string{"Ann Lee", "Bo"}, 0, 1), num(31, 7)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := frame.ReadCSV(strings.NewReader(tc.in), tc.opts)
			if err != nil {
				t.Fatalf("ReadCSV: %v", err)
			}
			checkColumns(t, f, tc.names, tc.cols)
		})
	}
}

// TestReadRExports reads the files testdata/rexport.R wrote with R's write.csv and
// write.table.
func TestReadRExports(t *testing.T) {
	// The data frame of rexport.R, as read: note's "" is missing, as are NAs.
	names := []string{"y", "x", "race", "union", "note"}
	cols := []want{
		num(1.5, 2, nan, 4.25, -5e-7, 6),
		num(1, 2, 3, nan, 5, 6),
		text([]string{"black", "other", "white"}, 2, 0, 1, nan, 2, 0),
		num(1, 0, nan, 1, 0, 1),
		// Byte order: '\n' < '"' < ','.
		text([]string{"plain", "two\nlines", "with \"quotes\"", "with, comma"}, 0, 3, 2, 1, nan, nan),
	}
	cases := []struct {
		file  string   // under testdata
		names []string // the expected names
		cols  []want   // the expected columns
	}{
		{"r_writecsv.csv", slices.Concat([]string{"rownames"}, names), slices.Concat([]want{num(1, 2, 3, 4, 5, 6)}, cols)},
		{"r_norownames.csv", names, cols},
		{"r_tab.tsv", names, cols},
		{"r_bom.csv", []string{"rownames", "y", "race"},
			[]want{num(1, 2), num(1.5, 2), text([]string{"black", "white"}, 1, 0)}},
		{"r_mtcars.csv", []string{"rownames", "mpg", "cyl", "disp", "hp", "drat", "wt", "qsec", "vs", "am", "gear", "carb"},
			[]want{text([]string{"Datsun 710", "Hornet 4 Drive", "Mazda RX4", "Mazda RX4 Wag"}, 2, 3, 0, 1),
				num(21, 21, 22.8, 21.4), num(6, 6, 4, 6), num(160, 160, 108, 258), num(110, 110, 93, 110),
				num(3.9, 3.9, 3.85, 3.08), num(2.62, 2.875, 2.32, 3.215), num(16.46, 17.02, 18.61, 19.44),
				num(0, 0, 1, 1), num(1, 1, 1, 0), num(4, 4, 4, 3), num(4, 4, 1, 1)}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			f, err := frame.ReadFile(filepath.Join("testdata", tc.file), frame.Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkColumns(t, f, tc.names, tc.cols)
		})
	}

	// A design on the write.csv file: the text column note, unused, does not stop it; race is
	// a factor; rows 3 (y and union missing) and 4 (x and race) are dropped.
	f, err := frame.ReadFile(filepath.Join("testdata", "r_writecsv.csv"), frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fo, err := frame.ParseFormula(`y ~ x + C(race, Treatment("white")) + union`)
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.Design(fo)
	if err != nil {
		t.Fatal(err)
	}
	checkDesign(t, d, []string{"Intercept", "x", `C(race, Treatment("white"))[T.black]`, "union"},
		[][]float64{{1, 1, 0, 1}, {1, 2, 1, 0}, {1, 5, 0, 0}, {1, 6, 1, 1}}, []float64{1.5, 2, -5e-7, 6})
	_, err = f.Column("note")
	wantErr := `frame: column "note" is text ("plain" on line 2 of ` + filepath.Join("testdata", "r_writecsv.csv") +
		`); use it as a factor, C(note)`
	if err == nil || err.Error() != wantErr {
		t.Errorf("error:\n got %v\nwant %s", err, wantErr)
	}
}
