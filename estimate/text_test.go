package estimate_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/stderr"
)

// TestTextColumns fits a logit with a text factor read from a file, and checks it against the
// same model with the factor coded as numbers, and the uses a text column cannot have.
func TestTextColumns(t *testing.T) {
	// 200 rows: y from a logit in x and the group (a, b, c, coded 1, 2, 3 in gnum).
	rng := rand.New(rand.NewPCG(1, 1))
	var b strings.Builder
	b.WriteString("y,x,g,gnum,e\n")
	for i := range 200 {
		x, k := rng.NormFloat64(), i%3
		y := 0
		if rng.Float64() < 1/(1+math.Exp(-(0.5*x+0.7*float64(k)-0.6))) {
			y = 1
		}
		fmt.Fprintf(&b, "%d,%.4f,%c,%d,1\n", y, x, 'a'+k, k+1)
	}
	f, err := frame.ReadCSV(strings.NewReader(b.String()), frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	be := testbackend.Get(t)
	text, err := estimate.Fit(be, f, estimate.Spec{Model: "logit", Formula: `y ~ x + C(g, Treatment("b"))`,
		Cov: stderr.Cluster{}, Cluster: "g"})
	if err != nil {
		t.Fatal(err)
	}
	nums, err := estimate.Fit(be, f, estimate.Spec{Model: "logit", Formula: "y ~ x + C(gnum, Treatment(2))",
		Cov: stderr.Cluster{}, Cluster: "gnum"})
	if err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]string{{"x", "x"}, {`C(g, Treatment("b"))[T.a]`, "C(gnum, Treatment(2))[T.1]"},
		{`C(g, Treatment("b"))[T.c]`, "C(gnum, Treatment(2))[T.3]"}} {
		bt, st := coef(t, text, pair[0])
		bn, sn := coef(t, nums, pair[1])
		// The same data and design: the same fit, to rounding.
		if !closeTo(bt, bn, 1e-9) || !closeTo(st, sn, 1e-9) {
			t.Errorf("%s: %g (SE %g), %s: %g (SE %g); want them equal", pair[0], bt, st, pair[1], bn, sn)
		}
	}
	if text.Margins == nil || !slices.Contains(text.Margins.Labels, "g=c") {
		t.Errorf("margins labels %v, want g=a and g=c", text.Margins)
	}

	for _, tc := range []struct {
		name string
		spec estimate.Spec
	}{
		{"text offset", estimate.Spec{Model: "poisson", Formula: "y ~ x", Offset: "g"}},
		{"text exposure", estimate.Spec{Model: "poisson", Formula: "y ~ x", Exposure: "g"}},
		{"text in a function", estimate.Spec{Model: "logit", Formula: "y ~ exp(g)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := estimate.Fit(be, f, tc.spec)
			wantErr(t, err, `column "g" is text ("a" on line 2)`)
		})
	}
	_, err = estimate.NLS(be, f, estimate.NLSSpec{Formula: "y ~ b1*g", Start: map[string]float64{"b1": 1}})
	wantErr(t, err, `column "g" is text ("a" on line 2)`)
}
