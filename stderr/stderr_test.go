package stderr_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/internal/simdata"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/gonum/mat"
)

// fitLinear fits the normal linear model to a simulated regression (internal/simdata) and
// returns the fit and the closed-form OLS reference.
func fitLinear(t *testing.T, n, k int, seed uint64, method optim.Method) (*simdata.Linear, *mlx.Result, *simdata.OLS) {
	t.Helper()
	p := simdata.NormalLinear(n, k, seed)
	ds, err := mlx.NewDataset(mlx.Vector("y", p.Y), mlx.Matrix("x", p.X))
	if err != nil {
		t.Fatal(err)
	}
	res, err := mlx.Fit(testbackend.Get(t), likelihoods.NormalLinear(k), ds, &mlx.Settings{Start: p.Start}, method)
	if err != nil {
		t.Fatal(err)
	}
	ols, err := simdata.FitOLS(p.X, p.Y)
	if err != nil {
		t.Fatal(err)
	}
	return p, res, ols
}

func TestHessianMatchesOLS(t *testing.T) {
	for _, method := range []optim.Method{&optim.LBFGS{}, &optim.Newton{}} {
		t.Run(method.String(), func(t *testing.T) {
			_, res, ols := fitLinear(t, 3000, 12, 11, method)
			est, err := stderr.Hessian(res)
			if err != nil {
				t.Fatal(err)
			}
			// The bar: SEs within 1e-6 relative of closed-form OLS on the MLE scale,
			// σ's through the delta method from log σ.
			for i, se := range est.SE {
				if d := math.Abs(se-ols.SE[i]) / ols.SE[i]; d > 1e-6 {
					t.Errorf("SE of %s = %.10g, OLS %.10g (relative difference %.2g)", est.Labels[i], se, ols.SE[i], d)
				}
			}
			k := len(ols.Beta)
			// z, p and the Wald interval follow from the SE; σ's interval is exp(log σ̂ ± 1.96·se(log σ̂)).
			if z := est.Params[0] / ols.SE[0]; math.Abs(est.Z[0]-z) > 1e-6*math.Abs(z) {
				t.Errorf("z of b0 = %v, want %v", est.Z[0], z)
			}
			const z975 = 1.959963984540054 // the standard normal's 0.975 quantile
			if lo := est.Params[1] - z975*est.SE[1]; math.Abs(est.Lower[1]-lo) > 1e-12 {
				t.Errorf("lower bound of b1 = %v, want %v", est.Lower[1], lo)
			}
			seLog := ols.SE[k] / ols.Sigma
			if lo := ols.Sigma * math.Exp(-z975*seLog); math.Abs(est.Lower[k]-lo) > 1e-6*lo {
				t.Errorf("lower bound of sigma = %v, want %v", est.Lower[k], lo)
			}
			if est.P[0] > 1e-100 || est.P[0] < 0 {
				t.Errorf("p-value of b0 (z ≈ %.0f) = %v, want ≈ 0", est.Z[0], est.P[0])
			}
		})
	}
}

// TestOPGAndSandwich compares OPG and sandwich errors with their closed forms for the normal
// linear model at the MLE, where the scores are sᵢ = (xᵢrᵢ/σ², −1 + rᵢ²/σ²).
func TestOPGAndSandwich(t *testing.T) {
	p, res, ols := fitLinear(t, 2000, 4, 12, &optim.Newton{})
	k := p.K
	s2 := ols.Sigma * ols.Sigma
	scores := mat.NewDense(p.N, k+1, nil)
	for i := range p.N {
		r := p.Y[i] - mat.Dot(p.X.RowView(i), mat.NewVecDense(k, ols.Beta))
		for j := range k {
			scores.Set(i, j, p.X.At(i, j)*r/s2)
		}
		scores.Set(i, k, -1+r*r/s2)
	}
	var meat mat.SymDense
	meat.SymOuterK(1, scores.T())
	var opgCov mat.SymDense
	if err := opgCov.PowPSD(&meat, -1); err != nil {
		t.Fatal(err)
	}
	opg, err := stderr.New(res, stderr.OPG{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for j := range k {
		if want := math.Sqrt(opgCov.At(j, j)); math.Abs(opg.SE[j]-want) > 1e-8*want {
			t.Errorf("OPG SE of %s = %v, closed form %v", opg.Labels[j], opg.SE[j], want)
		}
	}
	// σ: delta method from log σ, whose OPG variance is the last diagonal entry.
	if want := ols.Sigma * math.Sqrt(opgCov.At(k, k)); math.Abs(opg.SE[k]-want) > 1e-8*want {
		t.Errorf("OPG SE of sigma = %v, closed form %v", opg.SE[k], want)
	}

	// At the MLE Xᵀr = 0, so the information is block diagonal and the β block of the
	// sandwich is White's HC0: (XᵀX)⁻¹ Σ xᵢxᵢᵀrᵢ² (XᵀX)⁻¹.
	var xtx mat.SymDense
	xtx.SymOuterK(1, p.X.T())
	var xtxInv mat.Dense
	if err := xtxInv.Inverse(&xtx); err != nil {
		t.Fatal(err)
	}
	weighted := mat.NewDense(p.N, k, nil)
	for i := range p.N {
		r := p.Y[i] - mat.Dot(p.X.RowView(i), mat.NewVecDense(k, ols.Beta))
		for j := range k {
			weighted.Set(i, j, p.X.At(i, j)*math.Abs(r))
		}
	}
	var xwx, tmp, hc0 mat.Dense
	xwx.Mul(weighted.T(), weighted)
	tmp.Mul(&xtxInv, &xwx)
	hc0.Mul(&tmp, &xtxInv)
	sw, err := stderr.New(res, stderr.Sandwich{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for j := range k {
		if want := math.Sqrt(hc0.At(j, j)); math.Abs(sw.SE[j]-want) > 1e-6*want {
			t.Errorf("sandwich SE of %s = %v, HC0 %v", sw.Labels[j], sw.SE[j], want)
		}
	}
}

// TestRobustAndCluster checks Stata's scalings against the sandwich: Robust is the sandwich
// times n/(n−1), and Cluster with every observation its own cluster (G = n) is Robust. It also
// checks that a group label missing for some observations is an error.
func TestRobustAndCluster(t *testing.T) {
	_, res, _ := fitLinear(t, 300, 3, 14, &optim.Newton{})
	sw, err := stderr.New(res, stderr.Sandwich{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rob, err := stderr.New(res, stderr.Robust{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	singletons := make([]int, res.NumObs)
	for i := range singletons {
		singletons[i] = i
	}
	clu, err := stderr.New(res, stderr.Cluster{Groups: singletons}, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := float64(res.NumObs)
	for j := range sw.SE {
		// The same sums scaled differently: rounding only.
		if want := sw.SE[j] * math.Sqrt(n/(n-1)); math.Abs(rob.SE[j]-want) > 1e-12*want {
			t.Errorf("robust SE of %s = %v, sandwich × √(n/(n−1)) = %v", rob.Labels[j], rob.SE[j], want)
		}
		if math.Abs(clu.SE[j]-rob.SE[j]) > 1e-12*rob.SE[j] {
			t.Errorf("cluster SE of %s with singleton clusters = %v, robust %v", clu.Labels[j], clu.SE[j], rob.SE[j])
		}
	}
	if _, err := stderr.New(res, stderr.Cluster{Groups: singletons[:10]}, nil); err == nil || !strings.Contains(err.Error(), "10 group labels for 300 observations") {
		t.Errorf("short groups: error %v", err)
	}
}

func TestSingular(t *testing.T) {
	// b1 and b2 are the same regressor: only their sum is identified.
	p := simdata.NormalLinear(500, 3, 13)
	for i := range p.N {
		p.X.Set(i, 2, p.X.At(i, 1))
	}
	ds, err := mlx.NewDataset(mlx.Vector("y", p.Y), mlx.Matrix("x", p.X))
	if err != nil {
		t.Fatal(err)
	}
	res, err := mlx.Fit(testbackend.Get(t), likelihoods.NormalLinear(3), ds, &mlx.Settings{Start: p.Start}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, cov := range []stderr.Covariance{stderr.OIM{}, stderr.OPG{}, stderr.Sandwich{}} {
		name := cov.String()
		est, err := stderr.New(res, cov, nil)
		var se *stderr.SingularError
		if !errors.As(err, &se) {
			t.Errorf("%s: got %v, %v; want a *SingularError", name, est, err)
			continue
		}
		if strings.Join(se.Params, ",") != "b1,b2" {
			t.Errorf("%s: parameters involved %v, want b1, b2", name, se.Params)
		}
		var cond mat.Condition
		if !errors.As(err, &cond) || !strings.Contains(err.Error(), "singular") {
			t.Errorf("%s: error %q does not unwrap to mat.Condition or say singular", name, err)
		}
	}

	// A Hessian that is positive definite is a minimum, not a maximum.
	m := likelihoods.NormalLinear(1)
	fake := &mlx.Result{Model: m, Estimates: []float64{0, 1}, Unconstrained: []float64{0, 0},
		Hessian: mat.NewSymDense(2, []float64{1, 0, 0, -1})}
	_, err = stderr.Hessian(fake)
	var se *stderr.SingularError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "not at a maximum") || fmt.Sprint(se.Params) != "[b0]" {
		t.Errorf("indefinite Hessian: got %v, want an error naming b0, not at a maximum", err)
	}
	fake.Hessian = nil
	if _, err := stderr.Hessian(fake); err == nil || !strings.Contains(err.Error(), "SkipHessian") {
		t.Errorf("no Hessian: got %v", err)
	}
}

func TestTable(t *testing.T) {
	_, res, ols := fitLinear(t, 500, 2, 14, &optim.Newton{})
	est, err := stderr.Hessian(res)
	if err != nil {
		t.Fatal(err)
	}
	text := est.Table().String()
	for _, want := range []string{
		"normal linear: maximum likelihood, Newton", "N = 500", "coef", "std err", "P>|z|", "[0.025", "0.975]",
		fmt.Sprintf("%.6f", ols.Beta[1]), fmt.Sprintf("%.6f", ols.SE[1]), "covariance OIM",
		fmt.Sprintf("Log-likelihood %.6f", res.LogLike),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text table lacks %q:\n%s", want, text)
		}
	}
	lines := strings.Split(text, "\n")
	if w := len([]rune(lines[1])); len([]rune(lines[3])) != w || len([]rune(lines[4])) != w {
		t.Errorf("text table rows are not aligned:\n%s", text)
	}
	h := est.Table().HTML()
	for _, want := range []string{"<table", "<th>P&gt;|z|</th>", "<th style=\"text-align:left\">sigma</th>", fmt.Sprintf("%.6f", ols.Sigma)} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML table lacks %q:\n%s", want, h)
		}
	}
}
