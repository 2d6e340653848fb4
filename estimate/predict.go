package estimate

import (
	"fmt"
	"math"
	"strings"

	"github.com/gomle/gomle/mlx"
	"gonum.org/v1/gonum/mat"
)

// Predictions are per-row predictions of a fit, Stata's predict and R's predict and
// residuals: one value per row the fit used, in data order.
type Predictions struct {
	// Rows gives the data row (0-based, the header not counted) of each value: the rows the
	// fit used. Rows dropped for missing values have no prediction.
	Rows []int
	// Columns hold the predictions, in this order: the linear index "xb" (with the offset,
	// as Stata's xb) for models with one index; every prediction the model declares, one
	// column per outcome ("Pr(y=j)[2]") for a prediction with several; and for ols, logit,
	// probit, poisson and nbreg the residuals "resid" (response, y − μ), "pearson" and
	// "deviance", as R's residuals(type = ...) computes them for glm (for ols all three are
	// y − μ, as R's for lm).
	Columns []PredictionColumn
}

// PredictionColumn is one predicted quantity per row, with its standard error by the delta
// method, √(Jᵢ V Jᵢᵀ) with Jᵢ its exact gradient with respect to the parameters and V the
// report's covariance (so robust or clustered when the report's is). SE is nil for residuals.
type PredictionColumn struct {
	Name   string
	Values []float64
	SE     []float64
}

// Predict returns the report's predictions at the estimates on the rows the fit used. Choice
// data (clogit), whose observations are choice sets rather than rows, get an error, as do
// nonlinear regressions (NLS), whose mean and residuals NLSFormula gives.
func (r *Report) Predict() (*Predictions, error) {
	if r.NLS != nil {
		return nil, fmt.Errorf("estimate: predictions of a nonlinear regression: use NLSFormula's mean and residuals")
	}
	if r.in == nil || r.Result.Evaluator() == nil {
		return nil, fmt.Errorf("estimate: the report has no fit to predict from")
	}
	if perAlternativeDesign(r.prob) {
		return nil, fmt.Errorf("estimate: %s: per-row predictions of choice data are not supported", r.Spec.Model)
	}
	res, e := r.Result, r.Estimates
	out := &Predictions{Rows: r.Design.Rows}
	if xb, ok := r.linearIndex(); ok {
		out.Columns = append(out.Columns, xb)
	}
	pr, err := mlx.NewPredictor(res.Evaluator().Backend(), res.Model)
	if err != nil {
		return nil, err
	}
	defer pr.Finalize()
	data := res.Evaluator().Data()
	var mu []float64 // the first prediction, E[y] or Pr(y=1), for the residuals
	for k, p := range res.Model.Predictions {
		values, jacs, err := pr.PredictJacobian(data, res.Estimates, k)
		if err != nil {
			return nil, err
		}
		for o, jac := range jacs {
			name := p.Name
			switch {
			case p.Outcomes != nil && strings.HasPrefix(p.Name, "Pr(") && strings.Contains(p.Outcomes[o], "="):
				name = "Pr(" + p.Outcomes[o] + ")" // Pr(PID=2), not Pr(PID)[PID=2]
			case p.Outcomes != nil:
				name = fmt.Sprintf("%s[%s]", p.Name, p.Outcomes[o])
			}
			col := PredictionColumn{Name: name, Values: mat.Col(nil, o, values), SE: deltaSE(jac, e.Cov)}
			if mu == nil {
				mu = col.Values
			}
			out.Columns = append(out.Columns, col)
		}
	}
	out.Columns = append(out.Columns, r.residuals(mu)...)
	return out, nil
}

// linearIndex returns xβ + offset and its standard error for a model whose first block is the
// coefficients of the design (every model but mlogit, whose index has a column per outcome).
func (r *Report) linearIndex() (PredictionColumn, bool) {
	x := r.in.data.X
	n, k := x.Dims()
	m := r.Result.Model
	if len(m.Indices) != 1 || m.Blocks[0].Name != m.Indices[0].Block || m.Blocks[0].Size != k {
		return PredictionColumn{}, false
	}
	beta := r.Estimates.Params[:k]
	var vb mat.SymDense
	vb.SubsetSym(r.Estimates.Cov, seq(k))
	col := PredictionColumn{Name: "xb", Values: make([]float64, n), SE: make([]float64, n)}
	var vx mat.VecDense
	for i := range n {
		row := x.RawRowView(i)
		col.Values[i] = mat.Dot(mat.NewVecDense(k, row), mat.NewVecDense(k, beta))
		if r.in.data.Offset != nil {
			col.Values[i] += r.in.data.Offset[i]
		}
		vx.MulVec(&vb, mat.NewVecDense(k, row))
		col.SE[i] = math.Sqrt(mat.Dot(&vx, mat.NewVecDense(k, row)))
	}
	return col, true
}

// seq returns 0, 1, …, n−1.
func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// deltaSE returns √(Jᵢ V Jᵢᵀ) for each row Jᵢ of jac.
func deltaSE(jac *mat.Dense, v *mat.SymDense) []float64 {
	n, _ := jac.Dims()
	var jv mat.Dense
	jv.Mul(jac, v)
	se := make([]float64, n)
	for i := range n {
		se[i] = math.Sqrt(math.Max(0, mat.Dot(jv.RowView(i), jac.RowView(i))))
	}
	return se
}

// residuals returns the response, Pearson and deviance residuals of the models with a mean
// and a variance function (R's residuals.glm), given the fitted means mu.
func (r *Report) residuals(mu []float64) []PredictionColumn {
	y := r.in.data.Y
	var variance func(m float64) float64
	var deviance func(y, m float64) float64 // the row's contribution to the deviance
	switch r.Spec.Model {
	case "ols":
		variance = func(float64) float64 { return 1 }
		deviance = func(y, m float64) float64 { return (y - m) * (y - m) }
	case "logit", "probit":
		variance = func(m float64) float64 { return m * (1 - m) }
		deviance = func(y, m float64) float64 { return -2 * (xlogy(y, m) + xlogy(1-y, 1-m)) }
	case "poisson":
		variance = func(m float64) float64 { return m }
		deviance = func(y, m float64) float64 { return 2 * (xlogy(y, y/m) - (y - m)) }
	case "nbreg":
		alpha := r.Result.Estimates[len(r.Result.Estimates)-1]
		theta := 1 / alpha
		variance = func(m float64) float64 { return m + alpha*m*m }
		deviance = func(y, m float64) float64 {
			return 2 * (xlogy(y, y/m) - (y+theta)*math.Log((y+theta)/(m+theta)))
		}
	default:
		return nil
	}
	resp, pearson, dev := make([]float64, len(y)), make([]float64, len(y)), make([]float64, len(y))
	for i := range y {
		resp[i] = y[i] - mu[i]
		pearson[i] = resp[i] / math.Sqrt(variance(mu[i]))
		dev[i] = math.Copysign(math.Sqrt(math.Max(0, deviance(y[i], mu[i]))), resp[i])
	}
	return []PredictionColumn{{Name: "resid", Values: resp}, {Name: "pearson", Values: pearson}, {Name: "deviance", Values: dev}}
}

// xlogy returns x·log(y), 0 when x is 0.
func xlogy(x, y float64) float64 {
	if x == 0 {
		return 0
	}
	return x * math.Log(y)
}
