package stderr

import (
	"fmt"
	"math"

	"github.com/gomle/gomle/mlx"
	"gonum.org/v1/gonum/mat"
)

// Effect is one marginal effect: the derivative of a prediction with respect to a variable, or
// its discrete change when a factor moves from its reference level to another.
type Effect struct {
	// Label names the effect's row: the variable, or the factor's level.
	Label string
	// Direction, for a derivative, holds ∂xᵢ꜀/∂vᵢ for the design column (MarginsSpec.Design),
	// in that column's layout (row-major, one row per observation of MarginsSpec.Data): 1 in
	// v's own column for a regressor entered as it is, 2vᵢ in the column of v², zᵢ in that of
	// v:z. A variable that feeds several columns so gets its total effect, as Stata's margins.
	Direction []float64
	// From and To, for a discrete change, are the data with the factor at its reference level
	// and at this level (everything else as in MarginsSpec.Data).
	From, To *mlx.Dataset
}

// MarginsSpec says which marginal effects to estimate, and where.
type MarginsSpec struct {
	// Data holds the observations the effects are averaged over: the fitted data for average
	// marginal effects (Stata's margins, dydx(*)), or one observation, such as the means
	// (Dataset.Means), for effects at a point (margins, dydx(*) atmeans).
	Data *mlx.Dataset
	// At describes the point for titles when Data is one observation: "means". Empty means
	// average marginal effects.
	At string
	// Design names the data column the effects move, the model's design matrix ("x").
	Design string
	// Prediction selects one of the model's Predictions, 0 for its default.
	Prediction int
	// Effects lists the effects, in the order of the table.
	Effects []Effect
}

// Margins are marginal effects of a model's prediction with their delta-method covariance:
// Stata's margins, dydx(*), with one row per effect and, for a prediction with several
// outcomes (the probability of each outcome of mlogit or ologit), per outcome.
type Margins struct {
	// Estimates are the fit and covariance the effects derive from.
	Estimates *Estimates
	// Response names the prediction differentiated, At the point ("" for averages).
	Response, At string
	// Outcomes gives each row's outcome ("" for a prediction with one outcome), and Labels its
	// effect. Effect, SE, Z, P, Lower and Upper have one entry per row.
	Outcomes, Labels               []string
	Effect, SE, Z, P, Lower, Upper []float64
	// Cov is the delta-method covariance of Effect.
	Cov *mat.SymDense
}

// MarginalEffects returns the effects of spec on the prediction of est's model,
//
//	derivative:       (1/n) Σᵢ Σ_c ∂Pᵢⱼ/∂xᵢ꜀ · ∂xᵢ꜀/∂vᵢ
//	discrete change:  (1/n) Σᵢ [Pᵢⱼ(To) − Pᵢⱼ(From)]
//
// for each outcome j, computed by the engine from the model's prediction graph (derivatives
// with respect to the data by automatic differentiation), with the delta-method covariance
// J V Jᵀ, J the exact Jacobian of the effects with respect to the parameters and V est's
// covariance (so robust or clustered estimates give robust or clustered margins). It returns
// an error if the model declares no predictions, or if the spec does not match the data.
func MarginalEffects(est *Estimates, spec MarginsSpec) (*Margins, error) {
	res := est.Result
	m := res.Model
	if len(spec.Effects) == 0 {
		return nil, fmt.Errorf("stderr: MarginalEffects: no effects to estimate")
	}
	if spec.Data == nil {
		return nil, fmt.Errorf("stderr: MarginalEffects: no data")
	}
	pr, err := mlx.NewPredictor(res.Evaluator().Backend(), m)
	if err != nil {
		return nil, fmt.Errorf("stderr: MarginalEffects: %w", err)
	}
	defer pr.Finalize()
	if spec.Prediction < 0 || spec.Prediction >= len(m.Predictions) {
		return nil, fmt.Errorf("stderr: MarginalEffects: model %q has %d predictions, no number %d", m.Name, len(m.Predictions), spec.Prediction)
	}
	pred := m.Predictions[spec.Prediction]
	outcomes := pred.Outcomes
	if outcomes == nil {
		outcomes = []string{""}
	}
	theta := res.Estimates
	avgs := make([]*mlx.Average, len(spec.Effects))
	for e, eff := range spec.Effects {
		switch {
		case eff.Direction != nil:
			avgs[e], err = pr.AverageDerivative(spec.Data, theta, spec.Prediction, spec.Design, eff.Direction)
		case eff.From != nil && eff.To != nil:
			var from, to *mlx.Average
			if from, err = pr.Average(eff.From, theta, spec.Prediction); err != nil {
				break
			}
			if to, err = pr.Average(eff.To, theta, spec.Prediction); err != nil {
				break
			}
			for j := range to.Value {
				to.Value[j] -= from.Value[j]
			}
			to.Jacobian.Sub(to.Jacobian, from.Jacobian)
			avgs[e] = to
		default:
			err = fmt.Errorf("effect %q has neither a direction nor a pair of datasets", eff.Label)
		}
		if err != nil {
			return nil, fmt.Errorf("stderr: MarginalEffects: %s: %w", eff.Label, err)
		}
	}
	// Rows: outcome-major, the effects in order within each outcome.
	rows := len(outcomes) * len(spec.Effects)
	me := &Margins{Estimates: est, Response: pred.Name, At: spec.At, Effect: make([]float64, rows)}
	jac := mat.NewDense(rows, len(theta), nil)
	r := 0
	for j, o := range outcomes {
		for e, eff := range spec.Effects {
			me.Outcomes = append(me.Outcomes, o)
			me.Labels = append(me.Labels, eff.Label)
			me.Effect[r] = avgs[e].Value[j]
			jac.SetRow(r, avgs[e].Jacobian.RawRowView(j))
			r++
		}
	}
	me.Cov = mat.NewSymDense(rows, nil)
	jl, err := sqrtFactor(jac, est.Cov)
	if err != nil {
		return nil, fmt.Errorf("stderr: MarginalEffects: %w", err)
	}
	me.Cov.SymRankK(me.Cov, 1, jl)
	me.SE, me.Z, me.P, me.Lower, me.Upper = make([]float64, rows), make([]float64, rows), make([]float64, rows), make([]float64, rows), make([]float64, rows)
	crit := est.critical() // Student's t when est has residual degrees of freedom, as Stata's margins after regress
	for r := range rows {
		me.SE[r] = math.Sqrt(me.Cov.At(r, r))
		me.Z[r] = me.Effect[r] / me.SE[r]
		me.P[r] = est.pValue(me.Z[r])
		me.Lower[r] = me.Effect[r] - crit*me.SE[r]
		me.Upper[r] = me.Effect[r] + crit*me.SE[r]
	}
	return me, nil
}

// sqrtFactor returns J·L, where V = L Lᵀ is V's Cholesky factor when V is positive definite,
// so that (JL)(JL)ᵀ = J V Jᵀ is symmetric by construction. A V that is only semi-definite (a
// fixed parameter) falls back to its eigen-decomposition with negative rounding clipped. It
// returns an error if V has no eigen-decomposition (a NaN in it).
func sqrtFactor(jac *mat.Dense, v *mat.SymDense) (*mat.Dense, error) {
	k := v.SymmetricDim()
	l := mat.NewDense(k, k, nil)
	var chol mat.Cholesky
	if chol.Factorize(v) {
		var tri mat.TriDense
		chol.LTo(&tri)
		l.Copy(&tri)
	} else {
		var eig mat.EigenSym
		if !eig.Factorize(v, true) {
			return nil, fmt.Errorf("the covariance of the estimates is not a valid covariance matrix (no eigen-decomposition)")
		}
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
	return &out, nil
}

// Table returns the margins as a table in the layout of Estimates.Table.
func (me *Margins) Table() *Table {
	e := me.Estimates
	labels := make([]string, len(me.Labels))
	for r, l := range me.Labels {
		labels[r] = l
		if me.Outcomes[r] != "" {
			labels[r] = me.Outcomes[r] + ": " + l
		}
	}
	t := InferenceTable("dy/dx", e.Level, e.DF, labels, me.Effect, me.SE, me.Z, me.P, me.Lower, me.Upper)
	kind := "Average marginal effects"
	if me.At != "" {
		kind = "Marginal effects at " + me.At
	}
	t.Title = fmt.Sprintf("%s on %s (%s, covariance %s), N = %d", kind, me.Response, e.Result.Model.Name, e.Kind, e.Result.NumObs)
	t.Notes = []string{"Delta-method standard errors. Factor levels: discrete change from the reference level; other variables: derivative, through every column the variable enters."}
	return t
}

// String returns the margins table as text.
func (me *Margins) String() string { return me.Table().String() }
