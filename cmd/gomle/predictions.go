package main

import (
	"bufio"
	"fmt"
	"math"
	"os"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/frame"
)

// writePredictions writes every row of f to path as CSV with the report's predictions appended
// (estimate.Report.Predict: xb, each prediction, their standard errors as "se(NAME)", the
// residuals); rows the fit did not use get empty cells.
func writePredictions(path string, f *frame.Frame, rep *estimate.Report) error {
	p, err := rep.Predict()
	if err != nil {
		return err
	}
	var names []string
	var cols [][]float64
	spread := func(values []float64) []float64 {
		out := make([]float64, f.Len())
		for i := range out {
			out[i] = math.NaN()
		}
		for i, r := range p.Rows {
			out[r] = values[i]
		}
		return out
	}
	for _, c := range p.Columns {
		names, cols = append(names, c.Name), append(cols, spread(c.Values))
		if c.SE != nil {
			names, cols = append(names, "se("+c.Name+")"), append(cols, spread(c.SE))
		}
	}
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(file)
	if err := f.WriteCSV(w, names, cols); err != nil {
		file.Close()
		return fmt.Errorf("writing predictions to %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}
