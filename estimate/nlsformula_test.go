package estimate_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/stderr"
)

// TestParseNLS checks the split of a formula's names into parameters (natural order, b2 before
// b10) and data columns (sorted, from both sides), the canonical text, and the errors.
func TestParseNLS(t *testing.T) {
	f := newFrame(t, []string{"y", "x", "z"}, []float64{1, 2, 3}, []float64{4, 5, 6}, []float64{7, 8, 9})
	nf, err := estimate.ParseNLS("log(y) ~ b10*x + b2*exp(-z) + a", f)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(nf.Params, []string{"a", "b2", "b10"}) || !slices.Equal(nf.Vars, []string{"x", "y", "z"}) {
		t.Errorf("params %v, vars %v", nf.Params, nf.Vars)
	}
	if s := nf.String(); !strings.HasPrefix(s, "log(y) ~ ") {
		t.Errorf("String %q", s)
	}
	for _, tc := range []struct{ formula, want string }{
		{"y = b1*x", `no "~"`},
		{"y ~ b1*", "right side"},
		{"w ~ b1*x", "w"},
		{"y ~ x*z", "has no parameters"},
	} {
		if _, err := estimate.ParseNLS(tc.formula, f); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one containing %q", tc.formula, err, tc.want)
		}
	}
}

// TestNLSFormula fits Misra1a through a formula parsed once and checks what the report keeps:
// the parsed formula, its residuals at the estimates against the RSS that σ̂ implies (σ̂² =
// RSS/n at the maximum), and its Gauss–Newton covariance on the rows used, which must be the
// covariance of the fit with Cov stderr.GaussNewton{} and NIST's certified standard deviations
// (2.7070075241, 7.2668688436e-06; LRE ≥ 6 as in package nist). A Formula in the spec must be
// the one parsed.
func TestNLSFormula(t *testing.T) {
	b := testbackend.Get(t)
	f := readFrame(t, "../data/misra1a.csv")
	nf, err := estimate.ParseNLS("y ~ b1*(1-exp(-b2*x))", f)
	if err != nil {
		t.Fatal(err)
	}
	start := map[string]float64{"b1": 500, "b2": 1e-4}
	rep, err := nf.Fit(b, f, estimate.NLSSpec{Start: start, Cov: stderr.GaussNewton{}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.NLS != nf || rep.Spec.Formula != "y ~ b1*(1-exp(-b2*x))" {
		t.Errorf("report keeps formula %p (want %p), spec formula %q", rep.NLS, nf, rep.Spec.Formula)
	}
	est := rep.Result.Estimates
	r, err := nf.Residuals(f, est[:2], rep.Design.Rows)
	if err != nil {
		t.Fatal(err)
	}
	rss := 0.0
	for _, v := range r {
		rss += v * v
	}
	// σ̂² = RSS/n holds at the maximum to the optimizer's tolerance; 1e-8 leaves room for it.
	if n := float64(len(r)); !closeTo(rss, n*est[2]*est[2], 1e-8) {
		t.Errorf("RSS %.12g from the residuals, %.12g from σ̂", rss, n*est[2]*est[2])
	}
	gn, err := nf.GaussNewton(b, f, est[:2], rep.Design.Rows)
	if err != nil {
		t.Fatal(err)
	}
	if gn.RSS != rss {
		t.Errorf("Gauss–Newton RSS %.17g, residuals give %.17g", gn.RSS, rss)
	}
	cov, err := gn.Cov()
	if err != nil {
		t.Fatal(err)
	}
	for j, c := range []float64{2.7070075241e+00, 7.2668688436e-06} {
		se := math.Sqrt(cov.At(j, j))
		if se != rep.Estimates.SE[j] || -math.Log10(math.Abs(se-c)/c) < 6 {
			t.Errorf("%s: SE %.10e, in the report %.10e, certified %.10e", nf.Params[j], se, rep.Estimates.SE[j], c)
		}
	}
	if _, err := nf.Fit(b, f, estimate.NLSSpec{Formula: "y ~ b1*x", Start: start}); err == nil || !strings.Contains(err.Error(), "not the formula being fitted") {
		t.Errorf("another formula in the spec: error %v", err)
	}
	if _, err := nf.GaussNewton(b, f, est, nil); err == nil || !strings.Contains(err.Error(), "got 3 values") {
		t.Errorf("three values for two parameters: error %v", err)
	}
}

// TestNLSCluster fits Misra1a with cluster-robust errors over a made-up cluster column: the
// report's estimates must be those of stderr.Cluster on the groups of the rows kept (a row with
// no cluster is dropped), and the header must name the column.
func TestNLSCluster(t *testing.T) {
	b := testbackend.Get(t)
	misra := readFrame(t, "../data/misra1a.csv")
	y, _ := misra.Column("y")
	x, _ := misra.Column("x")
	g := make([]float64, len(y))
	for i := range g {
		g[i] = float64(i % 4)
	}
	g[5] = math.NaN()
	f := newFrame(t, []string{"y", "x", "g"}, y, x, g)
	rep, err := estimate.NLS(b, f, estimate.NLSSpec{Formula: "y ~ b1*(1-exp(-b2*x))", Start: map[string]float64{"b1": 500, "b2": 1e-4},
		Cov: stderr.Cluster{}, Cluster: "g"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Result.NumObs != 13 || rep.Design.Dropped != 1 || len(rep.Clusters) != 13 {
		t.Fatalf("%d observations, %d dropped, %d cluster codes; want 13, 1, 13", rep.Result.NumObs, rep.Design.Dropped, len(rep.Clusters))
	}
	want, err := stderr.New(rep.Result, stderr.Cluster{Groups: rep.Clusters}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Estimates.SE, want.SE) || rep.Estimates.Kind.String() != "Cluster" {
		t.Errorf("%v SEs %v, want Cluster %v", rep.Estimates.Kind, rep.Estimates.SE, want.SE)
	}
	if !strings.Contains(rep.String(), "adjusted for 4 clusters in g") {
		t.Errorf("summary lacks the cluster line:\n%s", rep)
	}
}
