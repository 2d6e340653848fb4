package stderr_test

import (
	"math"
	"slices"
	"testing"

	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// TestBootstrapLinear checks the bootstrap covariance and percentile intervals of the normal
// linear model against replicates computed in closed form: replicate b with observation counts
// w (mlx.ResampleCounts) has the weighted least-squares β = (XᵀWX)⁻¹XᵀWy and the ML σ² =
// Σ wᵢrᵢ²/n. The covariance is theirs (of β and log σ, mapped to σ by the delta method, as
// for every covariance), the percentile intervals their quantiles. The bootstrap standard
// errors also come within 25% of the inverse Hessian's, as they should for a well-specified
// model (with 100 replicates they carry about 7% noise).
func TestBootstrapLinear(t *testing.T) {
	const n, k, reps, seed = 400, 3, 100, 11
	p, res, _ := fitLinear(t, n, k, 5, &optim.Newton{})
	est, err := stderr.New(res, stderr.Bootstrap{Reps: reps, Seed: seed}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if est.Bootstrap == nil || est.Bootstrap.Reps != reps || est.Bootstrap.Failed != 0 {
		t.Fatalf("bootstrap summary %+v", est.Bootstrap)
	}
	counts := mlx.ResampleCounts(n, reps, seed)
	replicates := mat.NewDense(reps, k+1, nil) // β, log σ
	for b := range reps {
		w := counts.RawRowView(b)
		var xtwx mat.SymDense
		xw := mat.DenseCopyOf(p.X)
		for i := range n {
			row := xw.RawRowView(i)
			for j := range row {
				row[j] *= math.Sqrt(w[i])
			}
		}
		xtwx.SymOuterK(1, xw.T())
		xtwy := mat.NewVecDense(k, nil)
		for i := range n {
			xtwy.AddScaledVec(xtwy, w[i]*p.Y[i], p.X.RowView(i))
		}
		var chol mat.Cholesky
		if !chol.Factorize(&xtwx) {
			t.Fatal("XᵀWX singular")
		}
		var beta mat.VecDense
		if err := chol.SolveVecTo(&beta, xtwy); err != nil {
			t.Fatal(err)
		}
		ssr := 0.0
		for i := range n {
			r := p.Y[i] - mat.Dot(p.X.RowView(i), &beta)
			ssr += w[i] * r * r
		}
		row := replicates.RawRowView(b)
		copy(row, beta.RawVector().Data)
		row[k] = 0.5 * math.Log(ssr/n)
	}
	var covU mat.SymDense
	stat.CovarianceMatrix(&covU, replicates, nil)
	sigma := res.Estimates[k]
	for i := range k + 1 {
		for j := range k + 1 {
			want := covU.At(i, j)
			if i == k {
				want *= sigma
			}
			if j == k {
				want *= sigma
			}
			if got := est.Cov.At(i, j); math.Abs(got-want) > 1e-7*math.Abs(want) {
				t.Errorf("Cov[%d,%d] = %v, closed-form replicates %v", i, j, got, want)
			}
		}
	}
	col := make([]float64, reps)
	for j := range k + 1 {
		mat.Col(col, j, replicates)
		slices.Sort(col)
		lo, hi := stat.Quantile(0.025, stat.Empirical, col, nil), stat.Quantile(0.975, stat.Empirical, col, nil)
		if j == k {
			lo, hi = math.Exp(lo), math.Exp(hi)
		}
		if math.Abs(est.Bootstrap.Lower[j]-lo) > 1e-8*math.Abs(lo) || math.Abs(est.Bootstrap.Upper[j]-hi) > 1e-8*math.Abs(hi) {
			t.Errorf("%s: percentile interval [%v, %v], closed form [%v, %v]", est.Labels[j], est.Bootstrap.Lower[j], est.Bootstrap.Upper[j], lo, hi)
		}
	}
	oim, err := stderr.Hessian(res)
	if err != nil {
		t.Fatal(err)
	}
	for j := range k + 1 {
		if r := est.SE[j] / oim.SE[j]; r < 0.75 || r > 1.25 {
			t.Errorf("%s: bootstrap SE %v, inverse Hessian %v", est.Labels[j], est.SE[j], oim.SE[j])
		}
	}
	if _, err := stderr.New(res, stderr.Bootstrap{Reps: 1}, nil); err == nil {
		t.Error("a bootstrap of one replicate was accepted")
	}
}
