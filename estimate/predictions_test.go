package estimate_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/evaltest"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"gonum.org/v1/gonum/mat"
)

// fitted is a ready-made model fitted to shipped data by its family's rules.
type fitted struct {
	name string
	prob *likelihoods.Problem
	ds   *mlx.Dataset
	res  *mlx.Result
	d    *frame.Design
}

// fitFamilies fits every ready-made model to shipped data (its start, Newton).
func fitFamilies(t *testing.T) []fitted {
	t.Helper()
	zero := 0.0
	cases := []struct {
		model, file, formula string
		opts                 likelihoods.Options
		group, exposure      string
	}{
		{model: "ols", file: "longley.csv", formula: "TOTEMP ~ GNPDEFL + UNEMP + ARMED"},
		{model: "logit", file: "spector.csv", formula: "GRADE ~ GPA + TUCE + PSI"},
		{model: "probit", file: "spector.csv", formula: "GRADE ~ GPA + TUCE + PSI"},
		{model: "poisson", file: "ships.csv", formula: "accident ~ yr_con + op_75_79", exposure: "service"},
		{model: "nbreg", file: "ships.csv", formula: "accident ~ yr_con + op_75_79", exposure: "service"},
		{model: "tobit", file: "ships.csv", formula: "accident ~ yr_con + op_75_79", opts: likelihoods.Options{Lower: &zero}},
		{model: "mlogit", file: "anes96.csv", formula: "PID ~ selfLR + age + educ"},
		{model: "clogit", file: "modechoice.csv", formula: "choice ~ ttme + invc + gc - 1", group: "individual"},
		{model: "weibull", file: "spector.csv", formula: "GPA ~ TUCE + PSI"},
		{model: "exponential", file: "spector.csv", formula: "GPA ~ TUCE + PSI"},
		{model: "ologit", file: "anes96.csv", formula: "PID ~ selfLR + age + educ - 1"},
		{model: "oprobit", file: "anes96.csv", formula: "PID ~ selfLR + age + educ - 1"},
	}
	b := testbackend.Get(t)
	var out []fitted
	for _, c := range cases {
		fam, err := likelihoods.Lookup(c.model)
		if err != nil {
			t.Fatal(err)
		}
		f := readFrame(t, "../data/"+c.file)
		formula, err := frame.ParseFormula(c.formula)
		if err != nil {
			t.Fatal(err)
		}
		var extra []string
		for _, e := range []string{c.group, c.exposure} {
			if e != "" {
				extra = append(extra, e)
			}
		}
		d, err := f.Design(formula, extra...)
		if err != nil {
			t.Fatal(err)
		}
		data := &likelihoods.Data{Response: "y", Y: d.Y, X: d.X, Names: d.Names}
		if c.group != "" {
			data.Group = d.Extra[c.group]
		}
		if c.exposure != "" {
			for _, v := range d.Extra[c.exposure] {
				data.Offset = append(data.Offset, math.Log(v))
			}
		}
		prob, err := fam.Build(data, c.opts)
		if err != nil {
			t.Fatalf("%s: %v", c.model, err)
		}
		ds, err := mlx.NewDataset(prob.Columns...)
		if err != nil {
			t.Fatal(err)
		}
		res, err := mlx.Fit(b, prob.Model, ds, &mlx.Settings{Start: prob.Start}, &optim.Newton{})
		if err != nil || !res.Status.Converged() {
			t.Fatalf("%s: %v %v", c.model, err, res)
		}
		out = append(out, fitted{name: c.model, prob: prob, ds: ds, res: res, d: d})
	}
	return out
}

// TestPredictionDerivatives checks, for every ready-made model and every prediction it
// declares, the engine's derivative of the average prediction with respect to each design
// column (the building block of every marginal effect) against central differences of the
// average prediction itself, and its Jacobian with respect to the parameters (the delta
// method's) against central differences in the parameters.
func TestPredictionDerivatives(t *testing.T) {
	b := testbackend.Get(t)
	for _, f := range fitFamilies(t) {
		prob, ds, res, d := f.prob, f.ds, f.res, f.d
		pr, err := mlx.NewPredictor(b, prob.Model)
		if err != nil {
			t.Fatal(err)
		}
		theta := res.Estimates
		n, k := d.X.Dims()
		for p, pred := range prob.Model.Predictions {
			for col := range k {
				if d.Names[col] == "Intercept" {
					continue
				}
				unit := mat.NewDense(n, k, nil)
				scale := 0.0
				for i := range n {
					unit.Set(i, col, 1)
					scale += math.Abs(d.X.At(i, col)) / float64(n)
				}
				h := 1e-5 * math.Max(scale, 1e-3)
				got, err := pr.AverageDerivative(ds, theta, p, prob.Design, prob.DesignColumn(unit).Values)
				if err != nil {
					t.Fatalf("%s %s: %v", f.name, pred.Name, err)
				}
				avg := func(shift float64) []float64 {
					x := mat.DenseCopyOf(d.X)
					for i := range n {
						x.Set(i, col, x.At(i, col)+shift)
					}
					moved, err := ds.With(prob.DesignColumn(x))
					if err != nil {
						t.Fatal(err)
					}
					a, err := pr.Average(moved, theta, p)
					if err != nil {
						t.Fatal(err)
					}
					return a.Value
				}
				up, down, at := avg(h), avg(-h), avg(0)
				name := fmt.Sprintf("%s, %s, d/d%s", f.name, pred.Name, d.Names[col])
				for j := range got.Value {
					fd := (up[j] - down[j]) / (2 * h)
					if math.Abs(got.Value[j]-fd) > 1e-6*math.Abs(fd)+1e-9*math.Abs(at[j])/h {
						t.Errorf("%s, outcome %d: %.10g, finite differences %.10g", name, j, got.Value[j], fd)
					}
				}
				// The Jacobian with respect to each parameter, by central differences.
				for q := range theta {
					hq := 1e-6 * math.Max(math.Abs(theta[q]), 1e-2)
					tu, td := slices.Clone(theta), slices.Clone(theta)
					tu[q] += hq
					td[q] -= hq
					gu, err := pr.AverageDerivative(ds, tu, p, prob.Design, prob.DesignColumn(unit).Values)
					if err != nil {
						t.Fatal(err)
					}
					gd, err := pr.AverageDerivative(ds, td, p, prob.Design, prob.DesignColumn(unit).Values)
					if err != nil {
						t.Fatal(err)
					}
					for j := range got.Value {
						fd := (gu.Value[j] - gd.Value[j]) / (2 * hq)
						if jq := got.Jacobian.At(j, q); math.Abs(jq-fd) > 1e-5*math.Abs(fd)+1e-8*math.Abs(got.Value[j])/hq+1e-9 {
							t.Errorf("%s, outcome %d: ∂/∂%s = %.10g, finite differences %.10g", name, j, res.Labels()[q], jq, fd)
						}
					}
				}
			}
		}
		pr.Finalize()
	}
}

// TestStructuredDerivatives checks, for every ready-made model, the Hessian and the
// per-observation scores that the engine assembles from derivatives with respect to the
// declared indices (XᵀWX) against the generic ones, one reverse pass per parameter, at the
// estimates and at a point away from them.
func TestStructuredDerivatives(t *testing.T) {
	for _, f := range fitFamilies(t) {
		ev := f.res.Evaluator()
		away := slices.Clone(f.res.Unconstrained)
		for i := range away {
			away[i] += 0.05 * float64(i%3-1)
		}
		for _, u := range [][]float64{f.res.Unconstrained, away} {
			h, err := ev.Hessian(u)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := ev.ReferenceHessian(u)
			if err != nil {
				t.Fatal(err)
			}
			if d := evaltest.RelDiff(h, ref); d > 1e-10 {
				t.Errorf("%s: structured Hessian differs from the generic one by %.2g relative", f.name, d)
			}
			s, err := ev.ScoreObs(u)
			if err != nil {
				t.Fatal(err)
			}
			sref, err := ev.ReferenceScoreObs(u)
			if err != nil {
				t.Fatal(err)
			}
			if d := evaltest.RelDiff(s, sref); d > 1e-10 {
				t.Errorf("%s: structured scores differ from the generic ones by %.2g relative", f.name, d)
			}
			evaltest.CheckFusedAndLine(t, f.name, ev, u, ref)
		}
	}
}
