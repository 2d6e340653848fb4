package frame

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
)

// WriteCSV writes the frame as a comma-separated file with a header row, quoting where
// needed: numbers in the shortest form that reads back to the same float64, text cells as they
// were read, missing cells empty. The columns named extraNames, one value per row of the frame
// in extra (NaN for none), are appended after the frame's own, so that a file of predictions
// holds every input row beside its predictions. ReadCSV reads the result back to the same
// frame.
func (f *Frame) WriteCSV(w io.Writer, extraNames []string, extra [][]float64) error {
	if len(extraNames) != len(extra) {
		return fmt.Errorf("frame: WriteCSV: %d extra names for %d columns", len(extraNames), len(extra))
	}
	for j, c := range extra {
		if len(c) != f.n {
			return fmt.Errorf("frame: WriteCSV: extra column %q has %d values for %d rows", extraNames[j], len(c), f.n)
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(append(f.Names(), extraNames...)); err != nil {
		return err
	}
	record := make([]string, len(f.names)+len(extra))
	for i := range f.n {
		for j, col := range f.cols {
			record[j] = f.cell(j, col[i])
		}
		for j, col := range extra {
			record[len(f.names)+j] = number(col[i])
		}
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell returns the text of value v of column j: its level for a text column.
func (f *Frame) cell(j int, v float64) string {
	if t := f.textOf(j); t != nil && !math.IsNaN(v) {
		return t.levels[int(v)]
	}
	return number(v)
}

// number formats v exactly, or as the empty cell for NaN.
func number(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
