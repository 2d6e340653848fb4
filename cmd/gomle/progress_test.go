package main

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomle/gomle/optim"
)

// iterationLine is a line of the -v log: "Iteration 0:   log likelihood = -22.18071  max
// |gradient| = 92".
var iterationLine = regexp.MustCompile(`^Iteration (\d+): +log likelihood = (\S+) +max \|gradient\| = \S+$`)

// iterations returns the iteration numbers of the log's lines, and fails on any other line.
func iterations(t *testing.T, log string) []int {
	t.Helper()
	var iters []int
	for _, l := range strings.Split(strings.TrimSuffix(log, "\n"), "\n") {
		m := iterationLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("not an iteration line: %q", l)
		}
		i, _ := strconv.Atoi(m[1])
		iters = append(iters, i)
	}
	return iters
}

// TestVerbose checks that -v writes one line per iteration, numbered from 0, to standard
// error, and changes nothing on standard output: the summary is the same as without -v (but for
// the times), and with -json - standard output is the JSON alone. The null model's fit behind
// the LR test is not logged: the lines number the model's iterations once. Without -v and with
// standard error not a terminal (a buffer here) nothing is written there.
func TestVerbose(t *testing.T) {
	logit := []string{"fit", "logit", "GRADE ~ GPA + TUCE + PSI", "-data", "../../data/spector.csv"}
	misra := []string{"nls", "y ~ b1*(1-exp(-b2*x))", "-data", "../../data/misra1a.csv", "-start", "b1=500,b2=1e-4"}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"fit", logit},
		{"fit/lbfgs", append(logit[:len(logit):len(logit)], "-method", "lbfgs")},
		{"nls", misra},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, quiet, errs := gomle(tc.args...)
			if code != 0 || errs != "" {
				t.Fatalf("without -v: exit %d, standard error %q", code, errs)
			}
			code, out, log := gomle(append(tc.args, "-v")...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, log)
			}
			if stripTimes(out) != stripTimes(quiet) {
				t.Errorf("-v changed standard output:\n%s\n---\n%s", out, quiet)
			}
			iters := iterations(t, log)
			for i, it := range iters {
				if it != i {
					t.Fatalf("iterations numbered %v, want 0, 1, … once", iters)
				}
			}
			code, out, log = gomle(append(tc.args, "-v", "-json", "-")...)
			var js struct{ Iterations int }
			if err := json.Unmarshal([]byte(out), &js); code != 0 || err != nil {
				t.Fatalf("-v -json -: exit %d, standard output not JSON alone (%v):\n%s", code, err, out)
			}
			if n := len(iterations(t, log)); n < 2 || n != len(iters) {
				t.Errorf("-v -json -: %d iteration lines, want %d", n, len(iters))
			}
		})
	}
}

// TestInterrupted runs a fit whose context is canceled before it starts, as Ctrl-C does
// through signal.NotifyContext: the summary of the start is printed with a warning, standard
// error says the fit was interrupted and why, and the exit status is 130.
func TestInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("interrupt signal received"))
	var out, errw strings.Builder
	code := runContext(ctx, []string{"fit", "logit", "GRADE ~ GPA + TUCE + PSI", "-data", "../../data/spector.csv", "-v"}, &out, &errw)
	if code != 130 || !strings.Contains(out.String(), "WARNING") || !strings.Contains(out.String(), "canceled after 0 iterations") ||
		!strings.Contains(errw.String(), "interrupted (interrupt signal received): the fit was stopped") {
		t.Errorf("exit %d, standard output:\n%s\nstandard error:\n%s", code, out.String(), errw.String())
	}
}

// TestIterationLogTerminal feeds the log that a terminal gets without -v: nothing in the fit's
// first second, then at most a line every 100 ms. A writer that is not a terminal gets no log.
func TestIterationLogTerminal(t *testing.T) {
	if newIterationLog(&strings.Builder{}, false) != nil {
		t.Error("a log without -v on a writer that is not a terminal")
	}
	var w strings.Builder
	l := &iterationLog{w: &w}
	for i, ms := range []int{10, 500, 1000, 1050, 1099, 1100, 1150, 1250} {
		l.record(optim.Iteration{Iter: i, LogLike: -1, Elapsed: time.Duration(ms) * time.Millisecond})
	}
	// Iterations 2 (1 s), 5 (100 ms later) and 7 (150 ms after 5).
	if got := iterations(t, w.String()); !slices.Equal(got, []int{2, 5, 7}) {
		t.Errorf("lines for iterations %v, want [2 5 7]", got)
	}
}
