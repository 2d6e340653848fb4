package main

import (
	"strings"
	"testing"

	"github.com/gomle/gomle/stderr"
)

// TestParseCov checks every -cov value: the estimator, the cluster column, and the errors.
func TestParseCov(t *testing.T) {
	for _, tc := range []struct {
		in, kind, column, err string // kind is the estimator's String ("" for nil); err a part of the error
	}{
		{"", "", "", ""}, // nil: the model's default
		{" ", "", "", ""},
		{"oim", "OIM", "", ""},
		{"opg", "OPG", "", ""},
		{" robust ", "Robust", "", ""},
		{"gn", "Gauss-Newton", "", ""},
		{"cluster:ship", "Cluster", "ship", ""},
		{"cluster: ship ", "Cluster", "ship", ""},
		{"cluster:", "", "", "names no column"},
		{"cluster", "", "", "names no column"},
		{"robust:ship", "", "", "unknown covariance"},
		{"hc3", "", "", `unknown covariance "hc3"`},
		{"bootstrap:200", "Bootstrap", "", ""},
		{"bootstrap:50:7", "Bootstrap", "", ""},
		{"bootstrap", "", "", "bootstrap:REPS"},
		{"bootstrap:1", "", "", "REPS at least 2"},
		{"bootstrap:50:-3", "", "", "seed must be"},
	} {
		cov, column, err := parseCov(tc.in)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one containing %q", tc.in, err, tc.err)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.in, err)
		case cov == nil && tc.kind != "", cov != nil && cov.String() != tc.kind, column != tc.column:
			t.Errorf("%q: %v, column %q; want %s, %q", tc.in, cov, column, tc.kind, tc.column)
		}
		if c, ok := cov.(stderr.Cluster); ok && c.Groups != nil {
			t.Errorf("%q: groups filled in by the parser", tc.in)
		}
		if b, ok := cov.(stderr.Bootstrap); ok && (b.Reps < 2 || b.Seed == 0) {
			t.Errorf("%q: %+v", tc.in, b)
		}
	}
}

// TestParseMethod checks the optimizer names, and that "" leaves the default to estimate.
func TestParseMethod(t *testing.T) {
	for in, want := range map[string]string{"newton": "Newton", "TRUST": "trust-region Newton", "bfgs": "BFGS", "l-bfgs": "L-BFGS", "bhhh": "BHHH"} {
		m, err := parseMethod(in)
		if err != nil || m.String() != want {
			t.Errorf("%q: %v (%v), want %s", in, m, err, want)
		}
	}
	if m, err := parseMethod(""); m != nil || err != nil {
		t.Errorf(`"": %v, %v; want nil, nil`, m, err)
	}
}

// TestLevelValue checks the -level values: percentages and fractions, and the refusals.
func TestLevelValue(t *testing.T) {
	for in, want := range map[string]float64{"90": 0.9, "0.9": 0.9, "99.5": 0.995, "95%": 0.95, "0.5": 0.5} {
		var v float64
		if err := (level{&v}).Set(in); err != nil || v != want {
			t.Errorf("%q: %v (%v), want %v", in, v, err, want)
		}
	}
	for _, in := range []string{"0", "1", "100", "-90", "150", "NaN", "x"} {
		var v float64
		if err := (level{&v}).Set(in); err == nil {
			t.Errorf("%q accepted as %v", in, v)
		}
	}
}
