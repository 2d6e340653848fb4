package likelihoods_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomle/gomle/internal/reftest"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

func TestChoiceColumns(t *testing.T) {
	// Three choosers, ids 7, 3 and 9, rows not grouped, sets of 2, 3 and 1 alternatives.
	group := []float64{7, 3, 7, 3, 9, 3}
	choice := []float64{0, 0, 1, 1, 1, 0}
	x := mat.NewDense(6, 2, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	cols, err := likelihoods.ChoiceColumns(group, choice, x)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]mlx.Column{
		// Choosers in order of first appearance (7, 3, 9), alternatives in row order, J = 3.
		"x":      {Values: []float64{1, 2, 5, 6, 0, 0, 3, 4, 7, 8, 11, 12, 9, 10, 0, 0, 0, 0}, Dims: []int{3, 3, 2}},
		"choice": {Values: []float64{0, 1, 0, 0, 1, 0, 1, 0, 0}, Dims: []int{3, 3}},
		"avail":  {Values: []float64{1, 1, 0, 1, 1, 1, 1, 0, 0}, Dims: []int{3, 3}},
	}
	for _, c := range cols {
		w := want[c.Name]
		if !slices.Equal(c.Values, w.Values) || !slices.Equal(c.Dims, w.Dims) {
			t.Errorf("column %q = %v %v, want %v %v", c.Name, c.Dims, c.Values, w.Dims, w.Values)
		}
	}
	if _, err := mlx.NewDataset(cols...); err != nil {
		t.Errorf("NewDataset rejects the 3-D columns: %v", err)
	}

	for _, tc := range []struct {
		name          string
		group, choice []float64
		rows          int
		want          string // a substring of the error
	}{
		{"lengths", []float64{1, 1}, []float64{0, 1, 0}, 3, "2 group ids and 3 choices for 3 rows"},
		{"none chosen", []float64{1, 1, 2, 2}, []float64{0, 1, 0, 0}, 4, "group 2 has 0 chosen alternatives among 2"},
		{"two chosen", []float64{5, 5, 6}, []float64{1, 1, 1}, 3, "group 5 has 2 chosen"},
		{"not 0/1", []float64{1, 1}, []float64{0, 0.5}, 2, "choice is 0.5 at row 1"},
		{"NaN group", []float64{1, math.NaN()}, []float64{1, 0}, 2, "group id is NaN at row 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := likelihoods.ChoiceColumns(tc.group, tc.choice, mat.NewDense(tc.rows, 1, nil))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := likelihoods.ChoiceColumns(nil, nil, nil); err == nil {
		t.Error("nil x: no error")
	}
}

// choiceSets is long-format choice data held as one slice of rows per chooser, for the plain-Go
// conditional logit below.
type choiceSets struct {
	x      [][][]float64 // chooser, alternative, regressor
	chosen []int         // chooser -> index of the chosen alternative
}

// logLike returns the conditional logit log-likelihood and its gradient, in plain float64 Go
// and independently of the graph: ℓ = Σᵢ (xᵢ,cᵢβ − log Σⱼ exp(xᵢⱼβ)),
// ∇ℓ = Σᵢ (xᵢ,cᵢ − Σⱼ pᵢⱼxᵢⱼ), with pᵢⱼ the choice probabilities.
func (c *choiceSets) logLike(beta, grad []float64) float64 {
	for i := range grad {
		grad[i] = 0
	}
	ll := 0.0
	for i, alts := range c.x {
		eta := make([]float64, len(alts))
		for j, xj := range alts {
			eta[j] = floats.Dot(xj, beta)
		}
		lse := floats.LogSumExp(eta)
		ll += eta[c.chosen[i]] - lse
		if grad != nil {
			floats.Add(grad, alts[c.chosen[i]])
			for j, xj := range alts {
				floats.AddScaled(grad, -math.Exp(eta[j]-lse), xj)
			}
		}
	}
	return ll
}

// modeChoice reads modechoice.csv (210 travellers, 4 modes: air, train, bus, car) with the
// regressors of TestCLogitModeChoice: alternative-specific constants for air, train and bus (car
// the base), then ttme, invc, invt and gc. With dropBus, every third traveller who did not choose
// the bus loses it from their choice set, so sets of 3 and 4 alternatives mix and the padding
// is exercised.
func modeChoice(t *testing.T, dropBus bool) (group, choice []float64, x *mat.Dense, sets *choiceSets) {
	t.Helper()
	cols := readTable(t, "modechoice.csv")
	busChosen := map[float64]bool{}
	for r, id := range cols["individual"] {
		if cols["mode"][r] == 3 && cols["choice"][r] == 1 {
			busChosen[id] = true
		}
	}
	var rows [][]float64
	sets = &choiceSets{}
	last := math.NaN()
	for r, id := range cols["individual"] {
		mode := cols["mode"][r]
		if dropBus && mode == 3 && !busChosen[id] && int(id)%3 == 0 {
			continue
		}
		row := []float64{0, 0, 0, cols["ttme"][r], cols["invc"][r], cols["invt"][r], cols["gc"][r]}
		if mode <= 3 {
			row[int(mode)-1] = 1
		}
		if id != last {
			sets.x = append(sets.x, nil)
			sets.chosen = append(sets.chosen, -1)
			last = id
		}
		i := len(sets.x) - 1
		if cols["choice"][r] == 1 {
			sets.chosen[i] = len(sets.x[i])
		}
		sets.x[i] = append(sets.x[i], row)
		rows = append(rows, row)
		group = append(group, id)
		choice = append(choice, cols["choice"][r])
	}
	x = mat.NewDense(len(rows), len(rows[0]), nil)
	for r, row := range rows {
		x.SetRow(r, row)
	}
	return group, choice, x, sets
}

// TestCLogitModeChoice fits the conditional logit of mode choice on modechoice.csv, for which no
// published reference exists, and compares it with an independent fit: the plain-Go
// log-likelihood and analytic gradient above, maximized by gonum's BFGS, with SEs from a gonum
// diff/fd Hessian of that plain-Go function.
func TestCLogitModeChoice(t *testing.T) {
	for _, dropBus := range []bool{false, true} {
		name := "balanced"
		if dropBus {
			name = "unbalanced"
		}
		t.Run(name, func(t *testing.T) {
			group, choice, x, sets := modeChoice(t, dropBus)
			cols, err := likelihoods.ChoiceColumns(group, choice, x)
			if err != nil {
				t.Fatal(err)
			}
			if dropBus {
				// Put large values where the padding is: the masking must keep them out of
				// exp (exp(1e3·β) would overflow) and out of the log-likelihood.
				avail := cols[2].Values
				for a, v := range avail {
					if v == 0 {
						for l := range 7 {
							cols[0].Values[a*7+l] = 1e3
						}
					}
				}
			}
			ds, err := mlx.NewDataset(cols...)
			if err != nil {
				t.Fatal(err)
			}
			if ds.NumObs() != 210 {
				t.Fatalf("%d choosers, want 210", ds.NumObs())
			}
			m := likelihoods.CLogit(7)
			ev := evaluator(t, m, ds)
			rng := rand.New(rand.NewPCG(12, 12))
			for range 3 {
				u := near(rng, make([]float64, 7), 0.05) // η within about ±10
				checkLogLike(t, ev, u, sets.logLike(u, nil))
				reftest.CheckDerivatives(t, ev, u)
			}
			res, est := fitNewton(t, m, ds, nil)
			reftest.CheckDerivatives(t, res.Evaluator(), res.Unconstrained)

			// The independent fit, run on regressors in units of their largest absolute value
			// (b = D·s, Dⱼ = 1/max|xⱼ|), so that BFGS sees comparable curvatures: in the raw units
			// (fares and times in the hundreds) its line search fails on rounding before the
			// gradient is small. It stops when the largest gradient entry in s is below 1e-6,
			// which leaves s within about 1e-6/λ_min ≈ 1e-7 of the maximum (the curvatures in s
			// are about n/10 = 20), inside 1e-6 relative for the entries of s, between 3 and 20 in size.
			_, k := x.Dims()
			scale := make([]float64, k)
			for j := range k {
				scale[j] = 1 / floats.Norm(mat.Col(nil, j, x), math.Inf(1))
			}
			unscale := func(s []float64) []float64 {
				b := slices.Clone(s)
				floats.Mul(b, scale)
				return b
			}
			problem := optimize.Problem{
				Func: func(s []float64) float64 { return -sets.logLike(unscale(s), nil) },
				Grad: func(g, s []float64) {
					sets.logLike(unscale(s), g)
					floats.Mul(g, scale)
					floats.Scale(-1, g)
				},
			}
			opt, err := optimize.Minimize(problem, make([]float64, k), &optimize.Settings{GradientThreshold: 1e-6}, &optimize.BFGS{})
			if err != nil {
				t.Fatal(err)
			}
			opt.X = unscale(opt.X)
			if ll := -opt.F; math.Abs(res.LogLike-ll) > 1e-9*math.Abs(ll) {
				t.Errorf("log-likelihood %.12g, plain Go %.12g", res.LogLike, ll)
			}
			worstB, worstSE := 0.0, 0.0
			for j, b := range opt.X {
				d := math.Abs(res.Estimates[j]-b) / math.Abs(b)
				worstB = math.Max(worstB, d)
				if d > 1e-6 {
					t.Errorf("β[%d] = %.10g, plain Go %.10g (relative %.2g)", j, res.Estimates[j], b, d)
				}
			}
			se := fdStdErrs(t, func(b []float64) float64 { return sets.logLike(b, nil) }, opt.X)
			for j, s := range se {
				d := math.Abs(est.SE[j]-s) / s
				worstSE = math.Max(worstSE, d)
				if d > 1e-5 {
					t.Errorf("SE[%d] = %.10g, plain Go %.10g (relative %.2g)", j, est.SE[j], s, d)
				}
			}
			t.Logf("largest relative differences from plain Go: parameters %.2g, SEs %.2g", worstB, worstSE)
		})
	}
}

// fdStdErrs returns √diag((−H)⁻¹), with H the gonum diff/fd Hessian of ll at b. The differences
// are taken in standard-error units: a first, rough Hessian gives each parameter's scale
// dⱼ = 1/√|Hⱼⱼ|, and the second differentiates ll(b + D·s) in s by central differences with a
// step of 3e-3. That balances truncation (h²/6 ≈ 1.5e-6 times a fourth derivative, small in
// these units) against rounding (ll's evaluation noise, a few 1e-12 for 210 log-sum-exps, over
// h² ≈ 1e-5): the SEs come out within about 1e-6.
func fdStdErrs(t *testing.T, ll func([]float64) float64, b []float64) []float64 {
	t.Helper()
	p := len(b)
	rough := mat.NewSymDense(p, nil)
	fd.Hessian(rough, ll, b, &fd.Settings{Formula: fd.Central})
	scale := make([]float64, p)
	for j := range p {
		scale[j] = 1 / math.Sqrt(math.Abs(rough.At(j, j)))
	}
	h := mat.NewSymDense(p, nil)
	fd.Hessian(h, func(s []float64) float64 {
		v := make([]float64, p)
		for j := range p {
			v[j] = b[j] + scale[j]*s[j]
		}
		return ll(v)
	}, make([]float64, p), &fd.Settings{Formula: fd.Central, Step: 3e-3})
	info := mat.NewSymDense(p, nil)
	info.ScaleSym(-1, h)
	var chol mat.Cholesky
	if !chol.Factorize(info) {
		t.Fatal("finite-difference information is not positive definite")
	}
	var cov mat.SymDense
	if err := chol.InverseTo(&cov); err != nil {
		t.Fatal(err)
	}
	se := make([]float64, p)
	for j := range p {
		se[j] = scale[j] * math.Sqrt(cov.At(j, j))
	}
	return se
}

func TestCLogitPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("CLogit(0) did not panic")
		}
	}()
	likelihoods.CLogit(0)
}
