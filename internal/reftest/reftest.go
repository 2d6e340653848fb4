// Package reftest reads the reference results that tests compare with: JSON files of numbers
// published by Stata, R or NIST, kept in each package's testdata/ with their sources named.
package reftest

import (
	"encoding/json"
	"os"
	"testing"
)

// Result holds the fields of a reference file that tests use; a file sets only some of them.
// The JSON names follow statsmodels' result attributes.
type Result struct {
	ParamNames []string     `json:"param_names"`
	Params     []float64    `json:"params"`
	BSE        []float64    `json:"bse"`
	BSERobust  []float64    `json:"bse_robust"`
	BSECluster []float64    `json:"bse_cluster"`
	ConfInt    [][2]float64 `json:"conf_int"` // Wald intervals, printed to 7 significant digits
	LLF        float64      `json:"llf"`
	LLNull     float64      `json:"llnull"`
	LLR        float64      `json:"llr"`
	LLRPValue  float64      `json:"llr_pvalue"`
	PRSquared  float64      `json:"prsquared"`
	AIC        float64      `json:"aic"`
	BIC        float64      `json:"bic"`
	LnAlphaSE  float64      `json:"lnalpha_se"`  // NB2: Stata's SE of ln α
	ResidualSD float64      `json:"residual_sd"` // OLS: √(SSR/(n−k))
	// Labels, AME and AMESE are average marginal effects (Stata's margins, dydx(*)), and
	// AMEFactor and AMEFactorSE the same with the 0/1 regressors as factor variables (i.x),
	// whose effects are discrete changes.
	Labels      []string  `json:"labels"`
	AME         []float64 `json:"ame"`
	AMESE       []float64 `json:"ame_se"`
	AMEFactor   []float64 `json:"ame_factor"`
	AMEFactorSE []float64 `json:"ame_factor_se"`
}

// Read reads the reference file at path, failing the test if it cannot.
func Read(tb testing.TB, path string) Result {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var r Result
	if err := json.Unmarshal(raw, &r); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return r
}
