package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomle/gomle/estimate"
)

// Bounds that keep an honest fit of a fuzzed input short, so that the fuzzer's time limit
// flags a hang and not a slow but correct fit: small data, few iterations, few bootstrap
// replications. A fit still running after fuzzDeadline is a failure ("runs too long"); one
// that has not returned fuzzGrace after its context was canceled is a hang.
const (
	fuzzMaxCSV    = 4096
	fuzzMaxIter   = 50
	fuzzMaxReps   = 3
	fuzzDeadline  = 20 * time.Second
	fuzzGrace     = 10 * time.Second
	fuzzMaxTokens = 24
)

// fuzzModel returns the model a fuzzed model string chooses: itself when it names one of
// gomle fit's models or "nls" (so that the seeds keep their models when models are added),
// the rest of it after a "!" (an unknown model, for the usage error), else the model its first
// byte indexes in the sorted list of models and nls.
func fuzzModel(model string) string {
	var names []string
	for _, m := range estimate.Models() {
		names = append(names, m[0])
	}
	names = append(names, "nls")
	switch {
	case slices.Contains(names, model) || model == "":
		return model
	case model[0] == '!':
		return model[1:]
	}
	return names[int(model[0])%len(names)]
}

// fuzzArgs builds the command line of a fuzzed input: fit MODEL FORMULA (or nls FORMULA),
// then the option tokens, then -data on the CSV file. Options that name files to write (-json,
// -predictions) are pointed into dir, -data is the fuzzer's CSV alone, and -maxiter and
// bootstrap replications are capped (fuzzMaxIter, fuzzMaxReps).
func fuzzArgs(dir, csvPath, formula, model, opts string) []string {
	name := fuzzModel(model)
	args := []string{"fit", name, formula}
	if name == "nls" {
		args = []string{"nls", formula}
	}
	tokens := strings.Fields(opts)
	if len(tokens) > fuzzMaxTokens {
		tokens = tokens[:fuzzMaxTokens]
	}
	for i := 0; i < len(tokens); i++ {
		tok := tokens[i]
		flagName, value, hasValue := strings.Cut(strings.TrimLeft(tok, "-"), "=")
		if !strings.HasPrefix(tok, "-") {
			args = append(args, capReps(tok))
			continue
		}
		switch flagName {
		case "data", "json", "predictions", "maxiter":
			if !hasValue && i+1 < len(tokens) {
				i++
				value = tokens[i]
			}
			switch flagName {
			case "json", "predictions":
				if value == "-" && flagName == "json" {
					args = append(args, "-json", "-")
				} else {
					args = append(args, "-"+flagName, filepath.Join(dir, flagName+".out"))
				}
			case "maxiter":
				if n, err := strconv.Atoi(value); err != nil || n <= fuzzMaxIter {
					args = append(args, "-maxiter", value) // bad values are the parser's to refuse
				}
			}
			continue
		}
		args = append(args, capReps(tok))
	}
	return append(args, "-maxiter", strconv.Itoa(fuzzMaxIter), "-data", csvPath)
}

// capReps lowers the replications of a bootstrap:REPS[:SEED] token to fuzzMaxReps.
func capReps(tok string) string {
	i := strings.Index(tok, "bootstrap:")
	if i < 0 {
		return tok
	}
	head, rest := tok[:i+len("bootstrap:")], tok[i+len("bootstrap:"):]
	reps, seed, hasSeed := strings.Cut(rest, ":")
	if n, err := strconv.Atoi(strings.TrimSpace(reps)); err == nil && n > fuzzMaxReps {
		reps = strconv.Itoa(fuzzMaxReps)
	}
	if hasSeed {
		return head + reps + ":" + seed
	}
	return head + reps
}

// FuzzCommandLine drives the command line with random CSV bytes, formulas, models and options.
// Whatever the input, gomle must return an exit status of 0 (a fit), 1 (bad data or a failed
// fit), 2 (a usage error) or 3 (no convergence): it may not panic (nothing here recovers, so a
// panic fails the input), hang, or run an honest fit past fuzzDeadline (the inputs are bounded
// so that none should take a second). The seeds, in testdata/fuzz/FuzzCommandLine, cover each
// model and the bad inputs of the catalogue; go test runs them.
//
//	go test -run='^$' -fuzz='^FuzzCommandLine$' -fuzztime=10m -parallel=1 ./cmd/gomle
func FuzzCommandLine(f *testing.F) {
	f.Fuzz(func(t *testing.T, csv []byte, formula, model, opts string) {
		if len(csv) > fuzzMaxCSV || len(formula) > 256 || len(opts) > 512 {
			t.Skip("input beyond the bounds that keep a fit short")
		}
		dir := t.TempDir()
		csvPath := filepath.Join(dir, "data.csv")
		if err := os.WriteFile(csvPath, csv, 0o644); err != nil {
			t.Fatal(err)
		}
		args := fuzzArgs(dir, csvPath, formula, model, opts)

		ctx, cancel := context.WithTimeout(context.Background(), fuzzDeadline)
		defer cancel()
		type result struct {
			code     int
			out, err string
		}
		done := make(chan result, 1)
		start := time.Now()
		go func() {
			// No recover: a panic here ends the test binary, and the fuzzer reports the input.
			var out, errw bytes.Buffer
			code := runContext(ctx, args, &out, &errw)
			done <- result{code, out.String(), errw.String()}
		}()
		var r result
		select {
		case r = <-done:
		case <-time.After(fuzzDeadline + fuzzGrace):
			t.Fatalf("hang: gomle %q has not returned %v after its context was canceled", args, fuzzGrace)
		}
		if ctx.Err() != nil {
			t.Fatalf("gomle %q ran %v, past the %v deadline (exit %d): a fit this small must not take so long\nstderr: %s",
				args, time.Since(start).Round(time.Millisecond), fuzzDeadline, r.code, r.err)
		}
		msg, _, _ := strings.Cut(r.err, "\n")
		t.Logf("gomle %q: exit %d %s", args[:min(len(args), 3)], r.code, msg)
		switch r.code {
		case 0, 1, 2, 3:
		default:
			t.Fatalf("gomle %q: exit %d, outside {0, 1, 2, 3}\nstdout: %s\nstderr: %s", args, r.code, r.out, r.err)
		}
		if r.code != 0 && r.code != 3 && !strings.Contains(r.err, "gomle") && !strings.Contains(r.err, "usage") {
			t.Fatalf("gomle %q: exit %d without a message\nstderr: %q", args, r.code, r.err)
		}
	})
}
