package likelihoods

import (
	"fmt"

	"github.com/gomle/gomle/mlx"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// Weibull returns the Weibull proportional-hazards regression for right-censored durations,
// Stata's streg, distribution(weibull) in its default (log relative-hazard) metric. The hazard
// and survival functions are
//
//	h(t) = p·t^(p−1)·exp(xβ),  S(t) = exp(−exp(xβ)·t^p)
//
// and an observation contributes the density f = h·S if its failure was observed (dᵢ = 1) and
// S if it was censored at tᵢ (dᵢ = 0):
//
//	ℓᵢ = dᵢ·(xᵢβ + log p + (p−1)·log tᵢ) − exp(xᵢβ + p·log tᵢ)
//
// (https://en.wikipedia.org/wiki/Weibull_distribution). exp(xβ) multiplies the hazard, so
// exp(βⱼ) is a hazard ratio; Stata's accelerated-failure-time metric (streg, time) has
// coefficients −β/p. ℓ is the full log-density of the observed durations, (p−1)·log tᵢ
// included.
//
// Blocks, in order: "beta" (k entries, labelled b0, b1, …; identity), "p" (1 entry, Positive:
// estimated as log p, Stata's /ln_p; the table reports p with its delta-method SE, as Stata's p
// line does). p < 1 is a falling hazard, p > 1 a rising one, p = 1 the exponential model.
//
// Data: "t", durations, all > 0 (log t enters; a zero makes the log-likelihood non-finite,
// which Fit reports); "d", 1 for an observed failure and 0 for a right-censored duration; and
// "x", an n×k design matrix. It panics if k < 1.
func Weibull(k int) *mlx.Model {
	return duration("weibull", k, true)
}

// Exponential returns the exponential proportional-hazards regression, Stata's streg,
// distribution(exponential): the Weibull model with p = 1, a constant hazard
// h(t) = exp(xβ) and S(t) = exp(−exp(xβ)·t), so
//
//	ℓᵢ = dᵢ·xᵢβ − exp(xᵢβ)·tᵢ
//
// Blocks: "beta" (k entries, labelled b0, b1, …; identity). Data as Weibull: "t" (> 0), "d"
// (1 failure, 0 right-censored) and "x" (n×k). It panics if k < 1.
func Exponential(k int) *mlx.Model {
	return duration("exponential", k, false)
}

// duration builds the Weibull model, or with shape false the exponential one.
func duration(name string, k int, shape bool) *mlx.Model {
	if k < 1 {
		panic(fmt.Sprintf("likelihoods: %s regression needs at least one regressor, got k=%d", name, k))
	}
	blocks := []mlx.Block{{Name: "beta", Size: k, Labels: coefLabels(k)}}
	if shape {
		blocks = append(blocks, mlx.Block{Name: "p", Size: 1, Transform: mlx.Positive})
	}
	return &mlx.Model{
		Name:   name,
		Blocks: blocks,
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			t, fail := d.Get("t"), d.Get("d")
			eta := graph.Dot(d.Get("x"), p.Get("beta"))
			if !shape {
				return graph.Sub(graph.Mul(fail, eta), graph.Mul(graph.Exp(eta), t))
			}
			logT := graph.Log(t)
			shapeP := p.Scalar("p")
			// exp(η)·t^p as one exp(η + p·log t), which cannot overflow where the product would not.
			cum := graph.Exp(graph.Add(eta, graph.Mul(shapeP, logT)))
			logHazard := graph.Add(graph.Add(eta, graph.Log(shapeP)), graph.Mul(graph.AddScalar(shapeP, -1), logT))
			return graph.Sub(graph.Mul(fail, logHazard), cum)
		},
	}
}
