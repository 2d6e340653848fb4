package stderr_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"gonum.org/v1/gonum/mat"
)

// z95 is the standard normal's 0.95 quantile, the critical value of a two-sided 90% interval
// (R: qnorm(0.95) = 1.644853626951472).
const z95 = 1.6448536269514722

// TestLevel asks for 90% intervals and checks them against θ̂ ± z95·SE: the Wald intervals of
// the logit's coefficients, the log-scale interval exp(log σ̂ ± z95·se(log σ̂)) of a normal
// regression's σ, the marginal effects' intervals, and the tables' column heads. Level 0 means
// 95%; levels outside (0, 1) are errors.
func TestLevel(t *testing.T) {
	full, _, x := spector(t, likelihoods.Logit)
	est, err := stderr.New(full, stderr.OIM{}, &stderr.Settings{Level: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	if est.Level != 0.9 {
		t.Errorf("Level %v, want 0.9", est.Level)
	}
	for i := range est.Params {
		lo, hi := est.Params[i]-z95*est.SE[i], est.Params[i]+z95*est.SE[i]
		if !near(est.Lower[i], lo, 1e-14) || !near(est.Upper[i], hi, 1e-14) {
			t.Errorf("90%% interval of %s = [%v, %v], want [%v, %v]", est.Labels[i], est.Lower[i], est.Upper[i], lo, hi)
		}
	}
	text := est.Table().String()
	if !strings.Contains(text, "[0.05") || !strings.Contains(text, "0.95]") {
		t.Errorf("90%% table lacks the [0.05, 0.95] heads:\n%s", text)
	}

	ds := full.Evaluator().Data()
	me, err := stderr.MarginalEffects(est, stderr.MarginsSpec{Data: ds, Design: "x",
		Effects: effects(t, ds, x, []string{"GPA", "TUCE", "PSI", "const"}, []int{0, 1, 2}, nil)})
	if err != nil {
		t.Fatal(err)
	}
	for r := range me.Effect {
		if lo := me.Effect[r] - z95*me.SE[r]; !near(me.Lower[r], lo, 1e-14) {
			t.Errorf("90%% interval of the effect of %s starts at %v, want %v", me.Labels[r], me.Lower[r], lo)
		}
	}
	if text := me.Table().String(); !strings.Contains(text, "[0.05") {
		t.Errorf("90%% margins table lacks the [0.05 head:\n%s", text)
	}

	_, res, ols := fitLinear(t, 400, 2, 15, &optim.Newton{})
	est, err = stderr.New(res, stderr.OIM{}, &stderr.Settings{Level: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	k := len(ols.Beta)
	seLog := est.SE[k] / est.Params[k] // delta method: se(log σ̂) = se(σ̂)/σ̂
	if lo := est.Params[k] * math.Exp(-z95*seLog); !near(est.Lower[k], lo, 1e-12) {
		t.Errorf("90%% interval of sigma starts at %v, want %v", est.Lower[k], lo)
	}

	def, err := stderr.New(res, stderr.OIM{}, &stderr.Settings{})
	if err != nil || def.Level != stderr.Level95 {
		t.Errorf("zero Settings: level %v, error %v; want 0.95", def.Level, err)
	}
	for _, level := range []float64{1, 1.5, -0.1, 90, math.NaN()} {
		if _, err := stderr.New(res, stderr.OIM{}, &stderr.Settings{Level: level}); err == nil || !strings.Contains(err.Error(), "strictly between 0 and 1") {
			t.Errorf("level %v: error %v", level, err)
		}
	}
	if _, err := stderr.New(res, nil, nil); err == nil || !strings.Contains(err.Error(), "nil covariance") {
		t.Errorf("nil estimator: error %v", err)
	}
	if _, err := stderr.New(nil, stderr.OIM{}, nil); err == nil || !strings.Contains(err.Error(), "nil result") {
		t.Errorf("nil result: error %v", err)
	}
}

// TestKind checks that each estimator names itself in Estimates.Kind and in the table's note,
// and that a type switch tells them apart.
func TestKind(t *testing.T) {
	_, res, _ := fitLinear(t, 300, 2, 16, &optim.Newton{})
	groups := make([]int, res.NumObs)
	for i := range groups {
		groups[i] = i % 7
	}
	for _, tc := range []struct {
		cov  stderr.Covariance
		name string
	}{
		{stderr.OIM{}, "OIM"},
		{stderr.OPG{}, "OPG"},
		{stderr.Sandwich{}, "Sandwich"},
		{stderr.Robust{}, "Robust"},
		{stderr.Cluster{Groups: groups}, "Cluster"},
	} {
		est, err := stderr.New(res, tc.cov, nil)
		if err != nil {
			t.Fatal(err)
		}
		if est.Kind.String() != tc.name || !strings.Contains(est.String(), "covariance "+tc.name+".") {
			t.Errorf("%T: kind %q, table:\n%s", tc.cov, est.Kind, est)
		}
		if c, ok := est.Kind.(stderr.Cluster); ok && c.NumClusters() != 7 {
			t.Errorf("%d clusters, want 7", c.NumClusters())
		}
	}
	if _, err := stderr.New(res, stderr.Cluster{Groups: make([]int, res.NumObs)}, nil); err == nil || !strings.Contains(err.Error(), "1 cluster(s)") {
		t.Errorf("one cluster: error %v", err)
	}
}

// TestGaussNewton checks the Gauss–Newton covariance on a mean that is linear in b, f = Xβ,
// where it is least squares' s²(XᵀX)⁻¹ with s² = RSS/(n−k): the maximum likelihood standard
// errors (σ̂² = RSS/n) times √(n/(n−k)). J comes from mlx.Jacobian of the index, and must be X.
// σ gets the delta-method standard error of log σ̂'s variance 1/(2n): σ̂/√(2n).
func TestGaussNewton(t *testing.T) {
	p, res, ols := fitLinear(t, 500, 3, 17, &optim.Newton{})
	n, k := p.N, p.K
	jac, err := mlx.NewJacobian(testbackend.Get(t), mlx.Function{Name: "index", Blocks: []mlx.Block{{Name: "beta", Size: k}},
		Func: func(p mlx.Params, d mlx.Data) *graph.Node { return graph.Dot(d.Get("x"), p.Get("beta")) }})
	if err != nil {
		t.Fatal(err)
	}
	defer jac.Finalize()
	fitted, j, err := jac.At(res.Evaluator().Data(), res.Estimates[:k])
	if err != nil {
		t.Fatal(err)
	}
	if !mat.EqualApprox(j, p.X, 1e-15) {
		t.Errorf("J of Xβ is not X")
	}
	rss := 0.0
	for i := range n {
		rss += (p.Y[i] - fitted[i]) * (p.Y[i] - fitted[i])
	}
	gn := stderr.GaussNewton{J: j, RSS: rss}
	if gn.DF() != n-k {
		t.Errorf("DF %d, want %d", gn.DF(), n-k)
	}
	est, err := stderr.New(res, gn, nil)
	if err != nil {
		t.Fatal(err)
	}
	scale := math.Sqrt(float64(n) / float64(n-k))
	for i := range k {
		// The fit's estimates match OLS to about 1e-9; the SEs move with them.
		if want := ols.SE[i] * scale; !near(est.SE[i], want, 1e-8) {
			t.Errorf("SE of %s = %.12g, s²(XᵀX)⁻¹ gives %.12g", est.Labels[i], est.SE[i], want)
		}
	}
	if want := est.Params[k] / math.Sqrt(2*float64(n)); !near(est.SE[k], want, 1e-12) {
		t.Errorf("SE of sigma = %v, want σ̂/√(2n) = %v", est.SE[k], want)
	}
	if est.Kind.String() != "Gauss-Newton" {
		t.Errorf("kind %q", est.Kind)
	}

	// Errors: J of the wrong size, a model that is not a regression with σ last, a rank
	// deficient J, no degrees of freedom, no J.
	dup := mat.DenseCopyOf(j)
	dup.SetCol(2, mat.Col(nil, 1, j))
	short := j.Slice(0, 10, 0, k).(*mat.Dense)
	logit, _, _ := spector(t, likelihoods.Logit)
	for _, tc := range []struct {
		name string
		res  *mlx.Result
		gn   stderr.GaussNewton
		want string
	}{
		{"rows", res, stderr.GaussNewton{J: short, RSS: rss}, "J has 10 rows for 500 observations"},
		{"columns", res, stderr.GaussNewton{J: j.Slice(0, n, 0, 2).(*mat.Dense), RSS: rss}, "want 2 mean parameters and then σ"},
		{"not a regression", logit, stderr.GaussNewton{J: mat.NewDense(logit.NumObs, 3, nil), RSS: 1}, "then σ, a Positive block"},
		{"rank deficient", res, stderr.GaussNewton{J: dup, RSS: rss}, "condition number"},
		{"no J", res, stderr.GaussNewton{RSS: rss}, "no Jacobian"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := stderr.New(tc.res, tc.gn, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	var cond mat.Condition
	if _, err := (stderr.GaussNewton{J: dup, RSS: rss}).Cov(); !errors.As(err, &cond) {
		t.Errorf("rank deficient J: error %v does not wrap mat.Condition", err)
	}
	if _, err := (stderr.GaussNewton{J: short.Slice(0, 3, 0, 3).(*mat.Dense), RSS: 1}).Cov(); err == nil || !strings.Contains(err.Error(), "no degrees of freedom") {
		t.Errorf("n = k: error %v", err)
	}
}
