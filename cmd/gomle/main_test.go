package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomle/gomle/frame"
)

// gomle runs the command line in-process and returns its exit status, standard output and
// standard error.
func gomle(args ...string) (int, string, string) {
	var out, errw bytes.Buffer
	code := run(args, &out, &errw)
	return code, out.String(), errw.String()
}

// TestFitCommand runs the README's examples: a logit on the Spector data and a Poisson with
// exposure and cluster-robust errors on the ships data, the latter with -json. The numbers
// themselves are checked against Stata in package estimate; here the command must print them,
// write the same ones as JSON and exit 0.
func TestFitCommand(t *testing.T) {
	code, out, errs := gomle("fit", "logit", "GRADE ~ GPA + TUCE + PSI", "-data", "../../data/spector.csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"Model: logit", "Observations: 32", "Pseudo R2 = 0.3740", "GPA", "Intercept", "Average marginal effects", "converged"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	js := filepath.Join(t.TempDir(), "ships.json")
	code, out, errs = gomle("fit", "poisson", "accident ~ yr_con + op_75_79", "-data", "../../data/ships.csv",
		"-exposure", "service", "-cov", "cluster:ship", "-json", js)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	raw, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Observations, Dropped int
		Covariance            string
		LogLike               float64
		Coefficients          []struct {
			Name      string
			Value, SE float64
		}
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Observations != 34 || rep.Dropped != 6 || rep.Covariance != "Cluster" || len(rep.Coefficients) != 3 {
		t.Errorf("JSON %+v", rep)
	}
	for _, c := range rep.Coefficients {
		if !strings.Contains(out, c.Name) {
			t.Errorf("printed summary lacks %s", c.Name)
		}
	}
}

// TestEFormAndOLSFlags checks -eform, -ml and the usage errors of options a model does not
// take (exit 2, naming the model and the flag).
func TestEFormAndOLSFlags(t *testing.T) {
	spector, longley := "../../data/spector.csv", "../../data/longley.csv"
	code, out, errs := gomle("fit", "logit", "GRADE ~ GPA + TUCE + PSI", "-data", spector, "-eform", "-nomargins")
	if code != 0 || !strings.Contains(out, "Odds ratio") || !strings.Contains(out, "16.879715") {
		t.Errorf("-eform: exit %d, %s\n%s", code, errs, out)
	}
	code, out, errs = gomle("fit", "ols", "TOTEMP ~ GNPDEFL + GNP + UNEMP + ARMED + POP + YEAR", "-data", longley, "-nomargins")
	if code != 0 || !strings.Contains(out, "890420.383607") || !strings.Contains(out, "F(6, 9) = 330.2853") {
		t.Errorf("ols: exit %d, %s\n%s", code, errs, out)
	}
	code, out, errs = gomle("fit", "ols", "TOTEMP ~ GNPDEFL + GNP + UNEMP + ARMED + POP + YEAR", "-data", longley, "-nomargins", "-ml")
	if code != 0 || !strings.Contains(out, "sigma") || strings.Contains(out, "P>|t|") {
		t.Errorf("ols -ml: exit %d, %s\n%s", code, errs, out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"fit", "probit", "GRADE ~ GPA", "-data", spector, "-eform"}, "probit does not take -eform"},
		{[]string{"fit", "ols", "GRADE ~ GPA", "-data", spector, "-eform"}, "ols does not take -eform"},
		{[]string{"fit", "logit", "GRADE ~ GPA", "-data", spector, "-ml"}, "logit does not take -ml"},
		{[]string{"fit", "logit", "GRADE ~ GPA", "-data", spector, "-nomargins", "-atmeans"}, "-nomargins"},
	} {
		code, _, errs := gomle(tc.args...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%q: exit %d, %q; want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
}

// TestNLSCommand runs the README's nonlinear regression example on NIST's Misra1a.
func TestNLSCommand(t *testing.T) {
	code, out, errs := gomle("nls", "y ~ b1*(1-exp(-b2*x))", "-data", "../../data/misra1a.csv", "-start", "b1=500,b2=1e-4")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"Model: nls", "b1", "238.94", "Residual sum of squares 0.1245513"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestBadInput checks that every kind of bad command line gives a message that names the
// problem and a non-zero exit status: 2 for usage errors, 1 for bad data or specifications.
func TestBadInput(t *testing.T) {
	spector := "../../data/spector.csv"
	dir := t.TempDir()
	ragged := filepath.Join(dir, "ragged.csv")
	if err := os.WriteFile(ragged, []byte("y,x\n1,2\n3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	text := filepath.Join(dir, "text.csv")
	if err := os.WriteFile(text, []byte("y,x\n1,2\n0,abc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Outcomes without a maximum likelihood estimate (issue 14, item 4). zero.csv is the
	// issue's: printf 'y,x\n0,1\n0,2\n0,3\n0,4\n0,5\n' > zero.csv.
	zero := filepath.Join(dir, "zero.csv")
	ones := filepath.Join(dir, "ones.csv")
	separated := filepath.Join(dir, "separated.csv")
	under := filepath.Join(dir, "under.csv")
	for file, body := range map[string]string{
		zero:      "y,x\n0,1\n0,2\n0,3\n0,4\n0,5\n",
		ones:      "y,x\n1,1\n1,2\n1,3\n1,4\n",
		separated: "y,x,d\n0,0.3,1\n0,1.2,1\n2,0.5,0\n1,0.8,0\n3,1.5,0\n0,0.9,0\n4,1.1,0\n0,0.4,1\n",
		under:     "y,x\n2,0.1\n2,0.2\n3,0.3\n2,0.4\n3,0.5\n2,0.6\n3,0.7\n3,0.8\n2,0.9\n3,1.0\n",
	} {
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", nil, 2, "usage"},
		{"unknown command", []string{"fitt"}, 2, `unknown command "fitt"`},
		{"no data", []string{"fit", "logit", "GRADE ~ GPA"}, 2, "-data FILE is required"},
		{"missing formula", []string{"fit", "logit", "-data", spector}, 2, "fit takes a model and a formula"},
		{"unknown flag", []string{"fit", "logit", "GRADE ~ GPA", "-dta", spector}, 2, "-dta"},
		{"bad number", []string{"fit", "tobit", "GRADE ~ GPA", "-data", spector, "-ll", "zero"}, 2, "not a number"},
		{"missing file", []string{"fit", "logit", "GRADE ~ GPA", "-data", filepath.Join(dir, "none.csv")}, 1, "none.csv"},
		{"unknown model", []string{"fit", "lgoit", "GRADE ~ GPA", "-data", spector}, 2, `unknown model "lgoit"`},
		{"option of another model", []string{"fit", "logit", "GRADE ~ GPA", "-data", spector, "-ll", "0", "-group", "PSI"}, 2, "logit does not take -group, -ll"},
		{"effects at the means of choice data", []string{"fit", "clogit", "choice ~ ttme", "-data", "../../data/modechoice.csv", "-group", "individual", "-atmeans"}, 1, "not defined for choice data"},
		{"unknown prediction", []string{"fit", "logit", "GRADE ~ GPA", "-data", spector, "-predict", "hazard"}, 1, `no prediction "hazard" (predictions: "Pr(y=1)")`},
		{"unknown column", []string{"fit", "logit", "GRADE ~ GPAA", "-data", spector}, 1, "GPAA"},
		{"malformed formula", []string{"fit", "logit", "GRADE GPA", "-data", spector}, 1, "~"},
		{"ragged row", []string{"fit", "ols", "y ~ x", "-data", ragged}, 1, "line 3"},
		{"non-numeric cell", []string{"fit", "ols", "y ~ x", "-data", text}, 1, `"abc"`},
		{"bad start", []string{"nls", "y ~ b1*x", "-data", spector, "-start", "b1"}, 2, "not name=value"},
		{"unknown covariance", []string{"fit", "logit", "GRADE ~ GPA", "-data", spector, "-cov", "hc3"}, 1, `unknown covariance "hc3" (oim, opg, robust, cluster:COLUMN, bootstrap:REPS[:SEED], or gn for nls)`},
		{"cluster without column", []string{"fit", "logit", "GRADE ~ GPA", "-data", spector, "-cov", "cluster:"}, 1, `covariance "cluster:" names no column; write cluster:COLUMN`},
		{"Gauss-Newton outside nls", []string{"fit", "logit", "GRADE ~ GPA", "-data", spector, "-cov", "gn"}, 1, "is for nonlinear regression (NLS), not logit"},
		{"unknown method", []string{"nls", "GRADE ~ b1*GPA", "-data", spector, "-start", "b1=1", "-method", "simplex"}, 1, `unknown method "simplex" (trust, newton, bfgs, lbfgs or bhhh)`},
		{"level 100", []string{"fit", "logit", "GRADE ~ GPA", "-data", spector, "-level", "100"}, 2, "give a percentage between 1 and 100"},
		{"level 1", []string{"fit", "logit", "GRADE ~ GPA", "-data", spector, "-level", "1"}, 2, "-level"},
		{"level not a number", []string{"fit", "logit", "GRADE ~ GPA", "-data", spector, "-level", "ninety"}, 2, "not a number"},
		{"unknown weight kind", []string{"fit", "logit", "GRADE ~ GPA", "-data", spector, "-weights", "iw:PSI"}, 2, `unknown kind "iw"`},
		{"weights without column", []string{"fit", "logit", "GRADE ~ GPA", "-data", spector, "-weights", "fw"}, 2, "want KIND:COLUMN"},
		{"fractional frequency weights", []string{"fit", "logit", "GRADE ~ PSI", "-data", spector, "-weights", "fw:GPA"}, 1, "frequency weight GPA is not an integer (2.66) in data row 1"},
		{"OIM under sampling weights", []string{"fit", "logit", "GRADE ~ PSI", "-data", spector, "-weights", "pw:GPA", "-cov", "oim"}, 1, "need the robust or cluster covariance"},
		{"unknown function", []string{"nls", "GRADE ~ b1*expp(GPA)", "-data", spector, "-start", "b1=1"}, 1, `unknown function "expp"`},
		{"counts all zero", []string{"fit", "poisson", "y ~ x", "-data", zero}, 1, "poisson: y is 0 in every row used; the maximum likelihood estimate does not exist"},
		{"tobit all censored", []string{"fit", "tobit", "y ~ x", "-data", zero, "-ll", "0"}, 1, "every observation is censored (5 at the lower limit, 0 at the upper); the maximum likelihood estimate does not exist"},
		{"constant binary outcome", []string{"fit", "probit", "y ~ x", "-data", ones}, 1, "probit: y is 1 in every row used"},
		{"counts separated by a dummy", []string{"fit", "poisson", "y ~ x + d", "-data", separated}, 1, "d = 0 in every row with y > 0 and d = 1 in data rows 1, 2, 8 (where y = 0), so the maximum likelihood estimate does not exist"},
		{"nbreg without overdispersion", []string{"fit", "nbreg", "y ~ x", "-data", under}, 1, "y is not overdispersed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := gomle(tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and a message containing %q", code, errs, tc.code, tc.want)
			}
		})
	}
}

// TestNotConverged checks that a fit stopped by its iteration limit prints the summary with a
// warning and exits 3.
func TestNotConverged(t *testing.T) {
	code, out, errs := gomle("fit", "logit", "GRADE ~ GPA + TUCE + PSI", "-data", "../../data/spector.csv", "-maxiter", "1")
	if code != 3 || !strings.Contains(out, "WARNING") || !strings.Contains(errs, "did not converge") {
		t.Errorf("exit %d, stdout:\n%s\nstderr: %s", code, out, errs)
	}
}

// TestLevelFlag fits the README's logit at -level 90 and -level 0.9: both print 90% intervals,
// headed [0.05 and 0.95], and the same JSON, whose Level is 0.9. With -json - standard output
// holds the JSON alone.
func TestLevelFlag(t *testing.T) {
	var outs []string
	for _, lv := range []string{"90", "0.9"} {
		args := []string{"fit", "logit", "GRADE ~ GPA + TUCE + PSI", "-data", "../../data/spector.csv", "-level", lv}
		code, text, errs := gomle(args...)
		if code != 0 {
			t.Fatalf("-level %s: exit %d: %s", lv, code, errs)
		}
		if !strings.Contains(text, "[0.05") || !strings.Contains(text, "0.95]") {
			t.Errorf("-level %s: output lacks the 90%% heads:\n%s", lv, text)
		}
		code, out, errs := gomle(append(args, "-json", "-")...)
		var js struct{ Level float64 }
		if err := json.Unmarshal([]byte(out), &js); code != 0 || err != nil || js.Level != 0.9 {
			t.Errorf("-level %s -json -: exit %d (%s), level %v, not JSON alone (%v):\n%s", lv, code, errs, js.Level, err, out)
		}
		outs = append(outs, stripTimes(text)+stripTimes(out))
	}
	if outs[0] != outs[1] {
		t.Errorf("-level 90 and -level 0.9 differ:\n%s\n---\n%s", outs[0], outs[1])
	}
}

// stripTimes drops the lines that report run times and the JSON's time of saving, which
// differ between runs.
func stripTimes(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.Contains(l, "Optimizer:") && !strings.Contains(l, `"Seconds"`) && !strings.Contains(l, `"Created"`) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// TestPredictionsFlag writes the ships data with the Poisson fit's predictions: every input
// row, the rows dropped for missing values left empty, and the mean equal to exp(xb).
func TestPredictionsFlag(t *testing.T) {
	out := filepath.Join(t.TempDir(), "pred.csv")
	code, _, errs := gomle("fit", "poisson", "accident ~ yr_con + op_75_79", "-data", "../../data/ships.csv", "-exposure", "service", "-predictions", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	in, err := frame.ReadFile("../../data/ships.csv", frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := frame.ReadFile(out, frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() != in.Len() {
		t.Fatalf("%d rows, want the input's %d", got.Len(), in.Len())
	}
	for _, name := range []string{"xb", "se(xb)", "E[y]", "se(E[y])", "resid", "pearson", "deviance"} {
		if _, err := got.Column(name); err != nil {
			t.Fatalf("column %q: %v (columns %q)", name, err, got.Names())
		}
	}
	service, _ := got.Column("service")
	xb, _ := got.Column("xb")
	mu, _ := got.Column("E[y]")
	used := 0
	for i := range xb {
		if math.IsNaN(service[i]) != math.IsNaN(xb[i]) {
			t.Fatalf("row %d: service %v but xb %v", i+1, service[i], xb[i])
		}
		if !math.IsNaN(xb[i]) {
			used++
			if math.Abs(mu[i]-math.Exp(xb[i])) > 1e-12*mu[i] {
				t.Errorf("row %d: E[y] %v, exp(xb) %v", i+1, mu[i], math.Exp(xb[i]))
			}
		}
	}
	if used != 34 {
		t.Errorf("%d rows with predictions, want the 34 complete ones", used)
	}
	if code, _, errs := gomle("fit", "clogit", "choice ~ ttme", "-data", "../../data/modechoice.csv", "-group", "individual", "-predictions", out); code != 1 || !strings.Contains(errs, "choice data") {
		t.Errorf("clogit -predictions: exit %d, %q", code, errs)
	}
}

// TestDevicesFlag fits on three devices where the backend has them: the same table as on one,
// and the report says where the rows went; a bad -devices is an error naming it.
func TestDevicesFlag(t *testing.T) {
	args := []string{"fit", "nbreg", "accident ~ yr_con + op_75_79", "-data", "../../data/ships.csv", "-exposure", "service", "-nomargins"}
	if code, _, errs := gomle(append(args, "-devices", "two")...); code != 1 || !strings.Contains(errs, `-devices "two"`) {
		t.Errorf("-devices two: exit %d, %q", code, errs)
	}
	if code, _, errs := gomle(append(args, "-devices", "99")...); code != 1 || !strings.Contains(errs, "device(s)") {
		t.Errorf("-devices 99: exit %d, %q", code, errs)
	}
	code, one, errs := gomle(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(one, "backend xla") {
		t.Skip("one device on this backend")
	}
	code, three, errs := gomle(append(args, "-devices", "3")...)
	if code != 0 {
		t.Fatalf("-devices 3: exit %d: %s", code, errs)
	}
	if !strings.Contains(three, "rows sharded over devices [0 1 2]") {
		t.Errorf("the report does not name the devices:\n%s", three)
	}
	table := func(s string) string { return s[strings.Index(s, "\n\n"):] } // below the header
	if table(one) != table(three) {
		t.Errorf("tables differ between one and three devices:\n%s\n%s", table(one), table(three))
	}
}
