package estimate_test

import (
	"math"
	"testing"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/stderr"
)

// TestEveryModelOnDevices fits every ready-made model on the shipped data with its rows sharded
// over three devices (no data set here divides by three evenly) and checks the log-likelihood,
// the estimates and the OIM and robust standard errors against the one-device fit to 1e-12.
// It needs a backend with at least three devices (XLA CPU has 4).
func TestEveryModelOnDevices(t *testing.T) {
	b := testbackend.Get(t)
	if b.NumDevices() < 3 {
		t.Skipf("the %s backend has %d device(s)", b.Name(), b.NumDevices())
	}
	base := 0.0
	zero := 0.0
	cases := []struct {
		data string
		spec estimate.Spec
	}{
		// Not Longley: its X'X has a condition number near 1e13, which turns the different order
		// of the sums over three devices (rounding, 1e-16) into 5e-8 in its robust errors.
		{"spector.csv", estimate.Spec{Model: "ols", Formula: "GPA ~ TUCE + PSI + GRADE"}},
		{"spector.csv", estimate.Spec{Model: "logit", Formula: "GRADE ~ GPA + TUCE + PSI"}},
		{"spector.csv", estimate.Spec{Model: "probit", Formula: "GRADE ~ GPA + TUCE + PSI"}},
		{"ships.csv", estimate.Spec{Model: "poisson", Formula: "accident ~ yr_con + op_75_79", Exposure: "service"}},
		{"ships.csv", estimate.Spec{Model: "nbreg", Formula: "accident ~ yr_con + op_75_79", Exposure: "service"}},
		{"ships.csv", estimate.Spec{Model: "tobit", Formula: "accident ~ yr_con + op_75_79", Options: likelihoods.Options{Lower: &zero}}},
		{"anes96.csv", estimate.Spec{Model: "mlogit", Formula: "PID ~ selfLR + age + educ", Options: likelihoods.Options{Base: &base}}},
		{"anes96.csv", estimate.Spec{Model: "ologit", Formula: "PID ~ selfLR + age + educ"}},
		{"anes96.csv", estimate.Spec{Model: "oprobit", Formula: "PID ~ selfLR + age + educ"}},
		{"modechoice.csv", estimate.Spec{Model: "clogit", Formula: "choice ~ ttme + invc + invt + gc", Group: "individual"}},
		{"ships.csv", estimate.Spec{Model: "weibull", Formula: "service ~ yr_con + co_65_69", Failure: "op_75_79"}},
		{"ships.csv", estimate.Spec{Model: "exponential", Formula: "service ~ yr_con"}},
	}
	for _, tc := range cases {
		t.Run(tc.spec.Model, func(t *testing.T) {
			f := readFrame(t, "../data/"+tc.data)
			for _, cov := range []stderr.Covariance{nil, stderr.Robust{}} {
				spec := tc.spec
				spec.Cov = cov
				spec.Margins.Off = true
				one, err := estimate.Fit(b, f, spec)
				if err != nil {
					t.Fatal(err)
				}
				spec.Settings.Devices = []int{0, 1, 2}
				three, err := estimate.Fit(b, f, spec)
				if err != nil {
					t.Fatal(err)
				}
				if len(three.Result.Devices) != 3 {
					t.Errorf("devices recorded: %v", three.Result.Devices)
				}
				pairs := [][2]float64{{three.Result.LogLike, one.Result.LogLike}}
				for i := range one.Estimates.Params {
					pairs = append(pairs, [2]float64{three.Estimates.Params[i], one.Estimates.Params[i]},
						[2]float64{three.Estimates.SE[i], one.Estimates.SE[i]})
				}
				for _, p := range pairs {
					if math.Abs(p[0]-p[1]) > 1e-12*math.Max(math.Abs(p[1]), 1e-8) {
						t.Errorf("covariance %v: three devices %v, one device %v", one.Estimates.Kind, p[0], p[1])
					}
				}
			}
		})
	}
}
