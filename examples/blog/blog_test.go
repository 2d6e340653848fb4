package blog_test

import (
	"fmt"
	"log"
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/examples/blog"
	"github.com/gomle/gomle/optim"
)

// ExampleRun reproduces the blog at a small size and compares every method with OLS.
func ExampleRun() {
	cfg := blog.DefaultConfig()
	cfg.N, cfg.K = 2000, 6
	cfg.Methods = []string{"lbfgs", "newton"}
	rep, err := blog.Run(cfg)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range rep.Methods {
		fmt.Printf("%s: %s, within 1e-6 of OLS: %v\n", m.Name, m.Status, m.MaxAbsDiff < 1e-6)
	}
	// Output:
	// L-BFGS: converged (gradient), within 1e-6 of OLS: true
	// Newton: converged (gradient), within 1e-6 of OLS: true
}

func TestRun(t *testing.T) {
	cfg := blog.DefaultConfig()
	cfg.N, cfg.K = 800, 3 // fewer than five coefficients: Table 1 and the figures show them all
	cfg.Methods = []string{"ols", "sgd", "newton"}
	cfg.SGDRate = 1e-3
	var recorded, done int
	cfg.Progress = func(string) (func(optim.Iteration), func()) {
		return func(optim.Iteration) { recorded++ }, func() { done++ }
	}
	rep, err := blog.Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if recorded == 0 || done != 2 {
		t.Errorf("progress: %d records, %d done calls; want some records and 2 done calls", recorded, done)
	}
	tables := rep.Tables(5)
	if len(tables) != 3 || len(tables[0].Rows) != 4 || !strings.Contains(tables[2].String(), "OLS") {
		t.Errorf("tables: %d tables, %d rows in the first (want 3 and b0..b2 + sigma), OLS timing row shown", len(tables), len(tables[0].Rows))
	}
	for i, v := range rep.Methods[1].Estimates { // Newton
		if math.Abs(v-rep.OLS.Estimates[i]) > 1e-6 {
			t.Errorf("Newton %s = %v, OLS %v", rep.Labels[i], v, rep.OLS.Estimates[i])
		}
	}
	figs, err := rep.Figures()
	if err != nil || len(figs) != 3 {
		t.Fatalf("figures: %d, %v", len(figs), err)
	}
	for _, f := range figs {
		if png, err := f.Figure.PNG(); err != nil || len(png) == 0 {
			t.Errorf("figure %s: %d bytes of PNG, %v", f.Name, len(png), err)
		}
	}

	cfg.Methods = []string{"lbfgs", "nelder-mead"}
	if _, err := blog.Run(cfg); err == nil || !strings.Contains(err.Error(), `unknown method "nelder-mead"`) {
		t.Errorf("unknown method: error %v", err)
	}
}
