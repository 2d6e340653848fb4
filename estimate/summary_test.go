package estimate_test

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/stderr"
)

// savedCase is a fit whose report must survive a trip through JSON.
type savedCase struct {
	name string
	fit  func() (*estimate.Report, error)
}

// savedCases each exercise a part of the report: margins, least squares, clusters, several
// equations, eform, weights, omitted regressors, the bootstrap, a nonlinear regression.
func savedCases(t *testing.T) []savedCase {
	b := testbackend.Get(t)
	data := map[string]string{"spector": "../data/spector.csv", "ships": "../data/ships.csv", "longley": "../data/longley.csv",
		"anes": "../data/anes96.csv", "weighted": "testdata/weights/spector_w.csv", "misra": "../data/misra1a.csv"}
	fit := func(file string, s estimate.Spec) func() (*estimate.Report, error) {
		return func() (*estimate.Report, error) { return estimate.Fit(b, readFrame(t, data[file]), s) }
	}
	base := 0.0
	const ships = "accident ~ yr_con + op_75_79"
	return []savedCase{
		{"logit margins", fit("spector", estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI"})},
		{"logit at means 90", fit("spector", estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + C(PSI)", Level: 0.9, Margins: estimate.MarginsChoice{AtMeans: true}})},
		{"ols", fit("longley", estimate.Spec{Model: "ols", Formula: "TOTEMP ~ GNPDEFL + GNP + UNEMP + ARMED + POP + YEAR"})},
		{"ols ml", fit("longley", estimate.Spec{Model: "ols", Formula: "TOTEMP ~ GNP + UNEMP", ML: true})},
		{"nbreg cluster", fit("ships", estimate.Spec{Model: "nbreg", Formula: ships, Exposure: "service", Cov: stderr.Cluster{}, Cluster: "ship"})},
		{"mlogit", fit("anes", estimate.Spec{Model: "mlogit", Formula: "PID ~ log(popul + 0.1) + selfLR + age + educ + income", Options: likelihoods.Options{Base: &base}})},
		{"poisson eform", fit("ships", estimate.Spec{Model: "poisson", Formula: ships, Exposure: "service", EForm: true})},
		{"logit fw", fit("weighted", estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI", Weights: estimate.Weights{Kind: estimate.FrequencyWeights, Column: "fw"}})},
		{"logit pw", fit("weighted", estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI", Weights: estimate.Weights{Kind: estimate.SamplingWeights, Column: "pw"}})},
		{"ols aw robust", fit("weighted", estimate.Spec{Model: "ols", Formula: "GPA ~ TUCE + PSI", Cov: stderr.Robust{}, Weights: estimate.Weights{Kind: estimate.AnalyticWeights, Column: "pw"}})},
		{"poisson omitted", fit("ships", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con + op_75_79 + I(2*yr_con)", Exposure: "service"})},
		{"poisson bootstrap", fit("ships", estimate.Spec{Model: "poisson", Formula: ships, Exposure: "service", Cov: stderr.Bootstrap{Reps: 20, Seed: 1}})},
		{"nls", func() (*estimate.Report, error) {
			return estimate.NLS(b, readFrame(t, data["misra"]), estimate.NLSSpec{Formula: "y ~ b1*(1-exp(-b2*x))",
				Start: map[string]float64{"b1": 500, "b2": 1e-4}, Cov: stderr.GaussNewton{}})
		}},
	}
}

// TestSavedReport saves each case as JSON, loads it back, and requires the loaded report to
// print byte for byte what the live one prints, in every format; the JSON written again from the
// loaded summary must equal the first.
func TestSavedReport(t *testing.T) {
	for _, tc := range savedCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := tc.fit()
			if err != nil {
				t.Fatal(err)
			}
			js, err := rep.JSON()
			if err != nil {
				t.Fatal(err)
			}
			s, err := estimate.Load(bytes.NewReader(js))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []struct {
				name       string
				live, load string
			}{
				{"text", rep.String(), s.String()},
				{"HTML", rep.HTML(), s.HTML()},
				{"Markdown", rep.Markdown(), s.Markdown()},
				{"LaTeX", rep.LaTeX(), s.LaTeX()},
			} {
				if f.live != f.load {
					t.Errorf("%s differs after a trip through JSON:\n%s\n--- loaded:\n%s", f.name, f.live, f.load)
				}
			}
			again, err := s.JSON()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, js) {
				t.Errorf("JSON differs when written again:\n%s\n---\n%s", js, again)
			}
			if len(s.Cov) != len(s.Coefficients) || s.Schema != estimate.SchemaVersion {
				t.Errorf("schema %q, covariance %d×? for %d coefficients", s.Schema, len(s.Cov), len(s.Coefficients))
			}
			e := rep.Shown
			if e == nil {
				e = rep.Estimates
			}
			for i := range s.Cov {
				for j := range s.Cov {
					if s.Cov[i][j] != e.Cov.At(i, j) {
						t.Fatalf("Cov[%d][%d] = %v, want %v", i, j, s.Cov[i][j], e.Cov.At(i, j))
					}
				}
				if se := math.Sqrt(s.Cov[i][i]); !closeTo(se, s.Coefficients[i].SE, 1e-14) { // eform: exp(b)·se against √(exp(b)²·se²), an ulp apart
					t.Errorf("%s: SE %v is not √Cov = %v", s.Coefficients[i].Name, s.Coefficients[i].SE, se)
				}
			}
		})
	}
}

// TestReportMarshal checks that json.Marshal of a *Report writes its Summary.
func TestReportMarshal(t *testing.T) {
	rep, err := estimate.Fit(testbackend.Get(t), readFrame(t, "../data/spector.csv"), estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI"})
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Schema          string
		Coefficients    []estimate.Coef
		Cov             [][]float64
		MarginalEffects []estimate.Coef
		MarginsCov      [][]float64
		LLNull          *float64
	}
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatal(err)
	}
	if got.Schema != estimate.SchemaVersion || len(got.Coefficients) != 4 || len(got.Cov) != 4 || len(got.MarginsCov) != 3 || got.LLNull == nil {
		t.Errorf("JSON: %s", js)
	}
}

// TestLoadErrors checks that what is not a report of this schema is refused, saying why.
func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"not JSON", "Model: logit", "not a JSON report"},
		{"no schema", `{"Model": "logit", "Coefficients": []}`, "no Schema field"},
		{"other schema", `{"Schema": "gomle.report/2"}`, `schema "gomle.report/2", this gomle reads "gomle.report/1"`},
		{"bad covariance", `{"Schema": "gomle.report/1", "Coefficients": [{"Name": "x"}], "Cov": []}`, "covariance has 0 rows for 1 coefficients"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := estimate.Load(strings.NewReader(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestSummaryNull writes a coefficient that does not exist (NaN) as null and reads it back as NaN.
func TestSummaryNull(t *testing.T) {
	s := &estimate.Summary{Schema: estimate.SchemaVersion, Coefficients: []estimate.Coef{{Name: "x", Value: 1, SE: math.NaN(), Z: math.Inf(1)}},
		Cov: estimate.Matrix{{math.NaN()}}}
	js, err := s.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"SE": null`) || !strings.Contains(string(js), `"Z": null`) {
		t.Errorf("NaN and Inf are not null:\n%s", js)
	}
	back, err := estimate.Load(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	if c := back.Coefficients[0]; c.Value != 1 || !math.IsNaN(c.SE) || !math.IsNaN(back.Cov[0][0]) {
		t.Errorf("read back %+v, %v", c, back.Cov)
	}
}
