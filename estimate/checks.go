package estimate

import (
	"fmt"
	"math"
	"strings"

	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/linalg"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/gonum/mat"
)

// collinearityLimit is the condition number of the equilibrated X'X past which regressors are
// called collinear: 1e13, the limit stderr applies to information matrices (about three
// significant digits left in an inverse).
const collinearityLimit = 1e13

// checkDesign returns an error, before any fit, when the regressors cannot identify the
// coefficients: fewer observations than parameters, a column of zeros, or columns that are
// (nearly) linear combinations of each other, which it names, as Stata's "note: x omitted
// because of collinearity" does (gomle reports instead of dropping, so the user chooses).
func checkDesign(model string, n, params int, x *mat.Dense, names []string) error {
	if n < params {
		return fmt.Errorf("estimate: %s: %d observation(s) cannot identify %d parameters", model, n, params)
	}
	_, k := x.Dims()
	xtx := mat.NewSymDense(k, nil)
	xtx.SymOuterK(1, x.T())
	for j := range k {
		if xtx.At(j, j) == 0 {
			return fmt.Errorf("estimate: %s: regressor %s is zero in every row used; drop it", model, names[j])
		}
	}
	scaled, _, ok := linalg.Equilibrate(xtx)
	if !ok {
		return fmt.Errorf("estimate: %s: the regressors are not finite", model)
	}
	d := linalg.Degenerate(scaled, collinearityLimit)
	if len(d.Eigenvalues) == 0 {
		return nil
	}
	var involved []string
	for _, j := range d.Involved {
		involved = append(involved, names[j])
	}
	return fmt.Errorf("estimate: %s: the regressors are collinear (condition number of the scaled X'X %.3g): %s; a constant column duplicates the intercept, dummies for every level do too; drop one of them",
		model, d.Cond, strings.Join(involved, ", "))
}

// checkSeparation returns an error when one regressor alone separates a 0/1 outcome, so that
// the maximum likelihood estimate of a logit or probit does not exist (its coefficient runs to
// ±∞): every y = 1 row has a larger value than every y = 0 row, or the other way round (ties at
// the boundary give quasi-complete separation, which also has no finite MLE for that
// coefficient). This is the check Stata makes before logit and probit; separation by a
// combination of regressors is caught after the fit by checkFitted.
func checkSeparation(model, response string, y []float64, x *mat.Dense, names []string) error {
	n, k := x.Dims()
	for j := range k {
		lo := [2]float64{math.Inf(1), math.Inf(1)}
		hi := [2]float64{math.Inf(-1), math.Inf(-1)}
		for i := range n {
			c := int(y[i])
			lo[c] = math.Min(lo[c], x.At(i, j))
			hi[c] = math.Max(hi[c], x.At(i, j))
		}
		if lo[0] == hi[0] && lo[1] == hi[1] && lo[0] == lo[1] {
			continue // constant, such as the intercept
		}
		if math.IsInf(lo[0], 1) || math.IsInf(lo[1], 1) {
			return fmt.Errorf("estimate: %s: %s is %d in every row used; there is nothing to explain", model, response, boolInt(math.IsInf(lo[0], 1)))
		}
		switch {
		case hi[0] <= lo[1]:
			return fmt.Errorf("estimate: %s: %s separates the outcome: %s = 1 in every row with %s ≥ %g and 0 in every row with %s ≤ %g, so the maximum likelihood estimate does not exist (its coefficient diverges to +∞); drop %s or model it otherwise",
				model, names[j], response, names[j], lo[1], names[j], hi[0], names[j])
		case hi[1] <= lo[0]:
			return fmt.Errorf("estimate: %s: %s separates the outcome: %s = 0 in every row with %s ≥ %g and 1 in every row with %s ≤ %g, so the maximum likelihood estimate does not exist (its coefficient diverges to −∞); drop %s or model it otherwise",
				model, names[j], response, names[j], lo[0], names[j], hi[1], names[j])
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// separationEta is the |xβ| beyond which a binary model predicts an outcome with probability
// within about 2e-9 of 0 or 1 (logit: e^−20 ≈ 2e-9; probit: Φ(−20) ≈ 3e-89).
const separationEta = 20

// completeLogLike bounds the average log-likelihood of a completely separated fit: above
// −1e-6 per observation every outcome has probability at least about 1 − 1e-6·n, which no fit
// with a finite maximum reaches.
const completeLogLike = 1e-6

// checkFitted returns a note when a binary fit predicts some outcomes (almost) perfectly, the
// sign of separation by a combination of regressors, and an error when it predicts all of them:
// complete separation, where the log-likelihood tends to 0 and no estimate exists.
func checkFitted(model string, res *mlx.Result, y []float64, x *mat.Dense) (note string, err error) {
	beta, err := res.Block("beta")
	if err != nil {
		return "", err
	}
	n, k := x.Dims()
	perfect := 0
	for i := range n {
		eta := 0.0
		for j := range k {
			eta += x.At(i, j) * beta[j]
		}
		if (y[i] == 1 && eta > separationEta) || (y[i] == 0 && eta < -separationEta) {
			perfect++
		}
	}
	switch {
	case perfect == n || res.LogLike > -completeLogLike*float64(n):
		return "", fmt.Errorf("estimate: %s: complete separation: a combination of the regressors predicts every outcome (log-likelihood %.3g, tending to 0 as the coefficients grow without bound), so the maximum likelihood estimate does not exist", model, res.LogLike)
	case perfect > 0:
		return fmt.Sprintf("Warning: %d of %d observations are predicted with |xβ| > %d (probability within 2e-9 of the outcome): quasi-complete separation is likely, and some coefficients and their SEs may be meaningless.", perfect, n, separationEta), nil
	}
	return "", nil
}

// marginsOptions returns the options of the average marginal effects of a design: C() dummies
// get discrete changes, and a column is skipped when one of its variables also feeds another
// column (x beside I(x^2) or x:z), since no single column's derivative is then that variable's
// effect; note says which were skipped.
func marginsOptions(d *frame.Design, offset []float64) (*stderr.MarginsOptions, string) {
	o := &stderr.MarginsOptions{Offset: offset, Factor: d.Factor, Skip: make([]bool, len(d.Names))}
	feeds := map[string][]int{} // variable -> the columns computed from it
	for j, vars := range d.Vars {
		for _, v := range vars {
			feeds[v] = append(feeds[v], j)
		}
	}
	var skipped []string
	for j, vars := range d.Vars {
		for _, v := range vars {
			for _, c := range feeds[v] {
				if c != j && (d.Factor[j] == "" || d.Factor[c] != d.Factor[j]) {
					o.Skip[j] = true
				}
			}
		}
		if o.Skip[j] {
			skipped = append(skipped, d.Names[j])
		}
	}
	if len(skipped) == 0 {
		return o, ""
	}
	return o, fmt.Sprintf("No marginal effect reported for %s: their variables enter several columns, so no one column's derivative is a variable's effect.", strings.Join(skipped, ", "))
}
