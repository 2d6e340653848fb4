package frame

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Frame is a table of named columns of equal length, numeric or text. A numeric column holds
// float64 values; a text column (see IsText) holds the codes of its levels, 0, 1, ..., as
// float64, indices into Levels. Missing values are NaN in both. A Frame is immutable once
// built, and safe for concurrent use.
type Frame struct {
	names []string
	cols  [][]float64    // the values, or the codes of a text column
	text  []*textColumn  // the levels of each text column, nil for a numeric one; nil if none is text
	index map[string]int // the position of each name in names
	n     int            // the number of rows
	file  string         // the file read, if any, for error messages
}

// textColumn describes a text column.
type textColumn struct {
	levels []string // the distinct values, sorted in byte order
	sample string   // the first cell that is not a number, a boolean or a missing value
	line   int      // the line of sample in the file
}

// New returns a Frame with the given column names and columns, copying the data.
//
// It returns an error if there are no columns, if names and cols differ in length, if a name
// is empty or repeated, or if the columns differ in length.
func New(names []string, cols [][]float64) (*Frame, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("frame: New needs at least one column")
	}
	if len(names) != len(cols) {
		return nil, fmt.Errorf("frame: New got %d names and %d columns", len(names), len(cols))
	}
	f := &Frame{names: slices.Clone(names), cols: make([][]float64, len(cols)), n: len(cols[0])}
	if err := f.buildIndex(); err != nil {
		return nil, fmt.Errorf("frame: New: %w", err)
	}
	for j, c := range cols {
		if len(c) != f.n {
			return nil, fmt.Errorf("frame: New: column %q has %d values, column %q has %d",
				names[j], len(c), names[0], f.n)
		}
		f.cols[j] = slices.Clone(c)
	}
	return f, nil
}

// buildIndex fills f.index, failing on an empty or repeated name.
func (f *Frame) buildIndex() error {
	f.index = make(map[string]int, len(f.names))
	for j, name := range f.names {
		if name == "" {
			return fmt.Errorf("column %d has an empty name", j+1)
		}
		if k, dup := f.index[name]; dup {
			return fmt.Errorf("columns %d and %d are both named %q", k+1, j+1, name)
		}
		f.index[name] = j
	}
	return nil
}

// Len returns the number of rows.
func (f *Frame) Len() int { return f.n }

// Names returns the column names, in order, in a new slice.
func (f *Frame) Names() []string { return slices.Clone(f.names) }

// Column returns a copy of the named numeric column. An unknown name is an error that suggests
// close names and lists the columns; a text column is an error that quotes its first text cell
// and its line, as in
//
//	frame: column "race" is text ("black" on line 7 of data.csv); use it as a factor, C(race)
//
// which also catches a numeric column with a typo in one cell.
func (f *Frame) Column(name string) ([]float64, error) {
	j, ok := f.index[name]
	if !ok {
		return nil, f.unknown(name)
	}
	if f.textOf(j) != nil {
		return nil, f.isText(name, "use it as a factor, C("+name+")")
	}
	return slices.Clone(f.cols[j]), nil
}

// IsText reports whether the named column is a text column. It is false for a numeric column
// and for a name that f lacks.
func (f *Frame) IsText(name string) bool {
	j, ok := f.index[name]
	return ok && f.textOf(j) != nil
}

// Levels returns the distinct values of the named text column, missing cells aside, sorted in
// byte order (so "B" before "a", and "10" before "9"). They are the levels of the column as a
// factor, the first the reference unless the formula names another. Levels returns an error
// for a numeric column or an unknown name.
func (f *Frame) Levels(name string) ([]string, error) {
	j, ok := f.index[name]
	if !ok {
		return nil, f.unknown(name)
	}
	tc := f.textOf(j)
	if tc == nil {
		return nil, fmt.Errorf("frame: column %q is numeric, not text", name)
	}
	return slices.Clone(tc.levels), nil
}

// Codes returns a copy of the named text column as codes: for each row, the index of its text
// in Levels(name), as a float64, or NaN for a missing cell. It returns an error for a numeric
// column or an unknown name.
func (f *Frame) Codes(name string) ([]float64, error) {
	if _, err := f.Levels(name); err != nil {
		return nil, err
	}
	return slices.Clone(f.cols[f.index[name]]), nil
}

// textOf returns the description of column j if it is text, or nil.
func (f *Frame) textOf(j int) *textColumn {
	if f.text == nil {
		return nil
	}
	return f.text[j]
}

// isText returns the error for the text column name used as a number, ending with hint.
func (f *Frame) isText(name, hint string) error {
	tc := f.text[f.index[name]]
	where := fmt.Sprintf("line %d", tc.line)
	if f.file != "" {
		where += " of " + f.file
	}
	return fmt.Errorf("frame: column %q is text (%q on %s); %s", name, tc.sample, where, hint)
}

// col returns the named column without copying it, or nil.
func (f *Frame) col(name string) []float64 {
	if j, ok := f.index[name]; ok {
		return f.cols[j]
	}
	return nil
}

// maxListed is how many column names an error message lists before it abbreviates.
const maxListed = 30

// unknown returns the error for a column name that f lacks.
func (f *Frame) unknown(name string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "frame: no column %q (", name)
	if close := f.closeNames(name); len(close) > 0 {
		fmt.Fprintf(&b, "did you mean %s? ", strings.Join(quoteAll(close), " or "))
	}
	b.WriteString("columns: ")
	if len(f.names) <= maxListed {
		b.WriteString(strings.Join(f.names, ", "))
	} else {
		fmt.Fprintf(&b, "%s, ... and %d more", strings.Join(f.names[:maxListed], ", "), len(f.names)-maxListed)
	}
	b.WriteByte(')')
	return errors.New(b.String())
}

// closeNames returns up to three column names that differ from name only in case, or by at
// most (len(name)+1)/3 edits, ignoring case: none for a one-letter name, one up to four
// letters, two up to seven.
func (f *Frame) closeNames(name string) []string {
	var out []string
	limit := (len(name) + 1) / 3
	for _, c := range f.names {
		if strings.EqualFold(c, name) || editDistance(strings.ToLower(c), strings.ToLower(name), limit) <= limit {
			out = append(out, c)
			if len(out) == 3 {
				break
			}
		}
	}
	return out
}

// editDistance returns the edit distance between a and b (in bytes), counting insertions,
// deletions, substitutions and swaps of adjacent bytes (the optimal string alignment
// distance), or limit+1 when it exceeds limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	// Rows i-2, i-1 and i of the dynamic programme.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], limit+1)
}

// quoteAll returns the names in Go quotes.
func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, s := range names {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
