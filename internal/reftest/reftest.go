// Package reftest holds the reference results that tests compare with, JSON files of numbers
// published by Stata, R or NIST with their sources named (testdata/README.md), and reads them
// for any test in the module: the files are embedded, so a test binary finds them wherever it
// runs. It also checks exact derivatives against finite differences (CheckDerivatives).
package reftest

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

//go:embed testdata/*.json testdata/ordered/*.json
var files embed.FS

// Result holds the fields of a reference file that tests use; a file sets only some of them,
// and Has says which. The JSON names follow statsmodels' result attributes.
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
	DFModel    float64      `json:"df_model"` // degrees of freedom of the LR test of all slopes
	PRSquared  float64      `json:"prsquared"`
	AIC        float64      `json:"aic"`
	BIC        float64      `json:"bic"`
	LnAlphaSE  float64      `json:"lnalpha_se"`  // NB2: Stata's SE of ln α
	ResidualSD float64      `json:"residual_sd"` // OLS: √(SSR/(n−k))
	BSEHC1     []float64    `json:"bse_HC1"`     // OLS: HC1 SEs, n/(n−k) times White's
	// Labels, AME and AMESE are average marginal effects (Stata's margins, dydx(*)), and
	// AMEFactor and AMEFactorSE the same with the 0/1 regressors as factor variables (i.x),
	// whose effects are discrete changes.
	Labels      []string  `json:"labels"`
	AME         []float64 `json:"-"`
	AMESE       []float64 `json:"-"`
	AMEFactor   []float64 `json:"ame_factor"`
	AMEFactorSE []float64 `json:"ame_factor_se"`
	// Ordered models (testdata/ordered, from R): the effects of the variables AMEVars on the
	// probability of each outcome, one row per outcome, averaged over the observations
	// (AMEByOutcome, its "ame") or at the means of the design's columns (MEM).
	AMEVars        []string    `json:"ame_vars"`
	AMEByOutcome   [][]float64 `json:"-"`
	AMEByOutcomeSE [][]float64 `json:"-"`
	MEM            [][]float64 `json:"mem"`
	MEMSE          [][]float64 `json:"mem_se"`

	keys map[string]bool
}

// Has reports whether the file sets the JSON field key, such as "llnull".
func (r *Result) Has(key string) bool { return r.keys[key] }

// UnmarshalJSON reads a reference file. Its "ame" and "ame_se" are a vector of effects (Stata's
// margins) or a matrix with one row per outcome (R's ordered models).
func (r *Result) UnmarshalJSON(b []byte) error {
	type plain Result // without this method
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = Result(p)
	r.keys = make(map[string]bool, len(raw))
	for k := range raw {
		r.keys[k] = true
	}
	for key, dst := range map[string]struct {
		vec *[]float64
		mat *[][]float64
	}{"ame": {&r.AME, &r.AMEByOutcome}, "ame_se": {&r.AMESE, &r.AMEByOutcomeSE}} {
		v, ok := raw[key]
		if !ok {
			continue
		}
		if t := bytes.TrimSpace(v); len(t) > 1 && t[0] == '[' && bytes.HasPrefix(bytes.TrimSpace(t[1:]), []byte("[")) {
			if err := json.Unmarshal(v, dst.mat); err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
		} else if err := json.Unmarshal(v, dst.vec); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	return nil
}

// Read reads the reference file name of testdata/ (for example "spector_logit.json" or
// "ordered/anes96_ologit.json"), failing the test if it cannot.
func Read(tb testing.TB, name string) Result {
	tb.Helper()
	raw, err := files.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	var r Result
	if err := json.Unmarshal(raw, &r); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return r
}

// Names lists the reference files, as Read names them ("spector_logit.json",
// "ordered/anes96_ologit.json"), sorted.
func Names() []string {
	var names []string
	_ = fs.WalkDir(files, "testdata", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			names = append(names, strings.TrimPrefix(path, "testdata/"))
		}
		return err
	})
	return names
}
