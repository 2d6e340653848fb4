package blog_test

import (
	"bytes"
	"encoding/gob"
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

	// A report read back from encoding/gob (as GoNB's cache stores it) gives the same tables
	// and figures.
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(rep); err != nil {
		t.Fatalf("gob: %v", err)
	}
	var back blog.Report
	if err := gob.NewDecoder(&buf).Decode(&back); err != nil {
		t.Fatalf("gob: %v", err)
	}
	for i, tab := range back.Tables(5) {
		if got, want := tab.String(), tables[i].String(); got != want {
			t.Errorf("table %d read back:\n%s\nwant\n%s", i+1, got, want)
		}
	}
	backFigs, err := back.Figures()
	if err != nil || len(backFigs) != len(figs) {
		t.Fatalf("figures read back: %d, %v", len(backFigs), err)
	}
	for i, f := range backFigs {
		a, _ := f.Figure.PNG()
		b, _ := figs[i].Figure.PNG()
		if !bytes.Equal(a, b) {
			t.Errorf("figure %s differs when read back", f.Name)
		}
	}

	cfg.Methods = []string{"lbfgs", "nelder-mead"}
	if _, err := blog.Run(cfg); err == nil || !strings.Contains(err.Error(), `unknown method "nelder-mead"`) {
		t.Errorf("unknown method: error %v", err)
	}
}
