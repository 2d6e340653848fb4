package likelihoods_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/gomle/gomle/likelihoods"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// countData returns count data for a family's Build: y and the columns of X (an intercept
// first when intercept), named.
func countData(y []float64, intercept bool, names []string, cols ...[]float64) *likelihoods.Data {
	n := len(y)
	if intercept {
		ones := make([]float64, n)
		for i := range ones {
			ones[i] = 1
		}
		cols = append([][]float64{ones}, cols...)
		names = append([]string{"Intercept"}, names...)
	}
	x := mat.NewDense(n, len(cols), nil)
	for j, c := range cols {
		x.SetCol(j, c)
	}
	return &likelihoods.Data{Response: "y", Y: y, X: x, Names: names}
}

// build runs the named family's Build on d.
func build(t *testing.T, family string, d *likelihoods.Data) error {
	t.Helper()
	fam, err := likelihoods.Lookup(family)
	if err != nil {
		t.Fatal(err)
	}
	_, err = fam.Build(d, likelihoods.Options{})
	return err
}

// TestCountSeparation checks that poisson and nbreg refuse data whose zeros a combination of
// the regressors separates, naming it and the rows, and accept data where none does.
func TestCountSeparation(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    *likelihoods.Data
		want string // "" for no error
	}{
		{"dummy", countData([]float64{0, 0, 2, 1, 3, 0}, true, []string{"d"}, []float64{1, 1, 0, 0, 0, 0}),
			"d = 0 in every row with y > 0 and d = 1 in data rows 1, 2 (where y = 0)"},
		{"dummy the other way", countData([]float64{0, 0, 2, 1, 3, 0}, true, []string{"d"}, []float64{0, 0, 1, 1, 1, 1}),
			"d = 1 in every row with y > 0 and d = 0 in data rows 1, 2 (where y = 0)"},
		{"cut point", countData([]float64{0, 0, 2, 1, 3, 0}, true, []string{"x"}, []float64{1, 2, 5, 5, 5, 3}),
			"x = 5 in every row with y > 0 and x < 5 in data rows 1, 2, 6 (where y = 0)"},
		{"no intercept", countData([]float64{0, 1, 2, 0}, false, []string{"x", "z"}, []float64{1, 1, 2, 3}, []float64{2, 0, 0, 1}),
			"z = 0 in every row with y > 0 and z > 0 in data rows 1, 4 (where y = 0)"},
		{"combination", countData([]float64{0, 0, 0, 0, 0, 2, 3, 5, 7, 10}, true, []string{"x1", "x2", "x3"},
			[]float64{0, 0, 0, 0, 1, 21, 0, 0, 0, -18}, []float64{1, 0, 0, 0, 9, 21, 0, 0, 0, -18}, []float64{0, 0, 0, 0, 0, 21, 0, 0, 0, 0}),
			"the combination x2 − x1 of the regressors is 0 in every row with y > 0 and positive in data rows 1, 5 (where y = 0)"},
		{"two separating regressors", countData([]float64{0, 0, 2, 1, 3, 0, 4}, true, []string{"a", "b"},
			[]float64{1, 0, 0, 0, 0, 0, 0}, []float64{0, 1, 0, 0, 0, 0, 0}),
			"data row 1 (where y = 0); and b = 0 in every row with y > 0 and b = 1 in data row 2"},
		// One row with y > 0 leaves a null space of dimension 2, but the zeros lie on every
		// side of it: no separation.
		{"zeros around the only positive row", countData([]float64{0, 3, 0, 0, 0}, true, []string{"x1", "x2"},
			[]float64{3, 2, 1, 2, 2}, []float64{5, 5, 5, 6, 4}), ""},
		{"ordinary counts", countData([]float64{0, 1, 0, 3, 2, 0, 5, 1}, true, []string{"x"},
			[]float64{0.1, 0.5, 0.3, 1.2, 0.9, 0.2, 1.9, 0.4}), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, family := range []string{"poisson", "nbreg"} {
				err := build(t, family, tc.d)
				switch {
				case tc.want == "" && err != nil && strings.Contains(err.Error(), "does not exist"):
					t.Errorf("%s: %v; want no separation", family, err)
				case tc.want == "":
				case err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "does not exist"):
					t.Errorf("%s: error %v; want one containing %q", family, err, tc.want)
				}
			}
		})
	}
	// A row of weight 0 is out of the sample: without it the dummy separates.
	d := countData([]float64{0, 0, 2, 1, 3, 0, 1}, true, []string{"d"}, []float64{1, 1, 0, 0, 0, 0, 1})
	if err := build(t, "poisson", d); err != nil {
		t.Errorf("unweighted: %v", err)
	}
	d.Weights = []float64{1, 1, 1, 1, 1, 1, 0}
	if err := build(t, "poisson", d); err == nil || !strings.Contains(err.Error(), "d = 1 in data rows 1, 2") {
		t.Errorf("weight 0 on the row with d = 1 and y > 0: %v", err)
	}
}

// simulatedCounts draws n counts with mean exp(0.5 + 0.8x), x ~ U(0, 1), from draw.
func simulatedCounts(seed uint64, n int, draw func(rng *rand.Rand, mu float64) float64) *likelihoods.Data {
	rng := rand.New(rand.NewPCG(seed, 1))
	y, x := make([]float64, n), make([]float64, n)
	for i := range n {
		x[i] = rng.Float64()
		y[i] = draw(rng, math.Exp(0.5+0.8*x[i]))
	}
	return countData(y, true, []string{"x"}, x)
}

// TestNBregOverdispersion checks that nbreg refuses counts that are not overdispersed (its
// estimate of alpha would be 0, on the boundary) and fits those that are.
func TestNBregOverdispersion(t *testing.T) {
	binomial := func(rng *rand.Rand, mu float64) float64 { // variance μ(1 − μ/6) < μ
		return distuv.Binomial{N: 6, P: mu / 6, Src: rng}.Rand()
	}
	negbin := func(rng *rand.Rand, mu float64) float64 { // variance μ + 0.5μ²
		lambda := distuv.Gamma{Alpha: 2, Beta: 2 / mu, Src: rng}.Rand()
		return distuv.Poisson{Lambda: lambda, Src: rng}.Rand()
	}
	under := simulatedCounts(1, 400, binomial)
	err := build(t, "nbreg", under)
	if err == nil || !strings.Contains(err.Error(), "y is not overdispersed") || !strings.Contains(err.Error(), "Fit poisson instead") {
		t.Errorf("binomial counts: %v; want the error of no overdispersion", err)
	}
	if err := build(t, "poisson", under); err != nil {
		t.Errorf("poisson on binomial counts: %v", err)
	}
	// Heavy weights on rows the Poisson fits well do not make the data overdispersed; weights
	// that single out one far-off count do.
	under.Weights = make([]float64, len(under.Y))
	for i := range under.Weights {
		under.Weights[i] = 1
	}
	under.Y[0], under.Weights[0] = 40, 50
	if err := build(t, "nbreg", under); err != nil {
		t.Errorf("binomial counts with a heavy outlier: %v", err)
	}
	if err := build(t, "nbreg", simulatedCounts(2, 400, negbin)); err != nil {
		t.Errorf("NB2 counts with alpha = 0.5: %v", err)
	}
	// 20000 rows: the checks stay linear in n (the separation check takes only V of the SVD
	// of the rows with y > 0; their full U would have 20000² entries, 3.2 GB, and take minutes).
	start := time.Now()
	if err := build(t, "nbreg", simulatedCounts(3, 20000, negbin)); err != nil {
		t.Errorf("20000 NB2 counts: %v", err)
	}
	t.Logf("checks of 20000 rows: %v", time.Since(start))
}
