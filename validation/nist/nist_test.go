package nist_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/validation/nist"
)

// knownFailures lists the fits, "Problem/startN", that do not pass with estimate.NLS's default
// settings, with what was observed. TestNIST still fits them and logs their scores, but does
// not fail on them; it logs a note when one of them passes, so that it can be removed from the
// list. Every other fit must pass. It is empty: all 54 fits pass on the pure Go backend and on
// XLA CPU (Bennett5 and MGH10 from start 1 were the last to, docs/NIST.md and DESIGN.md).
var knownFailures = map[string]string{}

// TestNIST fits every shipped problem from both NIST starts through estimate.NLS with its
// default settings, and requires convergence, nist.MinLRE correct digits in every estimate and
// Problem.RequiredLRE digits in the RSS, the residual standard deviation and the Gauss–Newton
// standard errors (Outcome.Pass), except for the fits in knownFailures. With -v it prints the
// table of docs/NIST.md. Under -short it fits from the second start only.
func TestNIST(t *testing.T) {
	b := testbackend.Get(t)
	var outcomes []*nist.Outcome
	for _, p := range loadAll(t) {
		for start := 1; start <= 2; start++ {
			if testing.Short() && start == 1 {
				continue
			}
			name := fmt.Sprintf("%s/start%d", p.Name, start)
			t.Run(name, func(t *testing.T) {
				o, err := nist.Fit(b, p, start, estimate.NLSSpec{})
				if err != nil {
					t.Fatal(err)
				}
				outcomes = append(outcomes, o)
				if known, ok := knownFailures[name]; ok {
					if pass, why := o.Pass(); pass {
						t.Logf("known failure (%s) now passes: remove it from knownFailures", known)
					} else {
						t.Logf("known failure: %s (%s: %s)", known, o.Report.Result.Status, why)
					}
					return
				}
				res := o.Report.Result
				if !res.Status.Converged() {
					t.Errorf("%s after %d iterations: %s", res.Status, res.Iterations, res.Reason)
				}
				for j, name := range p.Params {
					if o.LRE[j] < nist.MinLRE {
						t.Errorf("%s = %.12g, certified %.10e: LRE %.1f < %d", name, o.Estimates[j], p.Certified[j], o.LRE[j], nist.MinLRE)
					}
					if o.SELRE[j] < p.RequiredLRE() {
						t.Errorf("Gauss–Newton SE of %s = %.10e, certified %.10e: LRE %.1f < %.1f", name, o.GaussNewton.SE[j], p.CertifiedSD[j], o.SELRE[j], p.RequiredLRE())
					}
					if !(o.OIMSE[j] > 0) || math.IsInf(o.OIMSE[j], 0) {
						t.Errorf("observed-information SE of %s = %v", name, o.OIMSE[j])
					}
				}
				if ok, why := o.Pass(); !ok && !t.Failed() {
					t.Errorf("Outcome.Pass: %s", why)
				}
				if o.RSSLRE < p.RequiredLRE() || o.ResidualSDLRE < p.RequiredLRE() {
					t.Errorf("RSS %.10e (certified %.10e), residual SD %.10e (certified %.10e): LRE %.1f and %.1f < %.1f",
						o.RSS, p.RSS, o.ResidualSD, p.ResidualSD, o.RSSLRE, o.ResidualSDLRE, p.RequiredLRE())
				}
			})
		}
	}
	// Every fit run (all 54 without -short or -run) must pass but the known failures.
	passed, want := 0, len(outcomes)
	for _, o := range outcomes {
		if ok, _ := o.Pass(); ok {
			passed++
		}
		if _, known := knownFailures[fmt.Sprintf("%s/start%d", o.Problem.Name, o.Start)]; known {
			want--
		}
	}
	if passed < want {
		t.Errorf("%d of %d fits pass, want %d", passed, len(outcomes), want)
	}
	if testing.Verbose() {
		fmt.Print(nist.Table(outcomes))
	}
}

// TestGaussNewton checks Problem.GaussNewton at the certified estimates against the certified
// standard deviations, which NIST computes the same way. The certified estimates carry 11
// digits and the standard errors move with them through J and the RSS; 8 digits leave room for
// that (the worst problem, Lanczos2, reaches 9). Lanczos1 is skipped: at its certified
// estimates, rounded to 11 digits, the RSS is 3e4 times the certified one (TestCertifiedRSS).
func TestGaussNewton(t *testing.T) {
	b := testbackend.Get(t)
	for _, p := range loadAll(t) {
		if p.AttainableRSSLRE() < 9 {
			continue
		}
		t.Run(p.Name, func(t *testing.T) {
			gn, err := p.GaussNewton(b, p.Certified)
			if err != nil {
				t.Fatal(err)
			}
			if gn.DF() != p.DF {
				t.Errorf("DF %d, want %d", gn.DF(), p.DF)
			}
			cov, err := gn.Cov()
			if err != nil {
				t.Fatal(err)
			}
			for j, name := range p.Params {
				if se := math.Sqrt(cov.At(j, j)); nist.LRE(se, p.CertifiedSD[j]) < 8 {
					t.Errorf("SE of %s = %.10e, certified %.10e: LRE %.1f < 8", name, se, p.CertifiedSD[j], nist.LRE(se, p.CertifiedSD[j]))
				}
			}
		})
	}
}

// TestJacobian checks the automatic-differentiation Jacobian of the mean (GaussNewton.J)
// against central differences of the same mean evaluated on the host, at the certified values,
// for models that use atan (Roszman1), sin and cos (ENSO), a fractional power (Misra1c) and two
// predictors (Nelson). With a step of 1e-6 relative to each parameter central differences are
// accurate to about 1e-8 of a column's scale, so the tolerance is 1e-6 of each column's largest
// entry.
func TestJacobian(t *testing.T) {
	b := testbackend.Get(t)
	for _, name := range []string{"Roszman1", "ENSO", "Misra1c", "Nelson"} {
		t.Run(name, func(t *testing.T) {
			p, err := nist.Load(filepath.Join("..", "..", "data", "nist", name+".dat"))
			if err != nil {
				t.Fatal(err)
			}
			gn, err := p.GaussNewton(b, p.Certified)
			if err != nil {
				t.Fatal(err)
			}
			resid := func(at []float64) []float64 {
				r, err := p.Residuals(at)
				if err != nil {
					t.Fatal(err)
				}
				return r
			}
			n := p.NumObs()
			for j := range p.Params {
				h := 1e-6 * math.Abs(p.Certified[j])
				up, down := slices.Clone(p.Certified), slices.Clone(p.Certified)
				up[j] += h
				down[j] -= h
				ru, rd := resid(up), resid(down)
				scale := 0.0
				for i := range n {
					scale = math.Max(scale, math.Abs(gn.J.At(i, j)))
				}
				for i := range n {
					// r = y − f, so ∂f/∂b = −∂r/∂b.
					fd := -(ru[i] - rd[i]) / (2 * h)
					if math.Abs(gn.J.At(i, j)-fd) > 1e-6*scale {
						t.Fatalf("J[%d,%s] = %.10g, central differences %.10g", i, p.Params[j], gn.J.At(i, j), fd)
					}
				}
			}
		})
	}
}

// TestCLI fits a few problems through the gomle command line with its default settings: it
// writes the data as CSV, runs `gomle nls FORMULA -data FILE -start b1=…,b2=… -json FILE`,
// reads the estimates back from the JSON and requires nist.MinLRE digits in each. Skipped under
// -short (it builds the command).
func TestCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cmd/gomle")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to build cmd/gomle")
	}
	byName := map[string]*nist.Problem{}
	for _, p := range loadAll(t) {
		byName[p.Name] = p
	}
	cases := []struct {
		name  string
		start int
	}{
		{"Misra1a", 1}, {"Misra1a", 2}, {"DanWood", 1}, {"Chwirut2", 2},
		// Problems that gonum's Newton, NLS's previous default, failed and the default trust
		// region solves.
		{"Roszman1", 1}, {"Hahn1", 2}, {"Lanczos1", 1},
	}
	bin := filepath.Join(t.TempDir(), "gomle")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/gomle/gomle/cmd/gomle").CombinedOutput(); err != nil {
		t.Fatalf("go build cmd/gomle: %v\n%s", err, out)
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/start%d", tc.name, tc.start), func(t *testing.T) {
			p := byName[tc.name]
			dir := t.TempDir()
			data := filepath.Join(dir, "data.csv")
			if err := os.WriteFile(data, []byte(csv(t, p)), 0o644); err != nil {
				t.Fatal(err)
			}
			var start []string
			for j, name := range p.Params {
				start = append(start, name+"="+strconv.FormatFloat(p.Starts[tc.start-1][j], 'g', -1, 64))
			}
			js := filepath.Join(dir, "fit.json")
			cmd := exec.Command(bin, "nls", p.Formula(), "-data", data, "-start", strings.Join(start, ","), "-cov", "gn", "-json", js)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
			}
			raw, err := os.ReadFile(js)
			if err != nil {
				t.Fatal(err)
			}
			var rep struct {
				Converged    bool
				Covariance   string
				Coefficients []struct {
					Name      string
					Value, SE float64
				}
			}
			if err := json.Unmarshal(raw, &rep); err != nil {
				t.Fatal(err)
			}
			est := make([]float64, len(p.Params))
			for j, name := range p.Params {
				if j >= len(rep.Coefficients) || rep.Coefficients[j].Name != name {
					t.Fatalf("coefficients %+v, want %s first", rep.Coefficients, strings.Join(p.Params, ", "))
				}
				est[j] = rep.Coefficients[j].Value
			}
			o, err := nist.Assess(p, tc.start, est)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Converged || o.MinLRE() < nist.MinLRE || o.RSSLRE < p.RequiredLRE() {
				t.Errorf("converged %v, LRE %.1f, RSS LRE %.1f: want convergence and %d digits", rep.Converged, o.LRE, o.RSSLRE, nist.MinLRE)
			}
			// -cov gn reports NIST's certified standard deviations.
			for j, name := range p.Params {
				if lre := nist.LRE(rep.Coefficients[j].SE, p.CertifiedSD[j]); rep.Covariance != "Gauss-Newton" || lre < p.RequiredLRE() {
					t.Errorf("%s: %s SE %.10e, certified %.10e (LRE %.1f)", name, rep.Covariance, rep.Coefficients[j].SE, p.CertifiedSD[j], lre)
				}
			}
		})
	}
}

// csv returns the problem's data as CSV with a header, every value in shortest round-trip
// form so the command line reads exactly the numbers the API fits.
func csv(t *testing.T, p *nist.Problem) string {
	t.Helper()
	names := p.Data.Names()
	cols := make([][]float64, len(names))
	for j, name := range names {
		cols[j], _ = p.Data.Column(name)
	}
	var b strings.Builder
	b.WriteString(strings.Join(names, ",") + "\n")
	for i := range p.NumObs() {
		for j := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatFloat(cols[j][i], 'g', -1, 64))
		}
		b.WriteByte('\n')
	}
	return b.String()
}
