package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gomle/gomle/optim"
)

// iterationLog writes the optimizer's iterations to standard error, one line each, as Stata's
// log does ("Iteration 0:   log likelihood = -20.59173"), with the largest absolute entry of
// the gradient of ℓ: every iteration with -v; without it, when standard error is a terminal,
// those of a fit that has run for more than a second, at most ten lines a second (SGD and Adam
// take thousands of short iterations). Standard output is left to the summary and the JSON.
type iterationLog struct {
	w       io.Writer
	verbose bool          // -v: every iteration
	last    time.Duration // Iteration.Elapsed of the last line written without -v
	any     bool          // whether a line has been written without -v
}

// quietFor is how long a fit runs before a terminal sees its iterations without -v, and
// minGap the least time between two of those lines.
const (
	quietFor = time.Second
	minGap   = 100 * time.Millisecond
)

// newIterationLog returns the log of the iterations on w, or nil when there is nothing to
// write: no -v, and w is not a terminal.
func newIterationLog(w io.Writer, verbose bool) *iterationLog {
	if !verbose && !isTerminal(w) {
		return nil
	}
	return &iterationLog{w: w, verbose: verbose}
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// record is the fit's optim.Settings.Recorder.
func (l *iterationLog) record(it optim.Iteration) {
	if !l.verbose {
		if it.Elapsed < quietFor || (l.any && it.Elapsed-l.last < minGap) {
			return
		}
		l.last, l.any = it.Elapsed, true
	}
	fmt.Fprintf(l.w, "%-14s log likelihood = %-13.8g  max |gradient| = %.3g\n", fmt.Sprintf("Iteration %d:", it.Iter), it.LogLike, it.GradNorm)
}
