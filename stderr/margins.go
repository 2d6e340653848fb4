package stderr

import (
	"fmt"
	"math"

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

// AverageMarginalEffects returns the average over the observations of ∂E[yᵢ|xᵢ]/∂xᵢⱼ for each
// regressor j that varies, treating every regressor as continuous (a 0/1 dummy gets the
// derivative, not the discrete change; Stata's "margins, dydx(*)" without factor notation):
//
//	AMEⱼ = β_j · (1/n) Σᵢ F′(ηᵢ),  ηᵢ = xᵢβ + oᵢ
//
// with the delta-method covariance J V Jᵀ, J the exact Jacobian of the AMEs with respect to β,
//
//	∂AMEⱼ/∂βₖ = (1/n) Σᵢ [δⱼₖ F′(ηᵢ) + βⱼ F″(ηᵢ) xᵢₖ]
//
// The coefficients are the fit's block "beta"; x is the design matrix the model was fitted
// on (n×k, k the size of "beta") and offset its offset, nil for none. The effects use the
// covariance of est, so robust or clustered estimates give robust or clustered margins.
// It returns an error if the model has no block "beta" or the data do not match it.
func AverageMarginalEffects(est *Estimates, index Index, x mat.Matrix, offset []float64) (*Margins, error) {
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
	case offset != nil && len(offset) != n:
		return nil, fmt.Errorf("stderr: AverageMarginalEffects: offset has %d entries for %d observations", len(offset), n)
	}
	// meanD1 = (1/n)ΣF′(ηᵢ); meanD2x[k] = (1/n)ΣF″(ηᵢ)xᵢₖ.
	var meanD1 float64
	meanD2x := make([]float64, k)
	for i := range n {
		eta := 0.0
		for j := range k {
			eta += x.At(i, j) * beta[j]
		}
		if offset != nil {
			eta += offset[i]
		}
		meanD1 += index.D1(eta) / float64(n)
		d2 := index.D2(eta) / float64(n)
		for j := range k {
			meanD2x[j] += d2 * x.At(i, j)
		}
	}
	var varying []int
	for j := range k {
		for i := 1; i < n; i++ {
			if x.At(i, j) != x.At(0, j) {
				varying = append(varying, j)
				break
			}
		}
	}
	if len(varying) == 0 {
		return nil, fmt.Errorf("stderr: AverageMarginalEffects: every column of x is constant; there is no regressor to differentiate")
	}
	m := len(varying)
	jac := mat.NewDense(m, k, nil)
	me := &Margins{Estimates: est, Response: index.Name, Effect: make([]float64, m)}
	for r, j := range varying {
		me.Labels = append(me.Labels, est.Labels[off+j])
		me.Effect[r] = beta[j] * meanD1
		for c := range k {
			d := beta[j] * meanD2x[c]
			if c == j {
				d += meanD1
			}
			jac.Set(r, c, d)
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
	t.Notes = []string{"Delta-method standard errors; every regressor treated as continuous."}
	return t
}

// String returns the margins table as text.
func (me *Margins) String() string { return me.Table().String() }
