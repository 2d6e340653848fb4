package likelihoods

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// Poisson returns the Poisson regression with a log link, μᵢ = exp(xᵢβ + oᵢ):
//
//	ℓᵢ = yᵢ·ηᵢ − exp(ηᵢ) − log(yᵢ!),  ηᵢ = xᵢβ + oᵢ
//
// with log(yᵢ!) = LogGamma(yᵢ + 1), so the log-likelihood is the full one that Stata and
// statsmodels report. Blocks: "beta" (k entries, labelled b0, b1, …; identity). Data: "y",
// non-negative counts, and "x", an n×k design matrix; with offset true also "offset", the
// oᵢ, for example log exposure (Stata's exposure(t) is offset log t). It panics if k < 1.
func Poisson(k int, offset bool) *mlx.Model {
	if k < 1 {
		panic(fmt.Sprintf("likelihoods: Poisson needs at least one regressor, got k=%d", k))
	}
	return &mlx.Model{
		Name:    "poisson",
		Blocks:  []mlx.Block{{Name: "beta", Size: k, Labels: coefLabels(k)}},
		Indices: countIndex(offset),
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			y, eta := d.Get("y"), p.Index("beta")
			return graph.Sub(graph.Sub(graph.Mul(y, eta), graph.Exp(eta)), LogGamma(graph.OnePlus(y)))
		},
		Predictions: countMean,
	}
}

// countIndex returns the index of the count models: xβ, plus the column "offset" if offset.
func countIndex(offset bool) []mlx.Index {
	if offset {
		return []mlx.Index{{Block: "beta", Design: "x", Offset: "offset"}}
	}
	return []mlx.Index{{Block: "beta", Design: "x"}}
}

// countMean is the prediction of the count models, E[y] = exp(xβ + offset) (Stata's
// predict, n, with the exposure).
var countMean = []mlx.Prediction{{Name: "E[y]", Func: func(p mlx.Params, _ mlx.Data) *graph.Node {
	return graph.Exp(p.Index("beta"))
}}}

var (
	poissonFamily = &Family{Name: "poisson", Doc: "Poisson regression, E[y] = exp(xβ + offset)", Takes: TakesOffset, EForm: "IRR", Build: buildCount(false)}
	nbregFamily   = &Family{Name: "nbreg", Doc: "negative binomial NB2, Var[y] = μ + αμ²", Takes: TakesOffset, EForm: "IRR", Build: buildCount(true)}
)

// countCheckBudget bounds n·k², the work of the host-side checks of buildCount (the separation
// search's SVD of the rows with y > 0 and, for NB2, a Poisson fit by Newton's method on the
// host): they cost O(n·k²) on one core, 0.9 s and 5.7 s at n = 10⁶, k = 20 here, as much as the
// fit itself on an accelerator. Above the budget, data of the size the engine's devices are
// for, they are skipped and the fit reports what it finds.
const countCheckBudget = 5e7

// buildCount checks non-negative counts, that the MLE exists (not all zero, no separation of
// the zeros, checkCountSeparation; for NB2, overdispersion, checkOverdispersion; the last two
// within countCheckBudget) and starts at the constant-only fit, log ȳ − mean
// offset, as Stata does (and α = 1 for NB2).
func buildCount(negbin bool) func(*Data, Options) (*Problem, error) {
	name := "poisson"
	if negbin {
		name = "nbreg"
	}
	return func(d *Data, _ Options) (*Problem, error) {
		if err := checkValues(d, name, d.Response, d.Y, func(v float64) bool { return v >= 0 }, "a non-negative count"); err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(d.Y, func(y float64) bool { return y > 0 }) {
			// ℓ rises without bound as the rate goes to 0 (the intercept to −∞): no estimate.
			return nil, fmt.Errorf("likelihoods: %s: %s is 0 in every row used; the maximum likelihood estimate does not exist (the rate's estimate is 0, the intercept runs to −∞)", name, d.Response)
		}
		if n, k := d.X.Dims(); float64(n)*float64(k)*float64(k) <= countCheckBudget {
			if err := checkCountSeparation(name, d); err != nil {
				return nil, err
			}
			if negbin {
				if err := checkOverdispersion(name, d); err != nil {
					return nil, err
				}
			}
		}
		meanOffset, meanY := 0.0, 0.0
		for i, y := range d.Y {
			meanY += y / float64(len(d.Y))
			if d.Offset != nil {
				meanOffset += d.Offset[i] / float64(len(d.Y))
			}
		}
		_, k := d.X.Dims()
		start := make([]float64, k)
		if j := interceptIndex(d.X); j >= 0 && meanY > 0 {
			start[j] = math.Log(meanY) - meanOffset
		}
		var extra []mlx.Column
		if d.Offset != nil {
			extra = append(extra, mlx.Vector("offset", d.Offset))
		}
		if negbin {
			return matrixProblem(NegBin2(k, d.Offset != nil), mlx.Vector("y", d.Y), d, append(start, 1), extra...), nil
		}
		return matrixProblem(Poisson(k, d.Offset != nil), mlx.Vector("y", d.Y), d, start, extra...), nil
	}
}
