package likelihoods

import (
	"math"

	"github.com/gomlx/gomlx/pkg/core/graph"
)

// logGammaShift is how far LogGamma moves its argument up before the Stirling series: at
// z = x + 8 ≥ 8 the first omitted term, 1/(156·z¹³), is below 1.2e-14.
const logGammaShift = 8

// stirling are the coefficients B₂ₖ/(2k(2k−1)) of the Stirling series of log Γ, k = 1..6.
var stirling = []float64{1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360}

// LogGamma returns log Γ(x) for x > 0, written with graph ops (GoMLX has no log-gamma op), so
// that count models (Poisson's log yᵢ!, negative binomial's α terms) can be differentiated:
//
//	log Γ(x) = log Γ(x + 8) − log(x(x+1)⋯(x+7))
//	log Γ(z) ≈ (z − ½)log z − z + ½log(2π) + Σₖ B₂ₖ/(2k(2k−1) z²ᵏ⁻¹)     z = x + 8 ≥ 8
//
// (https://en.wikipedia.org/wiki/Stirling%27s_approximation). Results for x ≤ 0 are not defined.
// It panics on error; call it only while building a graph.
func LogGamma(x *graph.Node) *graph.Node {
	prod := x
	for i := 1; i < logGammaShift; i++ {
		prod = graph.Mul(prod, graph.AddScalar(x, float64(i)))
	}
	z := graph.AddScalar(x, logGammaShift)
	w := graph.Inverse(graph.Square(z))
	series := graph.Scalar(x.Graph(), x.DType(), stirling[len(stirling)-1])
	for i := len(stirling) - 2; i >= 0; i-- { // Horner's rule in 1/z²
		series = graph.AddScalar(graph.Mul(series, w), stirling[i])
	}
	logZ := graph.Log(z)
	stirlingZ := graph.Add(
		graph.Sub(graph.Mul(graph.AddScalar(z, -0.5), logZ), z),
		graph.AddScalar(graph.Div(series, z), 0.5*math.Log(2*math.Pi)))
	return graph.Sub(stirlingZ, graph.Log(prod))
}
