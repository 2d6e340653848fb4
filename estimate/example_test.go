package estimate_test

import (
	"fmt"
	"log"

	"github.com/gomle/gomle/backend"
	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/frame"
)

// ExampleFit fits Stata's logit of the Spector data by formula: the coefficients, the LR test
// against the intercept-only model, McFadden's pseudo-R² and the average marginal effects.
func ExampleFit() {
	b, _, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	f, err := frame.ReadFile("../data/spector.csv", frame.Options{})
	if err != nil {
		log.Fatal(err)
	}
	rep, err := estimate.Fit(b, f, estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI"})
	if err != nil {
		log.Fatal(err)
	}
	e := rep.Estimates
	for i, l := range e.Labels {
		fmt.Printf("%-9s %8.4f (%.4f)\n", l, e.Params[i], e.SE[i])
	}
	fmt.Printf("LR chi2(%d) = %.3f, pseudo-R2 = %.4f\n", rep.LR.DF, rep.LR.Stat, rep.PseudoR2)
	fmt.Printf("AME of GPA %.4f (%.4f)\n", rep.Margins.Effect[0], rep.Margins.SE[0])
	// Output:
	// Intercept -13.0213 (4.9313)
	// GPA         2.8261 (1.2629)
	// TUCE        0.0952 (0.1416)
	// PSI         2.3787 (1.0646)
	// LR chi2(3) = 15.404, pseudo-R2 = 0.3740
	// AME of GPA 0.3626 (0.1094)
}

// ExampleNLS fits NIST's Misra1a, y = b1(1 − exp(−b2·x)), from NIST's first start.
func ExampleNLS() {
	b, _, err := backend.New()
	if err != nil {
		log.Fatal(err)
	}
	f, err := frame.ReadFile("../data/misra1a.csv", frame.Options{})
	if err != nil {
		log.Fatal(err)
	}
	rep, err := estimate.NLS(b, f, estimate.NLSSpec{Formula: "y ~ b1*(1 - exp(-b2*x))", Start: map[string]float64{"b1": 500, "b2": 1e-4}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("b1 = %.6g, b2 = %.6g, converged: %v\n", rep.Result.Estimates[0], rep.Result.Estimates[1], rep.Result.Status.Converged())
	// Output:
	// b1 = 238.942, b2 = 0.000550156, converged: true
}
