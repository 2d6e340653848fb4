package stderr

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Index is the response function of a single-index model, E[yᵢ | xᵢ] = F(ηᵢ) with
// ηᵢ = xᵢβ + oᵢ, given with its first two derivatives, which the average marginal effects and
// their delta-method standard errors need.
type Index struct {
	// Name names the response in tables: "Pr(y=1)" or "E[y]".
	Name string
	// F, D1 and D2 are F(η), F′(η) and F″(η).
	F, D1, D2 func(eta float64) float64
}

// The response functions of the ready-made single-index models.
var (
	// LogitIndex is the logistic function Λ(η) = 1/(1 + e^−η) of the logit model:
	// Λ′ = Λ(1 − Λ), Λ″ = Λ′(1 − 2Λ).
	LogitIndex = Index{Name: "Pr(y=1)", F: logistic,
		D1: func(eta float64) float64 { l := logistic(eta); return l * (1 - l) },
		D2: func(eta float64) float64 { l := logistic(eta); return l * (1 - l) * (1 - 2*l) }}
	// ProbitIndex is the standard normal CDF Φ(η) of the probit model: Φ′ = φ, Φ″ = −ηφ.
	ProbitIndex = Index{Name: "Pr(y=1)", F: distuv.UnitNormal.CDF, D1: distuv.UnitNormal.Prob,
		D2: func(eta float64) float64 { return -eta * distuv.UnitNormal.Prob(eta) }}
	// ExpIndex is the exponential mean exp(η) of the Poisson and negative binomial models.
	ExpIndex = Index{Name: "E[y]", F: math.Exp, D1: math.Exp, D2: math.Exp}
)

// logistic returns 1/(1 + e^−η) without overflow for large |η|.
func logistic(eta float64) float64 {
	if eta >= 0 {
		return 1 / (1 + math.Exp(-eta))
	}
	e := math.Exp(eta)
	return e / (1 + e)
}

// Margins are average marginal effects with their delta-method covariance: Stata's
// "margins, dydx(*)" after logit, probit or poisson.
type Margins struct {
	// Estimates are the fit and covariance the effects derive from.
	Estimates *Estimates
	// Response names what is differentiated, from Index.Name.
	Response string
	// Labels, Effect, SE, Z, P, Lower and Upper have one entry per regressor that varies
	// (constant columns, such as the intercept, have no marginal effect and are left out).
	Labels                         []string
	Effect, SE, Z, P, Lower, Upper []float64
	// Cov is the delta-method covariance of Effect.
	Cov *mat.SymDense
}

// MarginsOptions adjusts AverageMarginalEffects. The zero value (and nil) means no offset,
// every column continuous and none skipped.
type MarginsOptions struct {
	// Offset is the model's offset oᵢ, one value per observation; nil for none.
	Offset []float64
	// Factor names, for each column of x, the factor whose 0/1 dummy the column is ("" for
	// other columns); the dummies of one factor share the name. Such columns get the discrete
	// change from the factor's reference level instead of a derivative, as Stata's margins
	// gives for factor variables (i.psi). Nil means every column is continuous.
	Factor []string
	// Skip marks columns to leave out (nil: none), for example those whose variable also
	// enters other columns, where no single column's derivative is its effect.
	Skip []bool
}

// AverageMarginalEffects returns average marginal effects, Stata's "margins, dydx(*)": for
// each continuous regressor j that varies, the average derivative
//
//	AMEⱼ = (1/n) Σᵢ ∂F(ηᵢ)/∂xᵢⱼ = βⱼ · (1/n) Σᵢ F′(ηᵢ),  ηᵢ = xᵢβ + oᵢ
//
// and for the dummy j of a factor (MarginsOptions.Factor) the average discrete change from the
// factor's reference level, with every dummy of the factor set to 0 in η⁰ᵢ and column j then
// set to 1 in η¹ᵢ,
//
//	AMEⱼ = (1/n) Σᵢ [F(η¹ᵢ) − F(η⁰ᵢ)]
//
// with the delta-method covariance J V Jᵀ, J the exact Jacobian of the AMEs with respect to β:
//
//	∂AMEⱼ/∂βₖ = (1/n) Σᵢ [δⱼₖ F′(ηᵢ) + βⱼ F″(ηᵢ) xᵢₖ]          (continuous)
//	∂AMEⱼ/∂βₖ = (1/n) Σᵢ [F′(η¹ᵢ) x¹ᵢₖ − F′(η⁰ᵢ) x⁰ᵢₖ]          (discrete)
//
// Columns that are constant (the intercept) have no effect and are left out. The coefficients
// are the fit's block "beta"; x is the design matrix the model was fitted on (n×k, k the size
// of "beta"). The effects use the covariance of est, so robust or clustered estimates give
// robust or clustered margins. It returns an error if the model has no block "beta", if the
// data or options do not match it, or if a factor's dummy is not 0/1.
func AverageMarginalEffects(est *Estimates, index Index, x mat.Matrix, o *MarginsOptions) (*Margins, error) {
	if o == nil {
		o = &MarginsOptions{}
	}
	res := est.Result
	beta, err := res.Block("beta")
	if err != nil {
		return nil, fmt.Errorf("stderr: AverageMarginalEffects: %w", err)
	}
	off := 0 // where "beta" starts in the flat parameter vector
	for _, b := range res.Model.Blocks {
		if b.Name == "beta" {
			break
		}
		off += b.Size
	}
	n, k := x.Dims()
	switch {
	case k != len(beta):
		return nil, fmt.Errorf("stderr: AverageMarginalEffects: x has %d columns, block \"beta\" has %d coefficients", k, len(beta))
	case n != res.NumObs:
		return nil, fmt.Errorf("stderr: AverageMarginalEffects: x has %d rows, the fit has %d observations", n, res.NumObs)
	case o.Offset != nil && len(o.Offset) != n:
		return nil, fmt.Errorf("stderr: AverageMarginalEffects: offset has %d entries for %d observations", len(o.Offset), n)
	case o.Factor != nil && len(o.Factor) != k, o.Skip != nil && len(o.Skip) != k:
		return nil, fmt.Errorf("stderr: AverageMarginalEffects: options describe %d and %d columns, x has %d", len(o.Factor), len(o.Skip), k)
	}
	factor := func(j int) string {
		if o.Factor == nil {
			return ""
		}
		return o.Factor[j]
	}
	eta := make([]float64, n)
	for i := range n {
		for j := range k {
			eta[i] += x.At(i, j) * beta[j]
		}
		if o.Offset != nil {
			eta[i] += o.Offset[i]
		}
	}
	// Shared by the continuous effects: meanD1 = (1/n)ΣF′(ηᵢ), meanD2x[k] = (1/n)ΣF″(ηᵢ)xᵢₖ.
	var meanD1 float64
	meanD2x := make([]float64, k)
	for i := range n {
		meanD1 += index.D1(eta[i]) / float64(n)
		d2 := index.D2(eta[i]) / float64(n)
		for j := range k {
			meanD2x[j] += d2 * x.At(i, j)
		}
	}
	var report []int
	for j := range k {
		if o.Skip != nil && o.Skip[j] {
			continue
		}
		for i := 1; i < n; i++ {
			if x.At(i, j) != x.At(0, j) {
				report = append(report, j)
				break
			}
		}
	}
	if len(report) == 0 {
		return nil, fmt.Errorf("stderr: AverageMarginalEffects: no column of x varies (or all are skipped); there is no regressor to differentiate")
	}
	m := len(report)
	jac := mat.NewDense(m, k, nil)
	me := &Margins{Estimates: est, Response: index.Name, Effect: make([]float64, m)}
	for r, j := range report {
		me.Labels = append(me.Labels, est.Labels[off+j])
		row := jac.RawRowView(r)
		if factor(j) == "" {
			me.Effect[r] = beta[j] * meanD1
			for c := range k {
				row[c] = beta[j] * meanD2x[c]
			}
			row[j] += meanD1
			continue
		}
		// The factor's dummies, all set to 0 in x⁰ and x¹ but for column j, 1 in x¹.
		var dummies []int
		for c := range k {
			if factor(c) == factor(j) {
				dummies = append(dummies, c)
			}
		}
		for i := range n {
			if v := x.At(i, j); v != 0 && v != 1 {
				return nil, fmt.Errorf("stderr: AverageMarginalEffects: column %s of factor %s is %g at observation %d, not 0 or 1", est.Labels[off+j], factor(j), v, i)
			}
			eta0 := eta[i]
			for _, c := range dummies {
				eta0 -= x.At(i, c) * beta[c]
			}
			eta1 := eta0 + beta[j]
			me.Effect[r] += (index.F(eta1) - index.F(eta0)) / float64(n)
			d1, d0 := index.D1(eta1)/float64(n), index.D1(eta0)/float64(n)
			for c := range k {
				if slices.Contains(dummies, c) {
					continue // x⁰ᵢ꜀ = 0, and x¹ᵢ꜀ = 0 but for c = j
				}
				row[c] += (d1 - d0) * x.At(i, c)
			}
			row[j] += d1
		}
	}
	vb := mat.NewSymDense(k, nil)
	for a := range k {
		for b := a; b < k; b++ {
			vb.SetSym(a, b, est.Cov.At(off+a, off+b))
		}
	}
	me.Cov = mat.NewSymDense(m, nil)
	me.Cov.SymRankK(me.Cov, 1, sqrtFactor(jac, vb))
	me.SE, me.Z, me.P, me.Lower, me.Upper = make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m)
	crit := distuv.UnitNormal.Quantile(1 - (1-est.Level)/2)
	for r := range m {
		me.SE[r] = math.Sqrt(me.Cov.At(r, r))
		me.Z[r] = me.Effect[r] / me.SE[r]
		me.P[r] = 2 * distuv.UnitNormal.Survival(math.Abs(me.Z[r]))
		me.Lower[r] = me.Effect[r] - crit*me.SE[r]
		me.Upper[r] = me.Effect[r] + crit*me.SE[r]
	}
	return me, nil
}

// sqrtFactor returns J·L, where V = L Lᵀ is V's Cholesky factor when V is positive definite,
// so that (JL)(JL)ᵀ = J V Jᵀ is symmetric by construction. A V that is only semi-definite (a
// fixed parameter) falls back to its eigen-decomposition with negative rounding clipped.
func sqrtFactor(jac *mat.Dense, v *mat.SymDense) *mat.Dense {
	k := v.SymmetricDim()
	l := mat.NewDense(k, k, nil)
	var chol mat.Cholesky
	if chol.Factorize(v) {
		var tri mat.TriDense
		chol.LTo(&tri)
		l.Copy(&tri)
	} else {
		var eig mat.EigenSym
		eig.Factorize(v, true)
		vals := eig.Values(nil)
		eig.VectorsTo(l)
		for j, val := range vals {
			s := math.Sqrt(math.Max(val, 0))
			for i := range k {
				l.Set(i, j, l.At(i, j)*s)
			}
		}
	}
	var out mat.Dense
	out.Mul(jac, l)
	return &out
}

// Table returns the margins as a table in the layout of Estimates.Table.
func (me *Margins) Table() *Table {
	e := me.Estimates
	t := inferenceTable("dy/dx", e.Level, me.Labels, me.Effect, me.SE, me.Z, me.P, me.Lower, me.Upper)
	t.Title = fmt.Sprintf("Average marginal effects on %s (%s, covariance %s), N = %d", me.Response, e.Result.Model.Name, e.Kind, e.Result.NumObs)
	t.Notes = []string{"Delta-method standard errors. Factor dummies: discrete change from the reference level; other regressors: derivative."}
	return t
}

// String returns the margins table as text.
func (me *Margins) String() string { return me.Table().String() }
