package likelihoods_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomle/gomle/internal/reftest"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

func TestOneHot(t *testing.T) {
	levels, onehot, err := likelihoods.OneHot([]float64{2, 0, 2, 5, 0})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(levels, []float64{0, 2, 5}) {
		t.Errorf("levels %v, want [0 2 5]", levels)
	}
	want := mat.NewDense(5, 3, []float64{0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0})
	if !mat.Equal(onehot, want) {
		t.Errorf("one-hot\n%v\nwant\n%v", mat.Formatted(onehot), mat.Formatted(want))
	}
	for _, tc := range []struct {
		name string
		y    []float64
		want string // a substring of the error
	}{
		{"empty", nil, "no observations"},
		{"NaN", []float64{1, math.NaN()}, "NaN at observation 1"},
		{"Inf", []float64{math.Inf(-1), 1}, "-Inf at observation 0"},
		{"one level", []float64{3, 3, 3}, "single value 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := likelihoods.OneHot(tc.y); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// mnlogitLogLike is the multinomial logit log-likelihood in plain Go: coef[j] is outcome j's
// coefficient vector (zero for the base), y the outcome index of each observation.
func mnlogitLogLike(y []int, x *mat.Dense, coef [][]float64) float64 {
	ll := 0.0
	eta := make([]float64, len(coef))
	for i, yi := range y {
		for j, b := range coef {
			eta[j] = floats.Dot(x.RawRowView(i), b)
		}
		ll += eta[yi] - floats.LogSumExp(eta)
	}
	return ll
}

// TestMNLogitLogLike compares the graph with plain Go for three outcomes, the base in the
// middle, at random points, including one with coefficients of ±300, where exp(η) overflows
// unless the largest η is taken out first.
func TestMNLogitLogLike(t *testing.T) {
	const n, k = 300, 2
	rng := rand.New(rand.NewPCG(4, 4))
	x := mat.NewDense(n, k, nil)
	y := make([]int, n)
	codes := make([]float64, n)
	for i := range n {
		x.SetRow(i, []float64{1, rng.NormFloat64()})
		y[i] = rng.IntN(3)
		codes[i] = float64(y[i])
	}
	_, onehot, err := likelihoods.OneHot(codes)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := mlx.NewDataset(mlx.Matrix("y", onehot), mlx.Matrix("x", x))
	if err != nil {
		t.Fatal(err)
	}
	m := likelihoods.MNLogit(k, []string{"a", "b", "c"}, 1)
	if l := m.Labels(); !slices.Equal(l, []string{"a:b0", "a:b1", "c:b0", "c:b1"}) {
		t.Errorf("labels %v", l)
	}
	ev := evaluator(t, m, ds)
	for _, spread := range []float64{1, 1, 300} {
		u := near(rng, make([]float64, 4), spread)
		checkLogLike(t, ev, u, mnlogitLogLike(y, x, [][]float64{u[:2], {0, 0}, u[2:]}))
		if spread == 1 {
			reftest.CheckDerivatives(t, ev, u)
		}
	}
}

// TestMNLogitBinaryIsLogit checks that with two outcomes the multinomial logit is the logit:
// Spector's grade model, fitted both ways on one backend.
func TestMNLogitBinaryIsLogit(t *testing.T) {
	cols := readTable(t, "spector.csv")
	n := len(cols["GRADE"])
	x := design(cols, []string{"GPA", "TUCE", "PSI", "const"}, n, false)
	_, onehot, err := likelihoods.OneHot(cols["GRADE"])
	if err != nil {
		t.Fatal(err)
	}
	ds, err := mlx.NewDataset(mlx.Vector("y", cols["GRADE"]), mlx.Matrix("x", x))
	if err != nil {
		t.Fatal(err)
	}
	dsMN, err := mlx.NewDataset(mlx.Matrix("y", onehot), mlx.Matrix("x", x))
	if err != nil {
		t.Fatal(err)
	}
	logit, estLogit := fitNewton(t, likelihoods.Logit(4), ds, nil)
	mn, estMN := fitNewton(t, likelihoods.MNLogit(4, []string{"fail", "pass"}, 0), dsMN, nil)
	// The two graphs differ (softplus against a log-sum-exp), so Newton's path and its
	// stopping point differ by rounding and by the convergence test: allow 1e-8.
	for i := range 4 {
		if d := math.Abs(mn.Estimates[i]-logit.Estimates[i]) / math.Abs(logit.Estimates[i]); d > 1e-8 {
			t.Errorf("β[%d] = %.12g, logit %.12g", i, mn.Estimates[i], logit.Estimates[i])
		}
		if d := math.Abs(estMN.SE[i]-estLogit.SE[i]) / estLogit.SE[i]; d > 1e-8 {
			t.Errorf("SE[%d] = %.12g, logit %.12g", i, estMN.SE[i], estLogit.SE[i])
		}
	}
	if math.Abs(mn.LogLike-logit.LogLike) > 1e-10*math.Abs(logit.LogLike) {
		t.Errorf("log-likelihood %.15g, logit %.15g", mn.LogLike, logit.LogLike)
	}
	reftest.CheckDerivatives(t, mn.Evaluator(), mn.Unconstrained)
}

// TestMNLogitBadData checks that a y with the wrong number of columns is an error from Fit.
func TestMNLogitBadData(t *testing.T) {
	ds, err := mlx.NewDataset(mlx.Matrix("y", mat.NewDense(2, 2, []float64{1, 0, 0, 1})), mlx.Matrix("x", mat.NewDense(2, 1, []float64{1, 1})))
	if err != nil {
		t.Fatal(err)
	}
	_, err = mlx.Fit(testbackend.Get(t), likelihoods.MNLogit(1, []string{"a", "b", "c"}, 0), ds, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "want [n, 3]") {
		t.Errorf("error %v, want one about y's shape", err)
	}
}

func TestMNLogitPanics(t *testing.T) {
	for _, tc := range []struct {
		name     string
		k        int
		outcomes []string
		base     int
	}{
		{"k=0", 0, []string{"a", "b"}, 0},
		{"one outcome", 1, []string{"a"}, 0},
		{"base out of range", 1, []string{"a", "b"}, 2},
		{"negative base", 1, []string{"a", "b"}, -1},
		{"repeated", 1, []string{"a", "b", "a"}, 0},
		{"repeated base", 1, []string{"a", "a"}, 0},
		{"empty name", 1, []string{"a", ""}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "likelihoods: MNLogit") {
					t.Errorf("panic %v, want one starting \"likelihoods: MNLogit\"", r)
				}
			}()
			likelihoods.MNLogit(tc.k, tc.outcomes, tc.base)
		})
	}
}
