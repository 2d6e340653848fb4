package frame

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Options controls how ReadCSV reads a file. The zero value detects the separator and uses
// DefaultMissing.
type Options struct {
	// Sep is the field separator. The zero value detects it from the header line: the most
	// frequent of ',', ';' and '\t' outside quotes (ties broken in that order), or, if none of
	// them occurs, runs of blanks. ' ' also means runs of blanks (spaces and tabs), and any
	// other valid rune is used as it is. Quotes and line breaks cannot be separators.
	Sep rune

	// Missing lists the cell values, after trimming blanks and removing quotes, that are read
	// as missing (NaN). nil means DefaultMissing(); an empty non-nil slice means none. Cells
	// that read as NaN are missing in any case. In a text column, ".", "NaN" and "nan" are
	// text even when listed.
	Missing []string
}

// DefaultMissing returns the cell values read as missing by default: the empty cell, "NA"
// (R), "NaN" and "nan" (numpy, pandas) and "." (Stata).
func DefaultMissing() []string { return []string{"", "NA", "NaN", "nan", "."} }

// CSVError reports a problem in a delimited file. Its message starts with "frame:", then the
// file name when there is one.
type CSVError struct {
	// File is the name of the file, or empty for ReadCSV.
	File string
	// Line is the 1-based line of the problem, or 0 when it concerns the whole input.
	Line int
	// Column is the name of the column of the offending cell, or empty.
	Column string
	// Msg is the rest of the message, for example `line 12 has 4 fields, the header has 5`.
	Msg string
}

// Error returns the message, for example `frame: data.csv: line 7, column "GPA": cannot read
// "abc" as a number`.
func (e *CSVError) Error() string {
	if e.File != "" {
		return "frame: " + e.File + ": " + e.Msg
	}
	return "frame: " + e.Msg
}

// ReadFile reads the named file with ReadCSV. Errors name the file, and so does the error for
// a text column used as a number (see Frame.Column).
func ReadFile(path string, opts Options) (*Frame, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("frame: %w", err)
	}
	defer file.Close()
	size := 0
	if info, err := file.Stat(); err == nil && info.Mode().IsRegular() && info.Size() < math.MaxInt32 {
		size = int(info.Size())
	}
	f, err := readCSV(file, size, opts)
	if err != nil {
		var ce *CSVError
		if errors.As(err, &ce) {
			ce.File = path
		}
		return nil, err
	}
	f.file = path
	return f, nil
}

// ReadCSV reads a delimited text file with a header line into a Frame. See the package
// documentation for the format, the column types and missing values, and Options for the
// separator and the missing markers.
//
// ReadCSV returns a *CSVError if the input is empty, if a header name is empty (except the
// first, see the package documentation) or repeated, if a line has more or fewer fields than
// the header, if a quote is not closed, or if a number in a numeric column is beyond the
// float64 range. Text never makes it fail: a column with a cell that is neither a number, a
// boolean nor a missing value is a text column. A header with no data lines gives a Frame with
// zero rows. Errors from r are returned wrapped.
func ReadCSV(r io.Reader, opts Options) (*Frame, error) { return readCSV(r, 0, opts) }

// rowNames is the name given to R's unnamed row-names column.
const rowNames = "rownames"

// readCSV is ReadCSV with the input's size in bytes, when known, or 0.
func readCSV(r io.Reader, size int, opts Options) (*Frame, error) {
	switch sep := opts.Sep; {
	case sep == '"' || sep == '\'' || sep == '\n' || sep == '\r':
		return nil, &CSVError{Msg: fmt.Sprintf("Options.Sep %q cannot be a quote or a line break", sep)}
	case sep != 0 && (!utf8.ValidRune(sep) || sep == utf8.RuneError):
		return nil, &CSVError{Msg: fmt.Sprintf("Options.Sep %U is not a valid character", sep)}
	}
	var b strings.Builder
	b.Grow(size + 1) // +1 leaves room for the final read that reports the end
	if _, err := io.Copy(&b, r); err != nil {
		return nil, fmt.Errorf("frame: reading line %d: %w", strings.Count(b.String(), "\n")+1, err)
	}
	rd := newCSVReader(strings.TrimPrefix(b.String(), "\uFEFF"), opts)

	if !rd.skipBlankLines() {
		return nil, &CSVError{Msg: "the input is empty: no header line"}
	}
	if opts.Sep == 0 {
		end, _ := rd.lineEnd(rd.p)
		rd.setSep(detectSep(rd.s[rd.p:end]))
	}
	line, err := rd.record()
	if err != nil {
		return nil, &CSVError{Line: rd.errLine, Msg: fmt.Sprintf("line %d (the header): %v", rd.errLine, err)}
	}
	names := slices.Clone(rd.fields)
	if len(names) > 1 && names[0] == "" && rd.sep != "" {
		// R's write.csv leaves the name of the row-names column empty.
		names[0] = rowNames
		for slices.Contains(names[1:], names[0]) {
			names[0] += "_"
		}
	}
	f := &Frame{names: names}
	if err := f.buildIndex(); err != nil {
		return nil, &CSVError{Line: line, Msg: fmt.Sprintf("line %d (the header): %v", line, err)}
	}

	// Guess the number of rows from the line breaks, to allocate the columns once.
	rows := strings.Count(rd.s[rd.p:], "\n") + 1
	cols := make([]column, len(names))
	for j := range cols {
		cols[j].vals = make([]float64, 0, rows)
	}
	var starts []int // the offset in rd.s of each row
	for {
		line, err := rd.record()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &CSVError{Line: rd.errLine, Msg: fmt.Sprintf("line %d: %v", rd.errLine, err)}
		}
		if len(rd.fields) != len(names) {
			return nil, &CSVError{Line: line,
				Msg: fmt.Sprintf("line %d has %d fields, the header has %d", line, len(rd.fields), len(names))}
		}
		starts = append(starts, rd.start)
		for j, cell := range rd.fields {
			c := &cols[j]
			if c.text != nil {
				c.vals = append(c.vals, c.code(cell, rd.textMissing))
				continue
			}
			v, kind := rd.number(cell)
			switch kind {
			case numberCell:
			case rangeCell:
				if c.rangeLine == 0 {
					c.rangeLine, c.rangeCell = line, cell
				}
			case textCell:
				// Rows before this one are read again as text at the end.
				c.text = &textColumn{sample: strings.Clone(cell), line: line}
				c.from, c.ids = f.n, map[string]int{}
				v = c.code(cell, rd.textMissing)
			}
			c.vals = append(c.vals, v)
		}
		f.n++
	}

	// Read again, as text, the cells of the rows before each text column was found to be one.
	redo := 0
	for _, c := range cols {
		redo = max(redo, c.from)
	}
	for i := range redo {
		rd.p = starts[i]
		if _, err := rd.record(); err != nil {
			return nil, fmt.Errorf("frame: reading line %d again: %w", rd.errLine, err) // cannot happen: it was read once
		}
		for j := range cols {
			if c := &cols[j]; i < c.from {
				c.vals[i] = c.code(rd.fields[j], rd.textMissing)
			}
		}
	}

	var bad *CSVError
	f.cols = make([][]float64, len(cols))
	for j := range cols {
		c := &cols[j]
		f.cols[j] = c.vals
		if c.text != nil {
			if f.text == nil {
				f.text = make([]*textColumn, len(cols))
			}
			f.text[j] = c.sortLevels()
		} else if c.rangeLine > 0 && (bad == nil || c.rangeLine < bad.Line) {
			bad = &CSVError{Line: c.rangeLine, Column: names[j],
				Msg: fmt.Sprintf("line %d, column %q: the number %q is out of the float64 range", c.rangeLine, names[j], c.rangeCell)}
		}
	}
	if bad != nil {
		return nil, bad
	}
	return f, nil
}

// column is a column being read.
type column struct {
	vals []float64 // the values; for a text column, the codes (indices into text.levels), NaN if missing
	// rangeLine and rangeCell locate the first number out of the float64 range, an error
	// unless the column turns out to be text.
	rangeLine int
	rangeCell string
	text      *textColumn    // nil for a numeric column
	ids       map[string]int // the index of each level in text.levels
	from      int            // the first row read as text; earlier ones are read again
}

// code returns the code of a cell of a text column, adding a level if it is a new one.
func (c *column) code(cell string, missing []string) float64 {
	if slices.Contains(missing, cell) {
		return math.NaN()
	}
	id, ok := c.ids[cell]
	if !ok {
		id = len(c.text.levels)
		cell = strings.Clone(cell) // not to hold on to the whole input
		c.text.levels = append(c.text.levels, cell)
		c.ids[cell] = id
	}
	return float64(id)
}

// sortLevels sorts the levels of a text column in byte order and renumbers the codes.
func (c *column) sortLevels() *textColumn {
	order := make([]int, len(c.text.levels)) // the levels' indices, in sorted order
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(c.text.levels[a], c.text.levels[b]) })
	code := make([]float64, len(order)) // the new code of each old one
	sorted := make([]string, len(order))
	for k, i := range order {
		code[i] = float64(k)
		sorted[k] = c.text.levels[i]
	}
	for i, v := range c.vals {
		if !math.IsNaN(v) {
			c.vals[i] = code[int(v)]
		}
	}
	c.text.levels = sorted
	return c.text
}

// cellKind classifies a cell of a numeric column.
type cellKind int

const (
	numberCell cellKind = iota // a number, a boolean or a missing value
	rangeCell                  // a number beyond the float64 range
	textCell                   // anything else
)

// csvReader splits an input held in memory into records.
type csvReader struct {
	s string // the input, without a byte order mark

	sep      string // the separator, or "" for runs of blanks
	sepBlank byte   // the separator if it is a blank (a tab), which is then not trimmed; or 0

	missing     []string // the missing markers of numeric columns
	maxMissing  int      // the length of the longest of them
	textMissing []string // the missing markers of text columns

	p       int      // the next byte of s
	line    int      // the line number of s[p], from 1
	start   int      // the offset of the last record read
	errLine int      // the line of the last error
	fields  []string // the fields of the last record, reused
	buf     []byte   // for quoted fields with doubled quotes or line breaks
}

// newCSVReader returns a reader of s, with the separator of opts or, if none, a comma until
// setSep sets the one detected.
func newCSVReader(s string, opts Options) *csvReader {
	rd := &csvReader{s: s, line: 1, missing: opts.Missing}
	if rd.missing == nil {
		rd.missing = DefaultMissing()
	}
	for _, m := range rd.missing {
		rd.maxMissing = max(rd.maxMissing, len(m))
		if m != "." && m != "NaN" && m != "nan" {
			rd.textMissing = append(rd.textMissing, m)
		}
	}
	sep := opts.Sep
	if sep == 0 {
		sep = ','
	}
	rd.setSep(sep)
	return rd
}

// setSep sets the separator; ' ' means runs of blanks.
func (rd *csvReader) setSep(sep rune) {
	rd.sep, rd.sepBlank = string(sep), 0
	switch sep {
	case ' ':
		rd.sep = ""
	case '\t':
		rd.sepBlank = '\t'
	}
}

// skipBlankLines moves past blank lines, and reports whether a line remains.
func (rd *csvReader) skipBlankLines() bool {
	for rd.p < len(rd.s) {
		end, next := rd.lineEnd(rd.p)
		if strings.TrimSpace(rd.s[rd.p:end]) != "" {
			return true
		}
		rd.p = next
		rd.line++
	}
	return false
}

// lineEnd returns the end of the line that holds s[i], without trailing carriage returns, and
// the start of the next line (len(s) for the last line).
func (rd *csvReader) lineEnd(i int) (end, next int) {
	k := strings.IndexByte(rd.s[i:], '\n')
	if k < 0 {
		end, next = len(rd.s), len(rd.s)
	} else {
		end, next = i+k, i+k+1
	}
	for end > i && rd.s[end-1] == '\r' {
		end--
	}
	return end, next
}

// record reads the next record, skipping blank lines, into rd.fields, and returns the line it
// starts on. At the end of the input it returns io.EOF. Its other errors lack the line
// number, which is left in rd.errLine.
func (rd *csvReader) record() (int, error) {
	if !rd.skipBlankLines() {
		return 0, io.EOF
	}
	s := rd.s
	rd.start = rd.p
	end, next := rd.lineEnd(rd.p)
	first := rd.line
	rd.fields = rd.fields[:0]
	lineStart, i := rd.p, rd.p
	blanks := rd.sep == ""
	for {
		// Skip leading blanks (with blank separation, the separator itself).
		for i < end && isBlank(s[i]) && s[i] != rd.sepBlank {
			i++
		}
		if blanks && i == end {
			break
		}
		var field string
		if i < end && isQuote(s[i]) {
			q, open, openLine := s[i], i-lineStart+1, rd.line
			i++
			from := i       // the start of the field's text in s, while it is a plain substring
			copied := false // whether the text is being copied into rd.buf instead
			for {
				if i >= end {
					// Only a double-quoted field continues on the next line.
					if q != '"' || next == end {
						rd.errLine = openLine
						return 0, fmt.Errorf("the quote %c at character %d is not closed", q, open)
					}
					if !copied {
						rd.buf, copied = append(rd.buf[:0], s[from:i]...), true
					}
					rd.buf = append(rd.buf, '\n')
					rd.line++
					lineStart, i = next, next
					end, next = rd.lineEnd(next)
					continue
				}
				c := s[i]
				if c == q {
					if i+1 < end && s[i+1] == q {
						if !copied {
							rd.buf, copied = append(rd.buf[:0], s[from:i]...), true
						}
						rd.buf = append(rd.buf, q)
						i += 2
						continue
					}
					break
				}
				if copied {
					rd.buf = append(rd.buf, c)
				}
				i++
			}
			if copied {
				field = string(rd.buf)
			} else {
				field = s[from:i]
			}
			i++ // the closing quote
			// Only blanks may follow the closing quote, up to the separator; with blank
			// separation, at least one blank (or the end of the line) must.
			closed := i
			for i < end && isBlank(s[i]) && s[i] != rd.sepBlank {
				i++
			}
			if i < end && ((blanks && i == closed) || (!blanks && !strings.HasPrefix(s[i:], rd.sep))) {
				rd.errLine = rd.line
				return 0, fmt.Errorf("unexpected %q after the quoted field that starts at character %d", s[i], open)
			}
		} else {
			from := i
			switch {
			case blanks:
				for i < end && !isBlank(s[i]) {
					i++
				}
			case len(rd.sep) == 1:
				if k := strings.IndexByte(s[i:end], rd.sep[0]); k >= 0 {
					i += k
				} else {
					i = end
				}
			default:
				if k := strings.Index(s[i:end], rd.sep); k >= 0 {
					i += k
				} else {
					i = end
				}
			}
			field = s[from:i]
			for len(field) > 0 && isBlank(field[len(field)-1]) {
				field = field[:len(field)-1]
			}
		}
		rd.fields = append(rd.fields, field)
		if blanks {
			continue
		}
		if i >= end {
			break
		}
		i += len(rd.sep)
	}
	rd.p = next
	rd.line++
	return first, nil
}

// number reads a cell of a numeric column: a missing value, a boolean or a number.
func (rd *csvReader) number(cell string) (float64, cellKind) {
	if len(cell) <= rd.maxMissing && slices.Contains(rd.missing, cell) {
		return math.NaN(), numberCell
	}
	if len(cell) > 0 && strings.IndexByte("TtFf", cell[0]) >= 0 {
		switch cell {
		case "TRUE", "true", "True", "T":
			return 1, numberCell
		case "FALSE", "false", "False", "F":
			return 0, numberCell
		}
	}
	if v, ok := plainDecimal(cell); ok {
		return v, numberCell
	}
	v, err := strconv.ParseFloat(cell, 64)
	switch {
	case err == nil:
		return v, numberCell
	case errors.Is(err, strconv.ErrRange) && math.IsInf(v, 0):
		return 0, rangeCell
	case errors.Is(err, strconv.ErrRange):
		return v, numberCell // an underflow to zero or a subnormal
	}
	return 0, textCell
}

// exactPow10 holds the powers of ten that float64 represents exactly, 1e0 to 1e22.
var exactPow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// plainDecimal reads the commonest numbers, [+-]digits[.digits] with at most 2⁵³ as the digits
// read as an integer and at most 22 decimals, faster than strconv.ParseFloat and with the same
// result: both the integer and the power of ten are exact in float64, so their quotient is
// correctly rounded (Clinger's fast path, which ParseFloat also takes, after more checks). It
// reports false for anything else, which ParseFloat then reads.
func plainDecimal(s string) (float64, bool) {
	i, neg := 0, false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		i, neg = 1, s[0] == '-'
	}
	var mant uint64
	digits, decimals, dot, any := 0, 0, false, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			any = true
			if dot {
				decimals++
			}
			if mant == 0 && c == '0' {
				continue // a leading zero
			}
			if digits++; digits > 16 {
				return 0, false // beyond 2⁵³ for sure
			}
			mant = mant*10 + uint64(c-'0')
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if !any || mant > 1<<53 || decimals >= len(exactPow10) {
		return 0, false
	}
	v := float64(mant) / exactPow10[decimals]
	if neg {
		v = -v
	}
	return v, true
}

// isQuote reports whether c opens a quoted field.
func isQuote(c byte) bool { return c == '"' || c == '\'' }

// isBlank reports whether c is a space or a tab.
func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// detectSep returns the separator of a header line: the most frequent of ',', ';' and '\t'
// outside quoted fields, or ' ' (runs of blanks) if none occurs.
func detectSep(header string) rune {
	counts := map[byte]int{}
	for i := 0; i < len(header); i++ {
		c := header[i]
		if isQuote(c) && (i == 0 || strings.IndexByte(",;\t ", header[i-1]) >= 0) {
			// Skip the quoted field.
			if end := strings.IndexByte(header[i+1:], c); end >= 0 {
				i += end + 1
				continue
			}
		}
		if c == ',' || c == ';' || c == '\t' {
			counts[c]++
		}
	}
	best, bestCount := rune(' '), 0
	for _, c := range []byte{',', ';', '\t'} {
		if counts[c] > bestCount {
			best, bestCount = rune(c), counts[c]
		}
	}
	return best
}
