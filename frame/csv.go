package frame

import (
	"bufio"
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
	// that read as NaN are missing in any case.
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

// ReadFile reads the named file with ReadCSV. Errors name the file.
func ReadFile(path string, opts Options) (*Frame, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("frame: %w", err)
	}
	defer file.Close()
	f, err := ReadCSV(file, opts)
	if err != nil {
		var ce *CSVError
		if errors.As(err, &ce) {
			ce.File = path
		}
		return nil, err
	}
	return f, nil
}

// ReadCSV reads a delimited text file with a header line into a Frame. See the package
// documentation for the format, and Options for the separator and missing values.
//
// ReadCSV returns a *CSVError if the input is empty, if a header name is empty or repeated, if
// a line has more or fewer fields than the header, if a quote is not closed, or if a cell is
// neither a number nor a missing value. A header with no data lines gives a Frame with zero
// rows. Errors from r are returned wrapped.
func ReadCSV(r io.Reader, opts Options) (*Frame, error) {
	switch sep := opts.Sep; {
	case sep == '"' || sep == '\'' || sep == '\n' || sep == '\r':
		return nil, &CSVError{Msg: fmt.Sprintf("Options.Sep %q cannot be a quote or a line break", sep)}
	case sep != 0 && (!utf8.ValidRune(sep) || sep == utf8.RuneError):
		return nil, &CSVError{Msg: fmt.Sprintf("Options.Sep %U is not a valid character", sep)}
	}
	missing := opts.Missing
	if missing == nil {
		missing = DefaultMissing()
	}
	br := bufio.NewReader(r)
	line := 0
	// next returns the next non-blank line and its number, or io.EOF.
	next := func() (string, error) {
		for {
			s, err := br.ReadString('\n')
			if err != nil && err != io.EOF {
				return "", fmt.Errorf("frame: reading line %d: %w", line+1, err)
			}
			if s == "" && err == io.EOF {
				return "", io.EOF
			}
			line++
			if line == 1 {
				s = strings.TrimPrefix(s, "\uFEFF") // a UTF-8 byte order mark
			}
			s = strings.TrimRight(s, "\r\n")
			if strings.TrimSpace(s) != "" {
				return s, nil
			}
		}
	}

	header, err := next()
	if err == io.EOF {
		return nil, &CSVError{Msg: "the input is empty: no header line"}
	}
	if err != nil {
		return nil, err
	}
	sep := opts.Sep
	if sep == 0 {
		sep = detectSep(header)
	}
	names, err := splitFields(header, sep)
	if err != nil {
		return nil, &CSVError{Line: line, Msg: fmt.Sprintf("line %d (the header): %v", line, err)}
	}
	f := &Frame{names: names, cols: make([][]float64, len(names))}
	if err := f.buildIndex(); err != nil {
		return nil, &CSVError{Line: line, Msg: fmt.Sprintf("line %d (the header): %v", line, err)}
	}
	for {
		s, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		fields, err := splitFields(s, sep)
		if err != nil {
			return nil, &CSVError{Line: line, Msg: fmt.Sprintf("line %d: %v", line, err)}
		}
		if len(fields) != len(names) {
			return nil, &CSVError{Line: line,
				Msg: fmt.Sprintf("line %d has %d fields, the header has %d", line, len(fields), len(names))}
		}
		for j, cell := range fields {
			v, err := parseCell(cell, missing)
			if err != nil {
				return nil, &CSVError{Line: line, Column: names[j],
					Msg: fmt.Sprintf("line %d, column %q: %v", line, names[j], err)}
			}
			f.cols[j] = append(f.cols[j], v)
		}
		f.n++
	}
	for j := range f.cols {
		if f.cols[j] == nil {
			f.cols[j] = []float64{}
		}
	}
	return f, nil
}

// parseCell reads a cell: a missing value, or a number.
func parseCell(cell string, missing []string) (float64, error) {
	if slices.Contains(missing, cell) {
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(cell, 64)
	if err == nil {
		return v, nil
	}
	if errors.Is(err, strconv.ErrRange) && math.IsInf(v, 0) {
		return 0, fmt.Errorf("the number %q is out of the float64 range", cell)
	}
	if errors.Is(err, strconv.ErrRange) {
		return v, nil // an underflow to zero or a subnormal
	}
	return 0, fmt.Errorf("cannot read %q as a number", cell)
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

// splitFields splits a line into fields, trimming blanks around each and removing quotes.
// With sep ' ', fields are separated by runs of blanks, and leading and trailing blanks are
// ignored; otherwise every sep separates two fields. A field whose first non-blank character
// is a quote runs to the matching quote, which may contain separators; a doubled quote inside
// stands for the quote itself.
func splitFields(line string, sep rune) ([]string, error) {
	var fields []string
	blanks := sep == ' '
	i := 0
	for {
		// Skip leading blanks (and, for blank separation, the separator itself).
		for i < len(line) && isBlank(line[i]) && !(rune(line[i]) == sep && !blanks) {
			i++
		}
		if blanks && i == len(line) {
			return fields, nil
		}
		var field string
		if i < len(line) && isQuote(line[i]) {
			q := line[i]
			start := i
			var b strings.Builder
			i++
			for {
				if i >= len(line) {
					return nil, fmt.Errorf("the quote %c at character %d is not closed", q, start+1)
				}
				if line[i] == q {
					if i+1 < len(line) && line[i+1] == q {
						b.WriteByte(q)
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(line[i])
				i++
			}
			field = b.String()
			// Only blanks may follow the closing quote, up to the separator; with blank
			// separation, at least one blank (or the end of the line) must.
			closed := i
			for i < len(line) && isBlank(line[i]) && !(rune(line[i]) == sep && !blanks) {
				i++
			}
			if i < len(line) && ((blanks && i == closed) || (!blanks && !strings.HasPrefix(line[i:], string(sep)))) {
				return nil, fmt.Errorf("unexpected %q after the quoted field that starts at character %d",
					line[i], start+1)
			}
		} else {
			start := i
			if blanks {
				for i < len(line) && !isBlank(line[i]) {
					i++
				}
			} else {
				end := strings.IndexRune(line[i:], sep)
				if end < 0 {
					end = len(line) - i
				}
				i += end
			}
			field = strings.TrimRight(line[start:i], " \t")
		}
		fields = append(fields, field)
		if blanks {
			continue
		}
		if i >= len(line) {
			return fields, nil
		}
		i += len(string(sep)) // skip the separator
	}
}
