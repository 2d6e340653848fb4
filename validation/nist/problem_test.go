package nist_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gomle/gomle/validation/nist"
)

// dataDir holds the NIST .dat files at the root of the module (see data/nist/README.md).
var dataDir = filepath.Join("..", "..", "data", "nist")

var (
	loadOnce sync.Once
	problems []*nist.Problem
	loadErr  error
)

// loadAll loads every shipped problem once per test binary.
func loadAll(t testing.TB) []*nist.Problem {
	t.Helper()
	loadOnce.Do(func() { problems, loadErr = nist.LoadDir(dataDir) })
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return problems
}

// TestLoad checks what the parser reads from every shipped file: the name, NIST's level of
// difficulty, the number of parameters and observations, and the model translated to expr
// syntax (brackets to parentheses, ** to ^, arctan to atan, pi to its float64 value, and
// Nelson's log[y] response).
func TestLoad(t *testing.T) {
	cases := []struct {
		name, difficulty string
		params, n        int
		response, model  string
	}{
		{"Bennett5", "Higher", 3, 154, "y", "b1 * (b2+x)^(-1/b3)"},
		{"BoxBOD", "Higher", 2, 6, "y", "b1*(1-exp(-b2*x))"},
		{"Chwirut1", "Lower", 3, 214, "y", "exp(-b1*x)/(b2+b3*x)"},
		{"Chwirut2", "Lower", 3, 54, "y", "exp(-b1*x)/(b2+b3*x)"},
		{"DanWood", "Lower", 2, 6, "y", "b1*x^b2"},
		{"ENSO", "Average", 9, 168, "y", "b1 + b2*cos( 2*3.141592653589793*x/12 ) + b3*sin( 2*3.141592653589793*x/12 ) + b5*cos( 2*3.141592653589793*x/b4 ) + b6*sin( 2*3.141592653589793*x/b4 ) + b8*cos( 2*3.141592653589793*x/b7 ) + b9*sin( 2*3.141592653589793*x/b7 )"},
		{"Eckerle4", "Higher", 3, 35, "y", "(b1/b2) * exp(-0.5*((x-b3)/b2)^2)"},
		{"Gauss1", "Lower", 8, 250, "y", "b1*exp( -b2*x ) + b3*exp( -(x-b4)^2 / b5^2 ) + b6*exp( -(x-b7)^2 / b8^2 )"},
		{"Gauss2", "Lower", 8, 250, "y", "b1*exp( -b2*x ) + b3*exp( -(x-b4)^2 / b5^2 ) + b6*exp( -(x-b7)^2 / b8^2 )"},
		{"Gauss3", "Average", 8, 250, "y", "b1*exp( -b2*x ) + b3*exp( -(x-b4)^2 / b5^2 ) + b6*exp( -(x-b7)^2 / b8^2 )"},
		{"Hahn1", "Average", 7, 236, "y", "(b1+b2*x+b3*x^2+b4*x^3) / (1+b5*x+b6*x^2+b7*x^3)"},
		{"Kirby2", "Average", 5, 151, "y", "(b1 + b2*x + b3*x^2) / (1 + b4*x + b5*x^2)"},
		{"Lanczos1", "Average", 6, 24, "y", "b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)"},
		{"Lanczos2", "Average", 6, 24, "y", "b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)"},
		{"Lanczos3", "Lower", 6, 24, "y", "b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)"},
		{"MGH09", "Higher", 4, 11, "y", "b1*(x^2+x*b2) / (x^2+x*b3+b4)"},
		{"MGH10", "Higher", 3, 16, "y", "b1 * exp(b2/(x+b3))"},
		{"MGH17", "Average", 5, 33, "y", "b1 + b2*exp(-x*b4) + b3*exp(-x*b5)"},
		{"Misra1a", "Lower", 2, 14, "y", "b1*(1-exp(-b2*x))"},
		{"Misra1b", "Lower", 2, 14, "y", "b1 * (1-(1+b2*x/2)^(-2))"},
		{"Misra1c", "Average", 2, 14, "y", "b1 * (1-(1+2*b2*x)^(-.5))"},
		{"Misra1d", "Average", 2, 14, "y", "b1*b2*x*((1+b2*x)^(-1))"},
		{"Nelson", "Average", 3, 128, "log(y)", "b1 - b2*x1 * exp(-b3*x2)"},
		{"Rat42", "Higher", 3, 9, "y", "b1 / (1+exp(b2-b3*x))"},
		{"Rat43", "Higher", 4, 15, "y", "b1 / ((1+exp(b2-b3*x))^(1/b4))"},
		{"Roszman1", "Average", 4, 25, "y", "b1 - b2*x - atan(b3/(x-b4))/3.141592653589793"},
		{"Thurber", "Higher", 7, 37, "y", "(b1 + b2*x + b3*x^2 + b4*x^3) / (1 + b5*x + b6*x^2 + b7*x^3)"},
	}
	ps := loadAll(t)
	if len(ps) != len(cases) {
		t.Fatalf("loaded %d problems from %s, want %d", len(ps), dataDir, len(cases))
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := ps[i]
			if p.Name != tc.name || p.Difficulty != tc.difficulty || len(p.Params) != tc.params || p.NumObs() != tc.n {
				t.Errorf("got %s, %s, %d parameters, %d observations; want %s, %s, %d, %d",
					p.Name, p.Difficulty, len(p.Params), p.NumObs(), tc.name, tc.difficulty, tc.params, tc.n)
			}
			if p.Response != tc.response || p.Model != tc.model {
				t.Errorf("model %q ~ %q, want %q ~ %q", p.Response, p.Model, tc.response, tc.model)
			}
			if p.DF != p.NumObs()-len(p.Params) || len(p.Starts[0]) != tc.params || len(p.Starts[1]) != tc.params ||
				len(p.Certified) != tc.params || len(p.CertifiedSD) != tc.params {
				t.Errorf("inconsistent counts: DF %d, starts %d and %d, certified %d, SD %d",
					p.DF, len(p.Starts[0]), len(p.Starts[1]), len(p.Certified), len(p.CertifiedSD))
			}
		})
	}
}

// TestCertifiedRSS validates the translated models and the data: the residual sum of squares
// at the certified estimates must reproduce the certified RSS to 1e-9, relative (the
// certified estimates are rounded to 11 digits, which moves the RSS by far less than that).
//
// Lanczos1 is the exception: its certified RSS, 1.4e-25, is below what rounding the
// certified estimates to 11 digits can resolve (a relative change of 5e-12 in b ≈ 1 moves the
// mean by about 1e-11, and the RSS of 24 such residuals by about 1e-21), and below what
// float64 resolves at all (AttainableRSSLRE). There, every residual at the certified values
// must be below 1e-10 of the largest response instead: the model and data agree to 10 digits.
func TestCertifiedRSS(t *testing.T) {
	for _, p := range loadAll(t) {
		t.Run(p.Name, func(t *testing.T) {
			r, err := p.Residuals(p.Certified)
			if err != nil {
				t.Fatal(err)
			}
			if p.AttainableRSSLRE() >= 9 {
				rss, _ := p.ResidualSS(p.Certified)
				if rel := math.Abs(rss-p.RSS) / p.RSS; rel > 1e-9 {
					t.Errorf("RSS at the certified values %.10e, certified %.10e: relative difference %.2g > 1e-9", rss, p.RSS, rel)
				}
				return
			}
			y, _ := p.Data.Column("y")
			ymax, rmax := 0.0, 0.0
			for i := range r {
				ymax = math.Max(ymax, math.Abs(y[i]))
				rmax = math.Max(rmax, math.Abs(r[i]))
			}
			if rmax > 1e-10*ymax {
				t.Errorf("largest residual at the certified values %.3g, above 1e-10 × max|y| = %.3g", rmax, 1e-10*ymax)
			}
		})
	}
}

// TestParse feeds Parse broken versions of Misra1a.dat and checks that each is refused with a
// message naming what is wrong.
func TestParse(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(dataDir, "Misra1a.dat"))
	if err != nil {
		t.Fatal(err)
	}
	good := string(raw)
	if _, err := nist.Parse(strings.NewReader(strings.ReplaceAll(good, "\n", "\r\n")), "crlf"); err != nil {
		t.Errorf("CRLF line ends: %v", err)
	}
	cases := []struct {
		name    string
		old     string // replaced in Misra1a.dat
		new     string // by this
		message string // expected in the error
	}{
		{"no data location", "Data              (lines 61 to 74)", "", "Data (lines N to M)"},
		{"data beyond the file", "(lines 61 to 74)", "(lines 61 to 99)", "outside the file"},
		{"no error term", "y = b1*(1-exp[-b2*x])  +  e", "y = b1*(1-exp[-b2*x])", "does not end"},
		{"bad model", "y = b1*(1-exp[-b2*x])  +  e", "y = b1*(1-exp[-b2*x)  +  e", "translated"},
		{"bad certified value", "2.3894212918E+02", "2.38942x2918E+02", "not a number"},
		{"missing parameter line", "  b2 =     0.0001      0.0005      5.5015643181E-04  7.2668688436E-06\n", "\n", "announces 2 parameters"},
		{"bad data value", "10.07E0", "10.07F0", "not a number"},
		{"short data row", "      14.73E0     114.9E0", "      14.73E0", "2 columns"},
		{"wrong observation count", "Number of Observations:                            14", "Number of Observations:                            15", "announces 15"},
		{"wrong degrees of freedom", "Degrees of Freedom:                                12", "Degrees of Freedom:                                11", "degrees of freedom"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(good, tc.old) {
				t.Fatalf("Misra1a.dat has no %q", tc.old)
			}
			_, err := nist.Parse(strings.NewReader(strings.Replace(good, tc.old, tc.new, 1)), "broken")
			if err == nil || !strings.Contains(err.Error(), tc.message) {
				t.Errorf("error %v, want one containing %q", err, tc.message)
			}
		})
	}
	if _, err := nist.Load(filepath.Join(dataDir, "none.dat")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// TestLRE checks the log relative error on values worked out by hand.
func TestLRE(t *testing.T) {
	cases := []struct {
		est, cert, want float64
	}{
		{1.0000001, 1, 7},                 // |Δ|/|c| = 1e-7
		{-2.5e-3, -2.5e-3, 11},            // exact: the cap
		{1 + 1e-14, 1, 11},                // 14 digits, capped at the 11 certified
		{2, 1, 0},                         // 100% off: −log₁₀ 1 = 0
		{5, 1, 0},                         // beyond 100% off: floored at 0
		{1e-6, 0, 6},                      // certified zero: −log₁₀|est|
		{math.NaN(), 1, 0},                // not a number: no digits
		{123.45678, 123.45679, 7.0915149}, // −log₁₀(1e-5/123.45679)
	}
	for _, tc := range cases {
		if got := nist.LRE(tc.est, tc.cert); math.Abs(got-tc.want) > 1e-6 {
			t.Errorf("LRE(%v, %v) = %v, want %v", tc.est, tc.cert, got, tc.want)
		}
	}
}
