package nist_test

import (
	"fmt"
	"log"
	"path/filepath"

	"github.com/gomle/gomle/validation/nist"
)

// ExampleLoad reads NIST's Misra1a problem and prints the model, translated for estimate.NLS,
// with its certified results.
func ExampleLoad() {
	p, err := nist.Load(filepath.Join("..", "..", "data", "nist", "Misra1a.dat"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Name, p.Difficulty, p.NumObs(), "observations")
	fmt.Println("NIST:   ", p.NISTModel)
	fmt.Println("formula:", p.Formula())
	for j, name := range p.Params {
		fmt.Printf("%s: starts %g and %g, certified %.10e (SD %.4e)\n", name, p.Starts[0][j], p.Starts[1][j], p.Certified[j], p.CertifiedSD[j])
	}
	fmt.Printf("RSS %.10e, residual SD %.10e, %d degrees of freedom\n", p.RSS, p.ResidualSD, p.DF)
	// Output:
	// Misra1a Lower 14 observations
	// NIST:    y = b1*(1-exp[-b2*x])  +  e
	// formula: y ~ b1*(1-exp(-b2*x))
	// b1: starts 500 and 250, certified 2.3894212918e+02 (SD 2.7070e+00)
	// b2: starts 0.0001 and 0.0005, certified 5.5015643181e-04 (SD 7.2669e-06)
	// RSS 1.2455138894e-01, residual SD 1.0187876330e-01, 12 degrees of freedom
}

// ExampleLRE counts the significant digits an estimate shares with a certified value.
func ExampleLRE() {
	fmt.Printf("%.1f\n", nist.LRE(238.94212919, 2.3894212918e+02))
	fmt.Printf("%.1f\n", nist.LRE(238.9421, 2.3894212918e+02))
	// Output:
	// 10.4
	// 6.9
}
