package likelihoods

import (
	"fmt"
	"math"
	"strings"

	"github.com/gomle/gomle/mlx"
	"gonum.org/v1/gonum/mat"
)

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
			return fmt.Errorf("likelihoods: %s: %s is %d in every row used; there is nothing to explain", model, response, boolInt(math.IsInf(lo[0], 1)))
		}
		var high, low int // the outcome of the rows with the larger and the smaller values
		var sign string
		switch {
		case hi[0] <= lo[1]:
			high, low, sign = 1, 0, "+∞"
		case hi[1] <= lo[0]:
			high, low, sign = 0, 1, "−∞"
		default:
			continue
		}
		return fmt.Errorf("likelihoods: %s: %s separates the outcome: %s, so the maximum likelihood estimate does not exist (its coefficient diverges to %s); drop %s or model it otherwise",
			model, names[j], separationClauses(response, names[j], x.ColView(j), high, low, lo[high], hi[low]), sign, names[j])
	}
	return nil
}

// separationClauses describes a separation by column col: the rows with values ≥ from have
// outcome high and those with values ≤ to outcome low, to ≤ from. For complete separation
// (to < from) it names both sides; for quasi-complete separation (to = from = c, rows at c
// having both outcomes) it names only the sides that hold strictly, x > c and x < c, and
// those that have rows. A 0/1 column (a dummy, such as a C() level) is described by its
// values, d = 1 and d = 0, not by inequalities.
func separationClauses(response, name string, col mat.Vector, high, low int, from, to float64) string {
	dummy, above, below := true, false, false
	for i := range col.Len() {
		v := col.AtVec(i)
		dummy = dummy && (v == 0 || v == 1)
		above = above || v > to
		below = below || v < from
	}
	// cond writes "name op v", or for a dummy the value the condition leaves.
	cond := func(op string, v float64) string {
		if dummy {
			switch {
			case op == ">" || op == "≥" && v == 1:
				return name + " = 1"
			case op == "<" || op == "≤" && v == 0:
				return name + " = 0"
			}
		}
		return fmt.Sprintf("%s %s %g", name, op, v)
	}
	if to < from {
		return fmt.Sprintf("%s = %d in every row with %s and %d in every row with %s", response, high, cond("≥", from), low, cond("≤", to))
	}
	var parts []string
	if above {
		parts = append(parts, fmt.Sprintf("%s = %d in every row with %s", response, high, cond(">", to)))
	}
	if below {
		parts = append(parts, fmt.Sprintf("%d in every row with %s", low, cond("<", from)))
		if !above {
			parts[0] = response + " = " + parts[0]
		}
	}
	clause := strings.Join(parts, " and ")
	if dummy {
		return clause
	}
	return clause + fmt.Sprintf(" (rows with %s = %g have both outcomes)", name, to)
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
	if perfect == n {
		return "", completeSeparation(model, res)
	}
	if err := checkComplete(model, res); err != nil {
		return "", err
	}
	switch {
	case perfect > 0:
		return fmt.Sprintf("Warning: %d of %d observations are predicted with |xβ| > %d (probability within 2e-9 of the outcome): quasi-complete separation is likely, and some coefficients and their SEs may be meaningless.", perfect, n, separationEta), nil
	}
	return "", nil
}

// checkComplete returns an error when a fit of a model for discrete outcomes predicts every
// outcome with probability near 1: its log-likelihood tends to 0 as the coefficients grow
// without bound, and no maximum likelihood estimate exists.
func checkComplete(model string, res *mlx.Result) error {
	if res.LogLike > -completeLogLike*float64(res.NumObs) {
		return completeSeparation(model, res)
	}
	return nil
}

// completeSeparation is the error of checkComplete.
func completeSeparation(model string, res *mlx.Result) error {
	return fmt.Errorf("likelihoods: %s: complete separation: a combination of the regressors predicts every outcome (log-likelihood %.3g, tending to 0 as the coefficients grow without bound), so the maximum likelihood estimate does not exist", model, res.LogLike)
}
