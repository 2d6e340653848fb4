package likelihoods

import (
	"fmt"
	"math"

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
		Name:        name,
		Blocks:      blocks,
		Indices:     []mlx.Index{{Block: "beta", Design: "x"}},
		Predictions: durationPredictions(shape),
		LogLikeObs: func(p mlx.Params, d mlx.Data) *graph.Node {
			t, fail := d.Get("t"), d.Get("d")
			eta := p.Index("beta")
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

// durationPredictions are, as Stata's predict after streg: the median survival time (the
// default), solving S(t) = exp(−e^η t^p) = ½,
//
//	median = (log 2 · e^−η)^(1/p)
//
// the mean survival time Γ(1 + 1/p)·e^(−η/p), the hazard at the observed time, p t^(p−1) e^η,
// and the survival probability at the observed time, S(t) = exp(−e^η t^p) (Stata's surv; p = 1
// for the exponential model).
func durationPredictions(shape bool) []mlx.Prediction {
	// invP returns 1/p, or nil for the exponential model.
	invP := func(p mlx.Params) *graph.Node {
		if !shape {
			return nil
		}
		return graph.Inverse(p.Scalar("p"))
	}
	return []mlx.Prediction{
		{Name: "median time", Func: func(p mlx.Params, _ mlx.Data) *graph.Node {
			eta := p.Index("beta")
			logMedian := graph.Sub(graph.Scalar(eta.Graph(), eta.DType(), math.Log(math.Ln2)), eta)
			if ip := invP(p); ip != nil {
				logMedian = graph.Mul(logMedian, ip)
			}
			return graph.Exp(logMedian)
		}},
		{Name: "mean time", Func: func(p mlx.Params, _ mlx.Data) *graph.Node {
			eta := p.Index("beta")
			ip := invP(p)
			if ip == nil {
				return graph.Exp(graph.Neg(eta))
			}
			return graph.Exp(graph.Sub(LogGamma(graph.OnePlus(ip)), graph.Mul(eta, ip)))
		}},
		{Name: "hazard", Func: func(p mlx.Params, d mlx.Data) *graph.Node {
			eta := p.Index("beta")
			if !shape {
				return graph.Exp(eta)
			}
			shapeP := p.Scalar("p")
			logT := graph.Log(d.Get("t"))
			return graph.Exp(graph.Add(graph.Add(eta, graph.Log(shapeP)), graph.Mul(graph.AddScalar(shapeP, -1), logT)))
		}},
		{Name: "survival", Func: func(p mlx.Params, d mlx.Data) *graph.Node {
			eta := p.Index("beta")
			logT := graph.Log(d.Get("t"))
			if shape {
				logT = graph.Mul(p.Scalar("p"), logT)
			}
			return graph.Exp(graph.Neg(graph.Exp(graph.Add(eta, logT))))
		}},
	}
}

var (
	weibullFamily     = &Family{Name: "weibull", Doc: "Weibull proportional hazards, right censoring", Takes: TakesFailure, EForm: "Haz. ratio", Build: buildDuration("weibull")}
	exponentialFamily = &Family{Name: "exponential", Doc: "exponential proportional hazards, right censoring", Takes: TakesFailure, EForm: "Haz. ratio", Build: buildDuration("exponential")}
)

// buildDuration checks positive durations and a 0/1 failure indicator, and starts at the
// exponential constant-only MLE, log(failures / total time) (and p = 1).
func buildDuration(name string) func(*Data, Options) (*Problem, error) {
	return func(d *Data, _ Options) (*Problem, error) {
		if err := checkValues(d, name, "the duration "+d.Response, d.Y, func(v float64) bool { return v > 0 }, "positive"); err != nil {
			return nil, err
		}
		fail := make([]float64, len(d.Y))
		var notes []string
		if d.Failure != nil {
			copy(fail, d.Failure)
			if err := checkValues(d, name, "the failure indicator", fail, func(v float64) bool { return v == 0 || v == 1 }, "0 or 1"); err != nil {
				return nil, err
			}
		} else {
			for i := range fail {
				fail[i] = 1
			}
			notes = append(notes, "Note: no failure indicator given (Failure, -failure): every row is taken as a failure, none as censored.")
		}
		events, exposure := 0.0, 0.0
		for i, t := range d.Y {
			events += fail[i]
			exposure += t
		}
		if events == 0 {
			return nil, fmt.Errorf("likelihoods: %s: no failures in the data (every duration is censored); the hazard cannot be estimated", name)
		}
		_, k := d.X.Dims()
		start := make([]float64, k)
		if j := interceptIndex(d.X); j >= 0 {
			start[j] = math.Log(events / exposure)
		}
		var p *Problem
		if name == "weibull" {
			p = matrixProblem(Weibull(k), mlx.Vector("t", d.Y), d, append(start, 1), mlx.Vector("d", fail))
		} else {
			p = matrixProblem(Exponential(k), mlx.Vector("t", d.Y), d, start, mlx.Vector("d", fail))
		}
		p.Notes = notes
		return p, nil
	}
}
