package mlx_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/gonum/mat"
)

// weightedCounts simulates n rows of overdispersed counts y with regressors x = [1, x1, x2] and frequency
// weights in 0…3 (some rows weigh nothing), and returns them with the expanded data: each row
// repeated as often as its weight says, and the rows' cluster codes, expanded alike.
type weightedCounts struct {
	y, w, yExp []float64
	x, xExp    *mat.Dense
	groups     []int
	groupsExp  []int
}

func simulateWeighted(n int, seed uint64) *weightedCounts {
	r := rand.New(rand.NewPCG(seed, 7))
	d := &weightedCounts{x: mat.NewDense(n, 3, nil)}
	var xe []float64
	for i := range n {
		x1, x2 := r.NormFloat64(), r.Float64()
		d.x.SetRow(i, []float64{1, x1, x2})
		// A gamma(2, 1/2) heterogeneity (the sum of two exponentials, halved) makes the counts
		// negative binomial with α = 0.5, so that NB2's dispersion is away from its bound.
		mu := math.Exp(0.3+0.5*x1-0.4*x2) * (r.ExpFloat64() + r.ExpFloat64()) / 2
		y := 0.0
		for t := r.ExpFloat64(); t < mu; t += r.ExpFloat64() { // Poisson(mu) by exponential gaps
			y++
		}
		w := float64(r.IntN(4))
		d.y, d.w = append(d.y, y), append(d.w, w)
		d.groups = append(d.groups, i%7)
		for range int(w) {
			d.yExp = append(d.yExp, y)
			xe = append(xe, 1, x1, x2)
			d.groupsExp = append(d.groupsExp, i%7)
		}
	}
	d.xExp = mat.NewDense(len(d.yExp), 3, xe)
	return d
}

// binary returns the counts as a 0/1 outcome, y > 0.
func binary(y []float64) []float64 {
	out := make([]float64, len(y))
	for i, v := range y {
		if v > 0 {
			out[i] = 1
		}
	}
	return out
}

func TestFrequencyWeightsExpandData(t *testing.T) {
	b := testbackend.Get(t)
	d := simulateWeighted(300, 1)
	models := []struct {
		name  string
		model *mlx.Model
		y     func([]float64) []float64
		start []float64
	}{
		{"logit (structured Hessian)", likelihoods.Logit(3), binary, []float64{0.1, 0.2, -0.1}},
		{"nbreg (index and a γ block)", likelihoods.NegBin2(3, false), func(y []float64) []float64 { return y }, []float64{0.2, 0.3, -0.2, 0.5}},
	}
	for _, tc := range models {
		t.Run(tc.name, func(t *testing.T) {
			weighted, err := mlx.NewDataset(mlx.Vector("y", tc.y(d.y)), mlx.Matrix("x", d.x), mlx.Weights(mlx.Frequency, d.w))
			if err != nil {
				t.Fatal(err)
			}
			expanded, err := mlx.NewDataset(mlx.Vector("y", tc.y(d.yExp)), mlx.Matrix("x", d.xExp))
			if err != nil {
				t.Fatal(err)
			}
			evW, err := mlx.NewEvaluator(b, tc.model, weighted)
			if err != nil {
				t.Fatal(err)
			}
			evE, err := mlx.NewEvaluator(b, tc.model, expanded)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := evW.TotalWeight(), float64(expanded.NumObs()); got != want {
				t.Errorf("total weight %g, want the expanded rows %g", got, want)
			}
			// Away from the optimum, every derivative program against the expanded data's.
			u := tc.start
			p := len(u)
			gW, gE := make([]float64, p), make([]float64, p)
			llW, err := evW.LogLikeGrad(u, gW)
			if err != nil {
				t.Fatal(err)
			}
			llE, err := evE.LogLikeGrad(u, gE)
			if err != nil {
				t.Fatal(err)
			}
			const tol = 1e-12
			if r := vecRel([]float64{llW}, []float64{llE}); r > tol {
				t.Errorf("log-likelihood %v, expanded %v", llW, llE)
			}
			if r := vecRel(gW, gE); r > tol {
				t.Errorf("gradient %v, expanded %v (rel %.2g)", gW, gE, r)
			}
			hW, err := evW.Hessian(u)
			if err != nil {
				t.Fatal(err)
			}
			hE, err := evE.Hessian(u)
			if err != nil {
				t.Fatal(err)
			}
			if r := vecRel(hW.RawSymmetric().Data, hE.RawSymmetric().Data); r > tol {
				t.Errorf("Hessian differs from the expanded data's (rel %.2g)", r)
			}
			for _, groups := range [][2][]int{{nil, nil}, {d.groups, d.groupsExp}} {
				mW, err := evW.ScoreMeat(u, groups[0])
				if err != nil {
					t.Fatal(err)
				}
				mE, err := evE.ScoreMeat(u, groups[1])
				if err != nil {
					t.Fatal(err)
				}
				if r := vecRel(mW.RawSymmetric().Data, mE.RawSymmetric().Data); r > tol {
					t.Errorf("meat (clustered: %t) differs from the expanded data's (rel %.2g)", groups[0] != nil, r)
				}
			}

			// The same weighted rows in two chunks.
			var parts []*mlx.Dataset
			for _, r := range [][2]int{{0, 170}, {170, 300}} {
				part, err := mlx.NewDataset(mlx.Vector("y", tc.y(d.y)[r[0]:r[1]]), mlx.Matrix("x", d.x.Slice(r[0], r[1], 0, 3)),
					mlx.Weights(mlx.Frequency, d.w[r[0]:r[1]]))
				if err != nil {
					t.Fatal(err)
				}
				parts = append(parts, part)
			}
			chunked, err := mlx.Chunks(parts...)
			if err != nil {
				t.Fatal(err)
			}
			evC, err := mlx.NewEvaluator(b, tc.model, chunked)
			if err != nil {
				t.Fatal(err)
			}
			hC, err := evC.Hessian(u)
			if err != nil {
				t.Fatal(err)
			}
			mC, err := evC.ScoreMeat(u, nil)
			if err != nil {
				t.Fatal(err)
			}
			mE, err := evE.ScoreMeat(u, nil)
			if err != nil {
				t.Fatal(err)
			}
			if r := vecRel(append(hC.RawSymmetric().Data, mC.RawSymmetric().Data...), append(hE.RawSymmetric().Data, mE.RawSymmetric().Data...)); r > tol {
				t.Errorf("chunked weighted data: Hessian and meat differ from the expanded data's (rel %.2g)", r)
			}
			if evC.TotalWeight() != evW.TotalWeight() {
				t.Errorf("chunked total weight %g, want %g", evC.TotalWeight(), evW.TotalWeight())
			}

			// Fits, covariances and N.
			resW, err := mlx.FitEvaluator(evW, nil, &optim.Newton{})
			if err != nil {
				t.Fatal(err)
			}
			resE, err := mlx.FitEvaluator(evE, nil, &optim.Newton{})
			if err != nil {
				t.Fatal(err)
			}
			if !resW.Status.Converged() || !resE.Status.Converged() {
				t.Fatalf("status %s (%s) and %s (%s)", resW.Status, resW.Reason, resE.Status, resE.Reason)
			}
			if r := vecRel(resW.Estimates, resE.Estimates); r > 1e-9 {
				t.Errorf("estimates %v, expanded %v (rel %.2g)", resW.Estimates, resE.Estimates, r)
			}
			if resW.Observations() != resE.NumObs || resW.NumObs != 300 {
				t.Errorf("N %d over %d rows, want %d over 300", resW.Observations(), resW.NumObs, resE.NumObs)
			}
			if bw, be := stderr.BIC(resW), stderr.BIC(resE); math.Abs(bw-be) > 1e-9*math.Abs(be) {
				t.Errorf("BIC %v, expanded %v", bw, be)
			}
			for _, cov := range []stderr.Covariance{stderr.OIM{}, stderr.OPG{}, stderr.Robust{}} {
				checkSameSE(t, cov.String(), resW, resE, cov, cov)
			}
			checkSameSE(t, "Cluster", resW, resE, stderr.Cluster{Groups: d.groups}, stderr.Cluster{Groups: d.groupsExp})
			if _, err := resW.Bootstrap(20, 1); err == nil || !strings.Contains(err.Error(), "weighted") {
				t.Errorf("bootstrap of weighted data: error %v, want one saying it is not supported", err)
			}
		})
	}
}

// checkSameSE fails unless the standard errors of two fits agree to 1e-8.
func checkSameSE(t *testing.T, name string, a, b *mlx.Result, ca, cb stderr.Covariance) {
	t.Helper()
	ea, err := stderr.New(a, ca, nil)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	eb, err := stderr.New(b, cb, nil)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if r := vecRel(ea.SE, eb.SE); r > 1e-8 {
		t.Errorf("%s standard errors %v, expanded data %v (rel %.2g)", name, ea.SE, eb.SE, r)
	}
}

func TestSamplingWeights(t *testing.T) {
	b := testbackend.Get(t)
	d := simulateWeighted(300, 2)
	m := likelihoods.Logit(3)
	y := binary(d.y)
	fit := func(kind mlx.WeightKind, scale float64) *mlx.Result {
		t.Helper()
		w := make([]float64, len(d.w))
		for i, v := range d.w {
			w[i] = v * scale
		}
		ds, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Matrix("x", d.x), mlx.Weights(kind, w))
		if err != nil {
			t.Fatal(err)
		}
		res, err := mlx.Fit(b, m, ds, nil, &optim.Newton{})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Status.Converged() {
			t.Fatalf("scale %g: %s (%s)", scale, res.Status, res.Reason)
		}
		return res
	}
	freq := fit(mlx.Frequency, 1)
	one := fit(mlx.Sampling, 1)
	if r := vecRel(one.Estimates, freq.Estimates); r > 1e-9 {
		t.Errorf("sampling-weight estimates %v, frequency-weight %v", one.Estimates, freq.Estimates)
	}
	positive := 0 // rows of weight zero are out of the sample, as in Stata
	for _, w := range d.w {
		if w > 0 {
			positive++
		}
	}
	if one.Observations() != positive || one.NumObs != 300 {
		t.Errorf("N = %d of %d rows under sampling weights, want the %d of positive weight", one.Observations(), one.NumObs, positive)
	}
	// Robust by hand: n/(n−1) H⁻¹ Σ (wᵢsᵢ)(wᵢsᵢ)ᵀ H⁻¹, n the rows of positive weight, with the
	// unweighted scores sᵢ of an unweighted evaluator at the estimates and H from the
	// frequency-weighted fit.
	plain, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Matrix("x", d.x))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := mlx.NewEvaluator(b, m, plain)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ev.ScoreObs(one.Unconstrained)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range d.w {
		row := s.RawRowView(i)
		for j := range row {
			row[j] *= w
		}
	}
	var meat, inv, tmp, want mat.Dense
	meat.Mul(s.T(), s)
	var negH mat.Dense
	negH.Scale(-1, freq.Hessian)
	if err := inv.Inverse(&negH); err != nil {
		t.Fatal(err)
	}
	tmp.Mul(&inv, &meat)
	want.Mul(&tmp, &inv)
	want.Scale(float64(positive)/float64(positive-1), &want)
	rob, err := stderr.New(one, stderr.Robust{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for j := range 3 {
		if got, se := rob.SE[j], math.Sqrt(want.At(j, j)); math.Abs(got-se) > 1e-9*se {
			t.Errorf("robust SE %d = %v, want %v", j, got, se)
		}
	}
	if _, err := stderr.New(one, stderr.OPG{}, nil); err == nil {
		t.Error("OPG under sampling weights: no error")
	}
	// Rescaled weights: the same fit, stopped at the same iteration, the same robust SEs.
	for _, scale := range []float64{1e-4, 1e7} {
		res := fit(mlx.Sampling, scale)
		if r := vecRel(res.Estimates, one.Estimates); r > 1e-10 {
			t.Errorf("weights × %g: estimates %v, want %v", scale, res.Estimates, one.Estimates)
		}
		if res.Iterations != one.Iterations {
			t.Errorf("weights × %g: %d iterations, unscaled %d", scale, res.Iterations, one.Iterations)
		}
		e, err := stderr.New(res, stderr.Robust{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r := vecRel(e.SE, rob.SE); r > 1e-9 {
			t.Errorf("weights × %g: robust SEs %v, want %v", scale, e.SE, rob.SE)
		}
	}
}

func TestWeightedAveragesAndMeans(t *testing.T) {
	b := testbackend.Get(t)
	d := simulateWeighted(200, 3)
	m := likelihoods.Logit(3)
	weighted, err := mlx.NewDataset(mlx.Vector("y", binary(d.y)), mlx.Matrix("x", d.x), mlx.Weights(mlx.Frequency, d.w))
	if err != nil {
		t.Fatal(err)
	}
	expanded, err := mlx.NewDataset(mlx.Vector("y", binary(d.yExp)), mlx.Matrix("x", d.xExp))
	if err != nil {
		t.Fatal(err)
	}
	pr, err := mlx.NewPredictor(b, m)
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Finalize()
	theta := []float64{0.2, 0.5, -0.3}
	aW, err := pr.Average(weighted, theta, 0)
	if err != nil {
		t.Fatal(err)
	}
	aE, err := pr.Average(expanded, theta, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r := vecRel(append(aW.Value, aW.Jacobian.RawMatrix().Data...), append(aE.Value, aE.Jacobian.RawMatrix().Data...)); r > 1e-12 {
		t.Errorf("weighted average %v, expanded %v", aW.Value, aE.Value)
	}
	dirW, dirE := make([]float64, 3*len(d.y)), make([]float64, 3*len(d.yExp))
	for i := range len(d.y) {
		dirW[3*i+1] = 1
	}
	for i := range len(d.yExp) {
		dirE[3*i+1] = 1
	}
	dW, err := pr.AverageDerivative(weighted, theta, 0, "x", dirW)
	if err != nil {
		t.Fatal(err)
	}
	dE, err := pr.AverageDerivative(expanded, theta, 0, "x", dirE)
	if err != nil {
		t.Fatal(err)
	}
	if r := vecRel(dW.Value, dE.Value); r > 1e-12 {
		t.Errorf("weighted average derivative %v, expanded %v", dW.Value, dE.Value)
	}
	mW, err := weighted.Means()
	if err != nil {
		t.Fatal(err)
	}
	mE, err := expanded.Means()
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := mW.Weights(); k != mlx.Unweighted {
		t.Errorf("Means of weighted data is %s-weighted, want unweighted", k)
	}
	if got, want := mW.Names(), mE.Names(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Means columns %v, want %v", got, want)
	}
	pW, err := pr.Predict(mW, theta, 0)
	if err != nil {
		t.Fatal(err)
	}
	pE, err := pr.Predict(mE, theta, 0)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(pW.At(0, 0)-pE.At(0, 0)) > 1e-14 {
		t.Errorf("prediction at the weighted means %v, at the expanded means %v", pW.At(0, 0), pE.At(0, 0))
	}
}

func TestBadWeights(t *testing.T) {
	y := []float64{0, 1, 1}
	for _, tc := range []struct {
		col  mlx.Column
		want string
	}{
		{mlx.Weights(mlx.Frequency, []float64{1, -1, 2}), "negative"},
		{mlx.Weights(mlx.Frequency, []float64{1, 1.5, 2}), "not an integer"},
		{mlx.Weights(mlx.Sampling, []float64{0, 0, 0}), "every weight is zero"},
		{mlx.Weights(mlx.Sampling, []float64{1, 2}), "observations"},
		{mlx.Weights(mlx.WeightKind(9), []float64{1, 2, 3}), "unknown weight kind"},
		{mlx.Vector(mlx.WeightsColumn, []float64{1, 2, 3}), "reserved"},
	} {
		_, err := mlx.NewDataset(mlx.Vector("y", y), tc.col)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one containing %q", tc.col.Values, err, tc.want)
		}
	}
	a, _ := mlx.NewDataset(mlx.Vector("y", y), mlx.Weights(mlx.Frequency, []float64{1, 2, 3}))
	c, _ := mlx.NewDataset(mlx.Vector("y", y), mlx.Weights(mlx.Sampling, []float64{1, 2, 3}))
	if _, err := mlx.Chunks(a, c); err == nil || !strings.Contains(err.Error(), "weights") {
		t.Errorf("Chunks of frequency and sampling weights: error %v", err)
	}
}

// vecRel returns max |a−b| / max |b|, the difference relative to b's largest entry.
func vecRel(a, b []float64) float64 {
	diff, size := 0.0, 0.0
	for i := range b {
		diff, size = math.Max(diff, math.Abs(a[i]-b[i])), math.Max(size, math.Abs(b[i]))
	}
	return diff / size
}
