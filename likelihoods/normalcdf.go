package likelihoods

import (
	"math"

	"github.com/gomlx/gomlx/pkg/core/graph"
)

// logCDFSwitch is where LogNormalCDF leaves erf for the asymptotic series. At z = −6 both have
// a relative error near 1e-7 in Φ: erf's branch from the cancellation in 1 + erf(z/√2) when
// Φ(z) ≈ 1e-9, the series from its first omitted term, 10395/z¹⁴ ≈ 1.3e-7.
const logCDFSwitch = -6.0

// millsSeries are the coefficients (−1)ⁿ(2n−1)!! of the asymptotic series of Mills' ratio in
// powers of 1/z², https://en.wikipedia.org/wiki/Mills_ratio.
var millsSeries = []float64{1, -1, 3, -15, 105, -945}

// LogNormalCDF returns log Φ(z), the log of the standard normal distribution function, safe
// far into the lower tail where Φ(z) underflows and log Φ(z) computed directly would be −Inf,
// with finite gradients everywhere (Tobit, probit and other censored models need it):
//
//	log Φ(z) = log(½(1 + erf(z/√2)))                                 z ≥ −6
//	log Φ(z) ≈ −z²/2 − log(−z) − ½log(2π) + log Σₙ (−1)ⁿ(2n−1)!!/z²ⁿ     z < −6
//
// Each branch sees its input clamped to its own side, so the branch not taken never produces
// an Inf or NaN that would leak into gradients through Where.
// It panics on error; call it only while building a graph.
func LogNormalCDF(z *graph.Node) *graph.Node {
	g, dtype := z.Graph(), z.DType()
	cut := graph.Scalar(g, dtype, logCDFSwitch)
	hi := graph.Max(z, cut)
	lo := graph.Min(z, cut)
	erfBranch := graph.Log(graph.MulScalar(graph.OnePlus(graph.Erf(graph.MulScalar(hi, 1/math.Sqrt2))), 0.5))

	w := graph.Inverse(graph.Square(lo))
	series := graph.Scalar(g, dtype, millsSeries[len(millsSeries)-1])
	for i := len(millsSeries) - 2; i >= 0; i-- { // Horner's rule in w = 1/z²
		series = graph.AddScalar(graph.Mul(series, w), millsSeries[i])
	}
	asym := graph.Sub(graph.MulScalar(graph.Square(lo), -0.5),
		graph.AddScalar(graph.Sub(graph.Log(graph.Neg(lo)), graph.Log(series)), 0.5*math.Log(2*math.Pi)))
	return graph.Where(graph.GreaterOrEqual(z, cut), erfBranch, asym)
}

// NormalCDF returns Φ(z), the standard normal distribution function, as exp(LogNormalCDF(z)):
// accurate to about 1e-7 relative in the far lower tail and to rounding elsewhere, with exact
// derivatives of every order. It panics on error; call it only while building a graph.
func NormalCDF(z *graph.Node) *graph.Node { return graph.Exp(LogNormalCDF(z)) }

// NormalPDF returns φ(z) = exp(−z²/2)/√(2π), the standard normal density.
func NormalPDF(z *graph.Node) *graph.Node {
	return graph.MulScalar(graph.Exp(graph.MulScalar(graph.Square(z), -0.5)), 1/math.Sqrt(2*math.Pi))
}
