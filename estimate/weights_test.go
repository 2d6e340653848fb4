package estimate_test

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/stderr"
)

// rReference reads the "name v1 v2 ..." lines that testdata/weights/weights.R printed.
func rReference(t *testing.T, path string) map[string][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		for _, s := range fields[1:] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s: %q: %v", path, sc.Text(), err)
			}
			out[fields[0]] = append(out[fields[0]], v)
		}
	}
	return out
}

// expand returns f with each row repeated as often as column w says, w left out.
func expand(t *testing.T, f *frame.Frame, w string) *frame.Frame {
	t.Helper()
	counts, err := f.Column(w)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var cols [][]float64
	for _, name := range f.Names() {
		if name == w {
			continue
		}
		col, err := f.Column(name)
		if err != nil {
			t.Fatal(err)
		}
		var out []float64
		for i, c := range counts {
			for range int(c) {
				out = append(out, col[i])
			}
		}
		names, cols = append(names, name), append(cols, out)
	}
	e, err := frame.New(names, cols)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// withColumn returns f with column name set to values (added or replaced).
func withColumn(t *testing.T, f *frame.Frame, name string, values []float64) *frame.Frame {
	t.Helper()
	var names []string
	var cols [][]float64
	for _, n := range f.Names() {
		if n == name {
			continue
		}
		col, err := f.Column(n)
		if err != nil {
			t.Fatal(err)
		}
		names, cols = append(names, n), append(cols, col)
	}
	out, err := frame.New(append(names, name), append(cols, values))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFrequencyWeights(t *testing.T) {
	b := testbackend.Get(t)
	ref := rReference(t, "testdata/weights/weights.out")
	f := readFrame(t, "testdata/weights/spector_w.csv")
	const formula = "GRADE ~ GPA + TUCE + PSI"
	rep, err := estimate.Fit(b, f, estimate.Spec{Model: "logit", Formula: formula, Weights: estimate.Weights{Kind: estimate.FrequencyWeights, Column: "fw"}})
	if err != nil {
		t.Fatal(err)
	}
	e := rep.Estimates
	for i := range e.Params {
		if !closeTo(e.Params[i], ref["fw_logit_coef"][i], 1e-6) || !closeTo(e.SE[i], ref["fw_logit_se"][i], 1e-6) {
			t.Errorf("%s: %v (SE %v), R's glm %v (%v)", e.Labels[i], e.Params[i], e.SE[i], ref["fw_logit_coef"][i], ref["fw_logit_se"][i])
		}
	}
	if !closeTo(rep.Result.LogLike, ref["fw_logit_loglik"][0], 1e-9) {
		t.Errorf("log-likelihood %v, R %v", rep.Result.LogLike, ref["fw_logit_loglik"][0])
	}
	// The expanded data: the same fit, N, BIC, LR test and marginal effects, and the same
	// robust and cluster-robust errors.
	x := expand(t, f, "fw")
	for _, cov := range []struct {
		cov     stderr.Covariance
		cluster string
	}{{nil, ""}, {stderr.Robust{}, ""}, {stderr.Cluster{}, "TUCE"}} {
		w, err := estimate.Fit(b, f, estimate.Spec{Model: "logit", Formula: formula, Cov: cov.cov, Cluster: cov.cluster,
			Weights: estimate.Weights{Kind: estimate.FrequencyWeights, Column: "fw"}})
		if err != nil {
			t.Fatal(err)
		}
		ex, err := estimate.Fit(b, x, estimate.Spec{Model: "logit", Formula: formula, Cov: cov.cov, Cluster: cov.cluster})
		if err != nil {
			t.Fatal(err)
		}
		if w.Result.Observations() != ex.Result.NumObs || w.Result.NumObs != f.Len() {
			t.Errorf("N = %d over %d rows, want the %d expanded rows over %d", w.Result.Observations(), w.Result.NumObs, ex.Result.NumObs, f.Len())
		}
		pairs := [][2]float64{{w.BIC, ex.BIC}, {w.AIC, ex.AIC}, {w.LLNull, ex.LLNull}, {w.LR.Stat, ex.LR.Stat}}
		for i := range w.Estimates.Params {
			pairs = append(pairs, [2]float64{w.Estimates.Params[i], ex.Estimates.Params[i]}, [2]float64{w.Estimates.SE[i], ex.Estimates.SE[i]})
		}
		for i := range w.Margins.Effect {
			pairs = append(pairs, [2]float64{w.Margins.Effect[i], ex.Margins.Effect[i]}, [2]float64{w.Margins.SE[i], ex.Margins.SE[i]})
		}
		for _, p := range pairs {
			if !closeTo(p[0], p[1], 1e-8) {
				t.Errorf("covariance %v: weighted %v, expanded data %v", w.Estimates.Kind, p[0], p[1])
			}
		}
	}
}

func TestSamplingWeights(t *testing.T) {
	b := testbackend.Get(t)
	ref := rReference(t, "testdata/weights/weights.out")
	f := readFrame(t, "testdata/weights/spector_w.csv")
	pw, err := f.Column("pw")
	if err != nil {
		t.Fatal(err)
	}
	spec := estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI", Weights: estimate.Weights{Kind: estimate.SamplingWeights, Column: "pw"}}
	rep, err := estimate.Fit(b, f, spec)
	if err != nil {
		t.Fatal(err)
	}
	e := rep.Estimates
	if e.Kind.String() != "Robust" {
		t.Errorf("covariance %v under sampling weights, want Robust by default", e.Kind)
	}
	for i := range e.Params {
		if !closeTo(e.Params[i], ref["pw_logit_coef"][i], 1e-6) || !closeTo(e.SE[i], ref["pw_logit_se"][i], 1e-6) {
			t.Errorf("%s: %v (SE %v), R %v (%v)", e.Labels[i], e.Params[i], e.SE[i], ref["pw_logit_coef"][i], ref["pw_logit_se"][i])
		}
	}
	if rep.Result.Observations() != f.Len() {
		t.Errorf("N = %d, want the %d rows", rep.Result.Observations(), f.Len())
	}
	// Survey weights summing to millions: the same estimates and errors, and the same stop.
	scaled := make([]float64, len(pw))
	for i, v := range pw {
		scaled[i] = v * 3.7e6
	}
	big, err := estimate.Fit(b, withColumn(t, f, "pw", scaled), spec)
	if err != nil {
		t.Fatal(err)
	}
	for i := range e.Params {
		if !closeTo(big.Estimates.Params[i], e.Params[i], 1e-10) || !closeTo(big.Estimates.SE[i], e.SE[i], 1e-10) {
			t.Errorf("weights × 3.7e6: %s %v (SE %v), unscaled %v (%v)", e.Labels[i], big.Estimates.Params[i], big.Estimates.SE[i], e.Params[i], e.SE[i])
		}
	}
	if big.Result.Iterations != rep.Result.Iterations {
		t.Errorf("weights × 3.7e6: %d iterations, unscaled %d", big.Result.Iterations, rep.Result.Iterations)
	}
	if _, err := estimate.Fit(b, f, estimate.Spec{Model: "logit", Formula: spec.Formula, Weights: spec.Weights, Cov: stderr.OIM{}}); err == nil || !strings.Contains(err.Error(), "robust") {
		t.Errorf("OIM with sampling weights: error %v, want one asking for robust", err)
	}
}

func TestBadWeights(t *testing.T) {
	b := testbackend.Get(t)
	f := readFrame(t, "testdata/weights/spector_w.csv")
	pw, _ := f.Column("pw")
	neg := make([]float64, len(pw))
	copy(neg, pw)
	neg[4] = -1
	g := withColumn(t, f, "neg", neg)
	for _, tc := range []struct {
		w    estimate.Weights
		want string
	}{
		{estimate.Weights{Kind: estimate.FrequencyWeights, Column: "pw"}, "not an integer (2.85714285714286) in data row 2"},
		{estimate.Weights{Kind: estimate.SamplingWeights, Column: "neg"}, "negative (-1) in data row 5"},
		{estimate.Weights{Kind: estimate.SamplingWeights, Column: "nope"}, "nope"},
		{estimate.Weights{Kind: 7, Column: "pw"}, "unknown weight kind"},
		{estimate.Weights{Kind: estimate.AnalyticWeights}, "name no column"},
	} {
		_, err := estimate.Fit(b, g, estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA", Weights: tc.w})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one containing %q", tc.w, err, tc.want)
		}
	}
	for _, s := range []string{"fw", "xw:pw", "fw:", "pw"} {
		if _, err := estimate.ParseWeights(s); err == nil {
			t.Errorf("ParseWeights(%q): no error", s)
		}
	}
	if w, err := estimate.ParseWeights("aw: pop"); err != nil || w != (estimate.Weights{Kind: estimate.AnalyticWeights, Column: "pop"}) {
		t.Errorf("ParseWeights(aw: pop) = %+v, %v", w, err)
	}
}

func TestAnalyticWeights(t *testing.T) {
	ref := rReference(t, "testdata/weights/weights.out")
	rep, err := estimate.Fit(testbackend.Get(t), readFrame(t, "testdata/weights/spector_w.csv"),
		estimate.Spec{Model: "ols", Formula: "GPA ~ TUCE + PSI", Weights: estimate.Weights{Kind: estimate.AnalyticWeights, Column: "pw"}})
	if err != nil {
		t.Fatal(err)
	}
	e := rep.Estimates
	for i, want := range ref["aw_ols_coef"] {
		if !closeTo(e.Params[i], want, 1e-8) || !closeTo(e.SE[i], ref["aw_ols_se"][i], 1e-8) {
			t.Errorf("%s: %v (SE %v), R's lm %v (%v)", e.Labels[i], e.Params[i], e.SE[i], want, ref["aw_ols_se"][i])
		}
	}
}

// TestFrequencyWeightsOLS checks least squares under frequency weights against the expanded
// data: coefficients, classical and HC1 standard errors, R², adjusted R², F and N.
func TestFrequencyWeightsOLS(t *testing.T) {
	b := testbackend.Get(t)
	f := readFrame(t, "testdata/weights/spector_w.csv")
	x := expand(t, f, "fw")
	for _, cov := range []stderr.Covariance{nil, stderr.Robust{}} {
		spec := estimate.Spec{Model: "ols", Formula: "GPA ~ TUCE + PSI", Cov: cov}
		ex, err := estimate.Fit(b, x, spec)
		if err != nil {
			t.Fatal(err)
		}
		spec.Weights = estimate.Weights{Kind: estimate.FrequencyWeights, Column: "fw"}
		w, err := estimate.Fit(b, f, spec)
		if err != nil {
			t.Fatal(err)
		}
		pairs := [][2]float64{{w.OLS.R2, ex.OLS.R2}, {w.OLS.AdjR2, ex.OLS.AdjR2}, {w.OLS.F.Stat, ex.OLS.F.Stat}, {w.OLS.RootMSE, ex.OLS.RootMSE},
			{float64(w.OLS.DFResid), float64(ex.OLS.DFResid)}}
		for i := range w.Estimates.Params {
			pairs = append(pairs, [2]float64{w.Estimates.Params[i], ex.Estimates.Params[i]}, [2]float64{w.Estimates.SE[i], ex.Estimates.SE[i]})
		}
		for _, p := range pairs {
			if !closeTo(p[0], p[1], 1e-9) {
				t.Errorf("%v: weighted %v, expanded data %v", w.Estimates.Kind, p[0], p[1])
			}
		}
	}
}
