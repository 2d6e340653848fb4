package likelihoods_test

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/reftest"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// readReference reads a reference file of testdata/.
func readReference(t *testing.T, name string) reftest.Result {
	t.Helper()
	return reftest.Read(t, "testdata/"+name)
}

// readTable reads one of the shipped datasets (../data) into columns by header name, with
// missing cells as NaN.
func readTable(t *testing.T, name string) map[string][]float64 {
	t.Helper()
	f, err := frame.ReadFile("../data/"+name, frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string][]float64{}
	for _, n := range f.Names() {
		if cols[n], err = f.Column(n); err != nil {
			t.Fatal(err)
		}
	}
	return cols
}

// design builds the n×k matrix of the named columns, "const" being ones.
func design(cols map[string][]float64, names []string, n int, round32 bool) *mat.Dense {
	x := mat.NewDense(n, len(names), nil)
	for j, name := range names {
		for i := range n {
			v := 1.0
			if name != "const" {
				v = cols[name][i]
			}
			if round32 {
				v = float64(float32(v))
			}
			x.Set(i, j, v)
		}
	}
	return x
}

// checkFit fits m by Newton and compares it with the reference: parameters and, where the
// reference has them, OIM standard errors to 1e-6 relative, the bar; the log-likelihood
// to 1e-6 absolute. It also checks the exact gradient and Hessian at the estimates with
// checkDerivatives.
func checkFit(t *testing.T, m *mlx.Model, ds *mlx.Dataset, ref reftest.Result) *mlx.Result {
	t.Helper()
	res, err := mlx.Fit(testbackend.Get(t), m, ds, nil, &optim.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	requireConverged(t, res)
	worst := 0.0
	for i := range ref.Params {
		d := math.Abs(res.Estimates[i]-ref.Params[i]) / math.Abs(ref.Params[i])
		worst = math.Max(worst, d)
		if d > 1e-6 {
			t.Errorf("β[%d] = %.10g, reference %.10g (relative %.2g)", i, res.Estimates[i], ref.Params[i], d)
		}
	}
	t.Logf("parameters: largest relative difference %.2g", worst)
	if ref.BSE != nil {
		est, err := stderr.Hessian(res)
		checkSE(t, "OIM", est, err, ref.BSE)
	}
	d := math.Abs(res.LogLike - ref.LLF)
	if d > 1e-6 {
		t.Errorf("log-likelihood %.10f, reference %.10f", res.LogLike, ref.LLF)
	}
	t.Logf("log-likelihood: difference %.2g (relative %.2g)", d, d/math.Abs(ref.LLF))
	checkDerivatives(t, res.Evaluator(), res.Unconstrained)
	return res
}

// checkDerivatives compares the exact gradient and Hessian at u with gonum diff/fd central
// differences: the gradient with those of the log-likelihood, the Hessian with those of the
// exact gradient. Both are compared in standard-error units, with each parameter uᵢ measured in
// steps of dᵢ = 1/√|Hᵢᵢ| (about its standard error): the scaled gradient dᵢgᵢ and the scaled
// Hessian dᵢHᵢⱼdⱼ, whose entries are at most about 1 near the maximum, must agree with the
// differences to 1e-6 (relative where they exceed 1). Unscaled differences are not accurate
// enough: on regressors of size 50 (age) or over 20000 observations their truncation error, h²/6
// times a third derivative, swamps entries near zero.
//
// The steps balance that truncation against rounding. The gradient's step, 1e-3 standard
// errors, keeps truncation near 1e-7 but divides ℓ's evaluation noise by 2h: that noise reaches
// 2e-14·|ℓ| on 20000 observations (RandHIE: differences up to 5e-7), so the gradient is allowed
// 1e-10·|ℓ| more. The Hessian's step, 3e-4 standard errors, differences the exact gradient,
// whose noise is smaller; the largest differences seen are 2.1e-7 (RandHIE NB2, noise) and 5e-8
// (random points far from the maximum, truncation).
func checkDerivatives(t *testing.T, ev *mlx.Evaluator, u []float64) {
	t.Helper()
	p := len(u)
	hess, err := ev.Hessian(u)
	if err != nil {
		t.Fatal(err)
	}
	scale := make([]float64, p)
	for i := range p {
		scale[i] = 1
		if h := math.Abs(hess.At(i, i)); h > 0 {
			scale[i] = 1 / math.Sqrt(h)
		}
	}
	at := func(s []float64) []float64 {
		v := make([]float64, p)
		for i := range p {
			v[i] = u[i] + scale[i]*s[i]
		}
		return v
	}
	settings := &fd.Settings{Formula: fd.Central, Step: 1e-3}
	grad := make([]float64, p)
	ll, err := ev.LogLikeGrad(u, grad)
	if err != nil {
		t.Fatal(err)
	}
	num := fd.Gradient(nil, func(s []float64) float64 {
		l, err := ev.LogLike(at(s))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}, make([]float64, p), settings)
	worstG, worstH := 0.0, 0.0
	for i := range p {
		g := scale[i] * grad[i]
		d := math.Abs(g-num[i]) / (math.Max(1, math.Abs(num[i])) + 1e-4*math.Abs(ll)) // 1e-6 of it is 1e-10·|ℓ|
		worstG = math.Max(worstG, d)
		if d > 1e-6 {
			t.Errorf("scaled gradient[%d] = %v, finite differences of the log-likelihood %v", i, g, num[i])
		}
	}
	jac := mat.NewDense(p, p, nil)
	fd.Jacobian(jac, func(dst, s []float64) {
		if _, err := ev.LogLikeGrad(at(s), dst); err != nil {
			t.Fatal(err)
		}
		for i := range dst {
			dst[i] *= scale[i]
		}
	}, make([]float64, p), &fd.JacobianSettings{Formula: fd.Central, Step: 3e-4})
	for i := range p {
		for j := range p {
			h := scale[i] * hess.At(i, j) * scale[j]
			d := math.Abs(h-jac.At(i, j)) / math.Max(1, math.Abs(jac.At(i, j)))
			worstH = math.Max(worstH, d)
			if d > 1e-6 {
				t.Errorf("scaled Hessian[%d,%d] = %v, finite differences of the gradient %v", i, j, h, jac.At(i, j))
			}
		}
	}
	t.Logf("derivatives against finite differences: largest scaled difference %.2g (gradient), %.2g (Hessian)", worstG, worstH)
}

// checkSE compares standard errors with a reference to 1e-6 relative.
func checkSE(t *testing.T, kind string, est *stderr.Estimates, err error, want []float64) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", kind, err)
	}
	worst := 0.0
	for i, w := range want {
		d := math.Abs(est.SE[i]-w) / w
		worst = math.Max(worst, d)
		if d > 1e-6 {
			t.Errorf("%s SE[%d] = %.10g, reference %.10g (relative %.2g)", kind, i, est.SE[i], w, d)
		}
	}
	t.Logf("%s SEs: largest relative difference %.2g", kind, worst)
}

// TestSpector reproduces Stata's logit and probit of GRADE on GPA, TUCE, PSI and a constant.
// Stata stored these regressors as float32; rounding them the same way reproduces its numbers
// (testdata/spector_logit.json, "notes").
func TestSpector(t *testing.T) {
	cols := readTable(t, "spector.csv")
	n := len(cols["GRADE"])
	x := design(cols, []string{"GPA", "TUCE", "PSI", "const"}, n, true)
	ds, err := mlx.NewDataset(mlx.Vector("y", cols["GRADE"]), mlx.Matrix("x", x))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("logit", func(t *testing.T) { checkFit(t, likelihoods.Logit(4), ds, readReference(t, "spector_logit.json")) })
	t.Run("probit", func(t *testing.T) { checkFit(t, likelihoods.Probit(4), ds, readReference(t, "spector_probit.json")) })
}

// shipsData returns the 34 complete rows of ships.csv as a dataset with y = accident,
// x = (yr_con, op_75_79, const) and offset = log(service), and the ship of each row.
func shipsData(t *testing.T) (*mlx.Dataset, []int) {
	t.Helper()
	cols := readTable(t, "ships.csv")
	keep := map[string][]float64{}
	for i, s := range cols["service"] {
		if math.IsNaN(s) || math.IsNaN(cols["accident"][i]) {
			continue // listwise deletion, as Stata and statsmodels
		}
		for name, c := range cols {
			keep[name] = append(keep[name], c[i])
		}
	}
	n := len(keep["accident"])
	if n != 34 {
		t.Fatalf("%d complete rows, want 34", n)
	}
	offset := make([]float64, n)
	for i, s := range keep["service"] {
		offset[i] = math.Log(s)
	}
	x := design(keep, []string{"yr_con", "op_75_79", "const"}, n, false)
	ds, err := mlx.NewDataset(mlx.Vector("y", keep["accident"]), mlx.Matrix("x", x), mlx.Vector("offset", offset))
	if err != nil {
		t.Fatal(err)
	}
	groups := make([]int, n)
	for i, g := range keep["ship"] {
		groups[i] = int(g)
	}
	return ds, groups
}

// TestShipsPoissonExposure reproduces Stata's poisson accident yr_con op_75_79,
// exposure(service), with OIM, robust and cluster(ship) errors.
func TestShipsPoissonExposure(t *testing.T) {
	ds, groups := shipsData(t)
	ref := readReference(t, "ships_poisson_exposure.json")
	res := checkFit(t, likelihoods.Poisson(3, true), ds, ref)
	est, err := stderr.New(res, stderr.Robust{}, nil)
	checkSE(t, "robust", est, err, ref.BSERobust)
	est, err = stderr.New(res, stderr.Cluster{Groups: groups}, nil)
	checkSE(t, "cluster(ship)", est, err, ref.BSECluster)
	if _, err := stderr.New(res, stderr.Cluster{Groups: groups[:10]}, nil); err == nil || !strings.Contains(err.Error(), "10 group labels for 34 observations") {
		t.Errorf("short groups: error %v", err)
	}
}

// TestShipsNegBin2Exposure reproduces Stata's nbreg accident yr_con op_75_79,
// exposure(service): β and α (estimated as log α, reported by the delta method as Stata does),
// OIM and cluster(ship) errors, and the log-likelihood.
func TestShipsNegBin2Exposure(t *testing.T) {
	ds, groups := shipsData(t)
	ref := readReference(t, "ships_negbin2_exposure.json")
	res := checkFit(t, likelihoods.NegBin2(3, true), ds, ref)
	est, err := stderr.New(res, stderr.Cluster{Groups: groups}, nil)
	checkSE(t, "cluster(ship)", est, err, ref.BSECluster)
}

// TestShipsNoExposure reproduces Stata's poisson and nbreg of accident on yr_con and
// op_75_79 without exposure, with vce(robust) and vce(cluster ship) errors (the source has no
// OIM errors for these models; for nbreg, α's errors are Stata's delta-method ones). The
// dataset's "offset" column goes unused: the models have no offset.
func TestShipsNoExposure(t *testing.T) {
	ds, groups := shipsData(t)
	for _, tc := range []struct {
		model *mlx.Model
		ref   string
	}{
		{likelihoods.Poisson(3, false), "ships_poisson.json"},
		{likelihoods.NegBin2(3, false), "ships_negbin2.json"},
	} {
		t.Run(tc.model.Name, func(t *testing.T) {
			ref := readReference(t, tc.ref)
			res := checkFit(t, tc.model, ds, ref)
			est, err := stderr.New(res, stderr.Robust{}, nil)
			checkSE(t, "robust", est, err, ref.BSERobust)
			est, err = stderr.New(res, stderr.Cluster{Groups: groups}, nil)
			checkSE(t, "cluster(ship)", est, err, ref.BSECluster)
		})
	}
}

// TestAnes96MNLogit reproduces Stata 11's mlogit PID logpopul selfLR age educ income,
// baseoutcome(0): 6 equations of 6 coefficients, OIM errors and the log-likelihood.
// logpopul = ln(popul + 0.1) is rounded to float32, as Stata stored it (the reference's
// "notes"); the other regressors are small integers, exact in float32. The parameters are
// printed with at most 8 decimals, so small ones carry up to 6e-7 relative rounding
// (0.00519655 ± 5e-9): that, not the fit, is the 6e-7 difference this test sees.
func TestAnes96MNLogit(t *testing.T) {
	cols := readTable(t, "anes96.csv")
	n := len(cols["PID"])
	for _, p := range cols["popul"] {
		cols["logpopul"] = append(cols["logpopul"], math.Log(p+0.1))
	}
	x := design(cols, []string{"logpopul", "selfLR", "age", "educ", "income", "const"}, n, true)
	levels, y, err := likelihoods.OneHot(cols["PID"])
	if err != nil {
		t.Fatal(err)
	}
	outcomes := make([]string, len(levels))
	for j, v := range levels {
		outcomes[j] = "PID=" + strconv.FormatFloat(v, 'g', -1, 64)
	}
	if len(outcomes) != 7 || outcomes[0] != "PID=0" {
		t.Fatalf("outcomes %v, want PID=0..PID=6", outcomes)
	}
	ds, err := mlx.NewDataset(mlx.Matrix("y", y), mlx.Matrix("x", x))
	if err != nil {
		t.Fatal(err)
	}
	res := checkFit(t, likelihoods.MNLogit(6, outcomes, 0), ds, readReference(t, "anes96_mnlogit.json"))
	if l := res.Labels(); l[0] != "PID=1:b0" || l[35] != "PID=6:b5" {
		t.Errorf("labels %v, want PID=1:b0 … PID=6:b5", l)
	}
}

// randHIEData returns the RAND Health Insurance Experiment data: y = mdvis, x = (lncoins, idp,
// lpi, fmde, physlm, disea, hlthg, hlthf, hlthp, const), optionally rounded to float32.
func randHIEData(t *testing.T, round32 bool) (*mlx.Dataset, *mat.Dense) {
	t.Helper()
	cols := readTable(t, "randhie.csv")
	n := len(cols["mdvis"])
	x := design(cols, []string{"lncoins", "idp", "lpi", "fmde", "physlm", "disea", "hlthg", "hlthf", "hlthp", "const"}, n, round32)
	ds, err := mlx.NewDataset(mlx.Vector("y", cols["mdvis"]), mlx.Matrix("x", x))
	if err != nil {
		t.Fatal(err)
	}
	return ds, x
}

// TestRandHIE reproduces Stata 11's poisson and nbreg of mdvis on the RandHIE regressors
// (n = 20190).
func TestRandHIE(t *testing.T) {
	// The Poisson run stored the regressors as float32 (the reference's "notes"); rounding them
	// the same way reproduces Stata.
	t.Run("poisson", func(t *testing.T) {
		ds, _ := randHIEData(t, true)
		checkFit(t, likelihoods.Poisson(10, false), ds, readReference(t, "randhie_poisson.json"))
	})
	// The NB2 run used double-precision data. Its β and α and the log-likelihood are compared
	// as usual; its SEs come from two programs (see randhie_negbin2.json's "notes").
	t.Run("negbin2", func(t *testing.T) {
		ds, x := randHIEData(t, false)
		ref := readReference(t, "randhie_negbin2.json")
		betaSE := ref.BSE[:10]
		ref.BSE = nil
		res := checkFit(t, likelihoods.NegBin2(10, false), ds, ref)
		// α's SE (bse[10]) and ln α's are Stata's joint OIM ones, printed to six significant
		// digits: allow half a unit in the sixth digit (5e-8 on ln α's 0.0143932).
		est, err := stderr.Hessian(res)
		if err != nil {
			t.Fatal(err)
		}
		if seLn := est.SE[10] / est.Params[10]; math.Abs(seLn-ref.LnAlphaSE) > 5e-8 {
			t.Errorf("SE(ln α) = %.8g, Stata %.8g", seLn, ref.LnAlphaSE)
		}
		// Stata's joint OIM SEs of β are printed only through its 95% intervals, β ± z·SE with
		// z = 1.959963984540054, to 7 significant digits: SE = (hi − lo)/(2z). Ours differ from
		// those by up to 9.4e-6 relative, five times what the rounding of the endpoints explains
		// (the reference's notes measured the same 9e-6 with statsmodels); allow 2e-5.
		const z = 1.959963984540054
		worstCI := 0.0
		for i, ci := range ref.ConfInt[:10] {
			want := (ci[1] - ci[0]) / (2 * z)
			d := math.Abs(est.SE[i]-want) / want
			worstCI = math.Max(worstCI, d)
			if d > 2e-5 {
				t.Errorf("OIM SE[%d] = %.8g, Stata's interval gives %.8g (relative %.2g)", i, est.SE[i], want, d)
			}
		}
		t.Logf("joint OIM SEs against Stata's intervals: largest relative difference %.2g", worstCI)
		// The β SEs are R's glm.nb: α held fixed at its MLE, and the information of R's IRLS, the
		// expected one, Xᵀ diag(wᵢ) X with wᵢ = μᵢ/(1 + αμᵢ) for the log link. The observed
		// information of β with α fixed, the β–β block of −H (weights μᵢ(1 + αyᵢ)/(1 + αμᵢ)²),
		// is not it: the log link is not NB2's canonical link, and its SEs differ from R's by up to
		// 2.7e-2, as do the joint OIM SEs. We compute the expected information from our estimates,
		// so this checks the estimates and the reading of R's numbers, not our Hessian.
		alpha := res.Estimates[10]
		var eta mat.VecDense
		eta.MulVec(x, mat.NewVecDense(10, res.Estimates[:10]))
		var wx mat.Dense
		wx.Apply(func(i, j int, v float64) float64 {
			mu := math.Exp(eta.AtVec(i))
			return v * math.Sqrt(mu/(1+alpha*mu))
		}, x)
		info := mat.NewSymDense(10, nil)
		info.SymOuterK(1, wx.T())
		var chol mat.Cholesky
		if !chol.Factorize(info) {
			t.Fatal("expected information of β is not positive definite")
		}
		var cov mat.SymDense
		if err := chol.InverseTo(&cov); err != nil {
			t.Fatal(err)
		}
		// R's β agree with the MLE only to about 2e-7 relative (glm.nb's convergence
		// tolerance), which moves the SEs by about as much: allow 1e-6.
		worst := 0.0
		for i, want := range betaSE {
			se := math.Sqrt(cov.At(i, i))
			d := math.Abs(se-want) / want
			worst = math.Max(worst, d)
			if d > 1e-6 {
				t.Errorf("expected-information SE[%d] = %.10g, R %.10g (relative %.2g)", i, se, want, d)
			}
		}
		t.Logf("R's β SEs: largest relative difference %.2g", worst)
	})
}

// TestLongley fits NIST's Longley regression (TOTEMP on a constant and six regressors, n = 16,
// constant first) by maximum likelihood and compares it with the certified values.
//
// On the raw data no optimizer converges: XᵀX has condition number 2.9e19, beyond float64,
// and with TOTEMP in persons (σ̂ = 229) the Hessian's entries are near 1e-4, so gonum's Newton,
// which adds at least 0.001·I whenever a Hessian is not negative definite, crawls (1000
// iterations, iteration limit; BFGS and L-BFGS stop on failed line searches). So we fit in
// standardized units, as one would by hand: y and the six regressors centred and divided by
// their standard deviations (condition number 2.0e4), and map the estimates back. The MLE is
// equivariant under this linear change of variables: with y' = (y − ȳ)/c and
// x'ⱼ = (xⱼ − mⱼ)/sⱼ, the slopes are βⱼ = c·γⱼ/sⱼ, the intercept β₀ = ȳ + c·γ₀ − Σⱼ βⱼmⱼ,
// σ = c·σ', the covariance of β is A·Cov(γ)·Aᵀ for that linear map A, and the log-likelihood
// drops by n·log c.
func TestLongley(t *testing.T) {
	cols := readTable(t, "longley.csv")
	n, k := len(cols["TOTEMP"]), 7
	x := design(cols, []string{"const", "GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"}, n, false)
	ybar, c := stat.MeanStdDev(cols["TOTEMP"], nil)
	y := make([]float64, n)
	for i, v := range cols["TOTEMP"] {
		y[i] = (v - ybar) / c
	}
	mean, sd := make([]float64, k), make([]float64, k)
	sd[0] = 1 // the constant stays a column of ones
	for j := 1; j < k; j++ {
		mean[j], sd[j] = stat.MeanStdDev(mat.Col(nil, j, x), nil)
	}
	var xs mat.Dense
	xs.Apply(func(i, j int, v float64) float64 { return (v - mean[j]) / sd[j] }, x)
	ds, err := mlx.NewDataset(mlx.Vector("y", y), mlx.Matrix("x", &xs))
	if err != nil {
		t.Fatal(err)
	}
	// The default gradient test, 1e-7 on ℓ/n, leaves the estimates up to 1e-7/λ from the
	// maximum, and the smallest curvature of ℓ/n is λ = 0.083 here (collinear regressors):
	// about 2e-7 relative on β. Ask for 1e-11.
	want := readReference(t, "longley_ols.json")
	res, est := fitNewton(t, likelihoods.NormalLinear(k), ds, &mlx.Settings{Settings: optim.Settings{GradientTol: 1e-11}})
	a := mat.NewDense(k, k, nil) // β − (ȳ, 0, …, 0) = A·γ
	a.Set(0, 0, c)
	for j := 1; j < k; j++ {
		a.Set(j, j, c/sd[j])
		a.Set(0, j, -c*mean[j]/sd[j])
	}
	var beta mat.VecDense
	beta.MulVec(a, mat.NewVecDense(k, res.Estimates[:k]))
	beta.SetVec(0, beta.AtVec(0)+ybar)
	var cov, tmp mat.Dense
	tmp.Mul(a, est.Cov.SliceSym(0, k))
	cov.Mul(&tmp, a.T())
	// NIST certifies SEs with s² = SSR/(n−k); ours use the MLE σ̂² = SSR/n.
	df := math.Sqrt(float64(n) / float64(n-k))
	worstB, worstSE := 0.0, 0.0
	for j := range k {
		worstB = math.Max(worstB, math.Abs(beta.AtVec(j)-want.Params[j])/math.Abs(want.Params[j]))
		se := math.Sqrt(cov.At(j, j)) * df
		worstSE = math.Max(worstSE, math.Abs(se-want.BSE[j])/want.BSE[j])
	}
	t.Logf("largest relative differences: parameters %.2g, SEs %.2g", worstB, worstSE)
	// NIST's values have 15 significant digits; the fit reaches 2e-14 on parameters and 6e-14
	// on SEs. Allow 1e-10.
	if worstB > 1e-10 {
		t.Errorf("parameters differ from NIST's by up to %.2g relative", worstB)
	}
	if worstSE > 1e-10 {
		t.Errorf("SEs differ from NIST's by up to %.2g relative", worstSE)
	}
	if sdResid := c * res.Estimates[k] * df; math.Abs(sdResid-want.ResidualSD) > 1e-10*want.ResidualSD {
		t.Errorf("residual SD %.15g, NIST %.15g", sdResid, want.ResidualSD)
	}
	// The log-likelihood is printed to 4 decimals: half a unit in the last place.
	if ll := res.LogLike - float64(n)*math.Log(c); math.Abs(ll-want.LLF) > 5e-5 {
		t.Errorf("log-likelihood %.6f, reference %.4f", ll, want.LLF)
	}
}
