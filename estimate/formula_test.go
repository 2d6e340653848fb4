package estimate_test

import (
	"bufio"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/internal/testbackend"
)

// formulaCase is one fit of testdata/formula_reference.txt, R's output.
type formulaCase struct {
	name, model, data, formula string
	labels                     []string  // gomle's labels of R's coefficients, in R's order
	coefs                      []float64 // R's estimates
	loglik                     float64
}

// readFormulaCases reads testdata/formula_reference.txt, which formula_reference.R wrote: a
// "case" line per fit, then its "coef" lines and a "loglik" line, tab-separated; lines that
// start with # are comments.
func readFormulaCases(t *testing.T) []formulaCase {
	t.Helper()
	file, err := os.Open("testdata/formula_reference.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var cases []formulaCase
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		num := func(s string) float64 {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			return v
		}
		switch {
		case f[0] == "case" && len(f) == 5:
			cases = append(cases, formulaCase{name: f[1], model: f[2], data: f[3], formula: f[4]})
		case f[0] == "coef" && len(f) == 4 && len(cases) > 0:
			c := &cases[len(cases)-1]
			c.labels, c.coefs = append(c.labels, f[1]), append(c.coefs, num(f[3]))
		case f[0] == "loglik" && len(f) == 2 && len(cases) > 0:
			cases[len(cases)-1].loglik = num(f[1])
		default:
			t.Fatalf("cannot read the line %q", line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestFormulaReference fits the formulas of testdata/formula_reference.txt (crossings, powers,
// removals, factors in interactions coded as R codes them, an offset term, a comparison in
// I(), no intercept, the intercept alone) and compares the estimates and log-likelihood with
// R's lm and glm. The labels pin the columns down: each R coefficient must have the gomle
// label the R script gives it, so the coding (contrasts or a dummy per level) is R's too.
func TestFormulaReference(t *testing.T) {
	cases := readFormulaCases(t)
	if len(cases) < 10 {
		t.Fatalf("read %d cases, want at least 10", len(cases))
	}
	b := testbackend.Get(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := readFrame(t, "../"+c.data)
			rep, err := estimate.Fit(b, f, estimate.Spec{Model: c.model, Formula: c.formula})
			if err != nil {
				t.Fatal(err)
			}
			// The design has R's columns, no more: OLS adds σ to the estimates, not to X.
			if _, k := rep.Design.X.Dims(); k != len(c.labels) {
				t.Errorf("design columns %q, want those of %q", rep.Design.Names, c.labels)
			}
			for j, label := range c.labels {
				i := slices.Index(rep.Estimates.Labels, label)
				if i < 0 {
					t.Errorf("no coefficient %q in %q", label, rep.Estimates.Labels)
					continue
				}
				// 1e-6 relative (absolute below 1): Newton stops within about 1e-8 of the
				// optimum; R's lm is exact and its glm ran to a 1e-14 deviance tolerance.
				if got := rep.Estimates.Params[i]; math.Abs(got-c.coefs[j]) > 1e-6*math.Max(1, math.Abs(c.coefs[j])) {
					t.Errorf("%s = %.10g, R %.10g", label, got, c.coefs[j])
				}
			}
			// 1e-6 absolute, as for the Stata references.
			if got := rep.Result.LogLike; math.Abs(got-c.loglik) > 1e-6 {
				t.Errorf("log-likelihood %.10g, R %.10g", got, c.loglik)
			}
		})
	}
}

// TestFormulaOffset checks that offset terms in the formula act as Spec.Offset and
// Spec.Exposure do: they sum, and they add to those.
func TestFormulaOffset(t *testing.T) {
	f := readFrame(t, "../data/ships.csv")
	b := testbackend.Get(t)
	base, err := estimate.Fit(b, f, estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con + op_75_79", Exposure: "service"})
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range []estimate.Spec{
		{Model: "poisson", Formula: "accident ~ yr_con + op_75_79 + offset(log(service)/2) + offset(log(sqrt(service)))"},
		{Model: "poisson", Formula: "accident ~ yr_con + op_75_79 + offset(0*yr_con)", Exposure: "service"},
		{Model: "poisson", Formula: "accident ~ yr_con + op_75_79 + offset(log(service) - 1)", Offset: "op_75_79"},
	} {
		rep, err := estimate.Fit(b, f, spec)
		if err != nil {
			t.Fatalf("%s: %v", spec.Formula, err)
		}
		got, want := rep.Estimates.Params, base.Estimates.Params
		if spec.Offset != "" {
			// An offset of op_75_79 − 1 moves its coefficient by 1 and the intercept by −1.
			want = []float64{want[0] + 1, want[1], want[2] - 1}
		}
		for i := range want {
			// 1e-8: the same fit up to the rounding of the offsets.
			if math.Abs(got[i]-want[i]) > 1e-8*math.Max(1, math.Abs(want[i])) {
				t.Errorf("%s: %s = %.12g, with the exposure %.12g", spec.Formula, rep.Estimates.Labels[i], got[i], want[i])
			}
		}
		if math.Abs(rep.Result.LogLike-base.Result.LogLike) > 1e-8 {
			t.Errorf("%s: log-likelihood %.12g, with the exposure %.12g", spec.Formula, rep.Result.LogLike, base.Result.LogLike)
		}
	}
}
