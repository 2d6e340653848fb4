package nist

import "math"

// CertifiedDigits is the number of significant digits NIST certifies, the cap of LRE.
const CertifiedDigits = 11

// LRE returns the log relative error of est against the certified value cert, the number of
// leading digits in which they agree (McCullough, "Assessing the reliability of statistical
// software", The American Statistician 52, 1998):
//
//	LRE = −log₁₀(|est − cert| / |cert|)
//
// (−log₁₀|est| when cert = 0), capped at CertifiedDigits and floored at 0. A NaN or infinite
// est has LRE 0.
func LRE(est, cert float64) float64 {
	if math.IsNaN(est) || math.IsInf(est, 0) {
		return 0
	}
	if est == cert {
		return CertifiedDigits
	}
	var v float64
	if cert == 0 {
		v = -math.Log10(math.Abs(est))
	} else {
		v = -math.Log10(math.Abs(est-cert) / math.Abs(cert))
	}
	return math.Max(0, math.Min(CertifiedDigits, v))
}

// AttainableRSSLRE returns the number of digits of the residual sum of squares that float64
// arithmetic can resolve on a problem: rounding each residual yᵢ − f(xᵢ, b) to about ε|yᵢ|
// changes the RSS by about 2ε·max|yᵢ|·√RSS, so
//
//	attainable = −log₁₀(2ε·max|yᵢ| / √RSS),  ε = 2⁻⁵²,
//
// capped at CertifiedDigits. It is about 2.5 for Lanczos1, whose certified RSS is 1.4e-25 with
// responses near 1, and above 12 for every other problem shipped here.
func (p *Problem) AttainableRSSLRE() float64 {
	y, err := p.response()
	if err != nil {
		return 0
	}
	ymax := 0.0
	for _, v := range y {
		ymax = math.Max(ymax, math.Abs(v))
	}
	return math.Min(CertifiedDigits, -math.Log10(2*0x1p-52*ymax/math.Sqrt(p.RSS)))
}

// MinLRE is the number of correct significant digits a fit must reach in every estimate, and,
// where float64 can resolve them (RequiredLRE), in the residual sum of squares, the residual
// standard deviation and the Gauss–Newton standard errors.
const MinLRE = 6

// RequiredLRE returns the LRE to require of p's residual sum of squares, residual standard
// deviation and standard errors: MinLRE, or one digit less than AttainableRSSLRE where that is
// fewer (Lanczos1 only; the standard deviation and standard errors scale with √RSS and fare
// no better than the RSS).
func (p *Problem) RequiredLRE() float64 { return math.Min(MinLRE, p.AttainableRSSLRE()-1) }
