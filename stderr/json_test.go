package stderr_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/stderr"
)

// TestEstimatesJSON marshals the estimates and the marginal effects of Spector's logit: the
// covariance comes out as rows, the kind as its name, and a NaN as null.
func TestEstimatesJSON(t *testing.T) {
	full, _, x := spector(t, likelihoods.Logit)
	est, err := stderr.New(full, stderr.Robust{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ds := full.Evaluator().Data()
	me, err := stderr.MarginalEffects(est, stderr.MarginsSpec{Data: ds, Design: "x",
		Effects: effects(t, ds, x, []string{"GPA", "TUCE", "PSI", "const"}, []int{0, 1, 2}, nil)})
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Model, Kind string
		Labels      []string
		Params      []float64
		SE          []*float64
		Cov         [][]float64
		Level       float64
	}
	cp := *est
	cp.SE = append([]float64{math.NaN()}, est.SE[1:]...) // a number that does not exist is null
	js, err := json.Marshal(&cp)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &e); err != nil {
		t.Fatal(err)
	}
	if e.Kind != "Robust" || e.Model != "logit" || len(e.Cov) != 4 || e.Cov[1][2] != est.Cov.At(1, 2) || e.SE[0] != nil || *e.SE[1] != est.SE[1] || e.Level != 0.95 {
		t.Errorf("estimates JSON: %s", js)
	}
	js, err = json.Marshal(me)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Response, Kind string
		Labels         []string
		Effect         []float64
		Cov            [][]float64
	}
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	if m.Response != "Pr(y=1)" || m.Kind != "Robust" || len(m.Effect) != 3 || m.Effect[2] != me.Effect[2] || m.Cov[0][0] != me.Cov.At(0, 0) {
		t.Errorf("margins JSON: %s", js)
	}
}

// TestTableFormats prints one table as Markdown and as LaTeX, with characters each must escape.
func TestTableFormats(t *testing.T) {
	tab := &stderr.Table{Title: "log_y on x: 50% & more", Columns: []string{"", "coef", "P>|z|"},
		Rows: [][]string{{"x_1", "1.000000", "0.001"}, {"a|b", "2.000000", "0.500"}, {"N", "32", ""}}, Rules: []int{2},
		Notes: []string{"Costs in $ {thousands} #1."}}
	md := tab.Markdown()
	for _, want := range []string{"**log\\_y on x: 50% & more**", "|  | coef | P>\\|z\\| |", "|:---|---:|---:|", "| a\\|b | 2.000000 | 0.500 |", "\nCosts in $ {thousands} #1.\n"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	tex := tab.LaTeX()
	for _, want := range []string{`\caption{log\_y on x: 50\% \& more}`, `\begin{tabular}{lrr}`, `\toprule`,
		` & coef & P\textgreater{}\textbar{}z\textbar{} \\`, `x\_1 & 1.000000 & 0.001 \\`, "\\midrule\nN & 32 &  \\\\", `\bottomrule`,
		`Costs in \$ \{thousands\} \#1.`} {
		if !strings.Contains(tex, want) {
			t.Errorf("LaTeX lacks %q:\n%s", want, tex)
		}
	}
	if text := tab.String(); strings.Count(text, "\n---") != 2 {
		t.Errorf("text has no thin rule above row 2:\n%s", text)
	}
}
